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

use std::collections::HashMap;
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
    parsed: HashMap<u64, Parsed>,
    /// Files parsed, and files reused, by the last build.
    pub parsed_count: usize,
    pub reused: usize,
}

/// `parse`, taking each file whose parse is in `cache` from there, and leaving
/// this build's parses in it (and no others).
pub fn parse_with(
    loaded: &Loaded,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
    cache: Option<&mut Cache>,
) -> Vec<Parsed> {
    let key = |lp: &crate::load::LoadedPart| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
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
        .map(|_| loaded.parts.iter().map(key).collect());
    let earlier = cache.as_deref();
    let mut parsed: Vec<(Parsed, bool)> = loaded
        .parts
        .par_iter()
        .enumerate()
        .map(|(i, lp)| {
            if let (Some(keys), Some(c)) = (&keys, earlier) {
                if let Some(p) = c.parsed.get(&keys[i]) {
                    return (p.clone(), false);
                }
            }
            (parse_one(loaded, sources, lp), true)
        })
        .collect();
    if let (Some(c), Some(keys)) = (cache, keys) {
        let mut kept = HashMap::with_capacity(keys.len());
        (c.parsed_count, c.reused) = (0, 0);
        for (key, (p, fresh)) in keys.iter().zip(&parsed) {
            if *fresh {
                c.parsed_count += 1;
                kept.insert(*key, p.clone());
            } else if let Some(old) = c.parsed.remove(key) {
                c.reused += 1;
                kept.insert(*key, old);
            }
        }
        c.parsed = kept;
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
