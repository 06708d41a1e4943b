//! Authors' books as they are (issue 10): mdBook projects without a book.yaml,
//! Markdown files named on the command line, metadata blocks at the top of files.

mod common;

use std::path::Path;

use common::*;

/// SUMMARY.md's structure, read by a reader independent of bookbind's: each line
/// `- [Title](file)` / `* [Title](file)` / `1. [Title](file)` at its indentation,
/// `# Part` lines after the first heading, links outside lists; drafts (`()`)
/// left out, their children kept one level up at most. As `(level, title)`.
fn summary_structure(summary: &str) -> Vec<(u8, String)> {
    let mut out: Vec<(u8, String)> = Vec::new();
    let mut seen_heading = false;
    let mut in_part = false;
    let mut seen_list = false;
    // The indentations of the open list levels.
    let mut indents: Vec<usize> = Vec::new();
    for line in summary.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(h) = trimmed.strip_prefix("# ") {
            if seen_heading || !out.is_empty() {
                out.push((1, h.trim().to_string()));
                in_part = true;
            }
            seen_heading = true;
            continue;
        }
        let (listed, rest) = match trimmed.split_once(' ') {
            Some((m, rest))
                if m == "-"
                    || m == "*"
                    || m.trim_end_matches('.').parse::<u32>().is_ok() && m.ends_with('.') =>
            {
                (true, rest)
            }
            _ => (false, trimmed),
        };
        let Some(open) = rest.strip_prefix('[') else {
            continue;
        };
        let Some((title, after)) = open.split_once("](") else {
            continue;
        };
        let target = after.split(')').next().unwrap_or("");
        seen_list |= listed;
        if listed {
            while indents.last().is_some_and(|&i| i > indent) {
                indents.pop();
            }
            if indents.last() != Some(&indent) {
                indents.push(indent);
            }
        }
        let mut level = if listed {
            indents.len() as u8 + u8::from(in_part)
        } else {
            1
        };
        if !listed && seen_list {
            level = 1;
        }
        if target.is_empty() {
            continue;
        }
        let cap = out.last().map_or(1, |e| e.0 + 1);
        out.push((level.min(cap), title.replace('`', "")));
    }
    out
}

/// The contents of the EPUB's navigation document as `(level, title)`.
fn nav_structure(epub: &Path) -> Vec<(u8, String)> {
    let nav = Epub::open(epub).text("OEBPS/nav.xhtml");
    let doc = parse_xml(&nav).unwrap();
    let toc = doc
        .descendants()
        .find(|n| n.attribute(("http://www.idpf.org/2007/ops", "type")) == Some("toc"))
        .expect("a toc nav");
    let mut out = Vec::new();
    for a in toc.descendants().filter(|n| n.has_tag_name("a")) {
        let level = a.ancestors().filter(|n| n.has_tag_name("ol")).count() as u8;
        let title: String = a
            .descendants()
            .filter(|n| n.is_text())
            .filter_map(|n| n.text())
            .collect();
        out.push((level, title));
    }
    out
}

fn check_mdbook(book: &Path) {
    let out = tempfile::tempdir().unwrap();
    let o = build_ok(book, out.path());
    assert!(!stderr(&o).contains("error["), "{}", stderr(&o));
    let epub = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "epub"))
        .expect("an EPUB");
    let toml = std::fs::read_to_string(book.join("book.toml")).unwrap();
    let src = if toml.contains("src = \"") {
        toml.split("src = \"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    } else {
        "src".to_string()
    };
    let summary = std::fs::read_to_string(book.join(src).join("SUMMARY.md")).unwrap();
    let want = summary_structure(&summary);
    assert!(want.len() > 10, "{want:?}");
    assert_eq!(nav_structure(&epub), want, "{}", book.display());
}

fn corpus_book(name: &str) -> Option<std::path::PathBuf> {
    let dir = repo().join("../shared/corpus").join(name);
    if dir.is_dir() {
        Some(dir)
    } else {
        assert!(std::env::var_os("CI").is_none(), "no corpus in CI");
        None
    }
}

#[test]
fn the_mdbook_guide_without_its_book_yaml_has_summary_md_for_contents() {
    let Some(from) = corpus_book("mdbook-guide") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("guide");
    copy_dir(&from, &book);
    std::fs::remove_file(book.join("book.yaml")).unwrap();
    check_mdbook(&book);
}

#[test]
fn the_rustonomicon_and_the_rust_cookbook_build_as_they_are() {
    for name in ["nomicon", "rust-cookbook"] {
        if let Some(book) = corpus_book(name) {
            check_mdbook(&book);
        }
    }
}

#[test]
fn an_mdbook_reads_its_includes_hides_rust_lines_and_points_into_included_files() {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path();
    write_book(
        book,
        &[
            ("book.toml", "[book]\ntitle = \"Tiny\"\nauthors = [\"A\"]\nlanguage = \"en\"\n"),
            (
                "src/SUMMARY.md",
                "# Summary\n\n[Preface](preface.md)\n\n# Part One\n\n- [First](first.md)\n  - [Inner](inner/inner.md)\n- [Draft]()\n\n---\n\n[Thanks](thanks.md)\n",
            ),
            ("src/preface.md", "# Preface\n\nBefore.\n"),
            (
                "src/first.md",
                "# First\n\n```rust\n{{#rustdoc_include code/main.rs:show}}\n```\n\n{{#include part.md}}\n",
            ),
            (
                "src/code/main.rs",
                "fn main() {\n    // ANCHOR: show\n    let shown = 1;\n    // ANCHOR_END: show\n    let hidden = 2;\n}\n",
            ),
            ("src/part.md", "Included *words*.\n\n{{#frobnicate x}}\n"),
            ("src/inner/inner.md", "# Inner\n\nDeep.\n"),
            ("src/thanks.md", "# Thanks\n\nAfter.\n"),
        ],
    );
    let out = tempfile::tempdir().unwrap();
    let o = build_ok(book, out.path());
    let err = stderr(&o);
    // A problem in an included file is reported in that file, at its line.
    assert!(
        err.contains("W0130") && err.contains("part.md:3:1"),
        "{err}"
    );
    assert!(
        err.contains("W0131") && err.contains("SUMMARY.md:9:3"),
        "{err}"
    );
    let epub = out.path().join("tiny.epub");
    let first = Epub::open(&epub).text("OEBPS/first.xhtml");
    // Highlighted: the code's text is whole between the spans.
    let code = Epub::open(&epub).visible_text("OEBPS/first.xhtml");
    assert!(code.contains("let shown = 1;"), "{first}");
    assert!(
        !first.contains("hidden") && !first.contains("fn main"),
        "{first}"
    );
    assert!(first.contains("Included <em>words</em>."), "{first}");
    assert_eq!(
        nav_structure(&epub),
        [
            (1, "Preface".to_string()),
            (1, "Part One".to_string()),
            (2, "First".to_string()),
            (3, "Inner".to_string()),
            (1, "Thanks".to_string()),
        ]
    );
}

#[test]
fn markdown_files_given_in_order_bind_with_the_first_files_metadata() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write_book(
        d,
        &[
            (
                "b.md",
                "---\ntitle: Second file\nauthor: Nobody\n---\n\n# Opening\n\nWords of b.\n",
            ),
            (
                "a.md",
                "---\ntitle: The Whole Book\nauthor: [Ann Author]\nlang: fr\ndate: 2020-02-02\n---\n\nWords of a.\n",
            ),
            ("c.md", "+++\ntitle = \"Third\"\n+++\n\nWords of c.\n"),
        ],
    );
    let out = tempfile::tempdir().unwrap();
    let o = bookbind(&[
        "build",
        d.join("a.md").to_str().unwrap(),
        d.join("b.md").to_str().unwrap(),
        d.join("c.md").to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let epub = out.path().join("the-whole-book.epub");
    let opf = Epub::open(&epub).text("OEBPS/content.opf");
    assert!(
        opf.contains(">Ann Author<") && opf.contains(">fr<"),
        "{opf}"
    );
    // Each file's title is its part's; the metadata blocks are never printed.
    let titles: Vec<String> = nav_structure(&epub).into_iter().map(|e| e.1).collect();
    assert_eq!(titles[..3], ["The Whole Book", "Second file", "Opening"]);
    assert!(titles.contains(&"Third".to_string()), "{titles:?}");
    let e = Epub::open(&epub);
    let all: String = e.spine().iter().map(|f| e.text(f)).collect();
    assert!(all.contains("Words of a.") && all.contains("Words of c."));
    assert!(
        !all.contains("author:") && !all.contains("title ="),
        "{all}"
    );
    // A folder and files together are a usage error.
    let o = bookbind(&[
        "build",
        d.to_str().unwrap(),
        d.join("a.md").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn one_long_file_is_split_into_chapters_at_its_top_level_headings() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write_book(
        d,
        &[(
            "thesis.md",
            "---\ntitle: A Thesis\nauthor: Ann\n---\n\nAn abstract before any chapter[^a].\n\n\
             # Introduction\n\nSee [the method](#method) and [later](#results-in-detail)[^a].\n\n\
             ## Background\n\nWords[^b].\n\n# Method {#method}\n\nMethod words[^c].\n\n\
             # Results\n\n## Results in detail\n\nResult words[^b].\n\n\
             [^a]: Note a.\n\n[^b]: Note b, see[^c].\n\n[^c]: Note c.\n",
        )],
    );
    let out = tempfile::tempdir().unwrap();
    let o = bookbind(&[
        "build",
        d.join("thesis.md").to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("W0103"), "{}", stderr(&o));
    let e = Epub::open(&out.path().join("a-thesis.epub"));
    let nav: Vec<(u8, String)> = nav_structure(&out.path().join("a-thesis.epub"));
    assert_eq!(
        nav,
        [
            (1, "A Thesis".to_string()),
            (1, "Introduction".to_string()),
            (2, "Background".to_string()),
            (1, "Method".to_string()),
            (1, "Results".to_string()),
            (2, "Results in detail".to_string()),
        ]
    );
    let spine = e.spine();
    let file = |needle: &str| {
        spine
            .iter()
            .find(|f| e.text(f).contains(needle))
            .unwrap_or_else(|| panic!("no file holds {needle}"))
            .clone()
    };
    let intro = e.text(&file("See "));
    let method = file("Method words");
    let results = file("Result words");
    assert_ne!(method, results);
    // A link within the file leads to the chapter that now holds its target.
    let method_name = method.rsplit('/').next().unwrap();
    assert!(
        intro.contains(&format!("href=\"{method_name}#method\""))
            || intro.contains(&format!("href=\"{method_name}\"")),
        "{intro}"
    );
    // Each chapter has the notes it refers to, numbered from 1, with the notes
    // they refer to.
    let r = e.text(&results);
    assert!(r.contains("Note b, see") && r.contains("Note c."), "{r}");
    assert!(!r.contains("Note a."), "{r}");
    assert!(
        intro.contains("Note a.") && intro.contains("Note b, see"),
        "{intro}"
    );
    let abstract_file = e.text(&file("An abstract"));
    assert!(abstract_file.contains("Note a."), "{abstract_file}");
}

#[test]
fn front_matter_is_in_the_order_books_use_with_the_contents_before_the_preface() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write_book(
        d,
        &[
            (
                "book.yaml",
                "title: Order\nfront:\n  - front/preface.md\n  - front/epigraph.md\n  - front/dedication.md\n  - front/copyright.md\nchapters:\n  - chapters/one.md\n",
            ),
            ("front/preface.md", "# Preface\n\nWhy.\n"),
            ("front/epigraph.md", "> Words.\n"),
            ("front/dedication.md", "For someone.\n"),
            ("front/copyright.md", "© Someone.\n"),
            ("chapters/one.md", "# One\n\nText.\n"),
        ],
    );
    let out = tempfile::tempdir().unwrap();
    build_ok(d, out.path());
    let spine: Vec<String> = Epub::open(&out.path().join("order.epub"))
        .spine()
        .iter()
        .map(|f| {
            f.rsplit('/')
                .next()
                .unwrap()
                .trim_end_matches(".xhtml")
                .to_string()
        })
        .collect();
    let at = |name: &str| {
        spine
            .iter()
            .position(|s| s == name)
            .unwrap_or_else(|| panic!("{name} in {spine:?}"))
    };
    let order = [
        "titlepage",
        "copyright",
        "dedication",
        "epigraph",
        "contents",
        "preface",
        "one",
    ];
    for w in order.windows(2) {
        assert!(at(w[0]) < at(w[1]), "{} before {}: {spine:?}", w[0], w[1]);
    }
    // The print edition's pages in the same order.
    let text = std::process::Command::new("pdftotext")
        .args([out.path().join("order.pdf").to_str().unwrap(), "-"])
        .output();
    if let Ok(t) = text {
        let t = String::from_utf8_lossy(&t.stdout).into_owned();
        if !t.is_empty() {
            let pos = |w: &str| t.find(w).unwrap_or_else(|| panic!("{w} in {t}"));
            assert!(pos("© Someone") < pos("For someone"));
            assert!(pos("For someone") < pos("Words."));
            assert!(pos("Words.") < pos("Contents"));
            assert!(pos("Contents") < pos("Why."));
        }
    }
}

#[test]
fn a_part_opens_with_its_top_heading_whatever_its_level_and_one_without_is_titled_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write_book(
        d,
        &[
            (
                "book.yaml",
                "title: Levels\nchapters:\n  - chapters/01-part.md\n  - chapters/02-chapter.md\n  - chapters/03-no-heading.md\n",
            ),
            ("chapters/01-part.md", "<!-- a comment -->\n<a id=\"top\"></a>\n\n## Part One\n\n### Inside\n\nText.\n"),
            ("chapters/02-chapter.md", "### II\n\nMore text.\n"),
            ("chapters/03-no-heading.md", "Just text.\n"),
        ],
    );
    let out = tempfile::tempdir().unwrap();
    let o = build_ok(d, out.path());
    let err = stderr(&o);
    assert_eq!(err.matches("warning[W0135]").count(), 1, "{err}");
    assert!(err.contains("03-no-heading.md"), "{err}");
    let titles: Vec<String> = nav_structure(&out.path().join("levels.epub"))
        .into_iter()
        .map(|e| e.1)
        .collect();
    assert_eq!(titles, ["Part One", "II", "No heading"]);
}

#[test]
fn a_gitbook_and_an_mdbook_without_book_toml_build_from_their_summary() {
    for (files, epub) in [
        (
            vec![
                ("book.json", "{\"title\": \"Git Book\", \"author\": \"Ann\", \"language\": \"fr\", \"plugins\": []}"),
                ("SUMMARY.md", "# Table of contents\n\n* [Intro](README.md)\n* [Part](part/README.md)\n  * [Page](part/page.md)\n"),
                ("README.md", "# Intro\n\nHello.\n"),
                ("part/README.md", "# Part\n\nA part.\n"),
                ("part/page.md", "# Page\n\nA page.\n"),
            ],
            "git-book.epub",
        ),
        (
            vec![
                ("src/SUMMARY.md", "# Summary\n\n- [One](one.md)\n"),
                ("src/one.md", "# One\n\nText.\n"),
            ],
            "book.epub",
        ),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let book = tmp.path().join("book");
        write_book(&book, &files);
        let out = tempfile::tempdir().unwrap();
        build_ok(&book, out.path());
        let nav = nav_structure(&out.path().join(epub));
        assert!(!nav.is_empty());
        if epub == "git-book.epub" {
            assert_eq!(
                nav,
                [
                    (1, "Intro".to_string()),
                    (1, "Part".to_string()),
                    (2, "Page".to_string())
                ]
            );
            let opf = Epub::open(&out.path().join(epub)).text("OEBPS/content.opf");
            assert!(opf.contains(">fr<") && opf.contains(">Ann<"), "{opf}");
        }
    }
}

#[test]
fn a_right_to_left_book_and_a_part_in_another_language_are_marked_in_the_epub() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write_book(
        d,
        &[
            (
                "book.yaml",
                "title: كتاب\nlanguage: ar\nchapters:\n  - one.md\n  - two.en.md\n",
            ),
            ("one.md", "# واحد\n\nنص[^n].\n\n[^n]: حاشية.\n"),
            ("two.en.md", "# Two\n\nText.\n"),
        ],
    );
    let out = tempfile::tempdir().unwrap();
    build_ok(d, out.path());
    let epub = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "epub"))
        .unwrap();
    let e = Epub::open(&epub);
    let opf = e.text("OEBPS/content.opf");
    assert!(opf.contains("page-progression-direction=\"rtl\""), "{opf}");
    let one = e.text("OEBPS/one.xhtml");
    assert!(
        one.contains("lang=\"ar\" xml:lang=\"ar\" dir=\"rtl\""),
        "{one}"
    );
    // The words the book adds are in its language.
    assert!(one.contains("aria-label=\"الحواشي\""), "{one}");
    assert!(e.text("OEBPS/nav.xhtml").contains(">المحتويات</h1>"));
    // Its stylesheet sets right-to-left pages from the right.
    assert!(e.text("OEBPS/stylesheet.css").contains("[dir=\"rtl\"] h1"));
    let two = e.text("OEBPS/two-en.xhtml");
    assert!(two.contains("lang=\"en\" xml:lang=\"en\">"), "{two}");
}
