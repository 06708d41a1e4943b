//! One paragraph: styled runs of text → shaped word pieces → box/glue/penalty items
//! → lines (total fit when justified, first fit when ragged or centred) → glyphs
//! placed on each line.
//!
//! Words are shaped whole, once, and cut at hyphenation points and break
//! opportunities only between clusters, so ligatures stay whole. Knows nothing of
//! pages; the caller stacks the lines.

use std::sync::Arc;

use super::doc::{FaceId, PlacedGlyph, Pt};
use super::fonts::{FontSet, Style};
use super::hyphenate;
use super::linebreak::{self, Item, Params, INFINITY_PENALTY};
use super::shape::{Glyph, Shaper};
use crate::model::LinkTarget;

/// Penalty for breaking at a hyphenation point (TYPESETTING.md: 50).
const HYPHEN_PENALTY: f32 = 50.0;
/// Penalty for breaking after an explicit hyphen or dash inside a word.
const EXPLICIT_BREAK_PENALTY: f32 = 50.0;
/// Breaking inside a word longer than the line: allowed, but only when nothing else
/// fits (high, below the infinite penalty).
const EMERGENCY_BREAK_PENALTY: f32 = 5_000.0;
/// parfillskip: the last line's stretch, "infinite" against ordinary glue.
const FILL: Pt = 100_000.0;

/// How text of a run looks.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStyle {
    pub style: Style,
    pub size: Pt,
    /// Raised (footnote numbers): drawn smaller and higher.
    pub raised: bool,
    pub link: Option<LinkTarget>,
}

/// A piece of text in one style. `\n` inside is a forced line break.
#[derive(Debug, Clone)]
pub struct Run {
    pub text: String,
    pub style: RunStyle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Justify,
    Left,
    Center,
    Right,
}

/// The shape of the paragraph.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub width: Pt,
    /// Indent of the first line.
    pub indent: Pt,
    /// Indent of every line after the first (hanging indent).
    pub hang: Pt,
    pub align: Align,
    pub hyphenate: bool,
    /// Lines run right to left: set from the right edge, indents on the right.
    pub rtl: bool,
}

impl Spec {
    /// No indent, no hyphenation: headings, titles, captions, running heads.
    pub fn plain(width: Pt, align: Align) -> Spec {
        Spec {
            width,
            indent: 0.0,
            hang: 0.0,
            align,
            hyphenate: false,
            rtl: false,
        }
    }
}

/// Glyphs of one face and size placed on a line, relative to the line's left edge.
#[derive(Debug, Clone)]
pub struct Placed {
    pub face: FaceId,
    pub size: Pt,
    pub x: Pt,
    pub dy: Pt,
    pub width: Pt,
    pub glyphs: Vec<PlacedGlyph>,
    /// Boxed: most pieces have none, and a long book has a million pieces.
    pub link: Option<Box<LinkTarget>>,
}

#[derive(Debug, Clone, Default)]
pub struct Line {
    pub pieces: Vec<Placed>,
    /// Ends with a hyphen added at a hyphenation point.
    pub hyphenated: bool,
    /// Space width over natural space width, for justified lines other than the last.
    pub space_ratio: Option<f32>,
    pub overfull: bool,
    /// Largest size on the line, for its height.
    pub max_size: Pt,
}

/// What setting a paragraph noticed.
#[derive(Debug, Default)]
pub struct Notes {
    /// Characters no bundled face has.
    pub missing: Vec<char>,
    pub overfull: usize,
    /// Words wider than the measure, broken between letters where needed.
    pub long_words: usize,
}

/// Shared state for setting many paragraphs.
pub struct Ctx<'a> {
    pub fonts: &'a FontSet,
    pub shaper: Shaper,
    pub language: String,
}

/// One unit of the item list with what to draw for it.
enum Unit {
    Piece(Placed),
    Glue {
        natural: Pt,
        stretch: Pt,
        shrink: Pt,
    },
    /// A break point; `hyphen` is drawn only if the line ends here.
    Break {
        hyphen: Option<Placed>,
        penalty: f32,
        flagged: bool,
    },
    /// A forced line break (`\n`) or the paragraph's end.
    Forced,
}

impl Ctx<'_> {
    /// Sets `runs` as a paragraph of the given shape.
    pub fn set(&mut self, runs: &[Run], spec: &Spec, notes: &mut Notes) -> Vec<Line> {
        let units = self.units(runs, spec, notes);
        if units.iter().all(|u| !matches!(u, Unit::Piece(_))) {
            return Vec::new();
        }
        let width_of = |n: usize| -> Pt {
            let indent = if n == 0 { spec.indent } else { spec.hang };
            (spec.width - indent).max(1.0)
        };
        let (items, map) = items_of(&units, spec.align == Align::Justify);
        let breaks: Vec<(usize, f32)> = if spec.align == Align::Justify {
            let out = linebreak::linebreak(&items, &width_of, &Params::default());
            notes.overfull += out.overfull.len();
            out.breaks.iter().map(|b| (b.index, b.ratio)).collect()
        } else {
            first_fit(&items, &width_of)
        };
        let mut lines = Vec::with_capacity(breaks.len());
        let mut start = 0;
        for (n, &(end, ratio)) in breaks.iter().enumerate() {
            let last = n + 1 == breaks.len();
            let mut line = self.line(&units, &map, start, end, ratio, spec, n, last);
            if spec.align == Align::Justify {
                let natural: Pt = line.pieces.last().map_or(0.0, |p| p.x + p.width);
                line.overfull = natural > width_of(n) + 0.5 + indent_of(spec, n);
            }
            lines.push(line);
            start = end + 1;
        }
        lines
    }

    /// Runs → units: pieces of shaped text, glue for spaces, break points.
    fn units(&mut self, runs: &[Run], spec: &Spec, notes: &mut Notes) -> Vec<Unit> {
        let mut units = Vec::new();
        for run in runs {
            let st = &run.style;
            let size = if st.raised { st.size * 0.65 } else { st.size };
            let dy = if st.raised { st.size * 0.35 } else { 0.0 };
            for (i, line) in run.text.split('\n').enumerate() {
                if i > 0 {
                    units.push(Unit::Forced);
                }
                let mut rest = line;
                while !rest.is_empty() {
                    let ws = rest.len() - rest.trim_start_matches(breaking_space).len();
                    if ws > 0 {
                        self.glue(&mut units, st.style, size);
                        rest = &rest[ws..];
                        continue;
                    }
                    let end = rest.find(breaking_space).unwrap_or(rest.len());
                    let word = &rest[..end];
                    self.word(
                        &mut units,
                        word,
                        st,
                        size,
                        dy,
                        spec.hyphenate && !st.raised,
                        spec.width,
                        notes,
                    );
                    rest = &rest[end..];
                }
            }
        }
        // No trailing glue before the end.
        while matches!(units.last(), Some(Unit::Glue { .. })) {
            units.pop();
        }
        units.push(Unit::Forced);
        units
    }

    fn glue(&mut self, units: &mut Vec<Unit>, style: Style, size: Pt) {
        if matches!(
            units.last(),
            Some(Unit::Glue { .. }) | None | Some(Unit::Forced)
        ) {
            return;
        }
        let face = self.fonts.id(style);
        let w = self
            .shaper
            .width(self.fonts, face, size, " ", &self.language);
        let w = if w > 0.0 { w } else { size * 0.25 };
        units.push(Unit::Glue {
            natural: w,
            stretch: w / 2.0,
            shrink: w / 3.0,
        });
    }

    /// One word (no spaces) in one style: split by face (fallback for missing
    /// glyphs), shaped whole per face, cut at break opportunities.
    #[allow(clippy::too_many_arguments)]
    fn word(
        &mut self,
        units: &mut Vec<Unit>,
        word: &str,
        st: &RunStyle,
        size: Pt,
        dy: Pt,
        hyphenate: bool,
        measure: Pt,
        notes: &mut Notes,
    ) {
        let cuts = self.break_opportunities(word, hyphenate);
        for (s0, s1, face) in self.face_segments(word, st.style, notes) {
            let text = &word[s0..s1];
            let glyphs = self
                .shaper
                .shape(self.fonts, face, size, text, &self.language);
            let local = segment_cuts(&cuts, s0, s1, &glyphs, measure, size, notes);
            let mut from = 0;
            let end = Cut {
                at: text.len(),
                hyphenation: false,
                emergency: false,
            };
            for cut in local.into_iter().chain(std::iter::once(end)) {
                // Only between clusters: a ligature spanning the cut keeps it whole.
                if cut.at < text.len()
                    && glyphs
                        .binary_search_by_key(&cut.at, |g| g.cluster as usize)
                        .is_err()
                {
                    continue;
                }
                let piece = placed(
                    &glyphs,
                    text,
                    from,
                    cut.at,
                    face,
                    size,
                    dy,
                    st.link.as_ref(),
                );
                if piece.glyphs.is_empty() {
                    continue;
                }
                units.push(Unit::Piece(piece));
                if cut.at < text.len() {
                    units.push(self.break_at(cut, face, size, dy, st.link.as_ref()));
                }
                from = cut.at;
            }
        }
    }

    /// Where a word may break (byte offset, and whether it is a hyphenation
    /// point): after explicit hyphens and dashes (UAX #14), and, in a word with
    /// none, at its hyphenation points.
    fn break_opportunities(&self, word: &str, hyphenate: bool) -> Vec<(usize, bool)> {
        let mut cuts: Vec<(usize, bool)> = Vec::new();
        for (pos, op) in unicode_linebreak::linebreaks(word) {
            if pos < word.len() && op == unicode_linebreak::BreakOpportunity::Allowed {
                cuts.push((pos, false));
            }
        }
        if hyphenate && cuts.is_empty() {
            for p in hyphenate::points(word, &self.language) {
                cuts.push((p, true));
            }
        }
        cuts.sort_by_key(|c| c.0);
        cuts
    }

    /// The word in stretches of one face each (start, end, face): the style's face
    /// where it has the character, else the fallback, and the character noted as
    /// missing.
    fn face_segments(
        &self,
        word: &str,
        style: Style,
        notes: &mut Notes,
    ) -> Vec<(usize, usize, FaceId)> {
        let mut segs: Vec<(usize, usize, FaceId)> = Vec::new();
        for (i, c) in word.char_indices() {
            let face = match self.fonts.face_for(style, c) {
                Some(f) => f,
                None => {
                    if !notes.missing.contains(&c) {
                        notes.missing.push(c);
                    }
                    self.fonts.id(Style::Fallback)
                }
            };
            match segs.last_mut() {
                Some(s) if s.2 == face => s.1 = i + c.len_utf8(),
                _ => segs.push((i, i + c.len_utf8(), face)),
            }
        }
        segs
    }

    /// The break after a piece cut at `cut`: a hyphen drawn at a hyphenation
    /// point, and the penalty the kind of cut costs.
    fn break_at(
        &mut self,
        cut: Cut,
        face: FaceId,
        size: Pt,
        dy: Pt,
        link: Option<&LinkTarget>,
    ) -> Unit {
        let hyphen = if cut.hyphenation {
            let hg = self
                .shaper
                .shape(self.fonts, face, size, "-", &self.language);
            Some(placed(&hg, "-", 0, 1, face, size, dy, link))
        } else {
            None
        };
        Unit::Break {
            hyphen,
            penalty: if cut.hyphenation {
                HYPHEN_PENALTY
            } else if cut.emergency {
                EMERGENCY_BREAK_PENALTY
            } else {
                EXPLICIT_BREAK_PENALTY
            },
            flagged: !cut.emergency,
        }
    }

    /// Places the units from `start` to the break at item `end` on one line.
    #[allow(clippy::too_many_arguments)]
    fn line(
        &self,
        units: &[Unit],
        map: &[usize],
        start: usize,
        end: usize,
        ratio: f32,
        spec: &Spec,
        n: usize,
        last: bool,
    ) -> Line {
        let mut line = Line {
            // Sized exactly: a long book holds a million pieces.
            pieces: Vec::with_capacity(pieces_between(units, map, start, end) + 1),
            ..Line::default()
        };
        let mut x = 0.0;
        let mut spaces = 0usize;
        let mut natural_spaces = 0.0;
        let mut actual_spaces = 0.0;
        // Leading glue and breaks after a line break are dropped.
        let mut began = false;
        for (k, &u) in map.iter().enumerate().take(end + 1).skip(start) {
            match &units[u] {
                Unit::Piece(p) => {
                    began = true;
                    let p = piece_at(p, x);
                    x += p.width;
                    line.max_size = line.max_size.max(p.size);
                    line.pieces.push(p);
                }
                Unit::Glue {
                    natural,
                    stretch,
                    shrink,
                } if began => {
                    let w = glue_width(*natural, *stretch, *shrink, ratio, spec.align);
                    spaces += 1;
                    natural_spaces += natural;
                    actual_spaces += w;
                    if k != end {
                        self.space_glyph(&mut line, x);
                    }
                    x += w;
                }
                Unit::Break {
                    hyphen: Some(h), ..
                } if k == end => {
                    let mut h = h.clone();
                    h.x = x;
                    x += h.width;
                    line.pieces.push(h);
                    line.hyphenated = true;
                }
                _ => {}
            }
        }
        let shift = align_shift(spec, n, x);
        for p in &mut line.pieces {
            p.x += shift;
        }
        if spec.align == Align::Justify && !last && spaces > 0 && natural_spaces > 0.0 {
            line.space_ratio = Some(actual_spaces / natural_spaces);
        }
        if line.max_size == 0.0 {
            line.max_size = first_size(units);
        }
        line
    }

    /// A real space glyph where a space is, so that text extraction, search and
    /// copy see words (the writer places every glyph exactly, so its advance does
    /// not matter). It joins the piece before it (its width, used for link areas,
    /// stays that of the text).
    fn space_glyph(&self, line: &mut Line, space_at: Pt) {
        if let Some(prev) = line.pieces.last_mut() {
            if let Some(id) = self.fonts.face(prev.face).glyph(' ') {
                prev.glyphs.push(PlacedGlyph {
                    id,
                    dx: space_at - prev.x,
                    dy: 0.0,
                    text: " ".into(),
                });
            }
        }
    }
}

/// How many pieces the units from item `start` to item `end` hold.
fn pieces_between(units: &[Unit], map: &[usize], start: usize, end: usize) -> usize {
    map.iter()
        .take(end + 1)
        .skip(start)
        .filter(|&&u| matches!(units[u], Unit::Piece(_)))
        .count()
}

/// A copy of a piece placed at `x`, with room for the space glyph that may join it.
fn piece_at(p: &Placed, x: Pt) -> Placed {
    let mut glyphs = Vec::with_capacity(p.glyphs.len() + 1);
    glyphs.extend_from_slice(&p.glyphs);
    let mut p = Placed {
        glyphs,
        link: p.link.clone(),
        ..*p
    };
    p.x = x;
    p
}

/// A space's width on its line: natural unless justified, then stretched or
/// shrunk by the line's ratio. The last line's ratio is tiny: parfillskip takes
/// the slack.
fn glue_width(natural: Pt, stretch: Pt, shrink: Pt, ratio: f32, align: Align) -> Pt {
    if align != Align::Justify {
        natural
    } else if ratio >= 0.0 {
        natural + ratio * stretch
    } else {
        natural + ratio * shrink
    }
}

/// How far line `n`, `natural_width` wide, moves right: its indent, and the room
/// left of it when centred or set right.
fn align_shift(spec: &Spec, n: usize, natural_width: Pt) -> Pt {
    let width = spec.width - indent_of(spec, n);
    (match spec.align {
        Align::Center => ((width - natural_width) / 2.0).max(0.0),
        Align::Right => (width - natural_width).max(0.0),
        _ => 0.0,
    }) + indent_of(spec, n)
}

/// The size of the paragraph's first piece, for the height of a line without one.
fn first_size(units: &[Unit]) -> Pt {
    units
        .iter()
        .find_map(|u| match u {
            Unit::Piece(p) => Some(p.size),
            _ => None,
        })
        .unwrap_or(10.0)
}

/// A space a line may break at: any white space but the no-break ones (U+00A0,
/// U+2007, U+202F), which stay inside their word.
fn breaking_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}')
}

/// A place a word's face segment may break, in bytes from the segment's start.
#[derive(Debug, Clone, Copy)]
struct Cut {
    at: usize,
    /// At a hyphenation point: a hyphen is drawn if the line ends here.
    hyphenation: bool,
    /// Between letters of a word longer than the line, where nothing else fits.
    emergency: bool,
}

/// The cuts of `cuts` inside the segment `s0..s1` (shaped as `glyphs`), relative to
/// it. A word with a stretch wider than the measure between its break
/// opportunities (a URL, a long chemical name, a run of characters with no space)
/// may break anywhere between clusters, at a cost: cuts every third of a line, with
/// the emergency penalty, and a warning. Only the opportunities of UAX #14 count
/// here, not hyphenation points: ideographs, which may break between any two, never
/// need this; a long word does, even when it could be hyphenated.
fn segment_cuts(
    cuts: &[(usize, bool)],
    s0: usize,
    s1: usize,
    glyphs: &[Glyph],
    measure: Pt,
    size: Pt,
    notes: &mut Notes,
) -> Vec<Cut> {
    let mut local: Vec<(usize, bool)> = cuts
        .iter()
        .filter(|(c, _)| *c > s0 && *c < s1)
        .map(|(c, h)| (c - s0, *h))
        .collect();
    let mut emergency = Vec::new();
    if longest_unbroken(glyphs, &local) > measure {
        notes.long_words += 1;
        emergency = emergency_cuts(glyphs, measure, size);
        for &c in &emergency {
            local.push((c, false));
        }
        local.sort_by_key(|c| c.0);
        local.dedup_by_key(|c| c.0);
    }
    local
        .into_iter()
        .map(|(at, hyphenation)| Cut {
            at,
            hyphenation,
            emergency: !hyphenation && emergency.binary_search(&at).is_ok(),
        })
        .collect()
}

/// The widest stretch of glyphs between two of the segment's break opportunities
/// (hyphenation points do not count).
fn longest_unbroken(glyphs: &[Glyph], local: &[(usize, bool)]) -> Pt {
    let mut longest: Pt = 0.0;
    let mut run: Pt = 0.0;
    for (i, g) in glyphs.iter().enumerate() {
        let starts_cluster = i == 0 || glyphs[i - 1].cluster != g.cluster;
        if starts_cluster
            && local
                .binary_search_by_key(&(g.cluster as usize), |c| c.0)
                .is_ok_and(|k| !local[k].1)
        {
            run = 0.0;
        }
        run += g.advance;
        longest = longest.max(run);
    }
    longest
}

/// Cuts between clusters every third of a line (at least every `size`).
fn emergency_cuts(glyphs: &[Glyph], measure: Pt, size: Pt) -> Vec<usize> {
    let mut emergency = Vec::new();
    let step = (measure / 3.0).max(size);
    let mut acc = 0.0;
    for (i, g) in glyphs.iter().enumerate() {
        if acc >= step && (i == 0 || glyphs[i - 1].cluster != g.cluster) {
            emergency.push(g.cluster as usize);
            acc = 0.0;
        }
        acc += g.advance;
    }
    emergency
}

fn indent_of(spec: &Spec, n: usize) -> Pt {
    if n == 0 {
        spec.indent
    } else {
        spec.hang
    }
}

/// Units → linebreak items, and for each item the unit it came from. Every
/// paragraph ends with the finishing items (no break, parfillskip, forced break).
fn items_of(units: &[Unit], justify: bool) -> (Vec<Item>, Vec<usize>) {
    let mut items = Vec::with_capacity(units.len() + 3);
    let mut map = Vec::with_capacity(units.len() + 3);
    for (i, u) in units.iter().enumerate() {
        match u {
            Unit::Piece(p) => {
                items.push(Item::Box { width: p.width });
                map.push(i);
            }
            Unit::Glue {
                natural,
                stretch,
                shrink,
            } => {
                let (st, sh) = if justify {
                    (*stretch, *shrink)
                } else {
                    (0.0, 0.0)
                };
                items.push(Item::Glue {
                    width: *natural,
                    stretch: st,
                    shrink: sh,
                });
                map.push(i);
            }
            Unit::Break {
                hyphen,
                penalty,
                flagged,
            } => {
                items.push(Item::Penalty {
                    width: hyphen.as_ref().map_or(0.0, |h| h.width),
                    penalty: *penalty,
                    flagged: *flagged,
                });
                map.push(i);
            }
            Unit::Forced => {
                items.push(Item::Penalty {
                    width: 0.0,
                    penalty: INFINITY_PENALTY,
                    flagged: false,
                });
                map.push(i);
                items.push(Item::Glue {
                    width: 0.0,
                    stretch: FILL,
                    shrink: 0.0,
                });
                map.push(i);
                items.push(Item::Penalty {
                    width: 0.0,
                    penalty: -INFINITY_PENALTY,
                    flagged: false,
                });
                map.push(i);
            }
        }
    }
    (items, map)
}

/// First fit, for ragged and centred text: the longest line that fits, breaking
/// at the last legal break; a piece wider than the line gets a line of its own.
fn first_fit(items: &[Item], width_of: &dyn Fn(usize) -> Pt) -> Vec<(usize, f32)> {
    let mut breaks = Vec::new();
    let mut line_start = 0;
    let mut x: Pt = 0.0;
    let mut last_legal: Option<(usize, Pt)> = None;
    let mut i = 0;
    while i < items.len() {
        let n = breaks.len();
        match items[i] {
            Item::Box { width } => {
                if x + width > width_of(n) && x > 0.0 {
                    if let Some((b, _)) = last_legal {
                        breaks.push((b, 0.0));
                        i = b + 1;
                        // Skip glue and penalties at the start of the next line.
                        while i < items.len() && !matches!(items[i], Item::Box { .. }) {
                            if let Item::Penalty { penalty, .. } = items[i] {
                                if penalty <= -INFINITY_PENALTY {
                                    break;
                                }
                            }
                            i += 1;
                        }
                        line_start = i;
                        x = 0.0;
                        last_legal = None;
                        continue;
                    }
                }
                x += width;
            }
            Item::Glue { width, .. } => {
                if i > line_start && matches!(items[i - 1], Item::Box { .. }) {
                    last_legal = Some((i, x));
                }
                x += width;
            }
            Item::Penalty { penalty, width, .. } => {
                if penalty <= -INFINITY_PENALTY {
                    breaks.push((i, 0.0));
                    line_start = i + 1;
                    x = 0.0;
                    last_legal = None;
                } else if penalty < INFINITY_PENALTY && x + width <= width_of(n) {
                    last_legal = Some((i, x));
                }
            }
        }
        i += 1;
    }
    // Merge the empty lines a forced break right after a break would make.
    breaks.dedup_by_key(|b| b.0);
    breaks
}

/// The glyphs whose clusters fall in `text[from..to]`, placed from x = 0. Shaping is
/// left to right, so clusters never decrease and those glyphs are one run of
/// indices: found by binary search, each cluster's text taken once. Linear in the
/// piece, whatever the length of the word.
#[allow(clippy::too_many_arguments)]
fn placed(
    glyphs: &Arc<[Glyph]>,
    text: &str,
    from: usize,
    to: usize,
    face: FaceId,
    size: Pt,
    dy: Pt,
    link: Option<&LinkTarget>,
) -> Placed {
    let lo = glyphs.partition_point(|g| (g.cluster as usize) < from);
    let hi = glyphs.partition_point(|g| (g.cluster as usize) < to);
    let mut out = Vec::with_capacity(hi - lo);
    let mut x = 0.0;
    for i in lo..hi {
        let g = &glyphs[i];
        let c = g.cluster as usize;
        let t = if i > lo && glyphs[i - 1].cluster == g.cluster {
            super::doc::GlyphText::default()
        } else {
            let next = glyphs[i + 1..]
                .iter()
                .find(|n| n.cluster != g.cluster)
                .map_or(text.len(), |n| (n.cluster as usize).min(text.len()));
            text.get(c..next.max(c)).unwrap_or("").into()
        };
        out.push(PlacedGlyph {
            id: g.id,
            dx: x + g.x_offset,
            dy: g.y_offset,
            text: t,
        });
        x += g.advance;
    }
    Placed {
        face,
        size,
        x: 0.0,
        dy,
        width: x,
        glyphs: out,
        link: link.map(|l| Box::new(l.clone())),
    }
}
