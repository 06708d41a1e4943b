//! Raw HTML in Markdown: finds what no book may carry (scripts, event handlers,
//! frames and plugins, `javascript:` URLs) so that it is reported at its place.
//!
//! Also tokenises raw HTML (text, tags with their attributes, comments) for
//! `markdown::raw_html`, which folds it into the model. Linear in the length of
//! the HTML.

use std::borrow::Cow;
use std::ops::Range;

/// Something dangerous in raw HTML, with its byte range there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub range: Range<usize>,
    /// What it is, for the message: "a `<script>` element", "the event handler `onclick`".
    pub what: String,
}

/// Elements that run code or embed other documents.
const ACTIVE: &[&str] = &[
    "script", "iframe", "frame", "frameset", "object", "embed", "applet",
];

/// URL schemes that run code.
const ACTIVE_SCHEMES: &[&str] = &["javascript:", "vbscript:", "data:text/html"];

/// Every dangerous tag or attribute in `html`, in order.
pub fn dangers(html: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for tag in tags(html).filter(|t| !t.closing) {
        if let Some(name) = ACTIVE.iter().find(|n| tag.name.eq_ignore_ascii_case(n)) {
            out.push(Finding {
                range: tag.range.clone(),
                what: format!("a `<{name}>` element"),
            });
            continue;
        }
        for a in &tag.attrs {
            let name = &html[a.name.clone()];
            let value = a.value.clone().map_or("", |v| &html[v]);
            let value: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            // Every handler is `on` and a word of three letters or more (`oncut`).
            if name.len() > 4
                && name.as_bytes()[..2].eq_ignore_ascii_case(b"on")
                && name[2..].bytes().all(|c| c.is_ascii_alphabetic())
            {
                out.push(Finding {
                    range: a.name.start..a.end,
                    what: format!("the event handler `{}`", name.to_ascii_lowercase()),
                });
            } else if let Some(s) = ACTIVE_SCHEMES.iter().find(|s| value.starts_with(*s)) {
                out.push(Finding {
                    range: a.name.start..a.end,
                    what: format!("a `{s}` URL"),
                });
            }
        }
    }
    out
}

/// Elements without content: they never nest.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Whether an inline HTML tag opens a `<script>` or `<style>` element, whose
/// content (the following text) is then dropped: `"script"` or `"style"`.
pub fn opens_code_element(tag: &str) -> Option<&'static str> {
    let t = tags(tag).next()?;
    if t.closing || tag.trim_end().ends_with("/>") {
        return None;
    }
    ["script", "style"]
        .into_iter()
        .find(|n| t.name.eq_ignore_ascii_case(n))
}

/// Whether an inline HTML tag is `</name>`.
pub fn closes(tag: &str, name: &str) -> bool {
    tags(tag)
        .next()
        .is_some_and(|t| t.closing && t.name.eq_ignore_ascii_case(name))
}

/// One tag of raw HTML: its name as written, whether it is `</name>`, its bytes and
/// its attributes.
pub struct Tag<'a> {
    pub name: &'a str,
    pub closing: bool,
    pub range: Range<usize>,
    attrs: Vec<Attr>,
}

struct Attr {
    name: Range<usize>,
    value: Option<Range<usize>>,
    end: usize,
}

impl Tag<'_> {
    /// The value of attribute `name` (case-insensitive), entities decoded; `Some("")`
    /// for an attribute without a value.
    pub fn attr<'h>(&self, html: &'h str, name: &str) -> Option<Cow<'h, str>> {
        self.attrs
            .iter()
            .find(|a| html[a.name.clone()].eq_ignore_ascii_case(name))
            .map(|a| match &a.value {
                Some(v) => html_escape::decode_html_entities(&html[v.clone()]),
                None => Cow::Borrowed(""),
            })
    }

    /// `<br/>`: closed in its own tag.
    pub fn self_closing(&self, html: &str) -> bool {
        html[self.range.clone()]
            .trim_end_matches('>')
            .ends_with('/')
    }
}

/// A piece of raw HTML: text between tags, a tag, or a comment.
pub enum Token<'a> {
    Text(Range<usize>),
    Tag(Tag<'a>),
    Comment,
}

/// The text, tags and comments of `html`, in order.
pub fn tokens(html: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut last = 0;
    for t in scan(html, true) {
        if t.range.start > last {
            out.push(Token::Text(last..t.range.start));
        }
        last = t.range.end;
        out.push(if t.name == "!--" {
            Token::Comment
        } else {
            Token::Tag(t)
        });
    }
    if last < html.len() {
        out.push(Token::Text(last..html.len()));
    }
    out
}

/// Elements without content: they never nest.
pub fn is_void(name: &str) -> bool {
    VOID.iter().any(|v| name.eq_ignore_ascii_case(v))
}

/// The tags of `html` as a browser tokenises them, roughly: `<` and a letter (or
/// `/` and a letter) open a tag, quoted values may hold `>`, comments are skipped.
fn tags(html: &str) -> impl Iterator<Item = Tag<'_>> {
    scan(html, false)
}

/// `tags`, and with `comments` also each comment, as a tag named `!--`. One
/// tokenizer loop (tag name, attributes, quoted values): kept whole so that its
/// states stay in one place.
fn scan(html: &str, comments: bool) -> impl Iterator<Item = Tag<'_>> {
    let b = html.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            if b[i] != b'<' {
                i += 1;
                continue;
            }
            let start = i;
            if html[i..].starts_with("<!--") {
                i = html[i + 4..].find("-->").map_or(b.len(), |k| i + 4 + k + 3);
                if comments {
                    return Some(Tag {
                        name: "!--",
                        closing: false,
                        range: start..i,
                        attrs: Vec::new(),
                    });
                }
                continue;
            }
            let mut j = i + 1;
            let closing = b.get(j) == Some(&b'/');
            if closing {
                j += 1;
            }
            if !b.get(j).is_some_and(u8::is_ascii_alphabetic) {
                i += 1;
                continue;
            }
            let name_start = j;
            while j < b.len() && !(b[j].is_ascii_whitespace() || b[j] == b'>' || b[j] == b'/') {
                j += 1;
            }
            let name = &html[name_start..j];
            let mut attrs = Vec::new();
            loop {
                while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                    j += 1;
                }
                if j >= b.len() || b[j] == b'>' {
                    break;
                }
                let an = j;
                while j < b.len()
                    && !(b[j].is_ascii_whitespace() || b[j] == b'>' || b[j] == b'/' || b[j] == b'=')
                {
                    j += 1;
                }
                // A lone `=` (or `"`) where a name should be: step over it.
                if j == an {
                    j += 1;
                    continue;
                }
                let name = an..j;
                let mut k = j;
                while k < b.len() && b[k].is_ascii_whitespace() {
                    k += 1;
                }
                let mut value = None;
                if b.get(k) == Some(&b'=') {
                    k += 1;
                    while k < b.len() && b[k].is_ascii_whitespace() {
                        k += 1;
                    }
                    match b.get(k) {
                        Some(&q) if q == b'"' || q == b'\'' => {
                            let vs = k + 1;
                            let ve = html[vs..].find(q as char).map_or(b.len(), |e| vs + e);
                            value = Some(vs..ve);
                            k = (ve + 1).min(b.len());
                        }
                        _ => {
                            let vs = k;
                            while k < b.len() && !(b[k].is_ascii_whitespace() || b[k] == b'>') {
                                k += 1;
                            }
                            value = Some(vs..k);
                        }
                    }
                    j = k;
                }
                attrs.push(Attr {
                    name,
                    value,
                    end: j,
                });
            }
            i = (j + 1).min(b.len());
            return Some(Tag {
                name,
                closing,
                range: start..i,
                attrs,
            });
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whats(html: &str) -> Vec<String> {
        dangers(html).into_iter().map(|f| f.what).collect()
    }

    #[test]
    fn scripts_handlers_frames_and_script_urls_are_found_at_their_place() {
        let html = "<p onclick=\"x()\">a</p><SCRIPT>b</SCRIPT><iframe src=x></iframe>\
                    <a href=' javascript:alert(1)'>c</a><div\nonmouseover=y>";
        let f = dangers(html);
        assert_eq!(
            whats(html),
            [
                "the event handler `onclick`",
                "a `<script>` element",
                "a `<iframe>` element",
                "a `javascript:` URL",
                "the event handler `onmouseover`"
            ]
        );
        assert_eq!(&html[f[0].range.clone()], "onclick=\"x()\"");
        assert_eq!(&html[f[1].range.clone()], "<SCRIPT>");
    }

    #[test]
    fn harmless_html_and_text_mentioning_scripts_are_not_flagged() {
        assert!(whats("<p class=\"online\">Use javascript: carefully, on=1</p>").is_empty());
        assert!(whats("<span one=\"1\">once</span> <!-- <script> -->").is_empty());
        assert!(whats("a < b and c > d <3").is_empty());
    }

    #[test]
    fn inline_script_tags_open_and_close_code_elements() {
        assert_eq!(opens_code_element("<script type=\"x\">"), Some("script"));
        assert_eq!(opens_code_element("<script/>"), None);
        assert_eq!(opens_code_element("<span>"), None);
        assert!(closes("</Script >", "script"));
        assert!(!closes("<script>", "script"));
    }
}
