//! Placing: the paginated pages on paper. Text runs at their PDF coordinates, figures,
//! rules, running heads and folios, links, the outline, page labels and metadata.
//! Each page's side comes from `Geometry`: in a book bound on the right the rectos
//! are left-hand pages, so margins and folios change sides.

use rayon::prelude::*;

use super::doc::{
    self, Document, Info, Item, LabelRange, LabelStyle, OutlineEntry, Page, Pt, Rect, TextRun,
};
use super::flow;
use super::folio::{first_chapter_page, folio};
use super::fonts::Style;
use super::paginate::{LaidPage, Paginated, PlacedLine};
use super::paragraph::{self, Align, Ctx, Line, Run, RunStyle, Spec};
use super::report::{self, PastEdge};
use super::Geometry;
use crate::model::pages::{PageAt, PageBreak};
use crate::model::{Book, LinkTarget};

/// Places the laid-out pages on paper: text, rules, running heads, folios, links,
/// outline, page labels, metadata. The flow's lines are moved out as they are placed.
/// Also what passes the text block's sides, on each page, before its running head.
pub(super) fn place(
    book: &Book,
    g: &Geometry,
    p: &Paginated,
    flow: &mut super::Ordered,
    ctx: &mut Ctx,
    margins: Option<&mut report::MarginCache>,
) -> (Document, Vec<PastEdge>) {
    let first_chapter = first_chapter_page(book, p);
    let mut doc = Document::default();
    // Each page's items before its running head: what the margin check reads.
    let mut in_block = Vec::with_capacity(p.pages.len());
    // The running heads set so far: a chapter's title heads many pages.
    let mut heads = Heads::default();
    for (index, page) in p.pages.iter().enumerate() {
        let left = g.left(index);
        // A run a line at least, and a running head: grown from empty, a novel's
        // pages were copied seven times over as they filled.
        let mut out = Page {
            width: g.width,
            height: g.height,
            items: Vec::with_capacity(page.lines.len() + page.notes.len() + 2),
        };
        // The backdrops drawn so far on the page: group, bottom.
        let mut joins: Vec<(u32, Pt)> = Vec::new();
        // The first text of the book on the page, above the notes.
        let mut starts_at = None;
        for (k, l) in page.lines.iter().chain(&page.notes).enumerate() {
            // The line is taken out of the flow (moved, not copied) and freed here;
            // one placed again later is copied.
            let (line, height) = match flow.get_mut(l.item).map(|f| {
                if l.shared {
                    f.clone()
                } else {
                    std::mem::replace(f, flow::Flow::Space(0.0))
                }
            }) {
                Some(flow::Flow::Line { line, height, .. }) => (line, height),
                _ => continue,
            };
            if starts_at.is_none() && k < page.lines.len() {
                starts_at = line.source;
            }
            backdrops(&mut out, &line, l, height, left, g, &mut joins);
            place_line(&mut out, line, l, left, p, g);
        }
        place_figures(&mut out, page, left, g);
        foot_rule(&mut out, book, page, left, g);
        // Running heads and folios are outside the text block by design.
        in_block.push(out.items.len());
        running_head(
            &mut out,
            book,
            g,
            (ctx, &mut heads),
            page,
            index,
            first_chapter,
        );
        doc.pages.push(out);
        doc.page_breaks.push(page_break(
            page,
            starts_at,
            index,
            first_chapter,
            &doc.page_breaks,
        ));
    }
    // What passes the text block's sides, page by page on every core (it reads
    // every glyph of the book), in page order; a rebuild takes a page's from
    // the last build when its items and sides are the same.
    let fonts = ctx.fonts;
    let earlier = margins
        .as_deref()
        .map(|c| (c, report::MarginCache::faces_key(fonts)));
    let found: Vec<(Vec<_>, Option<u128>)> = doc
        .pages
        .par_iter()
        .zip(&in_block)
        .enumerate()
        .map(|(index, (out, &n))| {
            let (left, right) = (g.left(index), g.left(index) + g.text_width());
            let items = out.items.get(..n).unwrap_or(&[]);
            let key = earlier.map(|(_, faces)| report::MarginCache::key(items, left, right, faces));
            if let Some(past) = earlier.zip(key).and_then(|((c, _), k)| c.get(k)) {
                return (past.to_vec(), key);
            }
            (report::past_text_block(items, left, right, fonts), key)
        })
        .collect();
    if let Some(c) = margins {
        c.keep(
            found
                .iter()
                .filter_map(|(past, key)| Some(((*key)?, past.clone()))),
        );
    }
    let past: Vec<PastEdge> = found
        .into_iter()
        .zip(&p.pages)
        .enumerate()
        .flat_map(|(index, ((found, _), page))| {
            found.into_iter().map(move |(what, start, by)| PastEdge {
                page: index,
                folio: folio(index, first_chapter),
                part: page.part,
                what,
                start,
                by,
            })
        })
        .collect();
    doc.outline = outline(book, p, g);
    doc.labels = labels(first_chapter);
    doc.info = info(book, g);
    (doc, past)
}

/// Where a page begins, for the EPUB's page list: at its first text of the book;
/// at its part's beginning if it opens the part with none (a title page, a
/// picture); else, as on a blank page, at the end of the part before.
fn page_break(
    page: &LaidPage,
    starts_at: Option<crate::model::pages::TextAt>,
    index: usize,
    first_chapter: usize,
    before: &[PageBreak],
) -> PageBreak {
    let part = page
        .part
        .or_else(|| before.last().map(|b| b.part))
        .unwrap_or(0);
    let at = match (starts_at, page.part) {
        (Some(at), Some(_)) => PageAt::Text(at),
        (None, Some(_)) if page.opening => PageAt::Start,
        _ => PageAt::End,
    };
    PageBreak {
        label: folio(index, first_chapter),
        part,
        at,
    }
}

/// What is drawn behind a line, before its text: each backdrop over the line's
/// box, reaching up to the bottom of the last backdrop of its group on the page.
fn backdrops(
    out: &mut Page,
    line: &Line,
    l: &PlacedLine,
    height: Pt,
    left: Pt,
    g: &Geometry,
    joins: &mut Vec<(u32, Pt)>,
) {
    let top = l.y - height * flow::BASELINE;
    let bottom = top + height;
    for b in &line.backdrops {
        let from = match joins.iter_mut().find(|(group, _)| *group == b.group) {
            Some(j) => std::mem::replace(&mut j.1, bottom).min(top),
            None => {
                joins.push((b.group, bottom));
                top
            }
        };
        out.items.push(Item::Rect {
            rect: Rect {
                x: left + l.x + b.x,
                y: g.y(bottom),
                width: b.width,
                height: bottom - from,
            },
            fill: Some(b.color),
            stroke: None,
        });
    }
}

/// One line's text, its pieces of one face, size and colour joined into runs, and
/// its links.
fn place_line(out: &mut Page, line: Line, l: &PlacedLine, left: Pt, p: &Paginated, g: &Geometry) {
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
        // A picture in the line: `size` tall, its foot on the baseline.
        if let Some(image) = piece.picture {
            let (width, height) = (piece.width, piece.size);
            let rect = Rect {
                x,
                y,
                width,
                height,
            };
            out.items.push(Item::Image {
                image: image as usize,
                rect,
            });
            continue;
        }
        match runs.last_mut() {
            Some(r)
                if r.face == piece.face
                    && r.size == piece.size
                    && r.y == y
                    && r.color == piece.color
                    && r.scale == piece.scale =>
            {
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
                    color: piece.color,
                    scale: piece.scale,
                    turned: false,
                })
            }
        }
    }
    out.items.extend(runs.into_iter().map(|mut r| {
        r.glyphs.shrink_to_fit();
        Item::Text(r)
    }));
}

/// A page's images and rules (centred, and a table's from its own x).
fn place_figures(out: &mut Page, page: &LaidPage, left: Pt, g: &Geometry) {
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
    for &(ry, x, w, weight) in &page.rules_at {
        let y = g.y(ry);
        out.items.push(Item::Line {
            x1: left + x,
            y1: y,
            x2: left + x + w,
            y2: y,
            width: weight,
        });
    }
}

/// The short rule above a page's footnotes, from the start side of the text block:
/// the left, or the right in a part written right to left.
fn foot_rule(out: &mut Page, book: &Book, page: &LaidPage, left: Pt, g: &Geometry) {
    /// The rule's length, a share of the measure (LaTeX's is 0.4 of the column;
    /// books set shorter ones).
    const SHARE: Pt = 0.3;
    let Some(ry) = page.foot_rule else { return };
    let w = g.text_width() * SHARE;
    let rtl = page.part.is_some_and(|p| flow::part_is_rtl(book, p));
    let x = if rtl { left + g.text_width() - w } else { left };
    let y = g.y(ry);
    out.items.push(Item::Line {
        x1: x,
        y1: y,
        x2: x + w,
        y2: y,
        width: 0.4,
    });
}

/// Running head and folio: on the outer side, a line above the text block; on
/// opening pages a centred folio at the foot; blank pages carry nothing. The
/// running heads are set in their own direction (the part's title in the part's,
/// the book's in the book's); the folio, a number at one side, is placed by side.
fn running_head(
    out: &mut Page,
    book: &Book,
    g: &Geometry,
    (ctx, heads): (&mut Ctx, &mut Heads),
    page: &LaidPage,
    index: usize,
    first_chapter: usize,
) {
    let Some(part) = page.part else {
        return;
    };
    let head_size = g.size * 0.85;
    let left = g.left(index);
    let number = folio(index, first_chapter);
    let recto = index % 2 == 0;
    let width = g.text_width();
    let mut head = |text: &str, style: Style, y: Pt, align: Align, rtl: bool| {
        let spec = Spec {
            rtl,
            ..Spec::plain(width, align)
        };
        head_line((ctx, heads), out, text, style, head_size, left, &spec, y)
    };
    if page.opening || !page.running_heads {
        if page.folio {
            head(
                &number,
                Style::Regular,
                g.bottom - g.leading * 1.5,
                Align::Center,
                false,
            );
        }
    } else {
        let y = g.height - g.top + g.leading;
        let (title, rtl) = match book.parts.get(part) {
            Some(p) if recto => (p.title.as_str(), flow::part_is_rtl(book, part)),
            _ => (book.meta.title.as_str(), g.rtl),
        };
        head(title, Style::Italic, y, Align::Center, rtl);
        let outer = if g.right_hand(index) {
            Align::Right
        } else {
            Align::Left
        };
        head(&number, Style::Regular, y, outer, false);
    }
}

/// The outline: every contents entry, at the top of its target.
fn outline(book: &Book, p: &Paginated, g: &Geometry) -> Vec<OutlineEntry> {
    let mut outline = Vec::new();
    for e in &book.toc {
        if let Some((page, y)) = p.find(e.part, &e.anchor) {
            outline.push(OutlineEntry {
                title: e.title.clone(),
                level: e.level,
                page,
                y: g.y(y) + g.leading,
            });
        }
    }
    outline
}

/// Page labels: roman before the first chapter, arabic from it.
fn labels(first_chapter: usize) -> Vec<LabelRange> {
    if first_chapter > 0 {
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
    }
}

/// The document's metadata, from the book's.
fn info(book: &Book, g: &Geometry) -> Info {
    let m = &book.meta;
    Info {
        title: m.title.clone(),
        author: m.authors.join(", "),
        subject: m.description.clone().unwrap_or_default(),
        keywords: m.subjects.clone(),
        language: m.language.clone(),
        date: m.modified,
        right_to_left: g.rtl,
    }
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

/// Running heads and folios as set, by what they were set from: the first
/// line's pieces, placed at the head's left and baseline.
#[derive(Default)]
struct Heads {
    set: std::collections::HashMap<HeadKey, Vec<paragraph::Placed>>,
}

/// A head's text, style, size and paragraph shape (`Spec`, every field).
type HeadKey = (String, Style, u32, [u32; 3], paragraph::Align, [bool; 4]);

/// One line of running head or folio text at baseline `y` (PDF coordinates), set
/// as `spec` says across the text block, whose left edge is `left` (each text
/// set once a build: `heads`).
#[allow(clippy::too_many_arguments)]
fn head_line(
    (ctx, heads): (&mut Ctx, &mut Heads),
    out: &mut Page,
    text: &str,
    style: Style,
    size: Pt,
    left: Pt,
    spec: &Spec,
    y: Pt,
) {
    // Every field by name: a field added to `Spec` must be added here.
    let Spec {
        width,
        indent,
        hang,
        align,
        hyphenate,
        rtl,
        keep_spaces,
        balance,
    } = *spec;
    let key: HeadKey = (
        text.to_string(),
        style,
        size.to_bits(),
        [width, indent, hang].map(f32::to_bits),
        align,
        [hyphenate, rtl, keep_spaces, balance],
    );
    let pieces = heads.set.entry(key).or_insert_with(|| {
        let runs = [Run {
            text: text.to_string(),
            style: RunStyle {
                style,
                size,
                raised: false,
                link: None,
                picture: None,
                color: None,
            },
            sources: Vec::new(),
        }];
        let mut notes = paragraph::Notes::default();
        let lines = ctx.set(&runs, spec, &mut notes);
        lines
            .into_iter()
            .next()
            .map(|l| l.pieces)
            .unwrap_or_default()
    });
    for piece in pieces.iter() {
        out.items.push(Item::Text(TextRun {
            face: piece.face,
            size: piece.size,
            x: left + piece.x,
            y,
            glyphs: piece.glyphs.clone(),
            color: None,
            scale: piece.scale,
            turned: false,
        }));
    }
}
