//! EPUB Accessibility 1.1 in the package and the pages: the conformance claim
//! (`dcterms:conformsTo`) only when every picture has a text alternative, W0144
//! at each that has none; and what Ace found in corpus books, written so that it
//! does not: headings one level deeper at most, no header cell without text, an
//! author's `<aside>` a note, no link without a name, no link in a summary.

mod common;

use std::path::Path;

use common::*;

/// Builds the EPUB of a one-chapter book; returns it and the run's messages.
fn epub_of(dir: &Path, chapter: &str, files: &[(&str, &[u8])]) -> (Epub, String) {
    let book = dir.join("book");
    write_book(
        &book,
        &[
            (
                "book.yaml",
                "title: Access\nauthors: [A. Writer]\nlanguage: en\nchapters: [chapters/01.md]\n",
            ),
            ("chapters/01.md", chapter),
        ],
    );
    for (name, data) in files {
        std::fs::write(book.join(name), data).unwrap();
    }
    let out = dir.join("out");
    let o = bookbind(&[
        "build",
        book.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "epub",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    (Epub::open(&out.join("access.epub")), stderr(&o))
}

/// The values of a package's `<meta property="…">`.
fn metas(epub: &Epub, property: &str) -> Vec<String> {
    let opf = epub.text("OEBPS/content.opf");
    let doc = parse_xml(&opf).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("meta") && n.attribute("property") == Some(property))
        .map(|n| n.text().unwrap_or("").to_string())
        .collect()
}

/// A one-pixel PNG.
fn pixel() -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = png::Encoder::new(&mut out, 1, 1);
    e.set_color(png::ColorType::Rgb);
    let mut w = e.write_header().unwrap();
    w.write_image_data(&[200, 0, 0]).unwrap();
    w.finish().unwrap();
    out
}

#[test]
fn the_guide_claims_epub_accessibility_1_1() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = bookbind(&[
        "build",
        repo().join("book").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "epub",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let epub = Epub::open(&out.join("vaginismus-tips-to-partners.epub"));
    assert_eq!(
        metas(&epub, "dcterms:conformsTo"),
        ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    );
}

#[test]
fn a_picture_without_alt_text_is_w0144_at_its_line_and_nothing_is_claimed() {
    let dir = tempfile::tempdir().unwrap();
    let (epub, err) = epub_of(
        dir.path(),
        "# One\n\n![A red dot](../dot.png)\n\nText.\n\n![](../dot.png)\n",
        &[("dot.png", &pixel())],
    );
    assert!(err.contains("warning[W0144]"), "{err}");
    assert!(err.contains("chapters/01.md:7:1"), "{err}");
    assert_eq!(err.matches("W0144").count(), 1, "{err}");
    assert!(metas(&epub, "dcterms:conformsTo").is_empty());
    assert!(!metas(&epub, "schema:accessibilityFeature").contains(&"alternativeText".to_string()));

    // Every picture described: claimed, without a warning.
    let dir = tempfile::tempdir().unwrap();
    let (epub, err) = epub_of(
        dir.path(),
        "# One\n\n![A red dot](../dot.png)\n",
        &[("dot.png", &pixel())],
    );
    assert!(!err.contains("W0144"), "{err}");
    assert_eq!(metas(&epub, "dcterms:conformsTo").len(), 1);
    assert!(metas(&epub, "schema:accessibilityFeature").contains(&"alternativeText".to_string()));
}

#[test]
fn what_ace_found_in_the_corpus_is_written_so_that_it_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let chapter = "# One\n\n#### Deep at once\n\n## Back up\n\n\
                   | | B |\n|---|---|\n| 1 | 2 |\n\n\
                   <aside>\n\nA pull quote.\n\n</aside>\n\n<aside>\n\nAnother.\n\n</aside>\n\n\
                   <a href=\"https://example.com/\"><img src=\"../dot.png\" alt=\"\"></a>\n\n\
                   <details>\n<summary><a href=\"#back-up\">Open</a></summary>\n\nInside.\n\n</details>\n";
    let (epub, _) = epub_of(dir.path(), chapter, &[("dot.png", &pixel())]);
    let name = epub
        .spine()
        .into_iter()
        .find(|n| n.contains("01"))
        .expect("the chapter");
    let page = epub.text(&name);
    let doc = parse_xml(&page).unwrap();
    let headings: Vec<&str> = doc
        .descendants()
        .filter(|n| matches!(n.tag_name().name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6"))
        .map(|n| n.tag_name().name())
        .collect();
    assert_eq!(headings, ["h1", "h2", "h2"], "{page}");
    assert!(
        !page.contains("<th></th>") && !page.contains("<th/>"),
        "{page}"
    );
    assert_eq!(page.matches("<aside role=\"note\">").count(), 2, "{page}");
    assert!(
        page.contains("<a href=\"https://example.com/\" aria-label=\"https://example.com/\">"),
        "{page}"
    );
    let summary = doc
        .descendants()
        .find(|n| n.has_tag_name("summary"))
        .expect("a summary");
    assert!(
        summary.descendants().all(|n| !n.has_tag_name("a")),
        "{page}"
    );
}
