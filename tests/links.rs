//! Links between and within files, written as the author's own tool would have
//! them resolve (GitHub, mdBook, pandoc), reach their place in both editions'
//! EPUB without a warning.

mod common;

use common::*;

const MANIFEST: &str = "title: Test\nchapters:\n  - chapters/*.md\n";

/// Builds `files` (with a manifest binding `chapters/*.md`, unless given) and
/// returns the warnings and the EPUB.
fn build(files: &[(&str, &str)]) -> (tempfile::TempDir, String, Epub) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    let mut all: Vec<(&str, &str)> = vec![("book.yaml", MANIFEST)];
    for f in files {
        all.retain(|(p, _)| p != &f.0);
        all.push(*f);
    }
    write_book(&book, &all);
    let out = dir.path().join("out");
    let o = build_ok(&book, &out);
    let epub = Epub::open(&out.join("test.epub"));
    (dir, stderr(&o), epub)
}

#[test]
fn fragments_by_github_mdbook_and_pandoc_rules_reach_their_headings() {
    let (_dir, err, epub) = build(&[
        (
            "chapters/01.md",
            "# One\n\n\
             Go [fast](#-fast), [again](#notes-1), [pandoc](#applications), \
             [gfm](#3-applications), [there](02.md#no_mangle), \
             [theirs](02.md#intro-1), [explicit](02.md#mine).\n\n\
             ## ⚡ Fast\n\n## Notes\n\n## Notes\n\n## 3. Applications\n",
        ),
        (
            "chapters/02.md",
            "# Two\n\n## Intro\n\n## `no_mangle`\n\n## Intro\n\n## Kept {#mine}\n",
        ),
    ]);
    assert!(!err.contains("W0121"), "{err}");
    let one = epub.text("OEBPS/chapter-01.xhtml");
    for (text, href) in [
        ("fast", "#fast"),
        ("again", "#notes-2"),
        ("pandoc", "#s-3-applications"),
        ("gfm", "#s-3-applications"),
        ("there", "chapter-02.xhtml#no-mangle"),
        ("theirs", "chapter-02.xhtml#intro-2"),
        ("explicit", "chapter-02.xhtml#mine"),
    ] {
        assert!(
            one.contains(&format!("href=\"{href}\">{text}</a>")),
            "{text} → {href}: {one}"
        );
    }
    // Every target exists under its output id.
    let two = epub.text("OEBPS/chapter-02.xhtml");
    for id in ["no-mangle", "intro-2", "mine"] {
        assert!(two.contains(&format!("id=\"{id}\"")), "{id}: {two}");
    }
}

#[test]
fn a_fragment_no_tool_would_make_is_still_a_warning() {
    let (_dir, err, _epub) = build(&[(
        "chapters/01.md",
        "# One\n\n[gone](#notes-2) [wrong](#fast)\n\n## Notes\n\n## Notes\n",
    )]);
    // `#notes-2` is bookbind's own id for the second heading, so it resolves;
    // nothing is named `fast`.
    assert_eq!(err.matches("warning[W0121]").count(), 1, "{err}");
    assert!(err.contains("#fast"), "{err}");
}

#[test]
fn links_to_the_pages_a_site_generator_made_reach_their_markdown() {
    let (_dir, err, epub) = build(&[
        (
            "book.yaml",
            "title: Test\nchapters:\n  - chapters/*.md\n  - chapters/sub/*.md\n",
        ),
        (
            "chapters/01.md",
            "# One\n\n\
             [html](02.html#kept), [index](sub/index.html), [folder](sub/), \
             [bare](02), [std](../std/vec/struct.Vec.html), [sibling](../02/).\n",
        ),
        ("chapters/02.md", "# Two\n\n## Kept\n"),
        ("chapters/sub/README.md", "# Sub\n"),
        (
            "chapters/sub/03.md",
            "# Three\n\n[back](../01.html) [pretty](../02/)\n",
        ),
    ]);
    let one = epub.text("OEBPS/chapter-01.xhtml");
    for (text, href) in [
        ("html", "chapter-02.xhtml#kept"),
        // `sub/README.md` is named by its folder.
        ("index", "sub.xhtml"),
        ("folder", "sub.xhtml"),
        ("bare", "chapter-02.xhtml"),
        // Jekyll serves `01.md` as `01/`: `../02/` is its sibling.
        ("sibling", "chapter-02.xhtml"),
    ] {
        assert!(
            one.contains(&format!("{href}\">{text}</a>")),
            "{text} → {href}: {one}"
        );
    }
    // A page outside the book (mdBook's `../std/…`) stays a warning, its text kept.
    assert_eq!(err.matches("warning[").count(), 1, "{err}");
    assert!(
        err.contains("W0106") && err.contains("struct.Vec.html"),
        "{err}"
    );
    assert!(one.contains("std, <a"), "{one}");
    let three = epub.text("OEBPS/chapter-03.xhtml");
    assert!(
        three.contains("chapter-01.xhtml\">back</a>")
            && three.contains("chapter-02.xhtml\">pretty</a>"),
        "{three}"
    );
}

#[test]
fn a_bracketed_heading_text_links_to_that_heading_in_its_file_first() {
    let (_dir, err, epub) = build(&[
        (
            "chapters/01.md",
            "# One\n\nSee [Setup], [*Setup*][] and [Two]; [not a heading] stays.\n\n## Setup\n",
        ),
        ("chapters/02.md", "# Two\n\n## Setup\n\nBack to [one].\n"),
    ]);
    assert!(!err.contains("warning"), "{err}");
    let one = epub.text("OEBPS/chapter-01.xhtml");
    assert!(one.contains("href=\"#setup\">Setup</a>"), "{one}");
    assert!(one.contains("href=\"#setup\"><em>Setup</em></a>"), "{one}");
    assert!(
        one.contains("chapter-02.xhtml#chapter-02\">Two</a>"),
        "{one}"
    );
    assert!(one.contains("[not a heading] stays"), "{one}");
    let two = epub.text("OEBPS/chapter-02.xhtml");
    assert!(
        two.contains("chapter-01.xhtml#chapter-01\">one</a>"),
        "{two}"
    );
}
