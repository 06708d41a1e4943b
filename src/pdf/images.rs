//! Pictures as XObjects, each made on its own and its pixels dropped as soon as
//! its streams are: JPEG passed through (DCTDecode, never recompressed); a PNG
//! the PDF can carry as it is (no alpha, no transparent colour, not interlaced,
//! up to 8 bits) passed through too, its compressed data as FlateDecode with the
//! PNG predictors (as pdfTeX does); any other PNG, GIF or WebP decoded and
//! written again as PNG image data a row at a time (`split`), its alpha apart
//! as a soft mask unless every pixel is opaque; a drawing's form XObject copied
//! from the small file `typeset` made of it (see `typeset/image/svg.rs` for why
//! a file), with every object it refers to, renumbered into this one.
//!
//! Scales nothing and decides nothing about where a picture goes: `typeset`
//! hands over the file and where it is drawn. Pictures are made in parallel, as
//! many at a time as there are threads, so that memory holds a few rows (a
//! whole picture only for an interlaced PNG, a GIF or a WebP) and the compressed
//! streams, never a book's worth of pixels.

use std::collections::BTreeMap;
use std::io::Write as _;

use lopdf::{dictionary, Dictionary, Object, ObjectId, Stream};
use rayon::prelude::*;

use super::WriteError;
use crate::typeset::doc::{Document, Image, ImageData, RasterFormat};

/// Zlib level of decoded samples: the rest of the file's (`finish.rs`), fast for
/// a few per cent of size.
const LEVEL: u8 = 4;

/// Writes every image of the document, in order; returns their ids by image index.
pub(super) fn embed_images(
    pdf: &mut lopdf::Document,
    doc: &Document,
) -> Result<Vec<ObjectId>, WriteError> {
    // Raster pictures become streams on rayon's threads (the same bytes in any
    // order); objects are then numbered in the document's order.
    let made: Vec<Result<Option<Made>, String>> = doc
        .images
        .par_iter()
        .map(|image| match &image.data {
            ImageData::Vector { .. } => Ok(None),
            _ => made(image).map(Some),
        })
        .collect();
    doc.images
        .iter()
        .zip(made)
        .enumerate()
        .map(|(index, (image, made))| {
            let id = match (made, &image.data) {
                (Ok(Some(m)), _) => Ok(add(pdf, m)),
                (Ok(None), ImageData::Vector { pdf: file, form }) => copy_form(pdf, file, *form),
                (Ok(None), _) => Err("the picture was not made".to_string()),
                (Err(e), _) => Err(e),
            };
            id.map_err(|reason| WriteError::Picture { index, reason })
        })
        .collect()
}

/// The name image `index` has in the pages' resources, and in their `Do` operators.
pub(super) fn image_name(index: usize) -> String {
    format!("Im{index}")
}

/// A raster picture's image XObject, and its soft mask if it has one.
struct Made {
    image: Stream,
    mask: Option<Stream>,
}

/// Adds a picture's objects (its mask first), returning the image's id.
fn add(pdf: &mut lopdf::Document, made: Made) -> ObjectId {
    let Made { mut image, mask } = made;
    if let Some(mask) = mask {
        let id = pdf.add_object(mask);
        image.dict.set("SMask", id);
    }
    pdf.add_object(image)
}

/// An image XObject's dictionary: `bits` per sample in `colour_space`.
fn image_dict(image: &Image, colour_space: Object, bits: i64) -> Dictionary {
    dictionary! {
        "Type" => "XObject",
        "Subtype" => "Image",
        "Width" => image.width as i64,
        "Height" => image.height as i64,
        "ColorSpace" => colour_space,
        "BitsPerComponent" => bits,
    }
}

/// A stream already filtered, which `finish` must not compress again; its
/// buffer trimmed to its length (streams stay until the file is written).
fn filtered(dict: Dictionary, mut data: Vec<u8>) -> Stream {
    data.shrink_to_fit();
    Stream::new(dict, data).with_compression(false)
}

/// A raster picture's streams.
fn made(image: &Image) -> Result<Made, String> {
    match &image.data {
        ImageData::Jpeg { bytes, components } => Ok(jpeg(image, bytes, *components)),
        ImageData::Raster {
            bytes,
            format: RasterFormat::Png,
            ..
        } => png(image, bytes),
        ImageData::Raster { bytes, format, .. } => decoded(image, bytes, *format),
        ImageData::Vector { .. } => Err("a drawing is copied, not made".into()),
    }
}

/// A JPEG as it is (DCTDecode, never recompressed).
fn jpeg(image: &Image, bytes: &[u8], components: u8) -> Made {
    let cs = match components {
        1 => "DeviceGray",
        4 => "DeviceCMYK",
        _ => "DeviceRGB",
    };
    let mut dict = image_dict(image, Object::Name(cs.into()), 8);
    dict.set("Filter", "DCTDecode");
    if components == 4 {
        // Adobe's CMYK JPEGs are stored inverted.
        let decode: Vec<Object> = [1, 0, 1, 0, 1, 0, 1, 0].map(Object::from).into();
        dict.set("Decode", decode);
    }
    Made {
        image: filtered(dict, bytes.to_vec()),
        mask: None,
    }
}

/// A PNG: passed through when the PDF can carry its data as they are, else
/// decoded a row at a time.
fn png(image: &Image, bytes: &[u8]) -> Result<Made, String> {
    let reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .map_err(|e| e.to_string())?;
    let info = reader.info();
    if let Some(colour_space) = passed_through(info) {
        let colors: i64 = if info.color_type == png::ColorType::Rgb {
            3
        } else {
            1
        };
        let bits = info.bit_depth as u8 as i64;
        let mut dict = image_dict(image, colour_space, bits);
        predicted(&mut dict, colors, bits, info.width);
        return Ok(Made {
            image: filtered(dict, image_data(bytes)?),
            mask: None,
        });
    }
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let (color, _) = reader.output_color_type();
    let gray = matches!(
        color,
        png::ColorType::Grayscale | png::ColorType::GrayscaleAlpha
    );
    split(image, color.samples(), gray, |row| {
        if reader.info().interlaced {
            // Adam7's passes give rows out of order: the whole picture, this once.
            let size = reader.output_buffer_size().ok_or("the PNG is too large")?;
            let mut buf = vec![0; size];
            let out = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
            for r in buf[..out.buffer_size()].chunks_exact(out.line_size) {
                row(r)?;
            }
        } else {
            while let Some(r) = reader.next_row().map_err(|e| e.to_string())? {
                row(r.data())?;
            }
        }
        Ok(())
    })
}

/// The colour space of a PNG the PDF can carry as it is: no alpha channel and
/// no transparent colour (a mask needs the pixels), not interlaced (the
/// predictors work on whole rows in order), at most 8 bits (16 wants PDF 1.5).
fn passed_through(info: &png::Info) -> Option<Object> {
    if info.interlaced || info.trns.is_some() || info.bit_depth as u8 > 8 {
        return None;
    }
    match info.color_type {
        png::ColorType::Grayscale => Some(Object::Name(b"DeviceGray".to_vec())),
        png::ColorType::Rgb => Some(Object::Name(b"DeviceRGB".to_vec())),
        png::ColorType::Indexed => {
            let palette = info.palette.as_deref()?;
            let colours = palette.len() / 3;
            if colours == 0 || colours > 256 {
                return None;
            }
            Some(Object::Array(vec![
                Object::Name(b"Indexed".to_vec()),
                Object::Name(b"DeviceRGB".to_vec()),
                Object::Integer(colours as i64 - 1),
                Object::String(
                    palette[..colours * 3].to_vec(),
                    lopdf::StringFormat::Hexadecimal,
                ),
            ]))
        }
        png::ColorType::GrayscaleAlpha | png::ColorType::Rgba => None,
    }
}

/// The data of a PNG's IDAT chunks, one zlib stream.
fn image_data(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut at = 8;
    while let Some(head) = bytes.get(at..at + 8) {
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let body = bytes
            .get(at + 8..(at + 8).saturating_add(len))
            .ok_or("a chunk of the PNG runs past its end")?;
        match &head[4..8] {
            b"IDAT" => out.extend_from_slice(body),
            b"IEND" => break,
            _ => {}
        }
        at += 12 + len;
    }
    if out.is_empty() {
        return Err("the PNG has no image data".into());
    }
    Ok(out)
}

/// A GIF (its first frame) or a WebP, decoded whole by the `image` crate.
fn decoded(image: &Image, bytes: &[u8], format: RasterFormat) -> Result<Made, String> {
    let format = match format {
        RasterFormat::Gif => image::ImageFormat::Gif,
        RasterFormat::Webp => image::ImageFormat::WebP,
        RasterFormat::Png => image::ImageFormat::Png,
    };
    let img = image::load_from_memory_with_format(bytes, format).map_err(|e| e.to_string())?;
    let color = img.color();
    let (gray, alpha) = (!color.has_color(), color.has_alpha());
    let (buf, channels) = match (gray, alpha) {
        (true, false) => (img.into_luma8().into_raw(), 1),
        (true, true) => (img.into_luma_alpha8().into_raw(), 2),
        (false, false) => (img.into_rgb8().into_raw(), 3),
        (false, true) => (img.into_rgba8().into_raw(), 4),
    };
    let line = (image.width as usize * channels).max(1);
    split(image, channels, gray, |row| {
        for r in buf.chunks(line) {
            row(r)?;
        }
        Ok(())
    })
}

/// A row sink: `split` hands one to the decoder, which calls it with each row.
type Rows<'r> = &'r mut dyn FnMut(&[u8]) -> Result<(), String>;

/// Decoded rows of interleaved 8-bit pixels (gray or RGB, then alpha if 2 or 4
/// samples), as `decode` gives them to its sink, made into the PDF's streams as
/// they come: colour samples, and the alpha channel apart as a soft mask unless
/// every pixel is opaque. Each stream is written as a PNG's image data (the
/// `png` crate filters each row with the predictor that suits it, and
/// compresses), and carried as FlateDecode with the PNG predictors: about a
/// PNG file's room, often a third of the same samples compressed plain. Memory
/// holds a row and the compressed streams, not the picture's pixels (unless its
/// decoder gives them whole).
fn split(
    image: &Image,
    channels: usize,
    gray: bool,
    decode: impl FnOnce(Rows) -> Result<(), String>,
) -> Result<Made, String> {
    let has_alpha = channels == 2 || channels == 4;
    let colours = if has_alpha { channels - 1 } else { channels };
    let kind = if gray {
        png::ColorType::Grayscale
    } else {
        png::ColorType::Rgb
    };
    let (colour_png, alpha_png) = (Sink::default(), Sink::default());
    let mut opaque = true;
    {
        let mut colour = png_stream(colour_png.clone(), image, kind)?;
        let mut alpha = match has_alpha {
            true => Some(png_stream(
                alpha_png.clone(),
                image,
                png::ColorType::Grayscale,
            )?),
            false => None,
        };
        let mut scratch = Vec::new();
        let io = |e: std::io::Error| e.to_string();
        decode(&mut |row: &[u8]| {
            let Some(alpha) = &mut alpha else {
                return colour.write_all(row).map_err(io);
            };
            scratch.clear();
            for px in row.chunks_exact(channels) {
                scratch.extend_from_slice(&px[..colours]);
            }
            colour.write_all(&scratch).map_err(io)?;
            scratch.clear();
            scratch.extend(row.chunks_exact(channels).map(|px| px[colours]));
            opaque &= scratch.iter().all(|&a| a == 255);
            alpha.write_all(&scratch).map_err(io)
        })?;
        colour.finish().map_err(|e| e.to_string())?;
        if let Some(alpha) = alpha {
            alpha.finish().map_err(|e| e.to_string())?;
        }
    }
    let gray_space = Object::Name(b"DeviceGray".to_vec());
    let cs = if gray {
        gray_space.clone()
    } else {
        Object::Name(b"DeviceRGB".to_vec())
    };
    let mut dict = image_dict(image, cs, 8);
    predicted(&mut dict, colours as i64, 8, image.width);
    let samples = image_data(&colour_png.0.take())?;
    // A mask that is fully opaque is no mask.
    let mask = match has_alpha && !opaque {
        true => {
            let mut mask = image_dict(image, gray_space, 8);
            predicted(&mut mask, 1, 8, image.width);
            Some(filtered(mask, image_data(&alpha_png.0.take())?))
        }
        false => None,
    };
    Ok(Made {
        image: filtered(dict, samples),
        mask,
    })
}

/// Bytes written through one handle and read through another: the png
/// crate's writers do not give back what they write into.
#[derive(Clone, Default)]
struct Sink(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A PNG of `image`'s size in `kind`, 8 bits a sample, written into `out` as
/// its rows come: filtered adaptively, compressed at `LEVEL`.
fn png_stream(
    out: Sink,
    image: &Image,
    kind: png::ColorType,
) -> Result<png::StreamWriter<'static, Sink>, String> {
    let mut encoder = png::Encoder::new(out, image.width, image.height);
    encoder.set_color(kind);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_filter(png::Filter::Adaptive);
    encoder.set_deflate_compression(png::DeflateCompression::Level(LEVEL));
    encoder
        .write_header()
        .and_then(png::Writer::into_stream_writer)
        .map_err(|e| e.to_string())
}

/// Marks an image's stream as Flate-compressed rows, each led by its PNG
/// filter type (the predictors a PNG's own data use).
fn predicted(dict: &mut Dictionary, colours: i64, bits: i64, columns: u32) {
    dict.set("Filter", "FlateDecode");
    dict.set(
        "DecodeParms",
        dictionary! {
            // PNG prediction, its filter chosen row by row.
            "Predictor" => 15,
            "Colors" => colours,
            "BitsPerComponent" => bits,
            "Columns" => columns as i64,
        },
    );
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    fn png_file(width: u32, height: u32, color: png::ColorType, data: &[u8]) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut enc = png::Encoder::new(&mut bytes, width, height);
        enc.set_color(color);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(data).unwrap();
        w.finish().unwrap();
        bytes
    }

    fn raster(width: u32, height: u32, bytes: Vec<u8>) -> Image {
        Image {
            width,
            height,
            size: (width as f32, height as f32),
            data: ImageData::Raster {
                bytes: bytes.into(),
                format: RasterFormat::Png,
                gray: false,
                alpha: true,
            },
        }
    }

    /// A stream's rows: inflated, each led by its PNG filter type.
    fn rows(stream: &Stream) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(&stream.content[..])
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    fn int(dict: &Dictionary, key: &[u8]) -> i64 {
        dict.get(key).unwrap().as_i64().unwrap()
    }

    #[test]
    fn a_png_with_alpha_becomes_predicted_samples_and_a_soft_mask() {
        // 3 × 2 RGBA, one pixel half transparent.
        let mut data = vec![255; 3 * 2 * 4];
        data[7] = 128;
        let made = made(&raster(3, 2, png_file(3, 2, png::ColorType::Rgba, &data))).unwrap();
        let mask = made.mask.expect("a soft mask");
        let parms = made
            .image
            .dict
            .get(b"DecodeParms")
            .unwrap()
            .as_dict()
            .unwrap();
        assert_eq!(int(parms, b"Predictor"), 15);
        assert_eq!(int(parms, b"Colors"), 3);
        assert_eq!(int(parms, b"Columns"), 3);
        // Two rows of a filter byte and three RGB pixels; of one and three alphas.
        assert_eq!(rows(&made.image).len(), 2 * (1 + 9));
        assert_eq!(rows(&mask).len(), 2 * (1 + 3));
    }

    #[test]
    fn an_alpha_channel_opaque_everywhere_is_no_mask() {
        let data = [10, 255, 20, 255, 30, 255, 40, 255];
        let png = png_file(2, 2, png::ColorType::GrayscaleAlpha, &data);
        let made = made(&raster(2, 2, png)).unwrap();
        assert!(made.mask.is_none());
        assert_eq!(
            made.image
                .dict
                .get(b"ColorSpace")
                .unwrap()
                .as_name()
                .unwrap(),
            b"DeviceGray"
        );
        // Two rows of a filter type and two gray samples (their values, once
        // unfiltered, are read back by poppler in tests/large_pictures.rs).
        let rows = rows(&made.image);
        assert_eq!(rows.len(), 2 * (1 + 2));
        assert!(rows[0] <= 4 && rows[3] <= 4, "{rows:?}");
    }

    #[test]
    fn a_plain_png_is_carried_in_its_own_compressed_data() {
        let png = png_file(4, 3, png::ColorType::Rgb, &[90; 4 * 3 * 3]);
        let made = made(&raster(4, 3, png.clone())).unwrap();
        assert!(made.mask.is_none());
        assert_eq!(made.image.content, image_data(&png).unwrap());
        assert!(!made.image.allows_compression);
    }

    #[test]
    fn a_png_whose_compressed_data_is_broken_says_why_and_does_not_panic() {
        let mut png = png_file(8, 8, png::ColorType::Rgba, &[7; 8 * 8 * 4]);
        // Spoil the zlib stream of IDAT (the chunk after the 25-byte IHDR),
        // then make its checksum right again: only decoding finds it.
        let idat = 8 + 25;
        let len = u32::from_be_bytes(png[idat..idat + 4].try_into().unwrap()) as usize;
        for b in &mut png[idat + 10..idat + 8 + len] {
            *b = 0xff;
        }
        let mut crc = flate2::Crc::new();
        crc.update(&png[idat + 4..idat + 8 + len]);
        png[idat + 8 + len..idat + 12 + len].copy_from_slice(&crc.sum().to_be_bytes());
        assert!(made(&raster(8, 8, png)).is_err());
    }
}
