//! The bidi algorithm (UAX #9, unicode-bidi) for a paragraph: whether it needs
//! it at all, each byte's embedding level, and the marks that let text extraction
//! read a reordered line back in logical order.
//!
//! Reordering itself is the paragraph's, line by line, after breaking.

use unicode_bidi::{BidiClass, BidiInfo, Level};

use super::Placed;

/// Each byte's embedding level in `all`, with the base direction given; `None`
/// when there is nothing to reorder: a left-to-right paragraph with no
/// right-to-left character.
pub(super) fn levels(all: &str, rtl: bool) -> Option<Vec<Level>> {
    if rtl || all.chars().any(strong_rtl) {
        let base = if rtl { Level::rtl() } else { Level::ltr() };
        Some(BidiInfo::new(all, Some(base)).levels)
    } else {
        None
    }
}

/// A strong right-to-left character (Hebrew, Arabic, Syriac, Thaana, N'Ko ...) or
/// an override or embedding that makes text right to left. Everything below
/// U+0590 is left to right or neutral: the common case costs one comparison.
pub(super) fn strong_rtl(c: char) -> bool {
    c >= '\u{590}'
        && matches!(
            unicode_bidi::bidi_class(c),
            BidiClass::R | BidiClass::AL | BidiClass::RLE | BidiClass::RLO | BidiClass::RLI
        )
}

/// Right-to-left and left-to-right marks (U+200F, U+200E) in the text of the
/// glyphs of a line, in visual order, where its direction changes, so that text
/// extraction reads the line in logical order. poppler reorders a line by a
/// simple rule: in a right-to-left line, a stretch that starts with a
/// left-to-right letter or a number (or a separator of numbers: , . : ،) runs on
/// to the left over spaces and punctuation up to the next right-to-left letter,
/// and keeps its order; in a left-to-right line, a right-to-left stretch runs on
/// to the right up to the next left-to-right letter or number. Without marks, the
/// space before a stretch moves into it and two words run together, or a
/// bracket at its end leaves it. So each stretch set against the line's
/// direction gets a right-to-left mark on its left and a left-to-right mark on
/// its right, and in a right-to-left line a separator of numbers that is not in
/// a number a right-to-left mark on its left. The marks are invisible and
/// change no word.
pub(super) fn mark_direction_changes(pieces: &mut [Placed], levels: &[Level], rtl: bool) {
    const RLM: char = '\u{200F}';
    const LRM: char = '\u{200E}';
    let against = |i: usize| levels[i].is_rtl() != rtl;
    let mut i = 0;
    while i < pieces.len() {
        if !against(i) {
            if rtl {
                for (k, g) in pieces[i].glyphs.iter_mut().enumerate() {
                    if (i > 0 || k > 0) && g.text.as_str().chars().next().is_some_and(number_like) {
                        g.text = format!("{RLM}{}", g.text.as_str()).as_str().into();
                    }
                }
            }
            i += 1;
            continue;
        }
        let end = (i..pieces.len())
            .find(|&j| !against(j))
            .unwrap_or(pieces.len());
        // The whole line: nothing to reorder. Else a mark where the stretch has
        // a neighbour, and at the line's start, where poppler begins reading and
        // would leave a bracket at the stretch's edge out of it.
        let whole = i == 0 && end == pieces.len();
        if !whole && (i > 0 || !rtl) {
            if let Some(g) = pieces[i]
                .glyphs
                .iter_mut()
                .find(|g| !g.text.as_str().is_empty())
            {
                g.text = format!("{RLM}{}", g.text.as_str()).as_str().into();
            }
        }
        if !whole && (end < pieces.len() || rtl) {
            if let Some(g) = pieces[end - 1]
                .glyphs
                .iter_mut()
                .rev()
                .find(|g| !g.text.as_str().trim().is_empty())
            {
                g.text = format!("{}{LRM}", g.text.as_str()).as_str().into();
            }
        }
        i = end;
    }
}

/// A digit or a separator of numbers, which poppler's reordering takes as left to
/// right.
fn number_like(c: char) -> bool {
    matches!(
        unicode_bidi::bidi_class(c),
        BidiClass::EN | BidiClass::AN | BidiClass::ES | BidiClass::ET | BidiClass::CS
    )
}
