//! Pictures as XObjects: JPEG passed through (DCTDecode, never recompressed), raw
//! samples compressed with the rest of the file, alpha as a soft mask; a drawing's
//! form XObject copied from the small file `typeset` made of it (see
//! `typeset/image/svg.rs` for why a file), with every object it refers to,
//! renumbered into this one.
//!
//! Decodes and scales nothing: `typeset` hands over the samples and where they go.

use std::collections::BTreeMap;

use lopdf::{dictionary, Object, ObjectId, Stream};

use super::WriteError;
use crate::typeset::doc::{Document, Image, ImageData};

/// Writes every image of the document, in order; returns their ids by image index.
pub(super) fn embed_images(
    pdf: &mut lopdf::Document,
    doc: &Document,
) -> Result<Vec<ObjectId>, WriteError> {
    doc.images
        .iter()
        .enumerate()
        .map(|(index, image)| {
            embed_image(pdf, image).map_err(|reason| WriteError::Picture { index, reason })
        })
        .collect()
}

/// The name image `index` has in the pages' resources, and in their `Do` operators.
pub(super) fn image_name(index: usize) -> String {
    format!("Im{index}")
}

/// An image XObject: JPEG as is (DCTDecode, never recompressed); raw samples
/// compressed with the rest of the file, alpha as a soft mask.
fn embed_image(pdf: &mut lopdf::Document, image: &Image) -> Result<ObjectId, String> {
    let base = |cs: &str| {
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Image",
            "Width" => image.width as i64,
            "Height" => image.height as i64,
            "ColorSpace" => cs.to_string(),
            "BitsPerComponent" => 8,
        }
    };
    Ok(match &image.data {
        ImageData::Vector { pdf: file, form } => return copy_form(pdf, file, *form),
        ImageData::Jpeg { bytes, components } => {
            let cs = match components {
                1 => "DeviceGray",
                4 => "DeviceCMYK",
                _ => "DeviceRGB",
            };
            let mut dict = base(cs);
            dict.set("Filter", "DCTDecode");
            if *components == 4 {
                // Adobe's CMYK JPEGs are stored inverted.
                dict.set(
                    "Decode",
                    vec![
                        1.into(),
                        0.into(),
                        1.into(),
                        0.into(),
                        1.into(),
                        0.into(),
                        1.into(),
                        0.into(),
                    ],
                );
            }
            pdf.add_object(Stream::new(dict, bytes.clone()).with_compression(false))
        }
        ImageData::Raw {
            samples,
            gray,
            alpha,
        } => {
            let mut dict = base(if *gray { "DeviceGray" } else { "DeviceRGB" });
            if let Some(a) = alpha {
                let mask = pdf.add_object(Stream::new(base("DeviceGray"), a.clone()));
                dict.set("SMask", mask);
            }
            pdf.add_object(Stream::new(dict, samples.clone()))
        }
    })
}

/// Copies object `form` of the PDF file `file`, and every object it refers to, into
/// `pdf`, each under a new number; returns the form's. Objects are numbered in the
/// order they are met from the form, dictionaries read in the order of their keys,
/// so the same drawing copies the same way.
fn copy_form(pdf: &mut lopdf::Document, file: &[u8], form: u32) -> Result<ObjectId, String> {
    let source = lopdf::Document::load_mem(file).map_err(|e| e.to_string())?;
    let mut copied: BTreeMap<ObjectId, ObjectId> = BTreeMap::new();
    let root = (form, 0);
    if source.get_object(root).is_err() {
        return Err(format!("the drawing's object {form} is missing"));
    }
    let id = pdf.new_object_id();
    copied.insert(root, id);
    let mut queue = vec![root];
    while let Some(old) = queue.pop() {
        let object = source
            .get_object(old)
            .map_err(|e| format!("object {} of the drawing: {e}", old.0))?;
        let object = renumbered(object, &mut |r| {
            *copied.entry(r).or_insert_with(|| {
                queue.push(r);
                pdf.new_object_id()
            })
        });
        pdf.objects.insert(copied[&old], object);
    }
    Ok(id)
}

/// A copy of `object` with every reference `r` replaced by `new(r)`.
fn renumbered(object: &Object, new: &mut dyn FnMut(ObjectId) -> ObjectId) -> Object {
    match object {
        Object::Reference(r) => Object::Reference(new(*r)),
        Object::Array(items) => Object::Array(items.iter().map(|o| renumbered(o, new)).collect()),
        Object::Dictionary(d) => Object::Dictionary(renumbered_dict(d, new)),
        Object::Stream(s) => {
            let mut copy = s.clone();
            copy.dict = renumbered_dict(&s.dict, new);
            Object::Stream(copy)
        }
        other => other.clone(),
    }
}

/// A dictionary's copy, its keys sorted: svg2pdf fills some (a drawing's fonts)
/// from hash maps, in an order that changes from run to run; sorted, the same
/// drawing is copied with the same numbers.
fn renumbered_dict(
    d: &lopdf::Dictionary,
    new: &mut dyn FnMut(ObjectId) -> ObjectId,
) -> lopdf::Dictionary {
    let mut entries: Vec<(&Vec<u8>, &Object)> = d.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = lopdf::Dictionary::new();
    for (key, value) in entries {
        out.set(key.clone(), renumbered(value, new));
    }
    out
}
