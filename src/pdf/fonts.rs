//! The fonts: the glyphs each face draws and the text each stands for, each face's
//! subset (`subsetter`) written as a Type0 font with its /W widths, its ToUnicode
//! CMap, and its tagged subset name.
//!
//! Shapes nothing and picks no fallback: it embeds the glyphs the runs name, by id.

use std::collections::{BTreeMap, BTreeSet};

use lopdf::{dictionary, Dictionary, Object, ObjectId, Stream};
use skrifa::instance::{LocationRef, Size};
use skrifa::raw::TableProvider;
use skrifa::string::StringId;
use skrifa::{FontRef, GlyphId, MetadataProvider, Tag};
use subsetter::GlyphRemapper;

use super::finish::{fnv1a, FNV_OFFSET};
use super::WriteError;
use crate::typeset::doc::{Document, FaceFile, GlyphText, Item, PlacedGlyph, Synthetic};

/// The glyphs one face draws, and for each the texts it stands for with their counts.
#[derive(Debug, Default)]
struct FaceUsage {
    glyphs: BTreeSet<u16>,
    texts: BTreeMap<u16, BTreeMap<String, usize>>,
}

/// What one face draws, gathered in tables indexed by glyph id: a thousand-page book
/// draws three million glyphs, too many for a map lookup and a string each.
#[derive(Default)]
struct DenseUsage {
    used: Vec<bool>,
    /// Per glyph, the first text it stood for and how often.
    first: Vec<Option<(GlyphText, usize)>>,
    /// Any other texts a glyph stood for (ligatures met as other letters, .notdef
    /// for every character no face has: thousands in a book in another script).
    others: std::collections::HashMap<(u16, GlyphText), usize>,
}

impl DenseUsage {
    fn add(&mut self, glyph: &PlacedGlyph) {
        self.add_n(glyph.id, glyph.text, 1);
    }

    /// Glyph `id` drawn `n` times standing for `text`.
    fn add_n(&mut self, glyph: u16, text: GlyphText, n: usize) {
        let id = usize::from(glyph);
        if self.used.len() <= id {
            self.used.resize(id + 1, false);
            self.first.resize_with(id + 1, || None);
        }
        self.used[id] = true;
        if text.is_empty() {
            return;
        }
        match &mut self.first[id] {
            Some((t, m)) if *t == text => *m += n,
            Some(_) => *self.others.entry((glyph, text)).or_default() += n,
            slot @ None => *slot = Some((text, n)),
        }
    }

    /// `other`'s glyphs and counts added to these.
    fn merge(&mut self, other: DenseUsage) {
        if self.used.len() < other.used.len() {
            self.used.resize(other.used.len(), false);
            self.first.resize_with(other.used.len(), || None);
        }
        for (id, (used, first)) in other.used.into_iter().zip(other.first).enumerate() {
            self.used[id] |= used;
            let Some((text, n)) = first else { continue };
            match &mut self.first[id] {
                Some((t, m)) if *t == text => *m += n,
                Some(_) => *self.others.entry((id as u16, text)).or_default() += n,
                slot @ None => *slot = Some((text, n)),
            }
        }
        for (key, n) in other.others {
            match &mut self.first[usize::from(key.0)] {
                Some((t, m)) if *t == key.1 => *m += n,
                _ => *self.others.entry(key).or_default() += n,
            }
        }
    }

    fn finish(self) -> FaceUsage {
        let mut usage = FaceUsage::default();
        for (id, (used, first)) in self.used.into_iter().zip(self.first).enumerate() {
            if !used {
                continue;
            }
            let id = id as u16;
            usage.glyphs.insert(id);
            if let Some((text, n)) = first {
                usage
                    .texts
                    .entry(id)
                    .or_default()
                    .insert(text.to_string(), n);
            }
        }
        for ((id, text), n) in self.others {
            *usage
                .texts
                .entry(id)
                .or_default()
                .entry(text.to_string())
                .or_default() += n;
        }
        usage
    }
}

/// What one page draws: each (face, glyph, text) and how often, sorted. Kept
/// by the page's fingerprint between writes (`watch`), so that a rebuild counts
/// the glyphs of the pages that changed only.
pub(super) type PageUsage = Vec<(usize, u16, GlyphText, u32)>;

/// Each page's usage by its fingerprint (`StreamCache::usage`).
pub(super) type KeptUsage = std::collections::HashMap<u128, std::sync::Arc<PageUsage>>;

fn page_usage(page: &crate::typeset::doc::Page) -> PageUsage {
    let mut all: Vec<(usize, u16, GlyphText)> = page
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Text(run) => Some(run),
            _ => None,
        })
        .flat_map(|run| run.glyphs.iter().map(|g| (run.face.0, g.id, g.text)))
        .collect();
    all.sort_unstable_by_key(|&(face, id, text)| {
        (face, id, bytemuck::cast::<GlyphText, u32>(text))
    });
    let mut usage: PageUsage = Vec::new();
    for (face, id, text) in all {
        match usage.last_mut() {
            Some(last) if (last.0, last.1, last.2) == (face, id, text) => last.3 += 1,
            _ => usage.push((face, id, text, 1)),
        }
    }
    usage
}

/// `collect_fonts` for a rebuild: each page's usage taken from `kept` by the
/// page's fingerprint (`prints`) or counted anew, and `kept` left holding this
/// document's. The same result as `collect_fonts`: the counts add up whatever
/// their order.
fn collect_fonts_kept(
    doc: &Document,
    prints: &[u128],
    kept: &mut KeptUsage,
) -> BTreeMap<usize, FaceUsage> {
    use rayon::prelude::*;
    let pages: Vec<std::sync::Arc<PageUsage>> = doc
        .pages
        .par_iter()
        .zip(prints)
        .map(|(page, print)| match kept.get(print) {
            Some(u) => u.clone(),
            None => std::sync::Arc::new(page_usage(page)),
        })
        .collect();
    let mut usage = BTreeMap::<usize, DenseUsage>::new();
    for page in &pages {
        for &(face, id, text, n) in page.iter() {
            usage.entry(face).or_default().add_n(id, text, n as usize);
        }
    }
    *kept = prints.iter().copied().zip(pages).collect();
    usage
        .into_iter()
        .map(|(face, dense)| (face, dense.finish()))
        .collect()
}

/// Walks the document once, gathering per face the glyph ids used and what text each
/// glyph carries. A glyph with empty text belongs to the cluster before it and adds
/// nothing.
fn collect_fonts(doc: &Document) -> BTreeMap<usize, FaceUsage> {
    use rayon::prelude::*;
    // Pages on every core, each thread's tables merged (counts add up, so the
    // result is the same whatever the split).
    let usage = doc
        .pages
        .par_iter()
        .fold(BTreeMap::<usize, DenseUsage>::new, |mut usage, page| {
            for run in page.items.iter().filter_map(|item| match item {
                Item::Text(run) if !run.glyphs.is_empty() => Some(run),
                _ => None,
            }) {
                let face = usage.entry(run.face.0).or_default();
                for glyph in &run.glyphs {
                    face.add(glyph);
                }
            }
            usage
        })
        .reduce(BTreeMap::new, |mut a, b| {
            for (face, dense) in b {
                a.entry(face).or_default().merge(dense);
            }
            a
        });
    usage
        .into_iter()
        .map(|(face, dense)| (face, dense.finish()))
        .collect()
}

/// A face as written into the PDF: its resource name, the subset's codes and widths, and
/// the text its ToUnicode map gives each code.
#[derive(Debug, Clone)]
pub(super) struct EmbeddedFace {
    pub(super) resource: String,
    pub(super) font_id: ObjectId,
    /// Slant or stroke the runs of this face are drawn with.
    pub(super) synthetic: Synthetic,
    /// Original glyph id → code in the content stream (the subset's glyph id), by
    /// glyph id; 0 (.notdef) for glyphs not collected.
    codes: Vec<u16>,
    /// Advance of each code in thousandths of an em, exactly as written in /W.
    widths: Vec<f32>,
    /// What ToUnicode maps each code to, by code; codes without text are None.
    unicode_by_code: Vec<Option<String>>,
}

impl EmbeddedFace {
    pub(super) fn code(&self, glyph: u16) -> u16 {
        // Every glyph drawn was collected before subsetting, so the lookup succeeds;
        // .notdef is the harmless answer if it ever did not.
        self.codes.get(usize::from(glyph)).copied().unwrap_or(0)
    }

    /// Everything of the face a content stream is drawn with, as bytes (for
    /// `pages::fonts_key`).
    pub(super) fn key_into(&self, b: &mut Vec<u8>) {
        b.extend_from_slice(&(self.resource.len() as u64).to_le_bytes());
        b.extend_from_slice(self.resource.as_bytes());
        for v in [self.synthetic.slant, self.synthetic.embolden] {
            b.extend_from_slice(&v.to_bits().to_le_bytes());
        }
        b.extend_from_slice(&(self.codes.len() as u64).to_le_bytes());
        for c in &self.codes {
            b.extend_from_slice(&c.to_le_bytes());
        }
        b.extend_from_slice(&(self.widths.len() as u64).to_le_bytes());
        for w in &self.widths {
            b.extend_from_slice(&w.to_bits().to_le_bytes());
        }
        b.extend_from_slice(&(self.unicode_by_code.len() as u64).to_le_bytes());
        for t in &self.unicode_by_code {
            match t {
                Some(t) => {
                    b.extend_from_slice(&(t.len() as u64 + 1).to_le_bytes());
                    b.extend_from_slice(t.as_bytes());
                }
                None => b.extend_from_slice(&0u64.to_le_bytes()),
            }
        }
    }

    pub(super) fn unicode(&self, code: u16) -> Option<&str> {
        self.unicode_by_code
            .get(usize::from(code))
            .and_then(|t| t.as_deref())
    }

    pub(super) fn width(&self, code: u16) -> f64 {
        self.widths.get(usize::from(code)).copied().unwrap_or(0.0) as f64
    }
}

/// Longest text one ToUnicode entry carries, in UTF-16 units; the destination string of
/// a `bfchar` may hold at most 512 bytes. Longer clusters come back through ActualText.
const MAX_UNICODE_UNITS: usize = 128;

/// Embeds every face the runs use, in face order: the subset, its descriptor, its
/// widths and its ToUnicode map. Faces no run draws from are left out.
///
/// Faces drawn from the same file (a style made by slanting or emboldening another)
/// share one embedded font: their glyphs are gathered into the first one's subset.
///
/// With `kept` (a rebuild: each page's fingerprint, and what each page drew in
/// the last write), only the pages that changed are read glyph by glyph.
pub(super) fn embed_fonts(
    pdf: &mut lopdf::Document,
    doc: &Document,
    kept: Option<(&[u128], &mut KeptUsage)>,
) -> Result<BTreeMap<usize, EmbeddedFace>, WriteError> {
    let same_file = |a: &FaceFile, b: &FaceFile| {
        std::ptr::eq(a.data.as_ptr(), b.data.as_ptr())
            && a.data.len() == b.data.len()
            && a.index == b.index
    };
    let canonical: Vec<usize> = doc
        .faces
        .iter()
        .enumerate()
        .map(|(i, f)| {
            doc.faces[..i]
                .iter()
                .position(|g| same_file(f, g))
                .unwrap_or(i)
        })
        .collect();
    let mut merged: BTreeMap<usize, FaceUsage> = BTreeMap::new();
    let used = match kept {
        Some((prints, kept)) => collect_fonts_kept(doc, prints, kept),
        None => collect_fonts(doc),
    };
    for (&face, usage) in &used {
        let into = merged.entry(canonical[face]).or_default();
        into.glyphs.extend(usage.glyphs.iter().copied());
        for (glyph, texts) in &usage.texts {
            let slot = into.texts.entry(*glyph).or_default();
            for (text, n) in texts {
                *slot.entry(text.clone()).or_default() += n;
            }
        }
    }
    let mut embedded = BTreeMap::new();
    for (face, usage) in merged {
        embedded.insert(face, embed_face(pdf, face, &doc.faces[face], &usage)?);
    }
    let mut out = BTreeMap::new();
    for &face in used.keys() {
        if let Some(e) = embedded.get(&canonical[face]) {
            let mut e = e.clone();
            e.synthetic = doc.faces[face].synthetic;
            out.insert(face, e);
        }
    }
    Ok(out)
}

/// Subsets one face with `subsetter` and writes it as a Type0 font with Identity-H
/// encoding: a CIDFontType2 (TrueType outlines, /FontFile2) or CIDFontType0 (the bare
/// CFF table, /FontFile3 /CIDFontType0C), with /W widths and a ToUnicode CMap.
///
/// `subsetter` renumbers glyphs: .notdef stays 0 and the used glyphs, sorted, become
/// 1, 2, 3…; composite components are appended after them. It also makes CFF fonts
/// CID-keyed with CID = new glyph id, so the new glyph id is the code for either flavour.
fn embed_face(
    pdf: &mut lopdf::Document,
    index: usize,
    face: &FaceFile,
    usage: &FaceUsage,
) -> Result<EmbeddedFace, WriteError> {
    let source = Source { index, face };
    let font = source.open(usage)?;
    let scale = source.em_scale(&font)?;
    let subset = source.subset(usage)?;
    let widths = subset_widths(&font, &subset.remapper, scale);
    let unicode = unicode_by_code(usage, &subset.codes);
    let base_font = base_font_name(source, &font, &subset.glyphs);
    let program = source.font_program(&font, subset.program)?;
    let file_id = pdf.add_object(program.stream);
    let descriptor = font_descriptor(&font, scale, &base_font, program.file_key, file_id);
    let descriptor_id = pdf.add_object(descriptor);
    let descendant = cid_font(&base_font, program.subtype, descriptor_id, &widths);
    let descendant_id = pdf.add_object(descendant);
    let to_unicode_id = pdf.add_object(Stream::new(Dictionary::new(), to_unicode_cmap(&unicode)));
    let font_id = pdf.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => Object::Name(base_font.into_bytes()),
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::Reference(descendant_id)],
        "ToUnicode" => to_unicode_id,
    });
    Ok(EmbeddedFace {
        resource: format!("F{index}"),
        font_id,
        synthetic: face.synthetic,
        codes: subset.codes,
        unicode_by_code: texts_by_code(&unicode, widths.len()),
        widths,
    })
}

/// The face being embedded: its index (`FaceId.0`) and file, for reading it and for
/// the errors that name it.
#[derive(Clone, Copy)]
struct Source<'a> {
    index: usize,
    face: &'a FaceFile,
}

/// A face's subset: the font program, and how its glyphs were renumbered.
struct Subset {
    program: Vec<u8>,
    remapper: GlyphRemapper,
    /// The glyphs drawn, sorted.
    glyphs: Vec<u16>,
    /// Code (new glyph id) by original glyph id, as in [`EmbeddedFace`].
    codes: Vec<u16>,
}

/// The subset as a PDF font file, and the font types that go with it.
struct FontProgram {
    subtype: &'static str,
    file_key: &'static str,
    stream: Stream,
}

impl<'a> Source<'a> {
    fn error(self, reason: String) -> WriteError {
        WriteError::Font {
            face: self.index,
            name: self.face.name.to_string(),
            reason,
        }
    }

    /// Parses the face (the first of a collection) and checks that it has every glyph
    /// the runs draw.
    fn open(self, usage: &FaceUsage) -> Result<FontRef<'a>, WriteError> {
        let font = FontRef::from_index(&self.face.data, self.face.index)
            .map_err(|e| self.error(e.to_string()))?;
        let count = font
            .maxp()
            .map_err(|e| self.error(format!("maxp table: {e}")))?
            .num_glyphs();
        if let Some(&glyph) = usage.glyphs.iter().find(|&&g| g >= count) {
            return Err(WriteError::MissingGlyph {
                face: self.index,
                name: self.face.name.to_string(),
                glyph,
                count,
            });
        }
        Ok(font)
    }

    /// Thousandths of an em per font unit: PDF glyph space has 1000 units to the em.
    fn em_scale(self, font: &FontRef) -> Result<f64, WriteError> {
        let units_per_em = font
            .head()
            .map_err(|e| self.error(format!("head table: {e}")))?
            .units_per_em();
        if units_per_em == 0 {
            return Err(self.error("its units per em are zero".to_string()));
        }
        Ok(1000.0 / f64::from(units_per_em))
    }

    /// Subsets the face to the glyphs drawn; each drawn glyph's code is its new id.
    fn subset(self, usage: &FaceUsage) -> Result<Subset, WriteError> {
        let glyphs: Vec<u16> = usage.glyphs.iter().copied().collect();
        let remapper = GlyphRemapper::new_from_glyphs_sorted(&glyphs);
        let program =
            subsetter::subset(&self.face.data, self.face.index, &remapper).map_err(|source| {
                WriteError::Subset {
                    face: self.index,
                    name: self.face.name.to_string(),
                    source,
                }
            })?;
        let mut codes = vec![0u16; glyphs.last().map_or(0, |&g| usize::from(g) + 1)];
        for &g in &glyphs {
            if let Some(code) = remapper.get(g) {
                codes[usize::from(g)] = code;
            }
        }
        Ok(Subset {
            program,
            remapper,
            glyphs,
            codes,
        })
    }

    /// TrueType outlines go in whole (/FontFile2); CFF outlines as the bare CFF table
    /// of the subset (/FontFile3, CIDFontType0C).
    fn font_program(self, font: &FontRef, subset: Vec<u8>) -> Result<FontProgram, WriteError> {
        if font.table_data(Tag::new(b"CFF ")).is_none() {
            let length = subset.len() as i64;
            return Ok(FontProgram {
                subtype: "CIDFontType2",
                file_key: "FontFile2",
                stream: Stream::new(dictionary! { "Length1" => length }, subset),
            });
        }
        let table = FontRef::new(&subset)
            .ok()
            .and_then(|f| f.table_data(Tag::new(b"CFF ")))
            .map(|data| data.as_bytes().to_vec())
            .ok_or_else(|| self.error("its subset has no CFF table".to_string()))?;
        Ok(FontProgram {
            subtype: "CIDFontType0",
            file_key: "FontFile3",
            stream: Stream::new(dictionary! { "Subtype" => "CIDFontType0C" }, table),
        })
    }
}

/// Widths of .notdef and the used glyphs, by code; rounded to 1/1000 so that the
/// value in /W and the one the TJ arithmetic uses are the same number.
fn subset_widths(font: &FontRef, remapper: &GlyphRemapper, scale: f64) -> Vec<f32> {
    let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
    remapper
        .remapped_gids()
        .map(|old| {
            let advance = metrics
                .advance_width(GlyphId::new(old.into()))
                .unwrap_or(0.0);
            ((f64::from(advance) * scale * 1000.0).round() / 1000.0) as f32
        })
        .collect()
}

/// The text ToUnicode gives each code: what its glyph stands for most often (ties go
/// to the smaller string), cut to what one entry may carry.
fn unicode_by_code(usage: &FaceUsage, codes: &[u16]) -> BTreeMap<u16, String> {
    usage
        .texts
        .iter()
        .filter_map(|(glyph, texts)| {
            let (text, _) = texts
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))?;
            let code = *codes.get(usize::from(*glyph))?;
            Some((code, truncate_utf16(text, MAX_UNICODE_UNITS)))
        })
        .collect()
}

/// The same texts in a table by code, for the content streams' lookups.
fn texts_by_code(unicode: &BTreeMap<u16, String>, codes: usize) -> Vec<Option<String>> {
    let mut by_code = vec![None; codes];
    for (&code, text) in unicode {
        if let Some(slot) = by_code.get_mut(usize::from(code)) {
            *slot = Some(text.clone());
        }
    }
    by_code
}

/// The subset's /BaseFont: a tag, `+`, and the face's PostScript name (else the name
/// it was given, else `Face<index>`).
fn base_font_name(source: Source, font: &FontRef, glyphs: &[u16]) -> String {
    let ps_name = font
        .localized_strings(StringId::POSTSCRIPT_NAME)
        .english_or_first()
        .map(|s| pdf_font_name(&s.to_string()))
        .filter(|s| !s.is_empty())
        .or_else(|| Some(pdf_font_name(&source.face.name)).filter(|s| !s.is_empty()))
        .unwrap_or_else(|| format!("Face{}", source.index));
    format!("{}+{}", subset_tag(source.index, &ps_name, glyphs), ps_name)
}

/// The /FontDescriptor: the face's box, angle, heights and flags from its tables, and
/// a reference to the font file.
fn font_descriptor(
    font: &FontRef,
    scale: f64,
    base_font: &str,
    file_key: &str,
    file_id: ObjectId,
) -> Dictionary {
    let global = font.metrics(Size::unscaled(), LocationRef::default());
    let em = |v: f32| (f64::from(v) * scale).round() as i64;
    let bbox = global.bounds.map_or([0, 0, 0, 0], |b| {
        [em(b.x_min), em(b.y_min), em(b.x_max), em(b.y_max)]
    });
    let italic = global.italic_angle != 0.0;
    // Flags (ISO 32000-1, table 123): 1 fixed pitch, 32 nonsymbolic, 64 italic.
    let flags = i64::from(global.is_monospace) | 32 | if italic { 64 } else { 0 };
    // No table records stem width; estimate it from the weight class as other PDF
    // producers do (about 88 at 400, 166 at 700).
    let weight = font.attributes().weight.value();
    let stem_v = 50 + (weight / 65.0).powi(2).round() as i64;
    dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => Object::Name(base_font.as_bytes().to_vec()),
        "Flags" => flags,
        "FontBBox" => bbox.iter().map(|&v| Object::Integer(v)).collect::<Vec<_>>(),
        "ItalicAngle" => Object::Real(global.italic_angle),
        "Ascent" => em(global.ascent),
        "Descent" => em(global.descent),
        "CapHeight" => em(global.cap_height.unwrap_or(global.ascent)),
        "StemV" => stem_v,
        file_key => file_id,
    }
}

/// The descendant CIDFont: codes are CIDs, one /W run of widths from code 0.
fn cid_font(base_font: &str, subtype: &str, descriptor_id: ObjectId, widths: &[f32]) -> Dictionary {
    let mut descendant = dictionary! {
        "Type" => "Font",
        "Subtype" => subtype,
        "BaseFont" => Object::Name(base_font.as_bytes().to_vec()),
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor_id,
        "DW" => 0,
        "W" => vec![
            Object::Integer(0),
            Object::Array(widths.iter().map(|&w| Object::Real(w)).collect()),
        ],
    };
    if subtype == "CIDFontType2" {
        descendant.set("CIDToGIDMap", "Identity");
    }
    descendant
}

/// Keeps the characters a PostScript font name may hold.
fn pdf_font_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_graphic() && !"()<>[]{}/%#".contains(*c))
        .take(100)
        .collect()
}

/// The six capital letters that mark a subset (ISO 32000-1, 9.6.4), derived from the
/// face and its glyphs so that a rebuild gives the same tag.
fn subset_tag(face: usize, name: &str, glyphs: &[u16]) -> String {
    let mut bytes = (face as u64).to_be_bytes().to_vec();
    bytes.extend_from_slice(name.as_bytes());
    bytes.extend(glyphs.iter().flat_map(|g| g.to_be_bytes()));
    let mut hash = fnv1a(&bytes, FNV_OFFSET);
    (0..6)
        .map(|_| {
            let letter = char::from(b'A' + (hash % 26) as u8);
            hash /= 26;
            letter
        })
        .collect()
}

fn truncate_utf16(text: &str, max_units: usize) -> String {
    let mut units = 0;
    text.chars()
        .take_while(|c| {
            units += c.len_utf16();
            units <= max_units
        })
        .collect()
}

/// A ToUnicode CMap (Adobe technical note 5411) mapping each 2-byte code to its text.
fn to_unicode_cmap(unicode: &BTreeMap<u16, String>) -> Vec<u8> {
    let mut out = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(&u16, &String)> = unicode.iter().filter(|(_, t)| !t.is_empty()).collect();
    // A bfchar block holds at most 100 entries.
    for block in entries.chunks(100) {
        out.push_str(&format!("{} beginbfchar\n", block.len()));
        for (code, text) in block {
            let hex: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
            out.push_str(&format!("<{code:04X}> <{hex}>\n"));
        }
        out.push_str("endbfchar\n");
    }
    out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::sample::*;
    use crate::pdf::write;

    #[test]
    fn a_rebuild_counts_the_same_glyphs_and_texts_from_the_pages_it_kept() {
        let Some(data) = font_data() else { return };
        let doc = sample(data);
        let prints_of = |d: &Document| -> Vec<u128> {
            d.pages
                .iter()
                .map(|p| crate::typeset::doc::fingerprint(&p.items))
                .collect()
        };
        let prints = prints_of(&doc);
        let whole = format!("{:?}", collect_fonts(&doc));
        let mut kept = std::collections::HashMap::new();
        assert_eq!(
            format!("{:?}", collect_fonts_kept(&doc, &prints, &mut kept)),
            whole
        );
        assert_eq!(kept.len(), doc.pages.len());
        // Again from what was kept; then with one page changed.
        assert_eq!(
            format!("{:?}", collect_fonts_kept(&doc, &prints, &mut kept)),
            whole
        );
        let mut changed = doc.clone();
        let Some(Item::Text(run)) = changed.pages[0]
            .items
            .iter_mut()
            .find(|i| matches!(i, Item::Text(r) if r.glyphs.len() > 1))
        else {
            panic!("the sample has a run")
        };
        run.glyphs.truncate(1);
        let prints = prints_of(&changed);
        let fresh = format!("{:?}", collect_fonts(&changed));
        assert_ne!(fresh, whole, "the change is one the count sees");
        assert_eq!(
            format!("{:?}", collect_fonts_kept(&changed, &prints, &mut kept)),
            fresh
        );
    }

    #[test]
    fn the_font_is_embedded_as_a_tagged_subset() {
        let Some(data) = font_data() else { return };
        let (_, _, pdf) = written(data);
        let font = font_dict(&pdf);
        let base = get(&pdf, font, "BaseFont").as_name().expect("BaseFont");
        let base = String::from_utf8_lossy(base);
        let (tag, name) = base.split_once('+').expect("subset tag");
        assert!(
            tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()),
            "{base}"
        );
        assert_eq!(name, "DejaVuSans");
        assert_eq!(
            get(&pdf, font, "Encoding").as_name().ok(),
            Some(b"Identity-H".as_slice())
        );
        assert!(font.get(b"ToUnicode").is_ok());
        let cid = dict(
            &pdf,
            &get(&pdf, font, "DescendantFonts")
                .as_array()
                .expect("array")[0],
        );
        let descriptor = dict(&pdf, cid.get(b"FontDescriptor").expect("descriptor"));
        let file = get(&pdf, descriptor, "FontFile2")
            .as_stream()
            .expect("FontFile2");
        let program = file.decompressed_content().expect("font program inflates");
        assert_eq!(
            get(&pdf, &file.dict, "Length1").as_i64().ok(),
            Some(program.len() as i64)
        );
        assert!(
            program.len() < data.len() / 10,
            "{} bytes is not a subset",
            program.len()
        );
        let subset = FontRef::new(&program).expect("subset parses");
        let used: BTreeSet<u16> = sample(data)
            .pages
            .iter()
            .flat_map(|p| &p.items)
            .filter_map(|i| match i {
                Item::Text(run) => Some(run.glyphs.iter().map(|g| g.id)),
                _ => None,
            })
            .flatten()
            .collect();
        let count = subset.maxp().expect("maxp").num_glyphs();
        assert!(
            usize::from(count) > used.len(),
            "{count} glyphs for {} used",
            used.len()
        );
    }

    #[test]
    fn a_glyph_the_font_lacks_is_an_error() {
        let Some(data) = font_data() else { return };
        let mut doc = sample(data);
        if let Some(Item::Text(run)) = doc.pages[0].items.first_mut() {
            run.glyphs[0].id = u16::MAX;
        }
        let error = write(&doc).expect_err("no glyph 65535");
        assert!(
            matches!(
                error,
                WriteError::MissingGlyph {
                    glyph: u16::MAX,
                    ..
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn to_unicode_maps_a_ligature_glyph_to_both_letters() {
        let map = BTreeMap::from([
            (1, "fi".to_string()),
            (2, "😀".to_string()),
            (3, String::new()),
        ]);
        let cmap = String::from_utf8(to_unicode_cmap(&map)).expect("ASCII");
        assert!(cmap.contains("2 beginbfchar\n<0001> <00660069>\n<0002> <D83DDE00>\nendbfchar"));
    }
}
