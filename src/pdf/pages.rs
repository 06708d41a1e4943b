//! The pages: each drawn on its own thread (its content stream, compressed there, and
//! its link annotations), then added to the file in page order, so that objects and
//! ids are the same whatever the number of threads.

use std::collections::BTreeMap;

use lopdf::{dictionary, Dictionary, Object, ObjectId, Stream, StringFormat};

use super::content::{draw_run, Ops};
use super::finish::deflate;
use super::fonts::EmbeddedFace;
use super::outline::{destination, rect_array, uri_bytes};
use crate::typeset::doc::{Item, LinkTarget};

/// One page's drawing, made apart from the lopdf document so that pages can be made
/// on several threads: the content stream (compressed when that is smaller) and the
/// link annotations.
pub(super) struct PageContent {
    stream: Vec<u8>,
    compressed: bool,
    annots: Vec<Dictionary>,
}

/// Draws one page: text with `TJ`, rules with `S`, images with `Do`, links as
/// annotations. The content stream is written as bytes directly (no lopdf operation
/// objects: a thousand-page book has millions of glyphs) and compressed here, on the
/// page's thread.
pub(super) fn page_content(
    page: &crate::typeset::doc::Page,
    index: usize,
    page_ids: &[ObjectId],
    fonts: &BTreeMap<usize, EmbeddedFace>,
) -> PageContent {
    let mut out = Ops::default();
    let mut annots = Vec::new();
    for item in &page.items {
        match item {
            Item::Text(run) => {
                // Runs without glyphs used no face, so none was embedded for them.
                if let Some(face) = fonts.get(&run.face.0) {
                    draw_run(run, face, &mut out);
                }
            }
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                width,
            } => {
                out.num(*width);
                out.op("w");
                out.num(*x1);
                out.num(*y1);
                out.op("m");
                out.num(*x2);
                out.num(*y2);
                out.op("l");
                out.op("S");
            }
            Item::Image { image, rect } => {
                out.op("q");
                out.num(rect.width);
                out.raw(b"0 0 ");
                out.num(rect.height);
                out.num(rect.x);
                out.num(rect.y);
                out.op("cm");
                out.raw(format!("/Im{image} ").as_bytes());
                out.op("Do");
                out.op("Q");
            }
            Item::Link { rect, target } => {
                let mut annot = dictionary! {
                    "Type" => "Annot",
                    "Subtype" => "Link",
                    "Rect" => rect_array(rect),
                    "Border" => vec![0.into(), 0.into(), 0.into()],
                    "F" => 4,
                    "P" => page_ids[index],
                };
                match target {
                    LinkTarget::Uri(uri) => annot.set(
                        "A",
                        dictionary! {
                            "S" => "URI",
                            "URI" => Object::String(uri_bytes(uri), StringFormat::Literal),
                        },
                    ),
                    LinkTarget::Page { page, y } => {
                        annot.set("Dest", destination(page_ids[*page], *y))
                    }
                }
                annots.push(annot);
            }
        }
    }
    let content = out.0;
    let (stream, compressed) = match deflate(&content) {
        Some(data) if data.len() < content.len() => (data, true),
        _ => (content, false),
    };
    PageContent {
        stream,
        compressed,
        annots,
    }
}

/// Adds one page's objects: its link annotations, its content stream, the page.
pub(super) fn add_page(
    pdf: &mut lopdf::Document,
    page: &crate::typeset::doc::Page,
    content: PageContent,
    page_id: ObjectId,
    pages_id: ObjectId,
    resources_id: ObjectId,
) {
    let annots: Vec<Object> = content
        .annots
        .into_iter()
        .map(|a| Object::Reference(pdf.add_object(a)))
        .collect();
    let mut stream_dict = Dictionary::new();
    if content.compressed {
        stream_dict.set("Filter", "FlateDecode");
    }
    let contents_id = pdf.add_object(Stream::new(stream_dict, content.stream));
    let box_ = vec![
        0.into(),
        0.into(),
        Object::Real(page.width),
        Object::Real(page.height),
    ];
    let mut dict = dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => box_.clone(),
        "TrimBox" => box_,
        "Resources" => resources_id,
        "Contents" => contents_id,
    };
    if !annots.is_empty() {
        dict.set("Annots", annots);
    }
    pdf.set_object(page_id, dict);
}

#[cfg(test)]
mod tests {
    use crate::pdf::sample::*;

    #[test]
    fn every_page_has_its_media_box_and_trim_box() {
        let Some(data) = font_data() else { return };
        let (_, _, pdf) = written(data);
        let pages = pdf.get_pages();
        assert_eq!(pages.len(), 2);
        for id in pages.values() {
            let page = pdf.get_dictionary(*id).expect("page");
            for key in ["MediaBox", "TrimBox"] {
                let values: Vec<f32> = get(&pdf, page, key)
                    .as_array()
                    .expect("box array")
                    .iter()
                    .map(number)
                    .collect();
                assert_eq!(values, [0.0, 0.0, 432.0, 648.0], "{key}");
            }
        }
    }
}
