//! CSL-JSON bibliographies (what Zotero, Mendeley, pandoc-citeproc and Manubot
//! export): each item becomes a hayagriva entry, with its container (journal,
//! book, proceedings, website) as the entry's parent, as hayagriva's own readers
//! make them.
//!
//! hayagriva reads CSL-JSON items only through citationberg's `Item`, whose
//! fields must each be a string, an integer, names or a date: a real export with
//! a float (`score`), a list of strings (`subtitle`) or an object (`relation`)
//! is refused whole. So the JSON is read with serde_json into plain values, every
//! field kept or left out on its own, and an item that cannot be read (no `id`,
//! not an object) is left out with a warning at its line. Reads no files.

use hayagriva::types::{
    Date, EntryType, FormatString, MaybeTyped, Numeric, PageRanges, Person, PersonRole,
    PersonsWithRoles, Publisher, QualifiedUrl,
};
use hayagriva::{Entry, Library};

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::diag::{Code, Diagnostic, SourceId, Span};

/// Reads a CSL-JSON file (an array of items, or one item). A file that is not
/// JSON is an error at the fault; an item that cannot be used, or repeats an id,
/// is a warning at its line (W0122) and is left out.
pub fn read(
    text: &str,
    source: SourceId,
    diags: &mut Vec<Diagnostic>,
) -> Result<Library, Diagnostic> {
    let invalid = |e: serde_json::Error| {
        let at = if e.line() == 0 {
            0
        } else {
            line_col_offset(text, e.line(), e.column())
        };
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        Diagnostic::error(Code::E0008, format!("invalid bibliography: {msg}"))
            .at(Span::new(source, at..(at + 1).min(text.len()).max(at)))
            .hint("a CSL-JSON file is an array of items: `[{\"id\": \"key\", \"type\": \"book\", \"title\": \"...\"}]`")
    };
    // Each item borrowed as written, for the place of its warnings.
    let raw: Vec<&RawValue> = match serde_json::from_str::<&RawValue>(text).map_err(invalid)? {
        r if r.get().starts_with('[') => serde_json::from_str(r.get()).map_err(invalid)?,
        r if r.get().starts_with('{') => vec![r],
        _ => {
            return Err(Diagnostic::error(
                Code::E0008,
                "invalid bibliography: a CSL-JSON file is an array of items",
            )
            .at(Span::new(source, 0..text.len().min(1))))
        }
    };
    let items = raw.into_iter().map(|r| {
        let at = r.get().as_ptr() as usize - text.as_ptr() as usize;
        (
            at,
            serde_json::from_str::<Value>(r.get()).unwrap_or(Value::Null),
        )
    });
    let mut lib = Library::new();
    for (at, item) in items {
        let warn = |why: String| {
            Diagnostic::warning(
                Code::W0122,
                format!("the bibliography item {why} and is left out"),
            )
            .at(Span::new(source, at..(at + 1).min(text.len())))
            .hint("fix the item, or remove it if nothing cites it")
        };
        let Value::Object(fields) = item else {
            diags.push(warn("is not an object".into()));
            continue;
        };
        let item = Item(fields);
        let Some(id) = item.text("id").filter(|id| !id.is_empty()) else {
            diags.push(warn("has no `id`".into()));
            continue;
        };
        if lib.get(&id).is_some() {
            diags.push(warn(format!("`{id}` repeats an id")));
            continue;
        }
        lib.push(&entry(&id, &item));
    }
    Ok(lib)
}

/// One item's fields.
struct Item(Map<String, Value>);

impl Item {
    fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    /// A string or number field, trimmed; None when absent or empty.
    fn text(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Value::Number(n) => Some(n.to_string()),
            // Crossref's exports hold some titles as lists of one string.
            Value::Array(v) => match v.first() {
                Some(Value::String(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
                _ => None,
            },
            _ => None,
        }
    }

    fn format(&self, key: &str) -> Option<FormatString> {
        self.text(key).map(FormatString::from)
    }

    fn numeric(&self, key: &str) -> Option<MaybeTyped<Numeric>> {
        self.text(key).map(|s| match s.parse::<Numeric>() {
            Ok(n) => MaybeTyped::Typed(n),
            Err(_) => MaybeTyped::String(s),
        })
    }

    fn names(&self, key: &str) -> Vec<Person> {
        let Some(Value::Array(v)) = self.get(key) else {
            return Vec::new();
        };
        v.iter().filter_map(person).collect()
    }

    fn date(&self, key: &str) -> Option<Date> {
        date(self.get(key)?)
    }
}

/// A CSL name: `{family, given, non-dropping-particle, suffix}` or `{literal}`.
fn person(n: &Value) -> Option<Person> {
    let Value::Object(fields) = n else {
        return None;
    };
    let f = Item(fields.clone());
    let name = f.text("family").or_else(|| f.text("literal"))?;
    let prefix = match (f.text("non-dropping-particle"), f.text("dropping-particle")) {
        (Some(a), Some(b)) => Some(format!("{b} {a}")),
        (a, b) => a.or(b),
    };
    Some(Person {
        name,
        given_name: f.text("given"),
        prefix,
        suffix: f.text("suffix"),
        comma_suffix: matches!(f.get("comma-suffix"), Some(Value::Bool(true))),
        alias: None,
    })
}

/// A CSL date: `{"date-parts": [[y, m, d]]}` (numbers or strings; the first of
/// a range), `{"raw": "2017-05-19"}`, or a string like `"2017-05-19"`.
fn date(v: &Value) -> Option<Date> {
    let from_parts = |parts: &[Value]| -> Option<Date> {
        let num = |i: usize| -> Option<i64> {
            match parts.get(i)? {
                Value::Number(n) => n.as_f64().map(|f| f as i64),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            }
        };
        let year = i32::try_from(num(0)?).ok()?;
        let month = num(1).filter(|m| (1..=12).contains(m)).map(|m| m as u8 - 1);
        let day = month
            .and(num(2))
            .filter(|d| (1..=31).contains(d))
            .map(|d| d as u8 - 1);
        Some(Date {
            year,
            month,
            day,
            approximate: false,
            season: None,
        })
    };
    match v {
        Value::Object(fields) => {
            let f = Item(fields.clone());
            let mut d = match f.get("date-parts") {
                Some(Value::Array(ranges)) => match ranges.first() {
                    Some(Value::Array(parts)) => from_parts(parts),
                    _ => None,
                },
                _ => None,
            }
            .or_else(|| f.text("raw").and_then(|r| date_text(&r)))
            .or_else(|| f.text("literal").and_then(|r| date_text(&r)))?;
            d.approximate = matches!(f.get("circa"), Some(Value::Bool(true)))
                || matches!(f.get("circa"), Some(Value::Number(n)) if n.as_f64() == Some(1.0));
            Some(d)
        }
        Value::String(s) => date_text(s),
        _ => None,
    }
}

/// `2017`, `2017-05`, `2017-05-19` (the first of `2017/2018`).
fn date_text(s: &str) -> Option<Date> {
    let first = s.trim().split('/').next()?.trim();
    let mut parts = first.splitn(3, '-');
    let year: i32 = parts.next()?.trim().parse().ok()?;
    let month = parts
        .next()
        .and_then(|m| m.trim().parse::<u8>().ok())
        .filter(|m| (1..=12).contains(m))
        .map(|m| m - 1);
    let day = month
        .and(parts.next())
        .and_then(|d| d.get(..2.min(d.len()))?.trim().parse::<u8>().ok())
        .filter(|d| (1..=31).contains(d))
        .map(|d| d - 1);
    Some(Date {
        year,
        month,
        day,
        approximate: false,
        season: None,
    })
}

/// What a CSL type is in hayagriva: the entry's type, and the type of the
/// container its `container-title` names (None: it has none).
fn kinds(csl_type: &str) -> (EntryType, Option<EntryType>) {
    use EntryType as T;
    match csl_type {
        "article-journal" | "article" | "review" | "review-book" => {
            (T::Article, Some(T::Periodical))
        }
        "article-magazine" => (T::Article, Some(T::Periodical)),
        "article-newspaper" => (T::Article, Some(T::Newspaper)),
        "paper-conference" => (T::Article, Some(T::Proceedings)),
        "chapter" => (T::Chapter, Some(T::Book)),
        "entry" | "entry-dictionary" | "entry-encyclopedia" => (T::Entry, Some(T::Reference)),
        "post-weblog" => (T::Article, Some(T::Blog)),
        "post" => (T::Post, Some(T::Thread)),
        "webpage" => (T::Web, Some(T::Web)),
        "book" | "classic" => (T::Book, Some(T::Book)),
        "collection" => (T::Anthology, None),
        "report" => (T::Report, Some(T::Book)),
        "thesis" => (T::Thesis, None),
        "manuscript" => (T::Manuscript, None),
        "patent" => (T::Patent, None),
        "legal_case" => (T::Case, None),
        "legislation" | "bill" | "regulation" | "treaty" | "hearing" => (T::Legislation, None),
        "motion_picture" | "broadcast" => (T::Video, Some(T::Video)),
        "song" => (T::Audio, Some(T::Audio)),
        "graphic" | "map" | "figure" => (T::Artwork, None),
        "software" | "dataset" => (T::Repository, None),
        "speech" | "performance" | "event" => (T::Performance, None),
        "standard" => (T::Report, None),
        "musical_score" => (T::Book, None),
        _ => (T::Misc, Some(T::Misc)),
    }
}

/// The hayagriva entry for one CSL item.
fn entry(id: &str, item: &Item) -> Entry {
    let csl_type = item.text("type").unwrap_or_default();
    let (kind, parent_kind) = kinds(&csl_type);
    let mut e = Entry::new(id, kind);
    let title = item.text("title");
    let short = item
        .text("title-short")
        .or_else(|| item.text("shortTitle"))
        .or_else(|| item.text("short-title"));
    match (title, short) {
        (Some(t), Some(s)) => e.set_title(FormatString::with_short(t, s)),
        (Some(t), None) => e.set_title(FormatString::from(t)),
        _ => {}
    }
    let authors = item.names("author");
    if !authors.is_empty() {
        e.set_authors(authors);
    }
    let editors = item.names("editor");
    let mut affiliated = Vec::new();
    for (field, role) in [
        ("translator", PersonRole::Translator),
        ("director", PersonRole::Director),
        ("illustrator", PersonRole::Illustrator),
        ("composer", PersonRole::Composer),
        ("collection-editor", PersonRole::Collaborator),
    ] {
        let names = item.names(field);
        if !names.is_empty() {
            affiliated.push(PersonsWithRoles::new(names, role));
        }
    }
    if !affiliated.is_empty() {
        e.set_affiliated(affiliated);
    }
    // Crossref's exports may have only the print or online date.
    if let Some(d) = item
        .date("issued")
        .or_else(|| item.date("published-print"))
        .or_else(|| item.date("published-online"))
    {
        e.set_date(d);
    }
    if let Some(p) = item.text("page").and_then(|p| p.parse::<PageRanges>().ok()) {
        e.set_page_range(MaybeTyped::Typed(p));
    }
    if let Some(n) = item.text("number-of-pages").and_then(|n| n.parse().ok()) {
        e.set_page_total(n);
    }
    if let Some(n) = item.numeric("edition") {
        e.set_edition(n);
    }
    if let Some(n) = item.numeric("chapter-number") {
        e.set_chapter(n);
    }
    if let Some(url) = item
        .text("URL")
        .or_else(|| item.text("url"))
        .and_then(|u| url::Url::parse(&u).ok())
    {
        e.set_url(QualifiedUrl::new(url, item.date("accessed")));
    }
    for (field, key) in [
        ("DOI", "doi"),
        ("ISBN", "isbn"),
        ("ISSN", "issn"),
        ("PMID", "pmid"),
        ("PMCID", "pmcid"),
    ] {
        if let Some(v) = item.text(field).or_else(|| item.text(key)) {
            e.set_keyed_serial_number(key, v);
        }
    }
    if let Some(n) = item.text("number").or_else(|| item.text("version")) {
        e.set_keyed_serial_number("serial", n);
    }
    if let Some(g) = item.format("genre") {
        e.set_genre(g);
    }
    if let Some(n) = item.format("note") {
        e.set_note(n);
    }
    if let Some(a) = item.format("abstract") {
        e.set_abstract_(a);
    }
    if let Some(a) = item.format("archive") {
        e.set_archive(a);
    }
    if let Some(a) = item.format("archive_location") {
        e.set_archive_location(a);
    }
    if let Some(c) = item.format("call-number") {
        e.set_call_number(c);
    }
    if let Some(l) = item.text("language").and_then(|l| l.parse().ok()) {
        e.set_language(l);
    }
    let place = item.format("event-place");
    let publisher = || {
        let name = item.format("publisher");
        let location = item.format("publisher-place");
        (name.is_some() || location.is_some()).then(|| Publisher::new(name, location))
    };
    // The container: a journal, the book of a chapter, the proceedings of a
    // paper, the site of a page. It carries volume, issue, editors and
    // publisher, as hayagriva's own readers put them.
    let mut parent = match (item.text("container-title"), parent_kind) {
        (Some(container), Some(pk)) => {
            let mut parent = Entry::new(&format!("{id}-container"), pk);
            match item.text("container-title-short") {
                Some(s) => parent.set_title(FormatString::with_short(container, s)),
                None => parent.set_title(FormatString::from(container)),
            }
            Some(parent)
        }
        _ => None,
    };
    let holder = parent.as_mut().unwrap_or(&mut e);
    if let Some(v) = item.numeric("volume") {
        holder.set_volume(v);
    }
    if let Some(v) = item.numeric("issue") {
        holder.set_issue(v);
    }
    if !editors.is_empty() {
        holder.set_editors(editors);
    }
    if let Some(p) = publisher() {
        holder.set_publisher(p);
    }
    if let Some(p) = place {
        holder.set_location(p);
    }
    if let Some(parent) = parent {
        e.set_parents(vec![parent]);
    }
    e
}

/// The byte offset of serde_json's 1-based line and column (in bytes).
fn line_col_offset(text: &str, line: usize, col: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + col.saturating_sub(1)).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ITEMS: &str = r#"[
 {"id": "doe2017", "type": "article-journal", "title": "On \"Things\"",
  "container-title": "Journal of Tests", "volume": "3", "issue": 2, "page": "10-20",
  "DOI": "10.1000/xyz", "URL": "https://example.org/a",
  "author": [{"family": "Doe", "given": "Jane"}, {"literal": "The Test Group"}],
  "issued": {"date-parts": [["2017", 5, 19]]}, "accessed": {"date-parts": [[2018, 1, 2]]},
  "score": 4.5, "subtitle": ["A subtitle"], "relation": {"cites": []}, "funder": [{"name": "X"}]},
 {"id": "smith", "type": "chapter", "title": "A Chapter", "container-title": "The Book",
  "editor": [{"family": "Smith", "given": "Al", "non-dropping-particle": "van"}],
  "publisher": "Press", "publisher-place": "Paris", "issued": {"raw": "1999-03"}},
 {"type": "book", "title": "No id"},
 {"id": "doe2017", "type": "book", "title": "Again"},
 {"id": "web", "type": "webpage", "title": "A page \u00e9\ud83d\ude00", "URL": "https://example.org/p"}
]"#;

    #[test]
    fn a_real_export_is_read_field_by_field() {
        let mut d = Vec::new();
        let lib = read(ITEMS, SourceId(0), &mut d).expect("read");
        assert_eq!(lib.len(), 3, "{:?}", lib.keys().collect::<Vec<_>>());
        let a = lib.get("doe2017").unwrap();
        assert_eq!(a.entry_type(), &EntryType::Article);
        assert_eq!(a.title().unwrap().value.to_string(), "On \"Things\"");
        let authors = a.authors().unwrap();
        assert_eq!(authors[0].name, "Doe");
        assert_eq!(authors[0].given_name.as_deref(), Some("Jane"));
        assert_eq!(authors[1].name, "The Test Group");
        let date = a.date().unwrap();
        assert_eq!((date.year, date.month, date.day), (2017, Some(4), Some(18)));
        assert_eq!(a.keyed_serial_number("doi"), Some("10.1000/xyz"));
        let journal = &a.parents()[0];
        assert_eq!(journal.entry_type(), &EntryType::Periodical);
        assert_eq!(
            journal.title().unwrap().value.to_string(),
            "Journal of Tests"
        );
        assert_eq!(journal.volume().unwrap().to_str(), "3");
        assert_eq!(journal.issue().unwrap().to_str(), "2");
        assert!(a.page_range().is_some());
        let url = a.url().unwrap();
        assert_eq!(url.visit_date.map(|d| d.year), Some(2018));
        let c = lib.get("smith").unwrap();
        let book = &c.parents()[0];
        assert_eq!(book.entry_type(), &EntryType::Book);
        assert_eq!(book.editors().unwrap()[0].prefix.as_deref(), Some("van"));
        assert!(book.publisher().is_some());
        assert_eq!(c.date().unwrap().month, Some(2));
        let w = lib.get("web").unwrap();
        assert_eq!(w.title().unwrap().value.to_string(), "A page é😀");
        // The item without an id and the repeated id: a warning each, at their lines.
        let lines: Vec<usize> = d
            .iter()
            .map(|d| {
                ITEMS[..d.span.as_ref().unwrap().range.start]
                    .matches('\n')
                    .count()
                    + 1
            })
            .collect();
        assert_eq!(lines, [11, 12], "{d:?}");
        assert!(d.iter().all(|d| d.code == Code::W0122));
    }

    #[test]
    fn a_file_that_is_not_json_is_an_error_at_the_fault() {
        let mut d = Vec::new();
        let e = read("[{\"id\": \"a\",\n \"title\": }]", SourceId(0), &mut d).unwrap_err();
        assert_eq!(e.code, Code::E0008);
        assert_eq!(e.span.unwrap().range.start, 23);
        assert!(read(&"[".repeat(1000), SourceId(0), &mut d).is_err());
    }

    #[test]
    fn dates_are_read_in_every_form() {
        let d = date_text("2017-05-19").unwrap();
        assert_eq!((d.year, d.month, d.day), (2017, Some(4), Some(18)));
        assert_eq!(date_text("2017").unwrap().month, None);
        assert_eq!(date_text("2010/2012").unwrap().year, 2010);
        assert!(date_text("spring").is_none());
    }
}
