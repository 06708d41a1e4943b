//! Characters no edition can carry: the C0 controls except tab and line feed, DEL,
//! the C1 controls, and U+FFFE/U+FFFF. XML forbids most of them and no font draws
//! any, so they are removed from every text as it is read, and both editions get
//! the same clean text.
//!
//! Removes and counts; the caller reports where.

/// Whether `c` is removed from the book's text.
pub fn is_forbidden(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{8}'
            | '\u{b}'
            | '\u{c}'
            | '\u{e}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{fffe}'
            | '\u{ffff}'
    )
}

/// What `strip` removed: the first place on each of the first few lines that had
/// any (byte offsets in the cleaned text, with the character that was there), and
/// how many in all.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Removed {
    pub count: usize,
    pub places: Vec<(usize, char)>,
}

/// How many lines are remembered for the warning.
pub const PLACES: usize = 8;

impl Removed {
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// Whether `text` has a byte that begins or is a forbidden character's UTF-8: a
/// control below U+0020 but tab and line ends, DEL, 0xC2 (U+0080–U+00BF, the C1
/// controls among them) or 0xEF (U+F000–U+FFFF, U+FFFE and U+FFFF among them).
/// Byte by byte, which the compiler does many at a time: a book's text is
/// read a character at a time only when this says it may need to be.
fn may_hold_forbidden(text: &str) -> bool {
    text.bytes().any(|b| {
        (b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r') || b == 0x7f || b == 0xc2 || b == 0xef
    })
}

/// `text` without forbidden characters; borrowed when it has none (the usual case).
pub fn strip(text: &str) -> (std::borrow::Cow<'_, str>, Removed) {
    let mut removed = Removed::default();
    if !may_hold_forbidden(text) || !text.chars().any(is_forbidden) {
        return (text.into(), removed);
    }
    let mut out = String::with_capacity(text.len());
    let mut new_line = true;
    for c in text.chars() {
        if is_forbidden(c) {
            removed.count += 1;
            if new_line && removed.places.len() < PLACES {
                removed.places.push((out.len(), c));
                new_line = false;
            }
        } else {
            new_line |= c == '\n';
            out.push(c);
        }
    }
    (out.into(), removed)
}

/// Strips `s` in place; returns how many characters were removed.
pub fn strip_in_place(s: &mut String) -> usize {
    let (clean, removed) = strip(s);
    if removed.is_empty() {
        return 0;
    }
    *s = clean.into_owned();
    removed.count
}

/// `U+0007` for messages.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_removed_and_their_places_kept() {
        let (t, r) = strip("a\u{7}b\u{0}\nc\u{1f}\td\u{85}");
        assert_eq!(t, "ab\nc\td");
        assert_eq!(r.count, 4);
        // The first on each line.
        assert_eq!(r.places, [(1, '\u{7}'), (4, '\u{1f}')]);
    }

    #[test]
    fn the_byte_scan_finds_every_forbidden_character() {
        for c in (0u32..=0x10ffff)
            .filter_map(char::from_u32)
            .filter(|&c| is_forbidden(c))
        {
            let text = format!("text {c} text");
            assert!(may_hold_forbidden(&text), "{:#x}", c as u32);
            assert_eq!(strip(&text).0, "text  text");
        }
        assert!(!may_hold_forbidden(
            "plain text\twith tabs\nand lines – “quotes”"
        ));
    }

    #[test]
    fn clean_text_is_borrowed_untouched() {
        let (t, r) = strip("tab\there\nline – “quotes” ∑");
        assert!(matches!(t, std::borrow::Cow::Borrowed(_)));
        assert!(r.is_empty());
    }

    #[test]
    fn every_listed_control_is_forbidden_and_tab_and_newline_are_not() {
        for c in (0u32..=8).chain([0xb, 0xc]).chain(0xe..=0x1f) {
            assert!(is_forbidden(char::from_u32(c).unwrap()), "{c:#x}");
        }
        assert!(!is_forbidden('\t') && !is_forbidden('\n') && !is_forbidden(' '));
    }
}
