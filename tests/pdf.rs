//! The guide's print edition, read back with lopdf: outline = the EPUB's nav,
//! disclaimer before chapter 1, both references, page labels roman then arabic,
//! page size = trim, and a layout report with no widows, orphans or overfull lines.

mod common;

use common::*;
use lopdf::{Document, Object};

struct Built {
    _dir: tempfile::TempDir,
    pdf: Document,
    bytes: Vec<u8>,
    epub: Epub,
    report: String,
}

fn build() -> Built {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let report = dir.path().join("layout.json");
    let o = bookbind(&[
        "build",
        repo().join("book").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(out.join("vaginismus-tips-to-partners.pdf")).unwrap();
    Built {
        pdf: Document::load_mem(&bytes).expect("a PDF lopdf can read"),
        bytes,
        epub: Epub::open(&out.join("vaginismus-tips-to-partners.epub")),
        report: std::fs::read_to_string(report).unwrap(),
        _dir: dir,
    }
}

fn text_string(o: &Object) -> String {
    match o {
        Object::String(b, _) => {
            if b.starts_with(&[0xfe, 0xff]) {
                let u: Vec<u16> = b[2..]
                    .chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect();
                String::from_utf16_lossy(&u)
            } else {
                b.iter().map(|&c| c as char).collect()
            }
        }
        _ => String::new(),
    }
}

/// (level, title) of the outline, in order.
fn outline(doc: &Document) -> Vec<(usize, String)> {
    fn walk(
        doc: &Document,
        first: Option<lopdf::ObjectId>,
        level: usize,
        out: &mut Vec<(usize, String)>,
    ) {
        let mut cur = first;
        while let Some(id) = cur {
            let d = doc.get_dictionary(id).unwrap();
            out.push((level, text_string(d.get(b"Title").unwrap())));
            walk(
                doc,
                d.get(b"First").and_then(Object::as_reference).ok(),
                level + 1,
                out,
            );
            cur = d.get(b"Next").and_then(Object::as_reference).ok();
        }
    }
    let catalog = doc.catalog().unwrap();
    let outlines = catalog
        .get(b"Outlines")
        .and_then(Object::as_reference)
        .expect("an outline");
    let first = doc
        .get_dictionary(outlines)
        .unwrap()
        .get(b"First")
        .and_then(Object::as_reference)
        .ok();
    let mut out = Vec::new();
    walk(doc, first, 1, &mut out);
    out
}

fn page_texts(doc: &Document) -> Vec<String> {
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    pages
        .iter()
        .map(|&p| doc.extract_text(&[p]).unwrap_or_default())
        .collect()
}

#[test]
fn the_outline_is_the_epub_nav() {
    let b = build();
    let nav: Vec<String> = b.epub.nav_entries().into_iter().map(|(t, _)| t).collect();
    let pdf: Vec<String> = outline(&b.pdf).into_iter().map(|(_, t)| t).collect();
    assert_eq!(pdf, nav);
}

#[test]
fn the_disclaimer_comes_before_chapter_one_and_the_references_have_both_entries() {
    let b = build();
    // Compare without spaces and hyphens: lines end in hyphenated words.
    let squash = |t: &str| {
        t.chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
    };
    let texts: Vec<String> = page_texts(&b.pdf).iter().map(|t| squash(t)).collect();
    let find = |needle: &str| {
        texts
            .iter()
            .position(|t| t.contains(&squash(needle)))
            .unwrap_or_else(|| panic!("{needle:?} not in the PDF"))
    };
    let disclaimer = find("not designed to provide medical advice");
    let chapter1 = find("After days, months, or maybe years");
    assert!(disclaimer < chapter1);
    let crowley = find("Recommendations for the management of vaginismus: BASHH");
    let reissing = find("Does vaginismus exist? A critical review");
    assert!(crowley > chapter1 && reissing > chapter1);
}

#[test]
fn pages_are_the_trim_size_and_labelled_roman_then_arabic() {
    let b = build();
    for (_, id) in b.pdf.get_pages() {
        let page = b.pdf.get_dictionary(id).unwrap();
        let mb = page.get(b"MediaBox").unwrap().as_array().unwrap();
        let n: Vec<f32> = mb
            .iter()
            .map(|o| {
                o.as_float()
                    .or_else(|_| o.as_i64().map(|i| i as f32))
                    .unwrap()
            })
            .collect();
        assert_eq!(n, vec![0.0, 0.0, 432.0, 648.0], "6 × 9 in");
    }
    let labels = b
        .pdf
        .catalog()
        .unwrap()
        .get(b"PageLabels")
        .expect("page labels");
    let labels = match labels {
        Object::Reference(r) => b.pdf.get_object(*r).unwrap(),
        o => o,
    };
    let nums = labels
        .as_dict()
        .unwrap()
        .get(b"Nums")
        .unwrap()
        .as_array()
        .unwrap();
    let styles: Vec<String> = nums
        .iter()
        .filter_map(|o| match o {
            Object::Dictionary(d) => d
                .get(b"S")
                .ok()
                .and_then(|s| s.as_name().ok())
                .map(|n| String::from_utf8_lossy(n).into_owned()),
            _ => None,
        })
        .collect();
    assert_eq!(styles, vec!["r".to_string(), "D".to_string()]);
}

#[test]
fn the_layout_report_has_no_widows_orphans_or_overfull_lines() {
    let b = build();
    let r = &b.report;
    for key in [
        "pages",
        "lines",
        "overfull_lines",
        "widows",
        "orphans",
        "stranded_headings",
        "hyphenated_lines",
        "max_consecutive_hyphenated",
        "hyphenated_page_ends",
        "word_space_ratio",
        "hyphen_runs",
        "hanging_lines",
        "hang_mean_pt",
        "hang_max_pt",
        "expanded_lines",
        "expansion_max_percent",
    ] {
        assert!(r.contains(&format!("\"{key}\"")), "report lacks {key}: {r}");
    }
    let num = |key: &str| -> i64 {
        let at = r.find(&format!("\"{key}\": ")).unwrap() + key.len() + 4;
        r[at..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect::<String>()
            .parse()
            .unwrap()
    };
    assert!(num("pages") > 10 && num("lines") > 300, "{r}");
    assert_eq!(num("overfull_lines"), 0, "{r}");
    assert_eq!(num("widows"), 0, "{r}");
    assert_eq!(num("orphans"), 0, "{r}");
    assert_eq!(num("stranded_headings"), 0, "{r}");
    assert!(num("max_consecutive_hyphenated") <= 2, "{r}");
    assert_eq!(num("hyphenated_page_ends"), 0, "{r}");
    assert!(r.contains("\"3+\": 0}"), "no run of three hyphens: {r}");
    // The guide's lines end in commas and periods: some hang, and some glyphs
    // are set a little wider or narrower, never by more than 2%.
    assert!(num("hanging_lines") > 20, "{r}");
    assert!(num("expanded_lines") > 20, "{r}");
    assert!(num("expansion_max_percent") <= 2, "{r}");
}

/// Chapters are set, pages drawn and editions made on as many threads as there are
/// cores: one thread and several must give the same bytes.
#[test]
fn the_number_of_threads_does_not_change_a_byte() {
    let dir = tempfile::tempdir().unwrap();
    let build_with = |threads: &str| {
        let out = dir.path().join(format!("out-{threads}"));
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_bookbind"))
            .args(["build", repo().join("book").to_str().unwrap(), "--out"])
            .arg(&out)
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .expect("bookbind runs");
        assert!(o.status.success(), "{}", stderr(&o));
        ["pdf", "epub"].map(|ext| {
            std::fs::read(out.join(format!("vaginismus-tips-to-partners.{ext}"))).unwrap()
        })
    };
    let one = build_with("1");
    for threads in ["2", "5"] {
        let many = build_with(threads);
        assert!(one[0] == many[0], "the PDF differs with {threads} threads");
        assert!(one[1] == many[1], "the EPUB differs with {threads} threads");
    }
}

#[test]
fn same_source_date_epoch_gives_byte_identical_pdfs() {
    let a = build();
    let b = build();
    assert!(a.bytes == b.bytes, "two builds differ");
}

/// A flat grey RGB PNG of `w` × `h` pixels.
fn grey_png(w: u32, h: u32, shade: u8) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut enc = png::Encoder::new(&mut bytes, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().unwrap();
    writer
        .write_image_data(&vec![shade; (w * h * 3) as usize])
        .unwrap();
    writer.finish().unwrap();
    bytes
}

/// How many image XObjects the PDF holds.
fn image_xobjects(pdf: &Document) -> usize {
    pdf.objects
        .values()
        .filter(|o| match o {
            Object::Stream(s) => {
                s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image".as_slice())
            }
            _ => false,
        })
        .count()
}

#[test]
fn a_picture_alone_in_its_paragraph_is_drawn_in_the_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    let png_bytes = grey_png(40, 20, 120);
    write_book(
        &book,
        &[
            (
                "book.yaml",
                "title: Pictures\ndate: 2026-01-01\nchapters: [chapters/*.md]\n",
            ),
            (
                "chapters/01.md",
                "# One\n\nBefore.\n\n![A grey box](grey.png \"Figure 1\")\n\nAfter.\n",
            ),
        ],
    );
    std::fs::write(book.join("chapters/grey.png"), &png_bytes).unwrap();
    let out = dir.path().join("out");
    build_ok(&book, &out);
    let pdf = Document::load(out.join("pictures.pdf")).unwrap();
    let images = image_xobjects(&pdf);
    assert_eq!(images, 1, "one image XObject");
    let epub = Epub::open(&out.join("pictures.epub"));
    assert!(
        epub.files.keys().any(|k| k.ends_with(".png")),
        "the EPUB carries the image too"
    );
}

/// Chapters are set on several threads and joined in book order: what they share (a
/// picture, a character no font has) comes out as if they were set one after another.
#[test]
fn chapters_set_in_parallel_share_one_picture_and_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    let png_bytes = grey_png(30, 10, 90);
    let mut files = vec![(
        "book.yaml".to_string(),
        // Installed fonts left out: the sign must have no font on any machine.
        "title: Shared\ndate: 2026-01-01\nchapters: [chapters/*.md]\npdf:\n  installed-fonts: false\n"
            .to_string(),
    )];
    for n in 1..=40 {
        let mut text = format!("# Chapter {n}\n\nWords of chapter {n}.\n\n![Box](box.png)\n\n");
        if n == 7 || n == 31 {
            text.push_str("A sign no font has: \u{A000}.\n");
        }
        files.push((format!("chapters/{n:02}.md"), text));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    write_book(&book, &refs);
    std::fs::write(book.join("chapters/box.png"), &png_bytes).unwrap();
    let out = dir.path().join("out");
    let o = build_ok(&book, &out);
    let err = stderr(&o);
    assert_eq!(err.matches("W0109").count(), 1, "{err}");
    // At its first place in the sources.
    assert!(err.contains("chapters/07.md:7:21"), "{err}");
    let pdf = Document::load(out.join("shared.pdf")).unwrap();
    let images = image_xobjects(&pdf);
    assert_eq!(images, 1, "one image XObject for forty uses");
    let texts = page_texts(&pdf).join("\n");
    let mut at = 0;
    for n in 1..=40 {
        let needle = format!("Words of chapter {n}.");
        let found = texts[at..]
            .find(&needle)
            .unwrap_or_else(|| panic!("chapter {n} missing or out of order"));
        at += found + needle.len();
    }
}

/// Characters no bundled face has print as blank boxes (.notdef), all one glyph:
/// copy and search must still give each one back (ToUnicode for the commonest,
/// /ActualText for the rest), however many different ones a book has.
#[test]
fn characters_without_a_glyph_still_copy_out_as_themselves() {
    if std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_err()
    {
        eprintln!("skipped: pdftotext is not installed (apt-get install poppler-utils)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    // Sixty different ideographs, one repeated more than the others.
    let many: String = (0x4E00u32..0x4E3C).filter_map(char::from_u32).collect();
    let long = "x".repeat(200);
    let text = format!(
        "# One\n\nWords 漢字 and 書物 again 漢 漢.\n\nAll of {many} end.\n\n{long}\n\n{long}\n"
    );
    write_book(
        &book,
        &[
            (
                "book.yaml",
                "title: Boxes\ndate: 2026-01-01\nchapters: [chapters/*.md]\npdf:\n  installed-fonts: false\n",
            ),
            ("chapters/01.md", &text),
        ],
    );
    let out = dir.path().join("out");
    let o = build_ok(&book, &out);
    // Sixty-four characters: ten warnings one by one, then one for the rest. The two
    // runs of x, longer than a line, in one warning for the part; the sixty
    // ideographs are no long word, as a line may break between any two of them.
    let err = stderr(&o);
    assert_eq!(err.matches("warning[W0109]").count(), 11, "{err}");
    assert!(err.contains("no font has 54 more characters"), "{err}");
    assert_eq!(err.matches("warning[W0113]").count(), 1, "{err}");
    assert!(err.contains("2 word(s) in “One”"), "{err}");
    let extracted = std::process::Command::new("pdftotext")
        .arg(out.join("boxes.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let extracted = String::from_utf8_lossy(&extracted.stdout).replace('\n', " ");
    assert!(
        extracted.contains("Words 漢字 and 書物 again 漢 漢."),
        "{extracted}"
    );
    let joined: String = extracted.split_whitespace().collect();
    assert!(joined.contains(&format!("Allof{many}end.")), "{extracted}");
}

/// Code keeps its spaces in print: indentation and runs of spaces inside a line, at
/// the monospace advance each, tabs to the next stop of four columns.
#[test]
fn code_keeps_its_indentation_and_its_runs_of_spaces() {
    if std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_err()
    {
        eprintln!("skipped: pdftotext is not installed (apt-get install poppler-utils)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    write_book(
        &book,
        &[
            ("book.yaml", "title: Code\ndate: 2026-01-01\nchapters: [one.md]\n"),
            (
                "one.md",
                "# One\n\nText.\n\n```\nfn main() {\n    let  x   = 1;\n\tif x {\n\t    y();\n\t}\n}\n```\n",
            ),
        ],
    );
    let out = dir.path().join("out");
    build_ok(&book, &out);
    let o = std::process::Command::new("pdftotext")
        .arg("-bbox")
        .arg(out.join("code.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&o.stdout);
    // Each word's left edge, in order.
    let x = |word: &str| -> Vec<f32> {
        html.lines()
            .filter(|l| l.ends_with(&format!(">{word}</word>")))
            .filter_map(|l| {
                let at = l.find("xMin=\"")? + 6;
                l[at..].split('"').next()?.parse().ok()
            })
            .collect()
    };
    let (fun, let_, eq, y) = (x("fn")[0], x("let")[0], x("=")[0], x("y();")[0]);
    let advance = (let_ - fun) / 4.0;
    assert!(advance > 3.0 && advance < 8.0, "{advance}");
    let cols = |v: f32| (v - fun) / advance;
    assert!((cols(x("x")[0]) - 9.0).abs() < 0.05, "{html}");
    assert!((cols(eq) - 13.0).abs() < 0.05, "{html}");
    assert!((cols(x("if")[0]) - 4.0).abs() < 0.05, "{html}");
    assert!((cols(y) - 8.0).abs() < 0.05, "{html}");
}

/// A deeply indented line too long for the measure keeps its whole indentation on
/// its first row: it wraps in its text, never inside its leading spaces.
#[test]
fn a_long_deeply_indented_code_line_keeps_its_indentation() {
    if std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_err()
    {
        eprintln!("skipped: pdftotext is not installed (apt-get install poppler-utils)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    let deep = format!(
        "{}.andCommandKey(HystrixCommandKey.Factory.asKey(name)) .andThreadPoolKey(key)",
        " ".repeat(40)
    );
    write_book(
        &book,
        &[
            (
                "book.yaml",
                "title: Deep\ndate: 2026-01-01\nchapters: [one.md]\n",
            ),
            (
                "one.md",
                &format!("# One\n\nText.\n\n```\nfirst\n{deep}\n```\n"),
            ),
        ],
    );
    let out = dir.path().join("out");
    build_ok(&book, &out);
    let o = std::process::Command::new("pdftotext")
        .arg("-bbox")
        .arg(out.join("deep.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&o.stdout);
    let x = |prefix: &str| -> Option<(f32, f32)> {
        html.lines()
            .find(|l| l.contains(&format!(">{prefix}")))
            .and_then(|l| {
                let at = |k: &str| -> Option<f32> {
                    let i = l.find(k)? + k.len();
                    l[i..].split('"').next()?.parse().ok()
                };
                Some((at("xMin=\"")?, at("xMax=\"")?))
            })
    };
    let (first, first_end) = x("first").expect("the first line");
    let advance = (first_end - first) / 5.0;
    let (deep_x, _) = x(".andCommandKey").expect("the deep line");
    let columns = (deep_x - first) / advance;
    assert!((columns - 40.0).abs() < 0.1, "{columns} columns in: {html}");
}
