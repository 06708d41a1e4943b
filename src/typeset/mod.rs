//! The print edition's typesetter: model → shaped, hyphenated, justified lines (total
//! fit) → pages with running heads and folios → a laid-out [`Document`] for `pdf`.
//!
//! The recipe (`typeset`): set the flow (`flow`, `paragraph`), paginate it
//! (`paginate`), set it again with the contents page's real numbers until they
//! stop changing (`contents`), then place everything on the page (`place`). Reads
//! only the resolved `Book`; never sees Markdown or the manifest, and writes no PDF.

pub mod contents;
pub mod doc;
pub mod flow;
pub mod fonts;
pub mod hyphenate;
pub mod image;
pub mod linebreak;
pub mod paginate;
pub mod paragraph;
pub mod shape;

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::model::{Book, LinkTarget, PartKind};
use doc::{
    Document, FaceFile, Info, Item, LabelRange, LabelStyle, OutlineEntry, Page, Pt, Rect, TextRun,
};
use fonts::{FontSet, Style};
use paginate::Paginated;
use paragraph::{Align, Ctx, Run, RunStyle, Spec};

/// How many times the book is laid out at most to settle the contents' numbers.
const MAX_PASSES: usize = 4;

/// Counts from the real layout, for `--report` and the tests.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LayoutReport {
    pub pages: usize,
    pub lines: usize,
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
            hist.join(", ")
        )
    }
}

/// Page geometry in points.
struct Geometry {
    width: Pt,
    height: Pt,
    inner: Pt,
    outer: Pt,
    top: Pt,
    bottom: Pt,
    size: Pt,
    leading: Pt,
}

impl Geometry {
    fn text_width(&self) -> Pt {
        self.width - self.inner - self.outer
    }
    fn text_height(&self) -> Pt {
        self.height - self.top - self.bottom
    }
    /// Left edge of the text block; page 0 is a right-hand page.
    fn left(&self, page: usize) -> Pt {
        if page % 2 == 0 {
            self.inner
        } else {
            self.outer
        }
    }
    /// A flow builder for this text block.
    fn builder<'c, 'f>(&self, ctx: &'c mut Ctx<'f>, recto_chapters: bool) -> flow::Builder<'c, 'f> {
        flow::Builder::new(
            ctx,
            self.text_width(),
            self.size,
            self.leading,
            self.text_height(),
            recto_chapters,
        )
    }

    /// PDF y of a distance down from the top of the text block.
    fn y(&self, down: Pt) -> Pt {
        self.height - self.top - down
    }
}

/// The whole layout: flow, pages, and the document for the writer.
pub fn typeset(
    book: &Book,
    fonts: &FontSet,
    diags: &mut Vec<Diagnostic>,
) -> (Document, LayoutReport) {
    let s = &book.settings.pdf;
    let g = Geometry {
        width: s.width,
        height: s.height,
        inner: s.inner,
        outer: s.outer,
        top: s.top,
        bottom: s.bottom,
        size: s.base_size,
        leading: s.base_size * s.leading,
    };
    let mut ctx = Ctx {
        fonts,
        shaper: shape::Shaper::new(),
        language: book.meta.language.clone(),
    };
    let contents_part = book.parts.len();
    let contents_at = book
        .parts
        .iter()
        .position(|p| p.kind != PartKind::Front)
        .unwrap_or(book.parts.len());
    // The parts are set once; only the contents page and the pagination are
    // redone while the contents' page numbers settle. Parts are independent, so
    // they are set in parallel, each thread with its own shaper (and word cache),
    // and appended in book order: the same flow whatever the number of threads.
    let (parts_flow, notes, images) = {
        let sets: Vec<flow::Set> = (0..book.parts.len())
            .into_par_iter()
            .map_init(
                || Ctx {
                    fonts,
                    shaper: shape::Shaper::new(),
                    language: book.meta.language.clone(),
                },
                |ctx, i| {
                    let mut b = g.builder(ctx, s.recto_chapters);
                    b.part(book, i);
                    b.finish()
                },
            )
            .collect();
        let mut all = flow::Set::default();
        for set in sets {
            all.append(set);
        }
        diags.extend(all.findings.diagnostics(book));
        (all.flow, all.notes, all.images)
    };
    let split = parts_flow
        .iter()
        .position(|f| matches!(f, flow::Flow::Opening { part, .. } if *part == contents_at))
        .unwrap_or(parts_flow.len());
    let contents_flow = |ctx: &mut Ctx, numbers: &[String]| -> Vec<flow::Flow> {
        let mut b = g.builder(ctx, s.recto_chapters);
        contents::contents(&mut b, book, numbers, contents_part);
        std::mem::take(&mut b.flow)
    };
    let mut numbers: Vec<String> = vec!["000".into(); book.toc.len()];
    let mut cflow = contents_flow(&mut ctx, &numbers);
    for _ in 0..MAX_PASSES {
        let all = in_order(&parts_flow, split, &cflow);
        let pages = paginate::paginate(&all, g.text_height(), g.leading);
        let first_chapter = first_chapter_page(book, &pages);
        let new_numbers: Vec<String> = book
            .toc
            .iter()
            .map(|e| {
                pages
                    .find(e.part, &e.anchor)
                    .map_or("?".into(), |(page, _)| folio(page, first_chapter))
            })
            .collect();
        if new_numbers == numbers {
            break;
        }
        numbers = new_numbers;
        cflow = contents_flow(&mut ctx, &numbers);
    }
    let all = in_order(&parts_flow, split, &cflow);
    let pages = paginate::paginate(&all, g.text_height(), g.leading);
    let report = report(&pages, notes.overfull);
    let pages = pages.detach();
    drop(all);
    // One flow, owned, in the order paginated: placing moves its lines out.
    let mut parts_flow = parts_flow;
    let after = parts_flow.split_off(split);
    let mut flow = parts_flow;
    flow.extend(cflow);
    flow.extend(after);
    let mut document = place(book, &g, &pages, &mut flow, &mut ctx);
    document.images = images;
    document.faces = fonts
        .faces()
        .iter()
        .map(|f| FaceFile {
            name: f.name.clone(),
            data: f.data,
        })
        .collect();
    (document, report)
}

/// The book in order: the parts before the contents, the contents, the rest.
fn in_order<'a>(
    parts: &'a [flow::Flow],
    split: usize,
    contents: &'a [flow::Flow],
) -> Vec<&'a flow::Flow> {
    parts[..split]
        .iter()
        .chain(contents)
        .chain(&parts[split..])
        .collect()
}

/// Index of the first chapter's opening page (arabic page 1).
fn first_chapter_page(book: &Book, p: &Paginated) -> usize {
    book.parts
        .iter()
        .position(|x| x.kind == PartKind::Chapter)
        .and_then(|i| p.anchors.get(&(i, None)))
        .map_or(0, |(page, _)| *page)
}

/// The printed number of a page: roman before the first chapter, arabic from it.
fn folio(page: usize, first_chapter: usize) -> String {
    if page < first_chapter {
        roman(page + 1)
    } else {
        (page - first_chapter + 1).to_string()
    }
}

fn roman(mut n: usize) -> String {
    const TABLE: [(usize, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut s = String::new();
    for (v, r) in TABLE {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

fn report(p: &Paginated, overfull: usize) -> LayoutReport {
    let mut r = LayoutReport {
        pages: p.pages.len(),
        overfull_lines: overfull,
        widows: p.breaks.widows,
        orphans: p.breaks.orphans,
        stranded_headings: p.breaks.stranded_headings,
        ..LayoutReport::default()
    };
    let mut run = 0;
    for page in &p.pages {
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
                run = 0;
            }
            if let Some(ratio) = l.line.space_ratio {
                let bucket = format!("{:.1}", (ratio * 10.0).floor() / 10.0);
                *r.word_space_ratio.entry(bucket).or_insert(0) += 1;
            }
        }
    }
    r
}

/// Places the laid-out pages on paper: text, rules, running heads, folios, links,
/// outline, page labels, metadata.
fn place(
    book: &Book,
    g: &Geometry,
    p: &Paginated,
    flow: &mut [flow::Flow],
    ctx: &mut Ctx,
) -> Document {
    let first_chapter = first_chapter_page(book, p);
    let mut doc = Document::default();
    let head_size = g.size * 0.85;
    for (index, page) in p.pages.iter().enumerate() {
        let left = g.left(index);
        let mut out = Page {
            width: g.width,
            height: g.height,
            items: Vec::new(),
        };
        for l in &page.lines {
            // The line is taken out of the flow (moved, not copied) and freed here.
            let line = match flow
                .get_mut(l.item)
                .map(|f| std::mem::replace(f, flow::Flow::Space(0.0)))
            {
                Some(flow::Flow::Line { line, .. }) => line,
                _ => continue,
            };
            // Pieces of one face and size on the line become one run.
            let mut runs: Vec<TextRun> = Vec::new();
            let mut rest: usize = line.pieces.iter().map(|p| p.glyphs.len()).sum();
            for piece in line.pieces {
                let x = left + l.x + piece.x;
                let y = g.y(l.y) + piece.dy;
                rest -= piece.glyphs.len();
                if let Some(target) = piece.link.as_deref() {
                    if let Some(t) = link_target(target, p, g) {
                        out.items.push(Item::Link {
                            rect: Rect {
                                x,
                                y: y - piece.size * 0.25,
                                width: piece.width,
                                height: piece.size * 1.15,
                            },
                            target: t,
                        });
                    }
                }
                match runs.last_mut() {
                    Some(r) if r.face == piece.face && r.size == piece.size && r.y == y => {
                        let shift = x - r.x;
                        r.glyphs
                            .extend(piece.glyphs.into_iter().map(|gl| doc::PlacedGlyph {
                                dx: gl.dx + shift,
                                ..gl
                            }));
                    }
                    _ => {
                        // Room for the rest of the line, which is nearly always one run.
                        let mut glyphs = piece.glyphs;
                        glyphs.reserve_exact(rest);
                        runs.push(TextRun {
                            face: piece.face,
                            size: piece.size,
                            x,
                            y,
                            glyphs,
                        })
                    }
                }
            }
            out.items.extend(runs.into_iter().map(|mut r| {
                r.glyphs.shrink_to_fit();
                Item::Text(r)
            }));
        }
        for &(image, ix, iy, w, h) in &page.images {
            out.items.push(Item::Image {
                image,
                rect: Rect {
                    x: left + ix,
                    y: g.y(iy + h),
                    width: w,
                    height: h,
                },
            });
        }
        for (ry, w) in &page.rules {
            let x = left + (g.text_width() - w) / 2.0;
            let y = g.y(*ry);
            out.items.push(Item::Line {
                x1: x,
                y1: y,
                x2: x + w,
                y2: y,
                width: 0.5,
            });
        }
        // Running head and folio: on the outer side, a line above the text block;
        // on opening pages a centred folio at the foot; blank pages carry nothing.
        if let Some(part) = page.part {
            let number = folio(index, first_chapter);
            let recto = index % 2 == 0;
            let width = g.text_width();
            let mut head = |text: &str, style: Style, y: Pt, align: Align| {
                head_line(ctx, &mut out, text, style, head_size, left, width, y, align)
            };
            if page.opening || !page.running_heads {
                if page.folio {
                    head(
                        &number,
                        Style::Regular,
                        g.bottom - g.leading * 1.5,
                        Align::Center,
                    );
                }
            } else {
                let y = g.height - g.top + g.leading;
                let title = match book.parts.get(part) {
                    Some(p) if recto => p.title.as_str(),
                    _ => book.meta.title.as_str(),
                };
                head(title, Style::Italic, y, Align::Center);
                head(
                    &number,
                    Style::Regular,
                    y,
                    if recto { Align::Right } else { Align::Left },
                );
            }
        }
        doc.pages.push(out);
    }
    for e in &book.toc {
        if let Some((page, y)) = p.find(e.part, &e.anchor) {
            doc.outline.push(OutlineEntry {
                title: e.title.clone(),
                level: e.level,
                page,
                y: g.y(y) + g.leading,
            });
        }
    }
    doc.labels = if first_chapter > 0 {
        vec![
            LabelRange {
                start: 0,
                style: LabelStyle::RomanLower,
                first: 1,
            },
            LabelRange {
                start: first_chapter,
                style: LabelStyle::Decimal,
                first: 1,
            },
        ]
    } else {
        vec![LabelRange {
            start: 0,
            style: LabelStyle::Decimal,
            first: 1,
        }]
    };
    let m = &book.meta;
    doc.info = Info {
        title: m.title.clone(),
        author: m.authors.join(", "),
        subject: m.description.clone().unwrap_or_default(),
        keywords: m.subjects.clone(),
        language: m.language.clone(),
        date: m.modified,
    };
    doc
}

fn link_target(t: &LinkTarget, p: &Paginated, g: &Geometry) -> Option<doc::LinkTarget> {
    match t {
        LinkTarget::External(u) if !u.is_empty() => Some(doc::LinkTarget::Uri(u.clone())),
        LinkTarget::Internal { part, anchor } => {
            let (page, y) = p.find(*part, anchor)?;
            Some(doc::LinkTarget::Page {
                page,
                y: g.y(y) + g.leading,
            })
        }
        _ => None,
    }
}

/// One line of running head or folio text at baseline `y` (PDF coordinates).
#[allow(clippy::too_many_arguments)]
fn head_line(
    ctx: &mut Ctx,
    out: &mut Page,
    text: &str,
    style: Style,
    size: Pt,
    left: Pt,
    width: Pt,
    y: Pt,
    align: Align,
) {
    let runs = [Run {
        text: text.to_string(),
        style: RunStyle {
            style,
            size,
            raised: false,
            link: None,
        },
    }];
    let mut notes = paragraph::Notes::default();
    let lines = ctx.set(
        &runs,
        &Spec {
            width,
            indent: 0.0,
            hang: 0.0,
            align,
            hyphenate: false,
        },
        &mut notes,
    );
    if let Some(l) = lines.into_iter().next() {
        for piece in l.pieces {
            out.items.push(Item::Text(TextRun {
                face: piece.face,
                size: piece.size,
                x: left + piece.x,
                y,
                glyphs: piece.glyphs,
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folios_are_roman_before_chapter_one_and_arabic_from_it() {
        assert_eq!(folio(0, 6), "i");
        assert_eq!(folio(3, 6), "iv");
        assert_eq!(folio(6, 6), "1");
        assert_eq!(folio(10, 6), "5");
        assert_eq!(roman(1994), "mcmxciv");
    }
}
