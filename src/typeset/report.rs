//! The layout report: counts from the real pages (lines, overfull lines, widows,
//! orphans, hyphens, word spacing), for `--report` and the tests; and the check
//! that nothing passes the text block, made on the placed pages whatever drew
//! it (text, rules, pictures, boxes), with the warning (W0110) that says where.
//!
//! Does not change the layout: it reads it.

use std::collections::BTreeMap;

use super::doc::{Item, Pt, TextRun};
use super::fonts::FontSet;
use super::paginate::Paginated;
use super::paragraph::hang;
use crate::diag::{Code, Diagnostic};
use crate::model::Book;

/// How far past the text block a thing may reach and still count as inside:
/// rounding, not a design (the line breaker allows half a point too).
const TOLERANCE: Pt = 0.5;
/// How many characters of a line's start a warning quotes.
const QUOTED: usize = 40;
/// How many places a warning names for each part.
const NAMED: usize = 3;

/// Counts from the real layout, for `--report` and the tests.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LayoutReport {
    pub pages: usize,
    pub lines: usize,
    /// Lines of text, rules, pictures and boxes that pass the text block's sides.
    pub overfull_lines: usize,
    pub widows: usize,
    pub orphans: usize,
    pub stranded_headings: usize,
    pub hyphenated_lines: usize,
    pub max_consecutive_hyphenated: usize,
    /// Pages whose last line ends in a hyphen (a word broken across pages).
    pub hyphenated_page_ends: usize,
    /// Justified lines (not paragraph ends) by space width over natural space
    /// width, in buckets of 0.1 keyed by their lower bound ("0.9", "1.0", ...).
    pub word_space_ratio: BTreeMap<String, usize>,
    /// Runs of hyphenated lines in a row: of one, of two, and of three or more
    /// (a "ladder", which the line breaker avoids).
    pub hyphen_runs: [usize; 3],
    /// Lines with punctuation hanging into the margin (margin kerning), and the
    /// mean and largest hang of those lines, in points (both ends together).
    pub hanging_lines: usize,
    pub hang_mean: Pt,
    pub hang_max: Pt,
    /// Lines whose glyphs are set wider or narrower (font expansion), and the
    /// largest change, in per cent.
    pub expanded_lines: usize,
    pub expansion_max_percent: f32,
    /// Footnote lines set at the foot of pages, the pages that have some, and the
    /// notes continued from one page's foot to the next.
    pub note_lines: usize,
    pub pages_with_notes: usize,
    pub notes_continued: usize,
}

impl LayoutReport {
    /// The report as a JSON object.
    pub fn to_json(&self) -> String {
        let hist: Vec<String> = self
            .word_space_ratio
            .iter()
            .map(|(k, v)| format!("\"{k}\": {v}"))
            .collect();
        format!(
            "{{\n  \"pages\": {},\n  \"lines\": {},\n  \"overfull_lines\": {},\n  \"widows\": {},\n  \"orphans\": {},\n  \
             \"stranded_headings\": {},\n  \"hyphenated_lines\": {},\n  \"max_consecutive_hyphenated\": {},\n  \"hyphenated_page_ends\": {},\n  \
             \"note_lines\": {},\n  \"pages_with_notes\": {},\n  \"notes_continued\": {},\n  \
             \"hyphen_runs\": {{\"1\": {}, \"2\": {}, \"3+\": {}}},\n  \
             \"hanging_lines\": {},\n  \"hang_mean_pt\": {:.2},\n  \"hang_max_pt\": {:.2},\n  \
             \"expanded_lines\": {},\n  \"expansion_max_percent\": {:.1},\n  \
             \"word_space_ratio\": {{{}}}\n}}\n",
            self.pages,
            self.lines,
            self.overfull_lines,
            self.widows,
            self.orphans,
            self.stranded_headings,
            self.hyphenated_lines,
            self.max_consecutive_hyphenated,
            self.hyphenated_page_ends,
            self.note_lines,
            self.pages_with_notes,
            self.notes_continued,
            self.hyphen_runs[0],
            self.hyphen_runs[1],
            self.hyphen_runs[2],
            self.hanging_lines,
            self.hang_mean,
            self.hang_max,
            self.expanded_lines,
            self.expansion_max_percent,
            hist.join(", ")
        )
    }
}

/// The counts of the paginated pages; `overfull_lines` is for the caller to fill
/// in from [`past_text_block`] once the pages are placed.
pub(super) fn report(p: &Paginated) -> LayoutReport {
    let mut r = LayoutReport {
        pages: p.pages.len(),
        widows: p.breaks.widows,
        orphans: p.breaks.orphans,
        stranded_headings: p.breaks.stranded_headings,
        ..LayoutReport::default()
    };
    let mut run = 0;
    let mut hang_total: Pt = 0.0;
    let mut ratios = std::collections::BTreeMap::<i32, usize>::new();
    let end_run = |run: usize, r: &mut LayoutReport| {
        if run > 0 {
            r.hyphen_runs[run.min(3) - 1] += 1;
        }
    };
    for page in &p.pages {
        r.note_lines += page.notes.len();
        r.pages_with_notes += usize::from(!page.notes.is_empty());
        r.notes_continued += usize::from(page.notes_continue);
        if page.lines.last().is_some_and(|l| l.line.hyphenated) {
            r.hyphenated_page_ends += 1;
        }
        for l in &page.lines {
            r.lines += 1;
            if l.line.hyphenated {
                r.hyphenated_lines += 1;
                run += 1;
                r.max_consecutive_hyphenated = r.max_consecutive_hyphenated.max(run);
            } else {
                end_run(run, &mut r);
                run = 0;
            }
            let hang = l.line.hang.0 + l.line.hang.1;
            if hang > 0.0 {
                r.hanging_lines += 1;
                hang_total += hang;
                r.hang_max = r.hang_max.max(hang);
            }
            let change = l
                .line
                .pieces
                .iter()
                .map(|p| (p.scale - 1.0).abs())
                .fold(0.0, f32::max);
            if change > 1e-4 {
                r.expanded_lines += 1;
                r.expansion_max_percent = r.expansion_max_percent.max(change * 100.0);
            }
            if let Some(ratio) = l.line.space_ratio {
                let tenths = (ratio * 10.0).floor();
                if tenths.is_finite() && tenths.abs() < 1e6 {
                    // Counted by tenths, named once at the end: a book has a
                    // hundred thousand justified lines.
                    *ratios.entry(tenths as i32).or_insert(0) += 1;
                } else {
                    *r.word_space_ratio
                        .entry(format!("{:.1}", tenths / 10.0))
                        .or_insert(0) += 1;
                }
            }
        }
    }
    for (tenths, n) in ratios {
        *r.word_space_ratio
            .entry(format!("{:.1}", tenths as Pt / 10.0))
            .or_insert(0) += n;
    }
    end_run(run, &mut r);
    if r.hanging_lines > 0 {
        r.hang_mean = hang_total / r.hanging_lines as Pt;
    }
    r
}

/// What was drawn past a side of the text block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawn {
    Text,
    Rule,
    Picture,
    Box,
}

/// A line of text, rule, picture or box that passes the text block, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct PastEdge {
    /// Page index in the document (0 = the first page).
    pub page: usize,
    /// The page's number as printed (its label).
    pub folio: String,
    /// The part the page belongs to.
    pub part: Option<usize>,
    pub what: Drawn,
    /// The start of the line's text; empty for anything but text.
    pub start: String,
    /// How far it passes the text block, in points.
    pub by: Pt,
}

/// What passes the text block on each page of the last build, by the page's
/// items and sides (`watch`): a rebuild checks only the pages that changed.
/// Holds one document's pages. The faces are in the key by name, file, index,
/// style and size (a font changed in place clears the caches).
#[derive(Default)]
pub struct MarginCache {
    found: std::collections::HashMap<u128, Vec<(Drawn, String, Pt)>>,
}

impl MarginCache {
    /// What every page's check reads besides its items: the faces.
    pub(super) fn faces_key(fonts: &FontSet) -> u128 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for f in fonts.faces() {
            for text in [&f.name, &f.file] {
                h.update(&(text.len() as u64).to_le_bytes());
                h.update(text.as_bytes());
            }
            h.update(&(f.data.len() as u64).to_le_bytes());
            h.update(&f.index.to_le_bytes());
            h.update(&f.synthetic.slant.to_bits().to_le_bytes());
            h.update(&f.synthetic.embolden.to_bits().to_le_bytes());
        }
        h.digest128()
    }

    pub(super) fn key(items: &[Item], left: Pt, right: Pt, faces: u128) -> u128 {
        let mut b = Vec::with_capacity(40);
        b.extend_from_slice(&faces.to_le_bytes());
        b.extend_from_slice(&super::doc::fingerprint(items).to_le_bytes());
        b.extend_from_slice(&left.to_bits().to_le_bytes());
        b.extend_from_slice(&right.to_bits().to_le_bytes());
        xxhash_rust::xxh3::xxh3_128(&b)
    }

    pub(super) fn get(&self, key: u128) -> Option<&[(Drawn, String, Pt)]> {
        self.found.get(&key).map(Vec::as_slice)
    }

    /// This build's pages, in place of the last one's.
    pub(super) fn keep(&mut self, found: impl Iterator<Item = (u128, Vec<(Drawn, String, Pt)>)>) {
        self.found = found.collect();
    }
}

/// What of a page's `items` reaches past the text block's sides, `left` and
/// `right` (page coordinates): each line of text once (its glyphs' extents, by the
/// font's advances), each rule, picture and box. The caller leaves out what is
/// outside the text block by design (running heads and folios).
pub(super) fn past_text_block(
    items: &[Item],
    left: Pt,
    right: Pt,
    fonts: &FontSet,
) -> Vec<(Drawn, String, Pt)> {
    let past = |from: Pt, to: Pt| (left - from).max(to - right);
    let mut out = Vec::new();
    let mut line: Vec<&TextRun> = Vec::new();
    let flush = |line: &mut Vec<&TextRun>, out: &mut Vec<(Drawn, String, Pt)>| {
        if let Some((from, to)) = text_extent(line, fonts) {
            let by = past(from, to);
            if by > TOLERANCE {
                out.push((Drawn::Text, line_start(line), by));
            }
        }
        line.clear();
    };
    for item in items {
        let (what, from, to) = match item {
            Item::Text(run) => {
                // A line's runs are placed one after another; a raised number
                // sits less than half its line's size above the baseline.
                if line
                    .last()
                    .is_some_and(|prev| (prev.y - run.y).abs() >= 0.5 * prev.size.max(run.size))
                {
                    flush(&mut line, &mut out);
                }
                line.push(run);
                continue;
            }
            Item::Line { x1, x2, .. } => (Drawn::Rule, x1.min(*x2), x1.max(*x2)),
            Item::Image { rect, .. } => (Drawn::Picture, rect.x, rect.x + rect.width),
            Item::Rect { rect, stroke, .. } => {
                let half = stroke.map_or(0.0, |(_, w)| w / 2.0);
                (Drawn::Box, rect.x - half, rect.x + rect.width + half)
            }
            Item::Link { .. } => continue,
        };
        let by = past(from, to);
        if by > TOLERANCE {
            out.push((what, String::new(), by));
        }
    }
    flush(&mut line, &mut out);
    out
}

/// White space or a format character (Unicode's Cf: joiners, marks of direction,
/// soft hyphens not taken).
fn draws_nothing(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    // ASCII has no format character: most glyphs of most books are answered
    // without the category table.
    if c.is_ascii() {
        return c.is_ascii_whitespace() || c == '\u{b}';
    }
    c.is_whitespace() || c.general_category() == GeneralCategory::Format
}

/// The leftmost and rightmost edge of a line's glyphs: each from its origin to
/// its advance.
fn text_extent(line: &[&TextRun], fonts: &FontSet) -> Option<(Pt, Pt)> {
    let mut extent: Option<(Pt, Pt)> = None;
    for run in line {
        let face = fonts.faces().get(run.face.0);
        for g in &run.glyphs {
            let text = g.text.as_str();
            // Spaces and format characters (a word joiner, drawn with the space
            // glyph) mark nothing on the page.
            if !text.is_empty() && text.chars().all(draws_nothing) {
                continue;
            }
            let x = run.x + g.dx;
            let advance = face.map_or(0.0, |f| f.advance(g.id)) * run.size * run.scale;
            let (mut a, mut b) = (x.min(x + advance), x.max(x + advance));
            // Punctuation may hang into the margin by its share (margin kerning).
            if let Some(c) = text.chars().next() {
                a += hang::start(c) * advance.abs();
            }
            if let Some(c) = text.chars().next_back() {
                b -= hang::end(c) * advance.abs();
            }
            extent = Some(extent.map_or((a, b), |(l, r)| (l.min(a), r.max(b))));
        }
    }
    extent
}

/// The first characters of a line's text, left to right on the page.
fn line_start(line: &[&TextRun]) -> String {
    let mut glyphs: Vec<(Pt, &str)> = line
        .iter()
        .flat_map(|r| r.glyphs.iter().map(move |g| (r.x + g.dx, g.text.as_str())))
        .collect();
    glyphs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let text: String = glyphs.iter().map(|g| g.1).collect();
    let text = text.trim();
    let mut start: String = text.chars().take(QUOTED).collect();
    if text.chars().nth(QUOTED).is_some() {
        start.push('…');
    }
    start
}

/// W0110: one warning a part, naming its first few places (page, what, the start
/// of the line, how far past).
pub(super) fn diagnostics(past: &[PastEdge], book: &Book) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < past.len() {
        let part = past[k].part;
        let n = past[k..].iter().take_while(|p| p.part == part).count();
        let title = part
            .and_then(|p| book.parts.get(p))
            .map_or_else(|| "Contents".to_string(), |p| p.title.clone());
        let places: Vec<String> = past[k..k + n]
            .iter()
            .take(NAMED)
            .map(|p| {
                let what = match p.what {
                    Drawn::Text => format!("the line “{}”", p.start),
                    Drawn::Rule => "a rule".into(),
                    Drawn::Picture => "a picture".into(),
                    Drawn::Box => "a box".into(),
                };
                format!(
                    "page {} (PDF page {}), {what}, by {:.1} pt",
                    p.folio,
                    p.page + 1,
                    p.by
                )
            })
            .collect();
        let more = if n > NAMED {
            format!("; and {} more", n - NAMED)
        } else {
            String::new()
        };
        out.push(Diagnostic::warning(
            Code::W0110,
            format!(
                "{n} line(s) or picture(s) in “{title}” pass the side of the text block into the margin: {}{more}",
                places.join("; ")
            ),
        ));
        k += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typeset::doc::{Color, FaceId, PlacedGlyph, Rect};
    use crate::typeset::fonts::Style;

    fn run(fonts: &FontSet, text: &str, x: Pt, y: Pt) -> Item {
        let face = fonts.id(Style::Regular);
        let f = fonts.face(face);
        let mut dx = 0.0;
        let glyphs = text
            .chars()
            .filter_map(|c| {
                let id = f.glyph(c)?;
                let g = PlacedGlyph {
                    id,
                    dx,
                    dy: crate::typeset::doc::Dy::ZERO,
                    text: c.to_string().into(),
                };
                dx += f.advance(id) * 10.0;
                Some(g)
            })
            .collect();
        Item::Text(TextRun {
            face,
            size: 10.0,
            x,
            y,
            glyphs,
            color: None,
            scale: 1.0,
            turned: false,
        })
    }

    #[test]
    fn what_passes_the_text_block_is_counted_whatever_drew_it() {
        let fonts = FontSet::bundled().expect("bundled fonts load");
        let (left, right) = (50.0, 350.0);
        let rect = |x: Pt, width: Pt| Rect {
            x,
            y: 100.0,
            width,
            height: 20.0,
        };
        let inside = vec![
            run(&fonts, "A line well inside.", 60.0, 500.0),
            // A raised number on the same line is not a line of its own.
            run(&fonts, "1", 150.0, 503.5),
            Item::Line {
                x1: left,
                y1: 400.0,
                x2: right,
                y2: 400.0,
                width: 0.5,
            },
            Item::Image {
                image: 0,
                rect: rect(left, right - left),
            },
        ];
        assert!(past_text_block(&inside, left, right, &fonts).is_empty());
        // A line that ends in a word joiner and a space at the edge: they mark
        // nothing, so the line does not pass it; a letter there does.
        let text = "Ends at the edge.";
        let width = match run(&fonts, text, 0.0, 0.0) {
            Item::Text(r) => r.glyphs.last().map_or(0.0, |g| {
                g.dx + fonts.faces()[r.face.0].advance(g.id) * r.size
            }),
            _ => 0.0,
        };
        let at_edge = right - width;
        let invisible = run(&fonts, &format!("{text}\u{2060} "), at_edge, 300.0);
        assert!(past_text_block(&[invisible], left, right, &fonts).is_empty());
        let visible = run(&fonts, &format!("{text}x"), at_edge, 300.0);
        assert_eq!(past_text_block(&[visible], left, right, &fonts).len(), 1);
        let past = vec![
            // Its glyphs start inside; the last one's advance ends past.
            run(&fonts, "Overfull line", right - 40.0, 480.0),
            run(&fonts, "Next line inside", 60.0, 466.0),
            Item::Line {
                x1: left - 3.0,
                y1: 400.0,
                x2: right,
                y2: 400.0,
                width: 0.5,
            },
            Item::Image {
                image: 0,
                rect: rect(left + 10.0, right - left),
            },
            Item::Rect {
                rect: rect(left, right - left),
                fill: None,
                stroke: Some((Color::BLACK, 2.0)),
            },
            Item::Link {
                rect: rect(0.0, 500.0),
                target: crate::typeset::doc::LinkTarget::Uri("x".into()),
            },
        ];
        let found = past_text_block(&past, left, right, &fonts);
        let what: Vec<Drawn> = found.iter().map(|f| f.0).collect();
        assert_eq!(
            what,
            [Drawn::Text, Drawn::Rule, Drawn::Picture, Drawn::Box],
            "{found:?}"
        );
        let width: Pt = match &past[0] {
            Item::Text(r) => r
                .glyphs
                .last()
                .map(|g| g.dx + fonts.face(FaceId(r.face.0)).advance(g.id) * 10.0)
                .unwrap_or(0.0),
            _ => 0.0,
        };
        assert!((found[0].2 - (width - 40.0)).abs() < 0.01, "{found:?}");
        assert_eq!(found[0].1, "Overfull line");
        assert!((found[1].2 - 3.0).abs() < 0.01);
        assert!((found[3].2 - 1.0).abs() < 0.01, "half the frame's width");
    }
}
