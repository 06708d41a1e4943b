//! The author's loop: `watch` rebuilds after an edit, setting again only the part
//! that changed, and a broken edit keeps the last good editions; `serve` answers on
//! loopback only, serves the new text after a rebuild, and a real browser (headless
//! Chromium) reloads the page it shows when a rebuild lands.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;

/// How long a test waits for a build or a reload before it fails.
const PATIENCE: Duration = Duration::from_secs(60);

/// The guide copied into a temporary folder, which the test may edit.
fn guide_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("book");
    copy_dir(&repo().join("book"), &book);
    (tmp, book)
}

/// A chapter of the guide: its file in `book`.
fn chapter(book: &Path, stem_part: &str) -> PathBuf {
    std::fs::read_dir(book.join("chapters"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains(stem_part))
        .unwrap_or_else(|| panic!("no chapter with {stem_part}"))
}

fn append(path: &Path, text: &str) {
    let mut s = std::fs::read_to_string(path).unwrap();
    s = format!("{}\n\n{text}\n", s.trim_end());
    // Written whole and renamed, as editors save.
    let tmp = path.with_extension("md.tmp~");
    std::fs::write(&tmp, s).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn a_rebuild_sets_again_only_the_changed_part_and_writes_what_a_fresh_build_writes() {
    let (tmp, book) = guide_copy();
    // Code, as technical books have, whose highlighting is kept too.
    append(
        &chapter(&book, "get-closer"),
        "```rust\nfn main() {\n    let closer = true;\n}\n```\n\n```python\nprint(\"near\")\n```",
    );
    let opts = |out: &str| bookbind::BuildOptions {
        input: bookbind::load::Input::Folder(book.clone()),
        out_dir: tmp.path().join(out),
        formats: vec![bookbind::Format::Epub, bookbind::Format::Pdf],
        source_date_epoch: Some(1_795_478_400),
        report: None,
    };
    let mut cache = bookbind::Cache::default();
    let first = bookbind::build_with(&opts("watched"), Some(&mut cache), &bookbind::Quiet);
    assert!(!first.has_errors(), "{:?}", first.diagnostics);
    let parts = first.book.as_ref().unwrap().parts.len();
    assert_eq!((cache.sets.set, cache.sets.reused), (parts, 0));
    assert_eq!((cache.highlights.blocks, cache.highlights.reused), (2, 0));
    // What `watch` does while waiting for the edit: the rebuild takes these
    // copies of the parses and sets it reuses instead of cloning them.
    cache.prepare();

    append(
        &chapter(&book, "make-her-laugh"),
        "One more paragraph, written while watching.",
    );
    let again = bookbind::build_with(&opts("watched"), Some(&mut cache), &bookbind::Quiet);
    assert!(!again.has_errors(), "{:?}", again.diagnostics);
    assert_eq!(
        (cache.highlights.blocks, cache.highlights.reused),
        (2, 2),
        "the code blocks, not edited, are not highlighted again"
    );
    assert_eq!(
        (cache.sets.set, cache.sets.reused),
        (1, parts - 1),
        "only the edited chapter is set again"
    );
    assert_eq!(
        cache.parsed.parsed_count, 1,
        "only the edited file is parsed again"
    );
    assert!(cache.parsed.reused > 10);
    // Pages whose items did not change are not drawn again, nor the EPUB's
    // unchanged files compressed again; the edited ones are.
    let pages = cache.pages.drawn_pages + cache.pages.reused_pages;
    assert!(
        cache.pages.drawn_pages >= 1 && cache.pages.reused_pages >= pages / 2,
        "pages drawn again: {} of {pages}",
        cache.pages.drawn_pages
    );
    assert!(
        cache.entries.packed_files >= 1 && cache.entries.reused_files >= parts - 2,
        "EPUB files compressed again: {} of {parts}",
        cache.entries.packed_files
    );

    // The same bytes as a build that reused nothing.
    let fresh = bookbind::build(&opts("fresh"));
    assert!(!fresh.has_errors());
    // And the same findings (the margin check's among them, taken from the
    // last build for the pages that did not change).
    let said = |r: &bookbind::Report| -> Vec<String> {
        r.diagnostics
            .iter()
            .map(|d| format!("{} {}", d.code.as_str(), d.message))
            .collect()
    };
    assert_eq!(said(&again), said(&fresh));
    for (w, f) in again.written.iter().zip(&fresh.written) {
        assert_eq!(
            std::fs::read(w).unwrap(),
            std::fs::read(f).unwrap(),
            "{} differs from a fresh build",
            w.display()
        );
    }
    let epub = Epub::open(&again.written[0]);
    let all: String = epub.spine().iter().map(|n| epub.visible_text(n)).collect();
    assert!(all.contains("One more paragraph, written while watching."));

    // A setting that shapes every part (the body size) sets them all again.
    let yaml = std::fs::read_to_string(book.join("book.yaml")).unwrap();
    std::fs::write(
        book.join("book.yaml"),
        format!("{yaml}pdf:\n  base-size: 11pt\n"),
    )
    .unwrap();
    let resized = bookbind::build_with(&opts("watched"), Some(&mut cache), &bookbind::Quiet);
    assert!(!resized.has_errors(), "{:?}", resized.diagnostics);
    assert_eq!(
        (cache.sets.set, cache.sets.reused),
        (parts, 0),
        "a new body size reuses no part"
    );
    let pages = cache.pages.drawn_pages + cache.pages.reused_pages;
    assert!(
        cache.pages.reused_pages * 4 < pages,
        "a new body size redraws the pages: {} of {pages} reused",
        cache.pages.reused_pages
    );
}

#[test]
fn a_book_dated_by_its_newest_source_still_reuses_the_parts_an_edit_did_not_touch() {
    // No `date` and no SOURCE_DATE_EPOCH: the book's date is its newest source's
    // modification time, which every edit changes; no part prints it.
    let (tmp, book) = guide_copy();
    let yaml = std::fs::read_to_string(book.join("book.yaml")).unwrap();
    let undated: String = yaml
        .lines()
        .filter(|l| !l.starts_with("date:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(book.join("book.yaml"), undated).unwrap();
    let opts = bookbind::BuildOptions {
        input: bookbind::load::Input::Folder(book.clone()),
        out_dir: tmp.path().join("out"),
        formats: vec![bookbind::Format::Epub, bookbind::Format::Pdf],
        source_date_epoch: None,
        report: None,
    };
    let mut cache = bookbind::Cache::default();
    let first = bookbind::build_with(&opts, Some(&mut cache), &bookbind::Quiet);
    assert!(!first.has_errors(), "{:?}", first.diagnostics);
    let parts = first.book.as_ref().unwrap().parts.len();
    std::thread::sleep(Duration::from_millis(1100));
    append(&chapter(&book, "get-closer"), "Closer still.");
    let again = bookbind::build_with(&opts, Some(&mut cache), &bookbind::Quiet);
    assert!(!again.has_errors(), "{:?}", again.diagnostics);
    assert_ne!(
        first.book.as_ref().unwrap().meta.modified,
        again.book.as_ref().unwrap().meta.modified,
        "the edit moved the book's date"
    );
    assert_eq!((cache.sets.set, cache.sets.reused), (1, parts - 1));
}

/// A `bookbind` process whose stderr lines arrive on a channel.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    fn start(args: &[&str]) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_bookbind"))
            .args(args)
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("bookbind starts");
        let err: ChildStderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines: rx,
            seen: Vec::new(),
        }
    }

    /// Waits for a line containing `what`; returns it.
    fn wait_for(&mut self, what: &str) -> String {
        let end = Instant::now() + PATIENCE;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(what) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "no line with {what:?} within {PATIENCE:?}; the output so far:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn watch_rebuilds_after_an_edit_and_keeps_the_last_good_editions_after_a_broken_one() {
    let (tmp, book) = guide_copy();
    let out = tmp.path().join("out");
    let mut w = Running::start(&[
        "watch",
        book.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    w.wait_for("bound 19 parts");
    let epub = out.join("vaginismus-tips-to-partners.epub");
    let pdf = out.join("vaginismus-tips-to-partners.pdf");

    let laugh = chapter(&book, "make-her-laugh");
    append(&laugh, "Laughter rebuilt this edition.");
    w.wait_for("changed:");
    w.wait_for("bound 19 parts");
    w.wait_for("1 of 19 parts set again");
    let e = Epub::open(&epub);
    let all: String = e.spine().iter().map(|n| e.visible_text(n)).collect();
    assert!(all.contains("Laughter rebuilt this edition."));
    let good = (std::fs::read(&epub).unwrap(), std::fs::read(&pdf).unwrap());

    // A citation of a source the bibliography lacks is an error: nothing is
    // written, and the next good edit builds again.
    append(&laugh, "As nobody wrote [@nobody-at-all-2031].");
    w.wait_for("nobody-at-all-2031");
    w.wait_for("nothing was written");
    assert_eq!(std::fs::read(&epub).unwrap(), good.0, "the EPUB was kept");
    assert_eq!(std::fs::read(&pdf).unwrap(), good.1, "the PDF was kept");

    let text = std::fs::read_to_string(&laugh).unwrap();
    std::fs::write(
        &laugh,
        text.replace(
            "As nobody wrote [@nobody-at-all-2031].",
            "Mended, and built again.",
        ),
    )
    .unwrap();
    w.wait_for("bound 19 parts");
    let e = Epub::open(&epub);
    let all: String = e.spine().iter().map(|n| e.visible_text(n)).collect();
    assert!(all.contains("Mended, and built again."));
}

/// GET `path` from the preview at `addr`: the status code and the body.
fn get(addr: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("the preview answers");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, body.to_string())
}

/// `bookbind serve` on `book` at a free port, once its first build landed: the
/// process and the preview's address.
fn serving(book: &Path, out: &Path, more: &[&str]) -> (Running, String) {
    let mut args = vec![
        "serve",
        book.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--port",
        "0",
    ];
    args.extend_from_slice(more);
    let mut s = Running::start(&args);
    let addr = address_of(&s.wait_for("http://127.0.0.1:"));
    s.wait_for("bound 19 parts");
    (s, addr)
}

/// The preview's address from its first line.
fn address_of(line: &str) -> String {
    let start = line.find("http://").expect("a URL") + "http://".len();
    line[start..].split('/').next().unwrap().to_string()
}

fn generation(addr: &str) -> u64 {
    get(addr, "/_bookbind/status")
        .1
        .lines()
        .next()
        .and_then(|l| l.parse().ok())
        .expect("a build number")
}

#[test]
fn serve_answers_on_loopback_only_and_serves_the_new_text_after_a_rebuild() {
    // Anywhere but loopback is a usage error, before anything is built.
    for wide in ["0.0.0.0", "::", "192.168.1.20"] {
        let o = bookbind(&["serve", "book", "--address", wide, "--port", "0"]);
        assert_eq!(o.status.code(), Some(2), "{wide}: {}", stderr(&o));
        assert!(stderr(&o).contains("loopback"), "{}", stderr(&o));
    }

    let (tmp, book) = guide_copy();
    let out = tmp.path().join("out");
    let (mut s, addr) = serving(&book, &out, &[]);

    let (status, index) = get(&addr, "/");
    assert_eq!(status, 200);
    assert!(index.contains("Vaginismus: Tips to Partners"), "{index}");
    assert!(index.contains("/book.pdf"));
    let page = "/epub/OEBPS/chapter-07-tip-05-make-her-laugh.xhtml";
    assert!(index.contains(page), "{index}");
    let (status, xhtml) = get(&addr, page);
    assert_eq!(status, 200);
    assert!(
        xhtml.contains("/_bookbind/reload.js"),
        "the page reloads itself"
    );
    assert!(
        xhtml.contains("stylesheet.css"),
        "with the EPUB's style sheet"
    );
    assert_eq!(get(&addr, "/epub/OEBPS/stylesheet.css").0, 200);
    let (status, pdf) = get(&addr, "/book.pdf");
    assert_eq!(status, 200);
    assert!(pdf.starts_with("%PDF-"));
    assert_eq!(get(&addr, "/epub/OEBPS/no-such-file.xhtml").0, 404);
    // A page of another site whose name leads here (DNS rebinding) is refused.
    let mut s2 = TcpStream::connect(&addr).unwrap();
    write!(s2, "GET / HTTP/1.0\r\nHost: evil.example:80\r\n\r\n").unwrap();
    let mut raw = String::new();
    s2.read_to_string(&mut raw).unwrap();
    assert!(
        raw.starts_with("HTTP/1.0 403") || raw.starts_with("HTTP/1.1 403"),
        "{raw}"
    );

    let before = generation(&addr);
    append(
        &chapter(&book, "make-her-laugh"),
        "Served fresh after the rebuild.",
    );
    s.wait_for("changed:");
    s.wait_for("bound 19 parts");
    assert!(generation(&addr) > before);
    assert!(get(&addr, page)
        .1
        .contains("Served fresh after the rebuild."));

    // A failed rebuild: the status says so with the error; the page stays.
    append(
        &chapter(&book, "make-her-laugh"),
        "See [@nobody-at-all-2031].",
    );
    s.wait_for("nothing was written");
    let status = get(&addr, "/_bookbind/status").1;
    assert!(status.lines().nth(1) == Some("failed"), "{status}");
    assert!(status.contains("nobody-at-all-2031"), "{status}");
    assert!(get(&addr, page)
        .1
        .contains("Served fresh after the rebuild."));
}

/// Chromium, where the machine has it (CI installs it: `.ci/run`).
fn chromium() -> Option<PathBuf> {
    for p in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if Path::new(p).exists() {
            return Some(PathBuf::from(p));
        }
    }
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("chromium is missing (CI installs it in .ci/run)");
    }
    eprintln!("SKIP: no chromium (apt-get install chromium)");
    None
}

/// Headless Chromium's flags on a closed machine: no first-run, sync or
/// background connections, a fresh profile.
fn chromium_command(chromium: &Path, profile: &Path) -> Command {
    let mut c = Command::new(chromium);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    c
}

#[test]
fn a_browser_shows_the_chapter_and_reloads_it_when_a_rebuild_lands() {
    let Some(chromium) = chromium() else { return };
    let (tmp, book) = guide_copy();
    let out = tmp.path().join("out");
    let (mut s, addr) = serving(&book, &out, &["--log-requests"]);
    let page = "/epub/OEBPS/chapter-07-tip-05-make-her-laugh.xhtml";
    let url = format!("http://{addr}{page}");

    // The browser renders the chapter: its text is in the DOM it built.
    let dom = chromium_command(&chromium, &tmp.path().join("profile-1"))
        .arg("--dump-dom")
        .arg(&url)
        .stdout(Stdio::piped())
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("Make her laugh"), "{dom}");
    // That browser's request, so that the next one waited for is the next
    // browser's (the log is read in order).
    s.wait_for(&format!("GET {page}"));

    // A browser left on the page: it loads it, its script asks for the status;
    // after an edit the server sees the page asked for again. (The page knows
    // the build it was served from: an edit that lands before its first
    // question reloads it too.)
    let mut browser = chromium_command(&chromium, &tmp.path().join("profile-2"))
        .arg(&url)
        .spawn()
        .expect("chromium starts");
    s.wait_for(&format!("GET {page}"));
    s.wait_for("GET /_bookbind/status");
    append(
        &chapter(&book, "make-her-laugh"),
        "The browser reloads this sentence.",
    );
    s.wait_for("bound 19 parts");
    let reloaded = s.wait_for(&format!("GET {page}"));
    let _ = browser.kill();
    let _ = browser.wait();
    assert!(reloaded.contains(page));

    let dom = chromium_command(&chromium, &tmp.path().join("profile-3"))
        .arg("--dump-dom")
        .arg(&url)
        .stdout(Stdio::piped())
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("The browser reloads this sentence."), "{dom}");
}
