//! The metadata block at the top of a Markdown file: YAML between `---` lines
//! (pandoc, Jekyll, Hugo, VitePress) or TOML between `+++` lines (Hugo). It is
//! never printed. Its `title` titles the part; in the book's first file its other
//! keys fill in what `book.yaml` and `book.toml` do not give.
//!
//! A `---` block that is not a YAML mapping is Markdown (a rule and text), as pandoc
//! reads it. A `+++` block that is not TOML is printed, with a warning (W0119).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::given::{find_span, Given, Layer};
use crate::diag::{Code, Diagnostic, SourceId, Sources, Span};

/// What a file's metadata block gave.
#[derive(Debug, Default)]
pub(super) struct FrontMatter {
    /// Its length in bytes (with its closing line): the Markdown starts after it.
    pub len: usize,
    /// The keys a book takes from its first file.
    pub layer: Layer,
}

/// A metadata value of any shape.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Val {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(#[allow(dead_code)] bool),
    List(Vec<Val>),
    Map(BTreeMap<String, Val>),
}

impl Val {
    /// The value as one line of text; a list's first item; an author map's name.
    fn text(&self) -> Option<String> {
        match self {
            Val::Str(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Val::Int(i) => Some(i.to_string()),
            Val::Float(f) => Some(f.to_string()),
            Val::Bool(_) => None,
            Val::List(v) => v.iter().find_map(Val::text),
            Val::Map(m) => ["name", "literal", "text", "title"]
                .iter()
                .find_map(|k| m.get(*k).and_then(Val::text)),
        }
    }

    /// The value as a list of texts (`author: [A, B]`, `author: A`, `tags: a, b`
    /// stays one).
    fn texts(&self) -> Vec<String> {
        match self {
            Val::List(v) => v.iter().filter_map(Val::text).collect(),
            other => other.text().into_iter().collect(),
        }
    }

    fn from_toml(v: toml::Value) -> Val {
        match v {
            toml::Value::String(s) => Val::Str(s),
            toml::Value::Integer(i) => Val::Int(i),
            toml::Value::Float(f) => Val::Float(f),
            toml::Value::Boolean(b) => Val::Bool(b),
            toml::Value::Datetime(d) => Val::Str(d.to_string()),
            toml::Value::Array(a) => Val::List(a.into_iter().map(Val::from_toml).collect()),
            toml::Value::Table(t) => {
                Val::Map(t.into_iter().map(|(k, v)| (k, Val::from_toml(v))).collect())
            }
        }
    }
}

/// Reads the metadata block at the top of `source`, if it has one.
pub(super) fn read(
    source: SourceId,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<FrontMatter> {
    let text = &sources.get(source).text;
    let (fence, closers): (&str, &[&str]) = if first_line(text) == "---" {
        ("---", &["---", "..."])
    } else if first_line(text) == "+++" {
        ("+++", &["+++"])
    } else {
        return None;
    };
    let body_start = text.find('\n')? + 1;
    let mut at = body_start;
    let mut end = None;
    for line in text[body_start..].split_inclusive('\n') {
        if closers.contains(&line.trim_end()) {
            end = Some((at, at + line.len()));
            break;
        }
        at += line.len();
    }
    let (body_end, len) = end?;
    let body = &text[body_start..body_end];
    let map: BTreeMap<String, Val> = if fence == "---" {
        // Not a mapping: Markdown, as pandoc reads it.
        serde_saphyr::from_str(body).ok()?
    } else {
        match toml::from_str::<toml::Table>(body) {
            Ok(t) => t.into_iter().map(|(k, v)| (k, Val::from_toml(v))).collect(),
            Err(e) => {
                let off = e.span().map_or(0, |s| s.start);
                let at = (body_start + off).min(text.len());
                diags.push(
                    Diagnostic::warning(
                        Code::W0119,
                        format!(
                            "the `+++` block at the top of this file is not TOML ({}): it is printed as text",
                            e.message().trim()
                        ),
                    )
                    .at(Span::new(source, at..(at + 1).min(text.len()))),
                );
                return None;
            }
        }
    };
    let range = body_start..body_end;
    let at = |key: &str| {
        find_span(sources, source, range.clone(), &format!("{key}:"))
            .or_else(|| find_span(sources, source, range.clone(), &format!("{key} =")))
            .or_else(|| find_span(sources, source, range.clone(), key))
    };
    let one = |keys: &[&str]| {
        keys.iter().find_map(|k| {
            map.get(*k)
                .and_then(Val::text)
                .map(|v| Given::new(v, at(k)))
        })
    };
    let many = |keys: &[&str]| {
        keys.iter().find_map(|k| {
            map.get(*k)
                .map(Val::texts)
                .filter(|v| !v.is_empty())
                .map(|v| Given::new(v, at(k)))
        })
    };
    let layer = Layer {
        title: one(&["title"]),
        subtitle: one(&["subtitle"]),
        authors: many(&["author", "authors"]),
        // Only a date bookbind can read dates the book; a site's `date: last
        // Monday` is the site's business.
        date: one(&["date"])
            .map(|d| Given::new(d.value.chars().take(10).collect::<String>(), d.span))
            .filter(|d| crate::date::parse_date(&d.value).is_some()),
        language: one(&["lang", "language"]),
        description: one(&["description", "abstract"]),
        identifier: one(&["identifier", "isbn"]),
        identifiers: many(&["identifiers"]),
        publisher: one(&["publisher"]),
        rights: one(&["rights", "copyright"]),
        subjects: many(&["subject", "keywords"]),
        bibliography: one(&["bibliography"]),
        citation_style: one(&["csl", "citation-style"]),
        cover: one(&["cover-image", "cover"]),
    };
    Some(FrontMatter { len, layer })
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim_end()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn front(text: &str) -> (Option<FrontMatter>, Vec<Diagnostic>) {
        let mut sources = Sources::default();
        let id = sources.add("a.md".into(), text.into());
        let mut diags = Vec::new();
        (read(id, &sources, &mut diags), diags)
    }

    #[test]
    fn yaml_and_toml_blocks_give_their_keys_and_length() {
        let t = "---\ntitle: A *title*\nauthor:\n  - name: Ann\n  - Bob\ndate: 2019-01-08\nlang: fr\ntags: a, b\n---\n\n# H\n";
        let (f, d) = front(t);
        let f = f.unwrap();
        assert!(d.is_empty());
        assert_eq!(&t[f.len..], "\n# H\n");
        assert_eq!(f.layer.title.unwrap().value, "A *title*");
        assert_eq!(f.layer.authors.unwrap().value, ["Ann", "Bob"]);
        assert_eq!(f.layer.date.unwrap().value, "2019-01-08");
        assert_eq!(f.layer.language.unwrap().value, "fr");
        let t = "+++\ntitle = \"Covenant\"\ndate = 2019-01-08T10:00:00Z\n+++\nText\n";
        let f = front(t).0.unwrap();
        assert_eq!(&t[f.len..], "Text\n");
        assert_eq!(f.layer.title.unwrap().value, "Covenant");
        assert_eq!(f.layer.date.unwrap().value, "2019-01-08");
    }

    #[test]
    fn a_rule_and_prose_are_no_metadata_block_and_bad_toml_is_a_warning() {
        assert!(front("---\nJust prose, not YAML: at all: here\n---\n")
            .0
            .is_none());
        assert!(front("---\nno end\n").0.is_none());
        let (f, d) = front("+++\ntitle = \n+++\n");
        assert!(f.is_none());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "W0119");
    }
}
