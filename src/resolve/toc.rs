//! The table of contents, built once: each part in the TOC, then its top-level
//! sections (`##`, and any further `#` headings), also inside raw HTML containers
//! (`<div>` around the chapter), not inside quotes, lists or notes. Both editions
//! render this list.
//!
//! Reads the resolved parts; writes nothing else.

use crate::model::walk::{walk_blocks, Visit};
use crate::model::{Block, Inline, Part, TocEntry};

/// The sections of one part, for the contents.
struct Sections<'t> {
    part: usize,
    toc: &'t mut Vec<TocEntry>,
}

impl<'a> Visit<'a> for Sections<'_> {
    fn block(&mut self, b: &'a Block) -> bool {
        match b {
            Block::Heading(h) => {
                // A heading without text (an image, or nothing) has no TOC line.
                let title = collapse(&Inline::plain_text(&h.content));
                if h.level <= 2 && !title.is_empty() {
                    self.toc.push(TocEntry {
                        title,
                        level: 2,
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

pub fn build(parts: &[Part]) -> Vec<TocEntry> {
    let mut toc = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        if !p.in_toc {
            continue;
        }
        toc.push(TocEntry {
            title: p.title.clone(),
            level: 1,
            part: i,
            anchor: None,
        });
        walk_blocks(
            &p.blocks,
            &mut Sections {
                part: i,
                toc: &mut toc,
            },
        );
    }
    toc
}

/// Single spaces, no line breaks: titles are one line in every TOC.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
