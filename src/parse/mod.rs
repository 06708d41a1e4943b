//! Parse: Markdown text → model blocks and inlines (`markdown`, with raw HTML
//! folded into the tree), with the citation syntax found in running text (`cite`)
//! and the checks on raw HTML (`html`). One parse per file, in the part's
//! language: its quotation marks (`quotes`), and no space where a line of Chinese
//! or Japanese was wrapped (`segment_breaks`).

pub mod cite;
pub mod html;
pub mod markdown;
pub mod quotes;
pub mod segment_breaks;

use std::hash::{Hash, Hasher};

use rayon::prelude::*;

use crate::diag::{Diagnostic, Sources};
use crate::load::Loaded;
pub use markdown::Parsed;

/// Parses every file of the book, on every core; the results (and their
/// diagnostics, added to `diags`) are in the order of the loaded parts.
pub fn parse(loaded: &Loaded, sources: &Sources, diags: &mut Vec<Diagnostic>) -> Vec<Parsed> {
    parse_with(loaded, sources, diags, None)
}

/// Files parsed by earlier builds (`watch`): a file's parse, keyed by what it
/// depends on: its text, its place among the sources (spans name it), the
/// language it is parsed in and where its metadata block ends.
#[derive(Default)]
pub struct Cache {
    parsed: crate::kept::Kept<Parsed>,
    /// Files parsed, and files reused, by the last build.
    pub parsed_count: usize,
    pub reused: usize,
}

impl Cache {
    /// Copies of the parses kept, made ahead for the next build (`Kept::prepare`).
    pub fn prepare(&mut self) {
        self.parsed.prepare();
    }
}

/// `parse`, taking each file whose parse is in `cache` from there, and leaving
/// this build's parses in it (and no others).
pub fn parse_with(
    loaded: &Loaded,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
    mut cache: Option<&mut Cache>,
) -> Vec<Parsed> {
    let key = |lp: &crate::load::LoadedPart| {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        let language = lp.language.as_deref().unwrap_or(&loaded.meta.language);
        (
            &sources.get(lp.source).text,
            lp.source,
            language,
            lp.front_matter,
        )
            .hash(&mut h);
        h.finish()
    };
    let keys: Option<Vec<u64>> = cache
        .as_ref()
        .map(|_| loaded.parts.par_iter().map(key).collect());
    let spares = match (&keys, cache.as_deref_mut()) {
        (Some(keys), Some(c)) => c.parsed.take_spares(keys),
        _ => Vec::new(),
    };
    let mut spares = spares.into_iter();
    let spares: Vec<Option<Parsed>> = (0..loaded.parts.len())
        .map(|_| spares.next().flatten())
        .collect();
    let earlier = cache.as_deref();
    let mut parsed: Vec<(Parsed, bool)> = loaded
        .parts
        .par_iter()
        .zip(spares)
        .enumerate()
        .map(|(i, (lp, spare))| {
            if let (Some(keys), Some(c)) = (&keys, earlier) {
                if let Some(p) = spare.or_else(|| c.parsed.get(keys[i]).cloned()) {
                    return (p, false);
                }
            }
            (parse_one(loaded, sources, lp), true)
        })
        .collect();
    if let (Some(c), Some(keys)) = (cache, keys) {
        (c.parsed_count, c.reused) = c.parsed.keep(
            keys.iter()
                .zip(&parsed)
                .map(|(k, (p, fresh))| (*k, fresh.then(|| p.clone()))),
        );
    }
    for (p, _) in parsed.iter_mut() {
        diags.append(&mut p.diagnostics);
    }
    parsed.into_iter().map(|(p, _)| p).collect()
}

/// One file's parse.
fn parse_one(loaded: &Loaded, sources: &Sources, lp: &crate::load::LoadedPart) -> Parsed {
    let text = &sources.get(lp.source).text;
    let language = lp.language.as_deref().unwrap_or(&loaded.meta.language);
    if lp.front_matter == 0 {
        markdown::parse_in(lp.source, text, language)
    } else {
        // The metadata block (load read it) becomes blank lines: every
        // offset after it stays where it is in the file.
        let blank: String = text[..lp.front_matter]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        markdown::parse_in(lp.source, &(blank + &text[lp.front_matter..]), language)
    }
}
