//! pandoc's fenced divs (`::: {.class #id}` … `:::`) as containers.
//!
//! pulldown-cmark has no container syntax of its own: a fence line arrives as the
//! text of a paragraph. So a first pass over its events finds the fence lines as
//! pandoc's reader does, outside code and raw HTML: an opening fence (three or more
//! colons and an attribute list or one word, more colons allowed after) starts a
//! paragraph or follows another fence; a closing fence (colons only) ends the
//! innermost open div, even in the middle of a paragraph. A div never closed is
//! no div (its fence is text), nor is a closing fence with no div open.
//!
//! pulldown-cmark reads a line of colons as a definition (`: :: a`), so that first
//! parse reads no definition lists. Each fence line found is then written as a thematic break of the same length
//! (`*****`), so that the second parse ends the paragraph and any list or quote
//! there, exactly as the fence does for pandoc, and every other byte keeps its
//! offset: spans, lines and columns stay those of the file. The builder turns
//! those breaks into the div's start and end. Does not build the tree.

use std::collections::BTreeMap;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

use super::attributes::div_attributes;
use super::{Builder, Kind};
use crate::model::{Attrs, Block, Inline, Tag as HtmlTag};

/// The name a fenced div's frame carries where raw HTML's carry their tag's.
const FENCE: &str = ":::";

/// A fence line found.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Fence {
    Open(Attrs),
    Close,
}

/// The source with its fence lines written as thematic breaks, and the fences by
/// the offset where their line's colons start.
pub(super) struct Fences {
    pub text: String,
    pub at: BTreeMap<usize, (Fence, Range<usize>)>,
}

/// Colons, then what follows them: the fence's kind, or None if the line is none.
fn fence_line(line: &str) -> Option<Fence> {
    let rest = line.strip_prefix(":::")?;
    let rest = rest.trim_start_matches(':');
    let inner = rest.trim_end().trim_end_matches(':');
    if inner.trim().is_empty() {
        return rest.trim().is_empty().then_some(Fence::Close);
    }
    div_attributes(inner).map(Fence::Open)
}

/// The end of the line that `at` is on, before its line break.
fn line_end(text: &str, at: usize) -> usize {
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    if end > at && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// Finds the fenced divs of `text`; None when it has none.
pub(super) fn find(text: &str, opts: Options) -> Option<Fences> {
    if !text.contains(":::") {
        return None;
    }
    // Lines that are fences where they stand, in order: (start, end, fence).
    let mut lines: Vec<(usize, usize, Fence)> = Vec::new();
    // Whether the event before this one started a paragraph (or a tight list
    // item's text), or ended a line of it; whether the line before was a fence.
    let mut block_start = false;
    let mut line_start = false;
    let mut after_fence = false;
    // pulldown-cmark would read a line of colons as a definition (`: :: a`);
    // pandoc reads a definition only after `: ` and a fence first.
    let first = opts - Options::ENABLE_DEFINITION_LIST;
    for (event, range) in Parser::new_ext(text, first).into_offset_iter() {
        match event {
            Event::Start(Tag::Paragraph | Tag::Item) => {
                block_start = true;
                line_start = true;
                after_fence = false;
            }
            Event::Start(Tag::TableRow | Tag::TableHead) => {
                // A closing fence right under a pipe table is read as its last row.
                let end = line_end(text, range.start);
                if let Some(Fence::Close) = fence_line(text[range.start..end].trim()) {
                    lines.push((range.start, end, Fence::Close));
                }
                (block_start, line_start) = (false, false);
            }
            Event::SoftBreak | Event::HardBreak => (block_start, line_start) = (false, true),
            Event::Text(_) if line_start => {
                let starts_block = block_start || after_fence;
                (block_start, line_start, after_fence) = (false, false, false);
                let end = line_end(text, range.start);
                let fence = fence_line(&text[range.start..end]);
                match fence {
                    Some(Fence::Close) => {}
                    Some(Fence::Open(_)) if starts_block => {}
                    _ => continue,
                }
                if let Some(f) = fence {
                    lines.push((range.start, end, f));
                    after_fence = true;
                }
            }
            _ => (block_start, line_start) = (false, false),
        }
    }
    // Pair them as pandoc does: a closing fence closes the innermost open div;
    // one with none open, and a div never closed, are text.
    let mut open: Vec<usize> = Vec::new();
    let mut keep = vec![false; lines.len()];
    for (k, (_, _, f)) in lines.iter().enumerate() {
        match f {
            Fence::Open(_) => open.push(k),
            Fence::Close => {
                if let Some(o) = open.pop() {
                    keep[o] = true;
                    keep[k] = true;
                }
            }
        }
    }
    let mut out = text.as_bytes().to_vec();
    let mut at = BTreeMap::new();
    for ((start, end, f), keep) in lines.into_iter().zip(keep) {
        if keep {
            out[start..end].fill(b'*');
            at.insert(start, (f, start..end));
        }
    }
    if at.is_empty() {
        return None;
    }
    // Only ASCII bytes were replaced, whole characters included.
    let text = String::from_utf8(out).ok()?;
    Some(Fences { text, at })
}

impl Builder<'_> {
    /// A fence line the second parse read as a thematic break.
    pub(super) fn fence(&mut self, fence: &Fence, range: Range<usize>) {
        match fence {
            Fence::Open(attrs) => {
                let kind = Kind::Element(HtmlTag::Div, Attrs::default());
                let span = self.span(range);
                self.html_open(FENCE.to_string(), kind, attrs.clone(), span);
            }
            Fence::Close => {
                // The innermost fenced div, past the raw HTML left open in it.
                match self.innermost(|f| f.html.as_ref().is_some_and(|o| o.name == FENCE)) {
                    Some(i) => {
                        while self.stack.len() > i {
                            self.close();
                        }
                    }
                    // Its div ended with the list or quote it was opened in: the
                    // fence is text, as pandoc leaves what it cannot pair.
                    None => {
                        let line = self.text[range].to_string();
                        self.push_block(Block::Paragraph(vec![Inline::Text(line)]));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fences(s: &str) -> Vec<(Fence, String)> {
        let opts = super::super::options();
        find(s, opts).map_or(Vec::new(), |f| {
            f.at.into_values()
                .map(|(fence, r)| (fence, s[r].to_string()))
                .collect()
        })
    }

    #[test]
    fn fence_lines_are_read_as_pandoc_reads_them() {
        assert_eq!(fence_line(":::"), Some(Fence::Close));
        assert_eq!(fence_line("::::::   "), Some(Fence::Close));
        assert!(
            matches!(fence_line("::: Warning ::::::"), Some(Fence::Open(a)) if a.classes == ["Warning"])
        );
        assert!(matches!(fence_line(":::note"), Some(Fence::Open(a)) if a.classes == ["note"]));
        assert!(matches!(fence_line("::: {}"), Some(Fence::Open(a)) if a == Attrs::default()));
        assert_eq!(fence_line("::: two words"), None);
        assert_eq!(fence_line(":: x"), None);
    }

    #[test]
    fn nested_divs_without_blank_lines_are_found() {
        let src = "::: a\n::: b\ntext\n:::\n\n::: c\nmore\n:::\n:::\n";
        let f = fences(src);
        assert_eq!(f.len(), 6, "{f:?}");
        let text = find(src, super::super::options()).unwrap().text;
        assert_eq!(text.len(), src.len());
        assert_eq!(text, "*****\n*****\ntext\n***\n\n*****\nmore\n***\n***\n");
    }

    #[test]
    fn what_pandoc_leaves_as_text_is_left() {
        // A stray closing fence, an unclosed div, an opening fence inside a
        // paragraph, fences in code.
        for src in [
            "para\n:::\nmore\n",
            ":::\n\ntext\n",
            "::: foo\ntext\n",
            "text\n::: foo\ninner\n:::\n",
            "```\n::: a\n:::\n```\n",
            "    ::: a\n    :::\n",
            "`::: a`\n",
        ] {
            assert!(fences(src).is_empty(), "{src:?}: {:?}", fences(src));
        }
    }

    #[test]
    fn a_fence_in_a_code_block_inside_a_div_is_code() {
        let f = fences("::: foo\n```\n:::\n```\n:::\n");
        assert_eq!(f.len(), 2);
        assert_eq!(f[1].1, ":::");
    }

    fn parse(s: &str) -> Vec<Block> {
        super::super::parse(crate::diag::SourceId(0), s).blocks
    }

    fn words(blocks: &[Block]) -> String {
        let mut out = Vec::new();
        crate::model::walk::walk_blocks(blocks, &mut Words(&mut out));
        out.join(" | ")
    }

    struct Words<'o>(&'o mut Vec<String>);
    impl<'a> crate::model::walk::Visit<'a> for Words<'_> {
        fn inlines(&mut self, v: &'a [Inline], nested: bool) {
            if !nested {
                self.0.push(Inline::plain_text(v));
            }
        }
    }

    #[test]
    fn a_fenced_div_holds_its_markdown_with_its_attributes() {
        let b = parse("Before.\n\n::: {#side .note lang=fr dir=rtl}\nHere *is* a paragraph.\n\n- and a list\n:::\n\nAfter.\n");
        assert_eq!(b.len(), 3, "{b:#?}");
        let Block::Element(d) = &b[1] else {
            panic!("{b:#?}")
        };
        assert_eq!(d.tag, HtmlTag::Div);
        assert_eq!(d.attrs.id.as_deref(), Some("side"));
        assert_eq!(d.attrs.classes, ["note"]);
        assert_eq!(d.attrs.lang.as_deref(), Some("fr"));
        assert_eq!(d.attrs.dir.as_deref(), Some("rtl"));
        assert!(
            matches!(d.blocks[..], [Block::Paragraph(_), Block::List { .. }]),
            "{:#?}",
            d.blocks
        );
        assert_eq!(
            words(&b),
            "Before. | Here is a paragraph. | and a list | After."
        );
    }

    #[test]
    fn nested_divs_close_innermost_first() {
        let b = parse(
            "::: single-choice\n::: math-col\none\n:::\n\n::: ethics-col\ntwo\n:::\n:::\n\nout\n",
        );
        let [Block::Element(outer), Block::Paragraph(_)] = &b[..] else {
            panic!("{b:#?}")
        };
        assert_eq!(outer.attrs.classes, ["single-choice"]);
        let [Block::Element(m), Block::Element(e)] = &outer.blocks[..] else {
            panic!("{:#?}", outer.blocks)
        };
        assert_eq!(m.attrs.classes, ["math-col"]);
        assert_eq!(e.attrs.classes, ["ethics-col"]);
        assert_eq!(words(&b), "one | two | out");
        // One closing fence after another opens the next at once.
        let b =
            parse("::: {.switch}\n::: open\n## Bayesian\n:::\n::: {}\n## Frequentist\n:::\n:::\n");
        let [Block::Element(s)] = &b[..] else {
            panic!("{b:#?}")
        };
        assert_eq!(s.blocks.len(), 2, "{:#?}", s.blocks);
        assert!(
            matches!(&s.blocks[1], Block::Element(d) if matches!(d.blocks[..], [Block::Heading(_)]))
        );
    }

    #[test]
    fn fences_pandoc_does_not_pair_stay_text() {
        // (pulldown-cmark reads the colons as a definition: its words are kept.)
        for src in ["para\n:::\nmore\n", ":::\n\nmore\n"] {
            let b = parse(src);
            assert!(!b.iter().any(|b| matches!(b, Block::Element(_))), "{b:#?}");
            assert!(words(&b).contains("more"));
        }
        assert_eq!(words(&parse("::: foo\ntext\n")), "::: foo\ntext");
        let b = parse("- item\n\n  ::: foo\n  in the item\n  :::\n");
        let Block::List { items, .. } = &b[0] else {
            panic!("{b:#?}")
        };
        assert!(matches!(&items[0].blocks[1], Block::Element(_)), "{b:#?}");
    }

    #[test]
    fn a_closing_fence_ends_the_list_in_the_div() {
        let b = parse("::: a\n- item\n:::\n\nafter\n");
        let [Block::Element(d), Block::Paragraph(_)] = &b[..] else {
            panic!("{b:#?}")
        };
        assert!(matches!(d.blocks[..], [Block::List { .. }]));
    }

    #[test]
    fn spans_keep_their_place_in_the_file() {
        let src = "::: a\nSee [@k, p. 2].\n:::\n";
        let p = super::super::parse(crate::diag::SourceId(0), src);
        let Block::Element(d) = &p.blocks[0] else {
            panic!()
        };
        let Block::Paragraph(inl) = &d.blocks[0] else {
            panic!()
        };
        let Inline::Citation(c) = &inl[1] else {
            panic!("{inl:?}")
        };
        assert_eq!(&src[c.span.range.clone()], "[@k, p. 2]");
    }
}
