//! Where a reader can jump: the outline (bookmarks nested by level) and link
//! annotations, both aimed with explicit destinations; URIs in the ASCII a PDF allows.

use lopdf::{dictionary, Dictionary, Object, ObjectId, StringFormat};

use super::metadata::text_string;
use crate::typeset::doc::{Document, LinkTarget, Pt, Rect};

/// A link annotation over `rect` on the page `on`, to a place in this document or to
/// a URI. Borderless, printed (/F 4).
pub(super) fn link_annotation(
    rect: &Rect,
    target: &LinkTarget,
    on: ObjectId,
    page_ids: &[ObjectId],
) -> Dictionary {
    let mut annot = dictionary! {
        "Type" => "Annot",
        "Subtype" => "Link",
        "Rect" => rect_array(rect),
        "Border" => vec![0.into(), 0.into(), 0.into()],
        "F" => 4,
        "P" => on,
    };
    match target {
        LinkTarget::Uri(uri) => annot.set(
            "A",
            dictionary! {
                "S" => "URI",
                "URI" => Object::String(uri_bytes(uri), StringFormat::Literal),
            },
        ),
        LinkTarget::Page { page, y } => annot.set("Dest", destination(page_ids[*page], *y)),
    }
    annot
}

/// A rectangle as a PDF array: lower left, then upper right corner.
fn rect_array(rect: &Rect) -> Vec<Object> {
    let (x1, x2) = (
        rect.x.min(rect.x + rect.width),
        rect.x.max(rect.x + rect.width),
    );
    let (y1, y2) = (
        rect.y.min(rect.y + rect.height),
        rect.y.max(rect.y + rect.height),
    );
    [x1, y1, x2, y2].into_iter().map(Object::Real).collect()
}

/// An explicit destination: the page, scrolled so that `y` is at the top, left and zoom
/// unchanged.
fn destination(page: ObjectId, y: Pt) -> Object {
    Object::Array(vec![
        page.into(),
        "XYZ".into(),
        Object::Null,
        Object::Real(y),
        Object::Null,
    ])
}

/// A URI is a 7-bit ASCII string: other bytes, spaces and controls are percent-encoded.
fn uri_bytes(uri: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(uri.len());
    for &byte in uri.as_bytes() {
        if byte.is_ascii_graphic() {
            out.push(byte);
        } else {
            out.extend_from_slice(format!("%{byte:02X}").as_bytes());
        }
    }
    out
}

/// Writes the outline: each entry is a child of the nearest earlier entry of a lower
/// level, in document order, all open. Returns the /Outlines dictionary's id.
pub(super) fn write_outline(
    pdf: &mut lopdf::Document,
    doc: &Document,
    page_ids: &[ObjectId],
) -> Option<ObjectId> {
    let entries = &doc.outline;
    if entries.is_empty() {
        return None;
    }
    let root = pdf.new_object_id();
    let ids: Vec<ObjectId> = entries.iter().map(|_| pdf.new_object_id()).collect();
    let mut parent: Vec<Option<usize>> = vec![None; entries.len()];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); entries.len()];
    let mut top = Vec::new();
    let mut open: Vec<(u8, usize)> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let level = entry.level.max(1);
        while open.last().is_some_and(|&(l, _)| l >= level) {
            open.pop();
        }
        match open.last() {
            Some(&(_, p)) => {
                parent[i] = Some(p);
                children[p].push(i);
            }
            None => top.push(i),
        }
        open.push((level, i));
    }
    // Every entry is open, so an entry's /Count is all of its descendants. Children
    // come after their parent, so one backward pass adds them up.
    let mut descendants = vec![0i64; entries.len()];
    for i in (0..entries.len()).rev() {
        if let Some(p) = parent[i] {
            descendants[p] += 1 + descendants[i];
        }
    }
    for (i, entry) in entries.iter().enumerate() {
        let siblings = parent[i].map_or(&top, |p| &children[p]);
        let at = siblings.iter().position(|&s| s == i).unwrap_or(0);
        let mut dict = dictionary! {
            "Title" => text_string(&entry.title),
            "Parent" => parent[i].map_or(root, |p| ids[p]),
            // With bleed, the page's drawing is moved up by its bottom bleed.
            "Dest" => destination(
                page_ids[entry.page],
                entry.y + super::pages::bleed(doc, entry.page).bottom
            ),
        };
        if at > 0 {
            dict.set("Prev", ids[siblings[at - 1]]);
        }
        if let Some(&next) = siblings.get(at + 1) {
            dict.set("Next", ids[next]);
        }
        if let (Some(&first), Some(&last)) = (children[i].first(), children[i].last()) {
            dict.set("First", ids[first]);
            dict.set("Last", ids[last]);
            dict.set("Count", descendants[i]);
        }
        pdf.set_object(ids[i], dict);
    }
    let (first, last) = (top[0], top[top.len() - 1]);
    pdf.set_object(
        root,
        dictionary! {
            "Type" => "Outlines",
            "First" => ids[first],
            "Last" => ids[last],
            "Count" => entries.len() as i64,
        },
    );
    Some(root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::sample::*;
    use crate::pdf::write;
    use crate::typeset::doc::OutlineEntry;

    #[test]
    fn outline_nests_the_level_two_entry_under_the_level_one_entry() {
        let Some(data) = font_data() else { return };
        let (_, _, pdf) = written(data);
        let catalog = pdf.catalog().expect("catalog");
        let outlines = dict(&pdf, catalog.get(b"Outlines").expect("/Outlines"));
        let top = outlines
            .get(b"First")
            .expect("first")
            .as_reference()
            .expect("ref");
        assert_eq!(
            outlines.get(b"Last").expect("last").as_reference().ok(),
            Some(top)
        );
        let chapter = pdf.get_dictionary(top).expect("chapter");
        assert_eq!(text(get(&pdf, chapter, "Title")), "Chapter (one) — Ünïcode");
        assert!(chapter.get(b"Next").is_err(), "only one top entry");
        let child = chapter
            .get(b"First")
            .expect("child")
            .as_reference()
            .expect("ref");
        assert_eq!(
            chapter.get(b"Last").expect("last").as_reference().ok(),
            Some(child)
        );
        let section = pdf.get_dictionary(child).expect("section");
        assert_eq!(text(get(&pdf, section, "Title")), "Section");
        assert_eq!(
            section.get(b"Parent").expect("parent").as_reference().ok(),
            Some(top)
        );
        let dest = get(&pdf, section, "Dest").as_array().expect("dest");
        assert_eq!(dest[0].as_reference().ok(), Some(pdf.get_pages()[&2]));
        assert_eq!(number(&dest[3]), 620.0);
    }

    #[test]
    fn outline_levels_nest_under_the_nearest_lower_level_in_order() {
        let Some(data) = font_data() else { return };
        let mut doc = sample(data);
        let entry = |title: &str, level| OutlineEntry {
            title: title.to_string(),
            level,
            page: 0,
            y: 600.0,
        };
        doc.outline = vec![
            entry("a", 1),
            entry("a.x", 3),
            entry("a.b", 2),
            entry("c", 1),
        ];
        let bytes = write(&doc).expect("writes");
        let pdf = lopdf::Document::load_mem(&bytes).expect("parses");
        let outlines = dict(
            &pdf,
            pdf.catalog().expect("catalog").get(b"Outlines").expect("o"),
        );
        let titles = |first: &Object| {
            let mut out = Vec::new();
            let mut next = first.as_reference().ok();
            while let Some(id) = next {
                let d = pdf.get_dictionary(id).expect("item");
                out.push(text(get(&pdf, d, "Title")));
                next = d.get(b"Next").and_then(Object::as_reference).ok();
            }
            out
        };
        assert_eq!(titles(outlines.get(b"First").expect("first")), ["a", "c"]);
        let a = dict(&pdf, outlines.get(b"First").expect("first"));
        assert_eq!(titles(a.get(b"First").expect("children")), ["a.x", "a.b"]);
        assert_eq!(number(get(&pdf, a, "Count")), 2.0);
    }

    #[test]
    fn links_go_to_their_page_or_uri() {
        let Some(data) = font_data() else { return };
        let (_, _, pdf) = written(data);
        let pages = pdf.get_pages();
        let annots = pdf.get_page_annotations(pages[&1]).expect("annotations");
        assert_eq!(annots.len(), 2);
        let dest = get(&pdf, annots[0], "Dest").as_array().expect("Dest");
        assert_eq!(dest[0].as_reference().ok(), Some(pages[&2]));
        assert_eq!(dest[1].as_name().ok(), Some(b"XYZ".as_slice()));
        assert_eq!(number(&dest[3]), 620.0);
        let action = dict(&pdf, annots[1].get(b"A").expect("/A"));
        assert_eq!(
            get(&pdf, action, "S").as_name().ok(),
            Some(b"URI".as_slice())
        );
        let uri = get(&pdf, action, "URI").as_str().expect("URI string");
        assert_eq!(uri, b"https://example.org/a(b)?q=%C3%BC");
    }
}
