//! The print cover (`--format cover`): one sheet 2 × trim + spine + 2 × bleed wide,
//! the spine from the interior's page count and paper, title and author on the
//! spine only from the page count the service allows, the author's picture on
//! the front. Read back with pikepdf (the sheet's boxes), pdftotext and
//! pdfimages (poppler), not with bookbind's code; without them (outside CI) the
//! parts that need them are skipped and said.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{bookbind, copy_dir, repo, stderr, write_book};

fn python() -> PathBuf {
    std::env::var_os("VERIFY_PYTHON")
        .map_or_else(|| "/opt/verify-venv/bin/python".into(), PathBuf::from)
}

fn tool_missing(what: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "{what} is needed under CI"
    );
    eprintln!("{what} is missing: part of this test is skipped");
}

/// The first page's MediaBox and the page count, by pikepdf.
fn media_box(pdf: &Path) -> Option<(Vec<f64>, usize)> {
    page_box(pdf, "MediaBox")
}

/// The first page's box `key` and the page count, by pikepdf.
fn page_box(pdf: &Path, key: &str) -> Option<(Vec<f64>, usize)> {
    let o = Command::new(python())
        .args([
            "-c",
            "import sys, pikepdf\np = pikepdf.open(sys.argv[1])\n\
             print(len(p.pages)); print(' '.join(str(float(v)) for v in p.pages[0].obj[sys.argv[2]]))",
        ])
        .arg(pdf)
        .arg(format!("/{key}"))
        .output()
        .ok()
        .filter(|o| o.status.success());
    let Some(o) = o else {
        tool_missing("pikepdf");
        return None;
    };
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let mut lines = text.lines();
    let pages = lines.next()?.parse().ok()?;
    let b = lines
        .next()?
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    Some((b, pages))
}

fn text_of(pdf: &Path) -> Option<String> {
    let o = Command::new("pdftotext").arg(pdf).arg("-").output().ok();
    match o {
        Some(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        _ => {
            tool_missing("pdftotext");
            None
        }
    }
}

/// Builds `book` with `--format pdf,cover`; the interior and the cover.
fn build(book: &Path, out: &Path) -> (PathBuf, PathBuf, String) {
    let o = bookbind(&[
        "build",
        book.to_str().unwrap(),
        "--format",
        "pdf,cover",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut interior = None;
    let mut cover = None;
    for e in std::fs::read_dir(out).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with("-cover.pdf") {
            cover = Some(p);
        } else if name.ends_with(".pdf") {
            interior = Some(p);
        }
    }
    (
        interior.expect("the interior"),
        cover.expect("the cover"),
        stderr(&o),
    )
}

fn guide_with(pdf: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    copy_dir(&repo().join("book"), &book);
    let manifest = book.join("book.yaml");
    let yaml = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{yaml}pdf:\n{pdf}")).unwrap();
    (dir, book)
}

#[test]
fn the_guides_kdp_cover_is_two_trims_the_spine_of_its_pages_and_the_bleed_wide() {
    for (paper, per_page) in [("white", 0.002252), ("cream", 0.0025)] {
        let (dir, book) = guide_with(&format!("  profile: kdp\n  paper: {paper}\n"));
        let (interior, cover, _) = build(&book, &dir.path().join("out"));
        let (Some((_, pages)), Some((cover_box, sheets))) =
            (media_box(&interior), media_box(&cover))
        else {
            return;
        };
        assert_eq!(sheets, 1);
        assert_eq!(pages % 2, 0, "KDP's interior is padded to even");
        // KDP: 6 × 9 in trim, 0.125 in bleed, spine = pages × paper thickness.
        let spine = pages as f64 * per_page * 72.0;
        let width = 2.0 * 432.0 + spine + 2.0 * 9.0;
        let height = 648.0 + 2.0 * 9.0;
        assert!(
            (cover_box[2] - cover_box[0] - width).abs() < 0.01,
            "{paper}: {cover_box:?}, want {width}"
        );
        assert!(
            (cover_box[3] - cover_box[1] - height).abs() < 0.01,
            "{cover_box:?}"
        );
    }
}

#[test]
fn the_spine_carries_the_title_only_from_the_pages_the_service_allows() {
    // The guide (40 pages for KDP) is under KDP's 79: the title once, on the front.
    let (dir, book) = guide_with("  profile: kdp\n");
    let (_, cover, _) = build(&book, &dir.path().join("out"));
    let Some(text) = text_of(&cover) else {
        return;
    };
    assert_eq!(
        text.matches("Tips to Partners").count(),
        1,
        "the title on the front only: {text}"
    );
    // A book of some 200 pages: the spine too, read top to bottom.
    let dir = tempfile::tempdir().unwrap();
    let words: String = (0..60_000)
        .map(|i| ["gentle ", "patience ", "partner ", "listen ", "comfort "][i % 5])
        .collect::<Vec<_>>()
        .chunks(60)
        .map(|c| c.concat() + "\n\n")
        .collect();
    write_book(
        dir.path(),
        &[
            (
                "book.yaml",
                "title: Spined\nauthors: [A. Writer]\nlanguage: en\ndate: 2026-01-01\n\
                 description: A long book with a spine wide enough for its title.\n\
                 chapters: [one.md]\npdf:\n  profile: kdp\n",
            ),
            ("one.md", &format!("# One\n\n{words}")),
        ],
    );
    let (interior, cover, _) = build(dir.path(), &dir.path().join("out"));
    let Some((_, pages)) = media_box(&interior) else {
        return;
    };
    assert!(pages >= 79, "{pages} pages");
    let text = text_of(&cover).unwrap();
    assert_eq!(text.matches("Spined").count(), 2, "front and spine: {text}");
    assert!(
        text.contains("A long book with a spine"),
        "the description on the back"
    );
}

#[test]
fn the_authors_cover_picture_is_on_the_front_and_a_small_one_is_a_warning() {
    let (dir, book) = guide_with("  profile: kdp\n");
    // A 200 × 300 px PNG: far under 300 pixels per inch over a 6.125 in front.
    let mut png = Vec::new();
    {
        let mut e = png::Encoder::new(&mut png, 200, 300);
        e.set_color(png::ColorType::Rgb);
        e.set_depth(png::BitDepth::Eight);
        let mut w = e.write_header().unwrap();
        w.write_image_data(&vec![120u8; 200 * 300 * 3]).unwrap();
    }
    std::fs::write(book.join("cover.png"), &png).unwrap();
    let manifest = book.join("book.yaml");
    let yaml = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("cover: cover.png\n{yaml}")).unwrap();
    let (_, cover, err) = build(&book, &dir.path().join("out"));
    assert!(err.contains("W0180"), "{err}");
    assert!(err.contains("200 × 300 px"), "{err}");
    let o = Command::new("pdfimages").arg("-list").arg(&cover).output();
    match o {
        Ok(o) if o.status.success() => {
            let list = String::from_utf8_lossy(&o.stdout);
            assert!(list.contains(" 200   300 "), "the picture is drawn: {list}");
        }
        _ => tool_missing("pdfimages"),
    }
}

/// The EPUB's generated cover is drawn from the manifest while the book is
/// resolved (on a thread of its own, a band at a time); drawn from the
/// resolved book as a cover the manifest cannot give alone is, it comes out
/// the same bytes.
#[test]
fn the_epubs_generated_cover_drawn_early_is_the_one_drawn_from_the_book() {
    let out = tempfile::tempdir().unwrap();
    let o = bookbind(&[
        "build",
        repo().join("book").to_str().unwrap(),
        "--format",
        "epub",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let epub = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "epub"))
        .expect("the EPUB");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&epub).unwrap()).unwrap();
    let mut early = Vec::new();
    std::io::Read::read_to_end(
        &mut zip.by_name("OEBPS/images/cover.png").expect("the cover"),
        &mut early,
    )
    .unwrap();
    let report = bookbind::check(&repo().join("book"), Some(1_795_478_400));
    let book = report.book.as_ref().expect("the guide resolves");
    let (late, why) = bookbind::epub::cover_of(book);
    assert!(why.is_none());
    assert_eq!(late.name, "images/cover.png");
    assert!(*late.data == *early, "the cover drawn early differs");
}
