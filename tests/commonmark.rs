//! The 652 examples of the CommonMark spec 0.31.2 (tests/fixtures/commonmark,
//! CC-BY-SA 4.0): every example alone as a one-chapter book, and all of them as one
//! book; every XHTML file must parse as XML. CI runs EPUBCheck on the whole book.

mod common;

use common::*;

/// The Markdown of every example in spec.txt (`→` stands for a tab).
fn examples() -> Vec<String> {
    let spec = std::fs::read_to_string(repo().join("tests/fixtures/commonmark/spec.txt")).unwrap();
    let fence = "````````````````````````````````";
    let mut out = Vec::new();
    let mut lines = spec.lines();
    while let Some(l) = lines.next() {
        if l == format!("{fence} example") {
            let mut md = String::new();
            for l in lines.by_ref() {
                if l == "." {
                    break;
                }
                md.push_str(l);
                md.push('\n');
            }
            for l in lines.by_ref() {
                if l == fence {
                    break;
                }
            }
            out.push(md.replace('→', "\t"));
        }
    }
    out
}

/// Writes a book with one chapter per example; returns its folder.
pub fn write_examples_book(dir: &std::path::Path, examples: &[String]) {
    write_book(
        dir,
        &[(
            "book.yaml",
            "title: CommonMark examples\ndate: 2024-01-01\nchapters: [chapters/*.md]\n",
        )],
    );
    std::fs::create_dir_all(dir.join("chapters")).unwrap();
    for (i, md) in examples.iter().enumerate() {
        std::fs::write(dir.join(format!("chapters/{:03}.md", i + 1)), md).unwrap();
    }
}

fn assert_all_xhtml_parses(epub: &Epub) -> usize {
    let mut n = 0;
    for (name, bytes) in &epub.files {
        if name.ends_with(".xhtml") {
            let text = std::str::from_utf8(bytes).unwrap();
            if let Err(e) = parse_xml(text) {
                panic!("{name} is not well-formed: {e}\n{text}");
            }
            n += 1;
        }
    }
    n
}

#[test]
fn the_spec_has_its_examples() {
    assert_eq!(examples().len(), 652);
}

/// Every example alone: it builds (and each XHTML file parses as XML) or it reports
/// one of the errors spec examples make on purpose (links and images to files that
/// are not there). Then every example that built alone is built as one book, which
/// must succeed too. With BOOKBIND_COMMONMARK_EPUB=PATH set, that EPUB is copied
/// there, and its PDF beside it with the extension `.pdf` (CI runs EPUBCheck, qpdf
/// and mutool on them).
#[test]
fn every_example_builds_alone_and_together_as_well_formed_xhtml() {
    let ex = examples();
    let dir = tempfile::tempdir().unwrap();
    let mut clean = Vec::new();
    for (i, md) in ex.iter().enumerate() {
        let book = dir.path().join(format!("b{i}"));
        write_examples_book(&book, std::slice::from_ref(md));
        let report = bookbind::build(&bookbind::BuildOptions {
            input: bookbind::load::Input::Folder(book.clone()),
            out_dir: book.join("out"),
            formats: vec![bookbind::Format::Epub],
            source_date_epoch: Some(0),
            report: None,
        });
        if report.has_errors() {
            for d in report.diagnostics.iter().filter(|d| d.is_error()) {
                assert!(
                    ["E0011", "E0012"].contains(&d.code.as_str()),
                    "example {}: unexpected {} {}\n{md}",
                    i + 1,
                    d.code,
                    d.message
                );
            }
        } else {
            let epub = Epub::open(&book.join("out/commonmark-examples.epub"));
            assert_all_xhtml_parses(&epub);
            clean.push(md.clone());
        }
        std::fs::remove_dir_all(&book).unwrap();
    }
    assert!(clean.len() > 620, "only {} examples built", clean.len());

    let book = dir.path().join("all");
    write_examples_book(&book, &clean);
    let out = dir.path().join("out");
    build_ok(&book, &out);
    let path = out.join("commonmark-examples.epub");
    let epub = Epub::open(&path);
    assert!(assert_all_xhtml_parses(&epub) >= clean.len());
    let pdf = out.join("commonmark-examples.pdf");
    assert!(
        std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"),
        "the PDF edition is built too"
    );
    if let Some(keep) = std::env::var_os("BOOKBIND_COMMONMARK_EPUB") {
        let keep = std::path::PathBuf::from(keep);
        std::fs::copy(&path, &keep).unwrap();
        std::fs::copy(&pdf, keep.with_extension("pdf")).unwrap();
    }
}
