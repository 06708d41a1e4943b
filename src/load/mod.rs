//! Load: `book.yaml` and every file it names, into `Sources` with typed settings.
//!
//! Reads files and checks paths; does not parse Markdown. Every problem becomes a
//! diagnostic at the manifest line or the file at fault, and loading goes on so
//! that one run reports them all.

pub mod clean;
pub mod manifest;
pub mod memory;

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic, SourceId, Sources, Span};
use crate::model::{PartKind, Role};
use manifest::{Entries, Manifest};
use serde_saphyr::Spanned;

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

/// The `pdf:` section as typed geometry; bad values are errors at their line.
fn print_settings(
    p: manifest::PdfSection,
    msrc: SourceId,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) -> crate::model::PdfSettings {
    let mut s = crate::model::PdfSettings::default();
    if let Some(f) = &p.font {
        let off = sources.offset_of(
            msrc,
            f.referenced.line() as usize,
            f.referenced.column() as usize,
        );
        diags.push(
            Diagnostic::warning(
                Code::W0111,
                "`pdf.font` is not supported yet; the bundled Charis SIL is used",
            )
            .at(Span::new(msrc, off..off + f.value.len().max(1))),
        );
    }
    let mut bad = |v: &Spanned<String>, what: &str, hint: &str| {
        let off = sources.offset_of(
            msrc,
            v.referenced.line() as usize,
            v.referenced.column() as usize,
        );
        diags.push(
            Diagnostic::error(Code::E0003, format!("`{}` is not {what}", v.value))
                .at(Span::new(msrc, off..off + v.value.len().max(1)))
                .hint(hint.to_string()),
        );
    };
    if let Some(t) = &p.trim {
        match parse_trim(&t.value) {
            Some((w, h)) => {
                s.width = w;
                s.height = h;
            }
            None => bad(t, "a trim size", "use A5, A4, Letter, 5.5x8.5, 6x9, or WIDTH x HEIGHT such as `6in x 9in` or `148mm x 210mm`"),
        }
    }
    if let Some(m) = &p.margins {
        for (field, target) in [
            (&m.inner, &mut s.inner),
            (&m.outer, &mut s.outer),
            (&m.top, &mut s.top),
            (&m.bottom, &mut s.bottom),
        ] {
            if let Some(v) = field {
                match parse_length(&v.value) {
                    Some(l) if l >= 0.0 => *target = l,
                    _ => bad(
                        v,
                        "a length",
                        "write lengths with a unit: `0.75in`, `18mm`, `1.5cm`, `54pt`",
                    ),
                }
            }
        }
    }
    if let Some(b) = &p.base_size {
        match parse_length(&b.value) {
            Some(l) if (5.0..=30.0).contains(&l) => s.base_size = l,
            _ => bad(
                b,
                "a body size between 5pt and 30pt",
                "for example `10.5pt`",
            ),
        }
    }
    if let Some(l) = p.leading {
        if (1.0..=3.0).contains(&l) {
            s.leading = l as f32;
        }
    }
    if let Some(r) = p.recto_chapters {
        s.recto_chapters = r;
    }
    if s.inner + s.outer > s.width * 0.6 || s.top + s.bottom > s.height * 0.6 {
        if let Some(t) = &p.trim {
            bad(
                t,
                "wide enough for its margins",
                "the margins leave too little room for text",
            );
        }
    }
    s
}

/// A length with a unit (`in`, `mm`, `cm`, `pt`) in points.
pub fn parse_length(s: &str) -> Option<f32> {
    let s = s.trim();
    let split = s.find(|c: char| c.is_ascii_alphabetic())?;
    let (num, unit) = s.split_at(split);
    let n: f32 = num.trim().parse().ok()?;
    let factor = match unit.trim() {
        "in" => 72.0,
        "mm" => 72.0 / 25.4,
        "cm" => 72.0 / 2.54,
        "pt" => 1.0,
        _ => return None,
    };
    Some(n * factor)
}

/// A trim size: a name or `W x H` (numbers alone are inches: `6x9`).
pub fn parse_trim(s: &str) -> Option<(f32, f32)> {
    let mm = 72.0 / 25.4;
    match s.trim().to_ascii_lowercase().as_str() {
        "a5" => return Some((148.0 * mm, 210.0 * mm)),
        "a4" => return Some((210.0 * mm, 297.0 * mm)),
        "letter" => return Some((612.0, 792.0)),
        _ => {}
    }
    let (w, h) = s.split_once(['x', 'X', '×'])?;
    let dim = |d: &str| -> Option<f32> {
        let d = d.trim();
        d.parse::<f32>()
            .ok()
            .map(|n| n * 72.0)
            .or_else(|| parse_length(d))
    };
    let (w, h) = (dim(w)?, dim(h)?);
    (w > 72.0 && h > 72.0 && w < 72.0 * 40.0 && h < 72.0 * 40.0).then_some((w, h))
}

#[allow(clippy::too_many_arguments)]
fn expand(
    dir: &Path,
    kind: PartKind,
    entries: Entries,
    msrc: SourceId,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
    seen: &mut std::collections::HashSet<PathBuf>,
    parts: &mut Vec<LoadedPart>,
    span_of: &dyn Fn(&Sources, &Spanned<String>) -> Span,
) {
    let _ = msrc;
    for e in entries.0 {
        let spanned = Spanned {
            value: e.value.path.clone(),
            referenced: e.referenced,
            defined: e.defined,
        };
        let span = span_of(sources, &spanned);
        let pattern = &e.value.path;
        let files: Vec<PathBuf> = if is_glob(pattern) {
            if let Err(d) = check_relative(pattern) {
                diags.push(d.at(span));
                continue;
            }
            let full = format!(
                "{}/{}",
                glob::Pattern::escape(&dir.to_string_lossy()),
                pattern
            );
            match glob::glob(&full) {
                Ok(paths) => {
                    let mut v: Vec<PathBuf> = paths
                        .filter_map(Result::ok)
                        .filter(|p| p.is_file())
                        .collect();
                    v.sort();
                    v
                }
                Err(err) => {
                    diags.push(
                        Diagnostic::error(Code::E0004, format!("invalid glob pattern: {err}"))
                            .at(span),
                    );
                    continue;
                }
            }
        } else {
            match safe_path(dir, pattern) {
                Ok(p) => vec![p],
                Err(d) => {
                    diags.push(d.at(span));
                    continue;
                }
            }
        };
        if files.is_empty() {
            diags.push(
                Diagnostic::error(Code::E0004, format!("`{pattern}` matches no file"))
                    .at(span)
                    .hint(format!(
                        "paths are relative to the book folder `{}`",
                        dir.display()
                    )),
            );
            continue;
        }
        for path in files {
            // Globbed paths are checked too: a symlink may point outside the book.
            let rel = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
            let rel_str = rel.to_string_lossy().replace('\\', "/");
            let path = match safe_path(dir, &rel_str) {
                Ok(p) => p,
                Err(d) => {
                    diags.push(d.at(span.clone()));
                    continue;
                }
            };
            // A set: a book of two thousand chapters would compare paths four million times.
            if !seen.insert(path.clone()) {
                continue;
            }
            let Some(read) = read_text_at(&path, span.clone(), diags) else {
                continue;
            };
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let source = add_source(sources, diags, path, read);
            let mut title = e.value.title.clone();
            if title.as_mut().is_some_and(|t| clean::strip_in_place(t) > 0) {
                diags.push(
                    Diagnostic::warning(Code::W0108, "control characters removed from this title")
                        .at(span.clone()),
                );
            }
            parts.push(LoadedPart {
                kind,
                role: role_of(kind, &stem),
                source,
                stem,
                rel_path: rel_str,
                title,
            });
        }
    }
}

fn is_glob(p: &str) -> bool {
    p.contains(['*', '?', '['])
}

/// A manifest path must stay inside the book folder.
fn check_relative(p: &str) -> Result<(), Diagnostic> {
    let path = Path::new(p);
    if path.is_absolute() || p.starts_with('/') || p.starts_with('\\') {
        return Err(
            Diagnostic::error(Code::E0012, format!("`{p}` is an absolute path"))
                .hint("paths in book.yaml are relative to the book folder"),
        );
    }
    if path
        .components()
        .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(
            Diagnostic::error(Code::E0012, format!("`{p}` leaves the book folder"))
                .hint("keep every file of the book inside its folder"),
        );
    }
    Ok(())
}

/// Joins a relative path to the book folder, refusing anything that leads outside it
/// (absolute paths, `..`, symlinks pointing elsewhere). Missing files, and anything
/// that is not a regular file, are an error; nothing is opened.
pub fn safe_path(dir: &Path, p: &str) -> Result<PathBuf, Diagnostic> {
    check_relative(p)?;
    let joined = dir.join(p);
    let canon_dir = dir.canonicalize().map_err(|e| {
        Diagnostic::error(
            Code::E0001,
            format!("cannot open book folder `{}`: {e}", dir.display()),
        )
    })?;
    match joined.canonicalize() {
        // A folder, pipe or device is never read: a pipe would block the build.
        Ok(c) if c.starts_with(&canon_dir) && !c.is_file() => Err(Diagnostic::error(
            Code::E0004,
            format!("`{p}` is not a file (a folder, pipe or device)"),
        )),
        Ok(c) if c.starts_with(&canon_dir) => Ok(joined),
        Ok(_) => Err(Diagnostic::error(
            Code::E0012,
            format!("`{p}` points outside the book folder"),
        )
        .hint("a symbolic link may lead there; copy the file into the book instead")),
        Err(_) => Err(
            Diagnostic::error(Code::E0004, format!("`{p}` not found")).hint(format!(
                "paths are relative to the book folder `{}`",
                dir.display()
            )),
        ),
    }
}

/// A text file as read: UTF-8, normalised, without control characters.
struct Read {
    text: String,
    removed: clean::Removed,
}

/// Adds a file to `sources`, with a warning at the first place where control
/// characters were removed from it.
fn add_source(
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
    path: PathBuf,
    read: Read,
) -> SourceId {
    let Read { text, removed } = read;
    let id = sources.add(path, text);
    if let Some(&(first, c)) = removed.places.first() {
        let text = &sources.get(id).text;
        let lines: Vec<usize> = removed
            .places
            .iter()
            .map(|&(off, _)| sources.line_col(id, off).0)
            .collect();
        let mut where_ = lines
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        if lines.len() == clean::PLACES {
            where_.push_str(", ...");
        }
        let n = removed.count;
        diags.push(
            Diagnostic::warning(
                Code::W0108,
                format!(
                    "{n} control character{} removed from `{}` (line{} {where_})",
                    if n == 1 { "" } else { "s" },
                    sources.path(id).display(),
                    if lines.len() == 1 { "" } else { "s" },
                ),
            )
            .at(Span::new(id, first..next_char(text, first)))
            .label(format!("{} was here", clean::code_point(c)))
            .hint("they are invisible and no e-reader or font shows them; they often come from text pasted out of a PDF or a word processor"),
        );
    }
    id
}

fn read_text(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<Read> {
    match std::fs::read(path) {
        Ok(bytes) => decode(path, bytes).map_err(|d| diags.push(d)).ok(),
        Err(e) => {
            let what = if e.kind() == std::io::ErrorKind::NotFound {
                format!("`{}` not found", path.display())
            } else {
                format!("cannot read `{}`: {e}", path.display())
            };
            diags.push(
                Diagnostic::error(Code::E0001, what)
                    .hint("a book folder holds a book.yaml; `bookbind init DIR` makes one"),
            );
            None
        }
    }
}

fn read_text_at(path: &Path, span: Span, diags: &mut Vec<Diagnostic>) -> Option<Read> {
    match std::fs::read(path) {
        Ok(bytes) => decode(path, bytes).map_err(|d| diags.push(d)).ok(),
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    Code::E0004,
                    format!("cannot read `{}`: {e}", path.display()),
                )
                .at(span),
            );
            None
        }
    }
}

/// UTF-8 only; a BOM is dropped and CRLF/CR line ends become LF, so that the same
/// text gives the same book whatever editor saved it. Control characters are
/// removed (`clean`).
fn decode(path: &Path, bytes: Vec<u8>) -> Result<Read, Diagnostic> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Diagnostic::error(
            Code::E0005,
            format!(
                "`{}` is not UTF-8 text (invalid byte at offset {at})",
                path.display()
            ),
        )
        .in_file(path)
        .hint("save the file as UTF-8")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    };
    let (clean, removed) = clean::strip(&text);
    let clean = match clean {
        std::borrow::Cow::Owned(t) => Some(t),
        std::borrow::Cow::Borrowed(_) => None,
    };
    Ok(Read {
        text: clean.unwrap_or(text),
        removed,
    })
}

fn next_char(text: &str, off: usize) -> usize {
    text[off..]
        .chars()
        .next()
        .map_or(off, |c| off + c.len_utf8())
}

/// The part's role, from its file stem without a leading number (`02-epigraph`).
fn role_of(kind: PartKind, stem: &str) -> Role {
    let name =
        stem.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_' || c == '.');
    match (kind, name.to_lowercase().as_str()) {
        (_, "title" | "titlepage" | "title-page") => Role::TitlePage,
        (_, "disclaimer") => Role::Disclaimer,
        (_, "epigraph") => Role::Epigraph,
        (_, "dedication") => Role::Dedication,
        (_, "copyright" | "colophon") => Role::Copyright,
        (PartKind::Front, "preface" | "foreword") => Role::Preface,
        (PartKind::Back, "references" | "bibliography") => Role::Bibliography,
        (PartKind::Chapter, _) => Role::Chapter,
        _ => Role::Other,
    }
}

fn valid_language_tag(t: &str) -> bool {
    let mut parts = t.split('-');
    let first = parts.next().unwrap_or("");
    (2..=8).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn newest_mtime(sources: &Sources) -> i64 {
    let mut newest = 0;
    let mut i = 0;
    while let Some(path) = sources.try_path(SourceId(i)) {
        if let Ok(t) = std::fs::metadata(path).and_then(|m| m.modified()) {
            if let Ok(d) = t.duration_since(std::time::UNIX_EPOCH) {
                newest = newest.max(d.as_secs() as i64);
            }
        }
        i += 1;
    }
    newest
}

/// A name-based identifier (`urn:uuid:`, version 8) from title and authors, so that a
/// book keeps its identifier across builds without one in the manifest.
fn stable_uuid(title: &str, authors: &[String]) -> String {
    // FNV-1a, twice with different offsets, for 128 stable bits; not for security.
    fn fnv(seed: u64, data: &[u8]) -> u64 {
        let mut h = seed;
        for b in data {
            h ^= *b as u64;
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        h
    }
    let key = format!("{title}\u{0}{}", authors.join("\u{0}"));
    let a = fnv(0xcbf2_9ce4_8422_2325, key.as_bytes());
    let b = fnv(0x6c62_272e_07bb_0142, key.as_bytes());
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_be_bytes());
    bytes[8..].copy_from_slice(&b.to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let h: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_sizes_and_lengths_parse_to_points() {
        assert_eq!(parse_trim("6x9"), Some((432.0, 648.0)));
        assert_eq!(parse_trim("6in x 9in"), Some((432.0, 648.0)));
        assert_eq!(parse_trim("Letter"), Some((612.0, 792.0)));
        assert!(parse_trim("A5").is_some_and(|(w, _)| (w - 419.5).abs() < 0.1));
        assert_eq!(parse_length("0.875in"), Some(63.0));
        assert_eq!(parse_length("10.5pt"), Some(10.5));
        assert_eq!(parse_length("ten"), None);
        assert_eq!(parse_trim("6 by 9"), None);
    }

    #[test]
    fn role_comes_from_the_file_stem_without_its_number() {
        assert_eq!(role_of(PartKind::Front, "02-disclaimer"), Role::Disclaimer);
        assert_eq!(role_of(PartKind::Front, "epigraph"), Role::Epigraph);
        assert_eq!(role_of(PartKind::Chapter, "03-tip-01-learn"), Role::Chapter);
    }

    #[test]
    fn parent_and_absolute_paths_are_refused() {
        assert!(check_relative("../../etc/passwd").is_err());
        assert!(check_relative("/etc/passwd").is_err());
        assert!(check_relative("chapters/a.md").is_ok());
    }

    #[test]
    fn stable_uuid_is_stable_and_well_formed() {
        let a = stable_uuid("T", &["A".into()]);
        assert_eq!(a, stable_uuid("T", &["A".into()]));
        assert_ne!(a, stable_uuid("T2", &["A".into()]));
        assert_eq!(a.len(), "urn:uuid:".len() + 36);
    }
}
