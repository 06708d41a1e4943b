//! Images for the print edition: JPEG passed through as is (DCTDecode, size and
//! colour read from its frame header), PNG decoded to 8-bit samples with the alpha
//! channel split off as a soft mask. Other formats are not drawn.
//!
//! Decodes bytes from the model's resources; places nothing.

use super::doc::{Image, ImageData};
use crate::model::MediaType;

/// Decodes an image resource for the PDF, or says why it cannot.
pub fn decode(data: &[u8], media_type: MediaType) -> Result<Image, String> {
    match media_type {
        MediaType::Jpeg => jpeg(data),
        MediaType::Png => png_image(data),
        other => Err(format!(
            "{} images are not drawn in the print edition yet",
            other.as_str()
        )),
    }
}

/// Width, height and components from a JPEG's SOFn marker.
fn jpeg(data: &[u8]) -> Result<Image, String> {
    let mut i = 2;
    while i + 9 < data.len() {
        if data[i] != 0xff {
            i += 1;
            continue;
        }
        let marker = data[i + 1];
        let len = u16::from_be_bytes([data[i + 2], data[i + 3]]) as usize;
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
    let has_alpha = channels == 2 || channels == 4;
    let colour = if has_alpha { channels - 1 } else { channels };
    let mut samples = Vec::with_capacity(info.width as usize * info.height as usize * colour);
    let mut alpha = Vec::new();
    for px in buf.chunks_exact(channels) {
        samples.extend_from_slice(&px[..colour]);
        if has_alpha {
            alpha.push(px[channels - 1]);
        }
    }
    // A mask that is fully opaque is no mask.
    let alpha = (has_alpha && alpha.iter().any(|&a| a != 255)).then_some(alpha);
    Ok(Image {
        width: info.width,
        height: info.height,
        data: ImageData::Raw {
            samples,
            gray,
            alpha,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_png_with_alpha_gets_a_soft_mask() {
        let mut bytes = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut bytes, 2, 1);
            enc.set_color(png::ColorType::Rgba);
            enc.set_depth(png::BitDepth::Eight);
            let mut w = enc.write_header().unwrap();
            w.write_image_data(&[255, 0, 0, 255, 0, 0, 255, 128])
                .unwrap();
        }
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
    fn a_jpeg_frame_header_gives_its_size() {
        // SOI, SOF0 (len 17, 8 bits, h=2, w=3, 3 components), EOI.
        let mut j = vec![0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0, 2, 0, 3, 3];
        j.extend_from_slice(&[1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]);
        j.extend_from_slice(&[0xff, 0xd9]);
        let img = decode(&j, MediaType::Jpeg).unwrap();
        assert_eq!((img.width, img.height), (3, 2));
    }

    #[test]
    fn svg_is_not_drawn_yet() {
        assert!(decode(b"<svg/>", MediaType::Svg).is_err());
    }
}
