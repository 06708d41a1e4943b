//! bookbind: one Markdown source, two editions (EPUB 3 and print PDF).
//!
//! The pipeline runs in one direction with one model in the middle, each stage one
//! call (see `check` and `build`):
//!
//! 1. `load`: book.yaml and the files it names → `Loaded` and `Sources`;
//! 2. `parse`: each file's Markdown and raw HTML → model blocks;
//! 3. `resolve`: ids, notes, citations, links, images, the one contents → `Book`;
//! 4. render: `epub::write`, and `typeset::typeset` then `pdf::write`;
//! 5. `output`: each edition written to a temporary file as soon as it is
//!    rendered, and all put in place (renamed) only when all are written.
//!
//! Nothing here prints; `main.rs` does.

// Diagnostics are large and travel only on the error path; boxing them would buy
// nothing measurable.
#![allow(clippy::result_large_err)]

pub mod date;
pub mod diag;
pub mod epub;
pub mod fonts;
mod kept;
pub mod load;
pub mod model;
pub mod output;
pub mod parse;
pub mod pdf;
pub mod resolve;
pub mod serve;
pub mod svg;
pub mod typeset;
pub mod watch;
pub mod xml;

/// mimalloc: the layout makes and drops millions of small vectors, across threads;
/// glibc's malloc spent a fifth of a build's time on them (issue 15).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long mimalloc keeps memory that was freed before handing it back to the
/// system, in milliseconds. Its default (a second, and ten for whole arenas) is
/// longer than a build: what a finished stage let go (the highlighting's
/// compiled patterns, the flow once placed) stayed the process's until it
/// exited, and the editions were written on top of it. advanced-java-zh peaked
/// at 173 MB with the default and 141 MB with 25 ms; the novel at 145 and 129
/// MB, in the same time. Not for `watch`: each rebuild would fault back in
/// what the one before handed back.
const PURGE_DELAY_MS: std::ffi::c_long = 25;

/// Sets the allocator's options (`PURGE_DELAY_MS`) for a process that builds
/// once; the program calls it first. Builds write the same bytes either way.
pub fn tune_allocator() {
    // `mi_option_purge_delay` in mimalloc 3's `mimalloc.h` (libmimalloc-sys
    // declares the function, not this option's number).
    const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: sets one integer option, which mimalloc reads when it next purges;
    // any value is valid (0: at once, -1: never).
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS);
    }
}

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use diag::{Code, Diagnostic, Sources};
use model::Book;

/// An edition bookbind can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Epub,
    Pdf,
    /// The print cover: back, spine and front on one sheet, as a PDF.
    Cover,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Epub => "epub",
            Format::Pdf | Format::Cover => "pdf",
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
    /// How long each stage took, in the order they ended (the editions are
    /// rendered side by side, so theirs overlap).
    pub stages: Vec<(Stage, Duration)>,
}

/// A stage of a build or check, as `Progress` is told of it and `Report::stages`
/// times it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// The manifest and the files it names read.
    Load,
    Parse,
    Resolve,
    /// The print edition typeset (its parts counted by `Progress::step`).
    LayOut,
    /// The laid-out print edition written as PDF.
    Pdf,
    Epub,
    /// The print cover drawn.
    Cover,
    /// The editions written into the output folder.
    Write,
}

impl Stage {
    /// The stage's name for people: `lay out`, `PDF`.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Load => "load",
            Stage::Parse => "parse",
            Stage::Resolve => "resolve",
            Stage::LayOut => "lay out",
            Stage::Pdf => "PDF",
            Stage::Epub => "EPUB",
            Stage::Cover => "cover",
            Stage::Write => "write",
        }
    }
}

/// Watches a build as it goes, for a progress bar: each stage as it begins and
/// ends, and, while the print edition is laid out, its parts as they are set.
/// Called from several threads at once (the editions render side by side, the
/// parts are set in parallel); every method does nothing unless implemented.
pub trait Progress: Sync {
    /// `stage` begins.
    fn stage(&self, _stage: Stage) {}
    /// `stage` ended, after `took`.
    fn done(&self, _stage: Stage, _took: Duration) {}
    /// Within the stage under way (`LayOut`): `done` of `total` steps.
    fn step(&self, _done: usize, _total: usize) {}
}

/// Watches nothing: what `build` and the checks use.
pub struct Quiet;

impl Progress for Quiet {}

/// Runs one stage: tells `progress` it begins and ends, and times it into `stages`.
fn stage<T>(
    stages: &mut Vec<(Stage, Duration)>,
    progress: &dyn Progress,
    stage: Stage,
    run: impl FnOnce() -> T,
) -> T {
    let (out, took) = timed(progress, stage, run);
    stages.push((stage, took));
    out
}

/// Runs one stage, telling `progress` it begins and ends: its result and time.
fn timed<T>(progress: &dyn Progress, stage: Stage, run: impl FnOnce() -> T) -> (T, Duration) {
    progress.stage(stage);
    let start = Instant::now();
    let out = run();
    let took = start.elapsed();
    progress.done(stage, took);
    (out, took)
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
    check_observed(input, source_date_epoch, None, &Quiet, &mut |_| {})
}

/// `check_input`, taking the parse of each file unchanged since an earlier build
/// from `cache`, and telling `progress` of each stage.
fn check_observed(
    input: &load::Input,
    source_date_epoch: Option<i64>,
    cache: Option<(&mut parse::Cache, &mut resolve::code::Highlights)>,
    progress: &dyn Progress,
    parsed_from: &mut dyn FnMut(&load::Loaded),
) -> Report {
    let start = Instant::now();
    let mut r = Report::default();
    let (sources, diags, stages) = (&mut r.sources, &mut r.diagnostics, &mut r.stages);
    // 1. load: book.yaml (or book.toml and SUMMARY.md) and the files it names.
    let loaded = self::stage(stages, progress, Stage::Load, || {
        load::load(input, source_date_epoch, sources, diags)
    });
    if let Some(loaded) = loaded {
        resolve::prepare(&loaded);
        let (parses, highlights) = match cache {
            Some((p, h)) => (Some(p), Some(h)),
            None => (None, None),
        };
        // 2. parse: each file once, into the model.
        let parsed = self::stage(stages, progress, Stage::Parse, || {
            parse::parse_with(&loaded, sources, diags, parses)
        });
        parsed_from(&loaded);
        // 3. resolve: ids, notes, citations, links, contents.
        r.book = self::stage(stages, progress, Stage::Resolve, || {
            resolve::resolve_with(loaded, parsed, sources, diags, highlights)
        });
    }
    if r.has_errors() {
        r.book = None;
    }
    r.seconds = start.elapsed().as_secs_f64();
    r
}

/// Check a book as a print service would take its PDF: load, parse and resolve it,
/// then, for `service` (or else the manifest's `pdf.profile`, if any), lay it out
/// and report what the service would reject (`typeset::profile` has its rules):
/// a trim it does not print, too few or too many pages, pictures below 300 ppi,
/// text closer to the trim than it allows. Writes nothing.
pub fn check_print(
    input: &load::Input,
    source_date_epoch: Option<i64>,
    service: Option<model::PrintService>,
) -> Report {
    check_for(input, source_date_epoch, service, None)
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
    check_for(input, source_date_epoch, None, Some(target))
}

/// `check_input`, then what a print service (`service`, or the manifest's
/// `pdf.profile`) and a store (`target`) would refuse. Writes nothing.
pub fn check_for(
    input: &load::Input,
    source_date_epoch: Option<i64>,
    service: Option<model::PrintService>,
    target: Option<Target>,
) -> Report {
    check_with(input, source_date_epoch, service, target, &Quiet)
}

/// `check_for`, telling `progress` of each stage as it goes.
pub fn check_with(
    input: &load::Input,
    source_date_epoch: Option<i64>,
    service: Option<model::PrintService>,
    target: Option<Target>,
    progress: &dyn Progress,
) -> Report {
    let start = Instant::now();
    let mut r = check_observed(input, source_date_epoch, None, progress, &mut |_| {});
    let Some(book) = r.book.as_mut() else {
        return r;
    };
    if service.is_some() {
        book.settings.pdf.profile = service;
    }
    if book.settings.pdf.profile.is_some() {
        let laid_out = stage(&mut r.stages, progress, Stage::LayOut, || {
            let fonts = typeset::fonts::FontSet::for_book(&book.typefaces)?;
            let mut diags = Vec::new();
            let tick = |done, total| progress.step(done, total);
            let (_, layout) = typeset::typeset_with(book, &fonts, &mut diags, None, Some(&tick));
            Ok::<_, typeset::fonts::FontError>((diags, layout))
        });
        match laid_out {
            Ok((diags, layout)) => {
                r.diagnostics.extend(diags);
                r.layout = Some(layout);
            }
            Err(e) => r
                .diagnostics
                .push(Diagnostic::error(Code::E0020, format!("fonts: {e}"))),
        }
    }
    if let (Some(target), Some(book)) = (target, &r.book) {
        let path = PathBuf::from(output_name(book, Format::Epub));
        let diags = stage(&mut r.stages, progress, Stage::Epub, || {
            let mut diags = Vec::new();
            match epub::write(book, &[], &mut diags) {
                Ok(bytes) => diags.extend(epub_checks(target, &bytes, &path)),
                Err(e) => diags.push(Diagnostic::error(Code::E0020, e.to_string()).in_file(&path)),
            }
            diags
        });
        r.diagnostics.extend(diags);
    }
    if r.has_errors() {
        r.book = None;
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
    match format {
        Format::Cover => format!("{slug}-cover.pdf"),
        _ => format!("{slug}.{}", format.extension()),
    }
}

/// Check, render every requested edition, then write them. Nothing is written
/// unless every edition rendered.
pub fn build(opts: &BuildOptions) -> Report {
    build_with(opts, None, &Quiet)
}

/// What a rebuild reuses from the builds before it (`watch`, `serve`): each
/// file's parse, each code block's highlighting, each part's setting and each
/// page's compressed stream, keyed by
/// what shapes them (so a change anywhere they read makes them anew), and the
/// editions last written.
#[derive(Default)]
pub struct Cache {
    pub parsed: parse::Cache,
    pub highlights: resolve::code::Highlights,
    pub sets: typeset::SetCache,
    pub pages: pdf::StreamCache,
    /// The EPUB's cover as last drawn, and its parts' files as last compressed.
    pub cover: epub::CoverCache,
    pub entries: epub::EntryCache,
    /// The editions of the last build that wrote them, by format.
    pub editions: Vec<(Format, std::sync::Arc<Vec<u8>>)>,
}

impl Cache {
    /// Copies of what the next rebuild reuses, made ahead: a rebuild consumes
    /// the parses and sets it reuses, and copying them was a sixth of its work.
    /// `watch` calls this after each build, while the author is between edits.
    /// Builds write the same bytes with or without it.
    pub fn prepare(&mut self) {
        rayon::join(|| self.parsed.prepare(), || self.sets.prepare());
    }

    /// Forgets what was parsed and set (a font changed: the keys do not read
    /// font files), keeping the last editions.
    pub fn clear(&mut self) {
        self.parsed = parse::Cache::default();
        self.sets.clear();
        self.cover = epub::CoverCache::default();
    }
}

/// `build`, reusing what `cache` holds from earlier builds and leaving this
/// build's in it, and telling `progress` of each stage as it goes. With or
/// without a cache or an observer, a build writes the same bytes.
pub fn build_with(
    opts: &BuildOptions,
    mut cache: Option<&mut Cache>,
    progress: &dyn Progress,
) -> Report {
    let start = Instant::now();
    let want_epub = opts.formats.contains(&Format::Epub);
    let (stage_caches, cover_cache) = match cache.as_deref_mut() {
        Some(c) => (Some((&mut c.parsed, &mut c.highlights)), Some(&c.cover)),
        None => (None, None),
    };
    let mut early = None;
    let mut r = check_observed(
        &opts.input,
        opts.source_date_epoch,
        stage_caches,
        progress,
        &mut |loaded| early = early_cover(loaded, want_epub, cover_cache),
    );
    if cache.is_none() {
        // No build follows that would reuse them.
        resolve::forget_kept();
    }
    let Some(book) = r.book.take() else {
        return r;
    };
    // 4. render: every edition in memory.
    let rendered = render(
        &book,
        opts,
        &mut r,
        early,
        cache
            .as_deref_mut()
            .map(|c| (&mut c.sets, &mut c.pages, &mut c.cover, &mut c.entries)),
        progress,
    );
    r.book = Some(book);
    // 5. output: the editions staged as they were rendered put in place (any
    // other written), only when all rendered; else their temporary files go.
    if !r.has_errors() {
        if let Some(c) = cache {
            c.editions = rendered
                .iter()
                .map(|(f, _, b, _)| (*f, b.clone()))
                .collect();
        }
        let mut stages = std::mem::take(&mut r.stages);
        stage(&mut stages, progress, Stage::Write, || {
            write_all(rendered, opts, &mut r)
        });
        r.stages = stages;
    }
    r.seconds = start.elapsed().as_secs_f64();
    r
}

/// The EPUB's cover, drawn while the book is resolved (see `early_cover`),
/// or while it is laid out.
enum EarlyCover {
    /// Drawn: by an earlier build from the same (`watch`), or by this one.
    Ready((epub::Cover, Option<String>)),
    /// Being drawn on a thread of its own.
    Drawing(std::thread::JoinHandle<(epub::Drawing, (epub::Cover, Option<String>))>),
}

/// Starts drawing the EPUB's generated cover when the manifest is all it
/// needs (its title, subtitle and authors, and the faces it names: see
/// `epub::Drawing::generated`), on a thread of its own: while the book is
/// resolved one core is free, and the layout that follows then has both (the
/// guide's build 6% faster). Its bands are drawn one after the other there:
/// the thread must not wait on rayon's, which may come to wait on it.
fn early_cover(
    loaded: &load::Loaded,
    want_epub: bool,
    cache: Option<&epub::CoverCache>,
) -> Option<EarlyCover> {
    if !want_epub || loaded.cover.is_some() {
        return None;
    }
    let drawing = epub::Drawing::generated(&loaded.meta, &loaded.typefaces)?;
    if let Some(made) = cache.and_then(|c| drawing.cached(c)) {
        return Some(EarlyCover::Ready(made));
    }
    std::thread::Builder::new()
        .name("cover".into())
        .spawn(move || {
            let made = drawing.draw(false);
            (drawing, made)
        })
        .ok()
        .map(EarlyCover::Drawing)
}

/// Renders every requested edition. The print edition is laid out while the
/// EPUB's cover is drawn (or, when `early`, after it began); the PDF (and the
/// print cover) start as soon as the layout is done, the EPUB once both its
/// cover and the layout's page list (it marks where each printed page begins)
/// are: the editions are written side by side (each also uses every core
/// itself). Diagnostics are kept in the order of the formats; the layout's only
/// when the PDF is asked for. Each edition, once rendered, is written to its
/// temporary file (`output::stage`), while the others still render; unless two
/// files are to go to one path.
fn render(
    book: &Book,
    opts: &BuildOptions,
    r: &mut Report,
    early: Option<EarlyCover>,
    cache: Option<(
        &mut typeset::SetCache,
        &mut pdf::StreamCache,
        &mut epub::CoverCache,
        &mut epub::EntryCache,
    )>,
    progress: &dyn Progress,
) -> Vec<Rendered> {
    let mut print_diags = Vec::new();
    let print = opts.formats.iter().any(|f| *f != Format::Epub);
    let page_list = opts.formats.contains(&Format::Epub) && book.settings.epub.page_list;
    let (sets, pages_cache, covers, entries) = match cache {
        Some((s, p, c, e)) => (Some(s), Some(p), Some(c), Some(e)),
        None => (None, None, None, None),
    };
    let pages_cache = std::sync::Mutex::new(pages_cache);
    let entries = std::sync::Mutex::new(entries);
    let want_epub = opts.formats.contains(&Format::Epub);
    // What the editions take from the stages before them, filled as those end.
    let drawn_early = early.is_some();
    let cover = std::sync::Mutex::new(early);
    let covers = std::sync::Mutex::new(covers);
    // Of the layout: where each page begins, the page count, why it failed.
    type OfLayout = (Vec<model::pages::PageBreak>, usize, Option<String>);
    let of_layout: std::sync::OnceLock<OfLayout> = std::sync::OnceLock::new();
    let laid_out = std::sync::Mutex::new(None);
    // Each edition rendered, by its place in `opts.formats`.
    let editions = std::sync::Mutex::new(Vec::new());
    let stage_early = {
        let mut paths: Vec<PathBuf> = opts
            .formats
            .iter()
            .map(|f| opts.out_dir.join(output_name(book, *f)))
            .collect();
        paths.extend(opts.report.clone());
        let distinct = paths.iter().collect::<std::collections::HashSet<_>>();
        distinct.len() == paths.len()
    };
    let render_one = |f: Format| {
        let path = opts.out_dir.join(output_name(book, f));
        let mut diags = Vec::new();
        let stage = match f {
            Format::Epub => Stage::Epub,
            Format::Pdf => Stage::Pdf,
            Format::Cover => Stage::Cover,
        };
        let (bytes, took) = timed(progress, stage, || match f {
            // Every EPUB written is checked as Kindle takes it (sizes).
            Format::Epub => {
                let taken = cover.lock().unwrap_or_else(|e| e.into_inner()).take();
                let cover = match taken {
                    Some(EarlyCover::Ready(made)) => made,
                    Some(EarlyCover::Drawing(thread)) => {
                        let mut covers = covers.lock().unwrap_or_else(|e| e.into_inner());
                        match thread.join() {
                            Ok((drawing, made)) => {
                                if let Some(c) = covers.as_deref_mut() {
                                    drawing.keep(c, &made);
                                }
                                made
                            }
                            // It panicked: drawn here, as it would have been.
                            Err(_) => epub::cover_of_with(book, covers.as_deref_mut()),
                        }
                    }
                    None => epub::cover_of(book),
                };
                let pages = match of_layout.get() {
                    Some((p, _, _)) if page_list => p.as_slice(),
                    _ => &[],
                };
                let mut entries = entries.lock().unwrap_or_else(|e| e.into_inner());
                epub::write_with(book, pages, cover, entries.as_deref_mut(), &mut diags)
                    .map(|b| {
                        diags.extend(epub_checks(Target::Kindle, &b, &path));
                        (b, None)
                    })
                    .map_err(|e| e.to_string())
            }
            Format::Pdf => {
                let taken = laid_out.lock().unwrap_or_else(|e| e.into_inner()).take();
                match taken {
                    Some(Ok((doc, layout))) => {
                        let mut streams = pages_cache.lock().unwrap_or_else(|e| e.into_inner());
                        pdf::write_owned(doc, streams.as_deref_mut())
                            .map(|b| (b, Some(layout)))
                            .map_err(|e| format!("writing the PDF: {e}"))
                    }
                    Some(Err(e)) => Err(e),
                    None => Err("the print edition was not laid out".into()),
                }
            }
            Format::Cover => match of_layout.get() {
                Some((_, count, None)) => print_cover(book, *count, &mut diags).map(|b| (b, None)),
                Some((_, _, Some(e))) => Err(e.clone()),
                None => Err("the print edition was not laid out".into()),
            },
        });
        let bytes = bytes.map(|(b, layout)| (std::sync::Arc::new(b), layout));
        let staged = match &bytes {
            Ok((b, _)) if stage_early => Some(Staging::start(&path, b)),
            _ => None,
        };
        let at = opts.formats.iter().position(|g| *g == f).unwrap_or(0);
        editions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((at, (f, path, bytes, diags, (stage, took), staged)));
    };
    // The EPUB waits for its cover and the layout's page list, whichever comes
    // last: the one that comes second starts it. A cover drawn early is waited
    // for by the EPUB itself (it is done by then, but for a book that is laid
    // out in less time than its cover is drawn).
    let epub_waits = std::sync::Mutex::new(if drawn_early { 1u8 } else { 2 });
    let render_one = &render_one;
    let epub = || render_one(Format::Epub);
    let stages = &mut r.stages;
    rayon::scope(|s| {
        // The EPUB's cover is drawn (resvg, a PNG of 1600 × 2560) while the
        // print edition is laid out; the PDF starts once the layout is done,
        // whether or not the cover is.
        if want_epub && !drawn_early {
            s.spawn(|s| {
                let mut covers = covers.lock().unwrap_or_else(|e| e.into_inner());
                let made = epub::cover_of_with(book, covers.as_deref_mut());
                drop(covers);
                *cover.lock().unwrap_or_else(|e| e.into_inner()) = Some(EarlyCover::Ready(made));
                start_when_ready(s, &epub_waits, epub);
            });
        }
        let mut laid = (print || page_list).then(|| {
            stage(stages, progress, Stage::LayOut, || {
                lay_out_with(book, &mut print_diags, sets, progress)
            })
        });
        // What the EPUB (its page list) and the print cover (the spine's
        // width) need of the layout, taken out: the PDF writer takes the
        // document itself, freeing each page as it draws it.
        let (breaks, count) = match &mut laid {
            Some(Ok((doc, _))) => (std::mem::take(&mut doc.page_breaks), doc.pages.len()),
            _ => (Vec::new(), 0),
        };
        let failed = match &laid {
            Some(Ok(_)) => None,
            Some(Err(e)) => Some(e.clone()),
            None => Some("the print edition was not laid out".into()),
        };
        let _ = of_layout.set((breaks, count, failed));
        *laid_out.lock().unwrap_or_else(|e| e.into_inner()) = laid;
        if want_epub {
            start_when_ready(s, &epub_waits, epub);
        }
        opts.formats
            .par_iter()
            .filter(|f| **f != Format::Epub)
            .for_each(|&f| render_one(f));
    });
    let mut editions = editions.into_inner().unwrap_or_else(|e| e.into_inner());
    editions.sort_by_key(|(at, _)| *at);
    let editions = editions.into_iter().map(|(_, e)| e);
    let mut rendered = Vec::new();
    for (f, path, bytes, diags, took, staged) in editions {
        r.stages.push(took);
        if f == Format::Pdf {
            r.diagnostics.append(&mut print_diags);
        }
        r.diagnostics.extend(diags);
        match bytes {
            Ok((b, layout)) => {
                if layout.is_some() {
                    r.layout = layout;
                }
                rendered.push((f, path, b, staged));
            }
            Err(e) => r
                .diagnostics
                .push(Diagnostic::error(Code::E0020, e).in_file(&path)),
        }
    }
    rendered
}

/// Counts one of what `start` waits for as ready, and starts it in `s` when
/// that was the last (`waits` counts those not ready yet).
fn start_when_ready<'scope>(
    s: &rayon::Scope<'scope>,
    waits: &std::sync::Mutex<u8>,
    start: impl FnOnce() + Send + 'scope,
) {
    let mut left = waits.lock().unwrap_or_else(|e| e.into_inner());
    *left = left.saturating_sub(1);
    if *left == 0 {
        s.spawn(move |_| start());
    }
}

/// An edition rendered: its format, path and bytes (shared with `watch`'s
/// cache), and the temporary file they are written to as soon as they were
/// rendered (`output::stage`), if so.
type Rendered = (Format, PathBuf, std::sync::Arc<Vec<u8>>, Option<Staging>);

/// An edition's temporary file being written (and synced) on a thread of its
/// own: waiting for the disk there leaves rayon's threads to the editions
/// still being rendered. Written where it was rendered if no thread can start.
/// Dropped without `wait` (a build with errors), it waits for the thread and
/// removes the file, so that none is left behind when the process ends.
struct Staging {
    thread: Option<std::thread::JoinHandle<Result<output::Staged, output::WriteError>>>,
    done: Option<Result<output::Staged, output::WriteError>>,
}

impl Staging {
    fn start(path: &Path, bytes: &std::sync::Arc<Vec<u8>>) -> Staging {
        let (p, b) = (path.to_path_buf(), bytes.clone());
        match std::thread::Builder::new()
            .name("write".into())
            .spawn(move || output::stage(&p, &b))
        {
            Ok(thread) => Staging {
                thread: Some(thread),
                done: None,
            },
            Err(_) => Staging {
                thread: None,
                done: Some(output::stage(path, bytes)),
            },
        }
    }

    /// The temporary file once written, or why it could not be.
    fn wait(mut self, path: &Path) -> Result<output::Staged, output::WriteError> {
        let stopped = || output::WriteError::Write {
            path: path.to_path_buf(),
            source: std::io::Error::other("the thread writing it stopped"),
        };
        match self.thread.take() {
            Some(thread) => thread.join().unwrap_or_else(|_| Err(stopped())),
            None => self.done.take().unwrap_or_else(|| Err(stopped())),
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if let Some(thread) = self.thread.take() {
            // Its `Staged`, dropped here uncommitted, removes the file.
            let _ = thread.join();
        }
    }
}

/// Writes the editions (and the layout report, when asked for) atomically:
/// puts in place those already staged, writes the others.
fn write_all(rendered: Vec<Rendered>, opts: &BuildOptions, r: &mut Report) {
    type Staged = Result<output::Staged, output::WriteError>;
    type File = (PathBuf, std::sync::Arc<Vec<u8>>, Option<Staged>);
    let mut files: Vec<File> = rendered
        .into_iter()
        .map(|(_, p, b, staging)| {
            let staged = staging.map(|s| s.wait(&p));
            (p, b, staged)
        })
        .collect();
    if let (Some(path), Some(layout)) = (&opts.report, &r.layout) {
        files.push((
            path.clone(),
            std::sync::Arc::new(layout.to_json().into_bytes()),
            None,
        ));
    }
    // One that could not be staged stops the others: the editions are put in
    // place all, or none (their temporary files are removed as they are dropped).
    let unstaged: Vec<_> = files
        .iter_mut()
        .filter_map(|(path, _, staged)| match staged.take_if(|s| s.is_err()) {
            Some(Err(e)) => Some((path.clone(), e)),
            _ => None,
        })
        .collect();
    if !unstaged.is_empty() {
        drop(files);
        for (path, e) in unstaged {
            r.diagnostics.push(
                Diagnostic::error(Code::E0021, e.to_string())
                    .in_file(&path)
                    .hint("nothing was written: the editions already there are as they were"),
            );
        }
        return;
    }
    // Side by side (each waits for its disk sync, or its rename), reported in
    // order; one after the other if two are to go to one path (the last stays).
    let distinct = files
        .iter()
        .map(|(p, _, _)| p)
        .collect::<std::collections::HashSet<_>>();
    let write = |(path, bytes, staged): File| {
        let result = match staged {
            Some(staged) => staged.and_then(output::Staged::commit),
            None => output::write_atomic(&path, &bytes),
        };
        (path, result)
    };
    let results: Vec<_> = if distinct.len() == files.len() {
        files.into_par_iter().map(write).collect()
    } else {
        files.into_iter().map(write).collect()
    };
    for (path, result) in results {
        match result {
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
    let (laid_out, layout) = lay_out(book, diags)?;
    let bytes = pdf::write(&laid_out).map_err(|e| format!("writing the PDF: {e}"))?;
    Ok((bytes, layout))
}

/// The print edition laid out: the document the PDF writer writes (which also
/// says where each page begins, for the EPUB's page list) and its counts.
pub fn lay_out(
    book: &Book,
    diags: &mut Vec<Diagnostic>,
) -> Result<(typeset::doc::Document, typeset::LayoutReport), String> {
    lay_out_with(book, diags, None, &Quiet)
}

/// `lay_out`, reusing the parts `sets` holds from an earlier build, and telling
/// `progress` how many parts are set as each is.
fn lay_out_with(
    book: &Book,
    diags: &mut Vec<Diagnostic>,
    sets: Option<&mut typeset::SetCache>,
    progress: &dyn Progress,
) -> Result<(typeset::doc::Document, typeset::LayoutReport), String> {
    let fonts =
        typeset::fonts::FontSet::for_book(&book.typefaces).map_err(|e| format!("fonts: {e}"))?;
    let tick = |done, total| progress.step(done, total);
    Ok(typeset::typeset_with(
        book,
        &fonts,
        diags,
        sets,
        Some(&tick),
    ))
}

/// The print cover for an interior of `pages` pages: its sheet from the book's
/// print service (KDP's rules when it names none), the author's cover picture or
/// the generated design.
pub fn print_cover(
    book: &Book,
    pages: usize,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<u8>, String> {
    let fonts =
        typeset::fonts::FontSet::for_book(&book.typefaces).map_err(|e| format!("fonts: {e}"))?;
    let sheet = typeset::cover::Sheet::of(book, pages);
    let picture = book.cover.and_then(|i| {
        let r = &book.resources[i];
        match typeset::image::read(&r.data, r.media_type) {
            Ok(img) => {
                diags.extend(cover_picture_findings(&img, &sheet, &r.name));
                Some(img)
            }
            Err(e) => {
                diags.push(Diagnostic::warning(
                    Code::W0180,
                    format!("the cover picture cannot be printed ({e}): the print cover has the generated design"),
                ));
                None
            }
        }
    });
    let doc = typeset::cover::cover(book, &fonts, &sheet, picture);
    pdf::write(&doc).map_err(|e| format!("writing the cover: {e}"))
}

/// What a printer would say of the cover picture: too few pixels for the front
/// it covers (under 300 per inch, the rule every service states), or proportions
/// so unlike the front's that a good part is cut off.
fn cover_picture_findings(
    img: &typeset::doc::Image,
    sheet: &typeset::cover::Sheet,
    name: &str,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let (w, h) = (sheet.trim.0 + sheet.bleed, sheet.trim.1 + 2.0 * sheet.bleed);
    if img.is_raster() {
        let ppi = img.width as f32 / (w / 72.0);
        if ppi < 300.0 {
            out.push(Diagnostic::warning(
                Code::W0180,
                format!(
                    "the cover picture `{name}` ({} × {} px) prints at {ppi:.0} pixels per inch on a {:.2} × {:.2} in front with bleed; print services ask for 300",
                    img.width, img.height, w / 72.0, h / 72.0
                ),
            ));
        }
    }
    let (aspect, front) = (img.size.0 / img.size.1.max(1e-3), w / h);
    if (aspect / front - 1.0).abs() > 0.05 {
        out.push(Diagnostic::warning(
            Code::W0181,
            format!(
                "the cover picture `{name}` is {:.2} wide for its height and the front with bleed {front:.2}: it covers the front, and {:.0}% of it is cut off",
                aspect,
                100.0 * (1.0 - aspect.min(front) / aspect.max(front))
            ),
        ));
    }
    out
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

#[cfg(test)]
mod allocator_tests {
    #[test]
    fn the_option_set_is_the_purge_delay() {
        let get = || {
            #[allow(unsafe_code)]
            // SAFETY: reads one integer option.
            unsafe {
                libmimalloc_sys::mi_option_get(15)
            }
        };
        // mimalloc 3's default purge delay (a second), unless the environment
        // sets it: the option number is the one `mimalloc.h` gives it.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert!(matches!(get(), 1000 | 25), "{}", get());
        }
        super::tune_allocator();
        assert_eq!(get(), super::PURGE_DELAY_MS);
    }
}
