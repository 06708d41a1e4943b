//! Pictures in print, read back from the PDF of `fixtures/pictures/`: an SVG is a
//! form XObject drawn at its size, a GIF (its first frame), a WebP and a PNG are
//! image XObjects of their pixels, a picture in a line of text is drawn in the line
//! as tall as capitals; a picture below 300 ppi and one that cannot be drawn are
//! warnings at their file and line.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::*;
use lopdf::{Document, Object, ObjectId};

/// The body size of a book that sets none, and how tall a picture in a line is
/// set, in ems (`paragraph::PICTURE_EM`).
const BODY_SIZE: f32 = 10.5;
const PICTURE_EM: f32 = 0.75;

struct Built {
    _dir: tempfile::TempDir,
    pdf_path: PathBuf,
    pdf: Document,
    warnings: String,
}

/// The fixture book, built once for all the tests of this file.
fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let o = build_ok(&repo().join("tests/fixtures/pictures"), &out);
        let pdf_path = out.join("pictures.pdf");
        Built {
            pdf: Document::load(&pdf_path).expect("a PDF lopdf can read"),
            pdf_path,
            warnings: stderr(&o),
            _dir: dir,
        }
    })
}

fn number(o: &Object) -> f32 {
    match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        _ => panic!("a number expected, not {o:?}"),
    }
}

/// A picture as the PDF draws it: its XObject's subtype, its dictionary, and the
/// width and height of the rectangle it is drawn in (from the `cm` before `Do`).
#[derive(Debug)]
struct Drawn {
    subtype: String,
    dict: lopdf::Dictionary,
    id: ObjectId,
    width: f32,
    height: f32,
}

/// Every picture drawn on every page, in page order.
fn drawn(pdf: &Document) -> Vec<Drawn> {
    let mut out = Vec::new();
    for (_, page) in pdf.get_pages() {
        // The page's resources, in it or referred to.
        let (own, shared) = pdf.get_page_resources(page).unwrap();
        let dicts = own
            .into_iter()
            .chain(shared.iter().map(|id| pdf.get_dictionary(*id).unwrap()));
        let mut xobjects = lopdf::Dictionary::new();
        for r in dicts {
            match r.get(b"XObject") {
                Ok(Object::Reference(id)) => xobjects.extend(pdf.get_dictionary(*id).unwrap()),
                Ok(Object::Dictionary(d)) => xobjects.extend(d),
                _ => {}
            }
        }
        let content = pdf.get_page_content(page);
        let text = String::from_utf8_lossy(&content);
        let tokens: Vec<&str> = text.split_whitespace().collect();
        for (i, t) in tokens.iter().enumerate() {
            if *t != "Do" || i < 8 || tokens[i - 2] != "cm" {
                continue;
            }
            let name = tokens[i - 1].trim_start_matches('/');
            let id = xobjects
                .get(name.as_bytes())
                .and_then(Object::as_reference)
                .unwrap();
            let dict = pdf
                .get_object(id)
                .unwrap()
                .as_stream()
                .unwrap()
                .dict
                .clone();
            let subtype = String::from_utf8_lossy(dict.get(b"Subtype").unwrap().as_name().unwrap())
                .into_owned();
            let n = |k: usize| tokens[i - 8 + k].parse::<f32>().unwrap();
            out.push(Drawn {
                subtype,
                dict,
                id,
                width: n(0),
                height: n(3),
            });
        }
    }
    out
}

fn pixels(d: &Drawn) -> (f32, f32) {
    (
        number(d.dict.get(b"Width").unwrap()),
        number(d.dict.get(b"Height").unwrap()),
    )
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() < 0.05
}

/// pdftotext's reading of the file, or None (with a line saying so) when poppler is
/// not installed.
fn pdftotext(path: &Path) -> Option<String> {
    let o = Command::new("pdftotext").arg(path).arg("-").output().ok();
    if o.is_none() {
        eprintln!("skipped: pdftotext is not installed (apt-get install poppler-utils)");
    }
    o.map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
}

#[test]
fn an_svg_is_a_form_xobject_drawn_at_its_size_in_print() {
    let b = built();
    let forms: Vec<Drawn> = drawn(&b.pdf)
        .into_iter()
        .filter(|d| d.subtype == "Form")
        .collect();
    assert_eq!(forms.len(), 1, "{forms:?}");
    // width="3in" height="1.5in": 216 × 108 points; its box in CSS pixels.
    let form = &forms[0];
    assert!(
        close(form.width, 216.0) && close(form.height, 108.0),
        "{form:?}"
    );
    let bbox: Vec<f32> = form
        .dict
        .get(b"BBox")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(number)
        .collect();
    assert_eq!(bbox, [0.0, 0.0, 288.0, 144.0]);
    // Its text is drawn in a font the file embeds, not turned into nothing.
    let resources = b.pdf.get_object(form.id).unwrap().as_stream().unwrap();
    assert!(resources.dict.get(b"Resources").is_ok());
    let embedded = b.pdf.objects.values().any(|o| {
        o.as_dict()
            .ok()
            .and_then(|d| d.get(b"BaseFont").ok())
            .and_then(|n| n.as_name().ok())
            .is_some_and(|n| n.ends_with(b"DejaVuSans"))
    });
    assert!(embedded, "no DejaVu Sans for the drawing's Helvetica text");
    if let Some(text) = pdftotext(&b.pdf_path) {
        assert!(text.contains("Drawn text"), "{text}");
    }
}

#[test]
fn gif_webp_and_png_are_image_xobjects_of_their_pixels() {
    let b = built();
    let images: Vec<Drawn> = drawn(&b.pdf)
        .into_iter()
        .filter(|d| d.subtype == "Image")
        .collect();
    let mut sizes: Vec<(f32, f32)> = images.iter().map(pixels).collect();
    sizes.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(
        sizes,
        [(40.0, 30.0), (64.0, 48.0), (200.0, 64.0), (400.0, 300.0)]
    );
    // Pictures without a resolution print at 96 pixels to the inch.
    let gif = images.iter().find(|d| pixels(d) == (40.0, 30.0)).unwrap();
    assert!(close(gif.width, 30.0) && close(gif.height, 22.5), "{gif:?}");
    // The GIF's first frame is red, its second blue.
    let samples = b
        .pdf
        .get_object(gif.id)
        .unwrap()
        .as_stream()
        .unwrap()
        .decompressed_content()
        .unwrap();
    assert_eq!(samples[..3], [220, 30, 30]);
    // The WebP's transparent corner is a soft mask.
    let webp = images.iter().find(|d| pixels(d) == (64.0, 48.0)).unwrap();
    assert!(webp.dict.get(b"SMask").is_ok(), "{webp:?}");
}

#[test]
fn pdfimages_lists_every_raster_picture_with_its_size() {
    let b = built();
    let Ok(o) = Command::new("pdfimages")
        .arg("-list")
        .arg(&b.pdf_path)
        .output()
    else {
        eprintln!("skipped: pdfimages is not installed (apt-get install poppler-utils)");
        return;
    };
    let list = String::from_utf8_lossy(&o.stdout);
    let mut images: Vec<(String, String)> = list
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|c| c[2] == "image")
        .map(|c| (c[3].to_string(), c[4].to_string()))
        .collect();
    images.sort();
    let expected = [("200", "64"), ("40", "30"), ("400", "300"), ("64", "48")]
        .map(|(w, h)| (w.to_string(), h.to_string()));
    assert_eq!(images, expected, "{list}");
}

#[test]
fn a_picture_in_a_line_of_text_is_drawn_in_the_line_as_tall_as_capitals() {
    let b = built();
    let badge = drawn(&b.pdf)
        .into_iter()
        .find(|d| d.subtype == "Image" && pixels(d) == (200.0, 64.0))
        .expect("the badge is drawn");
    assert!(close(badge.height, BODY_SIZE * PICTURE_EM), "{badge:?}");
    assert!(close(badge.width / badge.height, 200.0 / 64.0), "{badge:?}");
    if let Some(text) = pdftotext(&b.pdf_path) {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains("A badge in a line of text"), "{text}");
        assert!(!text.contains("[passing]"), "{text}");
    }
}

#[test]
fn a_picture_below_300_ppi_is_a_warning_at_its_file_and_line_with_its_pixels() {
    let w = &built().warnings;
    let at = w
        .find("picture `images/004-screenshot.png` (400 × 300 pixels) prints at 96 ppi")
        .unwrap_or_else(|| panic!("{w}"));
    assert!(w[..at].ends_with("warning[W0138]: "), "{w}");
    assert!(
        w[at..].contains("chapters/pictures.md:19:1"),
        "no file:line: {w}"
    );
    // The badge, 64 pixels printed 7.9 points tall, is 585 ppi: no warning.
    assert!(!w.contains("badge.png"), "{w}");
}

#[test]
fn a_picture_that_cannot_be_drawn_is_a_warning_at_its_file_and_line_and_prints_its_alt_text() {
    let b = built();
    let w = &b.warnings;
    let at = w
        .find("warning[W0112]: picture `images/005-broken.svg` is printed as its alt text")
        .unwrap_or_else(|| panic!("{w}"));
    assert!(
        w[at..].contains("chapters/pictures.md:23:1"),
        "no file:line: {w}"
    );
    if let Some(text) = pdftotext(&b.pdf_path) {
        assert!(text.contains("[Nothing to see]"), "{text}");
    }
}

#[test]
fn many_pictures_below_300_ppi_are_ten_warnings_and_one_that_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    let uses: String = (1..=13)
        .map(|i| format!("Shot {i}:\n\n![Shot {i}](../images/screenshot.png)\n\n"))
        .collect();
    write_book(
        &book,
        &[
            (
                "book.yaml",
                "title: Shots\nlanguage: en\nchapters: [chapters/shots.md]\n",
            ),
            ("chapters/shots.md", &format!("# Shots\n\n{uses}")),
        ],
    );
    std::fs::create_dir_all(book.join("images")).unwrap();
    std::fs::copy(
        repo().join("tests/fixtures/pictures/images/screenshot.png"),
        book.join("images/screenshot.png"),
    )
    .unwrap();
    let o = build_ok(&book, &dir.path().join("out"));
    let w = stderr(&o);
    assert_eq!(w.matches("warning[W0138]").count(), 11, "{w}");
    assert!(
        w.contains("3 more pictures print below 300 ppi (the lowest at 96 ppi)"),
        "{w}"
    );
}
