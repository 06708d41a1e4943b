//! mdBook's `SUMMARY.md`: the book's order, titles and nesting, read as mdBook
//! reads it (its guide, "SUMMARY.md"):
//!
//! - an optional first heading (`# Summary`), ignored;
//! - prefix chapters: links before the first list, front matter;
//! - part titles: `# Title` headings after it, each a division of the book;
//! - numbered chapters: list items whose first link is the chapter, nested lists
//!   its sub-chapters; a link with no target is a draft (left out);
//! - suffix chapters: links after the last list, back matter;
//! - separators (`---`) are ignored.
//!
//! Written by hand over pulldown-cmark's events: mdBook's own parser is part of
//! its library, which bookbind does not depend on.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// One line of the summary that makes a part of the book.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Item {
    /// A chapter: its title, its path as written (empty for a draft), how deep it
    /// is nested (0 at the top), and where its link is in SUMMARY.md.
    Chapter {
        section: Section,
        title: String,
        path: String,
        depth: u8,
        at: std::ops::Range<usize>,
    },
    /// A part title (`# Part I`).
    Division {
        title: String,
        at: std::ops::Range<usize>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Section {
    Prefix,
    Numbered,
    Suffix,
}

/// The items of a summary, in order.
pub(super) fn read(text: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    // Per open list item: whether its chapter link has been seen.
    let mut item_linked: Vec<bool> = Vec::new();
    let mut seen_anything = false;
    let mut seen_list = false;
    // The link or heading being read: its text, target and place.
    let mut link: Option<(String, String, std::ops::Range<usize>, bool)> = None;
    let mut heading: Option<(String, std::ops::Range<usize>)> = None;
    for (event, range) in Parser::new_ext(text, Options::empty()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some((String::new(), range)),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((title, at)) = heading.take() {
                    // The first heading, before any chapter, is the summary's own title.
                    if seen_anything {
                        items.push(Item::Division {
                            title: collapse(&title),
                            at,
                        });
                    }
                    seen_anything = true;
                }
            }
            Event::Start(Tag::List(_)) => {
                depth += 1;
                seen_list = true;
                seen_anything = true;
            }
            Event::End(TagEnd::List(_)) => depth = depth.saturating_sub(1),
            Event::Start(Tag::Item) => item_linked.push(false),
            Event::End(TagEnd::Item) => {
                item_linked.pop();
            }
            Event::Start(Tag::Link { dest_url, .. }) if heading.is_none() => {
                // In a list, only an item's first link is its chapter.
                let counts = depth == 0 || item_linked.last() == Some(&false);
                if let Some(l) = item_linked.last_mut() {
                    *l = true;
                }
                link = Some((String::new(), dest_url.to_string(), range, counts));
            }
            Event::End(TagEnd::Link) => {
                if let Some((title, path, at, counts)) = link.take() {
                    if counts {
                        let section = if depth > 0 {
                            Section::Numbered
                        } else if seen_list {
                            Section::Suffix
                        } else {
                            Section::Prefix
                        };
                        items.push(Item::Chapter {
                            section,
                            title: collapse(&title),
                            path,
                            depth: depth.saturating_sub(1).min(u8::MAX as usize) as u8,
                            at,
                        });
                        seen_anything = true;
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((title, ..)) = link.as_mut() {
                    title.push_str(&t);
                } else if let Some((title, _)) = heading.as_mut() {
                    title.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((title, ..)) = link.as_mut() {
                    title.push(' ');
                } else if let Some((title, _)) = heading.as_mut() {
                    title.push(' ');
                }
            }
            _ => {}
        }
    }
    items
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> Vec<String> {
        read(text)
            .into_iter()
            .map(|i| match i {
                Item::Chapter {
                    section,
                    title,
                    path,
                    depth,
                    ..
                } => format!("{section:?} {depth} {title} ({path})"),
                Item::Division { title, .. } => format!("part {title}"),
            })
            .collect()
    }

    #[test]
    fn a_summary_reads_as_mdbook_reads_it() {
        let s = "# Summary\n\n[Intro](intro.md)\n[About](about.md)\n\n---\n\n# Part One\n\n\
                 - [First `code`](a.md)\n  - [Nested](a/b.md)\n    - [Deeper](a/b/c.md)\n\
                 - [Draft]()\n  - [Under a draft](d.md)\n- [Two](two.md) and [not a chapter](x.md)\n\n\
                 # Part Two\n\n1. [Three](three.md)\n\n---\n\n[Contributors](contributors.md)\n";
        assert_eq!(
            shown(s),
            [
                "Prefix 0 Intro (intro.md)",
                "Prefix 0 About (about.md)",
                "part Part One",
                "Numbered 0 First code (a.md)",
                "Numbered 1 Nested (a/b.md)",
                "Numbered 2 Deeper (a/b/c.md)",
                "Numbered 0 Draft ()",
                "Numbered 1 Under a draft (d.md)",
                "Numbered 0 Two (two.md)",
                "part Part Two",
                "Numbered 0 Three (three.md)",
                "Suffix 0 Contributors (contributors.md)",
            ]
        );
    }

    #[test]
    fn a_summary_without_its_own_title_keeps_its_first_part_title() {
        assert_eq!(
            shown("- [A](a.md)\n\n# Part\n\n- [B](b.md)\n"),
            ["Numbered 0 A (a.md)", "part Part", "Numbered 0 B (b.md)"]
        );
    }
}
