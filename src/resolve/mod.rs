//! Resolve: from parsed files to the finished model, one step a file. Everything
//! both editions show is decided here, once.
//!
//! 1. `parts`: each file becomes a part, with its title and role;
//! 2. `ids`: every part and heading gets an id unique across the book, and the
//!    names the author's tool gives it in its file (`anchors`);
//! 3. `notes`: footnotes numbered by first reference;
//! 4. `citations`: formatted, with the reference list;
//! 5. `links`: links and images become places, URLs and resources; `[Heading
//!    text]` a link to that heading (`header_refs`);
//! 6. `cover`: the author's cover image;
//! 7. `split`: a book of one file becomes a chapter per `#` heading;
//! 8. `code`: the lines Rust examples hide (mdBook's and rustdoc's `# ` lines),
//!    then highlighting;
//! 9. `toc`: the one table of contents;
//! 10. `labels`: the words the editions add (alerts' labels), in the book's language.
//!
//! Every step reaches every block and inline through the model's walk.

pub mod anchors;
pub mod citations;
pub mod code;
pub mod cover;
pub mod csl_json;
pub mod header_refs;
pub mod ids;
pub mod labels;
pub mod links;
pub mod notes;
pub mod parts;
pub mod split;
pub mod toc;
mod typefaces;

use crate::diag::{Code, Diagnostic, Sources};
use crate::load::Loaded;
use crate::model::{Book, Settings};
use crate::parse::Parsed;

/// Frees what resolving keeps for the builds after it: the grammars and the
/// patterns compiled to highlight code. A build that no other follows calls it
/// once the book is resolved.
pub fn forget_kept() {
    code::forget_grammars();
}

/// Starts, on another core, what resolving will need that the manifest alone
/// names: the citation style and the locales it is formatted with (decoding
/// them is most of a short book's resolve). Called once the book is loaded,
/// while its files are parsed; what it makes is kept for the process, so
/// resolving finds it made (or waits for it), and a book never resolved
/// loses nothing.
pub fn prepare(loaded: &Loaded) {
    if loaded.bibliography.is_none() {
        return;
    }
    let style = loaded.citation_style.value.clone();
    let language = loaded.meta.language.clone();
    // Apart, so that with a second core free both are ready sooner (the guide:
    // the style ~1.6 ms, the locale ~2.2 ms, while its files parse in 0.8 ms).
    rayon::spawn(move || citations::prepare_style(&style));
    rayon::spawn(move || citations::prepare_locales(&language));
}

/// Resolves the parsed files (one per loaded part, in order) into the book.
/// Returns None when errors were found (they are in `diags`).
pub fn resolve(
    loaded: Loaded,
    parsed: Vec<Parsed>,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<Book> {
    resolve_with(loaded, parsed, sources, diags, None)
}

/// `resolve`, taking the code blocks the last build highlighted the same from
/// `highlights` and leaving this build's there (`watch`). The same book with
/// or without.
pub fn resolve_with(
    loaded: Loaded,
    parsed: Vec<Parsed>,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
    highlights: Option<&mut code::Highlights>,
) -> Option<Book> {
    let errors_before = diags.iter().filter(|d| d.is_error()).count();
    let html_ids: Vec<String> = parsed
        .iter()
        .flat_map(|p| p.html_ids.iter().cloned())
        .collect();
    let mut draft = parts::assemble(&loaded, parsed, sources, diags);
    let mut ids = ids::assign(&mut draft, &html_ids, diags);
    notes::number(&mut draft.parts, diags);
    citations::resolve(&mut draft, &loaded, &mut ids, sources, diags);
    parts::retitle(&mut draft);
    let mut resources = links::resolve(&mut draft, &loaded.dir, diags);
    let cover = cover::resolve(&loaded, &mut resources, diags);
    split::split(&mut draft, diags);
    if diags.iter().filter(|d| d.is_error()).count() > errors_before {
        return None;
    }
    code::hide_lines(&mut draft.parts);
    code::highlight(&mut draft.parts, highlights, diags);
    let toc = toc::build(&draft.parts, loaded.contents_sections);
    let labels = labels::labels(&loaded.meta.language);
    let contents_at = parts::contents_at(&draft.parts);
    let part_labels: Vec<Option<crate::model::Labels>> = draft
        .parts
        .iter()
        .map(|p| {
            p.language
                .as_deref()
                .filter(|l| *l != loaded.meta.language)
                .map(labels::labels)
        })
        .collect();
    untranslated_labels(&loaded.meta.language, &draft.parts, diags);
    let mut typefaces = loaded.typefaces;
    typefaces::complete(
        &mut typefaces,
        &loaded.font_finder,
        &draft.parts,
        &loaded.meta,
        std::iter::once(&labels).chain(part_labels.iter().flatten()),
        sources,
        diags,
    );
    Some(Book {
        contents_at,
        meta: loaded.meta,
        parts: draft.parts,
        toc,
        settings: Settings {
            epub: loaded.epub,
            pdf: loaded.pdf,
        },
        resources,
        cover,
        labels,
        part_labels,
        typefaces,
    })
}

/// One warning (W0137) naming the languages of the book and its parts that the
/// labels table lacks: their alert labels, "Contents", "Notes" and "References"
/// are printed in English.
fn untranslated_labels(book: &str, parts: &[crate::model::Part], diags: &mut Vec<Diagnostic>) {
    let mut missing: Vec<&str> = Vec::new();
    for l in std::iter::once(book).chain(parts.iter().filter_map(|p| p.language.as_deref())) {
        if !labels::has_words(l) && !missing.contains(&l) {
            missing.push(l);
        }
    }
    if missing.is_empty() {
        return;
    }
    diags.push(
        Diagnostic::warning(
            Code::W0137,
            format!(
                "bookbind has no words of its own for {} ({}): the labels it adds (alerts, \"Contents\", \"Notes\", \"References\") are in English",
                if missing.len() == 1 { "this language" } else { "these languages" },
                missing.join(", ")
            ),
        )
        .hint("the headings you write are printed as you write them; this is about the few words bookbind adds"),
    );
}
