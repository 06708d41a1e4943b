//! The book's identifiers in the EPUB package: an ISBN given as `identifier` is the
//! package's unique identifier as given (stores match a book by it), with its
//! kind; further `identifiers` follow; an ISBN with a wrong check digit is a
//! warning. Read back from the EPUB's package document as XML.

mod common;

use common::*;

fn package(yaml: &str) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    write_book(
        &book,
        &[
            ("book.yaml", yaml),
            ("chapters/01.md", "# One\n\nA paragraph of text.\n"),
        ],
    );
    let out = dir.path().join("out");
    let o = build_ok(&book, &out);
    let epub = Epub::open(&out.join("isbn.epub"));
    (dir, epub.text("OEBPS/content.opf"), stderr(&o))
}

#[test]
fn an_isbn_is_the_packages_unique_identifier_as_given_with_further_ones_after_it() {
    let (_dir, opf, err) = package(
        "title: ISBN\nlanguage: en\nidentifier: urn:isbn:9780306406157\nidentifiers: [\"doi:10.1000/182\", \"https://example.org/isbn\"]\nchapters: [chapters/*.md]\n",
    );
    assert!(!err.contains("W0139"), "{err}");
    let doc = parse_xml(&opf).expect("the package is XML");
    let package = doc.root_element();
    let unique = package
        .attribute("unique-identifier")
        .expect("unique-identifier");
    let ids: Vec<(String, String)> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "identifier")
        .map(|n| {
            (
                n.attribute("id").unwrap_or("").to_string(),
                n.text().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        ids,
        vec![
            (
                "epub-id-1".to_string(),
                "urn:isbn:9780306406157".to_string()
            ),
            ("epub-id-2".to_string(), "doi:10.1000/182".to_string()),
            (
                "epub-id-3".to_string(),
                "https://example.org/isbn".to_string()
            ),
        ]
    );
    assert_eq!(unique, "epub-id-1");
    let kind = |id: &str| {
        doc.descendants()
            .find(|n| {
                n.attribute("refines") == Some(id)
                    && n.attribute("property") == Some("identifier-type")
            })
            .and_then(|n| n.text())
            .map(str::to_string)
    };
    assert_eq!(
        kind("#epub-id-1").as_deref(),
        Some("15"),
        "ISBN-13 is ONIX 15"
    );
    assert_eq!(
        kind("#epub-id-2").as_deref(),
        Some("06"),
        "a DOI is ONIX 06"
    );
    assert_eq!(kind("#epub-id-3"), None);
    assert!(
        !opf.contains("urn:uuid:"),
        "no derived UUID when one is given: {opf}"
    );
}

#[test]
fn an_isbn_with_a_wrong_check_digit_is_a_warning_and_still_written() {
    let (_dir, opf, err) = package(
        "title: ISBN\nlanguage: en\nidentifier: \"978-0-306-40615-8\"\nchapters: [chapters/*.md]\n",
    );
    assert!(err.contains("W0139"), "{err}");
    assert!(err.contains("978-0-306-40615-8"), "{err}");
    assert!(opf.contains(">978-0-306-40615-8</dc:identifier>"), "{opf}");
}

#[test]
fn a_book_without_an_identifier_gets_a_derived_uuid() {
    let (_dir, opf, _) = package("title: ISBN\nlanguage: en\nchapters: [chapters/*.md]\n");
    assert!(
        opf.contains("<dc:identifier id=\"epub-id-1\">urn:uuid:"),
        "{opf}"
    );
}
