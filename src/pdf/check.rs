//! Rejects what a PDF cannot carry, before anything is written: no pages, non-finite or
//! non-positive sizes, runs in faces the document does not carry, links and outline
//! entries to missing pages, page labels out of order.
//!
//! Reads the document only, and corrects nothing.

use super::WriteError;
use crate::typeset::doc::{Document, Item, LinkTarget, Pt};

/// Rejects what a PDF cannot carry: no pages, non-finite or non-positive sizes, unknown
/// faces, links and outline entries to missing pages, page labels out of order.
pub(super) fn check(doc: &Document) -> Result<(), WriteError> {
    let pages = doc.pages.len();
    let faces = doc.faces.len();
    if pages == 0 {
        return Err(WriteError::NoPages);
    }
    for (index, page) in doc.pages.iter().enumerate() {
        let bad = |what, value| WriteError::BadNumber {
            page: index,
            what,
            value,
        };
        let finite = |what, value: Pt| {
            if value.is_finite() {
                Ok(())
            } else {
                Err(bad(what, value))
            }
        };
        let positive = |what, value: Pt| {
            if value.is_finite() && value > 0.0 {
                Ok(())
            } else {
                Err(bad(what, value))
            }
        };
        positive("the page width", page.width)?;
        positive("the page height", page.height)?;
        for item in &page.items {
            match item {
                Item::Text(run) => {
                    if run.face.0 >= faces {
                        return Err(WriteError::UnknownFace {
                            page: index,
                            face: run.face.0,
                            faces,
                        });
                    }
                    positive("a font size", run.size)?;
                    finite("a text run's x", run.x)?;
                    finite("a text run's y", run.y)?;
                    for glyph in &run.glyphs {
                        finite("a glyph's dx", glyph.dx)?;
                        finite("a glyph's dy", glyph.dy)?;
                    }
                }
                Item::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                } => {
                    for value in [*x1, *y1, *x2, *y2] {
                        finite("a line end", value)?;
                    }
                    if !(width.is_finite() && *width >= 0.0) {
                        return Err(bad("a line width", *width));
                    }
                }
                Item::Link { rect, target } => {
                    for value in [rect.x, rect.y, rect.width, rect.height] {
                        finite("a link rectangle", value)?;
                    }
                    if let LinkTarget::Page { page, y } = target {
                        if *page >= pages {
                            return Err(WriteError::TargetPage {
                                what: "a link",
                                target: *page,
                                pages,
                            });
                        }
                        finite("a link target's y", *y)?;
                    }
                }
                Item::Image { image, rect } => {
                    for value in [rect.x, rect.y, rect.width, rect.height] {
                        finite("an image rectangle", value)?;
                    }
                    if *image >= doc.images.len() {
                        return Err(WriteError::Serialize(format!(
                            "image {image} does not exist"
                        )));
                    }
                }
            }
        }
    }
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
    let mut previous: Option<usize> = None;
    for (index, range) in doc.labels.iter().enumerate() {
        let error = |reason| WriteError::Labels {
            index,
            start: range.start,
            reason,
        };
        if range.start >= pages {
            return Err(error("starts after the last page"));
        }
        if previous.is_some_and(|p| range.start <= p) {
            return Err(error("does not start after the range before it"));
        }
        previous = Some(range.start);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::sample::*;
    use crate::pdf::write;
    use crate::typeset::doc::{FaceId, Rect};

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

    #[test]
    fn a_document_without_pages_is_an_error() {
        let error = write(&Document::default()).expect_err("no pages");
        assert!(matches!(error, WriteError::NoPages));
    }
}
