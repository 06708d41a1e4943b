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
use crate::fonts::Typefaces;
use crate::model::{Book, MediaType, Metadata};
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

impl CoverCache {
    fn get(&self, key: u128) -> Option<(Cover, Option<String>)> {
        self.last
            .as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, made)| made.clone())
    }

    fn put(&mut self, key: u128, made: &(Cover, Option<String>)) {
        self.last = Some((key, made.clone()));
    }
}

/// What a cover is drawn from: an SVG, the faces its text is set in, the
/// author's file when it is theirs; and a key for all of it.
pub struct Drawing {
    svg: std::sync::Arc<[u8]>,
    faces: Typefaces,
    given: Option<String>,
    key: u128,
}

impl Drawing {
    fn new(svg: std::sync::Arc<[u8]>, faces: Typefaces, given: Option<String>) -> Drawing {
        use std::hash::Hasher;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        crate::model::hash_debug(&mut h, &(&faces, &given));
        let mut bytes = svg.to_vec();
        bytes.extend_from_slice(&h.finish().to_le_bytes());
        let key = xxhash_rust::xxh3::xxh3_128(&bytes);
        Drawing {
            svg,
            faces,
            given,
            key,
        }
    }

    /// The generated cover's drawing for `meta`, when its text needs no face
    /// but those `typefaces` names and the bundled ones (the faces found for
    /// the book's other characters are then left out, so that it is the same
    /// drawn before the book's text is read or after): None when it does.
    pub fn generated(meta: &Metadata, typefaces: &Typefaces) -> Option<Drawing> {
        let named = typefaces.named();
        let text = meta
            .title
            .chars()
            .chain(meta.subtitle.iter().flat_map(|s| s.chars()))
            .chain(meta.authors.iter().flat_map(|a| a.chars()))
            // ASCII is in every text face.
            .filter(|c| !c.is_ascii());
        named
            .uncovered(text)
            .is_empty()
            .then(|| Drawing::new(cover_svg(meta).into_bytes().into(), named, None))
    }

    /// The drawing of `book`'s cover: its SVG, or the generated one; None
    /// for a raster picture, which is used as it is.
    fn of(book: &Book) -> Option<Drawing> {
        match book.cover.map(|i| &book.resources[i]) {
            Some(r) if r.media_type != MediaType::Svg => None,
            Some(r) => Some(Drawing::new(
                r.data.clone(),
                book.typefaces.clone(),
                Some(r.name.clone()),
            )),
            None => Some(
                Drawing::generated(&book.meta, &book.typefaces).unwrap_or_else(|| {
                    Drawing::new(
                        cover_svg(&book.meta).into_bytes().into(),
                        book.typefaces.clone(),
                        None,
                    )
                }),
            ),
        }
    }

    /// The cover drawn: a PNG, or the SVG kept with why it could not be
    /// rendered. `in_pool`: its bands are drawn side by side on rayon's
    /// threads; else one after the other on the calling thread (one outside
    /// the pool, which must not wait on the pool's threads: they may be
    /// waiting on it).
    pub fn draw(&self, in_pool: bool) -> (Cover, Option<String>) {
        let fonts = crate::svg::book_fonts(&self.faces);
        match raster(&self.svg, fonts, in_pool) {
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
                    name: self
                        .given
                        .clone()
                        .unwrap_or_else(|| "images/cover.svg".into()),
                    data: self.svg.clone(),
                    media_type: MediaType::Svg.as_str(),
                };
                (kept, Some(why))
            }
        }
    }

    /// The cover drawn last from the same, from `cache`.
    pub fn cached(&self, cache: &CoverCache) -> Option<(Cover, Option<String>)> {
        cache.get(self.key)
    }

    /// Keeps `made`, drawn from this, in `cache`.
    pub fn keep(&self, cache: &mut CoverCache, made: &(Cover, Option<String>)) {
        cache.put(self.key, made);
    }
}

/// `cover`, taken from `cache` when it was drawn from the same drawing and
/// typefaces, and left there.
pub fn cover_with(book: &Book, cache: Option<&mut CoverCache>) -> (Cover, Option<String>) {
    let Some(drawing) = Drawing::of(book) else {
        let r = book
            .cover
            .map(|i| &book.resources[i])
            .expect("a raster cover");
        let given = Cover {
            name: r.name.clone(),
            data: r.data.clone(),
            media_type: r.media_type.as_str(),
        };
        return (given, None);
    };
    if let Some(made) = cache.as_deref().and_then(|c| drawing.cached(c)) {
        return made;
    }
    let made = drawing.draw(true);
    if let Some(c) = cache {
        drawing.keep(c, &made);
    }
    made
}

/// An SVG rendered by resvg at the largest size that fits `COVER_PIXELS`, on
/// white (a transparent cover shows black on some readers), as an 8-bit PNG:
/// indexed when it has at most 256 colours (see `Indexed`), RGB when more.
pub(super) fn raster(
    svg: &[u8],
    fonts: std::sync::Arc<usvg::fontdb::Database>,
    in_pool: bool,
) -> Result<Vec<u8>, String> {
    let tree =
        usvg::Tree::from_data(svg, &crate::svg::options(fonts)).map_err(|e| e.to_string())?;
    let size = tree.size();
    let scale = (COVER_PIXELS.0 as f32 / size.width()).min(COVER_PIXELS.1 as f32 / size.height());
    let width = ((size.width() * scale).round() as u32).clamp(1, COVER_PIXELS.0);
    let height = ((size.height() * scale).round() as u32).clamp(1, COVER_PIXELS.1);
    // Drawn a band of rows at a time, each band's rows indexed (a byte a
    // pixel) or handed to the PNG encoder as it is drawn: 800 KB of pixels, not
    // the whole picture's 16 MB (and 4,000 fresh pages the kernel would
    // clear). Each band is drawn with the same transform, moved up by its top;
    // only anti-aliased edges that cross a band's edge could come out a little
    // different from a drawing made whole (tested), which no eye sees. A run
    // of rows that are all alike is drawn once (see `spans`).
    // As many bands at a time as there are threads, drawn side by side (the
    // cover is drawn while the print edition is laid out: a core that layout
    // leaves idle draws a band), then encoded in order.
    let band_rows = BAND_ROWS.min(height);
    let spans = spans(&tree, scale, height);
    let at_once = if in_pool {
        rayon::current_num_threads().clamp(1, 4)
    } else {
        1
    };
    let mut bands = (0..at_once)
        .map(|_| tiny_skia::Pixmap::new(width, band_rows))
        .collect::<Option<Vec<_>>>()
        .ok_or("the cover has no area to draw on")?;
    let groups: Vec<&[Span]> = spans.chunks(at_once).collect();
    let row_bytes = width as usize * 4;
    let draw = |bands: &mut [tiny_skia::Pixmap], group: &[Span]| {
        use rayon::prelude::*;
        let one = |(band, span): (&mut tiny_skia::Pixmap, &Span)| {
            let rows = span.drawn_rows() as usize;
            let Some(mut pixels) = tiny_skia::PixmapMut::from_bytes(
                &mut band.data_mut()[..rows * row_bytes],
                width,
                rows as u32,
            ) else {
                return;
            };
            pixels.fill(tiny_skia::Color::WHITE);
            resvg::render(
                &tree,
                tiny_skia::Transform::from_scale(scale, scale)
                    .post_translate(0.0, -(span.top as f32)),
                &mut pixels,
            );
        };
        if in_pool {
            bands.par_iter_mut().zip(group).for_each(one);
        } else {
            bands.iter_mut().zip(group).for_each(one);
        }
    };
    // A span's rows drawn, as RGBA samples. Opaque everywhere (drawn over
    // white), so the premultiplied samples are the colours themselves.
    let drawn = |band: &'_ tiny_skia::Pixmap, span: &Span| -> std::ops::Range<usize> {
        0..(span.drawn_rows() as usize * row_bytes).min(band.data().len())
    };
    // Indexed while the picture has at most 256 colours; on the first band
    // that brings more, drawn again from the top as RGB (an author's picture
    // with gradients or a photograph goes past 256 in its first group of
    // bands, which is kept as drawn).
    let mut indexed = Indexed::new(width);
    let mut overflow = None;
    'groups: for (g, group) in groups.iter().enumerate() {
        draw(&mut bands, group);
        for (band, span) in bands.iter().zip(*group) {
            let rows = &band.data()[drawn(band, span)];
            if !indexed.add(rows).map_err(|e| e.to_string())? {
                overflow = Some(g);
                break 'groups;
            }
            indexed
                .repeat(span.rows - span.drawn_rows())
                .map_err(|e| e.to_string())?;
        }
    }
    let mut out = Vec::new();
    let Some(overflow) = overflow else {
        indexed.write_png(&mut out, height)?;
        return Ok(out);
    };
    drop(indexed);
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // fdeflate's fastest mode with the Up filter, as the indexed rows: a
    // quarter of the encoding's work of its adaptive filter (Compression::Fast),
    // for a PNG a third larger that the EPUB's zip compresses to within 2 KB of
    // the other.
    encoder.set_compression(png::Compression::Fastest);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    let mut stream = writer.stream_writer().map_err(|e| e.to_string())?;
    let mut rgb = Vec::with_capacity(width as usize * band_rows as usize * 3);
    for (g, group) in groups.iter().enumerate() {
        if g > 0 || overflow > 0 {
            draw(&mut bands, group);
        }
        for (band, span) in bands.iter().zip(*group) {
            let rows = &band.data()[drawn(band, span)];
            // Sized first and filled three bytes at a time: a loop the
            // compiler keeps tight (pushing each pixel's three bytes cost more
            // than drawing). The alpha is dropped.
            rgb.resize(rows.len() / 4 * 3, 0);
            for (to, from) in rgb.chunks_exact_mut(3).zip(rows.chunks_exact(4)) {
                to.copy_from_slice(&from[..3]);
            }
            std::io::Write::write_all(&mut stream, &rgb).map_err(|e| e.to_string())?;
            // A run of rows alike: its first row, again.
            for _ in span.drawn_rows()..span.rows {
                std::io::Write::write_all(&mut stream, &rgb).map_err(|e| e.to_string())?;
            }
        }
    }
    stream.finish().map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// Rows of a drawing drawn together: a band where something changes from
/// one row to the next, or a run of rows all alike, of which only the first is
/// drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Span {
    top: u32,
    rows: u32,
    alike: bool,
}

impl Span {
    fn drawn_rows(&self) -> u32 {
        if self.alike {
            1
        } else {
            self.rows
        }
    }
}

/// Rows within this many pixels of a shape's edge are drawn in full.
const EDGE_MARGIN: f32 = 2.0;

/// The rows of `tree`, drawn `height` rows high at `scale`, in spans: runs of
/// rows that are all alike (crossed only by level rectangles of one colour, as
/// a cover's ground and frame are, whose top and bottom edges are elsewhere),
/// and bands of at most `BAND_ROWS` rows around everything else. A generated
/// cover is mostly ground and frame: two thirds of its rows are drawn once.
fn spans(tree: &usvg::Tree, scale: f32, height: u32) -> Vec<Span> {
    let mut busy = vec![false; height as usize];
    busy_rows(tree.root(), scale, &mut busy);
    let mut spans: Vec<Span> = Vec::new();
    for (y, &b) in busy.iter().enumerate() {
        let y = y as u32;
        match spans.last_mut() {
            Some(s) if s.alike != b && (!b || s.rows < BAND_ROWS) => s.rows += 1,
            _ => spans.push(Span {
                top: y,
                rows: 1,
                alike: !b,
            }),
        }
    }
    spans
}

/// Marks in `busy` the rows where what `group` draws may change from one row
/// to the next.
fn busy_rows(group: &usvg::Group, scale: f32, busy: &mut [bool]) {
    let mark = |busy: &mut [bool], top: f32, bottom: f32| {
        let from = ((top * scale - EDGE_MARGIN).floor().max(0.0) as usize).min(busy.len());
        let to = ((bottom * scale + EDGE_MARGIN).ceil().max(0.0) as usize).min(busy.len());
        if from < to {
            busy[from..to].fill(true);
        }
    };
    for node in group.children() {
        match node {
            usvg::Node::Group(g)
                if g.clip_path().is_some() || g.mask().is_some() || !g.filters().is_empty() =>
            {
                let b = g.abs_layer_bounding_box();
                mark(busy, b.top(), b.bottom());
            }
            usvg::Node::Group(g) => busy_rows(g, scale, busy),
            usvg::Node::Path(p) if !p.is_visible() => {}
            usvg::Node::Path(p) => match level_rect(p) {
                Some((top, bottom, half_stroke)) => {
                    mark(busy, top - half_stroke, top + half_stroke);
                    mark(busy, bottom - half_stroke, bottom + half_stroke);
                }
                None => {
                    let b = p.abs_stroke_bounding_box();
                    mark(busy, b.top(), b.bottom());
                }
            },
            usvg::Node::Text(t) => {
                let b = t.abs_stroke_bounding_box();
                mark(busy, b.top(), b.bottom());
                busy_rows(t.flattened(), scale, busy);
            }
            usvg::Node::Image(i) => {
                let b = i.abs_bounding_box();
                mark(busy, b.top(), b.bottom());
            }
        }
    }
}

/// A path that is a level rectangle, filled and stroked (without dashes) in
/// one colour, as it is on the canvas: its top and bottom, and half its
/// stroke's width (all in canvas units). Every row between its edges crosses
/// it alike.
fn level_rect(p: &usvg::Path) -> Option<(f32, f32, f32)> {
    let ts = p.abs_transform();
    if ts.kx != 0.0 || ts.ky != 0.0 {
        return None;
    }
    let plain = |paint: &usvg::Paint| matches!(paint, usvg::Paint::Color(_));
    if !p.fill().is_none_or(|f| plain(f.paint())) {
        return None;
    }
    let half_stroke = match p.stroke() {
        None => 0.0,
        Some(s) if plain(s.paint()) && s.dasharray().is_none() => {
            s.width().get() * ts.sx.abs().max(ts.sy.abs()) / 2.0
        }
        Some(_) => return None,
    };
    // A move, three or four lines, and a close: a four-sided figure.
    let mut points = Vec::with_capacity(5);
    let mut closed = false;
    for (i, segment) in p.data().segments().enumerate() {
        match segment {
            tiny_skia::PathSegment::MoveTo(q) if i == 0 => points.push(q),
            tiny_skia::PathSegment::LineTo(q) if i > 0 && !closed => points.push(q),
            tiny_skia::PathSegment::Close if !closed => closed = true,
            _ => return None,
        }
    }
    if !closed || !(4..=5).contains(&points.len()) {
        return None;
    }
    ts.map_points(&mut points);
    // Each side level or upright (the last one back to the first point), and
    // every corner on the top or the bottom: each row between them crosses
    // the same upright sides.
    let first = points[0];
    let mut sides = points.iter().zip(points.iter().skip(1).chain([&first]));
    if !sides.all(|(a, b)| a.x == b.x || a.y == b.y) {
        return None;
    }
    let (top, bottom) = points
        .iter()
        .fold((f32::MAX, f32::MIN), |(t, b), q| (t.min(q.y), b.max(q.y)));
    if !points.iter().all(|q| q.y == top || q.y == bottom) {
        return None;
    }
    Some((top, bottom, half_stroke))
}

/// A picture's rows as palette indices (a byte a pixel), Up-filtered and
/// compressed as they come, and the palette in the order its colours first
/// appear (the same drawing, the same bytes). A drawing in a few flat colours,
/// as the generated cover is (its ground, its two inks and their anti-aliased
/// blends: some fifty colours), makes a lossless indexed PNG with a third of
/// the samples an RGB one has: a third of the work to compress, and a cover
/// half the size in the EPUB.
///
/// The PNG's palette comes before its pixels, and is known only once they all
/// are: the rows are compressed here (fdeflate, as the png crate's fastest
/// mode does) and handed to the png crate as one finished IDAT chunk.
struct Indexed {
    width: usize,
    palette: Palette,
    /// The rows so far as the IDAT chunk holds them: each row's filter byte
    /// (2, Up) and its indices less those of the row above, in a zlib stream.
    zlib: fdeflate::Compressor<Vec<u8>>,
    /// The last row as drawn (RGBA) and as indices: most rows of a cover are
    /// the row above again, all zeros once filtered.
    last_drawn: Vec<u8>,
    last: Vec<u8>,
    /// The row being filtered: its filter byte and differences.
    row: Vec<u8>,
}

impl Indexed {
    fn new(width: u32) -> Self {
        let width = width as usize;
        Indexed {
            width,
            palette: Palette::default(),
            zlib: fdeflate::Compressor::new(Vec::new()).expect("writing to memory"),
            last_drawn: Vec::new(),
            // The row above the first: zeros, as the Up filter takes it.
            last: vec![0; width],
            row: vec![0; width + 1],
        }
    }

    /// Adds the rows of RGBA samples `drawn`: false when one brings the
    /// palette past 256 colours (what was added is then of no use).
    fn add(&mut self, drawn: &[u8]) -> std::io::Result<bool> {
        // Pixels compared with those above them at a time: a row of text is
        // mostly the ground the row above has too.
        const RUN: usize = 16;
        let Indexed {
            width,
            palette,
            zlib,
            last_drawn,
            last,
            row: filtered,
        } = self;
        let mut last_colour = None;
        for row in drawn.chunks_exact(*width * 4) {
            filtered[0] = 2;
            let first = last_drawn.len() != row.len();
            let runs = row
                .chunks(RUN * 4)
                .zip(last.chunks_mut(RUN).zip(filtered[1..].chunks_mut(RUN)));
            for (k, (pixels, (above, out))) in runs.enumerate() {
                if !first && pixels == &last_drawn[k * RUN * 4..][..pixels.len()] {
                    out.fill(0);
                    continue;
                }
                for ((pixel, above), out) in pixels.chunks_exact(4).zip(above).zip(out) {
                    let colour = u32::from_le_bytes([pixel[0], pixel[1], pixel[2], pixel[3]]);
                    let index = match last_colour {
                        Some((c, i)) if c == colour => i,
                        _ => {
                            let Some(i) = palette.index_of(colour) else {
                                return Ok(false);
                            };
                            last_colour = Some((colour, i));
                            i
                        }
                    };
                    *out = index.wrapping_sub(*above);
                    *above = index;
                }
            }
            zlib.write_data(filtered)?;
            last_drawn.clear();
            last_drawn.extend_from_slice(row);
        }
        Ok(true)
    }

    /// Adds the last row added `times` again: rows of zeros once filtered.
    fn repeat(&mut self, times: u32) -> std::io::Result<()> {
        self.row[0] = 2;
        self.row[1..].fill(0);
        for _ in 0..times {
            self.zlib.write_data(&self.row)?;
        }
        Ok(())
    }

    /// The picture as an indexed PNG, `height` rows added.
    fn write_png(self, out: &mut Vec<u8>, height: u32) -> Result<(), String> {
        let idat = self.zlib.finish().map_err(|e| e.to_string())?;
        let mut encoder = png::Encoder::new(out, self.width as u32, height);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_palette(
            self.palette
                .colours
                .iter()
                .flat_map(|c| {
                    let [r, g, b, _] = c.to_le_bytes();
                    [r, g, b]
                })
                .collect::<Vec<u8>>(),
        );
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        writer
            .write_chunk(png::chunk::IDAT, &idat)
            .map_err(|e| e.to_string())?;
        writer.finish().map_err(|e| e.to_string())
    }
}

/// Up to 256 colours (RGBA as a little-endian `u32`), in the order they came,
/// and where each was last found.
struct Palette {
    colours: Vec<u32>,
    /// A colour and its index plus one (0: empty), in a slot picked by the
    /// colour's hash: the blends at the edges of letters change colour every
    /// few pixels, and searching the palette each time cost more than drawing.
    seen: Box<[(u32, u16); 1024]>,
}

impl Default for Palette {
    fn default() -> Self {
        Palette {
            colours: Vec::new(),
            seen: Box::new([(0, 0); 1024]),
        }
    }
}

impl Palette {
    /// The index of `colour`, added when new; None when it would be the 257th.
    fn index_of(&mut self, colour: u32) -> Option<u8> {
        let slot = (colour.wrapping_mul(0x9E37_79B1) >> 22) as usize;
        let (c, i) = self.seen[slot];
        if i != 0 && c == colour {
            return Some((i - 1) as u8);
        }
        let i = match self.colours.iter().position(|&c| c == colour) {
            Some(i) => i,
            None if self.colours.len() < 256 => {
                self.colours.push(colour);
                self.colours.len() - 1
            }
            None => return None,
        };
        self.seen[slot] = (colour, i as u16 + 1);
        Some(i as u8)
    }
}

/// A plain typographic cover: title, subtitle and authors on a quiet ground,
/// drawn at `DRAWING`; its text is in the serif, the book's headings or body
/// family when it names one (see `crate::svg::book_fonts`).
fn cover_svg(m: &Metadata) -> String {
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
        assert_eq!(
            ihdr(&raster(tall, fonts.clone(), true).unwrap()),
            (1600, 2560)
        );
        // A 2:3 drawing fits the width; a square one the width too.
        let two_three = br#"<svg xmlns="http://www.w3.org/2000/svg" width="600" height="900"/>"#;
        assert_eq!(
            ihdr(&raster(two_three, fonts.clone(), true).unwrap()),
            (1600, 2400)
        );
        let wide = br#"<svg xmlns="http://www.w3.org/2000/svg" width="3200" height="1000"/>"#;
        assert_eq!(ihdr(&raster(wide, fonts, true).unwrap()), (1600, 500));
    }

    #[test]
    fn the_same_drawing_makes_the_same_png() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="160" height="256"><text x="10" y="100" font-size="30">Title</text></svg>"#;
        let a = raster(svg, crate::svg::bundled_fonts(), true).unwrap();
        let b = raster(svg, crate::svg::bundled_fonts(), true).unwrap();
        assert!(a == b);
        // Drawn a band at a time on a thread of its own, the same.
        let alone = raster(svg, crate::svg::bundled_fonts(), false).unwrap();
        assert!(a == alone);
        // No time chunk: nothing in it changes from one build to the next.
        assert!(!a.windows(4).any(|w| w == b"tIME"));
    }

    /// A PNG's colour type and its pixels as RGB (a palette expanded).
    fn decoded(png: &[u8]) -> (png::ColorType, (u32, u32), Vec<u8>) {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().expect("a PNG");
        let colour = reader.info().color_type;
        let mut rgb = vec![0; reader.output_buffer_size().expect("a size")];
        let info = reader.next_frame(&mut rgb).expect("its pixels");
        assert_eq!(info.color_type, png::ColorType::Rgb);
        (colour, (info.width, info.height), rgb)
    }

    /// `svg` drawn in one piece at `width`, as RGB over white.
    fn drawn_whole(svg: &str, width: u32, height: u32) -> Vec<u8> {
        let tree = usvg::Tree::from_data(
            svg.as_bytes(),
            &crate::svg::options(crate::svg::bundled_fonts()),
        )
        .unwrap();
        let mut whole = tiny_skia::Pixmap::new(width, height).unwrap();
        whole.fill(tiny_skia::Color::WHITE);
        let scale = width as f32 / tree.size().width();
        resvg::render(
            &tree,
            tiny_skia::Transform::from_scale(scale, scale),
            &mut whole.as_mut(),
        );
        whole
            .data()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect()
    }

    /// Text, a frame and a ground, as the generated cover has, with lines of
    /// text across band edges (every 128 rows; drawn at the box's size), on
    /// `ground`.
    fn framed_text(ground: &str) -> String {
        let mut svg = format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="2560">
<defs><linearGradient id="fade" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#f4efe6"/><stop offset="1" stop-color="#2060a0"/></linearGradient></defs>
<rect width="1600" height="2560" fill="{ground}"/>
<rect x="80" y="80" width="1440" height="2400" fill="none" stroke="#5b4636" stroke-width="6"/>"##
        );
        for (i, y) in [150, 640, 700, 1300, 2000].iter().enumerate() {
            let _ = write!(
                svg,
                r##"<text x="800" y="{y}" font-family="serif" font-size="{}" text-anchor="middle" fill="#2b2118">Partners, a title {i}</text>"##,
                60 + 15 * i
            );
        }
        svg.push_str("</svg>");
        svg
    }

    /// Only anti-aliased edges crossing a band's edge may differ: a few
    /// hundred of twelve million samples. A band drawn in the wrong place, a
    /// colour indexed wrong, would differ over whole rows.
    fn assert_alike(banded: &[u8], whole: &[u8]) {
        assert_eq!(banded.len(), whole.len());
        let differ = banded.iter().zip(whole).filter(|(a, b)| a != b).count();
        assert!(differ < 2_000, "{differ} samples differ");
        assert!(banded.iter().any(|a| *a < 128), "nothing dark drawn");
    }

    #[test]
    fn a_cover_drawn_in_bands_is_the_picture_drawn_whole() {
        assert!(
            COVER_PIXELS.1 > 4 * BAND_ROWS,
            "the test crosses band edges"
        );
        let svg = framed_text("#f4efe6");
        let png = raster(svg.as_bytes(), crate::svg::bundled_fonts(), true).unwrap();
        let (colour, size, banded) = decoded(&png);
        assert_eq!(size, COVER_PIXELS);
        // A ground, two inks and their blends: indexed, losing nothing.
        assert_eq!(colour, png::ColorType::Indexed);
        assert_alike(&banded, &drawn_whole(&svg, size.0, size.1));
    }

    #[test]
    fn a_drawing_of_more_than_256_colours_is_written_as_rgb() {
        // A gradient ground: thousands of colours from the first band.
        let svg = framed_text("url(#fade)");
        let png = raster(svg.as_bytes(), crate::svg::bundled_fonts(), true).unwrap();
        let (colour, size, banded) = decoded(&png);
        assert_eq!(colour, png::ColorType::Rgb);
        assert_alike(&banded, &drawn_whole(&svg, size.0, size.1));
        // The 257th colour in a later band: the bands before it, indexed
        // first, are drawn again as RGB.
        let late = framed_text("#f4efe6").replace(
            "</svg>",
            r##"<rect x="200" y="2200" width="1200" height="100" fill="url(#fade)"/></svg>"##,
        );
        let png = raster(late.as_bytes(), crate::svg::bundled_fonts(), true).unwrap();
        let (colour, size, banded) = decoded(&png);
        assert_eq!(colour, png::ColorType::Rgb);
        assert_alike(&banded, &drawn_whole(&late, size.0, size.1));
    }

    fn tree(svg: &str) -> usvg::Tree {
        usvg::Tree::from_data(
            svg.as_bytes(),
            &crate::svg::options(crate::svg::bundled_fonts()),
        )
        .unwrap()
    }

    /// The rows that `spans` draws in full.
    fn busy(svg: &str) -> Vec<u32> {
        spans(&tree(svg), 1.0, 1000)
            .iter()
            .filter(|s| !s.alike)
            .flat_map(|s| s.top..s.top + s.rows)
            .collect()
    }

    #[test]
    fn rows_crossed_only_by_level_rectangles_are_drawn_once() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="1000">
<rect width="400" height="1000" fill="#f4efe6"/>
<rect x="20" y="100" width="360" height="800" fill="none" stroke="#5b4636" stroke-width="6"/>
<text x="200" y="500" font-family="serif" font-size="40" text-anchor="middle">Title</text>
</svg>"##;
        let spans = spans(&tree(svg), 1.0, 1000);
        // Every row once, in order; bands no taller than BAND_ROWS.
        assert_eq!(spans[0].top, 0);
        assert!(spans.windows(2).all(|w| w[0].top + w[0].rows == w[1].top));
        assert_eq!(spans.last().map(|s| s.top + s.rows), Some(1000));
        assert!(spans.iter().all(|s| s.alike || s.rows <= BAND_ROWS));
        let busy = busy(svg);
        // The ground's edges, the frame's top and bottom (its stroke, 3 on
        // each side) and the line of text; not the frame's sides between.
        for y in [0, 1, 97, 100, 103, 897, 903, 998, 999, 480, 495] {
            assert!(busy.contains(&y), "row {y} drawn in full");
        }
        for y in [10, 90, 110, 300, 700, 890, 910, 990] {
            assert!(!busy.contains(&y), "row {y} drawn once for its run");
        }
        assert!(busy.len() < 150, "{} rows drawn in full", busy.len());
    }

    #[test]
    fn anything_else_is_drawn_in_full_where_it_is() {
        let ground = r##"<rect width="400" height="1000" fill="#f4efe6"/>"##;
        let whole = |shape: &str| {
            busy(&format!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="1000"><defs><linearGradient id="g"><stop offset="0" stop-color="red"/><stop offset="1" stop-color="blue"/></linearGradient><clipPath id="c"><circle cx="200" cy="400" r="100"/></clipPath></defs>{ground}{shape}</svg>"##
            ))
        };
        for shape in [
            // Turned, dashed, shaded, a path that is no rectangle, a circle, a
            // rectangle clipped to a circle.
            r##"<rect x="100" y="300" width="200" height="200" transform="rotate(10 200 400)"/>"##,
            r##"<rect x="100" y="300" width="200" height="200" fill="none" stroke="black" stroke-dasharray="5 5"/>"##,
            r##"<rect x="100" y="300" width="200" height="200" fill="url(#g)"/>"##,
            r##"<path d="M100 300 L300 300 L300 400 L200 400 L200 500 L100 500 Z"/>"##,
            r##"<circle cx="200" cy="400" r="100"/>"##,
            r##"<g clip-path="url(#c)"><rect x="0" y="300" width="400" height="200"/></g>"##,
        ] {
            let busy = whole(shape);
            assert!(
                (300..=500).all(|y| busy.contains(&y)),
                "{shape}: its rows drawn in full"
            );
        }
    }

    #[test]
    fn a_cover_whose_text_needs_a_face_found_for_it_waits_for_the_book() {
        let mut meta = Metadata {
            title: "Tips to Partners".into(),
            subtitle: Some("A guide, déjà vu".into()),
            authors: vec!["Ann Ödön".into()],
            ..Metadata::default()
        };
        assert!(Drawing::generated(&meta, &Typefaces::default()).is_some());
        // A letter no bundled face has: the faces found for the book decide.
        meta.authors.push("\u{13000}".into());
        assert!(Drawing::generated(&meta, &Typefaces::default()).is_none());
    }

    #[test]
    fn text_that_is_not_svg_is_not_rendered() {
        assert!(raster(b"<svg", crate::svg::bundled_fonts(), true).is_err());
    }
}
