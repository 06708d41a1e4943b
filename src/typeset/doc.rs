//! The laid-out document handed to the PDF writer: pages of positioned glyph runs,
//! rules and links, plus the outline, page labels and metadata.
//!
//! Plain data; knows nothing of the model or of how it was laid out. Coordinates are
//! PDF points (1/72 in) with the origin at the bottom left of the page. It carries the
//! font files its text runs use, so that the writer needs nothing else.

/// A length in PDF points (1/72 inch).
pub type Pt = f32;

/// Index of a font face in `Document::faces` (the typesetter's `FontSet`, in its order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FaceId(pub usize);

#[derive(Debug, Clone, Default)]
pub struct Document {
    pub pages: Vec<Page>,
    /// The outline (bookmarks), in order; nesting by `level` (1 = top).
    pub outline: Vec<OutlineEntry>,
    /// Page label ranges, in page order; the first starts at page 0.
    pub labels: Vec<LabelRange>,
    pub info: Info,
    /// Images drawn by `Item::Image`, by index.
    pub images: Vec<Image>,
    /// The font files of the faces text runs use, indexed by `FaceId`.
    pub faces: Vec<FaceFile>,
    /// Where each page begins in the book's text, in page order: not drawn, but
    /// handed to the EPUB (by `lib.rs`) for its page list.
    pub page_breaks: Vec<crate::model::pages::PageBreak>,
    /// What a print service asks of the file; the default asks nothing.
    pub print: PrintFile,
}

/// What a print-on-demand service asks of the file beyond its pages (`pdf.profile`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PrintFile {
    /// Each page's bleed beyond its trim, by page index; empty when the pages do
    /// not bleed. A page's `width` and `height` stay its trim: the writer makes the
    /// media box larger by the bleed and moves the drawing so that the trim box
    /// lands where the trim is.
    pub bleed: Vec<Edges>,
    /// Mark the file as PDF/X-1a:2003 (output intent, version, Info keys). Set only
    /// when the document holds nothing PDF/X-1a forbids: colour other than grey,
    /// transparency, drawings copied whole from other files, link annotations.
    pub pdfx: bool,
}

/// A length on each edge of a page, in points.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Edges {
    pub left: Pt,
    pub right: Pt,
    pub top: Pt,
    pub bottom: Pt,
}

/// One font face's file, to be subset and embedded.
#[derive(Clone)]
pub struct FaceFile {
    /// PostScript name, e.g. "CharisSIL"; also names the face in error messages.
    pub name: String,
    /// The whole TrueType or OpenType file or collection.
    pub data: crate::fonts::FontData,
    /// The face's index in a collection; 0 in a single font.
    pub index: u32,
    /// Drawn slanted or emboldened: a style its family lacks.
    pub synthetic: Synthetic,
}

/// How a face is drawn differently from its outlines: a style made from another.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Synthetic {
    /// Horizontal shear (tan of the slant angle); 0 for upright.
    pub slant: f32,
    /// Width of the stroke drawn around the outlines, in ems; 0 for none.
    pub embolden: f32,
}

impl Synthetic {
    pub fn is_none(&self) -> bool {
        self.slant == 0.0 && self.embolden == 0.0
    }
}

impl std::fmt::Debug for FaceFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceFile")
            .field("name", &self.name)
            .field("bytes", &self.data.len())
            .finish()
    }
}

/// A picture as the PDF carries it: a raster file as the book gives it, or a
/// drawing. Raster pixels are not held here: the writer decodes each picture
/// (or copies its compressed data) when it writes it, one at a time.
#[derive(Debug, Clone)]
pub struct Image {
    /// Pixels; for a drawing, its size in CSS pixels, rounded.
    pub width: u32,
    pub height: u32,
    /// Its size in print when nothing scales it: its pixels at its own
    /// resolution (PNG pHYs, JPEG JFIF density) or at CSS's 96 per inch; a
    /// drawing's width and height.
    pub size: (Pt, Pt),
    pub data: ImageData,
}

impl Image {
    /// Made of pixels (its resolution in print matters), not a drawing.
    pub fn is_raster(&self) -> bool {
        !matches!(self.data, ImageData::Vector { .. })
    }
}

#[derive(Debug, Clone)]
pub enum ImageData {
    /// A drawing (an SVG): a PDF file whose object `form` is a form XObject one
    /// unit square, as an image XObject is, holding the drawing and everything
    /// it uses. The writer copies that object and what it refers to.
    Vector { pdf: Vec<u8>, form: u32 },
    /// A JPEG file, embedded as is; `components` is 1 (gray), 3 (RGB) or 4 (CMYK).
    Jpeg {
        bytes: std::sync::Arc<[u8]>,
        components: u8,
    },
    /// A PNG, GIF or WebP file (the book's own bytes, shared, not copied), its
    /// header read and checked: the writer makes its samples, and its alpha as
    /// a soft mask, when it writes it.
    Raster {
        bytes: std::sync::Arc<[u8]>,
        format: RasterFormat,
        /// Gray samples (else RGB, or a palette of colours).
        gray: bool,
        /// It may be transparent: it has an alpha channel or a transparent
        /// colour. The writer leaves out a mask in which every pixel is opaque.
        alpha: bool,
    },
}

/// The raster formats the writer decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RasterFormat {
    Png,
    Gif,
    Webp,
}

#[derive(Debug, Clone, Default)]
pub struct Page {
    pub width: Pt,
    pub height: Pt,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone)]
pub enum Item {
    Text(TextRun),
    /// A straight line (rules, underlines).
    Line {
        x1: Pt,
        y1: Pt,
        x2: Pt,
        y2: Pt,
        width: Pt,
    },
    /// A clickable area.
    Link {
        rect: Rect,
        target: LinkTarget,
    },
    /// `Document::images[image]` scaled into `rect`.
    Image {
        image: usize,
        rect: Rect,
    },
    /// A rectangle, filled, stroked or both (a code block's tint, a box's frame).
    /// Drawn where it stands in the page's items: before the text it lies under.
    Rect {
        rect: Rect,
        fill: Option<Color>,
        /// Colour and line width of the frame.
        stroke: Option<(Color, Pt)>,
    },
}

/// A fingerprint of drawn items, 128 bits of XXH3 over every field of every
/// item (a glyph's id, offsets and text; each run's face, size, place, colour,
/// scale; rules, boxes, pictures, links): what a rebuild (`watch`) knows a page
/// by, to reuse what it made of the same items before (its margin check, its
/// drawing). Equal items give equal fingerprints within a process (interned
/// glyph texts are numbered for the process).
pub fn fingerprint(items: &[Item]) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut b = Vec::with_capacity(64);
    for item in items {
        b.clear();
        item.bytes_into(&mut b);
        h.update(&b);
        if let Item::Text(run) = item {
            // The glyphs as they lie in memory: 12 bytes each, no padding.
            h.update(bytemuck::cast_slice(&run.glyphs));
        }
    }
    h.digest128()
}

impl Item {
    /// Every field but a run's glyphs (hashed as they lie), tagged and with
    /// lengths, so that different items never give the same bytes.
    fn bytes_into(&self, b: &mut Vec<u8>) {
        let f = |b: &mut Vec<u8>, v: f32| b.extend_from_slice(&v.to_bits().to_le_bytes());
        let rect = |b: &mut Vec<u8>, r: &Rect| {
            for v in [r.x, r.y, r.width, r.height] {
                f(b, v);
            }
        };
        let color = |b: &mut Vec<u8>, c: Option<Color>| match c {
            Some(Color(r, g, bl)) => b.extend_from_slice(&[1, r, g, bl]),
            None => b.push(0),
        };
        match self {
            Item::Text(run) => {
                b.push(1);
                b.extend_from_slice(&(run.face.0 as u64).to_le_bytes());
                for v in [run.size, run.x, run.y, run.scale] {
                    f(b, v);
                }
                color(b, run.color);
                b.push(u8::from(run.turned));
                b.extend_from_slice(&(run.glyphs.len() as u64).to_le_bytes());
            }
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                width,
            } => {
                b.push(2);
                for v in [*x1, *y1, *x2, *y2, *width] {
                    f(b, v);
                }
            }
            Item::Link { rect: r, target } => {
                b.push(3);
                rect(b, r);
                match target {
                    LinkTarget::Page { page, y } => {
                        b.push(0);
                        b.extend_from_slice(&(*page as u64).to_le_bytes());
                        f(b, *y);
                    }
                    LinkTarget::Uri(uri) => {
                        b.push(1);
                        b.extend_from_slice(&(uri.len() as u64).to_le_bytes());
                        b.extend_from_slice(uri.as_bytes());
                    }
                }
            }
            Item::Image { image, rect: r } => {
                b.push(4);
                b.extend_from_slice(&(*image as u64).to_le_bytes());
                rect(b, r);
            }
            Item::Rect {
                rect: r,
                fill,
                stroke,
            } => {
                b.push(5);
                rect(b, r);
                color(b, *fill);
                match stroke {
                    Some((c, w)) => {
                        b.push(1);
                        color(b, Some(*c));
                        f(b, *w);
                    }
                    None => b.push(0),
                }
            }
        }
    }
}

/// A colour in DeviceRGB, 0–255 a channel; a grey has three equal channels and is
/// written as DeviceGray.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Color(pub u8, pub u8, pub u8);

impl Color {
    pub const BLACK: Color = Color(0, 0, 0);
    /// A grey, `level` from 0 (black) to 255 (white).
    pub const fn gray(level: u8) -> Color {
        Color(level, level, level)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: Pt,
    pub y: Pt,
    pub width: Pt,
    pub height: Pt,
}

/// Glyphs of one face and size on one baseline.
#[derive(Debug, Clone)]
pub struct TextRun {
    pub face: FaceId,
    pub size: Pt,
    /// Start of the run: x of the left edge, y of the baseline.
    pub x: Pt,
    pub y: Pt,
    pub glyphs: Vec<PlacedGlyph>,
    /// The fill colour of the glyphs; black when None.
    pub color: Option<Color>,
    /// Horizontal scale of the glyphs (font expansion): 1 as designed, 1.02 two
    /// per cent wider. The `dx` already count it.
    pub scale: f32,
    /// Drawn turned a quarter clockwise about (x, y): the baseline runs down the
    /// page, as a spine's title reads with the book lying face up. Offsets are
    /// along the turned baseline.
    pub turned: bool,
}

/// Twelve bytes: a long book holds millions of glyphs, twice over while it is
/// placed. Laid out as written, without padding, so that a run's glyphs can be
/// hashed as bytes (`fingerprint`).
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub struct PlacedGlyph {
    /// Glyph id in the face.
    pub id: u16,
    /// Offset from the run's baseline (a mark set above or below its letter).
    pub dy: Dy,
    /// Offset from the run's origin.
    pub dx: Pt,
    /// The text this glyph stands for, for copy and search (ToUnicode): "fi" for a
    /// ligature, "" for the second glyph of a cluster.
    pub text: GlyphText,
}

/// A glyph's offset from its baseline in 1/128 pt (0.003 mm), within ±256 pt:
/// the shaper's mark offsets, nearly always 0. Two bytes where a `Pt` takes four.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(transparent)]
pub struct Dy(i16);

/// Steps of `Dy` in a point.
const DY_STEPS: f32 = 128.0;

impl Dy {
    pub const ZERO: Dy = Dy(0);

    /// The offset in points.
    pub fn pt(self) -> Pt {
        f32::from(self.0) / DY_STEPS
    }
}

impl From<Pt> for Dy {
    /// Rounded to the nearest step; an offset beyond ±256 pt (no font sets a
    /// mark so far off) is held at the limit, and one that is not a number is 0.
    fn from(v: Pt) -> Dy {
        // `as` saturates, and takes NaN to 0.
        Dy((v * DY_STEPS).round() as i16)
    }
}

/// A glyph's text in four bytes, so that a glyph takes 12 and a thousand-page
/// book's millions of glyphs (held twice while it is placed) cost little. Texts of
/// up to four UTF-8 bytes (one letter of any script, an emoji, a ligature's "fi"
/// or "ffi") are kept in the bytes themselves, padded with zeros; longer ones (an
/// Indic cluster, a long ligature) are interned once for the whole process and
/// the bytes hold their number. Equal texts have equal bytes, so comparing and
/// hashing the bytes compares and hashes the texts.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(transparent)]
pub struct GlyphText([u8; 4]);

/// The first byte of an interned text's number: never the first byte of UTF-8.
const INTERNED: u8 = 0xFF;

/// Glyph texts longer than four bytes, each once, for the life of the process
/// (few: the distinct clusters of the books built; a rebuild finds the same ones
/// again, so the table does not grow with rebuilds). Leaked, so that a text is
/// read as `&'static str`. Reading one takes no lock: text `n` lives in a slot
/// of chunk `k` (chunk `k` holds 2^k slots), each slot set once, before its
/// number is handed out. Only a new text takes the write lock of the map that
/// finds a text's number.
struct Interned {
    chunks: [std::sync::OnceLock<Box<[std::sync::OnceLock<&'static str>]>>; CHUNKS],
    numbers: std::sync::RwLock<std::collections::HashMap<&'static str, u32>>,
}

/// Chunks of the table: room for 2^24 − 1 texts, the most a number's three
/// bytes can name.
const CHUNKS: usize = 24;

fn interned() -> &'static Interned {
    static TABLE: std::sync::OnceLock<Interned> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| Interned {
        chunks: std::array::from_fn(|_| std::sync::OnceLock::new()),
        numbers: std::sync::RwLock::new(std::collections::HashMap::new()),
    })
}

/// Where text `n` lives: its chunk and its slot in the chunk.
fn slot_of(n: usize) -> (usize, usize) {
    let m = n + 1;
    let chunk = (usize::BITS - 1 - m.leading_zeros()) as usize;
    (chunk, m - (1 << chunk))
}

impl Interned {
    fn get(&self, n: usize) -> Option<&'static str> {
        let (chunk, slot) = slot_of(n);
        self.chunks.get(chunk)?.get()?.get(slot)?.get().copied()
    }

    /// Text `s`'s number, given it one if it has none; None when the table is
    /// full.
    fn number(&self, s: &str) -> Option<u32> {
        let found = self
            .numbers
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(s)
            .copied();
        if found.is_some() {
            return found;
        }
        let mut numbers = self.numbers.write().unwrap_or_else(|e| e.into_inner());
        if let Some(&n) = numbers.get(s) {
            return Some(n);
        }
        let n = numbers.len();
        let (chunk, slot) = slot_of(n);
        let slots = self.chunks.get(chunk)?.get_or_init(|| {
            (0..1usize << chunk)
                .map(|_| std::sync::OnceLock::new())
                .collect()
        });
        let text: &'static str = Box::leak(s.into());
        slots.get(slot)?.set(text).ok()?;
        numbers.insert(text, n as u32);
        Some(n as u32)
    }
}

impl GlyphText {
    pub fn as_str(&self) -> &str {
        let b = &self.0;
        if b[0] == INTERNED {
            let n = u32::from_le_bytes([b[1], b[2], b[3], 0]) as usize;
            return interned().get(n).unwrap_or("");
        }
        let len = b.iter().position(|&c| c == 0).unwrap_or(4);
        // Only ever filled from a whole `&str` of `len` bytes (`From<&str>`; the
        // field is private to this module), so the bytes are UTF-8: not checked
        // again, as every glyph of a book is read this way several times.
        #[allow(unsafe_code)]
        // SAFETY: `b[..len]` is a whole `&str` copied in `From<&str>`.
        unsafe {
            std::str::from_utf8_unchecked(&b[..len])
        }
    }
}

impl From<&str> for GlyphText {
    fn from(s: &str) -> Self {
        // A text with a NUL in it would be cut short there: interned too.
        if s.len() <= 4 && !s.as_bytes().contains(&0) {
            let mut buf = [0; 4];
            buf[..s.len()].copy_from_slice(s.as_bytes());
            return GlyphText(buf);
        }
        // Sixteen million distinct clusters: not a book. The glyph keeps no
        // text (it is still drawn; only copying it loses it).
        let Some(n) = interned().number(s) else {
            return GlyphText::default();
        };
        let [a, b, c, _] = n.to_le_bytes();
        GlyphText([INTERNED, a, b, c])
    }
}

impl From<String> for GlyphText {
    fn from(s: String) -> Self {
        GlyphText::from(s.as_str())
    }
}

impl std::ops::Deref for GlyphText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for GlyphText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum LinkTarget {
    /// A place in this document: page index and the y of the top of the target.
    Page {
        page: usize,
        y: Pt,
    },
    Uri(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    pub title: String,
    pub level: u8,
    pub page: usize,
    pub y: Pt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelStyle {
    /// i, ii, iii
    RomanLower,
    /// 1, 2, 3
    Decimal,
    /// No number (blank pages, title page)
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelRange {
    /// Index of the first page of the range.
    pub start: usize,
    pub style: LabelStyle,
    /// Number of the first page of the range.
    pub first: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Info {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// BCP 47, e.g. `en`.
    pub language: String,
    /// Seconds since the Unix epoch, for CreationDate and ModDate.
    pub date: i64,
    /// The book reads right to left and binds on the right: a viewer shows its
    /// spreads with the earlier page on the right.
    pub right_to_left: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_items_have_equal_fingerprints_and_any_change_a_different_one() {
        let glyph = |id, dx: Pt, text: &str| PlacedGlyph {
            id,
            dy: Dy::ZERO,
            dx,
            text: text.into(),
        };
        let run = TextRun {
            face: FaceId(0),
            size: 10.0,
            x: 72.0,
            y: 600.0,
            glyphs: vec![glyph(5, 0.0, "a"), glyph(6, 5.0, "an Indic cluster")],
            color: None,
            scale: 1.0,
            turned: false,
        };
        let items = vec![
            Item::Text(run.clone()),
            Item::Link {
                rect: Rect {
                    x: 72.0,
                    y: 600.0,
                    width: 10.0,
                    height: 10.0,
                },
                target: LinkTarget::Page { page: 3, y: 500.0 },
            },
        ];
        let same = fingerprint(&items.clone());
        assert_eq!(fingerprint(&items), same);
        let changed = |f: &dyn Fn(&mut Vec<Item>)| {
            let mut other = items.clone();
            f(&mut other);
            fingerprint(&other)
        };
        fn text(items: &mut [Item]) -> &mut TextRun {
            match &mut items[0] {
                Item::Text(run) => run,
                _ => unreachable!(),
            }
        }
        let others = [
            changed(&|i| text(i).glyphs[1].dx = 5.01),
            changed(&|i| text(i).glyphs[1].text = "another cluster".into()),
            changed(&|i| text(i).glyphs[0].dy = Dy::from(1.0)),
            changed(&|i| text(i).glyphs.pop().map(drop).unwrap_or_default()),
            changed(&|i| text(i).color = Some(Color::gray(128))),
            changed(&|i| text(i).face = FaceId(1)),
            changed(&|i| {
                i[1] = Item::Link {
                    rect: Rect {
                        x: 72.0,
                        y: 600.0,
                        width: 10.0,
                        height: 10.0,
                    },
                    target: LinkTarget::Page { page: 4, y: 500.0 },
                }
            }),
            changed(&|i| i.swap(0, 1)),
            changed(&|i| i.truncate(1)),
        ];
        for (k, other) in others.iter().enumerate() {
            assert_ne!(*other, same, "change {k} kept the fingerprint");
        }
    }

    #[test]
    fn glyph_text_keeps_short_and_long_texts_and_a_glyph_stays_small() {
        for text in [
            "",
            "f",
            "fi",
            "é",
            "ffi",
            "ffl",
            "中",
            "👩",
            "👩‍👩‍👧‍👦",
            "क्षि",
            "a\0",
            &"x".repeat(200),
        ] {
            assert_eq!(GlyphText::from(text).as_str(), text);
        }
        // A long text is interned once: the same text, the same bytes.
        assert_eq!(GlyphText::from("क्षि"), GlyphText::from("क्षि".to_string()));
        assert_ne!(GlyphText::from("क्षि"), GlyphText::from("क्षी"));
        // Many texts, from several threads at once: each keeps its own number
        // and reads back, across the table's chunks.
        let texts: Vec<String> = (0..5000).map(|i| format!("cluster {i}")).collect();
        let numbered: Vec<Vec<GlyphText>> = std::thread::scope(|s| {
            let jobs: Vec<_> = (0..4)
                .map(|_| s.spawn(|| texts.iter().map(|t| GlyphText::from(t.as_str())).collect()))
                .collect();
            jobs.into_iter()
                .map(|j| j.join().expect("a thread"))
                .collect()
        });
        for each in &numbered {
            assert_eq!(each, &numbered[0]);
            for (g, t) in each.iter().zip(&texts) {
                assert_eq!(g.as_str(), t);
            }
        }
        assert_eq!(slot_of(0), (0, 0));
        assert_eq!(slot_of(1), (1, 0));
        assert_eq!(slot_of(2), (1, 1));
        assert_eq!(slot_of(6), (2, 3));
        assert_eq!(slot_of((1 << 24) - 2), (23, (1 << 23) - 1));
        assert_eq!(GlyphText::from("fi"), GlyphText::from("fi".to_string()));
        // A thousand-page book holds millions of glyphs, twice over while it is
        // placed: their size is its memory.
        assert_eq!(std::mem::size_of::<GlyphText>(), 4);
        assert!(std::mem::size_of::<PlacedGlyph>() <= 12);
        // Offsets from the baseline keep 1/128 pt.
        for v in [0.0, 0.5, -3.25, 17.4, -200.0] {
            assert!((Dy::from(v).pt() - v).abs() <= 0.5 / 128.0, "{v}");
        }
        assert_eq!(Dy::from(f32::NAN), Dy::ZERO);
        assert!(Dy::from(1e6).pt() > 255.0);
    }
}
