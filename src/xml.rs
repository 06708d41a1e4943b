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
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' if attr => o.push_str("&quot;"),
            c if !is_xml_char(c) => {}
            c => o.push(c),
        }
    }
    o
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
}
