//! Print typography read back from the PDF with poppler's word boxes, not with
//! bookbind's own code: in a narrow justified column, never more than two
//! hyphenated lines in a row, punctuation hanging into the margin by part of its
//! width while letters stop at the edge, no line starting with an ellipsis or a
//! closing mark, and font expansion that the book can turn off.

mod common;

use common::*;

/// Long words that hyphenate, so that a narrow column needs many hyphens.
const WORDS: [&str; 24] = [
    "understanding",
    "communication",
    "relationship",
    "encouragement",
    "considerable",
    "extraordinary",
    "the",
    "and",
    "of",
    "patience",
    "gentleness",
    "nevertheless",
    "unfortunately",
    "recommendation",
    "a",
    "to",
    "information",
    "psychological",
    "with",
    "discouraging",
    "determination",
    "in",
    "particularly",
    "we",
];

/// Paragraphs of words from `WORDS` in a fixed pseudo-random order, with commas,
/// periods, and Standard Ebooks' ellipses held by word joiners and hair spaces.
fn chapter() -> String {
    let mut x: u64 = 7;
    let mut next = |n: usize| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((x >> 33) as usize) % n
    };
    let mut out = String::from("# Chapter\n\n");
    for _ in 0..24 {
        let mut p = String::new();
        for k in 0..70 {
            if k > 0 {
                p.push(' ');
            }
            p.push_str(WORDS[next(WORDS.len())]);
            match next(12) {
                0 => p.push(','),
                1 => p.push('.'),
                2 => p.push_str("\u{2060}\u{200A}\u{2060}…\u{200A}?”"),
                _ => {}
            }
        }
        p.push_str(".\n\n");
        out.push_str(&p);
    }
    out
}

/// The margins make a 180 pt column, the same on both sides of the spread.
const MARGIN: f32 = 126.0;
const TRIM_WIDTH: f32 = 432.0;

fn build(expansion: Option<bool>) -> Option<(tempfile::TempDir, Vec<Vec<WordBox>>, String)> {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    let mut yaml = String::from(
        "title: Narrow\nlanguage: en\nchapters: [chapters/*.md]\npdf:\n  margins: { inner: 1.75in, outer: 1.75in }\n",
    );
    if let Some(e) = expansion {
        yaml.push_str(&format!("  expansion: {e}\n"));
    }
    let text = chapter();
    write_book(
        &book,
        &[
            ("book.yaml", yaml.as_str()),
            ("chapters/01.md", text.as_str()),
        ],
    );
    let out = dir.path().join("out");
    let report = dir.path().join("report.json");
    let o = bookbind(&[
        "build",
        book.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = std::fs::read_to_string(report).unwrap();
    let words = word_boxes(&out.join("narrow.pdf"))?;
    let body: Vec<Vec<WordBox>> = lines_of(&words)
        .into_iter()
        // Body lines: below the running head, above the folio, three words or more.
        .filter(|l| l[0].y0 > 60.0 && l[0].y1 < 590.0 && l.len() >= 3)
        .collect();
    Some((dir, body, report))
}

fn line_text(l: &[WordBox]) -> String {
    l.iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_narrow_column_has_no_hyphen_ladder_and_its_punctuation_hangs() {
    let Some((_dir, lines, report)) = build(None) else {
        return;
    };
    assert!(lines.len() > 300, "{} lines", lines.len());
    let right = TRIM_WIDTH - MARGIN;
    let (mut run, mut hyphens, mut hung, mut flush) = (0, 0, 0, 0);
    for (k, l) in lines.iter().enumerate() {
        let last = &l[l.len() - 1];
        let end = last.text.chars().next_back().unwrap_or(' ');
        let first = l[0].text.chars().next().unwrap_or(' ');
        assert!(
            !matches!(first, '…' | '?' | '”' | '\u{2060}' | '\u{200A}'),
            "a line starts with {first:?}: {}",
            line_text(l)
        );
        assert!((l[0].x0 - MARGIN).abs() < 25.0, "{}", line_text(l));
        if end == '-' {
            hyphens += 1;
            run += 1;
            assert!(run <= 2, "three hyphens in a row, at {}", line_text(l));
        } else {
            run = 0;
        }
        // Justified lines (not a paragraph's last: the next line is indented or
        // this one reaches the edge).
        let ends_paragraph = lines.get(k + 1).is_none_or(|n| n[0].x0 > MARGIN + 5.0);
        if last.x1 < right - 1.0 || ends_paragraph {
            continue;
        }
        let past = last.x1 - right;
        if matches!(end, '-' | ',' | '.') {
            hung += 1;
            assert!(
                past > 0.3 && past < 3.5,
                "{end:?} should hang 0.3–3.5 pt, hangs {past:.2}: {}",
                line_text(l)
            );
        } else if end.is_alphabetic() {
            flush += 1;
            assert!(
                past.abs() < 0.5,
                "a letter ends {past:.2} pt from the edge: {}",
                line_text(l)
            );
        }
    }
    assert!(
        hyphens > 10,
        "only {hyphens} hyphenated lines: the test needs more"
    );
    assert!(hung > 20 && flush > 20, "{hung} hanging, {flush} flush");
    assert!(report.contains("\"3+\": 0}"), "{report}");
}

#[test]
fn font_expansion_is_on_by_default_and_can_be_turned_off() {
    let expanded = |report: &str| -> usize {
        let at = report.find("\"expanded_lines\": ").unwrap() + 18;
        report[at..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect::<String>()
            .parse()
            .unwrap()
    };
    let Some((_a, on_lines, on)) = build(None) else {
        return;
    };
    let Some((_b, off_lines, off)) = build(Some(false)) else {
        return;
    };
    assert!(expanded(&on) > 50, "{on}");
    assert_eq!(expanded(&off), 0, "{off}");
    // Without expansion the words keep their designed width: a word's box is as
    // wide wherever it is set. With it, the same word differs between lines.
    let spread = |lines: &[Vec<WordBox>]| -> f32 {
        let widths: Vec<f32> = lines
            .iter()
            .flatten()
            .filter(|w| w.text == "understanding")
            .map(|w| w.x1 - w.x0)
            .collect();
        let max = widths.iter().cloned().fold(f32::MIN, f32::max);
        let min = widths.iter().cloned().fold(f32::MAX, f32::min);
        max / min - 1.0
    };
    assert!(spread(&off_lines) < 0.002, "{}", spread(&off_lines));
    let s = spread(&on_lines);
    assert!(s > 0.004 && s < 0.041, "{s}");
}
