//! The document model: the one representation between the front end (load, parse,
//! resolve) and the back ends (EPUB, PDF). Plain data only.
//!
//! Knows nothing of Markdown, YAML, XHTML or PDF; back ends read nothing else.
//! Its traversal is in `walk`: every step that looks at every block or every
//! piece of text uses it, so that no container is forgotten.

pub mod identifier;
pub mod pages;
pub mod walk;

use crate::diag::Span;

/// A whole book after `resolve`: metadata, parts in reading order, the one table of
/// contents and the formatted reference list.
#[derive(Debug, Clone)]
pub struct Book {
    pub meta: Metadata,
    pub parts: Vec<Part>,
    /// Built once by `resolve::toc`; every edition renders exactly this.
    pub toc: Vec<TocEntry>,
    /// The part the contents page goes before (`parts.len()`: after the last).
    pub contents_at: usize,
    pub settings: Settings,
    /// Images and other files the book refers to, by index from `Inline::Image`.
    pub resources: Vec<Resource>,
    pub cover: Option<usize>,
    /// Words both editions print that the author did not write, in the book's
    /// language (made by `resolve::labels`).
    pub labels: Labels,
    /// The labels of each part whose language is not the book's (None for the
    /// others), by part index: a French chapter's alerts and notes say so in French.
    pub part_labels: Vec<Option<Labels>>,
    /// The families the print edition sets text in (and the EPUB embeds):
    /// the author's, then installed ones for characters no other face has.
    pub typefaces: crate::fonts::Typefaces,
}

/// Words both editions print that the author did not write, in the book's
/// language: GitHub alerts' labels and the reference list's heading.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Labels {
    pub note: String,
    pub tip: String,
    pub important: String,
    pub warning: String,
    pub caution: String,
    pub references: String,
    /// The contents page's heading (and its name in the EPUB's navigation).
    pub contents: String,
    /// The heading of a part's notes (in the EPUB, their section's label).
    pub notes: String,
    /// The cover page's title in the EPUB.
    pub cover: String,
}

impl Labels {
    /// The label printed above an alert of kind `k`.
    pub fn alert(&self, k: Alert) -> &str {
        match k {
            Alert::Note => &self.note,
            Alert::Tip => &self.tip,
            Alert::Important => &self.important,
            Alert::Warning => &self.warning,
            Alert::Caution => &self.caution,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Metadata {
    pub title: String,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    /// BCP 47 language tag, e.g. `en` or `en-GB`.
    pub language: String,
    /// The book's identifier as given (an ISBN, DOI, URN or URL), else a UUID
    /// derived from its title and authors: the EPUB's unique identifier.
    pub identifier: String,
    /// Further identifiers, as given.
    pub identifiers: Vec<String>,
    pub publisher: Option<String>,
    pub rights: Option<String>,
    pub description: Option<String>,
    pub subjects: Vec<String>,
    /// Publication date as `YYYY-MM-DD`, when given.
    pub date: Option<String>,
    /// Seconds since the Unix epoch: `SOURCE_DATE_EPOCH`, else the manifest date,
    /// else the newest modification time of book.yaml, the parts and the bibliography.
    pub modified: i64,
}

/// Settings of each edition, validated at load time.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub epub: EpubSettings,
    pub pdf: PdfSettings,
}

/// Print geometry, in PDF points (1/72 in), validated at load time.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfSettings {
    pub width: f32,
    pub height: f32,
    /// Binding-side margin (left on rectos, right on versos).
    pub inner: f32,
    pub outer: f32,
    pub top: f32,
    pub bottom: f32,
    pub base_size: f32,
    /// Line height as a multiple of `base_size`.
    pub leading: f32,
    /// Chapters open on right-hand pages.
    pub recto_chapters: bool,
    /// Where footnotes are printed.
    pub notes: NotesAt,
    /// Justified lines may set their glyphs up to 2% wider or narrower (font
    /// expansion), for fewer hyphens and more even spaces.
    pub expansion: bool,
    /// The print-on-demand service the PDF is made for (`pdf.profile`): its
    /// minimum margins, trims, page counts and file rules apply. None by default.
    pub profile: Option<PrintService>,
    /// The paper the book is printed on (`pdf.paper`): the spine's width.
    pub paper: Paper,
    /// Whether pages carry bleed beyond the trim (`pdf.bleed`).
    pub bleed: Bleed,
    /// Where `pdf.trim` is written, when it is: the place of an error about a
    /// trim the service does not offer.
    pub trim_at: Option<Span>,
    /// Where `pdf.profile` is written, when it is.
    pub profile_at: Option<Span>,
}

/// A print-on-demand service whose rules the print edition follows (`pdf.profile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrintService {
    /// Amazon Kindle Direct Publishing, paperback.
    Kdp,
    /// IngramSpark (Lightning Source), paperback.
    Ingram,
    /// Lulu, paperback (perfect bound).
    Lulu,
}

impl PrintService {
    /// The name as `pdf.profile` and `check --profile` take it.
    pub fn name(self) -> &'static str {
        match self {
            PrintService::Kdp => "kdp",
            PrintService::Ingram => "ingram",
            PrintService::Lulu => "lulu",
        }
    }

    /// The service a name stands for, in any case.
    pub fn from_name(name: &str) -> Option<PrintService> {
        match name.trim().to_ascii_lowercase().as_str() {
            "kdp" => Some(PrintService::Kdp),
            "ingram" | "ingramspark" => Some(PrintService::Ingram),
            "lulu" => Some(PrintService::Lulu),
            _ => None,
        }
    }
}

/// The interior paper (`pdf.paper`): it sets the spine's width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Paper {
    #[default]
    White,
    Cream,
}

/// Bleed: pages larger than the trim, for what prints to the edge (`pdf.bleed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Bleed {
    /// Only when something on the pages reaches the trim. Nothing the
    /// typesetter draws does yet, so today this means none.
    #[default]
    Auto,
    /// Always, on the edges the service names (`true`).
    On,
    /// Never (`false`).
    Off,
}

/// Where the print edition sets footnotes (`pdf.notes`). The EPUB keeps its own:
/// each note after its chapter, shown as a pop-up where reading systems can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NotesAt {
    /// At the foot of the page that cites them, as print books set them.
    #[default]
    Foot,
    /// Together at the end of their chapter.
    Chapter,
    /// Together at the end of the book, under each chapter's title.
    Book,
}

impl Default for PdfSettings {
    /// 6 × 9 in trim, 0.875/0.625 in margins, 10.5 pt on 1.35 (TYPESETTING.md).
    fn default() -> Self {
        PdfSettings {
            width: 432.0,
            height: 648.0,
            inner: 63.0,
            outer: 45.0,
            top: 54.0,
            bottom: 54.0,
            base_size: 10.5,
            leading: 1.35,
            recto_chapters: true,
            notes: NotesAt::Foot,
            expansion: true,
            profile: None,
            paper: Paper::White,
            bleed: Bleed::Auto,
            trim_at: None,
            profile_at: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct EpubSettings {
    /// Asked for in the manifest; not done yet (a warning says so at load).
    pub embed_fonts: bool,
    /// Mark where each printed page begins and list the pages (`epub.page-list`):
    /// the print edition is laid out for it, also when only the EPUB is built.
    pub page_list: bool,
}

impl Default for EpubSettings {
    fn default() -> Self {
        EpubSettings {
            embed_fonts: false,
            page_list: true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Resource {
    /// Path inside the container, e.g. `images/map.png`.
    pub name: String,
    pub media_type: MediaType,
    /// The file's bytes, shared by both editions (the EPUB copies them into its
    /// container, the print edition into its pictures) rather than copied.
    pub data: std::sync::Arc<[u8]>,
}

/// The kinds of picture a book may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaType {
    Png,
    Jpeg,
    Gif,
    Webp,
    Svg,
}

impl MediaType {
    /// `image/png` ...
    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Png => "image/png",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Gif => "image/gif",
            MediaType::Webp => "image/webp",
            MediaType::Svg => "image/svg+xml",
        }
    }

    /// The file name extension the book gives it.
    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Png => "png",
            MediaType::Jpeg => "jpg",
            MediaType::Gif => "gif",
            MediaType::Webp => "webp",
            MediaType::Svg => "svg",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartKind {
    Front,
    Chapter,
    Back,
}

/// What a part is for; the back ends style and label parts by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    TitlePage,
    Disclaimer,
    Epigraph,
    Dedication,
    Copyright,
    Preface,
    Chapter,
    /// A title that opens a division of the book (mdBook's `# Part` in SUMMARY.md).
    Division,
    Bibliography,
    Other,
}

#[derive(Debug, Clone, Hash)]
pub struct Part {
    pub kind: PartKind,
    pub role: Role,
    /// Unique across the book; also the base of its file name in the EPUB.
    pub id: String,
    /// Plain-text title (from its first heading, or its file name).
    pub title: String,
    /// The heading that gave the title, rendered as the part's opening heading.
    pub heading: Option<Heading>,
    pub blocks: Vec<Block>,
    /// Footnote bodies in order of first reference; numbers are 1-based positions.
    pub footnotes: Vec<Footnote>,
    /// Whether the part appears in the table of contents.
    pub in_toc: bool,
    /// Its level in the contents: 1 at the top; 2 for a chapter in a division of
    /// the book or a sub-chapter (an mdBook's nested chapters), and so on.
    pub level: u8,
    /// Its language, when it is not the book's (BCP 47).
    pub language: Option<String>,
}

#[derive(Debug, Clone, Hash)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub content: Vec<Inline>,
    pub classes: Vec<String>,
}

#[derive(Debug, Clone, Hash)]
pub struct Footnote {
    pub id: String,
    pub label: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, Hash)]
pub enum Block {
    Heading(Heading),
    Paragraph(Vec<Inline>),
    /// A block quote; a final paragraph starting with an em dash, or consisting of a
    /// citation alone, becomes its attribution.
    Quote {
        blocks: Vec<Block>,
        attribution: Option<Vec<Inline>>,
        /// A GitHub-style alert (`> [!NOTE]`), if it is one.
        kind: Option<Alert>,
    },
    List {
        /// `Some(n)` for an ordered list starting at n.
        start: Option<u64>,
        items: Vec<ListItem>,
    },
    DefinitionList(Vec<Definition>),
    Code {
        /// The info string as written (`rust,ignore`, `js`), if any.
        language: Option<String>,
        text: String,
        /// Its highlighted stretches, in order and apart: byte ranges of `text`
        /// with their class; text between them is plain. Filled by resolve; empty
        /// for code in no language it knows.
        tokens: Vec<Token>,
    },
    Table {
        alignments: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    /// An element of raw HTML that holds blocks: `<figure>`, `<div dir="rtl">`,
    /// `<details>`, or a `<div>` that wraps Markdown.
    Element(Element),
    Math(String),
    Rule,
    /// The formatted bibliography, placed by resolve.
    References(Vec<Reference>),
}

#[derive(Debug, Clone, Hash)]
pub struct ListItem {
    pub checked: Option<bool>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, Hash)]
pub struct Definition {
    pub term: Vec<Inline>,
    pub details: Vec<Vec<Block>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Align {
    None,
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, Hash)]
pub enum Inline {
    Text(String),
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Strikethrough(Vec<Inline>),
    Superscript(Vec<Inline>),
    Subscript(Vec<Inline>),
    Code(String),
    Math(String),
    Link {
        target: LinkTarget,
        title: String,
        content: Vec<Inline>,
    },
    Image {
        /// Index into `Book::resources` (or an external URL).
        source: ImageSource,
        alt: String,
        title: String,
        /// Where it is written: what the print edition's warnings about the
        /// picture point at (its source above no longer says once resolved).
        span: Span,
    },
    Citation(Citation),
    /// A reference to `Part::footnotes[number - 1]` of the same part.
    FootnoteRef {
        number: usize,
        id: String,
    },
    LineBreak,
    /// An element of raw inline HTML with no Markdown equivalent (`<kbd>`,
    /// `<span dir="rtl">`, `<mark>` ...), holding its content.
    Span {
        tag: Tag,
        attrs: Attrs,
        content: Vec<Inline>,
    },
}

/// A highlighted stretch of a code block: `text[start..end]` is of class `class`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub class: Highlight,
}

/// What a stretch of code is, for highlighting: a few classes that every language
/// maps to and every edition shows its own way (a CSS class, a colour and weight).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Highlight {
    Keyword,
    /// Type and class names, primitive types.
    Type,
    /// Function and macro names, where defined or called.
    Function,
    String,
    Number,
    /// Named constants: `true`, `None`, `null`, escapes.
    Constant,
    Comment,
    /// Attributes, annotations, decorators.
    Attribute,
    /// Markup tags and the keys of data files (HTML, XML, YAML, TOML).
    Tag,
    /// A diff's added and removed lines.
    Inserted,
    Deleted,
}

impl Highlight {
    /// Its name, lowercase (a class in the EPUB).
    pub fn name(self) -> &'static str {
        match self {
            Highlight::Keyword => "keyword",
            Highlight::Type => "type",
            Highlight::Function => "function",
            Highlight::String => "string",
            Highlight::Number => "number",
            Highlight::Constant => "constant",
            Highlight::Comment => "comment",
            Highlight::Attribute => "attribute",
            Highlight::Tag => "tag",
            Highlight::Inserted => "inserted",
            Highlight::Deleted => "deleted",
        }
    }
}

/// The kinds of GitHub's alerts (`> [!NOTE]` ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alert {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
}

impl Alert {
    /// Its name, lowercase (a class in the EPUB).
    pub fn name(self) -> &'static str {
        match self {
            Alert::Note => "note",
            Alert::Tip => "tip",
            Alert::Important => "important",
            Alert::Warning => "warning",
            Alert::Caution => "caution",
        }
    }

    /// The kind of box a `<div>` or fenced div of this class is (`::: warning`,
    /// `<div class="note">`, Quarto's `callout-tip`): the alerts' names and the
    /// admonitions other tools use for them.
    pub fn of_class(class: &str) -> Option<Alert> {
        let c = class.to_ascii_lowercase();
        let c = c.strip_prefix("callout-").unwrap_or(&c);
        Some(match c {
            "note" | "info" => Alert::Note,
            "tip" | "hint" => Alert::Tip,
            "important" => Alert::Important,
            "warning" | "attention" => Alert::Warning,
            "caution" | "danger" | "error" => Alert::Caution,
            _ => return None,
        })
    }

    // Its label is in the book's language: `Book::labels`.
}

impl Element {
    /// The box a `<div>` (or fenced div) is, from its first class that names one.
    pub fn alert(&self) -> Option<Alert> {
        if self.tag != Tag::Div {
            return None;
        }
        self.attrs.classes.iter().find_map(|c| Alert::of_class(c))
    }
}

/// Anchor ids the model makes (notes, their references, reference entries),
/// built here only, so that every edition links to the same ids.
pub mod anchor {
    /// The id of note `n` of a part.
    pub fn note(n: usize) -> String {
        format!("fn-{n}")
    }

    /// The id of the `k`-th reference (from 1) to note `n`.
    pub fn note_ref(n: usize, k: usize) -> String {
        if k == 1 {
            format!("fnref-{n}")
        } else {
            format!("fnref-{n}-{k}")
        }
    }

    /// The id of the reference-list entry for citation key `key`.
    pub fn reference(key: &str) -> String {
        let slug: String = key
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        format!("ref-{slug}")
    }
}

/// A raw HTML element that holds blocks.
#[derive(Debug, Clone, Hash)]
pub struct Element {
    pub tag: Tag,
    pub attrs: Attrs,
    pub blocks: Vec<Block>,
}

/// The raw HTML elements the model keeps as containers (others become Markdown's
/// own blocks and inlines, or the nearest of these). Each edition knows how to
/// show every one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    // Blocks.
    Div,
    Figure,
    Figcaption,
    Section,
    Article,
    Aside,
    Header,
    Footer,
    Nav,
    Details,
    Summary,
    Address,
    Center,
    // Inlines.
    Span,
    /// Italic without emphasis (a foreign phrase, a ship's name).
    I,
    /// Bold without importance.
    B,
    Kbd,
    Samp,
    Var,
    Code,
    Mark,
    Small,
    Abbr,
    Cite,
    Dfn,
    Q,
    U,
    Ins,
    Time,
    Bdi,
    Bdo,
}

impl Tag {
    /// The element's name in HTML.
    pub fn name(self) -> &'static str {
        match self {
            Tag::Div => "div",
            Tag::Figure => "figure",
            Tag::Figcaption => "figcaption",
            Tag::Section => "section",
            Tag::Article => "article",
            Tag::Aside => "aside",
            Tag::Header => "header",
            Tag::Footer => "footer",
            Tag::Nav => "nav",
            Tag::Details => "details",
            Tag::Summary => "summary",
            Tag::Address => "address",
            Tag::Center => "center",
            Tag::Span => "span",
            Tag::I => "i",
            Tag::B => "b",
            Tag::Kbd => "kbd",
            Tag::Samp => "samp",
            Tag::Var => "var",
            Tag::Code => "code",
            Tag::Mark => "mark",
            Tag::Small => "small",
            Tag::Abbr => "abbr",
            Tag::Cite => "cite",
            Tag::Dfn => "dfn",
            Tag::Q => "q",
            Tag::U => "u",
            Tag::Ins => "ins",
            Tag::Time => "time",
            Tag::Bdi => "bdi",
            Tag::Bdo => "bdo",
        }
    }

    /// Whether its text is set in the monospaced face (keys, program output, code).
    pub fn is_mono(self) -> bool {
        matches!(self, Tag::Kbd | Tag::Samp | Tag::Code)
    }

    /// Whether its text is set in italics (as browsers do).
    pub fn is_italic(self) -> bool {
        matches!(
            self,
            Tag::I | Tag::Cite | Tag::Dfn | Tag::Var | Tag::Address
        )
    }
}

/// The attributes of raw HTML that the model keeps; everything else is dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Attrs {
    /// A link target, unique in its part.
    pub id: Option<String>,
    pub classes: Vec<String>,
    /// `ltr`, `rtl` or `auto`.
    pub dir: Option<String>,
    /// BCP 47 language tag.
    pub lang: Option<String>,
    pub title: Option<String>,
    /// `<details open>`.
    pub open: bool,
}

/// A direction of writing (HTML's `dir`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dir {
    Ltr,
    Rtl,
    /// From the first strong character of the content (UAX #9's P2–P3).
    Auto,
}

impl Dir {
    /// Its value of HTML's `dir`.
    pub fn as_str(self) -> &'static str {
        match self {
            Dir::Ltr => "ltr",
            Dir::Rtl => "rtl",
            Dir::Auto => "auto",
        }
    }

    /// The direction a language is written in.
    pub fn of_language(language: &str) -> Dir {
        if right_to_left(language) {
            Dir::Rtl
        } else {
            Dir::Ltr
        }
    }
}

impl Attrs {
    /// The language of the element's content (BCP 47), when it says one: its
    /// quotation marks were set by it at parse; its hyphenation and its
    /// direction (`direction`) follow it.
    pub fn lang(&self) -> Option<&str> {
        self.lang.as_deref()
    }

    /// The direction written on the element (`dir`), if any.
    pub fn dir(&self) -> Option<Dir> {
        match self.dir.as_deref()? {
            "ltr" => Some(Dir::Ltr),
            "rtl" => Some(Dir::Rtl),
            "auto" => Some(Dir::Auto),
            _ => None,
        }
    }

    /// The direction of the element's content: its `dir`, else its language's
    /// (`lang="ar"` is right to left, `lang="en"` left to right), else None (that
    /// of the text around it).
    pub fn direction(&self) -> Option<Dir> {
        self.dir().or_else(|| self.lang().map(Dir::of_language))
    }
}

#[derive(Debug, Clone, PartialEq, Hash)]
pub enum LinkTarget {
    /// An absolute URL (`https:`, `mailto:` ...), left as written.
    External(String),
    /// A place in the book: a part, and an anchor in it (None = its top).
    Internal { part: usize, anchor: Option<String> },
    /// As written in the source; `resolve::links` replaces every one of these.
    Unresolved { dest: String, span: Span },
}

#[derive(Debug, Clone, Hash)]
pub enum ImageSource {
    Resource(usize),
    External(String),
    Unresolved { dest: String, span: Span },
}

/// A citation as written (`[@key, p. 3; @other]` or `@key`) and, after resolve,
/// its formatted text linked to the reference list.
#[derive(Debug, Clone, Hash)]
pub struct Citation {
    pub items: Vec<CiteItem>,
    /// `@key says` (author in the running text) rather than `[@key]`.
    pub narrative: bool,
    pub span: Span,
    /// The citation as written, shown when a narrative `@word` is not a citation.
    pub source_text: String,
    /// Filled by resolve: the formatted citation.
    pub rendered: Vec<Inline>,
}

#[derive(Debug, Clone, Hash)]
pub struct CiteItem {
    pub key: String,
    pub prefix: String,
    pub locator: Option<String>,
    pub suffix: String,
    /// `[-@key]`: the year only, the author being named in the text.
    pub suppress_author: bool,
    pub span: Span,
}

/// One formatted entry of the reference list.
#[derive(Debug, Clone, Hash)]
pub struct Reference {
    pub key: String,
    /// Anchor id of the entry, the target of every citation of it.
    pub id: String,
    pub content: Vec<Inline>,
}

/// One entry of the table of contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    pub title: String,
    /// 1 for a part, 2 for a section in it.
    pub level: u8,
    pub part: usize,
    /// None for the part's top.
    pub anchor: Option<String>,
}

impl Inline {
    /// The plain text of inline content, for titles, alt text and word counts:
    /// every text the walk reaches, a picture's alt text, a space for a line
    /// break; a note's number is no part of it.
    pub fn plain_text(inlines: &[Inline]) -> String {
        struct Plain(String);
        impl<'a> walk::Visit<'a> for Plain {
            fn inline(&mut self, i: &'a Inline) {
                match i {
                    Inline::Text(t) | Inline::Code(t) | Inline::Math(t) => self.0.push_str(t),
                    Inline::Image { alt, .. } => self.0.push_str(alt),
                    // Before resolve formats it, a citation is what the author wrote.
                    Inline::Citation(c) if c.rendered.is_empty() => self.0.push_str(&c.source_text),
                    Inline::LineBreak => self.0.push(' '),
                    _ => {}
                }
            }
        }
        let mut p = Plain(String::new());
        walk::walk_inlines(inlines, false, &mut p);
        p.0
    }
}

/// Feeds `value`'s `Debug` form to `hasher` without making the string: a key for
/// "the same as last time" that covers every field of a value that is not `Hash`
/// (the settings, which hold numbers; parts derive `Hash` and are keyed by it,
/// several times faster than by their `Debug` form's escaped strings).
pub fn hash_debug<H: std::hash::Hasher>(hasher: &mut H, value: &impl std::fmt::Debug) {
    struct Feed<'a, H>(&'a mut H);
    impl<H: std::hash::Hasher> std::fmt::Write for Feed<'_, H> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.write(s.as_bytes());
            Ok(())
        }
    }
    let _ = std::fmt::write(&mut Feed(hasher), format_args!("{value:?}"));
}

/// Whether a language is written right to left: by its script subtag when it
/// has one (`az-Arab`, `pa-Arab`), else by the language (Arabic, Persian, Hebrew,
/// Urdu, Yiddish, Pashto, Sindhi, Kurdish (Sorani), Dhivehi, Uyghur, Syriac).
pub fn right_to_left(language: &str) -> bool {
    let mut subtags = language.split(['-', '_']);
    let primary = subtags.next().unwrap_or_default().to_ascii_lowercase();
    for s in subtags {
        if s.len() == 4 {
            return matches!(
                s.to_ascii_lowercase().as_str(),
                "arab" | "hebr" | "thaa" | "syrc" | "nkoo" | "adlm" | "rohg" | "mand" | "samr"
            );
        }
    }
    matches!(
        primary.as_str(),
        "ar" | "fa" | "he" | "iw" | "ur" | "yi" | "ji" | "ps" | "sd" | "ckb" | "dv" | "ug" | "syr"
    )
}

impl Book {
    /// The words generated for part `part`: in its own language when it has one.
    pub fn labels_of(&self, part: usize) -> &Labels {
        self.part_labels
            .get(part)
            .and_then(Option::as_ref)
            .unwrap_or(&self.labels)
    }

    /// The number of words in the body text of all parts: every sequence of
    /// inlines the walk reaches that is not inside another (so link text is
    /// counted once), and code.
    /// Parts counted on every core.
    pub fn word_count(&self) -> usize {
        use rayon::prelude::*;
        self.parts
            .par_iter()
            .map(|p| {
                let mut n = 0;
                p.for_each_block(&mut |b| {
                    if let Block::Code { text, .. } = b {
                        n += text.split_whitespace().count();
                    }
                });
                p.for_each_text_run(&mut |inl| {
                    n += Inline::plain_text(inl).split_whitespace().count();
                });
                n
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::{right_to_left, Attrs, Dir};

    #[test]
    fn an_elements_direction_is_its_dir_else_its_languages() {
        let a = |dir: Option<&str>, lang: Option<&str>| Attrs {
            dir: dir.map(str::to_string),
            lang: lang.map(str::to_string),
            ..Attrs::default()
        };
        assert_eq!(a(None, None).direction(), None);
        assert_eq!(a(None, Some("ar")).direction(), Some(Dir::Rtl));
        assert_eq!(a(None, Some("en-US")).direction(), Some(Dir::Ltr));
        assert_eq!(a(Some("ltr"), Some("he")).direction(), Some(Dir::Ltr));
        assert_eq!(a(Some("auto"), None).dir(), Some(Dir::Auto));
        assert_eq!(a(None, Some("fa")).lang(), Some("fa"));
        assert_eq!(Dir::Rtl.as_str(), "rtl");
    }

    #[test]
    fn right_to_left_languages_by_language_or_script() {
        for rtl in [
            "ar",
            "fa-IR",
            "he",
            "iw",
            "ur",
            "yi",
            "ckb",
            "az-Arab",
            "pa-Arab-PK",
        ] {
            assert!(right_to_left(rtl), "{rtl}");
        }
        for ltr in ["en", "fr", "zh-Hant", "az", "az-Latn", "ku-Latn", "", "arn"] {
            assert!(!right_to_left(ltr), "{ltr}");
        }
    }
}
