//! The language of each part, and of raw HTML's `lang`, in both editions: straight
//! quotes become the language's marks, `lang` and `dir` reach the XHTML, and a line
//! of Japanese wrapped in the source joins without a space.

mod common;

use common::*;

const BOOK_YAML: &str = "title: Languages\nlanguage: en\nchapters:\n  - en.md\n  - { file: fr.md, language: fr }\n  - { file: de.md, language: de }\n  - { file: ja.md, language: ja }\n";

const EN: &str = "# English\n\n\"Hello,\" she said, 'quoted' and don't; `\"code\"` stays; \
<span lang=\"de\">\"Hallo\"</span> is German.\n\n\
<div dir=\"rtl\" lang=\"ar\" markdown=\"1\">\n\nنص <span dir=\"ltr\">left</span> عربي\n\n</div>\n";

const FR: &str = "# Français\n\n\"Bonjour\", dit l'homme, \"c'est 'bien'\".\n";

const DE: &str = "# Deutsch\n\n\"Guten Tag\" und 'so'.\n";

const JA: &str = "# 日本語\n\n\"こんにちは\"と言った。\n日本語の\n文章です。\nEnglish\n語\n";

struct Built {
    _dir: tempfile::TempDir,
    epub: Epub,
    /// pdftotext's text of the PDF, None where it is not installed.
    pdf: Option<String>,
}

fn build() -> Built {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    write_book(
        &book,
        &[
            ("book.yaml", BOOK_YAML),
            ("en.md", EN),
            ("fr.md", FR),
            ("de.md", DE),
            ("ja.md", JA),
        ],
    );
    let out = dir.path().join("out");
    build_ok(&book, &out);
    let epub = Epub::open(&out.join("languages.epub"));
    let pdf = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(out.join("languages.pdf"))
        .arg("-")
        .output()
        .ok()
        .map(|o| {
            assert!(o.status.success(), "pdftotext: {}", stderr(&o));
            String::from_utf8(o.stdout).expect("UTF-8")
        });
    if pdf.is_none() {
        eprintln!("SKIP: pdftotext (poppler-utils) is not installed: the PDF is not read");
    }
    Built {
        _dir: dir,
        epub,
        pdf,
    }
}

/// A part's XHTML, checked to be XML.
fn xhtml(b: &Built, part: &str) -> String {
    let text = b.epub.text(&format!("OEBPS/{part}.xhtml"));
    if let Err(e) = parse_xml(&text) {
        panic!("{part}.xhtml is not XML: {e}\n{text}");
    }
    text
}

/// Text with its no-break spaces (U+00A0, U+202F) as plain spaces, and its
/// white space runs as one space, for comparing pdftotext's lines.
fn spaced(s: &str) -> String {
    s.replace(['\u{A0}', '\u{202F}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn straight_quotes_are_the_parts_languages_in_both_editions() {
    let b = build();
    let en = xhtml(&b, "en");
    assert!(
        en.contains("“Hello,” she said, ‘quoted’ and don’t;"),
        "{en}"
    );
    assert!(en.contains("<code>\"code\"</code>"), "{en}");
    let fr = xhtml(&b, "fr");
    assert!(
        fr.contains("«\u{202F}Bonjour\u{202F}», dit l’homme, «\u{202F}c’est «\u{202F}bien\u{202F}»\u{202F}»."),
        "{fr}"
    );
    let de = xhtml(&b, "de");
    assert!(de.contains("„Guten Tag“ und ‚so‘."), "{de}");
    let ja = xhtml(&b, "ja");
    assert!(ja.contains("「こんにちは」と言った。"), "{ja}");
    if let Some(pdf) = &b.pdf {
        let pdf = spaced(pdf);
        for expected in [
            "“Hello,” she said, ‘quoted’ and don’t;",
            "« Bonjour », dit l’homme, « c’est « bien » ».",
            "„Guten Tag“ und ‚so‘.",
        ] {
            assert!(pdf.contains(expected), "`{expected}` in {pdf}");
        }
    }
}

#[test]
fn quotes_inside_a_span_with_a_lang_are_that_languages() {
    let b = build();
    let en = xhtml(&b, "en");
    assert!(
        en.contains("<span dir=\"ltr\" lang=\"de\" xml:lang=\"de\">„Hallo“</span> is German."),
        "{en}"
    );
    if let Some(pdf) = &b.pdf {
        assert!(spaced(pdf).contains("„Hallo“ is German."), "{pdf}");
    }
}

#[test]
fn lang_and_dir_of_raw_html_reach_the_xhtml() {
    let b = build();
    let en = xhtml(&b, "en");
    assert!(
        en.contains("<div dir=\"rtl\" lang=\"ar\" xml:lang=\"ar\">"),
        "{en}"
    );
    assert!(en.contains("<span dir=\"ltr\">left</span>"), "{en}");
    // Each part says its own language; the book's is English.
    assert!(xhtml(&b, "fr").contains("lang=\"fr\" xml:lang=\"fr\""));
    assert!(xhtml(&b, "ja").contains("lang=\"ja\" xml:lang=\"ja\""));
}

#[test]
fn a_soft_break_between_japanese_characters_is_no_space_in_either_edition() {
    let b = build();
    let ja = b.epub.visible_text("OEBPS/ja.xhtml");
    assert!(ja.contains("と言った。日本語の文章です。"), "{ja}");
    // Beside a Latin letter the break stays, a space on the page.
    assert!(ja.contains("です。\nEnglish\n語"), "{ja:?}");
    let Some(pdf) = &b.pdf else { return };
    if !pdf.contains("日本語の") {
        // The machine has no font with Japanese (W0109 said so): the PDF's text
        // has no kana to look at.
        eprintln!("SKIP: no font with Japanese here: the PDF's Japanese is not read");
        return;
    }
    let pdf = spaced(pdf);
    assert!(pdf.contains("と言った。日本語の文章です。"), "{pdf}");
    assert!(pdf.contains("です。 English 語"), "{pdf}");
}
