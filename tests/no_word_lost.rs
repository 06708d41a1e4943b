//! The places where words used to disappear without a warning (issue 9), each
//! built as a whole book and read back from both editions: the EPUB's XHTML and
//! the PDF's text (lopdf).

mod common;

use std::path::PathBuf;
use std::process::Output;

use common::*;
use lopdf::Document;

const REFS: &str =
    "crowley2006:\n  type: article\n  title: Vaginismus\n  author: Crowley, Tessa\n  date: 2006\n";

/// A one-chapter book with a bibliography, built; its editions read back.
struct Built {
    _dir: tempfile::TempDir,
    run: Output,
    epub: Epub,
    pdf: Document,
}

impl Built {
    /// The visible text of every content document.
    fn epub_text(&self) -> String {
        self.epub
            .spine()
            .iter()
            .map(|f| self.epub.visible_text(f))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The chapter's XHTML.
    fn chapter(&self) -> String {
        let name = self
            .epub
            .files
            .keys()
            .find(|k| k.contains("chapter-01"))
            .expect("the chapter's file");
        self.epub.text(name)
    }

    fn pdf_text(&self) -> String {
        let pages: Vec<u32> = self.pdf.get_pages().keys().copied().collect();
        self.pdf.extract_text(&pages).unwrap_or_default()
    }

    fn warnings(&self) -> String {
        stderr(&self.run)
    }
}

fn book_with(chapter: &str, extra: &[(&str, &[u8])]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    write_book(
        &book,
        &[
            (
                "book.yaml",
                "title: Words\ndate: 2026-01-01\nbibliography: refs.yaml\nchapters: [chapters/*.md]\n",
            ),
            ("refs.yaml", REFS),
            ("chapters/01.md", chapter),
        ],
    );
    for (p, b) in extra {
        let path = book.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, b).unwrap();
    }
    (dir, book)
}

fn build(chapter: &str, extra: &[(&str, &[u8])]) -> Built {
    let (dir, book) = book_with(chapter, extra);
    let out = dir.path().join("out");
    let run = build_ok(&book, &out);
    Built {
        epub: Epub::open(&out.join("words.epub")),
        pdf: Document::load(out.join("words.pdf")).expect("a PDF lopdf reads"),
        run,
        _dir: dir,
    }
}

fn fails(chapter: &str) -> Output {
    let (dir, book) = book_with(chapter, &[]);
    let o = bookbind(&[
        "build",
        book.to_str().unwrap(),
        "--out",
        dir.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    o
}

/// A 2 × 2 grey PNG.
fn png() -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut enc = png::Encoder::new(&mut bytes, 2, 2);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().unwrap();
    w.write_image_data(&[100; 4]).unwrap();
    w.finish().unwrap();
    bytes
}

fn assert_all_words(b: &Built, expected: &[&str]) {
    let epub = words(&b.epub_text());
    let pdf = words(&b.pdf_text());
    for w in expected {
        let w = w.to_lowercase();
        assert!(epub.contains(&w), "`{w}` is not in the EPUB: {epub:?}");
        assert!(pdf.contains(&w), "`{w}` is not in the PDF: {pdf:?}");
    }
}

#[test]
fn an_at_sign_in_a_heading_is_kept_in_the_heading_and_the_contents() {
    let b = build("# Chapter\n\n## Write to me @home\n\nText.\n", &[]);
    assert!(
        b.chapter().contains("Write to me @home</h2>"),
        "{}",
        b.chapter()
    );
    let nav: Vec<String> = b.epub.nav_entries().into_iter().map(|(t, _)| t).collect();
    assert!(nav.iter().any(|t| t == "Write to me @home"), "{nav:?}");
    assert!(b.pdf_text().contains("@home"));
    // The part's own title too.
    let b = build("# Mail @home\n\nText.\n", &[]);
    let nav: Vec<String> = b.epub.nav_entries().into_iter().map(|(t, _)| t).collect();
    assert!(nav.iter().any(|t| t == "Mail @home"), "{nav:?}");
}

#[test]
fn a_citation_in_a_footnote_is_formatted_and_its_entry_listed() {
    let b = build(
        "# Chapter\n\nA claim.[^1]\n\n[^1]: See [@crowley2006].\n",
        &[],
    );
    assert!(!b.warnings().contains("W0102"), "{}", b.warnings());
    let text = b.epub_text();
    assert!(
        text.contains("Crowley, 2006") || text.contains("Crowley (2006)"),
        "{text}"
    );
    let references = b
        .epub
        .files
        .keys()
        .find(|k| k.contains("references"))
        .expect("a reference list")
        .clone();
    assert!(b.epub.visible_text(&references).contains("Vaginismus"));
    assert_all_words(&b, &["Crowley", "2006", "Vaginismus"]);
    // An unknown key there is an error at its place.
    let o = fails("# Chapter\n\nA claim.[^1]\n\n[^1]: See [@nobody1999].\n");
    assert!(stderr(&o).contains("error[E0006]"), "{}", stderr(&o));
    assert!(stderr(&o).contains("01.md:5:"), "{}", stderr(&o));
}

#[test]
fn a_figure_in_raw_html_holds_its_picture_and_caption() {
    let png = png();
    let b = build(
        "# Chapter\n\n<figure>\n\n![A grey square](p.png)\n\n<figcaption>The grey square, enlarged</figcaption>\n</figure>\n\nAfter it.\n",
        &[("chapters/p.png", &png)],
    );
    let x = b.chapter();
    let doc = parse_xml(&x).unwrap();
    let fig = doc
        .descendants()
        .find(|n| n.has_tag_name("figure"))
        .expect("a figure");
    assert!(fig.descendants().any(|n| n.has_tag_name("img")), "{x}");
    let cap = fig
        .descendants()
        .find(|n| n.has_tag_name("figcaption"))
        .expect("the caption is in the figure");
    assert!(cap
        .descendants()
        .any(|n| n.text() == Some("The grey square, enlarged")));
    assert_all_words(&b, &["grey", "square", "enlarged", "After"]);
}

#[test]
fn a_div_with_a_direction_keeps_its_paragraphs_and_their_direction() {
    let b = build(
        "# Chapter\n\n<div dir=\"rtl\" lang=\"he\">\n\nשלום עולם\n\nשורה שנייה\n\n</div>\n",
        &[],
    );
    let x = b.chapter();
    let doc = parse_xml(&x).unwrap();
    let div = doc
        .descendants()
        .find(|n| n.has_tag_name("div") && n.attribute("dir") == Some("rtl"))
        .unwrap_or_else(|| panic!("{x}"));
    assert_eq!(
        div.children().filter(|n| n.has_tag_name("p")).count(),
        2,
        "{x}"
    );
    assert!(b.epub_text().contains("שורה שנייה"));
}

#[test]
fn a_raw_image_is_a_picture_in_both_editions() {
    let png = png();
    let b = build(
        "# Chapter\n\nBefore.\n\n<img src=\"images/fig.png\" alt=\"A figure\">\n\nAfter.\n",
        &[("chapters/images/fig.png", &png)],
    );
    assert!(
        b.epub.files.keys().any(|k| k.ends_with(".png")),
        "the EPUB carries it"
    );
    assert!(b.chapter().contains("alt=\"A figure\""), "{}", b.chapter());
    let images = b
        .pdf
        .objects
        .values()
        .filter(|o| {
            o.as_stream().is_ok_and(|s| {
                s.dict.get(b"Subtype").and_then(lopdf::Object::as_name).ok() == Some(b"Image")
            })
        })
        .count();
    assert_eq!(images, 1, "the PDF draws it");
    let opf = b.epub.text("OEBPS/content.opf");
    assert!(
        opf.contains(">visual<") && opf.contains(">alternativeText<"),
        "{opf}"
    );
    // A picture without a text alternative: no claim that every one has one.
    let b = build("# Chapter\n\n![](p.png)\n", &[("chapters/p.png", &png)]);
    let opf = b.epub.text("OEBPS/content.opf");
    assert!(
        opf.contains(">visual<") && !opf.contains(">alternativeText<"),
        "{opf}"
    );
    // A missing one is an error at its place, as `![]()` is.
    let o = fails("# Chapter\n\nText <img src=\"nowhere.png\" alt=\"x\">.\n");
    assert!(stderr(&o).contains("error[E0011]"), "{}", stderr(&o));
    assert!(stderr(&o).contains("01.md:3:6"), "{}", stderr(&o));
}

#[test]
fn a_raw_line_break_breaks_the_line_in_print() {
    let b = build("# Chapter\n\none<br>two and three<br/>four\n", &[]);
    let pdf = words(&b.pdf_text());
    assert!(
        pdf.contains(&"one".to_string()) && pdf.contains(&"two".to_string()),
        "{pdf:?}"
    );
    assert!(!pdf.contains(&"onetwo".to_string()), "{pdf:?}");
    assert!(b.chapter().contains("one<br/>"), "{}", b.chapter());
}

#[test]
fn headings_in_notes_get_ids_and_notes_in_headings_are_numbered() {
    let b = build(
        "# Title[^a]\n\nText.[^b]\n\n[^a]: About the title.\n\n[^b]: A note.\n\n    ## Inside\n\n    More.\n",
        &[],
    );
    let x = b.chapter();
    assert!(!x.contains("id=\"\""), "{x}");
    assert!(!b.warnings().contains("W0103"), "{}", b.warnings());
    let nav: Vec<String> = b.epub.nav_entries().into_iter().map(|(t, _)| t).collect();
    assert!(nav.iter().any(|t| t == "Title"), "{nav:?}");
    assert!(x.contains("About the title."), "{x}");
    assert_all_words(&b, &["About", "title", "Inside", "More"]);
}

#[test]
fn what_no_edition_can_show_is_a_warning_at_its_place() {
    let b = build(
        "# Chapter\n\n<video src=\"v.mp4\">A video of the exercise.</video>\n\n<form><input type=\"text\"></form>\n",
        &[],
    );
    let w = b.warnings();
    assert!(w.contains("warning[W0116]"), "{w}");
    assert!(w.contains("`<video>`") && w.contains("01.md:3:1"), "{w}");
    assert!(w.contains("`<form>`") && w.contains("`<input>`"), "{w}");
    assert_all_words(&b, &["video", "exercise"]);
}

#[test]
fn html_ids_are_link_targets() {
    let b = build(
        "# Chapter\n\n<a id=\"here\"></a>Target paragraph.\n\nSee [there](#here) and [the box](#box).\n\n<div id=\"box\">\n\nIn the box.\n\n</div>\n",
        &[],
    );
    let x = b.chapter();
    assert!(x.contains("id=\"here\"") && x.contains("id=\"box\""), "{x}");
    assert!(
        x.contains("href=\"#here\"") && x.contains("href=\"#box\""),
        "{x}"
    );
}

#[test]
fn raw_html_that_html_forbids_is_written_as_html_allows() {
    let b = build(
        "# Chapter\n\nA <a href=\"https://example.com/\">link with [a link](https://example.org/) and a note[^n]</a> in it.\n\n\
         <figure>\n<figcaption>First caption</figcaption>\n\nMiddle text.\n\n<figcaption>Second caption</figcaption>\n\nEnd text.\n\n</figure>\n\n\
         <figcaption>A caption without a figure</figcaption>\n\n\
         <details>\n\nBefore the summary.\n\n<summary>Late summary</summary>\n\n</details>\n\n[^n]: The note.\n",
        &[],
    );
    let x = b.chapter();
    let doc = parse_xml(&x).unwrap();
    for a in doc.descendants().filter(|n| n.has_tag_name("a")) {
        assert!(
            !a.ancestors().skip(1).any(|n| n.has_tag_name("a")),
            "a link inside a link:\n{x}"
        );
    }
    for cap in doc.descendants().filter(|n| n.has_tag_name("figcaption")) {
        let fig = cap.parent_element().expect("a parent");
        assert!(
            fig.has_tag_name("figure"),
            "a caption outside a figure:\n{x}"
        );
        let kids: Vec<_> = fig.children().filter(|n| n.is_element()).collect();
        assert!(
            kids.first() == Some(&cap) || kids.last() == Some(&cap),
            "a caption in the middle of a figure:\n{x}"
        );
    }
    for s in doc.descendants().filter(|n| n.has_tag_name("summary")) {
        let first = s
            .parent_element()
            .and_then(|d| d.children().find(|n| n.is_element()));
        assert_eq!(first, Some(s), "a summary that is not first:\n{x}");
    }
    // The note reference inside the link still has the id its note links back to.
    assert!(x.contains("id=\"fnref-1\""), "{x}");
    assert_all_words(
        &b,
        &[
            "First", "Second", "caption", "without", "Late", "summary", "Before", "note",
        ],
    );
}

#[test]
fn an_alert_is_a_labelled_note_in_both_editions() {
    let b = build(
        "# Chapter\n\n> [!WARNING]\n> Stop if it hurts.\n\nAfter.\n",
        &[],
    );
    let x = b.chapter();
    let doc = parse_xml(&x).unwrap();
    let aside = doc
        .descendants()
        .find(|n| n.has_tag_name("aside") && n.attribute("role") == Some("note"))
        .unwrap_or_else(|| panic!("no aside role=note:\n{x}"));
    assert!(
        aside.attribute("class").unwrap_or("").contains("warning"),
        "{x}"
    );
    let text: String = aside.descendants().filter_map(|n| n.text()).collect();
    assert!(
        text.trim_start().starts_with("Warning") && text.contains("Stop if it hurts."),
        "{x}"
    );
    assert_all_words(&b, &["Warning", "Stop", "hurts", "After"]);
}
