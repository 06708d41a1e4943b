//! bookbind: one Markdown source, two editions (EPUB 3 and print PDF).
//!
//! The pipeline runs in one direction with one model in the middle, each stage one
//! call (see `check` and `build`):
//!
//! 1. `load`: book.yaml and the files it names → `Loaded` and `Sources`;
//! 2. `parse`: each file's Markdown and raw HTML → model blocks;
//! 3. `resolve`: ids, notes, citations, links, images, the one contents → `Book`;
//! 4. render: `epub::write`, and `typeset::typeset` then `pdf::write`;
//! 5. `output`: each edition written atomically, only when all rendered.
//!
//! Nothing here prints; `main.rs` does.

// Diagnostics are large and travel only on the error path; boxing them would buy
// nothing measurable.
#![allow(clippy::result_large_err)]

pub mod date;
pub mod diag;
pub mod epub;
pub mod fonts;
pub mod load;
pub mod model;
pub mod output;
pub mod parse;
pub mod pdf;
pub mod resolve;
pub mod svg;
pub mod typeset;
pub mod xml;

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use diag::{Code, Diagnostic, Sources};
use model::Book;

/// An edition bookbind can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Epub,
    Pdf,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Epub => "epub",
            Format::Pdf => "pdf",
        }
    }
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The book: a folder, or Markdown files in order.
    pub input: load::Input,
    pub out_dir: PathBuf,
    pub formats: Vec<Format>,
    /// `SOURCE_DATE_EPOCH`: fixes every date in the output.
    pub source_date_epoch: Option<i64>,
    /// Where to write the print layout report (JSON), if anywhere.
    pub report: Option<PathBuf>,
}

/// What a build or check did: the diagnostics (with the sources they quote), the
/// resolved book when there were no errors, and the files written.
#[derive(Debug, Default)]
pub struct Report {
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
    pub book: Option<Book>,
    pub written: Vec<PathBuf>,
    pub seconds: f64,
    /// The print edition's layout counts, when it was built.
    pub layout: Option<typeset::LayoutReport>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Load, parse and resolve the book in `book_dir`, writing nothing.
pub fn check(book_dir: &Path, source_date_epoch: Option<i64>) -> Report {
    check_input(
        &load::Input::Folder(book_dir.to_path_buf()),
        source_date_epoch,
    )
}

/// Load, parse and resolve a book (a folder, or Markdown files), writing nothing.
pub fn check_input(input: &load::Input, source_date_epoch: Option<i64>) -> Report {
    let start = Instant::now();
    let mut r = Report::default();
    // 1. load: book.yaml (or book.toml and SUMMARY.md) and the files it names.
    if let Some(loaded) = load::load(input, source_date_epoch, &mut r.sources, &mut r.diagnostics) {
        // 2. parse: each file once, into the model.
        let parsed = parse::parse(&loaded, &r.sources, &mut r.diagnostics);
        // 3. resolve: ids, notes, citations, links, contents.
        r.book = resolve::resolve(loaded, parsed, &r.sources, &mut r.diagnostics);
    }
    if r.has_errors() {
        r.book = None;
    }
    r.seconds = start.elapsed().as_secs_f64();
    r
}

/// A store or device an EPUB is checked for (`check --target`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Send to Kindle and Kindle Direct Publishing.
    Kindle,
}

/// Check the book as `check_input` does, then render its EPUB in memory and report
/// what `target` would refuse, at the EPUB it would write. Writes nothing.
pub fn check_target(input: &load::Input, source_date_epoch: Option<i64>, target: Target) -> Report {
    let start = Instant::now();
    let mut r = check_input(input, source_date_epoch);
    if let Some(book) = &r.book {
        let path = PathBuf::from(output_name(book, Format::Epub));
        let mut diags = Vec::new();
        match epub::write(book, &mut diags) {
            Ok(bytes) => diags.extend(epub_checks(target, &bytes, &path)),
            Err(e) => diags.push(Diagnostic::error(Code::E0020, e.to_string()).in_file(&path)),
        }
        r.diagnostics.extend(diags);
    }
    r.seconds = start.elapsed().as_secs_f64();
    r
}

/// What `target` refuses in the EPUB written to `path`, as warnings there.
fn epub_checks(target: Target, epub: &[u8], path: &Path) -> Vec<Diagnostic> {
    match target {
        Target::Kindle => epub::kindle::check(epub)
            .into_iter()
            .map(|d| d.in_file(path))
            .collect(),
    }
}

/// The output file name of a book: a slug of its title.
pub fn output_name(book: &Book, format: Format) -> String {
    let slug = resolve::ids::slug(&book.meta.title);
    let slug = if slug.is_empty() {
        "book".to_string()
    } else {
        slug
    };
    format!("{slug}.{}", format.extension())
}

/// Check, render every requested edition, then write them. Nothing is written
/// unless every edition rendered.
pub fn build(opts: &BuildOptions) -> Report {
    let start = Instant::now();
    let mut r = check_input(&opts.input, opts.source_date_epoch);
    let Some(book) = r.book.take() else {
        return r;
    };
    // 4. render: every edition in memory.
    let rendered = render(&book, opts, &mut r);
    r.book = Some(book);
    // 5. output: each edition atomically, only when all rendered.
    if !r.has_errors() {
        write_all(rendered, opts, &mut r);
    }
    r.seconds = start.elapsed().as_secs_f64();
    r
}

/// Renders every requested edition, the editions side by side (each also uses
/// every core itself); diagnostics are kept in the order of the formats.
fn render(book: &Book, opts: &BuildOptions, r: &mut Report) -> Vec<(PathBuf, Vec<u8>)> {
    let editions: Vec<_> = opts
        .formats
        .par_iter()
        .map(|&f| {
            let path = opts.out_dir.join(output_name(book, f));
            let mut diags = Vec::new();
            let bytes = match f {
                // Every EPUB written is checked as Kindle takes it (sizes).
                Format::Epub => epub::write(book, &mut diags)
                    .map(|b| {
                        diags.extend(epub_checks(Target::Kindle, &b, &path));
                        (b, None)
                    })
                    .map_err(|e| e.to_string()),
                Format::Pdf => print_edition(book, &mut diags).map(|(b, layout)| (b, Some(layout))),
            };
            (path, bytes, diags)
        })
        .collect();
    let mut rendered = Vec::new();
    for (path, bytes, diags) in editions {
        r.diagnostics.extend(diags);
        match bytes {
            Ok((b, layout)) => {
                if layout.is_some() {
                    r.layout = layout;
                }
                rendered.push((path, b));
            }
            Err(e) => r
                .diagnostics
                .push(Diagnostic::error(Code::E0020, e).in_file(&path)),
        }
    }
    rendered
}

/// Writes the editions (and the layout report, when asked for) atomically.
fn write_all(mut rendered: Vec<(PathBuf, Vec<u8>)>, opts: &BuildOptions, r: &mut Report) {
    if let (Some(path), Some(layout)) = (&opts.report, &r.layout) {
        rendered.push((path.clone(), layout.to_json().into_bytes()));
    }
    for (path, bytes) in rendered {
        match output::write_atomic(&path, &bytes) {
            Ok(()) => r.written.push(path),
            Err(e) => r
                .diagnostics
                .push(Diagnostic::error(Code::E0021, e.to_string()).in_file(&path)),
        }
    }
}

/// The print edition in two steps: typeset the book into a laid-out document, then
/// write that document as PDF. Also the layout's counts, for `--report`.
pub fn print_edition(
    book: &Book,
    diags: &mut Vec<Diagnostic>,
) -> Result<(Vec<u8>, typeset::LayoutReport), String> {
    let fonts =
        typeset::fonts::FontSet::for_book(&book.typefaces).map_err(|e| format!("fonts: {e}"))?;
    let (laid_out, layout) = typeset::typeset(book, &fonts, diags);
    let bytes = pdf::write(&laid_out).map_err(|e| format!("writing the PDF: {e}"))?;
    Ok((bytes, layout))
}

/// Creates a new book folder: book.yaml, one chapter, a bibliography.
pub fn init(dir: &Path) -> std::io::Result<()> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("`{}` exists and is not empty", dir.display()),
        ));
    }
    std::fs::create_dir_all(dir.join("chapters"))?;
    std::fs::write(
        dir.join("book.yaml"),
        "title: \"My Book\"\nauthors: [\"A. Writer\"]\nlanguage: en\ndate: 2026-01-01\n\
         bibliography: references.yaml\ncitation-style: apa\nchapters:\n  - chapters/*.md\n",
    )?;
    std::fs::write(
        dir.join("chapters/01-first-chapter.md"),
        "# The first chapter\n\nWrite here. Cite a source like this [@knuth1984].\n",
    )?;
    std::fs::write(
        dir.join("references.yaml"),
        "knuth1984:\n  type: article\n  title: Literate Programming\n  author: Knuth, Donald E.\n  date: 1984\n  \
         page-range: 97-111\n  parent:\n    type: periodical\n    title: The Computer Journal\n    volume: 27\n    issue: 2\n",
    )?;
    Ok(())
}
