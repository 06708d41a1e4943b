//! One long file (a manual, a thesis) becomes a chapter at each of its top-level
//! (`#`) headings, as pandoc's EPUB writer splits a document (`split-level` 1).
//! Done for a book of one file with several `#` headings.
//!
//! Runs after links are resolved, so a link within the file found its heading by
//! the file's own ids; here each internal link is moved to the new part that
//! holds its target, and each new part's notes are numbered again.

use std::collections::{HashMap, HashSet};

use crate::diag::Diagnostic;
use crate::model::{Block, Footnote, Inline, LinkTarget, Part, PartKind, Role};

use super::notes;
use super::parts::{empty_part, heading_title, Draft};

/// Splits the part `d.split` names, if it has a `#` heading among its blocks.
pub fn split(d: &mut Draft, diags: &mut Vec<Diagnostic>) {
    let Some((k, opening_from_file)) = d.split else {
        return;
    };
    let old = &d.parts[k];
    let cuts: Vec<usize> = old
        .blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| matches!(b, Block::Heading(h) if h.level == 1))
        .map(|(i, _)| i)
        .collect();
    if cuts.is_empty() {
        return;
    }
    let mut whole = d.parts[k].clone();
    // References by label again (resolve numbered them), to be numbered anew in
    // each new part.
    let labels: Vec<String> = whole.footnotes.iter().map(|f| f.label.clone()).collect();
    whole.for_each_inlines_mut(&mut |v| {
        for i in v.iter_mut() {
            if let Inline::FootnoteRef { number, id } = i {
                if let Some(label) = labels.get(number.wrapping_sub(1)) {
                    *id = label.clone();
                    *number = 0;
                }
            }
        }
    });
    let mut new_parts = Vec::new();
    let mut blocks = std::mem::take(&mut whole.blocks);
    let mut rest = blocks.split_off(cuts[0]);
    let opening_has_text = blocks.iter().any(has_text);
    if opening_from_file || opening_has_text {
        new_parts.push(Part {
            blocks,
            footnotes: Vec::new(),
            ..whole.clone()
        });
    }
    while !rest.is_empty() {
        let next = rest
            .iter()
            .skip(1)
            .position(|b| matches!(b, Block::Heading(h) if h.level == 1))
            .map_or(rest.len(), |i| i + 1);
        let tail = rest.split_off(next);
        let mut chunk = std::mem::replace(&mut rest, tail);
        let Block::Heading(h) = chunk.remove(0) else {
            unreachable!("each chunk starts at a heading")
        };
        new_parts.push(Part {
            id: h.id.clone(),
            title: heading_title(&h),
            heading: Some(h),
            blocks: chunk,
            footnotes: Vec::new(),
            in_toc: true,
            ..whole.clone()
        });
    }
    // Each new part takes the notes its text refers to (and the notes those refer
    // to), and numbers them again.
    for p in &mut new_parts {
        p.footnotes = notes_of(p, &whole.footnotes);
    }
    // Where each id now is.
    let count = new_parts.len();
    let mut home: HashMap<String, usize> = HashMap::new();
    for (n, p) in new_parts.iter().enumerate().rev() {
        for id in ids_in(p) {
            home.insert(id, k + n);
        }
    }
    d.parts.splice(k..k + 1, new_parts);
    d.rel_paths
        .splice(k..k + 1, std::iter::repeat_n(d.rel_paths[k].clone(), count));
    let anchors = d.anchors.remove(k);
    for _ in 0..count {
        d.anchors.insert(k, anchors.clone());
    }
    for p in d.parts.iter_mut() {
        p.for_each_inlines_mut(&mut |v| {
            for i in v.iter_mut() {
                if let Inline::Link {
                    target: LinkTarget::Internal { part, anchor },
                    ..
                } = i
                {
                    if *part > k {
                        *part += count - 1;
                    } else if *part == k {
                        *part = anchor
                            .as_ref()
                            .and_then(|a| home.get(a))
                            .copied()
                            .unwrap_or(k);
                    }
                }
            }
        });
    }
    notes::number(&mut d.parts[k..k + count], diags);
}

/// The definitions `p` refers to, and those they refer to, in `all`.
fn notes_of(p: &Part, all: &[Footnote]) -> Vec<Footnote> {
    let mut wanted: HashSet<String> = HashSet::new();
    p.for_each_inline(&mut |i| {
        if let Inline::FootnoteRef { id, .. } = i {
            wanted.insert(id.clone());
        }
    });
    loop {
        let before = wanted.len();
        let mut more = Vec::new();
        for f in all.iter().filter(|f| wanted.contains(&f.label)) {
            holding(f.blocks.clone()).for_each_inline(&mut |i| {
                if let Inline::FootnoteRef { id, .. } = i {
                    more.push(id.clone());
                }
            });
        }
        wanted.extend(more);
        if wanted.len() == before {
            break;
        }
    }
    all.iter()
        .filter(|f| wanted.contains(&f.label))
        .cloned()
        .collect()
}

/// Every id a link can target in a part.
fn ids_in(p: &Part) -> Vec<String> {
    let mut ids = vec![p.id.clone()];
    ids.extend(p.heading.as_ref().map(|h| h.id.clone()));
    p.for_each_block(&mut |b| match b {
        Block::Heading(h) => ids.push(h.id.clone()),
        Block::Element(e) => ids.extend(e.attrs.id.clone()),
        Block::References(rs) => ids.extend(rs.iter().map(|r| r.id.clone())),
        _ => {}
    });
    p.for_each_inline(&mut |i| {
        if let Inline::Span { attrs, .. } = i {
            ids.extend(attrs.id.clone());
        }
    });
    ids
}

/// A part holding `blocks`, for the walk.
fn holding(blocks: Vec<Block>) -> Part {
    Part {
        blocks,
        ..empty_part(PartKind::Chapter, Role::Chapter, "", "", false)
    }
}

fn has_text(b: &Block) -> bool {
    let mut any = false;
    holding(vec![b.clone()])
        .for_each_text_run(&mut |v| any |= !Inline::plain_text(v).trim().is_empty());
    any || matches!(b, Block::Code { .. } | Block::Table { .. })
}
