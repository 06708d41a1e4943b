//! Figures: a paragraph that is one picture alone, scaled into the text block.

use super::{Builder, Flow, NOTE_SCALE};
use crate::model::{Book, Inline};
use crate::typeset::doc::Pt;
use crate::typeset::fonts::Style;
use crate::typeset::paragraph::{Align, Run};

impl Builder<'_, '_> {
    /// A paragraph that is one image alone becomes a figure: scaled to fit the
    /// measure (and two thirds of the page height), centred, its title as caption.
    /// Returns false when the paragraph is not one, or the image cannot be drawn.
    pub(super) fn figure(&mut self, book: &Book, inl: &[Inline], x: Pt) -> bool {
        let [Inline::Image {
            source: crate::model::ImageSource::Resource(r),
            title,
            ..
        }] = inl
        else {
            return false;
        };
        let r = *r;
        let index = match self.decoded.get(&r) {
            Some(i) => *i,
            None => {
                let res = &book.resources[r];
                let i = match crate::typeset::image::decode(&res.data, res.media_type) {
                    Ok(img) => {
                        self.images.push(img);
                        Some(self.images.len() - 1)
                    }
                    Err(why) => {
                        self.findings.undrawn.push((res.name.clone(), why));
                        None
                    }
                };
                self.decoded.insert(r, i);
                i
            }
        };
        let Some(image) = index else {
            return false;
        };
        let (pw, ph) = (
            self.images[image].width as Pt,
            self.images[image].height as Pt,
        );
        // Pixels at 150 dpi, then no wider than the measure nor taller than 2/3 page.
        let measure = self.width - x;
        let mut w = pw * 72.0 / 150.0;
        let mut h = ph * 72.0 / 150.0;
        let scale = (measure / w).min(self.text_height * 2.0 / 3.0 / h).min(1.0);
        w *= scale;
        h *= scale;
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
            }];
            let lines = self.set(&runs, self.plain(measure, Align::Center));
            self.push_lines(lines, left, self.leading, false);
        }
        self.space(self.leading * 0.5);
        self.flush = true;
        true
    }
}
