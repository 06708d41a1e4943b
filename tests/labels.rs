//! The words the editions add (an alert's label, the reference list's heading)
//! are in the book's language, in both editions.

mod common;

use common::*;
use lopdf::Document;

fn build(language: &str) -> (tempfile::TempDir, Epub, String) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    write_book(
        &book,
        &[
            (
                "book.yaml",
                &format!("title: Test\nlanguage: {language}\nbibliography: refs.yaml\nchapters: [ch.md]\n"),
            ),
            (
                "refs.yaml",
                "doe2020:\n  type: book\n  title: Un livre\n  author: Doe, Jane\n  date: 2020\n",
            ),
            (
                "ch.md",
                "# Un\n\n> [!NOTE]\n> Lisez ceci [@doe2020].\n\n> [!CAUTION]\n> Prudence.\n",
            ),
        ],
    );
    let out = dir.path().join("out");
    build_ok(&book, &out);
    let epub = Epub::open(&out.join("test.epub"));
    let pdf = Document::load(out.join("test.pdf")).expect("a PDF lopdf reads");
    let pages: Vec<u32> = pdf.get_pages().keys().copied().collect();
    let text = pdf.extract_text(&pages).unwrap_or_default();
    (dir, epub, text)
}

#[test]
fn alert_labels_and_the_reference_heading_are_in_the_books_language() {
    let (_dir, epub, pdf) = build("fr-CA");
    let ch = epub.text("OEBPS/ch.xhtml");
    assert!(
        ch.contains("<p class=\"alert-title\">Remarque</p>")
            && ch.contains("<p class=\"alert-title\">Attention</p>"),
        "{ch}"
    );
    let refs = epub.text("OEBPS/references.xhtml");
    assert!(refs.contains(">Références<"), "{refs}");
    for w in ["Remarque", "Attention", "Références"] {
        assert!(pdf.contains(w), "`{w}` is not in the PDF: {pdf}");
    }
    assert!(
        !pdf.contains("Note") && !pdf.contains("References"),
        "{pdf}"
    );
}

#[test]
fn a_language_without_labels_gets_english_ones() {
    let (dir, epub, _pdf) = build("sw");
    let ch = epub.text("OEBPS/ch.xhtml");
    assert!(ch.contains("<p class=\"alert-title\">Note</p>"), "{ch}");
    // Said once, naming the language.
    let o = bookbind(&["check", dir.path().join("book").to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(err.matches("warning[W0137]").count(), 1, "{err}");
    assert!(err.contains("(sw)"), "{err}");
    let (dir, _, _) = build("fr");
    let o = bookbind(&["check", dir.path().join("book").to_str().unwrap()]);
    assert!(!stderr(&o).contains("W0137"), "{}", stderr(&o));
}

/// A part in another language than the book's says its own words in it: a French
/// chapter of an English book labels its alerts and its notes in French.
#[test]
fn a_part_in_another_language_has_labels_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    let chapter = "# Un\n\n> [!NOTE]\n> Lisez ceci.[^1]\n\n[^1]: Une note.\n";
    write_book(
        &book,
        &[
            (
                "book.yaml",
                "title: Test\nlanguage: en\nchapters: [en.md, { file: fr.md, language: fr }]\n",
            ),
            (
                "en.md",
                "# One\n\n> [!NOTE]\n> Read this.[^1]\n\n[^1]: A note.\n",
            ),
            ("fr.md", chapter),
        ],
    );
    let out = dir.path().join("out");
    build_ok(&book, &out);
    let epub = Epub::open(&out.join("test.epub"));
    let fr = epub.text("OEBPS/fr.xhtml");
    assert!(fr.contains("<p class=\"alert-title\">Remarque</p>"), "{fr}");
    assert!(!fr.contains(">Note<"), "{fr}");
    let en = epub.text("OEBPS/en.xhtml");
    assert!(en.contains("<p class=\"alert-title\">Note</p>"), "{en}");
    let pdf = Document::load(out.join("test.pdf")).expect("a PDF lopdf reads");
    let pages: Vec<u32> = pdf.get_pages().keys().copied().collect();
    let text = pdf.extract_text(&pages).unwrap_or_default();
    assert!(text.contains("Remarque") && text.contains("Note"), "{text}");
}
