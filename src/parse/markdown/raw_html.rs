//! Raw HTML becomes part of the tree. Each tag of an HTML block or of inline
//! HTML opens or closes a frame of the same builder that Markdown uses, so an
//! element that wraps Markdown (`<figure>`, blank line, `![x](p.png)`, blank line,
//! `<figcaption>…</figcaption>`, `</figure>`) holds that Markdown.
//!
//! Elements with a Markdown equivalent become it (`<p>`, `<h2>`, `<em>`, `<a>`,
//! `<img>`, `<br>`, `<ul>`, `<table>`, `<pre>` ...); containers without one
//! (`<div>`, `<figure>`, `<details>`, `<kbd>`, `<span dir="rtl">` ...) become
//! `Block::Element` and `Inline::Span` with their sanitised attributes. What no
//! edition can show (`<video>`, `<iframe>`, forms) is a warning at its place; its
//! fallback text is kept. Only scripts, styles, templates, comments, a document's
//! `<head>` and inline SVG drawings are left out, as text no reader sees.
//!
//! The tree building is ours: HTML's own algorithm (html5ever) builds whole
//! documents and cannot leave an element open across the Markdown between two HTML
//! blocks. Like a browser, it closes what is left open, implies the `<tr>` of a
//! `<td>` and the `<ul>` of an `<li>`, and never loses text to a stray tag.

use super::{
    holds_blocks, is_inline_kind, trimmed, Builder, Frame, Kind, Origin, Piece, MAX_DEPTH,
};
use crate::diag::{Code, Diagnostic, Span};
use crate::model::walk::{walk_blocks, Visit};
use crate::model::{Attrs, Block, ImageSource, Inline, Tag as HtmlTag};
use crate::parse::html::{self, Tag, Token};

/// What a tag of raw HTML becomes.
enum Class {
    /// A frame of this kind.
    Frame(Kind),
    Image,
    Break,
    Rule,
    /// No frame; its content is kept where it is.
    Transparent,
    /// Left out with its content: not text a reader sees.
    Skip,
    /// Shown by no edition: a warning; its content (fallback text) is kept, unless
    /// `skip`.
    Unsupported {
        skip: bool,
    },
}

/// Frames for structures that hold only certain children (a list its items).
fn is_structural(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::List(_) | Kind::Table(_) | Kind::TableRow | Kind::DefList
    )
}

/// Whether `child` may be opened directly in `parent`.
fn fits(parent: &Kind, child: &Kind) -> bool {
    match parent {
        Kind::List(_) => matches!(child, Kind::Item { .. }),
        Kind::Table(_) => matches!(child, Kind::TableRow | Kind::TableHead),
        Kind::TableRow | Kind::TableHead => matches!(child, Kind::TableCell { .. }),
        Kind::DefList => matches!(child, Kind::DefTitle | Kind::DefDetail),
        _ => true,
    }
}

/// The parent a child needs, when it is opened where it does not fit.
fn parent_of(child: &Kind) -> Option<Kind> {
    match child {
        Kind::Item { .. } => Some(Kind::List(None)),
        Kind::TableRow => Some(Kind::Table(Vec::new())),
        Kind::TableCell { .. } => Some(Kind::TableRow),
        Kind::DefTitle | Kind::DefDetail => Some(Kind::DefList),
        _ => None,
    }
}

/// The child a structure implies for content that does not fit in it.
fn implied_child(parent: &Kind) -> Option<Kind> {
    match parent {
        Kind::List(_) => Some(Kind::Item { checked: None }),
        Kind::Table(_) => Some(Kind::TableRow),
        Kind::TableRow | Kind::TableHead => Some(Kind::TableCell { head: false }),
        Kind::DefList => Some(Kind::DefDetail),
        _ => None,
    }
}

/// Elements a new one of the same family closes (`<li>` after `<li>`).
fn family(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "li" => &["li"],
        "td" | "th" => &["td", "th"],
        "tr" => &["tr", "td", "th"],
        "dt" | "dd" => &["dt", "dd"],
        "p" => &["p"],
        _ => return None,
    })
}

fn is_blocklevel(kind: &Kind) -> bool {
    !is_inline_kind(kind) && !matches!(kind, Kind::Span(..))
}

impl Builder<'_> {
    /// The raw HTML of one HTML block; `map` takes its offsets to the source's.
    pub(super) fn html_block(&mut self, text: &str, map: &[(usize, usize)]) {
        let to_source = |off: usize| {
            let i = map.partition_point(|&(t, _)| t <= off).saturating_sub(1);
            map.get(i).map_or(off, |&(t, src)| src + (off - t))
        };
        self.warn_dangers(text, to_source);
        // Inside an element left out with its content: (its name, its nesting).
        let mut skipping: Option<(String, usize)> = None;
        for token in html::tokens(text) {
            match token {
                Token::Comment => {}
                Token::Text(r) if skipping.is_none() => {
                    self.html_text(&text[r.clone()], to_source(r.start)..to_source(r.end))
                }
                Token::Text(_) => {}
                Token::Tag(t) => {
                    if let Some((name, depth)) = &mut skipping {
                        if t.name.eq_ignore_ascii_case(name) && !t.self_closing(text) {
                            if t.closing {
                                *depth -= 1;
                            } else {
                                *depth += 1;
                            }
                            if *depth == 0 {
                                skipping = None;
                            }
                        }
                        continue;
                    }
                    let span = self.span(to_source(t.range.start)..to_source(t.range.end));
                    if self.html_tag(&t, text, span, false) {
                        skipping = Some((t.name.to_ascii_lowercase(), 1));
                    }
                }
            }
        }
        self.end_of_html_block();
    }

    /// Raw inline HTML (one tag, or a comment): comments are dropped, `<script>`
    /// and `<style>` with their content, and anything that would run code is
    /// reported here.
    pub(super) fn inline_html(&mut self, h: &str, range: std::ops::Range<usize>) {
        if h.starts_with("<!--") {
            return;
        }
        let start = range.start;
        self.warn_dangers(h, |off| (start + off).min(range.end));
        if let Some(name) = html::opens_code_element(h) {
            self.in_code_element = Some(name.to_string());
            return;
        }
        for token in html::tokens(h) {
            match token {
                Token::Tag(t) => {
                    let span = self.span(start + t.range.start..start + t.range.end);
                    if self.html_tag(&t, h, span, true) {
                        // An element left out with its content (`<svg>`, `<iframe>`):
                        // the Markdown events up to its end tag are skipped too.
                        self.in_code_element = Some(t.name.to_ascii_lowercase());
                    }
                }
                Token::Text(r) => self.html_text(&h[r.clone()], start + r.start..start + r.end),
                Token::Comment => {}
            }
        }
    }

    /// Text of raw HTML: entities decoded, runs of white space one space (but in
    /// `<pre>`); never citation syntax.
    fn html_text(&mut self, raw: &str, range: std::ops::Range<usize>) {
        let decoded = html_escape::decode_html_entities(raw).into_owned();
        let text = self.decoded(decoded, range.clone());
        if let Kind::CodeBlock(_) = self.top().kind {
            let top = self.top();
            top.text_map.push((top.text.len(), range.start));
            top.text.push_str(&text);
            return;
        }
        let mut collapsed = String::with_capacity(text.len());
        let mut space = false;
        for c in text.chars() {
            if c.is_ascii_whitespace() {
                space = true;
            } else {
                if space {
                    collapsed.push(' ');
                }
                space = false;
                collapsed.push(c);
            }
        }
        if space {
            collapsed.push(' ');
        }
        let top = self.stack.last().expect("root frame");
        let between_blocks =
            holds_blocks(&top.kind) && top.inlines.is_empty() && top.pending.is_empty();
        if collapsed.trim().is_empty() && (between_blocks || is_structural(&top.kind)) {
            return;
        }
        self.imply_children(&Kind::Emphasis);
        // A note reference in raw HTML (`<td>a[^n]</td>`, a Markdown table inside
        // `<figure>`) is a reference when the file defines the note, as pandoc
        // reads Markdown in HTML; otherwise the note would be left out unseen.
        let mut rest = collapsed.as_str();
        while let Some((before, label, after)) = note_ref(rest, &self.note_labels) {
            self.html_piece(before, range.start);
            self.push_inline(Inline::FootnoteRef {
                number: 0,
                id: label.to_string(),
            });
            rest = after;
        }
        let rest = rest.to_string();
        self.html_piece(&rest, range.start);
    }

    /// Plain text of raw HTML, never citation syntax.
    fn html_piece(&mut self, text: &str, source: usize) {
        if text.is_empty() {
            return;
        }
        self.top().pending.push(Piece {
            text: text.to_string(),
            source,
            literal: text.len(),
        });
    }

    /// One tag. Returns true when the element is to be left out with its content.
    fn html_tag(&mut self, t: &Tag, html: &str, span: Span, inline: bool) -> bool {
        let name = t.name.to_ascii_lowercase();
        if t.closing {
            self.html_close(&name);
            return false;
        }
        let class = classify(&name, t, html, span.clone(), inline);
        match class {
            Class::Skip => return !html::is_void(&name) && !t.self_closing(html),
            Class::Transparent => {}
            Class::Unsupported { skip } => {
                self.out.diagnostics.push(
                    Diagnostic::warning(
                        Code::W0116,
                        format!(
                            "`<{name}>` cannot be shown in an e-book or in print and is left out{}",
                            if skip { "" } else { "; the text in it is kept" }
                        ),
                    )
                    .at(span)
                    .hint("give a picture, a link or a sentence that says what it shows"),
                );
                return skip && !html::is_void(&name) && !t.self_closing(html);
            }
            Class::Break => {
                if let Kind::CodeBlock(_) = self.top().kind {
                    self.top().text.push('\n');
                } else if !self.between_blocks() {
                    self.push_inline(Inline::LineBreak);
                }
            }
            Class::Rule => {
                self.close_to_block_holder();
                self.push_block(Block::Rule);
            }
            Class::Image => {
                let alt = t.attr(html, "alt").unwrap_or_default().into_owned();
                let title = t.attr(html, "title").unwrap_or_default().into_owned();
                let dest = t.attr(html, "src").unwrap_or_default().trim().to_string();
                self.push_inline(Inline::Image {
                    source: ImageSource::Unresolved {
                        dest,
                        span: span.clone(),
                    },
                    alt,
                    title,
                    span,
                });
            }
            Class::Frame(kind) => {
                if t.self_closing(html) && !matches!(kind, Kind::CodeBlock(_)) {
                    return false;
                }
                self.html_open(name, kind, attrs_of(t, html), span);
            }
        }
        false
    }

    /// Opens a frame for an element of raw HTML.
    pub(super) fn html_open(&mut self, name: String, mut kind: Kind, mut attrs: Attrs, span: Span) {
        if let Kind::CodeBlock(_) = self.top().kind {
            // Tags inside `<pre>` (highlighting, `<code class="language-x">`) are no
            // structure; the first language class names the code's language.
            if let (Kind::CodeBlock(lang @ None), Some(c)) = (
                &mut self.top().kind,
                attrs
                    .classes
                    .iter()
                    .find_map(|c| c.strip_prefix("language-")),
            ) {
                *lang = Some(c.to_string());
            }
            return;
        }
        if self.stack.len() >= 2 * MAX_DEPTH {
            self.html_dropped += 1;
            self.report_html_depth(span.range.clone());
            return;
        }
        // An id is a link target: once in a file (each part is a file of the EPUB).
        let id = match &mut kind {
            Kind::Heading { id, .. } => id,
            _ => &mut attrs.id,
        };
        if let Some(i) = id.take() {
            if self.html_ids.insert(i.clone()) {
                self.out.html_ids.push(i.clone());
                *id = Some(i);
            } else {
                self.out.diagnostics.push(
                    Diagnostic::warning(
                        Code::W0117,
                        format!("the id `{i}` is used twice in this file; the second is dropped"),
                    )
                    .at(span)
                    .hint("give each element its own id"),
                );
            }
        }
        if let Kind::Element(_, a) | Kind::Span(_, a) = &mut kind {
            *a = attrs.clone();
        }
        if let Some(fam) = family(&name) {
            self.close_family(fam);
        }
        if is_blocklevel(&kind) {
            self.close_to_block_holder();
            // A `<div>` that groups the items of a list or table (`<dl><div><dt>`)
            // is no container of its own.
            if matches!(kind, Kind::Element(..)) && is_structural(&self.top().kind) {
                return;
            }
        }
        self.imply_parents(&kind);
        self.imply_children(&kind);
        if is_blocklevel(&kind) {
            self.paragraph_before_block();
        }
        // An id on an element that becomes Markdown's (`<li id>`, `<td id>`) is kept
        // as an empty anchor at its start, so links to it still land there.
        let anchor = match kind {
            Kind::Item { .. }
            | Kind::Paragraph
            | Kind::TableCell { .. }
            | Kind::DefTitle
            | Kind::DefDetail => attrs.id.clone(),
            _ => None,
        };
        let mut f = Frame::new(kind);
        f.html = Some(Origin { name, attrs });
        self.stack.push(f);
        if let Some(id) = anchor {
            self.push_inline(Inline::Span {
                tag: HtmlTag::Span,
                attrs: Attrs {
                    id: Some(id),
                    ..Attrs::default()
                },
                content: Vec::new(),
            });
        }
    }

    /// An end tag closes its element and what is open inside it; a stray one is
    /// ignored (its element was never opened, or was closed by Markdown).
    fn html_close(&mut self, name: &str) {
        if self.html_dropped > 0 {
            self.html_dropped -= 1;
            return;
        }
        let mut found = None;
        for (i, f) in self.stack.iter().enumerate().rev() {
            match &f.html {
                Some(o) if o.name == name => {
                    found = Some(i);
                    break;
                }
                Some(_) => {}
                None => {
                    // `</code>` after `<pre><code>`: the `<pre>` frame took it.
                    if name == "code" && matches!(f.kind, Kind::CodeBlock(_)) {
                        return;
                    }
                    break;
                }
            }
        }
        if let Some(i) = found {
            while self.stack.len() > i {
                self.close();
            }
        }
    }

    /// `<li>` after an open `<li>` closes it, as HTML does (also `<td>`, `<tr>`,
    /// `<dt>`, `<dd>`, `<p>`).
    fn close_family(&mut self, fam: &[&str]) {
        let mut found = None;
        for (i, f) in self.stack.iter().enumerate().rev() {
            let Some(o) = &f.html else { break };
            if fam.contains(&o.name.as_str()) {
                found = Some(i);
                break;
            }
            if is_structural(&f.kind) || matches!(f.kind, Kind::Element(..)) {
                break;
            }
        }
        if let Some(i) = found {
            while self.stack.len() > i {
                self.close();
            }
        }
    }

    /// Before a block-level element: the paragraphs and inline elements of raw HTML
    /// still open end (as `<div>` ends an open `<p>`).
    fn close_to_block_holder(&mut self) {
        while let Some(f) = self.stack.last() {
            if f.html.is_none() || holds_blocks(&f.kind) || is_structural(&f.kind) {
                break;
            }
            self.close();
        }
    }

    /// Opens the list, table or row that `kind` needs when the frame on top is not
    /// one (`<li>` in a `<div>`).
    fn imply_parents(&mut self, kind: &Kind) {
        let Some(parent) = parent_of(kind) else {
            return;
        };
        let top = &self.stack.last().expect("root frame").kind;
        let fits_here = matches!(
            (&parent, top),
            (Kind::List(_), Kind::List(_))
                | (Kind::Table(_), Kind::Table(_))
                | (Kind::TableRow, Kind::TableRow | Kind::TableHead)
                | (Kind::DefList, Kind::DefList)
        );
        if fits_here {
            return;
        }
        self.imply_parents(&parent);
        let mut f = Frame::new(parent);
        f.html = Some(Origin {
            name: String::new(),
            attrs: Attrs::default(),
        });
        self.stack.push(f);
    }

    /// Opens the item, row or cell that content needs in a list or table of raw
    /// HTML (text right in a `<ul>`, Markdown right in a `<table>`).
    pub(super) fn imply_children(&mut self, kind: &Kind) {
        loop {
            let top = self.stack.last().expect("root frame");
            if top.html.is_none() || fits(&top.kind, kind) {
                return;
            }
            let Some(child) = implied_child(&top.kind) else {
                return;
            };
            let mut f = Frame::new(child);
            f.html = Some(Origin {
                name: String::new(),
                attrs: Attrs::default(),
            });
            self.stack.push(f);
        }
    }

    /// Whether the top frame holds blocks and no text yet (a `<br>` there breaks
    /// no line).
    fn between_blocks(&self) -> bool {
        let top = self.stack.last().expect("root frame");
        (holds_blocks(&top.kind) || is_structural(&top.kind))
            && top.inlines.is_empty()
            && top.pending.is_empty()
    }

    /// At the end of an HTML block, Markdown follows. Inline elements and implied
    /// frames still open end here; an element that holds text but is left open
    /// (`<p align="center">`, blank line, Markdown, `</p>`) becomes a container
    /// that holds the Markdown; text before it becomes a paragraph.
    fn end_of_html_block(&mut self) {
        while let Some(top) = self.stack.last() {
            let Some(origin) = &top.html else { break };
            if holds_blocks(&top.kind) || is_structural(&top.kind) {
                break;
            }
            if origin.name.is_empty() || !is_blocklevel(&top.kind) {
                self.close();
                continue;
            }
            let mut f = self.stack.pop().expect("frame");
            self.flush_inlines(&mut f);
            let inl = trimmed(std::mem::take(&mut f.inlines));
            if let Kind::CodeBlock(language) = &f.kind {
                f.blocks.push(Block::Code {
                    language: language.clone(),
                    text: std::mem::take(&mut f.text),
                    tokens: Vec::new(),
                });
            }
            if !inl.is_empty() {
                f.blocks.push(Block::Paragraph(inl));
            }
            let attrs = f.html.as_ref().map(|o| o.attrs.clone()).unwrap_or_default();
            f.kind = Kind::Element(HtmlTag::Div, attrs);
            self.stack.push(f);
            break;
        }
        self.paragraph_before_block();
    }
}

/// The blocks that raw HTML put where only inlines go (a cell, a term), as lines:
/// each paragraph, heading, code line or other run of text a line of its own.
pub(super) fn lines_of(blocks: Vec<Block>) -> Vec<Inline> {
    struct Lines(Vec<Inline>);
    impl Lines {
        fn push(&mut self, inl: Vec<Inline>) {
            if inl.is_empty() {
                return;
            }
            if !self.0.is_empty() {
                self.0.push(Inline::LineBreak);
            }
            self.0.extend(inl);
        }
    }
    impl<'a> Visit<'a> for Lines {
        fn block(&mut self, b: &'a Block) -> bool {
            match b {
                Block::Heading(h) => {
                    self.push(vec![Inline::Strong(h.content.clone())]);
                    false
                }
                Block::Code { text, .. } => {
                    for l in text.trim_matches('\n').lines() {
                        self.push(vec![Inline::Code(l.to_string())]);
                    }
                    false
                }
                Block::Math(m) => {
                    self.push(vec![Inline::Math(m.clone())]);
                    false
                }
                _ => true,
            }
        }
        fn inlines(&mut self, v: &'a [Inline], nested: bool) {
            if !nested {
                self.push(v.to_vec());
            }
        }
    }
    let mut lines = Lines(Vec::new());
    walk_blocks(&blocks, &mut lines);
    lines.0
}

/// The attributes the model keeps: `id` (a link target), `class`, `dir`, `lang`,
/// `title`, `open`; values that would not be valid are dropped.
fn attrs_of(t: &Tag, html: &str) -> Attrs {
    let get = |n: &str| t.attr(html, n).map(|v| v.trim().to_string());
    Attrs {
        id: get("id")
            .or_else(|| get("name").filter(|_| t.name.eq_ignore_ascii_case("a")))
            .filter(|v| !v.is_empty() && !v.contains(char::is_whitespace)),
        classes: get("class")
            .unwrap_or_default()
            .split_whitespace()
            .filter(|c| {
                c.chars()
                    .all(|ch| ch.is_alphanumeric() || ch == '-' || ch == '_')
            })
            .map(str::to_string)
            .collect(),
        dir: get("dir")
            .map(|d| d.to_ascii_lowercase())
            .filter(|d| matches!(d.as_str(), "ltr" | "rtl" | "auto")),
        lang: get("lang")
            .or_else(|| get("xml:lang"))
            .filter(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')),
        title: get("title").filter(|v| !v.is_empty()),
        open: t.attr(html, "open").is_some(),
    }
}

/// What the tag `name` becomes; `inline` inside a paragraph (inline HTML), where
/// every element is an inline. Long by nature: a table of HTML's elements, one
/// short arm each.
fn classify(name: &str, t: &Tag, html: &str, span: Span, inline: bool) -> Class {
    use Class::*;
    let span_of = |tag: HtmlTag| Frame(Kind::Span(tag, Attrs::default()));
    let inline_class = match name {
        "em" => Some(Frame(Kind::Emphasis)),
        "strong" => Some(Frame(Kind::Strong)),
        "i" => Some(span_of(HtmlTag::I)),
        "b" => Some(span_of(HtmlTag::B)),
        "sup" => Some(Frame(Kind::Superscript)),
        "sub" => Some(Frame(Kind::Subscript)),
        "s" | "del" | "strike" => Some(Frame(Kind::Strike)),
        "a" => Some(match t.attr(html, "href") {
            Some(href) if !href.trim().is_empty() => Frame(Kind::Link {
                dest: href.trim().to_string(),
                title: t.attr(html, "title").unwrap_or_default().into_owned(),
                span: span.clone(),
            }),
            _ => span_of(HtmlTag::Span),
        }),
        "img" => Some(Image),
        "br" => Some(Break),
        "wbr" => Some(Transparent),
        "code" | "tt" => Some(span_of(HtmlTag::Code)),
        "kbd" => Some(span_of(HtmlTag::Kbd)),
        "samp" => Some(span_of(HtmlTag::Samp)),
        "var" => Some(span_of(HtmlTag::Var)),
        "mark" => Some(span_of(HtmlTag::Mark)),
        "small" => Some(span_of(HtmlTag::Small)),
        "abbr" | "acronym" => Some(span_of(HtmlTag::Abbr)),
        "cite" => Some(span_of(HtmlTag::Cite)),
        "dfn" => Some(span_of(HtmlTag::Dfn)),
        "q" => Some(span_of(HtmlTag::Q)),
        "u" => Some(span_of(HtmlTag::U)),
        "ins" => Some(span_of(HtmlTag::Ins)),
        "time" => Some(span_of(HtmlTag::Time)),
        "bdi" => Some(span_of(HtmlTag::Bdi)),
        "bdo" => Some(span_of(HtmlTag::Bdo)),
        "span" | "font" | "big" | "nobr" | "label" | "data" | "output" | "meter" | "progress"
        | "ruby" | "rb" | "rt" | "rp" => Some(span_of(HtmlTag::Span)),
        "script" | "style" | "template" | "head" | "title" | "noembed" | "noframes" => Some(Skip),
        "meta" | "link" | "base" | "html" | "body" | "thead" | "tbody" | "tfoot" | "colgroup"
        | "col" | "source" | "track" | "picture" | "caption" | "legend" | "fieldset"
        | "optgroup" | "option" | "main" | "noscript" => Some(Transparent),
        "svg" | "iframe" | "frame" | "frameset" | "select" | "map" | "area" => {
            Some(Unsupported { skip: true })
        }
        "video" | "audio" | "object" | "embed" | "applet" | "canvas" | "form" | "input"
        | "button" | "textarea" | "math" | "dialog" | "marquee" | "blink" => {
            Some(Unsupported { skip: false })
        }
        _ => None,
    };
    if let Some(c) = inline_class {
        return c;
    }
    if inline {
        // Block-level tags inside a paragraph: a span keeps their text.
        return span_of(HtmlTag::Span);
    }
    let element = |tag: HtmlTag| Frame(Kind::Element(tag, Attrs::default()));
    match name {
        "p" => Frame(Kind::Paragraph),
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            let attrs = attrs_of(t, html);
            Frame(Kind::Heading {
                level: name.as_bytes()[1] - b'0',
                id: attrs.id,
                classes: attrs.classes,
            })
        }
        "blockquote" => Frame(Kind::Quote(None, None)),
        "ul" | "menu" | "dir" => Frame(Kind::List(None)),
        "ol" => Frame(Kind::List(Some(
            t.attr(html, "start")
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(1),
        ))),
        "li" => Frame(Kind::Item { checked: None }),
        "dl" => Frame(Kind::DefList),
        "dt" => Frame(Kind::DefTitle),
        "dd" => Frame(Kind::DefDetail),
        "table" => Frame(Kind::Table(Vec::new())),
        "tr" => Frame(Kind::TableRow),
        "td" => Frame(Kind::TableCell { head: false }),
        "th" => Frame(Kind::TableCell { head: true }),
        // The Rust book's `<Listing number=… caption=… file-name=…>` (mdBook's
        // listing preprocessor) holds Markdown, not preformatted text as HTML's
        // obsolete `<listing>` does.
        "listing"
            if ["number", "caption", "file-name"]
                .iter()
                .any(|a| t.attr(html, a).is_some()) =>
        {
            element(HtmlTag::Div)
        }
        "pre" | "listing" | "xmp" | "plaintext" => Frame(Kind::CodeBlock(None)),
        "hr" => Rule,
        "figure" => element(HtmlTag::Figure),
        "figcaption" => element(HtmlTag::Figcaption),
        "section" => element(HtmlTag::Section),
        "article" => element(HtmlTag::Article),
        "aside" => element(HtmlTag::Aside),
        "header" => element(HtmlTag::Header),
        "footer" => element(HtmlTag::Footer),
        "nav" => element(HtmlTag::Nav),
        "details" => element(HtmlTag::Details),
        "summary" => element(HtmlTag::Summary),
        "address" => element(HtmlTag::Address),
        // `<div>`, `<center>`, `<hgroup>` and elements HTML does not know.
        _ => element(HtmlTag::Div),
    }
}

/// The first `[^label]` in `text` whose label is one of `labels`: the text before
/// it, the label, and the text after it.
fn note_ref<'t>(
    text: &'t str,
    labels: &std::collections::HashSet<String>,
) -> Option<(&'t str, &'t str, &'t str)> {
    if labels.is_empty() {
        return None;
    }
    let mut from = 0;
    while let Some(i) = text[from..].find("[^") {
        let start = from + i;
        if let Some(len) = text[start + 2..].find(']') {
            let label = &text[start + 2..start + 2 + len];
            if labels.contains(label) {
                return Some((&text[..start], label, &text[start + 3 + len..]));
            }
        }
        from = start + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::diag::SourceId;
    use crate::model::{Block, Inline, Tag as HtmlTag};
    use crate::parse::markdown::{parse, Parsed};

    fn p(s: &str) -> Parsed {
        parse(SourceId(0), s)
    }

    /// The Rust book's `<Listing>` holds Markdown (a fenced code block); HTML's
    /// obsolete `<listing>` is preformatted text.
    #[test]
    fn the_rust_books_listing_holds_its_code_block_once() {
        let r = p("<Listing number=\"8-13\" caption=\"From a literal\">\n\n```rust\nlet s = 1;\n```\n\n</Listing>\n");
        let code: Vec<&str> = r
            .blocks
            .iter()
            .flat_map(|b| match b {
                Block::Element(e) => e.blocks.iter().collect::<Vec<_>>(),
                other => vec![other],
            })
            .filter_map(|b| match b {
                Block::Code { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(code, ["let s = 1;\n"], "{:?}", r.blocks);
        let old = p("<listing>\n  kept   as is\n</listing>\n");
        assert!(
            matches!(&old.blocks[0], Block::Code { text, .. } if text.contains("  kept   as is")),
            "{:?}",
            old.blocks
        );
    }

    #[test]
    fn an_id_on_an_element_markdown_also_has_is_an_anchor_at_its_start() {
        let r =
            p("<ol><li id=\"e1\">One</li></ol>\n\n<table><tr><td id=\"c\">x</td></tr></table>\n");
        let Block::List { items, .. } = &r.blocks[0] else {
            panic!("{:?}", r.blocks)
        };
        let Block::Paragraph(inl) = &items[0].blocks[0] else {
            panic!("{items:?}")
        };
        assert!(
            matches!(&inl[0], Inline::Span { attrs, content, .. } if attrs.id.as_deref() == Some("e1") && content.is_empty())
        );
        assert_eq!(Inline::plain_text(inl), "One");
        assert_eq!(r.html_ids, ["e1", "c"]);
    }

    #[test]
    fn a_note_reference_in_raw_html_is_one_when_the_file_defines_the_note() {
        let r = p("<figure>\n| a [x]{.c}[^n] |\n<td>b[^n] c [^gone] d</td>\n</figure>\n\n[^n]: The note.\n");
        let mut refs = Vec::new();
        let mut text = String::new();
        let part = crate::model::Part {
            kind: crate::model::PartKind::Chapter,
            role: crate::model::Role::Chapter,
            id: String::new(),
            title: String::new(),
            heading: None,
            blocks: r.blocks,
            footnotes: Vec::new(),
            in_toc: false,
            level: 1,
            language: None,
        };
        part.for_each_inline(&mut |i| {
            if let Inline::FootnoteRef { id, .. } = i {
                refs.push(id.clone());
            }
        });
        part.for_each_text_run(&mut |v| text.push_str(&Inline::plain_text(v)));
        assert_eq!(refs, ["n", "n"]);
        assert!(text.contains("[^gone] d"), "{text}");
        assert!(!text.contains("[^n]"), "{text}");
    }

    fn words(blocks: &[Block]) -> String {
        let part = crate::model::Part {
            kind: crate::model::PartKind::Chapter,
            role: crate::model::Role::Chapter,
            id: String::new(),
            title: String::new(),
            heading: None,
            blocks: blocks.to_vec(),
            footnotes: Vec::new(),
            in_toc: false,
            level: 1,
            language: None,
        };
        let mut out = Vec::new();
        part.for_each_text_run(&mut |v| {
            out.push(
                Inline::plain_text(v)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        });
        out.join(" | ")
    }

    #[test]
    fn a_figure_around_markdown_holds_the_picture_and_its_caption() {
        let r = p("<figure>\n\n![x](p.png)\n\n<figcaption>A <em>map</em></figcaption>\n</figure>\n\nAfter.\n");
        assert_eq!(r.blocks.len(), 2, "{:#?}", r.blocks);
        let Block::Element(fig) = &r.blocks[0] else {
            panic!("{:#?}", r.blocks)
        };
        assert_eq!(fig.tag, HtmlTag::Figure);
        assert!(
            matches!(&fig.blocks[0], Block::Paragraph(i) if matches!(i[0], Inline::Image { .. }))
        );
        let Block::Element(cap) = &fig.blocks[1] else {
            panic!("{:#?}", fig.blocks)
        };
        assert_eq!(cap.tag, HtmlTag::Figcaption);
        assert_eq!(words(&cap.blocks), "A map");
        assert_eq!(words(&r.blocks[1..]), "After.");
    }

    #[test]
    fn a_div_with_a_direction_holds_its_paragraphs() {
        let r = p("<div dir=\"rtl\" lang=\"ar\" markdown=\"1\">\n\nأول\n\n## ثاني\n\n</div>\n");
        let [Block::Element(d)] = &r.blocks[..] else {
            panic!("{:#?}", r.blocks)
        };
        assert_eq!(d.attrs.dir.as_deref(), Some("rtl"));
        assert_eq!(d.attrs.lang.as_deref(), Some("ar"));
        assert_eq!(d.blocks.len(), 2);
        assert!(matches!(d.blocks[1], Block::Heading(_)));
    }

    #[test]
    fn raw_images_and_line_breaks_are_model_nodes() {
        let r = p("one<br>two <img src=\"images/fig.png\" alt=\"A &amp; B\">\n");
        let [Block::Paragraph(inl)] = &r.blocks[..] else {
            panic!("{:#?}", r.blocks)
        };
        assert!(matches!(inl[1], Inline::LineBreak), "{inl:?}");
        assert!(
            inl.iter()
                .any(|i| matches!(i, Inline::Image { alt, .. } if alt == "A & B")),
            "{inl:?}"
        );
        let r = p("<p align=\"center\">\n  <img src=\"a.png\" alt=\"banner\">\n</p>\n");
        let [Block::Paragraph(inl)] = &r.blocks[..] else {
            panic!("{:#?}", r.blocks)
        };
        assert!(matches!(inl[..], [Inline::Image { .. }]), "{inl:?}");
    }

    #[test]
    fn html_tables_lists_and_definitions_keep_every_word() {
        let r = p("<table><tr><th>H1</th><th>H2</th></tr><tr><td>a</td><td>b <b>c</b></td><td>d</td></tr></table>\n");
        let [Block::Table {
            head,
            rows,
            alignments,
        }] = &r.blocks[..]
        else {
            panic!("{:#?}", r.blocks)
        };
        assert_eq!(head.len(), 3);
        assert_eq!(alignments.len(), 3);
        assert_eq!(rows[0].len(), 3);
        assert_eq!(words(&r.blocks), "H1 | H2 |  | a | b c | d");
        let r = p("<ul><li>one<li>two</ul>\n\n<dl><dt>T<dd>D</dl>\n\n<td>stray cell</td>\n");
        assert_eq!(words(&r.blocks), "one | two | T | D | stray cell");
        // Markdown and code that raw HTML puts in a cell (CommonMark example 148).
        let r = p("<table><tr><td>\n<pre>\n**Hello**,\n\n_world_.\n</pre>\n</td></tr></table>\n");
        let w = words(&r.blocks);
        assert_eq!(
            w.split_whitespace().collect::<Vec<_>>(),
            ["**Hello**,", "world."]
        );
    }

    #[test]
    fn what_no_edition_shows_is_a_warning_and_its_fallback_text_is_kept() {
        let r = p("<video src=\"v.mp4\">Your reader shows no video.</video>\n\n<iframe src=\"x\">gone</iframe>\n");
        let codes: Vec<&str> = r.diagnostics.iter().map(|d| d.code.as_str()).collect();
        // The iframe is also reported as a frame that could run code (W0104).
        assert_eq!(codes, ["W0116", "W0104", "W0116"]);
        assert!(words(&r.blocks).contains("Your reader shows no video."));
        assert!(!words(&r.blocks).contains("gone"));
    }

    #[test]
    fn scripts_styles_and_comments_are_no_text() {
        let r = p("<div>\n<script>alert(1)</script><style>p{}</style><!-- note -->kept\n</div>\n");
        assert_eq!(words(&r.blocks), "kept");
        // Inline too: an SVG's drawing is no text.
        let r = p("a <svg width=\"10\"><text>drawing</text></svg> b\n");
        assert_eq!(words(&r.blocks), "a b");
    }

    #[test]
    fn details_and_summary_with_markdown_inside() {
        let r = p("<details>\n<summary>More</summary>\n\n- a *b*\n\n</details>\n");
        let [Block::Element(d)] = &r.blocks[..] else {
            panic!("{:#?}", r.blocks)
        };
        assert_eq!(d.tag, HtmlTag::Details);
        assert!(matches!(&d.blocks[0], Block::Element(s) if s.tag == HtmlTag::Summary));
        assert!(matches!(&d.blocks[1], Block::List { .. }));
    }

    #[test]
    fn divs_grouping_definitions_are_no_containers() {
        let r = p("<dl>\n<div>\n<dt>a</dt>\n<dd>\n<p>1</p>\n</dd>\n</div>\n<div><dt>b</dt><dd>2</dd></div>\n</dl>\n");
        let [Block::DefinitionList(defs)] = &r.blocks[..] else {
            panic!("{:#?}", r.blocks)
        };
        assert_eq!(defs.len(), 2);
        assert_eq!(words(&r.blocks), "a | 1 | b | 2");
    }

    #[test]
    fn stray_and_unclosed_tags_lose_no_text() {
        let r = p("</div>text</span> <b>bold\n\n<div>\nopen to the end\n");
        assert_eq!(words(&r.blocks), "text bold | open to the end");
        let deep = format!("{}x{}\n", "<div>".repeat(500), "</div>".repeat(500));
        let r = p(&deep);
        assert_eq!(words(&r.blocks), "x");
    }

    /// Raw HTML tags, Markdown structure and numbered words in any order: every
    /// word is in the parsed model (as text, code or a cell), whatever the tags
    /// leave open, close twice or put where they do not belong.
    #[test]
    fn tag_soup_loses_no_word() {
        const PIECES: &[&str] = &[
            "<div>",
            "</div>",
            "<p>",
            "</p>",
            "<span>",
            "</span>",
            "<b>",
            "</b>",
            "<i>",
            "<em>",
            "</em>",
            "<a href=\"x\">",
            "</a>",
            "<table>",
            "</table>",
            "<tr>",
            "</tr>",
            "<td>",
            "</td>",
            "<th>",
            "<ul>",
            "</ul>",
            "<ol start=\"2\">",
            "<li>",
            "</li>",
            "<dl>",
            "<dt>",
            "<dd>",
            "</dl>",
            "<figure>",
            "</figure>",
            "<figcaption>",
            "</figcaption>",
            "<details>",
            "<summary>",
            "</summary>",
            "</details>",
            "<blockquote>",
            "</blockquote>",
            "<pre>",
            "</pre>",
            "<code>",
            "</code>",
            "<h2>",
            "</h2>",
            "<section id=\"s\">",
            "</section>",
            "<kbd>",
            "</kbd>",
            "<center>",
            "<font>",
            "<br>",
            "<hr>",
            "<img src=\"x.png\" alt=\"\">",
            "<video>",
            "</video>",
            "\n",
            "\n\n",
            "- ",
            "> ",
            "# ",
            "1. ",
            "```\n",
            "    ",
            "*",
            "**",
        ];
        super::super::soup::no_word_lost(PIECES, 9, 256, |all, w| {
            all.split(|c: char| !c.is_alphanumeric()).any(|x| x == w)
        });
    }
}
