//! The printed contents page: the book's one `Toc`, each entry with dot leaders and
//! its page number right-aligned (in a right-to-left book, the titles on the right
//! and the numbers on the left), each a link to its page.
//!
//! Sets lines into the flow; the page numbers come from the caller (the previous
//! layout pass).

use std::sync::Arc;

use super::doc::{FaceId, Pt};
use super::flow::{Builder, Flow};
use super::fonts::Style;
use super::paragraph::{Align, Line, Run, RunStyle, Spec};
use super::shape::Glyph;
use crate::model::{Book, LinkTarget, TocEntry};

/// Distance between leader dots, in ems; dots sit on a common grid so that the
/// leaders of all entries line up.
const LEADER_STEP_EM: f32 = 0.55;

/// Adds the contents page to the flow. `numbers[k]` is the printed page number of
/// `book.toc[k]`. `part` is the index the contents page uses for its anchor.
pub fn contents(b: &mut Builder, book: &Book, numbers: &[String], part: usize) {
    // The page is in the book's direction, whatever the entries' parts are in.
    b.rtl = crate::model::right_to_left(&book.meta.language);
    heading(b, part, &book.labels.contents);
    let leaders = Leaders::new(b);
    for (k, e) in book.toc.iter().enumerate() {
        entry(b, e, numbers, k, &leaders);
    }
}

/// The page's opening (a recto, sunk) and its centred title.
fn heading(b: &mut Builder, part: usize, title_text: &str) {
    b.flow.push(Flow::Opening {
        part,
        recto: true,
        sink: Some(b.text_height / 8.0),
        running_heads: false,
        folio: true,
    });
    b.flow.push(Flow::Anchor(part, None));
    let title = b.size * 1.4;
    let runs = vec![Run {
        text: title_text.to_string(),
        style: RunStyle {
            style: Style::HeadingRegular,
            size: title,
            raised: false,
            link: None,
            picture: None,
            color: None,
        },
        sources: Vec::new(),
    }];
    let spec = Spec {
        rtl: b.rtl,
        ..Spec::plain(b.width, Align::Center)
    };
    let lines = b.ctx.set(&runs, &spec, &mut b.notes);
    for l in lines {
        b.flow.push(Flow::Line {
            line: l,
            x: 0.0,
            height: title * 1.4,
            para: None,
            keep_with_next: true,
            heading: true,
        });
    }
    b.flow.push(Flow::Space(b.leading * 1.5));
}

/// What the entries' leaders and numbers share: the dot, its grid and the width
/// kept for the page number.
struct Leaders {
    face: FaceId,
    dot: Arc<[Glyph]>,
    step: Pt,
    num_width: Pt,
}

impl Leaders {
    fn new(b: &mut Builder) -> Leaders {
        let size = b.size;
        let face = b.ctx.fonts.id(Style::Regular);
        let dot = b
            .ctx
            .shaper
            .shape(b.ctx.fonts, face, size, ".", &b.ctx.language);
        let num_width = b
            .ctx
            .shaper
            .width(b.ctx.fonts, face, size, "0000", &b.ctx.language);
        Leaders {
            face,
            dot,
            step: size * LEADER_STEP_EM,
            num_width,
        }
    }
}

/// One entry, `book.toc[k]`: its title, indented by level, with leaders to its
/// page number on the last line; every line a link to the entry.
fn entry(b: &mut Builder, e: &TocEntry, numbers: &[String], k: usize, leaders: &Leaders) {
    let size = b.size;
    let indent = size * 1.5 * f32::from(e.level.saturating_sub(1));
    let link = Some(LinkTarget::Internal {
        part: e.part,
        anchor: e.anchor.clone(),
    });
    let st = RunStyle {
        style: Style::Regular,
        size,
        raised: false,
        link: link.clone(),
        picture: None,
        color: None,
    };
    if e.level == 1 {
        b.flow.push(Flow::Space(b.leading * 0.3));
    }
    let text_width = b.width - indent - leaders.num_width - size;
    // The title's box: after the indent, from the left or (right to left) the right.
    let title_left = if b.rtl {
        b.width - indent - text_width
    } else {
        indent
    };
    let runs = vec![Run {
        text: e.title.clone(),
        style: st.clone(),
        sources: Vec::new(),
    }];
    let mut lines = b.ctx.set(
        &runs,
        &Spec {
            hang: size,
            rtl: b.rtl,
            ..Spec::plain(text_width, Align::Left)
        },
        &mut b.notes,
    );
    if lines.is_empty() {
        return;
    }
    // The page number, right-aligned, and leaders from the title to it.
    let num = &numbers[k.min(numbers.len().saturating_sub(1))];
    let nl = b.ctx.set(
        &[Run {
            text: num.clone(),
            style: st.clone(),
            sources: Vec::new(),
        }],
        &Spec::plain(leaders.num_width * 2.0, Align::Left),
        &mut b.notes,
    );
    if let (Some(last), Some(numline)) = (lines.last_mut(), nl.into_iter().next()) {
        if b.rtl {
            number_and_leaders(last, numline, title_left, size, leaders, &link);
        } else {
            let right = b.width - indent;
            leaders_and_number(last, numline, indent, right, size, leaders, &link);
        }
    }
    let count = lines.len();
    for (i, l) in lines.into_iter().enumerate() {
        b.flow.push(Flow::Line {
            line: l,
            x: title_left,
            height: b.leading,
            para: None,
            keep_with_next: i + 1 < count,
            heading: false,
        });
    }
}

/// Ends a title's last line (set at `indent`) with dot leaders on the common grid
/// and the page number (`numline`) flush with `right`.
fn leaders_and_number(
    last: &mut Line,
    numline: Line,
    indent: Pt,
    right: Pt,
    size: Pt,
    leaders: &Leaders,
    link: &Option<LinkTarget>,
) {
    let step = leaders.step;
    let nw: Pt = numline.pieces.iter().map(|p| p.width).sum();
    let end_of_title = last.pieces.last().map_or(0.0, |p| p.x + p.width);
    let mut dots = Vec::new();
    let start = ((indent + end_of_title + size * 0.6) / step).ceil() * step - indent;
    let mut x = start;
    while x + step <= right - nw - size * 0.4 {
        if let Some(g) = leaders.dot.first() {
            dots.push(super::doc::PlacedGlyph {
                id: g.id,
                dx: x - start,
                dy: super::doc::Dy::ZERO,
                text: ".".into(),
            });
        }
        x += step;
    }
    if !dots.is_empty() {
        last.pieces.push(super::paragraph::Placed {
            face: leaders.face,
            size,
            x: start,
            dy: 0.0,
            width: x - start,
            glyphs: dots,
            link: link.clone().map(Box::new),
            picture: None,
            color: None,
            scale: 1.0,
        });
    }
    for mut p in numline.pieces {
        p.x += right - nw;
        last.pieces.push(p);
    }
}

/// The right-to-left mirror of [`leaders_and_number`]: the page number flush with
/// the text block's left edge, then dot leaders on the common grid up to the start
/// of the title's last line (set from its box at `title_left`, right-aligned).
fn number_and_leaders(
    last: &mut Line,
    numline: Line,
    title_left: Pt,
    size: Pt,
    leaders: &Leaders,
    link: &Option<LinkTarget>,
) {
    let step = leaders.step;
    let nw: Pt = numline.pieces.iter().map(|p| p.width).sum();
    // Where the title's last line begins on the left, in the text block.
    let first = last.pieces.iter().map(|p| p.x).fold(Pt::INFINITY, Pt::min);
    let title_start = title_left + if first.is_finite() { first } else { 0.0 };
    let start = ((nw + size * 0.6) / step).ceil() * step;
    let mut dots = Vec::new();
    let mut x = start;
    while x + step <= title_start - size * 0.4 {
        if let Some(g) = leaders.dot.first() {
            dots.push(super::doc::PlacedGlyph {
                id: g.id,
                dx: x - start,
                dy: super::doc::Dy::ZERO,
                text: ".".into(),
            });
        }
        x += step;
    }
    let from = numline.pieces.first().map_or(0.0, |p| p.x);
    let mut before = Vec::new();
    for mut p in numline.pieces {
        p.x -= from + title_left;
        before.push(p);
    }
    if !dots.is_empty() {
        before.push(super::paragraph::Placed {
            face: leaders.face,
            size,
            x: start - title_left,
            dy: 0.0,
            width: x - start,
            glyphs: dots,
            link: link.clone().map(Box::new),
            picture: None,
            color: None,
            scale: 1.0,
        });
    }
    // Left to right on the line, as the pieces of a line are.
    last.pieces.splice(0..0, before);
}
