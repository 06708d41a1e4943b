//! The font faces the typesetter sets text in, with their metrics (in ems) and
//! character coverage: the book's typefaces (`crate::fonts::Typefaces`: the
//! author's families, installed ones found for the book's characters) over the
//! bundled Charis SIL (body), DejaVu Sans Mono (code) and DejaVu Sans (fallback).
//!
//! A style a family lacks is made from the nearest face it has, slanted (italic) or
//! emboldened (bold) when drawn, as browsers and Typst do, so that emphasis never
//! silently changes family. Does not shape text (see `shape`), subset or embed fonts
//! (see `pdf`), or find files (see `crate::fonts`).

use std::fmt;

use skrifa::font::metrics::{LineBox, Metrics};
use skrifa::font::name::NameId;
use skrifa::font::Font;
use skrifa::raw::types::F48Dot16;

use crate::fonts::{Family, FontData, FontFile, Slot, Typefaces, BUNDLED_FALLBACK, BUNDLED_MONO};
use crate::typeset::doc::{FaceId, Pt, Synthetic};

/// A length in ems: multiply by the font size in points to get [`Pt`].
pub type Em = f32;

/// Cap height assumed when a face gives none (no OS/2 v2 field and no 'H'):
/// roughly that of a book serif.
const FALLBACK_CAP_HEIGHT: Em = 0.7;
/// x-height assumed when a face gives none (no OS/2 v2 field and no 'x').
const FALLBACK_X_HEIGHT: Em = 0.47;
/// Ascender and descender assumed for a face with no line metrics at all.
const FALLBACK_ASCENDER: Em = 0.8;
const FALLBACK_DESCENDER: Em = -0.2;
/// Underline placement assumed when `post` gives none: a little below the
/// baseline, a twentieth of an em thick.
const FALLBACK_UNDERLINE_POSITION: Em = -0.1;
const FALLBACK_UNDERLINE_THICKNESS: Em = 0.05;

/// Characters below this are looked up in a bitmap built once per face; the rest of
/// Unicode goes to the font's character map. The Basic Multilingual Plane holds almost
/// all text a book sets, and the bitmap costs 8 KB a face.
const COVERAGE_BITMAP_CHARS: u32 = 0x1_0000;

/// Slant of a made italic: 12°, as LaTeX's slanted shapes (browsers use 14°).
const SYNTHETIC_SLANT: f32 = 0.2126;
/// Stroke added around a made bold's outlines, in ems (about what FreeType's
/// emboldening adds to a regular weight).
const SYNTHETIC_EMBOLDEN: f32 = 0.025;

/// What a run of text is set in. Each style is one face of the set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    Regular,
    Italic,
    Bold,
    BoldItalic,
    /// Code: monospaced.
    Mono,
    /// Characters the other faces lack.
    Fallback,
    /// Headings and titles, in the headings family (the body's unless
    /// `pdf.font` names one).
    HeadingRegular,
    HeadingItalic,
    HeadingBold,
    HeadingBoldItalic,
    /// Code's keywords and comments (highlighting): the code family's bold and
    /// italic, made from its regular face when it has none.
    MonoBold,
    MonoItalic,
}

impl Style {
    /// Every style, in the order of the bundled faces, then the headings'.
    pub const ALL: [Style; 12] = [
        Style::Regular,
        Style::Italic,
        Style::Bold,
        Style::BoldItalic,
        Style::Mono,
        Style::Fallback,
        Style::HeadingRegular,
        Style::HeadingItalic,
        Style::HeadingBold,
        Style::HeadingBoldItalic,
        Style::MonoBold,
        Style::MonoItalic,
    ];

    fn index(self) -> usize {
        match self {
            Style::Regular => 0,
            Style::Italic => 1,
            Style::Bold => 2,
            Style::BoldItalic => 3,
            Style::Mono => 4,
            Style::Fallback => 5,
            Style::HeadingRegular => 6,
            Style::HeadingItalic => 7,
            Style::HeadingBold => 8,
            Style::HeadingBoldItalic => 9,
            Style::MonoBold => 10,
            Style::MonoItalic => 11,
        }
    }

    /// The same style in the headings family.
    pub fn heading(self) -> Style {
        match self {
            Style::Regular => Style::HeadingRegular,
            Style::Italic => Style::HeadingItalic,
            Style::Bold => Style::HeadingBold,
            Style::BoldItalic => Style::HeadingBoldItalic,
            other => other,
        }
    }

    /// Its slot in a family: 0 regular, 1 italic, 2 bold, 3 bold italic (code and
    /// the fallback: regular).
    fn slot(self) -> usize {
        match self {
            Style::Italic | Style::HeadingItalic | Style::MonoItalic => 1,
            Style::Bold | Style::HeadingBold | Style::MonoBold => 2,
            Style::BoldItalic | Style::HeadingBoldItalic => 3,
            _ => 0,
        }
    }
}

/// A face that could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FontError {
    #[error("font {file}: not a TrueType or OpenType font that can be read")]
    Unreadable { file: String },
}

/// One font face: its data, names and the metrics a page needs, in ems.
#[derive(Clone)]
pub struct Face {
    /// PostScript name, e.g. "CharisSIL" or "DejaVuSans".
    pub name: String,
    /// The file it came from, for messages.
    pub file: String,
    /// The whole font file, for embedding (after subsetting).
    pub data: FontData,
    /// The face's index in a collection (TTC, OTC).
    pub index: u32,
    /// Slant or stroke added when drawn: a style the family lacks.
    pub synthetic: Synthetic,
    /// Font units per em (glyph coordinates are in these).
    pub units_per_em: u16,
    /// Top of the font's line box above the baseline (positive), from its line
    /// metrics. Charis SIL's reaches 1.2 em to make room for stacked diacritics; to
    /// place letters, use `ink_ascender` or `cap_height`.
    pub ascender: Em,
    /// Bottom of the line box below the baseline (negative); -0.44 em in Charis SIL.
    pub descender: Em,
    /// Extra space the font suggests between lines.
    pub line_gap: Em,
    /// Height of capital letters.
    pub cap_height: Em,
    /// Height of lowercase x.
    pub x_height: Em,
    /// Top of the ink of a lowercase "d": how far ordinary letters rise.
    pub ink_ascender: Em,
    /// Bottom of the ink of a lowercase "p" (negative): how far ordinary letters fall.
    pub ink_descender: Em,
    /// Top of the underline stroke relative to the baseline (negative: below).
    pub underline_position: Em,
    pub underline_thickness: Em,
    /// Slant in degrees, counter-clockwise from vertical (negative for italics).
    pub italic_angle: f32,
    /// Whether every glyph has the same advance.
    pub monospaced: bool,
    font: Font,
    /// One bit per character below [`COVERAGE_BITMAP_CHARS`]: set if the face maps it.
    coverage: Box<[u64]>,
    /// Every glyph's advance in ems, read from the font on first use: the check of
    /// what reaches into the margins asks for the advance of every glyph of a book.
    advances: std::sync::OnceLock<Box<[Em]>>,
}

impl fmt::Debug for Face {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Face")
            .field("name", &self.name)
            .field("file", &self.file)
            .field("units_per_em", &self.units_per_em)
            .field("ascender", &self.ascender)
            .field("descender", &self.descender)
            .finish_non_exhaustive()
    }
}

impl Face {
    /// Reads a face from font data compiled into the binary. `file` names it in
    /// errors.
    pub fn from_static(file: &str, data: &'static [u8]) -> Result<Face, FontError> {
        Face::from_file(&FontFile::bundled(file, data))
    }

    /// Reads a face of a font file.
    pub fn from_file(f: &FontFile) -> Result<Face, FontError> {
        let file = f.label.as_str();
        let unreadable = || FontError::Unreadable {
            file: file.to_string(),
        };
        let font = Font::new(f.data.clone(), f.index).ok_or_else(unreadable)?;
        if font.num_glyphs() == 0 {
            return Err(unreadable());
        }
        let metrics = font.metrics();
        let upem = f32::from(metrics.units_per_em.max(1));
        let em = |v: F48Dot16| (v.to_f64() as f32) / upem;

        let line = line_box(metrics);
        let (ascender, descender, line_gap) = match line {
            Some(l) => (em(l.ascender), em(l.descender), em(l.line_gap)),
            None => (FALLBACK_ASCENDER, FALLBACK_DESCENDER, 0.0),
        };
        let letters = LetterHeights::of(&font, metrics, descender);

        let style = font.style_metrics();
        let (underline_position, underline_thickness) = match style.underline {
            Some(u) if u.thickness > F48Dot16::ZERO => (em(u.position), em(u.thickness)),
            _ => (FALLBACK_UNDERLINE_POSITION, FALLBACK_UNDERLINE_THICKNESS),
        };
        let italic_angle = style.italic_angle.map_or(0.0, |a| a.to_f32());
        let monospaced = style.is_fixed_pitch.unwrap_or(false);

        Ok(Face {
            name: postscript_name(&font, file),
            file: file.to_string(),
            data: f.data.clone(),
            index: f.index,
            synthetic: Synthetic::default(),
            units_per_em: metrics.units_per_em,
            ascender,
            descender,
            line_gap,
            cap_height: letters.cap_height,
            x_height: letters.x_height,
            ink_ascender: letters.ink_ascender,
            ink_descender: letters.ink_descender,
            underline_position,
            underline_thickness,
            italic_angle,
            monospaced,
            coverage: coverage(&font),
            advances: std::sync::OnceLock::new(),
            font,
        })
    }

    /// The parsed font, shared by shaping (harfrust takes the same type) and glyph
    /// queries. Cheap to clone.
    pub fn font(&self) -> &Font {
        &self.font
    }

    /// Whether the face maps `c` to a glyph.
    pub fn covers(&self, c: char) -> bool {
        let c = u32::from(c);
        if c < COVERAGE_BITMAP_CHARS {
            self.coverage
                .get((c / 64) as usize)
                .is_some_and(|word| word & (1 << (c % 64)) != 0)
        } else {
            self.font.charmap().map_unicode(c).is_some()
        }
    }

    /// Glyph id for `c`, if the face has one.
    pub fn glyph(&self, c: char) -> Option<u16> {
        let glyph = self.font.charmap().map_unicode(c)?;
        u16::try_from(glyph.to_u32()).ok()
    }

    /// Advance width of a glyph, in ems (0 for a glyph the face lacks).
    pub fn advance(&self, glyph: u16) -> Em {
        let table = self.advances.get_or_init(|| {
            let metrics = self.font.glyph_metrics();
            let upem = f32::from(self.units_per_em.max(1));
            (0..self.font.num_glyphs().min(u32::from(u16::MAX) + 1))
                .map(|g| metrics.h_advance(g.into()) / upem)
                .collect()
        });
        match table.get(usize::from(glyph)) {
            Some(&advance) => advance,
            None => {
                let advance = self.font.glyph_metrics().h_advance(glyph.into());
                advance / f32::from(self.units_per_em.max(1))
            }
        }
    }

    /// Distance between baselines the font suggests at `size`.
    pub fn line_height(&self, size: Pt) -> Pt {
        (self.ascender - self.descender + self.line_gap) * size
    }
}

/// The line metrics of a face: the typographic ones (OS/2) when the font sets
/// USE_TYPO_METRICS, else those from `hhea` (what macOS and browsers read), else
/// whichever the font has.
fn line_box(metrics: &Metrics) -> Option<LineBox> {
    let nonzero = |l: &LineBox| l.ascender != F48Dot16::ZERO || l.descender != F48Dot16::ZERO;
    let typo = metrics.typo_line.filter(nonzero);
    let hhea = metrics.hhea_line.filter(nonzero);
    if metrics.use_typo_metrics {
        typo.or(hhea)
    } else {
        hhea.or(typo)
    }
}

/// How high letters reach, in ems: from the font's tables where it has the values,
/// else measured on the ink of letters (H, x, d, p).
struct LetterHeights {
    cap_height: Em,
    x_height: Em,
    ink_ascender: Em,
    ink_descender: Em,
}

impl LetterHeights {
    /// `descender` (of the line box) stands in when the face has no "p".
    fn of(font: &Font, metrics: &Metrics, descender: Em) -> LetterHeights {
        let upem = f32::from(metrics.units_per_em.max(1));
        let em = |v: F48Dot16| (v.to_f64() as f32) / upem;
        let charmap = font.charmap();
        let glyph_metrics = font.glyph_metrics();
        // The top and bottom of a letter's ink, for metrics the tables lack.
        let ink = |c: char| {
            let glyph = charmap.map_unicode(c)?;
            let ext = glyph_metrics.extents(glyph)?;
            Some((ext.y_bearing / upem, (ext.y_bearing - ext.height) / upem))
        };
        let ink_top = |c: char| ink(c).map(|(top, _)| top);
        let positive = |v: Option<F48Dot16>| v.map(em).filter(|h| *h > 0.0);
        let cap_height = positive(metrics.cap_height)
            .or_else(|| ink_top('H'))
            .unwrap_or(FALLBACK_CAP_HEIGHT);
        let x_height = positive(metrics.x_height)
            .or_else(|| ink_top('x'))
            .unwrap_or(FALLBACK_X_HEIGHT);
        LetterHeights {
            cap_height,
            x_height,
            ink_ascender: ink('d').map_or(cap_height, |(top, _)| top),
            ink_descender: ink('p').map_or(descender, |(_, bottom)| bottom),
        }
    }
}

/// One bit per character below [`COVERAGE_BITMAP_CHARS`] that the face maps.
fn coverage(font: &Font) -> Box<[u64]> {
    let mut coverage = vec![0u64; (COVERAGE_BITMAP_CHARS / 64) as usize].into_boxed_slice();
    for (c, _) in font.charmap().unicodes() {
        if c < COVERAGE_BITMAP_CHARS {
            if let Some(word) = coverage.get_mut((c / 64) as usize) {
                *word |= 1 << (c % 64);
            }
        }
    }
    coverage
}

/// The face's PostScript name, or its file name without `.ttf` when it has none.
fn postscript_name(font: &Font, file: &str) -> String {
    font.names()
        .get(NameId::POSTSCRIPT_NAME)
        .and_then(|n| n.english_or_first())
        .map(|n| n.name().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| {
            let stem = file.rsplit(['/', '\\']).next().unwrap_or(file);
            stem.split('.').next().unwrap_or(stem).to_string()
        })
}

/// The faces of a book: one per [`Style`], and for each style the faces tried, in
/// order, for a character its own face lacks.
#[derive(Debug)]
pub struct FontSet {
    faces: Vec<Face>,
    /// The face of each style, indexed by `Style::index`.
    styles: [FaceId; 12],
    /// For each style, the faces after its own: the author's fallbacks, the bundled
    /// faces, then installed families found for the book's characters.
    chains: [Vec<FaceId>; 12],
}

impl FontSet {
    /// The six bundled faces: Charis SIL regular, italic, bold and bold italic, DejaVu
    /// Sans Mono and DejaVu Sans.
    pub fn bundled() -> Result<FontSet, FontError> {
        FontSet::for_book(&Typefaces::default())
    }

    /// The bundled faces, then `extra` as further fallbacks, tried in order for a
    /// character no bundled face has.
    pub fn bundled_with(extra: Vec<Face>) -> Result<FontSet, FontError> {
        let mut set = FontSet::bundled()?;
        let first = set.faces.len();
        set.faces.extend(extra);
        for chain in &mut set.chains {
            chain.extend((first..set.faces.len()).map(FaceId));
        }
        Ok(set)
    }

    /// The book's faces. With no typefaces named or found, the six bundled faces in
    /// the order of [`Style::ALL`].
    pub fn for_book(t: &Typefaces) -> Result<FontSet, FontError> {
        let mut b = Builder::default();
        let charis = Family::bundled_body();
        let body = b.family(t.body.as_ref().unwrap_or(&charis))?;
        let code = match &t.code {
            Some(code) => Some(b.family(code)?),
            None => None,
        };
        let mono = match code {
            Some(code) => code[0],
            None => b.file(
                &FontFile::bundled(BUNDLED_MONO.0, BUNDLED_MONO.1),
                Synthetic::default(),
            )?,
        };
        let sans = b.file(
            &FontFile::bundled(BUNDLED_FALLBACK.0, BUNDLED_FALLBACK.1),
            Synthetic::default(),
        )?;
        // The headings' family, or the body's faces (the same ids: nothing is
        // added to the set for them).
        let heading = match &t.headings {
            Some(h) => b.family(h)?,
            None => body,
        };
        let mut styles = [
            body[0], body[1], body[2], body[3], mono, sans, heading[0], heading[1], heading[2],
            heading[3], mono, mono,
        ];
        let named: Vec<[FaceId; 4]> = t
            .fallback
            .iter()
            .map(|f| b.family(f))
            .collect::<Result<_, _>>()?;
        // The bundled body face stays a fallback under an author's body family.
        let bundled_body = match (&t.body, &t.headings) {
            (None, None) => None,
            _ => Some(b.family(&charis)?),
        };
        let found: Vec<[FaceId; 4]> = t
            .found
            .iter()
            .map(|f| b.family(f))
            .collect::<Result<_, _>>()?;
        // DejaVu Sans has one face: its italic and bold are made, so that emphasis
        // in Greek, Arabic or Hebrew still shows.
        let sans_family = Family::bundled_fallback();
        let sans_styles = b.family(&sans_family)?;
        // DejaVu Sans Mono has one face too: its bold and italic are made, last,
        // so that the faces before keep their places.
        let mono_styles = match code {
            Some(code) => code,
            None => b.family(&Family::bundled_mono())?,
        };
        styles[Style::MonoBold.index()] = mono_styles[2];
        styles[Style::MonoItalic.index()] = mono_styles[1];
        let chains = Style::ALL.map(|style| {
            // Code and the fallback take the regular style of the fallbacks.
            let slot = style.slot();
            let mut chain: Vec<FaceId> = named.iter().map(|f| f[slot]).collect();
            chain.extend(bundled_body.map(|f| f[slot]));
            chain.push(sans_styles[slot]);
            chain.extend(found.iter().map(|f| f[slot]));
            chain.retain(|&id| id != styles[style.index()]);
            chain
        });
        Ok(FontSet {
            faces: b.faces,
            styles,
            chains,
        })
    }

    /// The face with this id.
    ///
    /// # Panics
    /// If `id` did not come from this set.
    pub fn face(&self, id: FaceId) -> &Face {
        &self.faces[id.0]
    }

    /// Every face, indexed by `FaceId`.
    pub fn faces(&self) -> &[Face] {
        &self.faces
    }

    /// The face text in `style` is set in.
    pub fn id(&self, style: Style) -> FaceId {
        self.styles[style.index()]
    }

    /// Whether face `id` has a glyph for `c`.
    pub fn covers(&self, id: FaceId, c: char) -> bool {
        self.faces.get(id.0).is_some_and(|face| face.covers(c))
    }

    /// The face to use for `c` in `style`: the style's face if it has the glyph, else
    /// the first of its fallbacks that has, else None.
    pub fn face_for(&self, style: Style, c: char) -> Option<FaceId> {
        let own = self.id(style);
        if self.covers(own, c) {
            return Some(own);
        }
        self.chains[style.index()]
            .iter()
            .copied()
            .find(|&id| self.covers(id, c))
    }
}

/// Collects faces, each file and drawing once.
#[derive(Default)]
struct Builder {
    faces: Vec<Face>,
}

impl Builder {
    /// The face of a file drawn with `synthetic`, added once.
    fn file(&mut self, f: &FontFile, synthetic: Synthetic) -> Result<FaceId, FontError> {
        let same = |face: &Face| {
            std::ptr::eq(face.data.as_ptr(), f.data.as_ptr())
                && face.data.len() == f.data.len()
                && face.index == f.index
        };
        if let Some(i) = self
            .faces
            .iter()
            .position(|face| same(face) && face.synthetic == synthetic)
        {
            return Ok(FaceId(i));
        }
        // The same file drawn another way shares its parsed tables and coverage.
        let mut face = match self.faces.iter().find(|face| same(face)) {
            Some(other) => other.clone(),
            None => Face::from_file(f)?,
        };
        face.synthetic = synthetic;
        self.faces.push(face);
        Ok(FaceId(self.faces.len() - 1))
    }

    /// A family's four styles, each its own face or one made from the nearest it
    /// has: italic from regular (slanted), bold from regular (emboldened), bold
    /// italic from bold, else italic, else regular.
    fn family(&mut self, family: &Family) -> Result<[FaceId; 4], FontError> {
        let slant = Synthetic {
            slant: SYNTHETIC_SLANT,
            embolden: 0.0,
        };
        let bold = Synthetic {
            slant: 0.0,
            embolden: SYNTHETIC_EMBOLDEN,
        };
        let both = Synthetic {
            slant: SYNTHETIC_SLANT,
            embolden: SYNTHETIC_EMBOLDEN,
        };
        let has = |s: Slot| family.face(s);
        // A family named by a file of another style has no upright face: the face
        // it has stands in for it.
        let regular = has(Slot::Regular)
            .or_else(|| has(Slot::Bold))
            .or_else(|| has(Slot::Italic))
            .or_else(|| has(Slot::BoldItalic))
            .ok_or_else(|| FontError::Unreadable {
                file: family.name.clone(),
            })?;
        let plain = Synthetic::default();
        let r = self.file(regular, plain)?;
        let i = match has(Slot::Italic) {
            Some(f) => self.file(f, plain)?,
            None => self.file(regular, slant)?,
        };
        let b = match has(Slot::Bold) {
            Some(f) => self.file(f, plain)?,
            None => self.file(regular, bold)?,
        };
        let bi = match (has(Slot::BoldItalic), has(Slot::Bold), has(Slot::Italic)) {
            (Some(f), _, _) => self.file(f, plain)?,
            (None, Some(f), _) => self.file(f, slant)?,
            (None, None, Some(f)) => self.file(f, bold)?,
            (None, None, None) => self.file(regular, both)?,
        };
        Ok([r, i, b, bi])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> FontSet {
        FontSet::bundled().expect("bundled fonts load")
    }

    #[test]
    fn the_bundled_faces_load_with_their_postscript_names() {
        let fonts = fonts();
        let names: Vec<&str> = fonts.faces().iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "CharisSIL",
                "CharisSIL-Italic",
                "CharisSIL-Bold",
                "CharisSIL-BoldItalic",
                "DejaVuSansMono",
                "DejaVuSans",
                // Its italic, bold and bold italic, made from it.
                "DejaVuSans",
                "DejaVuSans",
                "DejaVuSans",
                // Code's italic, bold and bold italic, made from it.
                "DejaVuSansMono",
                "DejaVuSansMono",
                "DejaVuSansMono",
            ]
        );
        let made: Vec<Synthetic> = fonts.faces()[6..].iter().map(|f| f.synthetic).collect();
        assert!(made[0].slant > 0.0 && made[0].embolden == 0.0, "{made:?}");
        assert!(made[1].slant == 0.0 && made[1].embolden > 0.0, "{made:?}");
        assert!(made[2].slant > 0.0 && made[2].embolden > 0.0, "{made:?}");
        // Hebrew in bold text falls back to the made bold DejaVu Sans.
        assert_eq!(fonts.face_for(Style::Bold, 'ש'), Some(FaceId(7)));
        assert_eq!(fonts.face_for(Style::Regular, 'ש'), Some(FaceId(5)));
        for style in Style::ALL {
            let id = fonts.id(style);
            assert!(id.0 < fonts.faces().len(), "{style:?}");
        }
        assert_ne!(fonts.id(Style::Regular), fonts.id(Style::Italic));
    }

    #[test]
    fn metrics_are_in_ems_and_plausible_for_a_text_face() {
        let fonts = fonts();
        for face in fonts.faces() {
            assert!(face.units_per_em >= 16, "{}", face.name);
            assert!(face.ascender > 0.6 && face.ascender < 1.3, "{face:?}");
            assert!(face.descender < -0.1 && face.descender > -0.5, "{face:?}");
            assert!(
                face.cap_height > 0.5 && face.cap_height < face.ascender,
                "{face:?}"
            );
            assert!(
                face.x_height > 0.3 && face.x_height < face.cap_height,
                "{face:?}"
            );
            assert!(face.ink_ascender > face.x_height && face.ink_ascender <= face.ascender);
            assert!(face.ink_descender < 0.0 && face.ink_descender >= face.descender);
            assert!(face.underline_position < 0.0 && face.underline_thickness > 0.0);
        }
        let italic = fonts.face(fonts.id(Style::Italic));
        assert!(italic.italic_angle < 0.0);
        assert!(fonts.face(fonts.id(Style::Mono)).monospaced);
    }

    #[test]
    fn the_embedded_data_is_the_whole_font_file() {
        let fonts = fonts();
        for face in fonts.faces() {
            assert!(face.data.len() > 100_000, "{}", face.name);
            // TrueType outlines: sfnt version 1.0.
            assert_eq!(&face.data[..4], &[0, 1, 0, 0], "{}", face.name);
        }
    }

    #[test]
    fn latin_text_and_typographic_punctuation_are_covered_by_the_body_faces() {
        let fonts = fonts();
        for style in [
            Style::Regular,
            Style::Italic,
            Style::Bold,
            Style::BoldItalic,
        ] {
            for c in "Aaz09 éüßçœæ—–‘’“”…€§©".chars() {
                assert_eq!(
                    fonts.face_for(style, c),
                    Some(fonts.id(style)),
                    "{style:?} {c}"
                );
            }
        }
    }

    #[test]
    fn a_character_the_style_lacks_falls_back_to_dejavu_sans() {
        let fonts = fonts();
        // U+2665 BLACK HEART SUIT: in DejaVu Sans, not in Charis SIL.
        let heart = '♥';
        assert!(!fonts.covers(fonts.id(Style::Regular), heart));
        assert_eq!(
            fonts.face_for(Style::Regular, heart),
            Some(fonts.id(Style::Fallback))
        );
    }

    #[test]
    fn a_character_no_face_has_gets_none() {
        let fonts = fonts();
        // A CJK ideograph and a private-use character.
        assert_eq!(fonts.face_for(Style::Regular, '漢'), None);
        assert_eq!(fonts.face_for(Style::Bold, '\u{F8FF}'), None);
        assert!(!fonts.covers(FaceId(99), 'a'));
    }

    #[test]
    fn coverage_outside_the_bitmap_asks_the_character_map() {
        let fonts = fonts();
        let sans = fonts.face(fonts.id(Style::Fallback));
        let expected = sans.font().charmap().map_unicode('𝐀').is_some();
        assert_eq!(sans.covers('𝐀'), expected);
        assert!(!fonts.face(fonts.id(Style::Regular)).covers('\u{10FFFF}'));
    }

    #[test]
    fn glyphs_and_advances_come_from_the_face() {
        let fonts = fonts();
        let mono = fonts.face(fonts.id(Style::Mono));
        let i = mono.glyph('i').expect("i");
        let m = mono.glyph('m').expect("m");
        assert_eq!(mono.advance(i), mono.advance(m));
        let regular = fonts.face(fonts.id(Style::Regular));
        let (i, m) = (regular.glyph('i'), regular.glyph('m'));
        assert!(regular.advance(i.unwrap_or(0)) < regular.advance(m.unwrap_or(0)));
    }

    #[test]
    fn font_sets_can_be_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<FontSet>();
    }
}
