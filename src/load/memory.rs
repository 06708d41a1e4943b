//! A book made from Markdown text alone, with no folder and default settings: for
//! the fuzzers and for tests of the later stages, which then run exactly as for a
//! book on disk (control characters are removed here as when files are read).
//!
//! Reads no file. Images and links to files cannot resolve (there is no folder).

use std::path::PathBuf;

use super::entries::role_of;
use super::files::{add_source, Read};
use super::{clean, Loaded, LoadedPart};
use crate::diag::{Diagnostic, Sources};
use crate::model::PartKind;

/// The manifest every in-memory book has.
const MANIFEST: &str = "title: Untitled\n";

/// A book whose chapters are `chapters` (path relative to a book folder that does
/// not exist, such as `chapters/01.md`, and Markdown text).
pub fn from_markdown(
    chapters: &[(&str, &str)],
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Loaded {
    sources.add(PathBuf::from("book.yaml"), MANIFEST.to_string());
    let manifest = super::manifest::parse(MANIFEST).expect("the fixed manifest is valid");
    let parts = chapters
        .iter()
        .map(|(path, text)| {
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            let text = text.replace("\r\n", "\n").replace('\r', "\n");
            let (clean, removed) = clean::strip(&text);
            let read = Read {
                text: clean.into_owned(),
                removed,
            };
            let source = add_source(sources, diags, PathBuf::from(path), read);
            let stem = path
                .rsplit('/')
                .next()
                .unwrap_or(path)
                .trim_end_matches(".md")
                .to_string();
            LoadedPart {
                kind: PartKind::Chapter,
                role: role_of(PartKind::Chapter, &stem),
                source,
                stem,
                rel_path: path.to_string(),
                title: None,
                depth: 0,
                front_matter: 0,
                language: None,
                heading_from_title: false,
            }
        })
        .collect();
    Loaded {
        // A folder that does not exist: every image is "not found".
        dir: PathBuf::from("/nonexistent-bookbind-book"),
        meta: crate::model::Metadata {
            title: manifest.title.map(|t| t.value).unwrap_or_default(),
            language: "en".into(),
            identifier: "urn:uuid:00000000-0000-4000-8000-000000000000".into(),
            ..Default::default()
        },
        title_page: true,
        parts,
        divisions: Vec::new(),
        contents_sections: true,
        bibliography: None,
        citation_style: super::Given::new("apa".into(), None),
        cover: None,
        epub: crate::model::EpubSettings::default(),
        pdf: crate::model::PdfSettings::default(),
        typefaces: crate::fonts::Typefaces::default(),
        // In memory: the same fonts on every machine.
        font_finder: crate::fonts::Finder::new(None, &[], false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_alone_resolves_to_a_book() {
        let mut sources = Sources::default();
        let mut diags = Vec::new();
        let loaded = from_markdown(
            &[("chapters/01.md", "# One\n\nText\u{7}.\n")],
            &mut sources,
            &mut diags,
        );
        let parsed = crate::parse::parse(&loaded, &sources, &mut diags);
        let book = crate::resolve::resolve(loaded, parsed, &sources, &mut diags).expect("a book");
        assert_eq!(book.parts.last().unwrap().title, "One");
        assert!(diags.iter().any(|d| d.code == "W0108"), "{diags:?}");
    }
}
