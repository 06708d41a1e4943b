//! A misspelt name is told the nearest one the book or bookbind knows, as rustc
//! and Typst do: manifest keys at any depth, citation keys, citation styles and
//! setting values, each as a `help:` at the misspelling's file:line:col.

mod common;

use common::*;

const MANIFEST: &str = "title: Test\nbibliography: refs.yaml\nchapters:\n  - chapters/*.md\n";
const REFS: &str =
    "crowley2006:\n  type: book\n  title: A Known Book\n  author: Crowley, Jane\n  date: 2006\n";
const CHAPTER: &str = "# One\n\nAs shown [@crowley2006].\n";

/// Checks a book of `files` over the defaults; its exit status and stderr.
fn check(files: &[(&str, &str)]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    let mut all: Vec<(&str, &str)> = vec![
        ("book.yaml", MANIFEST),
        ("refs.yaml", REFS),
        ("chapters/01.md", CHAPTER),
    ];
    for f in files {
        all.retain(|(p, _)| p != &f.0);
        all.push(*f);
    }
    write_book(&book, &all);
    let o = bookbind(&["check", book.to_str().unwrap()]);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

/// The error `code` at `location` (file:line:col) with `help` under it.
fn assert_help(files: &[(&str, &str)], code: &str, location: &str, help: &str) {
    let (status, err) = check(files);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains(&format!("error[{code}]")), "no {code}:\n{err}");
    assert!(err.contains(location), "not at {location}:\n{err}");
    assert!(
        err.contains(&format!("= help: {help}")),
        "no help `{help}`:\n{err}"
    );
}

#[test]
fn a_misspelt_manifest_key_suggests_the_key() {
    assert_help(
        &[("book.yaml", "titel: Test\nchapters: [chapters/*.md]\n")],
        "E0002",
        "book.yaml:1:1",
        "did you mean `title`?",
    );
    // The whole key is underlined, and the message names it.
    let (_, err) = check(&[("book.yaml", "titel: Test\nchapters: [chapters/*.md]\n")]);
    assert!(err.contains("unknown key `titel`"), "{err}");
    assert!(err.contains("| ^^^^^\n"), "{err}");
}

#[test]
fn a_misspelt_nested_key_suggests_the_key_of_its_section() {
    assert_help(
        &[(
            "book.yaml",
            "title: T\nchapters: [chapters/*.md]\npdf:\n  trim: 6x9\n  recto-chapter: true\n",
        )],
        "E0002",
        "book.yaml:5:3",
        "did you mean `recto-chapters`?",
    );
    assert_help(
        &[(
            "book.yaml",
            "title: T\nchapters: [chapters/*.md]\nepub:\n  embed_fonts: true\n",
        )],
        "E0002",
        "book.yaml:4:3",
        "did you mean `embed-fonts`?",
    );
}

#[test]
fn an_unknown_key_with_nothing_close_lists_the_keys() {
    assert_help(
        &[(
            "book.yaml",
            "title: T\nchapters: [chapters/*.md]\nepub:\n  colour: blue\n",
        )],
        "E0002",
        "book.yaml:4:3",
        "the keys here are embed-fonts, page-list",
    );
}

#[test]
fn a_misspelt_citation_key_suggests_the_bibliography_key() {
    assert_help(
        &[("chapters/01.md", "# One\n\nAs shown [@crowly2006].\n")],
        "E0006",
        "01.md:3:12",
        "did you mean `crowley2006`?",
    );
    // A key like none of the bibliography's: the usual help.
    assert_help(
        &[("chapters/01.md", "# One\n\nAs shown [@smith1999].\n")],
        "E0006",
        "01.md:3:12",
        "add the entry to the bibliography, or fix the key's spelling",
    );
}

#[test]
fn a_misspelt_style_or_setting_value_suggests_the_value() {
    assert_help(
        &[(
            "book.yaml",
            "title: T\nbibliography: refs.yaml\ncitation-style: vancover\nchapters: [chapters/*.md]\n",
        )],
        "E0007",
        "book.yaml:3:17",
        "did you mean `vancouver`?",
    );
    assert_help(
        &[(
            "book.yaml",
            "title: T\nchapters: [chapters/*.md]\npdf:\n  profile: igram\n",
        )],
        "E0003",
        "book.yaml:4:12",
        "did you mean `ingram`?",
    );
}
