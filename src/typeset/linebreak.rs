//! Total-fit line breaking: a paragraph's boxes, glue and penalties → the breaks that
//! minimise the demerits summed over all its lines, with each line's adjustment ratio.
//!
//! Pure computation over widths: knows nothing of fonts, shaping, hyphenation
//! patterns, pages or the PDF; reads no files and prints nothing. It never fails and
//! never panics: every non-empty paragraph gets breaks, and in the worst case (a box
//! wider than the line) the overfull lines are listed for the caller to report.
//!
//! Method: Knuth & Plass, "Breaking paragraphs into lines", Software—Practice and
//! Experience 11 (1981), as TeX implements it (tex.web §813–890). One walk over the
//! items tries each legal break against the *active nodes* — the earlier breaks a
//! line could still start from, one per (break, line number, fitness class). A break
//! that ends a feasible line becomes an active node remembering its cheapest
//! predecessor; the cheapest node at the final break is traced back. Passes, each run
//! only when the ones before found no way through:
//! 1. at `pretolerance`, without taking hyphenation points (TeX's first pass);
//! 2. at `tolerance`, with them;
//! 3. at `tolerance`, with `emergency_stretch` added to every line's stretch;
//! 4. with any underfull line allowed; where every line from every active node would
//!    be overfull (a box wider than the line), the line from the latest node is taken
//!    anyway and reported (TeX's "artificial demerits").
//!
//! Cost: O(items × active nodes) time and O(items) memory per pass. A node is dropped
//! as soon as the line from it is overfull even with all its shrink, so the active
//! nodes are the breaks within one line's reach, at most four each (fitness classes);
//! lines after the last change of `line_width` share their nodes, so line numbers do
//! not multiply them. A paragraph is thus linear in its items. `looseness != 0` must
//! keep every line count apart and can approach quadratic time, as in TeX.
//!
//! Departures from the paper, each for a reason:
//! - a line ending at a forced break is feasible however loose (a `\n` line or an
//!   empty line between two forced breaks is ragged, not an error);
//! - final-hyphen demerits apply before every forced break, not only the last;
//! - a node is dropped on the width without the break's own hyphen, which keeps the
//!   test exact (a hyphen that does not fit does not rule out the next break).
//! - the last pass allows any underfull line rather than keeping `tolerance` (TeX
//!   does), so a line is overfull only when no set of breaks avoids it.

use std::cmp::Ordering;

use crate::typeset::doc::Pt;

/// A penalty this large forbids a break; its negative forces one (TeX's 10,000).
pub const INFINITY_PENALTY: f32 = 10_000.0;

/// Demerits, summed over a paragraph's lines. f64: a long paragraph adds thousands of
/// terms up to 10⁸, and the sums must still tell a difference of ten apart.
type Cost = f64;

/// Badness of a line stretched "infinitely" (TeX's inf_bad): 100·|r|³ stops here, and
/// a line this bad is feasible only at a forced break or in the last pass.
const INF_BAD: Cost = 10_000.0;
/// (line_penalty + badness)² once line_penalty + badness reaches INF_BAD, as in TeX:
/// one hopeless line must not swamp the differences between the others.
const MAX_LINE_DEMERITS: Cost = 1.0e8;
/// Slack when comparing lengths, in points: f32 widths summed along a line drift by
/// ~10⁻⁴ pt, and a thousandth of a point is far below anything visible.
const EPSILON: f64 = 1e-3;
/// Largest magnitude of any length, in points: an infinite stretch (parfillskip as
/// `f32::INFINITY`) is clamped to it so running sums stay finite and subtractable.
const MAX_LENGTH: f64 = 1.0e9;

/// Default tolerance: TeX's plain `\tolerance`; TYPESETTING.md's pass with
/// hyphenation. Lines up to r ≈ 1.26 are feasible.
const TOLERANCE: f32 = 200.0;
/// Default pretolerance: TeX's plain `\pretolerance`; TYPESETTING.md's first pass,
/// without hyphenation, for lines with r ≤ 1.
const PRETOLERANCE: f32 = 100.0;
/// Default line penalty: K&P and TeX; makes fewer lines cheaper at equal badness.
const LINE_PENALTY: f32 = 10.0;
/// Default double-hyphen demerits: TeX's `\doublehyphendemerits`, TYPESETTING.md.
const FLAGGED_DEMERITS: f32 = 10_000.0;
/// Default final-hyphen demerits: TeX's `\finalhyphendemerits`, TYPESETTING.md.
const FINAL_HYPHEN_DEMERITS: f32 = 5_000.0;
/// Default fitness demerits: TeX's `\adjdemerits`, TYPESETTING.md.
const FITNESS_DEMERITS: f32 = 10_000.0;
/// Default longest run of lines ending in a hyphen: two. TeX only charges
/// `\doublehyphendemerits` for a pair; a third in a row (a "ladder") is what the eye
/// catches, so past two it is no longer a choice (TYPESETTING.md; Bringhurst 2.4.3).
const MAX_HYPHEN_RUN: usize = 2;
/// Default font expansion: glyphs may be set this much wider or narrower (pdfTeX's
/// microtype default is ±2%, `stretch=20, shrink=20`), which gives a line of 60
/// letters about as much give as three more spaces and so fewer hyphens and fewer
/// loose lines. Beyond ±2% the letters' change of width starts to be visible.
const EXPANSION: f32 = 0.02;
/// Expansion is taken in steps of this much (microtype's `step=5`, 0.5%), so that a
/// page holds a few widths of each face, not one per line.
const EXPANSION_STEP: f32 = 0.005;
/// Default emergency stretch: TeX's is 0; this is about 2em of 10.5pt body text
/// (LaTeX's `\sloppy` uses 3em), enough to spread a hard paragraph's extra space over
/// all its lines rather than leave one line hugely loose or overfull.
const EMERGENCY_STRETCH: Pt = 20.0;

/// One element of a paragraph, in the order set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item {
    /// Unbreakable material (a shaped word fragment).
    Box { width: Pt },
    /// Space: a legal break when it follows a box.
    Glue { width: Pt, stretch: Pt, shrink: Pt },
    /// A possible break with a cost; `width` is added at the end of the line if broken
    /// here (a hyphen). `flagged` marks hyphen breaks (for double-hyphen demerits).
    /// penalty >= INFINITY_PENALTY forbids a break; <= -INFINITY_PENALTY forces one.
    Penalty {
        width: Pt,
        penalty: f32,
        flagged: bool,
    },
}

/// How lines are judged. Demerits per line are (line_penalty + badness)² ± penalty²
/// plus the extras below; badness is 100·|r|³ for adjustment ratio r.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Largest badness of a feasible line in the main passes.
    pub tolerance: f32,
    /// Largest badness in a first pass that takes no hyphenation points (flagged
    /// penalties that add a hyphen's width); negative skips that pass.
    pub pretolerance: f32,
    /// Added to every line's badness before squaring: fewer lines are cheaper.
    pub line_penalty: f32,
    /// Two hyphenated (flagged) lines in a row.
    pub flagged_demerits: f32,
    /// The line before a forced break (the last line) ends hyphenated.
    pub final_hyphen_demerits: f32,
    /// Adjacent lines' fitness classes differ by more than one.
    pub fitness_demerits: f32,
    /// Lines more (positive) or fewer (negative) than the optimum, if feasible.
    pub looseness: i32,
    /// Extra stretch per line in the emergency pass; ≤ 0 skips that pass. It only
    /// steers the choice: reported ratios are against the real stretch.
    pub emergency_stretch: Pt,
    /// Most lines in a row that may end hyphenated (flagged) in the main passes; 0
    /// for no limit. The last pass, which must find a way, has none.
    pub max_hyphen_run: usize,
    /// Largest change of the glyphs' width (0.02 = ±2%), which adds to every line's
    /// stretch and shrink as much of its boxes' `flex`; 0 turns it off.
    pub expansion: f32,
    /// Expansion is rounded to a multiple of this; 0 leaves it as computed.
    pub expansion_step: f32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            tolerance: TOLERANCE,
            pretolerance: PRETOLERANCE,
            line_penalty: LINE_PENALTY,
            flagged_demerits: FLAGGED_DEMERITS,
            final_hyphen_demerits: FINAL_HYPHEN_DEMERITS,
            fitness_demerits: FITNESS_DEMERITS,
            looseness: 0,
            emergency_stretch: EMERGENCY_STRETCH,
            max_hyphen_run: MAX_HYPHEN_RUN,
            expansion: EXPANSION,
            expansion_step: EXPANSION_STEP,
        }
    }
}

/// One chosen break: index into items of the glue/penalty where the line ends, and
/// the adjustment ratio of the line that ends there (negative = shrunk).
///
/// The ratio is against the line's own glue: 0 for a line with nothing to stretch,
/// at least −1 (an overfull line reports −1 if it has shrink), and tiny for a last
/// line whose slack goes to parfillskip.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    pub index: usize,
    pub ratio: f32,
    /// The break is at a flagged penalty.
    pub hyphenated: bool,
    /// Width of the line's expandable boxes over their natural width (1 when
    /// nothing is expanded); `ratio` is what the glue takes after it.
    pub scale: f32,
}

/// What a line gains from the glyphs at its ends and from their width, beyond its
/// glue (pdfTeX's margin kerning and font expansion), given per item.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Extra {
    /// A line that starts with this box may reach this far into the start margin.
    pub start_hang: Pt,
    /// A line that ends at this break may reach this far into the end margin (the
    /// hyphen's share, or the box before it's last glyph's).
    pub end_hang: Pt,
    /// How much of this box's width may be expanded or condensed (its glyphs; 0
    /// for a picture).
    pub flex: Pt,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// In order; the last is at the last item. Line n runs from just after break n−1
    /// (or the first item), less the glue and penalties that follow a break, to
    /// break n.
    pub breaks: Vec<Break>,
    /// Lines (0-based) whose natural width minus all shrink still exceeds the line
    /// width: only possible when nothing else fits (a long unbreakable word); the
    /// caller reports them.
    pub overfull: Vec<usize>,
}

/// Breaks `items` into lines, `line_width(n)` wide for line n (0-based), so a first
/// line can be narrower (indent) or a paragraph can wrap around something.
///
/// The caller ends every paragraph with the usual finishing items: Penalty{INFINITY}
/// (no break before the end), Glue{0, stretch: huge (parfillskip), 0},
/// Penalty{-INFINITY forced}. Without them the last item still ends the last line.
/// Empty `items` give no breaks; anything else gives at least one.
pub fn linebreak(items: &[Item], line_width: &dyn Fn(usize) -> Pt, params: &Params) -> Outcome {
    solve(items, &[], line_width, params).0
}

/// `linebreak`, with what each item adds at a line's ends and to its give
/// (`extras[i]` for `items[i]`; an empty slice for nothing).
pub fn linebreak_with(
    items: &[Item],
    extras: &[Extra],
    line_width: &dyn Fn(usize) -> Pt,
    params: &Params,
) -> Outcome {
    solve(items, extras, line_width, params).0
}

/// What a run cost, for tests that must show it stays linear.
#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    /// Most active nodes at once, over all passes.
    max_active: usize,
    /// Passes run (1–4).
    passes: usize,
}

/// `linebreak`, also telling what it cost.
fn solve(
    items: &[Item],
    extras: &[Extra],
    line_width: &dyn Fn(usize) -> Pt,
    params: &Params,
) -> (Outcome, Stats) {
    let mut stats = Stats::default();
    if items.is_empty() {
        let none = Outcome {
            breaks: Vec::new(),
            overfull: Vec::new(),
        };
        return (none, stats);
    }
    let par = Paragraph::new(items, extras, line_width, params);
    let tolerance = Cost::from(params.tolerance);
    let emergency = length(params.emergency_stretch).max(0.0);
    let mut bounded = Vec::new();
    if params.pretolerance >= 0.0 {
        bounded.push(Pass {
            tolerance: Cost::from(params.pretolerance),
            hyphenate: false,
            background: 0.0,
            rescue: false,
        });
    }
    bounded.push(Pass {
        tolerance,
        hyphenate: true,
        background: 0.0,
        rescue: false,
    });
    if emergency > 0.0 {
        bounded.push(Pass {
            tolerance,
            hyphenate: true,
            background: emergency,
            rescue: false,
        });
    }
    // A pass that misses the looseness is kept; a later pass may meet it.
    let mut kept = None;
    for pass in &bounded {
        stats.passes += 1;
        if let Some(found) = par.run(pass, params, &mut stats) {
            let met = found.looseness_met;
            kept = Some(found.outcome);
            if met {
                break;
            }
        }
    }
    let outcome = kept.unwrap_or_else(|| {
        stats.passes += 1;
        let last = Pass {
            tolerance: Cost::INFINITY,
            hyphenate: true,
            background: emergency,
            rescue: true,
        };
        match par.run(&last, params, &mut stats) {
            Some(found) => found.outcome,
            // Unreachable: the last pass always reaches the end. Still, never panic.
            None => par.forced_only(),
        }
    });
    (outcome, stats)
}

/// How one pass judges lines.
struct Pass {
    tolerance: Cost,
    /// Whether hyphenation points are legal breaks.
    hyphenate: bool,
    /// Extra stretch every line is assumed to have (emergency stretch).
    background: f64,
    /// Whether an overfull line is taken when nothing else is left.
    rescue: bool,
}

/// A pass's answer.
struct Found {
    outcome: Outcome,
    looseness_met: bool,
}

/// How loose a line is; neighbours more than one class apart cost fitness demerits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fitness {
    /// r < −0.5
    Tight,
    Decent,
    /// 0.5 < r ≤ 1
    Loose,
    /// r > 1
    VeryLoose,
}

impl Fitness {
    fn of(r: f64) -> Fitness {
        if r < -0.5 {
            Fitness::Tight
        } else if r > 1.0 {
            Fitness::VeryLoose
        } else if r > 0.5 {
            Fitness::Loose
        } else {
            Fitness::Decent
        }
    }
}

/// Running totals of the items before an index.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    width: f64,
    stretch: f64,
    shrink: f64,
    /// Width of boxes that may be expanded.
    flex: f64,
}

/// A legal break as the programme sees it.
#[derive(Debug, Clone, Copy)]
struct Breakpoint {
    /// Width added to the line when it ends here: a hyphen, or the box itself when
    /// the items end without a penalty.
    width: f64,
    /// 0 for a forced break, whose penalty adds no demerits.
    penalty: Cost,
    flagged: bool,
    forced: bool,
}

/// How a line from one node to one break sits.
#[derive(Debug, Clone, Copy)]
struct Fit {
    badness: Cost,
    fitness: Fitness,
    overfull: bool,
}

/// A break the programme has reached (or the paragraph's start, which has no `prev`).
#[derive(Debug, Clone, Copy)]
struct Node {
    /// Item the line before ends at.
    at: usize,
    /// The node the line before starts from, by index into the pass's nodes.
    prev: Option<usize>,
    /// Lines before this break: the line starting here has this number.
    line: usize,
    /// First item of the line starting here (glue and penalties after a break go).
    start: usize,
    fitness: Fitness,
    flagged: bool,
    /// Lines ending flagged in a row, this one's included.
    hyphens: usize,
    total: Cost,
    /// The line's glue ratio and glyph scale, for the caller.
    ratio: f32,
    scale: f32,
    overfull: bool,
}

impl Node {
    /// The paragraph's start: its first line starts at item 0, nothing dropped, and
    /// counts as decent for the first line's fitness demerits (as in TeX).
    const ROOT: Node = Node {
        at: 0,
        prev: None,
        line: 0,
        start: 0,
        fitness: Fitness::Decent,
        flagged: false,
        hyphens: 0,
        total: 0.0,
        ratio: 0.0,
        scale: 1.0,
        overfull: false,
    };
}

/// The items with what every pass needs precomputed.
struct Paragraph<'a> {
    items: &'a [Item],
    /// Empty, or one per item.
    extras: &'a [Extra],
    /// The largest `end_hang` of any item: how far past its width a line can
    /// still be set.
    max_end_hang: f64,
    /// `Params::expansion`, as a length factor.
    expansion: f64,
    /// `Params::expansion_step`.
    step: f64,
    /// `sums[i]`: totals of items `0..i`; `items.len() + 1` entries.
    sums: Vec<Sums>,
    /// `next_start[i]`: the first box or forced penalty at or after `i`.
    next_start: Vec<usize>,
    /// Width of every line the paragraph could have.
    widths: Vec<f64>,
    /// Lines from this number on all have the same width, so nodes whose lines are
    /// past it are interchangeable except for their count.
    easy: usize,
}

/// A length as the programme uses it: finite, NaN as zero.
fn length(x: Pt) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        f64::from(x).clamp(-MAX_LENGTH, MAX_LENGTH)
    }
}

impl<'a> Paragraph<'a> {
    fn new(
        items: &'a [Item],
        extras: &'a [Extra],
        line_width: &dyn Fn(usize) -> Pt,
        params: &Params,
    ) -> Self {
        let keep_line_numbers = params.looseness != 0;
        // Extras that do not match the items are ignored rather than misread.
        let extras = if extras.len() == items.len() {
            extras
        } else {
            &[]
        };
        let mut sums = Vec::with_capacity(items.len() + 1);
        let mut sum = Sums::default();
        sums.push(sum);
        for (i, item) in items.iter().enumerate() {
            match *item {
                Item::Box { width } => {
                    sum.width += length(width);
                    sum.flex += extras.get(i).map_or(0.0, |e| length(e.flex).max(0.0));
                }
                Item::Glue {
                    width,
                    stretch,
                    shrink,
                } => {
                    sum.width += length(width);
                    sum.stretch += length(stretch);
                    sum.shrink += length(shrink);
                }
                Item::Penalty { .. } => {}
            }
            sums.push(sum);
        }
        let mut next_start = vec![items.len(); items.len() + 1];
        for i in (0..items.len()).rev() {
            next_start[i] = match items[i] {
                Item::Box { .. } => i,
                Item::Penalty { penalty, .. } if penalty <= -INFINITY_PENALTY => i,
                _ => next_start[i + 1],
            };
        }
        let max_end_hang = extras
            .iter()
            .map(|e| length(e.end_hang))
            .fold(0.0, f64::max);
        let mut par = Paragraph {
            items,
            extras,
            max_end_hang,
            expansion: length(params.expansion).clamp(0.0, 0.5),
            step: length(params.expansion_step).max(0.0),
            sums,
            next_start,
            widths: Vec::new(),
            easy: 0,
        };
        // No paragraph has more lines than legal breaks, so these are all the widths
        // ever asked for, and `easy` is exact.
        let most = (0..items.len())
            .filter(|&i| par.breakpoint(i, true).is_some())
            .count();
        par.widths = (0..=most).map(|n| length(line_width(n))).collect();
        let mut easy = par.widths.len() - 1;
        while easy > 0 && par.widths[easy - 1] == par.widths[easy] {
            easy -= 1;
        }
        par.easy = if keep_line_numbers { usize::MAX } else { easy };
        par
    }

    /// The break at item `i`, if it is a legal one in this pass.
    fn breakpoint(&self, i: usize, hyphenate: bool) -> Option<Breakpoint> {
        let last = i + 1 == self.items.len();
        let plain = |width, forced| Breakpoint {
            width,
            penalty: 0.0,
            flagged: false,
            forced,
        };
        match self.items[i] {
            Item::Box { width } => last.then(|| plain(length(width), true)),
            Item::Glue { .. } => {
                let after_box = i > 0 && matches!(self.items[i - 1], Item::Box { .. });
                (last || after_box).then(|| plain(0.0, last))
            }
            Item::Penalty {
                width,
                penalty,
                flagged,
            } => {
                let forced = last || penalty <= -INFINITY_PENALTY;
                // A NaN penalty is no break either.
                if !forced && (penalty.is_nan() || penalty >= INFINITY_PENALTY) {
                    return None;
                }
                if !forced && !hyphenate && flagged && width > 0.0 {
                    return None;
                }
                Some(Breakpoint {
                    width: length(width),
                    penalty: if forced { 0.0 } else { Cost::from(penalty) },
                    flagged,
                    forced,
                })
            }
        }
    }

    /// Natural width, stretch and shrink of items `start..end`.
    fn measure(&self, start: usize, end: usize) -> Sums {
        let (a, b) = (self.sums[start], self.sums[end]);
        Sums {
            width: b.width - a.width,
            stretch: b.stretch - a.stretch,
            shrink: b.shrink - a.shrink,
            flex: b.flex - a.flex,
        }
    }

    /// The glue of a line with its glyphs' give added (font expansion).
    fn give(&self, line: Sums) -> Sums {
        let extra = line.flex * self.expansion;
        Sums {
            stretch: line.stretch + extra,
            shrink: line.shrink + extra,
            ..line
        }
    }

    /// How much wider than its measure a line starting at item `start` and
    /// ending at break `end` may be set: its hanging punctuation (`end` past the
    /// items: the start's alone).
    fn hang(&self, start: usize, end: usize) -> f64 {
        if self.extras.is_empty() {
            return 0.0;
        }
        let first = match self.items.get(start) {
            Some(Item::Box { .. }) => length(self.extras[start].start_hang),
            _ => 0.0,
        };
        first + self.extras.get(end).map_or(0.0, |e| length(e.end_hang))
    }

    /// The room for a line from node `from` to break `i`: its measure and what
    /// hangs at its ends.
    fn room(&self, from: &Node, i: usize) -> f64 {
        self.width(from.line) + self.hang(from.start.min(i), i)
    }

    /// How a line of natural width `natural` (its hyphen included) and these
    /// totals sits in `room`: its glyphs' scale, a multiple of the step within the
    /// expansion, and the ratio its glue takes for the rest. Ratios are against
    /// the real glue: 0 when there is none, at least −1.
    fn adjust(&self, natural: f64, line: Sums, room: f64) -> (f32, f32) {
        let shortfall = room - natural;
        if shortfall.abs() <= EPSILON {
            return (0.0, 1.0);
        }
        let (glue, flex) = if shortfall > 0.0 {
            (line.stretch, line.flex * self.expansion)
        } else {
            (line.shrink, line.flex * self.expansion)
        };
        let mut scale = 0.0;
        if flex > 0.0 && glue + flex > 0.0 {
            // The glyphs take their share of the line's total give.
            let r = (shortfall / (glue + flex)).clamp(-1.0, 1.0);
            scale = r * self.expansion;
            if self.step > 0.0 && glue > 0.0 {
                let steps = scale / self.step;
                // Rounded, unless that leaves the glue to give back what the
                // glyphs took too much of: then towards zero.
                let rounded = steps.round() * self.step;
                scale = if (shortfall - rounded * line.flex) * shortfall >= 0.0 {
                    rounded
                } else {
                    steps.trunc() * self.step
                };
            }
        }
        let rest = shortfall - scale * line.flex;
        let ratio = if glue > 0.0 {
            let r = rest / glue;
            if shortfall > 0.0 {
                r
            } else {
                r.max(-1.0)
            }
        } else {
            0.0
        };
        (ratio as f32, (1.0 + scale) as f32)
    }

    fn width(&self, line: usize) -> f64 {
        self.widths[line.min(self.widths.len() - 1)]
    }

    /// The next line's number, as far as it matters for the lines still to come.
    fn class(&self, line: usize) -> usize {
        line.min(self.easy)
    }

    /// One pass of the dynamic programme; `None` if no line sequence is feasible.
    fn run(&self, pass: &Pass, params: &Params, stats: &mut Stats) -> Option<Found> {
        // Never below 0, or the pruning below could drop a class's best node.
        let fitness_demerits = Cost::from(params.fitness_demerits).max(0.0);
        let mut nodes = vec![Node::ROOT];
        let mut active = vec![0];
        let mut next = Vec::new();
        // Best new node per (line class, fitness), sorted by class.
        let mut table: Vec<(usize, Slots)> = Vec::new();
        for i in 0..self.items.len() {
            let Some(bp) = self.breakpoint(i, pass.hyphenate) else {
                continue;
            };
            table.clear();
            next.clear();
            // The node to take an overfull line from if nothing else is left.
            let mut rescue: Option<usize> = None;
            for &a in &active {
                let from = nodes[a];
                let line = self.measure(from.start.min(i), i);
                let room = self.room(&from, i);
                let natural = line.width + bp.width;
                let fit = fit(natural, self.give(line), room, pass.background);
                let allowed = pass.rescue || !blocked(params, &from, &bp, pass.background > 0.0);
                if !fit.overfull && allowed && (bp.forced || fit.badness <= pass.tolerance) {
                    let total = from.total + demerits(params, &fit, &bp, &from);
                    let node = self.node(i, a, &from, &bp, &fit, total, (natural, line, room));
                    offer(&mut table, self.class(from.line + 1), node, params);
                }
                // Every later line from `from` is at least this wide, and has
                // at most this much room.
                let reach = self.width(from.line)
                    + self.hang(from.start.min(i), usize::MAX)
                    + self.max_end_hang;
                let dies = bp.forced || line.width - self.give(line).shrink > reach + EPSILON;
                if !dies {
                    next.push(a);
                } else if rescue.is_none_or(|r| later(&from, &nodes[r])) {
                    rescue = Some(a);
                }
            }
            if pass.rescue && table.is_empty() && next.is_empty() {
                if let Some(a) = rescue {
                    let from = nodes[a];
                    let line = self.measure(from.start.min(i), i);
                    let room = self.room(&from, i);
                    let natural = line.width + bp.width;
                    let fit = fit(natural, self.give(line), room, pass.background);
                    let node = self.node(i, a, &from, &bp, &fit, from.total, (natural, line, room));
                    offer(&mut table, self.class(from.line + 1), node, params);
                }
            }
            for (_, slots) in &table {
                // A node dearer than the best of its class with as many hyphens
                // in a row by more than any one line's fitness demerits can never
                // win: their lines to come cost the same otherwise.
                let mut best = [Cost::INFINITY; HYPHEN_STATES];
                for node in slots.iter().flatten() {
                    let h = hyphen_state(node, params);
                    best[h] = best[h].min(node.total);
                }
                for node in slots.iter().flatten() {
                    let limit = best[hyphen_state(node, params)] + fitness_demerits;
                    // Not `<=`: a NaN from NaN parameters must still leave a node.
                    if node.total.partial_cmp(&limit) != Some(Ordering::Greater) {
                        next.push(nodes.len());
                        nodes.push(*node);
                    }
                }
            }
            std::mem::swap(&mut active, &mut next);
            stats.max_active = stats.max_active.max(active.len());
            if active.is_empty() {
                return None;
            }
        }
        // The last item is a forced break: only nodes there are left.
        Some(self.choose(&nodes, &active, params.looseness))
    }

    /// The new node for a line from node `a` (`from`) to break `i`; `set` is the
    /// line's natural width, totals and room, for its ratio and scale.
    #[allow(clippy::too_many_arguments)]
    fn node(
        &self,
        i: usize,
        a: usize,
        from: &Node,
        bp: &Breakpoint,
        fit: &Fit,
        total: Cost,
        set: (f64, Sums, f64),
    ) -> Node {
        let (ratio, scale) = self.adjust(set.0, set.1, set.2);
        Node {
            at: i,
            prev: Some(a),
            line: from.line + 1,
            start: self.next_start[i + 1],
            fitness: fit.fitness,
            flagged: bp.flagged,
            hyphens: if bp.flagged { from.hyphens + 1 } else { 0 },
            total,
            ratio,
            scale,
            overfull: fit.overfull,
        }
    }

    /// The best of the final nodes (TeX's looseness rule when asked), traced back.
    fn choose(&self, nodes: &[Node], finals: &[usize], looseness: i32) -> Found {
        let mut best = finals[0];
        for &a in &finals[1..] {
            if nodes[a].total < nodes[best].total {
                best = a;
            }
        }
        let mut looseness_met = true;
        if looseness != 0 {
            let goal = i64::from(looseness);
            let optimum = nodes[best].line as i64;
            let mut actual = 0;
            for &a in finals {
                let diff = nodes[a].line as i64 - optimum;
                if (diff < actual && goal <= diff) || (diff > actual && goal >= diff) {
                    best = a;
                    actual = diff;
                } else if diff == actual && nodes[a].total < nodes[best].total {
                    best = a;
                }
            }
            looseness_met = actual == goal;
        }
        let mut chain = Vec::new();
        let mut k = best;
        while let Some(prev) = nodes[k].prev {
            chain.push(nodes[k]);
            k = prev;
        }
        chain.reverse();
        let outcome = Outcome {
            breaks: chain
                .iter()
                .map(|n| Break {
                    index: n.at,
                    ratio: n.ratio,
                    hyphenated: n.flagged,
                    scale: n.scale,
                })
                .collect(),
            overfull: chain
                .iter()
                .enumerate()
                .filter(|(_, n)| n.overfull)
                .map(|(line, _)| line)
                .collect(),
        };
        Found {
            outcome,
            looseness_met,
        }
    }

    /// A line per forced break, for the impossible case that the last pass fails.
    fn forced_only(&self) -> Outcome {
        let mut breaks = Vec::new();
        let mut overfull = Vec::new();
        let mut start = 0;
        for i in 0..self.items.len() {
            let Some(bp) = self.breakpoint(i, true).filter(|bp| bp.forced) else {
                continue;
            };
            let line = self.measure(start.min(i), i);
            let room = self.width(breaks.len()) + self.hang(start.min(i), i);
            let natural = line.width + bp.width;
            let fit = fit(natural, self.give(line), room, 0.0);
            if fit.overfull {
                overfull.push(breaks.len());
            }
            let (ratio, scale) = self.adjust(natural, line, room);
            breaks.push(Break {
                index: i,
                ratio,
                hyphenated: bp.flagged,
                scale,
            });
            start = self.next_start[i + 1];
        }
        Outcome { breaks, overfull }
    }
}

/// Nodes kept apart at one break: by hyphens in a row, 0, 1 or 2 and more (with no
/// limit on hyphens, all in the first).
const HYPHEN_STATES: usize = 3;
/// Nodes kept at one break for one line class: fitness × hyphen state.
const SLOTS: usize = 4 * HYPHEN_STATES;
type Slots = [Option<Node>; SLOTS];

/// Which hyphen state `node` is in: how many lines in a row end hyphenated there,
/// as far as the limit can tell them apart.
fn hyphen_state(node: &Node, params: &Params) -> usize {
    if params.max_hyphen_run == 0 {
        0
    } else {
        node.hyphens.min(HYPHEN_STATES - 1)
    }
}

/// Whether the hyphen rules forbid the line from `from` ending at `bp`: a third
/// flagged line in a row (more than `max_hyphen_run`), or a paragraph's last line
/// after a hyphenated one (its last word broken; TeX only charges
/// `\finalhyphendemerits`). No rule without a limit. In the emergency pass
/// (`emergency`) the last word may be broken, at the final-hyphen demerits,
/// rather than leave the line before it with spaces three times their width
/// ("Goldmeier, Recom-/mendations (2006).").
fn blocked(params: &Params, from: &Node, bp: &Breakpoint, emergency: bool) -> bool {
    let max = params.max_hyphen_run;
    max > 0
        && ((bp.flagged && !bp.forced && from.hyphens >= max)
            || (bp.forced && from.flagged && !emergency))
}

/// Offers a candidate node for (class, its fitness); the cheapest stays, the first
/// of equals (so the result does not depend on anything but the items).
fn offer(table: &mut Vec<(usize, Slots)>, class: usize, node: Node, params: &Params) {
    let k = match table.binary_search_by_key(&class, |e| e.0) {
        Ok(k) => k,
        Err(k) => {
            table.insert(k, (class, [None; SLOTS]));
            k
        }
    };
    let slot = &mut table[k].1[node.fitness as usize * HYPHEN_STATES + hyphen_state(&node, params)];
    if slot.is_none_or(|old| node.total < old.total) {
        *slot = Some(node);
    }
}

/// Whether `a` is a later break than `b` (ties: cheaper), for the rescue line,
/// which should be as short as it can.
fn later(a: &Node, b: &Node) -> bool {
    let (ka, kb) = ((a.prev.is_some(), a.at), (b.prev.is_some(), b.at));
    ka > kb || (ka == kb && a.total < b.total)
}

/// How a line of this natural width (hyphen included) and this give sits in
/// `width`, `background` stretch added for judging it.
fn fit(natural: f64, glue: Sums, width: f64, background: f64) -> Fit {
    let shortfall = width - natural;
    if shortfall > EPSILON {
        let stretch = glue.stretch + background;
        let r = if stretch > 0.0 {
            shortfall / stretch
        } else {
            f64::INFINITY
        };
        Fit {
            badness: badness(r),
            fitness: Fitness::of(r),
            overfull: false,
        }
    } else if shortfall < -EPSILON && -shortfall > glue.shrink + EPSILON {
        Fit {
            badness: INF_BAD + 1.0,
            fitness: Fitness::Tight,
            overfull: true,
        }
    } else if shortfall < -EPSILON && glue.shrink > 0.0 {
        let r = (shortfall / glue.shrink).max(-1.0);
        Fit {
            badness: badness(r),
            fitness: Fitness::of(r),
            overfull: false,
        }
    } else {
        Fit {
            badness: 0.0,
            fitness: Fitness::Decent,
            overfull: false,
        }
    }
}

/// 100·|r|³, at most INF_BAD.
fn badness(r: f64) -> Cost {
    (100.0 * r.abs().powi(3)).min(INF_BAD)
}

/// Demerits of the line from `from` ending at `bp` (TYPESETTING.md, tex.web §859).
fn demerits(params: &Params, fit: &Fit, bp: &Breakpoint, from: &Node) -> Cost {
    let base = Cost::from(params.line_penalty) + fit.badness;
    let mut d = if base.abs() >= INF_BAD {
        MAX_LINE_DEMERITS
    } else {
        base * base
    };
    if bp.penalty > 0.0 {
        d += bp.penalty * bp.penalty;
    } else if bp.penalty < 0.0 {
        d -= bp.penalty * bp.penalty;
    }
    if bp.flagged && from.flagged {
        d += Cost::from(params.flagged_demerits);
    }
    if bp.forced && from.flagged {
        d += Cost::from(params.final_hyphen_demerits);
    }
    if (fit.fitness as i32 - from.fitness as i32).abs() > 1 {
        d += Cost::from(params.fitness_demerits);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    /// parfillskip: "infinite" stretch against ordinary glue.
    const FILL: Pt = 100_000.0;

    fn word(width: Pt) -> Item {
        Item::Box { width }
    }

    /// An interword space of a justified book face: w, w/2, w/3.
    fn space() -> Item {
        Item::Glue {
            width: 4.0,
            stretch: 2.0,
            shrink: 4.0 / 3.0,
        }
    }

    /// A hyphenation point: a 3 pt hyphen if broken, penalty 50 (TYPESETTING.md).
    fn hyphen_point() -> Item {
        Item::Penalty {
            width: 3.0,
            penalty: 50.0,
            flagged: true,
        }
    }

    /// The finishing items: no break, parfillskip, forced break. Also a `\n`.
    fn finish(items: &mut Vec<Item>) {
        items.push(Item::Penalty {
            width: 0.0,
            penalty: INFINITY_PENALTY,
            flagged: false,
        });
        items.push(Item::Glue {
            width: 0.0,
            stretch: FILL,
            shrink: 0.0,
        });
        items.push(Item::Penalty {
            width: 0.0,
            penalty: -INFINITY_PENALTY,
            flagged: false,
        });
    }

    /// Words of these widths, one space apart, finished.
    fn paragraph(words: &[Pt]) -> Vec<Item> {
        let mut items = Vec::new();
        for (k, &w) in words.iter().enumerate() {
            if k > 0 {
                items.push(space());
            }
            items.push(word(w));
        }
        finish(&mut items);
        items
    }

    /// Like `paragraph`, but words of 20 pt or more have a hyphenation point in the
    /// middle, as a hyphenated book text has.
    fn hyphenated_paragraph(words: &[Pt]) -> Vec<Item> {
        let mut items = Vec::new();
        for (k, &w) in words.iter().enumerate() {
            if k > 0 {
                items.push(space());
            }
            if w >= 20.0 {
                items.extend([word(w / 2.0), hyphen_point(), word(w / 2.0)]);
            } else {
                items.push(word(w));
            }
        }
        finish(&mut items);
        items
    }

    /// `count` word widths between 8 and 40 pt, the same every run.
    fn text(count: usize, seed: u64) -> Vec<Pt> {
        let mut x = seed;
        (0..count)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                8.0 + ((x >> 33) % 33) as Pt
            })
            .collect()
    }

    fn indices(out: &Outcome) -> Vec<usize> {
        out.breaks.iter().map(|b| b.index).collect()
    }

    fn hyphens(out: &Outcome) -> Vec<bool> {
        out.breaks.iter().map(|b| b.hyphenated).collect()
    }

    /// A line as the main pass judges it.
    struct Judged {
        ratio: f32,
        demerits: Cost,
        feasible: bool,
    }

    /// Each line of `items` broken at `breaks`, judged as the main pass judges it.
    fn judge(
        items: &[Item],
        breaks: &[usize],
        width: &dyn Fn(usize) -> Pt,
        params: &Params,
    ) -> Vec<Judged> {
        let par = Paragraph::new(items, &[], width, params);
        let mut from = Node::ROOT;
        breaks
            .iter()
            .map(|&i| {
                let bp = par.breakpoint(i, true).expect("a legal break");
                let line = par.measure(from.start.min(i), i);
                let room = par.room(&from, i);
                let natural = line.width + bp.width;
                let fit = fit(natural, par.give(line), room, 0.0);
                let feasible = !fit.overfull
                    && !blocked(params, &from, &bp, false)
                    && (bp.forced || fit.badness <= Cost::from(params.tolerance));
                let demerits = demerits(params, &fit, &bp, &from);
                from = par.node(i, 0, &from, &bp, &fit, 0.0, (natural, line, room));
                Judged {
                    ratio: from.ratio,
                    demerits,
                    feasible,
                }
            })
            .collect()
    }

    /// Total demerits, if every line is feasible.
    fn total(lines: &[Judged]) -> Option<Cost> {
        lines
            .iter()
            .all(|l| l.feasible)
            .then(|| lines.iter().map(|l| l.demerits).sum())
    }

    /// The least total demerits over every set of breaks, tried one by one.
    fn exhaustive(items: &[Item], width: &dyn Fn(usize) -> Pt, params: &Params) -> Option<Cost> {
        let par = Paragraph::new(items, &[], width, params);
        let legal: Vec<(usize, bool)> = (0..items.len())
            .filter_map(|i| par.breakpoint(i, true).map(|bp| (i, bp.forced)))
            .collect();
        let optional = legal.iter().filter(|b| !b.1).count();
        assert!(
            optional <= 16,
            "{optional} optional breaks is too many to try"
        );
        let mut best: Option<Cost> = None;
        for mask in 0u32..(1 << optional) {
            let mut k = 0;
            let mut breaks = Vec::new();
            for &(i, forced) in &legal {
                if forced {
                    breaks.push(i);
                } else {
                    if mask & (1 << k) != 0 {
                        breaks.push(i);
                    }
                    k += 1;
                }
            }
            if let Some(cost) = total(&judge(items, &breaks, width, params)) {
                best = Some(best.map_or(cost, |b| b.min(cost)));
            }
        }
        best
    }

    /// First fit: each line takes all it can (shrinking if need be), breaking at the
    /// last legal break that fits.
    fn first_fit(items: &[Item], width: Pt) -> Vec<usize> {
        let par = Paragraph::new(items, &[], &|_| width, &Params::default());
        let mut breaks = Vec::new();
        let (mut start, mut fitting) = (0, None);
        let mut i = 0;
        while i < items.len() {
            if let Some(bp) = par.breakpoint(i, true) {
                let line = par.measure(start, i);
                let fits = !fit(line.width + bp.width, line, f64::from(width), 0.0).overfull;
                if fits && !bp.forced {
                    fitting = Some(i);
                } else {
                    let at = if fits { i } else { fitting.unwrap_or(i) };
                    breaks.push(at);
                    start = par.next_start[at + 1];
                    fitting = None;
                    i = at + 1;
                    continue;
                }
            }
            i += 1;
        }
        breaks
    }

    #[test]
    fn a_single_word_per_line_when_lines_are_narrow() {
        let items = paragraph(&[30.0, 32.0, 28.0, 31.0]);
        let out = linebreak(&items, &|_| 35.0, &Params::default());
        assert_eq!(indices(&out), vec![1, 3, 5, 9]);
        assert!(out.overfull.is_empty());
    }

    #[test]
    fn a_short_paragraph_fits_on_one_line_with_a_ragged_last_line() {
        let items = paragraph(&[30.0, 20.0, 25.0]);
        let out = linebreak(&items, &|_| 300.0, &Params::default());
        assert_eq!(indices(&out), vec![items.len() - 1]);
        let ratio = out.breaks[0].ratio;
        assert!(
            (0.0..0.01).contains(&ratio),
            "only parfillskip stretches: {ratio}"
        );
        assert!(out.overfull.is_empty());
    }

    #[test]
    fn justified_lines_stretch_and_shrink_no_more_than_their_glue_allows_on_typical_text() {
        for seed in 0..20 {
            let items = hyphenated_paragraph(&text(300, seed));
            let (out, stats) = solve(&items, &[], &|_| 300.0, &Params::default());
            assert!(stats.passes <= 2, "seed {seed}: no emergency pass");
            assert!(out.breaks.len() > 10);
            assert!(out.overfull.is_empty());
            for b in &out.breaks[..out.breaks.len() - 1] {
                assert!(b.ratio.abs() <= 1.0, "seed {seed}: ratio {}", b.ratio);
            }
        }
    }

    #[test]
    fn the_last_line_is_never_stretched_by_its_own_spaces() {
        let items = paragraph(&text(100, 7));
        let out = linebreak(&items, &|_| 300.0, &Params::default());
        let last = out.breaks.last().expect("breaks");
        assert!(
            last.ratio < 0.01,
            "parfillskip takes the slack: {}",
            last.ratio
        );
    }

    #[test]
    fn the_optimum_matches_an_exhaustive_search_on_small_paragraphs() {
        // TeX's rules alone, and with the hard hyphen rules, which split the nodes
        // by hyphens in a row.
        for (limit, least) in [(0, 30), (2, 20)] {
            optimum_matches_exhaustive_search(limit, least);
        }
    }

    fn optimum_matches_exhaustive_search(max_hyphen_run: usize, least: usize) {
        let mut compared = 0;
        for seed in 0..80 {
            let words = text(7, seed);
            let mut items = hyphenated_paragraph(&words[..3]);
            if seed % 2 == 0 {
                // Join the halves with a space instead of a forced break.
                items.truncate(items.len() - 3);
                items.push(space());
            }
            items.extend(hyphenated_paragraph(&words[3..]));
            let width = |n: usize| if n == 0 { 80.0 } else { 100.0 };
            let params = Params {
                tolerance: if seed % 3 == 0 { 200.0 } else { 1000.0 },
                pretolerance: -1.0,
                emergency_stretch: 0.0,
                max_hyphen_run,
                ..Params::default()
            };
            let Some(best) = exhaustive(&items, &width, &params) else {
                continue;
            };
            let out = linebreak(&items, &width, &params);
            let found = total(&judge(&items, &indices(&out), &width, &params));
            let found = found.expect("a feasible set of breaks");
            assert!(
                (found - best).abs() <= 1e-9 * best.abs().max(1.0),
                "seed {seed}: {found} against {best}"
            );
            compared += 1;
        }
        assert!(
            compared >= least,
            "limit {max_hyphen_run}: only {compared} paragraphs were feasible"
        );
    }

    /// The longest run of hyphenated lines, and whether the line before the last
    /// is hyphenated.
    fn hyphen_runs(out: &Outcome) -> (usize, bool) {
        let (mut run, mut longest) = (0, 0);
        for b in &out.breaks {
            run = if b.hyphenated { run + 1 } else { 0 };
            longest = longest.max(run);
        }
        let n = out.breaks.len();
        (longest, n >= 2 && out.breaks[n - 2].hyphenated)
    }

    #[test]
    fn never_three_hyphenated_lines_in_a_row_nor_a_hyphen_before_the_last_line() {
        // Lines of a few long words: without the limits TeX's demerits alone
        // leave ladders and broken last words; with them, none while a way
        // exists in the main passes.
        let (mut ladders, mut finals, mut checked) = (0, 0, 0);
        // One main pass, loose enough to find a way nearly always; no emergency
        // pass, so a second pass is the rescue, which has no rules.
        let hard = Params {
            tolerance: 1000.0,
            pretolerance: -1.0,
            emergency_stretch: 0.0,
            ..Params::default()
        };
        let soft = Params {
            max_hyphen_run: 0,
            ..hard
        };
        for seed in 0..300 {
            let words: Vec<Pt> = text(40, seed).iter().map(|w| w + 10.0).collect();
            let items = hyphenated_paragraph(&words);
            let (run, last) = hyphen_runs(&linebreak(&items, &|_| 200.0, &soft));
            ladders += usize::from(run >= 3);
            finals += usize::from(last);
            let (out, stats) = solve(&items, &[], &|_| 200.0, &hard);
            if stats.passes == 1 {
                let (run, last) = hyphen_runs(&out);
                assert!(run <= 2, "seed {seed}: {run} hyphenated lines in a row");
                assert!(!last, "seed {seed}: the last word is broken");
                checked += 1;
            }
        }
        assert!(
            ladders > 0 && finals > 0,
            "{ladders} ladders, {finals} finals"
        );
        assert!(
            checked > 100,
            "only {checked} paragraphs set in the main passes"
        );
    }

    /// Every box of `items` may be expanded, nothing hangs.
    fn flex_extras(items: &[Item]) -> Vec<Extra> {
        items
            .iter()
            .map(|i| match i {
                Item::Box { width } => Extra {
                    flex: *width,
                    ..Extra::default()
                },
                _ => Extra::default(),
            })
            .collect()
    }

    #[test]
    fn expansion_gives_lines_more_room_and_scales_glyphs_in_steps() {
        // A line 4 pt short with one space (2 pt of stretch) is very loose; its
        // glyphs, 100 pt that may expand 2%, take half the shortfall.
        let items = paragraph(&[40.0, 60.0, 40.0, 60.0]);
        let extras = flex_extras(&items);
        let width = |_| 108.0;
        let plain = Params {
            expansion: 0.0,
            ..Params::default()
        };
        let without = linebreak_with(&items, &extras, &width, &plain);
        let with = linebreak_with(&items, &extras, &width, &Params::default());
        assert_eq!(indices(&without), indices(&with));
        let (a, b) = (without.breaks[0], with.breaks[0]);
        assert_eq!(a.scale, 1.0);
        assert!((a.ratio - 2.0).abs() < 1e-3, "{}", a.ratio);
        // The glyphs take 2 pt (2%), the glue the other 4 pt.
        assert!((b.scale - 1.02).abs() < 1e-6, "{}", b.scale);
        assert!((b.ratio - 1.0).abs() < 1e-3, "{}", b.ratio);
        // In steps: a line 1.3 pt short expands by a whole step or none.
        let items = paragraph(&[50.0, 50.0, 50.0, 50.0]);
        let extras = flex_extras(&items);
        let out = linebreak_with(&items, &extras, &|_| 105.3, &Params::default());
        let step = (out.breaks[0].scale - 1.0) / EXPANSION_STEP;
        assert!(
            (step - step.round()).abs() < 1e-3,
            "{}",
            out.breaks[0].scale
        );
    }

    #[test]
    fn punctuation_hanging_at_a_line_end_gives_the_line_that_much_room() {
        // "aaaa, bbbb" is 1 pt too wide for the line with all its shrink; a comma
        // that may hang 2 pt lets it stay whole.
        let items = vec![word(50.0), space(), word(52.0)];
        let mut items2 = items.clone();
        finish(&mut items2);
        let mut extras = vec![Extra::default(); items2.len()];
        let shrink = 4.0 / 3.0;
        let width = 50.0 + 4.0 - shrink + 52.0 - 1.0;
        let none = linebreak_with(&items2, &extras, &|_| width, &Params::default());
        assert_eq!(none.breaks.len(), 2, "without hanging the words part");
        // The last box's end hangs at the paragraph's final break; the line before
        // it ends at the forced break.
        let last = items2.len() - 1;
        extras[last].end_hang = 2.0;
        let hung = linebreak_with(&items2, &extras, &|_| width, &Params::default());
        assert_eq!(hung.breaks.len(), 1, "with hanging they share a line");
    }

    #[test]
    fn total_fit_avoids_the_very_loose_line_that_first_fit_makes() {
        // First fit packs six words into line 1 (r = −0.75) and leaves line 2 with
        // two spaces to fill 12 pt (r = 3); moving one word down sets both at 0.5.
        let items = paragraph(&[20.0, 15.0, 5.0, 5.0, 35.0, 5.0, 40.0, 10.0, 30.0, 50.0]);
        let params = Params::default();
        let greedy = first_fit(&items, 100.0);
        let out = linebreak(&items, &|_| 100.0, &params);
        assert_eq!(greedy, vec![11, 17, 21]);
        assert_eq!(indices(&out), vec![9, 17, 21]);
        let greedy_lines = judge(&items, &greedy, &|_| 100.0, &params);
        let optimal_lines = judge(&items, &indices(&out), &|_| 100.0, &params);
        let worst = |lines: &[Judged]| lines.iter().map(|l| l.ratio.abs()).fold(0.0, f32::max);
        assert_eq!(worst(&greedy_lines), 3.0);
        assert_eq!(worst(&optimal_lines), 0.5);
        let sum = |lines: &[Judged]| lines.iter().map(|l| l.demerits).sum::<Cost>();
        assert!(sum(&optimal_lines) < sum(&greedy_lines));
    }

    #[test]
    fn two_hyphenated_lines_in_a_row_are_avoided_when_an_alternative_exists() {
        // Line 1 must end "c-". Line 2 can end "e-" at r = 0, or take all of "e" and
        // shrink to r = −0.875; without double-hyphen demerits the hyphen is cheaper.
        let mut items = vec![word(30.0), space(), word(30.0), space()];
        items.extend([word(29.0), hyphen_point(), word(20.0), space()]);
        items.extend([word(25.0), space(), word(20.0), space()]);
        items.extend([word(20.0), hyphen_point(), word(6.5), space()]);
        items.extend([word(30.0), space(), word(30.0)]);
        finish(&mut items);
        // TeX's soft rules alone, without the hard limits.
        let no_final = Params {
            final_hyphen_demerits: 0.0,
            max_hyphen_run: 0,
            ..Params::default()
        };
        let careless = Params {
            flagged_demerits: 0.0,
            ..no_final
        };
        let out = linebreak(&items, &|_| 100.0, &careless);
        assert_eq!(hyphens(&out), vec![true, true, false]);
        let out = linebreak(&items, &|_| 100.0, &no_final);
        assert_eq!(hyphens(&out), vec![true, false, false]);
        assert!(out.breaks[1].ratio < -0.8);
    }

    #[test]
    fn the_first_pass_takes_no_hyphenation_points() {
        let mut first_pass_enough = 0;
        for seed in 0..20 {
            let items = hyphenated_paragraph(&text(60, seed));
            let (out, stats) = solve(&items, &[], &|_| 300.0, &Params::default());
            if stats.passes == 1 {
                first_pass_enough += 1;
                assert!(hyphens(&out).iter().all(|h| !h), "seed {seed}");
            }
        }
        assert!(first_pass_enough > 0);
    }

    #[test]
    fn forced_breaks_are_honoured_even_where_the_line_would_fit() {
        let mut items = vec![word(30.0), space(), word(20.0)];
        finish(&mut items); // a `\n`
        items.extend([word(25.0), space(), word(15.0)]);
        finish(&mut items);
        let out = linebreak(&items, &|_| 300.0, &Params::default());
        assert_eq!(indices(&out), vec![5, items.len() - 1]);
        assert!(out.overfull.is_empty());
    }

    #[test]
    fn two_forced_breaks_in_a_row_make_an_empty_line() {
        let mut items = vec![word(30.0)];
        finish(&mut items);
        finish(&mut items);
        items.push(word(30.0));
        finish(&mut items);
        let out = linebreak(&items, &|_| 300.0, &Params::default());
        assert_eq!(indices(&out), vec![3, 6, 10]);
        assert_eq!(out.breaks[1].ratio, 0.0);
        assert!(out.overfull.is_empty());
    }

    #[test]
    fn a_box_wider_than_the_line_is_reported_overfull_and_still_breaks() {
        let items = paragraph(&[30.0, 150.0, 30.0, 30.0]);
        let out = linebreak(&items, &|_| 100.0, &Params::default());
        assert_eq!(indices(&out), vec![1, 3, items.len() - 1]);
        assert_eq!(out.overfull, vec![1]);
    }

    #[test]
    fn a_paragraph_of_one_wide_box_is_one_overfull_line() {
        let items = paragraph(&[150.0]);
        let out = linebreak(&items, &|_| 100.0, &Params::default());
        assert_eq!(indices(&out), vec![items.len() - 1]);
        assert_eq!(out.overfull, vec![0]);
    }

    #[test]
    fn an_empty_paragraph_gives_one_break() {
        let mut items = Vec::new();
        finish(&mut items);
        let out = linebreak(&items, &|_| 300.0, &Params::default());
        assert_eq!(indices(&out), vec![2]);
        assert!(out.overfull.is_empty());
    }

    #[test]
    fn no_items_give_no_breaks() {
        let out = linebreak(&[], &|_| 300.0, &Params::default());
        assert!(out.breaks.is_empty() && out.overfull.is_empty());
    }

    #[test]
    fn a_narrower_first_line_is_set_to_its_own_width() {
        let items = hyphenated_paragraph(&text(60, 11));
        let width = |n: usize| if n == 0 { 250.0 } else { 300.0 };
        let out = linebreak(&items, &width, &Params::default());
        let lines = judge(&items, &indices(&out), &width, &Params::default());
        assert!(lines.iter().all(|l| l.feasible));
        for (line, b) in lines.iter().zip(&out.breaks) {
            assert_eq!(line.ratio, b.ratio);
        }
    }

    #[test]
    fn looseness_sets_the_paragraph_a_line_longer_when_it_can() {
        let items = hyphenated_paragraph(&text(200, 5));
        let lines = |looseness| {
            let params = Params {
                looseness,
                ..Params::default()
            };
            linebreak(&items, &|_| 300.0, &params).breaks.len()
        };
        let optimum = lines(0);
        assert_eq!(lines(1), optimum + 1);
        // An impossible request gets as close as it can, never fails.
        let tightest = lines(-50);
        assert!(tightest > 0 && tightest <= optimum);
    }

    #[test]
    fn odd_input_never_panics_and_still_ends_at_the_last_item() {
        let odd = [
            // NaN and infinite lengths, a NaN penalty, no finishing items.
            vec![
                word(Pt::NAN),
                Item::Glue {
                    width: Pt::INFINITY,
                    stretch: Pt::INFINITY,
                    shrink: Pt::NAN,
                },
                word(10.0),
                Item::Penalty {
                    width: 0.0,
                    penalty: Pt::NAN,
                    flagged: true,
                },
                space(),
                word(10.0),
            ],
            // Ends with glue.
            vec![word(10.0), space(), word(10.0), space()],
            // Only penalties.
            vec![hyphen_point(), hyphen_point()],
        ];
        let widths: [&dyn Fn(usize) -> Pt; 3] = [&|_| 100.0, &|_| -5.0, &|_| Pt::NAN];
        let weird = Params {
            tolerance: Pt::NAN,
            line_penalty: Pt::NAN,
            emergency_stretch: Pt::INFINITY,
            ..Params::default()
        };
        for items in &odd {
            for width in widths {
                for params in [Params::default(), weird] {
                    let out = linebreak(items, width, &params);
                    assert_eq!(out.breaks.last().map(|b| b.index), Some(items.len() - 1));
                }
            }
        }
    }

    #[test]
    fn a_paragraph_of_a_hundred_thousand_items_keeps_few_active_nodes() {
        let items = hyphenated_paragraph(&text(40_000, 3));
        assert!(items.len() > 100_000);
        let width = |n: usize| if n == 0 { 280.0 } else { 300.0 };
        let (out, stats) = solve(&items, &[], &width, &Params::default());
        assert_eq!(out.breaks.last().map(|b| b.index), Some(items.len() - 1));
        assert!(out.breaks.len() > 3_000);
        // Breaks within one line's reach, at most four fitness classes each.
        assert!(stats.max_active <= 100, "{} active nodes", stats.max_active);
    }
}
