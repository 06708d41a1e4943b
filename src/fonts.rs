//! Font files for the editions: the bundled faces, font files in the book folder, and
//! installed fonts, grouped in families of up to four styles (regular, italic, bold,
//! bold italic).
//!
//! Finds and reads fonts; shapes, measures and embeds nothing (`typeset::fonts` reads
//! metrics, `pdf::fonts` subsets). Installed fonts are listed with fontdb (which knows
//! each platform's font folders and fontconfig's settings) only when the book asks
//! for a family that is not in its folder or has characters no other face has, so a
//! book that needs neither never scans the system. Files are memory-mapped rather
//! than read: a CJK collection is 20 MB, of which a book uses a few hundred KB.
//!
//! Determinism: where several installed faces would do, the choice is ordered by
//! family name and path, never by the order the system lists them in.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

pub use skrifa::font::Blob as FontData;
use skrifa::font::Font;

/// The faces compiled into the binary: (file name, data). Statics, not
/// constants: faces are told apart by the address of their data, and a constant
/// may be copied into every place that uses it.
pub static BUNDLED_BODY: [(&str, &[u8]); 4] = [
    (
        "CharisSIL-Regular.ttf",
        include_bytes!("../fonts/CharisSIL-Regular.ttf"),
    ),
    (
        "CharisSIL-Italic.ttf",
        include_bytes!("../fonts/CharisSIL-Italic.ttf"),
    ),
    (
        "CharisSIL-Bold.ttf",
        include_bytes!("../fonts/CharisSIL-Bold.ttf"),
    ),
    (
        "CharisSIL-BoldItalic.ttf",
        include_bytes!("../fonts/CharisSIL-BoldItalic.ttf"),
    ),
];
/// Code: DejaVu Sans Mono.
pub static BUNDLED_MONO: (&str, &[u8]) = (
    "DejaVuSansMono.ttf",
    include_bytes!("../fonts/DejaVuSansMono.ttf"),
);
/// Characters the others lack: DejaVu Sans (Greek, Cyrillic, Arabic, Hebrew,
/// symbols).
pub static BUNDLED_FALLBACK: (&str, &[u8]) =
    ("DejaVuSans.ttf", include_bytes!("../fonts/DejaVuSans.ttf"));

/// Extensions of the font files looked for in a book's `fonts/` folder.
const FONT_EXTENSIONS: [&str; 4] = ["ttf", "otf", "ttc", "otc"];

/// Weight from which a face counts as bold (CSS: 600 is semibold, the lightest
/// weight browsers take for `bold` when there is no 700).
const BOLD_WEIGHT: u16 = 600;

/// One face in a font file.
#[derive(Clone)]
pub struct FontFile {
    /// Where it came from, for messages: a path, or a bundled file's name.
    pub label: String,
    pub data: FontData,
    /// The face's index in a collection (TTC, OTC); 0 in a single font.
    pub index: u32,
}

impl fmt::Debug for FontFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FontFile")
            .field("label", &self.label)
            .field("index", &self.index)
            .field("bytes", &self.data.len())
            .finish()
    }
}

impl FontFile {
    /// A face compiled into the binary.
    pub fn bundled(name: &str, data: &'static [u8]) -> FontFile {
        FontFile {
            label: name.to_string(),
            data: FontData::from(data),
            index: 0,
        }
    }

    /// Whether the face maps `c` to a glyph.
    pub fn covers(&self, c: char) -> bool {
        Font::new(self.data.clone(), self.index)
            .is_some_and(|f| f.charmap().map_unicode(u32::from(c)).is_some())
    }
}

/// The styles of a family, in `Family::faces` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    Regular,
    Italic,
    Bold,
    BoldItalic,
}

impl Slot {
    pub const ALL: [Slot; 4] = [Slot::Regular, Slot::Italic, Slot::Bold, Slot::BoldItalic];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn italic(self) -> bool {
        matches!(self, Slot::Italic | Slot::BoldItalic)
    }

    pub fn bold(self) -> bool {
        matches!(self, Slot::Bold | Slot::BoldItalic)
    }

    /// The name an author writes in `book.yaml`.
    pub fn key(self) -> &'static str {
        match self {
            Slot::Regular => "regular",
            Slot::Italic => "italic",
            Slot::Bold => "bold",
            Slot::BoldItalic => "bold-italic",
        }
    }
}

/// A family: the faces it has, by [`Slot`]. A missing style is drawn from the
/// nearest one the family has, slanted or emboldened (see `typeset::fonts`).
#[derive(Debug, Clone)]
pub struct Family {
    pub name: String,
    pub faces: [Option<FontFile>; 4],
}

impl Family {
    /// The bundled body family, Charis SIL, in its four styles.
    pub fn bundled_body() -> Family {
        Family {
            name: "Charis SIL".into(),
            faces: BUNDLED_BODY.map(|(file, data)| Some(FontFile::bundled(file, data))),
        }
    }

    /// The bundled code face, DejaVu Sans Mono (regular only).
    pub fn bundled_mono() -> Family {
        Family::single("DejaVu Sans Mono", BUNDLED_MONO)
    }

    /// The bundled fallback, DejaVu Sans (regular only).
    pub fn bundled_fallback() -> Family {
        Family::single("DejaVu Sans", BUNDLED_FALLBACK)
    }

    fn single(name: &str, (file, data): (&str, &'static [u8])) -> Family {
        Family {
            name: name.into(),
            faces: [Some(FontFile::bundled(file, data)), None, None, None],
        }
    }

    pub fn face(&self, slot: Slot) -> Option<&FontFile> {
        self.faces[slot.index()].as_ref()
    }

    /// The styles the family lacks.
    pub fn missing(&self) -> Vec<Slot> {
        Slot::ALL
            .into_iter()
            .filter(|s| self.face(*s).is_none())
            .collect()
    }
}

/// The typefaces a book is printed in, decided at load (what the author named) and
/// in resolve (installed fonts for characters no other face has).
#[derive(Debug, Clone, Default)]
pub struct Typefaces {
    /// Body text; None: the bundled Charis SIL.
    pub body: Option<Family>,
    /// Headings and titles; None: the body's family.
    pub headings: Option<Family>,
    /// Code; None: the bundled DejaVu Sans Mono.
    pub code: Option<Family>,
    /// Tried in order for characters a role's family lacks, before the bundled
    /// fallback: the families the author named.
    pub fallback: Vec<Family>,
    /// Tried after the bundled fallback: installed families found for the book's
    /// characters that no other face has.
    pub found: Vec<Family>,
    /// Characters no face has: already reported (W0109).
    pub missing: BTreeSet<char>,
    /// Every character outside ASCII that the editions print, in order: what an
    /// embedded subset must hold.
    pub printed: Vec<char>,
}

impl Typefaces {
    /// Every face named or found, for checks that look at all of them.
    pub fn families(&self) -> impl Iterator<Item = &Family> {
        self.body
            .iter()
            .chain(&self.headings)
            .chain(&self.code)
            .chain(&self.fallback)
            .chain(&self.found)
    }

    /// The characters of `chars` that no named or found face has, nor a
    /// bundled one. Spaces, controls and format characters (joiners, marks of
    /// direction) print nothing and need no glyph.
    pub fn uncovered(&self, chars: impl Iterator<Item = char>) -> BTreeSet<char> {
        let bundled = BUNDLED_BODY
            .iter()
            .take(1)
            .chain([&BUNDLED_MONO, &BUNDLED_FALLBACK])
            .map(|(name, data)| FontFile::bundled(name, data));
        let named = self
            .families()
            .flat_map(|f| f.faces.iter().flatten().cloned());
        let fonts: Vec<Font> = named
            .chain(bundled)
            .filter_map(|f| Font::new(f.data, f.index))
            .collect();
        chars
            .filter(|&c| !c.is_whitespace() && !c.is_control() && !invisible(c))
            .filter(|&c| {
                !fonts
                    .iter()
                    .any(|f| f.charmap().map_unicode(u32::from(c)).is_some())
            })
            .collect()
    }

    /// The faces the author named (and the fallback ones), without those
    /// found for the book's characters nor what the editions print.
    pub fn named(&self) -> Typefaces {
        Typefaces {
            body: self.body.clone(),
            headings: self.headings.clone(),
            code: self.code.clone(),
            fallback: self.fallback.clone(),
            ..Typefaces::default()
        }
    }
}

/// Format characters that shape text but have no glyph of their own: joiners,
/// direction marks, the variation selectors, the byte order mark.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{E0100}'..='\u{E01EF}')
}

/// What a face is, as fontdb reads it from the file's tables.
#[derive(Debug, Clone)]
struct FaceEntry {
    families: Vec<String>,
    path: PathBuf,
    index: u32,
    italic: bool,
    weight: u16,
    monospaced: bool,
}

impl FaceEntry {
    fn slot(&self) -> Slot {
        match (self.weight >= BOLD_WEIGHT, self.italic) {
            (false, false) => Slot::Regular,
            (false, true) => Slot::Italic,
            (true, false) => Slot::Bold,
            (true, true) => Slot::BoldItalic,
        }
    }

    fn has_family(&self, name: &str) -> bool {
        self.families.iter().any(|f| f.eq_ignore_ascii_case(name))
    }

    /// How far its weight is from the slot's ideal (400 or 700).
    fn weight_distance(&self, slot: Slot) -> u16 {
        let ideal: u16 = if slot.bold() { 700 } else { 400 };
        self.weight.abs_diff(ideal)
    }
}

/// A set of faces read by fontdb, ordered by family name, path and index.
#[derive(Debug, Default)]
struct Catalogue {
    faces: Vec<FaceEntry>,
}

impl Catalogue {
    fn from_db(db: &fontdb::Database) -> Catalogue {
        let mut faces: Vec<FaceEntry> = db
            .faces()
            .filter_map(|f| {
                let path = match &f.source {
                    fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => p.clone(),
                    fontdb::Source::Binary(_) => return None,
                };
                Some(FaceEntry {
                    families: f.families.iter().map(|(n, _)| n.clone()).collect(),
                    path,
                    index: f.index,
                    italic: f.style != fontdb::Style::Normal,
                    weight: f.weight.0,
                    monospaced: f.monospaced,
                })
            })
            .collect();
        faces.sort_by(|a, b| {
            a.families
                .first()
                .cmp(&b.families.first())
                .then_with(|| a.path.cmp(&b.path))
                .then(a.index.cmp(&b.index))
        });
        Catalogue { faces }
    }

    /// The family's faces, the nearest weight for each style; None when it has no
    /// face by that name.
    fn family(&self, name: &str) -> Option<[Option<&FaceEntry>; 4]> {
        let members: Vec<&FaceEntry> = self.faces.iter().filter(|f| f.has_family(name)).collect();
        if members.is_empty() {
            return None;
        }
        let mut slots: [Option<&FaceEntry>; 4] = [None; 4];
        for slot in Slot::ALL {
            slots[slot.index()] = members
                .iter()
                .filter(|f| f.slot() == slot)
                .min_by_key(|f| f.weight_distance(slot))
                .copied();
        }
        Some(slots)
    }

    /// The family a file's face belongs to, with the faces of that family among
    /// these (its other styles beside it).
    fn family_of_file(&self, path: &Path) -> Option<(String, [Option<&FaceEntry>; 4])> {
        let entry = self.faces.iter().find(|f| f.path == path)?;
        let name = entry.families.first()?.clone();
        let mut slots = self.family(&name)?;
        // The file named is the face of its own style, whatever else shares it.
        slots[entry.slot().index()] = Some(entry);
        Some((name, slots))
    }
}

/// Finds fonts by file or family name: first in the book's `fonts/` folder, then
/// among installed fonts (read once, when first needed).
pub struct Finder {
    book: Catalogue,
    /// Whether installed fonts may be used (`pdf.installed-fonts`).
    use_installed: bool,
    installed: OnceLock<Catalogue>,
}

impl fmt::Debug for Finder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Finder")
            .field("book_faces", &self.book.faces.len())
            .field("use_installed", &self.use_installed)
            .finish_non_exhaustive()
    }
}

/// Why a font named in `book.yaml` could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindError {
    /// The file is not a font that can be read.
    Unreadable(PathBuf),
    /// No face in the book's folder or installed has that family name.
    NoFamily { name: String, close: Vec<String> },
}

impl fmt::Display for FindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FindError::Unreadable(p) => write!(
                f,
                "`{}` is not a TrueType or OpenType font that can be read",
                p.display()
            ),
            FindError::NoFamily { name, .. } => write!(
                f,
                "no font family `{name}` in the book's fonts/ folder or among installed fonts"
            ),
        }
    }
}

impl Finder {
    /// A finder over the font files in `fonts_dir` (when it exists) and the files
    /// named, and, if `use_installed`, installed fonts.
    pub fn new(fonts_dir: Option<&Path>, files: &[PathBuf], use_installed: bool) -> Finder {
        let mut db = fontdb::Database::new();
        if let Some(dir) = fonts_dir.filter(|d| d.is_dir()) {
            db.load_fonts_dir(dir);
        }
        for f in files {
            // A file that is no font is reported when it is used.
            let _ = db.load_font_file(f);
        }
        Finder {
            book: Catalogue::from_db(&db),
            use_installed,
            installed: OnceLock::new(),
        }
    }

    fn installed(&self) -> Option<&Catalogue> {
        if !self.use_installed {
            return None;
        }
        Some(self.installed.get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            Catalogue::from_db(&db)
        }))
    }

    /// The family a font file belongs to: that file for its style, and the other
    /// styles of its family from the book's fonts (beside it or in `fonts/`).
    pub fn file_family(&self, path: &Path) -> Result<Family, FindError> {
        let (name, slots) = self
            .book
            .family_of_file(path)
            .ok_or_else(|| FindError::Unreadable(path.to_path_buf()))?;
        family_from(&name, slots)
    }

    /// Exactly these files, one per style (the regular one required by the caller).
    pub fn files_family(&self, files: [Option<&Path>; 4]) -> Result<Family, FindError> {
        let mut faces: [Option<FontFile>; 4] = Default::default();
        let mut name = String::new();
        for (i, path) in files.iter().enumerate() {
            let Some(path) = path else { continue };
            let entry = self
                .book
                .faces
                .iter()
                .find(|f| f.path == *path)
                .ok_or_else(|| FindError::Unreadable(path.to_path_buf()))?;
            if name.is_empty() {
                name = entry.families.first().cloned().unwrap_or_default();
            }
            faces[i] = Some(open(entry)?);
        }
        Ok(Family { name, faces })
    }

    /// A family by name: from the book's fonts if it has it, else installed.
    pub fn family(&self, name: &str) -> Result<Family, FindError> {
        if let Some(slots) = self.book.family(name) {
            return family_from(name, slots);
        }
        if let Some(slots) = self.installed().and_then(|c| c.family(name)) {
            return family_from(name, slots);
        }
        Err(FindError::NoFamily {
            name: name.to_string(),
            close: self.close_names(name),
        })
    }

    /// Family names like `name` (the same words in another case or spacing, or
    /// containing it), for "did you mean".
    fn close_names(&self, name: &str) -> Vec<String> {
        let squash = |s: &str| {
            s.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        };
        let wanted = squash(name);
        let mut close: BTreeSet<String> = BTreeSet::new();
        for c in std::iter::once(&self.book).chain(self.installed()) {
            for f in &c.faces {
                for fam in &f.families {
                    let s = squash(fam);
                    if !wanted.is_empty() && (s.contains(&wanted) || wanted.contains(&s)) {
                        close.insert(fam.clone());
                    }
                }
            }
        }
        close.into_iter().take(5).collect()
    }

    /// Families that cover `chars`: first those in the book's `fonts/` folder, then
    /// installed ones, chosen one by one (see [`Finder::choose`]). Returns the
    /// families and the characters none of them has.
    pub fn covering(
        &self,
        chars: &BTreeSet<char>,
        languages: &[String],
    ) -> (Vec<Family>, BTreeSet<char>) {
        let mut left: BTreeSet<char> = chars.clone();
        let mut found = Vec::new();
        self.choose(&self.book, &mut left, languages, &mut found);
        if let Some(installed) = self.installed() {
            self.choose(installed, &mut left, languages, &mut found);
        }
        (found, left)
    }

    /// Families of `catalogue` for the characters `left`, chosen one by one: each
    /// time the one that covers most of what is left, preferring a family made for
    /// one of the book's `languages`, then an ordinary text face (not a symbol, mono
    /// or display face), then a serif (the bundled body face is one).
    fn choose(
        &self,
        catalogue: &Catalogue,
        left: &mut BTreeSet<char>,
        languages: &[String],
        found: &mut Vec<Family>,
    ) {
        // One candidate a family: its regular face (else any), opened once.
        let mut candidates: Vec<(&str, &FaceEntry, Font)> = Vec::new();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for e in &catalogue.faces {
            let Some(name) = e.families.first() else {
                continue;
            };
            if seen.contains(name.as_str()) {
                continue;
            }
            let Some(slots) = catalogue.family(name) else {
                continue;
            };
            let Some(best) = slots.iter().flatten().next() else {
                continue;
            };
            let Some(font) = open(best).ok().and_then(|f| Font::new(f.data, f.index)) else {
                continue;
            };
            seen.insert(name.as_str());
            candidates.push((name.as_str(), best, font));
        }
        while !left.is_empty() {
            let best = candidates
                .iter()
                .enumerate()
                .filter_map(|(i, (name, entry, font))| {
                    let charmap = font.charmap();
                    let covered = left
                        .iter()
                        .filter(|&&c| charmap.map_unicode(u32::from(c)).is_some())
                        .count();
                    (covered > 0).then(|| {
                        let key = (
                            made_for(name, languages),
                            !odd_family(name, languages) && !entry.monospaced,
                            // Families covering about as much rank alike, so that a
                            // serif wins over a sans a few characters ahead.
                            usize::BITS - covered.leading_zeros(),
                            serif(name),
                            covered,
                        );
                        (key, std::cmp::Reverse(i))
                    })
                })
                .max();
            let Some((_, std::cmp::Reverse(i))) = best else {
                break;
            };
            let (name, _, font) = candidates.remove(i);
            let charmap = font.charmap();
            left.retain(|&c| charmap.map_unicode(u32::from(c)).is_none());
            if let Some(slots) = catalogue.family(name) {
                if let Ok(family) = family_from(name, slots) {
                    found.push(family);
                }
            }
        }
    }
}

/// Opens a face's file (memory-mapped).
fn open(entry: &FaceEntry) -> Result<FontFile, FindError> {
    let unreadable = || FindError::Unreadable(entry.path.clone());
    let file = std::fs::File::open(&entry.path).map_err(|_| unreadable())?;
    // SAFETY: the map is read-only and lives as long as the data it backs. Another
    // process changing the font file while bookbind runs could change what is read
    // (a font manager installing a new version); fontdb and every PDF or browser
    // engine map font files the same way.
    #[allow(unsafe_code)]
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|_| unreadable())?;
    let data: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(map);
    let data = FontData::from(data);
    if Font::new(data.clone(), entry.index).is_none() {
        return Err(unreadable());
    }
    Ok(FontFile {
        label: entry.path.display().to_string(),
        data,
        index: entry.index,
    })
}

fn family_from(name: &str, slots: [Option<&FaceEntry>; 4]) -> Result<Family, FindError> {
    let mut faces: [Option<FontFile>; 4] = Default::default();
    for (i, e) in slots.iter().enumerate() {
        if let Some(e) = e {
            faces[i] = Some(open(e)?);
        }
    }
    Ok(Family {
        name: name.to_string(),
        faces,
    })
}

/// Words in family names that say which language or script a family is made for,
/// by language (the primary subtag of BCP 47).
fn language_words(language: &str) -> &'static [&'static str] {
    let lang = language.to_ascii_lowercase();
    let (primary, rest) = lang.split_once(['-', '_']).unwrap_or((&lang, ""));
    match primary {
        "ja" => &["JP", "Japanese", "Mincho", "Gothic"],
        "ko" => &["KR", "Korean", "Myeongjo"],
        "zh" if rest.contains("hant") || rest.contains("tw") => &["TC", "TW", "Traditional"],
        "zh" if rest.contains("hk") || rest.contains("mo") => &["HK", "TC", "Traditional"],
        "zh" => &["SC", "CN", "Simplified", "GB"],
        "ar" => &["Arabic", "Naskh"],
        "fa" => &["Arabic", "Naskh", "Persian", "Farsi", "Vazir"],
        "ur" => &["Urdu", "Nastaliq"],
        "he" | "iw" | "yi" => &["Hebrew"],
        "hi" | "mr" | "ne" | "sa" => &["Devanagari"],
        "bn" | "as" => &["Bengali"],
        "gu" => &["Gujarati"],
        "kn" => &["Kannada"],
        "ta" => &["Tamil"],
        "te" => &["Telugu"],
        "ml" => &["Malayalam"],
        "th" => &["Thai"],
        "km" => &["Khmer"],
        "my" => &["Myanmar"],
        "am" | "ti" => &["Ethiopic"],
        "hy" => &["Armenian"],
        "ka" => &["Georgian"],
        _ => &[],
    }
}

/// Whether a family name says it is made for one of the languages.
fn made_for(family: &str, languages: &[String]) -> bool {
    let words: Vec<&str> = family.split([' ', '-', '_']).collect();
    languages.iter().any(|l| {
        language_words(l)
            .iter()
            .any(|w| words.iter().any(|x| x.eq_ignore_ascii_case(w)))
    })
}

/// Families for special uses: symbols, music, mathematics, emoji, code, display
/// and interface cuts, and scripts' rarer styles (Rashi, looped Thai, unjoined Adlam,
/// Kufi, and Nastaliq except for Urdu).
fn odd_family(family: &str, languages: &[String]) -> bool {
    const ODD: [&str; 13] = [
        "Symbol", "Symbols", "Music", "Math", "Emoji", "Mono", "Display", "UI", "Rashi", "Looped",
        "Unjoined", "Kufi", "Nastaliq",
    ];
    family
        .split([' ', '-', '_'])
        .any(|w| ODD.iter().any(|o| o.eq_ignore_ascii_case(w)))
        && !made_for(family, languages)
}

/// Whether a family name says it is a serif (the style of the bundled body face).
fn serif(family: &str) -> bool {
    const SERIF: [&str; 6] = ["Serif", "Mincho", "Song", "Ming", "Naskh", "Myeongjo"];
    family
        .split([' ', '-', '_'])
        .any(|w| SERIF.iter().any(|s| s.eq_ignore_ascii_case(w)))
}

/// Whether a path names a font file by its extension.
pub fn is_font_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| FONT_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_words_rank_families_made_for_the_language() {
        let ja = vec!["ja".to_string()];
        assert!(made_for("Noto Sans CJK JP", &ja));
        assert!(!made_for("Noto Sans CJK SC", &ja));
        let tw = vec!["zh-Hant-TW".to_string()];
        assert!(made_for("Noto Serif CJK TC", &tw));
        let cn = vec!["zh-CN".to_string()];
        assert!(made_for("Noto Serif CJK SC", &cn));
        assert!(made_for("Noto Naskh Arabic", &["ar".to_string()]));
        assert!(!made_for("Noto Naskh Arabic", &["en".to_string()]));
    }

    #[test]
    fn odd_families_are_known_by_their_words_unless_made_for_the_language() {
        let en = vec!["en".to_string()];
        assert!(odd_family("Noto Rashi Hebrew", &en));
        assert!(odd_family("Noto Sans Mono CJK JP", &en));
        assert!(!odd_family("Noto Serif Hebrew", &en));
        assert!(odd_family("Noto Nastaliq Urdu", &en));
        assert!(!odd_family("Noto Nastaliq Urdu", &["ur".to_string()]));
        assert!(serif("Noto Serif CJK JP") && !serif("Noto Sans CJK JP"));
    }

    #[test]
    fn bundled_faces_cover_what_they_are_for() {
        let charis = FontFile::bundled(BUNDLED_BODY[0].0, BUNDLED_BODY[0].1);
        assert!(charis.covers('é') && !charis.covers('漢'));
        let sans = FontFile::bundled(BUNDLED_FALLBACK.0, BUNDLED_FALLBACK.1);
        assert!(sans.covers('ش') && sans.covers('א'));
    }

    #[test]
    fn a_finder_without_installed_fonts_finds_no_family_and_covers_nothing() {
        let finder = Finder::new(None, &[], false);
        let err = finder.family("Charis SIL").unwrap_err();
        assert!(matches!(err, FindError::NoFamily { .. }), "{err:?}");
        let chars: BTreeSet<char> = ['漢'].into_iter().collect();
        let (found, left) = finder.covering(&chars, &[]);
        assert!(found.is_empty());
        assert_eq!(left, chars);
    }

    #[test]
    fn a_font_file_named_gives_its_family_with_its_style() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("CharisSIL-Italic.ttf");
        std::fs::write(&path, BUNDLED_BODY[1].1).expect("write");
        let finder = Finder::new(None, std::slice::from_ref(&path), false);
        let family = finder.file_family(&path).expect("family");
        assert_eq!(family.name, "Charis SIL");
        assert!(family.face(Slot::Italic).is_some());
        assert!(family.face(Slot::Regular).is_none());
        assert_eq!(
            family.missing(),
            vec![Slot::Regular, Slot::Bold, Slot::BoldItalic]
        );
    }

    #[test]
    fn a_fonts_folder_gives_whole_families_by_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, data) in BUNDLED_BODY {
            std::fs::write(dir.path().join(name), data).expect("write");
        }
        std::fs::write(dir.path().join("notes.txt"), "not a font").expect("write");
        let finder = Finder::new(Some(dir.path()), &[], false);
        let family = finder.family("charis sil").expect("family");
        assert!(family.missing().is_empty(), "{family:?}");
        let bold = family.face(Slot::Bold).expect("bold");
        assert!(bold.label.ends_with("CharisSIL-Bold.ttf"), "{}", bold.label);
        let err = finder.family("Charis").unwrap_err();
        match err {
            FindError::NoFamily { close, .. } => assert_eq!(close, vec!["Charis SIL"]),
            other => panic!("{other:?}"),
        }
    }
}
