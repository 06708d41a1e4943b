//! Parse: Markdown text → model blocks and inlines (`markdown`, with raw HTML
//! folded into the tree), with the citation syntax found in running text (`cite`)
//! and the checks on raw HTML (`html`). One parse per file.

pub mod cite;
pub mod html;
pub mod markdown;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Sources};
use crate::load::Loaded;
pub use markdown::Parsed;

/// Parses every file of the book, on every core; the results (and their
/// diagnostics, added to `diags`) are in the order of the loaded parts.
pub fn parse(loaded: &Loaded, sources: &Sources, diags: &mut Vec<Diagnostic>) -> Vec<Parsed> {
    let mut parsed: Vec<Parsed> = loaded
        .parts
        .par_iter()
        .map(|lp| markdown::parse(lp.source, &sources.get(lp.source).text))
        .collect();
    for p in parsed.iter_mut() {
        diags.append(&mut p.diagnostics);
    }
    parsed
}
