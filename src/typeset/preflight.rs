//! A print service's rules (`pdf.profile`) applied to the laid-out book: margins
//! raised to its minimums before layout; after it, the trim it must offer, the
//! page count padded to even and held to its limits, bleed on the edges it names,
//! what it forbids left out, and what it would still reject reported as warnings.
//!
//! The numbers come from `profile`; this file decides nothing about them. Reads
//! the document `place` made and changes only what the service asks for.

use crate::diag::{Code, Diagnostic};
use crate::model::{Bleed, Book};

use super::doc::{Document, ImageData, Item, Page, Pt};
use super::profile::Profile;
use super::Geometry;

/// A running head's baseline sits this many leadings above the text block
/// (`place::running_heads`: `g.height - g.top + g.leading`), and its capitals
/// reach about this much of the body size above the baseline (0.85 × the size,
/// a cap height of about 0.7 em, rounded up).
const HEAD_ABOVE: f32 = 1.0;
const HEAD_CAPS: f32 = 0.65;
/// A chapter opening's folio sits this many leadings below the text block
/// (`place::running_heads`: `g.bottom - g.leading * 1.5`); room is left below it
/// for a descender as `near_the_trim` measures one.
const FOLIO_BELOW: f32 = 1.5;
/// What a glyph reaches above and below its baseline, in ems, for the distance to
/// the trim: a cap height and a descender.
const ASCENT: f32 = 0.7;
const DESCENT: f32 = 0.22;
/// Margin kerning lets punctuation at a line's ends hang into the margin, at most
/// about a fifth of an em (a dash's share of its advance, `paragraph::hang`); a
/// service's least margin is kept beyond that, rounded up to a quarter em.
const HANG: f32 = 0.25;
/// How many pages a warning names one by one.
const EACH: usize = 10;
/// Distances within this of the minimum count as meeting it (rounding of points).
const SLACK: Pt = 0.05;

/// Whether the pages bleed: `true` asks for it; `auto` bleeds only when something
/// reaches the trim, and nothing the typesetter draws does yet (no picture or
/// colour is set to the page's edge), so it means none.
pub(super) fn bleeds(book: &Book, diags: &mut Vec<Diagnostic>) -> bool {
    match book.settings.pdf.bleed {
        Bleed::On if book.settings.pdf.profile.is_some() => true,
        Bleed::On => {
            diags.push(no_service_for_bleed());
            false
        }
        Bleed::Auto | Bleed::Off => false,
    }
}

/// W0164: bleed asked for without a service to size it.
pub(super) fn no_service_for_bleed() -> Diagnostic {
    Diagnostic::warning(
        Code::W0164,
        "`pdf.bleed: true` needs a `pdf.profile`: the bleed's size and edges are the print service's",
    )
    .hint("add `profile: kdp` (or `ingram`, `lulu`) to the `pdf:` section")
}

/// The geometry with every margin at least the service's minimum: the inner one for
/// the fewest pages it prints (raised again after layout if the book is longer),
/// the outer one, and the top and bottom ones with room for the running heads and
/// folios that sit in them, since the services measure those too ("This includes
/// page numbers", IngramSpark's file requirements; see `profile`).
pub(super) fn least_margins(mut g: Geometry, p: &Profile, bleed: bool) -> Geometry {
    let edge = p.min_edge(bleed);
    g.inner = g.inner.max(inner_for(p, 0, &g));
    g.outer = g.outer.max(edge + HANG * g.size);
    g.top = g
        .top
        .max(edge + HEAD_ABOVE * g.leading + HEAD_CAPS * g.size);
    g.bottom = g
        .bottom
        .max(edge + FOLIO_BELOW * g.leading + DESCENT * g.size);
    g
}

/// The inner margin a book of `pages` pages needs: the service's least, and room
/// for punctuation hanging into it.
pub(super) fn inner_for(p: &Profile, pages: usize, g: &Geometry) -> Pt {
    p.min_inner(pages) + HANG * g.size
}

/// W0160: the passes ran out before the inner margin matched the page count.
pub(super) fn unsettled(
    p: &Profile,
    passes: usize,
    pages: usize,
    inner: Pt,
    need: Pt,
) -> Diagnostic {
    Diagnostic::warning(
        Code::W0160,
        format!(
            "{}: after {passes} layouts the book has {pages} pages, which need an inner margin of {:.3} in; it has {:.3} in",
            p.label,
            need / 72.0,
            inner / 72.0
        ),
    )
    .hint(format!(
        "set `pdf.margins.inner` to at least {:.3}in so that one layout is enough",
        need / 72.0
    ))
}

/// The laid-out book made what the service takes, with warnings for what it would
/// still reject.
pub(super) fn finish(
    book: &Book,
    mut doc: Document,
    p: &Profile,
    bleed: bool,
    g: &Geometry,
    diags: &mut Vec<Diagnostic>,
) -> Document {
    let s = &book.settings.pdf;
    if !p.offers(s.width, s.height) {
        diags.push(trim_not_offered(book, p));
    }
    // Printed on both sides of each leaf: an odd count gets a blank last page.
    if doc.pages.len() % 2 == 1 {
        doc.pages.push(Page {
            width: g.width,
            height: g.height,
            items: Vec::new(),
        });
        // The EPUB's page list names it too: at the end of the last part.
        let first_chapter = doc
            .labels
            .iter()
            .find(|l| l.style == crate::typeset::doc::LabelStyle::Decimal)
            .map_or(usize::MAX, |l| l.start);
        let label = super::folio::folio(doc.pages.len() - 1, first_chapter);
        let part = doc.page_breaks.last().map_or(0, |b| b.part);
        doc.page_breaks.push(crate::model::pages::PageBreak {
            label,
            part,
            at: crate::model::pages::PageAt::End,
        });
    }
    let pages = doc.pages.len();
    let (least, most) = p.page_limits(s.paper, s.width, s.height);
    if pages < least || pages > most {
        diags.push(Diagnostic::warning(
            Code::W0161,
            format!(
                "the book has {pages} pages; {} prints {least} to {most} on {} paper",
                p.label,
                match s.paper {
                    crate::model::Paper::White => "white",
                    crate::model::Paper::Cream => "cream",
                }
            ),
        ));
    }
    if p.no_annotations {
        for page in &mut doc.pages {
            page.items.retain(|i| !matches!(i, Item::Link { .. }));
        }
    }
    if p.no_outline {
        doc.outline.clear();
    }
    if bleed {
        doc.print.bleed = (0..pages).map(|i| p.page_bleed(g.right_hand(i))).collect();
    }
    if let Some(d) = near_the_trim(&doc, p, bleed, g) {
        diags.push(d);
    }
    if p.wants_pdfx {
        match not_pdfx(&doc) {
            None => doc.print.pdfx = true,
            Some(why) => diags.push(Diagnostic::warning(
                Code::W0163,
                format!(
                    "{} asks for PDF/X; this book is not marked PDF/X-1a because it holds {why}",
                    p.label
                ),
            )),
        }
    }
    doc
}

/// E0018: the trim is not one the service prints; at `pdf.trim` (or `pdf.profile`
/// when the trim is the default).
fn trim_not_offered(book: &Book, p: &Profile) -> Diagnostic {
    let s = &book.settings.pdf;
    let trim = format!("{} × {} in", round(s.width / 72.0), round(s.height / 72.0));
    let mut d = Diagnostic::error(
        Code::E0018,
        format!("{} does not print a {trim} trim", p.label),
    )
    .hint(format!(
        "the nearest sizes it offers: {}{}",
        p.nearest_trims(s.width, s.height).join(", "),
        p.custom_range()
            .map(|r| format!("; or any size {r}"))
            .unwrap_or_default()
    ));
    if let Some(at) = s.trim_at.clone().or_else(|| s.profile_at.clone()) {
        d = d.at(at);
    }
    d
}

fn round(inches: f32) -> f32 {
    (inches * 100.0).round() / 100.0
}

/// W0162: the pages where something lies closer to the trim than the service
/// allows: its least gutter at the binding side, its least outer, top and bottom
/// margin elsewhere. Text is measured from its glyphs' origins, a cap height up
/// and a descender down; rules, tints and pictures by their rectangles.
fn near_the_trim(doc: &Document, p: &Profile, bleed: bool, g: &Geometry) -> Option<Diagnostic> {
    let edge = p.min_edge(bleed) - SLACK;
    let gutter = p.min_inner(doc.pages.len()) - SLACK;
    let mut close = Vec::new();
    for (index, page) in doc.pages.iter().enumerate() {
        let (w, h) = (page.width, page.height);
        let (left, right) = if g.right_hand(index) {
            (gutter, edge)
        } else {
            (edge, gutter)
        };
        let near = |x0: Pt, y0: Pt, x1: Pt, y1: Pt| {
            x0 < left || w - x1 < right || y0 < edge || h - y1 < edge
        };
        let hit = page.items.iter().any(|item| match item {
            Item::Text(run) => {
                let (lo, hi) = run.glyphs.iter().fold((Pt::MAX, Pt::MIN), |(lo, hi), g| {
                    (lo.min(g.dx), hi.max(g.dx))
                });
                !run.glyphs.is_empty()
                    && near(
                        run.x + lo,
                        run.y - DESCENT * run.size,
                        run.x + hi,
                        run.y + ASCENT * run.size,
                    )
            }
            Item::Line { x1, y1, x2, y2, .. } => {
                near(x1.min(*x2), y1.min(*y2), x1.max(*x2), y1.max(*y2))
            }
            Item::Image { rect, .. } | Item::Rect { rect, .. } => near(
                rect.x.min(rect.x + rect.width),
                rect.y.min(rect.y + rect.height),
                rect.x.max(rect.x + rect.width),
                rect.y.max(rect.y + rect.height),
            ),
            Item::Link { .. } => false,
        });
        if hit {
            close.push(index + 1);
        }
    }
    let first = close.first()?;
    let named: Vec<String> = close.iter().take(EACH).map(|n| n.to_string()).collect();
    Some(
        Diagnostic::warning(
            Code::W0162,
            format!(
                "{} asks for {:.3} in between the trim and the text ({:.3} in at the binding); on {} page{} something is closer (page{} {}{})",
                p.label,
                p.min_edge(bleed) / 72.0,
                p.min_inner(doc.pages.len()) / 72.0,
                close.len(),
                if close.len() == 1 { "" } else { "s" },
                if close.len() == 1 { "" } else { "s" },
                named.join(", "),
                if close.len() > EACH { ", …" } else { "" }
            ),
        )
        .hint(format!(
            "page {first} counts from the first page of the file; a picture or table wider than the text block is the usual cause"
        )),
    )
}

/// What in the document PDF/X-1a forbids, in words, if anything: colour other
/// than grey (PDF/X-1a allows only CMYK, grey and spot colours), transparency
/// (an image's alpha channel), a drawing copied whole from another file (its
/// colours and transparency are not ours to vouch for), a link annotation.
fn not_pdfx(doc: &Document) -> Option<String> {
    let gray = |c: &super::doc::Color| c.0 == c.1 && c.1 == c.2;
    for (index, page) in doc.pages.iter().enumerate() {
        let n = index + 1;
        for item in &page.items {
            let why = match item {
                Item::Text(run) if run.color.is_some_and(|c| !gray(&c)) => {
                    Some("coloured text (syntax-highlighted code, a coloured link)")
                }
                Item::Rect { fill, stroke, .. }
                    if fill.is_some_and(|c| !gray(&c))
                        || stroke.is_some_and(|(c, _)| !gray(&c)) =>
                {
                    Some("a coloured tint or frame")
                }
                Item::Link { .. } => Some("a link"),
                Item::Image { image, .. } => doc.images.get(*image).and_then(|i| match &i.data {
                    ImageData::Vector { .. } => Some("a drawing (SVG)"),
                    data if super::image::transparent(data) => Some("a picture with transparency"),
                    ImageData::Raster { gray: false, .. } => Some("a colour (RGB) picture"),
                    ImageData::Jpeg { components: 3, .. } => Some("a colour (RGB) picture"),
                    _ => None,
                }),
                _ => None,
            };
            if let Some(why) = why {
                return Some(format!("{why}, first on page {n}"));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PrintService;
    use crate::typeset::doc::{Color, FaceId, PlacedGlyph, TextRun};

    fn geometry() -> Geometry {
        Geometry {
            width: 432.0,
            height: 648.0,
            inner: 18.0,
            outer: 18.0,
            top: 18.0,
            bottom: 18.0,
            size: 10.0,
            leading: 14.0,
            rtl: false,
        }
    }

    fn page_with_run(x: Pt, color: Option<Color>) -> Page {
        Page {
            width: 432.0,
            height: 648.0,
            items: vec![Item::Text(TextRun {
                face: FaceId(0),
                size: 10.0,
                x,
                y: 300.0,
                glyphs: vec![PlacedGlyph {
                    id: 1,
                    dx: 0.0,
                    dy: crate::typeset::doc::Dy::ZERO,
                    text: "a".into(),
                }],
                color,
                scale: 1.0,
                turned: false,
            })],
        }
    }

    #[test]
    fn margins_are_raised_to_the_least_with_room_for_heads_folios_and_hanging_marks() {
        let ingram = Profile::of(PrintService::Ingram);
        let g = least_margins(geometry(), ingram, false);
        // 0.5 in and a quarter em at the sides.
        assert_eq!((g.inner, g.outer), (38.5, 38.5));
        // 0.5 in, the running head's leading and its capitals above the text.
        assert_eq!(g.top, 36.0 + 14.0 + 6.5);
        // 0.5 in, the folio a leading and a half below, a descender.
        assert_eq!(g.bottom, 36.0 + 21.0 + 2.2);
        // Wider margins stay as they are.
        let wide = Geometry {
            inner: 72.0,
            ..geometry()
        };
        assert_eq!(least_margins(wide, ingram, false).inner, 72.0);
    }

    #[test]
    fn text_at_the_gutter_of_a_recto_is_too_close_and_text_past_it_is_not() {
        let kdp = Profile::of(PrintService::Kdp);
        let g = geometry();
        // Page 0 is a recto: its left side is the binding's, 0.375 in (27 pt).
        let doc = |x| Document {
            pages: vec![page_with_run(x, None), page_with_run(200.0, None)],
            ..Document::default()
        };
        let d = near_the_trim(&doc(20.0), kdp, false, &g).expect("20 pt from the gutter");
        assert_eq!(d.code, Code::W0162);
        assert!(d.message.contains("(page 1)"), "{}", d.message);
        assert!(near_the_trim(&doc(28.0), kdp, false, &g).is_none());
        // On a verso the left side is the outside: 0.25 in (18 pt) is enough.
        let verso = Document {
            pages: vec![page_with_run(200.0, None), page_with_run(20.0, None)],
            ..Document::default()
        };
        assert!(near_the_trim(&verso, kdp, false, &g).is_none());
    }

    #[test]
    fn pdf_x_is_refused_for_colour_and_granted_for_grey() {
        let grey = Document {
            pages: vec![page_with_run(100.0, Some(Color::gray(80)))],
            ..Document::default()
        };
        assert_eq!(not_pdfx(&grey), None);
        let red = Document {
            pages: vec![page_with_run(100.0, Some(Color(200, 0, 0)))],
            ..Document::default()
        };
        assert!(not_pdfx(&red).is_some_and(|w| w.starts_with("coloured text")));
    }
}
