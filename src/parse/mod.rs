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
        .map(|lp| {
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
        })
        .collect();
    for p in parsed.iter_mut() {
        diags.append(&mut p.diagnostics);
    }
    parsed
}
