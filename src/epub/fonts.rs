//! `epub.embed-fonts`: the print edition's typefaces in the EPUB, each face a subset
//! of the characters the book prints (with skera, the fontations subsetter: the
//! subsets keep their character map and OpenType layout, so reading systems shape
//! them as the print edition does), declared with `@font-face` and used by the
//! stylesheet's rules for body text and code.
//!
//! The faces are the resolved `Typefaces` (the author's, else the bundled ones, then
//! the fallbacks and the installed families found for the book's characters); a
//! style a family lacks is left to the reading system to make. Writes no files.

use skera::{subset_font, Plan, SubsetFlags, DEFAULT_LAYOUT_FEATURES};
use skrifa::raw::collections::IntSet;
use skrifa::raw::types::{NameId, Tag};
use skrifa::raw::{FontRef, TableProvider};

use crate::fonts::{Family, FontFile, Slot, Typefaces};

/// Tables no reading system needs, dropped as HarfBuzz's subsetter drops them by
/// default: legacy layout (AAT, `kern`), Graphite, justification, bitmaps and the
/// like.
const DROP: [&[u8; 4]; 17] = [
    b"morx", b"mort", b"kerx", b"kern", b"JSTF", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"SVG ",
    b"PCLT", b"LTSH", b"feat", b"Glat", b"Gloc", b"Silf", b"Sill",
];

/// Name records kept: family and style names (1–6), the copyright (0), and the
/// licence and its URL (13, 14), which the fonts' licences ask to travel with them.
const NAME_IDS: [u16; 9] = [0, 1, 2, 3, 4, 5, 6, 13, 14];

/// One embedded face: its file in the package and the `@font-face` it needs.
pub struct Embedded {
    /// Path in the package, e.g. `fonts/body-regular.ttf`.
    pub name: String,
    pub media_type: &'static str,
    pub data: Vec<u8>,
    family: String,
    slot: Slot,
}

/// A face that could not be subset: the EPUB is written without it.
#[derive(Debug)]
pub struct NotEmbedded {
    pub face: String,
    pub reason: String,
}

/// The faces to embed, subset to the characters the book prints, and the ones that
/// could not be.
pub fn subsets(t: &Typefaces) -> (Vec<Embedded>, Vec<NotEmbedded>) {
    let charis = Family::bundled_body();
    let mono = Family::bundled_mono();
    let sans = Family::bundled_fallback();
    let mut roles: Vec<(&str, &Family)> = vec![("body", t.body.as_ref().unwrap_or(&charis))];
    if let Some(h) = &t.headings {
        roles.push(("headings", h));
    }
    roles.push(("code", t.code.as_ref().unwrap_or(&mono)));
    for f in &t.fallback {
        roles.push(("fallback", f));
    }
    roles.push(("fallback", &sans));
    for f in &t.found {
        roles.push(("fallback", f));
    }
    let wanted: IntSet<u32> = (0x20..0x7F)
        .chain(t.printed.iter().map(|&c| u32::from(c)))
        .collect();
    let mut done = Vec::new();
    let mut failed = Vec::new();
    let mut used_names: Vec<String> = Vec::new();
    // What the faces before a fallback have: it is embedded only for the rest.
    let mut covered = IntSet::<u32>::empty();
    for (role, family) in roles {
        let need: IntSet<u32> = if role == "fallback" {
            wanted.iter().filter(|c| !covered.contains(*c)).collect()
        } else {
            wanted.clone()
        };
        if let Some(regular) = family.face(Slot::Regular) {
            covered.extend(has_of(regular, &wanted).iter());
        }
        for slot in Slot::ALL {
            let Some(file) = family.face(slot) else {
                continue;
            };
            match subset(file, &need) {
                Ok(Some((data, otf))) => {
                    let mut stem = format!("{}-{}", slug(&family.name), slot.key());
                    if used_names.contains(&stem) {
                        continue;
                    }
                    used_names.push(stem.clone());
                    stem.push_str(if otf { ".otf" } else { ".ttf" });
                    done.push(Embedded {
                        name: format!("fonts/{stem}"),
                        media_type: if otf { "font/otf" } else { "font/ttf" },
                        data,
                        family: family_name(role, &family.name),
                        slot,
                    });
                }
                // The face has none of the book's characters.
                Ok(None) => {}
                Err(reason) => failed.push(NotEmbedded {
                    face: file.label.clone(),
                    reason,
                }),
            }
        }
    }
    (done, failed)
}

/// The `@font-face` rules and the rules that use them: body text in the body
/// family and the fallbacks, headings in theirs, code in the code family.
pub fn stylesheet(faces: &[Embedded]) -> String {
    let mut css = String::from("\n/* epub.embed-fonts: the print edition's typefaces. */\n");
    let mut families: Vec<&str> = Vec::new();
    for f in faces {
        css.push_str(&format!(
            "@font-face {{ font-family: \"{}\"; src: url(\"{}\"); font-style: {}; font-weight: {}; }}\n",
            f.family,
            f.name,
            if f.slot.italic() { "italic" } else { "normal" },
            if f.slot.bold() { "bold" } else { "normal" },
        ));
        if !families.contains(&f.family.as_str()) {
            families.push(&f.family);
        }
    }
    let of_role = |role: &str| {
        families
            .iter()
            .filter(|f| f.starts_with(role))
            .map(|f| format!("\"{f}\""))
            .collect::<Vec<_>>()
    };
    let fallbacks = of_role("fallback");
    let list = |mut own: Vec<String>, generic: &str| {
        own.extend(fallbacks.iter().cloned());
        own.push(generic.to_string());
        own.join(", ")
    };
    css.push_str(&format!(
        "body {{ font-family: {}; }}\n",
        list(of_role("body"), "serif")
    ));
    let headings = of_role("headings");
    if !headings.is_empty() {
        css.push_str(&format!(
            "h1, h2, h3, h4, h5, h6 {{ font-family: {}; }}\n",
            list(headings, "serif")
        ));
    }
    css.push_str(&format!(
        "code, pre, kbd, samp {{ font-family: {}; }}\n",
        list(of_role("code"), "monospace")
    ));
    css
}

/// The name a family goes by in the stylesheet: its role and its own name, so that
/// a family installed on the reader's device under the same name is not taken for
/// the subset.
fn family_name(role: &str, name: &str) -> String {
    format!("{role} {}", name.replace(['"', '\\'], ""))
}

/// Lowercase letters and digits of a family name, words joined by hyphens.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The characters of `wanted` the face maps to a glyph.
fn has_of(file: &FontFile, wanted: &IntSet<u32>) -> IntSet<u32> {
    let Ok(font) = FontRef::from_index(&file.data, file.index) else {
        return IntSet::empty();
    };
    let Ok(cmap) = font.cmap() else {
        return IntSet::empty();
    };
    wanted
        .iter()
        .filter(|&c| cmap.map_codepoint(c).is_some_and(|g| g.to_u32() != 0))
        .collect()
}

/// The face subset to the characters of `wanted` it has (and the glyphs its layout
/// reaches from them), and whether it has CFF outlines; None when it has none of
/// them.
fn subset(file: &FontFile, wanted: &IntSet<u32>) -> Result<Option<(Vec<u8>, bool)>, String> {
    let font = FontRef::from_index(&file.data, file.index).map_err(|e| e.to_string())?;
    let has = has_of(file, wanted);
    if has.is_empty() {
        return Ok(None);
    }
    // skera 0.9 cuts TrueType outlines only; a CFF face would lose its outlines.
    if font.table_data(Tag::new(b"CFF ")).is_some() || font.table_data(Tag::new(b"CFF2")).is_some()
    {
        return Err("its outlines are CFF, which the EPUB's subsetter cannot cut yet".into());
    }
    let drop: IntSet<Tag> = DROP.iter().map(|t| Tag::new(t)).collect();
    let mut scripts = IntSet::<Tag>::empty();
    scripts.invert();
    let features: IntSet<Tag> = DEFAULT_LAYOUT_FEATURES.iter().copied().collect();
    let names: IntSet<NameId> = NAME_IDS.iter().map(|&n| NameId::new(n)).collect();
    let mut languages = IntSet::<u16>::empty();
    languages.insert(0x0409);
    let plan = Plan::new(
        &IntSet::empty(),
        &has,
        &font,
        SubsetFlags::SUBSET_FLAGS_DEFAULT,
        &drop,
        &scripts,
        &features,
        &names,
        &languages,
    );
    let data = subset_font(&font, &plan).map_err(|e| e.to_string())?;
    let kept = FontRef::new(&data).is_ok_and(|f| f.table_data(Tag::new(b"glyf")).is_some());
    if !kept {
        return Err("its subset lost its outlines".into());
    }
    Ok(Some((data, false)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use skrifa::MetadataProvider;

    fn typefaces(printed: &str) -> Typefaces {
        Typefaces {
            printed: printed.chars().filter(|c| !c.is_ascii()).collect(),
            ..Typefaces::default()
        }
    }

    #[test]
    fn the_bundled_faces_are_subset_to_the_characters_printed_and_stay_fonts() {
        let (faces, failed) = subsets(&typefaces("naïve café"));
        assert!(failed.is_empty(), "{failed:?}");
        let names: Vec<&str> = faces.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "fonts/charis-sil-regular.ttf",
                "fonts/charis-sil-italic.ttf",
                "fonts/charis-sil-bold.ttf",
                "fonts/charis-sil-bold-italic.ttf",
                "fonts/dejavu-sans-mono-regular.ttf",
            ],
            "DejaVu Sans has nothing Charis lacks here, so it is left out"
        );
        let regular = &faces[0];
        assert!(
            regular.data.len() < crate::fonts::BUNDLED_BODY[0].1.len() / 5,
            "{}",
            regular.data.len()
        );
        let font = skrifa::FontRef::new(&regular.data).expect("a font");
        let charmap = font.charmap();
        for c in "naïve café AZ".chars() {
            assert!(charmap.map(c).is_some(), "{c}");
        }
        assert!(charmap.map('ß').is_none());
    }

    #[test]
    fn a_character_only_the_fallback_has_brings_the_fallback() {
        let (faces, _) = subsets(&typefaces("שלום"));
        let sans = faces
            .iter()
            .find(|f| f.name == "fonts/dejavu-sans-regular.ttf")
            .expect("DejaVu Sans embedded");
        let font = skrifa::FontRef::new(&sans.data).expect("a font");
        assert!(font.charmap().map('ש').is_some());
        let css = stylesheet(&faces);
        assert!(
            css.contains(
                "body { font-family: \"body Charis SIL\", \"fallback DejaVu Sans\", serif; }"
            ),
            "{css}"
        );
        assert!(
            css.contains("font-style: italic; font-weight: bold;"),
            "{css}"
        );
    }

    #[test]
    fn slugs_are_lowercase_words_joined_by_hyphens() {
        assert_eq!(slug("Noto Serif CJK JP"), "noto-serif-cjk-jp");
        assert_eq!(slug("  Odd--Name!"), "odd-name");
    }
}
