//! Model → XHTML5 content documents, one per part, with `epub:type` semantics and
//! the matching DPUB-ARIA roles.
//!
//! Reads only the resolved model. Output is well-formed XML by construction: text
//! and attributes are escaped here, and raw HTML reaches it as model nodes
//! (`Block::Element`, `Inline::Span`) with only the attributes the model keeps.

use std::fmt::Write as _;

use crate::model::pages::{PageAt, PageBreak, TextAt};
use crate::model::{
    anchor, Alert, Align, Attrs, Block, Book, Definition, Element, Heading, ImageSource, Inline,
    LinkTarget, ListItem, Part, PartKind, Reference, Role, Tag, Token,
};
use crate::xml::escape_attr;

/// File name of a part inside the container.
pub fn file_name(part: &Part) -> String {
    format!("{}.xhtml", part.id)
}

/// Whether the book holds what `style-code.css` styles: code, alerts or boxes,
/// task lists.
pub fn has_code_or_boxes(book: &Book) -> bool {
    let mut found = false;
    for p in &book.parts {
        p.for_each_block(&mut |b| {
            found |= match b {
                Block::Code { .. } => true,
                Block::Quote { kind, .. } => kind.is_some(),
                Block::Element(e) => e.alert().is_some(),
                Block::List { items, .. } => items.iter().any(|i| i.checked.is_some()),
                _ => false,
            };
        });
        if found {
            return true;
        }
    }
    false
}

/// What rendering a part noticed.
#[derive(Debug, Default)]
pub struct Notes {
    /// Control characters were removed (the loader removes them first; this is a
    /// last guard for text made after loading).
    pub removed_controls: bool,
}

struct Writer<'a> {
    book: &'a Book,
    part: usize,
    out: String,
    notes: Notes,
    /// Inside a link: HTML allows no link in a link, so a link (or a note
    /// reference) there is written as a span.
    in_link: bool,
    /// The printed pages that begin in this part's text: (where, page index),
    /// by where; and the pages the part begins with or ends on.
    marks: Vec<(usize, usize)>,
    breaks: &'a [PageBreak],
    /// The pages marked so far (a string written twice is marked once).
    marked: Vec<usize>,
    /// The level of the last heading written: a heading is written at most one
    /// level deeper (`## A` then `#### B` is h2 then h3), as assistive technology
    /// lists them (Ace, heading-order). The print edition keeps the author's levels.
    last_level: u8,
}

/// The XHTML document of part `index`, with a page-break marker where each of
/// the print edition's pages `breaks` of this part begins (none when empty).
/// Also the indexes of the pages it marked, in the order written.
pub fn part(book: &Book, index: usize, breaks: &[PageBreak]) -> (String, Notes, Vec<usize>) {
    let p = &book.parts[index];
    let mut marks: Vec<(usize, usize)> = breaks
        .iter()
        .enumerate()
        .filter(|(_, b)| b.part == index)
        .filter_map(|(k, b)| match b.at {
            PageAt::Text(at) => Some((at.address(), k)),
            _ => None,
        })
        .collect();
    marks.sort_unstable();
    let mut w = Writer {
        book,
        part: index,
        out: String::with_capacity(8 * 1024),
        notes: Notes::default(),
        in_link: false,
        marks,
        breaks,
        marked: Vec::new(),
        last_level: if p.heading.is_some() { 1 } else { 6 },
    };
    w.head(&p.title);
    let body_type = match p.kind {
        PartKind::Front => "frontmatter",
        PartKind::Chapter => "bodymatter",
        PartKind::Back => "backmatter",
    };
    let _ = writeln!(w.out, "<body epub:type=\"{body_type}\">");
    let (etype, role, class) = semantics(p.role);
    let mut section = String::from("<section");
    if !etype.is_empty() {
        let _ = write!(section, " epub:type=\"{etype}\"");
    }
    if !role.is_empty() {
        let _ = write!(section, " role=\"{role}\"");
    }
    let _ = write!(section, " class=\"{class}\"");
    if p.heading.is_none() {
        let _ = write!(section, " aria-label=\"{}\"", escape_attr(&p.title));
    }
    section.push('>');
    w.out.push_str(&section);
    w.out.push('\n');
    w.pages_at(PageAt::Start);
    match p.role {
        Role::TitlePage if p.blocks.is_empty() => w.title_page(),
        _ => {
            if let Some(h) = &p.heading {
                let _ = write!(w.out, "<h1 id=\"{}\">", escape_attr(&h.id));
                w.inline_container(&h.content, None);
                w.out.push_str("</h1>\n");
            }
            let blocks = &p.blocks;
            if p.role == Role::Epigraph {
                w.epigraph(blocks);
            } else {
                w.blocks(blocks);
            }
            w.footnotes(p);
        }
    }
    // The pages that begin on no text written here: a blank page after the
    // part, or text the writer did not write as the typesetter set it.
    let unmarked: Vec<usize> = (0..breaks.len())
        .filter(|k| breaks[*k].part == index && !w.marked.contains(k))
        .filter(|k| breaks[*k].at != PageAt::Start)
        .collect();
    for k in unmarked {
        w.page_marker(k);
    }
    w.out.push_str("</section>\n</body>\n</html>\n");
    (w.out, w.notes, w.marked)
}

/// The page-break marker of printed page `label` (DPUB-ARIA `doc-pagebreak`,
/// EPUB's `pagebreak`), its id from the page's index (`page_id`).
pub fn page_marker(out: &mut String, index: usize, label: &str) {
    let _ = write!(
        out,
        "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"{}\" aria-label=\"{}\"></span>",
        page_id(index),
        escape_attr(label)
    );
}

/// The id of page `index`'s marker: from its index (labels may repeat), with
/// a leading underscore that no heading's id (a slug) has.
pub fn page_id(index: usize) -> String {
    format!("_page-{}", index + 1)
}

/// `epub:type`, ARIA role and class of a part's section.
fn semantics(role: Role) -> (&'static str, &'static str, &'static str) {
    match role {
        Role::TitlePage => ("titlepage", "", "titlepage"),
        Role::Disclaimer => ("", "", "disclaimer"),
        Role::Epigraph => ("epigraph", "doc-epigraph", "epigraph"),
        Role::Dedication => ("dedication", "doc-dedication", "dedication"),
        Role::Copyright => ("copyright-page", "", "copyright"),
        Role::Preface => ("preface", "doc-preface", "preface"),
        Role::Chapter => ("chapter", "doc-chapter", "chapter"),
        Role::Division => ("part", "doc-part", "division"),
        Role::Bibliography => ("bibliography", "doc-bibliography", "bibliography"),
        Role::Other => ("", "", "part"),
    }
}

/// The head of every content document (also used by the cover and nav pages):
/// its language, and its direction when the language is written right to left.
pub fn head(out: &mut String, lang: &str, title: &str) {
    let dir = if crate::model::right_to_left(lang) {
        " dir=\"rtl\""
    } else {
        ""
    };
    let lang = escape_attr(lang);
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" \
         lang=\"{lang}\" xml:lang=\"{lang}\"{dir}>\n<head>\n<meta charset=\"utf-8\"/>\n\
         <title>{}</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>\n",
        text(title, &mut false)
    );
}

/// Escapes text for XML; `removed` is set when it held characters XML forbids.
pub fn text(s: &str, removed: &mut bool) -> String {
    let mut out = String::with_capacity(s.len());
    *removed |= crate::xml::escape_into(&mut out, s, false);
    out
}

impl Writer<'_> {
    /// The head, in the part's language (the book's unless it has its own).
    fn head(&mut self, title: &str) {
        let book = self.book;
        let lang = book.parts[self.part]
            .language
            .as_deref()
            .unwrap_or(&book.meta.language);
        head(&mut self.out, lang, title);
    }

    /// Text of the book, with the markers of the printed pages that begin in it.
    fn text(&mut self, s: &str) {
        let span = TextAt::span(s);
        let mut first = self.marks.partition_point(|m| m.0 < span.start);
        let mut from = 0;
        while let Some(&(at, page)) = self.marks.get(first).filter(|m| m.0 < span.end) {
            first += 1;
            if self.marked.contains(&page) {
                continue;
            }
            let mut o = at - span.start;
            while !s.is_char_boundary(o) {
                o += 1;
            }
            self.notes.removed_controls |=
                crate::xml::escape_into(&mut self.out, &s[from..o], false);
            self.page_marker(page);
            from = o;
        }
        self.notes.removed_controls |= crate::xml::escape_into(&mut self.out, &s[from..], false);
    }

    /// The markers of this part's pages that begin `at` its start or end.
    fn pages_at(&mut self, at: PageAt) {
        let pages: Vec<usize> = (0..self.breaks.len())
            .filter(|&k| self.breaks[k].part == self.part && self.breaks[k].at == at)
            .collect();
        for k in pages {
            self.page_marker(k);
        }
    }

    fn page_marker(&mut self, page: usize) {
        page_marker(&mut self.out, page, &self.breaks[page].label);
        self.marked.push(page);
    }

    fn title_page(&mut self) {
        let m = &self.book.meta;
        self.out.push_str("<h1 class=\"title\">");
        self.text(&m.title.clone());
        self.out.push_str("</h1>\n");
        if let Some(s) = &m.subtitle {
            self.out.push_str("<p class=\"subtitle\">");
            self.text(&s.clone());
            self.out.push_str("</p>\n");
        }
        if !m.authors.is_empty() {
            self.out.push_str("<p class=\"author\">");
            self.text(&m.authors.join(", "));
            self.out.push_str("</p>\n");
        }
        if let Some(p) = &m.publisher {
            self.out.push_str("<p class=\"publisher\">");
            self.text(&p.clone());
            self.out.push_str("</p>\n");
        }
    }

    /// An epigraph: its quote as a figure, attribution as the caption.
    fn epigraph(&mut self, blocks: &[Block]) {
        self.blocks(blocks);
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for b in blocks {
            self.block(b);
        }
    }

    /// One block; each kind is written by its own function below.
    fn block(&mut self, b: &Block) {
        match b {
            Block::Heading(h) => self.heading(h),
            Block::Paragraph(inl) => self.paragraph(inl),
            Block::Quote {
                blocks,
                attribution,
                kind,
            } => self.quote(blocks, attribution.as_deref(), *kind),
            Block::List { start, items } => self.list(*start, items),
            Block::DefinitionList(defs) => self.definitions(defs),
            Block::Code {
                language,
                text,
                tokens,
            } => self.code(language.as_deref(), text, tokens),
            Block::Table {
                alignments,
                head,
                rows,
            } => self.table(alignments, head, rows),
            Block::Element(e) => self.element(e, false),
            Block::Math(m) => {
                self.out.push_str("<p class=\"math\">");
                self.text(m);
                self.out.push_str("</p>\n");
            }
            Block::Rule => self.out.push_str("<hr/>\n"),
            Block::References(refs) => self.references(refs),
        }
    }

    fn heading(&mut self, h: &Heading) {
        let l = h.level.clamp(1, 6).min(self.last_level.saturating_add(1));
        self.last_level = l;
        let _ = write!(self.out, "<h{l} id=\"{}\"", escape_attr(&h.id));
        if !h.classes.is_empty() {
            let _ = write!(self.out, " class=\"{}\"", escape_attr(&h.classes.join(" ")));
        }
        self.out.push('>');
        self.inline_container(&h.content, None);
        let _ = writeln!(self.out, "</h{l}>");
    }

    /// A paragraph; a picture alone in one is a figure.
    fn paragraph(&mut self, inl: &[Inline]) {
        if let [Inline::Image {
            source: ImageSource::Resource(r),
            alt,
            title,
            ..
        }] = inl
        {
            self.figure(*r, alt, title);
            return;
        }
        self.inline_container(inl, Some("p"));
        self.out.push('\n');
    }

    /// A block quote (an alert, with its label), in a figure when it has an
    /// attribution.
    fn quote(&mut self, blocks: &[Block], attribution: Option<&[Inline]>, kind: Option<Alert>) {
        if let Some(k) = kind {
            return self.alert(k, blocks, attribution);
        }
        match attribution {
            Some(a) => {
                self.out
                    .push_str("<figure class=\"quote\">\n<blockquote>\n");
                self.blocks(blocks);
                self.out
                    .push_str("</blockquote>\n<figcaption class=\"attribution\">— ");
                self.inline_container(a, None);
                self.out.push_str("</figcaption>\n</figure>\n");
            }
            None => {
                self.out.push_str("<blockquote>\n");
                self.blocks(blocks);
                self.out.push_str("</blockquote>\n");
            }
        }
    }

    /// A GitHub alert: a labelled note beside the text, not a quotation.
    fn alert(&mut self, k: Alert, blocks: &[Block], attribution: Option<&[Inline]>) {
        let _ = writeln!(
            self.out,
            "<aside class=\"alert {}\" role=\"note\">\n<p class=\"alert-title\">{}</p>",
            k.name(),
            crate::xml::escape_text(self.book.labels_of(self.part).alert(k))
        );
        self.blocks(blocks);
        if let Some(a) = attribution {
            self.out.push_str("<p class=\"attribution\">— ");
            self.inline_container(a, None);
            self.out.push_str("</p>\n");
        }
        self.out.push_str("</aside>\n");
    }

    fn list(&mut self, start: Option<u64>, items: &[ListItem]) {
        match start {
            Some(1) => self.out.push_str("<ol>\n"),
            Some(n) => {
                let _ = writeln!(self.out, "<ol start=\"{n}\">");
            }
            None => self.out.push_str("<ul>\n"),
        }
        for it in items {
            // A task's box stands where the bullet would (`li.task` has none).
            match it.checked {
                Some(true) => self.out.push_str("<li class=\"task\">☑ "),
                Some(false) => self.out.push_str("<li class=\"task\">☐ "),
                None => self.out.push_str("<li>"),
            }
            // A one-paragraph item needs no <p>: keeps tight lists tight.
            match it.blocks.as_slice() {
                [Block::Paragraph(inl)] => self.inline_container(inl, None),
                bs => {
                    self.out.push('\n');
                    self.blocks(bs);
                }
            }
            self.out.push_str("</li>\n");
        }
        self.out.push_str(if start.is_some() {
            "</ol>\n"
        } else {
            "</ul>\n"
        });
    }

    fn definitions(&mut self, defs: &[Definition]) {
        self.out.push_str("<dl>\n");
        for d in defs {
            self.out.push_str("<dt>");
            self.inline_container(&d.term, None);
            self.out.push_str("</dt>\n");
            for det in &d.details {
                self.out.push_str("<dd>");
                match det.as_slice() {
                    [Block::Paragraph(inl)] => self.inline_container(inl, None),
                    bs => self.blocks(bs),
                }
                self.out.push_str("</dd>\n");
            }
        }
        self.out.push_str("</dl>\n");
    }

    /// A code block, each highlighted stretch a span of its class (`hl-keyword`
    /// ...), which the stylesheet colours.
    fn code(&mut self, language: Option<&str>, text: &str, tokens: &[Token]) {
        // Code reads left to right, in right-to-left books too.
        self.out.push_str("<pre dir=\"ltr\"><code");
        if let Some(l) = language {
            let _ = write!(self.out, " class=\"language-{}\"", escape_attr(l));
        }
        self.out.push('>');
        let mut at = 0;
        for t in tokens {
            let (Some(before), Some(token)) = (text.get(at..t.start), text.get(t.start..t.end))
            else {
                continue;
            };
            self.text(before);
            let _ = write!(self.out, "<span class=\"hl-{}\">", t.class.name());
            self.text(token);
            self.out.push_str("</span>");
            at = t.end;
        }
        self.text(text.get(at..).unwrap_or(""));
        self.out.push_str("</code></pre>\n");
    }

    fn table(&mut self, alignments: &[Align], head: &[Vec<Inline>], rows: &[Vec<Vec<Inline>>]) {
        self.out.push_str("<table>\n");
        let cell = |w: &mut Self, tag: &str, i: usize, c: &[Inline]| {
            let align = match alignments.get(i) {
                Some(Align::Left) => " class=\"left\"",
                Some(Align::Center) => " class=\"center\"",
                Some(Align::Right) => " class=\"right\"",
                _ => "",
            };
            let _ = write!(w.out, "<{tag}{align}>");
            w.inline_container(c, None);
            let _ = write!(w.out, "</{tag}>");
        };
        if !head.is_empty() {
            self.out.push_str("<thead>\n<tr>");
            for (i, c) in head.iter().enumerate() {
                // A header cell with no text heads nothing (Ace: empty-table-header).
                let blank = c
                    .iter()
                    .all(|i| matches!(i, Inline::Text(t) if t.trim().is_empty()));
                cell(self, if blank { "td" } else { "th" }, i, c);
            }
            self.out.push_str("</tr>\n</thead>\n");
        }
        if !rows.is_empty() {
            self.out.push_str("<tbody>\n");
            for r in rows {
                self.out.push_str("<tr>");
                for (i, c) in r.iter().enumerate() {
                    cell(self, "td", i, c);
                }
                self.out.push_str("</tr>\n");
            }
            self.out.push_str("</tbody>\n");
        }
        self.out.push_str("</table>\n");
    }

    fn references(&mut self, refs: &[Reference]) {
        self.out.push_str("<ul class=\"references\">\n");
        for r in refs {
            let _ = write!(self.out, "<li id=\"{}\">", escape_attr(&r.id));
            self.inlines(&r.content);
            self.out.push_str("</li>\n");
        }
        self.out.push_str("</ul>\n");
    }

    fn figure(&mut self, resource: usize, alt: &str, title: &str) {
        let name = self.book.resources[resource].name.clone();
        let _ = write!(
            self.out,
            "<figure class=\"image\"><img src=\"{}\" alt=\"{}\"/>",
            escape_attr(&name),
            escape_attr(alt)
        );
        if !title.is_empty() {
            self.out.push_str("<figcaption>");
            self.text(title);
            self.out.push_str("</figcaption>");
        }
        self.out.push_str("</figure>\n");
    }

    /// Inline content in an element (`tag`, or the already open one).
    fn inline_container(&mut self, inl: &[Inline], tag: Option<&str>) {
        if let Some(t) = tag {
            let _ = write!(self.out, "<{t}>");
        }
        self.inlines(inl);
        if let Some(t) = tag {
            let _ = write!(self.out, "</{t}>");
        }
    }

    /// A raw HTML element that holds blocks. A `<figure>`'s pictures are its
    /// images; a `<summary>` holds text only, so its paragraphs become lines.
    fn element(&mut self, e: &Element, in_place: bool) {
        // A caption or a summary where HTML allows none (not the first or last
        // child of a figure, not the first of details) is a block of its own.
        let misplaced = matches!(e.tag, Tag::Figcaption | Tag::Summary) && !in_place;
        let name = if misplaced { "div" } else { e.tag.name() };
        let _ = write!(self.out, "<{name}");
        let alert = e.alert();
        if misplaced {
            let mut attrs = e.attrs.clone();
            attrs.classes.insert(0, e.tag.name().to_string());
            self.attrs(&attrs);
        } else if let Some(k) = alert {
            // A box (`::: warning`): styled as an alert, with its label.
            let mut attrs = e.attrs.clone();
            attrs.classes.insert(0, "alert".to_string());
            if !attrs.classes.iter().any(|c| c == k.name()) {
                attrs.classes.insert(1, k.name().to_string());
            }
            self.attrs(&attrs);
        } else {
            self.attrs(&e.attrs);
        }
        // An author's `<aside>` is a note beside the text, not a landmark: several
        // in one page would be landmarks without names (Ace: landmark-unique).
        if name == "aside" {
            self.out.push_str(" role=\"note\"");
        }
        self.out.push_str(">\n");
        if let Some(k) = alert {
            let _ = writeln!(
                self.out,
                "<p class=\"alert-title\">{}</p>",
                crate::xml::escape_text(self.book.labels_of(self.part).alert(k))
            );
        }
        match e.tag {
            Tag::Summary => {
                // A summary is the control that opens its details: a link in it
                // would be a control in a control (Ace: nested-interactive), so
                // it is written as a span, as a link in a link is.
                let was_in_link = self.in_link;
                self.in_link = was_in_link || !misplaced;
                let mut first = true;
                for b in &e.blocks {
                    match b {
                        Block::Paragraph(inl) => {
                            if !std::mem::take(&mut first) {
                                self.out.push_str("<br/>");
                            }
                            self.inlines(inl);
                        }
                        other => self.block(other),
                    }
                }
                self.in_link = was_in_link;
            }
            Tag::Figure => {
                // HTML allows one caption, the figure's first or last child; any
                // other is written as a block of its own.
                let is_caption = |b: Option<&Block>| matches!(b, Some(Block::Element(c)) if c.tag == Tag::Figcaption);
                let caption = if is_caption(e.blocks.last()) {
                    e.blocks.len().checked_sub(1)
                } else if is_caption(e.blocks.first()) {
                    Some(0)
                } else {
                    None
                };
                for (i, b) in e.blocks.iter().enumerate() {
                    match b {
                        Block::Element(c) if c.tag == Tag::Figcaption => {
                            self.element(c, Some(i) == caption)
                        }
                        Block::Paragraph(inl) => match inl.as_slice() {
                            [Inline::Image {
                                source: ImageSource::Resource(r),
                                alt,
                                ..
                            }] => {
                                let name = self.book.resources[*r].name.clone();
                                let _ = writeln!(
                                    self.out,
                                    "<img src=\"{}\" alt=\"{}\"/>",
                                    escape_attr(&name),
                                    escape_attr(alt)
                                );
                            }
                            _ => self.block(b),
                        },
                        other => self.block(other),
                    }
                }
            }
            Tag::Details => {
                for (i, b) in e.blocks.iter().enumerate() {
                    match b {
                        Block::Element(c) if c.tag == Tag::Summary => self.element(c, i == 0),
                        other => self.block(other),
                    }
                }
            }
            _ => self.blocks(&e.blocks),
        }
        let _ = writeln!(self.out, "</{name}>");
    }

    /// The attributes the model keeps of raw HTML.
    fn attrs(&mut self, a: &Attrs) {
        if let Some(id) = &a.id {
            let _ = write!(self.out, " id=\"{}\"", escape_attr(id));
        }
        if !a.classes.is_empty() {
            let _ = write!(self.out, " class=\"{}\"", escape_attr(&a.classes.join(" ")));
        }
        // A language sets the direction inside the element, as the part's
        // language sets its page's (`<span lang="ar">` is right to left).
        if let Some(d) = a.direction() {
            let _ = write!(self.out, " dir=\"{}\"", d.as_str());
        }
        if let Some(l) = &a.lang {
            let l = escape_attr(l);
            let _ = write!(self.out, " lang=\"{l}\" xml:lang=\"{l}\"");
        }
        if let Some(t) = &a.title {
            let _ = write!(self.out, " title=\"{}\"", escape_attr(t));
        }
        if a.open {
            self.out.push_str(" open=\"open\"");
        }
    }

    fn inlines(&mut self, inl: &[Inline]) {
        for i in inl {
            self.inline(i);
        }
    }

    fn wrap(&mut self, tag: &str, inl: &[Inline]) {
        let _ = write!(self.out, "<{tag}>");
        self.inlines(inl);
        let _ = write!(self.out, "</{tag}>");
    }

    fn inline(&mut self, i: &Inline) {
        match i {
            Inline::Text(t) => self.text(t),
            Inline::Emphasis(c) => self.wrap("em", c),
            Inline::Strong(c) => self.wrap("strong", c),
            Inline::Strikethrough(c) => self.wrap("s", c),
            Inline::Superscript(c) => self.wrap("sup", c),
            Inline::Subscript(c) => self.wrap("sub", c),
            Inline::Code(c) => {
                self.out.push_str("<code>");
                self.text(c);
                self.out.push_str("</code>");
            }
            Inline::Math(m) => {
                self.out.push_str("<span class=\"math\">");
                self.text(m);
                self.out.push_str("</span>");
            }
            Inline::Link { content, .. } if self.in_link => {
                self.out.push_str("<span>");
                self.inlines(content);
                self.out.push_str("</span>");
            }
            Inline::Link {
                target,
                title,
                content,
            } => {
                self.in_link = true;
                let href = self.href(target);
                let _ = write!(self.out, "<a href=\"{}\"", escape_attr(&href));
                if !title.is_empty() {
                    let _ = write!(self.out, " title=\"{}\"", escape_attr(title));
                } else if Inline::plain_text(content).trim().is_empty() {
                    // A link with nothing to read (a picture without alt text)
                    // is named by where it leads (Ace: link-name).
                    let name = match target {
                        LinkTarget::Internal { part, .. } => self.book.parts[*part].title.clone(),
                        _ => href.clone(),
                    };
                    let _ = write!(self.out, " aria-label=\"{}\"", escape_attr(&name));
                }
                self.out.push('>');
                self.inlines(content);
                self.out.push_str("</a>");
                self.in_link = false;
            }
            Inline::Image {
                source, alt, title, ..
            } => match source {
                ImageSource::Resource(r) => {
                    let name = self.book.resources[*r].name.clone();
                    let _ = write!(
                        self.out,
                        "<img src=\"{}\" alt=\"{}\"",
                        escape_attr(&name),
                        escape_attr(alt)
                    );
                    if !title.is_empty() {
                        let _ = write!(self.out, " title=\"{}\"", escape_attr(title));
                    }
                    self.out.push_str("/>");
                }
                _ => self.text(alt),
            },
            Inline::Citation(c) => {
                self.out.push_str("<span class=\"citation\">");
                self.inlines(&c.rendered);
                self.out.push_str("</span>");
            }
            Inline::FootnoteRef { number, id } if self.in_link => {
                let _ = write!(
                    self.out,
                    "<sup class=\"noteref\" id=\"{}\">{number}</sup>",
                    escape_attr(id)
                );
            }
            Inline::FootnoteRef { number, id } => {
                let fid = crate::model::anchor::note(*number);
                let _ = write!(
                    self.out,
                    "<a class=\"noteref\" epub:type=\"noteref\" role=\"doc-noteref\" id=\"{}\" href=\"#{fid}\">{number}</a>",
                    escape_attr(id)
                );
            }
            Inline::LineBreak => self.out.push_str("<br/>\n"),
            Inline::Span {
                tag,
                attrs,
                content,
            } => {
                // `<bdo>` must say its direction; without one it is a span.
                let name = match tag {
                    Tag::Bdo if attrs.dir().is_none() => "span",
                    t => t.name(),
                };
                let _ = write!(self.out, "<{name}");
                self.attrs(attrs);
                self.out.push('>');
                self.inlines(content);
                let _ = write!(self.out, "</{name}>");
            }
        }
    }

    fn href(&self, target: &LinkTarget) -> String {
        match target {
            LinkTarget::External(u) => u.clone(),
            LinkTarget::Internal { part, anchor } => {
                let file = if *part == self.part {
                    String::new()
                } else {
                    file_name(&self.book.parts[*part])
                };
                match anchor {
                    Some(a) => format!("{file}#{a}"),
                    None if file.is_empty() => format!("#{}", self.book.parts[*part].id),
                    None => file,
                }
            }
            LinkTarget::Unresolved { dest, .. } => dest.clone(),
        }
    }

    fn footnotes(&mut self, p: &Part) {
        if p.footnotes.is_empty() {
            return;
        }
        let _ = write!(
            self.out,
            "<section class=\"footnotes\" epub:type=\"endnotes\" role=\"doc-endnotes\" aria-label=\"{}\">\n<hr/>\n",
            escape_attr(&self.book.labels_of(self.part).notes)
        );
        for (k, f) in p.footnotes.iter().enumerate() {
            let n = k + 1;
            let _ = write!(
                self.out,
                "<aside epub:type=\"footnote\" role=\"doc-footnote\" id=\"{}\">\n<p class=\"note-number\"><a href=\"#{}\">{n}.</a></p>\n",
                escape_attr(&f.id),
                anchor::note_ref(n, 1)
            );
            self.blocks(&f.blocks);
            self.out.push_str("</aside>\n");
        }
        self.out.push_str("</section>\n");
    }
}
