//! Footnotes in print: each set smaller with its number hanging in the indent, then
//! either bracketed for the foot of the page that cites it (`pdf.notes: foot`, the
//! default: `paginate` takes the bracketed items out of the text and sets them at the
//! foot) or set as notes at the end of their chapter under a short rule.

use super::{Builder, Flow, CHAPTER_TITLE_SCALE, NOTE_SCALE};
use crate::model::{Book, NotesAt, Part};
use crate::typeset::fonts::Style;
use crate::typeset::paragraph::{Align, Run};

impl Builder<'_, '_> {
    /// `pdf.notes: book`: every part's notes at the end of the book, after a page
    /// headed "Notes", each part's under its title. Part `after` (the last) carries
    /// the pages.
    pub fn book_notes(&mut self, book: &Book, after: usize) {
        if book.parts.iter().all(|p| p.footnotes.is_empty()) {
            return;
        }
        self.notes_at = NotesAt::Book;
        self.rtl = crate::model::right_to_left(&book.meta.language);
        self.flow.push(Flow::Opening {
            part: after,
            recto: false,
            sink: Some(self.text_height / 4.0),
            running_heads: false,
            folio: true,
        });
        let size = self.size * CHAPTER_TITLE_SCALE;
        let title = book.labels.notes.clone();
        self.centred(&title, Style::HeadingRegular, size, size * 1.3, true);
        self.space(self.leading * 2.0);
        for (i, p) in book.parts.iter().enumerate() {
            if p.footnotes.is_empty() {
                continue;
            }
            self.part = i;
            self.note_count = p.footnotes.len();
            self.rtl = super::part_is_rtl(book, i);
            let runs = vec![Run {
                text: p.title.clone(),
                style: self.style(Style::HeadingBold, self.size),
                sources: Vec::new(),
            }];
            let measure = self.width;
            self.space(self.leading);
            let lines = self.set(&runs, self.plain(measure, Align::Left));
            let left = self.left_edge(0.0, measure);
            self.after_heading = true;
            self.push_lines(lines, left, self.leading, true);
            self.space(self.leading * 0.5);
            self.footnotes(book, p);
        }
    }

    /// A part's footnotes: at the foot of their pages, or at the end of the part.
    pub(super) fn footnotes(&mut self, book: &Book, p: &Part) {
        if p.footnotes.is_empty() {
            return;
        }
        let foot = self.notes_at == NotesAt::Foot;
        if self.notes_at == NotesAt::Chapter {
            self.space(self.leading);
            self.flow.push(Flow::Rule {
                width: self.width * 0.3,
            });
        }
        let ns = self.size * NOTE_SCALE;
        let (saved, leading) = (self.size, self.leading);
        self.size = ns;
        self.in_note = true;
        if foot {
            // Notes at the foot are set solid-ish, on a leading in proportion to
            // their size, as print books set them.
            self.leading = leading * NOTE_SCALE;
        }
        for (k, f) in p.footnotes.iter().enumerate() {
            if foot {
                self.flow.push(Flow::NoteStart {
                    part: self.part,
                    number: k + 1,
                });
            }
            self.flow.push(Flow::Anchor(self.part, Some(f.id.clone())));
            let first = self.flow.len();
            self.flush = true;
            self.blocks_in(book, &f.blocks, ns * 1.5);
            let num = vec![Run {
                text: format!("{}.", k + 1),
                style: self.style(Style::Regular, ns),
                sources: Vec::new(),
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
            if foot {
                // Paragraph spacing after a note's last block is the notes' own gap.
                while matches!(self.flow.last(), Some(Flow::Space(_))) {
                    self.flow.pop();
                }
                self.flow.push(Flow::NoteEnd);
            }
        }
        self.size = saved;
        self.leading = leading;
        self.in_note = false;
    }
}
