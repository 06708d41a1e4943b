//! The print cover (`--format cover`): back, spine and front on one sheet, with
//! bleed on every outer edge, for a print-on-demand service.
//!
//! The sheet is 2 × trim + spine + 2 × bleed wide and trim + 2 × bleed high; the
//! spine is as thick as the interior's final page count on the book's paper
//! (`profile`: the service's numbers; KDP's when the book names none). The front
//! is the author's cover picture, scaled to cover its panel and the bleed beyond
//! it (what overflows is clipped at the sheet's edge by the printer's trim), or
//! the generated design the EPUB's cover also has: title, subtitle and authors on
//! a quiet ground within a frame. The spine carries title and author, read top to
//! bottom, only from the page count the service allows it. The back carries the
//! book's description and leaves the barcode's area clear. A book bound on the
//! right has its front on the left.
//!
//! Produces a laid-out `Document` of one page for `pdf`, as the interior does.

use super::doc::{Color, Document, Image, Item, Page, Pt, Rect, TextRun};
use super::fonts::{FontSet, Style};
use super::paragraph::{Align, Ctx, Notes, Run, RunStyle, Spec};
use super::profile::Profile;
use crate::model::{Book, PrintService};

/// The ground and inks of the generated design: the EPUB cover's (epub/mod.rs).
const GROUND: Color = Color(0xf4, 0xef, 0xe6);
const INK: Color = Color(0x2b, 0x21, 0x18);
const FRAME: Color = Color(0x5b, 0x46, 0x36);
/// Text stays this far inside the trim on every panel: Lulu's and Ingram's
/// safety margin (0.5 in), more than KDP's 0.125 in (profile.rs), so one design
/// suits every service.
const SAFETY: Pt = 36.0;
/// The frame of the generated front, inside the trim: the EPUB cover's 80 of 1600.
const FRAME_INSET: f32 = 0.05;
/// A spine narrower than this holds no text, whatever the service allows: at
/// 0.25 in the letters would be under 9 pt.
const MIN_SPINE_FOR_TEXT: Pt = 18.0;

/// The cover's geometry, from the service's rules and the interior.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sheet {
    pub trim: (Pt, Pt),
    pub spine: Pt,
    pub bleed: Pt,
    /// Title and author on the spine.
    pub spine_text: bool,
    /// The barcode's clear area on the back: width, height, and its distance from
    /// the spine and from the bottom trim.
    pub barcode: (Pt, Pt, Pt, Pt),
    /// The front is on the left (a book bound on the right).
    pub rtl: bool,
}

impl Sheet {
    /// The sheet of `book` whose interior has `pages` pages.
    pub fn of(book: &Book, pages: usize) -> Sheet {
        let s = &book.settings.pdf;
        let p = Profile::of(s.profile.unwrap_or(PrintService::Kdp));
        let b = p.barcode_area();
        let spine = p.spine_width(pages, s.paper);
        Sheet {
            trim: (s.width, s.height),
            spine,
            bleed: p.cover_bleed(),
            spine_text: p.spine_text_allowed(pages) && spine >= MIN_SPINE_FOR_TEXT,
            barcode: (b.width, b.height, b.from_spine, b.from_bottom),
            rtl: crate::model::right_to_left(&book.meta.language),
        }
    }

    /// The whole sheet: both covers, the spine and the bleed.
    pub fn size(&self) -> (Pt, Pt) {
        (
            2.0 * self.trim.0 + self.spine + 2.0 * self.bleed,
            self.trim.1 + 2.0 * self.bleed,
        )
    }

    /// Left edge of the back, spine and front at their trim, on the sheet.
    fn panels(&self) -> (Pt, Pt, Pt) {
        let first = self.bleed;
        let spine = first + self.trim.0;
        let second = spine + self.spine;
        if self.rtl {
            (second, spine, first)
        } else {
            (first, spine, second)
        }
    }
}

/// The cover as a one-page document; `picture` is the author's cover, decoded.
pub fn cover(book: &Book, fonts: &FontSet, sheet: &Sheet, picture: Option<Image>) -> Document {
    let (width, height) = sheet.size();
    let mut ctx = Ctx {
        fonts,
        shaper: super::shape::Shaper::new(),
        language: book.meta.language.clone(),
        expansion: false,
        words: Default::default(),
    };
    let mut page = Page {
        width,
        height,
        items: Vec::new(),
    };
    let (back, spine, front) = sheet.panels();
    let (tw, th) = sheet.trim;
    let bottom = sheet.bleed;
    // The ground over the whole sheet, to the edge of the bleed.
    page.items.push(Item::Rect {
        rect: Rect {
            x: 0.0,
            y: 0.0,
            width,
            height,
        },
        fill: Some(GROUND),
        stroke: None,
    });
    let mut images = Vec::new();
    match picture {
        Some(img) => {
            // Cover the front panel and its bleed (top, bottom, outer edge),
            // keeping the picture's proportions: centred, it overflows on one
            // side, which the sheet's edge or the spine's ground takes.
            let outer = if sheet.rtl { 0.0 } else { front };
            let panel = Rect {
                x: outer,
                y: 0.0,
                width: tw + sheet.bleed,
                height,
            };
            let aspect = img.size.0 / img.size.1.max(1e-3);
            let (w, h) = if panel.width / panel.height > aspect {
                (panel.width, panel.width / aspect)
            } else {
                (panel.height * aspect, panel.height)
            };
            images.push(img);
            page.items.push(Item::Image {
                image: 0,
                rect: Rect {
                    x: panel.x + (panel.width - w) / 2.0,
                    y: panel.y + (panel.height - h) / 2.0,
                    width: w,
                    height: h,
                },
            });
            // The picture may not reach over the spine and the back.
            let (cover_x, cover_w) = if sheet.rtl {
                (front + tw, width - front - tw)
            } else {
                (0.0, front)
            };
            page.items.push(Item::Rect {
                rect: Rect {
                    x: cover_x,
                    y: 0.0,
                    width: cover_w,
                    height,
                },
                fill: Some(GROUND),
                stroke: None,
            });
        }
        None => front_design(&mut page, &mut ctx, book, front, bottom, tw, th),
    }
    if sheet.spine_text {
        spine_text(&mut page, &mut ctx, book, spine, bottom, sheet.spine, th);
    }
    back_text(&mut page, &mut ctx, book, sheet, back, bottom);
    // The page is the trim; the writer adds the bleed around it (MediaBox and
    // BleedBox the whole sheet, TrimBox the cover's trim) and draws the sheet
    // from the bleed's corner.
    let b = sheet.bleed;
    page.width -= 2.0 * b;
    page.height -= 2.0 * b;
    for item in &mut page.items {
        shift(item, -b);
    }
    Document {
        print: super::doc::PrintFile {
            bleed: vec![super::doc::Edges {
                left: b,
                right: b,
                top: b,
                bottom: b,
            }],
            pdfx: false,
        },
        pages: vec![page],
        images,
        info: super::doc::Info {
            title: format!("{} (cover)", book.meta.title),
            author: book.meta.authors.join(", "),
            language: book.meta.language.clone(),
            date: book.meta.modified,
            ..Default::default()
        },
        faces: super::face_files(fonts),
        ..Default::default()
    }
}

/// Moves an item by `d` in x and y.
fn shift(item: &mut Item, d: Pt) {
    match item {
        Item::Text(r) => {
            r.x += d;
            r.y += d;
        }
        Item::Line { x1, y1, x2, y2, .. } => {
            *x1 += d;
            *x2 += d;
            *y1 += d;
            *y2 += d;
        }
        Item::Link { rect, .. } | Item::Image { rect, .. } | Item::Rect { rect, .. } => {
            rect.x += d;
            rect.y += d;
        }
    }
}

/// The generated front: a frame, the title high, the subtitle under it, a rule,
/// the authors low; as the EPUB's cover lays them out.
fn front_design(page: &mut Page, ctx: &mut Ctx, book: &Book, x: Pt, y: Pt, tw: Pt, th: Pt) {
    let inset = tw * FRAME_INSET;
    page.items.push(Item::Rect {
        rect: Rect {
            x: x + inset,
            y: y + inset,
            width: tw - 2.0 * inset,
            height: th - 2.0 * inset,
        },
        fill: None,
        stroke: Some((FRAME, tw * 0.004)),
    });
    let m = &book.meta;
    let measure = tw - 2.0 * SAFETY.max(inset * 2.0);
    let left = x + (tw - measure) / 2.0;
    let title_size = (tw * 0.075).min(40.0);
    let mut top = y + th * 0.74;
    top = block(
        page,
        ctx,
        &m.title,
        Style::HeadingRegular,
        title_size,
        INK,
        left,
        measure,
        top,
    );
    if let Some(sub) = &m.subtitle {
        top = block(
            page,
            ctx,
            sub,
            Style::HeadingItalic,
            title_size * 0.55,
            FRAME,
            left,
            measure,
            top - title_size * 0.5,
        );
    }
    let rule = top - title_size * 0.6;
    page.items.push(Item::Line {
        x1: x + tw * 0.375,
        y1: rule,
        x2: x + tw * 0.625,
        y2: rule,
        width: tw * 0.0025,
    });
    let authors = m.authors.join(", ");
    if !authors.is_empty() {
        block(
            page,
            ctx,
            &authors,
            Style::HeadingRegular,
            title_size * 0.55,
            INK,
            left,
            measure,
            y + th * 0.17,
        );
    }
}

/// Title and authors along the spine, centred across it, read top to bottom.
fn spine_text(page: &mut Page, ctx: &mut Ctx, book: &Book, x: Pt, y: Pt, spine: Pt, th: Pt) {
    let size = (spine * 0.45).min(14.0);
    let mut text = book.meta.title.clone();
    if !book.meta.authors.is_empty() {
        text.push_str("   ");
        text.push_str(&book.meta.authors.join(", "));
    }
    let length = th - 2.0 * SAFETY;
    let runs = [Run::new(text, style(Style::HeadingRegular, size, INK))];
    let lines = ctx.set(
        &runs,
        &Spec::plain(length, Align::Center),
        &mut Notes::default(),
    );
    // One line; what does not fit the spine's length is not set.
    let Some(line) = lines.into_iter().next() else {
        return;
    };
    // Turned clockwise: the baseline runs down the spine, a little right of its
    // middle so that the letters' body is centred across it.
    let baseline_x = x + spine / 2.0 - size * 0.35;
    let top = y + th - SAFETY;
    for piece in line.pieces {
        page.items.push(Item::Text(TextRun {
            face: piece.face,
            size: piece.size,
            x: baseline_x,
            y: top - piece.x,
            glyphs: piece.glyphs,
            color: Some(INK),
            scale: piece.scale,
            turned: true,
        }));
    }
}

/// The book's description on the back, justified, above the barcode's area.
fn back_text(page: &mut Page, ctx: &mut Ctx, book: &Book, sheet: &Sheet, x: Pt, y: Pt) {
    let Some(description) = book
        .meta
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
    else {
        return;
    };
    let (tw, th) = sheet.trim;
    let measure = tw - 2.0 * SAFETY;
    let top = y + th - SAFETY * 1.5;
    // The text stops above the barcode's area (and its clearance).
    let floor = y + sheet.barcode.3 + sheet.barcode.1 + SAFETY / 2.0;
    let size = 11.0;
    let runs = [Run::new(
        description.trim(),
        style(Style::Regular, size, INK),
    )];
    let spec = Spec {
        hyphenate: true,
        ..Spec::plain(measure, Align::Justify)
    };
    let lines = ctx.set(&runs, &spec, &mut Notes::default());
    let leading = size * 1.4;
    let mut baseline = top - size;
    for line in lines {
        if baseline < floor {
            break;
        }
        for piece in line.pieces {
            page.items.push(Item::Text(TextRun {
                face: piece.face,
                size: piece.size,
                x: x + SAFETY + piece.x,
                y: baseline + piece.dy,
                glyphs: piece.glyphs,
                color: Some(INK),
                scale: piece.scale,
                turned: false,
            }));
        }
        baseline -= leading;
    }
}

/// Centred lines of `text` from `top` (the first line's top) down; returns the
/// last line's baseline.
#[allow(clippy::too_many_arguments)]
fn block(
    page: &mut Page,
    ctx: &mut Ctx,
    text: &str,
    st: Style,
    size: Pt,
    color: Color,
    left: Pt,
    measure: Pt,
    top: Pt,
) -> Pt {
    let runs = [Run::new(text, style(st, size, color))];
    let spec = Spec {
        balance: true,
        ..Spec::plain(measure, Align::Center)
    };
    let lines = ctx.set(&runs, &spec, &mut Notes::default());
    let mut baseline = top - size;
    for (n, line) in lines.into_iter().enumerate() {
        if n > 0 {
            baseline -= size * 1.2;
        }
        for piece in line.pieces {
            page.items.push(Item::Text(TextRun {
                face: piece.face,
                size: piece.size,
                x: left + piece.x,
                y: baseline + piece.dy,
                glyphs: piece.glyphs,
                color: Some(color),
                scale: piece.scale,
                turned: false,
            }));
        }
    }
    baseline
}

fn style(style: Style, size: Pt, color: Color) -> RunStyle {
    RunStyle {
        style,
        size,
        raised: false,
        link: None,
        picture: None,
        color: Some(color),
    }
}
