//! Inputs that once broke a build, found by the property test or the fuzzers, each
//! named for what went wrong. Each must bind both editions, every XML file of the
//! EPUB well-formed.

mod common;

use common::*;

/// Both editions of the book in `book`, written to `out`, dated 1970.
fn build_both(book: impl Into<std::path::PathBuf>, out: &std::path::Path) -> bookbind::Report {
    bookbind::build(&bookbind::BuildOptions {
        input: bookbind::load::Input::Folder(book.into()),
        out_dir: out.to_path_buf(),
        formats: vec![bookbind::Format::Epub, bookbind::Format::Pdf],
        source_date_epoch: Some(0),
        report: None,
    })
}

/// Binds one chapter (and an empty second one) through the library; returns the
/// EPUB.
fn bind(chapter: &str) -> Epub {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    write_book(
        &book,
        &[
            (
                "book.yaml",
                "title: Regression\ndate: 2024-01-01\nchapters:\n  - chapters/*.md\n",
            ),
            ("chapters/01.md", chapter),
        ],
    );
    let out = dir.path().join("out");
    let report = build_both(book, &out);
    let errors: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let pdf = std::fs::read(out.join("regression.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let epub = Epub::open(&out.join("regression.epub"));
    for (name, bytes) in &epub.files {
        if name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".ncx") {
            let text = std::str::from_utf8(bytes).unwrap();
            if let Err(e) = parse_xml(text) {
                panic!("{name} is not well-formed: {e}\n{text}");
            }
        }
    }
    epub
}

/// Property test, seed 7: the part's opening heading was written without making
/// its raw HTML well-formed (`<h1><span>—</h1>`).
#[test]
fn raw_html_in_a_part_heading_is_made_well_formed() {
    let epub = bind("<span onclick=\"x()\">---\n===\n");
    let ch = epub.text("OEBPS/chapter-01.xhtml");
    assert!(!ch.contains("onclick"), "{ch}");
    bind("# Title <b>bold\n\nText.\n");
}

/// Found with the heading above: a quote's attribution had the same fault.
#[test]
fn raw_html_in_a_quote_attribution_is_made_well_formed() {
    bind("# One\n\n> Quoted.\n>\n> — <i>Someone\n");
}

/// Fuzzer (markdown_to_xhtml, crash-02e7e2cb): a character reference to a control
/// character in raw HTML (`&#1;`) came out of the HTML sanitiser as the character,
/// which XML forbids.
#[test]
fn character_references_to_control_characters_in_raw_html_are_dropped() {
    let epub = bind("<div>\n*Emphasized\u{0}ed 20;&#64;&#1;\n\u{b2}* text.\n</div>\n");
    assert!(epub.text("OEBPS/chapter-01.xhtml").contains("@"));
    bind("<p title=\"a&#1;b&#x1f;\">c&#11;d</p>\n\nText &#1; and [a](https://example.com/ \"t&#2;\").\n");
}

/// A chapter named like a file every EPUB holds (`cover.md`, `nav.md`,
/// `contents.md`, `toc.md`) made a second file of that name in the container:
/// "Duplicate filename", and no book.
#[test]
fn chapters_named_like_the_epubs_own_files_are_bound() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    // `titlepage.md` too: the generated title page is a part like the others.
    let names = ["cover", "nav", "contents", "toc", "titlepage"];
    let mut files = vec![(
        "book.yaml".to_string(),
        format!(
            "title: Names\ndate: 2024-01-01\nchapters:\n{}",
            names
                .iter()
                .map(|n| format!("  - chapters/{n}.md\n"))
                .collect::<String>()
        ),
    )];
    for n in names {
        files.push((
            format!("chapters/{n}.md"),
            format!("# The {n} chapter\n\nThe text of {n}.\n"),
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    write_book(&book, &files);
    let out = dir.path().join("out");
    let report = build_both(&book, &out);
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    let epub = Epub::open(&out.join("names.epub"));
    let all: String = epub.spine().iter().map(|n| epub.visible_text(n)).collect();
    for n in names {
        assert!(all.contains(&format!("The text of {n}.")), "{n} is missing");
    }
    // The cover page is still the cover's.
    assert!(epub.text("OEBPS/cover.xhtml").contains("<img"));
}
