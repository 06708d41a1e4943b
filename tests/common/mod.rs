//! Helpers shared by the whole-book tests: build a book folder with the real
//! binary, open the EPUB it wrote, parse its XHTML.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const EPOCH: &str = "1795478400";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `bookbind ARGS` with a fixed SOURCE_DATE_EPOCH.
pub fn bookbind(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bookbind"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .expect("bookbind runs")
}

/// Builds the book in `book` (both editions) into `out`, asserts it succeeded, and
/// returns the run (for its warnings).
pub fn build_ok(book: &Path, out: &Path) -> Output {
    let o = bookbind(&[
        "build",
        book.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Copies a folder tree (for books a test may change).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Writes a small book: `files` are (relative path, content); book.yaml included.
pub fn write_book(dir: &Path, files: &[(&str, &str)]) {
    for (p, c) in files {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, c).unwrap();
    }
}

/// The files of an EPUB, by name.
pub struct Epub {
    pub files: BTreeMap<String, Vec<u8>>,
    pub order: Vec<String>,
}

impl Epub {
    pub fn open(path: &Path) -> Epub {
        let f =
            std::fs::File::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
        let mut z = zip::ZipArchive::new(f).expect("a zip file");
        let mut files = BTreeMap::new();
        let mut order = Vec::new();
        for i in 0..z.len() {
            let mut e = z.by_index(i).unwrap();
            let mut v = Vec::new();
            e.read_to_end(&mut v).unwrap();
            order.push(e.name().to_string());
            files.insert(e.name().to_string(), v);
        }
        Epub { files, order }
    }

    pub fn text(&self, name: &str) -> String {
        String::from_utf8(self.files[name].clone()).expect("UTF-8")
    }

    /// Content documents in spine order (from content.opf).
    pub fn spine(&self) -> Vec<String> {
        let opf = self.text("OEBPS/content.opf");
        let doc = parse_xml(&opf).expect("OPF is XML");
        let items: BTreeMap<String, String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("item"))
            .map(|n| {
                (
                    n.attribute("id").unwrap().to_string(),
                    n.attribute("href").unwrap().to_string(),
                )
            })
            .collect();
        doc.descendants()
            .filter(|n| n.has_tag_name("itemref"))
            .map(|n| format!("OEBPS/{}", items[n.attribute("idref").unwrap()]))
            .collect()
    }

    /// Visible text of a content document.
    pub fn visible_text(&self, name: &str) -> String {
        let src = self.text(name);
        let doc = parse_xml(&src).unwrap_or_else(|e| panic!("{name} is not XML: {e}"));
        let body = doc
            .descendants()
            .find(|n| n.has_tag_name("body"))
            .expect("body");
        let mut out = String::new();
        for n in body.descendants() {
            if n.is_text() {
                out.push_str(n.text().unwrap());
            } else if n.is_element()
                && matches!(
                    n.tag_name().name(),
                    "p" | "li" | "h1" | "h2" | "h3" | "br" | "figcaption"
                )
            {
                out.push(' ');
            }
        }
        out
    }

    /// (title, href) of every entry of the nav document's toc, in order.
    pub fn nav_entries(&self) -> Vec<(String, String)> {
        let src = self.text("OEBPS/nav.xhtml");
        let doc = parse_xml(&src).expect("nav is XML");
        let toc = doc
            .descendants()
            .find(|n| {
                n.has_tag_name("nav")
                    && n.attributes()
                        .any(|a| a.name() == "type" && a.value() == "toc")
            })
            .expect("toc nav");
        toc.descendants()
            .filter(|n| n.has_tag_name("a"))
            .map(|a| {
                let t: String = a
                    .descendants()
                    .filter(|n| n.is_text())
                    .map(|n| n.text().unwrap())
                    .collect();
                (t, a.attribute("href").unwrap().to_string())
            })
            .collect()
    }
}

/// Parses XML as an e-reader would: XHTML documents carry `<!DOCTYPE html>`.
pub fn parse_xml(text: &str) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
}

/// Straight quotes for comparing titles across smart punctuation.
pub fn plain_quotes(s: &str) -> String {
    s.replace(['\u{2019}', '\u{2018}'], "'")
        .replace(['\u{201c}', '\u{201d}'], "\"")
}

/// Lowercased words (letters and digits, inner apostrophes kept).
pub fn words(s: &str) -> Vec<String> {
    let s = plain_quotes(s).to_lowercase();
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let inner_apostrophe =
            c == '\'' && !cur.is_empty() && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        if c.is_alphanumeric() || inner_apostrophe {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A word as poppler sees it on the page: PDF page from 0, its box (x to the
/// right, y downwards from the page's top, in points) and its text.
#[derive(Debug, Clone)]
pub struct WordBox {
    pub page: usize,
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    pub text: String,
}

/// Every word of `pdf` with its box (`pdftotext -bbox`), or None without poppler
/// (said on stderr; a failure under `CI`, where poppler must be installed).
pub fn word_boxes(pdf: &Path) -> Option<Vec<WordBox>> {
    let o = match Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
    {
        Ok(o) => o,
        Err(_) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "pdftotext (poppler-utils) is needed under CI"
            );
            eprintln!("skipped: pdftotext is not installed (apt-get install poppler-utils)");
            return None;
        }
    };
    let html = String::from_utf8_lossy(&o.stdout).into_owned();
    let attr = |l: &str, name: &str| -> Option<f32> {
        let at = l.find(&format!("{name}=\""))? + name.len() + 2;
        l[at..].split('"').next()?.parse().ok()
    };
    let mut page = 0usize;
    let mut seen_page = false;
    let mut out = Vec::new();
    for l in html.lines() {
        if l.trim_start().starts_with("<page ") {
            if seen_page {
                page += 1;
            }
            seen_page = true;
        }
        let (Some(x0), Some(y0), Some(x1), Some(y1)) = (
            attr(l, "xMin"),
            attr(l, "yMin"),
            attr(l, "xMax"),
            attr(l, "yMax"),
        ) else {
            continue;
        };
        if let Some((_, t)) = l.rsplit_once("\">") {
            let text = t
                .trim_end_matches("</word>")
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'");
            out.push(WordBox {
                page,
                x0,
                y0,
                x1,
                y1,
                text,
            });
        }
    }
    Some(out)
}

/// Words grouped into lines: same page, baselines (box bottoms) within a point,
/// left to right, in reading order down the page.
pub fn lines_of(words: &[WordBox]) -> Vec<Vec<WordBox>> {
    let mut sorted: Vec<&WordBox> = words.iter().collect();
    sorted.sort_by(|a, b| {
        (a.page, a.y1)
            .partial_cmp(&(b.page, b.y1))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut lines: Vec<Vec<WordBox>> = Vec::new();
    for w in sorted {
        match lines.last_mut() {
            Some(l) if l[0].page == w.page && (l[0].y1 - w.y1).abs() < 1.0 => l.push(w.clone()),
            _ => lines.push(vec![w.clone()]),
        }
    }
    for l in &mut lines {
        l.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    }
    lines
}
