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
use crate::typeset::doc::{Document, Edges, Item, Page};

/// The page tree's id, and each page's in page order (what links and the outline
/// point at).
pub(super) struct PageTree {
    pub(super) id: ObjectId,
    pub(super) kids: Vec<ObjectId>,
}

/// Pages drawn by an earlier write (`watch`): each page's content stream, as
/// written (compressed or not), by the page's key (`page_key`: its items, the
/// embedded fonts' codes and widths, its bleed), so that a page whose items are
/// unchanged is neither drawn nor compressed again. Holds one document's pages.
#[derive(Default)]
pub struct StreamCache {
    drawn: std::collections::HashMap<u128, (Vec<u8>, bool)>,
    /// The pages the last write's check passed, by `check::page_key`.
    pub(super) checked: std::collections::HashSet<u128>,
    /// What each page of the last write drew with each face, by its fingerprint.
    pub(super) usage: super::fonts::KeptUsage,
    /// Pages drawn, and pages reused, by the last write.
    pub drawn_pages: usize,
    pub reused_pages: usize,
}

/// What every page's content stream depends on besides its own items: each
/// embedded face's resource name, synthetic style, codes, widths and texts.
fn fonts_key(fonts: &BTreeMap<usize, EmbeddedFace>) -> u128 {
    let mut b = Vec::new();
    for (k, face) in fonts {
        b.extend_from_slice(&(*k as u64).to_le_bytes());
        face.key_into(&mut b);
    }
    xxhash_rust::xxh3::xxh3_128(&b)
}

/// A page's key: its items' fingerprint (`doc::fingerprint`), the fonts' key,
/// its bleed.
fn page_key(items: u128, fonts: u128, bleed: Edges) -> u128 {
    let mut b = Vec::with_capacity(48);
    b.extend_from_slice(&items.to_le_bytes());
    b.extend_from_slice(&fonts.to_le_bytes());
    for v in [bleed.left, bleed.right, bleed.top, bleed.bottom] {
        b.extend_from_slice(&v.to_bits().to_le_bytes());
    }
    xxhash_rust::xxh3::xxh3_128(&b)
}

/// The document's pages are drawn from `doc`; when it is owned, each page's
/// items are freed once drawn (`write_owned`).
pub(super) fn write_pages(
    pdf: &mut lopdf::Document,
    doc: &mut std::borrow::Cow<'_, Document>,
    fonts: &BTreeMap<usize, EmbeddedFace>,
    images: &[ObjectId],
    cache: Option<(&mut StreamCache, &[u128])>,
) -> PageTree {
    let (cache, prints) = match cache {
        Some((c, p)) => (Some(c), p),
        None => (None, &[][..]),
    };
    let resources_id = pdf.add_object(resources(fonts, images));
    let pages_id = pdf.new_object_id();
    let page_ids: Vec<ObjectId> = doc.pages.iter().map(|_| pdf.new_object_id()).collect();
    // Pages are drawn and compressed in parallel, then added in order: the same
    // objects and ids whatever the number of threads.
    let earlier = cache.as_deref().map(|c| (c, fonts_key(fonts)));
    let bleeds: Vec<Edges> = (0..doc.pages.len()).map(|i| bleed(doc, i)).collect();
    let contents: Vec<(PageContent, Option<u128>)> = match doc {
        std::borrow::Cow::Borrowed(d) => d
            .pages
            .par_iter()
            .enumerate()
            .map(|(index, page)| {
                let earlier = earlier.map(|(c, f)| (c, f, prints[index]));
                page_content(page, index, &page_ids, fonts, bleeds[index], earlier)
            })
            .collect(),
        std::borrow::Cow::Owned(d) => d
            .pages
            .par_iter_mut()
            .enumerate()
            .map(|(index, page)| {
                let earlier = earlier.map(|(c, f)| (c, f, prints[index]));
                let drawn = page_content(page, index, &page_ids, fonts, bleeds[index], earlier);
                page.items = Vec::new();
                drawn
            })
            .collect(),
    };
    if let Some(c) = cache {
        c.reused_pages = contents.iter().filter(|(p, _)| p.reused).count();
        c.drawn_pages = contents.len() - c.reused_pages;
        c.drawn = contents
            .iter()
            .filter_map(|(p, key)| Some(((*key)?, (p.stream.clone(), p.compressed))))
            .collect();
    }
    let contents = contents.into_iter().map(|(p, _)| p);
    for (index, ((page, content), &page_id)) in
        doc.pages.iter().zip(contents).zip(&page_ids).enumerate()
    {
        let ids = PageIds {
            page: page_id,
            parent: pages_id,
            resources: resources_id,
        };
        add_page(pdf, page, content, ids, bleeds[index]);
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

/// A page's bleed beyond its trim: none unless the document asks for it.
pub(super) fn bleed(doc: &Document, index: usize) -> Edges {
    doc.print.bleed.get(index).copied().unwrap_or_default()
}

/// The ids a page's dictionary names: its own, its parent's, the shared resources'.
struct PageIds {
    page: ObjectId,
    parent: ObjectId,
    resources: ObjectId,
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
    /// Taken from the cache, not drawn.
    reused: bool,
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
    bleed: Edges,
    cache: Option<(&StreamCache, u128, u128)>,
) -> (PageContent, Option<u128>) {
    // Links are annotations, not drawing: made anew every time (they name
    // pages by object ids).
    let annots = page
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Link { rect, target } => {
                Some(link_annotation(rect, target, page_ids[index], page_ids))
            }
            _ => None,
        })
        .collect();
    let key = cache.map(|(_, fonts, items)| page_key(items, fonts, bleed));
    if let Some((stream, compressed)) = cache.zip(key).and_then(|((c, _, _), k)| c.drawn.get(&k)) {
        let content = PageContent {
            stream: stream.clone(),
            compressed: *compressed,
            annots,
            reused: true,
        };
        return (content, key);
    }
    let mut out = Ops::default();
    // With bleed the media box is larger than the trim: move the drawing so that
    // the trim box, offset by the bleed on the left and bottom, holds it.
    if bleed.left != 0.0 || bleed.bottom != 0.0 {
        out.translate(bleed.left, bleed.bottom);
    }
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
            Item::Link { .. } => {}
        }
    }
    let content = out.into_bytes();
    let (stream, compressed) = match deflate(&content) {
        Some(data) if data.len() < content.len() => (data, true),
        _ => (content, false),
    };
    (
        PageContent {
            stream,
            compressed,
            annots,
            reused: false,
        },
        key,
    )
}

/// Adds one page's objects: its link annotations, its content stream, the page. The
/// media box is the trim and its bleed; the trim box, the trim; the bleed box, with
/// bleed, the media box.
fn add_page(
    pdf: &mut lopdf::Document,
    page: &Page,
    content: PageContent,
    ids: PageIds,
    bleed: Edges,
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
    let bleeds = bleed != Edges::default();
    let media = vec![
        0.into(),
        0.into(),
        Object::Real(page.width + bleed.left + bleed.right),
        Object::Real(page.height + bleed.bottom + bleed.top),
    ];
    let trim = if bleeds {
        vec![
            Object::Real(bleed.left),
            Object::Real(bleed.bottom),
            Object::Real(bleed.left + page.width),
            Object::Real(bleed.bottom + page.height),
        ]
    } else {
        media.clone()
    };
    let mut dict = dictionary! {
        "Type" => "Page",
        "Parent" => ids.parent,
        "MediaBox" => media.clone(),
        "TrimBox" => trim,
        "Resources" => ids.resources,
        "Contents" => contents_id,
    };
    if bleeds {
        dict.set("BleedBox", media);
    }
    if !annots.is_empty() {
        dict.set("Annots", annots);
    }
    pdf.set_object(ids.page, dict);
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

    #[test]
    fn bleed_makes_the_media_box_larger_and_the_trim_box_the_trim_and_pdfx_is_marked() {
        use crate::typeset::doc::Edges;
        let Some(data) = font_data() else { return };
        let mut doc = sample(data);
        let edge = |left, right| Edges {
            left,
            right,
            top: 9.0,
            bottom: 9.0,
        };
        // A recto bleeds on the right, a verso on the left (KDP: not at the spine).
        doc.print.bleed = vec![edge(0.0, 9.0), edge(9.0, 0.0)];
        doc.print.pdfx = true;
        let bytes = crate::pdf::write(&doc).expect("writes");
        assert!(bytes.starts_with(b"%PDF-1.4"));
        let pdf = lopdf::Document::load_mem(&bytes).expect("parses");
        let boxes = |id, key| -> Vec<f32> {
            let page = pdf.get_dictionary(id).expect("page");
            get(&pdf, page, key)
                .as_array()
                .expect("box")
                .iter()
                .map(number)
                .collect()
        };
        let ids: Vec<_> = pdf.get_pages().values().copied().collect();
        assert_eq!(boxes(ids[0], "MediaBox"), [0.0, 0.0, 441.0, 666.0]);
        assert_eq!(boxes(ids[0], "BleedBox"), [0.0, 0.0, 441.0, 666.0]);
        assert_eq!(boxes(ids[0], "TrimBox"), [0.0, 9.0, 432.0, 657.0]);
        assert_eq!(boxes(ids[1], "TrimBox"), [9.0, 9.0, 441.0, 657.0]);
        // The drawing moves with the trim.
        let content = pdf.get_page_content(ids[1]);
        assert!(content.starts_with(b"1 0 0 1 9 9 cm\n"));
        let catalog = pdf.catalog().expect("catalog");
        let intents = get(&pdf, catalog, "OutputIntents")
            .as_array()
            .expect("intents");
        let intent = dict(&pdf, &intents[0]);
        assert_eq!(
            get(&pdf, intent, "S").as_name().ok(),
            Some(b"GTS_PDFX".as_slice())
        );
        assert_eq!(
            text(get(&pdf, intent, "OutputConditionIdentifier")),
            "CGATS TR 001"
        );
        let info = dict(&pdf, pdf.trailer.get(b"Info").expect("/Info"));
        assert_eq!(text(get(&pdf, info, "GTS_PDFXVersion")), "PDF/X-1a:2003");
        assert_eq!(
            get(&pdf, info, "Trapped").as_name().ok(),
            Some(b"False".as_slice())
        );
    }
}
