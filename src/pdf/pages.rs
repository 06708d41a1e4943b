//! The pages: the resources they share, each page drawn on its own thread (its
//! content stream, compressed there, and its link annotations), then added to the file
//! in page order with the page tree, so that objects and ids are the same whatever the
//! number of threads.

use std::collections::BTreeMap;

use lopdf::{dictionary, Dictionary, Object, ObjectId, Stream};
use rayon::prelude::*;

use super::content::{draw_image, draw_line, draw_rect, draw_run, Ops};
use super::finish::deflate;
use super::fonts::EmbeddedFace;
use super::images::image_name;
use super::outline::link_annotation;
use crate::typeset::doc::{Document, Item, Page};

/// The page tree's id, and each page's in page order (what links and the outline
/// point at).
pub(super) struct PageTree {
    pub(super) id: ObjectId,
    pub(super) kids: Vec<ObjectId>,
}

/// Adds the shared resources, then every page, then the page tree.
pub(super) fn write_pages(
    pdf: &mut lopdf::Document,
    doc: &Document,
    fonts: &BTreeMap<usize, EmbeddedFace>,
    images: &[ObjectId],
) -> PageTree {
    let resources_id = pdf.add_object(resources(fonts, images));
    let pages_id = pdf.new_object_id();
    let page_ids: Vec<ObjectId> = doc.pages.iter().map(|_| pdf.new_object_id()).collect();
    // Pages are drawn and compressed in parallel, then added in order: the same
    // objects and ids whatever the number of threads.
    let contents: Vec<PageContent> = doc
        .pages
        .par_iter()
        .enumerate()
        .map(|(index, page)| page_content(page, index, &page_ids, fonts))
        .collect();
    for ((page, content), &page_id) in doc.pages.iter().zip(contents).zip(&page_ids) {
        add_page(pdf, page, content, page_id, pages_id, resources_id);
    }
    pdf.set_object(
        pages_id,
        dictionary! {
            "Type" => "Pages",
            "Kids" => page_ids.iter().map(|id| Object::Reference(*id)).collect::<Vec<_>>(),
            "Count" => page_ids.len() as i64,
        },
    );
    PageTree {
        id: pages_id,
        kids: page_ids,
    }
}

/// The one resource dictionary every page uses: the embedded fonts by resource name,
/// and the images, if any.
fn resources(fonts: &BTreeMap<usize, EmbeddedFace>, images: &[ObjectId]) -> Dictionary {
    let mut font_resources = Dictionary::new();
    for embedded in fonts.values() {
        font_resources.set(
            embedded.resource.clone(),
            Object::Reference(embedded.font_id),
        );
    }
    let mut resources = dictionary! { "Font" => font_resources };
    if !images.is_empty() {
        let mut xobjects = Dictionary::new();
        for (i, &id) in images.iter().enumerate() {
            xobjects.set(image_name(i), Object::Reference(id));
        }
        resources.set("XObject", xobjects);
    }
    resources
}

/// One page's drawing, made apart from the lopdf document so that pages can be made
/// on several threads: the content stream (compressed when that is smaller) and the
/// link annotations.
struct PageContent {
    stream: Vec<u8>,
    compressed: bool,
    annots: Vec<Dictionary>,
}

/// Draws one page: text with `TJ`, rules with `S`, images with `Do`, links as
/// annotations. The content stream is written as bytes directly (no lopdf operation
/// objects: a thousand-page book has millions of glyphs) and compressed here, on the
/// page's thread.
fn page_content(
    page: &Page,
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
            } => draw_line((*x1, *y1), (*x2, *y2), *width, &mut out),
            Item::Image { image, rect } => draw_image(*image, rect, &mut out),
            Item::Rect { rect, fill, stroke } => draw_rect(rect, *fill, *stroke, &mut out),
            Item::Link { rect, target } => {
                annots.push(link_annotation(rect, target, page_ids[index], page_ids));
            }
        }
    }
    let content = out.into_bytes();
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
fn add_page(
    pdf: &mut lopdf::Document,
    page: &Page,
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
