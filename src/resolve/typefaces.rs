//! The typefaces, completed: installed families for the characters of the book that
//! no named or bundled face has, and a warning (W0109) at the first place in the
//! sources of each character that no font at all has.
//!
//! Decided once, here, for both editions (the EPUB embeds the same faces when
//! `epub.embed-fonts` is on). Only the distinct characters the book prints are
//! looked at, so a long book costs one pass over its text; installed fonts are
//! scanned only when some character is not covered.

use std::collections::BTreeSet;

use crate::diag::{Code, Diagnostic, Sources, Span};
use crate::fonts::{Finder, Typefaces};
use crate::model::{Block, Inline, Labels, Metadata, Part};

/// How many characters get a warning of their own; the rest share one.
const EACH: usize = 10;

/// Fills `faces.printed`, `faces.found` and `faces.missing` for the text of
/// `parts`, `meta` and `labels`.
pub(super) fn complete<'l>(
    faces: &mut Typefaces,
    finder: &Finder,
    parts: &[Part],
    meta: &Metadata,
    labels: impl Iterator<Item = &'l Labels>,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) {
    let printed = printed_chars(parts, meta, labels);
    faces.printed = printed.chars().collect();
    let uncovered = uncovered(faces, &printed);
    if uncovered.is_empty() {
        return;
    }
    let mut languages: Vec<String> = vec![meta.language.clone()];
    for p in parts {
        if let Some(l) = &p.language {
            if !languages.contains(l) {
                languages.push(l.clone());
            }
        }
    }
    let (found, left) = finder.covering(&uncovered, &languages);
    faces.found = found;
    warn_missing(&left, sources, diags);
    faces.missing = left;
}

/// One bit per character of Unicode.
struct CharSet(Vec<u64>);

impl CharSet {
    fn new() -> CharSet {
        CharSet(vec![0; 0x11_0000_usize.div_ceil(64)])
    }

    fn add_str(&mut self, s: &str) {
        // Most text is ASCII throughout, told a word at a time.
        if s.is_ascii() {
            return;
        }
        for c in s.chars() {
            // ASCII is in every text face.
            if !c.is_ascii() {
                let c = c as usize;
                self.0[c / 64] |= 1 << (c % 64);
            }
        }
    }

    /// The characters in the set, in code point order: only the set bits of
    /// the words that have any (testing each of the 1.1 million bits cost a
    /// small book's build 6 ms).
    fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.0
            .iter()
            .enumerate()
            .filter(|(_, &word)| word != 0)
            .flat_map(|(i, &word)| {
                let mut left = word;
                std::iter::from_fn(move || {
                    if left == 0 {
                        return None;
                    }
                    let b = left.trailing_zeros() as usize;
                    left &= left - 1;
                    Some(i * 64 + b)
                })
                .filter_map(|c| char::from_u32(c as u32))
            })
    }
}

/// The characters outside ASCII the editions print: every text, code, formula and
/// alternative text of the parts, their titles, the metadata and the labels.
fn printed_chars<'l>(
    parts: &[Part],
    meta: &Metadata,
    labels: impl Iterator<Item = &'l Labels>,
) -> CharSet {
    let mut set = CharSet::new();
    for p in parts {
        set.add_str(&p.title);
        p.for_each_inline(&mut |i| match i {
            Inline::Text(s) | Inline::Code(s) | Inline::Math(s) => set.add_str(s),
            Inline::Image { alt, title, .. } => {
                set.add_str(alt);
                set.add_str(title);
            }
            _ => {}
        });
        p.for_each_block(&mut |b| {
            if let Block::Code { text, .. } = b {
                set.add_str(text);
            }
        });
    }
    set.add_str(&meta.title);
    for s in meta
        .subtitle
        .iter()
        .chain(&meta.authors)
        .chain(&meta.publisher)
    {
        set.add_str(s);
    }
    for labels in labels {
        for s in [
            &labels.note,
            &labels.tip,
            &labels.important,
            &labels.warning,
            &labels.caution,
            &labels.references,
            &labels.contents,
            &labels.notes,
        ] {
            set.add_str(s);
        }
    }
    set
}

/// The characters of `printed` that no face of `faces` (nor a bundled one) has.
fn uncovered(faces: &Typefaces, printed: &CharSet) -> BTreeSet<char> {
    faces.uncovered(printed.chars())
}

/// W0109 for each character no font has, at its first place in the sources (the
/// first ten; the rest in one warning).
fn warn_missing(missing: &BTreeSet<char>, sources: &Sources, diags: &mut Vec<Diagnostic>) {
    let first_place = |c: char| -> Option<Span> {
        sources.iter().find_map(|(id, f)| {
            f.text
                .find(c)
                .map(|at| sources.original_span(&Span::new(id, at..at + c.len_utf8())))
        })
    };
    let hint = "name a font that has it under `pdf.font` (`fallback:`), put one in the book's fonts/ folder, or install one (Debian: fonts-noto-core; CJK: fonts-noto-cjk)";
    for &c in missing.iter().take(EACH) {
        let d = Diagnostic::warning(
            Code::W0109,
            format!(
                "no font has the character {c:?} (U+{:04X}): it prints as a blank box",
                c as u32
            ),
        )
        .hint(hint);
        diags.push(match first_place(c) {
            Some(span) => d.at(span),
            None => d,
        });
    }
    if missing.len() > EACH {
        let rest: Vec<char> = missing.iter().skip(EACH).copied().collect();
        let sample: String = rest.iter().take(20).collect();
        let d = Diagnostic::warning(
            Code::W0109,
            format!(
                "no font has {} more characters ({sample}{}): they print as blank boxes",
                rest.len(),
                if rest.len() > 20 { "…" } else { "" }
            ),
        )
        .hint(hint);
        diags.push(match first_place(rest[0]) {
            Some(span) => d.at(span),
            None => d,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_character_set_holds_what_was_added_outside_ascii() {
        let mut set = CharSet::new();
        set.add_str("abc é漢😀");
        let chars: Vec<char> = set.chars().collect();
        assert_eq!(chars, vec!['é', '漢', '😀']);
        // Both ends of a word of bits, and the last code point.
        let mut set = CharSet::new();
        set.add_str("\u{10ffff}\u{c0}\u{bf}\u{80}");
        let chars: Vec<char> = set.chars().collect();
        assert_eq!(chars, vec!['\u{80}', '\u{bf}', '\u{c0}', '\u{10ffff}']);
    }

    #[test]
    fn characters_the_bundled_faces_have_are_covered() {
        let mut set = CharSet::new();
        set.add_str("naïve “quotes” — λόγος שלום سلام 漢字\u{2060}\u{200F}");
        let left = uncovered(&Typefaces::default(), &set);
        assert_eq!(left, ['字', '漢'].into_iter().collect());
    }
}
