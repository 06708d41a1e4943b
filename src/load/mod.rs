//! Load: `book.yaml` and every file it names, into `Sources` with typed settings.
//!
//! Reads files and checks paths; does not parse Markdown. Every problem becomes a
//! diagnostic at the manifest line or the file at fault, and loading goes on so
//! that one run reports them all.

pub mod clean;
mod entries;
mod files;
mod fonts;
mod front_matter;
pub mod given;
mod include;
pub mod manifest;
mod mdbook;
pub mod memory;
mod metadata;
mod settings;
mod summary;

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic, SourceId, Sources, Span};
use crate::model::{PartKind, Role};
pub use files::safe_path;
use files::{add_source, next_char, read_text, read_text_at};
pub use given::Given;
use given::Layer;
use manifest::Manifest;
use metadata::newest_mtime;
use serde_saphyr::Spanned;
pub use settings::{parse_length, parse_trim};

/// A book as read from disk: metadata and the files of its parts, not yet parsed.
#[derive(Debug)]
pub struct Loaded {
    pub dir: PathBuf,
    /// The book's metadata, final: resolve hands it to the model as it is.
    pub meta: crate::model::Metadata,
    pub title_page: bool,
    pub parts: Vec<LoadedPart>,
    /// Part titles (mdBook's `# Part` lines in SUMMARY.md) between the parts.
    pub divisions: Vec<Division>,
    /// Whether the contents lists each part's sections (`##` headings) too; an
    /// mdBook's contents is its SUMMARY.md, no more.
    pub contents_sections: bool,
    pub bibliography: Option<Bibliography>,
    pub citation_style: Given<String>,
    pub cover: Option<(PathBuf, Vec<u8>, Span)>,
    pub epub: crate::model::EpubSettings,
    pub pdf: crate::model::PdfSettings,
    /// The families `pdf.font` names (the bundled ones where it names none).
    pub typefaces: crate::fonts::Typefaces,
    /// Finds installed fonts for characters no named or bundled face has.
    pub font_finder: crate::fonts::Finder,
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
    /// How deep the part is nested (0: at the top, or under a division).
    pub depth: u8,
    /// Bytes of the metadata block at the top of the file (not Markdown).
    pub front_matter: usize,
    /// The part's language when it is not the book's: given where it is listed,
    /// in its metadata block (`lang`), or by its name as Hugo names translations
    /// (`about.fr.md`, `code-of-conduct.fa-ir.md`).
    pub language: Option<String>,
    /// The title came from the file's metadata block: it is the part's heading, and
    /// the file's own headings are its sections.
    pub heading_from_title: bool,
}

/// A title between parts that groups the ones after it (a part of the book).
#[derive(Debug, Clone)]
pub struct Division {
    /// The index of the first part it holds.
    pub before: usize,
    pub title: String,
    pub span: Span,
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

/// Where the book comes from: a folder (with `book.yaml`, or an mdBook's
/// `book.toml` and `SUMMARY.md`), or Markdown files bound in the order given.
#[derive(Debug, Clone)]
pub enum Input {
    Folder(PathBuf),
    Files(Vec<PathBuf>),
}

/// Loads a book. `source_date_epoch` overrides every date source.
pub fn load(
    input: &Input,
    source_date_epoch: Option<i64>,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<Loaded> {
    match input {
        Input::Folder(dir) => load_folder(dir, source_date_epoch, sources, diags),
        Input::Files(files) => load_files(files, source_date_epoch, sources, diags),
    }
}

/// A folder: `book.yaml`, or an mdBook (`book.toml` and `SUMMARY.md`), or both
/// (then `book.yaml` adds to or overrides `book.toml`, and its lists of parts, if
/// it has any, replace SUMMARY.md's).
fn load_folder(
    dir: &Path,
    source_date_epoch: Option<i64>,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<Loaded> {
    if !dir.is_dir() {
        diags.push(
            Diagnostic::error(
                Code::E0001,
                format!("book folder `{}` not found", dir.display()),
            )
            .hint("give the folder that holds book.yaml (or an mdBook's book.toml), or Markdown files, or run `bookbind init NEW_DIR`"),
        );
        return None;
    }
    let yaml = dir.join("book.yaml");
    let toml = dir.join("book.toml");
    let mut manifest = if yaml.exists() {
        Some(read_manifest(dir, sources, diags)?)
    } else {
        None
    };
    let project = if toml.exists() {
        Some(mdbook::read_toml(&toml, sources, diags)?)
    } else {
        mdbook::unconfigured(dir, sources, diags)
    };
    if manifest.is_none() && project.is_none() {
        diags.push(
            Diagnostic::error(
                Code::E0001,
                format!(
                    "`{}` has no book.yaml (nor an mdBook's book.toml or SUMMARY.md)",
                    dir.display()
                ),
            )
            .hint("run `bookbind init NEW_DIR` for a new book, or give the Markdown files to bind: `bookbind build a.md b.md`"),
        );
        return None;
    }
    let mut layer = Layer::default();
    // The file a problem with the book's keys is reported in, lacking a place.
    let mut config = match &project {
        Some(p) if !toml.exists() => dir.join(&p.src).join("SUMMARY.md"),
        _ => toml.clone(),
    };
    let mut title_span = None;
    if let Some((msrc, m)) = &manifest {
        layer = given::from_manifest(m, *msrc, sources, diags);
        config = yaml.clone();
        title_span = layer.title.as_ref().and_then(|t| t.span.clone());
    }
    if let Some(p) = &project {
        layer = layer.over(p.layer.clone());
    }
    let listed = manifest.as_ref().is_some_and(|(_, m)| {
        !(m.front.0.is_empty() && m.chapters.0.is_empty() && m.back.0.is_empty())
    });
    let mut divisions = Vec::new();
    let mut contents_sections = true;
    let mut no_chapters_at = title_span
        .clone()
        .map(Ok)
        .unwrap_or_else(|| Err(config.clone()));
    let mut parts = match (&mut manifest, &project) {
        (Some((msrc, m)), _) if listed => {
            let lists = [
                (PartKind::Front, std::mem::take(&mut m.front)),
                (PartKind::Chapter, std::mem::take(&mut m.chapters)),
                (PartKind::Back, std::mem::take(&mut m.back)),
            ];
            entries::parts(dir, lists, *msrc, sources, diags)
        }
        (_, Some(p)) => {
            let (ssrc, parts, divs) = mdbook::parts(dir, p, sources, diags)?;
            divisions = divs;
            contents_sections = false;
            no_chapters_at = Ok(Span::new(ssrc, 0..0));
            parts
        }
        _ => Vec::new(),
    };
    let first = prepare_parts(dir, &mut parts, sources, diags);
    layer = layer.over(first);
    if parts.iter().all(|p| p.kind != PartKind::Chapter) {
        let d = Diagnostic::error(Code::E0013, "the book has no chapters").hint(
            "list chapter files under `chapters:` in book.yaml, e.g. `chapters: [chapters/*.md]`, or in an mdBook's SUMMARY.md",
        );
        diags.push(match no_chapters_at {
            Ok(span) => d.at(span),
            Err(path) => d.in_file(path),
        });
    }
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "Book".to_string());
    let editions = match manifest.as_mut() {
        Some((msrc, m)) => {
            let font = m.pdf.font.take();
            let installed = m.pdf.installed_fonts;
            (
                settings::print_settings(std::mem::take(&mut m.pdf), *msrc, sources, diags),
                settings::epub_settings(&m.epub),
                m.title_page.unwrap_or(true),
                fonts::typefaces(font, installed, dir, Some(*msrc), sources, diags),
            )
        }
        None => (
            crate::model::PdfSettings::default(),
            crate::model::EpubSettings::default(),
            true,
            fonts::typefaces(None, None, dir, None, sources, diags),
        ),
    };
    finish(
        dir,
        layer,
        &name,
        &config,
        parts,
        divisions,
        contents_sections,
        editions,
        source_date_epoch,
        sources,
        diags,
    )
}

/// Markdown files named one by one (`bookbind build a.md b.md`), bound in that order
/// as pandoc binds them: the first file's metadata block gives the book's. The book
/// folder is the folder the files share.
fn load_files(
    files: &[PathBuf],
    source_date_epoch: Option<i64>,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<Loaded> {
    let absolute: Vec<PathBuf> = files
        .iter()
        .map(|f| std::path::absolute(f).unwrap_or_else(|_| f.clone()))
        .collect();
    let mut dir = absolute
        .first()
        .and_then(|f| f.parent())
        .map(Path::to_path_buf)
        .unwrap_or_default();
    for f in &absolute {
        while !f.starts_with(&dir) {
            if !dir.pop() {
                break;
            }
        }
    }
    let mut parts = Vec::new();
    for (given, file) in files.iter().zip(&absolute) {
        let Some(read) = read_text(file, diags) else {
            continue;
        };
        let stem = files::part_stem(file, &dir);
        let source = add_source(sources, diags, given.clone(), read);
        parts.push(LoadedPart {
            kind: PartKind::Chapter,
            role: Role::Chapter,
            source,
            stem,
            rel_path: file
                .strip_prefix(&dir)
                .unwrap_or(file)
                .to_string_lossy()
                .replace('\\', "/"),
            title: None,
            depth: 0,
            front_matter: 0,
            language: None,
            heading_from_title: false,
        });
    }
    if parts.is_empty() {
        return None;
    }
    let layer = prepare_parts(&dir, &mut parts, sources, diags);
    let name = parts[0].stem.clone();
    let config = files[0].clone();
    finish(
        &dir,
        layer,
        &name,
        &config,
        parts,
        Vec::new(),
        true,
        (
            crate::model::PdfSettings::default(),
            crate::model::EpubSettings::default(),
            true,
            fonts::typefaces(None, None, &dir, None, sources, diags),
        ),
        source_date_epoch,
        sources,
        diags,
    )
}

/// Each part's includes put in place and metadata block read (its title titles the
/// part, unless the list of parts gave one); the first part's metadata, for the
/// book.
fn prepare_parts(
    dir: &Path,
    parts: &mut [LoadedPart],
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Layer {
    let mut first = None;
    for p in parts.iter_mut() {
        let path = sources.path(p.source).to_path_buf();
        if let Some(ex) = include::expand(dir, &path, p.source, sources, diags) {
            p.source = sources.add_made(path.clone(), ex.made.text, ex.made.origin);
            // `{{#title}}` titles the page where nothing else does.
            if p.title.is_none() {
                p.title = ex.title;
            }
        }
        let fm = front_matter::read(p.source, sources, diags);
        if p.language.is_none() {
            p.language = fm
                .as_ref()
                .and_then(|f| f.layer.language.as_ref().map(|l| l.value.clone()))
                .filter(|l| metadata::valid_language_tag(l))
                .or_else(|| language_in_name(&path));
        }
        if let Some(fm) = &fm {
            p.front_matter = fm.len;
            if p.title.is_none() {
                if let Some(t) = &fm.layer.title {
                    let (clean, _) = clean::strip(&t.value);
                    p.title = Some(clean.into_owned());
                    p.heading_from_title = true;
                }
            }
        }
        if first.is_none() {
            first = Some(fm.map(|f| f.layer).unwrap_or_default());
        }
    }
    first.unwrap_or_default()
}

/// The language Hugo's multilingual naming gives a file: `about.fr.md` is French,
/// `code-of-conduct.fa-ir.md` Persian (Iran). Only a two-letter language, with
/// a region or script after it, is read as one, and only after a name: `for...of.md`
/// (an ellipsis) is no file in the language `of`.
fn language_in_name(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    let (name, tag) = stem.rsplit_once('.')?;
    if name.is_empty() || name.ends_with('.') {
        return None;
    }
    let mut parts = tag.split('-');
    let primary = parts.next()?;
    let valid = primary.len() == 2
        && primary.chars().all(|c| c.is_ascii_lowercase())
        && parts
            .all(|p| (2..=4).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    valid.then(|| tag.to_string())
}

/// The rest of the book once its parts are known: metadata from `layer`, the
/// bibliography, cover and citation style it names, the date.
#[allow(clippy::too_many_arguments)]
fn finish(
    dir: &Path,
    layer: Layer,
    fallback_title: &str,
    config: &Path,
    parts: Vec<LoadedPart>,
    divisions: Vec<Division>,
    contents_sections: bool,
    (pdf, epub, title_page, (typefaces, font_finder)): (
        crate::model::PdfSettings,
        crate::model::EpubSettings,
        bool,
        (crate::fonts::Typefaces, crate::fonts::Finder),
    ),
    source_date_epoch: Option<i64>,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<Loaded> {
    let (mut meta, date) = metadata::read(&layer, fallback_title, config, diags);
    let bibliography = layer
        .bibliography
        .as_ref()
        .and_then(|b| bibliography(dir, b, config, sources, diags));
    let cover = layer
        .cover
        .as_ref()
        .and_then(|c| cover(dir, c, config, diags));
    let citation_style = layer
        .citation_style
        .clone()
        .unwrap_or_else(|| Given::new("apa".to_string(), None));
    // Last: with no date given, the newest of every file read dates the book.
    meta.modified = source_date_epoch
        .or(date)
        .unwrap_or_else(|| newest_mtime(sources));
    Some(Loaded {
        dir: dir.to_path_buf(),
        meta,
        title_page,
        parts,
        divisions,
        contents_sections,
        bibliography,
        citation_style,
        cover,
        epub,
        pdf,
        typefaces,
        font_finder,
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
    let read = read_text(&manifest_path, diags)?;
    let msrc = add_source(sources, diags, manifest_path.clone(), read);
    match manifest::parse(&sources.get(msrc).text) {
        Ok(m) => Some((msrc, m)),
        Err(e) => {
            let mut d = Diagnostic::error(Code::E0002, format!("invalid book.yaml: {}", e.message));
            d = match e.at {
                Some((l, c)) => {
                    let off = sources.offset_of(msrc, l, c);
                    let end = sources.offset_of(msrc, l, c + e.len);
                    d.at(Span::new(
                        msrc,
                        off..end.max(next_char(&sources.get(msrc).text, off)),
                    ))
                }
                None => d.in_file(&manifest_path),
            };
            if let Some(hint) = e.hint {
                d = d.hint(hint);
            }
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
    b: &Given<String>,
    config: &Path,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<Bibliography> {
    let path = safe_path(dir, &b.value)
        .map_err(|e| diags.push(b.place(e, config)))
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
                b.place(
                    Diagnostic::error(Code::E0008, "unknown bibliography format")
                        .hint("use hayagriva YAML (`.yaml`), BibLaTeX or BibTeX (`.bib`), or CSL-JSON (`.json`)"),
                    config,
                ),
            );
            return None;
        }
    };
    let read = match &b.span {
        Some(span) => read_text_at(&path, span.clone(), diags)?,
        None => read_text(&path, diags)?,
    };
    let source = add_source(sources, diags, path, read);
    Some(Bibliography { source, format })
}

/// The cover image the manifest names, as bytes (resolve sniffs what they are).
fn cover(
    dir: &Path,
    c: &Given<String>,
    config: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<(PathBuf, Vec<u8>, Span)> {
    let path = safe_path(dir, &c.value)
        .map_err(|e| diags.push(c.place(e, config)))
        .ok()?;
    match std::fs::read(&path) {
        Ok(bytes) => Some((
            path,
            bytes,
            c.span.clone().unwrap_or(Span::new(SourceId(0), 0..0)),
        )),
        Err(e) => {
            diags.push(c.place(
                Diagnostic::error(Code::E0011, format!("cannot read cover `{}`: {e}", c.value)),
                config,
            ));
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
        let loaded = load(
            &Input::Folder(dir.path().to_path_buf()),
            Some(0),
            &mut sources,
            &mut diags,
        );
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
    fn a_file_named_as_hugo_names_translations_has_that_language() {
        for (name, lang) in [
            ("code-of-conduct.fa-ir.md", Some("fa-ir")),
            ("about.fr.md", Some("fr")),
            ("intro.md", None),
            ("notes.old.md", None),
            ("v1.2.md", None),
            ("for...of.md", None),
            (".fr.md", None),
        ] {
            assert_eq!(language_in_name(Path::new(name)).as_deref(), lang, "{name}");
        }
    }

    #[test]
    fn a_part_has_the_language_its_listing_or_metadata_block_gives() {
        let (l, d) = load_book(&[
            (
                "book.yaml",
                "title: T\nchapters:\n  - { file: a.md, language: ar }\n  - b.md\n  - c.de.md\n  - { file: d.md, language: \"not a tag\" }\n",
            ),
            ("a.md", "# A\n"),
            ("b.md", "---\nlang: he\n---\n# B\n"),
            ("c.de.md", "# C\n"),
            ("d.md", "# D\n"),
        ]);
        let l = l.unwrap();
        let langs: Vec<Option<&str>> = l.parts.iter().map(|p| p.language.as_deref()).collect();
        assert_eq!(
            langs,
            [Some("ar"), Some("he"), Some("de"), Some("not a tag")]
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].starts_with("E0003 book.yaml:6:5 "), "{d:?}");
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
