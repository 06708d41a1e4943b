//! Step 1 of resolve: the parsed files become parts, with their titles, roles and
//! whether they are in the table of contents; the title page is generated when
//! the book has none.

use crate::diag::{Code, Diagnostic, Sources, Span};
use crate::load::Loaded;
use crate::model::{Block, Heading, Inline, Part, PartKind, Role};
use crate::parse::markdown::Parsed;

use super::anchors::Anchors;
use super::toc;

/// The parts on their way to the book, and what later steps need of their files.
pub struct Draft {
    pub parts: Vec<Part>,
    /// Each part's path relative to the book folder (empty for generated parts),
    /// for links between files.
    pub rel_paths: Vec<String>,
    /// Explicit ids (`{#id}`) with their places, for duplicate checks.
    pub explicit: Vec<(String, Span)>,
    /// Each part's heading names, by the author's tools' rules (filled by `ids`).
    pub anchors: Vec<Anchors>,
    /// The part of a one-file book to split at its `#` headings (see `split`),
    /// and whether its opening heading is the file's own.
    pub split: Option<(usize, bool)>,
    /// Parts whose title is their heading's text, set again once citations are
    /// formatted (`# On @knuth1984` is titled with the formatted citation).
    titled_by_heading: Vec<usize>,
}

impl Draft {
    /// Appends a generated part (no file) and returns its index.
    pub fn push_generated(&mut self, part: Part) -> usize {
        self.parts.push(part);
        self.rel_paths.push(String::new());
        self.anchors.push(Anchors::default());
        self.parts.len() - 1
    }
}

/// A part with nothing in it yet.
pub fn empty_part(kind: PartKind, role: Role, id: &str, title: &str, in_toc: bool) -> Part {
    Part {
        kind,
        role,
        id: id.into(),
        title: title.into(),
        heading: None,
        blocks: Vec::new(),
        footnotes: Vec::new(),
        in_toc,
        level: 1,
        language: None,
    }
}

/// Turns each loaded file's parse into a part.
pub fn assemble(
    loaded: &Loaded,
    parsed: Vec<Parsed>,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) -> Draft {
    let mut d = Draft {
        parts: Vec::with_capacity(parsed.len() + 2),
        rel_paths: Vec::with_capacity(parsed.len() + 2),
        explicit: Vec::new(),
        anchors: Vec::new(),
        split: None,
        titled_by_heading: Vec::new(),
    };
    if loaded.title_page && !loaded.parts.iter().any(|p| p.role == Role::TitlePage) {
        d.push_generated(empty_part(
            PartKind::Front,
            Role::TitlePage,
            "titlepage",
            "Title Page",
            false,
        ));
    }
    let mut divisions = loaded.divisions.iter().peekable();
    let mut in_division = false;
    for (i, (lp, parsed)) in loaded.parts.iter().zip(parsed).enumerate() {
        while let Some(div) = divisions.next_if(|div| div.before <= i) {
            push_division(&mut d, &div.title);
            in_division = true;
        }
        let Parsed {
            mut blocks,
            footnotes,
            explicit_ids,
            ..
        } = parsed;
        d.explicit.extend(explicit_ids);
        // A title from the file's metadata block is the part's heading; the
        // file's own headings are its sections.
        let heading = if lp.heading_from_title {
            None
        } else {
            opening_heading(&mut blocks)
        };
        let from_heading = heading
            .as_ref()
            .map(heading_title)
            .filter(|t| lp.title.is_none() && !t.is_empty());
        if from_heading.is_some() {
            d.titled_by_heading.push(d.parts.len());
        }
        let by_name = lp.title.is_none() && from_heading.is_none();
        let title = lp
            .title
            .clone()
            .or(from_heading)
            .unwrap_or_else(|| title_from_stem(&lp.stem));
        let path = sources.path(lp.source);
        if blocks.is_empty() && heading.is_none() {
            diags.push(
                Diagnostic::warning(Code::W0101, format!("`{}` is empty", path.display()))
                    .in_file(path),
            );
        }
        let opening_from_file = heading.is_some();
        let unlisted = heading
            .as_ref()
            .is_some_and(|h| h.classes.iter().any(|c| c == "unlisted"));
        let in_toc = !unlisted
            && match lp.role {
                Role::TitlePage | Role::Epigraph | Role::Dedication | Role::Copyright => {
                    heading.is_some()
                }
                _ => true,
            };
        if by_name && in_toc && !blocks.is_empty() {
            diags.push(
                Diagnostic::warning(
                    Code::W0135,
                    format!(
                        "`{}` has no heading: it is titled `{title}` by its file name",
                        path.display()
                    ),
                )
                .at(Span::new(lp.source, 0..0))
                .hint("begin it with a `# ` heading, or give it a title where it is listed"),
            );
        }
        d.parts.push(Part {
            kind: lp.kind,
            role: lp.role,
            id: lp.stem.clone(),
            title,
            heading,
            blocks,
            footnotes,
            in_toc,
            level: 1 + lp.depth + u8::from(in_division && lp.kind == PartKind::Chapter),
            language: lp.language.clone(),
        });
        d.rel_paths.push(lp.rel_path.clone());
        d.anchors.push(Anchors::default());
        // A book of one file is split at its `#` headings, as pandoc splits one.
        if loaded.parts.len() == 1 && lp.kind == PartKind::Chapter {
            d.split = Some((d.parts.len() - 1, opening_from_file));
        }
    }
    for div in divisions {
        push_division(&mut d, &div.title);
    }
    order_front_matter(&mut d);
    d
}

/// Where a front part goes, as books order them: title page, disclaimer (set
/// where a reader cannot miss it), copyright, dedication, epigraph; then the
/// contents; then foreword, preface, introduction and the rest, as listed.
pub fn front_rank(role: Role) -> u8 {
    match role {
        Role::TitlePage => 0,
        Role::Disclaimer => 1,
        Role::Copyright => 2,
        Role::Dedication => 3,
        Role::Epigraph => 4,
        _ => 5,
    }
}

/// The contents page goes before the first part that is neither one of the
/// opening pages of the front matter (`front_rank` below 5) nor front matter.
pub fn contents_at(parts: &[Part]) -> usize {
    parts
        .iter()
        .position(|p| p.kind != PartKind::Front || front_rank(p.role) >= 5)
        .unwrap_or(parts.len())
}

/// Puts the front matter (the parts before the first that is not front matter)
/// in the order of `front_rank`, each rank in the order listed.
fn order_front_matter(d: &mut Draft) {
    let n = d
        .parts
        .iter()
        .position(|p| p.kind != PartKind::Front)
        .unwrap_or(d.parts.len());
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| front_rank(d.parts[i].role));
    if order.iter().enumerate().all(|(k, &i)| k == i) {
        return;
    }
    // Where each old index went.
    let mut new_of = vec![0; n];
    for (k, &i) in order.iter().enumerate() {
        new_of[i] = k;
    }
    permute(&mut d.parts, &order);
    permute(&mut d.rel_paths, &order);
    permute(&mut d.anchors, &order);
    for i in d.titled_by_heading.iter_mut().filter(|i| **i < n) {
        *i = new_of[*i];
    }
}

/// A part that is only a title opening a division of the book.
fn push_division(d: &mut Draft, title: &str) {
    let slug = super::ids::slug(title);
    let id = if slug.is_empty() {
        "part".to_string()
    } else {
        format!("part-{slug}")
    };
    d.push_generated(empty_part(
        PartKind::Chapter,
        Role::Division,
        &id,
        title,
        true,
    ));
}

/// Reorders the first `order.len()` items of `v`: item `order[k]` goes to `k`.
fn permute<T>(v: &mut Vec<T>, order: &[usize]) {
    let mut taken: Vec<Option<T>> = v.drain(..order.len()).map(Some).collect();
    let front: Vec<T> = order
        .iter()
        .map(|&i| taken[i].take().expect("each index once"))
        .collect();
    v.splice(0..0, front);
}

/// The part's opening heading: its first heading, when nothing with text comes
/// before it (a comment, an anchor `<a id>` or an empty element may) and no
/// heading of the file is above it (a file of `## Part I` and `### I` opens with
/// `Part I`; one of `### I` alone with `I`).
fn opening_heading(blocks: &mut Vec<Block>) -> Option<Heading> {
    let k = blocks.iter().position(|b| !is_textless(b))?;
    let Block::Heading(first) = &blocks[k] else {
        return None;
    };
    let top = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading(h) => Some(h.level),
            _ => None,
        })
        .min()?;
    if first.level > top {
        return None;
    }
    match blocks.remove(k) {
        Block::Heading(h) => Some(h),
        _ => None,
    }
}

/// A block that shows no text: an empty paragraph or raw HTML element (an
/// anchor, a comment's leftovers).
fn is_textless(b: &Block) -> bool {
    match b {
        Block::Paragraph(inl) => {
            Inline::plain_text(inl).trim().is_empty()
                && !inl.iter().any(|i| matches!(i, Inline::Image { .. }))
        }
        Block::Element(e) => e.blocks.iter().all(is_textless),
        _ => false,
    }
}

/// Titles parts by their headings again, now that citations are formatted.
pub fn retitle(d: &mut Draft) {
    for &i in &d.titled_by_heading {
        let p = &mut d.parts[i];
        if let Some(t) = p
            .heading
            .as_ref()
            .map(heading_title)
            .filter(|t| !t.is_empty())
        {
            p.title = t;
        }
    }
}

/// A heading's text as a one-line title (a note's number is no part of it).
pub fn heading_title(h: &Heading) -> String {
    toc::collapse(&Inline::plain_text(&h.content))
}

/// `03-tip-01-learn` → `Tip 01 learn`.
fn title_from_stem(stem: &str) -> String {
    let s =
        stem.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_' || c == ' ');
    let s = if s.is_empty() { stem } else { s };
    let words: String = s.replace(['-', '_'], " ");
    let mut c = words.trim().chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => stem.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_file_names_drop_the_number() {
        assert_eq!(title_from_stem("03-tip-01-learn"), "Tip 01 learn");
        assert_eq!(title_from_stem("introduction"), "Introduction");
        assert_eq!(title_from_stem("2024"), "2024");
    }
}
