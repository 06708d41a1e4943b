//! Every word of every book that builds is in the text of both editions.
//!
//! The words of a book come from its Markdown by another route than bookbind's
//! model: the file list from `book.yaml` (read here with serde-saphyr and glob),
//! each file rendered by pulldown-cmark's own HTML renderer with the extensions
//! bookbind enables, and that HTML turned into the text a reader sees by a small
//! HTML tokenizer in this file. The only words taken out are those of [`RULES`].
//!
//! The editions are read as a reader gets them: the EPUB unzipped, every XHTML
//! document stripped of its tags by the same tokenizer; the PDF through poppler's
//! `pdftotext` (poppler-utils; CI installs it, and under `CI` a missing pdftotext
//! fails the test). Where an edition legitimately sets a word apart from the
//! source's text (a note number after it, a hyphen at a line end), the rules of
//! [`READING`] read it back; none of them applies to a word of the source.
//!
//! Words are maximal runs of letters, digits and marks, after NFKC, lower case and
//! without invisible format characters; each character of a script written without
//! spaces (Han, Kana, Hangul) is a word of its own. They are compared as multisets:
//! a source word that appears n times must appear at least n times in each
//! edition. A set would hide a lost paragraph whose words occur elsewhere in the
//! book (in the 567,000 words of the novel, nearly all do); the editions only add
//! words (title page, contents, running heads, note numbers, the reference list),
//! so an edition never needs fewer copies of a word than its source has.
//!
//! Words in right-to-left scripts are looked for in the PDF too: the print edition
//! sets them by the bidi algorithm, and pdftotext reads them back in logical order.
//!
//! Books: `book/`, `tests/fixtures/every-word` (the constructs that lose words
//! most easily) and the corpus books of [`CORPUS`], the ones that build today.
//! The novel takes about 30 s to build and 15 s to check in a debug build, less
//! than a release build of the tests would cost CI, so it runs with the others.
//! A failure lists, for each book and edition, the missing count, the first
//! missing words with the file they come from, and the count by file;
//! `BOOKBIND_EVERY_WORD_DUMP=DIR` also writes the compared texts and the editions
//! to `DIR/<book>/`.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use common::*;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// What the source route takes out, and why: each is something a reader of the
/// rendered source does not see as text, or that an edition legitimately prints
/// in another form. A source word in neither edition that no rule explains is a
/// defect.
const RULES: &[(&str, &str)] = &[
    (
        "metadata block",
        "a metadata block at the top of a file (YAML between `---` lines, TOML between \
         `+++` lines) holds settings, not text (pulldown-cmark's renderer drops it)",
    ),
    (
        "mdBook commands",
        "an mdBook `{{#include …}}` (and its kin) is replaced by what it includes: the \
         command's own words are not text (`\\{{#…}}` is, without its backslash)",
    ),
    (
        "pandoc attributes",
        "pandoc's attribute lists (`[text]{.class #id}`, `![](p.png){width=50%}`) and \
         fenced-div lines (`::: {.warning}`) name classes and ids, not text",
    ),
    (
        "hidden Rust lines",
        "in a `rust` code block, the lines mdBook and rustdoc hide (`# use x;`, a lone \
         `#`) are not shown, and `##` shows as `#`",
    ),
    (
        "HTML comments",
        "`<!-- ... -->`, `<!...>` and `<?...>` in raw HTML are never shown",
    ),
    (
        "script and style",
        "the content of raw `<script>` and `<style>` elements is code for a browser, not text",
    ),
    (
        "attribute values",
        "link destinations, image file names, `alt` and `title` text and every other \
         attribute value: the reader sees the link's text and the picture",
    ),
    (
        "code info strings",
        "the info string of a fenced code block (`rust,ignore`) names its language; \
         it is not shown",
    ),
    (
        "footnote labels",
        "the label of a footnote (`[^note]`) and the number pulldown-cmark gives it: \
         each edition numbers notes in its own way",
    ),
    (
        "citation keys",
        "a pandoc citation key (`@key` of an entry of the book's bibliography) is \
         printed as the formatted citation",
    ),
];

/// The corpus books (folders of `../shared/corpus` with a book.yaml) that build
/// today; each later issue adds the books it makes buildable.
const CORPUS: &[&str] = &[
    "novel",
    "mdbook-guide",
    "commonmark-spec",
    "contributor-covenant-multilingual",
    "nodebestpractices",
    "opensource-guide-ar",
    "advanced-java-zh",
    "typescript-deep-dive-ja",
    "colex-essays",
    "nomicon",
    "rust-cookbook",
];

/// Corpus books whose print edition is not checked yet, and why: the EPUB of each
/// is checked word for word; their PDFs still break long words in narrow table
/// cells and code lines without a trace pdftotext can join (issue 12). Each issue
/// takes its books off this list.
const EPUB_ONLY: &[(&str, &str)] = &[
    (
        "nodebestpractices",
        "an emoji's variation selector and one word of a wrapped code line are read apart by pdftotext",
    ),
    (
        "advanced-java-zh",
        "a Java name longer than a code row is cut between letters and its pieces are both words",
    ),
    (
        "typescript-deep-dive-ja",
        "names in a seven-column table of contributors are cut between letters",
    ),
];

/// How many missing words a report lists per edition.
const SHOWN: usize = 30;

fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

fn corpus() -> Option<PathBuf> {
    let dir = repo().join("../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else if in_ci() {
        panic!(
            "{} is missing (CI has shared/ beside the clone)",
            dir.display()
        )
    } else {
        eprintln!("SKIP: no corpus at {}", dir.display());
        None
    }
}

// ---------------------------------------------------------------- the source route

/// The parts of book.yaml this test needs; everything else is ignored.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Manifest {
    front: Entries,
    chapters: Entries,
    back: Entries,
    bibliography: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(untagged)]
enum Entries {
    #[default]
    None,
    One(Entry),
    Many(Vec<Entry>),
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Entry {
    Path(String),
    File { file: String },
}

impl Entries {
    fn paths(&self) -> Vec<&str> {
        fn one(e: &Entry) -> &str {
            match e {
                Entry::Path(p) => p,
                Entry::File { file } => file,
            }
        }
        match self {
            Entries::None => vec![],
            Entries::One(e) => vec![one(e)],
            Entries::Many(v) => v.iter().map(one).collect(),
        }
    }
}

fn read_manifest(book: &Path) -> Manifest {
    let text = std::fs::read_to_string(book.join("book.yaml")).expect("book.yaml");
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", book.display()))
}

/// The Markdown files of an mdBook with no book.yaml: every link with a target in
/// its SUMMARY.md, in order, each once (the source folder from book.toml's `src`).
fn summary_files(book: &Path) -> Vec<PathBuf> {
    let toml = std::fs::read_to_string(book.join("book.toml")).expect("book.toml");
    let src = toml
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == "src").then(|| v.trim().trim_matches('"').to_string())
        })
        .unwrap_or_else(|| "src".to_string());
    let dir = book.join(src);
    let summary = std::fs::read_to_string(dir.join("SUMMARY.md")).expect("SUMMARY.md");
    let mut out: Vec<PathBuf> = Vec::new();
    for part in summary.split("](").skip(1) {
        let target = part.split(')').next().unwrap_or("").trim();
        if target.is_empty() {
            continue;
        }
        let f = dir.join(target.trim_start_matches("./"));
        if !out.contains(&f) {
            out.push(f);
        }
    }
    out
}

/// Rule "mdBook commands", the other half: `{{#include}}`, `{{#rustdoc_include}}`
/// and `{{#playground}}` replaced by the lines they name (the whole file, `:N`,
/// `:N:M`, `::M`, `:N:`, or an anchor's lines), read again for includes, as mdBook's
/// guide describes them; what cannot be read stays as written. The lines a
/// rustdoc include hides are left out (rule "hidden Rust lines").
fn with_includes(md: &str, dir: &Path, depth: usize) -> String {
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(i) = rest.find("{{") {
        let (before, at) = rest.split_at(i);
        out.push_str(before);
        let Some(end) = at.find("}}") else { break };
        let mut args = at[2..end].split_whitespace();
        let kind = args.next().unwrap_or("");
        let arg = args.next().unwrap_or("");
        let (file, sel) = arg.split_once(':').unwrap_or((arg, ""));
        let path = dir.join(file);
        let text = matches!(kind, "#include" | "#rustdoc_include" | "#playground")
            .then(|| std::fs::read_to_string(&path).ok())
            .flatten()
            .filter(|_| depth < 10 && !before.ends_with('\\'));
        match text {
            Some(t) => {
                let lines: Vec<&str> = t.lines().collect();
                let n = |s: &str| s.parse::<usize>().ok();
                let picked: Vec<&str> = match sel.split_once(':') {
                    _ if sel.is_empty() => lines,
                    Some((a, b)) => {
                        let from = n(a).unwrap_or(1).max(1) - 1;
                        let to = n(b).unwrap_or(lines.len()).min(lines.len());
                        lines.get(from..to.max(from)).unwrap_or(&[]).to_vec()
                    }
                    None if n(sel).is_some() => {
                        let k = n(sel).unwrap().max(1) - 1;
                        lines.get(k..k + 1).unwrap_or(&[]).to_vec()
                    }
                    None => {
                        let start = format!("ANCHOR: {sel}");
                        let stop = format!("ANCHOR_END: {sel}");
                        lines
                            .iter()
                            .skip_while(|l| !l.contains(&start))
                            .skip(1)
                            .take_while(|l| !l.contains(&stop))
                            .filter(|l| !l.contains("ANCHOR"))
                            .copied()
                            .collect()
                    }
                };
                let here = path.parent().unwrap_or(dir);
                out.push_str(&with_includes(&picked.join("\n"), here, depth + 1));
                rest = &at[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = &at[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The Markdown files of a book, in book.yaml order (globs expanded, sorted).
fn source_files(book: &Path, m: &Manifest) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for entry in [&m.front, &m.chapters, &m.back]
        .iter()
        .flat_map(|e| e.paths())
    {
        let pattern = format!("{}/{entry}", glob::Pattern::escape(&book.to_string_lossy()));
        let mut found: Vec<PathBuf> = glob::glob(&pattern)
            .unwrap()
            .map(Result::unwrap)
            .filter(|p| p.is_file())
            .collect();
        found.sort();
        assert!(!found.is_empty(), "{entry} matches no file");
        for f in found {
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    out
}

/// The keys of a bibliography: the top-level keys of hayagriva YAML, or the
/// `@type{key,` entries of BibLaTeX.
fn bibliography_keys(book: &Path, m: &Manifest) -> HashSet<String> {
    let Some(path) = &m.bibliography else {
        return HashSet::new();
    };
    let text = std::fs::read_to_string(book.join(path)).expect("bibliography");
    if path.ends_with(".bib") {
        text.split('@')
            .skip(1)
            .filter_map(|e| {
                let (kind, rest) = e.split_once('{')?;
                let kind = kind.trim().to_lowercase();
                if ["string", "comment", "preamble"].contains(&kind.as_str()) {
                    return None;
                }
                Some(rest.split(',').next()?.trim().to_string())
            })
            .collect()
    } else {
        let map: BTreeMap<String, serde::de::IgnoredAny> =
            serde_saphyr::from_str(&text).expect("hayagriva YAML");
        map.into_keys().collect()
    }
}

/// bookbind's Markdown extensions (src/parse/markdown.rs `options()`).
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
        | Options::ENABLE_SUPERSCRIPT
        | Options::ENABLE_SUBSCRIPT
        | Options::ENABLE_MATH
}

/// Removes every pandoc citation key of the bibliography (`@key`) from `text`.
fn without_citation_keys(text: &str, keys: &HashSet<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        // pandoc: a key starts with a letter, digit or `_` and may hold internal
        // punctuation `:.#$%&-+?<>~/`.
        let len = after
            .char_indices()
            .find(|&(_, c)| !(c.is_alphanumeric() || "_:.#$%&-+?<>~/".contains(c)))
            .map_or(after.len(), |(i, _)| i);
        let mut key = &after[..len];
        while key.ends_with(|c: char| !(c.is_alphanumeric() || c == '_')) {
            key = &key[..key.len() - key.chars().next_back().unwrap().len_utf8()];
        }
        let preceded_by_word = out.chars().next_back().is_some_and(char::is_alphanumeric);
        if !preceded_by_word && keys.contains(key) {
            out.push(' ');
            rest = &after[key.len()..];
        } else {
            out.push('@');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The text a reader of one Markdown file sees, by pulldown-cmark's HTML renderer.
fn markdown_text(md: &str, keys: &HashSet<String>) -> String {
    let md = without_note_labels(&without_pandoc_attributes(&without_mdbook_commands(md)));
    let mut rust = false;
    let events = Parser::new_ext(&md, options()).filter_map(|e| match e {
        // Rule "hidden Rust lines".
        Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(ref info))) => {
            rust = info.split([',', ' ']).next() == Some("rust");
            Some(e)
        }
        Event::End(TagEnd::CodeBlock) => {
            rust = false;
            Some(e)
        }
        Event::Text(t) if rust => Some(Event::Text(
            t.split_inclusive('\n')
                .filter_map(|l| {
                    let body = l.trim_start();
                    match body.strip_prefix('#') {
                        Some(after) if after.starts_with('#') => Some(after.to_string()),
                        Some(after) if after.trim().is_empty() || after.starts_with(' ') => None,
                        _ => Some(l.to_string()),
                    }
                })
                .collect::<String>()
                .into(),
        )),
        // Rule "footnote labels": no reference marks, no definition numbers.
        Event::FootnoteReference(_) => None,
        Event::Start(Tag::FootnoteDefinition(_)) => Some(Event::Html("<div>".into())),
        Event::End(TagEnd::FootnoteDefinition) => Some(Event::Html("</div>".into())),
        // Rule "citation keys".
        Event::Text(t) if !keys.is_empty() && t.contains('@') => {
            Some(Event::Text(without_citation_keys(&t, keys).into()))
        }
        // Rules "metadata block" and "code info strings": pulldown-cmark's renderer
        // writes neither as text.
        e => Some(e),
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html_to_text(&html)
}

/// Rule "footnote labels", for references pulldown-cmark's renderer leaves as text
/// (in raw HTML): `[^label]` of a note the file defines is taken out.
fn without_note_labels(md: &str) -> String {
    let labels: Vec<String> = md
        .lines()
        .filter_map(|l| {
            let rest = l
                .trim_start_matches([' ', '\t', '>', '-', '*'])
                .strip_prefix("[^")?;
            let (label, after) = rest.split_once(']')?;
            after.starts_with(':').then(|| format!("[^{label}]"))
        })
        .collect();
    let mut out = md.to_string();
    for l in labels {
        // Definitions (`[^label]:`) stay for pulldown-cmark.
        let def = format!("{l}:");
        out = out
            .split(&def)
            .map(|piece| piece.replace(&l, ""))
            .collect::<Vec<_>>()
            .join(&def);
    }
    out
}

/// Rule "pandoc attributes": `]{…}` keeps its `]` and `){…}` its `)`, and a line of three or more
/// colons (a fenced div's fence, with its attributes) is blank.
fn without_pandoc_attributes(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for line in md.split_inclusive('\n') {
        if line.trim_start().starts_with(":::") {
            out.push('\n');
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("]{").into_iter().chain(rest.find("){")).min() {
            let close = rest[i..].find('}').map(|c| i + c);
            match close {
                Some(c) if !rest[i + 2..c].contains(['{', '[']) => {
                    out.push_str(&rest[..=i]);
                    rest = &rest[c + 1..];
                }
                _ => {
                    out.push_str(&rest[..i + 2]);
                    rest = &rest[i + 2..];
                }
            }
        }
        out.push_str(rest);
    }
    out
}

/// Rule "mdBook commands": `{{#name args}}` taken out, `\\{{#` kept without its
/// backslash.
fn without_mdbook_commands(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(i) = rest.find("{{") {
        let (before, at) = rest.split_at(i);
        if let Some(b) = before.strip_suffix('\\') {
            out.push_str(b);
            out.push_str("{{");
            rest = &at[2..];
            continue;
        }
        out.push_str(before);
        let inner = at[2..].trim_start();
        let end = at.find("}}");
        match (inner.starts_with('#'), end) {
            (true, Some(e)) if !at[..e].contains('\n') || at[..e].matches('}').count() == 0 => {
                rest = &at[e + 2..];
            }
            _ => {
                out.push_str("{{");
                rest = &at[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------- HTML to text

/// Elements that run inside a line of text: their tags do not part words.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i",
    "ins", "kbd", "label", "mark", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strike",
    "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
];

/// Elements whose content is never shown (rule "script and style"; `<head>` and
/// its `<title>` are the EPUB's document metadata).
const HIDDEN: &[&str] = &["script", "style", "head", "title"];

/// The text of an HTML fragment or document as a browser shows it: tags removed
/// (block tags part words, inline tags do not), comments and the content of
/// [`HIDDEN`] elements removed, character references decoded. The tokenizer
/// follows HTML5's rules for where a tag, a comment and an attribute value end.
fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut text = String::new();
    let flush = |text: &mut String, out: &mut String| {
        out.push_str(&html_escape::decode_html_entities(text));
        text.clear();
    };
    let b = html.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c != b'<' {
            let next = html[i..].find('<').map_or(html.len(), |n| i + n);
            text.push_str(&html[i..next]);
            i = next;
            continue;
        }
        let rest = &html[i..];
        let next = b.get(i + 1).copied().unwrap_or(0);
        if let Some(body) = rest.strip_prefix("<!--") {
            // Rule "HTML comments".
            flush(&mut text, &mut out);
            i += if body.starts_with('>') {
                5
            } else if body.starts_with("->") {
                6
            } else {
                body.find("-->").map_or(rest.len(), |e| 4 + e + 3)
            };
        } else if next == b'!' || next == b'?' {
            flush(&mut text, &mut out);
            i += rest.find('>').map_or(rest.len(), |e| e + 1);
        } else if next.is_ascii_alphabetic()
            || (next == b'/' && b.get(i + 2).is_some_and(u8::is_ascii_alphabetic))
        {
            flush(&mut text, &mut out);
            let end_tag = next == b'/';
            let start = i + if end_tag { 2 } else { 1 };
            let name_len = html[start..]
                .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
                .unwrap_or(html.len() - start);
            let name = html[start..start + name_len].to_ascii_lowercase();
            i = tag_end(b, start + name_len);
            if !INLINE.contains(&name.as_str()) {
                out.push(' ');
            }
            let self_closed = html[..i].ends_with("/>");
            if !end_tag && !self_closed && HIDDEN.contains(&name.as_str()) {
                // Skip to the matching end tag (its content is raw text). A
                // self-closed `<script/>` (XHTML, as the EPUB is) has none.
                let close = format!("</{name}");
                let lower = html[i..].to_ascii_lowercase();
                match lower.find(&close) {
                    Some(e) => i = tag_end(b, i + e + close.len()),
                    None => i = b.len(),
                }
            }
        } else {
            text.push('<');
            i += 1;
        }
    }
    flush(&mut text, &mut out);
    out
}

/// Where the tag whose attributes start at `i` ends (just past its `>`): quoted
/// attribute values may hold `>`.
fn tag_end(b: &[u8], mut i: usize) -> usize {
    let mut after_equals = false;
    while i < b.len() {
        match b[i] {
            b'>' => return i + 1,
            b'=' => after_equals = true,
            q @ (b'"' | b'\'') if after_equals => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                after_equals = false;
            }
            c if c.is_ascii_whitespace() => {}
            _ => after_equals = false,
        }
        i += 1;
    }
    b.len()
}

// ---------------------------------------------------------------- words

/// Scripts written without spaces between words: compared per character, since a
/// line may break between any two of their characters.
fn per_character(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF      // Hangul Jamo
        | 0x2E80..=0x2FDF    // CJK radicals, Kangxi radicals
        | 0x3005..=0x3007    // 々 〆 〇
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x3130..=0x318F    // Hangul compatibility Jamo
        | 0x31F0..=0x31FF    // Katakana phonetic extensions
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xA960..=0xA97F    // Hangul Jamo extended A
        | 0xAC00..=0xD7FF    // Hangul syllables, Jamo extended B
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x20000..=0x3FFFF) // CJK extensions B–I
}

/// The normal form in which the editions and the source are compared: NFKC
/// (ligatures such as `ﬁ` become `fi`, full-width forms ordinary ones), lower case,
/// format characters (soft hyphen, zero-width space and joiners, word joiner,
/// BOM) removed, since they are invisible and a typesetter may drop them.
fn normalise(s: &str) -> String {
    s.nfkc()
        .filter(|c| c.general_category() != unicode_properties::GeneralCategory::Format)
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_word_char(c: char) -> bool {
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter | GeneralCategoryGroup::Number | GeneralCategoryGroup::Mark
    )
}

/// The words of (normalised) text: maximal runs of letters, digits and combining
/// marks; each character of [`per_character`] scripts is a word of its own.
fn words_of(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if per_character(c) {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            out.push(c.to_string());
        } else if is_word_char(c) {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// How the words of an edition are read where an edition legitimately sets a
/// source word apart from how the source's text has it. None of these can hide a
/// lost word: each applies only where the edition's text is not a source word.
const READING: &[(&str, &str)] = &[
    (
        "note numbers",
        "a note's number follows its word directly (`word¹`, read as `word1`): a word \
         that is not a source word but is a source word and one to three digits is \
         read as the two",
    ),
    (
        "hyphenation",
        "a word hyphenated at a line end of the PDF (`exam-` / `ple`) is joined when \
         the joined word is a source word and `exam-ple` is not a compound of the \
         source; a source compound that pdftotext joined (`selftreatment`) is split",
    ),
    (
        "broken words",
        "a word broken between letters at a line end of the PDF without a hyphen (a \
         word or code line wider than the measure, a narrow table column) is joined \
         when the joined word is a source word and one of its pieces is not",
    ),
];

/// The words of an edition's text (rule "note numbers" of [`READING`]).
fn edition_words(text: &str, vocab: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for w in words_of(text) {
        if !vocab(&w) {
            let digits = w.chars().rev().take_while(char::is_ascii_digit).count();
            if let Some(n) = (1..=digits.min(3)).find(|&n| vocab(&w[..w.len() - n])) {
                let (word, number) = w.split_at(w.len() - n);
                out.push(word.to_string());
                out.push(number.to_string());
                continue;
            }
        }
        out.push(w);
    }
    out
}

/// The words of one pdftotext reading, counted, with the rules "hyphenation" and
/// "broken words" of [`READING`]. `need` counts the source's words.
fn pdf_counts(
    text: &str,
    need: &HashMap<String, usize>,
    compounds: &HashSet<(String, String)>,
) -> HashMap<String, usize> {
    let vocab = |w: &str| need.contains_key(w);
    let text = normalise(text);
    let lines: Vec<&str> = text.split('\n').collect();
    let mut joined = String::with_capacity(text.len());
    // Line-end hyphens between two words that make both a source word and a
    // source compound: decided below by what the edition still lacks.
    let mut either = Vec::new();
    let mut carry = false;
    for (n, line) in lines.iter().enumerate() {
        let line = if carry { line.trim_start() } else { line };
        carry = false;
        let trimmed = line.trim_end();
        let next = lines.get(n + 1).map_or("", |l| first_word(l.trim_start()));
        let hyphen = trimmed
            .strip_suffix('-')
            .or_else(|| trimmed.strip_suffix('\u{2010}'));
        let (stem, before) = match hyphen {
            Some(stem) => (stem, last_word(stem)),
            None => (trimmed, last_word(trimmed)),
        };
        if !before.is_empty() && !next.is_empty() {
            let whole = format!("{before}{next}");
            let pair = (before.to_string(), next.to_string());
            let join = vocab(&whole)
                && match hyphen {
                    Some(_) if compounds.contains(&pair) => {
                        either.push((whole, pair));
                        false
                    }
                    Some(_) => true,
                    None => !vocab(before) || !vocab(next),
                };
            if join {
                joined.push_str(stem);
                carry = true;
                continue;
            }
        }
        joined.push_str(line);
        joined.push('\n');
    }
    let glued: HashMap<String, &(String, String)> = compounds
        .iter()
        .map(|p| (format!("{}{}", p.0, p.1), p))
        .collect();
    let mut have: HashMap<String, usize> = HashMap::new();
    for w in edition_words(&joined, &|w| vocab(w)) {
        match glued.get(&w) {
            Some((x, y)) if !vocab(&w) => {
                *have.entry(x.clone()).or_default() += 1;
                *have.entry(y.clone()).or_default() += 1;
            }
            _ => *have.entry(w).or_default() += 1,
        }
    }
    for (whole, (x, y)) in either {
        if have.get(&whole).copied().unwrap_or(0) < need[&whole] {
            *have.entry(whole).or_default() += 1;
            *have.get_mut(&x).unwrap() -= 1;
            *have.get_mut(&y).unwrap() -= 1;
        }
    }
    have
}

fn last_word(s: &str) -> &str {
    let start = s
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &s[start..]
}

fn first_word(s: &str) -> &str {
    let end = s
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(s.len(), |(i, _)| i);
    &s[..end]
}

/// `x-y` pairs of words joined by a hyphen in the source.
fn compounds_of(text: &str) -> HashSet<(String, String)> {
    let mut out = HashSet::new();
    for (i, _) in text.match_indices('-') {
        let (x, y) = (last_word(&text[..i]), first_word(&text[i + 1..]));
        if !x.is_empty() && !y.is_empty() {
            out.insert((x.to_string(), y.to_string()));
        }
    }
    out
}

// ---------------------------------------------------------------- the editions

fn epub_text(path: &Path) -> String {
    let epub = Epub::open(path);
    let mut text = String::new();
    for (name, bytes) in &epub.files {
        if name.ends_with(".xhtml") || name.ends_with(".html") || name.ends_with(".htm") {
            text.push_str(&html_to_text(std::str::from_utf8(bytes).expect("UTF-8")));
            text.push('\n');
        }
    }
    text
}

/// The text of a PDF by poppler's pdftotext, in its two readings: in reading
/// order (the default), and in the order of the content stream (`-raw`). Both are
/// needed: the default reading joins the pieces of a word broken in a narrow
/// table column, which `-raw` sets apart, but takes a line of one-letter words
/// with equal spaces (`# Ӓ Ϡ`) for a letter-spaced word and drops its spaces,
/// which `-raw` keeps. None (with a skip line) when pdftotext is not installed;
/// under CI it must be.
fn pdftotext(path: &Path) -> Option<[String; 2]> {
    let run = |raw: bool| {
        let mut c = std::process::Command::new("pdftotext");
        if raw {
            c.arg("-raw");
        }
        c.args(["-enc", "UTF-8"]).arg(path).arg("-").output()
    };
    match run(false) {
        Ok(o) => {
            assert!(o.status.success(), "pdftotext: {}", stderr(&o));
            let raw = run(true).expect("pdftotext -raw");
            assert!(raw.status.success(), "pdftotext -raw: {}", stderr(&raw));
            Some([o.stdout, raw.stdout].map(|t| String::from_utf8(t).expect("UTF-8")))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !in_ci() => {
            eprintln!(
                "SKIP: pdftotext (poppler-utils) is not installed: the PDF edition is not read \
                 (CI installs it with ../shared/tools/install-validators.sh)"
            );
            None
        }
        Err(e) => panic!("pdftotext: {e} (install poppler-utils)"),
    }
}

// ---------------------------------------------------------------- the check

/// The source words of a book, each with the file it comes from.
struct Source {
    words: Vec<(String, usize)>,
    files: Vec<String>,
    /// The normalised text of every file, each after a `==== path` line.
    text: String,
}

impl Source {
    fn counts(&self) -> HashMap<String, usize> {
        let mut need = HashMap::new();
        for (w, _) in &self.words {
            *need.entry(w.clone()).or_default() += 1;
        }
        need
    }
}

fn count(words: Vec<String>) -> HashMap<String, usize> {
    let mut have = HashMap::new();
    for w in words {
        *have.entry(w).or_default() += 1;
    }
    have
}

fn source_words(book: &Path) -> Source {
    let (files, keys) = if book.join("book.yaml").is_file() {
        let m = read_manifest(book);
        (source_files(book, &m), bibliography_keys(book, &m))
    } else {
        (summary_files(book), HashSet::new())
    };
    let mut src = Source {
        words: Vec::new(),
        files: Vec::new(),
        text: String::new(),
    };
    for (n, f) in files.iter().enumerate() {
        let md = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let md = with_includes(&md, f.parent().unwrap_or(book), 0);
        let text = normalise(&markdown_text(&md, &keys));
        src.words
            .extend(words_of(&text).into_iter().map(|w| (w, n)));
        let name = f.strip_prefix(book).unwrap_or(f).display().to_string();
        let _ = write!(src.text, "\n==== {name}\n{text}");
        src.files.push(name);
    }
    src
}

/// A source word an edition lacks.
struct Miss {
    word: String,
    /// The file of its first missing copy (the last copies of a word in the source
    /// are the ones counted missing).
    file: usize,
    /// Missing copies, and copies in the source.
    missing: usize,
    of: usize,
}

/// What an edition lacks: the missing words in source order, the number of
/// missing copies, and that number by file.
struct Missing {
    words: Vec<Miss>,
    total: usize,
    by_file: BTreeMap<usize, usize>,
}

fn missing(src: &Source, have: &HashMap<String, usize>) -> Missing {
    missing_except(src, have, |_| false)
}

fn missing_except(
    src: &Source,
    have: &HashMap<String, usize>,
    skip: impl Fn(&str) -> bool,
) -> Missing {
    let need = src.counts();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut listed: HashSet<&str> = HashSet::new();
    let mut m = Missing {
        words: Vec::new(),
        total: 0,
        by_file: BTreeMap::new(),
    };
    for (w, file) in &src.words {
        if skip(w) {
            continue;
        }
        let s = seen.entry(w).or_default();
        *s += 1;
        let h = have.get(w).copied().unwrap_or(0);
        if *s > h {
            m.total += 1;
            *m.by_file.entry(*file).or_default() += 1;
            if listed.insert(w) {
                m.words.push(Miss {
                    word: w.clone(),
                    file: *file,
                    missing: need[w] - h,
                    of: need[w],
                });
            }
        }
    }
    m
}

fn report(book: &str, edition: &str, src: &Source, m: &Missing) -> String {
    let mut s = format!(
        "{book} {edition}: {} of {} source words missing ({} distinct)",
        m.total,
        src.words.len(),
        m.words.len()
    );
    for w in m.words.iter().take(SHOWN) {
        let _ = write!(
            s,
            "\n    {:?} ×{} of {}  ({})",
            w.word, w.missing, w.of, src.files[w.file]
        );
    }
    if m.words.len() > SHOWN {
        let _ = write!(s, "\n    ... {} more", m.words.len() - SHOWN);
    }
    if m.by_file.len() > 1 {
        let mut files: Vec<(&usize, &usize)> = m.by_file.iter().collect();
        files.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let _ = write!(s, "\n  by file:");
        for (f, n) in files.iter().take(SHOWN) {
            let _ = write!(s, " {} {n};", src.files[**f]);
        }
        if files.len() > SHOWN {
            let _ = write!(s, " ... {} more files", files.len() - SHOWN);
        }
    }
    s
}

/// Builds `book` (both editions) and checks every source word in each.
fn check_book(name: &str, book: &Path) {
    let pdf_too = match EPUB_ONLY.iter().find(|(b, _)| *b == name) {
        Some((_, why)) => {
            eprintln!("{name}: the PDF is not checked yet ({why})");
            false
        }
        None => true,
    };
    let start = std::time::Instant::now();
    let src = source_words(book);
    assert!(!src.words.is_empty(), "{name}: no words in the source");
    let out = tempfile::tempdir().unwrap();
    let r = bookbind::build(&bookbind::BuildOptions {
        input: bookbind::load::Input::Folder(book.to_path_buf()),
        out_dir: out.path().to_path_buf(),
        formats: vec![bookbind::Format::Epub, bookbind::Format::Pdf],
        source_date_epoch: Some(0),
        report: None,
    });
    let errors: Vec<String> = r
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(errors.is_empty(), "{name} does not build: {errors:#?}");
    let built = start.elapsed();
    let file = |ext: &str| {
        r.written
            .iter()
            .find(|p| p.extension().is_some_and(|e| e == ext))
            .unwrap_or_else(|| panic!("{name}: no .{ext} written"))
            .clone()
    };

    // BOOKBIND_EVERY_WORD_DUMP=DIR writes the three texts compared, and the two
    // editions, to DIR/<book>/.
    let dump = std::env::var_os("BOOKBIND_EVERY_WORD_DUMP").map(|d| {
        let d = PathBuf::from(d).join(name);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("source.txt"), &src.text).unwrap();
        for ext in ["epub", "pdf"] {
            std::fs::copy(file(ext), d.join(format!("{name}.{ext}"))).unwrap();
        }
        d
    });
    let mut failures = Vec::new();
    let epub = normalise(&epub_text(&file("epub")));
    if let Some(d) = &dump {
        std::fs::write(d.join("epub.txt"), &epub).unwrap();
    }
    let need = src.counts();
    let vocab = |w: &str| need.contains_key(w);
    let m = missing(&src, &count(edition_words(&epub, &vocab)));
    let line = report(name, "EPUB", &src, &m);
    eprintln!("{line}");
    if m.total > 0 {
        failures.push(line);
    }

    if let Some([reading, raw]) = pdf_too.then(|| pdftotext(&file("pdf"))).flatten() {
        if let Some(d) = &dump {
            std::fs::write(d.join("pdf.txt"), &reading).unwrap();
            std::fs::write(d.join("pdf-raw.txt"), &raw).unwrap();
        }
        let compounds = compounds_of(&src.text);
        // Either of poppler's readings: a word counts as often as the reading that
        // has it more often (see `pdftotext`).
        let mut have = pdf_counts(&reading, &need, &compounds);
        for (w, n) in pdf_counts(&raw, &need, &compounds) {
            let h = have.entry(w).or_default();
            *h = (*h).max(n);
        }
        let m = missing(&src, &have);
        let line = report(name, "PDF", &src, &m);
        eprintln!("{line}");
        if m.total > 0 {
            failures.push(line);
        }
    }
    eprintln!(
        "{name}: built in {:.1} s, checked in {:.1} s",
        built.as_secs_f64(),
        (start.elapsed() - built).as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "words of the source missing from an edition (removal rules: {}; reading rules: {}):\n{}",
        RULES.iter().map(|(r, _)| *r).collect::<Vec<_>>().join(", "),
        READING
            .iter()
            .map(|(r, _)| *r)
            .collect::<Vec<_>>()
            .join(", "),
        failures.join("\n")
    );
}

fn check_corpus_book(name: &str) {
    assert!(CORPUS.contains(&name), "{name} is not in CORPUS");
    if let Some(dir) = corpus() {
        check_book(name, &dir.join(name));
    }
}

#[test]
fn every_word_of_the_guide_is_in_both_editions() {
    check_book("book", &repo().join("book"));
}

/// A small book of the constructs that lose words most easily: `@` mentions,
/// citations in notes, raw HTML around Markdown, raw pictures, hand line breaks.
#[test]
fn every_word_of_the_hard_cases_is_in_both_editions() {
    check_book("every-word", &repo().join("tests/fixtures/every-word"));
}

#[test]
fn every_word_of_the_mdbook_guide_is_in_both_editions() {
    check_corpus_book("mdbook-guide");
}

/// The corpus's CommonMark examples book does not build as it is: a few examples
/// show pictures that are not there, on purpose (E0011, E0012). The book checked is the corpus book without the examples that have an
/// error, as `bookbind check` reports them.
#[test]
fn every_word_of_the_commonmark_examples_that_build_is_in_both_editions() {
    let Some(dir) = corpus() else { return };
    let from = dir.join("commonmark-spec");
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("commonmark-spec");
    std::fs::create_dir_all(book.join("examples")).unwrap();
    std::fs::copy(from.join("book.yaml"), book.join("book.yaml")).unwrap();
    for e in std::fs::read_dir(from.join("examples")).unwrap() {
        let e = e.unwrap().path();
        if e.extension().is_some_and(|x| x == "md") {
            std::fs::copy(&e, book.join("examples").join(e.file_name().unwrap())).unwrap();
        }
    }
    let o = bookbind(&["check", book.to_str().unwrap()]);
    let err = stderr(&o);
    let mut lines = err.lines();
    let mut left_out = BTreeSet::new();
    while let Some(l) = lines.next() {
        if l.starts_with("error[") {
            let at = lines.next().and_then(|l| l.trim().strip_prefix("--> "));
            let file = at
                .and_then(|a| a.split(':').next())
                .unwrap_or_else(|| panic!("an error without a file: {l}"));
            assert!(
                ["E0011", "E0012"].iter().any(|c| l.contains(c)),
                "an example fails with {l}"
            );
            left_out.insert(PathBuf::from(file));
        }
    }
    for f in &left_out {
        std::fs::remove_file(f).unwrap();
    }
    assert!(left_out.len() < 30, "{} examples left out", left_out.len());
    eprintln!(
        "commonmark-spec: {} examples with a missing target left out: {}",
        left_out.len(),
        left_out
            .iter()
            .map(|f| f.file_stem().unwrap().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    );
    check_book("commonmark-spec", &book);
}

#[test]
fn every_word_of_the_colex_essays_is_in_both_editions() {
    check_corpus_book("colex-essays");
}

/// The mdBooks as their authors have them: no book.yaml, SUMMARY.md's order.
#[test]
fn every_word_of_the_rustonomicon_is_in_both_editions() {
    check_corpus_book("nomicon");
}

#[test]
fn every_word_of_the_rust_cookbook_is_in_both_editions() {
    check_corpus_book("rust-cookbook");
}

#[test]
fn every_word_of_the_mdbook_guide_without_its_book_yaml_is_in_both_editions() {
    let Some(dir) = corpus() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("mdbook-guide");
    copy_dir(&dir.join("mdbook-guide"), &book);
    std::fs::remove_file(book.join("book.yaml")).unwrap();
    check_book("mdbook-guide (book.toml)", &book);
}

#[test]
fn every_word_of_node_best_practices_is_in_its_epub() {
    check_corpus_book("nodebestpractices");
}

#[test]
fn every_word_of_the_arabic_open_source_guides_is_in_its_epub() {
    check_corpus_book("opensource-guide-ar");
}

#[test]
fn every_word_of_advanced_java_in_chinese_is_in_its_epub() {
    check_corpus_book("advanced-java-zh");
}

#[test]
fn every_word_of_typescript_deep_dive_in_japanese_is_in_its_epub() {
    check_corpus_book("typescript-deep-dive-ja");
}

#[test]
fn every_word_of_the_contributor_covenant_is_in_both_editions() {
    check_corpus_book("contributor-covenant-multilingual");
}

/// 567,000 words: about 30 s to build and 15 s to check in a debug build.
#[test]
fn every_word_of_the_novel_is_in_both_editions() {
    check_corpus_book("novel");
}

/// Every corpus book that CORPUS names has a book.yaml, and the rules are listed.
#[test]
fn the_corpus_list_and_the_rules_are_sound() {
    for rules in [RULES, READING] {
        assert!(rules.iter().all(|(r, why)| !r.is_empty() && why.len() > 20));
        let names: BTreeSet<&str> = rules.iter().map(|(r, _)| *r).collect();
        assert_eq!(names.len(), rules.len(), "rule names are unique");
    }
    if let Some(dir) = corpus() {
        for b in CORPUS {
            assert!(
                dir.join(b).join("book.yaml").is_file() || dir.join(b).join("book.toml").is_file(),
                "{b} has neither a book.yaml nor an mdBook's book.toml"
            );
        }
    }
}

// ---------------------------------------------------------------- the route itself

#[test]
fn html_text_keeps_what_a_reader_sees() {
    let t = |h: &str| words_of(&normalise(&html_to_text(h))).join(" ");
    assert_eq!(
        t("<p>foo<em>bar</em> baz</p><p>next</p>"),
        "foobar baz next"
    );
    assert_eq!(t("<td>a</td><td>b</td>"), "a b");
    assert_eq!(t("a<!-- hidden -->b <!--> c <?pi x?> d"), "ab c d");
    assert_eq!(
        t("<script>var x = '</p>';</script>x<STYLE>p {}</STYLE>y"),
        "x y"
    );
    assert_eq!(t(r#"<a href="x>y" title='t'>link</a>"#), "link");
    assert_eq!(
        t("<head><title>T</title><script src='s.js'/></head>body"),
        "body"
    );
    assert_eq!(t("<script src='s.js'/>after"), "after");
    assert_eq!(t("<img alt=\"alt text\" src=\"pic.png\">"), "");
    assert_eq!(t("a &lt; b &amp;&eacute;&#233;&#x41; 3<4"), "a b ééa 3 4");
}

#[test]
fn markdown_text_applies_the_rules() {
    let keys: HashSet<String> = ["smith2000".to_string()].into();
    let t = |md: &str| words_of(&normalise(&markdown_text(md, &keys))).join(" ");
    assert_eq!(t("---\ntitle: Meta\n---\n\n# Head {#id}\n"), "head");
    assert_eq!(t("```rust,ignore\nfn x\n```\n"), "fn x");
    assert_eq!(t("[text](dest.html) ![alt](pic.png)"), "text");
    assert_eq!(t("A note[^n].\n\n[^n]: The note.\n"), "a note the note");
    assert_eq!(
        t("As [@smith2000, p. 3] and @smith2000 say, mail a@smith2000 or @other."),
        "as p 3 and say mail a smith2000 or other"
    );
    assert_eq!(t("<div>\n\n*Markdown* inside\n\n</div>"), "markdown inside");
    assert_eq!(t("Don’t — “quoted” ﬁne"), "don t quoted fine");
    assert_eq!(t("+++\ntitle = \"T\"\n+++\n\nBody\n"), "body");
    assert_eq!(t("a {{#include x.md}} \\{{#title t}}"), "a title t");
    assert_eq!(
        t("```rust,ignore\n# hidden\n##[shown]\nfn x\n```\n"),
        "shown fn x"
    );
    assert_eq!(
        t("::: {.warning}\n[words]{.c #id} [l](u){.d}\n:::\n"),
        "words l"
    );
    assert_eq!(t("<td>a[^n]</td>\n\n[^n]: Note.\n"), "a note");
}

#[test]
fn scripts_without_spaces_are_compared_per_character() {
    assert_eq!(
        words_of("中文abc日本語。한국어"),
        ["中", "文", "abc", "日", "本", "語", "한", "국", "어"]
    );
    assert_eq!(words_of(&normalise("नमस्ते a\u{00AD}b")), ["नमस्ते", "ab"]);
}

#[test]
fn pdf_hyphenation_is_undone_only_into_source_words() {
    let need: HashMap<String, usize> = [
        ("example", 1),
        ("self", 2),
        ("treatment", 2),
        ("well", 1),
        ("known", 1),
        ("wordcount", 1),
        ("word", 1),
        ("count", 1),
    ]
    .map(|(w, n)| (w.to_string(), n))
    .into();
    let compounds: HashSet<(String, String)> = [
        ("self".to_string(), "treatment".to_string()),
        ("well".to_string(), "known".to_string()),
        ("word".to_string(), "count".to_string()),
    ]
    .into();
    let words = |text: &str| {
        let mut w: Vec<(String, usize)> = pdf_counts(text, &need, &compounds)
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .collect();
        w.sort();
        w.into_iter()
            .map(|(w, n)| format!("{w}×{n}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        words("an exam-\nple of self-\ntreatment\nand well‐\nknown selftreatment"),
        "an×1 and×1 example×1 known×1 of×1 self×2 treatment×2 well×1"
    );
    // Broken without a hyphen: joined only when a piece is no source word.
    assert_eq!(
        words("exa\nmple\nself\ntreatment"),
        "example×1 self×1 treatment×1"
    );
    // The source has `word-count` and `wordcount`: each break is read as the
    // one the edition still lacks.
    assert_eq!(
        words("word-\ncount word-\ncount"),
        "count×1 word×1 wordcount×1"
    );
}

#[test]
fn note_numbers_after_a_word_are_read_apart() {
    let vocab = |w: &str| ["word", "1999", "area51"].contains(&w);
    assert_eq!(
        edition_words("word1 area51 19992 word1234 other1", &vocab),
        ["word", "1", "area51", "1999", "2", "word1234", "other1"]
    );
}

#[test]
fn a_lost_copy_of_a_word_found_elsewhere_is_missing() {
    let src = Source {
        words: ["one", "two", "one", "three"]
            .iter()
            .zip([0, 0, 1, 1])
            .map(|(w, f)| (w.to_string(), f))
            .collect(),
        files: vec!["a.md".into(), "b.md".into()],
        text: String::new(),
    };
    let have = count(["one", "two", "three", "extra"].map(String::from).to_vec());
    let m = missing(&src, &have);
    assert_eq!(m.total, 1);
    assert_eq!((m.words[0].word.as_str(), m.words[0].file), ("one", 1));
    assert_eq!((m.words[0].missing, m.words[0].of), (1, 2));
    assert!(report("b", "EPUB", &src, &m).contains("\"one\" ×1 of 2  (b.md)"));
}
