//! Margin kerning: how far a character at a line's start or end may hang into the
//! margin, as a share of its own advance, so that the edge of a justified column
//! looks straight. A line ending in a comma or a hyphen has a light patch at its
//! end; letting the mark reach out a little fills the edge optically (pdfTeX's
//! protrusion, Typst's overhang, Zapf's hz-programme before them).
//!
//! Written by hand: no maintained crate holds such a table. The shares are our
//! own, in the range those systems use: light marks (period, comma, hyphen) hang
//! about half their width; quotes a little less, as their ink sits at one side of a
//! wider advance; dashes less still, since their ink fills most of their advance. Letters never hang. Knows nothing of fonts or lines.

/// Share of its advance a character at the end of a line hangs into the margin.
pub(in crate::typeset) fn end(c: char) -> f32 {
    match c {
        '.' | ',' => 0.6,
        '-' | '\u{2010}' | '\u{2011}' | '\u{ad}' => 0.5,
        '\'' | '"' | '\u{2019}' | '\u{201d}' => 0.4,
        ':' | ';' => 0.3,
        '\u{bb}' | '\u{203a}' => 0.3,
        '\u{2013}' => 0.3,
        '!' | '?' => 0.2,
        '\u{2014}' => 0.2,
        _ => 0.0,
    }
}

/// Share of its advance a character at the start of a line hangs into the margin.
pub(in crate::typeset) fn start(c: char) -> f32 {
    match c {
        '\'' | '"' | '\u{2018}' | '\u{201c}' | '\u{201e}' => 0.4,
        '\u{ab}' | '\u{2039}' => 0.3,
        '\u{2013}' | '\u{2014}' => 0.2,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_hangs_and_letters_do_not() {
        for c in ['.', ',', '-', '\u{201d}', ';'] {
            assert!(end(c) > 0.0, "{c:?} hangs at a line's end");
        }
        assert!(start('\u{201c}') > 0.0);
        for c in ['a', 'Z', '1', ')', '\u{2026}', '\u{201c}'] {
            assert_eq!(end(c), 0.0, "{c:?} stays inside at a line's end");
        }
        assert_eq!(start('A'), 0.0);
        // Never more than the mark itself.
        for c in ".,-'\"\u{2019}\u{201d}:;\u{bb}\u{2013}\u{2014}!?".chars() {
            assert!(end(c) <= 1.0 && start(c) <= 1.0);
        }
    }
}
