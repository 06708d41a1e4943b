//! Text shaping: one word or fragment in one face and size becomes positioned glyphs,
//! with the font's kerning and standard ligatures (fi, fl, ff, ffi), by harfrust (a Rust
//! port of HarfBuzz). Results are cached, so a word shaped twice costs a lookup.
//!
//! Right-to-left fragments (one bidi level run, the caller's split) are shaped right to
//! left: Arabic letters join, mirrored characters take their mirror image.
//!
//! Does not choose faces (see `fonts::FontSet::face_for`), break lines, hyphenate or
//! reorder: the bidi algorithm, which says what is right to left, is the caller's.

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use harfrust::{Buffer, Direction, Language, Script, ShapeOptions, ShapePlan, ShaperFont};

use crate::typeset::doc::{FaceId, Pt};
use crate::typeset::fonts::{Face, FontSet};

/// Shaped fragments kept before the cache is emptied and starts again. A 3 MB novel has
/// some 50,000 distinct words; at two or three sizes each this bound is not reached,
/// and it keeps a pathological input (every fragment unique) from growing without end.
const MAX_CACHED_FRAGMENTS: usize = 500_000;

/// One positioned glyph of shaped text, in points at the size it was shaped at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    /// Glyph id in the face.
    pub id: u16,
    /// Byte offset in the shaped text of the first character this glyph stands for.
    /// Non-decreasing: glyphs are in logical order, so right-to-left text is drawn
    /// from the last glyph to the first. A ligature has the offset of its first
    /// character, and the characters up to the next glyph's cluster are part of it.
    pub cluster: u32,
    /// How far the pen moves after this glyph.
    pub advance: Pt,
    /// Where the glyph is drawn relative to the pen (y up).
    pub x_offset: Pt,
    pub y_offset: Pt,
}

/// Which cache a fragment lives in: face, size, language and direction shape alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CacheKey {
    face: FaceId,
    /// `Pt::to_bits`, so sizes compare exactly.
    size: u32,
    /// Index into `Shaper::languages`.
    language: usize,
    rtl: bool,
}

/// Two words hashed, not four: every word of a book is looked up here.
impl std::hash::Hash for CacheKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64((self.face.0 as u64) << 32 | u64::from(self.size));
        state.write_u64((self.language as u64) << 1 | u64::from(self.rtl));
    }
}

/// Which plan shapes a fragment: the features and lookups harfrust selects for a face,
/// script and language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct PlanKey {
    face: FaceId,
    script: Option<Script>,
    language: usize,
    rtl: bool,
}

/// Shapes text and remembers the results.
///
/// Holds one harfrust plan per face, script and language (built on first use), one
/// reusable buffer, and the shaped fragments per face, size and language. harfrust
/// keeps each face's parsed layout tables inside the face's `Font`, so nothing is parsed
/// twice.
pub struct Shaper {
    cache: HashMap<CacheKey, HashMap<Box<str>, Arc<[Glyph]>>>,
    cached: usize,
    plans: HashMap<PlanKey, ShapePlan>,
    /// Language tags seen, as given; a book has one or two.
    languages: Vec<(String, Option<Language>)>,
    buffer: Option<Buffer>,
}

impl Default for Shaper {
    fn default() -> Self {
        Self::new()
    }
}

impl Shaper {
    pub fn new() -> Self {
        Shaper {
            cache: HashMap::default(),
            cached: 0,
            plans: HashMap::default(),
            languages: Vec::new(),
            buffer: Some(Buffer::new()),
        }
    }

    /// Shapes `text` (one word or fragment, no line breaks) in one face at `size`
    /// points, left to right. `language` is a BCP 47 tag ("en", "de-CH"); it selects
    /// language-specific forms where the font has them.
    pub fn shape(
        &mut self,
        fonts: &FontSet,
        face: FaceId,
        size: Pt,
        text: &str,
        language: &str,
    ) -> Arc<[Glyph]> {
        self.shape_directed(fonts, face, size, text, language, false)
    }

    /// `shape`, right to left when `rtl` (text of one odd bidi level). The glyphs
    /// come back in logical order all the same (see `Glyph::cluster`).
    pub fn shape_directed(
        &mut self,
        fonts: &FontSet,
        face: FaceId,
        size: Pt,
        text: &str,
        language: &str,
        rtl: bool,
    ) -> Arc<[Glyph]> {
        self.shape_kept(fonts, face, size, text, language, rtl, true)
    }

    /// `shape_directed`, keeping the glyphs for the next call only when `keep`:
    /// a caller that keeps what it makes of them (the paragraph's word cache)
    /// would otherwise hold every word twice — 20 MB of a novel.
    #[allow(clippy::too_many_arguments)]
    pub fn shape_kept(
        &mut self,
        fonts: &FontSet,
        face: FaceId,
        size: Pt,
        text: &str,
        language: &str,
        rtl: bool,
        keep: bool,
    ) -> Arc<[Glyph]> {
        let language = self.language_index(language);
        let key = CacheKey {
            face,
            size: size.to_bits(),
            language,
            rtl,
        };
        if let Some(glyphs) = self.cache.get(&key).and_then(|m| m.get(text)) {
            return Arc::clone(glyphs);
        }
        let glyphs: Arc<[Glyph]> = if text.is_empty() {
            Arc::from([])
        } else {
            self.shape_uncached(fonts.face(face), face, size, text, language, rtl)
                .into()
        };
        if !keep {
            return glyphs;
        }
        if self.cached >= MAX_CACHED_FRAGMENTS {
            self.cache.clear();
            self.cached = 0;
        }
        self.cache
            .entry(key)
            .or_default()
            .insert(text.into(), Arc::clone(&glyphs));
        self.cached += 1;
        glyphs
    }

    /// Width of shaped text: the sum of its advances.
    pub fn width(
        &mut self,
        fonts: &FontSet,
        face: FaceId,
        size: Pt,
        text: &str,
        language: &str,
    ) -> Pt {
        self.shape(fonts, face, size, text, language)
            .iter()
            .map(|g| g.advance)
            .sum()
    }

    fn language_index(&mut self, tag: &str) -> usize {
        if let Some(i) = self.languages.iter().position(|(t, _)| t == tag) {
            return i;
        }
        self.languages.push((tag.to_string(), Language::new(tag)));
        self.languages.len() - 1
    }

    fn shape_uncached(
        &mut self,
        face: &Face,
        id: FaceId,
        size: Pt,
        text: &str,
        language: usize,
        rtl: bool,
    ) -> Vec<Glyph> {
        let lang = self.languages.get(language).and_then(|(_, l)| l.clone());
        let direction = if rtl {
            Direction::RightToLeft
        } else {
            Direction::LeftToRight
        };
        let mut buffer = self.buffer.take().unwrap_or_default();
        buffer.clear();
        buffer.push_str(text);
        buffer.set_direction(direction);
        buffer.set_language(lang.clone());
        buffer.guess_segment_properties();

        let font = face.font();
        let plan = self
            .plans
            .entry(PlanKey {
                face: id,
                script: buffer.script(),
                language,
                rtl,
            })
            .or_insert_with(|| {
                ShapePlan::new(font, direction, buffer.script(), lang.as_ref(), &[])
            });
        let shaper_font = ShaperFont::new(font);
        let scale = size / f32::from(face.units_per_em.max(1));
        let glyphs = match harfrust::shape(
            &shaper_font,
            &mut buffer,
            ShapeOptions::new().plan(Some(plan)),
        ) {
            Ok(()) => {
                let glyphs = buffer
                    .glyph_infos()
                    .iter()
                    .zip(buffer.glyph_positions())
                    .map(|(info, pos)| Glyph {
                        id: u16::try_from(info.glyph_id).unwrap_or(0),
                        cluster: info.cluster,
                        advance: pos.x_advance as f32 * scale,
                        x_offset: pos.x_offset as f32 * scale,
                        y_offset: pos.y_offset as f32 * scale,
                    });
                // Right to left, harfrust gives the glyphs in visual order (clusters
                // decreasing): turned back to logical order.
                if rtl {
                    glyphs.rev().collect()
                } else {
                    glyphs.collect()
                }
            }
            // Not expected with a plan built for this buffer; set the characters
            // unshaped rather than lose them.
            Err(_) => nominal(face, size, text),
        };
        self.buffer = Some(buffer);
        glyphs
    }
}

/// The text as the face's own glyphs, one per character, without kerning or ligatures.
fn nominal(face: &Face, size: Pt, text: &str) -> Vec<Glyph> {
    text.char_indices()
        .map(|(i, c)| {
            let id = face.glyph(c).unwrap_or(0);
            Glyph {
                id,
                cluster: i as u32,
                advance: face.advance(id) * size,
                x_offset: 0.0,
                y_offset: 0.0,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typeset::fonts::Style;
    use std::sync::OnceLock;

    fn fonts() -> &'static FontSet {
        static FONTS: OnceLock<FontSet> = OnceLock::new();
        FONTS.get_or_init(|| FontSet::bundled().expect("bundled fonts load"))
    }

    fn regular() -> FaceId {
        fonts().id(Style::Regular)
    }

    #[test]
    fn office_shapes_to_a_ligature_and_its_clusters_still_cover_the_text() {
        let mut shaper = Shaper::new();
        let text = "office";
        let glyphs = shaper.shape(fonts(), regular(), 10.0, text, "en");
        assert!(glyphs.len() < text.chars().count(), "{glyphs:?}");
        assert_eq!(glyphs[0].cluster, 0);
        for pair in glyphs.windows(2) {
            assert!(pair[0].cluster < pair[1].cluster, "{glyphs:?}");
        }
        for g in glyphs.iter() {
            assert!(text.is_char_boundary(g.cluster as usize));
            assert!((g.cluster as usize) < text.len());
        }
        // The last glyph is the final "e", on its own.
        assert_eq!(glyphs.last().map(|g| g.cluster), Some(5));
    }

    #[test]
    fn av_is_kerned_tighter_than_a_and_v_set_apart_in_a_face_with_kerning() {
        // Charis SIL 6.101 has no kerning (its GPOS holds only mark positioning), so
        // this checks that the font's pair kerning is applied, with DejaVu Sans.
        let mut shaper = Shaper::new();
        let f = fonts();
        let sans = f.id(Style::Fallback);
        let av = shaper.width(f, sans, 12.0, "AV", "en");
        let a = shaper.width(f, sans, 12.0, "A", "en");
        let v = shaper.width(f, sans, 12.0, "V", "en");
        assert!(av < a + v - 0.1, "AV {av} vs A+V {}", a + v);
    }

    /// What the word cache keeps is shaped without the shaper keeping it too
    /// (`shape_kept`): the same glyphs, not held twice.
    #[test]
    fn a_fragment_shaped_without_keeping_is_not_kept_and_is_shaped_alike() {
        let f = fonts();
        let mut shaper = Shaper::new();
        let once = shaper.shape_kept(f, regular(), 10.0, "waffle", "en", false, false);
        assert_eq!(shaper.cached, 0, "kept though not asked to");
        assert!(shaper.cache.values().all(|m| m.is_empty()));
        let kept = shaper.shape_kept(f, regular(), 10.0, "waffle", "en", false, true);
        assert_eq!(shaper.cached, 1);
        let ids = |g: &[Glyph]| {
            g.iter()
                .map(|g| (g.id, g.cluster, g.advance))
                .collect::<Vec<_>>()
        };
        assert!(!once.is_empty());
        assert_eq!(ids(&once), ids(&kept));
        // Kept, it is found again: the same glyphs, not shaped anew.
        let again = shaper.shape_kept(f, regular(), 10.0, "waffle", "en", false, false);
        assert!(Arc::ptr_eq(&kept, &again));
    }

    #[test]
    fn width_grows_linearly_with_size() {
        let mut shaper = Shaper::new();
        let f = fonts();
        let w10 = shaper.width(f, regular(), 10.0, "typesetting", "en");
        let w20 = shaper.width(f, regular(), 20.0, "typesetting", "en");
        let w15 = shaper.width(f, regular(), 15.0, "typesetting", "en");
        assert!(w10 > 0.0);
        assert!((w20 - 2.0 * w10).abs() < 1e-3, "{w10} {w20}");
        assert!((w15 - 1.5 * w10).abs() < 1e-3, "{w10} {w15}");
    }

    #[test]
    fn shaping_is_deterministic_and_the_cache_returns_the_same_glyphs() {
        let f = fonts();
        let mut one = Shaper::new();
        let mut two = Shaper::new();
        let a = one.shape(f, regular(), 10.5, "Affluent waffles", "en");
        let b = one.shape(f, regular(), 10.5, "Affluent waffles", "en");
        let c = two.shape(f, regular(), 10.5, "Affluent waffles", "en");
        assert!(
            Arc::ptr_eq(&a, &b),
            "the second call is served from the cache"
        );
        assert_eq!(&a[..], &c[..]);
    }

    #[test]
    fn an_empty_string_gives_no_glyphs() {
        let mut shaper = Shaper::new();
        assert!(shaper.shape(fonts(), regular(), 10.0, "", "en").is_empty());
        assert_eq!(shaper.width(fonts(), regular(), 10.0, "", "en"), 0.0);
    }

    #[test]
    fn sizes_faces_and_languages_are_cached_apart() {
        let f = fonts();
        let mut shaper = Shaper::new();
        let small = shaper.width(f, regular(), 10.0, "word", "en");
        let large = shaper.width(f, regular(), 11.0, "word", "en");
        let bold = shaper.width(f, f.id(Style::Bold), 10.0, "word", "en");
        let german = shaper.width(f, regular(), 10.0, "word", "de");
        assert!(large > small);
        assert_ne!(bold, small);
        assert_eq!(german, small);
    }

    #[test]
    fn monospaced_text_has_equal_advances() {
        let mut shaper = Shaper::new();
        let glyphs = shaper.shape(fonts(), fonts().id(Style::Mono), 9.0, "fn il(){}", "en");
        assert_eq!(glyphs.len(), 9, "no ligatures in code");
        let first = glyphs[0].advance;
        assert!(glyphs.iter().all(|g| (g.advance - first).abs() < 1e-4));
    }

    #[test]
    fn clusters_are_byte_offsets_in_text_with_accents_and_other_scripts() {
        let f = fonts();
        let mut shaper = Shaper::new();
        let text = "naïve—café";
        let glyphs = shaper.shape(f, regular(), 10.0, text, "fr");
        let clusters: Vec<usize> = glyphs.iter().map(|g| g.cluster as usize).collect();
        let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        assert_eq!(clusters, starts);
        let greek = shaper.shape(f, f.id(Style::Fallback), 10.0, "λόγος", "el");
        assert_eq!(greek.len(), 5);
        assert!(greek.iter().all(|g| g.id != 0));
    }

    #[test]
    fn a_character_the_face_lacks_shapes_to_the_missing_glyph() {
        let mut shaper = Shaper::new();
        let glyphs = shaper.shape(fonts(), regular(), 10.0, "a漢", "en");
        assert_eq!(glyphs.len(), 2);
        assert_ne!(glyphs[0].id, 0);
        assert_eq!(glyphs[1].id, 0);
    }

    #[test]
    fn an_arabic_word_shaped_right_to_left_joins_its_letters() {
        let f = fonts();
        let sans = f.id(Style::Fallback);
        let mut shaper = Shaper::new();
        let word = "بيت";
        let joined = shaper.shape_directed(f, sans, 10.0, word, "ar", true);
        assert_eq!(joined.len(), 3, "{joined:?}");
        // In logical order, whatever the direction.
        let clusters: Vec<u32> = joined.iter().map(|g| g.cluster).collect();
        assert_eq!(clusters, [0, 2, 4]);
        let alone: Vec<u16> = word
            .chars()
            .map(|c| shaper.shape_directed(f, sans, 10.0, &c.to_string(), "ar", true)[0].id)
            .collect();
        // Initial beh, medial yeh, final teh: none is the isolated form.
        for k in 0..3 {
            assert_ne!(joined[k].id, alone[k], "letter {k}");
        }
        // Lam and alef make one glyph, its cluster both letters.
        let lam_alef = shaper.shape_directed(f, sans, 10.0, "سلام", "ar", true);
        let clusters: Vec<u32> = lam_alef.iter().map(|g| g.cluster).collect();
        assert_eq!(clusters, [0, 2, 6]);
    }

    #[test]
    fn a_parenthesis_shaped_right_to_left_is_mirrored() {
        let f = fonts();
        let sans = f.id(Style::Fallback);
        let mut shaper = Shaper::new();
        let open_rtl = shaper.shape_directed(f, sans, 10.0, "(", "he", true)[0].id;
        let close_ltr = shaper.shape(f, sans, 10.0, ")", "he")[0].id;
        let open_ltr = shaper.shape(f, sans, 10.0, "(", "he")[0].id;
        assert_eq!(open_rtl, close_ltr);
        assert_ne!(open_rtl, open_ltr);
    }

    #[test]
    fn the_same_text_is_cached_apart_by_direction() {
        let f = fonts();
        let sans = f.id(Style::Fallback);
        let mut shaper = Shaper::new();
        let rtl = shaper.shape_directed(f, sans, 10.0, "(a)", "en", true);
        let ltr = shaper.shape(f, sans, 10.0, "(a)", "en");
        assert_ne!(rtl[0].id, ltr[0].id);
    }
}
