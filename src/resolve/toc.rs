//! The table of contents, built once: each part in the TOC, then its top-level
//! sections (`##`, and any further `#` headings). Both editions render this list.
//!
//! Reads the resolved parts; writes nothing else.

use crate::model::{Block, Inline, Part, TocEntry};

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
        for b in &p.blocks {
            if let Block::Heading(h) = b {
                // A heading without text (an image, or nothing) has no TOC line.
                if h.level <= 2 && !Inline::plain_text(&h.content).trim().is_empty() {
                    toc.push(TocEntry {
                        title: collapse(&Inline::plain_text(&h.content)),
                        level: 2,
                        part: i,
                        anchor: Some(h.id.clone()),
                    });
                }
            }
        }
    }
    toc
}

/// Single spaces, no line breaks: titles are one line in every TOC.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
