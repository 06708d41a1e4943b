//! Markdown → model: walks pulldown-cmark's events (with their source ranges) and
//! builds the blocks and inlines of one part. One parse per file.
//!
//! pandoc's syntax that pulldown-cmark does not read is found around it, never by
//! moving a byte of the file: fenced divs (`fenced_divs`) and tables (`tables`)
//! before the parse, spans, inline notes and link attributes (`brackets`) among
//! its events; raw HTML is folded into the same tree (`raw_html`).
//!
//! Does not resolve anything: links, images and citations keep their spans for
//! `resolve`, which checks them against the whole book.

use pulldown_cmark::{
    Alignment, BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};

mod attributes;
mod brackets;
mod fenced_divs;
mod raw_html;
#[cfg(test)]
mod soup;
mod tables;

use super::{cite, html, quotes, segment_breaks};
use crate::diag::{Code, Diagnostic, SourceId, Span};
use crate::load::clean;
use crate::model::{
    Alert, Align, Attrs, Block, Citation, CiteItem, Definition, Element, Footnote, Heading,
    ImageSource, Inline, LinkTarget, ListItem, Tag as HtmlTag,
};
use brackets::Ev;

/// Deepest nesting of block containers (quotes, lists) accepted, and of inline
/// formatting (emphasis, links); deeper input would risk the stack of every later
/// recursive stage, in both editions.
pub const MAX_DEPTH: usize = 64;

/// The blocks of one file, and the footnote definitions found in it.
#[derive(Debug, Default, Clone)]
pub struct Parsed {
    pub blocks: Vec<Block>,
    pub footnotes: Vec<Footnote>,
    /// Spans of explicit `{#id}` heading ids, for duplicate checks.
    pub explicit_ids: Vec<(String, Span)>,
    /// Ids written in raw HTML (each once per file), kept free of generated ids.
    pub html_ids: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM
        | Options::ENABLE_SUPERSCRIPT
        | Options::ENABLE_SUBSCRIPT
        | Options::ENABLE_MATH
}

/// What an open container collects until its end event.
enum Kind {
    Root,
    Paragraph,
    Heading {
        level: u8,
        id: Option<String>,
        classes: Vec<String>,
    },
    /// A quote, a GitHub alert's kind, and the word of an alert GitHub does not
    /// know (`> [!EXAMPLE]`).
    Quote(Option<BlockQuoteKind>, Option<String>),
    List(Option<u64>),
    Item {
        checked: Option<bool>,
    },
    FootnoteDef(String),
    CodeBlock(Option<String>),
    HtmlBlock,
    Table(Vec<Alignment>),
    TableHead,
    TableRow,
    TableCell {
        /// `<th>`: a header cell.
        head: bool,
    },
    DefList,
    DefTitle,
    DefDetail,
    Emphasis,
    Strong,
    Strike,
    Superscript,
    Subscript,
    Link {
        dest: String,
        title: String,
        span: Span,
    },
    Image {
        dest: String,
        title: String,
        span: Span,
    },
    Metadata,
    /// A raw HTML element holding blocks.
    Element(HtmlTag, Attrs),
    /// A raw HTML element holding inlines.
    Span(HtmlTag, Attrs),
    /// pandoc's inline note, `^[…]`.
    InlineNote,
}

/// A frame opened by a tag of raw HTML rather than by Markdown: closed by its end
/// tag, or by the end of the Markdown container around it.
struct Origin {
    /// The tag's name, lowercase; empty for a frame HTML implies (`<td>` without
    /// `<tr>`).
    name: String,
    attrs: Attrs,
}

/// A piece of text and where it starts in the source. `literal` leading bytes were
/// written escaped (`\[`, `\@`) or as an entity (`&#64;`): they are text, never
/// citation syntax.
struct Piece {
    text: String,
    source: usize,
    literal: usize,
}

struct Frame {
    kind: Kind,
    blocks: Vec<Block>,
    inlines: Vec<Inline>,
    /// Plain text not yet turned into inlines, kept apart so that citations spanning
    /// several events are found with their spans.
    pending: Vec<Piece>,
    /// Rows of a table, items of a list, definitions, cells.
    items: Vec<ListItem>,
    rows: Vec<Vec<Vec<Inline>>>,
    cells: Vec<Vec<Inline>>,
    defs: Vec<Definition>,
    text: String,
    /// Where pieces of `text` come from: (offset in `text`, offset in the source).
    text_map: Vec<(usize, usize)>,
    /// Set when raw HTML opened this frame.
    html: Option<Origin>,
    /// A table's first row is a header row; a row's cells that are `<th>`.
    head_row: bool,
    th: usize,
    /// Where a Markdown table row is in the source, to check its cells.
    row: Option<std::ops::Range<usize>>,
}

impl Frame {
    fn new(kind: Kind) -> Self {
        Frame {
            kind,
            blocks: Vec::new(),
            inlines: Vec::new(),
            pending: Vec::new(),
            items: Vec::new(),
            rows: Vec::new(),
            cells: Vec::new(),
            defs: Vec::new(),
            text: String::new(),
            text_map: Vec::new(),
            html: None,
            head_row: false,
            th: 0,
            row: None,
        }
    }
}

struct Builder<'a> {
    source: SourceId,
    text: &'a str,
    stack: Vec<Frame>,
    out: Parsed,
    /// Container depth beyond MAX_DEPTH: content is kept flat, reported once.
    too_deep: usize,
    /// The same for inline formatting.
    inline_too_deep: usize,
    inline_depth_reported: bool,
    /// Inside an inline `<script>` or `<style>` element, whose content is dropped.
    in_code_element: Option<String>,
    /// Tags of raw HTML opened beyond the depth limit, whose end tags are skipped.
    html_dropped: usize,
    html_depth_reported: bool,
    /// Ids of raw HTML already used in this file.
    html_ids: std::collections::HashSet<String>,
    /// The labels of the file's footnote definitions (`[^label]:`), for references
    /// written in raw HTML, which pulldown-cmark leaves as text.
    note_labels: std::collections::HashSet<String>,
    /// Inline notes made so far in this file.
    inline_notes: usize,
    /// pandoc's fence lines, which the parse reads as thematic breaks.
    fences: std::collections::BTreeMap<usize, (fenced_divs::Fence, std::ops::Range<usize>)>,
    /// The part's language (BCP 47): its quotation marks, where no `lang` of raw
    /// HTML or of a span or div says otherwise.
    language: &'a str,
    /// Quotes opened from straight quotes in the block being read, innermost last.
    open_quotes: Vec<OpenQuote>,
}

/// A quotation opened from a straight quote: its closing mark is of the same
/// language.
struct OpenQuote {
    double: bool,
    language: String,
}

/// Parses one Markdown file written in English.
pub fn parse(source: SourceId, text: &str) -> Parsed {
    parse_in(source, text, "en")
}

/// Parses one Markdown file written in `language` (a BCP 47 tag), whose
/// quotation marks its straight quotes become.
pub fn parse_in(source: SourceId, text: &str, language: &str) -> Parsed {
    let mut b = Builder {
        source,
        text,
        language,
        open_quotes: Vec::new(),
        stack: vec![Frame::new(Kind::Root)],
        out: Parsed::default(),
        too_deep: 0,
        inline_too_deep: 0,
        inline_depth_reported: false,
        in_code_element: None,
        html_dropped: 0,
        html_depth_reported: false,
        html_ids: Default::default(),
        note_labels: note_labels(text),
        inline_notes: 0,
        fences: Default::default(),
    };
    // A metadata block at the top is read (and blanked) by load; a `---` line
    // here is Markdown, as pandoc reads it: a rule and text.
    let opts = options();
    // pandoc's fenced divs: their fence lines, found by a first parse, are
    // thematic breaks of the same length for the second.
    let (fenced, fences) = match fenced_divs::find(text, opts) {
        Some(f) => (Some(f.text), f.at),
        None => (None, Default::default()),
    };
    let markdown = fenced.as_deref().unwrap_or(text);
    // pandoc's simple, multiline and grid tables: their lines are a comment of
    // the same length for pulldown-cmark, and the table is put where it starts.
    let tables = tables::find(markdown, opts);
    let markdown = tables.as_ref().map_or(markdown, |t| t.text.as_str());
    b.fences = fences;
    let events = Parser::new_ext(markdown, opts).into_offset_iter();
    // pandoc's spans, inline notes and link attributes, found among the events.
    let events: Box<dyn Iterator<Item = (Ev<'_>, std::ops::Range<usize>)>> =
        if brackets::may_hold(text) {
            Box::new(brackets::brackets(text, events.collect()).into_iter())
        } else {
            Box::new(events.map(|(e, r)| (Ev::Md(e), r)))
        };
    let mut in_table = false;
    for (event, range) in events {
        match event {
            Ev::Md(Event::Start(Tag::HtmlBlock)) if !in_table => {
                match tables.as_ref().and_then(|t| t.at.get(&range.start)) {
                    Some(table) => {
                        b.pandoc_table(table, opts);
                        in_table = true;
                    }
                    None => b.ev(Ev::Md(Event::Start(Tag::HtmlBlock)), range),
                }
            }
            Ev::Md(Event::End(TagEnd::HtmlBlock)) if in_table => in_table = false,
            _ if in_table => {}
            ev => b.ev(ev, range),
        }
    }
    while b.stack.len() > 1 {
        b.close();
    }
    let mut root = b.stack.pop().expect("root frame");
    b.flush_inlines(&mut root);
    if !root.inlines.is_empty() {
        let inl = std::mem::take(&mut root.inlines);
        root.blocks.push(Block::Paragraph(inl));
    }
    b.out.blocks = root.blocks;
    segment_breaks::join_east_asian_lines(&mut b.out.blocks);
    for f in &mut b.out.footnotes {
        segment_breaks::join_east_asian_lines(&mut f.blocks);
    }
    b.out
}

fn is_container(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::Quote(..)
            | Kind::List(_)
            | Kind::Item { .. }
            | Kind::FootnoteDef(_)
            | Kind::DefList
            | Kind::DefTitle
            | Kind::DefDetail
            | Kind::Element(..)
    )
}

fn is_container_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::BlockQuote(_)
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
    )
}

fn is_inline_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Frames whose content may be blocks, where the content of containers nested too
/// deep is kept (a list holds items only, so an item is never dropped).
fn holds_blocks(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::Root
            | Kind::Quote(..)
            | Kind::Item { .. }
            | Kind::FootnoteDef(_)
            | Kind::DefDetail
            | Kind::Element(..)
            // Raw HTML may put Markdown in a cell or a term: set as lines of text.
            | Kind::TableCell { .. }
            | Kind::DefTitle
    )
}

impl Builder<'_> {
    fn span(&self, range: std::ops::Range<usize>) -> Span {
        Span::new(self.source, range)
    }

    /// The language where the parse stands: the innermost `lang` of raw HTML, of
    /// a span or of a div, else the part's.
    fn language_here(&self) -> String {
        self.stack
            .iter()
            .rev()
            .find_map(|f| f.html.as_ref().and_then(|o| o.attrs.lang.clone()))
            .unwrap_or_else(|| self.language.to_string())
    }

    /// The mark a straight quote of the source becomes in the language where it
    /// stands, from the English one smart punctuation made of it (`"` → “ → „ in
    /// German). None for any other text, for marks the author typed curly, and
    /// for apostrophes: `'` between two letters (don't, l'homme), or closing no
    /// quote opened in the block (students', 'tis).
    fn quote_mark(&mut self, t: &str, range: std::ops::Range<usize>) -> Option<String> {
        let mut mark = quotes::Mark::of_english(t)?;
        let written = self.text.get(range.clone())?;
        if written != "\"" && written != "'" {
            return None;
        }
        let before = self.text.get(..range.start)?.chars().next_back();
        let after = self.text.get(range.end..)?.chars().next();
        // A letter of a script written with spaces: Chinese and Japanese put no
        // space around a quotation (`"こんにちは"と`), and have no apostrophes.
        let spaced_letter =
            |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() && !segment_breaks::is_wide(c));
        if !mark.double && !mark.open && spaced_letter(before) && spaced_letter(after) {
            return None;
        }
        // Smart punctuation opens a quote it cannot pair, also one between two
        // letters (`"こんにちは"と`): after a letter or a sentence's end, with a
        // quote of its kind open, it closes that quote.
        let ends = |c: Option<char>| {
            c.is_some_and(|c| c.is_alphanumeric() || ".,;:!?…。、！？".contains(c))
        };
        let pending = self.open_quotes.iter().any(|q| q.double == mark.double);
        if mark.open && ends(before) && pending {
            mark.open = false;
        }
        // And it closes one it cannot pair (`と'さようなら'を`): beside Chinese or
        // Japanese, before a letter, with none of its kind open, it opens one.
        let wide = |c: Option<char>| c.is_some_and(segment_breaks::is_wide);
        if !mark.open
            && !pending
            && (wide(before) || wide(after))
            && after.is_some_and(char::is_alphanumeric)
        {
            mark.open = true;
        }
        let language = if mark.open {
            let language = self.language_here();
            self.open_quotes.push(OpenQuote {
                double: mark.double,
                language: language.clone(),
            });
            language
        } else {
            match self
                .open_quotes
                .iter()
                .rposition(|q| q.double == mark.double)
            {
                // Quotes opened inside it and never closed end with it.
                Some(i) => self.open_quotes.drain(i..).next()?.language,
                None if mark.double => self.language_here(),
                None => return None,
            }
        };
        let inside = if mark.open { after } else { before };
        Some(quotes::text(
            mark,
            &language,
            inside.is_some_and(char::is_whitespace),
        ))
    }

    fn top(&mut self) -> &mut Frame {
        self.stack.last_mut().expect("root frame")
    }

    fn in_html_block(&self) -> bool {
        matches!(self.stack.last().map(|f| &f.kind), Some(Kind::HtmlBlock))
    }

    /// One event: pulldown-cmark's, or one of pandoc's syntax found among them.
    fn ev(&mut self, ev: Ev<'_>, range: std::ops::Range<usize>) {
        match ev {
            Ev::Md(Event::Rule) => match self.fences.range(range.clone()).next() {
                Some((_, (fence, line))) => {
                    let (fence, line) = (fence.clone(), line.clone());
                    self.fence(&fence, line)
                }
                None => self.event(Event::Rule, range),
            },
            Ev::Md(event) => self.event(event, range),
            Ev::SpanOpen(attrs) => self.span_open(attrs, range),
            Ev::SpanClose => self.span_close(),
            Ev::NoteOpen => self.note_open(),
            Ev::NoteClose => self.note_close(),
        }
    }

    /// One event of pulldown-cmark: one short arm per kind of event.
    fn event(&mut self, event: Event<'_>, range: std::ops::Range<usize>) {
        if let Some(name) = self.in_code_element.clone() {
            // The content of an inline <script> or <style> is code, not text.
            match &event {
                Event::Text(_)
                | Event::Code(_)
                | Event::InlineMath(_)
                | Event::DisplayMath(_)
                | Event::SoftBreak
                | Event::HardBreak
                | Event::FootnoteReference(_) => return,
                Event::InlineHtml(h) | Event::Html(h) if !self.in_html_block() => {
                    if html::closes(h, &name) {
                        self.in_code_element = None;
                    }
                    return;
                }
                Event::End(end) if !is_inline_end(end) => self.in_code_element = None,
                _ => {}
            }
        }
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(end) => {
                if self.too_deep > 0 && is_container_end(&end) {
                    self.too_deep -= 1;
                    return;
                }
                if self.inline_too_deep > 0 && is_inline_end(&end) {
                    self.inline_too_deep -= 1;
                    return;
                }
                // Raw HTML left open inside this Markdown container ends with it.
                while self.stack.last().is_some_and(|f| f.html.is_some()) {
                    self.close();
                }
                self.close()
            }
            Event::Text(t) => {
                let mut t = self.decoded(t.into_string(), range.clone());
                if let Some(q) = self.quote_mark(&t, range.clone()) {
                    t = q;
                }
                let top = self.top();
                match top.kind {
                    Kind::CodeBlock(_) | Kind::HtmlBlock | Kind::Metadata => {
                        top.text_map.push((top.text.len(), range.start));
                        top.text.push_str(&t)
                    }
                    _ => {
                        let at =
                            range.start - usize::from(self.text[..range.start].ends_with('\\'));
                        if self.text[at..].starts_with("\\@ref(") {
                            self.cannot_honour(
                                at..at + 6,
                                "bookdown's `\\@ref(…)` is printed as written: bookbind does not number figures and tables",
                                "link to the place instead: `[the figure](#fig-id)`",
                            );
                        }
                        let literal = literal_prefix(self.text, &t, range.clone());
                        self.top().pending.push(Piece {
                            text: t,
                            source: range.start,
                            literal,
                        });
                    }
                }
            }
            Event::Code(c) => self.push_inline(Inline::Code(c.into_string())),
            Event::InlineMath(m) => self.push_inline(Inline::Math(m.into_string())),
            Event::DisplayMath(m) => self.push_inline(Inline::Math(m.into_string())),
            Event::Html(h) => {
                let top = self.top();
                if matches!(top.kind, Kind::HtmlBlock) {
                    top.text_map.push((top.text.len(), range.start));
                    top.text.push_str(&h);
                } else {
                    self.inline_html(&h, range);
                }
            }
            Event::InlineHtml(h) => self.inline_html(&h, range),
            Event::FootnoteReference(label) => self.push_inline(Inline::FootnoteRef {
                number: 0,
                id: label.into_string(),
            }),
            Event::SoftBreak => self.top().pending.push(Piece {
                text: "\n".into(),
                source: range.start,
                literal: 0,
            }),
            Event::HardBreak => self.push_inline(Inline::LineBreak),
            Event::Rule => self.push_block(Block::Rule),
            Event::TaskListMarker(done) => {
                for f in self.stack.iter_mut().rev() {
                    if let Kind::Item { checked } = &mut f.kind {
                        *checked = Some(done);
                        break;
                    }
                }
            }
        }
    }

    /// The frame a Markdown start tag opens; explicit heading ids are noted here.
    /// The word of a quote that opens like a GitHub alert of a kind GitHub does
    /// not know (`> [!EXAMPLE]` alone on its first line), with a warning there.
    fn unknown_alert(&mut self, range: std::ops::Range<usize>) -> Option<String> {
        let text = self.text.get(range.clone())?;
        let line = text.lines().next()?;
        let at = line.find("[!")?;
        if !line[..at]
            .chars()
            .all(|c| c == '>' || c == ' ' || c == '\t')
        {
            return None;
        }
        let rest = &line[at + 2..];
        let end = rest.find(']')?;
        let word = &rest[..end];
        if word.is_empty()
            || !word
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
            || !rest[end + 1..].trim().is_empty()
        {
            return None;
        }
        let start = range.start + at;
        self.out.diagnostics.push(
            Diagnostic::warning(
                Code::W0133,
                format!("`[!{word}]` is no GitHub alert: it is a quote labelled `{word}`"),
            )
            .at(self.span(start..start + end + 3))
            .hint("GitHub's alerts are NOTE, TIP, IMPORTANT, WARNING and CAUTION"),
        );
        Some(word.to_string())
    }

    /// Syntax of another tool that bookbind prints as written: a warning at its
    /// place.
    fn cannot_honour(&mut self, at: std::ops::Range<usize>, message: &str, hint: &str) {
        self.out.diagnostics.push(
            Diagnostic::warning(Code::W0134, message)
                .at(self.span(at))
                .hint(hint),
        );
    }

    fn kind_of(&mut self, tag: Tag<'_>, range: std::ops::Range<usize>) -> Kind {
        match tag {
            Tag::Paragraph => Kind::Paragraph,
            Tag::Heading {
                level, id, classes, ..
            } => {
                if let Some(id) = &id {
                    let at = self.text[range.clone()]
                        .rfind(&format!("#{id}"))
                        .map_or(range.clone(), |i| {
                            range.start + i..range.start + i + id.len() + 1
                        });
                    let span = self.span(at);
                    self.out.explicit_ids.push((id.to_string(), span));
                }
                let mut classes: Vec<String> =
                    classes.into_iter().map(|c| c.into_string()).collect();
                // pulldown-cmark reads pandoc's `{-}` and drops it: it is `.unnumbered`.
                if unnumbered_mark(&self.text[range.clone()])
                    && !classes.iter().any(|c| c == "unnumbered")
                {
                    classes.push("unnumbered".into());
                }
                Kind::Heading {
                    level: heading_level(level),
                    id: id.map(|s| s.into_string()),
                    classes,
                }
            }
            Tag::BlockQuote(k) => {
                let unknown = match k {
                    None => self.unknown_alert(range.clone()),
                    Some(_) => None,
                };
                Kind::Quote(k, unknown)
            }
            Tag::CodeBlock(CodeBlockKind::Fenced(ref info))
                if info.trim_start().starts_with('{')
                    && info.trim_start()[1..].starts_with(|c: char| c.is_ascii_alphabetic()) =>
            {
                let lang: String = info.trim_start()[1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                let at = range.start..range.start + 3;
                self.cannot_honour(
                    at,
                    &format!("a `{{{lang}}}` chunk of R Markdown or Quarto is printed as code: bookbind runs no code"),
                    "knit or render the document first, and bind the Markdown it writes",
                );
                Kind::CodeBlock(Some(lang))
            }
            Tag::CodeBlock(kind) => Kind::CodeBlock(match kind {
                CodeBlockKind::Fenced(info) => info
                    .split_whitespace()
                    .next()
                    .map(|s| {
                        s.trim_matches(|c| c == '{' || c == '}' || c == '.')
                            .to_string()
                    })
                    .filter(|s| !s.is_empty()),
                CodeBlockKind::Indented => None,
            }),
            Tag::HtmlBlock => Kind::HtmlBlock,
            Tag::List(start) => Kind::List(start),
            Tag::Item => Kind::Item { checked: None },
            Tag::FootnoteDefinition(label) => Kind::FootnoteDef(label.into_string()),
            Tag::Table(al) => Kind::Table(al),
            Tag::TableHead => Kind::TableHead,
            Tag::TableRow => Kind::TableRow,
            Tag::TableCell => Kind::TableCell { head: false },
            Tag::DefinitionList => Kind::DefList,
            Tag::DefinitionListTitle => Kind::DefTitle,
            Tag::DefinitionListDefinition => Kind::DefDetail,
            Tag::Emphasis => Kind::Emphasis,
            Tag::Strong => Kind::Strong,
            Tag::Strikethrough => Kind::Strike,
            Tag::Superscript => Kind::Superscript,
            Tag::Subscript => Kind::Subscript,
            Tag::Link {
                dest_url, title, ..
            } => Kind::Link {
                dest: dest_url.into_string(),
                title: self.decoded(title.into_string(), range.clone()),
                span: self.span(range.clone()),
            },
            Tag::Image {
                dest_url, title, ..
            } => Kind::Image {
                dest: dest_url.into_string(),
                title: self.decoded(title.into_string(), range.clone()),
                span: self.span(range.clone()),
            },
            Tag::MetadataBlock(_) => Kind::Metadata,
        }
    }

    /// Opens a frame for a Markdown start tag.
    fn start(&mut self, tag: Tag<'_>, range: std::ops::Range<usize>) {
        let kind = self.kind_of(tag, range.clone());
        if is_inline_kind(&kind) {
            let depth = self
                .stack
                .iter()
                .filter(|f| is_inline_kind(&f.kind))
                .count();
            if depth >= MAX_DEPTH {
                if !self.inline_depth_reported {
                    self.inline_depth_reported = true;
                    self.out.diagnostics.push(
                        Diagnostic::warning(
                            Code::W0105,
                            format!("emphasis, links and other inline formatting nested deeper than {MAX_DEPTH} levels are flattened"),
                        )
                        .at(self.span(range.start..range.start + 1)),
                    );
                }
                self.inline_too_deep += 1;
                return;
            }
        }
        // Markdown inside a raw HTML list or table is in an item or a cell.
        if !matches!(kind, Kind::HtmlBlock | Kind::Metadata) {
            self.imply_children(&kind);
        }
        // Text directly in a tight list item becomes a paragraph before a nested block.
        if !is_inline_kind(&kind) {
            self.paragraph_before_block();
            self.open_quotes.clear();
        }
        if is_container(&kind) {
            let depth = self.stack.iter().filter(|f| is_container(&f.kind)).count();
            if depth >= MAX_DEPTH && holds_blocks(&self.top().kind) {
                if self.too_deep == 0 {
                    self.out.diagnostics.push(
                        Diagnostic::warning(
                            Code::W0105,
                            format!("quotes and lists nested deeper than {MAX_DEPTH} levels are flattened"),
                        )
                        .at(self.span(range.start..range.start + 1)),
                    );
                }
                self.too_deep += 1;
                return;
            }
        }
        let mut f = Frame::new(kind);
        if matches!(f.kind, Kind::TableHead | Kind::TableRow) {
            f.row = Some(range);
        }
        self.stack.push(f);
    }

    /// Text after entities were decoded: `&#1;` makes a control character the file
    /// did not hold (the loader removed those); it is removed here, with a warning.
    fn decoded(&mut self, text: String, range: std::ops::Range<usize>) -> String {
        let (clean, removed) = clean::strip(&text);
        let Some(&(_, c)) = removed.places.first() else {
            return text;
        };
        let clean = clean.into_owned();
        self.out.diagnostics.push(
            Diagnostic::warning(
                Code::W0108,
                format!(
                    "a character reference to the control character {} is removed",
                    clean::code_point(c)
                ),
            )
            .at(self.span(range))
            .hint("no e-reader or font shows it; write the character you mean, or `&ndash;`, `&hellip;` ..."),
        );
        clean
    }

    fn report_html_depth(&mut self, range: std::ops::Range<usize>) {
        if !self.html_depth_reported {
            self.html_depth_reported = true;
            self.out.diagnostics.push(
                Diagnostic::warning(
                    Code::W0105,
                    format!("raw HTML nested deeper than {MAX_DEPTH} levels is flattened"),
                )
                .at(self.span(range.start..(range.start + 1).min(range.end))),
            );
        }
    }

    /// One warning for the scripts, handlers and frames in a piece of raw HTML, at
    /// the first of them.
    fn warn_dangers(&mut self, h: &str, to_source: impl Fn(usize) -> usize) {
        let found = html::dangers(h);
        let Some(first) = found.first() else {
            return;
        };
        let more = match found.len() - 1 {
            0 => String::new(),
            n => format!(" (and {n} more here)"),
        };
        let span = self.span(to_source(first.range.start)..to_source(first.range.end));
        self.out.diagnostics.push(
            Diagnostic::warning(
                Code::W0104,
                format!("{} in raw HTML is removed{more}", first.what),
            )
            .at(span)
            .label("removed")
            .hint("e-readers and print run no scripts; the rest of the HTML is kept"),
        );
    }

    fn push_inline(&mut self, inline: Inline) {
        self.imply_children(&Kind::Emphasis);
        let mut top = self.stack.pop().expect("frame");
        self.flush_inlines(&mut top);
        top.inlines.push(inline);
        self.stack.push(top);
    }

    /// Text and inlines directly in a frame that holds blocks become a paragraph,
    /// before the block that comes next.
    fn paragraph_before_block(&mut self) {
        let mut top = self.stack.pop().expect("frame");
        self.flush_inlines(&mut top);
        if !top.inlines.is_empty() && holds_blocks(&top.kind) {
            let inl = trimmed(std::mem::take(&mut top.inlines));
            if !inl.is_empty() {
                top.blocks.push(Block::Paragraph(inl));
            }
        }
        self.stack.push(top);
    }

    fn push_block(&mut self, block: Block) {
        self.imply_children(&Kind::Paragraph);
        let mut top = self.stack.pop().expect("frame");
        self.flush_inlines(&mut top);
        if !top.inlines.is_empty() {
            let inl = std::mem::take(&mut top.inlines);
            top.blocks.push(Block::Paragraph(inl));
        }
        top.blocks.push(block);
        self.stack.push(top);
    }

    /// Turns pending text into Text and Citation inlines.
    fn flush_inlines(&mut self, frame: &mut Frame) {
        if frame.pending.is_empty() {
            return;
        }
        let pieces = std::mem::take(&mut frame.pending);
        let mut joined = String::new();
        // The same text with literal characters blanked out, for finding citations.
        let mut syntax = String::new();
        let mut map: Vec<(usize, usize, usize)> = Vec::new(); // (joined start, source start, len)
        for p in &pieces {
            map.push((joined.len(), p.source, p.text.len()));
            joined.push_str(&p.text);
            let literal = p.literal.min(p.text.len());
            syntax.extend(std::iter::repeat_n(' ', literal));
            syntax.push_str(&p.text[literal..]);
        }
        let to_source = |pos: usize| -> usize {
            let i = map
                .partition_point(|&(js, _, _)| js <= pos)
                .saturating_sub(1);
            let (js, so, len) = map[i];
            so + (pos - js).min(len)
        };
        let (found, malformed) = cite::find_all(&syntax);
        for r in malformed {
            self.out.diagnostics.push(
                Diagnostic::error(
                    Code::E0014,
                    format!("`{}` is not a citation bookbind can read", &joined[r.clone()]),
                )
                .at(self.span(to_source(r.start)..to_source(r.end)))
                .label("one `@key` between each `;`")
                .hint("write `[@key]`, `[@key, p. 3]` or `[see @a; @b, ch. 2]`; to print it as text, escape the bracket: `\\[`"),
            );
        }
        let mut last = 0;
        for f in found {
            if f.range.start > last {
                push_text(&mut frame.inlines, &joined[last..f.range.start]);
            }
            let span = self.span(to_source(f.range.start)..to_source(f.range.end));
            let items = f
                .items
                .into_iter()
                .map(|it| CiteItem {
                    key: it.key,
                    prefix: it.prefix,
                    locator: it.locator,
                    suffix: it.suffix,
                    suppress_author: it.suppress_author,
                    span: self.span(to_source(it.key_range.start)..to_source(it.key_range.end)),
                })
                .collect();
            frame.inlines.push(Inline::Citation(Citation {
                items,
                narrative: f.narrative,
                span,
                source_text: joined[f.range.clone()].to_string(),
                rendered: Vec::new(),
            }));
            last = f.range.end;
        }
        if last < joined.len() {
            push_text(&mut frame.inlines, &joined[last..]);
        }
    }

    /// Closes the frame on top and hands what it made to the frame below.
    fn close(&mut self) {
        let mut frame = self.stack.pop().expect("frame");
        if !is_inline_kind(&frame.kind) {
            // Inline HTML left open in a block is closed there.
            self.html_dropped = 0;
        }
        if !is_inline_kind(&frame.kind) && !matches!(frame.kind, Kind::Span(..)) {
            // Quotes pair within a block, as smart punctuation pairs them.
            self.open_quotes.clear();
        }
        self.flush_inlines(&mut frame);
        let mut inl = std::mem::take(&mut frame.inlines);
        // Raw HTML's line breaks around a block's text are no text; inside an
        // inline element (`<label>Name </label>`) spaces are.
        if frame.html.is_some()
            && !is_inline_kind(&frame.kind)
            && !matches!(frame.kind, Kind::Span(..))
        {
            inl = trimmed(inl);
        }
        let language = language_kept(&frame);
        let before = self.stack.last().map(|f| (f.inlines.len(), f.blocks.len()));
        let depth = self.stack.len();
        match frame.kind {
            Kind::Table(_)
            | Kind::TableHead
            | Kind::TableRow
            | Kind::TableCell { .. }
            | Kind::DefList
            | Kind::DefTitle
            | Kind::DefDetail => self.close_table_or_definitions(frame, inl),
            _ => self.close_block_or_inline(frame, inl),
        }
        if let Some((inline, attrs)) = language {
            // What the frame made is the last of the frame below it (or of one
            // the push implied, on top of it).
            let top = self.top();
            let made = if inline {
                top.inlines.len()
            } else {
                top.blocks.len()
            };
            let grown = self.stack.len() > depth
                || before.is_some_and(|(i, b)| made > if inline { i } else { b });
            if grown {
                self.wrap_last(inline, attrs);
            }
        }
    }

    /// Puts the last inline (or block) of the top frame in a span (or div) with
    /// `attrs`.
    fn wrap_last(&mut self, inline: bool, attrs: Attrs) {
        let top = self.top();
        if inline {
            if let Some(last) = top.inlines.pop() {
                top.inlines.push(Inline::Span {
                    tag: HtmlTag::Span,
                    attrs,
                    content: vec![last],
                });
            }
        } else if let Some(last) = top.blocks.pop() {
            top.blocks.push(Block::Element(Element {
                tag: HtmlTag::Div,
                attrs,
                blocks: vec![last],
            }));
        }
    }

    /// Closing a paragraph, heading, quote, list, note, code, raw HTML or inline.
    fn close_block_or_inline(&mut self, frame: Frame, inl: Vec<Inline>) {
        match frame.kind {
            Kind::Root => unreachable!("root is never closed by an event"),
            Kind::Paragraph if inl.is_empty() => {}
            Kind::Paragraph => self.push_block(Block::Paragraph(inl)),
            Kind::Heading {
                level, id, classes, ..
            } => self.push_block(Block::Heading(Heading {
                level,
                id: id.unwrap_or_default(),
                content: inl,
                classes,
            })),
            Kind::Quote(kind, unknown) => {
                let mut blocks = with_paragraph(frame.blocks, inl);
                if let Some(word) = unknown {
                    label_unknown_alert(&mut blocks, &word);
                }
                let attribution = take_attribution(&mut blocks);
                self.push_block(Block::Quote {
                    blocks,
                    attribution,
                    kind: kind.map(alert),
                })
            }
            Kind::List(start) => self.push_block(Block::List {
                start,
                items: frame.items,
            }),
            Kind::Item { checked } => {
                let blocks = with_paragraph(frame.blocks, inl);
                if let Some(list) = self.stack.last_mut() {
                    list.items.push(ListItem { checked, blocks });
                }
            }
            Kind::FootnoteDef(label) => {
                let blocks = with_paragraph(frame.blocks, inl);
                self.out.footnotes.push(Footnote {
                    id: label.clone(),
                    label,
                    blocks,
                });
            }
            Kind::CodeBlock(language) => self.push_block(Block::Code {
                language,
                text: frame.text,
                tokens: Vec::new(),
            }),
            Kind::HtmlBlock => self.html_block(&frame.text, &frame.text_map),
            Kind::Element(tag, attrs) => {
                let blocks = with_paragraph(frame.blocks, inl);
                self.push_block(Block::Element(Element { tag, attrs, blocks }))
            }
            Kind::Metadata => {}
            Kind::Span(tag, attrs) => self.push_inline(Inline::Span {
                tag,
                attrs,
                content: inl,
            }),
            Kind::InlineNote => {
                self.inline_notes += 1;
                // A label no `[^label]` can write: brackets end a label.
                let label = format!("^[{}]", self.inline_notes);
                self.out.footnotes.push(Footnote {
                    id: label.clone(),
                    label: label.clone(),
                    blocks: vec![Block::Paragraph(inl)],
                });
                self.push_inline(Inline::FootnoteRef {
                    number: 0,
                    id: label,
                })
            }
            Kind::Emphasis => self.push_inline(Inline::Emphasis(inl)),
            Kind::Strong => self.push_inline(Inline::Strong(inl)),
            Kind::Strike => self.push_inline(Inline::Strikethrough(inl)),
            Kind::Superscript => self.push_inline(Inline::Superscript(inl)),
            Kind::Subscript => self.push_inline(Inline::Subscript(inl)),
            Kind::Link { dest, title, span } => self.push_inline(Inline::Link {
                target: LinkTarget::Unresolved { dest, span },
                title,
                content: inl,
            }),
            Kind::Image { dest, title, span } => self.push_inline(Inline::Image {
                source: ImageSource::Unresolved {
                    dest,
                    span: span.clone(),
                },
                alt: Inline::plain_text(&inl),
                title,
                span,
            }),
            Kind::Table(_)
            | Kind::TableHead
            | Kind::TableRow
            | Kind::TableCell { .. }
            | Kind::DefList
            | Kind::DefTitle
            | Kind::DefDetail => unreachable!("closed by close_table_or_definitions"),
        }
    }

    /// GFM drops the cells of a row past the header's count: a warning says so,
    /// at the row, so that no word goes without one.
    fn check_row_cells(&mut self, row: std::ops::Range<usize>) {
        let Some(Kind::Table(al)) = self.stack.last().map(|f| &f.kind) else {
            return;
        };
        let columns = al.len();
        let line = self.text[row.clone()].lines().next().unwrap_or("");
        let cells = gfm_cells(line);
        if cells > columns {
            self.out.diagnostics.push(
                Diagnostic::warning(
                    Code::W0118,
                    format!("this table row has {cells} cells and its header {columns}: the cells past the header are dropped"),
                )
                .at(self.span(row.start..row.start + line.len()))
                .hint("add the columns to the header row, or join the cells"),
            );
        }
    }

    /// Closing a table, a row, a cell, a definition list, a term or a definition.
    fn close_table_or_definitions(&mut self, frame: Frame, inl: Vec<Inline>) {
        match frame.kind {
            Kind::Table(ref al) => {
                let al = al.clone();
                if let Some(table) = table_block(&al, frame) {
                    self.push_block(table);
                }
            }
            Kind::TableHead | Kind::TableRow => {
                if let Some(r) = &frame.row {
                    self.check_row_cells(r.clone());
                }
                let all_th = frame.th > 0 && frame.th == frame.cells.len();
                if let Some(t) = self.stack.last_mut() {
                    if t.rows.is_empty() && all_th {
                        t.head_row = true;
                    }
                    t.rows.push(frame.cells);
                }
            }
            Kind::TableCell { head } => {
                // Blocks that raw HTML put in a cell are set as lines of text.
                let content = raw_html::lines_of(with_paragraph(frame.blocks, inl));
                if let Some(r) = self.stack.last_mut() {
                    r.cells.push(content);
                    r.th += usize::from(head);
                }
            }
            Kind::DefList => self.push_block(Block::DefinitionList(frame.defs)),
            Kind::DefTitle => {
                let term = raw_html::lines_of(with_paragraph(frame.blocks, inl));
                if let Some(l) = self.stack.last_mut() {
                    l.defs.push(Definition {
                        term,
                        details: Vec::new(),
                    });
                }
            }
            Kind::DefDetail => {
                let blocks = with_paragraph(frame.blocks, inl);
                if let Some(l) = self.stack.last_mut() {
                    match l.defs.last_mut() {
                        Some(d) => d.details.push(blocks),
                        None => l.defs.push(Definition {
                            term: Vec::new(),
                            details: vec![blocks],
                        }),
                    }
                }
            }
            _ => unreachable!("closed by close_block_or_inline"),
        }
    }
}

/// The `lang` and `dir` of raw HTML on an element that becomes Markdown's own
/// (`<a dir="ltr">`, `<em lang="la">`, `<p lang="fr">`, `<blockquote dir="rtl">`),
/// which the model keeps on a span (true) or a div (false) around what it makes.
/// Headings, list items and cells keep none: a div around a heading would take
/// it out of the contents, and none may go around an item or a cell.
fn language_kept(frame: &Frame) -> Option<(bool, Attrs)> {
    let a = &frame.html.as_ref()?.attrs;
    if a.lang.is_none() && a.dir.is_none() {
        return None;
    }
    let inline = match frame.kind {
        Kind::Emphasis
        | Kind::Strong
        | Kind::Strike
        | Kind::Superscript
        | Kind::Subscript
        | Kind::Link { .. } => true,
        Kind::Paragraph | Kind::Quote(..) | Kind::List(_) | Kind::Table(_) | Kind::DefList => false,
        _ => return None,
    };
    let attrs = Attrs {
        lang: a.lang.clone(),
        dir: a.dir.clone(),
        ..Attrs::default()
    };
    Some((inline, attrs))
}

/// How many leading bytes of a text event are literal: all of it when the source
/// differs (an entity, `&#64;`), its first character when a backslash escapes it.
pub(super) fn literal_prefix(source: &str, text: &str, range: std::ops::Range<usize>) -> usize {
    if source.get(range.clone()) != Some(text) {
        return text.len();
    }
    let backslashes = source.as_bytes()[..range.start]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count();
    if backslashes % 2 == 1 {
        text.chars().next().map_or(0, char::len_utf8)
    } else {
        0
    }
}

fn is_inline_kind(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::Emphasis
            | Kind::Strong
            | Kind::Strike
            | Kind::Superscript
            | Kind::Subscript
            | Kind::Link { .. }
            | Kind::Image { .. }
            | Kind::InlineNote
    )
}

/// The cells of one line of a GFM table: pipes that are not escaped and not in a
/// code span separate them; a leading and a trailing pipe are no separators.
fn gfm_cells(line: &str) -> usize {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t).as_bytes();
    let mut separators = 0;
    // Whether the last thing that is not white space was a separator.
    let mut ends_with_separator = false;
    let mut code_run = 0usize;
    let mut i = 0;
    while i < t.len() {
        match t[i] {
            b'\\' => {
                ends_with_separator = false;
                i += 2;
                continue;
            }
            b'`' => {
                let run = t[i..].iter().take_while(|&&c| c == b'`').count();
                if code_run == 0 {
                    code_run = run;
                } else if code_run == run {
                    code_run = 0;
                }
                ends_with_separator = false;
                i += run;
                continue;
            }
            b'|' if code_run == 0 => {
                separators += 1;
                ends_with_separator = true;
            }
            c if c.is_ascii_whitespace() => {}
            _ => ends_with_separator = false,
        }
        i += 1;
    }
    separators + 1 - usize::from(ends_with_separator)
}

/// Whether a heading's attribute list (at the end of its first line) holds
/// pandoc's `-`, its short form of `.unnumbered`.
fn unnumbered_mark(heading: &str) -> bool {
    let line = heading.lines().next().unwrap_or("").trim_end();
    if !line.ends_with('}') {
        return false;
    }
    line.rmatch_indices('{').any(|(i, _)| {
        attributes::attribute_list(&line[i..]).is_some_and(|(a, len)| {
            i + len == line.len() && a.classes.iter().any(|c| c == "unnumbered")
        })
    })
}

/// The labels of the footnote definitions in `text`: lines `[^label]:` (up to
/// three spaces in, or in a quote or list, as definitions may be).
fn note_labels(text: &str) -> std::collections::HashSet<String> {
    if !text.contains("[^") {
        return Default::default();
    }
    text.lines()
        .filter_map(|l| {
            let l = l.trim_start_matches([' ', '\t', '>', '-', '*']);
            let rest = l.strip_prefix("[^")?;
            let (label, after) = rest.split_once(']')?;
            (after.starts_with(':') && !label.is_empty() && !label.contains(char::is_whitespace))
                .then(|| label.to_string())
        })
        .collect()
}

/// An unknown alert's first line, `[!WORD]`, becomes its label: the word, in
/// bold, as a paragraph of its own; the rest of the paragraph follows it.
fn label_unknown_alert(blocks: &mut Vec<Block>, word: &str) {
    let Some(Block::Paragraph(inl)) = blocks.first_mut() else {
        return;
    };
    let marker = format!("[!{word}]");
    let Some(Inline::Text(t)) = inl.first_mut() else {
        return;
    };
    let Some(rest) = t.strip_prefix(&marker) else {
        return;
    };
    let rest = rest.trim_start().to_string();
    if rest.is_empty() {
        inl.remove(0);
    } else {
        *t = rest;
    }
    while matches!(inl.first(), Some(Inline::LineBreak))
        || matches!(inl.first(), Some(Inline::Text(t)) if t.trim().is_empty())
    {
        inl.remove(0);
    }
    if inl.is_empty() {
        blocks.remove(0);
    }
    let mut label: String = word.to_lowercase();
    if let Some(first) = label.get(..1) {
        label = first.to_uppercase() + &label[1..];
    }
    blocks.insert(
        0,
        Block::Paragraph(vec![Inline::Strong(vec![Inline::Text(label)])]),
    );
}

/// A container's blocks, with the inlines still open in it as a last paragraph.
fn with_paragraph(mut blocks: Vec<Block>, inl: Vec<Inline>) -> Vec<Block> {
    if !inl.is_empty() {
        blocks.push(Block::Paragraph(inl));
    }
    blocks
}

fn alert(k: BlockQuoteKind) -> Alert {
    match k {
        BlockQuoteKind::Note => Alert::Note,
        BlockQuoteKind::Tip => Alert::Tip,
        BlockQuoteKind::Important => Alert::Important,
        BlockQuoteKind::Warning => Alert::Warning,
        BlockQuoteKind::Caution => Alert::Caution,
    }
}

/// A table from its frame. A Markdown table's first row is its head; a raw HTML
/// table's only when it is all `<th>`, and its rows may differ in length (they are
/// padded). None for a table without rows.
fn table_block(al: &[Alignment], frame: Frame) -> Option<Block> {
    let mut rows = frame.rows;
    let mut alignments: Vec<Align> = al
        .iter()
        .map(|a| match a {
            Alignment::None => Align::None,
            Alignment::Left => Align::Left,
            Alignment::Center => Align::Center,
            Alignment::Right => Align::Right,
        })
        .collect();
    let markdown = frame.html.is_none();
    let mut head = if rows.is_empty() || !(markdown || frame.head_row) {
        Vec::new()
    } else {
        rows.remove(0)
    };
    if !markdown {
        let cols = rows.iter().chain([&head]).map(Vec::len).max().unwrap_or(0);
        alignments.resize(cols, Align::None);
        for r in rows.iter_mut() {
            r.resize_with(cols, Vec::new);
        }
        if !head.is_empty() {
            head.resize_with(cols, Vec::new);
        }
    }
    (!(head.is_empty() && rows.is_empty())).then_some(Block::Table {
        alignments,
        head,
        rows,
    })
}

/// Inlines without the white space at their two ends (raw HTML's line breaks).
fn trimmed(mut inl: Vec<Inline>) -> Vec<Inline> {
    if let Some(Inline::Text(t)) = inl.first_mut() {
        let s = t.trim_start();
        if s.len() != t.len() {
            *t = s.to_string();
        }
    }
    if let Some(Inline::Text(t)) = inl.last_mut() {
        t.truncate(t.trim_end().len());
    }
    inl.retain(|i| !matches!(i, Inline::Text(t) if t.is_empty()));
    inl
}

fn push_text(inlines: &mut Vec<Inline>, text: &str) {
    if let Some(Inline::Text(t)) = inlines.last_mut() {
        t.push_str(text);
    } else {
        inlines.push(Inline::Text(text.to_string()));
    }
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A quote's last paragraph is its attribution when it starts with an em dash
/// (`— Reissing 1999`) or consists of a citation alone (`[@reissing1999]`).
fn take_attribution(blocks: &mut Vec<Block>) -> Option<Vec<Inline>> {
    if blocks.len() < 2 {
        return None;
    }
    let Some(Block::Paragraph(inl)) = blocks.last() else {
        return None;
    };
    let significant: Vec<&Inline> = inl
        .iter()
        .filter(|i| !matches!(i, Inline::Text(t) if t.trim().is_empty()))
        .collect();
    let citation_alone = significant.len() == 1 && matches!(significant[0], Inline::Citation(_));
    let dash = matches!(inl.first(), Some(Inline::Text(t)) if t.trim_start().starts_with('—') || t.trim_start().starts_with("--"));
    if !(citation_alone || dash) {
        return None;
    }
    let Some(Block::Paragraph(mut inl)) = blocks.pop() else {
        return None;
    };
    if dash {
        if let Some(Inline::Text(t)) = inl.first_mut() {
            *t = t
                .trim_start()
                .trim_start_matches(['—', '-'])
                .trim_start()
                .to_string();
        }
    }
    Some(inl)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Parsed {
        parse(SourceId(0), s)
    }

    #[test]
    fn bookdown_references_and_knitr_chunks_are_warnings_at_their_place() {
        let p = parse_str(
            "See Figure \\@ref(fig:a).\n\n```{r, echo=FALSE}\nplot(x)\n```\n\n```r\nok\n```\n",
        );
        let at: Vec<_> = p
            .diagnostics
            .iter()
            .map(|d| (d.code.as_str(), d.span.as_ref().unwrap().range.start))
            .collect();
        assert_eq!(at, [("W0134", 11), ("W0134", 26)]);
        // The text is kept as written; the chunk is code in its language.
        assert!(
            matches!(&p.blocks[0], Block::Paragraph(i) if Inline::plain_text(i) == "See Figure @ref(fig:a).")
        );
        assert!(
            matches!(&p.blocks[1], Block::Code { language: Some(l), text, .. } if l == "r" && text == "plot(x)\n")
        );
    }

    #[test]
    fn an_alert_of_a_kind_github_does_not_know_is_a_labelled_quote() {
        let p = parse_str(
            "> [!EXAMPLE]\n> Some *words*.\n\n> [!NOTE]\n> Known.\n\n> [!not a kind] text\n",
        );
        let codes: Vec<_> = p.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["W0133"]);
        assert_eq!(p.diagnostics[0].span.as_ref().unwrap().range, 2..12);
        let Block::Quote {
            blocks, kind: None, ..
        } = &p.blocks[0]
        else {
            panic!("{:?}", p.blocks[0])
        };
        assert!(matches!(&blocks[0], Block::Paragraph(i) if Inline::plain_text(i) == "Example"));
        assert!(
            matches!(&blocks[1], Block::Paragraph(i) if Inline::plain_text(i) == "Some words.")
        );
        assert!(matches!(
            &p.blocks[1],
            Block::Quote {
                kind: Some(Alert::Note),
                ..
            }
        ));
        let Block::Quote { blocks, .. } = &p.blocks[2] else {
            panic!()
        };
        assert!(
            matches!(&blocks[0], Block::Paragraph(i) if Inline::plain_text(i) == "[!not a kind] text")
        );
    }

    #[test]
    fn quote_with_em_dash_line_gets_an_attribution() {
        let p = parse_str("> Here I am\n>\n> — George Michael\n");
        match &p.blocks[0] {
            Block::Quote {
                blocks,
                attribution: Some(a),
                ..
            } => {
                assert_eq!(blocks.len(), 1);
                assert_eq!(Inline::plain_text(a), "George Michael");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn quote_ending_in_a_lone_citation_gets_it_as_attribution() {
        let p = parse_str("> A cycle evolves.\n>\n> [@crowley2006]\n");
        match &p.blocks[0] {
            Block::Quote {
                attribution: Some(a),
                ..
            } => assert!(matches!(a[0], Inline::Citation(_))),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn citation_span_points_at_the_source() {
        let src = "Text *x* and [@reissing1999, p. 2] end.\n";
        let p = parse_str(src);
        let Block::Paragraph(inl) = &p.blocks[0] else {
            panic!()
        };
        let c = inl
            .iter()
            .find_map(|i| match i {
                Inline::Citation(c) => Some(c),
                _ => None,
            })
            .expect("citation");
        assert_eq!(&src[c.span.range.clone()], "[@reissing1999, p. 2]");
        assert_eq!(&src[c.items[0].span.range.clone()], "reissing1999");
    }

    #[test]
    fn escaped_brackets_and_at_signs_are_not_citation_syntax() {
        for src in [
            "a \\[@k1] b\n",
            "a \\@k1 b\n",
            "a &#64;k1 b\n",
            "\\[@a @b]\n",
        ] {
            let p = parse_str(src);
            assert!(p.diagnostics.is_empty(), "{src}: {:?}", p.diagnostics);
            let Block::Paragraph(inl) = &p.blocks[0] else {
                panic!()
            };
            // `\[@k1]` is a bracket and a narrative `@k1`, as in pandoc.
            let bracketed = |i: &Inline| matches!(i, Inline::Citation(c) if !c.narrative);
            let narrative = |i: &Inline| matches!(i, Inline::Citation(c) if c.narrative);
            assert!(!inl.iter().any(bracketed), "{src}: {inl:?}");
            assert!(
                src.contains("\\[") || !inl.iter().any(narrative),
                "{src}: {inl:?}"
            );
        }
        let p = parse_str("[@a @b] and [@c]\n");
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.diagnostics[0].code, "E0014");
        assert_eq!(p.diagnostics[0].span.as_ref().unwrap().range, 0..7);
    }

    #[test]
    fn references_to_control_characters_are_removed_with_a_warning() {
        let p = parse_str("a&#1;b [l](u \"t&#x7;\")\n");
        let Block::Paragraph(inl) = &p.blocks[0] else {
            panic!()
        };
        assert_eq!(Inline::plain_text(inl), "ab l");
        let Some(Inline::Link { title, .. }) = inl.last() else {
            panic!("{inl:?}")
        };
        assert_eq!(title, "t");
        assert_eq!(p.diagnostics.len(), 2);
        assert!(p.diagnostics.iter().all(|d| d.code == "W0108"));
    }

    #[test]
    fn table_rows_with_more_cells_than_the_header_are_reported() {
        assert_eq!(gfm_cells("| 1 | 2 | three |"), 3);
        assert_eq!(gfm_cells("1 | 2"), 2);
        assert_eq!(gfm_cells("| `a|b` | c \\| d |"), 2);
        let p = parse_str("| a | b |\n|---|---|\n| 1 | 2 | three |\n| 4 | 5 |\n");
        let codes: Vec<_> = p.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["W0118"]);
        assert_eq!(p.diagnostics[0].span.as_ref().unwrap().range, 20..37);
    }

    #[test]
    fn tight_list_items_hold_paragraphs_and_nested_lists() {
        let p = parse_str("- a\n  - b\n- c\n");
        let Block::List { items, .. } = &p.blocks[0] else {
            panic!()
        };
        assert_eq!(items.len(), 2);
        assert!(matches!(items[0].blocks[0], Block::Paragraph(_)));
        assert!(matches!(items[0].blocks[1], Block::List { .. }));
    }

    #[test]
    fn pandoc_heading_classes_reach_the_heading_and_are_never_printed() {
        let p = parse_str("# One {-}\n\n## Two {.unnumbered .unlisted}\n\n## Three {#t - .x}\n\nFour {-}\n====\n\n## Five {.x}\n");
        let heads: Vec<(String, Vec<String>)> = p
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading(h) => Some((Inline::plain_text(&h.content), h.classes.clone())),
                _ => None,
            })
            .collect();
        let c = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            heads,
            [
                ("One".into(), c(&["unnumbered"])),
                ("Two".into(), c(&["unnumbered", "unlisted"])),
                ("Three".into(), c(&["x", "unnumbered"])),
                ("Four".into(), c(&["unnumbered"])),
                ("Five".into(), c(&["x"])),
            ]
        );
    }

    fn text_in(s: &str, language: &str) -> String {
        let p = parse_in(SourceId(0), s, language);
        let Some(Block::Paragraph(inl)) = p.blocks.first() else {
            panic!("{:?}", p.blocks)
        };
        Inline::plain_text(inl)
    }

    #[test]
    fn straight_quotes_become_the_languages_marks() {
        let src = "\"Il a dit 'non'\", dit-il.";
        assert_eq!(text_in(src, "en"), "“Il a dit ‘non’”, dit-il.");
        assert_eq!(
            text_in(src, "fr"),
            "«\u{202F}Il a dit «\u{202F}non\u{202F}»\u{202F}», dit-il."
        );
        assert_eq!(text_in(src, "de-DE"), "„Il a dit ‚non‘“, dit-il.");
        assert_eq!(text_in(src, "ja"), "「Il a dit 『non』」, dit-il.");
        // Quotes with no space around them, as Japanese writes them.
        assert_eq!(
            text_in("\"こんにちは\"と'さようなら'を言った。", "ja"),
            "「こんにちは」と『さようなら』を言った。"
        );
        assert_eq!(text_in("\"你好\"他说", "zh-TW"), "「你好」他说");
        assert_eq!(text_in(src, "ru"), "«Il a dit „non“», dit-il.");
        // Quotes around emphasis, and in a heading.
        assert_eq!(text_in("\"*so*\" he said", "de"), "„so“ he said");
        let p = parse_in(SourceId(0), "# \"Titel\"\n", "de");
        assert!(
            matches!(&p.blocks[0], Block::Heading(h) if Inline::plain_text(&h.content) == "„Titel“")
        );
    }

    #[test]
    fn apostrophes_and_curly_quotes_stay_as_written() {
        assert_eq!(
            text_in("l'homme, don't, the students' books, 'tis", "fr"),
            "l’homme, don’t, the students’ books, ’tis"
        );
        // A single quote around words with an apostrophe inside.
        assert_eq!(
            text_in("'I don't know,' she said.", "de"),
            "‚I don’t know,‘ she said."
        );
        assert_eq!(text_in("“typed” «as» „is“", "de"), "“typed” «as» „is“");
        // Entities and escapes are straight quotes the author asked for.
        assert_eq!(text_in("&quot;a&quot; \\\"b\\\"", "de"), "\"a\" \"b\"");
        assert_eq!(text_in("`\"code\"` \"x\"", "de"), "\"code\" „x“");
    }

    #[test]
    fn quotes_inside_an_element_with_a_lang_are_that_languages() {
        assert_eq!(
            text_in(
                "\"a\" <span lang=\"de\">\"b\"</span> [\"c\"]{lang=fr} \"d\"",
                "en"
            ),
            "“a” „b“ «\u{202F}c\u{202F}» “d”"
        );
        let p = parse_in(
            SourceId(0),
            "<div lang=\"ja\" markdown=\"1\">\n\n\"一\"\n\n</div>\n",
            "en",
        );
        let Block::Element(e) = &p.blocks[0] else {
            panic!("{:?}", p.blocks)
        };
        assert!(matches!(&e.blocks[0], Block::Paragraph(i) if Inline::plain_text(i) == "「一」"));
    }

    #[test]
    fn lang_and_dir_on_html_that_becomes_markdowns_are_kept_around_it() {
        let p = parse_in(
            SourceId(0),
            "مرحبا <a href=\"https://x.org\" dir=\"ltr\">Mike</a> و <em lang=\"la\">sic</em>\n\n<p lang=\"fr\">oui</p>\n\n<blockquote dir=\"rtl\">\n\nنص\n\n</blockquote>\n",
            "ar",
        );
        let Block::Paragraph(inl) = &p.blocks[0] else {
            panic!("{:?}", p.blocks)
        };
        let spans: Vec<(Option<&str>, Option<&str>, &Inline)> = inl
            .iter()
            .filter_map(|i| match i {
                Inline::Span { attrs, content, .. } => {
                    Some((attrs.dir.as_deref(), attrs.lang(), &content[0]))
                }
                _ => None,
            })
            .collect();
        assert!(
            matches!(spans[0], (Some("ltr"), None, Inline::Link { .. })),
            "{spans:?}"
        );
        assert!(
            matches!(spans[1], (None, Some("la"), Inline::Emphasis(_))),
            "{spans:?}"
        );
        let Block::Element(e) = &p.blocks[1] else {
            panic!("{:?}", p.blocks)
        };
        assert_eq!(e.attrs.lang(), Some("fr"));
        assert!(matches!(&e.blocks[..], [Block::Paragraph(i)] if Inline::plain_text(i) == "oui"));
        let Block::Element(e) = &p.blocks[2] else {
            panic!("{:?}", p.blocks)
        };
        assert_eq!(e.attrs.dir(), Some(crate::model::Dir::Rtl));
        assert!(matches!(&e.blocks[..], [Block::Quote { .. }]));
    }

    #[test]
    fn a_wrapped_line_of_japanese_joins_without_a_space() {
        assert_eq!(
            text_in("日本語の\n文章です。\nNext line\n次", "ja"),
            "日本語の文章です。\nNext line\n次"
        );
        let p = parse_in(SourceId(0), "注[^1]\n\n[^1]: 日本\n語\n", "ja");
        assert_eq!(
            Inline::plain_text(match &p.footnotes[0].blocks[0] {
                Block::Paragraph(i) => i,
                b => panic!("{b:?}"),
            }),
            "日本語"
        );
    }

    #[test]
    fn very_deep_nesting_is_flattened_not_overflowing() {
        let src = ">".repeat(10_000) + " deep\n";
        let p = parse_str(&src);
        assert!(!p.diagnostics.is_empty());
        assert!(!p.blocks.is_empty());
    }
}
