//! What Send to Kindle (E999) and KDP refuse, checked both ways: each check that
//! can fire fires at the right place (file:line) on a small book and not on the
//! guide; each cause bookbind's writer cannot produce is proved absent from the
//! EPUB of the guide and of every corpus book that builds (see src/epub/kindle.rs
//! for which is which). The cover is a PNG of the size stores ask for.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// The corpus books that build today (tests/every_word.rs keeps the same list).
/// commonmark-spec is built as tests/every_word.rs builds it: without the
/// examples whose images or links name no file (`commonmark_examples`).
const CORPUS: &[&str] = &[
    "novel",
    "mdbook-guide",
    "contributor-covenant-multilingual",
    "nodebestpractices",
    "opensource-guide-ar",
    "advanced-java-zh",
    "typescript-deep-dive-ja",
    "colex-essays",
    "nomicon",
    "rust-cookbook",
];

/// Builds only the EPUB of `book` into `out`; returns its path and the run.
fn build_epub(book: &Path, out: &Path) -> (PathBuf, std::process::Output) {
    let o = bookbind(&[
        "build",
        book.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "epub",
    ]);
    assert!(o.status.success(), "{}: {}", book.display(), stderr(&o));
    let epub = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "epub"))
        .expect("an EPUB was written");
    (epub, o)
}

/// CommonMark's examples (raw HTML, comments, images, links of every form) as a
/// book in `into`, less those that are errors (an image or file not there).
fn commonmark_examples(from: &Path, into: &Path) -> PathBuf {
    let book = into.join("commonmark-spec");
    std::fs::create_dir_all(book.join("examples")).unwrap();
    std::fs::copy(from.join("book.yaml"), book.join("book.yaml")).unwrap();
    for e in std::fs::read_dir(from.join("examples")).unwrap() {
        let e = e.unwrap().path();
        if e.extension().is_some_and(|x| x == "md") {
            std::fs::copy(&e, book.join("examples").join(e.file_name().unwrap())).unwrap();
        }
    }
    let o = bookbind(&["check", book.to_str().unwrap()]);
    let err = stderr(&o);
    let mut lines = err.lines();
    while let Some(l) = lines.next() {
        if l.starts_with("error[") {
            let at = lines.next().and_then(|l| l.trim().strip_prefix("--> "));
            if let Some(file) = at.and_then(|a| a.split(':').next()) {
                let _ = std::fs::remove_file(file);
            }
        }
    }
    book
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG signature");
    assert_eq!(&png[12..16], b"IHDR", "IHDR first");
    let be = |i: usize| u32::from_be_bytes([png[i], png[i + 1], png[i + 2], png[i + 3]]);
    (be(16), be(20))
}

/// A PNG of `width` × `height` pixels of noise (so that it does not compress).
fn png_of(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = png::Encoder::new(&mut out, width, height);
    e.set_color(png::ColorType::Rgb);
    e.set_depth(png::BitDepth::Eight);
    e.set_compression(png::Compression::Fastest);
    let mut w = e.write_header().unwrap();
    let mut x: u32 = 0x9e37_79b9;
    let data: Vec<u8> = (0..width as usize * height as usize * 3)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    w.write_image_data(&data).unwrap();
    w.finish().unwrap();
    out
}

/// The cover-image item of a package: its href and media type.
fn cover_item(epub: &Epub) -> (String, String) {
    let opf = epub.text("OEBPS/content.opf");
    let doc = parse_xml(&opf).unwrap();
    let item = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("item")
                && n.attribute("properties")
                    .is_some_and(|p| p.split(' ').any(|p| p == "cover-image"))
        })
        .expect("an item marked cover-image");
    (
        item.attribute("href").unwrap().to_string(),
        item.attribute("media-type").unwrap().to_string(),
    )
}

/// Everything Send to Kindle stumbles on that bookbind's writer must never make,
/// asserted on one EPUB; returns what was wrong, one line each.
fn kindle_faults(epub: &Epub) -> Vec<String> {
    let mut faults = Vec::new();
    let xml_files: Vec<&String> = epub
        .files
        .keys()
        .filter(|n| {
            [".xhtml", ".opf", ".ncx", ".xml"]
                .iter()
                .any(|x| n.ends_with(x))
        })
        .collect();
    // Ids of each content document, and which of them are a <body>'s.
    let mut ids = std::collections::HashMap::new();
    for name in &xml_files {
        let text = epub.text(name);
        // Send to Kindle reads a file without an encoding declaration as ISO-8859-1.
        let first = text.lines().next().unwrap_or("");
        if !(first.starts_with("<?xml") && first.contains("encoding=\"UTF-8\"")) {
            faults.push(format!("{name}: no encoding declaration: {first}"));
        }
        if text.contains("<!--") {
            faults.push(format!("{name}: a comment"));
        }
        let doc = match parse_xml(&text) {
            Ok(d) => d,
            Err(e) => {
                faults.push(format!("{name}: not XML: {e}"));
                continue;
            }
        };
        let mut here = std::collections::HashMap::new();
        for n in doc.descendants().filter(|n| n.is_element()) {
            if let Some(id) = n.attribute("id") {
                here.insert(id.to_string(), n.has_tag_name("body"));
            }
            if n.has_tag_name("img") && n.attribute("src").is_none_or(|s| s.trim().is_empty()) {
                faults.push(format!("{name}: an <img> without src"));
            }
        }
        ids.insert(name.to_string(), here);
    }
    for name in &xml_files {
        let text = epub.text(name);
        let Ok(doc) = parse_xml(&text) else { continue };
        let dir = name.rsplit_once('/').map_or("", |(d, _)| d);
        for n in doc.descendants().filter(|n| n.is_element()) {
            let Some(href) = n.attribute("href").or(n.attribute("src")) else {
                continue;
            };
            let Some((file, frag)) = href.split_once('#') else {
                continue;
            };
            if href.contains("://") {
                continue;
            }
            let target = if file.is_empty() {
                name.to_string()
            } else {
                format!("{dir}/{file}")
            };
            match ids.get(&target).and_then(|t| t.get(frag)) {
                None => faults.push(format!("{name}: {href} points nowhere")),
                Some(true) => faults.push(format!("{name}: {href} points at a <body>")),
                Some(false) => {}
            }
        }
    }
    // dc:language: there, and a language tag.
    let opf = epub.text("OEBPS/content.opf");
    let doc = parse_xml(&opf).unwrap();
    match doc
        .descendants()
        .find(|n| n.has_tag_name("language"))
        .and_then(|n| n.text())
    {
        Some(l)
            if l.split('-').next().is_some_and(|p| {
                (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic())
            }) => {}
        other => faults.push(format!("dc:language is {other:?}")),
    }
    // CSS custom properties (declared `--x:` or used `var(--x)`), outside comments.
    for (name, data) in epub.files.iter().filter(|(n, _)| n.ends_with(".css")) {
        let css = String::from_utf8_lossy(data);
        let mut code = String::new();
        let mut rest = css.as_ref();
        while let Some(i) = rest.find("/*") {
            code.push_str(&rest[..i]);
            rest = rest[i..].find("*/").map_or("", |j| &rest[i + j + 2..]);
        }
        code.push_str(rest);
        if code.contains("var(") || code.contains("--") {
            faults.push(format!("{name}: a CSS custom property"));
        }
    }
    faults
}

#[test]
fn no_epub_of_the_guide_or_the_corpus_has_what_send_to_kindle_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let mut books = vec![("guide".to_string(), repo().join("book"))];
    let corpus = repo().join("../shared/corpus");
    if corpus.is_dir() {
        books.extend(CORPUS.iter().map(|b| (b.to_string(), corpus.join(b))));
        let examples = commonmark_examples(&corpus.join("commonmark-spec"), dir.path());
        books.push(("commonmark-spec".to_string(), examples));
    } else {
        assert!(std::env::var_os("CI").is_none(), "no corpus in CI");
    }
    let mut faults = Vec::new();
    for (name, book) in &books {
        let (path, _) = build_epub(book, &dir.path().join(name));
        let epub = Epub::open(&path);
        faults.extend(
            kindle_faults(&epub)
                .into_iter()
                .map(|f| format!("{name}: {f}")),
        );
        // The cover is a raster image, at the size KDP recommends when generated.
        let (href, media_type) = cover_item(&epub);
        assert!(
            ["image/png", "image/jpeg"].contains(&media_type.as_str()),
            "{name}: the cover is {media_type}"
        );
        if href == "images/cover.png" {
            let png = &epub.files[&format!("OEBPS/{href}")];
            assert_eq!(png_size(png), (1600, 2560), "{name}");
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

#[test]
fn the_guide_has_nothing_for_kindle_to_refuse() {
    let o = bookbind(&[
        "check",
        repo().join("book").to_str().unwrap(),
        "--target",
        "kindle",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(!err.contains("warning"), "{err}");
}

#[test]
fn the_guides_cover_is_a_png_of_the_size_kdp_recommends_and_the_cover_page_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = build_epub(&repo().join("book"), dir.path());
    let epub = Epub::open(&path);
    assert_eq!(
        cover_item(&epub),
        ("images/cover.png".to_string(), "image/png".to_string())
    );
    assert_eq!(
        png_size(&epub.files["OEBPS/images/cover.png"]),
        (1600, 2560)
    );
    assert!(!epub.files.contains_key("OEBPS/images/cover.svg"));
    let page = epub.text("OEBPS/cover.xhtml");
    assert!(page.contains("<img src=\"images/cover.png\""), "{page}");
}

fn small_book(dir: &Path, yaml_extra: &str, chapter: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let book = dir.join("book");
    let yaml =
        format!("title: Small\nauthors: [A. Writer]\nlanguage: en\n{yaml_extra}chapters: [chapters/01.md]\n");
    write_book(&book, &[("book.yaml", &yaml), ("chapters/01.md", chapter)]);
    for (name, data) in files {
        std::fs::write(book.join(name), data).unwrap();
    }
    book
}

#[test]
fn a_cover_under_kdps_minimum_is_w0141_at_the_manifests_cover_line() {
    let dir = tempfile::tempdir().unwrap();
    let book = small_book(
        dir.path(),
        "cover: small.png\n",
        "# One\n\nText.\n",
        &[("small.png", &png_of(600, 960))],
    );
    for args in [
        vec!["check", book.to_str().unwrap(), "--target", "kindle"],
        vec!["check", book.to_str().unwrap()],
    ] {
        let o = bookbind(&args);
        let err = stderr(&o);
        assert!(o.status.success(), "{err}");
        assert!(err.contains("warning[W0141]"), "{err}");
        assert!(err.contains("600 × 960"), "{err}");
        // book.yaml's fourth line names the cover.
        assert!(err.contains("book.yaml:4:"), "{err}");
    }
    // A large one is not told, and is the EPUB's cover as given.
    let dir = tempfile::tempdir().unwrap();
    let book = small_book(
        dir.path(),
        "cover: big.png\n",
        "# One\n\nText.\n",
        &[("big.png", &png_of(1600, 2560))],
    );
    let (path, o) = build_epub(&book, &dir.path().join("out"));
    assert!(!stderr(&o).contains("W0141"), "{}", stderr(&o));
    let epub = Epub::open(&path);
    let (href, _) = cover_item(&epub);
    assert_eq!(
        png_size(&epub.files[&format!("OEBPS/{href}")]),
        (1600, 2560)
    );
}

#[test]
fn an_authors_svg_cover_becomes_a_png_that_fits_the_box() {
    let dir = tempfile::tempdir().unwrap();
    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="600" height="900"><rect width="600" height="900" fill="#124"/><text x="300" y="450" font-size="60" text-anchor="middle" fill="white">Small</text></svg>"##;
    let book = small_book(
        dir.path(),
        "cover: cover.svg\n",
        "# One\n\nText.\n",
        &[("cover.svg", svg)],
    );
    let (path, o) = build_epub(&book, &dir.path().join("out"));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    let epub = Epub::open(&path);
    assert_eq!(
        cover_item(&epub),
        ("images/cover.png".to_string(), "image/png".to_string())
    );
    assert_eq!(
        png_size(&epub.files["OEBPS/images/cover.png"]),
        (1600, 2400)
    );
}

#[test]
fn an_img_without_src_is_e0011_at_its_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let book = small_book(
        dir.path(),
        "",
        "# One\n\nText.\n\nMore <img alt=\"a map\"> text.\n",
        &[],
    );
    let out = dir.path().join("out");
    let o = bookbind(&[
        "build",
        book.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error[E0011]: an image with no source"),
        "{err}"
    );
    assert!(err.contains("chapters/01.md:5:6"), "{err}");
    assert!(!out.join("small.epub").exists());
}

#[test]
fn a_fragment_that_names_nothing_is_w0121_at_its_line_and_the_epub_links_to_the_part() {
    let dir = tempfile::tempdir().unwrap();
    let book = small_book(
        dir.path(),
        "",
        "# One\n\nSee [below](#nowhere) and [the top](#one).\n",
        &[],
    );
    let (path, o) = build_epub(&book, &dir.path().join("out"));
    let err = stderr(&o);
    assert!(err.contains("warning[W0121]"), "{err}");
    assert!(err.contains("chapters/01.md:3:5"), "{err}");
    let epub = Epub::open(&path);
    assert!(
        kindle_faults(&epub).is_empty(),
        "{:?}",
        kindle_faults(&epub)
    );
}

#[test]
fn an_epub_over_fifty_megabytes_is_w0143_at_the_epub_in_check_and_build() {
    let dir = tempfile::tempdir().unwrap();
    // 4200 × 4200 pixels of noise: 53 MB that no deflate makes smaller.
    let book = small_book(
        dir.path(),
        "",
        "# One\n\n![A large picture](../large.png)\n",
        &[("large.png", &png_of(4200, 4200))],
    );
    let o = bookbind(&["check", book.to_str().unwrap(), "--target", "kindle"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("warning[W0143]"), "{err}");
    assert!(err.contains("small.epub"), "{err}");
    assert!(err.contains("images/000-large.png"), "{err}");
    // Plain `check` renders no EPUB, so it cannot tell.
    let o = bookbind(&["check", book.to_str().unwrap()]);
    assert!(!stderr(&o).contains("W0143"), "{}", stderr(&o));
    let (path, o) = build_epub(&book, &dir.path().join("out"));
    let err = stderr(&o);
    assert!(err.contains("warning[W0143]"), "{err}");
    assert!(err.contains(&path.display().to_string()), "{err}");
}

#[test]
fn the_fault_finder_finds_each_fault_it_looks_for() {
    let opf = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<package xmlns=\"http://www.idpf.org/2007/opf\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><metadata><dc:language>english!</dc:language></metadata></package>";
    let page = "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body id=\"top\"><!-- a -->\
                <a href=\"#top\">a</a><a href=\"#gone\">b</a><img alt=\"x\"/></body></html>";
    let css = "/* --fine in a comment */ p { --gap: 1em; margin: var(--gap); }";
    let files = [
        ("OEBPS/content.opf", opf),
        ("OEBPS/a.xhtml", page),
        ("OEBPS/style.css", css),
    ];
    let epub = Epub {
        files: files
            .iter()
            .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
            .collect(),
        order: Vec::new(),
    };
    let faults = kindle_faults(&epub).join("\n");
    for want in [
        "a.xhtml: no encoding declaration",
        "a.xhtml: a comment",
        "a.xhtml: an <img> without src",
        "#gone points nowhere",
        "#top points at a <body>",
        "dc:language is Some(\"english!\")",
        "style.css: a CSS custom property",
    ] {
        assert!(faults.contains(want), "{want} not in:\n{faults}");
    }
}
