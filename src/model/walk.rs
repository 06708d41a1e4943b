//! The model's own traversal: every block and every sequence of inlines, at any
//! depth, in reading order. Headings (the part's own too), paragraphs, quotes and
//! their attributions, list items, definition terms and details, table cells, raw
//! HTML containers, the reference list and footnote bodies; inside inlines, the
//! content of emphasis, links, spans and formatted citations.
//!
//! Every step that must see all the text of a part (ids, notes, citations, links,
//! images, word counts, both editions' checks) goes through here, so that a new
//! kind of container is added once, in `children` below, and no step forgets it.

use super::{Block, Inline, Part};

/// What a walk does at each place. Every method does nothing by default.
pub trait Visit<'a> {
    /// A block, before its children; returns whether to go into them.
    fn block(&mut self, _b: &'a Block) -> bool {
        true
    }
    /// A sequence of inlines, before its inlines. `nested` is true inside another
    /// inline (link text, emphasis, a span, a formatted citation).
    fn inlines(&mut self, _v: &'a [Inline], _nested: bool) {}
    /// One inline, before its content.
    fn inline(&mut self, _i: &'a Inline) {}
}

/// What a mutable walk does at each place.
pub trait VisitMut {
    /// A block, before its children (which it may change); returns whether to go
    /// into them.
    fn block(&mut self, _b: &mut Block) -> bool {
        true
    }
    /// A sequence of inlines, after the sequences nested in it (link text before
    /// the paragraph that holds the link), so that it may replace or splice them.
    fn inlines(&mut self, _v: &mut Vec<Inline>) {}
}

/// Walks `blocks` and everything in them.
pub fn walk_blocks<'a, V: Visit<'a> + ?Sized>(blocks: &'a [Block], v: &mut V) {
    for b in blocks {
        if !v.block(b) {
            continue;
        }
        match b {
            Block::Heading(h) => walk_inlines(&h.content, false, v),
            Block::Paragraph(inl) => walk_inlines(inl, false, v),
            Block::Quote {
                blocks,
                attribution,
                ..
            } => {
                walk_blocks(blocks, v);
                if let Some(a) = attribution {
                    walk_inlines(a, false, v);
                }
            }
            Block::List { items, .. } => {
                for it in items {
                    walk_blocks(&it.blocks, v);
                }
            }
            Block::DefinitionList(defs) => {
                for d in defs {
                    walk_inlines(&d.term, false, v);
                    for det in &d.details {
                        walk_blocks(det, v);
                    }
                }
            }
            Block::Table { head, rows, .. } => {
                for c in head.iter().chain(rows.iter().flatten()) {
                    walk_inlines(c, false, v);
                }
            }
            Block::Element(e) => walk_blocks(&e.blocks, v),
            Block::References(refs) => {
                for r in refs {
                    walk_inlines(&r.content, false, v);
                }
            }
            Block::Code { .. } | Block::Math(_) | Block::Rule => {}
        }
    }
}

/// Walks a sequence of inlines and everything nested in it.
pub fn walk_inlines<'a, V: Visit<'a> + ?Sized>(inl: &'a [Inline], nested: bool, v: &mut V) {
    v.inlines(inl, nested);
    for i in inl {
        v.inline(i);
        if let Some(c) = inline_children(i) {
            walk_inlines(c, true, v);
        }
    }
}

/// The inlines held by an inline, if it holds any.
fn inline_children(i: &Inline) -> Option<&[Inline]> {
    match i {
        Inline::Emphasis(c)
        | Inline::Strong(c)
        | Inline::Strikethrough(c)
        | Inline::Superscript(c)
        | Inline::Subscript(c)
        | Inline::Link { content: c, .. }
        | Inline::Span { content: c, .. } => Some(c),
        Inline::Citation(c) => Some(&c.rendered),
        Inline::Text(_)
        | Inline::Code(_)
        | Inline::Math(_)
        | Inline::Image { .. }
        | Inline::FootnoteRef { .. }
        | Inline::LineBreak => None,
    }
}

fn inline_children_mut(i: &mut Inline) -> Option<&mut Vec<Inline>> {
    match i {
        Inline::Emphasis(c)
        | Inline::Strong(c)
        | Inline::Strikethrough(c)
        | Inline::Superscript(c)
        | Inline::Subscript(c)
        | Inline::Link { content: c, .. }
        | Inline::Span { content: c, .. } => Some(c),
        Inline::Citation(c) => Some(&mut c.rendered),
        Inline::Text(_)
        | Inline::Code(_)
        | Inline::Math(_)
        | Inline::Image { .. }
        | Inline::FootnoteRef { .. }
        | Inline::LineBreak => None,
    }
}

/// Walks `blocks` and everything in them, mutably.
pub fn walk_blocks_mut<V: VisitMut + ?Sized>(blocks: &mut [Block], v: &mut V) {
    for b in blocks {
        if !v.block(b) {
            continue;
        }
        match b {
            Block::Heading(h) => walk_inlines_mut(&mut h.content, v),
            Block::Paragraph(inl) => walk_inlines_mut(inl, v),
            Block::Quote {
                blocks,
                attribution,
                ..
            } => {
                walk_blocks_mut(blocks, v);
                if let Some(a) = attribution {
                    walk_inlines_mut(a, v);
                }
            }
            Block::List { items, .. } => {
                for it in items {
                    walk_blocks_mut(&mut it.blocks, v);
                }
            }
            Block::DefinitionList(defs) => {
                for d in defs {
                    walk_inlines_mut(&mut d.term, v);
                    for det in &mut d.details {
                        walk_blocks_mut(det, v);
                    }
                }
            }
            Block::Table { head, rows, .. } => {
                for c in head.iter_mut().chain(rows.iter_mut().flatten()) {
                    walk_inlines_mut(c, v);
                }
            }
            Block::Element(e) => walk_blocks_mut(&mut e.blocks, v),
            Block::References(refs) => {
                for r in refs {
                    walk_inlines_mut(&mut r.content, v);
                }
            }
            Block::Code { .. } | Block::Math(_) | Block::Rule => {}
        }
    }
}

/// Walks a sequence of inlines mutably, innermost sequences first.
pub fn walk_inlines_mut<V: VisitMut + ?Sized>(inl: &mut Vec<Inline>, v: &mut V) {
    for i in inl.iter_mut() {
        if let Some(c) = inline_children_mut(i) {
            walk_inlines_mut(c, v);
        }
    }
    v.inlines(inl);
}

impl Part {
    /// Walks the whole part: its heading, its blocks, then its footnotes.
    pub fn walk<'a, V: Visit<'a> + ?Sized>(&'a self, v: &mut V) {
        if let Some(h) = &self.heading {
            walk_inlines(&h.content, false, v);
        }
        walk_blocks(&self.blocks, v);
        for f in &self.footnotes {
            walk_blocks(&f.blocks, v);
        }
    }

    /// Walks the whole part mutably: its heading, its blocks, then its footnotes.
    pub fn walk_mut<V: VisitMut + ?Sized>(&mut self, v: &mut V) {
        if let Some(h) = &mut self.heading {
            walk_inlines_mut(&mut h.content, v);
        }
        walk_blocks_mut(&mut self.blocks, v);
        for f in &mut self.footnotes {
            walk_blocks_mut(&mut f.blocks, v);
        }
    }

    /// Calls `f` on every block of the part, footnotes included, outer first.
    pub fn for_each_block<'a>(&'a self, f: &mut dyn FnMut(&'a Block)) {
        struct V<'f, 'a>(&'f mut dyn FnMut(&'a Block));
        impl<'a> Visit<'a> for V<'_, 'a> {
            fn block(&mut self, b: &'a Block) -> bool {
                (self.0)(b);
                true
            }
        }
        self.walk(&mut V(f));
    }

    /// Calls `f` on every inline of the part, at any depth, outer first.
    pub fn for_each_inline<'a>(&'a self, f: &mut dyn FnMut(&'a Inline)) {
        struct V<'f, 'a>(&'f mut dyn FnMut(&'a Inline));
        impl<'a> Visit<'a> for V<'_, 'a> {
            fn inline(&mut self, i: &'a Inline) {
                (self.0)(i)
            }
        }
        self.walk(&mut V(f));
    }

    /// Calls `f` on every outermost sequence of inlines (a paragraph, a heading,
    /// a cell ...), whose plain text is all the text it holds.
    pub fn for_each_text_run<'a>(&'a self, f: &mut dyn FnMut(&'a [Inline])) {
        struct V<'f, 'a>(&'f mut dyn FnMut(&'a [Inline]));
        impl<'a> Visit<'a> for V<'_, 'a> {
            fn inlines(&mut self, v: &'a [Inline], nested: bool) {
                if !nested {
                    (self.0)(v)
                }
            }
        }
        self.walk(&mut V(f));
    }

    /// Calls `f` on every block of the part mutably, footnotes included, outer
    /// first (a change to a block's children is walked).
    pub fn for_each_block_mut(&mut self, f: &mut dyn FnMut(&mut Block)) {
        struct V<'f>(&'f mut dyn FnMut(&mut Block));
        impl VisitMut for V<'_> {
            fn block(&mut self, b: &mut Block) -> bool {
                (self.0)(b);
                true
            }
        }
        self.walk_mut(&mut V(f));
    }

    /// Calls `f` on every sequence of inlines of the part mutably, at any depth,
    /// innermost first, in reading order: heading, blocks, footnotes.
    pub fn for_each_inlines_mut(&mut self, f: &mut dyn FnMut(&mut Vec<Inline>)) {
        struct V<'f>(&'f mut dyn FnMut(&mut Vec<Inline>));
        impl VisitMut for V<'_> {
            fn inlines(&mut self, v: &mut Vec<Inline>) {
                (self.0)(v)
            }
        }
        self.walk_mut(&mut V(f));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Align, Attrs, Definition, Element, Footnote, Heading, ListItem, PartKind, Reference, Role,
        Tag,
    };

    fn t(s: &str) -> Vec<Inline> {
        vec![Inline::Text(s.into())]
    }

    /// A part with a word in every place text can live.
    fn every_place() -> Part {
        let heading = |level, s: &str| Heading {
            level,
            id: String::new(),
            content: t(s),
            classes: Vec::new(),
        };
        Part {
            kind: PartKind::Chapter,
            role: Role::Chapter,
            id: "p".into(),
            title: "Title".into(),
            heading: Some(heading(1, "w01")),
            blocks: vec![
                Block::Heading(heading(2, "w02")),
                Block::Paragraph(vec![
                    Inline::Text("w03".into()),
                    Inline::Emphasis(vec![Inline::Link {
                        target: crate::model::LinkTarget::External("x".into()),
                        title: String::new(),
                        content: t("w04"),
                    }]),
                    Inline::Span {
                        tag: Tag::Kbd,
                        attrs: Attrs::default(),
                        content: t("w05"),
                    },
                ]),
                Block::Quote {
                    blocks: vec![Block::Paragraph(t("w06"))],
                    attribution: Some(t("w07")),
                    kind: None,
                },
                Block::List {
                    start: None,
                    items: vec![ListItem {
                        checked: None,
                        blocks: vec![Block::Paragraph(t("w08"))],
                    }],
                },
                Block::DefinitionList(vec![Definition {
                    term: t("w09"),
                    details: vec![vec![Block::Paragraph(t("w10"))]],
                }]),
                Block::Table {
                    alignments: vec![Align::None],
                    head: vec![t("w11")],
                    rows: vec![vec![t("w12")]],
                },
                Block::Element(Element {
                    tag: Tag::Figure,
                    attrs: Attrs::default(),
                    blocks: vec![Block::Element(Element {
                        tag: Tag::Figcaption,
                        attrs: Attrs::default(),
                        blocks: vec![Block::Heading(heading(3, "w13"))],
                    })],
                }),
                Block::References(vec![Reference {
                    key: "k".into(),
                    id: "ref-k".into(),
                    content: t("w14"),
                }]),
            ],
            footnotes: vec![Footnote {
                id: "fn-1".into(),
                label: "1".into(),
                blocks: vec![Block::Heading(heading(4, "w15"))],
            }],
            in_toc: true,
            level: 1,
            language: None,
        }
    }

    fn words(p: &Part) -> Vec<String> {
        let mut out = Vec::new();
        p.for_each_text_run(&mut |v| out.push(Inline::plain_text(v)));
        out
    }

    #[test]
    fn the_walk_reaches_every_place_text_can_live_in_reading_order() {
        let p = every_place();
        let expected: Vec<String> = (1..=15).map(|n| format!("w{n:02}")).collect();
        let mut found = Vec::new();
        p.for_each_inline(&mut |i| {
            if let Inline::Text(s) = i {
                found.push(s.clone())
            }
        });
        assert_eq!(found, expected);
        assert_eq!(words(&p)[2], "w03w04w05");
    }

    #[test]
    fn the_mutable_walk_reaches_the_same_places_innermost_first() {
        let mut p = every_place();
        let mut seen = Vec::new();
        p.for_each_inlines_mut(&mut |v| {
            for i in v.iter_mut() {
                if let Inline::Text(s) = i {
                    seen.push(s.clone());
                    s.make_ascii_uppercase();
                }
            }
        });
        // The link text (w04) and the span (w05) before the paragraph around them.
        let expected: Vec<String> = [1, 2, 4, 5, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
            .map(|n| format!("w{n:02}"))
            .to_vec();
        assert_eq!(seen, expected);
        assert!(words(&p)
            .iter()
            .all(|w| w.chars().all(|c| !c.is_lowercase())));
    }

    #[test]
    fn every_heading_is_a_block_of_the_walk() {
        let p = every_place();
        let mut levels = Vec::new();
        p.for_each_block(&mut |b| {
            if let Block::Heading(h) = b {
                levels.push(h.level)
            }
        });
        assert_eq!(levels, [2, 3, 4]);
    }
}
