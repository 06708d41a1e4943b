//! Source errors: each is reported at file:line:col with its code, the exit status
//! is 1, and no edition is written or damaged.

mod common;

use std::process::Output;

use common::*;

const MANIFEST: &str = "title: Test\nbibliography: refs.yaml\nchapters:\n  - chapters/*.md\n";
const REFS: &str =
    "known2020:\n  type: book\n  title: A Known Book\n  author: Doe, Jane\n  date: 2020\n";

/// Builds `files` (plus a default manifest and bibliography unless given) into a
/// fresh folder that already holds an earlier edition; returns (status, stderr,
/// whether the earlier edition is untouched, files in the output folder).
fn build_bad(files: &[(&str, &str)]) -> (i32, String, bool, usize) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    let mut all: Vec<(&str, &str)> = vec![("book.yaml", MANIFEST), ("refs.yaml", REFS)];
    for f in files {
        all.retain(|(p, _)| p != &f.0);
        all.push(*f);
    }
    write_book(&book, &all);
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let earlier = out.join("test.epub");
    std::fs::write(&earlier, b"earlier edition").unwrap();
    let o = bookbind(&[
        "build",
        book.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let intact = std::fs::read(&earlier).unwrap() == b"earlier edition";
    let n = std::fs::read_dir(&out).unwrap().count();
    (o.status.code().unwrap_or(-1), stderr(&o), intact, n)
}

fn assert_book_error(files: &[(&str, &str)], code: &str, location: &str, words: &[&str]) {
    let (status, err, intact, n) = build_bad(files);
    assert_eq!(status, 1, "exit status; stderr:\n{err}");
    assert!(
        err.contains(&format!("error[{code}]")),
        "no {code} in:\n{err}"
    );
    assert!(err.contains(location), "no location {location} in:\n{err}");
    for w in words {
        assert!(err.contains(w), "no {w:?} in:\n{err}");
    }
    assert!(intact, "the earlier edition was damaged");
    assert_eq!(n, 1, "something was written to the output folder");
}

#[test]
fn unknown_citation_key_is_an_error_at_its_place() {
    assert_book_error(
        &[(
            "chapters/01.md",
            "# One\n\nAs shown [@known2020] and\nagain [@nokey2021, p. 3].\n",
        )],
        "E0006",
        "chapters/01.md:4:9",
        &["nokey2021", "^^^^^^^^^"],
    );
}

#[test]
fn every_unknown_key_is_reported_in_one_run() {
    let (status, err, _, _) = build_bad(&[("chapters/01.md", "# One\n\n[@a1] and [@b2].\n")]);
    assert_eq!(status, 1);
    assert!(err.contains("`a1`") && err.contains("`b2`"), "{err}");
}

#[test]
fn malformed_citation_is_an_error_at_its_place() {
    assert_book_error(
        &[(
            "chapters/01.md",
            "# One\n\nAs shown [@known2020]\nand [see @known2020 @known2020, p. 3].\n",
        )],
        "E0014",
        "chapters/01.md:4:5",
        &["[see @known2020 @known2020, p. 3]", "`;`"],
    );
}

#[test]
fn escaped_brackets_are_text_not_a_malformed_citation() {
    let (status, err, _, _) = build_bad(&[(
        "chapters/01.md",
        "# One\n\nWrite \\[@known2020 @other] to show [@known2020].\n",
    )]);
    assert_eq!(status, 0, "{err}");
}

#[test]
fn malformed_yaml_is_an_error_at_its_line() {
    for (manifest, at) in [
        (
            "title: [unclosed\nchapters: [chapters/*.md]\n",
            "book.yaml:1:8",
        ),
        (
            "title: T\nchapters:\n  - chapters/*.md\n   bad: indent\n",
            "book.yaml:4:",
        ),
        ("title: T\nchapters: [a, b\nback: []\n", "book.yaml:"),
    ] {
        assert_book_error(
            &[("book.yaml", manifest), ("chapters/01.md", "# One\n")],
            "E0002",
            at,
            &[],
        );
    }
}

/// A file where a folder was expected is a book of one file, as pandoc takes it;
/// one with no title is titled by its name, with a warning.
#[test]
fn a_markdown_file_given_alone_is_a_book_of_one_part() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("book.md");
    std::fs::write(&file, "Not a folder, and no title.\n").unwrap();
    let o = bookbind(&["check", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning[W0132]"), "{}", stderr(&o));
    assert!(stderr(&o).contains("`book`"), "{}", stderr(&o));
    let o = bookbind(&["check", dir.path().join("missing.md").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("error[E0001]"), "{}", stderr(&o));
}

#[test]
fn citation_without_bibliography_says_how_to_add_one() {
    assert_book_error(
        &[
            ("book.yaml", "title: T\nchapters: [chapters/*.md]\n"),
            ("chapters/01.md", "# One\n\nText [@doe2020].\n"),
        ],
        "E0006",
        "chapters/01.md:3:8",
        &["bibliography:"],
    );
}

#[test]
fn missing_chapter_file_is_an_error_at_the_manifest_line() {
    assert_book_error(
        &[
            (
                "book.yaml",
                "title: T\nchapters:\n  - chapters/01.md\n  - chapters/missing.md\n",
            ),
            ("chapters/01.md", "# One\n"),
        ],
        "E0004",
        "book.yaml:4:5",
        &["chapters/missing.md"],
    );
}

#[test]
fn glob_matching_nothing_is_an_error_at_the_manifest_line() {
    assert_book_error(
        &[
            ("book.yaml", "title: T\nchapters:\n  - chapterz/*.md\n"),
            ("chapters/01.md", "# One\n"),
        ],
        "E0004",
        "book.yaml:3:5",
        &["matches no file"],
    );
}

/// A book with chapters `files`, built; also with `--deny-warnings`.
fn build_with_warnings(files: &[(&str, &str)]) -> (tempfile::TempDir, String, Output) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    let mut all: Vec<(&str, &str)> = vec![("book.yaml", MANIFEST), ("refs.yaml", REFS)];
    all.extend_from_slice(files);
    write_book(&book, &all);
    let out = dir.path().join("out");
    let o = build_ok(&book, &out);
    let denied = bookbind(&[
        "build",
        book.to_str().unwrap(),
        "--out",
        dir.path().join("out2").to_str().unwrap(),
        "--deny-warnings",
    ]);
    (dir, stderr(&o), denied)
}

#[test]
fn link_to_a_missing_anchor_is_a_warning_and_leads_to_the_part() {
    let (dir, err, denied) = build_with_warnings(&[(
        "chapters/01.md",
        "# One\n\n## Here\n\nSee [there](#nowhere) or [here](#here).\n",
    )]);
    assert!(err.contains("warning[W0121]"), "{err}");
    assert!(
        err.contains("chapters/01.md:5:5") && err.contains("#nowhere"),
        "{err}"
    );
    let epub = Epub::open(&dir.path().join("out/test.epub"));
    let ch1 = epub.text("OEBPS/chapter-01.xhtml");
    assert!(
        ch1.contains(">there</a>") && ch1.contains("href=\"#here\""),
        "{ch1}"
    );
    assert_eq!(denied.status.code(), Some(1), "{}", stderr(&denied));
}

#[test]
fn link_to_a_missing_chapter_file_is_a_warning_and_its_text_is_kept() {
    let (dir, err, denied) = build_with_warnings(&[
        (
            "chapters/01.md",
            "# One\n\nNext: [two](02.md), [gone](03-gone.md#x).\n",
        ),
        ("chapters/02.md", "# Two\n"),
    ]);
    assert!(err.contains("warning[W0121]"), "{err}");
    assert!(
        err.contains("chapters/01.md:3:21") && err.contains("03-gone.md"),
        "{err}"
    );
    let epub = Epub::open(&dir.path().join("out/test.epub"));
    let ch1 = epub.text("OEBPS/chapter-01.xhtml");
    assert!(ch1.contains("gone") && !ch1.contains("03-gone"), "{ch1}");
    assert_eq!(denied.status.code(), Some(1), "{}", stderr(&denied));
}

#[test]
fn site_root_paths_are_read_from_the_book_folder() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    write_book(
        &book,
        &[
            ("book.yaml", MANIFEST),
            ("refs.yaml", REFS),
            (
                "chapters/01.md",
                "# One\n\n![dot](/assets/dot.png)\n\nSee [two](/chapters/02.md).\n",
            ),
            ("chapters/02.md", "# Two\n"),
        ],
    );
    std::fs::create_dir_all(book.join("assets")).unwrap();
    std::fs::copy(
        repo().join("tests/fixtures/every-word/chapters/thistle.png"),
        book.join("assets/dot.png"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = build_ok(&book, &out);
    // The dot is 4 pixels wide, too few for print (W0138): the only warning.
    let warnings = stderr(&o).replace("warning[W0138]", "");
    assert!(!warnings.contains("warning["), "{}", stderr(&o));
    let epub = Epub::open(&out.join("test.epub"));
    let ch1 = epub.text("OEBPS/chapter-01.xhtml");
    assert!(
        ch1.contains("<img") && ch1.contains("href=\"chapter-02.xhtml\""),
        "{ch1}"
    );
}

#[test]
fn links_between_chapters_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    write_book(
        &book,
        &[
            ("book.yaml", MANIFEST),
            ("refs.yaml", REFS),
            (
                "chapters/01.md",
                "# One\n\nGo to [two](02.md#deep) [@known2020].\n",
            ),
            ("chapters/02.md", "# Two\n\n## Deep {#deep}\n\nText.\n"),
        ],
    );
    let out = dir.path().join("out");
    build_ok(&book, &out);
    let epub = Epub::open(&out.join("test.epub"));
    let ch1 = epub.text("OEBPS/chapter-01.xhtml");
    assert!(ch1.contains("href=\"chapter-02.xhtml#deep\""), "{ch1}");
    let nav = epub.nav_entries();
    assert!(
        nav.iter()
            .any(|(t, h)| t == "Deep" && h == "chapter-02.xhtml#deep"),
        "{nav:?}"
    );
}

#[test]
fn duplicate_explicit_heading_ids_name_both_places() {
    let (status, err, intact, _) = build_bad(&[
        ("chapters/01.md", "# One\n\n## A {#same}\n"),
        ("chapters/02.md", "# Two\n\n## B {#same}\n"),
    ]);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("error[E0009]"), "{err}");
    assert!(
        err.contains("chapters/02.md:3:") && err.contains("chapters/01.md:3:"),
        "{err}"
    );
    assert!(intact);
}

#[test]
fn unknown_manifest_key_is_an_error_at_its_line() {
    assert_book_error(
        &[
            (
                "book.yaml",
                "title: T\nchapters: [chapters/*.md]\ncolour: blue\n",
            ),
            ("chapters/01.md", "# One\n"),
        ],
        "E0002",
        "book.yaml:3:1",
        &["colour"],
    );
}

#[test]
fn wrong_manifest_type_is_an_error_at_its_line() {
    assert_book_error(
        &[
            (
                "book.yaml",
                "title: T\nchapters: [chapters/*.md]\nepub:\n  embed-fonts: sometimes\n",
            ),
            ("chapters/01.md", "# One\n"),
        ],
        "E0002",
        "book.yaml:4:",
        &[],
    );
}

#[test]
fn duplicate_manifest_key_is_an_error() {
    assert_book_error(
        &[
            (
                "book.yaml",
                "title: T\ntitle: U\nchapters: [chapters/*.md]\n",
            ),
            ("chapters/01.md", "# One\n"),
        ],
        "E0002",
        "book.yaml:2:",
        &["uplicate"],
    );
}

#[test]
fn leading_out_of_range_is_an_error_at_its_value() {
    assert_book_error(
        &[
            (
                "book.yaml",
                "title: T\nchapters: [chapters/*.md]\npdf:\n  leading: 5\n",
            ),
            ("chapters/01.md", "# One\n"),
        ],
        "E0003",
        "book.yaml:4:12",
        &["`5` is not a line height between 1 and 3"],
    );
}

#[test]
fn margins_too_wide_for_the_default_trim_are_an_error_at_the_margins() {
    assert_book_error(
        &[
            (
                "book.yaml",
                "title: T\nchapters: [chapters/*.md]\npdf:\n  margins: {inner: 4in, outer: 4in}\n",
            ),
            ("chapters/01.md", "# One\n"),
        ],
        "E0003",
        "book.yaml:4:20",
        &["default trim, 6x9, is not wide enough", "`trim:`"],
    );
}

#[test]
fn a_file_listed_twice_is_a_warning_and_the_book_builds() {
    let (status, err, _, _) = build_bad(&[
        (
            "book.yaml",
            "title: Test\nchapters:\n  - chapters/*.md\n  - file: chapters/02.md\n    title: X\n",
        ),
        ("chapters/01.md", "# One\n"),
        ("chapters/02.md", "# Two\n"),
    ]);
    assert_eq!(status, 0, "{err}");
    assert!(err.contains("warning[W0120]"), "{err}");
    assert!(err.contains("book.yaml:4:5"), "{err}");
    assert!(err.contains("first listed here"), "{err}");
}

#[test]
fn malformed_bibliography_is_an_error_at_its_line() {
    assert_book_error(
        &[
            (
                "refs.yaml",
                "known2020:\n  type: book\n  title: [unclosed\n",
            ),
            ("chapters/01.md", "# One\n\n[@known2020]\n"),
        ],
        "E0008",
        "refs.yaml:",
        &[],
    );
}

#[test]
fn missing_book_yaml_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let o = bookbind(&[
        "build",
        dir.path().to_str().unwrap(),
        "--out",
        dir.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("book.yaml"), "{}", stderr(&o));
    assert!(!dir.path().join("out").exists());
}

#[test]
fn chapter_that_is_not_utf8_names_file_and_offset() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    write_book(
        &book,
        &[("book.yaml", "title: T\nchapters: [chapters/*.md]\n")],
    );
    std::fs::create_dir_all(book.join("chapters")).unwrap();
    std::fs::write(book.join("chapters/01.md"), b"# One\n\nCaf\xe9\n").unwrap();
    let o = bookbind(&["check", book.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("E0005") && err.contains("01.md") && err.contains("offset 10"),
        "{err}"
    );
}

#[test]
fn paths_leaving_the_book_folder_are_refused() {
    for entry in ["../../etc/passwd", "/etc/passwd"] {
        let manifest = format!("title: T\nchapters:\n  - chapters/01.md\n  - {entry}\n");
        assert_book_error(
            &[("book.yaml", &manifest), ("chapters/01.md", "# One\n")],
            "E0012",
            "book.yaml:4:5",
            &[],
        );
    }
}

#[test]
fn bom_and_crlf_give_the_same_book_as_lf() {
    let build = |chapter: &[u8]| -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let book = dir.path().join("book");
        write_book(
            &book,
            &[(
                "book.yaml",
                "title: T\ndate: 2020-01-01\nchapters: [chapters/*.md]\n",
            )],
        );
        std::fs::create_dir_all(book.join("chapters")).unwrap();
        std::fs::write(book.join("chapters/01.md"), chapter).unwrap();
        let out = dir.path().join("out");
        build_ok(&book, &out);
        std::fs::read(out.join("t.epub")).unwrap()
    };
    let lf = build(b"# One\n\nA line\nand another.\n");
    let crlf = build(b"\xef\xbb\xbf# One\r\n\r\nA line\r\nand another.\r\n");
    assert!(lf == crlf, "BOM/CRLF input built differently");
}

#[test]
fn a_layout_report_without_the_pdf_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = bookbind(&[
        "build",
        "book",
        "--format",
        "epub",
        "--report",
        "r.json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("pdf"), "{}", stderr(&o));
    assert!(!out.exists(), "nothing is written on a usage error");
}

#[test]
fn bad_command_line_exits_with_2() {
    assert_eq!(
        bookbind(&["build", "--format", "docx"]).status.code(),
        Some(2)
    );
    assert_eq!(bookbind(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn check_writes_nothing_and_reports_success() {
    let dir = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_bookbind"))
        .args(["check", repo().join("book").to_str().unwrap()])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("checked"), "{}", stderr(&o));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_heading_does_not_take_an_id_written_in_raw_html() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    write_book(
        &book,
        &[
            (
                "book.yaml",
                "title: T\ndate: 2020-01-01\nchapters: [chapters/*.md]\n",
            ),
            (
                "chapters/01.md",
                "# One\n\n<div id=\"notes\">Raw.</div>\n\n## Notes\n\nText.\n",
            ),
        ],
    );
    let out = dir.path().join("out");
    build_ok(&book, &out);
    let x = Epub::open(&out.join("t.epub")).text("OEBPS/chapter-01.xhtml");
    assert_eq!(x.matches("id=\"notes\"").count(), 1, "{x}");
    assert!(x.contains("<h2 id=\"notes-2\""), "{x}");
}
