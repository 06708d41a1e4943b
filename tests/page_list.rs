//! The EPUB's page list matches the print edition: each page-break marker bears
//! the label of the printed page that begins with the words after it. Read back
//! independently: the markers and the navigation document's page list from the
//! EPUB's XHTML, each page's label with pikepdf and its words with poppler's
//! pdftotext, never with bookbind's code.
//!
//! Without pdftotext or pikepdf the test says so and passes, except under `CI`,
//! where both are installed (`.ci/run` checks) and their absence is a failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{build_ok, parse_xml, repo, write_book, Epub};

/// How far into a page (in words, running head and folio included) its first
/// words must be found: a head is a few words; a marker a line early or late
/// would put them past a page's first line or on the page before.
const WINDOW: usize = 24;

fn python() -> PathBuf {
    std::env::var_os("VERIFY_PYTHON")
        .map_or_else(|| "/opt/verify-venv/bin/python".into(), PathBuf::from)
}

/// The PDF's page labels, read by pikepdf; None (and said) when it is missing.
fn page_labels(pdf: &Path) -> Option<Vec<String>> {
    let out = Command::new(python())
        .args([
            "-c",
            "import sys, pikepdf\nfor p in pikepdf.open(sys.argv[1]).pages: print(p.label)",
        ])
        .arg(pdf)
        .output();
    match out {
        Ok(o) if o.status.success() => Some(
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .map(str::to_string)
                .collect(),
        ),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "pikepdf (../shared/tools/install-validators.sh) is needed under CI"
            );
            eprintln!("pikepdf is missing: the page list is not checked against the PDF");
            None
        }
    }
}

/// The words of page `n` (from 1), by pdftotext.
fn page_words(pdf: &Path, n: usize) -> Option<Vec<String>> {
    let o = Command::new("pdftotext")
        .args(["-f", &n.to_string(), "-l", &n.to_string(), "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .ok()?;
    Some(words(&String::from_utf8_lossy(&o.stdout)))
}

/// The words with letters: the contents page's leaders and numbers, printed
/// only, drop out.
fn words(s: &str) -> Vec<String> {
    s.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .map(str::to_string)
        .collect()
}

/// Each marker's label and the words after it up to the next marker, in reading
/// order, from the spine's documents.
fn markers(epub: &Epub) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for name in epub.spine() {
        let src = epub.text(&name);
        let doc = parse_xml(&src).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut open = false;
        for n in doc.descendants() {
            let is_marker = n.is_element()
                && n.attributes()
                    .any(|a| a.name() == "type" && a.value() == "pagebreak");
            if is_marker {
                assert_eq!(n.attribute("role"), Some("doc-pagebreak"));
                let label = n.attribute("aria-label").expect("a marker has a label");
                out.push((label.to_string(), String::new()));
                open = true;
            } else if n.is_text() && open {
                // Footnote bodies and hidden text follow the chapter in the EPUB
                // and the page foot in print: the words of the body are enough.
                out.last_mut().unwrap().1.push_str(n.text().unwrap_or(""));
            } else if n.is_element() && matches!(n.tag_name().name(), "p" | "li" | "h1" | "h2") {
                if let Some(last) = out.last_mut() {
                    last.1.push(' ');
                }
            }
        }
    }
    out.into_iter().map(|(l, t)| (l, words(&t))).collect()
}

/// The labels of the navigation document's page list, in order.
fn page_list(epub: &Epub) -> Vec<String> {
    let src = epub.text("OEBPS/nav.xhtml");
    let doc = parse_xml(&src).expect("nav is XML");
    let nav = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("nav")
                && n.attributes()
                    .any(|a| a.name() == "type" && a.value() == "page-list")
        })
        .expect("a page-list nav");
    nav.descendants()
        .filter(|n| n.has_tag_name("a"))
        .map(|a| {
            a.descendants()
                .filter(|t| t.is_text())
                .map(|t| t.text().unwrap())
                .collect()
        })
        .collect()
}

/// Builds `book` and checks every marker against the PDF: the page list names
/// every printed page in order, and each page with text begins with the words
/// after its marker. Returns how many pages were checked by their words.
fn check(book: &Path, out: &Path) -> usize {
    build_ok(book, out);
    let find = |ext: &str| {
        std::fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == ext))
            .unwrap()
    };
    let (epub_path, pdf) = (find("epub"), find("pdf"));
    let epub = Epub::open(&epub_path);
    let marks = markers(&epub);
    let listed = page_list(&epub);
    let Some(labels) = page_labels(&pdf) else {
        return 0;
    };
    assert_eq!(
        listed, labels,
        "the page list names every printed page, in order"
    );
    let mut sorted: Vec<&String> = marks.iter().map(|m| &m.0).collect();
    sorted.sort();
    let mut all: Vec<&String> = labels.iter().collect();
    all.sort();
    assert_eq!(sorted, all, "one marker for each printed page");
    let mut checked = 0;
    for (label, after) in &marks {
        if after.len() < 3 {
            continue; // a blank page, or one that ends its part
        }
        let n = labels.iter().position(|l| l == label).unwrap() + 1;
        let Some(page) = page_words(&pdf, n) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "pdftotext is needed under CI"
            );
            return 0;
        };
        let first = &after[..3];
        let near = &page[..page.len().min(WINDOW)];
        assert!(
            begins(near, first),
            "page {label} (PDF page {n}) should begin with {first:?}; it begins {near:?}"
        );
        checked += 1;
    }
    checked
}

/// Whether `page` holds the words `first` in order, each within two words of the
/// one before (a page number printed between two contents entries).
fn begins(page: &[String], first: &[String]) -> bool {
    (0..page.len()).any(|start| {
        let mut at = start;
        first.iter().enumerate().all(|(k, w)| {
            let reach = if k == 0 { 1 } else { 3 };
            match page[at..page.len().min(at + reach)]
                .iter()
                .position(|p| p == w)
            {
                Some(i) => {
                    at += i + 1;
                    true
                }
                None => false,
            }
        })
    })
}

#[test]
fn the_guides_page_list_matches_its_printed_pages() {
    let out = tempfile::tempdir().unwrap();
    let checked = check(&repo().join("book"), out.path());
    // 39 pages, of which the blank ones and the ends of parts have no words.
    if checked > 0 {
        assert!(checked >= 25, "only {checked} pages checked by their words");
    }
}

#[test]
fn a_page_added_to_make_the_count_even_for_a_printer_is_in_the_page_list() {
    // KDP: 39 pages padded to 40 with a blank last page, which the list names.
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    common::copy_dir(&repo().join("book"), &book);
    let manifest = book.join("book.yaml");
    let yaml = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{yaml}pdf:\n  profile: kdp\n")).unwrap();
    let out = dir.path().join("out");
    let checked = check(&book, &out);
    if checked > 0 {
        let epub = Epub::open(&out.join("vaginismus-tips-to-partners.epub"));
        assert_eq!(page_list(&epub).len() % 2, 0, "an even count of pages");
    }
}

#[test]
fn page_list_false_leaves_the_page_numbers_out() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    common::copy_dir(&repo().join("book"), &book);
    let manifest = book.join("book.yaml");
    let yaml = std::fs::read_to_string(&manifest).unwrap();
    assert!(
        yaml.contains("\nepub:\n"),
        "the guide's manifest has an epub: section"
    );
    let yaml = yaml.replacen("\nepub:\n", "\nepub:\n  page-list: false\n", 1);
    std::fs::write(&manifest, yaml).unwrap();
    let out = dir.path().join("out");
    let o = common::bookbind(&[
        "build",
        book.to_str().unwrap(),
        "--format",
        "epub",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let epub = Epub::open(&out.join("vaginismus-tips-to-partners.epub"));
    assert!(!epub.text("OEBPS/nav.xhtml").contains("page-list"));
    assert!(!epub.text("OEBPS/content.opf").contains("pageBreakSource"));
    for name in epub.spine() {
        assert!(!epub.text(&name).contains("pagebreak"), "{name}");
    }
}

#[test]
fn pages_that_begin_in_a_code_block_or_after_a_hyphen_are_marked_where_they_begin() {
    let dir = tempfile::tempdir().unwrap();
    let code: String = (1..=90)
        .map(|i| format!("    let value_{i} = compute(\"row number {i}\");\n"))
        .collect();
    let long = "Incomprehensibilities notwithstanding, characteristically unconventional \
                representations overwhelmingly demonstrate extraordinarily \
                interdisciplinary understandings of internationalisation. "
        .repeat(40);
    write_book(
        dir.path(),
        &[
            (
                "book.yaml",
                "title: Pages\nauthors: [A. Writer]\nlanguage: en\ndate: 2026-01-01\n\
                 pdf:\n  trim: 4in x 5in\n  margins: { inner: 0.5in, outer: 0.5in, top: 0.5in, bottom: 0.5in }\n\
                 chapters:\n  - one.md\n  - two.md\n",
            ),
            ("one.md", &format!("# Code\n\nBefore the code.\n\n```rust\nfn main() {{\n{code}}}\n```\n\nAfter it.\n")),
            ("two.md", &format!("# Words\n\n{long}\n")),
        ],
    );
    let out = dir.path().join("out");
    let checked = check(dir.path(), &out);
    if checked > 0 {
        assert!(checked >= 10, "only {checked} pages checked");
    }
    // No marker splits a word: the text before each marker ends a word.
    let epub = Epub::open(
        &std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "epub"))
            .unwrap(),
    );
    for name in epub.spine() {
        let src = epub.text(&name);
        for (i, _) in src.match_indices("<span epub:type=\"pagebreak\"") {
            let before = src[..i].chars().last().unwrap();
            let after = src[i..]
                .split("</span>")
                .nth(1)
                .and_then(|s| s.chars().next());
            let inside_word = before.is_alphabetic() && after.is_some_and(char::is_alphabetic);
            assert!(
                !inside_word,
                "a marker inside a word in {name}: …{}…",
                &src[i.saturating_sub(30)..i]
            );
        }
    }
}
