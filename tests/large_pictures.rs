//! Large pictures of every kind the PDF writer makes in its own way, read back
//! with poppler and qpdf (not with bookbind's code): a plain RGB PNG, a 1-bit
//! gray one and a palette one passed through with the PNG predictors; a gray
//! PNG with alpha, an RGBA one opaque everywhere, a 16-bit one and one with a
//! transparent colour decoded a row at a time; a JPEG as it is. Each is in the
//! PDF at its pixel size with its own pixels (and its alpha as a soft mask only
//! where some pixel is not opaque), a picture used twice is written once, and
//! qpdf finds the file sound. Without poppler or qpdf (outside CI) the checks
//! that need them are skipped with a note.
//!
//! What the pictures cost in memory is a benchmark, not a test:
//! `scripts/bench-pictures.sh`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::*;

/// A picture of the book: its file, size, and the pixels it holds as the PDF
/// should carry them (8-bit colour samples, gray or RGB, and the soft mask's
/// samples when it has one).
struct Picture {
    file: &'static str,
    width: u32,
    height: u32,
    /// Colour samples per pixel in the PDF: 1 (gray) or 3 (RGB).
    colours: usize,
    /// The colour samples at (x, y).
    colour: fn(u32, u32) -> [u8; 3],
    /// The soft mask's sample at (x, y), if the picture has a mask.
    mask: Option<fn(u32, u32) -> u8>,
}

fn rgb(x: u32, y: u32) -> [u8; 3] {
    [x as u8, y as u8, (x + y) as u8]
}
fn gray_alpha_colour(x: u32, y: u32) -> [u8; 3] {
    let g = (x * 7 + y * 3) as u8;
    [g, g, g]
}
fn gray_alpha_mask(x: u32, y: u32) -> u8 {
    (x + y) as u8
}
fn opaque_rgba(x: u32, y: u32) -> [u8; 3] {
    [x as u8, y as u8, 77]
}
/// A 16-colour palette, the index a checkerboard of 10-pixel squares.
fn palette_entry(i: u8) -> [u8; 3] {
    [i * 16, 255 - i * 16, i.wrapping_mul(37)]
}
fn palette_index(x: u32, y: u32) -> u8 {
    ((x / 10 + y / 10) % 16) as u8
}
fn palette(x: u32, y: u32) -> [u8; 3] {
    palette_entry(palette_index(x, y))
}
fn one_bit(x: u32, y: u32) -> [u8; 3] {
    let v = if (x / 8 + y / 8) % 2 == 1 { 255 } else { 0 };
    [v, v, v]
}
/// 16 bits per sample; the PDF carries the high byte.
fn deep(x: u32, y: u32) -> [u16; 3] {
    [(x * 100) as u16, (y * 100) as u16, 0x1234]
}
fn deep_high(x: u32, y: u32) -> [u8; 3] {
    deep(x, y).map(|v| (v >> 8) as u8)
}
/// RGB whose colour (0, 0, 0), named in tRNS, is transparent.
fn keyed(x: u32, y: u32) -> [u8; 3] {
    [(x % 256) as u8, (y % 256) as u8, 0]
}
fn keyed_mask(x: u32, y: u32) -> u8 {
    if keyed(x, y) == [0, 0, 0] {
        0
    } else {
        255
    }
}

const PICTURES: [Picture; 7] = [
    Picture {
        file: "rgb.png",
        width: 1800,
        height: 1200,
        colours: 3,
        colour: rgb,
        mask: None,
    },
    Picture {
        file: "gray-alpha.png",
        width: 1600,
        height: 1000,
        colours: 1,
        colour: gray_alpha_colour,
        mask: Some(gray_alpha_mask),
    },
    Picture {
        file: "opaque-rgba.png",
        width: 1200,
        height: 900,
        colours: 3,
        colour: opaque_rgba,
        mask: None,
    },
    Picture {
        file: "palette.png",
        width: 1000,
        height: 700,
        colours: 3,
        colour: palette,
        mask: None,
    },
    Picture {
        file: "one-bit.png",
        width: 1504,
        height: 1000,
        colours: 1,
        colour: one_bit,
        mask: None,
    },
    Picture {
        file: "deep.png",
        width: 800,
        height: 600,
        colours: 3,
        colour: deep_high,
        mask: None,
    },
    Picture {
        file: "keyed.png",
        width: 600,
        height: 400,
        colours: 3,
        colour: keyed,
        mask: Some(keyed_mask),
    },
];

/// The JPEG fixture (640 × 400, baseline, RGB), passed through as it is.
const JPEG: (&str, u32, u32) = ("photo.jpg", 640, 400);

/// The PNG file of a picture, written with the `png` crate in its own kind.
fn png_file(p: &Picture) -> Vec<u8> {
    let (w, h) = (p.width, p.height);
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    let mut data = Vec::new();
    let pixels = (0..h).flat_map(|y| (0..w).map(move |x| (x, y)));
    match p.file {
        "rgb.png" => {
            enc.set_color(png::ColorType::Rgb);
            data.extend(pixels.flat_map(|(x, y)| rgb(x, y)));
        }
        "gray-alpha.png" => {
            enc.set_color(png::ColorType::GrayscaleAlpha);
            data.extend(
                pixels.flat_map(|(x, y)| [gray_alpha_colour(x, y)[0], gray_alpha_mask(x, y)]),
            );
        }
        "opaque-rgba.png" => {
            enc.set_color(png::ColorType::Rgba);
            data.extend(pixels.flat_map(|(x, y)| {
                let [r, g, b] = opaque_rgba(x, y);
                [r, g, b, 255]
            }));
        }
        "palette.png" => {
            enc.set_color(png::ColorType::Indexed);
            enc.set_depth(png::BitDepth::Four);
            enc.set_palette((0..16).flat_map(palette_entry).collect::<Vec<u8>>());
            // Two 4-bit indices a byte, rows padded to whole bytes.
            for y in 0..h {
                let row: Vec<u8> = (0..w).map(|x| palette_index(x, y)).collect();
                data.extend(
                    row.chunks(2)
                        .map(|c| c[0] << 4 | c.get(1).copied().unwrap_or(0)),
                );
            }
        }
        "one-bit.png" => {
            enc.set_color(png::ColorType::Grayscale);
            enc.set_depth(png::BitDepth::One);
            for y in 0..h {
                let bits: Vec<u8> = (0..w).map(|x| one_bit(x, y)[0] & 1).collect();
                data.extend(
                    bits.chunks(8)
                        .map(|c| c.iter().enumerate().fold(0, |b, (i, v)| b | v << (7 - i))),
                );
            }
        }
        "deep.png" => {
            enc.set_color(png::ColorType::Rgb);
            enc.set_depth(png::BitDepth::Sixteen);
            data.extend(
                pixels.flat_map(|(x, y)| deep(x, y).into_iter().flat_map(u16::to_be_bytes)),
            );
        }
        "keyed.png" => {
            enc.set_color(png::ColorType::Rgb);
            enc.set_trns(vec![0, 0, 0, 0, 0, 0]);
            data.extend(pixels.flat_map(|(x, y)| keyed(x, y)));
        }
        other => panic!("no such picture {other}"),
    }
    let mut w = enc.write_header().unwrap();
    w.write_image_data(&data).unwrap();
    w.finish().unwrap();
    out
}

struct Built {
    dir: tempfile::TempDir,
    pdf: PathBuf,
}

/// The book: every picture alone in its paragraph, the RGB one twice.
fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let book = dir.path().join("book");
        let mut chapter = String::from("# Pictures\n\n");
        for p in &PICTURES {
            chapter.push_str(&format!("![{0}](../images/{0})\n\nText.\n\n", p.file));
        }
        chapter.push_str(&format!("![{0}](../images/{0})\n\n", JPEG.0));
        chapter.push_str("Again:\n\n![rgb.png](../images/rgb.png)\n");
        write_book(
            &book,
            &[
                (
                    "book.yaml",
                    "title: Large Pictures\nlanguage: en\nchapters: [chapters/pictures.md]\n",
                ),
                ("chapters/pictures.md", &chapter),
            ],
        );
        std::fs::create_dir_all(book.join("images")).unwrap();
        for p in &PICTURES {
            std::fs::write(book.join("images").join(p.file), png_file(p)).unwrap();
        }
        std::fs::copy(
            repo().join("tests/fixtures/large-pictures").join(JPEG.0),
            book.join("images").join(JPEG.0),
        )
        .unwrap();
        let out = dir.path().join("out");
        build_ok(&book, &out);
        Built {
            pdf: out.join("large-pictures.pdf"),
            dir,
        }
    })
}

/// A row of `pdfimages -list`.
#[derive(Debug)]
struct Listed {
    num: usize,
    kind: String,
    width: u32,
    height: u32,
    color: String,
    bpc: u32,
    enc: String,
    object: u32,
}

/// `pdfimages -list`, or None (with a note) when poppler is not installed.
fn listed(pdf: &Path) -> Option<Vec<Listed>> {
    let Ok(o) = Command::new("pdfimages").arg("-list").arg(pdf).output() else {
        eprintln!("skipped: pdfimages is not installed (apt-get install poppler-utils)");
        return None;
    };
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    Some(
        text.lines()
            .skip(2)
            .map(|l| {
                let c: Vec<&str> = l.split_whitespace().collect();
                Listed {
                    num: c[1].parse().unwrap(),
                    kind: c[2].into(),
                    width: c[3].parse().unwrap(),
                    height: c[4].parse().unwrap(),
                    color: c[5].into(),
                    bpc: c[7].parse().unwrap(),
                    enc: c[8].into(),
                    object: c[10].parse().unwrap(),
                }
            })
            .collect(),
    )
}

/// The listed image of `width` × `height` pixels, and the soft mask after it.
fn find(list: &[Listed], width: u32, height: u32) -> (&Listed, Option<&Listed>) {
    let at = list
        .iter()
        .position(|l| l.kind == "image" && (l.width, l.height) == (width, height))
        .unwrap_or_else(|| panic!("no {width} × {height} picture in {list:#?}"));
    let mask = list.get(at + 1).filter(|l| l.kind == "smask");
    (&list[at], mask)
}

#[test]
fn every_large_picture_is_in_the_pdf_at_its_pixel_size_with_a_mask_only_where_it_is_transparent() {
    let b = built();
    let Some(list) = listed(&b.pdf) else { return };
    for p in &PICTURES {
        let (image, mask) = find(&list, p.width, p.height);
        let color = if p.colours == 1 { "gray" } else { "rgb" };
        // A palette is listed as such.
        let color = if p.file == "palette.png" {
            "index"
        } else {
            color
        };
        assert_eq!(image.color, color, "{}: {image:?}", p.file);
        assert_eq!(mask.is_some(), p.mask.is_some(), "{}: {list:#?}", p.file);
        if let Some(m) = mask {
            assert_eq!((m.width, m.height), (p.width, p.height), "{}", p.file);
        }
    }
    let (bits, _) = find(&list, 1504, 1000);
    assert_eq!(
        bits.bpc, 1,
        "the 1-bit PNG is carried in its own bits: {bits:?}"
    );
    let (jpeg, mask) = find(&list, JPEG.1, JPEG.2);
    assert_eq!((jpeg.enc.as_str(), jpeg.color.as_str()), ("jpeg", "rgb"));
    assert!(mask.is_none());
}

#[test]
fn a_picture_used_twice_is_written_once() {
    let b = built();
    let Some(list) = listed(&b.pdf) else { return };
    let uses: Vec<&Listed> = list
        .iter()
        .filter(|l| (l.width, l.height) == (1800, 1200))
        .collect();
    assert_eq!(uses.len(), 2, "{list:#?}");
    assert_eq!(uses[0].object, uses[1].object, "{uses:#?}");
    // Seven PNGs and the JPEG, each once (pdfimages lists a soft mask with
    // its image's object).
    let objects: std::collections::BTreeSet<u32> = list
        .iter()
        .filter(|l| l.kind == "image")
        .map(|l| l.object)
        .collect();
    assert_eq!(objects.len(), PICTURES.len() + 1, "{list:#?}");
}

#[test]
fn each_picture_carries_its_own_pixels() {
    let b = built();
    let Some(list) = listed(&b.pdf) else { return };
    let prefix = b.dir.path().join("img");
    let o = Command::new("pdfimages")
        .arg("-png")
        .arg(&b.pdf)
        .arg(&prefix)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // What pdfimages wrote, by its number in the list: 8-bit samples a pixel.
    let read = |num: usize| -> (u32, u32, usize, Vec<u8>) {
        let path = PathBuf::from(format!("{}-{num:03}.png", prefix.display()));
        let mut dec =
            png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
        dec.set_transformations(png::Transformations::EXPAND);
        let mut r = dec.read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        let samples = info.color_type.samples();
        (info.width, info.height, samples, buf)
    };
    let mut checked = BTreeMap::new();
    for p in &PICTURES {
        let (image, mask) = find(&list, p.width, p.height);
        let (w, h, samples, pixels) = read(image.num);
        assert_eq!((w, h), (p.width, p.height), "{}", p.file);
        assert_eq!(samples, p.colours, "{}", p.file);
        let wrong = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .find(|&(x, y)| {
                let at = (y * w + x) as usize * samples;
                pixels[at..at + samples] != (p.colour)(x, y)[..samples]
            });
        assert_eq!(wrong, None, "{}: the first wrong pixel", p.file);
        if let (Some(m), Some(expected)) = (mask, p.mask) {
            let (_, _, s, alpha) = read(m.num);
            assert_eq!(s, 1);
            let wrong = (0..h)
                .flat_map(|y| (0..w).map(move |x| (x, y)))
                .find(|&(x, y)| alpha[(y * w + x) as usize] != expected(x, y));
            assert_eq!(wrong, None, "{}: the first wrong alpha", p.file);
        }
        checked.insert(p.file, (w, h));
    }
    assert_eq!(checked.len(), PICTURES.len());
}

#[test]
fn qpdf_finds_the_file_sound() {
    let b = built();
    let Ok(o) = Command::new("qpdf").arg("--check").arg(&b.pdf).output() else {
        eprintln!("skipped: qpdf is not installed");
        return;
    };
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        text.contains("No syntax or stream encoding errors"),
        "{text}"
    );
}
