//! Tables in print, read back from the PDF with lopdf: every glyph and rule inside
//! the text block (placed by the content stream's own numbers and the fonts' /W
//! widths, not by the layout's), short header words whole, a table too wide set
//! smaller, a long table over pages with its header row on each, cells aligned as
//! the Markdown says, `<br>` breaking a cell's line, and the layout report's count.

mod common;

use common::*;
use lopdf::{Dictionary, Document, Object};
use std::collections::BTreeMap;

/// 6in × 9in, inner margin 63 pt, outer 45 pt, top and bottom 54 pt, 10.5 pt body.
const BOOK: &str = "title: Tables\ndate: 2026-01-01\nchapters: [chapters/*.md]\n\
    pdf:\n  trim: 6in x 9in\n  base-size: 10.5pt\n  \
    margins: { inner: 0.875in, outer: 0.625in, top: 0.75in, bottom: 0.75in }\n";
const WIDTH: f64 = 432.0;
const HEIGHT: f64 = 648.0;
const INNER: f64 = 63.0;
const OUTER: f64 = 45.0;
const TOP: f64 = 54.0;
const BOTTOM: f64 = 54.0;
/// Rounding, as the layout report allows.
const TOLERANCE: f64 = 0.5;

struct Built {
    _dir: tempfile::TempDir,
    pdf: Document,
    report: String,
    warnings: String,
}

fn build(chapter: &str) -> Built {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    write_book(&book, &[("book.yaml", BOOK), ("chapters/01.md", chapter)]);
    let out = dir.path().join("out");
    let report = dir.path().join("layout.json");
    let o = bookbind(&[
        "build",
        book.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "pdf",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    Built {
        pdf: Document::load(out.join("tables.pdf")).expect("a PDF lopdf reads"),
        report: std::fs::read_to_string(report).unwrap(),
        warnings: stderr(&o),
        _dir: dir,
    }
}

/// A glyph as a viewer draws it: page index, left and right edge (by the font's
/// /W width), baseline, size, and its text from the ToUnicode map.
#[derive(Debug, Clone)]
struct Glyph {
    page: usize,
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    text: String,
}

/// A stroked line: page index, leftmost and rightmost x, y.
#[derive(Debug, Clone)]
struct Stroke {
    page: usize,
    x0: f64,
    x1: f64,
    y: f64,
}

fn number(o: &Object) -> f64 {
    match o {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => f64::from(*r),
        _ => panic!("not a number: {o:?}"),
    }
}

fn resolve<'a>(pdf: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => pdf.get_object(*id).expect("object"),
        o => o,
    }
}

/// A Type0 font's glyph widths (code → width in thousandths of an em).
fn widths(pdf: &Document, font: &Dictionary) -> (BTreeMap<u16, f64>, f64) {
    let descendant = resolve(pdf, font.get(b"DescendantFonts").expect("a Type0 font"))
        .as_array()
        .expect("array")[0]
        .clone();
    let cid = resolve(pdf, &descendant).as_dict().expect("CIDFont");
    let dw = cid.get(b"DW").map(number).unwrap_or(1000.0);
    let mut map = BTreeMap::new();
    if let Ok(w) = cid.get(b"W") {
        let w = resolve(pdf, w).as_array().expect("W");
        let mut i = 0;
        while i < w.len() {
            let first = number(&w[i]) as u16;
            match resolve(pdf, &w[i + 1]) {
                Object::Array(ws) => {
                    for (k, x) in ws.iter().enumerate() {
                        map.insert(first + k as u16, number(x));
                    }
                    i += 2;
                }
                last => {
                    for c in first..=number(last) as u16 {
                        map.insert(c, number(&w[i + 2]));
                    }
                    i += 3;
                }
            }
        }
    }
    (map, dw)
}

/// Every glyph, rule and picture of the PDF, from its content streams.
fn read(pdf: &Document) -> (Vec<Glyph>, Vec<Stroke>) {
    let (mut glyphs, mut strokes) = (Vec::new(), Vec::new());
    for (page, (_, id)) in pdf.get_pages().into_iter().enumerate() {
        let fonts = pdf.get_page_fonts(id).expect("fonts");
        let mut faces = BTreeMap::new();
        for (name, font) in &fonts {
            let encoding = font.get_font_encoding(pdf).expect("encoding");
            faces.insert(name.clone(), (widths(pdf, font), encoding));
        }
        let content =
            lopdf::content::Content::decode(&pdf.get_page_content(id)).expect("content decodes");
        let (mut font, mut size, mut origin, mut pen) = (None, 0.0, (0.0, 0.0), 0.0);
        let mut from = (0.0, 0.0);
        let mut cm = None;
        for op in &content.operations {
            let o = &op.operands;
            match op.operator.as_str() {
                "Tf" => {
                    font = faces.get(o[0].as_name().expect("name"));
                    size = number(&o[1]);
                }
                "Tm" => {
                    origin = (number(&o[4]), number(&o[5]));
                    pen = 0.0;
                }
                "TJ" => {
                    let ((w, dw), encoding) = font.expect("a font set");
                    for element in o[0].as_array().expect("TJ array") {
                        match element {
                            Object::String(codes, _) => {
                                for pair in codes.chunks(2) {
                                    let code = u16::from_be_bytes([pair[0], pair[1]]);
                                    let advance = w.get(&code).copied().unwrap_or(*dw);
                                    let x0 = origin.0 + pen * size / 1000.0;
                                    glyphs.push(Glyph {
                                        page,
                                        x0,
                                        x1: x0 + advance * size / 1000.0,
                                        y: origin.1,
                                        size,
                                        text: Document::decode_text(encoding, pair)
                                            .unwrap_or_default(),
                                    });
                                    pen += advance;
                                }
                            }
                            kern => pen -= number(kern),
                        }
                    }
                }
                "m" => from = (number(&o[0]), number(&o[1])),
                "l" => {
                    let to = (number(&o[0]), number(&o[1]));
                    strokes.push(Stroke {
                        page,
                        x0: from.0.min(to.0),
                        x1: from.0.max(to.0),
                        y: from.1,
                    });
                }
                "re" => {
                    let (x, w) = (number(&o[0]), number(&o[2]));
                    strokes.push(Stroke {
                        page,
                        x0: x.min(x + w),
                        x1: x.max(x + w),
                        y: number(&o[1]),
                    });
                }
                "cm" => cm = Some((number(&o[0]), number(&o[4]), number(&o[5]))),
                "Do" => {
                    if let Some((w, x, y)) = cm.take() {
                        strokes.push(Stroke {
                            page,
                            x0: x,
                            x1: x + w,
                            y,
                        });
                    }
                }
                _ => {}
            }
        }
    }
    (glyphs, strokes)
}

/// The text block's left and right edges on page `page` (page 0 is a right-hand
/// page: its inner margin on the left).
fn text_block(page: usize) -> (f64, f64) {
    let left = if page % 2 == 0 { INNER } else { OUTER };
    (left, WIDTH - (INNER + OUTER) + left)
}

/// In the text block's height: not a running head or folio.
fn in_body(y: f64) -> bool {
    (BOTTOM - 1.0..=HEIGHT - TOP).contains(&y)
}

/// Everything past the text block's sides, as readable lines.
fn past_the_text_block(pdf: &Document) -> Vec<String> {
    let (glyphs, strokes) = read(pdf);
    let mut out = Vec::new();
    for g in glyphs.iter().filter(|g| in_body(g.y)) {
        let (l, r) = text_block(g.page);
        if g.x0 < l - TOLERANCE || g.x1 > r + TOLERANCE {
            out.push(format!(
                "page {}: glyph {:?} at {:.1}–{:.1}",
                g.page, g.text, g.x0, g.x1
            ));
        }
    }
    for s in strokes.iter().filter(|s| in_body(s.y)) {
        let (l, r) = text_block(s.page);
        if s.x0 < l - TOLERANCE || s.x1 > r + TOLERANCE {
            out.push(format!(
                "page {}: rule or picture at {:.1}–{:.1}",
                s.page, s.x0, s.x1
            ));
        }
    }
    out
}

/// The body's lines of text on each page, top down: each line's glyphs left to
/// right, a space where they stand apart.
fn lines(pdf: &Document) -> Vec<Vec<String>> {
    let (glyphs, _) = read(pdf);
    let pages = glyphs.iter().map(|g| g.page + 1).max().unwrap_or(0);
    let mut out = vec![Vec::new(); pages];
    let mut by_line: BTreeMap<(usize, i64), Vec<&Glyph>> = BTreeMap::new();
    for g in glyphs.iter().filter(|g| in_body(g.y)) {
        by_line
            .entry((g.page, -(g.y * 10.0).round() as i64))
            .or_default()
            .push(g);
    }
    for ((page, _), mut gs) in by_line {
        gs.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut text = String::new();
        for (i, g) in gs.iter().enumerate() {
            if i > 0 && g.x0 - gs[i - 1].x1 > 1.0 && !text.ends_with(' ') {
                text.push(' ');
            }
            text.push_str(&g.text);
        }
        out[page].push(text.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    out
}

fn report_number(report: &str, key: &str) -> usize {
    let at = report.find(&format!("\"{key}\"")).expect(key);
    report[at..]
        .split(':')
        .nth(1)
        .and_then(|v| v.trim().split([',', '\n']).next())
        .and_then(|v| v.trim().parse().ok())
        .expect("a number")
}

const URL_TABLE: &str = "# Links\n\nA table with a long address and short header words.\n\n\
| Short | Link | Note |\n|:------|:-----|-----:|\n\
| a | https://example.com/a/very/long/path/that/does/not/fit/anywhere/in/the/column/index.html | 12 |\n\
| bb | https://docs.rs/bookbind/latest/bookbind/typeset/flow/table/index.html | 3 |\n";

#[test]
fn a_long_url_stays_inside_the_text_block_and_short_header_words_stay_whole() {
    let b = build(URL_TABLE);
    let past = past_the_text_block(&b.pdf);
    assert!(past.is_empty(), "{past:#?}");
    assert_eq!(
        report_number(&b.report, "overfull_lines"),
        0,
        "{}",
        b.report
    );
    let lines = lines(&b.pdf);
    let header = lines
        .iter()
        .flatten()
        .find(|l| l.starts_with("Short"))
        .unwrap_or_else(|| panic!("a line that starts with the word Short: {lines:#?}"));
    assert_eq!(header, "Short Link Note");
    // The addresses wrap at their slashes, whole.
    let all = lines.concat().join("\n");
    assert!(all.contains("https://example.com/"), "{all}");
    assert!(!b.warnings.contains("W0113"), "{}", b.warnings);
}

#[test]
fn a_table_with_more_columns_than_fit_is_set_smaller() {
    let head: String = (1..=12).map(|i| format!("| Col{i} ")).collect();
    let rule = "|------".repeat(12);
    let row: String = (1..=12).map(|i| format!("| {} ", 1000 * i)).collect();
    let chapter = format!("# Wide\n\nBody text at the body size.\n\n{head}|\n{rule}|\n{row}|\n");
    let b = build(&chapter);
    let past = past_the_text_block(&b.pdf);
    assert!(past.is_empty(), "{past:#?}");
    let size_of = |probe: &str| line_of(&b.pdf, probe)[0].size;
    let body = size_of("Bodytext");
    let table = size_of("Col1");
    assert!(
        table < body * 0.9 - 0.1 && table >= body * 0.75 - 0.01,
        "the table at {table} pt, the body at {body} pt"
    );
    // Set smaller, nothing had to break: every header word is whole.
    let lines = lines(&b.pdf);
    let header = lines
        .iter()
        .flatten()
        .find(|l| l.starts_with("Col1"))
        .expect("header");
    assert_eq!(header.split(' ').count(), 12, "{header}");
}

#[test]
fn a_long_table_spans_pages_and_each_continued_page_starts_with_its_header_row() {
    let rows: String = (1..=120)
        .map(|i| format!("| {i} | Row {i} of the long table | {} |\n", i * i))
        .collect();
    let chapter = format!(
        "# Long\n\nA long table follows.\n\n| Number | What | Square |\n|---|---|--:|\n{rows}\nThe end.\n"
    );
    let b = build(&chapter);
    let lines = lines(&b.pdf);
    let pages: Vec<&Vec<String>> = lines
        .iter()
        .filter(|p| p.iter().any(|l| l.contains("of the long table")))
        .collect();
    assert!(pages.len() >= 3, "{} pages of rows", pages.len());
    for (k, page) in pages.iter().enumerate() {
        let header = page.iter().position(|l| l == "Number What Square");
        if k == 0 {
            assert!(header.is_some(), "{page:#?}");
        } else {
            assert_eq!(
                header,
                Some(0),
                "a continued page opens with the header: {page:#?}"
            );
        }
    }
    // Every row once, in order.
    let rows: Vec<usize> = pages
        .iter()
        .flat_map(|p| p.iter())
        .filter_map(|l| l.split(' ').next()?.parse().ok())
        .collect();
    assert_eq!(rows, (1..=120).collect::<Vec<_>>());
    let past = past_the_text_block(&b.pdf);
    assert!(past.is_empty(), "{past:#?}");
}

/// The glyphs of the body's first line whose text, spaces left out, holds
/// `probe`; left to right.
fn line_of(pdf: &Document, probe: &str) -> Vec<Glyph> {
    let (glyphs, _) = read(pdf);
    let mut by_line: BTreeMap<(usize, i64), Vec<Glyph>> = BTreeMap::new();
    for g in glyphs.into_iter().filter(|g| in_body(g.y)) {
        by_line
            .entry((g.page, -(g.y * 10.0).round() as i64))
            .or_default()
            .push(g);
    }
    by_line
        .into_values()
        .map(|mut gs| {
            gs.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            gs
        })
        .find(|gs| {
            let text: String = gs.iter().map(|g| g.text.trim()).collect();
            text.contains(probe)
        })
        .unwrap_or_else(|| panic!("a line with {probe}"))
}

/// The cells of the body's line that holds `probe`: runs of glyphs apart by
/// more than a word space, as (left, right) edges.
fn cells_of(pdf: &Document, probe: &str) -> Vec<(f64, f64)> {
    let line = line_of(pdf, probe);
    let mut cells: Vec<(f64, f64)> = Vec::new();
    for g in line.iter().filter(|g| !g.text.trim().is_empty()) {
        match cells.last_mut() {
            Some(c) if g.x0 - c.1 < 5.0 => c.1 = g.x1,
            _ => cells.push((g.x0, g.x1)),
        }
    }
    cells
}

#[test]
fn cells_are_aligned_as_the_markdown_says_and_a_br_breaks_a_line() {
    let chapter = "# Aligned\n\n\
| Left | Centre | Right |\n|:-----|:------:|------:|\n\
| l | c | 1 |\n| leftmost | centredwide | 1234.5 |\n| one<br>two | x | y |\n";
    let b = build(chapter);
    let short = cells_of(&b.pdf, "lc1");
    let long = cells_of(&b.pdf, "leftmost");
    assert_eq!((short.len(), long.len()), (3, 3), "{short:?} {long:?}");
    assert!(
        (short[0].0 - long[0].0).abs() < 0.1,
        "left: {short:?} {long:?}"
    );
    let centre = |c: (f64, f64)| (c.0 + c.1) / 2.0;
    assert!(
        (centre(short[1]) - centre(long[1])).abs() < 0.1,
        "centre: {short:?} {long:?}"
    );
    assert!(
        (short[2].1 - long[2].1).abs() < 0.1,
        "right: {short:?} {long:?}"
    );
    assert!(short[1].0 > long[1].0 + 5.0 && short[2].0 > long[2].0 + 5.0);
    // `one<br>two`: two lines of the row, "one" beside the other cells.
    let lines = lines(&b.pdf);
    let all: Vec<&String> = lines.iter().flatten().collect();
    assert!(all.iter().any(|l| *l == "one x y"), "{all:#?}");
    assert!(all.iter().any(|l| *l == "two"), "{all:#?}");
}

#[test]
fn the_report_counts_what_passes_the_text_block_and_says_where() {
    // Forty columns leave less than a letter's width to each even at the
    // smallest size: letters stick out of their columns, the last past the
    // text block. The report and the warning say so, as the PDF shows.
    let head: String = (0..40).map(|_| "| x ").collect();
    let rule = "|---".repeat(40);
    let row: String = (0..40).map(|_| "| y ").collect();
    let chapter = format!("# Crowded\n\n{head}|\n{rule}|\n{row}|\n");
    let b = build(&chapter);
    let past = past_the_text_block(&b.pdf);
    assert!(
        !past.is_empty(),
        "the PDF shows letters past the text block"
    );
    let counted = report_number(&b.report, "overfull_lines");
    assert!(counted >= 1, "{}", b.report);
    let warning = b
        .warnings
        .lines()
        .find(|l| l.contains("W0110"))
        .unwrap_or_else(|| panic!("a W0110 warning: {}", b.warnings));
    assert!(
        warning.contains("“Crowded”")
            && warning.contains("page 1 ")
            && warning.contains("the line “x"),
        "{warning}"
    );
}
