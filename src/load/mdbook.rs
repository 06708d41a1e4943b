//! An mdBook project as it is: `book.toml` for the metadata and the source folder,
//! `SUMMARY.md` (see `summary`) for the parts, their titles and nesting.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

use super::entries::role_of;
use super::files::{add_source, part_stem, read_text, safe_path};
use super::given::{find_span, Given, Layer};
use super::summary::{self, Item, Section};
use super::{Division, LoadedPart};
use crate::diag::{Code, Diagnostic, SourceId, Sources, Span};
use crate::model::PartKind;

/// `book.toml` as bookbind reads it: the `[book]` table (mdBook's other tables are
/// for its HTML renderer and preprocessors).
#[derive(Debug, Default, Deserialize)]
struct BookToml {
    #[serde(default)]
    book: BookTable,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct BookTable {
    title: Option<String>,
    authors: Option<Vec<String>>,
    description: Option<String>,
    language: Option<String>,
    src: Option<String>,
}

/// An mdBook or GitBook project: the source of its `book.toml` (if it has one),
/// the metadata its configuration gives, and the folder of its SUMMARY.md
/// (relative to the book folder).
pub(super) struct Project {
    pub source: Option<SourceId>,
    pub layer: Layer,
    pub src: String,
}

/// Reads `book.toml`; None, with an error at the fault, when it is not TOML.
pub(super) fn read_toml(
    path: &Path,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<Project> {
    let read = read_text(path, diags)?;
    let source = add_source(sources, diags, path.to_path_buf(), read);
    let text = &sources.get(source).text;
    let toml: BookToml = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let at = e.span().map_or(0, |s| s.start).min(text.len());
            diags.push(
                Diagnostic::error(
                    Code::E0002,
                    format!("invalid book.toml: {}", e.message().trim()),
                )
                .at(Span::new(source, at..(at + 1).min(text.len()))),
            );
            return None;
        }
    };
    // The `[book]` table's keys, for their lines.
    let from = text.find("[book]").unwrap_or(0);
    let range = from..text.len();
    let at = |key: &str| find_span(sources, source, range.clone(), key);
    let b = toml.book;
    let layer = Layer {
        title: b.title.map(|v| Given::new(v, at("title"))),
        authors: b.authors.map(|v| Given::new(v, at("authors"))),
        description: b.description.map(|v| Given::new(v, at("description"))),
        language: b.language.map(|v| Given::new(v, at("language"))),
        ..Layer::default()
    };
    Some(Project {
        source: Some(source),
        layer,
        src: b.src.unwrap_or_else(|| "src".to_string()),
    })
}

/// A folder with no configuration that an mdBook or GitBook still builds: an
/// mdBook's `src/SUMMARY.md` (its defaults), or GitBook's `SUMMARY.md` at the top
/// with its `book.json` (title, author, language, description). None when it has
/// neither.
pub(super) fn unconfigured(
    dir: &Path,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<Project> {
    if dir.join("src/SUMMARY.md").is_file() {
        return Some(Project {
            source: None,
            layer: Layer::default(),
            src: "src".to_string(),
        });
    }
    if !dir.join("SUMMARY.md").is_file() {
        return None;
    }
    let mut layer = Layer::default();
    let json = dir.join("book.json");
    let mut source = None;
    if json.is_file() {
        if let Some(read) = read_text(&json, diags) {
            let id = add_source(sources, diags, json.clone(), read);
            source = Some(id);
            let text = &sources.get(id).text;
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(v) => {
                    let at =
                        |key: &str| find_span(sources, id, 0..text.len(), &format!("\"{key}\""));
                    let field = |key: &str| {
                        v.get(key)
                            .and_then(|x| x.as_str())
                            .map(|x| Given::new(x.to_string(), at(key)))
                    };
                    layer.title = field("title");
                    layer.description = field("description");
                    layer.language = field("language");
                    layer.authors = field("author").map(|a| Given::new(vec![a.value], a.span));
                }
                Err(e) => diags.push(
                    Diagnostic::warning(
                        Code::W0119,
                        format!("book.json is not JSON ({e}): it is not read"),
                    )
                    .in_file(&json),
                ),
            }
        }
    }
    Some(Project {
        source,
        layer,
        src: ".".to_string(),
    })
}

/// The parts `SUMMARY.md` lists, in its order, and the part titles between them;
/// each file read once. None, with an error, when there is no `SUMMARY.md`.
pub(super) fn parts(
    dir: &Path,
    project: &Project,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<(SourceId, Vec<LoadedPart>, Vec<Division>)> {
    let src = project.src.trim_end_matches('/');
    let summary_rel = match src {
        "." | "" => "SUMMARY.md".to_string(),
        src => format!("{src}/SUMMARY.md"),
    };
    let summary_path = match safe_path(dir, &summary_rel) {
        Ok(p) => p,
        Err(_) => {
            let d = Diagnostic::error(
                Code::E0001,
                format!("`{summary_rel}` not found: an mdBook lists its chapters there"),
            )
            .hint("write a SUMMARY.md (see mdBook's guide), or list the chapters in a book.yaml");
            let toml_span = project.source.and_then(|source| {
                find_span(sources, source, 0..sources.get(source).text.len(), "src")
            });
            diags.push(match toml_span {
                Some(s) if src != "src" => d.at(s),
                _ => d.in_file(dir.join(&summary_rel)),
            });
            return None;
        }
    };
    let read = read_text(&summary_path, diags)?;
    let ssrc = add_source(sources, diags, summary_path, read);
    let items = summary::read(&sources.get(ssrc).text);
    let mut parts = Vec::new();
    let mut divisions = Vec::new();
    let mut seen = HashSet::new();
    for item in items {
        match item {
            Item::Division { title, at } => divisions.push(Division {
                before: parts.len(),
                title,
                span: Span::new(ssrc, at),
            }),
            Item::Chapter {
                section,
                title,
                path,
                depth,
                at,
            } => {
                let span = Span::new(ssrc, at);
                if path.is_empty() {
                    diags.push(
                        Diagnostic::warning(
                            Code::W0131,
                            format!("`{title}` is a draft (its link has no file): it is left out"),
                        )
                        .at(span)
                        .hint("give the link a file, `[Title](file.md)`, to bind it"),
                    );
                    continue;
                }
                let decoded = percent_decode(&path);
                let rel = format!("{src}/{}", decoded.trim_start_matches("./"));
                let file = match safe_path(dir, &rel) {
                    Ok(p) => p,
                    Err(d) => {
                        diags.push(d.at(span).hint(format!(
                            "SUMMARY.md's paths are relative to `{src}/`; mdBook creates missing files, bookbind does not"
                        )));
                        continue;
                    }
                };
                if !seen.insert(file.clone()) {
                    diags.push(
                        Diagnostic::warning(
                            Code::W0120,
                            format!(
                                "`{path}` is listed twice: it is bound where it is first listed"
                            ),
                        )
                        .at(span),
                    );
                    continue;
                }
                let kind = match section {
                    Section::Prefix => PartKind::Front,
                    Section::Numbered => PartKind::Chapter,
                    Section::Suffix => PartKind::Back,
                };
                let Some(read) = super::files::read_text_at(&file, span.clone(), diags) else {
                    continue;
                };
                let stem = part_stem(&file, &dir.join(src));
                let source = add_source(sources, diags, file.clone(), read);
                parts.push(LoadedPart {
                    kind,
                    role: role_of(kind, &stem),
                    source,
                    stem,
                    rel_path: rel_of(dir, &file),
                    title: Some(title).filter(|t| !t.is_empty()),
                    depth,
                    front_matter: 0,
                    language: None,
                    heading_from_title: false,
                });
            }
        }
    }
    Some((ssrc, parts, divisions))
}

fn rel_of(dir: &Path, file: &Path) -> String {
    file.strip_prefix(dir)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

/// `%20` → ` ` in a link's path (mdBook's links are URLs); anything that is not a
/// well-formed escape of UTF-8 stays as written.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, ..) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}
