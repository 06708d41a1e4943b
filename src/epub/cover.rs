//! The EPUB's cover: the author's picture, or a typographic one made from title,
//! subtitle and authors, as the raster image stores ask for, and the page that
//! shows it.
//!
//! A drawing (the generated cover, an author's SVG) is rendered to a PNG that fits
//! `COVER_PIXELS`, its text set in the book's own faces and the bundled ones
//! (`crate::svg`); a raster cover the author gives is used as it is (resolve warns
//! when it is smaller than stores take). Reads no file; the PNG holds no date, so
//! the same book makes the same bytes.

use std::fmt::Write as _;

use resvg::tiny_skia;

use super::xhtml;
use crate::model::{Book, MediaType};
use crate::xml::{self, escape_attr};

/// The box a rendered cover fits, width × height in pixels: KDP's ideal, "2,560 x
/// 1,600 pixels" (height × width), a height/width ratio of 1.6 ("Cover Image
/// Guidelines", https://kdp.amazon.com/en_US/help/topic/G6GTK3T3NUHKLEFX). Kindle
/// and other stores want the cover in the EPUB as a raster image; SVG covers are
/// dropped or shown blank by Send to Kindle's conversion.
pub const COVER_PIXELS: (u32, u32) = (1600, 2560);

/// Rows of the cover drawn at a time (see `raster`).
const BAND_ROWS: u32 = 128;

/// The generated cover's drawing: the size it is drawn at, the box's own.
const DRAWING: (u32, u32) = COVER_PIXELS;

/// The cover as it goes into the container.
#[derive(Clone)]
pub struct Cover {
    /// Path in the container (`images/cover.png`).
    pub name: String,
    /// The book's own bytes when it is the author's picture (shared, not copied).
    pub data: std::sync::Arc<[u8]>,
    pub media_type: &'static str,
}

/// The book's cover for the EPUB: a drawing rendered to PNG, a raster picture as
/// given. An author's SVG that cannot be rendered is kept as it is (the reason
/// is returned beside it, for a warning).
pub fn cover(book: &Book) -> (Cover, Option<String>) {
    cover_with(book, None)
}

/// The cover drawn last, by what it was drawn from (the drawing and the book's
/// typefaces), for a rebuild (`watch`) to take again when neither changed: the
/// generated cover is drawn from the title and authors, which an edit of a
/// chapter leaves alone.
#[derive(Default)]
pub struct CoverCache {
    last: Option<(u128, (Cover, Option<String>))>,
}

/// `cover`, taken from `cache` when it was drawn from the same drawing and
/// typefaces, and left there.
pub fn cover_with(book: &Book, cache: Option<&mut CoverCache>) -> (Cover, Option<String>) {
    let (svg, given) = match book.cover.map(|i| &book.resources[i]) {
        Some(r) if r.media_type != MediaType::Svg => {
            let given = Cover {
                name: r.name.clone(),
                data: r.data.clone(),
                media_type: r.media_type.as_str(),
            };
            return (given, None);
        }
        Some(r) => (r.data.clone(), Some(r)),
        None => (cover_svg(book).into_bytes().into(), None),
    };
    let key = cache.as_ref().map(|_| {
        use std::hash::Hasher;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        crate::model::hash_debug(&mut h, &(&book.typefaces, given.map(|r| &r.name)));
        let mut bytes = svg.to_vec();
        bytes.extend_from_slice(&h.finish().to_le_bytes());
        xxhash_rust::xxh3::xxh3_128(&bytes)
    });
    if let (Some(c), Some(key)) = (&cache, key) {
        if let Some((_, made)) = c.last.as_ref().filter(|(k, _)| *k == key) {
            return made.clone();
        }
    }
    let fonts = crate::svg::book_fonts(&book.typefaces);
    let made = match raster(&svg, fonts) {
        Ok(png) => (
            Cover {
                name: "images/cover.png".into(),
                data: png.into(),
                media_type: MediaType::Png.as_str(),
            },
            None,
        ),
        Err(why) => {
            let kept = Cover {
                name: given.map_or_else(|| "images/cover.svg".into(), |r| r.name.clone()),
                data: svg,
                media_type: MediaType::Svg.as_str(),
            };
            (kept, Some(why))
        }
    };
    if let (Some(c), Some(key)) = (cache, key) {
        c.last = Some((key, made.clone()));
    }
    made
}

/// An SVG rendered by resvg at the largest size that fits `COVER_PIXELS`, on
/// white (a transparent cover shows black on some readers), as an 8-bit RGB PNG.
pub(super) fn raster(
    svg: &[u8],
    fonts: std::sync::Arc<usvg::fontdb::Database>,
) -> Result<Vec<u8>, String> {
    let tree =
        usvg::Tree::from_data(svg, &crate::svg::options(fonts)).map_err(|e| e.to_string())?;
    let size = tree.size();
    let scale = (COVER_PIXELS.0 as f32 / size.width()).min(COVER_PIXELS.1 as f32 / size.height());
    let width = ((size.width() * scale).round() as u32).clamp(1, COVER_PIXELS.0);
    let height = ((size.height() * scale).round() as u32).clamp(1, COVER_PIXELS.1);
    // Drawn a band of rows at a time, each band's rows handed to the PNG
    // encoder as it is drawn: 800 KB of pixels, not the whole picture's 16 MB
    // (and 4,000 fresh pages the kernel would clear): the guide's build 20%
    // faster. Each band is drawn with the same transform, moved up by its top;
    // only anti-aliased edges that cross a band's edge come out a little
    // different from a drawing made whole (some hundreds of 12 million samples
    // of the generated cover; tested), which no eye sees.
    // As many bands at a time as there are threads, drawn side by side (the
    // cover is drawn while the print edition is laid out: a core that layout
    // leaves idle draws a band), then encoded in order.
    let band_rows = BAND_ROWS.min(height);
    let at_once = rayon::current_num_threads().clamp(1, 4);
    let mut bands = (0..at_once)
        .map(|_| tiny_skia::Pixmap::new(width, band_rows))
        .collect::<Option<Vec<_>>>()
        .ok_or("the cover has no area to draw on")?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // fdeflate's fastest mode with the Up filter: the cover is rendered on
    // every build. A quarter of the encoding's work of its adaptive filter
    // (Compression::Fast), for a PNG a third larger that the EPUB's zip
    // compresses to within 2 KB of the other.
    encoder.set_compression(png::Compression::Fastest);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    let mut stream = writer.stream_writer().map_err(|e| e.to_string())?;
    let mut rgb = Vec::with_capacity(width as usize * band_rows as usize * 3);
    let tops: Vec<u32> = (0..height).step_by(band_rows as usize).collect();
    for group in tops.chunks(at_once) {
        use rayon::prelude::*;
        bands.par_iter_mut().zip(group).for_each(|(band, &top)| {
            band.fill(tiny_skia::Color::WHITE);
            resvg::render(
                &tree,
                tiny_skia::Transform::from_scale(scale, scale).post_translate(0.0, -(top as f32)),
                &mut band.as_mut(),
            );
        });
        for (band, &top) in bands.iter().zip(group) {
            let rows = band_rows.min(height - top);
            // Opaque everywhere (drawn over white), so the premultiplied samples
            // are the colours themselves: the alpha channel is dropped.
            let drawn = band
                .data()
                .get(..rows as usize * width as usize * 4)
                .unwrap_or(&[]);
            // Sized first and filled three bytes at a time: a loop the compiler
            // keeps tight (pushing each pixel's three bytes cost more than drawing).
            rgb.resize(drawn.len() / 4 * 3, 0);
            for (to, from) in rgb.chunks_exact_mut(3).zip(drawn.chunks_exact(4)) {
                to.copy_from_slice(&from[..3]);
            }
            std::io::Write::write_all(&mut stream, &rgb).map_err(|e| e.to_string())?;
        }
    }
    stream.finish().map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// A plain typographic cover: title, subtitle and authors on a quiet ground,
/// drawn at `DRAWING`; its text is in the serif, the book's headings or body
/// family when it names one (see `crate::svg::book_fonts`).
pub(super) fn cover_svg(book: &Book) -> String {
    let m = &book.meta;
    let (w, h) = DRAWING;
    let mut lines = wrap_words(&m.title, 18);
    let title_size = if lines.len() > 3 { 70 } else { 90 };
    let mut y = 660 - (lines.len() as i32 * title_size) / 2;
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" \
         viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\">\n<title>Cover</title>\n\
         <rect width=\"{w}\" height=\"{h}\" fill=\"#f4efe6\"/>\n\
         <rect x=\"80\" y=\"80\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#5b4636\" stroke-width=\"6\"/>\n",
        w - 160,
        h - 160
    );
    for l in lines.drain(..) {
        let _ = writeln!(
            s,
            "<text x=\"800\" y=\"{y}\" font-family=\"serif\" font-size=\"{title_size}\" text-anchor=\"middle\" fill=\"#2b2118\">{}</text>",
            xml::escape_text(&l)
        );
        y += title_size + 24;
    }
    if let Some(sub) = &m.subtitle {
        y += 40;
        for l in wrap_words(sub, 30) {
            let _ = writeln!(
                s,
                "<text x=\"800\" y=\"{y}\" font-family=\"serif\" font-style=\"italic\" font-size=\"56\" text-anchor=\"middle\" fill=\"#5b4636\">{}</text>",
                xml::escape_text(&l)
            );
            y += 72;
        }
    }
    let _ = writeln!(
        s,
        "<line x1=\"600\" y1=\"{}\" x2=\"1000\" y2=\"{}\" stroke=\"#5b4636\" stroke-width=\"4\"/>",
        y + 40,
        y + 40
    );
    let mut ay = 2130;
    for l in wrap_words(&m.authors.join(", "), 34) {
        let _ = writeln!(
            s,
            "<text x=\"800\" y=\"{ay}\" font-family=\"serif\" font-size=\"56\" text-anchor=\"middle\" fill=\"#2b2118\">{}</text>",
            xml::escape_text(&l)
        );
        ay += 72;
    }
    s.push_str("</svg>\n");
    s
}

fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for w in text.split_whitespace() {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + w.chars().count() <= width => {
                l.push(' ');
                l.push_str(w);
            }
            _ => lines.push(w.to_string()),
        }
    }
    lines
}

/// The cover page: the cover picture alone, described by title and authors.
pub(super) fn cover_page(book: &Book, image: &str) -> String {
    let mut out = String::new();
    xhtml::head(&mut out, &book.meta.language, &book.labels.cover);
    let alt = format!(
        "Cover: {}{}",
        book.meta.title,
        if book.meta.authors.is_empty() {
            String::new()
        } else {
            format!(", by {}", book.meta.authors.join(", "))
        }
    );
    let _ = write!(
        out,
        "<body epub:type=\"frontmatter\">\n<section epub:type=\"cover\" class=\"cover\" aria-label=\"Cover\">\n\
         <img src=\"{}\" alt=\"{}\"/>\n</section>\n</body>\n</html>\n",
        escape_attr(image),
        escape_attr(&alt)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Width and height from a PNG's IHDR.
    fn ihdr(png: &[u8]) -> (u32, u32) {
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        let be = |i: usize| u32::from_be_bytes([png[i], png[i + 1], png[i + 2], png[i + 3]]);
        (be(16), be(20))
    }

    #[test]
    fn a_drawing_is_rendered_to_fit_the_box_stores_ask_for() {
        let fonts = crate::svg::bundled_fonts();
        let tall = br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 160"><rect width="100" height="160" fill="navy"/></svg>"#;
        assert_eq!(ihdr(&raster(tall, fonts.clone()).unwrap()), (1600, 2560));
        // A 2:3 drawing fits the width; a square one the width too.
        let two_three = br#"<svg xmlns="http://www.w3.org/2000/svg" width="600" height="900"/>"#;
        assert_eq!(
            ihdr(&raster(two_three, fonts.clone()).unwrap()),
            (1600, 2400)
        );
        let wide = br#"<svg xmlns="http://www.w3.org/2000/svg" width="3200" height="1000"/>"#;
        assert_eq!(ihdr(&raster(wide, fonts).unwrap()), (1600, 500));
    }

    #[test]
    fn the_same_drawing_makes_the_same_png() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="160" height="256"><text x="10" y="100" font-size="30">Title</text></svg>"#;
        let a = raster(svg, crate::svg::bundled_fonts()).unwrap();
        let b = raster(svg, crate::svg::bundled_fonts()).unwrap();
        assert!(a == b);
        // No time chunk: nothing in it changes from one build to the next.
        assert!(!a.windows(4).any(|w| w == b"tIME"));
    }

    #[test]
    fn a_cover_drawn_in_bands_is_the_picture_drawn_whole() {
        // Text, a frame and a ground, as the generated cover has, with lines of
        // text across band edges (every 128 rows; drawn at the box's size).
        let mut svg = String::from(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="2560">
<rect width="1600" height="2560" fill="#f4efe6"/>
<rect x="80" y="80" width="1440" height="2400" fill="none" stroke="#5b4636" stroke-width="6"/>"##,
        );
        for (i, y) in [150, 640, 700, 1300, 2000].iter().enumerate() {
            let _ = write!(
                svg,
                r##"<text x="800" y="{y}" font-family="serif" font-size="{}" text-anchor="middle" fill="#2b2118">Partners, a title {i}</text>"##,
                60 + 15 * i
            );
        }
        svg.push_str("</svg>");
        let fonts = crate::svg::bundled_fonts();
        let png = raster(svg.as_bytes(), fonts.clone()).unwrap();
        let mut reader = png::Decoder::new(std::io::Cursor::new(&png))
            .read_info()
            .expect("a PNG");
        let mut banded = vec![0; reader.output_buffer_size().expect("a size")];
        let info = reader.next_frame(&mut banded).expect("its pixels");
        assert_eq!((info.width, info.height), COVER_PIXELS);
        assert!(
            COVER_PIXELS.1 > 4 * BAND_ROWS,
            "the test crosses band edges"
        );
        // The same drawing in one piece.
        let tree = usvg::Tree::from_data(svg.as_bytes(), &crate::svg::options(fonts)).unwrap();
        let mut whole = tiny_skia::Pixmap::new(info.width, info.height).unwrap();
        whole.fill(tiny_skia::Color::WHITE);
        let scale = info.width as f32 / tree.size().width();
        resvg::render(
            &tree,
            tiny_skia::Transform::from_scale(scale, scale),
            &mut whole.as_mut(),
        );
        let whole: Vec<u8> = whole
            .data()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        assert_eq!(banded.len(), whole.len());
        // Only anti-aliased edges crossing a band's edge may differ: a few
        // hundred of twelve million samples. A band drawn in the wrong place
        // would differ over whole rows of text and frame.
        let differ = banded.iter().zip(&whole).filter(|(a, b)| a != b).count();
        assert!(differ < 2_000, "{differ} samples differ");
        assert!(
            banded.iter().zip(&whole).any(|(a, _)| *a < 128),
            "nothing dark drawn"
        );
    }

    #[test]
    fn text_that_is_not_svg_is_not_rendered() {
        assert!(raster(b"<svg", crate::svg::bundled_fonts()).is_err());
    }
}
