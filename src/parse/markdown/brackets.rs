//! pandoc's bracket syntax that pulldown-cmark leaves as text: bracketed spans
//! (`[words]{.smallcaps}`), inline notes (`^[a note]`), and the attribute lists
//! after links and images (`[x](u){.c}`, `![a](p.png){width=50%}`).
//!
//! A pass over the events of one file, before the builder: brackets are paired in
//! the text of each container (a paragraph, a link's text, emphasis ...), as
//! pandoc pairs them, never across containers and never when escaped (`\[`). A
//! pair followed by an attribute list becomes a span; `^[` and its `]` a note. The
//! syntax's own characters are cut out of the text events, whose ranges stay those
//! of the file. Brackets that are neither stay text, and so does a `{` that starts
//! no attribute list. Does not build the tree.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::attributes::attribute_list;
use super::{literal_prefix, Builder, Frame, Kind};
use crate::model::{Attrs, Tag as HtmlTag};

/// One event for the builder: pulldown-cmark's, or one this pass found.
#[derive(Debug)]
pub(super) enum Ev<'a> {
    Md(Event<'a>),
    /// `[`, of a span with these attributes.
    SpanOpen(Attrs),
    /// `]{…}`.
    SpanClose,
    /// `^[`.
    NoteOpen,
    /// The note's `]`.
    NoteClose,
}

/// Source bytes cut out of the text, and what stands there instead.
struct Cut {
    range: Range<usize>,
    events: Vec<Ev<'static>>,
}

/// An open bracket of a container: where, and whether it opened a note.
struct Open {
    at: usize,
    note: bool,
}

/// A container open during the scan: its start event, the brackets open in its
/// text, and the last character of text read in it (to see a `^` before `[`).
struct Context {
    start: usize,
    code: bool,
    opens: Vec<Open>,
    last_char: Option<(usize, char)>,
}

/// Whether `text` may hold any of this syntax (a cheap test before the pass).
pub(super) fn may_hold(text: &str) -> bool {
    text.contains("]{") || text.contains("^[") || text.contains("){")
}

/// The events of one file, with the bracket syntax found in them.
pub(super) fn brackets<'a>(
    source: &str,
    events: Vec<(Event<'a>, Range<usize>)>,
) -> Vec<(Ev<'a>, Range<usize>)> {
    let mut cuts: Vec<Cut> = Vec::new();
    // Link or image events to replace or wrap: (start event, end event, what).
    let mut links: Vec<(usize, usize, LinkAttrs)> = Vec::new();
    let mut stack = vec![Context {
        start: usize::MAX,
        code: false,
        opens: Vec::new(),
        last_char: None,
    }];
    for (k, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(tag) => {
                if let Some(top) = stack.last_mut() {
                    top.last_char = None;
                }
                let code = matches!(
                    tag,
                    Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_)
                );
                stack.push(Context {
                    start: k,
                    code,
                    opens: Vec::new(),
                    last_char: None,
                });
            }
            Event::End(end) => {
                let Some(ctx) = stack.pop() else { continue };
                if let (TagEnd::Link | TagEnd::Image, Some(start)) =
                    (end, Some(ctx.start).filter(|&s| s != usize::MAX))
                {
                    if let Some((attrs, len)) = source
                        .get(range.end..)
                        .and_then(attribute_list)
                        .filter(|_| text_at(&events, k + 1, range.end))
                    {
                        let what = match (&events[start].0, end) {
                            (
                                Event::Start(Tag::Link {
                                    link_type: LinkType::Shortcut,
                                    ..
                                }),
                                _,
                            ) => LinkAttrs::Span(attrs),
                            (_, TagEnd::Link) => LinkAttrs::Wrap(attrs),
                            _ => LinkAttrs::Drop,
                        };
                        cuts.push(Cut {
                            range: range.end..range.end + len,
                            events: Vec::new(),
                        });
                        links.push((start, k, what));
                    }
                }
                if let Some(top) = stack.last_mut() {
                    top.last_char = None;
                }
            }
            Event::Text(t) => {
                let Some(top) = stack.last_mut() else {
                    continue;
                };
                if top.code || source.get(range.clone()) != Some(&**t) {
                    top.last_char = None;
                    continue;
                }
                let literal = literal_prefix(source, t, range.clone());
                for (j, c) in t.char_indices() {
                    let at = range.start + j;
                    if j < literal {
                        top.last_char = None;
                        continue;
                    }
                    match c {
                        '[' => {
                            let note = top
                                .last_char
                                .is_some_and(|(p, ch)| ch == '^' && p + 1 == at);
                            top.opens.push(Open { at, note });
                        }
                        ']' => {
                            if let Some(open) = top.opens.pop() {
                                if open.note {
                                    cuts.push(Cut {
                                        range: open.at - 1..open.at + 1,
                                        events: vec![Ev::NoteOpen],
                                    });
                                    cuts.push(Cut {
                                        range: at..at + 1,
                                        events: vec![Ev::NoteClose],
                                    });
                                } else if let Some((attrs, len)) = attribute_list(&source[at + 1..])
                                {
                                    cuts.push(Cut {
                                        range: open.at..open.at + 1,
                                        events: vec![Ev::SpanOpen(attrs)],
                                    });
                                    cuts.push(Cut {
                                        range: at..at + 1 + len,
                                        events: vec![Ev::SpanClose],
                                    });
                                }
                            }
                        }
                        _ => {}
                    }
                    top.last_char = Some((at, c));
                }
            }
            _ => {
                if let Some(top) = stack.last_mut() {
                    top.last_char = None;
                }
            }
        }
    }
    if cuts.is_empty() {
        return events.into_iter().map(|(e, r)| (Ev::Md(e), r)).collect();
    }
    apply(source, events, cuts, links)
}

/// What the attribute list after a link or image makes of it.
enum LinkAttrs {
    /// `[words]{.c}` where `words` is also a link reference: pandoc reads a span.
    Span(Attrs),
    /// A link with attributes: a span around it keeps its id and classes.
    Wrap(Attrs),
    /// An image's (`{width=50%}`): nothing either edition uses.
    Drop,
}

/// Whether event `k` is text starting at `at` (an attribute list after a link is
/// text in the container around it).
fn text_at(events: &[(Event<'_>, Range<usize>)], k: usize, at: usize) -> bool {
    matches!(events.get(k), Some((Event::Text(_), r)) if r.start == at)
}

/// The events with the cuts made and the new events put in their place.
fn apply<'a>(
    source: &str,
    events: Vec<(Event<'a>, Range<usize>)>,
    mut cuts: Vec<Cut>,
    links: Vec<(usize, usize, LinkAttrs)>,
) -> Vec<(Ev<'a>, Range<usize>)> {
    cuts.sort_by_key(|c| c.range.start);
    let mut link_at: std::collections::HashMap<usize, (bool, &LinkAttrs)> = Default::default();
    for (s, e, what) in &links {
        link_at.insert(*s, (true, what));
        link_at.insert(*e, (false, what));
    }
    let mut out = Vec::with_capacity(events.len() + cuts.len());
    let mut next = 0; // the first cut not yet passed
    for (k, (event, range)) in events.into_iter().enumerate() {
        if let Some(&(start, what)) = link_at.get(&k) {
            match (what, start) {
                (LinkAttrs::Span(a), true) => out.push((Ev::SpanOpen(a.clone()), range)),
                (LinkAttrs::Span(_), false) => out.push((Ev::SpanClose, range)),
                (LinkAttrs::Wrap(a), true) => {
                    out.push((Ev::SpanOpen(a.clone()), range.clone()));
                    out.push((Ev::Md(event), range));
                }
                (LinkAttrs::Wrap(_), false) => {
                    out.push((Ev::Md(event), range.clone()));
                    out.push((Ev::SpanClose, range));
                }
                (LinkAttrs::Drop, _) => out.push((Ev::Md(event), range)),
            }
            continue;
        }
        while next < cuts.len() && cuts[next].range.end <= range.start {
            next += 1;
        }
        let splittable =
            matches!(&event, Event::Text(t) if source.get(range.clone()) == Some(&**t));
        let touched = next < cuts.len() && cuts[next].range.start < range.end;
        let inside = |c: &Cut| c.range.start <= range.start && range.end <= c.range.end;
        if !touched {
            out.push((Ev::Md(event), range));
            continue;
        }
        if !splittable {
            // A smart quote or a line break inside an attribute list is cut
            // with it; anything else is kept as it is.
            let small = matches!(event, Event::Text(_) | Event::SoftBreak);
            if !(small && inside(&cuts[next])) {
                out.push((Ev::Md(event), range));
            }
            continue;
        }
        // Text: the pieces outside the cuts, and each cut's events where it starts.
        let mut at = range.start;
        let mut c = next;
        while c < cuts.len() && cuts[c].range.start < range.end {
            let cut = &mut cuts[c];
            if cut.range.start > at {
                out.push((text(source, at..cut.range.start), at..cut.range.start));
            }
            if cut.range.start >= range.start {
                for e in cut.events.drain(..) {
                    out.push((e, cut.range.clone()));
                }
            }
            at = at.max(cut.range.end);
            if cut.range.end > range.end {
                break;
            }
            c += 1;
        }
        if at < range.end {
            out.push((text(source, at..range.end), at..range.end));
        }
    }
    out
}

fn text<'a>(source: &str, r: Range<usize>) -> Ev<'a> {
    Ev::Md(Event::Text(CowStr::from(source[r].to_string())))
}

/// The name a bracketed span's frame carries where raw HTML's carry their tag's.
const SPAN: &str = "[]";

impl Builder<'_> {
    /// A bracketed span's `[`: a `<span>` frame, as raw HTML's.
    pub(super) fn span_open(&mut self, attrs: Attrs, range: Range<usize>) {
        let kind = Kind::Span(HtmlTag::Span, Attrs::default());
        let span = self.span(range);
        self.html_open(SPAN.to_string(), kind, attrs, span);
    }

    /// Its `]{…}`: closes the span and what raw HTML left open in it.
    pub(super) fn span_close(&mut self) {
        if let Some(i) = self.innermost(|f| f.html.as_ref().is_some_and(|o| o.name == SPAN)) {
            while self.stack.len() > i {
                self.close();
            }
        }
    }

    /// `^[`: a note's text is collected as a link's is.
    pub(super) fn note_open(&mut self) {
        self.imply_children(&Kind::Emphasis);
        let mut top = self.stack.pop().expect("frame");
        self.flush_inlines(&mut top);
        self.stack.push(top);
        self.stack.push(Frame::new(Kind::InlineNote));
    }

    /// The note's `]`: the note is made, and its reference put in its place.
    pub(super) fn note_close(&mut self) {
        if let Some(i) = self.innermost(|f| matches!(f.kind, Kind::InlineNote)) {
            while self.stack.len() > i {
                self.close();
            }
        }
    }

    /// The innermost frame `is` picks, past frames of raw HTML only.
    pub(super) fn innermost(&self, is: impl Fn(&Frame) -> bool) -> Option<usize> {
        for (i, f) in self.stack.iter().enumerate().rev() {
            if is(f) {
                return Some(i);
            }
            // Markdown's own frames end where they end.
            f.html.as_ref()?;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::SourceId;
    use crate::model::{Block, Inline, Tag};
    use crate::parse::markdown::{parse, Parsed};

    fn p(s: &str) -> Parsed {
        parse(SourceId(0), s)
    }

    fn para(s: &str) -> Vec<Inline> {
        match p(s).blocks.into_iter().next() {
            Some(Block::Paragraph(i)) => i,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_bracketed_span_holds_its_words_with_its_attributes() {
        let inl = para("A [small *caps*]{.smallcaps} and [x]{#i .c lang=fr} end.\n");
        let Inline::Span {
            tag,
            attrs,
            content,
        } = &inl[1]
        else {
            panic!("{inl:?}")
        };
        assert_eq!(*tag, Tag::Span);
        assert_eq!(attrs.classes, ["smallcaps"]);
        assert_eq!(Inline::plain_text(content), "small caps");
        let Inline::Span { attrs, .. } = &inl[3] else {
            panic!("{inl:?}")
        };
        assert_eq!(attrs.id.as_deref(), Some("i"));
        assert_eq!(attrs.lang.as_deref(), Some("fr"));
        assert_eq!(Inline::plain_text(&inl), "A small caps and x end.");
    }

    #[test]
    fn spans_nest_and_hold_links_and_citations() {
        let inl = para("[[credible]{.open} [confidence]{}]{.inline .switch type=menu} [[irreflexive](https://x.org)]{.noted} [[@ronr]]{.attribution}\n");
        let Inline::Span { attrs, content, .. } = &inl[0] else {
            panic!("{inl:?}")
        };
        assert_eq!(attrs.classes, ["inline", "switch"]);
        assert!(
            matches!(&content[0], Inline::Span { attrs, .. } if attrs.classes == ["open"]),
            "{content:?}"
        );
        assert!(matches!(&content[2], Inline::Span { .. }), "{content:?}");
        let Inline::Span { content, .. } = &inl[2] else {
            panic!("{inl:?}")
        };
        assert!(matches!(content[..], [Inline::Link { .. }]), "{content:?}");
        let Inline::Span { content, .. } = &inl[4] else {
            panic!("{inl:?}")
        };
        assert!(
            matches!(&content[..], [Inline::Citation(c)] if !c.narrative),
            "{content:?}"
        );
    }

    #[test]
    fn brackets_that_are_no_span_stay_text() {
        for src in [
            "[x]{not attrs}\n",
            "\\[x]{.c}\n",
            "[x] {.c}\n",
            "`[x]{.c}`\n",
            "[x]{.c\n",
        ] {
            let inl = para(src);
            assert!(
                !inl.iter().any(|i| matches!(i, Inline::Span { .. })),
                "{src}: {inl:?}"
            );
            let text = Inline::plain_text(&inl);
            assert!(text.contains("{") && text.contains("x"), "{src}: {text}");
        }
    }

    #[test]
    fn links_keep_working_and_their_attributes_are_read() {
        let inl = para("[text](https://x.org){.c #l} ![pic](p.png){width=50%} [ref]{.k}\n\n[ref]: https://y.org\n");
        let Inline::Span { attrs, content, .. } = &inl[0] else {
            panic!("{inl:?}")
        };
        assert_eq!(attrs.id.as_deref(), Some("l"));
        assert!(matches!(content[..], [Inline::Link { .. }]));
        assert!(matches!(inl[2], Inline::Image { .. }), "{inl:?}");
        // A span, as pandoc reads `[ref]{.k}` even when `ref` is a reference.
        assert!(
            matches!(&inl[4], Inline::Span { content, .. } if matches!(content[..], [Inline::Text(_)])),
            "{inl:?}"
        );
        assert_eq!(Inline::plain_text(&inl), "text pic ref");
    }

    #[test]
    fn a_citation_in_a_span_is_narrative_as_in_pandoc() {
        let inl = para("[@a]{.c}\n");
        let Inline::Span { content, .. } = &inl[0] else {
            panic!("{inl:?}")
        };
        assert!(
            matches!(&content[..], [Inline::Citation(c)] if c.narrative),
            "{content:?}"
        );
    }

    #[test]
    fn an_inline_note_is_a_footnote_with_its_citations() {
        let src = "Text^[with *emphasis* and [@key, p. 3]] and^[two] end.\n";
        let r = p(src);
        let Block::Paragraph(inl) = &r.blocks[0] else {
            panic!()
        };
        let refs: Vec<&str> = inl
            .iter()
            .filter_map(|i| match i {
                Inline::FootnoteRef { id, .. } => Some(id.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(refs.len(), 2, "{inl:?}");
        assert_eq!(Inline::plain_text(inl), "Text and end.");
        assert_eq!(r.footnotes.len(), 2);
        assert_eq!(r.footnotes[0].label, refs[0]);
        let Block::Paragraph(note) = &r.footnotes[0].blocks[0] else {
            panic!()
        };
        assert!(matches!(note[1], Inline::Emphasis(_)), "{note:?}");
        let Some(Inline::Citation(c)) = note.iter().find(|i| matches!(i, Inline::Citation(_)))
        else {
            panic!("{note:?}")
        };
        assert_eq!(&src[c.span.range.clone()], "[@key, p. 3]");
        // Escaped, or without its bracket, it is text.
        assert_eq!(
            Inline::plain_text(&para("a\\^[b] c^ [d]\n")),
            "a^[b] c^ [d]"
        );
    }

    /// pandoc's syntax, Markdown and numbered words in any order: every word is
    /// in the parsed model (text, code, a cell or a note), whatever the fences,
    /// brackets and table lines pair or leave open.
    #[test]
    fn pandoc_syntax_soup_loses_no_word() {
        // (Colons follow a space: `[w1]:` would define a link, which no one sees.)
        const PIECES: &[&str] = &[
            " :::",
            " ::: a",
            " ::: {.b #i}",
            " ::::::",
            "[",
            "]",
            "]{.c}",
            "]{#x lang=fr}",
            "^[",
            "{",
            "}",
            "(u)",
            "@k",
            "[@k]",
            ";;",
            "------  ------",
            "--------------",
            "+----+----+",
            "+====+====+",
            "|",
            "`",
            "\\",
            "\n",
            "\n\n",
            "- ",
            "> ",
            "# ",
            "```\n",
            "    ",
            "*",
        ];
        super::super::soup::no_word_lost(PIECES, 7, 512, |all, w| {
            // A code span's text is joined to its neighbours: a word is found by
            // its number not going on.
            all.match_indices(w)
                .any(|(i, _)| !all[i + w.len()..].starts_with(|c: char| c.is_ascii_digit()))
        });
    }
}
