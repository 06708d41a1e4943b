//! Raw HTML from the Markdown source → well-formed, safe XHTML.
//!
//! ammonia (html5ever underneath) parses the fragment as a browser would, closes
//! what is open and removes scripts, event handlers, frames and obsolete tags (the
//! parser has already reported them, at their place in the source). Its
//! output is balanced HTML; the small pass below (ours: no maintained crate turns
//! HTML into XHTML) closes void elements, re-escapes attribute values for XML and
//! replaces images, whose files would not be in the book, by their alt text.

use std::collections::HashSet;

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Sanitises `html` and returns XHTML.
pub fn to_xhtml(html: &str) -> String {
    let mut b = ammonia::Builder::default();
    b.rm_tags(["acronym", "center", "strike", "tt", "big", "font"])
        .add_generic_attributes(["id", "class", "dir", "epub:type"])
        .link_rel(None)
        .strip_comments(true)
        .url_relative(ammonia::UrlRelative::PassThrough);
    let clean = b.clean(html).to_string();
    fix_up(&clean)
}

/// Balanced HTML (as html5ever serialises it) → XHTML.
fn fix_up(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 16);
    let mut rest = html;
    // Inside a dropped element (img), nothing to skip: img is void.
    while let Some(lt) = rest.find('<') {
        push_text(&mut out, &rest[..lt]);
        rest = &rest[lt..];
        let Some(gt) = tag_end(rest) else {
            push_text(&mut out, rest);
            return out;
        };
        let tag = &rest[..=gt];
        rest = &rest[gt + 1..];
        out.push_str(&convert_tag(tag));
    }
    push_text(&mut out, rest);
    out
}

/// Index of the `>` closing a tag, skipping quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"') | (None, '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn push_text(out: &mut String, text: &str) {
    // html5ever writes &nbsp; which XML does not define, and decodes character
    // references such as `&#1;` into characters XML forbids.
    let text = text.replace("&nbsp;", "&#160;");
    out.extend(text.chars().filter(|&c| is_xml_char(c)));
}

/// Whether XML 1.0 allows `c` in a document (Rust strings hold no surrogates).
pub fn is_xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

fn convert_tag(tag: &str) -> String {
    let inner = tag
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim_end_matches('/');
    if let Some(name) = inner.strip_prefix('/') {
        let name = name.trim().to_ascii_lowercase();
        return if VOID.contains(&name.as_str()) {
            String::new()
        } else {
            format!("</{name}>")
        };
    }
    let name_end = inner
        .find(|c: char| c.is_whitespace())
        .unwrap_or(inner.len());
    let name = inner[..name_end].to_ascii_lowercase();
    let attrs = parse_attrs(&inner[name_end..]);
    if name == "img" {
        let alt = attrs
            .iter()
            .find(|(k, _)| k == "alt")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        return escape_text(&alt);
    }
    let mut seen = HashSet::new();
    let mut out = format!("<{name}");
    for (k, v) in attrs {
        if !seen.insert(k.clone()) || !is_xml_name(&k) {
            continue;
        }
        let v = if k == "href" || k == "src" {
            // A relative reference would name a file the book does not contain.
            match crate::resolve::links::web_url(&v) {
                Some(u) if is_absolute(&u) => u,
                _ if v.starts_with('#') => v,
                _ => continue,
            }
        } else {
            v
        };
        out.push_str(&format!(" {k}=\"{}\"", escape_attr(&v)));
    }
    out.push_str(if VOID.contains(&name.as_str()) {
        "/>"
    } else {
        ">"
    });
    out
}

fn is_absolute(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://") || l.starts_with("mailto:")
}

fn is_xml_name(k: &str) -> bool {
    let mut c = k.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
        && k.matches(':').count() <= 1
        && (!k.contains(':') || k.starts_with("epub:") || k.starts_with("xml:"))
}

/// Attributes as html5ever writes them: `name="value"` with entities in values.
fn parse_attrs(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let mut value = String::new();
        if let Some(r) = rest.strip_prefix('=') {
            let r = r.trim_start();
            if let Some(q) = r.chars().next().filter(|c| *c == '"' || *c == '\'') {
                let end = r[1..].find(q).map_or(r.len(), |e| e + 1);
                value = unescape(&r[1..end.min(r.len())]);
                rest = r.get(end + 1..).unwrap_or("").trim_start();
            } else {
                let end = r.find(char::is_whitespace).unwrap_or(r.len());
                value = unescape(&r[..end]);
                rest = r[end..].trim_start();
            }
        }
        if !name.is_empty() {
            out.push((name, value));
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

pub fn escape_text(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            c if !is_xml_char(c) => {}
            c => o.push(c),
        }
    }
    o
}

pub fn escape_attr(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
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
    fn void_elements_are_closed_and_scripts_removed() {
        let x = to_xhtml("<p>a<br>b<script>alert(1)</script></p>");
        assert_eq!(x, "<p>a<br/>b</p>");
    }

    #[test]
    fn unclosed_tags_are_closed_and_handlers_dropped() {
        let x = to_xhtml("<div onclick=\"x()\"><em>open");
        assert_eq!(x, "<div><em>open</em></div>");
    }

    #[test]
    fn entities_become_xml_safe() {
        let x = to_xhtml("<span title=\"a<b\">x&nbsp;y &copy;</span>");
        assert_eq!(x, "<span title=\"a&lt;b\">x&#160;y ©</span>");
    }

    #[test]
    fn character_references_to_forbidden_characters_are_dropped() {
        let x = to_xhtml("<p title=\"a&#1;b\">c&#1;d&#x0B;e</p>");
        assert_eq!(x, "<p title=\"ab\">cde</p>");
        assert_eq!(escape_attr("a\u{1}\"b"), "a&quot;b");
        assert_eq!(escape_text("a\u{ffff}<b"), "a&lt;b");
    }

    #[test]
    fn images_become_their_alt_text() {
        let x = to_xhtml("<p><img src=\"x.png\" alt=\"A & B\"></p>");
        assert_eq!(x, "<p>A &amp; B</p>");
    }
}
