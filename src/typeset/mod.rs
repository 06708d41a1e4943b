//! The print edition's typesetter: model → shaped, hyphenated, justified lines (total
//! fit) → pages with running heads and folios → a laid-out [`Document`] for `pdf`.
//!
//! The recipe (`typeset`): set the flow (`flow`, `paragraph`), paginate it
//! (`paginate`), set it again with the contents page's real numbers until they
//! stop changing (`contents`), then place everything on the page (`place`). For a
//! print service (`pdf.profile`, `profile`), the margins are raised to its minimums
//! for the final page count, laying the book out again when they grow, and what it
//! would reject is reported (`preflight`). Reads only the resolved `Book`; never
//! sees Markdown or the manifest, and writes no PDF.

pub mod contents;
pub mod cover;
pub mod doc;
pub mod flow;
mod folio;
pub mod fonts;
pub mod hyphenate;
pub mod image;
pub mod linebreak;
pub mod paginate;
pub mod paragraph;
mod place;
mod preflight;
pub mod profile;
mod report;
pub mod shape;

use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::model::Book;
use doc::{Document, FaceFile, Pt};
use folio::{first_chapter_page, folio};
use fonts::FontSet;
use paragraph::Ctx;
pub use report::LayoutReport;

/// How many times the book is laid out at most to settle the contents' numbers.
const MAX_PASSES: usize = 4;

/// How many times the book is laid out at most for a print service's inner margin
/// to match the final page count. The margin only grows, so the page count only
/// grows: each pass crosses at least one of at most five steps (KDP's), and a
/// book rarely crosses more than one.
const MAX_PROFILE_PASSES: usize = 4;

/// Page geometry in points.
#[derive(Debug, Clone)]
struct Geometry {
    width: Pt,
    height: Pt,
    inner: Pt,
    outer: Pt,
    top: Pt,
    bottom: Pt,
    size: Pt,
    leading: Pt,
    /// The book binds on the right (its language is written right to left).
    rtl: bool,
}

impl Geometry {
    /// The geometry of the book's print settings.
    fn of(book: &Book) -> Geometry {
        let s = &book.settings.pdf;
        Geometry {
            width: s.width,
            height: s.height,
            inner: s.inner,
            outer: s.outer,
            top: s.top,
            bottom: s.bottom,
            size: s.base_size,
            leading: s.base_size * s.leading,
            rtl: crate::model::right_to_left(&book.meta.language),
        }
    }
    fn text_width(&self) -> Pt {
        self.width - self.inner - self.outer
    }
    fn text_height(&self) -> Pt {
        self.height - self.top - self.bottom
    }
    /// Whether a page lies on the right of its spread. Page 0 is the first recto
    /// (the front of the first leaf), as are all even pages: a right-hand page in
    /// a book bound on the left, a left-hand one in a book bound on the right. So
    /// a right-to-left book mirrors sides, not parity: chapters asked to open on a
    /// recto open on its left-hand pages, as Arabic and Hebrew books open theirs
    /// (and as LaTeX's bidi package lays out a right-to-left two-sided document).
    fn right_hand(&self, page: usize) -> bool {
        (page % 2 == 0) != self.rtl
    }
    /// Left edge of the text block: the inner margin is on the binding's side.
    fn left(&self, page: usize) -> Pt {
        if self.right_hand(page) {
            self.inner
        } else {
            self.outer
        }
    }
    /// A flow builder for this text block.
    fn builder<'c, 'f>(&self, ctx: &'c mut Ctx<'f>, recto_chapters: bool) -> flow::Builder<'c, 'f> {
        flow::Builder::new(
            ctx,
            self.text_width(),
            self.size,
            self.leading,
            self.text_height(),
            recto_chapters,
        )
    }

    /// PDF y of a distance down from the top of the text block.
    fn y(&self, down: Pt) -> Pt {
        self.height - self.top - down
    }
}

/// Told `(done, total)` each time a part has been set (from any thread), for a
/// progress bar; see `typeset_with`.
pub type Tick<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// The whole layout: flow, pages, and the document for the writer; for a print
/// service, laid out until its margins fit the page count, then checked against
/// its rules.
pub fn typeset(
    book: &Book,
    fonts: &FontSet,
    diags: &mut Vec<Diagnostic>,
) -> (Document, LayoutReport) {
    typeset_with(book, fonts, diags, None, None)
}

/// `typeset`, reusing the parts set by an earlier build that are set the same way
/// now (`SetCache`: what `watch` does after an edit), and telling `tick` as each
/// part is set or reused (again for each layout pass a print service needs). The
/// same document whether or not anything is reused or told.
pub fn typeset_with(
    book: &Book,
    fonts: &FontSet,
    diags: &mut Vec<Diagnostic>,
    mut cache: Option<&mut SetCache>,
    tick: Option<Tick>,
) -> (Document, LayoutReport) {
    let g = Geometry::of(book);
    let Some(service) = book.settings.pdf.profile else {
        return lay_out(book, &g, fonts, diags, cache, tick);
    };
    let p = profile::Profile::of(service);
    let bleed = preflight::bleeds(book, diags);
    let mut g = preflight::least_margins(g, p, bleed);
    let mut passes = 0;
    loop {
        passes += 1;
        let mut pass = Vec::new();
        let (doc, report) = lay_out(book, &g, fonts, &mut pass, cache.as_deref_mut(), tick);
        // The page count the service prints: padded to even.
        let pages = doc.pages.len() + doc.pages.len() % 2;
        let need = preflight::inner_for(p, pages, &g);
        if need <= g.inner + 0.01 || passes == MAX_PROFILE_PASSES {
            if need > g.inner + 0.01 {
                pass.push(preflight::unsettled(p, passes, pages, g.inner, need));
            }
            diags.extend(pass);
            let doc = preflight::finish(book, doc, p, bleed, &g, diags);
            return (doc, report);
        }
        g.inner = need;
    }
}

/// The book laid out in one geometry: flow, pages, and the document for the writer.
fn lay_out(
    book: &Book,
    g: &Geometry,
    fonts: &FontSet,
    diags: &mut Vec<Diagnostic>,
    mut cache: Option<&mut SetCache>,
    tick: Option<Tick>,
) -> (Document, LayoutReport) {
    let mut ctx = Ctx {
        fonts,
        shaper: shape::Shaper::new(),
        language: book.meta.language.clone(),
        expansion: book.settings.pdf.expansion,
        words: Default::default(),
    };
    let contents_at = book.contents_at;
    let set = set_parts(book, g, fonts, cache.as_deref_mut(), tick);
    diags.extend(set.findings.diagnostics(book));
    let (parts_flow, images) = (set.flow, set.images);
    let split = parts_flow
        .iter()
        .position(|f| matches!(f, flow::Flow::Opening { part, .. } if *part == contents_at))
        .unwrap_or(parts_flow.len());
    // The contents page, set with the page numbers it leads to: set, paginate
    // the book, set again with the new numbers until they stop changing (at
    // most `MAX_PASSES` times); the last pagination is the book's.
    let mut numbers: Vec<String> = vec!["000".into(); book.toc.len()];
    let mut cflow = contents_flow(book, g, &mut ctx, &numbers);
    let mut passes = 0;
    let pages = loop {
        let all = in_order(&parts_flow, split, &cflow);
        let pages = paginate::paginate(&all, g.text_height(), g.leading);
        if passes == MAX_PASSES {
            break pages;
        }
        passes += 1;
        let new_numbers = contents_numbers(book, &pages);
        if new_numbers == numbers {
            break pages;
        }
        numbers = new_numbers;
        cflow = contents_flow(book, g, &mut ctx, &numbers);
    };
    // Counted before the lines are detached; what passes the text block, once placed.
    let mut report = report::report(&pages);
    let pages = pages.detach();
    // Placing moves the lines out of the flow, in the order paginated; the
    // contents are not moved in among the parts (a copy of the whole flow).
    let (mut parts_flow, mut cflow) = (parts_flow, cflow);
    let mut flow = Ordered {
        parts: &mut parts_flow,
        contents: &mut cflow,
        split,
    };
    let margins = cache.map(|c| &mut c.margins);
    let (mut document, past) = place::place(book, g, &pages, &mut flow, &mut ctx, margins);
    report.overfull_lines = past.len();
    diags.extend(report::diagnostics(&past, book));
    document.images = images;
    document.faces = face_files(fonts);
    (document, report)
}

/// The font files of `fonts`' faces, in their order, for a document's `faces`.
pub(crate) fn face_files(fonts: &FontSet) -> Vec<FaceFile> {
    fonts
        .faces()
        .iter()
        .map(|f| FaceFile {
            name: f.name.clone(),
            data: f.data.clone(),
            index: f.index,
            synthetic: f.synthetic,
        })
        .collect()
}

/// Every part set into one flow. The parts are set once; only the contents page and
/// the pagination are redone while the contents' page numbers settle. Parts are
/// independent, so they are set in parallel, each thread with its own shaper (and
/// word cache), and appended in book order: the same flow whatever the number of
/// threads. `tick` is told how many are set as each is (or is reused from `cache`).
fn set_parts(
    book: &Book,
    g: &Geometry,
    fonts: &FontSet,
    cache: Option<&mut SetCache>,
    tick: Option<Tick>,
) -> flow::Set {
    let recto_chapters = book.settings.pdf.recto_chapters;
    let mut cache = cache;
    let keys = cache.as_ref().map(|_| SetCache::keys(book, g));
    // The copies made ahead (`SetCache::prepare`) are taken; a part without
    // one clones what is kept.
    let mut spares = match (&keys, cache.as_deref_mut()) {
        (Some(keys), Some(c)) => c.sets.take_spares(keys),
        _ => Vec::new(),
    };
    spares.resize_with(book.parts.len(), || None);
    let earlier = cache.as_deref();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let told = |_: ()| {
        if let Some(tick) = tick {
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            tick(n, book.parts.len());
        }
    };
    let new_ctx = || Ctx {
        fonts,
        shaper: shape::Shaper::new(),
        language: book.meta.language.clone(),
        expansion: book.settings.pdf.expansion,
        words: Default::default(),
    };
    // One context (shaper and word cache) a thread for the whole set, not one a
    // piece of work rayon splits off: the novel's 388 parts were set by ten
    // contexts, each shaping and hyphenating again the words another had cut —
    // 109,000 words shaped of 563,000 set. A thread busy with its context (it
    // took another part while waiting inside this one) makes a fresh one.
    let slots: Vec<std::sync::Mutex<Option<Ctx>>> = (0..=rayon::current_num_threads())
        .map(|_| std::sync::Mutex::new(None))
        .collect();
    let sets: Vec<(flow::Set, bool)> = spares
        .into_par_iter()
        .enumerate()
        // A part a piece of work: split in halves, the last half left one core
        // setting its parts while the other waited (40 ms of the novel).
        .with_max_len(1)
        .map(|(i, spare)| {
            if let (Some(keys), Some(c)) = (&keys, earlier) {
                if let Some(mut set) = spare.or_else(|| c.sets.get(keys[i]).cloned()) {
                    let texts = crate::model::pages::texts_of(&book.parts[i]);
                    rekey(&mut set, |k| k.from_index(&texts));
                    told(());
                    return (set, false);
                }
            }
            let slot =
                rayon::current_thread_index().map_or(slots.len() - 1, |t| t.min(slots.len() - 1));
            let mut held = slots[slot].try_lock().ok();
            let mut own = None;
            let ctx = match held.as_deref_mut() {
                Some(kept) => kept.get_or_insert_with(new_ctx),
                None => own.insert(new_ctx()),
            };
            // Each part is shaped and hyphenated in its own language.
            let lang = book.parts[i]
                .language
                .as_deref()
                .unwrap_or(&book.meta.language);
            if ctx.language != lang {
                ctx.language = lang.to_string();
            }
            let mut b = g.builder(ctx, recto_chapters);
            b.part(book, i);
            let part = b.finish();
            told(());
            (part, true)
        })
        .collect();
    // The contexts' caches are let go on another core while the book is
    // paginated: freeing the novel's words one by one took 30 ms it waited for.
    let caches: Vec<(shape::Shaper, paragraph::WordCache)> = slots
        .into_iter()
        .filter_map(|slot| slot.into_inner().ok().flatten())
        .map(|ctx| (ctx.shaper, ctx.words))
        .collect();
    rayon::spawn(move || drop(caches));
    if let (Some(c), Some(keys)) = (cache, keys) {
        c.keep(book, &keys, &sets);
    }
    let mut all = flow::Set::join(sets.into_iter().map(|(s, _)| s).collect());
    if book.settings.pdf.notes == crate::model::NotesAt::Book && !book.parts.is_empty() {
        let mut ctx = Ctx {
            fonts,
            shaper: shape::Shaper::new(),
            language: book.meta.language.clone(),
            expansion: book.settings.pdf.expansion,
            words: Default::default(),
        };
        let mut b = g.builder(&mut ctx, recto_chapters);
        b.book_notes(book, book.parts.len() - 1);
        all.append(b.finish());
    }
    all
}

/// Parts set by earlier builds, for a rebuild to reuse (`watch`, `serve`). A part's
/// key hashes everything its setting reads: the part itself (the model derives
/// `Hash` for every block, inline, note, attribute and source span), its index and
/// labels, and the book's metadata, settings, labels, typefaces, pictures and page
/// geometry (their `Debug` form: the settings hold numbers that are not `Hash`).
/// A part whose key is unchanged is set exactly as before, so a copy of its set is
/// taken (made ahead by `prepare`, else cloned) instead of setting it again. The
/// fonts' bytes are not hashed (only their names and sizes): a font edited in
/// place must `clear` the cache, as `watch` does.
#[derive(Default)]
pub struct SetCache {
    sets: crate::kept::Kept<flow::Set>,
    /// What passed the text block on each page.
    margins: report::MarginCache,
    /// Parts set, and parts reused, by the last build.
    pub set: usize,
    pub reused: usize,
}

impl SetCache {
    /// Forgets every set part.
    pub fn clear(&mut self) {
        self.sets.clear();
        self.margins = report::MarginCache::default();
    }

    /// Each part's key, in part order.
    fn keys(book: &Book, g: &Geometry) -> Vec<u64> {
        use std::hash::{Hash, Hasher};
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        // Not the book's dates: setting a part never reads them (they go into the
        // files' metadata, written anew every build), and a book without `date`
        // is dated by its newest source, which every edit changes.
        let mut meta = book.meta.clone();
        (meta.date, meta.modified) = (None, 0);
        crate::model::hash_debug(&mut h, &(&meta, &book.settings, &book.labels));
        crate::model::hash_debug(&mut h, &(&book.typefaces, g));
        for r in &book.resources {
            (&r.name, r.media_type, &r.data).hash(&mut h);
        }
        let book_key = h.finish();
        (0..book.parts.len())
            .into_par_iter()
            .map(|i| {
                let mut h = xxhash_rust::xxh3::Xxh3::new();
                (book_key, i).hash(&mut h);
                (&book.parts[i], &book.part_labels[i]).hash(&mut h);
                h.finish()
            })
            .collect()
    }

    /// Keeps this build's sets (those made anew are cloned in, their places in
    /// the text turned into indices: `rekey`) and forgets the rest, so that the
    /// cache holds one book.
    fn keep(&mut self, book: &Book, keys: &[u64], sets: &[(flow::Set, bool)]) {
        use crate::model::pages::texts_of;
        let fresh = |i: usize, s: &flow::Set| {
            let index: std::collections::HashMap<_, _> = texts_of(&book.parts[i])
                .into_iter()
                .enumerate()
                .map(|(n, k)| (k, n))
                .collect();
            let mut s = s.clone();
            rekey(&mut s, |k| k.index_in(&index));
            s
        };
        (self.set, self.reused) = self.sets.keep(
            keys.iter()
                .zip(sets)
                .enumerate()
                .map(|(i, (key, (s, made)))| (*key, made.then(|| fresh(i, s)))),
        );
    }

    /// Copies of the sets kept, made ahead for the next rebuild (`Kept::prepare`):
    /// `watch` calls this once a rebuild's files are written.
    pub fn prepare(&mut self) {
        self.sets.prepare();
    }
}

/// Each line's place in the book's text given a new key by `f` (none if it
/// gives none): the places of a part set from one book, moved to the same part
/// of another whose strings live elsewhere.
fn rekey(
    set: &mut flow::Set,
    f: impl Fn(crate::model::pages::TextKey) -> Option<crate::model::pages::TextKey>,
) {
    for item in &mut set.flow {
        if let flow::Flow::Line { line, .. } = item {
            line.source = line.source.and_then(|at| {
                Some(crate::model::pages::TextAt {
                    key: f(at.key)?,
                    offset: at.offset,
                })
            });
        }
    }
}

/// The page number of each contents entry in this pagination.
fn contents_numbers(book: &Book, pages: &paginate::Paginated) -> Vec<String> {
    let first_chapter = first_chapter_page(book, pages);
    book.toc
        .iter()
        .map(|e| {
            pages
                .find(e.part, &e.anchor)
                .map_or("?".into(), |(page, _)| folio(page, first_chapter))
        })
        .collect()
}

/// The contents page's flow, with these page numbers.
fn contents_flow(book: &Book, g: &Geometry, ctx: &mut Ctx, numbers: &[String]) -> Vec<flow::Flow> {
    let mut b = g.builder(ctx, book.settings.pdf.recto_chapters);
    contents::contents(&mut b, book, numbers, book.parts.len());
    std::mem::take(&mut b.flow)
}

/// The book's flow in the order it is paginated (the parts before the
/// contents, the contents, the rest) where it lies: an index into that order
/// finds its item.
pub(super) struct Ordered<'a> {
    parts: &'a mut [flow::Flow],
    contents: &'a mut [flow::Flow],
    split: usize,
}

impl Ordered<'_> {
    /// Item `i` of the book in order.
    pub(super) fn get_mut(&mut self, i: usize) -> Option<&mut flow::Flow> {
        let contents = self.contents.len();
        if i < self.split {
            self.parts.get_mut(i)
        } else if i < self.split + contents {
            self.contents.get_mut(i - self.split)
        } else {
            self.parts.get_mut(i - contents)
        }
    }
}

/// The book in order: the parts before the contents, the contents, the rest.
fn in_order<'a>(
    parts: &'a [flow::Flow],
    split: usize,
    contents: &'a [flow::Flow],
) -> Vec<&'a flow::Flow> {
    parts[..split]
        .iter()
        .chain(contents)
        .chain(&parts[split..])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geometry(rtl: bool) -> Geometry {
        Geometry {
            width: 432.0,
            height: 648.0,
            inner: 63.0,
            outer: 45.0,
            top: 54.0,
            bottom: 54.0,
            size: 10.5,
            leading: 14.0,
            rtl,
        }
    }

    #[test]
    fn the_flow_in_order_finds_the_contents_among_the_parts() {
        let space = |v: Pt| flow::Flow::Space(v);
        let mut parts: Vec<_> = (0..5).map(|i| space(i as Pt)).collect();
        let mut contents = vec![space(10.0), space(11.0)];
        let mut ordered = Ordered {
            parts: &mut parts,
            contents: &mut contents,
            split: 2,
        };
        let seen: Vec<Option<Pt>> = (0..8)
            .map(|i| match ordered.get_mut(i) {
                Some(flow::Flow::Space(v)) => Some(*v),
                _ => None,
            })
            .collect();
        let want = [0.0, 1.0, 10.0, 11.0, 2.0, 3.0, 4.0].map(Some);
        assert_eq!(seen[..7], want);
        assert_eq!(seen[7], None);
    }

    #[test]
    fn a_book_bound_on_the_right_mirrors_its_margins_not_its_page_parity() {
        let (ltr, rtl) = (geometry(false), geometry(true));
        // Page 0 is the first recto either way: on the right of its spread in a
        // book bound on the left, on the left in one bound on the right.
        assert!(ltr.right_hand(0) && !ltr.right_hand(1));
        assert!(!rtl.right_hand(0) && rtl.right_hand(1));
        // The inner margin is at the spine: left of a right-hand page, right of a
        // left-hand one.
        for page in 0..4 {
            for g in [&ltr, &rtl] {
                let right_margin = g.width - g.left(page) - g.text_width();
                if g.right_hand(page) {
                    assert_eq!((g.left(page), right_margin), (g.inner, g.outer));
                } else {
                    assert_eq!((g.left(page), right_margin), (g.outer, g.inner));
                }
            }
        }
        assert_eq!(ltr.left(0), 63.0);
        assert_eq!(rtl.left(0), 45.0);
    }
}
