//! Pictures for the print edition, each with its size in print, read from its
//! headers: JPEG (size, colour and resolution from its markers), PNG (its IHDR,
//! pHYs, PLTE and tRNS chunks, every chunk's checksum checked), GIF (its first
//! frame) and WebP (decoded once by the `image` crate, to know they can be and
//! whether they are gray or transparent, then dropped), SVG drawn as vectors
//! (`svg.rs`).
//!
//! Keeps no pixels: the typesetter needs only a picture's size, and the PDF
//! writer decodes each raster picture, one at a time, when it writes it. Places
//! nothing and reads no file.

mod svg;

use std::sync::Arc;

use super::doc::{Image, ImageData, Pt, RasterFormat};
use crate::model::MediaType;

/// CSS's reference pixel, 96 to the inch: the resolution of a picture that gives
/// none of its own (as browsers, and so the EPUB, show it).
const CSS_PX_PER_INCH: f32 = 96.0;
/// A resolution outside this range is taken for a mistake in the file (a pHYs of
/// one pixel per metre, a JFIF density of 1) and ignored: the picture would print
/// metres wide or a speck. Real ones run from 72 (screens) to 4800 (scans).
const DPI_RANGE: std::ops::RangeInclusive<f32> = 20.0..=10_000.0;
/// Points to the inch.
const PT_PER_INCH: f32 = 72.0;

/// Reads a picture for the PDF (its size, its kind; the file's bytes shared, not
/// copied), or says why it cannot be drawn.
pub fn read(data: &Arc<[u8]>, media_type: MediaType) -> Result<Image, String> {
    match media_type {
        MediaType::Jpeg => jpeg(data),
        MediaType::Png => png_image(data),
        MediaType::Gif => decoded(data, RasterFormat::Gif),
        MediaType::Webp => decoded(data, RasterFormat::Webp),
        MediaType::Svg => svg::drawing(data),
    }
}

/// Whether a picture has a pixel that is not wholly opaque (PDF/X-1a refuses
/// transparency). Only a PNG with an alpha channel or a transparent colour is
/// decoded to know, a row at a time; one that cannot be is taken as transparent.
pub fn transparent(data: &ImageData) -> bool {
    match data {
        ImageData::Raster {
            bytes,
            format: RasterFormat::Png,
            alpha: true,
            ..
        } => png_transparent(bytes).unwrap_or(true),
        ImageData::Raster { alpha, .. } => *alpha,
        ImageData::Jpeg { .. } | ImageData::Vector { .. } => false,
    }
}

/// The size in print of `width` × `height` pixels at `dpi` (x, y) when the file
/// gives a usable one, else at CSS's 96 per inch.
fn print_size(width: u32, height: u32, dpi: Option<(f32, f32)>) -> (Pt, Pt) {
    let (dx, dy) = match dpi {
        Some((x, y)) if DPI_RANGE.contains(&x) && DPI_RANGE.contains(&y) => (x, y),
        _ => (CSS_PX_PER_INCH, CSS_PX_PER_INCH),
    };
    (
        width as f32 * PT_PER_INCH / dx,
        height as f32 * PT_PER_INCH / dy,
    )
}

/// Width, height and components from a JPEG's SOFn marker; its resolution from a
/// JFIF APP0 segment, if any.
fn jpeg(data: &Arc<[u8]>) -> Result<Image, String> {
    let mut dpi = None;
    let mut i = 2;
    while i + 9 < data.len() {
        if data[i] != 0xff {
            i += 1;
            continue;
        }
        let marker = data[i + 1];
        let len = u16::from_be_bytes([data[i + 2], data[i + 3]]) as usize;
        // APP0 "JFIF\0": version (2), units (1: per inch, 2: per cm), x and y density.
        if marker == 0xe0 && data.get(i + 4..i + 9) == Some(b"JFIF\0") {
            if let Some(d) = data.get(i + 11..i + 16) {
                let (x, y) = (
                    u16::from_be_bytes([d[1], d[2]]) as f32,
                    u16::from_be_bytes([d[3], d[4]]) as f32,
                );
                dpi = match d[0] {
                    1 => Some((x, y)),
                    2 => Some((x * 2.54, y * 2.54)),
                    _ => None,
                };
            }
        }
        // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC).
        if (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker) {
            let height = u16::from_be_bytes([data[i + 5], data[i + 6]]) as u32;
            let width = u16::from_be_bytes([data[i + 7], data[i + 8]]) as u32;
            let components = data[i + 9];
            if width == 0 || height == 0 || !matches!(components, 1 | 3 | 4) {
                return Err("the JPEG's frame header is not usable".into());
            }
            return Ok(Image {
                width,
                height,
                size: print_size(width, height, dpi),
                data: ImageData::Jpeg {
                    bytes: data.clone(),
                    components,
                },
            });
        }
        i += 2 + len;
    }
    Err("no JPEG frame header found".into())
}

/// A PNG's size, resolution and kind from its header chunks, after checking
/// every chunk's checksum (a damaged file is found here, where its alt text can
/// still be printed, not when the PDF is written). Its image data is not
/// inflated: that is the writer's, once.
fn png_image(data: &Arc<[u8]>) -> Result<Image, String> {
    png_checksums(data)?;
    let decoder = png::Decoder::new(std::io::Cursor::new(&data[..]));
    let reader = decoder.read_info().map_err(|e| e.to_string())?;
    let info = reader.info();
    // pHYs: pixels per metre, when its unit is the metre (else only an aspect).
    let dpi = info.pixel_dims.and_then(|d| {
        (d.unit == png::Unit::Meter).then_some((d.xppu as f32 * 0.0254, d.yppu as f32 * 0.0254))
    });
    let (gray, alpha) = match info.color_type {
        png::ColorType::Grayscale => (true, info.trns.is_some()),
        png::ColorType::GrayscaleAlpha => (true, true),
        png::ColorType::Rgb => (false, info.trns.is_some()),
        png::ColorType::Rgba => (false, true),
        png::ColorType::Indexed if info.palette.is_none() => {
            return Err("the PNG has a palette type but no palette".into())
        }
        png::ColorType::Indexed => (false, info.trns.is_some()),
    };
    if info.width == 0 || info.height == 0 {
        return Err("the picture has no pixels".into());
    }
    Ok(Image {
        width: info.width,
        height: info.height,
        size: print_size(info.width, info.height, dpi),
        data: ImageData::Raster {
            bytes: data.clone(),
            format: RasterFormat::Png,
            gray,
            alpha,
        },
    })
}

/// Checks the CRC of every chunk of a PNG, up to its end chunk.
fn png_checksums(data: &[u8]) -> Result<(), String> {
    let mut at = 8;
    while let Some(head) = data.get(at..at + 8) {
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let Some(body) = data.get(at + 4..(at + 8).saturating_add(len)) else {
            return Err("a chunk of the PNG runs past its end".into());
        };
        let Some(stored) = data.get(at + 8 + len..at + 12 + len) else {
            return Err("a chunk of the PNG has no checksum".into());
        };
        let mut crc = flate2::Crc::new();
        crc.update(body);
        if crc.sum().to_be_bytes() != stored {
            let kind = String::from_utf8_lossy(&body[..4]).into_owned();
            return Err(format!(
                "the PNG's {kind} chunk is damaged (its checksum is wrong)"
            ));
        }
        if &body[..4] == b"IEND" {
            return Ok(());
        }
        at += 12 + len;
    }
    Err("the PNG has no end chunk".into())
}

/// Whether a PNG has a pixel that is not wholly opaque, its rows decoded one at
/// a time.
fn png_transparent(data: &[u8]) -> Result<bool, png::DecodingError> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(data));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info()?;
    let channels = reader.output_color_type().0.samples();
    if channels != 2 && channels != 4 {
        return Ok(false);
    }
    while let Some(row) = reader.next_row()? {
        if row
            .data()
            .chunks_exact(channels)
            .any(|px| px[channels - 1] != 255)
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A GIF (its first frame) or a WebP, decoded whole by the `image` crate to know
/// that it can be, and whether it is gray and transparent; the pixels are
/// dropped (the writer decodes it again). Neither format records a resolution
/// that tools keep, so both print at CSS's 96 per inch.
fn decoded(data: &Arc<[u8]>, format: RasterFormat) -> Result<Image, String> {
    let img = image::load_from_memory_with_format(data, image_format(format))
        .map_err(|e| e.to_string())?;
    let (width, height) = (img.width(), img.height());
    if width == 0 || height == 0 {
        return Err("the picture has no pixels".into());
    }
    let color = img.color();
    let alpha = color.has_alpha()
        && match img.as_rgba8() {
            Some(rgba) => rgba.pixels().any(|p| p.0[3] != 255),
            None => img.to_rgba8().pixels().any(|p| p.0[3] != 255),
        };
    Ok(Image {
        width,
        height,
        size: print_size(width, height, None),
        data: ImageData::Raster {
            bytes: data.clone(),
            format,
            gray: !color.has_color(),
            alpha,
        },
    })
}

/// The `image` crate's name for a format it decodes.
fn image_format(format: RasterFormat) -> image::ImageFormat {
    match format {
        RasterFormat::Gif => image::ImageFormat::Gif,
        RasterFormat::Webp => image::ImageFormat::WebP,
        RasterFormat::Png => image::ImageFormat::Png,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_bytes(width: u32, height: u32, color: png::ColorType, data: &[u8]) -> Vec<u8> {
        let mut bytes = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut bytes, width, height);
            enc.set_color(color);
            enc.set_depth(png::BitDepth::Eight);
            enc.set_pixel_dims(Some(png::PixelDimensions {
                // 300 per inch.
                xppu: 11811,
                yppu: 11811,
                unit: png::Unit::Meter,
            }));
            let mut w = enc.write_header().unwrap();
            w.write_image_data(data).unwrap();
        }
        bytes
    }

    #[test]
    fn a_png_is_read_from_its_header_and_its_bytes_are_shared_not_copied() {
        let bytes: Arc<[u8]> = png_bytes(
            2,
            1,
            png::ColorType::Rgba,
            &[255, 0, 0, 255, 0, 0, 255, 128],
        )
        .into();
        let img = read(&bytes, MediaType::Png).unwrap();
        assert_eq!((img.width, img.height), (2, 1));
        match &img.data {
            ImageData::Raster {
                bytes: kept,
                format,
                gray,
                alpha,
            } => {
                assert!(Arc::ptr_eq(kept, &bytes));
                assert_eq!(*format, RasterFormat::Png);
                assert!(!gray);
                assert!(alpha);
            }
            _ => panic!("a raster picture expected"),
        }
        assert!(transparent(&img.data));
    }

    #[test]
    fn a_png_whose_alpha_is_opaque_everywhere_is_not_transparent() {
        let bytes: Arc<[u8]> =
            png_bytes(2, 1, png::ColorType::GrayscaleAlpha, &[10, 255, 200, 255]).into();
        let img = read(&bytes, MediaType::Png).unwrap();
        assert!(matches!(
            img.data,
            ImageData::Raster {
                gray: true,
                alpha: true,
                ..
            }
        ));
        assert!(!transparent(&img.data));
    }

    #[test]
    fn a_png_with_a_damaged_chunk_cannot_be_drawn_and_says_which() {
        let mut bytes = png_bytes(4, 4, png::ColorType::Grayscale, &[7; 16]);
        // The first byte of the IDAT chunk's data (after the signature, the
        // 25-byte IHDR and the 21-byte pHYs chunk, and IDAT's length and type).
        let idat = 8 + 25 + 21;
        assert_eq!(&bytes[idat + 4..idat + 8], b"IDAT");
        bytes[idat + 8] ^= 0x55;
        let why = read(&bytes.into(), MediaType::Png).unwrap_err();
        assert!(why.contains("IDAT"), "{why}");
    }

    #[test]
    fn a_png_prints_at_the_resolution_its_phys_chunk_gives() {
        let bytes = png_bytes(600, 3, png::ColorType::Grayscale, &[0; 1800]);
        let img = read(&bytes.into(), MediaType::Png).unwrap();
        // 600 pixels at 300 per inch: two inches.
        assert!((img.size.0 - 144.0).abs() < 0.1, "{:?}", img.size);
    }

    #[test]
    fn a_jpeg_frame_header_gives_its_size_and_jfif_its_resolution() {
        // SOI, APP0 JFIF (len 16, v1.1, per inch, 192 × 192), SOF0 (len 17, 8
        // bits, h=2, w=3, 3 components), EOI.
        let mut j = vec![0xff, 0xd8, 0xff, 0xe0, 0, 16];
        j.extend_from_slice(b"JFIF\0");
        j.extend_from_slice(&[1, 1, 1, 0, 192, 0, 192, 0, 0]);
        j.extend_from_slice(&[0xff, 0xc0, 0, 17, 8, 0, 2, 0, 3, 3]);
        j.extend_from_slice(&[1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]);
        j.extend_from_slice(&[0xff, 0xd9]);
        let img = read(&j.into(), MediaType::Jpeg).unwrap();
        assert_eq!((img.width, img.height), (3, 2));
        assert_eq!(img.size, (3.0 * 72.0 / 192.0, 2.0 * 72.0 / 192.0));
    }

    #[test]
    fn a_picture_without_a_resolution_prints_at_96_pixels_to_the_inch() {
        // GIF89a, 2 × 1, a two-colour table, one frame (LZW, min code size 2).
        let gif: &[u8] = &[
            b'G', b'I', b'F', b'8', b'9', b'a', 2, 0, 1, 0, 0x80, 0, 0, // screen
            255, 0, 0, 0, 0, 255, // palette: red, blue
            0x2c, 0, 0, 0, 0, 2, 0, 1, 0, 0, // image descriptor
            2, 2, 0x44, 0x0a, 0, // LZW data: clear, 0, 1, end
            0x3b,
        ];
        let img = read(&gif.into(), MediaType::Gif).unwrap();
        assert_eq!((img.width, img.height), (2, 1));
        assert_eq!(img.size, (1.5, 0.75));
        // Two opaque colours: neither gray nor transparent.
        assert!(matches!(
            img.data,
            ImageData::Raster {
                format: RasterFormat::Gif,
                gray: false,
                alpha: false,
                ..
            }
        ));
    }

    #[test]
    fn a_damaged_webp_says_why_it_cannot_be_drawn() {
        let webp: &[u8] = b"RIFF\x10\0\0\0WEBPVP8 \0\0\0\0";
        let why = read(&webp.into(), MediaType::Webp).unwrap_err();
        assert!(!why.is_empty());
    }
}
