//! Anchors: the names a file's headings answer to in links, as the author's own
//! tool makes them, so that `other.md#frag` and `#frag` find their heading.
//!
//! bookbind's output ids stay as `ids` makes them (unique across the book); each
//! heading also gets, within its file, its explicit `{#id}`, its GitHub slug (also
//! mdBook's, GitBook's, VitePress's and pandoc's `gfm_auto_identifiers`), its
//! mdBook slug and its pandoc slug (`auto_identifiers`), each numbered among the
//! file's headings by that tool's rule. Knows nothing of links or output formats.
//!
//! The rules, read from each tool's documentation and source:
//! - GitHub (html-pipeline's table of contents, github-slugger): the text,
//!   lowercased; every character that is not a letter, mark, number, `_`, `-` or a
//!   space removed (so emoji and punctuation go); each space becomes `-`. The
//!   second `Foo` of a file is `foo-1`, the third `foo-2`. A picture in the
//!   heading adds nothing (its alt text is no text of the page), and the space
//!   after it stays: `## ![✔] 1.1 Title` is `#-11-title`.
//! - mdBook (`id_from_content`, `unique_id`): the text trimmed and lowercased;
//!   letters and numbers, `_` and `-` kept, each whitespace character becomes `-`,
//!   the rest removed; empty is `section`; numbered `-1`, `-2` among generated
//!   ids. Headings with an `{#id}` keep it.
//! - pandoc (`auto_identifiers`): the text, lowercased; everything but letters,
//!   numbers, spaces, `_`, `-` and `.` removed; words joined by one `-`;
//!   everything up to the first letter removed; empty is `section`; numbered `-1`,
//!   `-2` among the headings' ids before it, explicit ones included.
//!
//! pulldown-cmark's smart punctuation has turned `--` into `–` and `---` into `—`
//! in the model; GitHub and mdBook saw the hyphens, pandoc (smart by default) the
//! dashes. Both readings are kept when they differ.

use std::collections::{HashMap, HashSet};

use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

use crate::model::walk::{self, Visit};
use crate::model::Inline;

/// The headings' names in one file, each mapped to the heading's output id.
#[derive(Debug, Default, Clone)]
pub struct Anchors {
    /// Explicit ids (`{#id}`, `<h2 id>`): they name their heading before any slug.
    pub explicit: HashSet<String>,
    /// Slugs by the authors' tools, then bookbind's own output ids, each mapped to
    /// its heading's output id. A name two rules give two headings is the first's.
    pub aliases: HashMap<String, String>,
    /// The headings' texts as pandoc's implicit header references match them
    /// (`title_key`), each mapped to the first such heading's output id.
    pub titles: HashMap<String, String>,
}

/// One heading of a file, in reading order.
pub struct HeadingName<'a> {
    pub content: &'a [Inline],
    /// Its `{#id}`, if the author gave one.
    pub explicit: Option<&'a str>,
    /// The id it has in the book.
    pub output: &'a str,
}

impl Anchors {
    /// The names of one file's headings, given in reading order.
    pub fn of_file(headings: &[HeadingName<'_>]) -> Anchors {
        let mut a = Anchors::default();
        for h in headings {
            if let Some(id) = h.explicit {
                a.explicit.insert(id.to_string());
            }
        }
        let mut github = Numbering::default();
        let mut mdbook = Numbering::default();
        let mut pandoc = Numbering::default();
        let mut names: Vec<(String, &str)> = Vec::new();
        for h in headings {
            let page_text = text(h.content, false);
            let pandoc_text = text(h.content, true);
            if let Some(id) = h.explicit {
                // pandoc numbers against the ids before, explicit ones included.
                pandoc.used.insert(id.to_string());
                // GitHub knows no `{#id}`: there, the id is part of the heading's text.
                for t in readings(&format!("{page_text} {{#{id}}}")) {
                    names.push((github.number(&github_slug(&t)), h.output));
                }
                continue;
            }
            for t in readings(&page_text) {
                names.push((github.number(&github_slug(&t)), h.output));
                names.push((mdbook.number(&mdbook_slug(&t)), h.output));
            }
            for t in readings(&pandoc_text) {
                names.push((pandoc.number(&pandoc_slug(&t)), h.output));
            }
        }
        for h in headings {
            names.push((h.output.to_string(), h.output));
            let key = title_key(&text(h.content, true));
            if !key.is_empty() {
                a.titles.entry(key).or_insert_with(|| h.output.to_string());
            }
        }
        for (name, output) in names {
            if !name.is_empty() {
                a.aliases.entry(name).or_insert_with(|| output.to_string());
            }
        }
        a
    }

    /// The output id of the heading `frag` names, if any: an explicit id first,
    /// then the tools' slugs. GitHub's own `user-content-` prefix, and a fragment
    /// written in another case, are accepted as GitHub accepts them.
    pub fn heading(&self, frag: &str) -> Option<&str> {
        if self.explicit.contains(frag) {
            return Some(self.explicit.get(frag)?.as_str());
        }
        let bare = frag.strip_prefix("user-content-").unwrap_or(frag);
        self.aliases
            .get(bare)
            .or_else(|| self.aliases.get(&bare.to_lowercase()))
            .map(String::as_str)
    }
}

/// How pandoc compares a reference's label with a heading's text: lowercase, with
/// runs of white space as one space.
pub fn title_key(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The text of a reference's label, as `title_key` reads a heading's.
pub fn label_text(content: &[Inline]) -> String {
    text(content, true)
}

/// `-1`, `-2` … after a name already given in the file.
#[derive(Default)]
struct Numbering {
    used: HashSet<String>,
}

impl Numbering {
    fn number(&mut self, base: &str) -> String {
        let mut id = base.to_string();
        let mut n = 1;
        while self.used.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.used.insert(id.clone());
        id
    }
}

/// The heading's text; with pictures' alt text for pandoc, whose identifiers
/// include it, and without for GitHub and mdBook, which read the page's text.
fn text(content: &[Inline], with_alt: bool) -> String {
    struct Text(String, bool);
    impl<'a> Visit<'a> for Text {
        fn inline(&mut self, i: &'a Inline) {
            match i {
                Inline::Text(t) | Inline::Code(t) | Inline::Math(t) => self.0.push_str(t),
                Inline::Image { alt, .. } if self.1 => self.0.push_str(alt),
                Inline::Citation(c) if c.rendered.is_empty() => self.0.push_str(&c.source_text),
                Inline::LineBreak => self.0.push(' '),
                _ => {}
            }
        }
    }
    let mut t = Text(String::new(), with_alt);
    walk::walk_inlines(content, false, &mut t);
    t.0
}

/// The text as the model has it, and with smart dashes back as hyphens when it
/// has any.
fn readings(text: &str) -> Vec<String> {
    let mut v = vec![text.to_string()];
    if text.contains(['\u{2013}', '\u{2014}']) {
        v.push(text.replace('\u{2014}', "---").replace('\u{2013}', "--"));
    }
    v
}

fn is_letter(c: char) -> bool {
    c.general_category_group() == GeneralCategoryGroup::Letter
}

fn is_number(c: char) -> bool {
    c.general_category_group() == GeneralCategoryGroup::Number
}

/// GitHub's slug (also GitBook's, VitePress's, pandoc's `gfm_auto_identifiers`).
pub fn github_slug(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if is_letter(c)
                || is_number(c)
                || c.general_category_group() == GeneralCategoryGroup::Mark
                || c.general_category() == GeneralCategory::ConnectorPunctuation =>
            {
                Some(c)
            }
            _ => None,
        })
        .collect()
}

/// mdBook's slug.
pub fn mdbook_slug(text: &str) -> String {
    let id: String = text
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c)
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect();
    if id.is_empty() {
        "section".into()
    } else {
        id
    }
}

/// pandoc's slug (`auto_identifiers`).
pub fn pandoc_slug(text: &str) -> String {
    let kept: String = text
        .to_lowercase()
        .chars()
        .filter(|&c| c.is_whitespace() || is_letter(c) || is_number(c) || "_-.".contains(c))
        .collect();
    let joined = kept.split_whitespace().collect::<Vec<_>>().join("-");
    let id = joined.trim_start_matches(|c: char| !is_letter(c));
    if id.is_empty() {
        "section".into()
    } else {
        id.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_slugs_drop_emoji_and_punctuation_and_keep_each_space() {
        assert_eq!(github_slug("⚡ Fast"), "-fast");
        assert_eq!(
            github_slug(" 1.1 Structure your solution by business components"),
            "-11-structure-your-solution-by-business-components"
        );
        assert_eq!(github_slug("Don't panic!"), "dont-panic");
        assert_eq!(github_slug("no_mangle"), "no_mangle");
        assert_eq!(github_slug("a  b"), "a--b");
        assert_eq!(github_slug("Über Straße"), "über-straße");
        assert_eq!(github_slug("中文標題 CJK"), "中文標題-cjk");
        // A virama is a mark: GitHub keeps it.
        assert_eq!(github_slug("हिन्दी"), "हिन्दी");
    }

    #[test]
    fn mdbook_slugs_follow_its_id_from_content() {
        assert_eq!(
            mdbook_slug("`--passes`: add more rustdoc passes"),
            "--passes-add-more-rustdoc-passes"
        );
        assert_eq!(
            mdbook_slug("Method-call 🐙 expressions \u{1f47c}"),
            "method-call--expressions-"
        );
        assert_eq!(mdbook_slug("!.():"), "section");
        assert_eq!(mdbook_slug("Über"), "über");
    }

    #[test]
    fn pandoc_slugs_follow_its_manual() {
        assert_eq!(
            pandoc_slug("Heading identifiers in HTML"),
            "heading-identifiers-in-html"
        );
        assert_eq!(pandoc_slug("Maître d'hôtel"), "maître-dhôtel");
        assert_eq!(pandoc_slug("Maître d\u{2019}hôtel"), "maître-dhôtel");
        assert_eq!(pandoc_slug("Dogs?--in my house?"), "dogs--in-my-house");
        assert_eq!(pandoc_slug("[HTML], [S5], or [RTF]?"), "html-s5-or-rtf");
        assert_eq!(pandoc_slug("3. Applications"), "applications");
        assert_eq!(pandoc_slug("33"), "section");
        assert_eq!(pandoc_slug("no_mangle"), "no_mangle");
        assert_eq!(pandoc_slug("v1.2 notes"), "v1.2-notes");
    }

    fn heading<'a>(content: &'a [Inline], output: &'a str) -> HeadingName<'a> {
        HeadingName {
            content,
            explicit: None,
            output,
        }
    }

    #[test]
    fn duplicates_are_numbered_within_the_file_by_each_tools_rule() {
        let order = [Inline::Text("Order".into())];
        let gender = [Inline::Text("Gender".into())];
        let a = Anchors::of_file(&[
            heading(&order, "order"),
            heading(&gender, "gender"),
            heading(&order, "order-2"),
            heading(&gender, "gender-2"),
        ]);
        assert_eq!(a.heading("order-1"), Some("order-2"));
        assert_eq!(a.heading("gender-1"), Some("gender-2"));
        assert_eq!(a.heading("order"), Some("order"));
        // bookbind's own ids still name their headings.
        assert_eq!(a.heading("gender-2"), Some("gender-2"));
        assert_eq!(a.heading("order-3"), None);
    }

    #[test]
    fn each_tools_slug_names_the_heading() {
        let content = [
            Inline::Text("\u{26a1} 1.1 Use ".into()),
            Inline::Code("no_mangle".into()),
            Inline::Text(" \u{2013} or not".into()),
        ];
        let a = Anchors::of_file(&[heading(&content, "s-1-1-use-no-mangle-or-not")]);
        for frag in [
            "-11-use-no_mangle----or-not", // GitHub, from `--`
            "-11-use-no_mangle--or-not",   // GitHub, from `–`
            "use-no_mangle-or-not",        // pandoc
            "user-content--11-use-no_mangle--or-not",
            "S-1-1-USE-NO-MANGLE-OR-NOT",
        ] {
            assert_eq!(
                a.heading(frag),
                Some("s-1-1-use-no-mangle-or-not"),
                "{frag}"
            );
        }
    }

    #[test]
    fn an_explicit_id_comes_before_any_slug_and_takes_pandocs_number() {
        let intro = [Inline::Text("Intro".into())];
        let a = Anchors::of_file(&[
            HeadingName {
                content: &intro,
                explicit: Some("intro"),
                output: "intro",
            },
            heading(&intro, "intro-3"),
        ]);
        // The second heading's GitHub and mdBook slug is `intro`, but the explicit
        // id names the first; pandoc numbered the second after it.
        assert_eq!(a.heading("intro"), Some("intro"));
        assert_eq!(a.heading("intro-1"), Some("intro-3"));
    }
}
