//! pandoc's attribute lists, `{#id .class key=value}`, as its Markdown reader
//! reads them after a fenced div's colons, a bracketed span, a link or a heading.
//!
//! Reads the source text only; knows nothing of the tree. Keeps what the model
//! keeps (id, classes, `lang`, `dir`, `title`); other keys are read and dropped.

use crate::model::Attrs;

/// An attribute list read at the start of `s` (which starts with `{`): the
/// attributes and the length of the list, `}` included. None when `s` does not
/// start with a list pandoc would read (then the `{` is text).
pub(super) fn attribute_list(s: &str) -> Option<(Attrs, usize)> {
    let b = s.as_bytes();
    if b.first() != Some(&b'{') {
        return None;
    }
    let mut attrs = Attrs::default();
    let mut i = skip_space(s, 1)?;
    loop {
        let c = s[i..].chars().next()?;
        match c {
            '}' => return Some((attrs, i + 1)),
            '#' => {
                let end = identifier(s, i + 1)?;
                attrs.id = Some(s[i + 1..end].to_string());
                i = end;
            }
            '.' => {
                let end = identifier(s, i + 1)?;
                push_class(&mut attrs, &s[i + 1..end]);
                i = end;
            }
            // `{-}`: pandoc's short form of `.unnumbered`.
            '-' => {
                push_class(&mut attrs, "unnumbered");
                i += 1;
            }
            _ => {
                let key_end = identifier(s, i)?;
                let key = &s[i..key_end];
                if b.get(key_end) != Some(&b'=') {
                    return None;
                }
                let (value, end) = value(s, key_end + 1)?;
                set(&mut attrs, key, value);
                i = end;
            }
        }
        // Attributes are separated by white space (one line break at most), or
        // follow each other directly (`{#a.b}` is not that: `.` is in an identifier).
        i = skip_space(s, i)?;
    }
}

/// A fenced div's opening: an attribute list, or a single word taken as a class.
pub(super) fn div_attributes(s: &str) -> Option<Attrs> {
    let s = s.trim();
    if s.starts_with('{') {
        let (attrs, len) = attribute_list(s)?;
        return s[len..].trim().is_empty().then_some(attrs);
    }
    let word = s.split_whitespace().next()?;
    if !s[word.len()..].trim().is_empty() {
        return None;
    }
    let mut attrs = Attrs::default();
    push_class(&mut attrs, word);
    Some(attrs)
}

fn push_class(attrs: &mut Attrs, class: &str) {
    // A class the EPUB's CSS could name; others are dropped as raw HTML's are.
    if !class.is_empty()
        && class
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        && !attrs.classes.iter().any(|c| c == class)
    {
        attrs.classes.push(class.to_string());
    }
}

fn set(attrs: &mut Attrs, key: &str, value: String) {
    let value = value.trim().to_string();
    match key {
        "id" if !value.is_empty() && !value.contains(char::is_whitespace) => attrs.id = Some(value),
        "class" => {
            for c in value.split_whitespace() {
                push_class(attrs, c);
            }
        }
        "lang"
            if !value.is_empty()
                && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
        {
            attrs.lang = Some(value)
        }
        "dir" => {
            let d = value.to_ascii_lowercase();
            if matches!(d.as_str(), "ltr" | "rtl" | "auto") {
                attrs.dir = Some(d);
            }
        }
        "title" if !value.is_empty() => attrs.title = Some(value),
        _ => {}
    }
}

/// pandoc's identifier: a letter, then letters, digits and `-_:.`.
fn identifier(s: &str, start: usize) -> Option<usize> {
    let mut chars = s[start..].char_indices();
    let (_, first) = chars.next()?;
    if !first.is_alphabetic() {
        return None;
    }
    let end = chars
        .find(|&(_, c)| !(c.is_alphanumeric() || "-_:.".contains(c)))
        .map_or(s.len(), |(j, _)| start + j);
    Some(end)
}

/// A value: quoted with `"` or `'` (backslash escapes), or a run of characters
/// up to white space or `}`.
fn value(s: &str, start: usize) -> Option<(String, usize)> {
    let rest = &s[start..];
    let quote = rest.chars().next()?;
    if quote == '"' || quote == '\'' {
        let mut out = String::new();
        let mut chars = rest.char_indices().skip(1);
        while let Some((j, c)) = chars.next() {
            match c {
                '\\' => out.push(chars.next()?.1),
                c if c == quote => return Some((out, start + j + 1)),
                c => out.push(c),
            }
        }
        return None;
    }
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '}')
        .unwrap_or(rest.len());
    Some((rest[..end].replace('\\', ""), start + end))
}

/// Past spaces and tabs with at most one line break among them; None at a blank
/// line (an attribute list ends in its paragraph).
fn skip_space(s: &str, mut i: usize) -> Option<usize> {
    let mut breaks = 0;
    while let Some(c) = s[i..].chars().next() {
        match c {
            ' ' | '\t' | '\r' => {}
            '\n' => {
                breaks += 1;
                if breaks > 1 {
                    return None;
                }
            }
            _ => break,
        }
        i += c.len_utf8();
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_classes_and_the_keys_the_model_keeps_are_read() {
        let (a, len) =
            attribute_list("{#i .c lang=fr dir=\"rtl\" data-x=y title='A b'} after").unwrap();
        assert_eq!(len, 46);
        assert_eq!(a.id.as_deref(), Some("i"));
        assert_eq!(a.classes, ["c"]);
        assert_eq!(a.lang.as_deref(), Some("fr"));
        assert_eq!(a.dir.as_deref(), Some("rtl"));
        assert_eq!(a.title.as_deref(), Some("A b"));
    }

    #[test]
    fn pandoc_reads_these_as_it_does() {
        // The later id wins; `.` belongs to a class name; `-` is `.unnumbered`.
        assert_eq!(attribute_list("{#a#b}").unwrap().0.id.as_deref(), Some("b"));
        assert!(attribute_list("{.a.b}").unwrap().0.classes.is_empty());
        assert_eq!(attribute_list("{-}").unwrap().0.classes, ["unnumbered"]);
        assert_eq!(attribute_list("{}").unwrap().1, 2);
        assert_eq!(attribute_list("{.c\n.d}").unwrap().0.classes, ["c", "d"]);
    }

    #[test]
    fn braces_that_are_no_attribute_list_are_text() {
        for s in [
            "{not attrs}",
            "{.c",
            "{.c\n\n.d}",
            "{1}",
            "{#}",
            "{a=\"b}",
            "x{.c}",
        ] {
            assert!(attribute_list(s).is_none(), "{s}");
        }
    }

    #[test]
    fn a_div_takes_a_list_or_one_word() {
        assert_eq!(
            div_attributes(" single-choice ").unwrap().classes,
            ["single-choice"]
        );
        assert_eq!(div_attributes("{#k .a}").unwrap().id.as_deref(), Some("k"));
        assert!(div_attributes("{}").unwrap().classes.is_empty());
        assert!(div_attributes("two words").is_none());
        assert!(div_attributes("").is_none());
    }
}
