//! Ids: every part and heading gets an id unique across the book, so that links,
//! the table of contents and both editions agree on targets.
//!
//! Explicit `{#id}` ids are kept (two of the same are an error naming both);
//! generated ones are slugs of the text, numbered on collision. Each part also
//! gets its headings' names by the author's tools' rules (`anchors`), for links.

use std::collections::HashMap;

use crate::diag::{Code, Diagnostic, Span};
use crate::model::{Block, Heading, Inline, Part, PartKind};

use super::anchors::{Anchors, HeadingName};
use super::parts::Draft;

/// The names of the content documents every EPUB holds besides the parts (the
/// cover page, the navigation document, the contents page, epub-builder's
/// inline table of contents), which a part's file must not take.
const EPUB_FILE_STEMS: [&str; 4] = ["cover", "nav", "contents", "toc"];

/// Gives every part and every heading (in any block, note or raw HTML container)
/// its id: explicit ones first, then ids written in raw HTML are kept free, then
/// the generated ones in reading order.
pub fn assign(d: &mut Draft, html_ids: &[String], diags: &mut Vec<Diagnostic>) -> Ids {
    let mut ids = Ids::default();
    for (id, span) in &d.explicit {
        ids.explicit(id, span.clone(), diags);
    }
    for id in html_ids {
        ids.reserve(id);
    }
    for (p, anchors) in d.parts.iter_mut().zip(d.anchors.iter_mut()) {
        // The ids the author wrote, in reading order, before any is generated.
        let mut written: Vec<Option<String>> = Vec::new();
        let from_source = p.heading.is_some();
        if let Some(h) = &p.heading {
            written.push(Some(h.id.clone()).filter(|id| !id.is_empty()));
        }
        p.for_each_block(&mut |b| {
            if let Block::Heading(h) = b {
                written.push(Some(h.id.clone()).filter(|id| !id.is_empty()));
            }
        });
        // File names and ids must start with a letter: `01-intro` → `chapter-01-intro`;
        // and a part must not take the name of a file every EPUB has (a
        // chapter `cover.md` made a second `cover.xhtml`: the build failed).
        let base = if p.id.starts_with(|c: char| c.is_ascii_digit())
            || EPUB_FILE_STEMS.contains(&p.id.as_str())
        {
            let kind = match p.kind {
                PartKind::Front => "front",
                PartKind::Chapter => "chapter",
                PartKind::Back => "back",
            };
            format!("{kind}-{}", p.id)
        } else {
            p.id.clone()
        };
        p.id = ids.fresh(&base, "part");
        // A part in the contents without its own heading gets one made from its title.
        if p.heading.is_none() && p.in_toc {
            p.heading = Some(Heading {
                level: 1,
                id: String::new(),
                content: vec![Inline::Text(p.title.clone())],
                classes: Vec::new(),
            });
        }
        // The part's opening heading shares the part's id: a link to the part and
        // to its heading lead to the same place.
        if let Some(h) = p.heading.as_mut().filter(|h| h.id.is_empty()) {
            h.id = p.id.clone();
        }
        p.for_each_block_mut(&mut |b| {
            if let Block::Heading(h) = b {
                if h.id.is_empty() {
                    h.id = ids.fresh(&Inline::plain_text(&h.content), "section");
                }
            }
        });
        *anchors = file_anchors(p, from_source, &written);
    }
    ids
}

/// The names the part's headings have in its file (see `anchors`), now that each
/// has its output id. `written` holds the ids the author gave, in reading order; a
/// heading made from the part's title has no names of its own.
fn file_anchors(p: &Part, from_source: bool, written: &[Option<String>]) -> Anchors {
    let mut headings: Vec<&Heading> = Vec::with_capacity(written.len());
    if let Some(h) = p.heading.as_ref().filter(|_| from_source) {
        headings.push(h);
    }
    p.for_each_block(&mut |b| {
        if let Block::Heading(h) = b {
            headings.push(h);
        }
    });
    let names: Vec<HeadingName> = headings
        .iter()
        .zip(written)
        .map(|(h, w)| HeadingName {
            content: &h.content,
            explicit: w.as_deref(),
            output: &h.id,
        })
        .collect();
    Anchors::of_file(&names)
}

/// Hands out unique ids.
#[derive(Default)]
pub struct Ids {
    taken: HashMap<String, Option<Span>>,
    /// Per base, the suffix to try first: the one after the last given. The same
    /// heading in a thousand chapters would otherwise try 2, 3, 4 … each time.
    next: HashMap<String, usize>,
}

impl Ids {
    /// Reserves an explicit id; a second use is an error naming both places.
    pub fn explicit(&mut self, id: &str, span: Span, diags: &mut Vec<Diagnostic>) {
        match self.taken.get(id) {
            Some(Some(first)) => diags.push(
                Diagnostic::error(Code::E0009, format!("duplicate heading id `{id}`"))
                    .at(span)
                    .label("used again here")
                    .related(first.clone(), "first used here")
                    .hint("give each heading its own `{#id}`"),
            ),
            _ => {
                self.taken.insert(id.to_string(), Some(span));
            }
        }
    }

    /// Marks an id as taken without claiming it (ids written in raw HTML): generated
    /// ids then avoid it. Raw HTML in two parts may repeat an id; each part is a file
    /// of its own in the EPUB.
    pub fn reserve(&mut self, id: &str) {
        self.taken.entry(id.to_string()).or_insert(None);
    }

    /// A fresh id from `text`: its slug, or the slug numbered `-2`, `-3`... if taken.
    pub fn fresh(&mut self, text: &str, fallback: &str) -> String {
        let base = slug(text);
        let base = if base.is_empty() {
            fallback.to_string()
        } else {
            base
        };
        let mut id = base.clone();
        if self.taken.contains_key(&id) {
            // Ids are only ever added, so no suffix below the last one given is free.
            let mut n = self.next.get(&base).copied().unwrap_or(2);
            loop {
                id = format!("{base}-{n}");
                n += 1;
                if !self.taken.contains_key(&id) {
                    break;
                }
            }
            self.next.insert(base, n);
        }
        self.taken.insert(id.clone(), None);
        id
    }
}

/// Lowercase letters, digits and single hyphens; starts with a letter (XML ids must).
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c == '\'' || c == '\u{2019}' {
            // "don't" → "dont"
        } else {
            dash = true;
        }
    }
    if out.chars().next().is_some_and(|c| !c.is_alphabetic()) {
        out.insert_str(0, "s-");
    }
    // Keep ids and file names short enough for every reading system.
    if out.len() > 60 {
        let mut cut = 60;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        while out.ends_with('-') {
            out.pop();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceId;

    #[test]
    fn slugs_are_xml_names() {
        assert_eq!(
            slug("#1 Learn about vaginismus"),
            "s-1-learn-about-vaginismus"
        );
        assert_eq!(slug("Don't believe the myths!"), "dont-believe-the-myths");
        assert_eq!(slug("Vaginismus: no blaming"), "vaginismus-no-blaming");
    }

    #[test]
    fn generated_ids_are_numbered_on_collision() {
        let mut ids = Ids::default();
        assert_eq!(ids.fresh("Notes", "h"), "notes");
        assert_eq!(ids.fresh("Notes", "h"), "notes-2");
        assert_eq!(ids.fresh("!!!", "h"), "h");
    }

    #[test]
    fn generated_ids_avoid_ids_reserved_by_raw_html() {
        let mut ids = Ids::default();
        ids.reserve("notes");
        assert_eq!(ids.fresh("Notes", "h"), "notes-2");
    }

    #[test]
    fn duplicate_explicit_ids_name_both_places() {
        let mut ids = Ids::default();
        let mut d = Vec::new();
        ids.explicit("x", Span::new(SourceId(0), 0..2), &mut d);
        ids.explicit("x", Span::new(SourceId(1), 5..7), &mut d);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].related.len(), 1);
        assert_eq!(d[0].related[0].0.source, SourceId(0));
    }
}
