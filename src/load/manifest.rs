//! `book.yaml`: the typed manifest, read with serde-saphyr (serde_yaml is archived;
//! serde-saphyr is maintained, pure Rust, rejects duplicate keys and reports
//! line:column for every type error and unknown key).
//!
//! Only deserialises and validates values; does not read the files it names.

use serde::Deserialize;
use serde_saphyr::Spanned;

/// The manifest as written. Every key is documented in README.md.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Manifest {
    /// Optional here: an mdBook's book.toml or the first file's metadata block may
    /// give it.
    #[serde(default)]
    pub title: Option<Spanned<String>>,
    #[serde(default)]
    pub subtitle: Option<String>,
    /// `authors: [..]`, or a single `author:` (both is an error).
    #[serde(default)]
    pub authors: Option<Spanned<OneOrMany>>,
    #[serde(default)]
    pub author: Option<Spanned<OneOrMany>>,
    #[serde(default)]
    pub language: Option<Spanned<String>>,
    #[serde(default)]
    pub identifier: Option<String>,
    /// Further identifiers beside `identifier` (a DOI, the print edition's ISBN,
    /// a URL), each a `dc:identifier` of the EPUB.
    #[serde(default)]
    pub identifiers: Option<OneOrMany>,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub rights: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub subjects: Option<OneOrMany>,
    #[serde(default)]
    pub date: Option<Spanned<String>>,
    #[serde(default)]
    pub bibliography: Option<Spanned<String>>,
    #[serde(default)]
    pub citation_style: Option<Spanned<String>>,
    #[serde(default)]
    pub cover: Option<Spanned<String>>,
    /// Generate a title page from the metadata (default true).
    #[serde(default)]
    pub title_page: Option<bool>,
    #[serde(default)]
    pub front: Entries,
    #[serde(default)]
    pub chapters: Entries,
    #[serde(default)]
    pub back: Entries,
    #[serde(default)]
    pub epub: EpubSection,
    #[serde(default)]
    pub pdf: PdfSection,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// A list of entries.
#[derive(Debug, Default)]
pub struct Entries(pub Vec<Spanned<Entry>>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A visitor, not an untagged enum: untagged buffering would lose the
        // line:column that `Spanned` records for each entry.
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of paths or glob patterns")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Entries, A::Error> {
                let mut v = Vec::new();
                while let Some(e) = seq.next_element::<Spanned<Entry>>()? {
                    v.push(e);
                }
                Ok(Entries(v))
            }
        }
        d.deserialize_seq(V)
    }
}

/// A path or glob pattern, relative to the book folder, optionally with a title.
#[derive(Debug, Clone)]
pub struct Entry {
    pub path: String,
    pub title: Option<String>,
    /// The language of this part, when it is not the book's.
    pub language: Option<String>,
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            #[serde(alias = "path")]
            file: String,
            #[serde(default)]
            title: Option<String>,
            #[serde(default)]
            language: Option<String>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Path(String),
            Full(Full),
        }
        match Raw::deserialize(d) {
            Ok(Raw::Path(path)) => Ok(Entry {
                path,
                title: None,
                language: None,
            }),
            Ok(Raw::Full(f)) => Ok(Entry {
                path: f.file,
                title: f.title,
                language: f.language,
            }),
            Err(_) => Err(serde::de::Error::custom(
                "an entry is a path or glob (`chapters/*.md`) or a map `{ file: PATH, title: TITLE, language: TAG }`",
            )),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EpubSection {
    #[serde(default)]
    pub embed_fonts: bool,
    #[serde(default)]
    pub page_list: Option<bool>,
}

/// Print settings. Read and kept now so that manifests written for the print
/// edition load; the PDF back end validates the values it uses.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PdfSection {
    #[serde(default)]
    pub trim: Option<Spanned<String>>,
    #[serde(default)]
    pub margins: Option<Margins>,
    #[serde(default)]
    pub font: Option<FontSetting>,
    /// Whether installed fonts may be used (by family name, and for characters no
    /// other face has); `false` makes a book print the same on every machine.
    #[serde(default)]
    pub installed_fonts: Option<bool>,
    #[serde(default)]
    pub base_size: Option<Spanned<String>>,
    #[serde(default)]
    pub leading: Option<Spanned<f64>>,
    #[serde(default)]
    pub recto_chapters: Option<bool>,
    /// Whether justified lines may set their glyphs up to 2% wider or narrower
    /// (font expansion).
    #[serde(default)]
    pub expansion: Option<bool>,
    /// Where footnotes print: `foot` (of the page that cites them), `chapter`, `book`.
    #[serde(default)]
    pub notes: Option<Spanned<String>>,
    /// The print-on-demand service the PDF is made for: `kdp`, `ingram`, `lulu`.
    #[serde(default)]
    pub profile: Option<Spanned<String>>,
    /// The interior paper: `white` or `cream` (the spine's width).
    #[serde(default)]
    pub paper: Option<Spanned<String>>,
    /// Bleed beyond the trim: `auto`, `true` or `false`.
    #[serde(default)]
    pub bleed: Option<Spanned<String>>,
}

/// `pdf.font`: one family for the body (a family name or a font file), or a family
/// for each role with fallbacks.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum FontSetting {
    One(Spanned<String>),
    Roles(Box<FontRoles>),
}

/// `pdf.font` as a map: `body`, `headings`, `code`, `fallback`; or the body's
/// files by style (`regular`, `italic`, `bold`, `bold-italic`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FontRoles {
    #[serde(default)]
    pub body: Option<FamilySetting>,
    #[serde(default)]
    pub headings: Option<FamilySetting>,
    #[serde(default)]
    pub code: Option<FamilySetting>,
    #[serde(default)]
    pub fallback: Option<SpannedList>,
    /// The body's files by style, without `body:` (serde cannot flatten a struct
    /// into one that denies unknown keys).
    #[serde(default)]
    pub regular: Option<Spanned<String>>,
    #[serde(default)]
    pub italic: Option<Spanned<String>>,
    #[serde(default)]
    pub bold: Option<Spanned<String>>,
    #[serde(default)]
    pub bold_italic: Option<Spanned<String>>,
}

/// A family: its name or one of its files, or its files by style.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum FamilySetting {
    One(Spanned<String>),
    Files(Box<StyleFiles>),
}

/// A family's files by style; `regular` is required when any is given.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct StyleFiles {
    #[serde(default)]
    pub regular: Option<Spanned<String>>,
    #[serde(default)]
    pub italic: Option<Spanned<String>>,
    #[serde(default)]
    pub bold: Option<Spanned<String>>,
    #[serde(default)]
    pub bold_italic: Option<Spanned<String>>,
}

impl StyleFiles {
    pub fn is_empty(&self) -> bool {
        self.regular.is_none()
            && self.italic.is_none()
            && self.bold.is_none()
            && self.bold_italic.is_none()
    }
}

/// One value or a list of them, each with its place.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum SpannedList {
    One(Spanned<String>),
    Many(Vec<Spanned<String>>),
}

impl SpannedList {
    pub fn into_vec(self) -> Vec<Spanned<String>> {
        match self {
            SpannedList::One(v) => vec![v],
            SpannedList::Many(v) => v,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Margins {
    #[serde(default)]
    pub inner: Option<Spanned<String>>,
    #[serde(default)]
    pub outer: Option<Spanned<String>>,
    #[serde(default)]
    pub top: Option<Spanned<String>>,
    #[serde(default)]
    pub bottom: Option<Spanned<String>>,
}

/// Why a manifest does not parse: the message, its 1-based line:column, how many
/// characters from there are at fault (an unknown key's length), and a help.
#[derive(Debug)]
pub struct ParseError {
    pub message: String,
    pub at: Option<(usize, usize)>,
    pub len: usize,
    pub hint: Option<String>,
}

/// Parses a manifest; on failure, what is wrong and where.
pub fn parse(text: &str) -> Result<Manifest, ParseError> {
    serde_saphyr::from_str::<Manifest>(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| (l.line() as usize, l.column() as usize));
        match unknown_key(&e) {
            Some((key, known)) => ParseError {
                message: format!("unknown key `{key}`"),
                at,
                len: key.chars().count().max(1),
                hint: Some(match crate::diag::nearest(key, known.iter().copied()) {
                    Some(k) => crate::diag::did_you_mean(k),
                    None => format!("the keys here are {}", known.join(", ")),
                }),
            },
            None => ParseError {
                message: clean_message(&e.to_string()),
                at,
                len: 1,
                hint: None,
            },
        }
    })
}

/// An unknown key and the keys its map takes, when that is the error.
fn unknown_key(mut e: &serde_saphyr::Error) -> Option<(&str, &[&'static str])> {
    loop {
        match e {
            serde_saphyr::Error::WithSnippet { error, .. }
            | serde_saphyr::Error::AliasError { error, .. } => e = error,
            serde_saphyr::Error::SerdeUnknownField {
                field, expected, ..
            } => return Some((field, expected)),
            _ => return None,
        }
    }
}

/// serde-saphyr's Display may prefix and append its own position; ours is printed
/// separately.
fn clean_message(s: &str) -> String {
    let first = s.lines().next().unwrap_or(s).trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let first = match first.strip_prefix("line ") {
        // `line 2 column 1: ` before the message.
        Some(rest) => rest
            .split_once(": ")
            .filter(|(at, _)| at.contains("column"))
            .map_or(first, |(_, msg)| msg),
        None => first,
    };
    match first.find(" at line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_manifest_with_glob_and_mapped_entries_loads() {
        let m = parse("title: T\nchapters:\n  - chapters/*.md\n  - file: x.md\n    title: X\n")
            .expect("parses");
        assert_eq!(m.title.unwrap().value, "T");
        assert_eq!(m.chapters.0.len(), 2);
        assert_eq!(m.chapters.0[1].value.title.as_deref(), Some("X"));
        assert_eq!(m.chapters.0[1].referenced.line(), 4);
    }

    #[test]
    fn unknown_key_is_an_error_with_its_line() {
        let e = parse("title: T\ncolour: red\n").unwrap_err();
        assert_eq!(e.message, "unknown key `colour`");
        assert_eq!(e.at, Some((2, 1)));
        assert_eq!(e.len, 6);
        // Nothing close: the keys are listed.
        let hint = e.hint.unwrap_or_default();
        assert!(
            hint.starts_with("the keys here are title, subtitle,"),
            "{hint}"
        );
    }

    #[test]
    fn misspelt_key_suggests_the_nearest_at_any_depth() {
        let e = parse("titel: T\n").unwrap_err();
        assert_eq!(e.hint.as_deref(), Some("did you mean `title`?"));
        let e = parse("title: T\npdf:\n  trim: 6x9\n  base_size: 10pt\n").unwrap_err();
        assert_eq!(e.message, "unknown key `base_size`");
        assert_eq!(e.at, Some((4, 3)));
        assert_eq!(e.hint.as_deref(), Some("did you mean `base-size`?"));
        let e = parse("pdf:\n  margins: { inner: 1in, outter: 1in }\n").unwrap_err();
        assert_eq!(e.hint.as_deref(), Some("did you mean `outer`?"));
    }

    #[test]
    fn duplicate_key_is_an_error() {
        let e = parse("title: T\ntitle: U\n").unwrap_err();
        assert!(e.message.to_lowercase().contains("duplicate"), "{e:?}");
        assert!(!e.message.starts_with("error:"), "{e:?}");
        assert_eq!(e.at.map(|l| l.0), Some(2));
    }

    #[test]
    fn wrong_type_is_an_error_with_its_line() {
        let e = parse("title: T\nepub:\n  embed-fonts: maybe\n").unwrap_err();
        assert_eq!(e.at.map(|l| l.0), Some(3));
    }
}
