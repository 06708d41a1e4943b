//! The table of contents, built once: each part in the TOC at its level (a
//! division's chapters and an mdBook's sub-chapters one deeper), then, unless the
//! book's contents is its SUMMARY.md, its top-level sections (`##`, and any
//! further `#` headings), also inside raw HTML containers (`<div>` around the
//! chapter), not inside quotes, lists or notes. No entry is more than one level
//! deeper than the one before it. Both editions render this list.
//!
//! Reads the resolved parts; writes nothing else.

use crate::model::walk::{walk_blocks, Visit};
use crate::model::{Block, Inline, Part, TocEntry};

/// The sections of one part, for the contents.
struct Sections<'t> {
    part: usize,
    level: u8,
    toc: &'t mut Vec<TocEntry>,
}

impl<'a> Visit<'a> for Sections<'_> {
    fn block(&mut self, b: &'a Block) -> bool {
        match b {
            Block::Heading(h) => {
                // A heading without text (an image, or nothing) has no TOC line.
                let title = collapse(&Inline::plain_text(&h.content));
                // pandoc's `.unlisted` keeps a heading out of the contents.
                let unlisted = h.classes.iter().any(|c| c == "unlisted");
                if h.level <= 2 && !title.is_empty() && !unlisted {
                    self.toc.push(TocEntry {
                        title,
                        level: self.level,
                        part: self.part,
                        anchor: Some(h.id.clone()),
                    });
                }
                false
            }
            Block::Element(_) => true,
            _ => false,
        }
    }
}

pub fn build(parts: &[Part], sections: bool) -> Vec<TocEntry> {
    let mut toc: Vec<TocEntry> = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        if !p.in_toc {
            continue;
        }
        let level = p
            .level
            .clamp(1, toc.last().map_or(1, |e| e.level.saturating_add(1)));
        toc.push(TocEntry {
            title: p.title.clone(),
            level,
            part: i,
            anchor: None,
        });
        if sections {
            walk_blocks(
                &p.blocks,
                &mut Sections {
                    part: i,
                    level: level.saturating_add(1),
                    toc: &mut toc,
                },
            );
        }
    }
    toc
}

/// Single spaces, no line breaks: titles are one line in every TOC.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
