//! Print profiles (`pdf.profile`, `check --profile`): the guide built for KDP read
//! back with lopdf (page boxes, no links or bookmarks) and poppler (where the text
//! block starts: the inner margin the table gives for the page count), a book long
//! enough to cross a step of KDP's margin table, a trim the service does not print,
//! what `check --profile` reports, and the PDF/X marks of an IngramSpark file.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// KDP's least inner margin, in points, by page count ("Set Trim Size, Bleed, and
/// Margins", kdp.amazon.com/help/topic/GVBQ3CMEQW3W2VL6): written out again here,
/// not read from the code under test.
fn kdp_gutter(pages: usize) -> f32 {
    72.0 * match pages {
        0..=150 => 0.375,
        151..=300 => 0.5,
        301..=500 => 0.625,
        501..=700 => 0.75,
        _ => 0.875,
    }
}

/// The guide in a temporary folder with `extra` added to its `pdf:` section (it
/// has none), built; returns the folder (kept alive) and the PDF's path.
fn guide_with(pdf: &str) -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    copy_dir(&repo().join("book"), &book);
    let manifest = book.join("book.yaml");
    let mut yaml = std::fs::read_to_string(&manifest).unwrap();
    assert!(!yaml.contains("\npdf:"), "the guide has a pdf: section now");
    yaml.push_str(&format!("pdf:\n{pdf}"));
    std::fs::write(&manifest, yaml).unwrap();
    let out = dir.path().join("out");
    let o = build_ok(&book, &out);
    let pdf = out.join("vaginismus-tips-to-partners.pdf");
    (dir, pdf, stderr(&o))
}

fn boxes(pdf: &lopdf::Document, id: lopdf::ObjectId, key: &str) -> Option<Vec<f32>> {
    let page = pdf.get_dictionary(id).ok()?;
    let array = page.get(key.as_bytes()).ok()?.as_array().ok()?;
    Some(
        array
            .iter()
            .map(|o| {
                o.as_float()
                    .or_else(|_| o.as_i64().map(|i| i as f32))
                    .unwrap()
            })
            .collect(),
    )
}

/// The text block's left edge on each page of running text, from poppler's word
/// boxes: the leftmost start of a line whose first word starts with a letter or
/// figure (punctuation hangs into the margin), on pages of at least ten lines
/// between the running head and the folio.
fn left_edges(pdf: &Path, height: f32) -> Vec<(usize, f32)> {
    let Some(words) = word_boxes(pdf) else {
        return Vec::new();
    };
    let body: Vec<WordBox> = words
        .into_iter()
        .filter(|w| w.y0 > 60.0 && w.y1 < height - 60.0)
        .collect();
    let mut starts: std::collections::BTreeMap<usize, Vec<f32>> = Default::default();
    for line in lines_of(&body) {
        let first = &line[0];
        if first.text.starts_with(char::is_alphanumeric) {
            starts.entry(first.page).or_default().push(first.x0);
        }
    }
    starts
        .into_iter()
        .filter(|(_, xs)| xs.len() >= 10)
        .map(|(page, xs)| (page, xs.into_iter().fold(f32::MAX, f32::min)))
        .collect()
}

#[test]
fn the_guide_for_kdp_has_trim_boxes_no_links_or_bookmarks_and_the_gutter_of_its_page_count() {
    // Margins narrower than KDP's least: the layout must raise them.
    let (_dir, path, warnings) =
        guide_with("  profile: kdp\n  margins: { inner: 0.25in, outer: 0.25in }\n");
    assert!(!warnings.contains("W016"), "{warnings}");
    let pdf = lopdf::Document::load(&path).unwrap();
    let pages = pdf.get_pages();
    assert_eq!(pages.len() % 2, 0, "padded to even");
    assert!((24..=150).contains(&pages.len()), "{}", pages.len());
    for (&n, &id) in &pages {
        assert_eq!(
            boxes(&pdf, id, "MediaBox").unwrap(),
            [0.0, 0.0, 432.0, 648.0]
        );
        assert_eq!(
            boxes(&pdf, id, "TrimBox").unwrap(),
            [0.0, 0.0, 432.0, 648.0]
        );
        assert!(
            boxes(&pdf, id, "BleedBox").is_none(),
            "page {n}: no bleed asked"
        );
        let page = pdf.get_dictionary(id).unwrap();
        assert!(page.get(b"Annots").is_err(), "page {n} has annotations");
    }
    let catalog = pdf.catalog().unwrap();
    assert!(catalog.get(b"Outlines").is_err(), "KDP takes no bookmarks");
    // Right-hand pages (even indexes) start their text at the inner margin: KDP's
    // least and room for punctuation hanging into it (a quarter of the 10.5 pt
    // body).
    let gutter = kdp_gutter(pages.len()) + 0.25 * 10.5;
    let edges = left_edges(&path, 648.0);
    let rectos: Vec<f32> = edges
        .iter()
        .filter(|(p, _)| p % 2 == 0)
        .map(|e| e.1)
        .collect();
    for x in &rectos {
        assert!(
            (x - gutter).abs() < 0.5,
            "recto text at {x}, gutter {gutter}"
        );
    }
    // Left-hand pages start at the outer margin, raised to KDP's 0.25 in and the
    // same room.
    let versos: Vec<f32> = edges
        .iter()
        .filter(|(p, _)| p % 2 == 1)
        .map(|e| e.1)
        .collect();
    for x in &versos {
        assert!((x - 18.0 - 0.25 * 10.5).abs() < 0.5, "verso text at {x}");
    }
    if word_boxes(&path).is_some() {
        assert!(rectos.len() >= 5 && versos.len() >= 3, "{edges:?}");
    }
}

#[test]
fn bleed_for_kdp_is_on_the_top_bottom_and_outside_edges_and_moves_the_text_with_the_trim() {
    let (_dir, path, _) = guide_with("  profile: kdp\n  bleed: true\n");
    let pdf = lopdf::Document::load(&path).unwrap();
    for (&n, &id) in &pdf.get_pages() {
        let recto = n % 2 == 1; // lopdf numbers pages from 1
        assert_eq!(
            boxes(&pdf, id, "MediaBox").unwrap(),
            [0.0, 0.0, 441.0, 666.0]
        );
        assert_eq!(
            boxes(&pdf, id, "BleedBox").unwrap(),
            [0.0, 0.0, 441.0, 666.0]
        );
        let trim = boxes(&pdf, id, "TrimBox").unwrap();
        // The outside edge is the right of a recto, the left of a verso.
        let want = if recto {
            [0.0, 9.0, 432.0, 657.0]
        } else {
            [9.0, 9.0, 441.0, 657.0]
        };
        assert_eq!(trim, want, "page {n}");
    }
}

/// A chapter of `words` distinct-looking words in paragraphs of sixty.
fn filler(words: usize) -> String {
    const STEMS: [&str; 12] = [
        "gentle", "patience", "partner", "listen", "comfort", "trust", "slowly", "talking",
        "together", "reassure", "kindness", "healing",
    ];
    let mut s = String::from("# Filler\n\n");
    for i in 0..words {
        s.push_str(STEMS[(i * 7 + i / 13) % STEMS.len()]);
        s.push(if i % 60 == 59 { '\n' } else { ' ' });
        if i % 60 == 59 {
            s.push('\n');
        }
    }
    s
}

#[test]
fn a_book_that_grows_past_150_pages_gets_the_next_gutter() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    let text = filler(30_000);
    write_book(
        &book,
        &[
            (
                "book.yaml",
                "title: Long\nlanguage: en\nchapters: [one.md]\npdf:\n  profile: kdp\n  trim: 5x8\n  base-size: 13pt\n  leading: 1.5\n  margins: { inner: 0.25in, outer: 0.5in, top: 0.6in, bottom: 0.6in }\n",
            ),
            ("one.md", &text),
        ],
    );
    let out = dir.path().join("out");
    let o = bookbind(&[
        "build",
        book.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "pdf",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("W0160"), "{}", stderr(&o));
    let path = out.join("long.pdf");
    let pages = lopdf::Document::load(&path).unwrap().get_pages().len();
    assert!(
        (151..=300).contains(&pages),
        "{pages} pages: the filler should cross KDP's first step"
    );
    let edges = left_edges(&path, 576.0);
    let rectos: Vec<f32> = edges
        .iter()
        .filter(|(p, _)| p % 2 == 0)
        .map(|e| e.1)
        .collect();
    if rectos.is_empty() {
        return;
    }
    // Every recto's text starts at 0.5 in: the margin of the second step, for the
    // final page count, not the 0.375 in of the first layout (and room for a
    // quarter of the 13 pt body to hang).
    assert!(rectos.len() > 50, "{edges:?}");
    for x in &rectos {
        assert!(
            (x - kdp_gutter(pages) - 0.25 * 13.0).abs() < 0.5,
            "recto text at {x}"
        );
    }
}

#[test]
fn a_trim_kdp_does_not_print_is_an_error_naming_the_nearest_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    write_book(
        &book,
        &[
            (
                "book.yaml",
                "title: Wide\nlanguage: en\nchapters: [one.md]\npdf:\n  profile: kdp\n  trim: 10in x 12in\n",
            ),
            ("one.md", "# One\n\nText.\n"),
        ],
    );
    let out = dir.path().join("out");
    let o = bookbind(&[
        "build",
        book.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error[E0018]: Amazon KDP does not print a 10 × 12 in trim"),
        "{err}"
    );
    assert!(err.contains("book.yaml:6:9"), "{err}");
    assert!(err.contains("8.5 × 11 in"), "{err}");
    assert!(err.contains("4–8.5 in wide"), "{err}");
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().next().is_none());
}

#[test]
fn check_profile_reports_what_kdp_would_reject_and_bad_values_are_errors_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    // A 100 × 100 pixel picture prints an inch wide at 96 ppi: below 300.
    let mut png = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png, 100, 100);
        enc.set_color(png::ColorType::Grayscale);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&[128u8; 100 * 100]).unwrap();
    }
    write_book(
        &book,
        &[
            (
                "book.yaml",
                "title: Short\nlanguage: en\nchapters: [one.md]\n",
            ),
            ("one.md", "# One\n\nText.\n\n![A grey square](grey.png)\n"),
        ],
    );
    std::fs::write(book.join("grey.png"), &png).unwrap();
    let o = bookbind(&["check", book.to_str().unwrap(), "--profile", "kdp"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("warning[W0161]: the book has"), "{err}");
    assert!(
        err.contains("Amazon KDP prints 24 to 828 on white paper"),
        "{err}"
    );
    assert!(err.contains("warning[W0138]"), "{err}");
    // Without --profile and without one in the manifest, no layout and no findings.
    let o = bookbind(&["check", book.to_str().unwrap()]);
    assert!(!stderr(&o).contains("W0161"), "{}", stderr(&o));

    std::fs::write(
        book.join("book.yaml"),
        "title: Short\nlanguage: en\nchapters: [one.md]\npdf:\n  profile: createspace\n  paper: pink\n  bleed: maybe\n",
    )
    .unwrap();
    let o = bookbind(&["check", book.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for (value, line) in [("createspace", 5), ("pink", 6), ("maybe", 7)] {
        assert!(
            err.contains(&format!("error[E0003]: `{value}` is not")),
            "{err}"
        );
        assert!(err.contains(&format!("book.yaml:{line}:")), "{err}");
    }
}

#[test]
fn the_guide_for_ingram_is_marked_pdf_x_1a_with_an_output_intent() {
    let (_dir, path, warnings) = guide_with("  profile: ingram\n");
    assert!(!warnings.contains("W0163"), "{warnings}");
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"%PDF-1.4"));
    let pdf = lopdf::Document::load_mem(&bytes).unwrap();
    let catalog = pdf.catalog().unwrap();
    let intents = catalog.get(b"OutputIntents").unwrap().as_array().unwrap();
    let intent = pdf.dereference(&intents[0]).unwrap().1.as_dict().unwrap();
    assert_eq!(intent.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFX");
    let info = pdf
        .dereference(pdf.trailer.get(b"Info").unwrap())
        .unwrap()
        .1
        .as_dict()
        .unwrap();
    assert_eq!(
        info.get(b"GTS_PDFXVersion").unwrap().as_str().unwrap(),
        b"PDF/X-1a:2003"
    );
    assert_eq!(info.get(b"Trapped").unwrap().as_name().unwrap(), b"False");
    for &id in pdf.get_pages().values() {
        assert!(boxes(&pdf, id, "TrimBox").is_some());
    }
    // Ingram measures 0.5 in from the trim on every side, folios and running heads
    // included. Poppler's word box spans the face's ascent and descent (Charis SIL,
    // the guide's face: 1.2 em above the baseline, 0.44 em below), not its ink: the
    // baseline and size are found from it, and the ink taken as a cap height (0.7
    // em) above and a descender (0.22 em) below.
    if let Some(words) = word_boxes(&path) {
        for w in &words {
            let size = (w.y1 - w.y0) / 1.64;
            let baseline = w.y1 - 0.44 * size;
            let (top, bottom) = (baseline - 0.7 * size, baseline + 0.22 * size);
            assert!(
                w.x0 >= 35.5 && w.x1 <= 432.0 - 35.5 && top >= 35.5 && bottom <= 648.0 - 35.5,
                "{w:?} is closer than 0.5 in to the trim"
            );
        }
    }
    if let Ok(q) = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
    {
        assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stdout));
    }
}
