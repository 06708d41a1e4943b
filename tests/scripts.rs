//! Books in other scripts, printed and read back with poppler's `pdftotext`: an
//! Arabic and Hebrew book, an English one with Arabic and Hebrew words, and a
//! Japanese one set with a subset of Noto Sans CJK JP (tests/fixtures/fonts). Each
//! paragraph's text comes back as the source has it, in logical order: right-to-left
//! words, the Latin words and numbers inside them, and CJK lines broken with no
//! space between characters.
//!
//! The books go through the library (check, typeset, write) rather than the
//! binary, so that the Japanese one can be set with the fixture font. Without
//! pdftotext (poppler-utils) the tests say so and pass, except under `CI`.

mod common;

use std::path::Path;

use bookbind::diag::Code;
use bookbind::typeset::fonts::{Face, FontSet};
use common::write_book;

const ARABIC: [&str; 4] = [
    "لا إصلاح للثغرات الأمنية (SAST) في عام 2024 مثل Github CodeQl والمزيد.",
    "مرحبا بالعالم، هذه فقرة عربية قصيرة للاختبار: الكلمات يجب أن تقرأ بالترتيب الصحيح، \
     وهذه الجملة تكمل الفقرة لتملأ أكثر من سطر واحد في الصفحة المطبوعة.",
    "لكنها تُحدث فرقًا كبيرًا في جعل مشروعك أكثر أمانًا، ابدأ أولاً بتعلّم ومرّحبة للتعلّم وَ.",
    "שלום עולם, זוהי פסקה בעברית (עם סוגריים) ומספר 42 וגם המילה Linux באמצע.",
];

const MIXED: &str = "The Arabic word مرحبا means hello, the Hebrew word שלום means peace, \
    and the phrase مرحبا بالعالم is two words set right to left inside this sentence.";

const JAPANESE: [&str; 3] = [
    "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした所で\
     ニャーニャー泣いていた事だけは記憶している。吾輩はここで始めて人間というものを見た。",
    "「Rust」と「`C++`」は、どちらもシステムプログラミング言語です。これは「日本語」の文章です。",
    "次の文です、そして「引用」があります。日本語のRustプログラミングとC++の本を読みました。",
];

/// The print edition of the book in `dir`, set with `fonts`; no character may be
/// missing from them.
fn print(dir: &Path, fonts: &FontSet) -> Vec<u8> {
    let report = bookbind::check(dir, Some(0));
    let book = report.book.expect("the book loads");
    let mut diags = Vec::new();
    let (doc, _) = bookbind::typeset::typeset(&book, fonts, &mut diags);
    let missing: Vec<&str> = diags
        .iter()
        .filter(|d| d.code == Code::W0109)
        .map(|d| d.message.as_str())
        .collect();
    assert!(missing.is_empty(), "{missing:?}");
    bookbind::pdf::write(&doc).expect("the PDF is written")
}

/// pdftotext's reading of `pdf`, without the direction marks it and bookbind put
/// in, or None (with a skip line) when poppler-utils is not installed.
fn pdftotext(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = match std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(o) => o,
        Err(e)
            if e.kind() == std::io::ErrorKind::NotFound
                && std::env::var_os("CI").is_none_or(|v| v.is_empty()) =>
        {
            eprintln!("SKIP: pdftotext (poppler-utils) is not installed");
            return None;
        }
        Err(e) => panic!("pdftotext: {e}"),
    };
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    Some(
        text.chars()
            .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}'))
            .collect(),
    )
}

/// Words, split at white space: lines joined with a space, as in right-to-left
/// and Latin text.
fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

/// Whether `part` occurs in `whole` as a run of consecutive items.
fn contains<T: PartialEq + std::fmt::Debug>(whole: &[T], part: &[T]) -> bool {
    whole.windows(part.len()).any(|w| w == part)
}

fn arabic_book(dir: &Path) {
    let chapter = format!("# فصل\n\n{}\n", ARABIC.join("\n\n"));
    write_book(
        dir,
        &[
            (
                "book.yaml",
                "title: اختبار\nauthors: مؤلف\nlanguage: ar\nchapters:\n  - one.md\n",
            ),
            ("one.md", &chapter),
        ],
    );
}

#[test]
fn arabic_and_hebrew_paragraphs_read_back_in_logical_order() {
    let dir = tempfile::tempdir().unwrap();
    arabic_book(dir.path());
    let fonts = FontSet::bundled().unwrap();
    let Some(text) = pdftotext(&print(dir.path(), &fonts)) else {
        return;
    };
    let got = words(&text);
    for paragraph in ARABIC {
        assert!(
            contains(&got, &words(paragraph)),
            "{paragraph}\nnot in\n{text}"
        );
    }
}

#[test]
fn arabic_and_hebrew_words_in_an_english_paragraph_read_back_in_logical_order() {
    let dir = tempfile::tempdir().unwrap();
    write_book(
        dir.path(),
        &[
            (
                "book.yaml",
                "title: Mixed\nauthors: A\nlanguage: en\nchapters:\n  - one.md\n",
            ),
            ("one.md", &format!("# Mixed\n\n{MIXED}\n")),
        ],
    );
    let Some(text) = pdftotext(&print(dir.path(), &FontSet::bundled().unwrap())) else {
        return;
    };
    assert!(contains(&words(&text), &words(MIXED)), "{text}");
}

#[test]
fn a_japanese_book_reads_back_with_no_space_between_characters() {
    let dir = tempfile::tempdir().unwrap();
    let chapter = format!("# 第一章\n\n{}\n", JAPANESE.join("\n\n"));
    write_book(
        dir.path(),
        &[
            (
                "book.yaml",
                "title: 猫の本\nauthors: テスト\nlanguage: ja\nchapters:\n  - one.md\n",
            ),
            ("one.md", &chapter),
        ],
    );
    let cjk = Face::from_static(
        "NotoSansCJKjp-subset.otf",
        include_bytes!("fixtures/fonts/NotoSansCJKjp-subset.otf"),
    )
    .unwrap();
    let fonts = FontSet::bundled_with(vec![cjk]).unwrap();
    let Some(text) = pdftotext(&print(dir.path(), &fonts)) else {
        return;
    };
    // Lines joined as they are: a line broken between two CJK characters has
    // no space at its end.
    let lines: String = text.lines().map(str::trim).collect();
    for paragraph in JAPANESE {
        let source = paragraph.replace('`', "");
        assert!(lines.contains(&source), "{source}\nnot in\n{text}");
    }
    for line in text.lines() {
        let first = line.trim().chars().next();
        assert!(
            !first.is_some_and(|c| "、。」』）ーっゃ".contains(c)),
            "{text}"
        );
        assert!(!line.trim().ends_with(['「', '『', '（']), "{text}");
    }
}
