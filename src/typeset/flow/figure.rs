//! Pictures: each decoded once when a part that uses it begins; a paragraph (or
//! heading) that is one picture alone set as a figure (at its size in print, scaled down to fit
//! the measure and two thirds of the text block's height, its title as caption);
//! any other picture is set in its line of text (`paragraph` sizes it there).
//! A picture that cannot be drawn, or that prints below `PRINT_PPI`, is a warning
//! at the place it is used.
//!
//! Knows pictures' sizes, not their pixels: `image` decodes, `pdf` embeds.

use super::{Builder, Flow, NOTE_SCALE};
use crate::diag::{Code, Diagnostic, Span};
use crate::model::walk::Visit;
use crate::model::{Block, Book, Heading, ImageSource, Inline};
use crate::typeset::doc::Pt;
use crate::typeset::fonts::Style;
use crate::typeset::paragraph::{Align, InlinePicture, Run, PICTURE_EM};

/// The resolution print services ask of pictures at their printed size (KDP,
/// IngramSpark and Lulu all say 300 ppi); below it a picture is a warning.
const PRINT_PPI: f32 = 300.0;
/// Warnings of one kind about pictures given one by one; the rest are summed up
/// in one, so that a book of three hundred screenshots is not buried in them.
const EACH_WARNED: usize = 10;
/// A figure may take this much of the text block's height, leaving room for its
/// caption and a few lines of the text that refers to it.
const FIGURE_HEIGHT: f32 = 2.0 / 3.0;

/// A picture that could not be drawn: where it is used, its name, why.
#[derive(Debug, Clone, PartialEq)]
pub struct Undrawn {
    pub span: Span,
    pub name: String,
    pub why: String,
}

/// A picture printed below `PRINT_PPI`: where, its name, its pixels and the
/// pixels per inch it prints at.
#[derive(Debug, Clone, PartialEq)]
pub struct LowResolution {
    pub span: Span,
    pub name: String,
    pub pixels: (u32, u32),
    pub ppi: f32,
}

/// The pictures of a part: each use, and whether it is a figure (alone in its
/// paragraph or heading: `figure` sets and checks it).
struct Uses<'a> {
    uses: Vec<(usize, &'a Span, bool)>,
    /// The inline that is the current paragraph's only one, if it is.
    alone: Option<*const Inline>,
}

impl<'a> Visit<'a> for Uses<'a> {
    fn block(&mut self, b: &'a Block) -> bool {
        self.alone = match b {
            Block::Paragraph(inl) | Block::Heading(Heading { content: inl, .. })
                if inl.len() == 1 =>
            {
                Some(&inl[0] as *const Inline)
            }
            _ => None,
        };
        true
    }
    fn inline(&mut self, i: &'a Inline) {
        if let Inline::Image {
            source: ImageSource::Resource(r),
            span,
            ..
        } = i
        {
            let figure = self.alone == Some(i as *const Inline);
            self.uses.push((*r, span, figure));
        }
    }
}

impl Builder<'_, '_> {
    /// Decodes the pictures part `index` uses that no earlier part did, and notes
    /// each use that cannot be drawn, and each picture in a line of text that
    /// prints below `PRINT_PPI` (at the body size: one in a heading or a note is a
    /// little larger or smaller).
    pub(super) fn pictures_of(&mut self, book: &Book, index: usize) {
        let mut uses = Uses {
            uses: Vec::new(),
            alone: None,
        };
        book.parts[index].walk(&mut uses);
        for (r, span, figure) in uses.uses {
            let Some(image) = self.decode(book, r, span) else {
                continue;
            };
            if !figure {
                let (w, h) = self.images[image].size;
                let width = self.size * PICTURE_EM * w / h;
                self.check_resolution(book, r, image, span, width.min(self.width));
            }
        }
    }

    /// Resource `r` decoded, once for the book: its index in `images`, or None
    /// (noted, with where it is used) when it cannot be drawn.
    fn decode(&mut self, book: &Book, r: usize, span: &Span) -> Option<usize> {
        let res = book.resources.get(r)?;
        let index = match self.decoded.get(&r) {
            Some(i) => *i,
            None => {
                let decoded =
                    crate::typeset::image::read(&res.data, res.media_type).and_then(|img| {
                        let (w, h) = img.size;
                        if w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite() {
                            Ok(img)
                        } else {
                            Err("it has no size".to_string())
                        }
                    });
                let i = match decoded {
                    Ok(img) => {
                        self.images.push(img);
                        Some(self.images.len() - 1)
                    }
                    Err(why) => {
                        self.findings.undrawn.push(Undrawn {
                            span: span.clone(),
                            name: res.name.clone(),
                            why: why.clone(),
                        });
                        self.undrawable.insert(r, why);
                        None
                    }
                };
                self.decoded.insert(r, i);
                return i;
            }
        };
        // Every later use of a picture that cannot be drawn is a place its alt
        // text is printed: each is told.
        if let (None, Some(why)) = (index, self.undrawable.get(&r)) {
            self.findings.undrawn.push(Undrawn {
                span: span.clone(),
                name: res.name.clone(),
                why: why.clone(),
            });
        }
        index
    }

    /// Notes a raster picture printed `width` wide below `PRINT_PPI`.
    fn check_resolution(&mut self, book: &Book, r: usize, image: usize, span: &Span, width: Pt) {
        let img = &self.images[image];
        if !img.is_raster() || width <= 0.0 {
            return;
        }
        let ppi = img.width as f32 / (width / 72.0);
        if ppi < PRINT_PPI {
            self.findings.low_resolution.push(LowResolution {
                span: span.clone(),
                name: book.resources[r].name.clone(),
                pixels: (img.width, img.height),
                ppi,
            });
        }
    }

    /// The picture an inline image draws in a line of text, if it can be drawn.
    pub(super) fn inline_picture(&self, source: &ImageSource) -> Option<InlinePicture> {
        let ImageSource::Resource(r) = source else {
            return None;
        };
        let image = (*self.decoded.get(r)?)?;
        let img = &self.images[image];
        Some(InlinePicture {
            image,
            aspect: img.size.0 / img.size.1,
        })
    }

    /// A heading that is one picture alone (a README's banner, `<h1><img></h1>`)
    /// is a figure too, where links to the heading lead. Returns false when the
    /// heading is not one, or the picture cannot be drawn.
    pub(super) fn heading_figure(&mut self, book: &Book, h: &Heading, x: Pt) -> bool {
        if !matches!(h.content[..], [Inline::Image { .. }]) {
            return false;
        }
        self.flow.push(Flow::Anchor(self.part, Some(h.id.clone())));
        if self.figure(book, &h.content, x) {
            return true;
        }
        self.flow.pop();
        false
    }

    /// A paragraph that is one picture alone becomes a figure: at its size in
    /// print, scaled down to fit the measure and two thirds of the text block's
    /// height, centred, its title as caption. Returns false when the paragraph is
    /// not one, or the picture cannot be drawn.
    pub(super) fn figure(&mut self, book: &Book, inl: &[Inline], x: Pt) -> bool {
        let [Inline::Image {
            source: ImageSource::Resource(r),
            title,
            span,
            ..
        }] = inl
        else {
            return false;
        };
        let Some(image) = self.decoded.get(r).copied().flatten() else {
            return false;
        };
        let (w, h) = self.images[image].size;
        let measure = self.width - x;
        let scale = (measure / w)
            .min(self.text_height * FIGURE_HEIGHT / h)
            .min(1.0);
        let (w, h) = (w * scale, h * scale);
        self.check_resolution(book, *r, image, span, w);
        self.space(self.leading * 0.5);
        let left = self.left_edge(x, measure);
        self.flow.push(Flow::Image {
            image,
            x: left + (measure - w) / 2.0,
            width: w,
            height: h,
        });
        if !title.is_empty() {
            let runs = vec![Run {
                text: title.clone(),
                style: self.style(Style::Italic, self.size * NOTE_SCALE),
                sources: Vec::new(),
            }];
            let lines = self.set(&runs, self.plain(measure, Align::Center));
            self.push_lines(lines, left, self.leading, false);
        }
        self.space(self.leading * 0.5);
        self.flush = true;
        true
    }
}

/// The warnings about pictures: each one that cannot be drawn (W0112) or prints
/// below `PRINT_PPI` (W0138) at the place it is used, `EACH_WARNED` of a kind,
/// then one that counts the rest.
pub(super) fn diagnostics(undrawn: &[Undrawn], low: &[LowResolution]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for u in undrawn.iter().take(EACH_WARNED) {
        out.push(
            Diagnostic::warning(
                Code::W0112,
                format!("picture `{}` is printed as its alt text: {}", u.name, u.why),
            )
            .at(u.span.clone()),
        );
    }
    if undrawn.len() > EACH_WARNED {
        let rest = &undrawn[EACH_WARNED..];
        out.push(
            Diagnostic::warning(
                Code::W0112,
                format!(
                    "{} more uses of pictures the print edition cannot draw are printed as their alt text",
                    rest.len()
                ),
            )
            .at(rest[0].span.clone())
            .label("the first of them"),
        );
    }
    for l in low.iter().take(EACH_WARNED) {
        out.push(
            Diagnostic::warning(
                Code::W0138,
                format!(
                    "picture `{}` ({} × {} pixels) prints at {:.0} ppi, below the {PRINT_PPI:.0} ppi print services ask for",
                    l.name, l.pixels.0, l.pixels.1, l.ppi
                ),
            )
            .at(l.span.clone())
            .hint("use a larger picture, or a drawing (SVG)"),
        );
    }
    if low.len() > EACH_WARNED {
        let rest = &low[EACH_WARNED..];
        let lowest = rest.iter().map(|l| l.ppi).fold(f32::INFINITY, f32::min);
        out.push(
            Diagnostic::warning(
                Code::W0138,
                format!(
                    "{} more pictures print below {PRINT_PPI:.0} ppi (the lowest at {lowest:.0} ppi)",
                    rest.len()
                ),
            )
            .at(rest[0].span.clone())
            .label("the first of them"),
        );
    }
    out
}
