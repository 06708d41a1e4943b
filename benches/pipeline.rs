//! Benchmarks of bookbind's pipeline stages (issue 5), on the guide (`book/`) and on
//! a large book, so that a regression shows in the stage where it happened.
//!
//! ```sh
//! cargo bench --bench pipeline                 # every stage, both books
//! cargo bench --bench pipeline -- guide        # only the guide (a filter)
//! cargo bench --bench pipeline -- novel::pdf   # only the large book's PDF stages
//! ```
//!
//! The large book is, in order of preference: the folder named by `BOOKBIND_NOVEL`
//! (if it does not exist, the stand-in below is written there and kept);
//! `../shared/corpus/novel` (the 3.3 MB, 387-chapter corpus of DESIGN.md) when it holds
//! a `book.yaml`; otherwise a stand-in generated into a temporary folder at start: the
//! guide's 14 chapters, four to a chapter and cycling, two blank lines apart, their
//! `#` titles demoted to `##` under a `# Chapter N` title, citations and the reading-list link removed
//! (no bibliography), 415 chapters, 3.3 MB. `scripts/make-standin.sh` writes the same
//! bytes for `scripts/bench-compare.sh`.
//!
//! Stages (names sort in pipeline order):
//!
//! | bench | what is timed |
//! |---|---|
//! | `01_load` | book.yaml and every file read (`load::load`) |
//! | `02_parse` | every part's Markdown → model (`parse::markdown::parse`) |
//! | `03_resolve` | `resolve::resolve` on a loaded book: parse again + ids, citations, links, TOC |
//! | `04_check` | load + parse + resolve (`bookbind::check`) |
//! | `05_epub_xhtml` | every part → XHTML (`epub::xhtml::part`), no zip |
//! | `06_epub_write` | the whole EPUB: XHTML, nav, package, zip (`epub::write`) |
//! | `07_pdf_hyphenate` | hyphenation points of every word (`typeset::hyphenate::points`) |
//! | `08_pdf_shape_unique` | every distinct word shaped once by harfrust (fresh `Shaper`) |
//! | `09_pdf_shape_all` | every word in text order through one fresh `Shaper` (its cache as in a build) |
//! | `10_pdf_linebreak` | total fit on every paragraph: an item list made from the real word widths and hyphenation points (`typeset::linebreak::linebreak`) |
//! | `11_pdf_flow` | every part set into lines: shaping, hyphenation, line breaking (`typeset::flow::Builder`) |
//! | `12_pdf_paginate` | the flow of `11` onto pages (`typeset::paginate::paginate`), one pass, no contents |
//! | `13_pdf_typeset` | the whole layout: flow, contents passes, pagination, placing (`typeset::typeset`) |
//! | `14_pdf_write` | the laid-out document to PDF bytes: subsets, streams (`pdf::write`) |
//! | `15_pdf_render` | all of the PDF, fonts loaded: typeset, then write (`bookbind::print_edition`) |
//! | `16_build` | everything, both editions written to a temporary folder (`bookbind::build`) |
//! | `17_rebuild` | what `watch` does after a one-paragraph edit: both editions built again with the cache of the build before (`bookbind::build_with`), one sentence added to or taken from a paragraph of the middle chapter in turn, on a copy of the book; between rebuilds, untimed, the copies `watch` makes while waiting (`Cache::prepare`) and the quiet time it waits for after a change (`watch::SETTLE`) |
//!
//! `06` − `05` is mostly the zip; `13` −
//! `11` − `12` is the contents passes and placing. Fixtures (the loaded and resolved
//! book, the flow, the laid-out document, the item lists) are made once per book
//! before timing and are not timed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use bookbind::diag::Sources;
use bookbind::load::{self, Loaded};
use bookbind::model::Book;
use bookbind::pdf;
use bookbind::typeset::doc::{Document, Pt};
use bookbind::typeset::flow::{self, Flow};
use bookbind::typeset::fonts::{FontSet, Style};
use bookbind::typeset::linebreak::{self, Item, Params, INFINITY_PENALTY};
use bookbind::typeset::paragraph::Ctx;
use bookbind::typeset::shape::Shaper;
use bookbind::typeset::{self, hyphenate, paginate};
use bookbind::{epub, parse, resolve, BuildOptions, Format};
use divan::counter::BytesCount;
use divan::Bencher;

/// Fixed dates, so every run does the same work.
const EPOCH: i64 = 1_795_478_400; // 2026-11-24

/// Chapters in the generated stand-in (3.3 MB, like the novel corpus).
const STANDIN_CHAPTERS: usize = 415;

fn main() {
    // Make both fixtures before any timing, and say what the large book is.
    let g = fixture(Which::Guide);
    let n = fixture(Which::Novel);
    for f in [g, n] {
        eprintln!(
            "bookbind bench: {:5} = {} ({} parts, {:.2} MB of Markdown, {} words, {} paragraphs, {} pages)",
            f.name,
            f.label,
            f.book.parts.len(),
            f.bytes as f64 / 1e6,
            f.words.len(),
            f.items.len(),
            f.doc.pages.len()
        );
    }
    divan::main();
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Guide,
    Novel,
}

/// Everything a stage needs as input, made once per book.
struct Fixture {
    name: &'static str,
    label: String,
    dir: PathBuf,
    /// Bytes of Markdown in the parts.
    bytes: u64,
    sources: Sources,
    loaded: Loaded,
    book: Book,
    fonts: FontSet,
    /// `typeset::flow` of every part (no contents page).
    flow: Vec<Flow>,
    text_height: Pt,
    leading: Pt,
    text_width: Pt,
    /// The laid-out document, for the writer.
    doc: Document,
    /// Every word of the running text in order (Markdown markers trimmed).
    words: Vec<String>,
    /// One total-fit item list per paragraph of running text.
    items: Vec<Vec<Item>>,
    _tmp: Option<tempfile::TempDir>,
}

fn fixture(which: Which) -> &'static Fixture {
    static GUIDE: OnceLock<Fixture> = OnceLock::new();
    static NOVEL: OnceLock<Fixture> = OnceLock::new();
    let cell = match which {
        Which::Guide => &GUIDE,
        Which::Novel => &NOVEL,
    };
    cell.get_or_init(|| make_fixture(which))
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The large book's folder: `BOOKBIND_NOVEL`, the shared corpus, or a stand-in.
fn novel_dir() -> (PathBuf, String, Option<tempfile::TempDir>) {
    if let Some(d) = std::env::var_os("BOOKBIND_NOVEL") {
        let d = PathBuf::from(d);
        if !d.exists() {
            write_standin(&manifest_dir().join("book"), &d).expect("writing the stand-in book");
        }
        assert!(
            d.join("book.yaml").is_file(),
            "BOOKBIND_NOVEL={} has no book.yaml",
            d.display()
        );
        let label = format!("{} (BOOKBIND_NOVEL)", d.display());
        return (d, label, None);
    }
    let corpus = manifest_dir().join("../shared/corpus/novel");
    if corpus.join("book.yaml").is_file() {
        let label = format!("{} (the novel corpus)", corpus.display());
        return (corpus, label, None);
    }
    let tmp = tempfile::Builder::new()
        .prefix("bookbind-bench-novel-")
        .tempdir()
        .expect("a temporary folder");
    let dir = tmp.path().to_path_buf();
    write_standin(&manifest_dir().join("book"), &dir).expect("writing the stand-in book");
    let label = format!(
        "stand-in in {} (no ../shared/corpus/novel/book.yaml)",
        dir.display()
    );
    (dir, label, Some(tmp))
}

/// The stand-in for the novel corpus, from the guide's chapters (see the file header).
fn write_standin(guide: &Path, dir: &Path) -> std::io::Result<()> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(guide.join("chapters"))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.retain(|p| p.extension().is_some_and(|e| e == "md"));
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).map(|t| standin_text(&t)))
        .collect::<Result<_, _>>()?;
    std::fs::create_dir_all(dir.join("chapters"))?;
    std::fs::write(
        dir.join("book.yaml"),
        "title: A Long Book\nauthors: [Test]\ndate: 2026-01-01\nchapters: [chapters/*.md]\n",
    )?;
    for n in 1..=STANDIN_CHAPTERS {
        let body: Vec<&str> = (0..4)
            .map(|i| texts[(4 * (n - 1) + i) % texts.len()].as_str())
            .collect();
        let text = format!("# Chapter {n}\n\n{}", body.join("\n\n"));
        std::fs::write(dir.join(format!("chapters/{n:04}.md")), text)?;
    }
    Ok(())
}

/// One guide chapter for the stand-in: `# ` headings demoted, citations (`[...@...]`,
/// `@key`) and the link to the reading list (not in the stand-in) removed.
fn standin_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let line = line.replace("[Reading list](../back/reading-list.md)", "Reading list");
        let line = match line.strip_prefix("# ") {
            Some(rest) => format!("## {rest}"),
            None => line,
        };
        out.push_str(&strip_citations(&line));
    }
    out
}

/// Removes `[...]` groups that hold an `@`, then `@word` keys.
fn strip_citations(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        if !rest[open..close].contains('@') {
            out.push_str(&rest[open..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    let mut clean = String::with_capacity(out.len());
    let mut chars = out.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '@'
            && chars
                .peek()
                .is_some_and(|n| n.is_alphanumeric() || *n == '_')
        {
            while chars
                .peek()
                .is_some_and(|n| n.is_alphanumeric() || *n == '_')
            {
                chars.next();
            }
        } else {
            clean.push(c);
        }
    }
    clean
}

fn make_fixture(which: Which) -> Fixture {
    let (name, dir, label, tmp) = match which {
        Which::Guide => {
            let d = manifest_dir().join("book");
            ("guide", d.clone(), d.display().to_string(), None)
        }
        Which::Novel => {
            let (d, label, tmp) = novel_dir();
            ("novel", d, label, tmp)
        }
    };
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    let loaded = load::load(
        &load::Input::Folder(dir.clone()),
        Some(EPOCH),
        &mut sources,
        &mut diags,
    )
    .unwrap_or_else(|| panic!("{} does not load: {diags:?}", dir.display()));
    let bytes = loaded
        .parts
        .iter()
        .map(|p| sources.get(p.source).text.len() as u64)
        .sum();
    let report = bookbind::check(&dir, Some(EPOCH));
    let book = report
        .book
        .unwrap_or_else(|| panic!("{} has errors: {:?}", dir.display(), report.diagnostics));
    let fonts = FontSet::bundled().expect("bundled fonts");
    let s = &book.settings.pdf;
    let (text_width, text_height, size, leading) = (
        s.width - s.inner - s.outer,
        s.height - s.top - s.bottom,
        s.base_size,
        s.base_size * s.leading,
    );
    let flow = make_flow(&book, &fonts);
    let (doc, _) = typeset::typeset(&book, &fonts, &mut Vec::new());

    // Running text, paragraph by paragraph, from the Markdown.
    let mut words = Vec::new();
    let mut paragraphs: Vec<Vec<String>> = Vec::new();
    for p in &loaded.parts {
        for para in sources.get(p.source).text.split("\n\n") {
            let para = para.trim();
            if para.is_empty() || para.starts_with('#') {
                continue;
            }
            let ws: Vec<String> = para
                .split_whitespace()
                .map(|w| w.trim_matches(|c| "*_>#[]()`".contains(c)).to_string())
                .filter(|w| !w.is_empty())
                .collect();
            if !ws.is_empty() {
                words.extend(ws.iter().cloned());
                paragraphs.push(ws);
            }
        }
    }
    let items = make_items(&book, &fonts, size, &paragraphs);
    Fixture {
        name,
        label,
        dir,
        bytes,
        sources,
        loaded,
        book,
        fonts,
        flow,
        text_height,
        leading,
        text_width,
        doc,
        words,
        items,
        _tmp: tmp,
    }
}

/// The flow of every part, as `typeset::typeset` sets it before the contents.
fn make_flow(book: &Book, fonts: &FontSet) -> Vec<Flow> {
    let s = &book.settings.pdf;
    let mut ctx = Ctx {
        fonts,
        shaper: Shaper::new(),
        language: book.meta.language.clone(),
        expansion: book.settings.pdf.expansion,
        words: Default::default(),
    };
    let mut b = flow::Builder::new(
        &mut ctx,
        s.width - s.inner - s.outer,
        s.base_size,
        s.base_size * s.leading,
        s.height - s.top - s.bottom,
        s.recto_chapters,
    );
    for i in 0..book.parts.len() {
        b.part(book, i);
    }
    std::mem::take(&mut b.flow)
}

/// Total-fit item lists from real widths: a box per word fragment between
/// hyphenation points, a flagged penalty (hyphen width, 50) at each point, glue
/// (space, +1/2, −1/3) between words, and the usual finishing items.
fn make_items(
    book: &Book,
    fonts: &FontSet,
    size: Pt,
    paragraphs: &[Vec<String>],
) -> Vec<Vec<Item>> {
    let lang = book.meta.language.as_str();
    let face = fonts.id(Style::Regular);
    let mut shaper = Shaper::new();
    let space = shaper.width(fonts, face, size, " ", lang);
    let hyphen = shaper.width(fonts, face, size, "-", lang);
    paragraphs
        .iter()
        .map(|ws| {
            let mut items = Vec::new();
            for (i, w) in ws.iter().enumerate() {
                if i > 0 {
                    items.push(Item::Glue {
                        width: space,
                        stretch: space / 2.0,
                        shrink: space / 3.0,
                    });
                }
                let mut start = 0;
                for p in hyphenate::points(w, lang) {
                    items.push(Item::Box {
                        width: shaper.width(fonts, face, size, &w[start..p], lang),
                    });
                    items.push(Item::Penalty {
                        width: hyphen,
                        penalty: 50.0,
                        flagged: true,
                    });
                    start = p;
                }
                items.push(Item::Box {
                    width: shaper.width(fonts, face, size, &w[start..], lang),
                });
            }
            items.push(Item::Penalty {
                width: 0.0,
                penalty: INFINITY_PENALTY,
                flagged: false,
            });
            items.push(Item::Glue {
                width: 0.0,
                stretch: 1.0e6,
                shrink: 0.0,
            });
            items.push(Item::Penalty {
                width: 0.0,
                penalty: -INFINITY_PENALTY,
                flagged: false,
            });
            items
        })
        .collect()
}

// ------------------------------------------------------------------ the stages

fn load_(b: Bencher, f: &Fixture) {
    b.counter(BytesCount::new(f.bytes)).bench_local(|| {
        let mut sources = Sources::default();
        let mut diags = Vec::new();
        let loaded = load::load(
            &load::Input::Folder(f.dir.clone()),
            Some(EPOCH),
            &mut sources,
            &mut diags,
        );
        (loaded, sources)
    });
}

fn parse_(b: Bencher, f: &Fixture) {
    b.counter(BytesCount::new(f.bytes)).bench_local(|| {
        f.loaded
            .parts
            .iter()
            .map(|p| parse::markdown::parse(p.source, &f.sources.get(p.source).text))
            .collect::<Vec<_>>()
    });
}

fn resolve_(b: Bencher, f: &Fixture) {
    b.counter(BytesCount::new(f.bytes))
        .with_inputs(|| {
            let mut sources = Sources::default();
            let loaded = load::load(
                &load::Input::Folder(f.dir.clone()),
                Some(EPOCH),
                &mut sources,
                &mut Vec::new(),
            );
            let parsed = loaded
                .as_ref()
                .map(|l| parse::parse(l, &sources, &mut Vec::new()));
            (loaded.zip(parsed), sources)
        })
        .bench_local_refs(|(loaded, sources)| {
            let mut diags = Vec::new();
            let (loaded, parsed) = loaded.take().expect("loaded");
            resolve::resolve(loaded, parsed, sources, &mut diags)
        });
}

fn check_(b: Bencher, f: &Fixture) {
    b.counter(BytesCount::new(f.bytes))
        .bench_local(|| bookbind::check(&f.dir, Some(EPOCH)));
}

fn epub_xhtml_(b: Bencher, f: &Fixture) {
    b.bench_local(|| {
        (0..f.book.parts.len())
            .map(|i| epub::xhtml::part(&f.book, i, &[]))
            .collect::<Vec<_>>()
    });
}

fn epub_write_(b: Bencher, f: &Fixture) {
    b.bench_local(|| epub::write(&f.book, &[], &mut Vec::new()).expect("epub"));
}

fn pdf_hyphenate_(b: Bencher, f: &Fixture) {
    let lang = f.book.meta.language.as_str();
    b.bench_local(|| {
        f.words
            .iter()
            .map(|w| hyphenate::points(w, lang).len())
            .sum::<usize>()
    });
}

fn pdf_shape_unique_(b: Bencher, f: &Fixture) {
    let unique: BTreeSet<&str> = f.words.iter().map(String::as_str).collect();
    let lang = f.book.meta.language.as_str();
    let face = f.fonts.id(Style::Regular);
    let size = f.book.settings.pdf.base_size;
    b.counter(divan::counter::ItemsCount::new(unique.len()))
        .with_inputs(Shaper::new)
        .bench_local_refs(|shaper| {
            for w in &unique {
                divan::black_box(shaper.shape(&f.fonts, face, size, w, lang));
            }
        });
}

fn pdf_shape_all_(b: Bencher, f: &Fixture) {
    let lang = f.book.meta.language.as_str();
    let face = f.fonts.id(Style::Regular);
    let size = f.book.settings.pdf.base_size;
    b.counter(divan::counter::ItemsCount::new(f.words.len()))
        .with_inputs(Shaper::new)
        .bench_local_refs(|shaper| {
            for w in &f.words {
                divan::black_box(shaper.shape(&f.fonts, face, size, w, lang));
            }
        });
}

fn pdf_linebreak_(b: Bencher, f: &Fixture) {
    let params = Params::default();
    let width = f.text_width;
    b.counter(divan::counter::ItemsCount::new(f.items.len()))
        .bench_local(|| {
            f.items
                .iter()
                .map(|items| {
                    linebreak::linebreak(items, &|_| width, &params)
                        .breaks
                        .len()
                })
                .sum::<usize>()
        });
}

fn pdf_flow_(b: Bencher, f: &Fixture) {
    b.bench_local(|| make_flow(&f.book, &f.fonts));
}

fn pdf_paginate_(b: Bencher, f: &Fixture) {
    b.bench_local(|| {
        let refs: Vec<&Flow> = f.flow.iter().collect();
        paginate::paginate(&refs, f.text_height, f.leading)
            .pages
            .len()
    });
}

fn pdf_typeset_(b: Bencher, f: &Fixture) {
    b.bench_local(|| typeset::typeset(&f.book, &f.fonts, &mut Vec::new()));
}

fn pdf_write_(b: Bencher, f: &Fixture) {
    b.bench_local(|| pdf::write(&f.doc).expect("pdf"));
}

fn pdf_render_(b: Bencher, f: &Fixture) {
    b.bench_local(|| bookbind::print_edition(&f.book, &mut Vec::new()).expect("pdf"));
}

fn build_(b: Bencher, f: &Fixture) {
    let out = tempfile::tempdir().expect("a temporary folder");
    let opts = BuildOptions {
        input: bookbind::load::Input::Folder(f.dir.clone()),
        out_dir: out.path().to_path_buf(),
        formats: vec![Format::Epub, Format::Pdf],
        source_date_epoch: Some(EPOCH),
        report: None,
    };
    b.counter(BytesCount::new(f.bytes)).bench_local(|| {
        let r = bookbind::build(&opts);
        assert!(!r.has_errors(), "{:?}", r.diagnostics);
        r.written.len()
    });
}

/// `watch` after an edit: a copy of the book, built once with a cache; each
/// iteration adds a sentence to a paragraph of the middle chapter (or takes it
/// away again) and builds both editions with the cache, so that one part is set
/// again and the rest reused.
fn rebuild_(b: Bencher, f: &Fixture) {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let book = tmp.path().join("book");
    copy_tree(&f.dir, &book);
    let opts = BuildOptions {
        input: bookbind::load::Input::Folder(book.clone()),
        out_dir: tmp.path().join("out"),
        formats: vec![Format::Epub, Format::Pdf],
        source_date_epoch: Some(EPOCH),
        report: None,
    };
    let mut cache = bookbind::Cache::default();
    let r = bookbind::build_with(&opts, Some(&mut cache), &bookbind::Quiet);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let loaded = r.sources.iter().map(|(_, s)| s.path.clone());
    let md: Vec<PathBuf> = loaded
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    let chapter = md[md.len() / 2].clone();
    let original = std::fs::read_to_string(&chapter).expect("the chapter");
    let at = original
        .match_indices("\n\n")
        .map(|(i, _)| i)
        .nth(3)
        .unwrap_or(original.trim_end().len());
    let edited = format!("{} One more sentence.{}", &original[..at], &original[at..]);
    // Between rebuilds, untimed: the author's edit, and what `watch` does while
    // waiting for it (copies of what the rebuild reuses: `Cache::prepare`).
    let state = std::cell::RefCell::new((cache, false));
    b.with_inputs(|| {
        let (cache, turn) = &mut *state.borrow_mut();
        cache.prepare();
        *turn = !*turn;
        std::fs::write(&chapter, if *turn { &edited } else { &original }).expect("written");
        // `watch` builds once the files have been quiet for this long.
        std::thread::sleep(bookbind::watch::SETTLE);
    })
    .bench_local_values(|()| {
        let cache = &mut state.borrow_mut().0;
        let r = bookbind::build_with(&opts, Some(cache), &bookbind::Quiet);
        assert!(!r.has_errors(), "{:?}", r.diagnostics);
        assert_eq!(cache.sets.set, 1, "one part set again");
        r.written.len()
    });
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder");
    for e in std::fs::read_dir(from).expect("the book folder") {
        let e = e.expect("an entry");
        let dest = to.join(e.file_name());
        if e.file_type().expect("a type").is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).expect("copied");
        }
    }
}

/// The same stages for one book, in a group whose sample counts suit its size.
macro_rules! stages {
    ($which:expr) => {
        use super::*;
        #[divan::bench(name = "01_load")]
        fn load(b: Bencher) {
            load_(b, fixture($which))
        }
        #[divan::bench(name = "02_parse")]
        fn parse(b: Bencher) {
            parse_(b, fixture($which))
        }
        #[divan::bench(name = "03_resolve")]
        fn resolve(b: Bencher) {
            resolve_(b, fixture($which))
        }
        #[divan::bench(name = "04_check")]
        fn check(b: Bencher) {
            check_(b, fixture($which))
        }
        #[divan::bench(name = "05_epub_xhtml")]
        fn epub_xhtml(b: Bencher) {
            epub_xhtml_(b, fixture($which))
        }
        #[divan::bench(name = "06_epub_write")]
        fn epub_write(b: Bencher) {
            epub_write_(b, fixture($which))
        }
        #[divan::bench(name = "07_pdf_hyphenate")]
        fn pdf_hyphenate(b: Bencher) {
            pdf_hyphenate_(b, fixture($which))
        }
        #[divan::bench(name = "08_pdf_shape_unique")]
        fn pdf_shape_unique(b: Bencher) {
            pdf_shape_unique_(b, fixture($which))
        }
        #[divan::bench(name = "09_pdf_shape_all")]
        fn pdf_shape_all(b: Bencher) {
            pdf_shape_all_(b, fixture($which))
        }
        #[divan::bench(name = "10_pdf_linebreak")]
        fn pdf_linebreak(b: Bencher) {
            pdf_linebreak_(b, fixture($which))
        }
        #[divan::bench(name = "11_pdf_flow")]
        fn pdf_flow(b: Bencher) {
            pdf_flow_(b, fixture($which))
        }
        #[divan::bench(name = "12_pdf_paginate")]
        fn pdf_paginate(b: Bencher) {
            pdf_paginate_(b, fixture($which))
        }
        #[divan::bench(name = "13_pdf_typeset")]
        fn pdf_typeset(b: Bencher) {
            pdf_typeset_(b, fixture($which))
        }
        #[divan::bench(name = "14_pdf_write")]
        fn pdf_write(b: Bencher) {
            pdf_write_(b, fixture($which))
        }
        #[divan::bench(name = "15_pdf_render")]
        fn pdf_render(b: Bencher) {
            pdf_render_(b, fixture($which))
        }
        #[divan::bench(name = "16_build")]
        fn build(b: Bencher) {
            build_(b, fixture($which))
        }
        // One rebuild a sample: each follows its own edit.
        #[divan::bench(name = "17_rebuild", sample_size = 1)]
        fn rebuild(b: Bencher) {
            rebuild_(b, fixture($which))
        }
    };
}

/// The guide: milliseconds a stage; enough samples for a stable median, at most a
/// few seconds a stage.
#[divan::bench_group(sample_count = 20, max_time = 5)]
mod guide {
    stages!(Which::Guide);
}

/// The large book: seconds a stage; three single-run samples each.
#[divan::bench_group(sample_count = 3, sample_size = 1)]
mod novel {
    stages!(Which::Novel);
}
