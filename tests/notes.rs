//! Footnotes in print (`pdf.notes`): at the foot of the page that cites them by
//! default, continued on the next page when long, below all of the page's text; at
//! the end of the chapter when asked. Read back from the PDF with poppler's word
//! boxes, not with bookbind's own code.

mod common;

use common::*;
use std::path::Path;

/// A word on a page: (page from 0, top y, bottom y, text).
type Word = (usize, f32, f32, String);

/// Every word of the PDF with its page and vertical extent (`pdftotext -bbox`).
fn words_of(pdf: &Path) -> Option<Vec<Word>> {
    let words = word_boxes(pdf)?;
    Some(
        words
            .into_iter()
            .map(|w| (w.page, w.y0, w.y1, w.text))
            .collect(),
    )
}

fn poppler() -> bool {
    let ok = std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok();
    if !ok {
        eprintln!("skipped: pdftotext is not installed (apt-get install poppler-utils)");
    }
    ok
}

const FILLER: &str = "The river ran past the mill and the fields lay quiet under a \
pale sky while the workers walked home along the road talking of the harvest and of \
the long winter that was coming to the valley.";

/// A chapter of `paragraphs` paragraphs; paragraph k in `cites` ends with the word
/// CITEk and a reference to note k, whose text is NOTEk followed by `note_words`
/// words (the last one ENDk).
fn chapter(paragraphs: usize, cites: &[(usize, usize)]) -> String {
    let mut s = String::from("# Chapter\n\n");
    for p in 0..paragraphs {
        s.push_str(FILLER);
        if let Some(&(k, _)) = cites.iter().find(|(k, _)| *k == p) {
            s.push_str(&format!(" CITE{k}[^n{k}] and on."));
        }
        s.push_str("\n\n");
    }
    for &(k, words) in cites {
        let body: Vec<&str> = std::iter::repeat_n("gloss", words).collect();
        s.push_str(&format!("[^n{k}]: NOTE{k} {} END{k}.\n\n", body.join(" ")));
    }
    s
}

fn build(notes: Option<&str>, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    let pdf = notes.map_or(String::new(), |n| format!("pdf:\n  notes: {n}\n"));
    write_book(
        &book,
        &[
            (
                "book.yaml",
                &format!("title: Notes\ndate: 2026-01-01\nchapters: [one.md]\n{pdf}"),
            ),
            ("one.md", text),
        ],
    );
    let out = dir.path().join("out");
    build_ok(&book, &out);
    let file = out.join("notes.pdf");
    (dir, file)
}

fn find<'a>(words: &'a [Word], text: &str) -> &'a Word {
    words
        .iter()
        .find(|w| w.3.trim_end_matches(['.', ',']) == text)
        .unwrap_or_else(|| panic!("{text} is not in the PDF"))
}

#[test]
fn notes_sit_at_the_foot_of_the_page_that_cites_them_below_all_its_text() {
    if !poppler() {
        return;
    }
    let cites = [(2, 4), (3, 12), (9, 6), (10, 3), (25, 20), (40, 8)];
    let (_dir, pdf) = build(None, &chapter(60, &cites));
    let words = words_of(&pdf).expect("pdftotext runs");
    for &(k, _) in &cites {
        let cite = find(&words, &format!("CITE{k}"));
        let note = find(&words, &format!("NOTE{k}"));
        assert_eq!(cite.0, note.0, "note {k} begins on the page that cites it");
        // Below every word of the page's text: the note's lines come after the
        // page's last line of text (the running head and folio are above it and
        // at the top, so compare with the filler's words).
        let lowest_text = words
            .iter()
            .filter(|w| w.0 == note.0 && (w.3.starts_with("CITE") || FILLER.contains(w.3.as_str())))
            .map(|w| w.2)
            .fold(0.0, f32::max);
        assert!(
            note.1 > lowest_text,
            "note {k} at y {} is below the text, which ends at {lowest_text}",
            note.1
        );
        let end = find(&words, &format!("END{k}"));
        assert!(
            end.0 == note.0 || end.0 == note.0 + 1,
            "note {k} ends on its page or the next"
        );
    }
    // The filler's last words come after all notes but the last pages': the notes
    // are not at the end of the chapter.
    let last_filler_page = words.iter().map(|w| w.0).max().unwrap();
    assert!(find(&words, "NOTE2").0 < last_filler_page);
}

#[test]
fn a_long_note_continues_at_the_foot_of_the_next_page() {
    if !poppler() {
        return;
    }
    // Note 16 is cited near the foot of the first page of text and has some twenty
    // lines: it cannot all fit there.
    let (_dir, pdf) = build(None, &chapter(40, &[(16, 260)]));
    let words = words_of(&pdf).expect("pdftotext runs");
    let (cite, note, end) = (
        find(&words, "CITE16"),
        find(&words, "NOTE16"),
        find(&words, "END16"),
    );
    assert_eq!(cite.0, note.0, "the note begins beside its reference");
    assert_eq!(end.0, note.0 + 1, "and ends on the next page");
    // On the next page it is still at the foot: below that page's text.
    let lowest_text = words
        .iter()
        .filter(|w| w.0 == end.0 && FILLER.contains(w.3.as_str()) && w.3 != "gloss")
        .map(|w| w.2)
        .fold(0.0, f32::max);
    let first_gloss = words
        .iter()
        .filter(|w| w.0 == end.0 && w.3 == "gloss")
        .map(|w| w.1)
        .fold(f32::INFINITY, f32::min);
    assert!(lowest_text > 0.0, "the next page has text too");
    assert!(
        first_gloss > lowest_text,
        "{first_gloss} below {lowest_text}"
    );
}

#[test]
fn notes_at_the_end_of_the_chapter_when_asked() {
    if !poppler() {
        return;
    }
    let cites = [(2, 4), (30, 4)];
    let (_dir, pdf) = build(Some("chapter"), &chapter(40, &cites));
    let words = words_of(&pdf).expect("pdftotext runs");
    let last_page = words.iter().map(|w| w.0).max().unwrap();
    for &(k, _) in &cites {
        assert_eq!(find(&words, &format!("NOTE{k}")).0, last_page);
    }
    assert!(find(&words, "CITE2").0 < last_page);
}

#[test]
fn an_unknown_place_for_notes_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    write_book(
        &book,
        &[
            (
                "book.yaml",
                "title: Notes\ndate: 2026-01-01\nchapters: [one.md]\npdf:\n  notes: margin\n",
            ),
            ("one.md", "# One\n\nText.[^a]\n\n[^a]: A note.\n"),
        ],
    );
    let o = bookbind(&[
        "build",
        book.to_str().unwrap(),
        "--out",
        dir.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("`margin` is not a place for notes"), "{err}");
    assert!(err.contains("book.yaml:5:10"), "{err}");
    assert!(err.contains("`foot`"), "{err}");
}

#[test]
fn notes_at_the_end_of_the_book_when_asked_under_their_chapters() {
    if !poppler() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    write_book(
        &book,
        &[
            (
                "book.yaml",
                "title: Notes\ndate: 2026-01-01\nchapters: [one.md, two.md]\npdf:\n  notes: book\n",
            ),
            ("one.md", &chapter(30, &[(3, 4)])),
            (
                "two.md",
                "# Second\n\nMore text.[^x]\n\n[^x]: TWONOTE here.\n",
            ),
        ],
    );
    let out = dir.path().join("out");
    build_ok(&book, &out);
    let words = words_of(&out.join("notes.pdf")).expect("pdftotext runs");
    let (note, two, second) = (
        find(&words, "NOTE3"),
        find(&words, "TWONOTE"),
        find(&words, "Second"),
    );
    assert!(
        note.0 > second.0,
        "the first chapter's note comes after the last chapter"
    );
    assert!(two.0 >= note.0 && (two.0 > note.0 || two.1 > note.1));
}

#[test]
fn a_note_cited_in_a_table_cell_sits_at_the_foot_of_that_page() {
    if !poppler() {
        return;
    }
    let mut text = chapter(30, &[]);
    text.push_str("| Name | Value |\n|---|---|\n| TABLECITE[^t] | one |\n\n");
    text.push_str(&format!("{FILLER}\n\n").repeat(30));
    text.push_str("[^t]: TABLENOTE here.\n");
    let (_dir, pdf) = build(None, &text);
    let words = words_of(&pdf).expect("pdftotext runs");
    let (cite, note) = (find(&words, "TABLECITE"), find(&words, "TABLENOTE"));
    assert_eq!(cite.0, note.0, "the note is on the page of its table row");
    assert!(note.1 > cite.2);
    let last_page = words.iter().map(|w| w.0).max().unwrap();
    assert!(note.0 < last_page, "not gathered at the part's end");
}
