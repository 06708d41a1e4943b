//! Tables: columns share the measure, cells wrap, the header row is ruled off.

use super::{Builder, Flow};
use crate::model::Inline;
use crate::typeset::doc::Pt;
use crate::typeset::fonts::Style;
use crate::typeset::paragraph::{Align, Line, Spec};

impl Builder<'_, '_> {
    /// A simple table: columns share the width by their content, cells wrap.
    pub(super) fn table(&mut self, head: &[Vec<Inline>], rows: &[Vec<Vec<Inline>>], x: Pt) {
        let size = self.size * 0.9;
        let cols = head
            .len()
            .max(rows.iter().map(Vec::len).max().unwrap_or(0))
            .max(1);
        let gap = size;
        let measure = self.width - x;
        let avail = measure - gap * (cols as Pt - 1.0);
        let mut natural = vec![size; cols];
        for row in std::iter::once(head).chain(rows.iter().map(|r| r.as_slice())) {
            for (c, cell) in row.iter().enumerate() {
                let w = Inline::plain_text(cell).chars().count() as Pt * size * 0.5;
                natural[c] = natural[c].max(w.min(avail));
            }
        }
        let total: Pt = natural.iter().sum();
        let widths: Vec<Pt> = natural
            .iter()
            .map(|w| (w / total * avail).max(size * 2.0))
            .collect();
        self.space(self.leading * 0.5);
        let mut first = true;
        for row in std::iter::once(head).chain(rows.iter().map(|r| r.as_slice())) {
            if row.is_empty() {
                continue;
            }
            let st = if first && !head.is_empty() {
                Style::Bold
            } else {
                Style::Regular
            };
            let mut cell_lines: Vec<Vec<Line>> = Vec::new();
            for (c, cell) in row.iter().enumerate() {
                let runs = self.runs(cell, self.style(st, size));
                cell_lines.push(self.set(
                    &runs,
                    Spec {
                        hyphenate: true,
                        ..self.plain(widths[c], Align::Left)
                    },
                ));
            }
            let n = cell_lines.iter().map(Vec::len).max().unwrap_or(0).max(1);
            let mut merged = Vec::with_capacity(n);
            for i in 0..n {
                let mut line = Line {
                    max_size: size,
                    ..Line::default()
                };
                // Each cell's left edge: the first column on the left, or on the
                // right in right-to-left text.
                let mut cx = 0.0;
                let mut right = measure;
                for (c, lines) in cell_lines.iter().enumerate() {
                    let at = if self.rtl { right - widths[c] } else { cx };
                    if let Some(l) = lines.get(i) {
                        for p in &l.pieces {
                            let mut p = p.clone();
                            p.x += at;
                            line.pieces.push(p);
                        }
                    }
                    cx += widths[c] + gap;
                    right -= widths[c] + gap;
                }
                merged.push(line);
            }
            let left = self.left_edge(x, measure);
            self.push_lines(merged, left, self.leading, false);
            if first && !head.is_empty() {
                self.flow.push(Flow::Rule {
                    width: self.width - x,
                });
            }
            first = false;
        }
        self.space(self.leading * 0.5);
        self.flush = true;
    }
}
