//! Bibliographies as authors have them: CSL-JSON, BibTeX with pandoc's leniency,
//! and a CSL style file of their own; the reference list is in both editions.

mod common;

use common::*;

const CHAPTER: &str = "# One\n\nAs shown [@doe2017, p. 3] and by @smith1999.\n";

const CSL_JSON: &str = r#"[
 {"id": "doe2017", "type": "article-journal", "title": "Deep things",
  "container-title": "Journal of Tests", "volume": "3", "issue": "2", "page": "10-20",
  "DOI": "10.1000/xyz", "author": [{"family": "Doe", "given": "Jane"}],
  "issued": {"date-parts": [["2017", 5]]}, "score": 4.5, "subtitle": ["ignored"]},
 {"id": "smith1999", "type": "book", "title": "A Book of Things",
  "author": [{"family": "Smith", "given": "Al"}], "publisher": "Press",
  "issued": {"date-parts": [[1999]]}}
]"#;

/// A journal's style over APA, as the Zotero repository has thousands.
const DEPENDENT_CSL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" default-locale="en-US">
  <info>
    <title>Journal of Tests</title>
    <id>http://www.zotero.org/styles/journal-of-tests</id>
    <link href="http://www.zotero.org/styles/journal-of-tests" rel="self"/>
    <link href="http://www.zotero.org/styles/apa" rel="independent-parent"/>
    <category citation-format="author-date"/>
    <updated>2020-01-01T00:00:00+00:00</updated>
  </info>
</style>
"#;

fn build(files: &[(&str, &str)]) -> (tempfile::TempDir, std::process::Output) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    write_book(&book, files);
    let out = dir.path().join("out");
    let o = bookbind(&[
        "build",
        book.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    (dir, o)
}

fn references(dir: &tempfile::TempDir) -> String {
    let epub = Epub::open(&dir.path().join("out/test.epub"));
    epub.visible_text("OEBPS/references.xhtml")
}

#[test]
fn a_csl_json_bibliography_with_a_style_file_of_the_author_is_used() {
    let (dir, o) = build(&[
        (
            "book.yaml",
            "title: Test\nbibliography: refs.json\ncitation-style: styles/journal.csl\nchapters: [ch.md]\n",
        ),
        ("refs.json", CSL_JSON),
        ("styles/journal.csl", DEPENDENT_CSL),
        ("ch.md", CHAPTER),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    let refs = references(&dir);
    assert!(
        refs.contains("Doe, J. (2017)")
            && refs.contains("Journal of Tests")
            && refs.contains("Smith"),
        "{refs}"
    );
    let one = Epub::open(&dir.path().join("out/test.epub")).visible_text("OEBPS/ch.xhtml");
    assert!(one.contains("(Doe, 2017, p. 3)"), "{one}");
}

#[test]
fn an_unbraced_urldate_in_a_bib_file_is_read() {
    let (dir, o) = build(&[
        (
            "book.yaml",
            "title: Test\nbibliography: refs.bib\nchapters: [ch.md]\n",
        ),
        (
            "refs.bib",
            "@misc{doe2017,\n  title = {Deep things},\n  author = {Doe, Jane},\n  year = 2017,\n  \
             url = {https://example.org/a},\n  urldate = 2018-07-02\n}\n\
             @book{smith1999, title = {A Book of Things}, author = {Smith, Al}, year = 1999}\n",
        ),
        ("ch.md", CHAPTER),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("W0122"), "{}", stderr(&o));
    let refs = references(&dir);
    // APA prints no access date for it; the unit test in resolve/citations.rs
    // checks that the date is read.
    assert!(refs.contains("Deep things"), "{refs}");
}

#[test]
fn a_style_file_that_is_not_csl_is_an_error_at_the_manifest_line() {
    let (_dir, o) = build(&[
        (
            "book.yaml",
            "title: Test\nbibliography: refs.json\ncitation-style: mine.csl\nchapters: [ch.md]\n",
        ),
        ("refs.json", CSL_JSON),
        ("mine.csl", "<style>not really</style>"),
        ("ch.md", CHAPTER),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("error[E0007]") && err.contains("book.yaml:3:17"),
        "{err}"
    );
    let (_dir, o) = build(&[
        (
            "book.yaml",
            "title: Test\nbibliography: refs.json\ncitation-style: missing.csl\nchapters: [ch.md]\n",
        ),
        ("refs.json", CSL_JSON),
        ("ch.md", CHAPTER),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("book.yaml:3:17"), "{}", stderr(&o));
}
