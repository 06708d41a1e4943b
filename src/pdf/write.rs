//! Writes a laid-out [`Document`] as a PDF file: font subsets with ToUnicode maps, glyphs
//! at their exact positions, rules, links, the nested outline, page labels and metadata.
//!
//! Must not lay out, shape or move anything: every glyph lands where the typesetter put it.
//! Reads no files and no clock, and draws no random numbers, so identical input gives
//! identical bytes (dates come from `doc.info.date`).
//!
//! The file is built directly with lopdf, the object layer printpdf itself writes
//! through. printpdf 0.12.8 without its layout features embeds whole fonts (its
//! `subset_fonts` is ignored), flattens and re-sorts bookmarks, has no /PageLabels or
//! /Lang, and draws its file /ID from a process-wide counter, so two writes of one
//! document differ. Each step below is one function:
//!
//! 1. [`check`] rejects numbers and references a PDF cannot carry;
//! 2. [`collect_fonts`] finds the glyphs each face uses and the text each stands for;
//! 3. [`embed_face`] subsets a face with `subsetter` and writes it as a Type0 font;
//! 4. [`page_content`] draws text with `TJ`, rules with `S`, links as annotations, on
//!    as many threads as there are cores; [`add_page`] adds them in page order;
//! 5. [`write_outline`], [`page_labels`] and [`write_metadata`] complete the catalog;
//! 6. [`finish`] compresses and serializes, with an /ID hashed from the content.

use std::collections::{BTreeMap, BTreeSet};

use lopdf::xref::XrefType;
use lopdf::{dictionary, Dictionary, Object, ObjectId, Stream, StringFormat};
use rayon::prelude::*;
use skrifa::instance::{LocationRef, Size};
use skrifa::raw::TableProvider;
use skrifa::string::StringId;
use skrifa::{FontRef, GlyphId, MetadataProvider, Tag};
use subsetter::GlyphRemapper;

use crate::typeset::doc::{
    Document, FaceFile, GlyphText, Item, LabelStyle, LinkTarget, PlacedGlyph, Pt, Rect, TextRun,
};

/// Why a document could not be written. The layout engine produced something a PDF
/// cannot carry, or a font could not be read or subset.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    #[error("the document has no pages")]
    NoPages,
    #[error("page {page}: {what} is {value}, which a PDF cannot use")]
    BadNumber {
        page: usize,
        what: &'static str,
        value: Pt,
    },
    #[error("page {page}: a text run uses font face {face}, but only {faces} faces were given")]
    UnknownFace {
        page: usize,
        face: usize,
        faces: usize,
    },
    #[error("{what} points to page {target}, but the document has {pages} pages")]
    TargetPage {
        what: &'static str,
        target: usize,
        pages: usize,
    },
    #[error("page label range {index} (starting at page {start}) {reason}")]
    Labels {
        index: usize,
        start: usize,
        reason: &'static str,
    },
    #[error("font face {face} ({name}) cannot be read: {reason}")]
    Font {
        face: usize,
        name: String,
        reason: String,
    },
    #[error("font face {face} ({name}) has no glyph {glyph}: it has {count} glyphs")]
    MissingGlyph {
        face: usize,
        name: String,
        glyph: u16,
        count: u16,
    },
    #[error("font face {face} ({name}) cannot be subset: {source}")]
    Subset {
        face: usize,
        name: String,
        #[source]
        source: subsetter::Error,
    },
    #[error("the PDF could not be serialized: {0}")]
    Serialize(String),
}

/// Writes `doc` as a PDF. Deterministic: identical input gives identical bytes (no clock,
/// no random ids; dates from `doc.info.date`).
pub fn write(doc: &Document) -> Result<Vec<u8>, WriteError> {
    check(doc)?;

    let mut pdf = lopdf::Document::with_version("1.7");
    pdf.reference_table.cross_reference_type = XrefType::CrossReferenceTable;

    // Fonts first: the content streams need each face's subset glyph ids and widths.
    let mut fonts = BTreeMap::new();
    let mut font_resources = Dictionary::new();
    for (face, usage) in collect_fonts(doc) {
        let embedded = embed_face(&mut pdf, face, &doc.faces[face], &usage)?;
        font_resources.set(
            embedded.resource.clone(),
            Object::Reference(embedded.font_id),
        );
        fonts.insert(face, embedded);
    }
    let mut resources = dictionary! { "Font" => font_resources };
    if !doc.images.is_empty() {
        let mut xobjects = Dictionary::new();
        for (i, image) in doc.images.iter().enumerate() {
            let id = embed_image(&mut pdf, image);
            xobjects.set(format!("Im{i}"), Object::Reference(id));
        }
        resources.set("XObject", xobjects);
    }
    let resources_id = pdf.add_object(resources);

    let pages_id = pdf.new_object_id();
    let page_ids: Vec<ObjectId> = doc.pages.iter().map(|_| pdf.new_object_id()).collect();
    // Pages are drawn and compressed in parallel, then added in order: the same
    // objects and ids whatever the number of threads.
    let contents: Vec<PageContent> = doc
        .pages
        .par_iter()
        .enumerate()
        .map(|(index, page)| page_content(page, index, &page_ids, &fonts))
        .collect();
    for ((page, content), &page_id) in doc.pages.iter().zip(contents).zip(&page_ids) {
        add_page(&mut pdf, page, content, page_id, pages_id, resources_id);
    }
    pdf.set_object(
        pages_id,
        dictionary! {
            "Type" => "Pages",
            "Kids" => page_ids.iter().map(|id| Object::Reference(*id)).collect::<Vec<_>>(),
            "Count" => page_ids.len() as i64,
        },
    );

    let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
    if let Some(outlines_id) = write_outline(&mut pdf, doc, &page_ids) {
        catalog.set("Outlines", outlines_id);
        catalog.set("PageMode", "UseOutlines");
    }
    if let Some(labels) = page_labels(doc) {
        catalog.set("PageLabels", labels);
    }
    if !doc.info.language.is_empty() {
        catalog.set("Lang", text_string(&doc.info.language));
    }
    // A book reads in spreads with page 1 alone on the right; the title bar shows the
    // book's title rather than the file name.
    catalog.set("PageLayout", "TwoPageRight");
    catalog.set(
        "ViewerPreferences",
        dictionary! { "DisplayDocTitle" => !doc.info.title.is_empty() },
    );
    let (info_id, metadata_id) = write_metadata(&mut pdf, doc);
    catalog.set("Metadata", metadata_id);
    let catalog_id = pdf.add_object(catalog);

    pdf.trailer.set("Root", catalog_id);
    pdf.trailer.set("Info", info_id);
    finish(pdf)
}

/// Rejects what a PDF cannot carry: no pages, non-finite or non-positive sizes, unknown
/// faces, links and outline entries to missing pages, page labels out of order.
fn check(doc: &Document) -> Result<(), WriteError> {
    let pages = doc.pages.len();
    let faces = doc.faces.len();
    if pages == 0 {
        return Err(WriteError::NoPages);
    }
    for (index, page) in doc.pages.iter().enumerate() {
        let bad = |what, value| WriteError::BadNumber {
            page: index,
            what,
            value,
        };
        let finite = |what, value: Pt| {
            if value.is_finite() {
                Ok(())
            } else {
                Err(bad(what, value))
            }
        };
        let positive = |what, value: Pt| {
            if value.is_finite() && value > 0.0 {
                Ok(())
            } else {
                Err(bad(what, value))
            }
        };
        positive("the page width", page.width)?;
        positive("the page height", page.height)?;
        for item in &page.items {
            match item {
                Item::Text(run) => {
                    if run.face.0 >= faces {
                        return Err(WriteError::UnknownFace {
                            page: index,
                            face: run.face.0,
                            faces,
                        });
                    }
                    positive("a font size", run.size)?;
                    finite("a text run's x", run.x)?;
                    finite("a text run's y", run.y)?;
                    for glyph in &run.glyphs {
                        finite("a glyph's dx", glyph.dx)?;
                        finite("a glyph's dy", glyph.dy)?;
                    }
                }
                Item::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                } => {
                    for value in [*x1, *y1, *x2, *y2] {
                        finite("a line end", value)?;
                    }
                    if !(width.is_finite() && *width >= 0.0) {
                        return Err(bad("a line width", *width));
                    }
                }
                Item::Link { rect, target } => {
                    for value in [rect.x, rect.y, rect.width, rect.height] {
                        finite("a link rectangle", value)?;
                    }
                    if let LinkTarget::Page { page, y } = target {
                        if *page >= pages {
                            return Err(WriteError::TargetPage {
                                what: "a link",
                                target: *page,
                                pages,
                            });
                        }
                        finite("a link target's y", *y)?;
                    }
                }
                Item::Image { image, rect } => {
                    for value in [rect.x, rect.y, rect.width, rect.height] {
                        finite("an image rectangle", value)?;
                    }
                    if *image >= doc.images.len() {
                        return Err(WriteError::Serialize(format!(
                            "image {image} does not exist"
                        )));
                    }
                }
            }
        }
    }
    for entry in &doc.outline {
        if entry.page >= pages {
            return Err(WriteError::TargetPage {
                what: "an outline entry",
                target: entry.page,
                pages,
            });
        }
        if !entry.y.is_finite() {
            return Err(WriteError::BadNumber {
                page: entry.page,
                what: "an outline entry's y",
                value: entry.y,
            });
        }
    }
    let mut previous: Option<usize> = None;
    for (index, range) in doc.labels.iter().enumerate() {
        let error = |reason| WriteError::Labels {
            index,
            start: range.start,
            reason,
        };
        if range.start >= pages {
            return Err(error("starts after the last page"));
        }
        if previous.is_some_and(|p| range.start <= p) {
            return Err(error("does not start after the range before it"));
        }
        previous = Some(range.start);
    }
    Ok(())
}

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
        let id = usize::from(glyph.id);
        if self.used.len() <= id {
            self.used.resize(id + 1, false);
            self.first.resize_with(id + 1, || None);
        }
        self.used[id] = true;
        if glyph.text.is_empty() {
            return;
        }
        match &mut self.first[id] {
            Some((t, n)) if *t == glyph.text => *n += 1,
            Some(_) => {
                *self
                    .others
                    .entry((glyph.id, glyph.text.clone()))
                    .or_default() += 1
            }
            slot @ None => *slot = Some((glyph.text.clone(), 1)),
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

/// Walks the document once, gathering per face the glyph ids used and what text each
/// glyph carries. A glyph with empty text belongs to the cluster before it and adds
/// nothing.
fn collect_fonts(doc: &Document) -> BTreeMap<usize, FaceUsage> {
    let mut usage: BTreeMap<usize, DenseUsage> = BTreeMap::new();
    for run in doc
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|item| match item {
            Item::Text(run) if !run.glyphs.is_empty() => Some(run),
            _ => None,
        })
    {
        let face = usage.entry(run.face.0).or_default();
        for glyph in &run.glyphs {
            face.add(glyph);
        }
    }
    usage
        .into_iter()
        .map(|(face, dense)| (face, dense.finish()))
        .collect()
}

/// A face as written into the PDF: its resource name, the subset's codes and widths, and
/// the text its ToUnicode map gives each code.
#[derive(Debug)]
struct EmbeddedFace {
    resource: String,
    font_id: ObjectId,
    /// Original glyph id → code in the content stream (the subset's glyph id), by
    /// glyph id; 0 (.notdef) for glyphs not collected.
    codes: Vec<u16>,
    /// Advance of each code in thousandths of an em, exactly as written in /W.
    widths: Vec<f32>,
    /// What ToUnicode maps each code to, by code; codes without text are None.
    unicode_by_code: Vec<Option<String>>,
}

impl EmbeddedFace {
    fn code(&self, glyph: u16) -> u16 {
        // Every glyph drawn was collected before subsetting, so the lookup succeeds;
        // .notdef is the harmless answer if it ever did not.
        self.codes.get(usize::from(glyph)).copied().unwrap_or(0)
    }

    fn unicode(&self, code: u16) -> Option<&str> {
        self.unicode_by_code
            .get(usize::from(code))
            .and_then(|t| t.as_deref())
    }

    fn width(&self, code: u16) -> f64 {
        self.widths.get(usize::from(code)).copied().unwrap_or(0.0) as f64
    }
}

/// Longest text one ToUnicode entry carries, in UTF-16 units; the destination string of
/// a `bfchar` may hold at most 512 bytes. Longer clusters come back through ActualText.
const MAX_UNICODE_UNITS: usize = 128;

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
    let font_error = |reason: String| WriteError::Font {
        face: index,
        name: face.name.to_string(),
        reason,
    };
    let font = FontRef::from_index(face.data, 0).map_err(|e| font_error(e.to_string()))?;
    let count = font
        .maxp()
        .map_err(|e| font_error(format!("maxp table: {e}")))?
        .num_glyphs();
    if let Some(&glyph) = usage.glyphs.iter().find(|&&g| g >= count) {
        return Err(WriteError::MissingGlyph {
            face: index,
            name: face.name.to_string(),
            glyph,
            count,
        });
    }
    let units_per_em = font
        .head()
        .map_err(|e| font_error(format!("head table: {e}")))?
        .units_per_em();
    if units_per_em == 0 {
        return Err(font_error("its units per em are zero".to_string()));
    }
    let scale = 1000.0 / f64::from(units_per_em);

    let used: Vec<u16> = usage.glyphs.iter().copied().collect();
    let remapper = GlyphRemapper::new_from_glyphs_sorted(&used);
    let subset =
        subsetter::subset(face.data, 0, &remapper).map_err(|source| WriteError::Subset {
            face: index,
            name: face.name.to_string(),
            source,
        })?;
    let mut codes = vec![0u16; used.last().map_or(0, |&g| usize::from(g) + 1)];
    for &g in &used {
        if let Some(code) = remapper.get(g) {
            codes[usize::from(g)] = code;
        }
    }

    // Widths of .notdef and the used glyphs, by code; rounded to 1/1000 so that the
    // value in /W and the one the TJ arithmetic uses are the same number.
    let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
    let widths: Vec<f32> = remapper
        .remapped_gids()
        .map(|old| {
            let advance = metrics
                .advance_width(GlyphId::new(old.into()))
                .unwrap_or(0.0);
            ((f64::from(advance) * scale * 1000.0).round() / 1000.0) as f32
        })
        .collect();

    let unicode: BTreeMap<u16, String> = usage
        .texts
        .iter()
        .filter_map(|(glyph, texts)| {
            // The text the glyph stands for most often; ties go to the smaller string.
            let (text, _) = texts
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))?;
            let code = *codes.get(usize::from(*glyph))?;
            Some((code, truncate_utf16(text, MAX_UNICODE_UNITS)))
        })
        .collect();

    let ps_name = font
        .localized_strings(StringId::POSTSCRIPT_NAME)
        .english_or_first()
        .map(|s| pdf_font_name(&s.to_string()))
        .filter(|s| !s.is_empty())
        .or_else(|| Some(pdf_font_name(&face.name)).filter(|s| !s.is_empty()))
        .unwrap_or_else(|| format!("Face{index}"));
    let base_font = format!("{}+{}", subset_tag(index, &ps_name, &used), ps_name);

    let is_cff = font.table_data(Tag::new(b"CFF ")).is_some();
    let (subtype, file_key, file) = if is_cff {
        let table = FontRef::new(&subset)
            .ok()
            .and_then(|f| f.table_data(Tag::new(b"CFF ")))
            .map(|data| data.as_bytes().to_vec())
            .ok_or_else(|| font_error("its subset has no CFF table".to_string()))?;
        let stream = Stream::new(dictionary! { "Subtype" => "CIDFontType0C" }, table);
        ("CIDFontType0", "FontFile3", stream)
    } else {
        let length = subset.len() as i64;
        let stream = Stream::new(dictionary! { "Length1" => length }, subset);
        ("CIDFontType2", "FontFile2", stream)
    };
    let file_id = pdf.add_object(file);

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
    let descriptor_id = pdf.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => Object::Name(base_font.clone().into_bytes()),
        "Flags" => flags,
        "FontBBox" => bbox.iter().map(|&v| Object::Integer(v)).collect::<Vec<_>>(),
        "ItalicAngle" => Object::Real(global.italic_angle),
        "Ascent" => em(global.ascent),
        "Descent" => em(global.descent),
        "CapHeight" => em(global.cap_height.unwrap_or(global.ascent)),
        "StemV" => stem_v,
        file_key => file_id,
    });

    let mut descendant = dictionary! {
        "Type" => "Font",
        "Subtype" => subtype,
        "BaseFont" => Object::Name(base_font.clone().into_bytes()),
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
        codes,
        unicode_by_code: {
            let mut by_code = vec![None; widths.len()];
            for (&code, text) in &unicode {
                if let Some(slot) = by_code.get_mut(usize::from(code)) {
                    *slot = Some(text.clone());
                }
            }
            by_code
        },
        widths,
    })
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

/// One page's drawing, made apart from the lopdf document so that pages can be made
/// on several threads: the content stream (compressed when that is smaller) and the
/// link annotations.
struct PageContent {
    stream: Vec<u8>,
    compressed: bool,
    annots: Vec<Dictionary>,
}

/// Draws one page: text with `TJ`, rules with `S`, images with `Do`, links as
/// annotations. The content stream is written as bytes directly (no lopdf operation
/// objects: a thousand-page book has millions of glyphs) and compressed here, on the
/// page's thread.
fn page_content(
    page: &crate::typeset::doc::Page,
    index: usize,
    page_ids: &[ObjectId],
    fonts: &BTreeMap<usize, EmbeddedFace>,
) -> PageContent {
    let mut out = Ops::default();
    let mut annots = Vec::new();
    for item in &page.items {
        match item {
            Item::Text(run) => {
                // Runs without glyphs used no face, so none was embedded for them.
                if let Some(face) = fonts.get(&run.face.0) {
                    draw_run(run, face, &mut out);
                }
            }
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                width,
            } => {
                out.num(*width);
                out.op("w");
                out.num(*x1);
                out.num(*y1);
                out.op("m");
                out.num(*x2);
                out.num(*y2);
                out.op("l");
                out.op("S");
            }
            Item::Image { image, rect } => {
                out.op("q");
                out.num(rect.width);
                out.raw(b"0 0 ");
                out.num(rect.height);
                out.num(rect.x);
                out.num(rect.y);
                out.op("cm");
                out.raw(format!("/Im{image} ").as_bytes());
                out.op("Do");
                out.op("Q");
            }
            Item::Link { rect, target } => {
                let mut annot = dictionary! {
                    "Type" => "Annot",
                    "Subtype" => "Link",
                    "Rect" => rect_array(rect),
                    "Border" => vec![0.into(), 0.into(), 0.into()],
                    "F" => 4,
                    "P" => page_ids[index],
                };
                match target {
                    LinkTarget::Uri(uri) => annot.set(
                        "A",
                        dictionary! {
                            "S" => "URI",
                            "URI" => Object::String(uri_bytes(uri), StringFormat::Literal),
                        },
                    ),
                    LinkTarget::Page { page, y } => {
                        annot.set("Dest", destination(page_ids[*page], *y))
                    }
                }
                annots.push(annot);
            }
        }
    }
    let content = out.0;
    let (stream, compressed) = match deflate(&content) {
        Some(data) if data.len() < content.len() => (data, true),
        _ => (content, false),
    };
    PageContent {
        stream,
        compressed,
        annots,
    }
}

/// Adds one page's objects: its link annotations, its content stream, the page.
fn add_page(
    pdf: &mut lopdf::Document,
    page: &crate::typeset::doc::Page,
    content: PageContent,
    page_id: ObjectId,
    pages_id: ObjectId,
    resources_id: ObjectId,
) {
    let annots: Vec<Object> = content
        .annots
        .into_iter()
        .map(|a| Object::Reference(pdf.add_object(a)))
        .collect();
    let mut stream_dict = Dictionary::new();
    if content.compressed {
        stream_dict.set("Filter", "FlateDecode");
    }
    let contents_id = pdf.add_object(Stream::new(stream_dict, content.stream));
    let box_ = vec![
        0.into(),
        0.into(),
        Object::Real(page.width),
        Object::Real(page.height),
    ];
    let mut dict = dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => box_.clone(),
        "TrimBox" => box_,
        "Resources" => resources_id,
        "Contents" => contents_id,
    };
    if !annots.is_empty() {
        dict.set("Annots", annots);
    }
    pdf.set_object(page_id, dict);
}

/// A content stream being written: operands, each followed by a space, then the
/// operator and a newline, as lopdf's own encoder lays them out.
#[derive(Default)]
struct Ops(Vec<u8>);

impl Ops {
    fn op(&mut self, operator: &str) {
        self.0.extend_from_slice(operator.as_bytes());
        self.0.push(b'\n');
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    /// A number as lopdf writes a real: the shortest decimal that reads back as the
    /// same f32, never in exponent form.
    fn num(&mut self, value: f32) {
        use std::io::Write as _;
        if value == value.trunc() && value.abs() < 1e9 {
            self.int(value as i64);
        } else {
            // Writing to a Vec cannot fail.
            let _ = write!(self.0, "{value}");
        }
        self.0.push(b' ');
    }

    fn int(&mut self, value: i64) {
        let mut buf = itoa::Buffer::new();
        self.0.extend_from_slice(buf.format(value).as_bytes());
    }

    /// `hundredths / 100` with at most two decimals: the TJ numbers, which are
    /// rounded to that step.
    fn hundredths(&mut self, hundredths: i64) {
        if hundredths < 0 {
            self.0.push(b'-');
        }
        let h = hundredths.unsigned_abs();
        self.int((h / 100) as i64);
        let frac = h % 100;
        if frac != 0 {
            self.0.push(b'.');
            self.0.push(b'0' + (frac / 10) as u8);
            if frac % 10 != 0 {
                self.0.push(b'0' + (frac % 10) as u8);
            }
        }
    }

    /// Two-byte codes as a hexadecimal string.
    fn hex_codes(&mut self, codes: &[u8]) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        self.0.push(b'<');
        for &b in codes {
            self.0.push(HEX[usize::from(b >> 4)]);
            self.0.push(HEX[usize::from(b & 15)]);
        }
        self.0.push(b'>');
    }

    /// A text string operand (see [`text_string`]): literal ASCII with `(`, `)` and
    /// `\\` escaped, or UTF-16BE hexadecimal with a byte order mark.
    fn text(&mut self, text: &str) {
        if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            self.0.push(b'(');
            for b in text.bytes() {
                if matches!(b, b'(' | b')' | b'\\') {
                    self.0.push(b'\\');
                }
                self.0.push(b);
            }
            self.0.push(b')');
        } else {
            let mut bytes = vec![0xFE, 0xFF];
            bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
            self.hex_codes(&bytes);
        }
    }
}

/// An image XObject: JPEG as is (DCTDecode, never recompressed); raw samples
/// compressed with the rest of the file, alpha as a soft mask.
fn embed_image(pdf: &mut lopdf::Document, image: &crate::typeset::doc::Image) -> ObjectId {
    use crate::typeset::doc::ImageData;
    let base = |cs: &str| {
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Image",
            "Width" => image.width as i64,
            "Height" => image.height as i64,
            "ColorSpace" => cs.to_string(),
            "BitsPerComponent" => 8,
        }
    };
    match &image.data {
        ImageData::Jpeg { bytes, components } => {
            let cs = match components {
                1 => "DeviceGray",
                4 => "DeviceCMYK",
                _ => "DeviceRGB",
            };
            let mut dict = base(cs);
            dict.set("Filter", "DCTDecode");
            if *components == 4 {
                // Adobe's CMYK JPEGs are stored inverted.
                dict.set(
                    "Decode",
                    vec![
                        1.into(),
                        0.into(),
                        1.into(),
                        0.into(),
                        1.into(),
                        0.into(),
                        1.into(),
                        0.into(),
                    ],
                );
            }
            pdf.add_object(Stream::new(dict, bytes.clone()).with_compression(false))
        }
        ImageData::Raw {
            samples,
            gray,
            alpha,
        } => {
            let mut dict = base(if *gray { "DeviceGray" } else { "DeviceRGB" });
            if let Some(a) = alpha {
                let mask = pdf.add_object(Stream::new(base("DeviceGray"), a.clone()));
                dict.set("SMask", mask);
            }
            pdf.add_object(Stream::new(dict, samples.clone()))
        }
    }
}

/// Draws one run in its own text object. Glyphs on one baseline share a `TJ` whose
/// numbers move the pen from where the previous glyph's /W width left it to the exact
/// position of the next glyph; a change of baseline (dy) starts a new `Tm`. A cluster
/// whose text the ToUnicode map cannot give back (a glyph that stands for different
/// text elsewhere) is wrapped in a /Span with /ActualText.
fn draw_run(run: &TextRun, face: &EmbeddedFace, out: &mut Ops) {
    if run.glyphs.is_empty() {
        return;
    }
    out.op("BT");
    out.raw(b"/");
    out.raw(face.resource.as_bytes());
    out.raw(b" ");
    out.num(run.size);
    out.op("Tf");
    let mut line = GlyphLine::default();
    for cluster in clusters(&run.glyphs) {
        // One glyph per cluster is the common case: compare without building strings.
        let actual = match cluster {
            [g] => face.unicode(face.code(g.id)) != Some(g.text.as_str()),
            _ => {
                let text: String = cluster.iter().map(|g| g.text.as_str()).collect();
                let mapped: String = cluster
                    .iter()
                    .filter_map(|g| face.unicode(face.code(g.id)))
                    .collect();
                mapped != text
            }
        };
        if actual {
            let text: String = cluster.iter().map(|g| g.text.as_str()).collect();
            line.flush(out);
            out.raw(b"/Span <</ActualText ");
            out.text(&text);
            out.raw(b">> ");
            out.op("BDC");
        }
        for glyph in cluster {
            line.place(run, glyph, face, out);
        }
        if actual {
            line.flush(out);
            out.op("EMC");
        }
    }
    line.flush(out);
    out.op("ET");
}

/// Splits glyphs into clusters: a glyph with text starts one, glyphs with empty text
/// join the one before.
fn clusters(glyphs: &[PlacedGlyph]) -> impl Iterator<Item = &[PlacedGlyph]> {
    let mut rest = glyphs;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let len = 1 + rest[1..].iter().take_while(|g| g.text.is_empty()).count();
        let (cluster, tail) = rest.split_at(len);
        rest = tail;
        Some(cluster)
    })
}

/// TJ numbers are rounded to 1/100 of a thousandth of an em (0.00012 pt at 12 pt): finer
/// differences are float noise between the layout's advances and /W, and writing them
/// would put a number between nearly every pair of glyphs.
const KERN_STEPS: f64 = 100.0;

/// The `TJ` being built: where its `Tm` put the origin, where the viewer's pen is now
/// (in thousandths of an em from that origin), and the array so far (written out
/// when the line is flushed).
#[derive(Default)]
struct GlyphLine {
    origin: Option<(f64, f32)>,
    pen: f64,
    array: Vec<u8>,
    codes: Vec<u8>,
}

impl GlyphLine {
    fn place(&mut self, run: &TextRun, glyph: &PlacedGlyph, face: &EmbeddedFace, out: &mut Ops) {
        let x = (f64::from(run.x) + f64::from(glyph.dx)) as f32;
        let y = (f64::from(run.y) + f64::from(glyph.dy)) as f32;
        let size = f64::from(run.size);
        match self.origin {
            Some((x0, y0)) if y0 == y => {
                let target = (f64::from(x) - x0) * 1000.0 / size;
                // A TJ number n moves the pen by -n/1000 em; round it to what is written.
                let kern = ((self.pen - target) * KERN_STEPS).round();
                if kern != 0.0 {
                    self.push_codes();
                    let mut number = Ops(std::mem::take(&mut self.array));
                    number.hundredths(kern as i64);
                    self.array = number.0;
                    self.pen -= kern / KERN_STEPS;
                }
            }
            _ => {
                self.flush(out);
                out.raw(b"1 0 0 1 ");
                out.num(x);
                out.num(y);
                out.op("Tm");
                self.origin = Some((f64::from(x), y));
                self.pen = 0.0;
            }
        }
        let code = face.code(glyph.id);
        self.codes.extend_from_slice(&code.to_be_bytes());
        self.pen += face.width(code);
    }

    fn push_codes(&mut self) {
        if !self.codes.is_empty() {
            let mut array = Ops(std::mem::take(&mut self.array));
            array.hex_codes(&self.codes);
            self.array = array.0;
            self.codes.clear();
        }
    }

    fn flush(&mut self, out: &mut Ops) {
        self.push_codes();
        if !self.array.is_empty() {
            out.raw(b"[");
            out.raw(&self.array);
            out.raw(b"] ");
            out.op("TJ");
            self.array.clear();
        }
        self.origin = None;
    }
}

fn rect_array(rect: &Rect) -> Vec<Object> {
    let (x1, x2) = (
        rect.x.min(rect.x + rect.width),
        rect.x.max(rect.x + rect.width),
    );
    let (y1, y2) = (
        rect.y.min(rect.y + rect.height),
        rect.y.max(rect.y + rect.height),
    );
    [x1, y1, x2, y2].into_iter().map(Object::Real).collect()
}

/// An explicit destination: the page, scrolled so that `y` is at the top, left and zoom
/// unchanged.
fn destination(page: ObjectId, y: Pt) -> Object {
    Object::Array(vec![
        page.into(),
        "XYZ".into(),
        Object::Null,
        Object::Real(y),
        Object::Null,
    ])
}

/// A URI is a 7-bit ASCII string: other bytes, spaces and controls are percent-encoded.
fn uri_bytes(uri: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(uri.len());
    for &byte in uri.as_bytes() {
        if byte.is_ascii_graphic() {
            out.push(byte);
        } else {
            out.extend_from_slice(format!("%{byte:02X}").as_bytes());
        }
    }
    out
}

/// A PDF text string: printable ASCII as a literal string (lopdf escapes `(`, `)` and
/// `\`), anything else as UTF-16BE with a byte order mark.
fn text_string(text: &str) -> Object {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Object::String(text.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

/// Writes the outline: each entry is a child of the nearest earlier entry of a lower
/// level, in document order, all open. Returns the /Outlines dictionary's id.
fn write_outline(
    pdf: &mut lopdf::Document,
    doc: &Document,
    page_ids: &[ObjectId],
) -> Option<ObjectId> {
    let entries = &doc.outline;
    if entries.is_empty() {
        return None;
    }
    let root = pdf.new_object_id();
    let ids: Vec<ObjectId> = entries.iter().map(|_| pdf.new_object_id()).collect();
    let mut parent: Vec<Option<usize>> = vec![None; entries.len()];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); entries.len()];
    let mut top = Vec::new();
    let mut open: Vec<(u8, usize)> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let level = entry.level.max(1);
        while open.last().is_some_and(|&(l, _)| l >= level) {
            open.pop();
        }
        match open.last() {
            Some(&(_, p)) => {
                parent[i] = Some(p);
                children[p].push(i);
            }
            None => top.push(i),
        }
        open.push((level, i));
    }
    // Every entry is open, so an entry's /Count is all of its descendants. Children
    // come after their parent, so one backward pass adds them up.
    let mut descendants = vec![0i64; entries.len()];
    for i in (0..entries.len()).rev() {
        if let Some(p) = parent[i] {
            descendants[p] += 1 + descendants[i];
        }
    }
    for (i, entry) in entries.iter().enumerate() {
        let siblings = parent[i].map_or(&top, |p| &children[p]);
        let at = siblings.iter().position(|&s| s == i).unwrap_or(0);
        let mut dict = dictionary! {
            "Title" => text_string(&entry.title),
            "Parent" => parent[i].map_or(root, |p| ids[p]),
            "Dest" => destination(page_ids[entry.page], entry.y),
        };
        if at > 0 {
            dict.set("Prev", ids[siblings[at - 1]]);
        }
        if let Some(&next) = siblings.get(at + 1) {
            dict.set("Next", ids[next]);
        }
        if let (Some(&first), Some(&last)) = (children[i].first(), children[i].last()) {
            dict.set("First", ids[first]);
            dict.set("Last", ids[last]);
            dict.set("Count", descendants[i]);
        }
        pdf.set_object(ids[i], dict);
    }
    let (first, last) = (top[0], top[top.len() - 1]);
    pdf.set_object(
        root,
        dictionary! {
            "Type" => "Outlines",
            "First" => ids[first],
            "Last" => ids[last],
            "Count" => entries.len() as i64,
        },
    );
    Some(root)
}

/// The /PageLabels number tree. The tree must cover page 0; when the first range starts
/// later, the pages before it are numbered 1, 2, 3. A start number below 1 (not allowed
/// in a PDF) is written as 1.
fn page_labels(doc: &Document) -> Option<Dictionary> {
    let first = doc.labels.first()?;
    let mut nums = Vec::new();
    if first.start > 0 {
        nums.push(0.into());
        nums.push(dictionary! { "S" => "D" }.into());
    }
    for range in &doc.labels {
        let mut dict = Dictionary::new();
        let style = match range.style {
            LabelStyle::RomanLower => Some("r"),
            LabelStyle::Decimal => Some("D"),
            LabelStyle::None => None,
        };
        if let Some(style) = style {
            dict.set("S", style);
            dict.set("St", i64::from(range.first.max(1)));
        }
        nums.push((range.start as i64).into());
        nums.push(dict.into());
    }
    Some(dictionary! { "Nums" => nums })
}

/// Writes the Info dictionary and an XMP packet that says the same (title, author,
/// subject, keywords, language, producer, dates). Returns (info id, metadata id).
fn write_metadata(pdf: &mut lopdf::Document, doc: &Document) -> (ObjectId, ObjectId) {
    let info = &doc.info;
    let date = crate::date::CivilTime::from_epoch(info.date);
    let keywords = info.keywords.join(", ");
    let mut dict = Dictionary::new();
    for (key, value) in [
        ("Title", &info.title),
        ("Author", &info.author),
        ("Subject", &info.subject),
        ("Keywords", &keywords),
    ] {
        if !value.is_empty() {
            dict.set(key, text_string(value));
        }
    }
    dict.set("Creator", text_string(PRODUCER));
    dict.set("Producer", text_string(PRODUCER));
    dict.set("CreationDate", text_string(&date.pdf()));
    dict.set("ModDate", text_string(&date.pdf()));
    let info_id = pdf.add_object(dict);

    let xmp = xmp_packet(doc, &keywords, &date.xmp());
    let stream = Stream::new(
        dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
        xmp.into_bytes(),
    )
    // Left uncompressed so that tools that scan for XMP packets find it.
    .with_compression(false);
    (info_id, pdf.add_object(stream))
}

const PRODUCER: &str = "bookbind";

fn xmp_packet(doc: &Document, keywords: &str, date: &str) -> String {
    let info = &doc.info;
    let mut fields = String::from("<dc:format>application/pdf</dc:format>\n");
    let alt = |tag: &str, value: &str| {
        format!(
            "<{tag}><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></{tag}>\n",
            crate::xml::escape_text(value)
        )
    };
    if !info.title.is_empty() {
        fields.push_str(&alt("dc:title", &info.title));
    }
    if !info.author.is_empty() {
        fields.push_str(&format!(
            "<dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>\n",
            crate::xml::escape_text(&info.author)
        ));
    }
    if !info.subject.is_empty() {
        fields.push_str(&alt("dc:description", &info.subject));
    }
    if !info.language.is_empty() {
        fields.push_str(&format!(
            "<dc:language><rdf:Bag><rdf:li>{}</rdf:li></rdf:Bag></dc:language>\n",
            crate::xml::escape_text(&info.language)
        ));
    }
    if !info.keywords.is_empty() {
        let items: String = info
            .keywords
            .iter()
            .map(|k| format!("<rdf:li>{}</rdf:li>", crate::xml::escape_text(k)))
            .collect();
        fields.push_str(&format!(
            "<dc:subject><rdf:Bag>{items}</rdf:Bag></dc:subject>\n"
        ));
        fields.push_str(&format!(
            "<pdf:Keywords>{}</pdf:Keywords>\n",
            crate::xml::escape_text(keywords)
        ));
    }
    format!(
        "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
         <rdf:Description rdf:about=\"\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" \
         xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n\
         {fields}\
         <pdf:Producer>{PRODUCER}</pdf:Producer>\n\
         <xmp:CreatorTool>{PRODUCER}</xmp:CreatorTool>\n\
         <xmp:CreateDate>{date}</xmp:CreateDate>\n\
         <xmp:ModifyDate>{date}</xmp:ModifyDate>\n\
         <xmp:MetadataDate>{date}</xmp:MetadataDate>\n\
         </rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n\
         <?xpacket end=\"w\"?>"
    )
}

/// Compresses the streams and serializes the file, with a trailer /ID hashed from the
/// file written without it: the same document always gets the same id.
fn finish(mut pdf: lopdf::Document) -> Result<Vec<u8>, WriteError> {
    compress(&mut pdf);
    // Serialise once with a placeholder /ID of the final length, hash the bytes, then
    // write the hash over the placeholder (same length: offsets stay valid).
    let placeholder = vec![0u8; 16];
    let id = Object::String(placeholder.clone(), StringFormat::Hexadecimal);
    pdf.trailer.set("ID", vec![id.clone(), id]);
    let mut out = Vec::new();
    pdf.save_to(&mut out)
        .map_err(|e| WriteError::Serialize(e.to_string()))?;
    let mut hash = fnv1a(&out, FNV_OFFSET).to_be_bytes().to_vec();
    hash.extend_from_slice(&fnv1a(&out, FNV_OFFSET ^ 0x5bd1_e995).to_be_bytes());
    let hex_placeholder = format!("<{}>", "00".repeat(16));
    let hex: String = hash.iter().map(|b| format!("{b:02X}")).collect();
    let hex = format!("<{hex}>");
    let tail = out.len().saturating_sub(1024);
    let mut at = tail;
    while let Some(i) = find(&out[at..], hex_placeholder.as_bytes()) {
        let start = at + i;
        out[start..start + hex.len()].copy_from_slice(hex.as_bytes());
        at = start + hex.len();
    }
    Ok(out)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Flate-compresses every stream that allows it and has no filter yet (the page
/// contents are compressed when they are drawn).
fn compress(pdf: &mut lopdf::Document) {
    for object in pdf.objects.values_mut() {
        if let Object::Stream(stream) = object {
            if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
                continue;
            }
            if let Some(data) = deflate(&stream.content) {
                if data.len() < stream.content.len() {
                    stream.dict.set("Filter", "FlateDecode");
                    stream.set_content(data);
                }
            }
        }
    }
}

/// Zlib at level 4: lopdf's own `compress` uses the slowest level, which cost a
/// thousand-page book more time than the whole layout for a few per cent of size.
fn deflate(data: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write as _;
    const LEVEL: u32 = 4;
    let mut enc = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(data.len() / 3),
        flate2::Compression::new(LEVEL),
    );
    enc.write_all(data).ok()?;
    enc.finish().ok()
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a, 64 bits: a fixed, dependency-free hash for ids that must not change between
/// builds (not for security).
fn fnv1a(bytes: &[u8], offset: u64) -> u64 {
    bytes.iter().fold(offset, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typeset::doc::{FaceId, Info, LabelRange, OutlineEntry, Page};
    use std::process::Command;

    const FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    /// The test font, read once and kept for the whole run: a `FaceFile` holds
    /// `'static` bytes, as the bundled faces are.
    fn font_data() -> Option<&'static [u8]> {
        static DATA: std::sync::OnceLock<Option<&'static [u8]>> = std::sync::OnceLock::new();
        let data = *DATA.get_or_init(|| {
            std::fs::read(FONT)
                .ok()
                .map(|data| &*Box::leak(data.into_boxed_slice()))
        });
        if data.is_none() {
            eprintln!("skipped: {FONT} is missing (apt-get install fonts-dejavu-core)");
        }
        data
    }

    /// Places glyphs at their natural advances from 0, each given as the character whose
    /// glyph to draw and the text it stands for; `stretch` is added after every space, as
    /// justification would. A glyph whose text starts with `^` is raised by 4 pt.
    fn set(data: &[u8], size: f32, glyphs: &[(char, &str)], stretch: f32) -> Vec<PlacedGlyph> {
        let font = FontRef::new(data).expect("test font parses");
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        let mut pen = 0.0;
        glyphs
            .iter()
            .map(|&(c, text)| {
                let gid = charmap.map(c).expect("test font has the character");
                let (text, dy) = match text.strip_prefix('^') {
                    Some(raised) => (raised, 4.0),
                    None => (text, 0.0),
                };
                let glyph = PlacedGlyph {
                    id: gid.to_u32() as u16,
                    dx: pen,
                    dy,
                    text: text.into(),
                };
                pen += metrics.advance_width(gid).unwrap_or(0.0);
                if text == " " {
                    pen += stretch;
                }
                glyph
            })
            .collect()
    }

    fn plain(text: &str) -> Vec<(char, String)> {
        text.chars().map(|c| (c, c.to_string())).collect()
    }

    fn run(data: &[u8], size: f32, x: Pt, y: Pt, glyphs: &[(char, &str)], stretch: f32) -> Item {
        Item::Text(TextRun {
            face: FaceId(0),
            size,
            x,
            y,
            glyphs: set(data, size, glyphs, stretch),
        })
    }

    fn refs(spec: &[(char, String)]) -> Vec<(char, &str)> {
        spec.iter().map(|(c, t)| (*c, t.as_str())).collect()
    }

    /// Two 6 × 9 in pages: text with a ligature, a combining cluster, a raised glyph, a
    /// rule and two links on the first; justified text on the second.
    fn sample(data: &'static [u8]) -> Document {
        let mut first = plain("Contents (draft) ");
        first.extend([('\u{FB01}', "fi".to_string())]);
        first.extend(plain("ne coffee"));
        let mut second = plain("caf");
        second.extend([('e', "é".to_string()), ('\u{0301}', String::new())]);
        second.extend(plain(" E = mc"));
        second.push(('2', "^2".to_string()));
        let page_one = Page {
            width: 432.0,
            height: 648.0,
            items: vec![
                run(data, 12.0, 72.0, 560.0, &refs(&first), 0.0),
                run(data, 10.5, 72.0, 540.0, &refs(&second), 0.0),
                Item::Line {
                    x1: 72.0,
                    y1: 530.0,
                    x2: 360.0,
                    y2: 530.0,
                    width: 0.5,
                },
                Item::Link {
                    rect: Rect {
                        x: 72.0,
                        y: 556.0,
                        width: 60.0,
                        height: 14.0,
                    },
                    target: LinkTarget::Page { page: 1, y: 620.0 },
                },
                Item::Link {
                    rect: Rect {
                        x: 72.0,
                        y: 536.0,
                        width: 30.0,
                        height: 12.0,
                    },
                    target: LinkTarget::Uri("https://example.org/a(b)?q=ü".to_string()),
                },
            ],
        };
        let page_two = Page {
            width: 432.0,
            height: 648.0,
            items: vec![run(
                data,
                12.0,
                72.0,
                600.0,
                &refs(&plain("Second page here")),
                3.0,
            )],
        };
        Document {
            images: Vec::new(),
            faces: vec![FaceFile {
                name: "DejaVu Sans".to_string(),
                data,
            }],
            pages: vec![page_one, page_two],
            outline: vec![
                OutlineEntry {
                    title: "Chapter (one) — Ünïcode".to_string(),
                    level: 1,
                    page: 0,
                    y: 580.0,
                },
                OutlineEntry {
                    title: "Section".to_string(),
                    level: 2,
                    page: 1,
                    y: 620.0,
                },
            ],
            labels: vec![
                LabelRange {
                    start: 0,
                    style: LabelStyle::RomanLower,
                    first: 1,
                },
                LabelRange {
                    start: 1,
                    style: LabelStyle::Decimal,
                    first: 1,
                },
            ],
            info: Info {
                title: "Tips (for) partners — ü".to_string(),
                author: "A. Author".to_string(),
                subject: "Testing".to_string(),
                keywords: vec!["pdf".to_string(), "test".to_string()],
                language: "en".to_string(),
                date: 1_795_478_400,
            },
        }
    }

    fn written(data: &'static [u8]) -> (Document, Vec<u8>, lopdf::Document) {
        let doc = sample(data);
        let bytes = write(&doc).expect("sample document writes");
        let pdf = lopdf::Document::load_mem(&bytes).expect("output parses");
        (doc, bytes, pdf)
    }

    fn dict<'a>(pdf: &'a lopdf::Document, object: &'a Object) -> &'a Dictionary {
        match object {
            Object::Reference(id) => pdf.get_dictionary(*id).expect("reference to a dictionary"),
            Object::Dictionary(d) => d,
            other => panic!("not a dictionary: {other:?}"),
        }
    }

    fn get<'a>(pdf: &'a lopdf::Document, d: &'a Dictionary, key: &str) -> &'a Object {
        let object = d
            .get(key.as_bytes())
            .unwrap_or_else(|_| panic!("/{key} present"));
        pdf.dereference(object).expect("reference resolves").1
    }

    fn number(object: &Object) -> f32 {
        match object {
            Object::Integer(i) => *i as f32,
            Object::Real(r) => *r,
            other => panic!("not a number: {other:?}"),
        }
    }

    fn text(object: &Object) -> String {
        lopdf::decode_text_string(object).expect("a text string")
    }

    fn font_dict(pdf: &lopdf::Document) -> &Dictionary {
        let page = pdf.get_pages()[&1];
        let fonts = pdf.get_page_fonts(page).expect("page fonts");
        fonts.get(b"F0".as_slice()).expect("font F0")
    }

    #[test]
    fn every_page_has_its_media_box_and_trim_box() {
        let Some(data) = font_data() else { return };
        let (_, _, pdf) = written(data);
        let pages = pdf.get_pages();
        assert_eq!(pages.len(), 2);
        for id in pages.values() {
            let page = pdf.get_dictionary(*id).expect("page");
            for key in ["MediaBox", "TrimBox"] {
                let values: Vec<f32> = get(&pdf, page, key)
                    .as_array()
                    .expect("box array")
                    .iter()
                    .map(number)
                    .collect();
                assert_eq!(values, [0.0, 0.0, 432.0, 648.0], "{key}");
            }
        }
    }

    #[test]
    fn outline_nests_the_level_two_entry_under_the_level_one_entry() {
        let Some(data) = font_data() else { return };
        let (_, _, pdf) = written(data);
        let catalog = pdf.catalog().expect("catalog");
        let outlines = dict(&pdf, catalog.get(b"Outlines").expect("/Outlines"));
        let top = outlines
            .get(b"First")
            .expect("first")
            .as_reference()
            .expect("ref");
        assert_eq!(
            outlines.get(b"Last").expect("last").as_reference().ok(),
            Some(top)
        );
        let chapter = pdf.get_dictionary(top).expect("chapter");
        assert_eq!(text(get(&pdf, chapter, "Title")), "Chapter (one) — Ünïcode");
        assert!(chapter.get(b"Next").is_err(), "only one top entry");
        let child = chapter
            .get(b"First")
            .expect("child")
            .as_reference()
            .expect("ref");
        assert_eq!(
            chapter.get(b"Last").expect("last").as_reference().ok(),
            Some(child)
        );
        let section = pdf.get_dictionary(child).expect("section");
        assert_eq!(text(get(&pdf, section, "Title")), "Section");
        assert_eq!(
            section.get(b"Parent").expect("parent").as_reference().ok(),
            Some(top)
        );
        let dest = get(&pdf, section, "Dest").as_array().expect("dest");
        assert_eq!(dest[0].as_reference().ok(), Some(pdf.get_pages()[&2]));
        assert_eq!(number(&dest[3]), 620.0);
    }

    #[test]
    fn outline_levels_nest_under_the_nearest_lower_level_in_order() {
        let Some(data) = font_data() else { return };
        let mut doc = sample(data);
        let entry = |title: &str, level| OutlineEntry {
            title: title.to_string(),
            level,
            page: 0,
            y: 600.0,
        };
        doc.outline = vec![
            entry("a", 1),
            entry("a.x", 3),
            entry("a.b", 2),
            entry("c", 1),
        ];
        let bytes = write(&doc).expect("writes");
        let pdf = lopdf::Document::load_mem(&bytes).expect("parses");
        let outlines = dict(
            &pdf,
            pdf.catalog().expect("catalog").get(b"Outlines").expect("o"),
        );
        let titles = |first: &Object| {
            let mut out = Vec::new();
            let mut next = first.as_reference().ok();
            while let Some(id) = next {
                let d = pdf.get_dictionary(id).expect("item");
                out.push(text(get(&pdf, d, "Title")));
                next = d.get(b"Next").and_then(Object::as_reference).ok();
            }
            out
        };
        assert_eq!(titles(outlines.get(b"First").expect("first")), ["a", "c"]);
        let a = dict(&pdf, outlines.get(b"First").expect("first"));
        assert_eq!(titles(a.get(b"First").expect("children")), ["a.x", "a.b"]);
        assert_eq!(number(get(&pdf, a, "Count")), 2.0);
    }

    #[test]
    fn page_labels_number_roman_then_decimal() {
        let Some(data) = font_data() else { return };
        let (_, _, pdf) = written(data);
        let catalog = pdf.catalog().expect("catalog");
        let labels = dict(&pdf, catalog.get(b"PageLabels").expect("/PageLabels"));
        let nums = get(&pdf, labels, "Nums").as_array().expect("Nums");
        assert_eq!(nums.len(), 4);
        assert_eq!(nums[0].as_i64().ok(), Some(0));
        assert_eq!(
            get(&pdf, dict(&pdf, &nums[1]), "S").as_name().ok(),
            Some(b"r".as_slice())
        );
        assert_eq!(nums[2].as_i64().ok(), Some(1));
        let decimal = dict(&pdf, &nums[3]);
        assert_eq!(
            get(&pdf, decimal, "S").as_name().ok(),
            Some(b"D".as_slice())
        );
        assert_eq!(get(&pdf, decimal, "St").as_i64().ok(), Some(1));
    }

    #[test]
    fn catalog_has_the_language_and_info_the_title_and_dates() {
        let Some(data) = font_data() else { return };
        let (_, bytes, pdf) = written(data);
        let catalog = pdf.catalog().expect("catalog");
        assert_eq!(text(get(&pdf, catalog, "Lang")), "en");
        let info = dict(&pdf, pdf.trailer.get(b"Info").expect("/Info"));
        assert_eq!(text(get(&pdf, info, "Title")), "Tips (for) partners — ü");
        assert_eq!(text(get(&pdf, info, "Author")), "A. Author");
        assert_eq!(text(get(&pdf, info, "Keywords")), "pdf, test");
        assert_eq!(text(get(&pdf, info, "Producer")), "bookbind");
        assert_eq!(text(get(&pdf, info, "CreationDate")), "D:20261124000000Z");
        assert_eq!(text(get(&pdf, info, "ModDate")), "D:20261124000000Z");
        let metadata = get(&pdf, catalog, "Metadata")
            .as_stream()
            .expect("XMP stream");
        let xmp = String::from_utf8(metadata.content.clone()).expect("XMP is UTF-8");
        assert!(xmp.contains("<xmp:CreateDate>2026-11-24T00:00:00Z</xmp:CreateDate>"));
        assert!(xmp.contains("Tips (for) partners — ü"));
        assert!(!String::from_utf8_lossy(&bytes).contains("CreationDate (D:1970"));
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
    fn glyphs_land_exactly_where_the_layout_put_them() {
        let Some(data) = font_data() else { return };
        let (doc, _, pdf) = written(data);
        let cid = dict(
            &pdf,
            &get(&pdf, font_dict(&pdf), "DescendantFonts")
                .as_array()
                .expect("a")[0],
        );
        let w = get(&pdf, cid, "W").as_array().expect("W");
        assert_eq!(w[0].as_i64().ok(), Some(0), "one /W run from code 0");
        let widths: Vec<f64> = w[1]
            .as_array()
            .expect("widths")
            .iter()
            .map(|o| number(o) as f64)
            .collect();
        for (index, page_id) in pdf.get_pages().values().enumerate() {
            let content = lopdf::content::Content::decode(&pdf.get_page_content(*page_id))
                .expect("content decodes");
            // Walk the text operators as a viewer does, recording where each glyph lands.
            let (mut size, mut origin, mut pen, mut drawn) =
                (0.0f64, (0.0f64, 0.0f64), 0.0, vec![]);
            for op in &content.operations {
                match op.operator.as_str() {
                    "Tf" => size = number(&op.operands[1]) as f64,
                    "Tm" => {
                        origin = (
                            number(&op.operands[4]) as f64,
                            number(&op.operands[5]) as f64,
                        );
                        pen = 0.0;
                    }
                    "TJ" => {
                        for element in op.operands[0].as_array().expect("TJ array") {
                            match element {
                                Object::String(codes, _) => {
                                    for pair in codes.chunks(2) {
                                        let code = u16::from_be_bytes([pair[0], pair[1]]);
                                        drawn.push((origin.0 + pen * size / 1000.0, origin.1));
                                        pen += widths[usize::from(code)];
                                    }
                                }
                                kern => pen -= number(kern) as f64,
                            }
                        }
                    }
                    _ => {}
                }
            }
            let expected: Vec<(f64, f64)> = doc.pages[index]
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Text(run) => Some(
                        run.glyphs
                            .iter()
                            .map(move |g| ((run.x + g.dx) as f64, (run.y + g.dy) as f64)),
                    ),
                    _ => None,
                })
                .flatten()
                .collect();
            assert_eq!(drawn.len(), expected.len(), "page {index}");
            for (got, want) in drawn.iter().zip(&expected) {
                assert!(
                    (got.0 - want.0).abs() < 0.001 && (got.1 - want.1).abs() < 0.001,
                    "page {index}: glyph at {got:?}, layout put it at {want:?}"
                );
            }
        }
    }

    #[test]
    fn links_go_to_their_page_or_uri() {
        let Some(data) = font_data() else { return };
        let (_, _, pdf) = written(data);
        let pages = pdf.get_pages();
        let annots = pdf.get_page_annotations(pages[&1]).expect("annotations");
        assert_eq!(annots.len(), 2);
        let dest = get(&pdf, annots[0], "Dest").as_array().expect("Dest");
        assert_eq!(dest[0].as_reference().ok(), Some(pages[&2]));
        assert_eq!(dest[1].as_name().ok(), Some(b"XYZ".as_slice()));
        assert_eq!(number(&dest[3]), 620.0);
        let action = dict(&pdf, annots[1].get(b"A").expect("/A"));
        assert_eq!(
            get(&pdf, action, "S").as_name().ok(),
            Some(b"URI".as_slice())
        );
        let uri = get(&pdf, action, "URI").as_str().expect("URI string");
        assert_eq!(uri, b"https://example.org/a(b)?q=%C3%BC");
    }

    #[test]
    fn the_same_document_gives_identical_bytes() {
        let Some(data) = font_data() else { return };
        let doc = sample(data);
        let first = write(&doc).expect("writes");
        let second = write(&doc).expect("writes");
        assert!(first == second, "two writes differ");
        let pdf = lopdf::Document::load_mem(&first).expect("parses");
        let id = pdf
            .trailer
            .get(b"ID")
            .expect("/ID")
            .as_array()
            .expect("array");
        assert_eq!(id[0].as_str().map(<[u8]>::len).ok(), Some(16));
    }

    #[test]
    fn qpdf_accepts_the_file_and_poppler_reads_the_words_back() {
        let Some(data) = font_data() else { return };
        let tools = ["qpdf", "pdftotext", "pdffonts"];
        if let Some(missing) = tools
            .iter()
            .find(|t| Command::new(t).arg("--version").output().is_err())
        {
            eprintln!("skipped: {missing} is not installed (apt-get install qpdf poppler-utils)");
            return;
        }
        let (_, bytes, _) = written(data);
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sample.pdf");
        std::fs::write(&path, &bytes).expect("write temp file");

        let qpdf = Command::new("qpdf")
            .arg("--check")
            .arg(&path)
            .output()
            .expect("qpdf runs");
        let report = String::from_utf8_lossy(&qpdf.stdout);
        assert!(
            qpdf.status.code() == Some(0),
            "qpdf --check: {report}{}",
            String::from_utf8_lossy(&qpdf.stderr)
        );

        let text = Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext runs");
        let text = String::from_utf8_lossy(&text.stdout);
        for words in [
            "Contents (draft) fine coffee",
            "café",
            "E = mc2",
            "Second page here",
        ] {
            assert!(text.contains(words), "{words:?} not in {text:?}");
        }

        let fonts = Command::new("pdffonts")
            .arg(&path)
            .output()
            .expect("pdffonts runs");
        let fonts = String::from_utf8_lossy(&fonts.stdout);
        let row = fonts
            .lines()
            .find(|l| l.contains("+DejaVuSans"))
            .unwrap_or_else(|| panic!("{fonts}"));
        let columns: Vec<&str> = row.split_whitespace().collect();
        // name type… encoding emb sub uni object generation
        assert_eq!(
            columns[columns.len() - 5..columns.len() - 2],
            ["yes", "yes", "yes"],
            "{row}"
        );
    }

    #[test]
    fn a_run_in_an_unknown_face_is_an_error() {
        let Some(data) = font_data() else { return };
        let mut doc = sample(data);
        if let Some(Item::Text(run)) = doc.pages[0].items.first_mut() {
            run.face = FaceId(3);
        }
        let error = write(&doc).expect_err("face 3 does not exist");
        assert!(
            matches!(
                error,
                WriteError::UnknownFace {
                    face: 3,
                    faces: 1,
                    ..
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn a_link_to_a_missing_page_is_an_error() {
        let Some(data) = font_data() else { return };
        let mut doc = sample(data);
        doc.pages[0].items.push(Item::Link {
            rect: Rect {
                x: 0.0,
                y: 0.0,
                width: 1.0,
                height: 1.0,
            },
            target: LinkTarget::Page { page: 9, y: 0.0 },
        });
        let error = write(&doc).expect_err("page 9 does not exist");
        assert!(
            matches!(
                error,
                WriteError::TargetPage {
                    target: 9,
                    pages: 2,
                    ..
                }
            ),
            "{error}"
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
    fn a_document_without_pages_is_an_error() {
        let error = write(&Document::default()).expect_err("no pages");
        assert!(matches!(error, WriteError::NoPages));
    }

    #[test]
    fn text_strings_are_literal_ascii_or_utf16_with_a_byte_order_mark() {
        assert_eq!(
            text_string("a (b) \\"),
            Object::String(b"a (b) \\".to_vec(), StringFormat::Literal)
        );
        let Object::String(bytes, StringFormat::Hexadecimal) = text_string("é😀") else {
            panic!("non-ASCII text is not a hex string");
        };
        assert_eq!(bytes, [0xFE, 0xFF, 0x00, 0xE9, 0xD8, 0x3D, 0xDE, 0x00]);
        // The content stream's own writer escapes the same way, and lopdf reads back
        // the exact text.
        let mut ops = Ops::default();
        ops.text("x) (y \\");
        ops.raw(b" ");
        ops.op("Tj");
        ops.text("é");
        ops.raw(b" ");
        ops.op("Tj");
        assert_eq!(ops.0, b"(x\\) \\(y \\\\) Tj\n<FEFF00E9> Tj\n");
        let decoded = lopdf::content::Content::decode(&ops.0).expect("decodes");
        assert_eq!(
            decoded.operations[0].operands,
            [Object::String(b"x) (y \\".to_vec(), StringFormat::Literal)]
        );
    }

    #[test]
    fn content_numbers_are_plain_decimals_that_read_back_exactly() {
        let mut ops = Ops::default();
        for v in [0.0f32, 12.0, -3.0, 0.1, 431.99997, -0.000_012_5, 1e12] {
            ops.num(v);
        }
        for h in [0i64, 5, 50, -7, -1234, 100_001] {
            ops.hundredths(h);
            ops.raw(b" ");
        }
        let text = String::from_utf8(ops.0).expect("ASCII");
        assert_eq!(
            text,
            "0 12 -3 0.1 431.99997 -0.0000125 1000000000000 0 0.05 0.5 -0.07 -12.34 1000.01 "
        );
        for (word, want) in
            text.split_whitespace()
                .zip([0.0f32, 12.0, -3.0, 0.1, 431.99997, -0.000_012_5, 1e12])
        {
            assert_eq!(word.parse::<f32>().expect("a number"), want);
        }
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

    #[test]
    fn clusters_gather_glyphs_with_empty_text_behind_the_one_before() {
        let glyph = |text: &str| PlacedGlyph {
            id: 1,
            dx: 0.0,
            dy: 0.0,
            text: text.into(),
        };
        let glyphs = [glyph(""), glyph("e"), glyph(""), glyph("f"), glyph("i")];
        let sizes: Vec<usize> = clusters(&glyphs).map(<[PlacedGlyph]>::len).collect();
        assert_eq!(sizes, [1, 2, 1, 1]);
    }
}
