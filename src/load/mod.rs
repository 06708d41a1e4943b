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
use entries::expand;
pub use files::safe_path;
use files::{add_source, next_char, read_text, read_text_at};
use manifest::Manifest;
use metadata::{newest_mtime, stable_uuid, valid_language_tag};
use serde_saphyr::Spanned;
use settings::print_settings;
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
}

/// Loads the book in `dir`. `source_date_epoch` overrides every date source.
pub fn load(
    dir: &Path,
    source_date_epoch: Option<i64>,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<Loaded> {
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
    let m = match manifest::parse(&sources.get(msrc).text) {
        Ok(m) => m,
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
            return None;
        }
    };
    let span_of = |sources: &Sources, s: &Spanned<String>| -> Span {
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
    };

    let Manifest {
        mut title,
        mut subtitle,
        authors,
        author,
        language,
        mut identifier,
        mut publisher,
        mut rights,
        mut description,
        subjects,
        date,
        bibliography,
        citation_style,
        cover,
        title_page,
        front,
        chapters,
        back,
        epub,
        pdf,
    } = m;

    let mut authors: Vec<String> = authors.or(author).map(|a| a.into_vec()).unwrap_or_default();
    let mut subjects: Vec<String> = subjects.map(|s| s.into_vec()).unwrap_or_default();
    // The file itself is clean by now; YAML escapes (`"\a"`, `"\x07"`) can still
    // put control characters into values.
    let removed: usize = [&mut title.value]
        .into_iter()
        .chain(subtitle.iter_mut())
        .chain(identifier.iter_mut())
        .chain(publisher.iter_mut())
        .chain(rights.iter_mut())
        .chain(description.iter_mut())
        .chain(authors.iter_mut())
        .chain(subjects.iter_mut())
        .map(clean::strip_in_place)
        .sum();
    if removed > 0 {
        diags.push(
            Diagnostic::warning(
                Code::W0108,
                format!(
                    "{removed} control character{} removed from the metadata in `{}`",
                    if removed == 1 { "" } else { "s" },
                    manifest_path.display()
                ),
            )
            .in_file(&manifest_path)
            .hint("an escape such as `\\a` or `\\x07` in a quoted YAML string makes one"),
        );
    }
    let language = match language {
        Some(l) => {
            if !valid_language_tag(&l.value) {
                diags.push(
                    Diagnostic::error(Code::E0003, format!("`{}` is not a language tag", l.value))
                        .at(span_of(sources, &l))
                        .hint("use a BCP 47 tag such as `en`, `en-GB` or `fr`"),
                );
            }
            l.value
        }
        None => "en".to_string(),
    };
    let date_epoch = match &date {
        Some(d) => match crate::date::parse_date(&d.value) {
            Some(secs) => Some(secs),
            None => {
                diags.push(
                    Diagnostic::error(Code::E0003, format!("`{}` is not a date", d.value))
                        .at(span_of(sources, d))
                        .hint("write dates as YYYY-MM-DD"),
                );
                None
            }
        },
        None => None,
    };

    let mut parts = Vec::new();
    let mut seen: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    for (kind, entries) in [
        (PartKind::Front, front),
        (PartKind::Chapter, chapters),
        (PartKind::Back, back),
    ] {
        expand(
            dir, kind, entries, msrc, sources, diags, &mut seen, &mut parts, &span_of,
        );
    }
    if parts.iter().all(|p| p.kind != PartKind::Chapter) {
        diags.push(
            Diagnostic::error(Code::E0013, "the book has no chapters")
                .at(span_of(sources, &title))
                .hint("list chapter files under `chapters:`, e.g. `chapters: [chapters/*.md]`"),
        );
    }

    let bibliography = bibliography.and_then(|b| {
        let span = span_of(sources, &b);
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
            Some("bib") => BibFormat::BibLatex,
            _ => {
                diags.push(
                    Diagnostic::error(Code::E0008, "unknown bibliography format")
                        .at(span)
                        .hint("use hayagriva YAML (`.yaml`) or BibLaTeX (`.bib`)"),
                );
                return None;
            }
        };
        let read = read_text_at(&path, span, diags)?;
        let source = add_source(sources, diags, path, read);
        Some(Bibliography { source, format })
    });

    let cover = cover.and_then(|c| {
        let span = span_of(sources, &c);
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
    });

    let citation_style = citation_style.unwrap_or_else(|| Spanned {
        value: "apa".to_string(),
        referenced: title.referenced,
        defined: title.defined,
    });

    // The print font is read by the PDF edition; it must stay inside the book too.
    if let Some(f) = &pdf.font {
        if let Err(d) = safe_path(dir, &f.value) {
            if d.code == "E0012" {
                diags.push(d.at(span_of(sources, f)));
            }
        }
    }
    let pdf = print_settings(pdf, msrc, sources, diags);
    if epub.embed_fonts {
        diags.push(
            Diagnostic::warning(
                Code::W0114,
                "`epub.embed-fonts` is not supported yet; reading systems use their own fonts",
            )
            .in_file(sources.path(msrc).to_path_buf()),
        );
    }
    let modified = source_date_epoch
        .or(date_epoch)
        .unwrap_or_else(|| newest_mtime(sources));
    let identifier = identifier.unwrap_or_else(|| stable_uuid(&title.value, &authors));
    Some(Loaded {
        dir: dir.to_path_buf(),
        manifest_source: msrc,
        meta: crate::model::Metadata {
            title: title.value,
            subtitle,
            authors,
            language,
            identifier,
            publisher,
            rights,
            description,
            subjects,
            date: date.map(|d| d.value),
            modified,
        },
        title_page: title_page.unwrap_or(true),
        parts,
        bibliography,
        citation_style,
        cover,
        embed_fonts: epub.embed_fonts,
        pdf,
    })
}
