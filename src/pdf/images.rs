//! Images as XObjects: JPEG passed through (DCTDecode, never recompressed), raw samples
//! compressed with the rest of the file, alpha as a soft mask.
//!
//! Decodes and scales nothing: `typeset` hands over the samples and where they go.

use lopdf::{dictionary, ObjectId, Stream};

use crate::typeset::doc::{Document, Image, ImageData};

/// Writes every image of the document, in order; returns their ids by image index.
pub(super) fn embed_images(pdf: &mut lopdf::Document, doc: &Document) -> Vec<ObjectId> {
    doc.images
        .iter()
        .map(|image| embed_image(pdf, image))
        .collect()
}

/// The name image `index` has in the pages' resources, and in their `Do` operators.
pub(super) fn image_name(index: usize) -> String {
    format!("Im{index}")
}

/// An image XObject: JPEG as is (DCTDecode, never recompressed); raw samples
/// compressed with the rest of the file, alpha as a soft mask.
fn embed_image(pdf: &mut lopdf::Document, image: &Image) -> ObjectId {
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
    match &image.data {
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
    }
}
