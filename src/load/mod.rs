//! Load: `book.yaml` and every file it names, into `Sources` with typed settings.
//!
//! Reads files and checks paths; does not parse Markdown. Every problem becomes a
//! diagnostic at the manifest line or the file at fault, and loading goes on so
//! that one run reports them all.

pub mod clean;
mod entries;
mod files;
pub mod manifest;
pub mod memory;
mod metadata;
mod settings;

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic, SourceId, Sources, Span};
use crate::model::{PartKind, Role};
pub use files::safe_path;
use files::{add_source, next_char, read_text, read_text_at};
use manifest::Manifest;
use metadata::newest_mtime;
use serde_saphyr::Spanned;
pub use settings::{parse_length, parse_trim};

/// A book as read from disk: metadata and the files of its parts, not yet parsed.
#[derive(Debug)]
pub struct Loaded {
    pub dir: PathBuf,
    pub manifest_source: SourceId,
    /// The book's metadata, final: resolve hands it to the model as it is.
    pub meta: crate::model::Metadata,
    pub title_page: bool,
    pub parts: Vec<LoadedPart>,
    pub bibliography: Option<Bibliography>,
    pub citation_style: Spanned<String>,
    pub cover: Option<(PathBuf, Vec<u8>, Span)>,
    pub embed_fonts: bool,
    pub pdf: crate::model::PdfSettings,
}

#[derive(Debug)]
pub struct LoadedPart {
    pub kind: PartKind,
    pub role: Role,
    pub source: SourceId,
    /// File stem, the base of the part's id.
    pub stem: String,
    /// Path relative to the book folder, with `/` separators (for links between parts).
    pub rel_path: String,
    pub title: Option<String>,
}

#[derive(Debug)]
pub struct Bibliography {
    pub source: SourceId,
    pub format: BibFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BibFormat {
    HayagrivaYaml,
    BibLatex,
    /// CSL-JSON (`.json`), as Zotero, pandoc and Manubot write it.
    CslJson,
}

/// Loads the book in `dir`. `source_date_epoch` overrides every date source.
pub fn load(
    dir: &Path,
    source_date_epoch: Option<i64>,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<Loaded> {
    let (msrc, m) = read_manifest(dir, sources, diags)?;
    let (mut meta, date) = metadata::read(&m, msrc, sources, diags);
    let lists = [
        (PartKind::Front, m.front),
        (PartKind::Chapter, m.chapters),
        (PartKind::Back, m.back),
    ];
    let parts = entries::parts(dir, lists, &m.title, msrc, sources, diags);
    let bibliography = m
        .bibliography
        .and_then(|b| bibliography(dir, &b, msrc, sources, diags));
    let cover = m.cover.and_then(|c| cover(dir, &c, msrc, sources, diags));
    let citation_style = m.citation_style.unwrap_or_else(|| Spanned {
        value: "apa".to_string(),
        referenced: m.title.referenced,
        defined: m.title.defined,
    });
    let pdf = settings::print_settings(m.pdf, dir, msrc, sources, diags);
    let embed_fonts = settings::embed_fonts(&m.epub, msrc, sources, diags);
    // Last: with no date given, the newest of every file read dates the book.
    meta.modified = source_date_epoch
        .or(date)
        .unwrap_or_else(|| newest_mtime(sources));
    Some(Loaded {
        dir: dir.to_path_buf(),
        manifest_source: msrc,
        meta,
        title_page: m.title_page.unwrap_or(true),
        parts,
        bibliography,
        citation_style,
        cover,
        embed_fonts,
        pdf,
    })
}

/// `book.yaml` read into the sources and parsed; None, with an error at the
/// fault, when the folder, the file or its YAML is not there or not right.
fn read_manifest(
    dir: &Path,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<(SourceId, Manifest)> {
    let manifest_path = dir.join("book.yaml");
    if !dir.is_dir() {
        diags.push(
            Diagnostic::error(
                Code::E0001,
                format!("book folder `{}` not found", dir.display()),
            )
            .hint("give the folder that holds book.yaml, or run `bookbind init NEW_DIR`"),
        );
        return None;
    }
    let read = read_text(&manifest_path, diags)?;
    let msrc = add_source(sources, diags, manifest_path.clone(), read);
    match manifest::parse(&sources.get(msrc).text) {
        Ok(m) => Some((msrc, m)),
        Err((msg, loc)) => {
            let mut d = Diagnostic::error(Code::E0002, format!("invalid book.yaml: {msg}"));
            d = match loc {
                Some((l, c)) => {
                    let off = sources.offset_of(msrc, l, c);
                    d.at(Span::new(
                        msrc,
                        off..next_char(&sources.get(msrc).text, off),
                    ))
                }
                None => d.in_file(&manifest_path),
            };
            diags.push(d);
            None
        }
    }
}

/// Where a manifest value is: from its first character to the end of its line.
fn span_of<T>(sources: &Sources, msrc: SourceId, s: &Spanned<T>) -> Span {
    let off = sources.offset_of(
        msrc,
        s.referenced.line() as usize,
        s.referenced.column() as usize,
    );
    let len = sources.get(msrc).text[off..]
        .find('\n')
        .unwrap_or(sources.get(msrc).text.len() - off);
    Span::new(
        msrc,
        off..off + len.max(1).min(sources.get(msrc).text.len() - off),
    )
}

/// The bibliography the manifest names, read, in the format its extension gives.
fn bibliography(
    dir: &Path,
    b: &Spanned<String>,
    msrc: SourceId,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<Bibliography> {
    let span = span_of(sources, msrc, b);
    let path = safe_path(dir, &b.value)
        .map_err(|e| diags.push(e.at(span.clone())))
        .ok()?;
    let format = match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .as_deref()
    {
        Some("yaml") | Some("yml") => BibFormat::HayagrivaYaml,
        Some("bib") | Some("bibtex") | Some("biblatex") => BibFormat::BibLatex,
        Some("json") => BibFormat::CslJson,
        _ => {
            diags.push(
                Diagnostic::error(Code::E0008, "unknown bibliography format")
                    .at(span)
                    .hint("use hayagriva YAML (`.yaml`), BibLaTeX or BibTeX (`.bib`), or CSL-JSON (`.json`)"),
            );
            return None;
        }
    };
    let read = read_text_at(&path, span, diags)?;
    let source = add_source(sources, diags, path, read);
    Some(Bibliography { source, format })
}

/// The cover image the manifest names, as bytes (resolve sniffs what they are).
fn cover(
    dir: &Path,
    c: &Spanned<String>,
    msrc: SourceId,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<(PathBuf, Vec<u8>, Span)> {
    let span = span_of(sources, msrc, c);
    let path = safe_path(dir, &c.value)
        .map_err(|e| diags.push(e.at(span.clone())))
        .ok()?;
    match std::fs::read(&path) {
        Ok(bytes) => Some((path, bytes, span)),
        Err(e) => {
            diags.push(
                Diagnostic::error(Code::E0011, format!("cannot read cover `{}`: {e}", c.value))
                    .at(span),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loads a book made of `files` (book.yaml among them) from a fresh folder.
    /// Each diagnostic as `CODE file:line:col message`, the folder left out.
    fn load_book(files: &[(&str, &str)]) -> (Option<Loaded>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        for (p, text) in files {
            let path = dir.path().join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let mut sources = Sources::default();
        let mut diags = Vec::new();
        let loaded = load(dir.path(), Some(0), &mut sources, &mut diags);
        let folder = format!("{}/", dir.path().display());
        let shown = diags
            .iter()
            .map(|d| {
                let at = d.location(&sources).unwrap_or_default();
                format!("{} {} {}", d.code, at.replace(&folder, ""), d.message)
            })
            .collect();
        (loaded, shown)
    }

    fn with_chapters(manifest: &str) -> (Option<Loaded>, Vec<String>) {
        load_book(&[
            ("book.yaml", manifest),
            ("chapters/01.md", "# One\n"),
            ("chapters/02.md", "# Two\n"),
        ])
    }

    fn stems(l: &Loaded) -> Vec<&str> {
        l.parts.iter().map(|p| p.stem.as_str()).collect()
    }

    #[test]
    fn a_path_listed_after_a_glob_that_bound_it_is_a_warning_at_its_line() {
        let (l, d) = with_chapters(
            "title: T\nchapters:\n  - chapters/*.md\n  - file: chapters/02.md\n    title: X\n",
        );
        let l = l.unwrap();
        assert_eq!(stems(&l), ["01", "02"]);
        assert_eq!(l.parts[1].title, None);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].starts_with("W0120 book.yaml:4:5 "), "{d:?}");
        assert!(
            d[0].contains("chapters/02.md") && d[0].contains("`X`"),
            "{d:?}"
        );
    }

    #[test]
    fn a_path_listed_twice_is_a_warning_at_the_second_even_across_lists() {
        let (l, d) = with_chapters(
            "title: T\nfront:\n  - chapters/01.md\nchapters:\n  - chapters/01.md\n  - chapters/02.md\n",
        );
        let l = l.unwrap();
        assert_eq!(stems(&l), ["01", "02"]);
        assert_eq!(l.parts[0].kind, PartKind::Front);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].starts_with("W0120 book.yaml:5:5 "), "{d:?}");
    }

    #[test]
    fn a_glob_binds_the_files_not_listed_before_it_without_a_warning() {
        let (l, d) = with_chapters("title: T\nchapters:\n  - chapters/02.md\n  - chapters/*.md\n");
        assert_eq!(stems(&l.unwrap()), ["02", "01"]);
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn author_and_authors_together_are_an_error_at_the_second() {
        let (l, d) =
            with_chapters("title: T\nauthors: [A]\nauthor: B\nchapters: [chapters/*.md]\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].starts_with("E0002 book.yaml:3:9 "), "{d:?}");
        assert_eq!(l.unwrap().meta.authors, ["A"]);
        let (l, d) = with_chapters("title: T\nauthor: B\nchapters: [chapters/*.md]\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(l.unwrap().meta.authors, ["B"]);
    }

    #[test]
    fn leading_outside_one_to_three_is_an_error_at_its_value() {
        for (leading, shown) in [("5", "`5`"), ("0.5", "`0.5`"), (".nan", "`.nan`")] {
            let manifest =
                format!("title: T\nchapters: [chapters/*.md]\npdf:\n  leading: {leading}\n");
            let (_, d) = with_chapters(&manifest);
            assert_eq!(d.len(), 1, "{d:?}");
            assert!(d[0].starts_with("E0003 book.yaml:4:12 "), "{d:?}");
            assert!(d[0].contains(shown), "{d:?}");
        }
        let (l, d) = with_chapters("title: T\nchapters: [chapters/*.md]\npdf:\n  leading: 1.5\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(l.unwrap().pdf.leading, 1.5);
    }

    #[test]
    fn margins_too_wide_for_the_default_trim_are_an_error_at_the_margins() {
        let (_, d) = with_chapters(
            "title: T\nchapters: [chapters/*.md]\npdf:\n  margins: {inner: 4in, outer: 4in}\n",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].starts_with("E0003 book.yaml:4:20 "), "{d:?}");
        assert!(d[0].contains("6x9"), "{d:?}");
        let (_, d) = with_chapters(
            "title: T\nchapters: [chapters/*.md]\npdf:\n  margins:\n    bottom: 6in\n",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].starts_with("E0003 book.yaml:5:13 "), "{d:?}");
        // Wide margins the page has room for are fine.
        let (l, d) = with_chapters(
            "title: T\nchapters: [chapters/*.md]\npdf:\n  margins: {inner: 2in, outer: 1.5in}\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(l.unwrap().pdf.inner, 144.0);
    }

    #[test]
    fn margins_too_wide_for_the_trim_given_are_an_error_at_the_trim() {
        let (_, d) = with_chapters(
            "title: T\nchapters: [chapters/*.md]\npdf:\n  trim: 4x6\n  margins: {inner: 2in}\n",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].starts_with("E0003 book.yaml:4:9 "), "{d:?}");
    }
}
