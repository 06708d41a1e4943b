//! Pictures for the print edition, each with its size in print: JPEG passed through
//! as is (DCTDecode; size, colour and resolution read from its headers), PNG
//! decoded to 8-bit samples with the alpha channel split off as a soft mask, GIF
//! (its first frame) and WebP decoded by the `image` crate into the same form, SVG
//! drawn as vectors (`svg.rs`).
//!
//! Decodes bytes from the model's resources; places nothing and reads no file.

mod svg;

use super::doc::{Image, ImageData, Pt};
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

/// Decodes a picture for the PDF, or says why it cannot.
pub fn decode(data: &[u8], media_type: MediaType) -> Result<Image, String> {
    match media_type {
        MediaType::Jpeg => jpeg(data),
        MediaType::Png => png_image(data),
        MediaType::Gif => decoded(data, image::ImageFormat::Gif),
        MediaType::Webp => decoded(data, image::ImageFormat::WebP),
        MediaType::Svg => svg::drawing(data),
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
fn jpeg(data: &[u8]) -> Result<Image, String> {
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
                    bytes: data.to_vec(),
                    components,
                },
            });
        }
        i += 2 + len;
    }
    Err("no JPEG frame header found".into())
}

fn png_image(data: &[u8]) -> Result<Image, String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(data));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    // pHYs: pixels per metre, when its unit is the metre (else only an aspect).
    let dpi = reader.info().pixel_dims.and_then(|d| {
        (d.unit == png::Unit::Meter).then_some((d.xppu as f32 * 0.0254, d.yppu as f32 * 0.0254))
    });
    let size = reader.output_buffer_size().ok_or("the PNG is too large")?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    buf.truncate(info.buffer_size());
    let (channels, gray) = match info.color_type {
        png::ColorType::Grayscale => (1, true),
        png::ColorType::GrayscaleAlpha => (2, true),
        png::ColorType::Rgb => (3, false),
        png::ColorType::Rgba => (4, false),
        png::ColorType::Indexed => return Err("indexed PNG was not expanded".into()),
    };
    Ok(samples(info.width, info.height, &buf, channels, gray, dpi))
}

/// A GIF (its first frame) or a WebP, decoded whole by the `image` crate. Neither
/// format records a resolution that tools keep, so both print at CSS's 96 per inch.
fn decoded(data: &[u8], format: image::ImageFormat) -> Result<Image, String> {
    let img = image::load_from_memory_with_format(data, format).map_err(|e| e.to_string())?;
    let (width, height) = (img.width(), img.height());
    if width == 0 || height == 0 {
        return Err("the picture has no pixels".into());
    }
    let color = img.color();
    let (gray, alpha) = (!color.has_color(), color.has_alpha());
    let (buf, channels) = match (gray, alpha) {
        (true, false) => (img.into_luma8().into_raw(), 1),
        (true, true) => (img.into_luma_alpha8().into_raw(), 2),
        (false, false) => (img.into_rgb8().into_raw(), 3),
        (false, true) => (img.into_rgba8().into_raw(), 4),
    };
    Ok(samples(width, height, &buf, channels, gray, None))
}

/// Interleaved 8-bit pixels of `channels` (gray or RGB, then alpha if 2 or 4) as
/// the PDF carries them: colour samples, and the alpha channel apart as a soft
/// mask unless every pixel is opaque.
fn samples(
    width: u32,
    height: u32,
    buf: &[u8],
    channels: usize,
    gray: bool,
    dpi: Option<(f32, f32)>,
) -> Image {
    let has_alpha = channels == 2 || channels == 4;
    let colour = if has_alpha { channels - 1 } else { channels };
    let mut samples = Vec::with_capacity(width as usize * height as usize * colour);
    let mut alpha = Vec::new();
    for px in buf.chunks_exact(channels) {
        samples.extend_from_slice(&px[..colour]);
        if has_alpha {
            alpha.push(px[channels - 1]);
        }
    }
    // A mask that is fully opaque is no mask.
    let alpha = (has_alpha && alpha.iter().any(|&a| a != 255)).then_some(alpha);
    Image {
        width,
        height,
        size: print_size(width, height, dpi),
        data: ImageData::Raw {
            samples,
            gray,
            alpha,
        },
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
    fn a_png_with_alpha_gets_a_soft_mask() {
        let bytes = png_bytes(
            2,
            1,
            png::ColorType::Rgba,
            &[255, 0, 0, 255, 0, 0, 255, 128],
        );
        let img = decode(&bytes, MediaType::Png).unwrap();
        assert_eq!((img.width, img.height), (2, 1));
        match img.data {
            ImageData::Raw {
                samples,
                gray,
                alpha,
            } => {
                assert_eq!(samples, vec![255, 0, 0, 0, 0, 255]);
                assert!(!gray);
                assert_eq!(alpha, Some(vec![255, 128]));
            }
            _ => panic!("raw expected"),
        }
    }

    #[test]
    fn a_png_prints_at_the_resolution_its_phys_chunk_gives() {
        let bytes = png_bytes(600, 3, png::ColorType::Grayscale, &[0; 1800]);
        let img = decode(&bytes, MediaType::Png).unwrap();
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
        let img = decode(&j, MediaType::Jpeg).unwrap();
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
        let img = decode(gif, MediaType::Gif).unwrap();
        assert_eq!((img.width, img.height), (2, 1));
        assert_eq!(img.size, (1.5, 0.75));
        match img.data {
            ImageData::Raw { samples, gray, .. } => {
                assert!(!gray);
                assert_eq!(samples[..3], [255, 0, 0]);
            }
            _ => panic!("raw expected"),
        }
    }

    #[test]
    fn a_damaged_webp_says_why_it_cannot_be_drawn() {
        let why = decode(b"RIFF\x10\0\0\0WEBPVP8 \0\0\0\0", MediaType::Webp).unwrap_err();
        assert!(!why.is_empty());
    }
}
