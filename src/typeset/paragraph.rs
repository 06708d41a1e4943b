//! One paragraph: styled runs of text → shaped word pieces → box/glue/penalty items
//! → lines (total fit when justified, first fit when ragged or centred) → glyphs
//! placed on each line, in visual order.
//!
//! The paragraph's text is read whole once: its break opportunities (UAX #14, with
//! the Japanese line-start and line-end prohibitions on top) and, when it holds
//! right-to-left text or is itself right to left, its bidi levels (UAX #9). Words
//! are shaped whole, once per face and level run, in their direction, and cut at
//! hyphenation points and break opportunities only between clusters, so ligatures
//! stay whole. Lines are broken in logical order; each line is then reordered
//! (UAX #9 L2) and, in a right-to-left paragraph, set from the right. Between two
//! CJK characters a break is a glue of no width that a justified line stretches.
//!
//! Where words may break is `breaks`; bidi levels and the marks for text
//! extraction are `bidi`. Knows nothing of pages; the caller stacks the lines.

use std::sync::Arc;

use rustc_hash::FxHashMap;
use unicode_bidi::{BidiInfo, Level};

use bidi::mark_direction_changes;
use breaks::{cjk, opportunities, Opportunity};

mod balance;
mod bidi;
mod breaks;
pub(super) mod hang;

use super::doc::{Color, FaceId, PlacedGlyph, Pt};
use super::fonts::{FontSet, Style};
use super::hyphenate;
use super::linebreak::{self, Extra, Item, Params, INFINITY_PENALTY};
use super::shape::{Glyph, Shaper};
use crate::model::pages::TextAt;
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
/// Stretch between two CJK characters, in em. A justified line of ideographs
/// fills the measure by spreading its slack (less than one character) over some
/// thirty gaps: a tenth of an em a gap keeps even a short line under the
/// tolerance, and well above a Latin space's stretch per character, so a line
/// mixing both spreads mostly between the ideographs, as JLReq does.
const CJK_STRETCH_EM: Pt = 0.1;
/// Shrink between two CJK characters, in em: a little, so that a line one
/// character too long by a hair still takes it, never enough to make
/// characters touch.
const CJK_SHRINK_EM: Pt = 0.02;
/// Words kept cut into pieces (`WordCache`) before the cache is emptied and starts
/// again: a novel has some 50,000 distinct words, in two or three styles; the bound
/// keeps an input of only distinct words from growing without end.
const MAX_CACHED_WORDS: usize = 200_000;
/// A picture in a line of text (an icon, a badge) is this many ems tall, its foot
/// on the baseline: about the height of capitals and ascenders, so that it stands
/// as tall as the words beside it and never reaches the line above.
pub const PICTURE_EM: Pt = 0.75;

/// How text of a run looks.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStyle {
    pub style: Style,
    pub size: Pt,
    /// Raised (footnote numbers): drawn smaller and higher.
    pub raised: bool,
    pub link: Option<LinkTarget>,
    /// The run is a picture set in the line, not text: each character of its text
    /// (an U+FFFC) is one picture, drawn `PICTURE_EM` tall.
    pub picture: Option<InlinePicture>,
    /// The text's colour (highlighted code); black when None.
    pub color: Option<Color>,
}

/// A picture in a line of text: `Document::images[image]`, and its width over its
/// height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InlinePicture {
    pub image: usize,
    pub aspect: f32,
}

/// A piece of text in one style. `\n` inside is a forced line break.
#[derive(Debug, Clone)]
pub struct Run {
    pub text: String,
    pub style: RunStyle,
    /// Which stretches of `text` are strings of the book, in order (empty for
    /// text the typesetter adds: numbers, labels, running heads). Each line's
    /// `source` is found through them.
    pub sources: Vec<Source>,
}

impl Run {
    /// Text the typesetter adds, from no string of the book.
    pub fn new(text: impl Into<String>, style: RunStyle) -> Run {
        Run {
            text: text.into(),
            style,
            sources: Vec::new(),
        }
    }
}

/// `len` bytes of a run's text from byte `at` are the book's string `from.key`,
/// from its byte `from.offset`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Source {
    pub at: usize,
    pub len: usize,
    pub from: TextAt,
}

/// How lines sit in the measure. In a right-to-left paragraph (`Spec::rtl`), `Left`
/// and `Right` are its start and end: `Left` (and a justified paragraph's last
/// line) is flush with the right edge, `Right` with the left one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// Every space kept at its width, at the start of a line too (code): runs of
    /// spaces are neither merged nor stretched.
    pub keep_spaces: bool,
    /// Ragged or centred lines of about the same length (headings, titles):
    /// `balance`.
    pub balance: bool,
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
            keep_spaces: false,
            balance: false,
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
    /// A picture in the line (`Document::images[picture]`), not glyphs: drawn
    /// `width` wide and `size` tall, its foot on the baseline.
    pub picture: Option<u32>,
    /// Black when None.
    pub color: Option<Color>,
    /// Horizontal scale of the glyphs (font expansion), already counted in `width`
    /// and the glyphs' `dx`; 1 as designed.
    pub scale: f32,
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
    /// Drawn behind it (set by the flow, not here).
    pub backdrops: Vec<Backdrop>,
    /// How far the line reaches past its measure at its start and at its end
    /// (margin kerning: punctuation hanging into the margin).
    pub hang: (Pt, Pt),
    /// Where in the book's text the line's first whole word begins (after the
    /// rest of a word hyphenated at the line before); None when the line holds
    /// no text of the book (a number, a label). The EPUB marks a printed page's
    /// beginning there.
    pub source: Option<TextAt>,
}

impl Line {
    /// Adjacent pieces drawn alike (face, size, baseline, colour and scale; no
    /// link or picture in either) joined into one, as placing joins them into one
    /// text run anyway: a line of a long book then holds a piece or two, not one
    /// a word (the novel's 765,000 pieces were a fifth of its memory). Done once a
    /// line is final, in the flow; a joined piece's `width` reaches from its first
    /// glyph to the end of its last piece.
    pub fn join_pieces(&mut self) {
        if self.pieces.len() < 2 {
            return;
        }
        let alike = |a: &Placed, b: &Placed| {
            a.link.is_none()
                && b.link.is_none()
                && a.picture.is_none()
                && b.picture.is_none()
                && a.face == b.face
                && a.size == b.size
                && a.dy == b.dy
                && a.color == b.color
                && a.scale == b.scale
        };
        // Each group of pieces that join: how many, and their glyphs, counted
        // first so that a joined piece is allocated once, at its size.
        let mut groups = Vec::new();
        let mut i = 0;
        while let Some(first) = self.pieces.get(i) {
            let alike_first = self.pieces[i + 1..]
                .iter()
                .take_while(|n| alike(first, n))
                .count();
            let glyphs = self.pieces[i..=i + alike_first]
                .iter()
                .map(|p| p.glyphs.len())
                .sum::<usize>();
            groups.push((1 + alike_first, glyphs));
            i += 1 + alike_first;
        }
        let mut out: Vec<Placed> = Vec::with_capacity(groups.len());
        let mut pieces = std::mem::take(&mut self.pieces).into_iter();
        for (count, glyphs) in groups {
            let Some(mut first) = pieces.next() else {
                break;
            };
            if count > 1 {
                first.glyphs.reserve_exact(glyphs - first.glyphs.len());
                let mut end = first.x + first.width;
                for next in pieces.by_ref().take(count - 1) {
                    let shift = next.x - first.x;
                    first.glyphs.extend(next.glyphs.iter().map(|g| PlacedGlyph {
                        dx: g.dx + shift,
                        ..*g
                    }));
                    end = next.x + next.width;
                }
                first.width = end - first.x;
            }
            out.push(first);
        }
        self.pieces = out;
    }
}

/// How a line fills its measure: the glue's ratio, the glyphs' horizontal scale
/// (font expansion), and how far it hangs into the margin at its start and end.
#[derive(Debug, Clone, Copy)]
struct Fill {
    ratio: f32,
    scale: f32,
    hang: (Pt, Pt),
}

impl Fill {
    fn ragged(ratio: f32) -> Fill {
        Fill {
            ratio,
            scale: 1.0,
            hang: (0.0, 0.0),
        }
    }
}

/// A rectangle drawn behind a line, the height of its line box: a code block's
/// tint, the rule beside a box. On a page, a line's backdrop reaches up to the
/// nearest line above with a backdrop of the same `group`, across the space
/// between them (between the paragraphs of a box).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backdrop {
    /// From the line's left edge.
    pub x: Pt,
    pub width: Pt,
    pub color: Color,
    pub group: u32,
}

/// What setting a paragraph noticed.
#[derive(Debug, Default, Clone)]
pub struct Notes {
    /// Characters no bundled face has.
    pub missing: Vec<char>,
    pub overfull: usize,
    /// Words wider than the measure, broken between letters where needed.
    pub long_words: usize,
}

/// How narrow and how wide a paragraph can be set, from [`Ctx::extent`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Extent {
    /// The widest stretch no line can break inside (a long word, a URL).
    pub min: Pt,
    /// The widest line, set with no break but the forced ones.
    pub max: Pt,
}

/// Shared state for setting many paragraphs.
pub struct Ctx<'a> {
    pub fonts: &'a FontSet,
    pub shaper: Shaper,
    pub language: String,
    /// Justified lines may expand or condense their glyphs (`pdf.expansion`).
    pub expansion: bool,
    /// Words already shaped, hyphenated and cut into pieces.
    pub words: WordCache,
}

/// Words already cut into pieces, by everything that shapes them (style, size,
/// raise, colour, the narrowest line, hyphenation, language): a book says the same
/// words again and again, and a word met again costs a lookup instead of its
/// shaping, hyphenation points and glyphs. Only words whose pieces depend on
/// nothing else are kept: no break opportunity of the paragraph inside them (a
/// hyphen, CJK), no bidi, no link, no character that no face has, not longer than
/// the line. The same units as setting the word anew, so the same lines.
#[derive(Default)]
pub struct WordCache {
    /// The language the words were set in; another empties the cache.
    language: String,
    words: FxHashMap<WordStyle, FxHashMap<Box<str>, Arc<[Unit]>>>,
    count: usize,
}

/// What, besides its text, decides how a word is cut into pieces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct WordStyle {
    style: Style,
    /// `Pt::to_bits` of the size, the raise and the narrowest line.
    size: u32,
    dy: u32,
    measure: u32,
    color: Option<Color>,
    hyphenate: bool,
}

impl WordCache {
    fn get(&mut self, language: &str, key: &WordStyle, word: &str) -> Option<Arc<[Unit]>> {
        if self.language != language {
            self.words.clear();
            self.count = 0;
            self.language = language.to_string();
            return None;
        }
        self.words.get(key)?.get(word).cloned()
    }

    fn put(&mut self, key: WordStyle, word: &str, units: Arc<[Unit]>) {
        if self.count >= MAX_CACHED_WORDS {
            self.words.clear();
            self.count = 0;
        }
        self.count += 1;
        self.words
            .entry(key)
            .or_default()
            .insert(word.into(), units);
    }
}

/// One unit of the item list with what to draw for it. Pieces are shared with the
/// word cache; a line copies those it places.
#[derive(Clone)]
enum Unit {
    /// Shaped text of one face and one bidi level, and the byte offset in the
    /// paragraph's text where it begins.
    Piece(Arc<Placed>, Level, usize),
    Glue {
        natural: Pt,
        stretch: Pt,
        shrink: Pt,
        /// A space of the text, drawn as a space glyph; else the glue between two
        /// CJK characters, where the text has none.
        space: bool,
        level: Level,
    },
    /// A break point; `hyphen` is drawn only if the line ends here.
    Break {
        hyphen: Option<Arc<Placed>>,
        penalty: f32,
        flagged: bool,
    },
    /// A forced line break (`\n`) or the paragraph's end.
    Forced,
}

/// The paragraph's runs as one text, read whole: where it may break inside a word
/// and, where needed, each byte's bidi level.
struct Text {
    /// The runs' text, taken together.
    all: String,
    /// Break opportunities not at white space (spaces are glue), sorted: byte
    /// offset in the runs' text, taken together, and what breaking there is.
    breaks: Vec<(usize, Opportunity)>,
    /// Bidi embedding level of each byte; `None` when all of it is left to right
    /// (no right-to-left character in a left-to-right paragraph), which skips
    /// reordering altogether.
    levels: Option<Vec<Level>>,
}

impl Text {
    fn of(runs: &[Run], rtl: bool) -> Text {
        let mut all = String::with_capacity(runs.iter().map(|r| r.text.len()).sum());
        for r in runs {
            all.push_str(&r.text);
        }
        let levels = bidi::levels(&all, rtl);
        Text {
            breaks: opportunities(&all),
            levels,
            all,
        }
    }

    fn level(&self, at: usize) -> Level {
        self.levels
            .as_ref()
            .and_then(|l| l.get(at).copied())
            .unwrap_or_else(Level::ltr)
    }
}

impl Ctx<'_> {
    /// Sets `runs` as a paragraph of the given shape.
    pub fn set(&mut self, runs: &[Run], spec: &Spec, notes: &mut Notes) -> Vec<Line> {
        let text = Text::of(runs, spec.rtl);
        let units = self.units(runs, &text, spec, notes);
        if units.iter().all(|u| !matches!(u, Unit::Piece(..))) {
            return Vec::new();
        }
        let width_of = |n: usize| -> Pt {
            let indent = if n == 0 { spec.indent } else { spec.hang };
            (spec.width - indent).max(1.0)
        };
        let justify = spec.align == Align::Justify;
        let (items, map) = items_of(&units, justify);
        let bidi = text.levels.is_some();
        // Margin kerning and font expansion: justified text set left to right (a
        // right-to-left or mixed line's ends are not its logical ends), not code.
        let micro = justify && !spec.rtl && !bidi && !spec.keep_spaces;
        let extras = if micro {
            // A monospaced mark sits in the middle of a wide advance: a share of
            // the advance would put all its ink in the margin. Code never hangs.
            let mono = [Style::Mono, Style::MonoBold, Style::MonoItalic].map(|s| self.fonts.id(s));
            let hangs = |p: &Placed| !mono.contains(&p.face);
            extras_of(&units, &map, &items, spec.indent > 0.0, &hangs)
        } else {
            Vec::new()
        };
        let breaks: Vec<(usize, Fill)> = if justify {
            let mut params = Params::default();
            if !micro || !self.expansion {
                params.expansion = 0.0;
            }
            let out = linebreak::linebreak_with(&items, &extras, &width_of, &params);
            notes.overfull += out.overfull.len();
            out.breaks
                .iter()
                .map(|b| {
                    let fill = Fill {
                        ratio: b.ratio,
                        scale: b.scale,
                        hang: (0.0, extras.get(b.index).map_or(0.0, |e| e.end_hang)),
                    };
                    (b.index, fill)
                })
                .collect()
        } else {
            let ragged = if spec.balance {
                balance::balanced(&items, &units, &map, &width_of)
            } else {
                first_fit(&items, &width_of)
            };
            ragged
                .into_iter()
                .map(|(i, ratio)| (i, Fill::ragged(ratio)))
                .collect()
        };
        let mut lines = Vec::with_capacity(breaks.len());
        let sources = sources_of(runs);
        // Where each line's first piece of text begins, for its `source`.
        let firsts: Vec<Option<usize>> = if sources.is_empty() {
            Vec::new()
        } else {
            let mut start = 0;
            breaks
                .iter()
                .map(|&(end, _)| {
                    let first = first_piece(&units, &map, start, end);
                    start = end + 1;
                    first
                })
                .collect()
        };
        let mut start = 0;
        for (n, &(end, mut fill)) in breaks.iter().enumerate() {
            let last = n + 1 == breaks.len();
            // The line breaker counted the hang of the box a line starts with.
            if let Some(first) = (start..end).find(|&k| matches!(items[k], Item::Box { .. })) {
                fill.hang.0 = extras.get(first).map_or(0.0, |e| e.start_hang);
            }
            let (mut line, natural) =
                self.line(&units, &map, start, end, fill, spec, n, last, bidi);
            if justify {
                line.overfull = natural - fill.hang.0 - fill.hang.1 > width_of(n) + 0.5;
                line.hang = fill.hang;
            }
            if let Some(&Some(at)) = firsts.get(n) {
                let cut = lines.last().is_some_and(|l: &Line| l.hyphenated);
                let next = firsts[n + 1..].iter().flatten().next();
                let end = next.copied().unwrap_or(text.all.len());
                line.source = source_of(&sources, &text.all, at, end, cut);
            }
            lines.push(line);
            start = end + 1;
        }
        lines
    }

    /// The narrowest and the widest `runs` can be set without breaking a word
    /// (CSS's min-content and max-content widths): the widest stretch between two
    /// places a line may break (spaces, UAX #14 opportunities; no hyphenation), and
    /// the widest line when lines break only where the text says (`\n`).
    pub fn extent(&mut self, runs: &[Run], rtl: bool, notes: &mut Notes) -> Extent {
        // So wide that no word is cut in an emergency.
        let spec = Spec {
            rtl,
            ..Spec::plain(Pt::MAX / 4.0, Align::Left)
        };
        let text = Text::of(runs, spec.rtl);
        let units = self.units(runs, &text, &spec, notes);
        let mut e = Extent::default();
        let mut joined = false;
        // The unbroken stretch so far; the line so far, and where its last piece ends.
        let (mut word, mut line, mut end): (Pt, Pt, Pt) = (0.0, 0.0, 0.0);
        for u in &units {
            // Glue after a no-break penalty does not end the unbroken stretch.
            let held = joined;
            joined = matches!(u, Unit::Break { penalty, .. } if *penalty >= INFINITY_PENALTY);
            match u {
                Unit::Piece(p, ..) => {
                    word += p.width;
                    line += p.width;
                    end = line;
                    e.min = e.min.max(word);
                }
                Unit::Glue { natural, .. } => {
                    if held {
                        word += natural;
                    } else {
                        word = 0.0;
                    }
                    line += natural;
                }
                Unit::Break { penalty, .. } if *penalty >= INFINITY_PENALTY => {}
                Unit::Break { .. } => word = 0.0,
                Unit::Forced => {
                    e.max = e.max.max(end);
                    (word, line, end) = (0.0, 0.0, 0.0);
                }
            }
        }
        e.max = e.max.max(end);
        e
    }

    /// Runs → units: pieces of shaped text, glue for spaces, break points.
    fn units(&mut self, runs: &[Run], text: &Text, spec: &Spec, notes: &mut Notes) -> Vec<Unit> {
        let mut units = Vec::new();
        // Where the run, and then the word, starts in the paragraph's text.
        let mut at = 0;
        for run in runs {
            let st = &run.style;
            let size = if st.raised { st.size * 0.65 } else { st.size };
            let dy = if st.raised { st.size * 0.35 } else { 0.0 };
            // A picture is one unbreakable piece without glyphs, which the line
            // breaker measures as any word.
            if let Some(picture) = st.picture {
                for c in run.text.chars() {
                    let piece = picture_piece(picture, size, spec.width, st.link.as_ref());
                    units.push(Unit::Piece(Arc::new(piece), text.level(at), at));
                    at += c.len_utf8();
                }
                continue;
            }
            for (i, line) in run.text.split('\n').enumerate() {
                if i > 0 {
                    units.push(Unit::Forced);
                    at += 1;
                }
                let mut rest = line;
                while !rest.is_empty() {
                    let ws = rest.len() - rest.trim_start_matches(breaking_space).len();
                    if ws > 0 && spec.keep_spaces {
                        self.kept_spaces(&mut units, st.style, size, &rest[..ws], text.level(at));
                        rest = &rest[ws..];
                        at += ws;
                        continue;
                    }
                    if ws > 0 {
                        // A word joiner after the spaces holds them to the next
                        // word (UAX #14: WJ ×): no break there.
                        if rest[ws..].starts_with(['\u{2060}', '\u{feff}'])
                            && matches!(units.last(), Some(Unit::Piece(..)))
                        {
                            units.push(Unit::Break {
                                hyphen: None,
                                penalty: INFINITY_PENALTY,
                                flagged: false,
                            });
                        }
                        self.glue(&mut units, st.style, size, &rest[..ws], text.level(at));
                        rest = &rest[ws..];
                        at += ws;
                        continue;
                    }
                    let end = rest.find(breaking_space).unwrap_or(rest.len());
                    let word = Word {
                        text: &rest[..end],
                        at,
                    };
                    self.word(
                        &mut units,
                        word,
                        text,
                        st,
                        size,
                        dy,
                        spec.hyphenate && !st.raised,
                        // A word must fit the narrowest line: the first, less its
                        // indent, or the others, less the hanging indent.
                        (spec.width - spec.indent.max(spec.hang)).max(size),
                        notes,
                    );
                    rest = &rest[end..];
                    at += end;
                }
            }
        }
        // No trailing glue before the end.
        while matches!(units.last(), Some(Unit::Glue { .. })) {
            units.pop();
        }
        units.push(Unit::Forced);
        let narrowest = (spec.width - spec.indent.max(spec.hang)).max(1.0);
        unbreakable_runs(units, narrowest, notes)
    }

    /// A run of spaces kept as written (code): as wide as its spaces, fixed, even
    /// at the start of a line; a line may still break there.
    fn kept_spaces(
        &mut self,
        units: &mut Vec<Unit>,
        style: Style,
        size: Pt,
        spaces: &str,
        level: Level,
    ) {
        let face = self.fonts.id(style);
        let w = self
            .shaper
            .width(self.fonts, face, size, " ", &self.language);
        let w = if w > 0.0 { w } else { size * 0.6 };
        units.push(Unit::Glue {
            natural: w * spaces.chars().count() as f32,
            stretch: 0.0,
            shrink: 0.0,
            space: true,
            level,
        });
    }

    /// The glue of a run of spaces: a word space, stretching and shrinking; of an
    /// ideographic space (U+3000) as wide as an ideograph, stretching as the gaps
    /// between ideographs do; of spaces of a set width (thin, en, em, the quads:
    /// U+2000–U+2009, U+205F) their own width, which a justified line keeps.
    fn glue(&mut self, units: &mut Vec<Unit>, style: Style, size: Pt, spaces: &str, level: Level) {
        if matches!(
            units.last(),
            Some(Unit::Glue { .. }) | None | Some(Unit::Forced)
        ) {
            return;
        }
        if spaces.chars().all(fixed_space) {
            let face = self.fonts.id(style);
            let w = self
                .shaper
                .width(self.fonts, face, size, spaces, &self.language);
            units.push(Unit::Glue {
                natural: w.max(0.0),
                stretch: 0.0,
                shrink: 0.0,
                space: true,
                level,
            });
            return;
        }
        if spaces.chars().all(|c| c == '\u{3000}') {
            units.push(Unit::Glue {
                natural: size,
                stretch: size * CJK_STRETCH_EM,
                shrink: size * CJK_SHRINK_EM,
                space: true,
                level,
            });
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
            space: true,
            level,
        });
    }

    /// One word (no spaces) in one style: split by face (fallback for missing
    /// glyphs) and bidi level, shaped whole per segment in its direction, cut at
    /// break opportunities. A break opportunity at its start (where the run before
    /// ended without a space: two CJK runs) comes before it.
    #[allow(clippy::too_many_arguments)]
    fn word(
        &mut self,
        units: &mut Vec<Unit>,
        word: Word,
        text: &Text,
        st: &RunStyle,
        size: Pt,
        dy: Pt,
        hyphenate: bool,
        measure: Pt,
        notes: &mut Notes,
    ) {
        // A word whose pieces depend on nothing but the word and its style is set
        // once (see `WordCache`).
        let end = word.at + word.text.len();
        let from = text.breaks.partition_point(|b| b.0 < word.at);
        let cacheable = text.levels.is_none()
            && st.link.is_none()
            && text.breaks.get(from).is_none_or(|b| b.0 >= end);
        let key = WordStyle {
            style: st.style,
            size: size.to_bits(),
            dy: dy.to_bits(),
            measure: measure.to_bits(),
            color: st.color,
            hyphenate,
        };
        if cacheable {
            if let Some(cached) = self.words.get(&self.language, &key, word.text) {
                units.extend(cached.iter().map(|u| match u {
                    Unit::Piece(p, level, at) => Unit::Piece(Arc::clone(p), *level, word.at + at),
                    other => other.clone(),
                }));
                return;
            }
        }
        let first = units.len();
        let long_words = notes.long_words;
        let cuts = self.break_opportunities(word, text, hyphenate);
        let (segments, missing) = self.segments(word, text, st.style, notes);
        for (s0, s1, face, level) in segments {
            let seg = &word.text[s0..s1];
            let rtl = level.is_rtl();
            // A cut where a segment starts: between two faces or directions, or
            // before the word.
            if let Ok(k) = cuts.binary_search_by_key(&s0, |c| c.0) {
                if matches!(units.last(), Some(Unit::Piece(..))) {
                    let cut = Cut {
                        at: 0,
                        kind: cuts[k].1,
                    };
                    units.push(self.break_at(cut, face, size, dy, st.link.as_ref(), level));
                }
            }
            // A word the word cache keeps is not kept by the shaper too.
            let glyphs = self.shaper.shape_kept(
                self.fonts,
                face,
                size,
                seg,
                &self.language,
                rtl,
                !cacheable,
            );
            let local = segment_cuts(&cuts, s0, s1, &glyphs, measure, size, notes);
            let mut from = 0;
            let end = Cut {
                at: seg.len(),
                kind: CutKind::Explicit,
            };
            for cut in local.into_iter().chain(std::iter::once(end)) {
                // Only between clusters: a ligature spanning the cut keeps it whole.
                if cut.at < seg.len()
                    && glyphs
                        .binary_search_by_key(&cut.at, |g| g.cluster as usize)
                        .is_err()
                {
                    continue;
                }
                let mut piece = placed(
                    &glyphs,
                    seg,
                    from,
                    cut.at,
                    face,
                    size,
                    dy,
                    st.link.as_ref(),
                    rtl,
                );
                piece.color = st.color;
                if piece.glyphs.is_empty() {
                    continue;
                }
                // Between CJK characters the segment is shaped whole, so the glyph
                // before a cut carries its kerning with the glyph after it. A line
                // that ends there ends on the glyph's own advance: the piece is
                // measured with it and the glue between gives the kerning back
                // when the line does not break there.
                let kern = match cut.kind {
                    CutKind::Ideographic { .. } if !rtl && cut.at < seg.len() => glyphs
                        .iter()
                        .take_while(|g| (g.cluster as usize) < cut.at)
                        .last()
                        .map_or(0.0, |g| {
                            self.fonts.face(face).advance(g.id) * size - g.advance
                        }),
                    _ => 0.0,
                };
                piece.width += kern;
                units.push(Unit::Piece(Arc::new(piece), level, word.at + s0 + from));
                if cut.at < seg.len() {
                    let mut glue = self.break_at(cut, face, size, dy, st.link.as_ref(), level);
                    if let Unit::Glue { natural, .. } = &mut glue {
                        *natural -= kern;
                    }
                    units.push(glue);
                }
                from = cut.at;
            }
        }
        if cacheable && !missing && notes.long_words == long_words {
            let set: Arc<[Unit]> = units[first..]
                .iter()
                .map(|u| match u {
                    Unit::Piece(p, level, at) => Unit::Piece(Arc::clone(p), *level, at - word.at),
                    other => other.clone(),
                })
                .collect();
            self.words.put(key, word.text, set);
        }
    }

    /// Where a word may break (byte offset in the word, and what kind of break):
    /// the paragraph's opportunities inside it or at its start, and, in a word
    /// with none inside and no CJK character, its hyphenation points.
    fn break_opportunities(
        &self,
        word: Word,
        text: &Text,
        hyphenate: bool,
    ) -> Vec<(usize, CutKind)> {
        let end = word.at + word.text.len();
        let from = text.breaks.partition_point(|b| b.0 < word.at);
        let mut cuts: Vec<(usize, CutKind)> = text.breaks[from..]
            .iter()
            .take_while(|b| b.0 < end)
            .map(|&(pos, kind)| {
                let kind = match kind {
                    Opportunity::Explicit => CutKind::Explicit,
                    Opportunity::Ideographic { stretch } => CutKind::Ideographic { stretch },
                };
                (pos - word.at, kind)
            })
            .collect();
        if hyphenate && cuts.iter().all(|c| c.0 == 0) && !word.text.chars().any(cjk) {
            for p in hyphenate::points(word.text, &self.language) {
                cuts.push((p, CutKind::Hyphenation));
            }
            cuts.sort_by_key(|c| c.0);
        }
        cuts
    }

    /// The word in stretches of one face and one bidi level each (start, end,
    /// face, level): the style's face where it has the character, else the
    /// fallback, and the character noted as missing; and whether one was.
    fn segments(
        &self,
        word: Word,
        text: &Text,
        style: Style,
        notes: &mut Notes,
    ) -> (Vec<(usize, usize, FaceId, Level)>, bool) {
        let mut segs: Vec<(usize, usize, FaceId, Level)> = Vec::new();
        let mut missing = false;
        for (i, c) in word.text.char_indices() {
            let face = match self.fonts.face_for(style, c) {
                Some(f) => f,
                None => {
                    missing = true;
                    if !notes.missing.contains(&c) {
                        notes.missing.push(c);
                    }
                    self.fonts.id(Style::Fallback)
                }
            };
            let level = text.level(word.at + i);
            match segs.last_mut() {
                Some(s) if s.2 == face && s.3 == level => s.1 = i + c.len_utf8(),
                _ => segs.push((i, i + c.len_utf8(), face, level)),
            }
        }
        (segs, missing)
    }

    /// The break after a piece cut at `cut`: a hyphen drawn at a hyphenation
    /// point and the penalty the kind of cut costs; between CJK characters, glue.
    fn break_at(
        &mut self,
        cut: Cut,
        face: FaceId,
        size: Pt,
        dy: Pt,
        link: Option<&LinkTarget>,
        level: Level,
    ) -> Unit {
        let penalty = match cut.kind {
            CutKind::Ideographic { stretch } => {
                let stretch = if stretch { size * CJK_STRETCH_EM } else { 0.0 };
                return Unit::Glue {
                    natural: 0.0,
                    stretch,
                    shrink: if stretch > 0.0 {
                        size * CJK_SHRINK_EM
                    } else {
                        0.0
                    },
                    space: false,
                    level,
                };
            }
            CutKind::Hyphenation => HYPHEN_PENALTY,
            CutKind::Explicit => EXPLICIT_BREAK_PENALTY,
            CutKind::Emergency => EMERGENCY_BREAK_PENALTY,
        };
        let hyphen = if cut.kind == CutKind::Hyphenation {
            let hg = self
                .shaper
                .shape(self.fonts, face, size, "-", &self.language);
            Some(Arc::new(placed(
                &hg, "-", 0, 1, face, size, dy, link, false,
            )))
        } else {
            None
        };
        Unit::Break {
            hyphen,
            penalty,
            flagged: cut.kind != CutKind::Emergency,
        }
    }

    /// Places the units from `start` to the break at item `end` on one line, in
    /// visual order; also the line's natural width. A right-to-left paragraph's
    /// line is set from the right edge.
    #[allow(clippy::too_many_arguments)]
    fn line(
        &self,
        units: &[Unit],
        map: &[usize],
        start: usize,
        end: usize,
        fill: Fill,
        spec: &Spec,
        n: usize,
        last: bool,
        bidi: bool,
    ) -> (Line, Pt) {
        let ratio = fill.ratio;
        let mut line = Line {
            // Sized exactly: a long book holds a million pieces.
            pieces: Vec::with_capacity(pieces_between(units, map, start, end) + 1),
            ..Line::default()
        };
        let mut placer = Placer {
            x: 0.0,
            levels: bidi.then(Vec::new),
            scale: fill.scale,
        };
        // With bidi, what the line holds in logical order, each thing with its
        // level and width, to be placed in visual order; else placed at once.
        let mut things: Vec<(Thing, Level, Pt)> = Vec::new();
        let mut spaces = 0usize;
        let mut natural_spaces = 0.0;
        let mut actual_spaces = 0.0;
        // The glue the line breaks at, not drawn.
        let mut trailing = 0.0;
        let mut last_level = Level::ltr();
        // Leading glue and breaks after a line break are dropped, except the
        // indentation of code.
        let mut began = spec.keep_spaces
            && (start == 0 || matches!(units.get(map[start - 1]), Some(Unit::Forced)));
        for (k, &u) in map.iter().enumerate().take(end + 1).skip(start) {
            let (thing, level, w) = match &units[u] {
                Unit::Piece(p, level, _) => {
                    began = true;
                    (Thing::Piece(p), *level, placer.width(p))
                }
                Unit::Glue {
                    natural,
                    stretch,
                    shrink,
                    space,
                    level,
                } if began => {
                    let w = glue_width(*natural, *stretch, *shrink, ratio, spec.align);
                    if *space {
                        spaces += 1;
                        natural_spaces += natural;
                        actual_spaces += w;
                    }
                    if k == end {
                        trailing = w;
                        continue;
                    }
                    (Thing::Glue { space: *space }, *level, w)
                }
                Unit::Break {
                    hyphen: Some(h), ..
                } if k == end => {
                    line.hyphenated = true;
                    (Thing::Piece(h), last_level, placer.width(h))
                }
                _ => continue,
            };
            last_level = level;
            if bidi {
                things.push((thing, level, w));
            } else {
                placer.put(self, &mut line, &thing, level, w);
            }
        }
        if bidi {
            // Visual order: UAX #9 L2 over the line's things.
            let order = BidiInfo::reorder_visual(&things.iter().map(|t| t.1).collect::<Vec<_>>());
            for i in order {
                let (thing, level, w) = &things[i];
                placer.put(self, &mut line, thing, *level, *w);
            }
            let levels = placer.levels.as_deref().unwrap_or(&[]);
            mark_direction_changes(&mut line.pieces, levels, spec.rtl);
        }
        let x = placer.x;
        let shift = if spec.rtl {
            rtl_shift(spec, n, x)
        } else {
            // Left to right, a ragged line's width counts the space it breaks at;
            // a justified line starts where its hanging punctuation does.
            align_shift(spec, n, x + trailing) - fill.hang.0
        };
        for p in &mut line.pieces {
            p.x += shift;
        }
        if spec.align == Align::Justify && !last && spaces > 0 && natural_spaces > 0.0 {
            line.space_ratio = Some(actual_spaces / natural_spaces);
        }
        if line.max_size == 0.0 {
            line.max_size = first_size(units);
        }
        (line, x)
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
                    dy: super::doc::Dy::ZERO,
                    text: " ".into(),
                });
            }
        }
    }
}

/// Glyph `i` of `glyphs` drawn at pen position `x`; the first of its cluster
/// drawn carries the cluster's text (reversed right to left, see `placed`).
#[inline]
fn placed_glyph(
    glyphs: &[Glyph],
    i: usize,
    drawn_first: bool,
    text: &str,
    x: Pt,
    rtl: bool,
) -> PlacedGlyph {
    let g = &glyphs[i];
    let c = g.cluster as usize;
    let t = if drawn_first {
        let next = glyphs[i + 1..]
            .iter()
            .find(|n| n.cluster != g.cluster)
            .map_or(text.len(), |n| (n.cluster as usize).min(text.len()));
        let t = text.get(c..next.max(c)).unwrap_or("");
        if rtl && t.chars().nth(1).is_some() {
            reversed(t)
        } else {
            t.into()
        }
    } else {
        super::doc::GlyphText::default()
    };
    PlacedGlyph {
        id: g.id,
        dx: x + g.x_offset,
        dy: g.y_offset.into(),
        text: t,
    }
}

/// The clusters of glyphs placed right to left, as index ranges: a glyph with
/// text and the glyphs without text after it.
fn cluster_groups(out: &[PlacedGlyph]) -> Vec<(usize, usize)> {
    let mut groups = Vec::new();
    let mut a = 0;
    while a < out.len() {
        let b = a
            + 1
            + out[a + 1..]
                .iter()
                .take_while(|g| g.text.as_str().is_empty())
                .count();
        groups.push((a, b));
        a = b;
    }
    groups
}

/// `t`'s characters in reverse order.
fn reversed(t: &str) -> super::doc::GlyphText {
    let r: String = t.chars().rev().collect();
    r.as_str().into()
}

/// A word: text between spaces in one run, and where it starts in the paragraph.
#[derive(Debug, Clone, Copy)]
struct Word<'a> {
    text: &'a str,
    at: usize,
}

/// Puts a line's things side by side from its left edge.
struct Placer {
    /// Where the next thing goes.
    x: Pt,
    /// Each piece's level, when the line is reordered.
    levels: Option<Vec<Level>>,
    /// The line's glyph scale (font expansion); pictures keep their width.
    scale: f32,
}

impl Placer {
    /// A piece's width on this line.
    #[inline]
    fn width(&self, p: &Placed) -> Pt {
        if self.scale != 1.0 && expandable(p) {
            p.width * self.scale
        } else {
            p.width
        }
    }

    #[inline]
    fn put(&mut self, ctx: &Ctx, line: &mut Line, thing: &Thing, level: Level, w: Pt) {
        match thing {
            Thing::Piece(p) => {
                let mut p = piece_at(p, self.x);
                if self.scale != 1.0 && expandable(&p) {
                    for g in &mut p.glyphs {
                        g.dx *= self.scale;
                    }
                    p.width *= self.scale;
                    p.scale = self.scale;
                }
                line.max_size = line.max_size.max(p.size);
                line.pieces.push(p);
                if let Some(levels) = &mut self.levels {
                    levels.push(level);
                }
            }
            Thing::Glue { space: true } => ctx.space_glyph(line, self.x),
            Thing::Glue { space: false } => {}
        }
        self.x += w;
    }
}

/// What a line holds, before it is put in visual order.
enum Thing<'a> {
    Piece(&'a Placed),
    Glue { space: bool },
}

/// A picture `PICTURE_EM` tall at `size`, its aspect kept, no wider than
/// `measure`.
fn picture_piece(
    picture: InlinePicture,
    size: Pt,
    measure: Pt,
    link: Option<&LinkTarget>,
) -> Placed {
    let height = size * PICTURE_EM;
    let width = (height * picture.aspect).min(measure);
    Placed {
        face: FaceId(0),
        size: width / picture.aspect.max(f32::MIN_POSITIVE),
        x: 0.0,
        dy: 0.0,
        width,
        glyphs: Vec::new(),
        link: link.map(|l| Box::new(l.clone())),
        picture: Some(picture.image as u32),
        color: None,
        scale: 1.0,
    }
}

/// How many pieces the units from item `start` to item `end` hold.
fn pieces_between(units: &[Unit], map: &[usize], start: usize, end: usize) -> usize {
    map.iter()
        .take(end + 1)
        .skip(start)
        .filter(|&&u| matches!(units[u], Unit::Piece(..)))
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

/// How far a line of a right-to-left paragraph, `natural_width` wide, moves right:
/// to end at the right edge less its indent (its start), or centred, or to the
/// left edge when set to the end ("right" meaning the end of the line here). An
/// overfull line runs out on the left.
fn rtl_shift(spec: &Spec, n: usize, natural_width: Pt) -> Pt {
    let width = spec.width - indent_of(spec, n);
    match spec.align {
        Align::Center => ((width - natural_width) / 2.0).max(0.0),
        Align::Right => 0.0,
        Align::Left | Align::Justify => width - natural_width,
    }
}

/// The size of the paragraph's first piece, for the height of a line without one.
fn first_size(units: &[Unit]) -> Pt {
    units
        .iter()
        .find_map(|u| match u {
            Unit::Piece(p, ..) => Some(p.size),
            _ => None,
        })
        .unwrap_or(10.0)
}

/// A space a line may break at: any white space but the no-break ones (U+00A0,
/// U+2007, U+202F) and the hair space (U+200A), which stay inside their word at
/// their own width. A hair space sets off a mark from its neighbours (`…\u{200A}?”`,
/// `’\u{200A}”`, Standard Ebooks' ellipses): breaking there would start a line
/// with the mark.
fn breaking_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{200a}')
}

/// A space of a set width (the quads, en and em spaces, thin space, medium
/// mathematical space): a line may break there, but justification does not
/// change it.
fn fixed_space(c: char) -> bool {
    matches!(c, '\u{2000}'..='\u{2009}' | '\u{205f}')
}

/// A place a word's segment may break, in bytes from the segment's start.
#[derive(Debug, Clone, Copy)]
struct Cut {
    at: usize,
    kind: CutKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CutKind {
    /// At a hyphenation point: a hyphen is drawn if the line ends here.
    Hyphenation,
    /// After an explicit hyphen or dash (UAX #14).
    Explicit,
    /// Next to a CJK character: glue, stretching when `stretch`.
    Ideographic { stretch: bool },
    /// Between letters of a word longer than the line, where nothing else fits.
    Emergency,
}

/// Pieces with no break between them (UAX #14 holds a quotation mark to its
/// neighbours, so `"name"を` in Japanese is one) may run across several styles, each
/// piece shorter than a line and the whole longer: `segment_cuts` sees one style at
/// a time. Where such a run is wider than the narrowest line, it may break between
/// its pieces at the emergency penalty, as a long word does between letters.
fn unbreakable_runs(units: Vec<Unit>, narrowest: Pt, notes: &mut Notes) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::with_capacity(units.len());
    // Where the current run of pieces starts in `out`, and its width.
    let mut run_start = 0;
    let mut width = 0.0;
    let mut pieces = 0;
    let flush = |out: &mut Vec<Unit>, from: usize, width: Pt, pieces: usize, notes: &mut Notes| {
        if pieces < 2 || width <= narrowest {
            return;
        }
        notes.long_words += 1;
        let run: Vec<Unit> = out.drain(from..).collect();
        let count = run.len();
        for (k, u) in run.into_iter().enumerate() {
            out.push(u);
            if k + 1 < count {
                out.push(Unit::Break {
                    hyphen: None,
                    penalty: EMERGENCY_BREAK_PENALTY,
                    flagged: false,
                });
            }
        }
    };
    for u in units {
        if let Unit::Piece(p, ..) = &u {
            if pieces == 0 {
                run_start = out.len();
            }
            width += p.width;
            pieces += 1;
            out.push(u);
        } else {
            flush(&mut out, run_start, width, pieces, notes);
            width = 0.0;
            pieces = 0;
            out.push(u);
        }
    }
    flush(&mut out, run_start, width, pieces, notes);
    out
}

/// The cuts of `cuts` inside the segment `s0..s1` (shaped as `glyphs`), relative to
/// it. A word with a stretch wider than the measure between its break
/// opportunities (a URL, a long chemical name, a run of characters with no space)
/// may break anywhere between clusters, at a cost: cuts every third of a line, with
/// the emergency penalty, and a warning. Only the opportunities of UAX #14 count
/// here, not hyphenation points: ideographs, which may break between any two, never
/// need this; a long word does, even when it could be hyphenated.
fn segment_cuts(
    cuts: &[(usize, CutKind)],
    s0: usize,
    s1: usize,
    glyphs: &[Glyph],
    measure: Pt,
    size: Pt,
    notes: &mut Notes,
) -> Vec<Cut> {
    let mut local: Vec<Cut> = cuts
        .iter()
        .filter(|(c, _)| *c > s0 && *c < s1)
        .map(|&(c, kind)| Cut { at: c - s0, kind })
        .collect();
    if longest_unbroken(glyphs, &local) > measure {
        notes.long_words += 1;
        let emergency = emergency_cuts(glyphs, measure, size);
        for &at in &emergency {
            local.push(Cut {
                at,
                kind: CutKind::Emergency,
            });
        }
        // Stable: where a cut of the text and an emergency cut meet, the first
        // stays, and becomes an emergency cut unless it is a hyphenation point or
        // between CJK characters.
        local.sort_by_key(|c| c.at);
        local.dedup_by_key(|c| c.at);
        for c in &mut local {
            if c.kind == CutKind::Explicit && emergency.binary_search(&c.at).is_ok() {
                c.kind = CutKind::Emergency;
            }
        }
    }
    local
}

/// The widest stretch of glyphs between two of the segment's break opportunities
/// (hyphenation points do not count).
fn longest_unbroken(glyphs: &[Glyph], local: &[Cut]) -> Pt {
    let mut longest: Pt = 0.0;
    let mut run: Pt = 0.0;
    for (i, g) in glyphs.iter().enumerate() {
        let starts_cluster = i == 0 || glyphs[i - 1].cluster != g.cluster;
        if starts_cluster
            && local
                .binary_search_by_key(&(g.cluster as usize), |c| c.at)
                .is_ok_and(|k| local[k].kind != CutKind::Hyphenation)
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

/// The byte offset in the paragraph's text where the first piece of text from
/// item `start` to item `end` begins.
fn first_piece(units: &[Unit], map: &[usize], start: usize, end: usize) -> Option<usize> {
    map.get(start..=end.min(map.len().saturating_sub(1)))?
        .iter()
        .find_map(|&u| match &units[u] {
            Unit::Piece(p, _, at) if p.picture.is_none() => Some(*at),
            _ => None,
        })
}

/// The stretches of the paragraph's text that are strings of the book, in order:
/// (from, to) byte offsets in the runs' text, taken together, and the place the
/// first is.
fn sources_of(runs: &[Run]) -> Vec<(usize, usize, TextAt)> {
    let mut out = Vec::new();
    let mut run_start = 0;
    for r in runs {
        for s in &r.sources {
            out.push((run_start + s.at, run_start + s.at + s.len, s.from));
        }
        run_start += r.text.len();
    }
    out
}

/// The book's place of byte `at` of the paragraph's text `all`: in the string a
/// source names there, or else at the next source's beginning. `cut`: the line
/// before ended with a hyphen inside this word, so the place moves past the
/// word's end (but not past `end`, where the next line begins) to the first
/// whole word.
fn source_of(
    sources: &[(usize, usize, TextAt)],
    all: &str,
    mut at: usize,
    end: usize,
    cut: bool,
) -> Option<TextAt> {
    if cut {
        let line = all.get(at..end.min(all.len()))?;
        let word_end = line.find(breaking_space)?;
        let rest = &line[word_end..];
        at += word_end + rest.len() - rest.trim_start_matches(breaking_space).len();
    }
    let k = sources.partition_point(|s| s.1 <= at);
    let &(from, _, place) = sources.get(k)?;
    Some(TextAt {
        key: place.key,
        offset: place.offset + at.saturating_sub(from),
    })
}

/// Units → linebreak items, and for each item the unit it came from. Every
/// paragraph ends with the finishing items (no break, parfillskip, forced break).
fn items_of(units: &[Unit], justify: bool) -> (Vec<Item>, Vec<usize>) {
    let mut items = Vec::with_capacity(units.len() + 3);
    let mut map = Vec::with_capacity(units.len() + 3);
    for (i, u) in units.iter().enumerate() {
        match u {
            Unit::Piece(p, ..) => {
                items.push(Item::Box { width: p.width });
                map.push(i);
            }
            Unit::Glue {
                natural,
                stretch,
                shrink,
                ..
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

/// What each item adds to a justified line beyond its glue (see
/// `linebreak::Extra`): a box's glyphs may be expanded; a line may start with a
/// box's first character hanging into the margin, and end with a hyphen's or a
/// box's last character hanging, where `hangs` allows it for the piece. The first
/// line starts at the indent, not the margin, when `indented`.
fn extras_of(
    units: &[Unit],
    map: &[usize],
    items: &[Item],
    indented: bool,
    hangs: &dyn Fn(&Placed) -> bool,
) -> Vec<Extra> {
    let mut extras = vec![Extra::default(); items.len()];
    let piece = |k: usize| match (items.get(k), map.get(k).and_then(|&u| units.get(u))) {
        (Some(Item::Box { .. }), Some(Unit::Piece(p, ..))) => Some(p),
        _ => None,
    };
    for (k, &u) in map.iter().enumerate().take(items.len()) {
        match units.get(u) {
            Some(Unit::Piece(p, ..)) if p.picture.is_none() => {
                if expandable(p) {
                    extras[k].flex = p.width;
                }
                if (k > 0 || !indented) && hangs(p) {
                    extras[k].start_hang =
                        first_glyph(p).map_or(0.0, |(c, advance)| hang::start(c) * advance);
                }
            }
            Some(Unit::Break {
                hyphen: Some(h), ..
            }) if hangs(h) => extras[k].end_hang = hang::end('-') * h.width,
            Some(Unit::Glue { .. } | Unit::Break { hyphen: None, .. }) => {
                if let Some(p) = k.checked_sub(1).and_then(piece).filter(|p| hangs(p)) {
                    extras[k].end_hang =
                        last_glyph(p).map_or(0.0, |(c, advance)| hang::end(c) * advance);
                }
            }
            _ => {}
        }
    }
    extras
}

/// Whether font expansion may change a piece's width: glyphs, not a picture, and
/// not CJK text, which is justified between its characters (JLReq), never by
/// changing their width.
fn expandable(p: &Placed) -> bool {
    p.picture.is_none() && !first_glyph(p).is_some_and(|(c, _)| cjk(c))
}

/// A piece's first character and its glyph's advance (left to right).
fn first_glyph(p: &Placed) -> Option<(char, Pt)> {
    let g = p.glyphs.first()?;
    let c = g.text.as_str().chars().next()?;
    let next = p.glyphs.get(1).map_or(p.width, |n| n.dx);
    Some((c, (next - g.dx).max(0.0)))
}

/// A piece's last character and its glyph's advance (left to right).
fn last_glyph(p: &Placed) -> Option<(char, Pt)> {
    let k = p.glyphs.iter().rposition(|g| !g.text.is_empty())?;
    let g = &p.glyphs[k];
    let c = g.text.as_str().chars().next_back()?;
    Some((c, (p.width - g.dx).max(0.0)))
}

/// First fit, for ragged and centred text: the longest line that fits, breaking
/// at the last legal break (between the letters of a word too long for the line
/// only when no other fits); a piece wider than the line gets a line of its own.
fn first_fit(items: &[Item], width_of: &dyn Fn(usize) -> Pt) -> Vec<(usize, f32)> {
    let mut breaks = Vec::new();
    let mut line_start = 0;
    let mut x: Pt = 0.0;
    let mut last_legal: Option<(usize, Pt)> = None;
    // The last break that fits other than a cut between letters in an emergency:
    // taken before one, as a browser wraps at a space before it breaks a word.
    let mut last_good: Option<(usize, Pt)> = None;
    let mut i = 0;
    while i < items.len() {
        let n = breaks.len();
        match items[i] {
            Item::Box { width } => {
                if x + width > width_of(n) && x > 0.0 {
                    if let Some((b, _)) = last_good.or(last_legal) {
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
                        (last_legal, last_good) = (None, None);
                        continue;
                    }
                }
                x += width;
            }
            Item::Glue { width, .. } => {
                if i > line_start && matches!(items[i - 1], Item::Box { .. }) {
                    last_legal = Some((i, x));
                    last_good = last_legal;
                }
                x += width;
            }
            Item::Penalty { penalty, width, .. } => {
                if penalty <= -INFINITY_PENALTY {
                    breaks.push((i, 0.0));
                    line_start = i + 1;
                    x = 0.0;
                    (last_legal, last_good) = (None, None);
                } else if penalty < INFINITY_PENALTY && x + width <= width_of(n) {
                    last_legal = Some((i, x));
                    if penalty < EMERGENCY_BREAK_PENALTY {
                        last_good = last_legal;
                    }
                }
            }
        }
        i += 1;
    }
    // Merge the empty lines a forced break right after a break would make.
    breaks.dedup_by_key(|b| b.0);
    breaks
}

/// The glyphs whose clusters fall in `text[from..to]`, placed from x = 0, right to
/// left when `rtl`. Glyphs are in logical order, so clusters never decrease and
/// those glyphs are one run of indices: found by binary search, each cluster's text
/// taken once, by the cluster's first glyph drawn. Linear in the piece, whatever
/// the length of the word.
///
/// Right to left, a cluster of several characters (lam-alef, a letter and its
/// vowel mark) carries them in reverse: text extraction (poppler's) spreads a
/// glyph's characters over it from left to right, then reverses the right-to-left
/// stretch of a line, which puts them back in logical order.
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
    rtl: bool,
) -> Placed {
    let lo = glyphs.partition_point(|g| (g.cluster as usize) < from);
    let hi = glyphs.partition_point(|g| (g.cluster as usize) < to);
    let mut out = Vec::with_capacity(hi - lo);
    let mut x = 0.0;
    if rtl {
        for i in (lo..hi).rev() {
            let first = i + 1 == hi || glyphs[i + 1].cluster != glyphs[i].cluster;
            out.push(placed_glyph(glyphs, i, first, text, x, true));
            x += glyphs[i].advance;
        }
        // A letter with marks is several glyphs. Text extraction (poppler's)
        // spreads the text of a /ActualText span over the box from the first
        // glyph's origin to the last glyph's advance, and starts a new word at a
        // gap: marks drawn at either end of a span (a raised mark, or one
        // whose advance ends short of its letter) would cut the word in two.
        // Such a word gets one span, its whole text (reversed, as above) on its
        // first glyph, drawn from the leftmost letter's base to the rightmost
        // letter's base: each letter before its marks, the rightmost after
        // them.
        let groups = cluster_groups(&out);
        if groups.len() < out.len() {
            let last = groups.len() - 1;
            for (k, &(a, b)) in groups.iter().enumerate() {
                if k < last || k == 0 {
                    out[a..b].reverse();
                }
            }
            let whole = text.get(from..to.min(text.len())).unwrap_or("");
            for g in out.iter_mut() {
                g.text = super::doc::GlyphText::default();
            }
            out[0].text = reversed(whole);
        }
    } else {
        for i in lo..hi {
            let first = i == lo || glyphs[i - 1].cluster != glyphs[i].cluster;
            out.push(placed_glyph(glyphs, i, first, text, x, false));
            x += glyphs[i].advance;
        }
    }
    Placed {
        face,
        size,
        x: 0.0,
        dy,
        width: x,
        glyphs: out,
        link: link.map(|l| Box::new(l.clone())),
        picture: None,
        color: None,
        scale: 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::bidi::strong_rtl;
    use super::breaks::no_line_start;
    use super::*;
    use crate::model::pages::TextKey;
    use crate::typeset::fonts::Face;
    use std::sync::OnceLock;

    /// The bundled faces and a subset of Noto Sans CJK JP after them, for CJK.
    pub(super) fn fonts() -> &'static FontSet {
        static FONTS: OnceLock<FontSet> = OnceLock::new();
        FONTS.get_or_init(|| {
            let cjk = Face::from_static(
                "NotoSansCJK-subset.otf",
                include_bytes!("../../tests/fixtures/fonts/NotoSansCJKjp-subset.otf"),
            )
            .expect("the CJK fixture loads");
            FontSet::bundled_with(vec![cjk]).expect("bundled fonts load")
        })
    }

    /// A context over `fonts()` in `language`.
    pub(super) fn ctx(language: &str) -> Ctx<'static> {
        Ctx {
            fonts: fonts(),
            shaper: Shaper::new(),
            language: language.into(),
            expansion: true,
            words: WordCache::default(),
        }
    }

    /// `text` as one run of `style` at 10 pt.
    pub(super) fn run(text: &str, style: Style) -> Run {
        Run {
            text: text.into(),
            style: RunStyle {
                style,
                size: 10.0,
                raised: false,
                link: None,
                picture: None,
                color: None,
            },
            sources: Vec::new(),
        }
    }

    /// `text` set in `style` as one paragraph; no character may be missing.
    pub(super) fn set_in(
        text: &str,
        language: &str,
        spec: Spec,
        style: Style,
    ) -> (Vec<Line>, Notes) {
        let mut notes = Notes::default();
        let lines = ctx(language).set(&[run(text, style)], &spec, &mut notes);
        assert!(notes.missing.is_empty(), "missing {:?}", notes.missing);
        (lines, notes)
    }

    fn set(text: &str, language: &str, spec: Spec) -> Vec<Line> {
        set_in(text, language, spec, Style::Regular).0
    }

    fn rtl(width: Pt, align: Align) -> Spec {
        Spec {
            rtl: true,
            ..Spec::plain(width, align)
        }
    }

    /// The text a glyph stands for, without the marks added for text extraction.
    fn glyph_text(g: &PlacedGlyph) -> String {
        g.text
            .as_str()
            .chars()
            .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}'))
            .collect()
    }

    /// Each piece's text in logical order (spaces left out) with its left edge,
    /// left to right.
    fn pieces(line: &Line) -> Vec<(String, Pt)> {
        let mut out: Vec<(String, Pt)> = line
            .pieces
            .iter()
            .map(|p| {
                let drawn: String = p.glyphs.iter().map(glyph_text).collect();
                let drawn = drawn.trim();
                // Right to left, glyphs are drawn last letter first (and a
                // cluster's letters kept reversed).
                let t: String = if drawn.chars().any(strong_rtl) {
                    drawn.chars().rev().collect()
                } else {
                    drawn.to_string()
                };
                (t, p.x)
            })
            .collect();
        out.sort_by(|a, b| a.1.total_cmp(&b.1));
        out
    }

    fn words(line: &Line) -> Vec<String> {
        pieces(line).into_iter().map(|p| p.0).collect()
    }

    /// Right edge of the line's ink: its last piece's end, space glyphs aside.
    fn right_edge(line: &Line) -> Pt {
        line.pieces
            .iter()
            .map(|p| p.x + p.width)
            .fold(Pt::MIN, Pt::max)
    }

    fn left_edge(line: &Line) -> Pt {
        line.pieces.iter().map(|p| p.x).fold(Pt::MAX, Pt::min)
    }

    #[test]
    fn words_set_again_from_the_cache_give_the_same_lines() {
        let text = "Hyphenation makes extraordinarily long words fit: hyphenation, \
                    extraordinarily, again and again, the same extraordinarily long words.";
        let spec = Spec {
            hyphenate: true,
            indent: 12.0,
            ..Spec::plain(110.0, Align::Justify)
        };
        let runs = [run(text, Style::Regular)];
        let mut warm = ctx("en");
        let first = warm.set(&runs, &spec, &mut Notes::default());
        assert!(warm.words.count > 0, "no word was kept");
        let again = warm.set(&runs, &spec, &mut Notes::default());
        assert!(first.iter().any(|l| l.hyphenated), "no line is hyphenated");
        assert_eq!(format!("{first:?}"), format!("{again:?}"));
        // Another style, size or measure is another entry, not the same pieces.
        let italic = warm.set(&[run(text, Style::Italic)], &spec, &mut Notes::default());
        let fresh = ctx("en").set(&[run(text, Style::Italic)], &spec, &mut Notes::default());
        assert_eq!(format!("{italic:?}"), format!("{fresh:?}"));
        assert_ne!(format!("{italic:?}"), format!("{first:?}"));
    }

    #[test]
    fn a_word_too_long_for_the_line_or_with_a_missing_character_is_not_kept() {
        let spec = Spec::plain(40.0, Align::Justify);
        let mut c = ctx("en");
        let mut notes = Notes::default();
        c.set(
            &[run("incomprehensibilities", Style::Regular)],
            &spec,
            &mut notes,
        );
        assert_eq!(notes.long_words, 1);
        assert_eq!(c.words.count, 0);
        // Set again, it is noted again.
        c.set(
            &[run("incomprehensibilities", Style::Regular)],
            &spec,
            &mut notes,
        );
        assert_eq!(notes.long_words, 2);
    }

    #[test]
    fn a_right_to_left_line_is_set_from_the_right_and_its_letters_run_leftwards() {
        let lines = set("שלום עולם", "he", rtl(300.0, Align::Left));
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(words(line), ["עולם", "שלום"]);
        assert!(
            (right_edge(line) - 300.0).abs() < 0.01,
            "{}",
            right_edge(line)
        );
        // The first word's letters, in logical order, stand ever further left.
        let first = pieces(line).len() - 1;
        let shalom = &line
            .pieces
            .iter()
            .find(|p| p.x == pieces(line)[first].1)
            .unwrap();
        let xs: Vec<(String, Pt)> = shalom
            .glyphs
            .iter()
            .filter(|g| g.text.as_str() != " ")
            .map(|g| (glyph_text(g), shalom.x + g.dx))
            .collect();
        let mut logical = xs.clone();
        logical.sort_by(|a, b| b.1.total_cmp(&a.1));
        let letters: String = logical.iter().map(|l| l.0.as_str()).collect();
        assert_eq!(letters, "שלום", "{xs:?}");
    }

    #[test]
    fn hebrew_with_a_latin_word_and_a_number_is_set_in_visual_order() {
        let lines = set("שלום Linux עולם 2024 סוף", "he", rtl(400.0, Align::Left));
        assert_eq!(words(&lines[0]), ["סוף", "2024", "עולם", "Linux", "שלום"]);
        // The Latin word and the number keep their own order.
        let latin = lines[0]
            .pieces
            .iter()
            .find(|p| p.glyphs.iter().any(|g| glyph_text(g) == "L"))
            .unwrap();
        let xs: Vec<Pt> = latin.glyphs.iter().map(|g| g.dx).collect();
        assert!(xs.windows(2).all(|w| w[0] < w[1]), "{xs:?}");
    }

    #[test]
    fn a_left_to_right_paragraph_shows_embedded_arabic_and_hebrew_right_to_left() {
        let lines = set(
            "see مرحبا بالعالم and שלום עולם now",
            "en",
            Spec::plain(400.0, Align::Left),
        );
        assert_eq!(
            words(&lines[0]),
            ["see", "بالعالم", "مرحبا", "and", "עולם", "שלום", "now"]
        );
        assert!(left_edge(&lines[0]).abs() < 0.01);
    }

    #[test]
    fn parentheses_in_a_right_to_left_line_are_mirrored_around_their_contents() {
        let lines = set("אבג (Linux) דהו", "he", rtl(400.0, Align::Left));
        // Visually: דהו (Linux) אבג, the parentheses drawn as in left-to-right
        // text (the opening one, at the right, mirrored).
        assert_eq!(words(&lines[0]), ["דהו", ")", "Linux", "(", "אבג"]);
        let sans = fonts().face(fonts().id(Style::Fallback));
        let glyph_of = |text: &str| {
            lines[0]
                .pieces
                .iter()
                .flat_map(|p| &p.glyphs)
                .find(|g| g.text.as_str().contains(text))
                .map(|g| g.id)
        };
        assert_eq!(glyph_of("("), sans.glyph(')'));
        assert_eq!(glyph_of(")"), sans.glyph('('));
    }

    #[test]
    fn a_justified_right_to_left_paragraph_fills_the_measure_and_indents_on_the_right() {
        let text = "שלום עולם זוהי פסקה בעברית ".repeat(12);
        let spec = Spec {
            indent: 15.0,
            hyphenate: true,
            ..rtl(200.0, Align::Justify)
        };
        let lines = set(text.trim(), "he", spec);
        assert!(lines.len() > 3);
        let (first, rest) = lines.split_first().unwrap();
        assert!(
            (right_edge(first) - 185.0).abs() < 0.05,
            "{}",
            right_edge(first)
        );
        assert!(left_edge(first).abs() < 0.05, "{}", left_edge(first));
        for line in &rest[..rest.len() - 1] {
            assert!((right_edge(line) - 200.0).abs() < 0.05);
            assert!(left_edge(line).abs() < 0.05, "{}", left_edge(line));
        }
        // The last line is flush right, short of the left edge.
        let last = lines.last().unwrap();
        assert!((right_edge(last) - 200.0).abs() < 0.05);
        assert!(left_edge(last) > 1.0);
    }

    /// A left-to-right line's text as drawn, spaces included.
    fn line_text(line: &Line) -> String {
        let mut ps: Vec<&Placed> = line.pieces.iter().collect();
        ps.sort_by(|a, b| a.x.total_cmp(&b.x));
        let mut t: String = ps.iter().flat_map(|p| &p.glyphs).map(glyph_text).collect();
        if line.hyphenated {
            t.push('‐');
        }
        t.trim_end().to_string()
    }

    /// The right edge of a line's last drawn glyph, and that glyph's text.
    fn line_end(line: &Line) -> Option<(Pt, String)> {
        let fonts = fonts();
        line.pieces
            .iter()
            .flat_map(|p| {
                p.glyphs
                    .iter()
                    .filter(|g| glyph_text(g) != " ")
                    .map(move |g| {
                        let advance = fonts.face(p.face).advance(g.id) * p.size * p.scale;
                        (p.x + g.dx + advance, glyph_text(g).to_string())
                    })
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))
    }

    /// Justified lines that end in a comma, period or hyphen reach past the
    /// measure by part of the mark, never more than its share; lines ending in a
    /// letter end at the measure. Glyphs are expanded in steps within ±2%.
    #[test]
    fn punctuation_hangs_into_the_margin_and_glyphs_expand_in_steps() {
        let text = "Remember the medical definition of the word, as written: it is the \
            involuntary spasm of the muscles surrounding the outer third, so she \
            did not ask for it. She is not doing this on purpose, you cannot have \
            control on muscles that clamp in anticipation of fears, especially not \
            until you learn more about them or about what causes them to act that way."
            .repeat(3);
        let (mut hung, mut expanded) = (0, 0);
        for width in (200..320).step_by(7) {
            let width = width as Pt;
            let spec = Spec {
                hyphenate: true,
                ..Spec::plain(width, Align::Justify)
            };
            let lines = set(&text, "en", spec);
            for line in &lines[..lines.len() - 1] {
                let (edge, last) = line_end(line).expect("a drawn glyph");
                let c = if line.hyphenated {
                    '-'
                } else {
                    last.chars().next_back().unwrap_or(' ')
                };
                let share = hang::end(c);
                if share > 0.0 {
                    hung += 1;
                    assert!(line.hang.1 > 0.0, "{width}: {}", line_text(line));
                    let advance = line.hang.1 / share;
                    assert!(
                        edge > width + 0.01 && edge <= width + advance * share + 0.05,
                        "{width}: {edge} for {:?} in {}",
                        c,
                        line_text(line)
                    );
                } else {
                    assert!(
                        (edge - width).abs() < 0.05,
                        "{width}: {edge} in {}",
                        line_text(line)
                    );
                }
                for p in &line.pieces {
                    let steps = (p.scale - 1.0) / 0.005;
                    assert!((steps - steps.round()).abs() < 1e-3 && steps.abs() <= 4.0 + 1e-3);
                    expanded += usize::from(p.scale != 1.0);
                }
            }
        }
        assert!(
            hung > 10 && expanded > 10,
            "{hung} hung, {expanded} expanded"
        );
    }

    /// A hair space (Standard Ebooks' `of\u{2060}\u{200A}\u{2060}…`, `…\u{200A}?”`) and
    /// a space before a word joiner are never where a line breaks, and set-width
    /// spaces keep their width on a justified line.
    #[test]
    fn no_line_breaks_at_a_hair_space_or_before_a_word_joiner() {
        let text = "He said nothing of\u{2060}\u{200A}\u{2060}…\u{200A}?” and was lenient \
            in the presence of\u{2060} \u{2060}… what then? She married her that is \
            divorced…’\u{200A}” said the old princess, and walked away. "
            .repeat(6);
        for width in (90..300).step_by(3) {
            let width = width as Pt;
            let lines = set(&text, "en", Spec::plain(width, Align::Justify));
            for line in &lines {
                let t = line_text(line);
                let first = t.trim_start().chars().next().unwrap_or(' ');
                assert!(
                    !matches!(first, '…' | '?' | '”' | '\u{2060}' | '\u{200A}'),
                    "{width}: a line starts with {first:?}: {t}"
                );
            }
        }
        // A thin space's glue neither stretches nor shrinks.
        let runs = [run("a\u{2009}b c", Style::Regular)];
        let text = Text::of(&runs, false);
        let spec = Spec::plain(300.0, Align::Justify);
        let units = ctx("en").units(&runs, &text, &spec, &mut Notes::default());
        let glue: Vec<(Pt, Pt)> = units
            .iter()
            .filter_map(|u| match u {
                Unit::Glue {
                    stretch, shrink, ..
                } => Some((*stretch, *shrink)),
                _ => None,
            })
            .collect();
        assert_eq!(glue.len(), 2);
        assert_eq!(glue[0], (0.0, 0.0), "the thin space is fixed");
        assert!(glue[1].0 > 0.0, "the word space stretches");
    }

    /// A word that fits the first line but not a line narrowed by the hanging
    /// indent (a URL in a reference) is cut where it must, not left sticking out.
    #[test]
    fn a_word_must_fit_the_lines_narrowed_by_a_hanging_indent() {
        let word = "%E2%80%94dgreports%E2%80%94dcomm%E2%80%94publ";
        let natural: Pt = set(word, "en", Spec::plain(1000.0, Align::Left))[0]
            .pieces
            .iter()
            .map(|p| p.width)
            .sum();
        let spec = Spec {
            hang: 30.0,
            ..Spec::plain(natural + 10.0, Align::Justify)
        };
        let lines = set(
            &format!("See the report at {word} for the figures."),
            "en",
            spec,
        );
        assert!(lines.len() > 1);
        assert!(
            lines.iter().all(|l| !l.overfull),
            "{:?}",
            lines.iter().map(line_text).collect::<Vec<_>>()
        );
    }

    const JAPANESE: &str = "これは「日本語」の文章です。次の文です、そして「引用」があります。\
        吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。\
        何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。";

    #[test]
    fn no_cjk_line_starts_with_closing_punctuation_or_small_kana_nor_ends_with_an_opening_bracket()
    {
        let mut breaks = 0;
        for align in [Align::Left, Align::Justify] {
            // Every measure from 5 to 25 characters, in quarters.
            for quarter in 20..100 {
                let width = quarter as Pt * 2.5;
                let lines = set(JAPANESE, "ja", Spec::plain(width, align));
                let texts: Vec<String> = lines.iter().map(line_text).collect();
                assert_eq!(texts.concat(), JAPANESE, "no character lost or added");
                for t in &texts {
                    let first = t.chars().next().unwrap();
                    let last = t.chars().next_back().unwrap();
                    assert!(!no_line_start(first), "{width}: {texts:?}");
                    assert!(!"、。」ーゃょっ".contains(first), "{width}: {texts:?}");
                    assert!(!"「".contains(last), "{width}: {texts:?}");
                }
                breaks += texts.len() - 1;
            }
        }
        assert!(breaks > 1000, "{breaks}");
    }

    #[test]
    fn a_justified_cjk_line_fills_the_measure() {
        let width = 203.0;
        let lines = set(JAPANESE, "ja", Spec::plain(width, Align::Justify));
        assert!(lines.len() >= 3);
        for line in &lines[..lines.len() - 1] {
            assert!(left_edge(line).abs() < 0.01);
            assert!(
                (right_edge(line) - width).abs() < 0.05,
                "{}",
                right_edge(line)
            );
            // No space glyph: the gaps between ideographs are not spaces.
            assert!(!line_text(line).contains(' '), "{}", line_text(line));
            assert!(line.space_ratio.is_none());
        }
        let last = lines.last().unwrap();
        assert!(right_edge(last) < width - 5.0);
    }

    /// A CJK line ends where its last glyph's own advance ends, not where a
    /// kerning with the glyph that begins the next line would put it.
    #[test]
    fn a_justified_cjk_line_ends_on_its_last_glyphs_own_advance() {
        let text = "このコードはIteratorとIteratorResultのインターフェースです。吾輩は猫である。"
            .repeat(4);
        let fonts = fonts();
        for quarter in 40..120 {
            let width = quarter as Pt * 2.5;
            let lines = set(&text, "ja", Spec::plain(width, Align::Justify));
            for line in &lines {
                let ink = line
                    .pieces
                    .iter()
                    .flat_map(|p| {
                        p.glyphs.iter().map(move |g| {
                            p.x + g.dx + fonts.face(p.face).advance(g.id) * p.size * p.scale
                        })
                    })
                    .fold(Pt::MIN, Pt::max);
                assert!(ink <= width + 0.05, "{width}: {ink} in {}", line_text(line));
            }
        }
    }

    /// Quotation marks hold their neighbours (UAX #14), so `"name"と"name"の` is
    /// one unbreakable run across two faces; wider than the line, it breaks
    /// between its pieces rather than passing the measure.
    #[test]
    fn an_unbreakable_run_across_faces_breaks_between_them_when_too_wide() {
        let text = "\"snapshotSerializers\"と\"setupTestFrameworkScriptFile\"の";
        let lines = set(text, "ja", Spec::plain(200.0, Align::Justify));
        assert!(lines.len() > 1);
        assert!(
            lines.iter().all(|l| !l.overfull),
            "{:?}",
            lines.iter().map(line_text).collect::<Vec<_>>()
        );
        assert_eq!(lines.iter().map(line_text).collect::<String>(), text);
    }

    #[test]
    fn latin_words_and_code_inside_cjk_text_are_not_split_nor_hyphenated() {
        let text =
            "日本語のRustプログラミングとC++の本を読みました。typesettingの本です。".repeat(3);
        let spec = |width| Spec {
            hyphenate: true,
            ..Spec::plain(width, Align::Justify)
        };
        for quarter in 20..80 {
            let width = quarter as Pt * 2.5;
            let lines = set(&text, "en", spec(width));
            let texts: Vec<String> = lines.iter().map(line_text).collect();
            assert_eq!(texts.concat(), text, "{width}: {texts:?}");
            // Where lines break, in bytes of the text: never inside a Latin word.
            let ends: Vec<usize> = texts
                .iter()
                .scan(0, |at, t| {
                    *at += t.len();
                    Some(*at)
                })
                .collect();
            for word in ["Rust", "C++", "typesetting"] {
                for (start, _) in text.match_indices(word) {
                    let inside = start + 1..start + word.len();
                    assert!(
                        !ends.iter().any(|e| inside.contains(e)),
                        "{word} split at {width}: {texts:?}"
                    );
                }
            }
            assert!(lines.iter().all(|l| !l.hyphenated));
        }
    }

    #[test]
    fn a_space_between_cjk_and_latin_stays_a_space_that_stretches() {
        let text = "日本語 Rust の本です。".repeat(6);
        let lines = set(text.trim(), "ja", Spec::plain(150.0, Align::Justify));
        assert!(lines.len() > 1);
        assert!(
            line_text(&lines[0]).contains("語 R"),
            "{}",
            line_text(&lines[0])
        );
        assert!(lines[0].space_ratio.is_some());
    }

    #[test]
    fn korean_breaks_at_its_spaces_and_between_syllables_only_when_it_must() {
        let text = "한국어 문장은 띄어쓰기를 사용합니다. 이것은 시험입니다. ".repeat(4);
        let lines = set(text.trim(), "ko", Spec::plain(150.0, Align::Justify));
        let texts: Vec<String> = lines.iter().map(line_text).collect();
        assert!(texts.len() > 2, "{texts:?}");
        // Justified at the spaces: the lines but the last fill the measure.
        for line in &lines[..lines.len() - 1] {
            assert!((right_edge(line) - 150.0).abs() < 0.05, "{texts:?}");
        }
    }

    #[test]
    fn an_ideographic_space_is_as_wide_as_an_ideograph() {
        let lines = set("日本　語", "ja", Spec::plain(300.0, Align::Left));
        let ps = pieces(&lines[0]);
        // 日 and 本 are two ems, then one em of space before 語.
        assert_eq!(
            ps.last().map(|p| (p.0.as_str(), p.1)),
            Some(("語", 30.0)),
            "{ps:?}"
        );
    }

    #[test]
    fn a_left_to_right_stretch_in_a_right_to_left_line_is_marked_for_text_extraction() {
        // "see (PVR)" starts the line, at its right; its closing bracket must
        // read back inside it, so a left-to-right mark follows it; a
        // right-to-left mark stands on its left, by the Arabic word beside it.
        let lines = set("see (PVR) تتيح", "ar", rtl(300.0, Align::Left));
        let drawn: String = lines[0]
            .pieces
            .iter()
            .flat_map(|p| &p.glyphs)
            .map(|g| g.text.as_str())
            .collect();
        assert!(drawn.ends_with(")\u{200E}"), "{drawn:?}");
        assert!(drawn.contains(" \u{200F}see"), "{drawn:?}");
        // A line all of one direction has no marks.
        let lines = set("שלום עולם", "he", rtl(300.0, Align::Left));
        let texts: String = lines[0]
            .pieces
            .iter()
            .flat_map(|p| &p.glyphs)
            .map(|g| g.text.as_str())
            .collect();
        assert!(!texts.contains(['\u{200E}', '\u{200F}']), "{texts:?}");
    }

    #[test]
    fn each_line_knows_where_its_first_whole_word_is_in_the_books_strings() {
        // Two strings of the book in one run, with text the typesetter adds (a
        // note number) between them, set narrow enough to hyphenate.
        let a = "Incomprehensibilities notwithstanding, characteristically unconventional \
                 representations overwhelmingly demonstrate extraordinarily "
            .repeat(3);
        let b = "interdisciplinary understandings of internationalisation ".repeat(3);
        let mut r = run(&a, Style::Regular);
        let key_a = TextKey::of(&a).unwrap();
        let key_b = TextKey::of(&b).unwrap();
        r.sources.push(Source {
            at: 0,
            len: a.len(),
            from: TextAt {
                key: key_a,
                offset: 0,
            },
        });
        r.text.push('7');
        r.sources.push(Source {
            at: r.text.len(),
            len: b.len(),
            from: TextAt {
                key: key_b,
                offset: 0,
            },
        });
        r.text.push_str(&b);
        let spec = Spec {
            hyphenate: true,
            ..Spec::plain(120.0, Align::Justify)
        };
        let lines = ctx("en").set(&[r], &spec, &mut Notes::default());
        assert!(lines.iter().filter(|l| l.hyphenated).count() >= 2);
        let mut seen_b = false;
        for (n, l) in lines.iter().enumerate() {
            let at = l.source.expect("every line has text of the book");
            let s = if at.key == key_a { &a } else { &b };
            seen_b |= at.key == key_b;
            assert!(at.key == key_a || at.key == key_b);
            assert!(at.offset < s.len());
            // A whole word begins there: at the string's start or after a space,
            // also (and above all) after a line that ends with a hyphen.
            let before = s[..at.offset].chars().last();
            assert!(
                before.is_none_or(char::is_whitespace),
                "line {n} starts at {:?}",
                &s[at.offset..]
            );
            // And it is the line's own first word, or the one after it when the
            // line begins with the rest of a hyphenated word.
            let text: String = l.pieces[0].glyphs.iter().map(|g| g.text.as_str()).collect();
            let first = text.split_whitespace().next().unwrap();
            let word = s[at.offset..].split_whitespace().next().unwrap();
            if n > 0 && lines[n - 1].hyphenated {
                assert!(!word.starts_with(first), "{word} / {first}");
            } else {
                assert!(word.starts_with(first), "{word} / {first}");
            }
        }
        assert!(seen_b, "lines in the second string point into it");
    }

    #[test]
    fn joined_pieces_draw_every_glyph_where_it_was_and_links_stay_their_own() {
        let spec = Spec {
            indent: 12.0,
            ..Spec::plain(160.0, Align::Justify)
        };
        let mut linked = run("a link here", Style::Regular);
        linked.style.link = Some(crate::model::LinkTarget::External(
            "https://example.org".into(),
        ));
        let runs = [
            run(
                "Plain words of a paragraph, set to several lines; ",
                Style::Regular,
            ),
            linked,
            run(" then more words in roman, ", Style::Regular),
            run("some in italic", Style::Italic),
            run(
                " and the rest in roman again, long enough to break.",
                Style::Regular,
            ),
        ];
        let lines = ctx("en").set(&runs, &spec, &mut Notes::default());
        // Where each glyph lands on its line, and what it stands for.
        let drawn = |l: &Line| -> Vec<(u16, String, String)> {
            l.pieces
                .iter()
                .flat_map(|p| {
                    p.glyphs
                        .iter()
                        .map(move |g| (g.id, format!("{:.3}", p.x + g.dx), g.text.to_string()))
                })
                .collect()
        };
        let mut joined_some = false;
        for line in &lines {
            let mut j = line.clone();
            j.join_pieces();
            assert_eq!(drawn(line), drawn(&j));
            assert!(j.pieces.len() <= line.pieces.len());
            joined_some |= j.pieces.len() < line.pieces.len();
            // A link keeps its own piece, the width of its words.
            for p in line.pieces.iter().filter(|p| p.link.is_some()) {
                assert!(j
                    .pieces
                    .iter()
                    .any(|q| q.link.is_some() && q.x == p.x && q.width == p.width));
            }
            // What is left apart differs in how it is drawn.
            for w in j.pieces.windows(2) {
                let (a, b) = (&w[0], &w[1]);
                assert!(
                    a.link.is_some()
                        || b.link.is_some()
                        || (a.face, a.size, a.dy, a.color) != (b.face, b.size, b.dy, b.color)
                        || a.scale != b.scale,
                    "alike pieces left apart"
                );
            }
        }
        assert!(joined_some, "no line had words to join");
    }
}
