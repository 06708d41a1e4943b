//! Rejects what a PDF cannot carry, before anything is written: no pages, non-finite or
//! non-positive sizes, runs in faces the document does not carry, links and outline
//! entries to missing pages, page labels out of order.
//!
//! Reads the document only, and corrects nothing.

use std::collections::HashSet;

use super::WriteError;
use crate::typeset::doc::{Document, Item, LinkTarget, Page, Pt, Rect, TextRun};

/// Rejects what a PDF cannot carry: no pages, non-finite or non-positive sizes, unknown
/// faces, links and outline entries to missing pages, page labels out of order. The
/// first fault found, in page order, is the one reported.
///
/// With `known` (a rebuild: each page's fingerprint, and the keys of the pages
/// the last write's check passed), a page already passed is not read again, and
/// the keys of this document's pages are left there once it passes.
pub(super) fn check(
    doc: &Document,
    known: Option<(&[u128], &mut HashSet<u128>)>,
) -> Result<(), WriteError> {
    if doc.pages.is_empty() {
        return Err(WriteError::NoPages);
    }
    let (prints, passed) = match known {
        Some((p, c)) => (Some(p), Some(c)),
        None => (None, None),
    };
    let keys: Option<Vec<u128>> = prints.map(|p| {
        doc.pages
            .iter()
            .zip(p)
            .map(|(page, &f)| page_key(doc, page, f))
            .collect()
    });
    // Every glyph is read: on every core, the first fault in page order kept.
    use rayon::prelude::*;
    let before = passed.as_deref();
    let fault = doc
        .pages
        .par_iter()
        .enumerate()
        .map(|(index, page)| {
            let key = keys.as_ref().map(|k| k[index]);
            if key.zip(before).is_some_and(|(k, b)| b.contains(&k)) {
                return Ok(());
            }
            check_page(doc, PageCheck { page: index }, page)
        })
        .find_first(Result::is_err);
    if let Some(fault) = fault {
        fault?;
    }
    check_outline(doc)?;
    check_labels(doc)?;
    if let (Some(passed), Some(keys)) = (passed, keys) {
        *passed = keys.into_iter().collect();
    }
    Ok(())
}

/// What a page's check reads: its items (their fingerprint), its size, and the
/// document's numbers of faces, pictures and pages.
fn page_key(doc: &Document, page: &Page, items: u128) -> u128 {
    let mut b = Vec::with_capacity(48);
    b.extend_from_slice(&items.to_le_bytes());
    for v in [page.width, page.height] {
        b.extend_from_slice(&v.to_bits().to_le_bytes());
    }
    for n in [doc.faces.len(), doc.images.len(), doc.pages.len()] {
        b.extend_from_slice(&(n as u64).to_le_bytes());
    }
    xxhash_rust::xxh3::xxh3_128(&b)
}

/// One page's size and items.
fn check_page(doc: &Document, at: PageCheck, page: &Page) -> Result<(), WriteError> {
    at.positive("the page width", page.width)?;
    at.positive("the page height", page.height)?;
    for item in &page.items {
        match item {
            Item::Text(run) => check_run(at, run, doc.faces.len())?,
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                width,
            } => {
                for value in [*x1, *y1, *x2, *y2] {
                    at.finite("a line end", value)?;
                }
                if !(width.is_finite() && *width >= 0.0) {
                    return Err(at.bad("a line width", *width));
                }
            }
            Item::Link { rect, target } => check_link(at, rect, target, doc.pages.len())?,
            Item::Rect { rect, stroke, .. } => {
                at.finite_rect("a rectangle", rect)?;
                if let Some((_, width)) = stroke {
                    if !(width.is_finite() && *width >= 0.0) {
                        return Err(at.bad("a frame's line width", *width));
                    }
                }
            }
            Item::Image { image, rect } => {
                at.finite_rect("an image rectangle", rect)?;
                if *image >= doc.images.len() {
                    return Err(WriteError::Serialize(format!(
                        "image {image} does not exist"
                    )));
                }
            }
        }
    }
    Ok(())
}

/// A text run: a face the document carries, a positive size, finite positions.
fn check_run(at: PageCheck, run: &TextRun, faces: usize) -> Result<(), WriteError> {
    if run.face.0 >= faces {
        return Err(WriteError::UnknownFace {
            page: at.page,
            face: run.face.0,
            faces,
        });
    }
    at.positive("a font size", run.size)?;
    at.finite("a text run's x", run.x)?;
    at.finite("a text run's y", run.y)?;
    for glyph in &run.glyphs {
        at.finite("a glyph's dx", glyph.dx)?;
        at.finite("a glyph's dy", glyph.dy.pt())?;
    }
    Ok(())
}

/// A link: a finite rectangle, and a target page that exists.
fn check_link(
    at: PageCheck,
    rect: &Rect,
    target: &LinkTarget,
    pages: usize,
) -> Result<(), WriteError> {
    at.finite_rect("a link rectangle", rect)?;
    if let LinkTarget::Page { page, y } = target {
        if *page >= pages {
            return Err(WriteError::TargetPage {
                what: "a link",
                target: *page,
                pages,
            });
        }
        at.finite("a link target's y", *y)?;
    }
    Ok(())
}

/// Outline entries: each to a page that exists, at a finite height.
fn check_outline(doc: &Document) -> Result<(), WriteError> {
    let pages = doc.pages.len();
    for entry in &doc.outline {
        if entry.page >= pages {
            return Err(WriteError::TargetPage {
                what: "an outline entry",
                target: entry.page,
                pages,
            });
        }
        if !entry.y.is_finite() {
            return Err(WriteError::BadNumber {
                page: entry.page,
                what: "an outline entry's y",
                value: entry.y,
            });
        }
    }
    Ok(())
}

/// Page label ranges: each starts on a page that exists, after the range before it.
fn check_labels(doc: &Document) -> Result<(), WriteError> {
    let mut previous: Option<usize> = None;
    for (index, range) in doc.labels.iter().enumerate() {
        let error = |reason| WriteError::Labels {
            index,
            start: range.start,
            reason,
        };
        if range.start >= doc.pages.len() {
            return Err(error("starts after the last page"));
        }
        if previous.is_some_and(|p| range.start <= p) {
            return Err(error("does not start after the range before it"));
        }
        previous = Some(range.start);
    }
    Ok(())
}

/// The numbers of one page, checked with its index at hand for the error.
#[derive(Debug, Clone, Copy)]
struct PageCheck {
    page: usize,
}

impl PageCheck {
    fn bad(self, what: &'static str, value: Pt) -> WriteError {
        WriteError::BadNumber {
            page: self.page,
            what,
            value,
        }
    }

    fn finite(self, what: &'static str, value: Pt) -> Result<(), WriteError> {
        if value.is_finite() {
            Ok(())
        } else {
            Err(self.bad(what, value))
        }
    }

    fn positive(self, what: &'static str, value: Pt) -> Result<(), WriteError> {
        if value.is_finite() && value > 0.0 {
            Ok(())
        } else {
            Err(self.bad(what, value))
        }
    }

    fn finite_rect(self, what: &'static str, rect: &Rect) -> Result<(), WriteError> {
        for value in [rect.x, rect.y, rect.width, rect.height] {
            self.finite(what, value)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::sample::*;
    use crate::pdf::write;
    use crate::typeset::doc::{FaceId, LabelRange, LabelStyle, OutlineEntry};

    #[test]
    fn a_run_in_an_unknown_face_is_an_error() {
        let Some(data) = font_data() else { return };
        let mut doc = sample(data);
        if let Some(Item::Text(run)) = doc.pages[0].items.first_mut() {
            run.face = FaceId(3);
        }
        let error = write(&doc).expect_err("face 3 does not exist");
        assert!(
            matches!(
                error,
                WriteError::UnknownFace {
                    face: 3,
                    faces: 1,
                    ..
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn a_link_to_a_missing_page_is_an_error() {
        let Some(data) = font_data() else { return };
        let mut doc = sample(data);
        doc.pages[0].items.push(Item::Link {
            rect: Rect {
                x: 0.0,
                y: 0.0,
                width: 1.0,
                height: 1.0,
            },
            target: LinkTarget::Page { page: 9, y: 0.0 },
        });
        let error = write(&doc).expect_err("page 9 does not exist");
        assert!(
            matches!(
                error,
                WriteError::TargetPage {
                    target: 9,
                    pages: 2,
                    ..
                }
            ),
            "{error}"
        );
    }

    /// A rule `width` wide from (0, 0) to (1, 1).
    fn line(width: f32) -> Item {
        Item::Line {
            x1: 0.0,
            y1: 0.0,
            x2: 1.0,
            y2: 1.0,
            width,
        }
    }

    #[test]
    fn a_rebuild_reads_again_only_the_pages_whose_check_it_has_not_passed() {
        use crate::typeset::doc::fingerprint;
        let doc = |width: f32, items: Vec<Item>| Document {
            pages: vec![Page {
                width,
                height: 648.0,
                items,
            }],
            ..Document::default()
        };
        let prints =
            |d: &Document| -> Vec<u128> { d.pages.iter().map(|p| fingerprint(&p.items)).collect() };
        let mut passed = std::collections::HashSet::new();
        let good = doc(432.0, vec![line(1.0)]);
        check(&good, Some((&prints(&good), &mut passed))).expect("passes");
        assert_eq!(passed.len(), 1);
        // A page passed before is not read again: given its fingerprint for
        // other items, the fault in them goes unseen (the key is all it trusts).
        let bad = doc(432.0, vec![line(-1.0)]);
        check(&bad, Some((&prints(&good), &mut passed))).expect("taken as passed");
        // Its own fingerprint, or another size, and it is read: the fault is found,
        // and the keys of the pages passed before are kept.
        assert!(check(&bad, Some((&prints(&bad), &mut passed))).is_err());
        let narrow = doc(0.0, vec![line(1.0)]);
        assert!(check(&narrow, Some((&prints(&narrow), &mut passed))).is_err());
        assert_eq!(passed.len(), 1);
    }

    #[test]
    fn a_document_without_pages_is_an_error() {
        let error = write(&Document::default()).expect_err("no pages");
        assert!(matches!(error, WriteError::NoPages));
    }

    #[test]
    fn each_number_and_reference_a_pdf_cannot_carry_is_named() {
        let page = |items: Vec<Item>| Page {
            width: 432.0,
            height: 648.0,
            items,
        };
        let one_page = |items| Document {
            pages: vec![page(items)],
            ..Document::default()
        };
        let rect = Rect {
            x: 0.0,
            y: 0.0,
            width: 10.0,
            height: f32::NAN,
        };
        let mut wide = one_page(vec![]);
        wide.pages[0].width = 0.0;
        let mut outline = one_page(vec![]);
        outline.outline.push(OutlineEntry {
            title: "Gone".to_string(),
            level: 1,
            page: 1,
            y: 0.0,
        });
        let mut labels = one_page(vec![]);
        let range = |start| LabelRange {
            start,
            style: LabelStyle::Decimal,
            first: 1,
        };
        labels.pages.push(page(vec![]));
        labels.labels = vec![range(1), range(1)];
        let cases = [
            (wide, "page 0: the page width is 0"),
            (one_page(vec![line(-1.0)]), "page 0: a line width is -1"),
            (
                one_page(vec![Item::Image { image: 0, rect }]),
                "page 0: an image rectangle is NaN",
            ),
            (
                one_page(vec![Item::Image {
                    image: 2,
                    rect: Rect {
                        height: 1.0,
                        ..rect
                    },
                }]),
                "image 2 does not exist",
            ),
            (outline, "an outline entry points to page 1"),
            (
                labels,
                "page label range 1 (starting at page 1) does not start",
            ),
        ];
        for (doc, want) in cases {
            let error = check(&doc, None).expect_err(want).to_string();
            assert!(error.contains(want), "{error:?} does not say {want:?}");
        }
    }
}
