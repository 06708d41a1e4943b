//! Blocks → the vertical list: lines (set by `paragraph`), spaces, rules, anchors
//! and part openings, each marked with what pagination must respect (keep with
//! next, position in its paragraph).
//!
//! Right-to-left text (a part in such a language, or a raw HTML element with
//! `dir="rtl"`) has its blocks mirrored: indents, list markers, note numbers and
//! table columns on the right, and its paragraphs set from the right edge. Code
//! and math stay left to right.
//!
//! Knows the book's blocks and the page width, not page breaks: `paginate` decides
//! those.

mod code;
mod figure;
mod notes;
mod table;

pub use table::TableMark;

use rayon::prelude::*;

use super::doc::{Color, Pt};
use super::fonts::Style;
use super::paragraph::{Align, Backdrop, Ctx, Line, Notes, Run, RunStyle, Source, Spec};
use crate::model::pages::{TextAt, TextKey};
use crate::model::walk::{walk_inlines, Visit};
use crate::model::{
    Alert, Block, Book, Definition, Element, Heading, Inline, LinkTarget, ListItem, NotesAt,
    PartKind, Reference, Role, Tag,
};

/// Where a line's baseline sits in its box, as a share of its height from the top
/// (where `paginate` puts it); code and backdrops place themselves by it.
pub const BASELINE: f32 = 0.78;
/// Alerts and boxes: their blocks this far from the rule on their start side, in
/// ems (the EPUB's padding: 1em, and the rule's width).
const BOX_INDENT_EM: f32 = 1.2;
/// The width of a box's rule, in points (the EPUB's 0.2em at 10pt).
const BOX_RULE: Pt = 2.0;
/// Block quotes: indent on both sides, in ems (TYPESETTING.md: ~1.5em).
const QUOTE_INDENT_EM: f32 = 1.5;
/// Quotes, references and notes are set a little smaller than the body.
const QUOTE_SCALE: f32 = 0.95;
const NOTE_SCALE: f32 = 0.88;
const CODE_SCALE: f32 = 0.85;
/// Paragraph first-line indent, in ems.
const INDENT_EM: f32 = 1.0;
/// Hanging indent of reference entries, in ems.
const HANG_EM: f32 = 2.0;
/// Chapter titles, relative to the body size.
const CHAPTER_TITLE_SCALE: f32 = 1.7;
const SECTION_SCALE: f32 = 1.15;

/// Problems met while setting the book, with the part they were met in.
#[derive(Debug, Default, Clone)]
pub struct Findings {
    /// Characters no face has, with the part they were first met in.
    pub missing: Vec<(char, usize)>,
    /// Parts with words longer than a line, and how many.
    pub long_words: Vec<(usize, usize)>,
    /// Uses of pictures that could not be drawn.
    pub undrawn: Vec<figure::Undrawn>,
    /// Pictures printed at too low a resolution.
    pub low_resolution: Vec<figure::LowResolution>,
}

impl Findings {
    /// The findings as warnings naming the part (W0109, W0113), or the place of a
    /// picture (W0112, W0138). What passes the text block (W0110) is found on the
    /// placed pages, by `report`.
    pub fn diagnostics(&self, book: &Book) -> Vec<crate::diag::Diagnostic> {
        use crate::diag::{Code, Diagnostic};
        let title = |p: usize| {
            book.parts
                .get(p)
                .map_or_else(|| "Contents".to_string(), |x| x.title.clone())
        };
        let mut out = Vec::new();
        // One warning a character, up to a point: a book in a script no bundled face
        // has would otherwise get one for each of thousands of characters.
        const EACH: usize = 10;
        // Characters no font has at all were reported at their place in resolve.
        let missing: Vec<&(char, usize)> = self
            .missing
            .iter()
            .filter(|(c, _)| !book.typefaces.missing.contains(c))
            .collect();
        for (c, part) in missing.iter().copied().take(EACH) {
            out.push(Diagnostic::warning(
                Code::W0109,
                format!(
                    "no bundled font has the character {c:?} (U+{:04X}), first used in “{}”; it prints as a blank box",
                    *c as u32,
                    title(*part)
                ),
            ));
        }
        if missing.len() > EACH {
            let rest = &missing[EACH..];
            let sample: String = rest.iter().take(20).map(|(c, _)| *c).collect();
            out.push(Diagnostic::warning(
                Code::W0109,
                format!(
                    "no bundled font has {} more characters ({sample}{}), the first used in “{}”; they print as blank boxes",
                    rest.len(),
                    if rest.len() > 20 { "…" } else { "" },
                    title(rest[0].1)
                ),
            ));
        }
        for (part, n) in &by_part(&self.long_words) {
            out.push(Diagnostic::warning(
                Code::W0113,
                format!(
                    "{n} word(s) in “{}” are longer than a line and were broken between letters",
                    title(*part)
                ),
            ));
        }
        out.extend(figure::diagnostics(&self.undrawn, &self.low_resolution));
        out
    }
}

/// Whether part `index` of the book is written right to left: by its own language,
/// else the book's.
pub fn part_is_rtl(book: &Book, index: usize) -> bool {
    let language = book
        .parts
        .get(index)
        .and_then(|p| p.language.as_deref())
        .unwrap_or(&book.meta.language);
    crate::model::right_to_left(language)
}

/// The direction a raw HTML element sets for what it holds, if any: its `dir`
/// (`auto` sets none), else that of its `lang`.
fn direction(attrs: &crate::model::Attrs) -> Option<bool> {
    match attrs.dir.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("rtl") => Some(true),
        Some("ltr") => Some(false),
        _ => attrs.lang.as_deref().map(crate::model::right_to_left),
    }
}

/// Counts per part, in part order: one warning for a part, not one per paragraph.
fn by_part(counts: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for &(part, n) in counts {
        match out.last_mut() {
            Some((p, total)) if *p == part => *total += n,
            _ => out.push((part, n)),
        }
    }
    out
}

/// Where a line sits in its paragraph, for widow and orphan control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InPara {
    pub para: usize,
    pub index: usize,
    pub count: usize,
}

#[derive(Debug, Clone)]
pub enum Flow {
    Line {
        line: Line,
        /// Left edge relative to the text block (in right-to-left text too).
        x: Pt,
        height: Pt,
        para: Option<InPara>,
        /// A heading line, or the first line after one: never the last on a page.
        keep_with_next: bool,
        heading: bool,
    },
    /// Vertical space, dropped at the top of a page.
    Space(Pt),
    /// A horizontal rule across `width`, centred.
    Rule {
        width: Pt,
    },
    /// `Builder::images[image]`, `width` × `height`, at `x`.
    Image {
        image: usize,
        x: Pt,
        width: Pt,
        height: Pt,
    },
    /// A place links can point to: (part, anchor id; None = the part's top).
    Anchor(usize, Option<String>),
    /// The line before cites footnote `number` of `part`: the note goes to the foot
    /// of the page that line is on (`pdf.notes: foot`).
    NoteRef {
        part: usize,
        number: usize,
    },
    /// The items up to the next `NoteEnd` are footnote `number` of `part`, to be
    /// set at the foot of a page, not where they stand in the flow.
    NoteStart {
        part: usize,
        number: usize,
    },
    NoteEnd,
    /// A table's header, body, end and rules, for pagination.
    Table(TableMark),
    /// A part begins: on a new page (a recto if `recto`), its title sunk
    /// by `sink` when set.
    Opening {
        part: usize,
        recto: bool,
        sink: Option<Pt>,
        running_heads: bool,
        folio: bool,
    },
}

/// What setting some parts gave: their flow and what it refers to. Parts are set on
/// several threads, each into its own `Set`, and appended in book order. Cloned
/// only by a rebuild that reuses a part set before (`super::SetCache`).
#[derive(Default, Clone)]
pub struct Set {
    pub flow: Vec<Flow>,
    pub notes: Notes,
    /// Decoded images, in first-use order; `Flow::Image` indexes this.
    pub images: Vec<super::doc::Image>,
    pub findings: Findings,
    /// Resource index → index in `images` (None: cannot be drawn).
    decoded: std::collections::HashMap<usize, Option<usize>>,
    /// Paragraphs numbered so far.
    paras: usize,
    /// The characters in `notes.missing`, for appending without a scan (a book in a
    /// script no bundled face has misses thousands).
    missing_seen: std::collections::HashSet<char>,
    /// The characters in `findings.missing`.
    found_seen: std::collections::HashSet<char>,
}

impl Set {
    /// Appends the set of the parts that follow, so that the result is what setting
    /// all of them in one builder gives: paragraph numbers continue, an image used
    /// in both is decoded and reported once, a missing character is reported where
    /// it was first met.
    pub fn append(&mut self, mut next: Set) {
        let fix = self.take_in(&mut next);
        fix.apply(&mut next.flow);
        self.flow.append(&mut next.flow);
    }

    /// The sets of parts in order, joined as `append` joins them one after
    /// another: what each set says is taken in order, then each set's lines
    /// are renumbered on every core and moved in with one copy (a book's flow
    /// is a hundred thousand lines).
    pub fn join(mut sets: Vec<Set>) -> Set {
        let mut all = Set::default();
        let fixes: Vec<Fixup> = sets.iter_mut().map(|s| all.take_in(s)).collect();
        sets.par_iter_mut()
            .zip(fixes)
            .for_each(|(s, fix)| fix.apply(&mut s.flow));
        all.flow
            .reserve_exact(sets.iter().map(|s| s.flow.len()).sum::<usize>());
        for mut s in sets {
            all.flow.append(&mut s.flow);
        }
        all
    }

    /// Takes in everything of `next` but its flow (its pictures, paragraph
    /// count, notes and findings): how its flow's numbers change to follow ours.
    fn take_in(&mut self, next: &mut Set) -> Fixup {
        // The next set's image indices, in its first-use order, to ours.
        let mut theirs: Vec<(usize, Option<usize>)> =
            std::mem::take(&mut next.decoded).into_iter().collect();
        theirs.sort_by_key(|&(r, i)| (i.is_none(), i, r));
        let mut images: Vec<Option<super::doc::Image>> = std::mem::take(&mut next.images)
            .into_iter()
            .map(Some)
            .collect();
        let mut map = vec![0usize; images.len()];
        for (r, local) in theirs {
            let ours = match self.decoded.get(&r) {
                Some(&known) => known,
                None => {
                    let global = local.and_then(|l| images[l].take()).map(|image| {
                        self.images.push(image);
                        self.images.len() - 1
                    });
                    self.decoded.insert(r, global);
                    global
                }
            };
            if let (Some(l), Some(g)) = (local, ours) {
                map[l] = g;
            }
        }
        let offset = self.paras;
        self.paras += next.paras;
        for c in std::mem::take(&mut next.notes.missing) {
            if self.missing_seen.insert(c) {
                self.notes.missing.push(c);
            }
        }
        self.notes.overfull += next.notes.overfull;
        self.notes.long_words += next.notes.long_words;
        let f = std::mem::take(&mut next.findings);
        for (c, part) in f.missing {
            if self.found_seen.insert(c) {
                self.findings.missing.push((c, part));
            }
        }
        self.findings.long_words.extend(f.long_words);
        self.findings.undrawn.extend(f.undrawn);
        self.findings.low_resolution.extend(f.low_resolution);
        Fixup { offset, map }
    }
}

/// How a set's flow changes to follow the sets before it: its paragraphs
/// numbered on from `offset`, its pictures by `map` (its index → ours).
struct Fixup {
    offset: usize,
    map: Vec<usize>,
}

impl Fixup {
    fn apply(&self, flow: &mut [Flow]) {
        if self.offset == 0 && self.map.is_empty() {
            return;
        }
        for f in flow {
            match f {
                Flow::Image { image, .. } => *image = self.map[*image],
                Flow::Line { line, para, .. } => {
                    if let Some(p) = para {
                        p.para += self.offset;
                    }
                    // Pictures set in the line.
                    for piece in &mut line.pieces {
                        if let Some(image) = &mut piece.picture {
                            *image = self.map[*image as usize] as u32;
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

pub struct Builder<'c, 'f> {
    pub ctx: &'c mut Ctx<'f>,
    pub width: Pt,
    pub size: Pt,
    pub leading: Pt,
    pub text_height: Pt,
    pub recto_chapters: bool,
    /// The text being set runs right to left: its blocks are mirrored. Set per part
    /// (and per raw HTML element with `dir`); the contents page sets the book's.
    pub rtl: bool,
    /// The text block's width: the frame right-to-left blocks are mirrored in
    /// (`width` narrows inside quotes and epigraphs).
    full: Pt,
    pub notes: Notes,
    pub flow: Vec<Flow>,
    /// Decoded images, in first-use order (the document's image list).
    pub images: Vec<super::doc::Image>,
    /// Resource index → index in `images` (None: cannot be drawn).
    decoded: std::collections::HashMap<usize, Option<usize>>,
    /// Why each resource that cannot be drawn cannot, for each use's warning.
    undrawable: std::collections::HashMap<usize, String>,
    /// What setting the book noticed, by part, for warnings.
    pub findings: Findings,
    para: usize,
    /// The next paragraph starts flush (after a heading, quote, list ...).
    flush: bool,
    /// The next line follows a heading: keep it with the heading.
    after_heading: bool,
    part: usize,
    /// Where footnotes go (the book's `pdf.notes`).
    notes_at: NotesAt,
    /// Footnotes of the current part: a link to `fn-N` with N up to this is a note
    /// reference.
    note_count: usize,
    /// Setting a footnote's own text: its references are not followed.
    in_note: bool,
    /// Backdrop groups made so far (`code::group`).
    groups: u32,
}

impl<'c, 'f> Builder<'c, 'f> {
    pub fn new(
        ctx: &'c mut Ctx<'f>,
        width: Pt,
        size: Pt,
        leading: Pt,
        text_height: Pt,
        recto_chapters: bool,
    ) -> Self {
        Builder {
            ctx,
            width,
            size,
            leading,
            text_height,
            recto_chapters,
            rtl: false,
            full: width,
            notes: Notes::default(),
            flow: Vec::new(),
            images: Vec::new(),
            decoded: std::collections::HashMap::new(),
            undrawable: std::collections::HashMap::new(),
            findings: Findings::default(),
            para: 0,
            flush: true,
            after_heading: false,
            part: 0,
            notes_at: NotesAt::Chapter,
            note_count: 0,
            in_note: false,
            groups: 0,
        }
    }

    /// What was set, for [`Set::append`].
    pub fn finish(self) -> Set {
        Set {
            missing_seen: self.notes.missing.iter().copied().collect(),
            found_seen: self.findings.missing.iter().map(|&(c, _)| c).collect(),
            flow: self.flow,
            notes: self.notes,
            images: self.images,
            findings: self.findings,
            decoded: self.decoded,
            paras: self.para,
        }
    }

    fn style(&self, style: Style, size: Pt) -> RunStyle {
        RunStyle {
            style,
            size,
            raised: false,
            link: None,
            picture: None,
            color: None,
        }
    }

    /// The left edge, in the text block, of a box that starts `x` from the start
    /// side and is `measure` wide: from the left in left-to-right text, from the
    /// right in right-to-left text. Builders measure from the start side; lines go
    /// into the flow at their left edge.
    fn left_edge(&self, x: Pt, measure: Pt) -> Pt {
        if self.rtl {
            self.full - x - measure
        } else {
            x
        }
    }

    /// A paragraph shape without indent or hyphenation, in the current direction.
    fn plain(&self, width: Pt, align: Align) -> Spec {
        Spec {
            rtl: self.rtl,
            ..Spec::plain(width, align)
        }
    }

    /// Lines of a paragraph into the flow, their left edge at `x`, with the given
    /// line height.
    fn push_lines(&mut self, lines: Vec<Line>, x: Pt, height: Pt, heading: bool) {
        let count = lines.len();
        self.para += 1;
        for (index, line) in lines.into_iter().enumerate() {
            let keep = heading || (self.after_heading && index == 0);
            self.push_line(
                line,
                x,
                height,
                InPara {
                    para: self.para,
                    index,
                    count,
                },
                keep,
                heading,
            );
        }
        if !heading {
            self.after_heading = false;
        }
    }

    /// One line of paragraph `para` into the flow, followed by a reference to
    /// each footnote it cites when notes go to the foot of the page.
    fn push_line(
        &mut self,
        line: Line,
        x: Pt,
        height: Pt,
        para: InPara,
        keep: bool,
        heading: bool,
    ) {
        let foot = self.notes_at == NotesAt::Foot && !self.in_note && self.note_count > 0;
        let cited = if foot {
            self.cited_notes(&line)
        } else {
            Vec::new()
        };
        let mut line = line;
        line.join_pieces();
        self.flow.push(Flow::Line {
            line,
            x,
            height,
            para: Some(para),
            keep_with_next: keep,
            heading,
        });
        self.flow
            .extend(cited.into_iter().map(|number| Flow::NoteRef {
                part: self.part,
                number,
            }));
    }

    /// The footnotes a line cites, by their number in the part: its pieces that link
    /// to a note of the part (a footnote reference's raised number does).
    fn cited_notes(&self, line: &Line) -> Vec<usize> {
        let mut out = Vec::new();
        for piece in &line.pieces {
            if let Some(LinkTarget::Internal {
                part,
                anchor: Some(a),
            }) = piece.link.as_deref()
            {
                let number = a
                    .strip_prefix("fn-")
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| *part == self.part && (1..=self.note_count).contains(n));
                if let Some(n) = number {
                    if crate::model::anchor::note(n) == *a && !out.contains(&n) {
                        out.push(n);
                    }
                }
            }
        }
        out
    }

    /// Vertical space; space right after space takes the larger, not the sum (two
    /// quotes in a row are one quote's space apart).
    fn space(&mut self, h: Pt) {
        if let Some(Flow::Space(prev)) = self.flow.last_mut() {
            *prev = prev.max(h);
        } else {
            self.flow.push(Flow::Space(h));
        }
    }

    fn set(&mut self, runs: &[Run], spec: Spec) -> Vec<Line> {
        let mut notes = std::mem::take(&mut self.notes);
        let (missing, long) = (notes.missing.len(), notes.long_words);
        let lines = self.ctx.set(runs, &spec, &mut notes);
        // Where problems were found, for warnings that name the part.
        for &c in &notes.missing[missing..] {
            self.findings.missing.push((c, self.part));
        }
        if notes.long_words > long {
            self.findings
                .long_words
                .push((self.part, notes.long_words - long));
        }
        self.notes = notes;
        lines
    }

    /// The whole book, part by part (the contents page is added by the caller at
    /// `contents_at`, which calls `contents`).
    pub fn part(&mut self, book: &Book, index: usize) {
        let p = &book.parts[index];
        self.part = index;
        self.notes_at = book.settings.pdf.notes;
        self.note_count = p.footnotes.len();
        self.pictures_of(book, index);
        self.rtl = part_is_rtl(book, index);
        self.flush = true;
        self.after_heading = false;
        match p.role {
            Role::TitlePage if p.blocks.is_empty() => return self.title_page(book, index),
            Role::Epigraph => {
                self.flow.push(Flow::Opening {
                    part: index,
                    recto: true,
                    sink: Some(self.text_height / 3.0),
                    running_heads: false,
                    folio: false,
                });
                self.flow.push(Flow::Anchor(index, None));
                self.flow.push(Flow::Anchor(index, Some(p.id.clone())));
                let w = self.width;
                // A tenth of the width on each side.
                self.width = w * 0.9;
                let saved = self.size;
                self.blocks_in(book, &p.blocks, w * 0.1);
                self.width = w;
                self.size = saved;
                return;
            }
            _ => {}
        }
        let chapter = p.kind == PartKind::Chapter;
        let recto = (chapter && self.recto_chapters)
            || p.kind == PartKind::Front && p.role != Role::Disclaimer;
        // A division's title page: its title a third down a recto of its own, as
        // books set part titles, without running heads or folio.
        let division = p.role == Role::Division;
        let sink = match p.role {
            Role::Disclaimer => Some(self.text_height / 6.0),
            Role::Division => Some(self.text_height / 3.0),
            _ => Some(self.text_height / 4.0),
        };
        self.flow.push(Flow::Opening {
            part: index,
            recto: recto || division,
            sink,
            running_heads: p.kind != PartKind::Front && !division,
            folio: !division,
        });
        self.flow.push(Flow::Anchor(index, None));
        if let Some(h) = &p.heading {
            self.flow.push(Flow::Anchor(index, Some(h.id.clone())));
            let size = match p.role {
                Role::Disclaimer => self.size * 1.2,
                Role::Division => self.size * CHAPTER_TITLE_SCALE * 1.25,
                _ => self.size * CHAPTER_TITLE_SCALE,
            };
            let runs = self.runs(&h.content, self.style(Style::HeadingRegular, size));
            let spec = Spec {
                balance: true,
                ..self.plain(self.width, Align::Center)
            };
            let lines = self.set(&runs, spec);
            self.push_lines(lines, 0.0, size * 1.3, true);
            self.space(self.leading * 2.0);
            self.after_heading = true;
        }
        self.flush = true;
        let disclaimer = p.role == Role::Disclaimer;
        if disclaimer {
            self.flow.push(Flow::Rule {
                width: self.width * 0.3,
            });
            self.space(self.leading);
        }
        self.blocks_in(book, &p.blocks, 0.0);
        if disclaimer {
            self.space(self.leading);
            self.flow.push(Flow::Rule {
                width: self.width * 0.3,
            });
        }
        if self.notes_at != NotesAt::Book {
            self.footnotes(book, p);
        }
    }

    /// One centred line of `text` (or more, if it must wrap, balanced).
    fn centred(&mut self, text: &str, style: Style, size: Pt, height: Pt, keep: bool) {
        let runs = vec![Run {
            text: text.to_string(),
            style: self.style(style, size),
            sources: Vec::new(),
        }];
        let spec = Spec {
            balance: true,
            ..self.plain(self.width, Align::Center)
        };
        let lines = self.set(&runs, spec);
        self.push_lines(lines, 0.0, height, keep);
    }

    fn title_page(&mut self, book: &Book, index: usize) {
        self.flow.push(Flow::Opening {
            part: index,
            recto: true,
            sink: Some(self.text_height / 4.0),
            running_heads: false,
            folio: false,
        });
        self.flow.push(Flow::Anchor(index, None));
        let m = &book.meta;
        let big = self.size * 2.2;
        self.centred(&m.title, Style::HeadingRegular, big, big * 1.25, true);
        if let Some(s) = &m.subtitle {
            self.space(self.leading);
            let size = self.size * 1.2;
            self.centred(s, Style::HeadingItalic, size, size * 1.35, true);
        }
        self.space(self.leading * 2.0);
        self.flow.push(Flow::Rule {
            width: self.width * 0.25,
        });
        self.space(self.leading * 2.0);
        if !m.authors.is_empty() {
            let size = self.size * 1.15;
            self.centred(
                &m.authors.join(", "),
                Style::Regular,
                size,
                size * 1.35,
                false,
            );
        }
        if let Some(p) = &m.publisher {
            self.space(self.leading * 4.0);
            self.centred(p, Style::Regular, self.size, self.leading, false);
        }
    }

    fn blocks_in(&mut self, book: &Book, blocks: &[Block], x: Pt) {
        for b in blocks {
            self.block(book, b, x);
        }
    }

    /// One block; each kind is set by its own function below.
    fn block(&mut self, book: &Book, b: &Block, x: Pt) {
        match b {
            Block::Heading(h) if self.heading_figure(book, h, x) => {}
            Block::Heading(h) => self.heading(h, x),
            Block::Paragraph(inl) if self.figure(book, inl, x) => {}
            Block::Paragraph(inl) => self.paragraph(inl, x),
            Block::Quote {
                blocks,
                attribution,
                kind,
            } => self.quote(book, blocks, attribution.as_deref(), *kind, x),
            Block::List { start, items } => self.list(book, *start, items, x),
            Block::DefinitionList(defs) => self.definitions(book, defs, x),
            Block::Code { text, tokens, .. } => self.code(text, tokens, x),
            Block::Table {
                alignments,
                head,
                rows,
            } => self.table(alignments, head, rows, x),
            Block::Element(e) => self.element(book, e, x),
            Block::Math(m) => self.math(m, x),
            Block::Rule => self.rule(),
            Block::References(refs) => self.references(refs, x),
        }
    }

    fn heading(&mut self, h: &Heading, x: Pt) {
        let size = self.size;
        let (st, scale) = match h.level {
            1 | 2 => (Style::HeadingBold, SECTION_SCALE),
            3 => (Style::HeadingBold, 1.0),
            _ => (Style::HeadingBoldItalic, 1.0),
        };
        let hs = size * scale;
        self.space(self.leading);
        self.flow.push(Flow::Anchor(self.part, Some(h.id.clone())));
        self.span_anchors(&h.content);
        let runs = self.runs(&h.content, self.style(st, hs));
        let measure = self.width - x;
        let spec = Spec {
            balance: true,
            ..self.plain(measure, Align::Left)
        };
        let lines = self.set(&runs, spec);
        let left = self.left_edge(x, measure);
        self.push_lines(lines, left, self.leading.max(hs * 1.25), true);
        self.space(self.leading * 0.5);
        self.flush = true;
        self.after_heading = true;
    }

    /// A justified paragraph, indented unless it follows a heading or a break.
    fn paragraph(&mut self, inl: &[Inline], x: Pt) {
        let size = self.size;
        self.span_anchors(inl);
        let runs = self.runs(inl, self.style(Style::Regular, size));
        let indent = if self.flush { 0.0 } else { size * INDENT_EM };
        let lines = self.set(
            &runs,
            Spec {
                indent,
                hyphenate: true,
                ..self.plain(self.width - x, Align::Justify)
            },
        );
        let left = self.left_edge(x, self.width - x);
        self.push_lines(lines, left, self.leading, false);
        self.flush = false;
    }

    /// A block quote, narrower and smaller, its attribution set right below it;
    /// an alert is a box.
    fn quote(
        &mut self,
        book: &Book,
        blocks: &[Block],
        attribution: Option<&[Inline]>,
        kind: Option<Alert>,
        x: Pt,
    ) {
        if let Some(k) = kind {
            return self.boxed(book, k, blocks, attribution, x);
        }
        let size = self.size;
        let ind = size * QUOTE_INDENT_EM;
        let (w, s) = (self.width, self.size);
        self.space(self.leading * 0.5);
        self.width = w - ind;
        self.size = s * QUOTE_SCALE;
        self.flush = true;
        self.blocks_in(book, blocks, x + ind);
        self.attribution(attribution, x + ind);
        self.width = w;
        self.size = s;
        self.space(self.leading * 0.5);
        self.flush = true;
    }

    /// An alert or a box (`> [!NOTE]`, `::: warning`), as the EPUB shows it: a
    /// rule in the kind's colour down its start side, its label bold in that
    /// colour, its blocks beside the rule at the body's size. The rule is each
    /// line's backdrop, so that it follows the box across a page break.
    fn boxed(
        &mut self,
        book: &Book,
        kind: Alert,
        blocks: &[Block],
        attribution: Option<&[Inline]>,
        x: Pt,
    ) {
        let ind = self.size * BOX_INDENT_EM;
        let color = alert_color(kind);
        self.space(self.leading * 0.5);
        let first = self.flow.len();
        let group = self.group();
        let runs = vec![Run {
            text: book.labels_of(self.part).alert(kind).into(),
            style: RunStyle {
                color: Some(color),
                ..self.style(Style::Bold, self.size)
            },
            sources: Vec::new(),
        }];
        let measure = self.width - x - ind;
        let lines = self.set(&runs, self.plain(measure, Align::Left));
        let left = self.left_edge(x + ind, measure);
        self.push_lines(lines, left, self.leading, true);
        self.flush = true;
        self.blocks_in(book, blocks, x + ind);
        self.attribution(attribution, x + ind);
        let rule = self.left_edge(x, BOX_RULE);
        for f in &mut self.flow[first..] {
            if let Flow::Line { line, x: lx, .. } = f {
                line.backdrops.push(Backdrop {
                    x: rule - *lx,
                    width: BOX_RULE,
                    color,
                    group,
                });
            }
        }
        self.space(self.leading * 0.5);
        self.flush = true;
    }

    /// A quote's or a box's attribution, in italic after an em dash, flush with
    /// the end side.
    fn attribution(&mut self, attribution: Option<&[Inline]>, x: Pt) {
        if let Some(a) = attribution {
            let mut runs = vec![Run {
                text: "— ".into(),
                style: self.style(Style::Italic, self.size),
                sources: Vec::new(),
            }];
            runs.extend(self.runs(a, self.style(Style::Italic, self.size)));
            // Flush with the quote's end side (`Align::Right` in right-to-left
            // text is its end, as `Align::Left` is its start).
            let measure = self.width - x;
            let lines = self.set(&runs, self.plain(measure, Align::Right));
            let left = self.left_edge(x, measure);
            self.push_lines(lines, left, self.leading, false);
        }
    }

    fn list(&mut self, book: &Book, start: Option<u64>, items: &[ListItem], x: Pt) {
        let size = self.size;
        let gap = size * 0.5;
        // A task's box stands where the bullet would, as in the EPUB; a numbered
        // task keeps its number.
        let markers: Vec<String> = items
            .iter()
            .enumerate()
            .map(|(k, it)| {
                let number = start.map(|n| format!("{}.", n + k as u64));
                let task = it.checked.map(|done| if done { "☑" } else { "☐" });
                match (number, task) {
                    (Some(n), Some(t)) => format!("{n} {t}"),
                    (Some(n), None) => n,
                    (None, Some(t)) => t.to_string(),
                    (None, None) => "•".to_string(),
                }
            })
            .collect();
        let set_marker = |b: &mut Self, marker: &str| -> Option<Line> {
            let runs = vec![Run {
                text: marker.to_string(),
                style: b.style(Style::Regular, size),
                sources: Vec::new(),
            }];
            b.set(&runs, b.plain(size * 20.0, Align::Left))
                .into_iter()
                .next()
        };
        let width = |l: &Line| -> Pt { l.pieces.iter().map(|p| p.width).sum() };
        // The indent holds the widest marker and its gap ("10." and "☐" are wider
        // than a bullet): no marker hangs into the margin.
        let widest = markers
            .iter()
            .filter_map(|m| set_marker(self, m))
            .map(|l| width(&l))
            .fold(0.0, Pt::max);
        let ind = (size * 1.5).max(widest + gap);
        self.space(self.leading * 0.25);
        for (it, marker) in items.iter().zip(&markers) {
            let first = self.flow.len();
            self.flush = true;
            self.blocks_in(book, &it.blocks, x + ind);
            // The marker hangs in the indent, on the item's first line: left of
            // the item's box, or right of it in right-to-left text.
            let m = set_marker(self, marker);
            let rtl = self.rtl;
            let box_end = self.full - x - ind;
            if let Some(ml) = m {
                if let Some(Flow::Line { line, x: lx, .. }) = self.flow[first..]
                    .iter_mut()
                    .find(|f| matches!(f, Flow::Line { .. }))
                {
                    let mw = width(&ml);
                    let from = ml.pieces.iter().map(|p| p.x).fold(Pt::INFINITY, Pt::min);
                    for mut p in ml.pieces {
                        p.x = if rtl {
                            p.x - from + box_end + gap - *lx
                        } else {
                            p.x - mw - gap + (x + ind - *lx)
                        };
                        line.pieces.insert(0, p);
                    }
                }
            }
        }
        self.space(self.leading * 0.25);
        self.flush = true;
    }

    /// A definition list as the EPUB sets it: each term in bold, kept with its
    /// details, which are indented 1.5em, a little space after each definition
    /// and around the list.
    fn definitions(&mut self, book: &Book, defs: &[Definition], x: Pt) {
        let size = self.size;
        self.space(self.leading * 0.5);
        for d in defs {
            let runs = self.runs(&d.term, self.style(Style::Bold, size));
            let lines = self.set(&runs, self.plain(self.width - x, Align::Left));
            let left = self.left_edge(x, self.width - x);
            self.push_lines(lines, left, self.leading, false);
            if let Some(Flow::Line { keep_with_next, .. }) = self.flow.last_mut() {
                *keep_with_next = true;
            }
            for det in &d.details {
                self.flush = true;
                self.blocks_in(book, det, x + size * 1.5);
            }
            self.space(self.leading * 0.25);
        }
        self.space(self.leading * 0.5);
        self.flush = true;
    }

    fn math(&mut self, m: &str, x: Pt) {
        let runs = vec![Run {
            text: m.to_string(),
            style: self.style(Style::Mono, self.size * CODE_SCALE),
            sources: Vec::new(),
        }];
        let lines = self.set(&runs, Spec::plain(self.width - x, Align::Center));
        let left = self.left_edge(x, self.width - x);
        self.push_lines(lines, left, self.leading, false);
    }

    fn rule(&mut self) {
        self.space(self.leading * 0.5);
        self.flow.push(Flow::Rule {
            width: self.width * 0.3,
        });
        self.space(self.leading * 0.5);
        self.flush = true;
    }

    fn references(&mut self, refs: &[Reference], x: Pt) {
        let size = self.size;
        let rs = size * QUOTE_SCALE;
        for r in refs {
            self.flow.push(Flow::Anchor(self.part, Some(r.id.clone())));
            let runs = self.runs(&r.content, self.style(Style::Regular, rs));
            let lines = self.set(
                &runs,
                Spec {
                    hang: rs * HANG_EM,
                    hyphenate: true,
                    ..self.plain(self.width - x, Align::Justify)
                },
            );
            let left = self.left_edge(x, self.width - x);
            self.push_lines(lines, left, self.leading * 0.95, false);
            self.space(self.leading * 0.3);
        }
    }

    /// A raw HTML element that holds blocks: its blocks, a caption set as a
    /// picture's caption is, a summary in bold; its id is a link target.
    fn element(&mut self, book: &Book, e: &Element, x: Pt) {
        // Its own direction (`dir`, else that of its `lang`) and language hold
        // inside it.
        let (rtl, language) = (self.rtl, self.ctx.language.clone());
        self.rtl = direction(&e.attrs).unwrap_or(rtl);
        if let Some(lang) = &e.attrs.lang {
            self.ctx.language.clone_from(lang);
        }
        self.element_in(book, e, x);
        self.rtl = rtl;
        self.ctx.language = language;
    }

    fn element_in(&mut self, book: &Book, e: &Element, x: Pt) {
        if let Some(id) = &e.attrs.id {
            self.flow.push(Flow::Anchor(self.part, Some(id.clone())));
        }
        let caption = match e.tag {
            Tag::Figcaption => Some((Style::Italic, self.size * NOTE_SCALE, Align::Center)),
            Tag::Summary => Some((Style::Bold, self.size, Align::Left)),
            _ => None,
        };
        let Some((style, size, align)) = caption else {
            match e.alert() {
                Some(k) => self.boxed(book, k, &e.blocks, None, x),
                None => self.blocks_in(book, &e.blocks, x),
            }
            return;
        };
        for b in &e.blocks {
            match b {
                Block::Paragraph(inl) => {
                    self.span_anchors(inl);
                    let runs = self.runs(inl, self.style(style, size));
                    let lines = self.set(&runs, self.plain(self.width - x, align));
                    let left = self.left_edge(x, self.width - x);
                    self.push_lines(lines, left, self.leading, false);
                }
                other => self.block(book, other, x),
            }
        }
        self.flush = true;
    }

    /// Ids of raw HTML spans in `inl` (`<a id="x"></a>`): link targets at the
    /// start of the block that holds them.
    fn span_anchors(&mut self, inl: &[Inline]) {
        struct Ids<'a>(Vec<&'a str>);
        impl<'a> Visit<'a> for Ids<'a> {
            fn inline(&mut self, i: &'a Inline) {
                if let Inline::Span {
                    attrs: crate::model::Attrs { id: Some(id), .. },
                    ..
                } = i
                {
                    self.0.push(id);
                }
            }
        }
        let mut ids = Ids(Vec::new());
        walk_inlines(inl, false, &mut ids);
        for id in ids.0 {
            self.flow
                .push(Flow::Anchor(self.part, Some(id.to_string())));
        }
    }

    /// Inline content → styled runs.
    pub fn runs(&self, inl: &[Inline], base: RunStyle) -> Vec<Run> {
        let mut out = Vec::new();
        self.runs_into(inl, &base, &mut out);
        out
    }

    /// One short arm per kind of inline: its style, then its content.
    fn runs_into(&self, inl: &[Inline], st: &RunStyle, out: &mut Vec<Run>) {
        // `from`: the book's string the text is (the place a printed page can
        // begin, for the EPUB's page list); None for text the typesetter adds.
        let push = |out: &mut Vec<Run>, text: String, style: &RunStyle, from: Option<&str>| {
            // Soft line ends in the source are spaces on the page (one byte for
            // one: offsets into the book's string stay true).
            let text = text.replace('\n', " ");
            let source = |at: usize| {
                let key = TextKey::of(from?)?;
                Some(Source {
                    at,
                    len: text.len(),
                    from: TextAt { key, offset: 0 },
                })
            };
            match out.last_mut() {
                Some(r) if r.style == *style => {
                    r.sources.extend(source(r.text.len()));
                    r.text.push_str(&text);
                }
                _ => out.push(Run {
                    sources: source(0).into_iter().collect(),
                    text,
                    style: style.clone(),
                }),
            }
        };
        for i in inl {
            match i {
                Inline::Text(t) => push(out, t.clone(), st, Some(t)),
                Inline::Emphasis(c) => {
                    let s = RunStyle {
                        style: toggle_italic(st.style),
                        ..st.clone()
                    };
                    self.runs_into(c, &s, out);
                }
                Inline::Strong(c) => {
                    let s = RunStyle {
                        style: bold(st.style),
                        ..st.clone()
                    };
                    self.runs_into(c, &s, out);
                }
                Inline::Strikethrough(c) | Inline::Subscript(c) => self.runs_into(c, st, out),
                Inline::Superscript(c) => {
                    let s = RunStyle {
                        raised: true,
                        ..st.clone()
                    };
                    self.runs_into(c, &s, out);
                }
                Inline::Code(c) | Inline::Math(c) => {
                    let s = RunStyle {
                        style: Style::Mono,
                        size: st.size * 0.92,
                        ..st.clone()
                    };
                    push(out, c.clone(), &s, Some(c));
                }
                Inline::Link {
                    target, content, ..
                } => {
                    let link = match target {
                        LinkTarget::Unresolved { .. } => None,
                        LinkTarget::External(u) if u.is_empty() => None,
                        t => Some(t.clone()),
                    };
                    let s = RunStyle { link, ..st.clone() };
                    self.runs_into(content, &s, out);
                }
                Inline::Image { source, .. } if self.inline_picture(source).is_some() => {
                    let s = RunStyle {
                        picture: self.inline_picture(source),
                        ..st.clone()
                    };
                    push(out, "\u{fffc}".into(), &s, None);
                }
                Inline::Image { alt, .. } => {
                    let s = RunStyle {
                        style: toggle_italic(st.style),
                        ..st.clone()
                    };
                    push(out, format!("[{alt}]"), &s, None);
                }
                Inline::Citation(c) => self.runs_into(&c.rendered, st, out),
                Inline::FootnoteRef { number, .. } => {
                    let s = RunStyle {
                        raised: true,
                        link: Some(LinkTarget::Internal {
                            part: self.part,
                            anchor: Some(crate::model::anchor::note(*number)),
                        }),
                        ..st.clone()
                    };
                    out.push(Run {
                        text: number.to_string(),
                        style: s,
                        sources: Vec::new(),
                    });
                }
                Inline::LineBreak => out.push(Run {
                    text: "\n".into(),
                    style: st.clone(),
                    sources: Vec::new(),
                }),
                Inline::Span { tag, content, .. } => {
                    let s = if tag.is_mono() {
                        RunStyle {
                            style: Style::Mono,
                            size: st.size * 0.92,
                            ..st.clone()
                        }
                    } else if tag.is_italic() {
                        RunStyle {
                            style: toggle_italic(st.style),
                            ..st.clone()
                        }
                    } else if *tag == Tag::B {
                        RunStyle {
                            style: bold(st.style),
                            ..st.clone()
                        }
                    } else {
                        st.clone()
                    };
                    self.runs_into(content, &s, out);
                }
            }
        }
    }
}

/// The colour of an alert's rule and label: the EPUB's, each darker than 40%
/// grey so that the label reads in greyscale.
fn alert_color(k: Alert) -> Color {
    match k {
        Alert::Note => Color(0x0b, 0x57, 0xb0),
        Alert::Tip => Color(0x1a, 0x6b, 0x32),
        Alert::Important => Color(0x66, 0x39, 0xb7),
        Alert::Warning => Color(0x8a, 0x53, 0x00),
        Alert::Caution => Color(0xb4, 0x23, 0x18),
    }
}

fn toggle_italic(s: Style) -> Style {
    match s {
        Style::Regular => Style::Italic,
        Style::Italic => Style::Regular,
        Style::Bold => Style::BoldItalic,
        Style::BoldItalic => Style::Bold,
        Style::HeadingRegular => Style::HeadingItalic,
        Style::HeadingItalic => Style::HeadingRegular,
        Style::HeadingBold => Style::HeadingBoldItalic,
        Style::HeadingBoldItalic => Style::HeadingBold,
        other => other,
    }
}

fn bold(s: Style) -> Style {
    match s {
        Style::Regular => Style::Bold,
        Style::Italic => Style::BoldItalic,
        Style::HeadingRegular => Style::HeadingBold,
        Style::HeadingItalic => Style::HeadingBoldItalic,
        other => other,
    }
}
