//! Right-to-left books in print (issue 11): a book in Arabic binds on the right,
//! its first page a left-hand one, margins and folios mirrored, and says so to PDF
//! viewers; the blocks of right-to-left text are mirrored (list markers, note
//! numbers and table columns on the right), left-to-right text inside it is not.
//! The same book in English is laid out as before. Positions are read back from
//! the PDF with lopdf: each glyph's box from the text operators, its text from
//! the font's ToUnicode map.

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::*;
use lopdf::{Document, Object};

/// The default page: 6in × 9in, inner margin 0.875in, outer 0.625in, top and
/// bottom 0.75in.
const WIDTH: f64 = 432.0;
const INNER: f64 = 63.0;
const OUTER: f64 = 45.0;
const TEXT_WIDTH: f64 = WIDTH - INNER - OUTER;
const TOP: f64 = 648.0 - 54.0;
const BOTTOM: f64 = 54.0;
/// Body text size; quotes are set at 0.95 of it, notes at 0.88.
const BODY: f64 = 10.5;
/// Positions are written to the PDF rounded; compare within this.
const EPS: f64 = 0.5;

/// One glyph as a viewer draws it.
#[derive(Debug, Clone)]
struct Glyph {
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    text: String,
}

/// A font's advances (thousandths of an em, one /W run from code 0) and the text
/// of each code (its ToUnicode bfchar entries).
struct Font {
    widths: Vec<f64>,
    text: HashMap<u16, String>,
}

fn number(o: &Object) -> f64 {
    match o {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => f64::from(*r),
        other => panic!("not a number: {other:?}"),
    }
}

fn deref<'a>(pdf: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => pdf.get_object(*id).expect("object"),
        o => o,
    }
}

fn font(pdf: &Document, dict: &lopdf::Dictionary) -> Font {
    let descendant = deref(pdf, dict.get(b"DescendantFonts").expect("Type0"))
        .as_array()
        .expect("array")[0]
        .clone();
    let cid = deref(pdf, &descendant).as_dict().expect("CIDFont");
    let w = deref(pdf, cid.get(b"W").expect("/W"))
        .as_array()
        .expect("/W array");
    let widths = deref(pdf, &w[1])
        .as_array()
        .expect("widths")
        .iter()
        .map(number)
        .collect();
    let mut text = HashMap::new();
    if let Ok(Object::Reference(id)) = dict.get(b"ToUnicode") {
        let stream = pdf.get_object(*id).unwrap().as_stream().unwrap();
        let cmap = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        let cmap = String::from_utf8_lossy(&cmap);
        let mut inside = false;
        for line in cmap.lines() {
            if line.ends_with("beginbfchar") {
                inside = true;
            } else if line == "endbfchar" {
                inside = false;
            } else if inside {
                let hex: Vec<&str> = line
                    .split(['<', '>', ' '])
                    .filter(|s| !s.is_empty())
                    .collect();
                let code = u16::from_str_radix(hex[0], 16).unwrap();
                let units: Vec<u16> = (0..hex[1].len() / 4)
                    .map(|i| u16::from_str_radix(&hex[1][i * 4..i * 4 + 4], 16).unwrap())
                    .collect();
                text.insert(code, String::from_utf16_lossy(&units));
            }
        }
    }
    Font { widths, text }
}

/// Every page's glyphs, as a viewer places them: `Tm` sets the origin, `TJ` draws
/// codes and moves the pen by their /W advances and its numbers.
fn glyphs(pdf: &Document) -> Vec<Vec<Glyph>> {
    let mut pages = Vec::new();
    for page_id in pdf.get_pages().values() {
        let mut fonts: HashMap<Vec<u8>, Font> = HashMap::new();
        let (inline, referenced) = pdf.get_page_resources(*page_id).expect("resources");
        let dicts = inline.into_iter().chain(
            referenced
                .iter()
                .filter_map(|id| pdf.get_dictionary(*id).ok()),
        );
        for res in dicts {
            if let Ok(f) = res.get(b"Font") {
                for (name, o) in deref(pdf, f).as_dict().expect("fonts").iter() {
                    fonts.insert(name.clone(), font(pdf, deref(pdf, o).as_dict().unwrap()));
                }
            }
        }
        let content = lopdf::content::Content::decode(&pdf.get_page_content(*page_id))
            .expect("content decodes");
        let (mut size, mut origin, mut pen) = (0.0f64, (0.0f64, 0.0f64), 0.0f64);
        let mut face: Option<&Font> = None;
        let mut out = Vec::new();
        for op in &content.operations {
            match op.operator.as_str() {
                "Tf" => {
                    face = fonts.get(op.operands[0].as_name().unwrap());
                    size = number(&op.operands[1]);
                }
                "Tm" => {
                    origin = (number(&op.operands[4]), number(&op.operands[5]));
                    pen = 0.0;
                }
                "TJ" => {
                    let f = face.expect("a font before TJ");
                    for element in op.operands[0].as_array().expect("TJ array") {
                        match element {
                            Object::String(codes, _) => {
                                for pair in codes.chunks(2) {
                                    let code = u16::from_be_bytes([pair[0], pair[1]]);
                                    let advance = f.widths[usize::from(code)];
                                    let x0 = origin.0 + pen * size / 1000.0;
                                    out.push(Glyph {
                                        x0,
                                        x1: x0 + advance * size / 1000.0,
                                        y: origin.1,
                                        size,
                                        text: f.text.get(&code).cloned().unwrap_or_default(),
                                    });
                                    pen += advance;
                                }
                            }
                            kern => pen -= number(kern),
                        }
                    }
                }
                _ => {}
            }
        }
        pages.push(out);
    }
    pages
}

/// The glyphs inside the text block (not running heads or folios).
fn body(page: &[Glyph]) -> Vec<&Glyph> {
    page.iter().filter(|g| g.y < TOP && g.y > BOTTOM).collect()
}

fn min_x(gs: &[&Glyph]) -> f64 {
    gs.iter().map(|g| g.x0).fold(f64::INFINITY, f64::min)
}

fn max_x(gs: &[&Glyph]) -> f64 {
    gs.iter().map(|g| g.x1).fold(f64::NEG_INFINITY, f64::max)
}

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() < EPS
}

/// Words enough for lines that fill the measure.
fn arabic(n: usize) -> String {
    ["هذا نص عربي طويل يملأ السطر ويتجاوزه إلى سطر آخر"; 1]
        .iter()
        .cycle()
        .take(n)
        .cloned()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The same book in `language`: a chapter of long paragraphs, one of lists in and
/// out of a quote, a table, a footnote, and a `dir="ltr"` block.
fn build(dir: &Path, language: &str) -> (Document, Vec<Vec<Glyph>>) {
    let book = dir.join(format!("book-{language}"));
    let long = arabic(6);
    let one: String = (0..24)
        .map(|_| long.clone())
        .collect::<Vec<_>>()
        .join("\n\n");
    let short = arabic(2);
    let two = format!(
        "# قوائم\n\n- {short}\n- {short}\n\n> {short}\n>\n> - {short}\n> - {short}\n\n\
         | 111 | 222 |\n|---|---|\n| {short} | {short} |\n\n\
         نص مع حاشية[^n].\n\n\
         <div dir=\"ltr\">\n\n- Left to right, whatever the book: an item in English words.\n\n</div>\n\n\
         [^n]: {short}\n"
    );
    write_book(
        &book,
        &[
            (
                "book.yaml",
                &format!(
                    "title: كتاب\nlanguage: {language}\ndate: 2026-01-01\nchapters: [chapters/*.md]\n"
                ),
            ),
            ("chapters/01.md", &format!("# الفصل الأول\n\n{one}\n")),
            ("chapters/02.md", &two),
        ],
    );
    read_back(&book, &dir.join(format!("out-{language}")))
}

/// Builds `book` into `out` and reads its PDF back.
fn read_back(book: &Path, out: &Path) -> (Document, Vec<Vec<Glyph>>) {
    build_ok(book, out);
    let pdf = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .expect("a PDF");
    let pdf = Document::load(pdf).expect("a PDF lopdf reads");
    let pages = glyphs(&pdf);
    (pdf, pages)
}

/// Left edge of the text block of page `index` (0-based).
fn block_left(index: usize, rtl: bool) -> f64 {
    if (index % 2 == 0) != rtl {
        INNER
    } else {
        OUTER
    }
}

fn direction(pdf: &Document) -> Option<String> {
    let catalog = pdf.catalog().expect("catalog");
    let viewer = deref(pdf, catalog.get(b"ViewerPreferences").ok()?)
        .as_dict()
        .ok()?;
    let d = viewer.get(b"Direction").ok()?.as_name().ok()?;
    Some(String::from_utf8_lossy(d).into_owned())
}

#[test]
fn an_arabic_book_binds_on_the_right_and_the_same_book_in_english_on_the_left() {
    let dir = tempfile::tempdir().unwrap();
    for (language, rtl) in [("ar", true), ("en", false)] {
        let (pdf, pages) = build(dir.path(), language);
        assert_eq!(
            direction(&pdf).as_deref(),
            rtl.then_some("R2L"),
            "{language}: /ViewerPreferences /Direction"
        );
        // Page 1, the title page: its centred title is centred on the text block,
        // which sits at the outer margin on the left of a left-hand page (Arabic)
        // or the inner one on the left of a right-hand page (English).
        let title = body(&pages[0]);
        let centre = (min_x(&title) + max_x(&title)) / 2.0;
        let expected = block_left(0, rtl) + TEXT_WIDTH / 2.0;
        assert!(
            (centre - expected).abs() < 2.0,
            "{language}: title centred at {centre}, not {expected}"
        );
        // Pages of body text alone (justified lines) fill the text block from
        // edge to edge.
        let (mut full, mut folios) = (0, 0);
        for (index, page) in pages.iter().enumerate() {
            let b = body(page);
            if b.len() < 400 || b.iter().any(|g| g.size != BODY) {
                continue;
            }
            full += 1;
            let left = block_left(index, rtl);
            assert!(
                near(min_x(&b), left) && near(max_x(&b), left + TEXT_WIDTH),
                "{language}: page {}'s text runs {}..{}, not {left}..{}",
                index + 1,
                min_x(&b),
                max_x(&b),
                left + TEXT_WIDTH
            );
            // The folio in the running head's line (an opening page has none): at
            // the outer edge.
            let head: Vec<&Glyph> = page
                .iter()
                .filter(|g| g.y > TOP && g.text.chars().all(|c| c.is_ascii_digit()))
                .collect();
            if head.is_empty() {
                continue;
            }
            folios += 1;
            let right_hand = (index % 2 == 0) != rtl;
            if right_hand {
                assert!(
                    near(max_x(&head), left + TEXT_WIDTH),
                    "{language}: {head:?}"
                );
            } else {
                assert!(near(min_x(&head), left), "{language}: {head:?}");
            }
        }
        assert!(
            full >= 3 && folios >= 2,
            "{language}: {full} full pages, {folios} folios"
        );
    }
}

/// The glyphs on the line at `y`.
fn line_at(page: &[Glyph], y: f64) -> Vec<&Glyph> {
    page.iter().filter(|g| near(g.y, y)).collect()
}

#[test]
fn blocks_of_right_to_left_text_are_mirrored_and_left_to_right_ones_are_not() {
    let dir = tempfile::tempdir().unwrap();
    for (language, rtl) in [("ar", true), ("en", false)] {
        let (_, pages) = build(dir.path(), language);
        let (index, page) = pages
            .iter()
            .enumerate()
            .find(|(_, p)| p.iter().any(|g| g.text == "•"))
            .expect("a page with a list");
        let left = block_left(index, rtl);
        let right = left + TEXT_WIDTH;
        let indent = BODY * 1.5;
        let mut bullets = 0;
        for bullet in page.iter().filter(|g| g.text == "•") {
            bullets += 1;
            let others: Vec<&Glyph> = line_at(page, bullet.y)
                .into_iter()
                .filter(|g| g.text != "•")
                .collect();
            let latin = others.iter().any(|g| g.text == "E");
            let in_quote = (bullet.size - BODY * 0.95).abs() < 0.01;
            let outer = if in_quote { indent } else { 0.0 };
            if rtl && !latin {
                // Right of its item, in the indent on the right (the quote's
                // indent, then the list's).
                assert!(bullet.x0 > max_x(&others), "{language}: {bullet:?}");
                assert!(
                    bullet.x0 >= right - outer - indent && bullet.x1 <= right - outer,
                    "{language}: bullet at {}..{} (quote: {in_quote})",
                    bullet.x0,
                    bullet.x1
                );
            } else {
                // Left of its item, in the indent on the left.
                assert!(bullet.x1 < min_x(&others), "{language}: {bullet:?}");
                assert!(
                    bullet.x0 >= left + outer && bullet.x1 <= left + outer + indent,
                    "{language}: bullet at {}..{} (quote: {in_quote})",
                    bullet.x0,
                    bullet.x1
                );
            }
        }
        assert_eq!(bullets, 5, "{language}: bullets on page {}", index + 1);
        // The table's first column on the right in right-to-left text.
        let cell = |text: &str| {
            body(page)
                .into_iter()
                .find(|g| g.text == text && (g.size - BODY * 0.9).abs() < 0.01)
                .expect("the head cells 111 and 222")
        };
        let (one, two) = (cell("1"), cell("2"));
        assert_eq!(one.x0 > two.x0, rtl, "{language}: {one:?} {two:?}");
        // The note's number at the start of its first line: right or left.
        let note = (index..pages.len())
            .flat_map(|i| pages[i].iter().map(move |g| (i, g)))
            .find(|(_, g)| g.text == "1" && (g.size - BODY * 0.88).abs() < 0.01)
            .expect("the note's number");
        let others: Vec<&Glyph> = line_at(&pages[note.0], note.1.y)
            .into_iter()
            .filter(|g| g.text != "1" && g.text != ".")
            .collect();
        let note_left = block_left(note.0, rtl);
        if rtl {
            assert!(note.1.x0 > max_x(&others), "{:?}", note.1);
            assert!(note.1.x1 <= note_left + TEXT_WIDTH + EPS, "{:?}", note.1);
        } else {
            assert!(note.1.x1 < min_x(&others), "{:?}", note.1);
            assert!(near(note.1.x0, note_left), "{:?}", note.1);
        }
    }
}

#[test]
fn the_contents_of_an_arabic_book_have_their_page_numbers_on_the_left() {
    let dir = tempfile::tempdir().unwrap();
    for (language, rtl) in [("ar", true), ("en", false)] {
        let (_, pages) = build(dir.path(), language);
        // The contents page: the one with its title (1.4 × the body size).
        let (index, page) = pages
            .iter()
            .enumerate()
            .find(|(_, p)| p.iter().any(|g| (g.size - BODY * 1.4).abs() < 0.01))
            .expect("a contents page");
        let left = block_left(index, rtl);
        let digits: Vec<&Glyph> = body(page)
            .into_iter()
            .filter(|g| g.text.chars().all(|c| c.is_ascii_digit()) && !g.text.is_empty())
            .collect();
        assert!(digits.len() >= 2, "{language}: {digits:?}");
        let dots: Vec<&Glyph> = page.iter().filter(|g| g.text == ".").collect();
        if rtl {
            assert!(near(min_x(&digits), left), "{language}: {digits:?}");
            assert!(max_x(&digits) < min_x(&dots), "{language}");
        } else {
            assert!(
                near(max_x(&digits), left + TEXT_WIDTH),
                "{language}: {digits:?}"
            );
            assert!(min_x(&digits) > max_x(&dots), "{language}");
        }
    }
}

/// Where each bullet on the pages sits against the text of its line: on its
/// right (true) or its left (false), with whether the line holds Latin letters.
fn bullet_sides(pages: &[Vec<Glyph>]) -> Vec<(bool, bool)> {
    let mut out = Vec::new();
    for page in pages {
        for bullet in page.iter().filter(|g| g.text == "•") {
            let others: Vec<&Glyph> = line_at(page, bullet.y)
                .into_iter()
                .filter(|g| g.text != "•")
                .collect();
            let latin = others
                .iter()
                .any(|g| g.text.chars().all(|c| c.is_ascii_alphabetic()) && !g.text.is_empty());
            out.push((bullet.x0 > max_x(&others), latin));
        }
    }
    out
}

/// An English book with an Arabic chapter (book.yaml's `{ file, language }`) and
/// a `<div dir="rtl">`: bound on the left as before, with the Arabic blocks
/// mirrored.
#[test]
fn an_english_book_binds_on_the_left_and_mirrors_its_arabic_chapter() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("mixed");
    let short = arabic(2);
    write_book(
        &book,
        &[
            (
                "book.yaml",
                "title: Mixed\nlanguage: en\ndate: 2026-01-01\nchapters:\n  - chapters/01.md\n  - { file: chapters/02.md, language: ar }\n",
            ),
            (
                "chapters/01.md",
                &format!(
                    "# One\n\n- Left to right, an item in English words.\n\n\
                     <div dir=\"rtl\">\n\n- {short}\n\n</div>\n"
                ),
            ),
            ("chapters/02.md", &format!("# الفصل\n\n- {short}\n- {short}\n")),
        ],
    );
    let (pdf, pages) = read_back(&book, &dir.path().join("out"));
    assert_eq!(direction(&pdf), None);
    let title = body(&pages[0]);
    let centre = (min_x(&title) + max_x(&title)) / 2.0;
    assert!(
        (centre - (INNER + TEXT_WIDTH / 2.0)).abs() < 2.0,
        "{centre}"
    );
    // English item: bullet on the left; the div's and the chapter's: on the right.
    assert_eq!(
        bullet_sides(&pages),
        [(false, true), (true, false), (true, false), (true, false)]
    );
}
