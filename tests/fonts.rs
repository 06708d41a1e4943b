//! Typefaces an author names (`pdf.font`): files in the book folder and families by
//! name, the styles a family lacks, the fonts embedded, and the errors and warnings
//! at their lines. Every book here sets `pdf.installed-fonts: false`, so the tests
//! give the same answer on any machine, whatever fonts it has installed.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{bookbind, build_ok, stderr, write_book};
use lopdf::{Document, Object};

const REGULAR: &[u8] = include_bytes!("fixtures/fonts/NotoSerif-Regular-subset.ttf");
const ITALIC: &[u8] = include_bytes!("fixtures/fonts/NotoSerif-Italic-subset.ttf");

const CHAPTER: &str =
    "# One\n\nPlain words, *emphasis* and **strong words** in a book set in Noto Serif.\n";

/// A book whose `book.yaml` has `pdf` (indented under `pdf:`) and the Noto Serif
/// subsets in `fonts/`.
fn book(dir: &Path, pdf: &str, chapter: &str) {
    let yaml = format!(
        "title: Fonts\nlanguage: en\nchapters: [one.md]\npdf:\n  installed-fonts: false\n{pdf}"
    );
    write_book(dir, &[("book.yaml", yaml.as_str()), ("one.md", chapter)]);
    std::fs::create_dir_all(dir.join("fonts")).unwrap();
    std::fs::write(dir.join("fonts/NotoSerif-Regular-subset.ttf"), REGULAR).unwrap();
    std::fs::write(dir.join("fonts/NotoSerif-Italic-subset.ttf"), ITALIC).unwrap();
}

/// The PostScript names of the fonts a PDF embeds (subset tags cut off), and how
/// many of its content streams fill and stroke text (a thickened bold).
fn embedded(pdf: &Path) -> (BTreeSet<String>, usize) {
    let doc = Document::load(pdf).expect("a PDF lopdf reads");
    let mut names = BTreeSet::new();
    for obj in doc.objects.values() {
        if let Ok(d) = obj.as_dict() {
            let is_type0 = d
                .get(b"Subtype")
                .and_then(Object::as_name)
                .is_ok_and(|n| n == b"Type0");
            if let (true, Ok(name)) = (is_type0, d.get(b"BaseFont").and_then(Object::as_name)) {
                let name = String::from_utf8_lossy(name);
                names.insert(name.split_once('+').map_or(&*name, |(_, n)| n).to_string());
            }
        }
    }
    let mut stroked = 0;
    for (_, page) in doc.get_pages() {
        let content = doc.get_page_content(page);
        if content.windows(5).any(|w| w == b"\n2 Tr" || w == b" 2 Tr")
            || content.starts_with(b"2 Tr")
        {
            stroked += 1;
        }
    }
    (names, stroked)
}

fn the_pdf(out: &Path) -> std::path::PathBuf {
    out.join("fonts.pdf")
}

#[test]
fn a_book_set_in_a_font_from_its_folder_embeds_that_font_and_only_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    book(
        dir.path(),
        "  font: fonts/NotoSerif-Regular-subset.ttf\n",
        CHAPTER,
    );
    let run = build_ok(dir.path(), out.path());
    let (names, stroked) = embedded(&the_pdf(out.path()));
    assert_eq!(
        names,
        ["NotoSerif-Italic", "NotoSerif-Regular"]
            .into_iter()
            .map(String::from)
            .collect(),
        "{}",
        stderr(&run)
    );
    // No bold file: bold is the regular face, filled and stroked, with a warning
    // at the line that names the font.
    assert!(stroked > 0, "no thickened text");
    let err = stderr(&run);
    assert!(err.contains("warning[W0136]"), "{err}");
    assert!(err.contains("book.yaml:6"), "{err}");
    assert!(err.contains("bold, bold-italic"), "{err}");
}

#[test]
fn a_family_is_found_by_name_in_the_fonts_folder_and_styles_come_from_their_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    book(
        dir.path(),
        "  font:\n    body: noto serif\n    code: fonts/NotoSerif-Regular-subset.ttf\n",
        "# One\n\nWords and `code` in *one* family.\n",
    );
    build_ok(dir.path(), out.path());
    let (names, _) = embedded(&the_pdf(out.path()));
    assert!(
        names.contains("NotoSerif-Regular") && names.contains("NotoSerif-Italic"),
        "{names:?}"
    );
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("CharisSIL") || n.starts_with("DejaVu")),
        "{names:?}"
    );
}

#[test]
fn the_styles_may_be_named_file_by_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    book(
        dir.path(),
        "  font:\n    regular: fonts/NotoSerif-Regular-subset.ttf\n    italic: fonts/NotoSerif-Italic-subset.ttf\n    bold: fonts/NotoSerif-Regular-subset.ttf\n    bold-italic: fonts/NotoSerif-Italic-subset.ttf\n",
        CHAPTER,
    );
    let run = build_ok(dir.path(), out.path());
    let (names, stroked) = embedded(&the_pdf(out.path()));
    assert_eq!(names.len(), 2, "{names:?}");
    // Every style has a file of its own: nothing is made, nothing is warned about.
    assert_eq!(stroked, 0);
    assert!(!stderr(&run).contains("W0136"), "{}", stderr(&run));
}

#[test]
fn a_family_that_is_nowhere_is_an_error_at_its_line_with_the_close_names() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    book(dir.path(), "  font: Noto\n", CHAPTER);
    let o = bookbind(&[
        "build",
        dir.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("error[E0015]"), "{err}");
    assert!(err.contains("book.yaml:6:"), "{err}");
    assert!(err.contains("did you mean `Noto Serif`?"), "{err}");
    assert!(
        std::fs::read_dir(out.path()).unwrap().next().is_none(),
        "nothing written"
    );
}

#[test]
fn a_font_file_that_is_no_font_or_outside_the_book_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    book(dir.path(), "  font: fonts/broken.ttf\n", CHAPTER);
    std::fs::write(dir.path().join("fonts/broken.ttf"), b"not a font").unwrap();
    let o = bookbind(&[
        "build",
        dir.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("error[E0015]"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not a TrueType or OpenType font"),
        "{}",
        stderr(&o)
    );

    book(dir.path(), "  font: ../elsewhere.ttf\n", CHAPTER);
    let o = bookbind(&[
        "build",
        dir.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("error[E0012]"), "{}", stderr(&o));
}

#[test]
fn a_character_no_font_has_is_a_warning_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    book(
        dir.path(),
        "",
        "# One\n\nFirst line.\n\nA word in Han: 漢字.\n",
    );
    let run = build_ok(dir.path(), out.path());
    let err = stderr(&run);
    assert!(err.contains("warning[W0109]"), "{err}");
    assert!(err.contains("one.md:5:"), "{err}");
    // Once per character, not again from the print edition.
    assert_eq!(err.matches("'漢'").count(), 1, "{err}");
}

#[test]
fn embed_fonts_puts_subsets_of_the_same_faces_in_the_epub() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    book(
        dir.path(),
        "  font: fonts/NotoSerif-Regular-subset.ttf\nepub:\n  embed-fonts: true\n",
        "# One\n\nA naïve *café* word.\n",
    );
    build_ok(dir.path(), out.path());
    let epub = common::Epub::open(&out.path().join("fonts.epub"));
    let opf = epub.text("OEBPS/content.opf");
    assert!(
        opf.contains("href=\"fonts/noto-serif-regular.ttf\"")
            && opf.contains("media-type=\"font/ttf\""),
        "{opf}"
    );
    assert!(opf.contains("fonts/noto-serif-italic.ttf"), "{opf}");
    let css = epub.text("OEBPS/stylesheet.css");
    assert!(css.contains("@font-face { font-family: \"body Noto Serif\"; src: url(\"fonts/noto-serif-regular.ttf\"); font-style: normal; font-weight: normal; }"), "{css}");
    assert!(
        css.contains("body { font-family: \"body Noto Serif\""),
        "{css}"
    );
    // A subset: smaller than the face, still a font with the book's letters.
    let face = &epub.files["OEBPS/fonts/noto-serif-regular.ttf"];
    assert!(face.len() < REGULAR.len(), "{} bytes", face.len());
    assert_eq!(&face[..4], &[0, 1, 0, 0]);
}

#[test]
fn without_embed_fonts_the_epub_has_no_fonts() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    book(
        dir.path(),
        "  font: fonts/NotoSerif-Regular-subset.ttf\n",
        CHAPTER,
    );
    build_ok(dir.path(), out.path());
    let epub = common::Epub::open(&out.path().join("fonts.epub"));
    assert!(
        !epub.files.keys().any(|k| k.contains("fonts/")),
        "{:?}",
        epub.files.keys()
    );
    assert!(!epub.text("OEBPS/stylesheet.css").contains("@font-face"));
}

#[test]
fn headings_may_have_a_family_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    book(
        dir.path(),
        "  font:\n    headings: fonts/NotoSerif-Regular-subset.ttf\n",
        "# One\n\nBody words.\n\n## A section\n\nMore body words.\n",
    );
    build_ok(dir.path(), out.path());
    // The headings in Noto Serif (bold made from its regular), the body in the
    // bundled Charis SIL.
    let (names, stroked) = embedded(&the_pdf(out.path()));
    assert!(names.contains("NotoSerif-Regular"), "{names:?}");
    assert!(names.contains("CharisSIL"), "{names:?}");
    assert!(!names.contains("NotoSerif-Italic"), "{names:?}");
    assert!(stroked > 0, "the section heading's bold is made");
}

#[test]
fn a_font_in_the_fonts_folder_serves_characters_no_bundled_face_has_without_being_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    book(dir.path(), "", "# One\n\nWords and 日本語 in one line.\n");
    std::fs::write(
        dir.path().join("fonts/NotoSansCJKjp-subset.otf"),
        include_bytes!("fixtures/fonts/NotoSansCJKjp-subset.otf"),
    )
    .unwrap();
    let run = build_ok(dir.path(), out.path());
    assert!(!stderr(&run).contains("W0109"), "{}", stderr(&run));
    let (names, _) = embedded(&the_pdf(out.path()));
    assert!(
        names.iter().any(|n| n.starts_with("NotoSansCJKjp")),
        "{names:?}"
    );
    assert!(names.contains("CharisSIL"), "{names:?}");
}
