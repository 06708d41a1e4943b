//! Code and boxes in both editions, read back: highlighting classes in the EPUB's
//! XHTML, colours in the PDF's content streams, long code lines wrapped inside the
//! band with a mark, code blocks broken across pages with two lines at least on
//! each side, alerts and boxes drawn with their rule.

mod common;

use std::collections::BTreeMap;

use common::*;
use lopdf::{Document, Object};

/// Builds a one-chapter book of `chapter`, returning the folder (kept alive), the
/// EPUB and the PDF's bytes.
fn build(chapter: &str) -> (tempfile::TempDir, Epub, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    write_book(
        &book,
        &[
            (
                "book.yaml",
                "title: Code\nlanguage: en\ndate: 2026-01-01\nchapters: [one.md]\n",
            ),
            ("one.md", chapter),
        ],
    );
    let out = dir.path().join("out");
    build_ok(&book, &out);
    let epub = Epub::open(&out.join("code.epub"));
    let pdf = std::fs::read(out.join("code.pdf")).unwrap();
    (dir, epub, pdf)
}

/// A run of text as drawn: its text (by the font's ToUnicode map), fill colour
/// (0–1 a channel; a grey has three equal ones) and page.
#[derive(Debug)]
struct Drawn {
    text: String,
    color: [f32; 3],
    page: usize,
}

/// A filled rectangle: x, y, width, height and fill colour.
#[derive(Debug)]
struct Filled {
    rect: [f32; 4],
    color: [f32; 3],
    page: usize,
}

/// The chapter's content document.
fn chapter_file(epub: &Epub) -> String {
    epub.spine()
        .into_iter()
        .find(|n| n.contains("one"))
        .expect("the chapter in the spine")
}

fn number(o: &Object) -> f32 {
    match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        _ => f32::NAN,
    }
}

/// Each font's codes → text, from its ToUnicode CMap (`<code> <utf16>` pairs).
fn to_unicode(pdf: &Document, font: &lopdf::Dictionary) -> BTreeMap<u16, String> {
    let mut map = BTreeMap::new();
    let Ok(r) = font.get(b"ToUnicode").and_then(Object::as_reference) else {
        return map;
    };
    let Ok(Object::Stream(s)) = pdf.get_object(r) else {
        return map;
    };
    let data = s
        .decompressed_content()
        .unwrap_or_else(|_| s.content.clone());
    let text = String::from_utf8_lossy(&data);
    for line in text.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        if let [code, uni] = parts.as_slice() {
            let hex = |s: &str| s.trim_matches(['<', '>']).to_string();
            let (code, uni) = (hex(code), hex(uni));
            let Ok(c) = u16::from_str_radix(&code, 16) else {
                continue;
            };
            let units: Vec<u16> = (0..uni.len() / 4)
                .filter_map(|i| u16::from_str_radix(&uni[i * 4..i * 4 + 4], 16).ok())
                .collect();
            map.insert(c, String::from_utf16_lossy(&units));
        }
    }
    map
}

/// Every text run and filled rectangle of the PDF, with its fill colour.
fn drawn(bytes: &[u8]) -> (Vec<Drawn>, Vec<Filled>) {
    let pdf = Document::load_mem(bytes).expect("a PDF lopdf reads");
    let mut runs = Vec::new();
    let mut rects = Vec::new();
    for (n, (_, id)) in pdf.get_pages().into_iter().enumerate() {
        let fonts: BTreeMap<Vec<u8>, BTreeMap<u16, String>> = pdf
            .get_page_fonts(id)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, dict)| (name, to_unicode(&pdf, dict)))
            .collect();
        let content = pdf.get_and_decode_page_content(id).expect("content");
        let mut color = [0.0f32; 3];
        let mut saved = Vec::new();
        let mut font: Vec<u8> = Vec::new();
        let mut pending: Option<[f32; 4]> = None;
        for op in &content.operations {
            let o = &op.operands;
            match op.operator.as_str() {
                "q" => saved.push(color),
                "Q" => color = saved.pop().unwrap_or([0.0; 3]),
                "g" => color = [number(&o[0]); 3],
                "rg" => color = [number(&o[0]), number(&o[1]), number(&o[2])],
                "Tf" => font = o[0].as_name().map(<[u8]>::to_vec).unwrap_or_default(),
                "re" => {
                    pending = Some([number(&o[0]), number(&o[1]), number(&o[2]), number(&o[3])])
                }
                "f" => {
                    if let Some(rect) = pending.take() {
                        rects.push(Filled {
                            rect,
                            color,
                            page: n,
                        });
                    }
                }
                "TJ" => {
                    let map = fonts.get(&font);
                    let mut text = String::new();
                    for item in o[0].as_array().map(Vec::as_slice).unwrap_or(&[]) {
                        if let Object::String(b, _) = item {
                            for c in b.chunks(2) {
                                let code = u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]);
                                if let Some(t) = map.and_then(|m| m.get(&code)) {
                                    text.push_str(t);
                                }
                            }
                        }
                    }
                    runs.push(Drawn {
                        text,
                        color,
                        page: n,
                    });
                }
                _ => {}
            }
        }
    }
    (runs, rects)
}

fn pdftotext_installed() -> bool {
    let ok = std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok();
    if !ok {
        eprintln!("skipped: pdftotext is not installed (apt-get install poppler-utils)");
    }
    ok
}

/// pdftotext's words with their boxes (xMin, yMin, xMax, yMax, top-left origin),
/// page by page.
fn word_boxes(pdf: &[u8]) -> Vec<Vec<(String, [f32; 4])>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.pdf");
    std::fs::write(&path, pdf).unwrap();
    let o = std::process::Command::new("pdftotext")
        .arg("-bbox")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&o.stdout);
    let mut pages: Vec<Vec<(String, [f32; 4])>> = Vec::new();
    for line in html.lines() {
        let line = line.trim();
        if line.starts_with("<page") {
            pages.push(Vec::new());
        } else if line.starts_with("<word") {
            let attr = |name: &str| -> f32 {
                line.split(&format!("{name}=\""))
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(f32::NAN)
            };
            let word = line
                .split('>')
                .nth(1)
                .and_then(|r| r.split('<').next())
                .unwrap_or("")
                .to_string();
            let b = [attr("xMin"), attr("yMin"), attr("xMax"), attr("yMax")];
            if let Some(p) = pages.last_mut() {
                p.push((word, b));
            }
        }
    }
    pages
}

const RUST_AND_PYTHON: &str = "# One\n\nText.\n\n```rust,ignore\n// A comment.\nfn main() {\n    let s = \"text\";\n}\n```\n\nMore.\n\n```python\ndef f(x):\n    return 'a'  # why\n```\n";

#[test]
fn code_in_a_known_language_has_highlighting_classes_in_the_epub() {
    let (_d, epub, _) = build(RUST_AND_PYTHON);
    let x = epub.text(&chapter_file(&epub));
    parse_xml(&x).expect("well-formed XHTML");
    for needle in [
        "<span class=\"hl-keyword\">fn</span>",
        "<span class=\"hl-keyword\">let</span>",
        "<span class=\"hl-string\">&quot;text&quot;</span>",
        "<span class=\"hl-comment\">// A comment.",
        "<span class=\"hl-function\">main</span>",
        "<span class=\"hl-keyword\">def</span>",
        "<span class=\"hl-string\">&apos;a&apos;</span>",
        "<span class=\"hl-comment\"># why",
    ] {
        let found = x.contains(needle)
            || x.contains(&needle.replace("&quot;", "\"").replace("&apos;", "'"));
        assert!(found, "{needle} not in {x}");
    }
    // The text itself is whole: no character lost to the spans.
    assert!(epub
        .visible_text(&chapter_file(&epub))
        .contains("let s = \"text\";"));
    // The stylesheet colours the classes.
    let css = epub
        .files
        .iter()
        .find(|(n, _)| n.ends_with(".css"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .expect("a stylesheet");
    assert!(css.contains(".hl-keyword {"), "{css}");
}

#[test]
fn code_in_print_keeps_its_colours_keywords_coloured_comments_grey() {
    let (_d, _, pdf) = build(RUST_AND_PYTHON);
    let (runs, rects) = drawn(&pdf);
    let keyword = runs
        .iter()
        .find(|r| r.text.trim() == "fn")
        .unwrap_or_else(|| panic!("no run `fn` in {runs:?}"));
    let [r, g, b] = keyword.color;
    assert!(r != g || g != b, "a keyword is in a colour: {keyword:?}");
    assert!(r + g + b < 1.5, "and a dark one: {keyword:?}");
    let def = runs.iter().find(|r| r.text.trim() == "def").expect("def");
    assert_eq!(def.color, keyword.color);
    let comment = runs
        .iter()
        .find(|r| r.text.contains("A comment"))
        .expect("the comment");
    let [r, g, b] = comment.color;
    assert!(
        r == g && g == b && r > 0.2 && r < 0.5,
        "comments in grey: {comment:?}"
    );
    // Plain code stays black.
    let plain = runs.iter().find(|r| r.text.contains("s =")).expect("s =");
    assert_eq!(plain.color, [0.0; 3], "{plain:?}");
    // Each block lies on a light grey band.
    let bands = rects
        .iter()
        .filter(|f| f.color[0] == f.color[1] && f.color[0] > 0.9 && f.color[0] < 1.0)
        .count();
    assert!(bands >= 2, "{rects:?}");
}

#[test]
fn a_long_code_line_wraps_with_a_mark_inside_the_band() {
    if !pdftotext_installed() {
        return;
    }
    let long: String = (0..30).map(|i| format!("item_{i:02}, ")).collect();
    let word = "x".repeat(150);
    let chapter =
        format!("# One\n\nText.\n\n```\nlet v = vec![{long}];\n    {word}\nshort();\n```\n");
    let (_d, _, pdf) = build(&chapter);
    let (runs, rects) = drawn(&pdf);
    // The list wraps at spaces, the long word between letters: a mark at each
    // continuation, in grey, drawn but not text (copied, the code reads as
    // written).
    let marks = runs
        .iter()
        .filter(|r| r.color[0] == r.color[1] && r.color[0] > 0.4 && r.color[0] < 0.6)
        .inspect(|r| assert_eq!(r.text, "", "{r:?}"))
        .count();
    assert!(marks >= 4, "{runs:?}");
    assert!(!runs.iter().any(|r| r.text.contains('↪')), "{runs:?}");
    // The band: one rectangle a line, together the block.
    let lines: Vec<&Filled> = rects
        .iter()
        .filter(|f| f.color[0] == f.color[1] && f.color[0] > 0.9 && f.color[0] < 1.0)
        .collect();
    assert!(!lines.is_empty(), "{rects:?}");
    let band = Filled {
        rect: [
            lines.iter().map(|f| f.rect[0]).fold(f32::MAX, f32::min),
            lines.iter().map(|f| f.rect[1]).fold(f32::MAX, f32::min),
            lines.iter().map(|f| f.rect[2]).fold(0.0, f32::max),
            lines
                .iter()
                .map(|f| f.rect[1] + f.rect[3])
                .fold(f32::MIN, f32::max)
                - lines.iter().map(|f| f.rect[1]).fold(f32::MAX, f32::min),
        ],
        color: lines[0].color,
        page: lines[0].page,
    };
    let pdf_doc = Document::load_mem(&pdf).unwrap();
    let page = pdf_doc
        .get_pages()
        .into_iter()
        .next()
        .map(|(_, id)| id)
        .unwrap();
    let media = pdf_doc
        .get_object(page)
        .and_then(Object::as_dict)
        .and_then(|d| d.get(b"MediaBox"))
        .and_then(Object::as_array)
        .map(|a| a.iter().map(number).collect::<Vec<f32>>())
        .unwrap();
    let page_height = media[3];
    let right = band.rect[0] + band.rect[2];
    let words = &word_boxes(&pdf)[band.page];
    let code_words: Vec<&(String, [f32; 4])> = words
        .iter()
        .filter(|(w, b)| {
            // In the band's height (pdftotext measures from the top).
            let top = page_height - (band.rect[1] + band.rect[3]);
            let bottom = page_height - band.rect[1];
            b[1] >= top - 1.0 && b[3] <= bottom + 1.0 && !w.is_empty()
        })
        .collect();
    assert!(code_words.len() > 30, "{words:?}");
    for (w, b) in &code_words {
        assert!(
            b[2] <= right + 0.5,
            "{w} passes the band ({} > {right})",
            b[2]
        );
        assert!(b[0] >= band.rect[0] - 0.5, "{w} starts before the band");
    }
    // Every item is there, whole, in order.
    let text: String = code_words.iter().map(|(w, _)| w.as_str()).collect();
    for i in 0..30 {
        assert!(text.contains(&format!("item_{i:02},")), "{text}");
    }
    assert_eq!(text.matches('x').count(), 150, "{text}");
}

#[test]
fn a_code_block_across_pages_keeps_two_lines_on_each_side() {
    if !pdftotext_installed() {
        return;
    }
    let code: String = (0..70).map(|i| format!("line_{i:02}();\n")).collect();
    // Paragraphs before the block move where the page breaks it.
    let mut broken = 0;
    for filler in [0, 3, 6, 9, 12, 15, 18] {
        let before: String = (0..filler)
            .map(|i| format!("Paragraph {i} says a few words, enough to take a line or two of the page and move what follows.\n\n"))
            .collect();
        let chapter = format!("# One\n\n{before}```\n{code}```\n\nAfter.\n");
        let (_d, _, pdf) = build(&chapter);
        let pages = word_boxes(&pdf);
        let per_page: Vec<usize> = pages
            .iter()
            .map(|p| p.iter().filter(|(w, _)| w.starts_with("line_")).count())
            .filter(|&n| n > 0)
            .collect();
        assert_eq!(per_page.iter().sum::<usize>(), 70, "{per_page:?}");
        if per_page.len() > 1 {
            broken += 1;
        }
        assert!(
            per_page.iter().all(|&n| n >= 2),
            "{filler} paragraphs before: lines per page {per_page:?}"
        );
    }
    assert!(broken > 0, "the block never broke across pages");
}

#[test]
fn alerts_and_boxes_are_drawn_with_their_rule_and_label() {
    let chapter = "# One\n\nText.\n\n> [!NOTE]\n> Read this first.\n>\n> And this.\n\n::: warning\nMind the step.\n:::\n\n- [x] done\n- [ ] to do\n\nTerm\n: Its definition.\n";
    let (_d, epub, pdf) = build(chapter);
    let x = epub.text(&chapter_file(&epub));
    assert!(x.contains("<aside class=\"alert note\""), "{x}");
    assert!(
        x.contains("<div class=\"alert warning\">\n<p class=\"alert-title\">Warning</p>"),
        "{x}"
    );
    assert!(x.contains("<li class=\"task\">☑ done</li>"), "{x}");
    let (runs, rects) = drawn(&pdf);
    let note_blue = [11.0 / 255.0, 87.0 / 255.0, 176.0 / 255.0];
    let close = |a: [f32; 3], b: [f32; 3]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 0.01);
    let label = runs.iter().find(|r| r.text == "Note").expect("the label");
    assert!(close(label.color, note_blue), "{label:?}");
    // One rule down the note, as tall as its label and both paragraphs: joined
    // across the space between them.
    let rules: Vec<&Filled> = rects.iter().filter(|f| close(f.color, note_blue)).collect();
    assert!(!rules.is_empty(), "{rects:?}");
    assert!(rules.iter().all(|f| f.page == label.page), "{rules:?}");
    let top = rules
        .iter()
        .map(|f| f.rect[1] + f.rect[3])
        .fold(f32::MIN, f32::max);
    let bottom = rules.iter().map(|f| f.rect[1]).fold(f32::MAX, f32::min);
    let covered: f32 = rules.iter().map(|f| f.rect[3]).sum();
    assert!((covered - (top - bottom)).abs() < 0.5, "no gaps: {rules:?}");
    assert!(top - bottom > 30.0, "three lines and the space: {rules:?}");
    assert!(rules.iter().all(|f| f.rect[2] < 4.0), "a rule, not a fill");
    let warning = runs
        .iter()
        .find(|r| r.text == "Warning")
        .expect("the box's label");
    assert!(warning.color != [0.0; 3]);
    // A task's box instead of its bullet.
    assert!(runs.iter().any(|r| r.text.contains('☑')));
    assert!(!runs.iter().any(|r| r.text.contains('•')), "{runs:?}");
}
