//! Step 6 of resolve: the author's cover image, sniffed and added to the
//! resources. An SVG cover with scripts, or a file that is no image, is an error;
//! a raster cover smaller than stores take is a warning at the manifest's line.

use crate::diag::{Code, Diagnostic};
use crate::load::Loaded;
use crate::model::{MediaType, Resource};

use super::links;

/// The index of the cover in `resources`, when the book names one.
pub fn resolve(
    loaded: &Loaded,
    resources: &mut Vec<Resource>,
    diags: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let (path, data, span) = loaded.cover.as_ref()?;
    let refuse = |why: &str| {
        Diagnostic::error(Code::E0011, format!("cover `{}` {why}", path.display())).at(span.clone())
    };
    match links::sniff(data) {
        Some(MediaType::Svg) if links::scripted_svg(data) => {
            diags.push(refuse("is an SVG with scripts or event handlers"));
            None
        }
        Some(media_type) => {
            if let Some(small) = pixels(data, media_type).and_then(too_small) {
                diags.push(
                    Diagnostic::warning(Code::W0141, format!("cover `{}` {small}", path.display()))
                        .at(span.clone()),
                );
            }
            resources.push(Resource {
                name: format!("images/cover.{}", media_type.extension()),
                media_type,
                data: data.as_slice().into(),
            });
            Some(resources.len() - 1)
        }
        None => {
            diags.push(refuse("is not a PNG, JPEG, GIF, WebP or SVG image"));
            None
        }
    }
}

/// KDP's smallest cover, width × height in pixels: "The minimum image size
/// allowed is 1,000 x 625 pixels" (height × width), and the height it asks for:
/// "the height of the image should be at least 2,500 pixels. Ideal dimensions for
/// cover files are 2,560 x 1,600 pixels" ("Cover Image Guidelines",
/// https://kdp.amazon.com/en_US/help/topic/G6GTK3T3NUHKLEFX; a smaller one gets
/// "a reminder message" at upload).
const KDP_MINIMUM: (u32, u32) = (625, 1000);
const KDP_HEIGHT: u32 = 2500;

/// What is wrong with a cover of `(width, height)` pixels for a store, if anything.
fn too_small((width, height): (u32, u32)) -> Option<String> {
    if width < KDP_MINIMUM.0 || height < KDP_MINIMUM.1 {
        Some(format!(
            "is {width} × {height} pixels, under KDP's minimum of {} × {}: Kindle Direct Publishing refuses it (1600 × 2560 is what it recommends)",
            KDP_MINIMUM.0, KDP_MINIMUM.1
        ))
    } else if height < KDP_HEIGHT {
        Some(format!(
            "is {width} × {height} pixels; KDP asks for at least {KDP_HEIGHT} pixels high (1600 × 2560 is what it recommends) and reminds you at upload"
        ))
    } else {
        None
    }
}

/// A raster picture's width and height in pixels, from its header; None for a
/// drawing (SVG is rendered at the size stores ask for) or a header not read.
fn pixels(data: &[u8], media_type: MediaType) -> Option<(u32, u32)> {
    let be32 = |i: usize| Some(u32::from_be_bytes(data.get(i..i + 4)?.try_into().ok()?));
    let be16 = |i: usize| {
        Some(u32::from(u16::from_be_bytes(
            data.get(i..i + 2)?.try_into().ok()?,
        )))
    };
    match media_type {
        // The IHDR chunk comes first: width and height after its length and type.
        MediaType::Png => Some((be32(16)?, be32(20)?)),
        // A SOFn marker (not DHT C4, JPG C8, DAC CC): length, precision, height, width.
        MediaType::Jpeg => {
            let mut i = 2;
            while i + 9 < data.len() {
                if data[i] != 0xff {
                    i += 1;
                    continue;
                }
                let marker = data[i + 1];
                if (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker) {
                    return Some((be16(i + 7)?, be16(i + 5)?));
                }
                i += 2 + be16(i + 2)? as usize;
            }
            None
        }
        MediaType::Gif | MediaType::Webp => {
            let format = if media_type == MediaType::Gif {
                image::ImageFormat::Gif
            } else {
                image::ImageFormat::WebP
            };
            image::ImageReader::with_format(std::io::Cursor::new(data), format)
                .into_dimensions()
                .ok()
        }
        MediaType::Svg => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cover_under_kdps_minimum_or_height_is_told_and_a_large_one_is_not() {
        assert!(too_small((600, 960)).unwrap().contains("minimum"));
        assert!(too_small((1600, 2400))
            .unwrap()
            .contains("2500 pixels high"));
        assert_eq!(too_small((1600, 2560)), None);
    }

    #[test]
    fn png_and_jpeg_headers_give_the_cover_s_pixels() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x02\x58\0\0\x03\xc0\x08\x02\0\0\0";
        assert_eq!(pixels(png, MediaType::Png), Some((600, 960)));
        // SOI, then SOF0: length 17, precision 8, height 1000, width 625.
        let jpeg = b"\xff\xd8\xff\xc0\x00\x11\x08\x03\xe8\x02\x71\x03\x01\x22\x00";
        assert_eq!(pixels(jpeg, MediaType::Jpeg), Some((625, 1000)));
    }
}
