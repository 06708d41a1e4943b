//! Footnotes in print: set as notes at the end of their chapter.

use super::{Builder, Flow, NOTE_SCALE};
use crate::model::{Book, Part};
use crate::typeset::fonts::Style;
use crate::typeset::paragraph::{Align, Run};

impl Builder<'_, '_> {
    /// Footnotes as notes at the end of their chapter.
    pub(super) fn footnotes(&mut self, book: &Book, p: &Part) {
        if p.footnotes.is_empty() {
            return;
        }
        self.space(self.leading);
        self.flow.push(Flow::Rule {
            width: self.width * 0.3,
        });
        let ns = self.size * NOTE_SCALE;
        let saved = self.size;
        self.size = ns;
        for (k, f) in p.footnotes.iter().enumerate() {
            self.flow.push(Flow::Anchor(self.part, Some(f.id.clone())));
            let first = self.flow.len();
            self.flush = true;
            self.blocks_in(book, &f.blocks, ns * 1.5);
            let num = vec![Run {
                text: format!("{}.", k + 1),
                style: self.style(Style::Regular, ns),
            }];
            // The number in the indent at the start side: left, or right in
            // right-to-left text.
            let m = self.set(&num, self.plain(ns * 1.5, Align::Left));
            let at = self.left_edge(0.0, ns * 1.5);
            let rtl = self.rtl;
            if let Some(ml) = m.into_iter().next() {
                if let Some(Flow::Line { line, x: lx, .. }) = self.flow[first..]
                    .iter_mut()
                    .find(|f| matches!(f, Flow::Line { .. }))
                {
                    for mut piece in ml.pieces {
                        if rtl {
                            piece.x += at - *lx;
                        } else {
                            piece.x -= ns * 1.5;
                        }
                        line.pieces.insert(0, piece);
                    }
                }
            }
        }
        self.size = saved;
    }
}
