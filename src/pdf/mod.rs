//! The print edition's file: serialises a laid-out [`Document`] (from `typeset`) as
//! PDF, and nothing else. Knows neither the model nor how the pages were laid out:
//! everything it writes, font files included, comes in the document.
//!
//! Must not lay out, shape or move anything: every glyph lands where the typesetter put it.
//! Reads no files and no clock, and draws no random numbers, so identical input gives
//! identical bytes (dates come from `doc.info.date`).
//!
//! The file is built directly with lopdf, the object layer printpdf itself writes
//! through. printpdf 0.12.8 without its layout features embeds whole fonts (its
//! `subset_fonts` is ignored), flattens and re-sorts bookmarks, has no /PageLabels or
//! /Lang, and draws its file /ID from a process-wide counter, so two writes of one
//! document differ. krilla 0.8, tried in its place in a spike, wrote a book twice as
//! slowly, cannot draw pages in parallel, and made larger files.
//!
//! [`write()`] is the recipe; each PDF concern is one file:
//!
//! 1. `check.rs` rejects numbers and references a PDF cannot carry;
//! 2. `fonts.rs` finds the glyphs each face uses and the text each stands for, subsets
//!    each face with `subsetter` and writes it as a Type0 font with a ToUnicode map;
//! 3. `images.rs` writes the pictures as image XObjects, and drawings as form
//!    XObjects copied from the file `typeset` made of each;
//! 4. `pages.rs` draws the pages on as many threads as there are cores (their streams
//!    written by `content.rs`: text with `TJ`, rules with `S`, images with `Do`) and
//!    adds them in page order;
//! 5. `outline.rs` (bookmarks, link annotations, destinations) and `metadata.rs`
//!    (catalog, page labels, Info, XMP) complete the file's objects;
//! 6. `finish.rs` compresses and serializes, with an /ID hashed from the content.

mod check;
mod content;
mod finish;
mod fonts;
mod images;
mod metadata;
mod outline;
mod pages;
#[cfg(test)]
mod sample;

use crate::typeset::doc::{Document, Pt};

use check::check;
use finish::finish;
use fonts::embed_fonts;
use images::embed_images;
use metadata::write_catalog;
use outline::write_outline;
use pages::write_pages;
pub use pages::StreamCache;

/// Why a document could not be written. The layout engine produced something a PDF
/// cannot carry, or a font could not be read or subset.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    #[error("the document has no pages")]
    NoPages,
    #[error("page {page}: {what} is {value}, which a PDF cannot use")]
    BadNumber {
        page: usize,
        what: &'static str,
        value: Pt,
    },
    #[error("page {page}: a text run uses font face {face}, but only {faces} faces were given")]
    UnknownFace {
        page: usize,
        face: usize,
        faces: usize,
    },
    #[error("{what} points to page {target}, but the document has {pages} pages")]
    TargetPage {
        what: &'static str,
        target: usize,
        pages: usize,
    },
    #[error("page label range {index} (starting at page {start}) {reason}")]
    Labels {
        index: usize,
        start: usize,
        reason: &'static str,
    },
    #[error("font face {face} ({name}) cannot be read: {reason}")]
    Font {
        face: usize,
        name: String,
        reason: String,
    },
    #[error("font face {face} ({name}) has no glyph {glyph}: it has {count} glyphs")]
    MissingGlyph {
        face: usize,
        name: String,
        glyph: u16,
        count: u16,
    },
    #[error("font face {face} ({name}) cannot be subset: {source}")]
    Subset {
        face: usize,
        name: String,
        #[source]
        source: subsetter::Error,
    },
    #[error("picture {index} cannot be embedded: {reason}")]
    Picture { index: usize, reason: String },
    #[error("the PDF could not be serialized: {0}")]
    Serialize(String),
}

/// Writes `doc` as a PDF. Deterministic: identical input gives identical bytes (no clock,
/// no random ids; dates from `doc.info.date`).
pub fn write(doc: &Document) -> Result<Vec<u8>, WriteError> {
    write_with(doc, None)
}

/// `write`, taking each page's compressed stream from `cache` when the page
/// draws to the same bytes as in an earlier write (`watch`), and leaving this
/// write's there. The same bytes as `write`.
pub fn write_with(doc: &Document, cache: Option<&mut StreamCache>) -> Result<Vec<u8>, WriteError> {
    write_document(std::borrow::Cow::Borrowed(doc), cache)
}

/// `write_with` for a caller done with the document: each page's drawing is
/// freed as soon as the page is drawn, so that a long book's placed glyphs (most
/// of what it holds at that point) are not kept while the file is finished.
/// The same bytes as `write_with`.
pub fn write_owned(doc: Document, cache: Option<&mut StreamCache>) -> Result<Vec<u8>, WriteError> {
    write_document(std::borrow::Cow::Owned(doc), cache)
}

fn write_document(
    mut doc: std::borrow::Cow<'_, Document>,
    cache: Option<&mut StreamCache>,
) -> Result<Vec<u8>, WriteError> {
    let mut cache = cache;
    // Each page's fingerprint, once, for what a rebuild reuses (`watch`): the
    // check of pages checked before, and the drawing of pages drawn before.
    let prints: Option<Vec<u128>> = cache.as_ref().map(|_| {
        use rayon::prelude::*;
        doc.pages
            .par_iter()
            .map(|p| crate::typeset::doc::fingerprint(&p.items))
            .collect()
    });
    let known = prints.as_deref().zip(cache.as_deref_mut());
    check(&doc, known.map(|(p, c)| (p, &mut c.checked)))?;
    // PDF/X-1a:2003 is based on PDF 1.4 (ISO 15930-4); nothing else changes with it.
    let version = if doc.print.pdfx { "1.4" } else { "1.7" };
    let mut pdf = lopdf::Document::with_version(version);
    // Fonts first: the content streams need each face's subset glyph ids and widths.
    let usage = prints.as_deref().zip(cache.as_deref_mut());
    let fonts = embed_fonts(&mut pdf, &doc, usage.map(|(p, c)| (p, &mut c.usage)))?;
    let images = embed_images(&mut pdf, &doc)?;
    let pages = write_pages(
        &mut pdf,
        &mut doc,
        &fonts,
        &images,
        cache.zip(prints.as_deref()),
    );
    let outlines = write_outline(&mut pdf, &doc, &pages.kids);
    write_catalog(&mut pdf, &doc, pages.id, outlines);
    finish(pdf)
}

#[cfg(test)]
mod tests {
    use crate::pdf::sample::*;
    use std::process::Command;

    #[test]
    fn a_document_written_owned_gives_the_same_bytes_as_one_borrowed() {
        let Some(data) = font_data() else { return };
        let doc = sample(data);
        let borrowed = crate::pdf::write(&doc).expect("writes");
        let owned = crate::pdf::write_owned(doc, None).expect("writes");
        assert!(borrowed == owned, "the owned document writes other bytes");
    }

    #[test]
    fn qpdf_accepts_the_file_and_poppler_reads_the_words_back() {
        let Some(data) = font_data() else { return };
        let tools = ["qpdf", "pdftotext", "pdffonts"];
        if let Some(missing) = tools
            .iter()
            .find(|t| Command::new(t).arg("--version").output().is_err())
        {
            eprintln!("skipped: {missing} is not installed (apt-get install qpdf poppler-utils)");
            return;
        }
        let (_, bytes, _) = written(data);
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sample.pdf");
        std::fs::write(&path, &bytes).expect("write temp file");

        let qpdf = Command::new("qpdf")
            .arg("--check")
            .arg(&path)
            .output()
            .expect("qpdf runs");
        let report = String::from_utf8_lossy(&qpdf.stdout);
        assert!(
            qpdf.status.code() == Some(0),
            "qpdf --check: {report}{}",
            String::from_utf8_lossy(&qpdf.stderr)
        );

        let text = Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext runs");
        let text = String::from_utf8_lossy(&text.stdout);
        for words in [
            "Contents (draft) fine coffee",
            "café",
            "E = mc2",
            "Second page here",
        ] {
            assert!(text.contains(words), "{words:?} not in {text:?}");
        }

        let fonts = Command::new("pdffonts")
            .arg(&path)
            .output()
            .expect("pdffonts runs");
        let fonts = String::from_utf8_lossy(&fonts.stdout);
        let row = fonts
            .lines()
            .find(|l| l.contains("+DejaVuSans"))
            .unwrap_or_else(|| panic!("{fonts}"));
        let columns: Vec<&str> = row.split_whitespace().collect();
        // name type… encoding emb sub uni object generation
        assert_eq!(
            columns[columns.len() - 5..columns.len() - 2],
            ["yes", "yes", "yes"],
            "{row}"
        );
    }
}
