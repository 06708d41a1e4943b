//! CSL-JSON bibliographies (what Zotero, Mendeley, pandoc-citeproc and Manubot
//! export): each item becomes a hayagriva entry, with its container (journal,
//! book, proceedings, website) as the entry's parent, as hayagriva's own readers
//! make them.
//!
//! hayagriva reads CSL-JSON items only through citationberg's `Item`, whose
//! fields must each be a string, an integer, names or a date: a real export with
//! a float (`score`), a list of strings (`subtitle`) or an object (`relation`)
//! is refused whole. So the JSON is read here, every field kept or left out on
//! its own, and an item that cannot be read (no `id`, not an object) is left out
//! with a warning at its line. Reads no files.

use hayagriva::types::{
    Date, EntryType, FormatString, MaybeTyped, Numeric, PageRanges, Person, PersonRole,
    PersonsWithRoles, Publisher, QualifiedUrl,
};
use hayagriva::{Entry, Library};

use crate::diag::{Code, Diagnostic, SourceId, Span};

/// Reads a CSL-JSON file (an array of items, or one item). A file that is not
/// JSON is an error at the fault; an item that cannot be used, or repeats an id,
/// is a warning at its line (W0122) and is left out.
pub fn read(
    text: &str,
    source: SourceId,
    diags: &mut Vec<Diagnostic>,
) -> Result<Library, Diagnostic> {
    let mut p = Parser {
        s: text.as_bytes(),
        at: 0,
        depth: 0,
    };
    let top = p.document().map_err(|(at, msg)| {
        let at = at.min(text.len());
        Diagnostic::error(Code::E0008, format!("invalid bibliography: {msg}"))
            .at(Span::new(source, at..(at + 1).min(text.len()).max(at)))
            .hint("a CSL-JSON file is an array of items: `[{\"id\": \"key\", \"type\": \"book\", \"title\": \"...\"}]`")
    })?;
    let items = match top {
        (_, Json::List(items)) => items,
        item @ (_, Json::Map(_)) => vec![item],
        _ => {
            return Err(Diagnostic::error(
                Code::E0008,
                "invalid bibliography: a CSL-JSON file is an array of items",
            )
            .at(Span::new(source, 0..text.len().min(1))))
        }
    };
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
        let Json::Map(fields) = item else {
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

/// A JSON value. Numbers are kept as written.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    /// Each element with the byte offset where it starts.
    List(Vec<(usize, Json)>),
    Map(Vec<(String, Json)>),
}

/// One item's fields.
struct Item(Vec<(String, Json)>);

impl Item {
    fn get(&self, key: &str) -> Option<&Json> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// A string or number field, trimmed; None when absent or empty.
    fn text(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Json::Str(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Json::Num(n) => Some(n.clone()),
            // Crossref's exports hold some titles as lists of one string.
            Json::List(v) => match v.first() {
                Some((_, Json::Str(s))) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
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
        let Some(Json::List(v)) = self.get(key) else {
            return Vec::new();
        };
        v.iter().filter_map(|(_, n)| person(n)).collect()
    }

    fn date(&self, key: &str) -> Option<Date> {
        date(self.get(key)?)
    }
}

/// A CSL name: `{family, given, non-dropping-particle, suffix}` or `{literal}`.
fn person(n: &Json) -> Option<Person> {
    let Json::Map(fields) = n else {
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
        comma_suffix: matches!(f.get("comma-suffix"), Some(Json::Bool(true))),
        alias: None,
    })
}

/// A CSL date: `{"date-parts": [[y, m, d]]}` (numbers or strings; the first of
/// a range), `{"raw": "2017-05-19"}`, or a string like `"2017-05-19"`.
fn date(v: &Json) -> Option<Date> {
    let from_parts = |parts: &[(usize, Json)]| -> Option<Date> {
        let num = |i: usize| -> Option<i64> {
            match &parts.get(i)?.1 {
                Json::Num(n) => n.parse::<f64>().ok().map(|f| f as i64),
                Json::Str(s) => s.trim().parse().ok(),
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
        Json::Map(fields) => {
            let f = Item(fields.clone());
            let mut d = match f.get("date-parts") {
                Some(Json::List(ranges)) => match ranges.first() {
                    Some((_, Json::List(parts))) => from_parts(parts),
                    _ => None,
                },
                _ => None,
            }
            .or_else(|| f.text("raw").and_then(|r| date_text(&r)))
            .or_else(|| f.text("literal").and_then(|r| date_text(&r)))?;
            d.approximate = matches!(f.get("circa"), Some(Json::Bool(true)))
                || matches!(f.get("circa"), Some(Json::Num(n)) if n == "1");
            Some(d)
        }
        Json::Str(s) => date_text(s),
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

/// A small JSON reader (RFC 8259) that keeps where each array element starts.
struct Parser<'a> {
    s: &'a [u8],
    at: usize,
    depth: usize,
}

/// Deep enough for any bibliography; a deeper file is refused, not a crash.
const MAX_DEPTH: usize = 64;

type Parsed<T> = Result<T, (usize, String)>;

impl Parser<'_> {
    fn document(&mut self) -> Parsed<(usize, Json)> {
        // A byte-order mark is no part of the JSON.
        if self.s.starts_with("\u{feff}".as_bytes()) {
            self.at = 3;
        }
        self.ws();
        let start = self.at;
        let v = self.value()?;
        self.ws();
        if self.at < self.s.len() {
            return Err((self.at, "text after the JSON value".into()));
        }
        Ok((start, v))
    }

    fn ws(&mut self) {
        while self
            .s
            .get(self.at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }

    fn expect(&mut self, b: u8) -> Parsed<()> {
        self.ws();
        if self.s.get(self.at) == Some(&b) {
            self.at += 1;
            Ok(())
        } else {
            Err((self.at, format!("expected `{}`", b as char)))
        }
    }

    fn value(&mut self) -> Parsed<Json> {
        self.ws();
        match self.s.get(self.at) {
            Some(b'{') => self.nested(|p| p.object()),
            Some(b'[') => self.nested(|p| p.array()),
            Some(b'"') => self.string().map(Json::Str),
            Some(b't') => self.word("true", Json::Bool(true)),
            Some(b'f') => self.word("false", Json::Bool(false)),
            Some(b'n') => self.word("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => Ok(self.number()),
            Some(_) => Err((self.at, "expected a JSON value".into())),
            None => Err((self.at, "the file ends inside a JSON value".into())),
        }
    }

    fn nested(&mut self, f: impl FnOnce(&mut Self) -> Parsed<Json>) -> Parsed<Json> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err((self.at, "nested too deep".into()));
        }
        let v = f(self);
        self.depth -= 1;
        v
    }

    fn word(&mut self, w: &str, v: Json) -> Parsed<Json> {
        if self.s[self.at..].starts_with(w.as_bytes()) {
            self.at += w.len();
            Ok(v)
        } else {
            Err((self.at, "expected a JSON value".into()))
        }
    }

    fn number(&mut self) -> Json {
        let start = self.at;
        while self
            .s
            .get(self.at)
            .is_some_and(|b| matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
        {
            self.at += 1;
        }
        Json::Num(String::from_utf8_lossy(&self.s[start..self.at]).into_owned())
    }

    fn array(&mut self) -> Parsed<Json> {
        self.at += 1;
        let mut v = Vec::new();
        self.ws();
        if self.s.get(self.at) == Some(&b']') {
            self.at += 1;
            return Ok(Json::List(v));
        }
        loop {
            self.ws();
            let start = self.at;
            v.push((start, self.value()?));
            self.ws();
            match self.s.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Json::List(v));
                }
                _ => return Err((self.at, "expected `,` or `]`".into())),
            }
        }
    }

    fn object(&mut self) -> Parsed<Json> {
        self.at += 1;
        let mut fields = Vec::new();
        self.ws();
        if self.s.get(self.at) == Some(&b'}') {
            self.at += 1;
            return Ok(Json::Map(fields));
        }
        loop {
            self.ws();
            if self.s.get(self.at) != Some(&b'"') {
                return Err((self.at, "expected a field name in double quotes".into()));
            }
            let key = self.string()?;
            self.expect(b':')?;
            let v = self.value()?;
            fields.push((key, v));
            self.ws();
            match self.s.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Json::Map(fields));
                }
                _ => return Err((self.at, "expected `,` or `}`".into())),
            }
        }
    }

    /// A string from its opening quote; escapes decoded (`\u` pairs too).
    fn string(&mut self) -> Parsed<String> {
        let open = self.at;
        self.at += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(&b) = self.s.get(self.at) else {
                return Err((open, "a string is not closed".into()));
            };
            self.at += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let Some(&e) = self.s.get(self.at) else {
                        return Err((open, "a string is not closed".into()));
                    };
                    self.at += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err((self.at - 2, "an unknown escape in a string".into())),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                b => out.push(b),
            }
        }
        // The file is UTF-8 (load checked it), and escapes add whole characters.
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    fn hex4(&mut self) -> Parsed<u32> {
        let digits = self
            .s
            .get(self.at..self.at + 4)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or((self.at, "a bad `\\u` escape".to_string()))?;
        self.at += 4;
        Ok(digits)
    }

    fn unicode_escape(&mut self) -> Parsed<char> {
        let hi = self.hex4()?;
        let code = if (0xd800..0xdc00).contains(&hi) && self.s[self.at..].starts_with(b"\\u") {
            self.at += 2;
            let lo = self.hex4()?;
            0x10000 + ((hi - 0xd800) << 10) + (lo.wrapping_sub(0xdc00) & 0x3ff)
        } else {
            hi
        };
        Ok(char::from_u32(code).unwrap_or('\u{fffd}'))
    }
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
