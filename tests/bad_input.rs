//! The bad-input table of issue 4, row by row, through the real binary: images,
//! paths leaving the book, raw HTML, control characters, markup characters in
//! metadata and text, empty books and chapters, deep nesting and very long words.
//! Each bad input gives its error at its place, exit status 1 and no output, or a
//! warning and a well-formed book (every XML file of the EPUB parses; the PDF is
//! written).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

const MANIFEST: &str = "title: Test\nbibliography: refs.yaml\nchapters:\n  - chapters/*.md\n";
const REFS: &str =
    "known2020:\n  type: book\n  title: A Known Book\n  author: Doe, Jane\n  date: 2020\n";
const EARLIER: &[u8] = b"earlier edition";

/// A finished run of `bookbind build` on a book in a temporary folder.
struct Run {
    status: i32,
    err: String,
    out: PathBuf,
    _dir: tempfile::TempDir,
}

impl Run {
    fn epub(&self) -> Epub {
        Epub::open(&self.out.join("test.epub"))
    }

    fn pdf(&self) -> Vec<u8> {
        std::fs::read(self.out.join("test.pdf")).expect("the PDF was written")
    }

    /// The output folder holds the earlier editions only, unchanged.
    fn assert_nothing_written(&self) {
        for ext in ["epub", "pdf"] {
            let p = self.out.join(format!("test.{ext}"));
            assert_eq!(
                std::fs::read(&p).unwrap(),
                EARLIER,
                "{} was changed",
                p.display()
            );
        }
        let n = std::fs::read_dir(&self.out).unwrap().count();
        assert_eq!(n, 2, "something else was written to the output folder");
    }

    fn assert_error(&self, code: &str, location: &str) {
        assert_eq!(self.status, 1, "exit status; stderr:\n{}", self.err);
        assert!(
            self.err.contains(&format!("error[{code}]")),
            "no {code} in:\n{}",
            self.err
        );
        assert!(
            self.err.contains(location),
            "no location {location} in:\n{}",
            self.err
        );
        self.assert_nothing_written();
    }

    fn assert_built(&self) {
        assert_eq!(self.status, 0, "exit status; stderr:\n{}", self.err);
        assert!(
            self.err.contains("bound"),
            "no summary line in:\n{}",
            self.err
        );
    }
}

/// Files of a book, text or bytes.
enum Content<'a> {
    Text(&'a str),
    Bytes(&'a [u8]),
}

fn text<'a>(path: &'a str, t: &'a str) -> (&'a str, Content<'a>) {
    (path, Content::Text(t))
}

fn bytes<'a>(path: &'a str, b: &'a [u8]) -> (&'a str, Content<'a>) {
    (path, Content::Bytes(b))
}

/// Writes the book (a default manifest and bibliography unless given) and, in its
/// output folder, earlier editions; `prepare` may add to the folder (links).
fn book(files: &[(&str, Content)], prepare: impl FnOnce(&Path)) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    let mut all: Vec<(&str, &Content)> = Vec::new();
    let defaults = [text("book.yaml", MANIFEST), text("refs.yaml", REFS)];
    for (p, c) in &defaults {
        if !files.iter().any(|(f, _)| f == p) {
            all.push((p, c));
        }
    }
    all.extend(files.iter().map(|(p, c)| (*p, c)));
    for (p, c) in all {
        let path = book.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        match c {
            Content::Text(t) => std::fs::write(path, t).unwrap(),
            Content::Bytes(b) => std::fs::write(path, b).unwrap(),
        }
    }
    prepare(&book);
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("test.epub"), EARLIER).unwrap();
    std::fs::write(out.join("test.pdf"), EARLIER).unwrap();
    (dir, book)
}

/// Builds both editions, failing the test if bookbind takes more than `limit`.
fn build_within(files: &[(&str, Content)], prepare: impl FnOnce(&Path), limit: u64) -> Run {
    build_formats(files, prepare, "epub,pdf", limit)
}

fn build(files: &[(&str, Content)]) -> Run {
    build_within(files, |_| {}, 60)
}

fn build_formats(
    files: &[(&str, Content)],
    prepare: impl FnOnce(&Path),
    formats: &str,
    limit: u64,
) -> Run {
    let (dir, book) = book(files, prepare);
    let out = dir.path().join("out");
    let err_file = dir.path().join("stderr.txt");
    let mut child = Command::new(env!("CARGO_BIN_EXE_bookbind"))
        .args([
            "build",
            book.to_str().unwrap(),
            "--format",
            formats,
            "--out",
        ])
        .arg(&out)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err_file).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(limit) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("bookbind did not finish in {limit} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let err = std::fs::read_to_string(&err_file).unwrap();
    assert!(
        !err.contains("panicked") && !err.contains("overflow"),
        "bookbind crashed:\n{err}"
    );
    Run {
        status: status.code().unwrap_or(-1),
        err,
        out,
        _dir: dir,
    }
}

/// Every XML file of the EPUB parses; returns how many there are.
fn assert_all_xml(epub: &Epub) -> usize {
    let mut n = 0;
    for (name, b) in &epub.files {
        if [".xhtml", ".opf", ".ncx", ".xml"]
            .iter()
            .any(|e| name.ends_with(e))
        {
            let t = std::str::from_utf8(b).unwrap_or_else(|e| panic!("{name} is not UTF-8: {e}"));
            if let Err(e) = parse_xml(t) {
                panic!("{name} is not well-formed XML: {e}\n{t}");
            }
            n += 1;
        }
    }
    assert!(n >= 6, "only {n} XML files");
    n
}

fn assert_is_pdf(run: &Run) {
    let pdf = run.pdf();
    assert!(pdf.starts_with(b"%PDF"), "the PDF does not start with %PDF");
}

/// The text of every content document, for looking for what must be gone.
fn all_xhtml(epub: &Epub) -> String {
    epub.files
        .iter()
        .filter(|(n, _)| n.ends_with(".xhtml"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect()
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A valid 1×1 PNG.
fn png() -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    }
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut v, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    // zlib stream of one filtered row: filter byte 0, one grey pixel.
    chunk(
        &mut v,
        b"IDAT",
        &[
            0x78, 0x01, 0x01, 0x02, 0x00, 0xfd, 0xff, 0x00, 0x80, 0x00, 0x82, 0x00, 0x81,
        ],
    );
    chunk(&mut v, b"IEND", &[]);
    v
}

const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";

// ---------------------------------------------------------------------------
// Images

#[test]
fn a_valid_image_is_embedded() {
    let png = png();
    let run = build(&[
        text("chapters/01.md", "# One\n\n![A dot](../images/dot.png)\n"),
        bytes("images/dot.png", &png),
    ]);
    run.assert_built();
    let epub = run.epub();
    assert_all_xml(&epub);
    assert!(
        epub.files.values().any(|b| *b == png),
        "the image is not in the EPUB"
    );
    assert_is_pdf(&run);
}

#[test]
fn missing_image_is_an_error_at_the_reference() {
    build(&[text(
        "chapters/01.md",
        "# One\n\nSee ![a map](../images/map.png) here.\n",
    )])
    .assert_error("E0011", "chapters/01.md:3:5");
}

#[test]
fn file_that_is_not_an_image_is_an_error_at_the_reference() {
    for content in [&b"Just some notes, not a picture.\n"[..], b""] {
        let run = build(&[
            text("chapters/01.md", "# One\n\n![a map](../images/map.png)\n"),
            bytes("images/map.png", content),
        ]);
        run.assert_error("E0011", "chapters/01.md:3:1");
        assert!(run.err.contains("not a PNG, JPEG"), "{}", run.err);
    }
}

#[test]
fn truncated_images_are_errors_at_the_reference() {
    let png = png();
    let jpeg: &[u8] =
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb\x00\x43\x00";
    let webp: &[u8] = b"RIFF\x40\x00\x00\x00WEBPVP8 \x34\x00\x00\x00";
    let cases: [(&str, &[u8]); 5] = [
        ("cut.png", &png[..png.len() - 12]),
        ("cut2.png", &png[..40]),
        ("cut.jpg", jpeg),
        ("cut.gif", &GIF[..GIF.len() - 3]),
        ("cut.webp", webp),
    ];
    for (name, data) in cases {
        let md = format!("# One\n\nText.\n\n![cut](../images/{name})\n");
        let path = format!("images/{name}");
        let run = build(&[text("chapters/01.md", &md), bytes(&path, data)]);
        run.assert_error("E0011", "chapters/01.md:5:1");
        assert!(run.err.contains("truncated"), "{name}:\n{}", run.err);
    }
}

#[test]
fn image_paths_leaving_the_book_are_refused() {
    for dest in [
        "../../etc/passwd",
        "../../../../../../etc/passwd",
        "/../etc/passwd",
    ] {
        let md = format!("# One\n\n![secret]({dest})\n");
        build(&[text("chapters/01.md", &md)]).assert_error("E0012", "chapters/01.md:3:1");
    }
    // A site-root path is read from the book folder's root, never from outside it.
    let run = build(&[text("chapters/01.md", "# One\n\n![secret](/etc/passwd)\n")]);
    run.assert_error("E0011", "chapters/01.md:3:1");
    assert!(
        run.err
            .contains("looked for `etc/passwd` in the book folder"),
        "{}",
        run.err
    );
}

/// A FIFO outside the book: opening it for reading would block, so a build that
/// finishes proves it was never opened.
fn outside_fifo(dir: &Path) -> PathBuf {
    let fifo = dir.join("outside-fifo");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        std::fs::write(&fifo, png()).unwrap();
    }
    fifo
}

#[cfg(unix)]
#[test]
fn image_through_a_link_pointing_outside_is_refused_and_not_read() {
    let run = build_within(
        &[text("chapters/01.md", "# One\n\n![x](../images/x.png)\n")],
        |book| {
            let target = outside_fifo(book.parent().unwrap());
            std::fs::create_dir_all(book.join("images")).unwrap();
            std::os::unix::fs::symlink(target, book.join("images/x.png")).unwrap();
        },
        30,
    );
    run.assert_error("E0012", "chapters/01.md:3:1");
    assert!(run.err.contains("outside the book folder"), "{}", run.err);
}

#[cfg(unix)]
#[test]
fn image_in_a_linked_folder_outside_the_book_is_refused() {
    let run = build_within(
        &[text("chapters/01.md", "# One\n\n![x](../pictures/x.png)\n")],
        |book| {
            let outside = book.parent().unwrap().join("elsewhere");
            std::fs::create_dir_all(&outside).unwrap();
            std::fs::write(outside.join("x.png"), png()).unwrap();
            std::os::unix::fs::symlink(&outside, book.join("pictures")).unwrap();
        },
        30,
    );
    run.assert_error("E0012", "chapters/01.md:3:1");
}

#[cfg(unix)]
#[test]
fn cover_font_chapter_and_bibliography_links_pointing_outside_are_refused() {
    let manifest = "title: Test\nbibliography: refs.yaml\ncover: cover.png\n\
                    pdf:\n  font: fonts/body.ttf\nchapters:\n  - chapters/*.md\n";
    let run = build_within(
        &[
            text("book.yaml", manifest),
            text("chapters/01.md", "# One\n\n[@known2020]\n"),
        ],
        |book| {
            let outside = book.parent().unwrap();
            let fifo = outside_fifo(outside);
            std::fs::write(outside.join("notes.md"), "# Private\n").unwrap();
            std::fs::rename(book.join("refs.yaml"), outside.join("refs.yaml")).unwrap();
            std::os::unix::fs::symlink(&fifo, book.join("cover.png")).unwrap();
            std::fs::create_dir_all(book.join("fonts")).unwrap();
            std::os::unix::fs::symlink(&fifo, book.join("fonts/body.ttf")).unwrap();
            std::os::unix::fs::symlink(outside.join("notes.md"), book.join("chapters/02.md"))
                .unwrap();
            std::os::unix::fs::symlink(outside.join("refs.yaml"), book.join("refs.yaml")).unwrap();
        },
        30,
    );
    for line in [
        "book.yaml:2:",
        "book.yaml:3:",
        "book.yaml:5:",
        "book.yaml:7:",
    ] {
        run.assert_error("E0012", line);
    }
    assert!(!run.err.contains("Private"), "{}", run.err);
}

#[cfg(unix)]
#[test]
fn pipes_inside_the_book_are_refused_without_being_opened() {
    // Opening a FIFO for reading blocks until a writer comes: a build that ends
    // proves none was opened.
    let manifest = "title: Test\nbibliography: refs.bib\ncover: cover.png\n\
                    chapters:\n  - chapters/01.md\n  - chapters/02.md\n";
    let run = build_within(
        &[
            text("book.yaml", manifest),
            text("chapters/01.md", "# One\n\n![x](../images/x.png)\n"),
        ],
        |book| {
            std::fs::create_dir_all(book.join("images")).unwrap();
            for p in ["refs.bib", "cover.png", "chapters/02.md", "images/x.png"] {
                let made = Command::new("mkfifo")
                    .arg(book.join(p))
                    .status()
                    .is_ok_and(|s| s.success());
                assert!(made, "mkfifo {p}");
            }
        },
        30,
    );
    for at in [
        "book.yaml:2:",
        "book.yaml:3:",
        "book.yaml:6:",
        "chapters/01.md:3:1",
    ] {
        run.assert_error(if at.ends_with(":1") { "E0011" } else { "E0004" }, at);
    }
    assert!(run.err.contains("not a file"), "{}", run.err);
}

// ---------------------------------------------------------------------------
// Raw HTML

#[test]
fn raw_html_becomes_well_formed_xhtml_without_scripts_and_with_warnings_at_their_place() {
    let md = "# One\n\
              \n\
              An <b>unclosed bold and <i>italic\n\
              \n\
              Line<br>break and <span onclick=\"steal()\">a handler</span>.\n\
              \n\
              <script>alert('inline block')</script>\n\
              \n\
              <div class=\"box\" onmouseover=\"x()\">\n\
              <p>Unclosed paragraph\n\
              <iframe src=\"https://example.com/\"></iframe>\n\
              \n\
              Text with <script>document.write('sneaky')</script> inside, \
              <a href=\"javascript:alert(1)\">a link</a> and <img src=x.png onerror=alert(2)>.\n\
              \n\
              <style>body { display: none }</style>\n\
              \n\
              <!-- a note > for the author -->\n\
              \n\
              End <hr> <br/> <wbr> &nbsp; &copy; <unknown-tag>kept text</unknown-tag>.\n";
    // A raw `<img>` is a picture like `![](x.png)`: it must exist.
    let png = png();
    let run = build(&[text("chapters/01.md", md), bytes("chapters/x.png", &png)]);
    run.assert_built();
    let epub = run.epub();
    assert_all_xml(&epub);
    let all = all_xhtml(&epub).to_lowercase();
    for gone in [
        "<script",
        "onclick",
        "onmouseover",
        "onerror",
        "<iframe",
        "javascript:",
        "alert(",
        "steal(",
        "document.write",
        "sneaky",
        "display: none",
        "a note",
    ] {
        assert!(!all.contains(gone), "`{gone}` is still in the EPUB");
    }
    for kept in [
        "unclosed bold",
        "a handler",
        "unclosed paragraph",
        "kept text",
    ] {
        assert!(all.contains(kept), "`{kept}` was lost");
    }
    for place in [
        "chapters/01.md:5:25",
        "chapters/01.md:7:1",
        "chapters/01.md:9:18",
        "chapters/01.md:13:11",
    ] {
        assert!(
            run.err.contains(place),
            "no warning at {place}:\n{}",
            run.err
        );
    }
    assert!(run.err.contains("warning[W0104]"), "{}", run.err);
    assert_is_pdf(&run);
}

// ---------------------------------------------------------------------------
// Control characters

const CONTROLS: &[char] = &[
    '\u{0}', '\u{1}', '\u{2}', '\u{3}', '\u{4}', '\u{5}', '\u{6}', '\u{7}', '\u{8}', '\u{b}',
    '\u{c}', '\u{e}', '\u{f}', '\u{10}', '\u{11}', '\u{12}', '\u{13}', '\u{14}', '\u{15}',
    '\u{16}', '\u{17}', '\u{18}', '\u{19}', '\u{1a}', '\u{1b}', '\u{1c}', '\u{1d}', '\u{1e}',
    '\u{1f}',
];

#[test]
fn control_characters_are_removed_with_a_warning_naming_file_and_line() {
    let all: String = CONTROLS.iter().collect();
    let md = format!(
        "# One{all}\n\
         \n\
         Some{all} text [a link](https://example.com/ \"title{all}\") \
         ![alt{all}](https://example.com/x.png) `code{all}`.\n\
         \n\
         | a{all} | b |\n|---|---|\n| c | d{all} |\n\
         \n\
         ```\n{all}fenced\n```\n\
         \n\
         <div title=\"x{all}\">raw{all}</div>\n\
         \n\
         Note[^n].\n\
         \n\
         [^n]: A footnote{all}.\n"
    );
    let manifest = "title: \"Test\\a\"\nauthors: [\"Jo\\x01e\"]\n\
                    chapters:\n  - { file: chapters/01.md, title: \"First\\x02\" }\n";
    let run = build(&[text("book.yaml", manifest), text("chapters/01.md", &md)]);
    run.assert_built();
    assert!(run.err.contains("warning[W0108]"), "{}", run.err);
    assert!(run.err.contains("chapters/01.md:1:"), "{}", run.err);
    assert!(run.err.contains("lines 1, 3"), "{}", run.err);
    assert!(run.err.contains("book.yaml"), "{}", run.err);
    let epub = run.epub();
    assert_all_xml(&epub);
    for (name, b) in &epub.files {
        if name.ends_with("xhtml") || name.ends_with("opf") || name.ends_with("ncx") {
            let t = String::from_utf8_lossy(b);
            assert!(
                !t.chars().any(|c| CONTROLS.contains(&c)),
                "{name} has control characters"
            );
        }
    }
    assert!(epub.text("OEBPS/chapter-01.xhtml").contains("Some text"));
    assert_is_pdf(&run);
    // No "missing glyph" warnings: the PDF never saw them either.
    assert!(!run.err.contains("W0109"), "{}", run.err);
}

#[test]
fn control_characters_in_the_bibliography_are_removed_with_a_warning() {
    let refs = "known2020:\n  type: book\n  title: \"A Known\\a Book\"\n  author: Doe, Jane\n  date: 2020\n";
    let run = build(&[
        text("refs.yaml", refs),
        text("chapters/01.md", "# One\n\nAs said [@known2020].\n"),
    ]);
    run.assert_built();
    assert!(
        run.err.contains("warning[W0108]") && run.err.contains("refs.yaml"),
        "{}",
        run.err
    );
    let epub = run.epub();
    assert_all_xml(&epub);
    assert!(all_xhtml(&epub).contains("A Known Book"));
    assert_is_pdf(&run);
}

// ---------------------------------------------------------------------------
// Markup characters

#[test]
fn markup_characters_in_metadata_and_text_are_escaped_everywhere() {
    let manifest = "title: \"Fish & Chips <for> \\\"Two\\\" 'ever'\"\n\
                    subtitle: \"A & B <sub>\"\n\
                    authors: [\"O'Brien & <Sons>\", \"\\\"Quoted\\\" Author\"]\n\
                    publisher: \"P & <Q>\"\n\
                    rights: \"© R & <S>\"\n\
                    description: \"<p>not html</p> & more\"\n\
                    subjects: [\"a & <b>\"]\n\
                    bibliography: refs.yaml\n\
                    chapters:\n  - { file: chapters/01.md, title: \"Ch <1> & \\\"q\\\"\" }\n  - chapters/02.md\n";
    let refs = "amp2020:\n  type: book\n  title: \"Salt & <Pepper> \\\"Quoted\\\"\"\n  \
                author: \"O'Neil & <Co>, Jane\"\n  date: 2020\n  publisher: \"A & B\"\n";
    let png = png();
    // In Markdown, `<x>` is raw HTML: text uses `<` before a digit or a space.
    let ch1 = "# Heading 1<2 & \"two\"\n\n\
               ## Section & <3 'quotes' {#sec}\n\n\
               A [link](https://example.com/?a=1&b=<2> \"Title & <t> \\\"q\\\"\") and \
               ![Alt & 1<2 \"q\"](../images/dot.png \"Img & <title>\") and [@amp2020] and \
               a & b < c > d \"e\" 'f' &amp; &lt;\n\n\
               ![Fig & 1<2](../images/dot.png \"Cap & <c> \\\"q\\\"\")\n\n\
               Note[^a].\n\n[^a]: Foot & <3 note.\n";
    let ch2 = "# Second & 2>1\n\nSee [the first](01.md#sec).\n";
    let run = build(&[
        text("book.yaml", manifest),
        text("refs.yaml", refs),
        text("chapters/01.md", ch1),
        text("chapters/02.md", ch2),
        bytes("images/dot.png", &png),
    ]);
    assert_eq!(run.status, 0, "{}", run.err);
    let epub_path = std::fs::read_dir(&run.out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "epub") && !p.ends_with("test.epub"))
        .expect("the new EPUB");
    let epub = Epub::open(&epub_path);
    assert_all_xml(&epub);

    let opf = epub.text("OEBPS/content.opf");
    let doc = parse_xml(&opf).unwrap();
    let texts = |tag: &str| -> Vec<String> {
        doc.descendants()
            .filter(|n| n.has_tag_name(tag))
            .map(|n| n.text().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(texts("title"), ["Fish & Chips <for> \"Two\" 'ever'"]);
    assert_eq!(texts("creator"), ["O'Brien & <Sons>", "\"Quoted\" Author"]);
    assert_eq!(texts("description"), ["<p>not html</p> & more"]);
    assert_eq!(texts("subject"), ["a & <b>"]);

    let nav = epub.nav_entries();
    let titles: Vec<String> = nav.iter().map(|(t, _)| plain_quotes(t)).collect();
    assert!(titles.contains(&"Ch <1> & \"q\"".to_string()), "{titles:?}");
    assert!(
        titles.contains(&"Section & <3 'quotes'".to_string()),
        "{titles:?}"
    );
    assert!(titles.contains(&"Second & 2>1".to_string()), "{titles:?}");
    let ncx = epub.text("OEBPS/toc.ncx");
    let ncx = parse_xml(&ncx).unwrap();
    let labels: Vec<String> = ncx
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(plain_quotes))
        .collect();
    assert!(labels.iter().any(|l| l == "Ch <1> & \"q\""), "{labels:?}");

    let ch = epub.text("OEBPS/chapter-01.xhtml");
    let doc = parse_xml(&ch).unwrap();
    let attr = |tag: &str, name: &str| -> Vec<String> {
        doc.descendants()
            .filter(|n| n.has_tag_name(tag))
            .filter_map(|n| n.attribute(name).map(plain_quotes))
            .collect()
    };
    assert!(
        attr("img", "alt").contains(&"Alt & 1<2 \"q\"".to_string()),
        "{:?}",
        attr("img", "alt")
    );
    assert!(attr("a", "title").contains(&"Title & <t> \"q\"".to_string()));
    assert!(attr("a", "href").contains(&"https://example.com/?a=1&b=%3C2%3E".to_string()));
    let body = epub.visible_text("OEBPS/chapter-01.xhtml");
    assert!(body.contains("a & b < c > d"), "{body}");
    assert!(
        body.contains("&amp; &lt;") || body.contains("& <"),
        "{body}"
    );
    assert!(body.contains("Foot & <3 note"), "{body}");
    let refs = all_xhtml(&epub).to_lowercase();
    assert!(
        refs.contains("salt &amp; &lt;pepper&gt;"),
        "the reference list"
    );

    let pdf_path = epub_path.with_extension("pdf");
    let pdf = std::fs::read(&pdf_path).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let doc = lopdf::Document::load_mem(&pdf).expect("lopdf reads the PDF");
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(|i| doc.dereference(i))
        .and_then(|(_, o)| o.as_dict())
        .expect("an Info dictionary");
    let title = match info.get(b"Title").expect("a title") {
        lopdf::Object::String(b, _) if b.starts_with(&[0xfe, 0xff]) => String::from_utf16_lossy(
            &b[2..]
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect::<Vec<_>>(),
        ),
        lopdf::Object::String(b, _) => String::from_utf8_lossy(b).into_owned(),
        o => panic!("{o:?}"),
    };
    assert_eq!(title, "Fish & Chips <for> \"Two\" 'ever'");
}

// ---------------------------------------------------------------------------
// Empty books and chapters

#[test]
fn a_book_without_chapters_is_an_error() {
    for manifest in [
        "title: Test\n",
        "title: Test\nchapters: []\n",
        "title: Test\nfront: [front/preface.md]\n",
    ] {
        build(&[
            text("book.yaml", manifest),
            text("front/preface.md", "# Preface\n\nText.\n"),
        ])
        .assert_error("E0013", "book.yaml:1:");
    }
}

#[test]
fn an_empty_chapter_is_a_warning_and_the_book_builds() {
    for empty in ["", "\n\n   \n", "<!-- only a comment -->\n"] {
        let run = build(&[
            text("chapters/01.md", "# One\n\nText.\n"),
            text("chapters/02-empty.md", empty),
        ]);
        run.assert_built();
        assert!(
            run.err.contains("warning[W0101]") && run.err.contains("02-empty.md"),
            "{empty:?}:\n{}",
            run.err
        );
        assert_all_xml(&run.epub());
        assert_is_pdf(&run);
    }
}

// ---------------------------------------------------------------------------
// Deep nesting

fn assert_deep_builds(md: &str, warns: bool) {
    let run = build_within(&[text("chapters/01.md", md)], |_| {}, 60);
    run.assert_built();
    if warns {
        assert!(
            run.err.contains("warning[W0105]") && run.err.contains("64 levels"),
            "{}",
            run.err
        );
    }
    let epub = run.epub();
    assert_all_xml(&epub);
    assert!(
        epub.visible_text("OEBPS/chapter-01.xhtml").contains("deep"),
        "the innermost text was lost"
    );
    assert_is_pdf(&run);
}

#[test]
fn ten_thousand_nested_block_quotes_build_both_editions_flattened() {
    assert_deep_builds(&format!("# Q\n\n{} deep\n", ">".repeat(10_000)), true);
}

#[test]
fn ten_thousand_nested_lists_build_both_editions_flattened() {
    assert_deep_builds(&format!("# L\n\n{}deep\n", "- ".repeat(10_000)), true);
    assert_deep_builds(&format!("# L\n\n{}deep\n", "1. ".repeat(10_000)), true);
    assert_deep_builds(&format!("# L\n\n{}deep\n", "> - ".repeat(5_000)), true);
}

#[test]
fn ten_thousand_nested_emphases_build_both_editions_flattened() {
    let md = format!("# E\n\n{}deep{}\n", "*".repeat(10_000), "*".repeat(10_000));
    assert_deep_builds(&md, true);
    let md = format!(
        "# E\n\n{}deep{}\n",
        "_a ".repeat(5_000),
        " a_".repeat(5_000)
    );
    assert_deep_builds(&md, true);
}

#[test]
fn ten_thousand_nested_brackets_build_both_editions() {
    let md = format!("# B\n\n{}deep{}\n", "[".repeat(10_000), "]".repeat(10_000));
    assert_deep_builds(&md, false);
}

#[test]
fn ten_thousand_nested_html_elements_build_both_editions_flattened() {
    let md = format!("# H\n\nText {}deep\n", "<span>".repeat(10_000));
    assert_deep_builds(&md, true);
    let md = format!("# H\n\n<div>\n{}deep\n", "<div>".repeat(10_000));
    assert_deep_builds(&md, true);
}

// ---------------------------------------------------------------------------
// Very long words

#[test]
fn a_200_character_word_is_laid_out_with_a_warning() {
    // No hyphenation pattern breaks a run of one letter.
    let md = format!(
        "# Long\n\nBefore the word {} and after it.\n",
        "x".repeat(200)
    );
    let run = build_within(&[text("chapters/01.md", &md)], |_| {}, 60);
    run.assert_built();
    assert!(run.err.contains("warning["), "no warning:\n{}", run.err);
    assert_all_xml(&run.epub());
    assert_is_pdf(&run);
}

fn megabyte_word() -> String {
    // Letters that look like a word to every stage (no hyphenation patterns match
    // a random run well), with no space anywhere.
    let mut s = String::with_capacity(1 << 20);
    let mut x: u32 = 1;
    while s.len() < 1 << 20 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        s.push((b'a' + ((x >> 16) % 26) as u8) as char);
    }
    format!("# Mega\n\n{s}\n")
}

#[test]
fn a_one_megabyte_paragraph_without_spaces_builds_the_epub_quickly() {
    let md = megabyte_word();
    let run = build_formats(&[text("chapters/01.md", &md)], |_| {}, "epub", 60);
    run.assert_built();
    assert_all_xml(&run.epub());
}

#[test]
fn a_one_megabyte_paragraph_without_spaces_builds_the_pdf_in_a_minute() {
    let md = megabyte_word();
    let run = build_formats(&[text("chapters/01.md", &md)], |_| {}, "pdf", 60);
    run.assert_built();
    assert!(run.err.contains("warning["), "no warning:\n{}", run.err);
}
