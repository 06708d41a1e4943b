//! XML text and attribute escaping, shared by every writer of XML: the EPUB's
//! documents and package, and the PDF's XMP metadata. Characters XML 1.0 forbids
//! are dropped.

/// Whether XML 1.0 allows `c` in a document (Rust strings hold no surrogates).
pub fn is_xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// `s` as XML character data.
pub fn escape_text(s: &str) -> String {
    escape(s, false)
}

/// `s` as an XML attribute value between double quotes.
pub fn escape_attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attr: bool) -> String {
    let mut o = String::with_capacity(s.len());
    escape_into(&mut o, s, attr);
    o
}

/// Appends `s` to `out` as XML character data (`attr`: as an attribute value
/// between double quotes); returns whether `s` held characters XML forbids,
/// which are dropped. Copies the runs between the characters it replaces or
/// drops whole (the EPUB writes every word of a book through here).
pub fn escape_into(out: &mut String, s: &str, attr: bool) -> bool {
    let bytes = s.as_bytes();
    let mut removed = false;
    let (mut from, mut i) = (0, 0);
    while i < bytes.len() {
        // Most text holds nothing to replace: 16 bytes at a time are passed over
        // when none of them can start one (a test without early exit, which the
        // compiler turns into vector instructions).
        if let Some(chunk) = bytes.get(i..i + 16) {
            let any = chunk.iter().fold(false, |a, &b| {
                a | (b < 0x20) | (b == b'&') | (b == b'<') | (b == b'>') | (b == b'"') | (b == 0xef)
            });
            if !any {
                i += 16;
                continue;
            }
        }
        // What replaces the character at `i` and how many bytes it has: only
        // ASCII and U+FFFE/U+FFFF (EF BF BE/BF) are ever replaced or dropped.
        let (len, with) = match bytes[i] {
            b'&' => (1, "&amp;"),
            b'<' => (1, "&lt;"),
            b'>' => (1, "&gt;"),
            b'"' if attr => (1, "&quot;"),
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            0..=0x1f => (1, ""),
            0xef if bytes.get(i + 1) == Some(&0xbf)
                && matches!(bytes.get(i + 2), Some(0xbe | 0xbf)) =>
            {
                (3, "")
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[from..i]);
        out.push_str(with);
        removed |= with.is_empty();
        i += len;
        from = i;
    }
    out.push_str(&s[from..]);
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped_and_forbidden_ones_dropped() {
        assert_eq!(escape_text("a<b & \"c\"\u{1}"), "a&lt;b &amp; \"c\"");
        assert_eq!(
            escape_attr("a<b & \"c\"\u{b}"),
            "a&lt;b &amp; &quot;c&quot;"
        );
        assert_eq!(escape_text("\u{a0}é\t\n"), "\u{a0}é\t\n");
    }

    #[test]
    fn escaping_into_a_buffer_agrees_with_the_rule_for_every_character() {
        // Every character XML forbids is dropped (and said), the markup ones
        // replaced, the rest copied: checked one by one over all of Unicode,
        // alone and between other text.
        // Each at every place in and about the first 16 bytes the scan passes
        // over at once: the ASCII characters and a few of the rest.
        let few = (0..0x80).chain([0xe9, 0xfffd, 0xfffe, 0xffff, 0x1f600]);
        for c in few.filter_map(char::from_u32) {
            for at in 0..=34 {
                let text = format!("{}{c}{}", "a".repeat(at), "é".repeat(10));
                let mut want = "a".repeat(at);
                want.push_str(&escape(&c.to_string(), false));
                want.push_str(&"é".repeat(10));
                let mut got = String::new();
                assert_eq!(escape_into(&mut got, &text, false), !is_xml_char(c));
                assert_eq!(got, want, "U+{:04X} after {at} bytes", c as u32);
            }
        }
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            for attr in [false, true] {
                let mut want = String::from("a");
                match c {
                    '&' => want.push_str("&amp;"),
                    '<' => want.push_str("&lt;"),
                    '>' => want.push_str("&gt;"),
                    '"' if attr => want.push_str("&quot;"),
                    c if !is_xml_char(c) => {}
                    c => want.push(c),
                }
                want.push('é');
                let mut got = String::from("a");
                let removed = escape_into(&mut got, &format!("{c}é"), attr);
                assert_eq!(got, want, "U+{:04X}", c as u32);
                assert_eq!(removed, !is_xml_char(c), "U+{:04X}", c as u32);
            }
        }
    }
}
