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

/// Whether `text` holds a forbidden character, read as bytes: a control below
/// U+0020 but tab and line ends, DEL, a C1 control (0xC2 then 0x80–0x9F) or
/// U+FFFE/U+FFFF (0xEF 0xBF 0xBE/0xBF). Sixteen bytes are passed over at once
/// when none of them can begin one (a test without early exit, which the
/// compiler turns into vector instructions): a book's text is read a character
/// at a time only when it holds one.
fn holds_forbidden(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if let Some(chunk) = b.get(i..i + 16) {
            let any = chunk.iter().fold(false, |a, &x| {
                a | (x < 0x20) | (x == 0x7f) | (x == 0xc2) | (x == 0xef)
            });
            if !any {
                i += 16;
                continue;
            }
        }
        let hit = match b[i] {
            b'\t' | b'\n' | b'\r' => false,
            0..=0x1f | 0x7f => true,
            0xc2 => b.get(i + 1).is_some_and(|&next| next < 0xa0),
            0xef => b.get(i + 1) == Some(&0xbf) && matches!(b.get(i + 2), Some(0xbe | 0xbf)),
            _ => false,
        };
        if hit {
            return true;
        }
        i += 1;
    }
    false
}

/// `text` without forbidden characters; borrowed when it has none (the usual case).
pub fn strip(text: &str) -> (std::borrow::Cow<'_, str>, Removed) {
    let mut removed = Removed::default();
    if !holds_forbidden(text) {
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
    fn the_byte_scan_finds_every_forbidden_character_and_no_other() {
        // Every character of Unicode, between other text and at each place in
        // and about the first sixteen bytes the scan passes over at once.
        for c in (0u32..=0x10ffff).filter_map(char::from_u32) {
            let text = format!("text {c} text");
            assert_eq!(holds_forbidden(&text), is_forbidden(c), "{:#x}", c as u32);
            if is_forbidden(c) {
                assert_eq!(strip(&text).0, "text  text");
            }
        }
        let few = (0u32..0x100).chain([0x2013, 0xfeff, 0xfffd, 0xfffe, 0xffff, 0x1f600]);
        for c in few.filter_map(char::from_u32) {
            for at in 0..=34 {
                let text = format!("{}{c}{}", "a".repeat(at), "é".repeat(10));
                assert_eq!(
                    holds_forbidden(&text),
                    is_forbidden(c),
                    "{:#x} at {at}",
                    c as u32
                );
            }
        }
        assert!(!holds_forbidden(
            "plain text\twith tabs\nand lines – “quotes” «non-breaking\u{a0}space»\r\n"
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
