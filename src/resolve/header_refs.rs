//! pandoc's implicit header references: `[Heading text]` or `[Heading text][]`,
//! with no link definition of that name, is a link to the heading with that text
//! (pandoc looks in its one document; here the same file first, then the book).
//!
//! pulldown-cmark leaves such a reference as text, brackets and all; this finds
//! it in the text of a sequence of inlines. A label without a letter (`[1]`, a
//! note marked by hand) is left as text even when a heading is `# 1`, and so are
//! brackets inside a word (`array[i]`), which as a link would join two words. A bracket the author escaped (`\[`)
//! cannot be told from another here, so `\[Heading text\]` is a link too. Knows
//! nothing of files or output formats: the caller says what a label leads to.

use crate::model::walk::{self, Visit};
use crate::model::{Inline, LinkTarget};

use super::anchors::{label_text, title_key};

/// How many inlines a label may span (text, emphasis, code …).
const MAX_LABEL_INLINES: usize = 16;

/// Turns every `[label]` and `[label][]` in `v` whose label `find` knows into a
/// link holding the label's inlines; everything else is left as it is.
pub fn link_headings(v: &mut Vec<Inline>, find: &dyn Fn(&str) -> Option<LinkTarget>) {
    let mut i = 0;
    while i < v.len() {
        let Inline::Text(t) = &v[i] else {
            i += 1;
            continue;
        };
        let mut from = 0;
        let mut linked = None;
        while let Some(p) = t[from..].find('[').map(|x| x + from) {
            from = p + 1;
            // `![…]` is a picture and `…][…]` a full reference: neither is one.
            // Nor is a bracket inside a word (`ref[bar]`, `array[i]`): as a link it
            // would lose its brackets and join two words.
            if t[..p].ends_with(['!', ']']) || t[..p].ends_with(char::is_alphanumeric) {
                continue;
            }
            let Some((j, q)) = closing(v, i, p + 1) else {
                continue;
            };
            let Inline::Text(end) = &v[j] else {
                continue;
            };
            let after = &end[q + 1..];
            let consumed = if after.starts_with("[]") {
                2
            } else if after.starts_with(['(', '[']) {
                continue;
            } else {
                0
            };
            // What follows the reference: the rest of this text, or the next inline.
            let next = match after[consumed..].chars().next() {
                Some(c) => Some(c),
                None => v
                    .get(j + 1)
                    .and_then(|n| Inline::plain_text(std::slice::from_ref(n)).chars().next()),
            };
            if next.is_some_and(char::is_alphanumeric) {
                continue;
            }
            let label = label_inlines(v, (i, p + 1), (j, q));
            let key = title_key(&label_text(&label));
            // `[1]`, `[*]`: the marks books use for notes by hand, never a title.
            if !key.chars().any(char::is_alphabetic) {
                continue;
            }
            if let Some(target) = find(&key) {
                linked = Some((p, j, q + 1 + consumed, label, target));
                break;
            }
        }
        let Some((p, j, rest_at, label, target)) = linked else {
            i += 1;
            continue;
        };
        let before = t[..p].to_string();
        let rest = match &v[j] {
            Inline::Text(end) => end[rest_at..].to_string(),
            _ => String::new(),
        };
        let mut new = Vec::with_capacity(3);
        if !before.is_empty() {
            new.push(Inline::Text(before));
        }
        new.push(Inline::Link {
            target,
            title: String::new(),
            content: label,
        });
        let next = i + new.len();
        if !rest.is_empty() {
            new.push(Inline::Text(rest));
        }
        v.splice(i..=j, new);
        i = next;
    }
}

/// Where the `]` closing a label that starts in `v[i]` at byte `start` is: the
/// inline and the byte in it. None when another `[` comes first, or a link, a
/// citation, a note or a line break is in the way.
fn closing(v: &[Inline], i: usize, start: usize) -> Option<(usize, usize)> {
    let bracket = |s: &str| s.find(['[', ']']).map(|k| (k, s.as_bytes()[k]));
    for (j, inline) in v.iter().enumerate().skip(i).take(MAX_LABEL_INLINES) {
        match inline {
            Inline::Text(s) => {
                let from = if j == i { start } else { 0 };
                match bracket(&s[from..]) {
                    Some((k, b']')) => return Some((j, from + k)),
                    Some(_) => return None,
                    None => {}
                }
            }
            Inline::Link { .. }
            | Inline::Citation(_)
            | Inline::FootnoteRef { .. }
            | Inline::LineBreak
            | Inline::Image { .. } => return None,
            // A link is never inside a link, nor a bracket of the label inside
            // formatting.
            other if holds_link_or_bracket(other) => return None,
            _ => {}
        }
    }
    None
}

/// Whether formatting (emphasis, a span …) holds a link, a citation, a note or a
/// bracket anywhere inside.
fn holds_link_or_bracket(i: &Inline) -> bool {
    struct Found(bool);
    impl<'a> Visit<'a> for Found {
        fn inline(&mut self, i: &'a Inline) {
            match i {
                Inline::Link { .. } | Inline::Citation(_) | Inline::FootnoteRef { .. } => {
                    self.0 = true
                }
                Inline::Text(t) if t.contains(['[', ']']) => self.0 = true,
                _ => {}
            }
        }
    }
    let mut f = Found(false);
    walk::walk_inlines(std::slice::from_ref(i), false, &mut f);
    f.0
}

/// The inlines between the brackets: the end of `v[i]` from byte `a`, the inlines
/// between, the start of `v[j]` up to byte `b`.
fn label_inlines(v: &[Inline], (i, a): (usize, usize), (j, b): (usize, usize)) -> Vec<Inline> {
    let text = |k: usize| match &v[k] {
        Inline::Text(s) => s.as_str(),
        _ => "",
    };
    if i == j {
        return vec![Inline::Text(text(i)[a..b].to_string())];
    }
    let mut out = Vec::new();
    if a < text(i).len() {
        out.push(Inline::Text(text(i)[a..].to_string()));
    }
    out.extend(v[i + 1..j].iter().cloned());
    if b > 0 {
        out.push(Inline::Text(text(j)[..b].to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(key: &str) -> Option<LinkTarget> {
        (key == "the heading" || key == "getting started" || key == "1").then(|| {
            LinkTarget::Internal {
                part: 0,
                anchor: Some(key.replace(' ', "-")),
            }
        })
    }

    fn run(mut v: Vec<Inline>) -> Vec<Inline> {
        link_headings(&mut v, &find);
        v
    }

    fn shape(v: &[Inline]) -> String {
        v.iter()
            .map(|i| match i {
                Inline::Text(t) => format!("T({t})"),
                Inline::Emphasis(c) => format!("E({})", shape(c)),
                Inline::Link {
                    target: LinkTarget::Internal { anchor, .. },
                    content,
                    ..
                } => format!(
                    "L#{}({})",
                    anchor.clone().unwrap_or_default(),
                    shape(content)
                ),
                _ => "?".into(),
            })
            .collect()
    }

    #[test]
    fn a_bracketed_heading_text_becomes_a_link_to_it() {
        let v = run(vec![Inline::Text(
            "See [The Heading] and [getting  started][] here.".into(),
        )]);
        assert_eq!(
            shape(&v),
            "T(See )L#the-heading(T(The Heading))T( and )L#getting-started(T(getting  started))T( here.)"
        );
    }

    #[test]
    fn a_label_may_hold_formatting() {
        let v = run(vec![
            Inline::Text("See [The ".into()),
            Inline::Emphasis(vec![Inline::Text("Heading".into())]),
            Inline::Text("].".into()),
        ]);
        assert_eq!(shape(&v), "T(See )L#the-heading(T(The )E(T(Heading)))T(.)");
    }

    #[test]
    fn a_label_holding_a_link_or_glued_to_one_is_left_as_it_is() {
        let link = || Inline::Link {
            target: LinkTarget::External("https://x.org".into()),
            title: String::new(),
            content: vec![Inline::Text("ref".into())],
        };
        // `[The *Heading [x](url)*]`: a link in the label.
        let v = run(vec![
            Inline::Text("[The ".into()),
            Inline::Emphasis(vec![Inline::Text("Heading".into()), link()]),
            Inline::Text("]".into()),
        ]);
        assert_eq!(shape(&v), "T([The )E(T(Heading)?)T(])");
        // `[The Heading][ref]` where `[ref]` is a link: the words would join.
        let v = run(vec![Inline::Text("[The Heading]".into()), link()]);
        assert_eq!(shape(&v), "T([The Heading])?");
    }

    #[test]
    fn other_brackets_are_left_as_they_are() {
        for s in [
            "[Unknown heading]",
            "![The Heading]",
            "[x][The Heading]",
            "[The Heading](broken",
            "[The Heading][other]",
            "[[The Heading]",
            "[]",
            "[1]",
            "ref[The Heading]",
            "[The Heading]s",
        ] {
            let v = run(vec![Inline::Text(s.into())]);
            if s == "[[The Heading]" {
                // The inner pair is a reference of its own, as in pandoc.
                assert_eq!(shape(&v), "T([)L#the-heading(T(The Heading))", "{s}");
            } else {
                assert_eq!(shape(&v), format!("T({s})"), "{s}");
            }
        }
    }
}
