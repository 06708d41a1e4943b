//! The vertical list → pages. Fills each page line by line and, where the page is
//! full, backs up to the nearest legal break: not after a heading or the first
//! line that follows it, not after a paragraph's first line (orphan), not before
//! its last (widow). Parts open on new pages (rectos where asked, with an
//! unnumbered blank verso before them when needed). Page 0 is a recto; which side
//! of the spread that is (right, or left in a book bound on the right) is for
//! `place`. A table breaks between its rows (a row of up to three lines stays
//! whole, as a paragraph does) and its header row is set again at the top of each
//! page it continues on.
//!
//! Footnotes (`pdf.notes: foot`): the items between a `NoteStart` and its `NoteEnd`
//! are taken out of the text and set at the foot of the page whose line cites them
//! (the `NoteRef` after it), under a short rule, bottom-aligned in the text block. A
//! page is full when its text and its notes fill it; a note that does not fit
//! whole keeps at least its first lines with its reference and continues at the foot
//! of the next page; when not even those fit, the citing line goes over (LaTeX's
//! rules, simplified).
//!
//! Knows the flow and the text block's height; not fonts, not PDF.

use std::collections::{HashMap, HashSet};

use super::doc::Pt;
use super::flow::{Flow, InPara, TableMark};
use super::paragraph::Line;

/// A page as laid out: what goes where, in text-block coordinates (x from the
/// block's left edge, y down from its top edge).
#[derive(Debug, Clone, Default)]
pub struct LaidPage<'a> {
    /// The part the page belongs to (for running heads); None for a blank page.
    pub part: Option<usize>,
    /// The first page of a part: no running head.
    pub opening: bool,
    pub running_heads: bool,
    pub folio: bool,
    pub lines: Vec<PlacedLine<'a>>,
    /// Rules, centred on the text block: (y, width).
    pub rules: Vec<(Pt, Pt)>,
    /// Rules from a given x (a table's): (y, x, width, thickness).
    pub rules_at: Vec<(Pt, Pt, Pt, Pt)>,
    /// Images: (image, x, y of the top edge, width, height).
    pub images: Vec<(usize, Pt, Pt, Pt, Pt)>,
    /// Footnote lines at the foot of the page, in order.
    pub notes: Vec<PlacedLine<'a>>,
    /// Where the short rule above the footnotes is (y down from the top).
    pub foot_rule: Option<Pt>,
    /// A note at the foot continues at the foot of the next page.
    pub notes_continue: bool,
}

#[derive(Debug, Clone)]
pub struct PlacedLine<'a> {
    /// Borrowed from the flow: pages are laid out several times, lines set once.
    /// After [`Paginated::detach`], an empty line: the flow's line is at `item`.
    pub line: &'a Line,
    /// Index of the line's item in the flow given to [`paginate`].
    pub item: usize,
    pub x: Pt,
    /// Baseline, down from the top of the text block.
    pub y: Pt,
    pub para: Option<InPara>,
    pub heading: bool,
    /// The flow's line is placed more than once (a table's header row, repeated
    /// on the pages the table continues on): placing copies it, not moves it.
    pub shared: bool,
}

/// Counts from the finished pages, for the layout report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Breaks {
    pub widows: usize,
    pub orphans: usize,
    pub stranded_headings: usize,
}

pub struct Paginated<'a> {
    pub pages: Vec<LaidPage<'a>>,
    /// (part, anchor) → (page index, y from the top of the text block).
    pub anchors: HashMap<(usize, Option<String>), (usize, Pt)>,
    pub breaks: Breaks,
}

/// The line every detached page points at.
static NO_LINE: Line = Line {
    pieces: Vec::new(),
    hyphenated: false,
    space_ratio: None,
    overfull: false,
    max_size: 0.0,
    backdrops: Vec::new(),
    hang: (0.0, 0.0),
    source: None,
};

impl Paginated<'_> {
    /// Where `anchor` of `part` landed (page index, y from the top of the text
    /// block); the part's top when the anchor is unknown or None.
    pub fn find(&self, part: usize, anchor: &Option<String>) -> Option<(usize, Pt)> {
        self.anchors
            .get(&(part, anchor.clone()))
            .or_else(|| self.anchors.get(&(part, None)))
            .copied()
    }

    /// The same pages, no longer borrowing the flow: each line keeps its `item`
    /// index and points at an empty line. Placing then takes the lines out of the
    /// flow by index and frees them as it goes, so that a long book is not held twice.
    pub fn detach(self) -> Paginated<'static> {
        let detach = |lines: Vec<PlacedLine>| -> Vec<PlacedLine<'static>> {
            lines
                .into_iter()
                .map(|l| PlacedLine {
                    line: &NO_LINE,
                    item: l.item,
                    x: l.x,
                    y: l.y,
                    para: l.para,
                    heading: l.heading,
                    shared: l.shared,
                })
                .collect()
        };
        Paginated {
            pages: self
                .pages
                .into_iter()
                .map(|p| LaidPage {
                    lines: detach(p.lines),
                    notes: detach(p.notes),
                    foot_rule: p.foot_rule,
                    notes_continue: p.notes_continue,
                    part: p.part,
                    opening: p.opening,
                    running_heads: p.running_heads,
                    folio: p.folio,
                    rules: p.rules,
                    rules_at: p.rules_at,
                    images: p.images,
                })
                .collect(),
            anchors: self.anchors,
            breaks: self.breaks,
        }
    }
}

/// Height a flow item takes on the page.
fn height(f: &Flow, leading: Pt) -> Pt {
    match f {
        Flow::Line { height, .. } => *height,
        Flow::Space(s) => *s,
        Flow::Rule { .. } => leading * 0.5,
        Flow::Image { height, .. } => *height,
        Flow::Table(TableMark::Rule { height, .. }) => *height,
        Flow::Anchor(..)
        | Flow::Opening { .. }
        | Flow::Table(_)
        | Flow::NoteRef { .. }
        | Flow::NoteStart { .. }
        | Flow::NoteEnd => 0.0,
    }
}

/// The line nearest before `k` in `items[from..k]`, skipping spaces and anchors.
fn content_before(items: &[&Flow], from: usize, k: usize) -> Option<usize> {
    (from..k).rev().find(|&i| {
        matches!(
            items[i],
            Flow::Line { .. }
                | Flow::Rule { .. }
                | Flow::Image { .. }
                | Flow::Table(TableMark::Rule { .. })
        )
    })
}

fn content_from(items: &[&Flow], k: usize) -> Option<usize> {
    (k..items.len()).find(|&i| {
        matches!(
            items[i],
            Flow::Line { .. }
                | Flow::Rule { .. }
                | Flow::Image { .. }
                | Flow::Table(TableMark::Rule { .. })
        )
    })
}

fn para_of(f: &Flow) -> Option<InPara> {
    match f {
        Flow::Line { para, .. } => *para,
        _ => None,
    }
}

/// May the page end just before `items[k]`?
fn legal(items: &[&Flow], from: usize, k: usize) -> bool {
    let Some(p) = content_before(items, from, k) else {
        return false;
    };
    if in_table_head(items, from, k) || before_last_rule(items, k) {
        return false;
    }
    match items[p] {
        Flow::Line {
            keep_with_next: true,
            ..
        } => return false,
        // No word broken across a page: the reader would turn the page mid-word,
        // and the two halves no longer read (or search, or copy) as one.
        Flow::Line { line, .. } if line.hyphenated => return false,
        _ => {}
    }
    if let (Some(a), Some(n)) = (
        para_of(items[p]),
        content_from(items, k).and_then(|n| para_of(items[n])),
    ) {
        if a.para == n.para && (n.index < 2 || n.count - n.index < 2) {
            return false;
        }
    }
    true
}

/// Is `k` inside a table's header, or between it and the first row? Only what
/// lies on the page (from `from`) counts: a page that starts inside a table's body
/// may end after any of its rows.
fn in_table_head(items: &[&Flow], from: usize, k: usize) -> bool {
    let mut row = false;
    for f in items[from..k].iter().rev() {
        match f {
            Flow::Line { .. } => row = true,
            Flow::Table(TableMark::Head) => return true,
            Flow::Table(TableMark::Body) => return !row,
            Flow::Table(TableMark::End) => return false,
            _ => {}
        }
    }
    false
}

/// Is the next thing from `k` a table's bottom rule? It stays with the last row.
fn before_last_rule(items: &[&Flow], k: usize) -> bool {
    content_from(items, k).is_some_and(|c| {
        matches!(items[c], Flow::Table(TableMark::Rule { .. }))
            && matches!(items.get(c + 1), Some(Flow::Table(TableMark::End)))
    })
}

/// The header rows of the tables a segment holds, read as its pages start.
#[derive(Default)]
struct Headers {
    /// Items before this one have been read.
    read: usize,
    /// The header being read: where it starts (its `Head` mark).
    head_from: Option<usize>,
    /// The header of the table whose body has begun.
    head: Option<std::ops::Range<usize>>,
}

impl Headers {
    /// The items of the header row to set at the top of a page that starts at
    /// `start` (pages start in order): that of the table the page continues,
    /// unless only its end is left.
    fn at(&mut self, items: &[&Flow], start: usize) -> Option<std::ops::Range<usize>> {
        for (i, f) in items.iter().enumerate().take(start).skip(self.read) {
            match f {
                Flow::Table(TableMark::Head) => self.head_from = Some(i),
                Flow::Table(TableMark::Body) => self.head = self.head_from.take().map(|h| h..i),
                Flow::Table(TableMark::End) => self.head = None,
                _ => {}
            }
        }
        self.read = self.read.max(start);
        let head = self.head.clone()?;
        let next = (start..items.len()).find(|&i| !matches!(items[i], Flow::Anchor(..)))?;
        (!matches!(items[next], Flow::Table(TableMark::End))).then_some(head)
    }
}

pub fn paginate<'a>(flow: &[&'a Flow], text_height: Pt, leading: Pt) -> Paginated<'a> {
    let mut pages: Vec<LaidPage> = Vec::new();
    let mut anchors = HashMap::new();
    // Segments: each Opening begins one.
    let mut i = 0;
    while i < flow.len() {
        let (part, recto, sink, running_heads, folio) = match flow[i] {
            Flow::Opening {
                part,
                recto,
                sink,
                running_heads,
                folio,
            } => (Some(*part), *recto, *sink, *running_heads, *folio),
            _ => (None, false, None, true, true),
        };
        let seg_start = if part.is_some() { i + 1 } else { i };
        let mut seg_end = seg_start;
        while seg_end < flow.len() && !matches!(flow[seg_end], Flow::Opening { .. }) {
            seg_end += 1;
        }
        if recto && pages.len() % 2 == 1 {
            pages.push(LaidPage::default());
        }
        let items = &flow[seg_start..seg_end];
        lay_segment(
            items,
            seg_start,
            part,
            sink.unwrap_or(0.0),
            running_heads,
            folio,
            text_height,
            leading,
            &mut pages,
            &mut anchors,
        );
        i = seg_end;
    }
    let breaks = count_breaks(&pages);
    Paginated {
        pages,
        anchors,
        breaks,
    }
}

/// Space the footnotes' rule takes, in leadings: half above it, half below.
const FOOT_SEP: f32 = 1.0;
/// Notes continued from the page before take at most this share of a page, so that
/// the text goes on beside them.
const CARRIED_SHARE: f32 = 0.5;
/// A note split at the foot keeps at least this many lines with its reference.
const NOTE_MIN_LINES: usize = 2;

/// A segment's flow with its footnotes taken out: the text, each item with its
/// index in the whole flow, and each note's items by (part, number).
struct Segment<'a> {
    text: Vec<&'a Flow>,
    index: Vec<usize>,
    notes: HashMap<(usize, usize), Vec<(usize, &'a Flow)>>,
    /// The notes in flow order, for those no line cites.
    order: Vec<(usize, usize)>,
}

impl<'a> Segment<'a> {
    fn new(items: &[&'a Flow], offset: usize) -> Segment<'a> {
        let mut seg = Segment {
            text: Vec::with_capacity(items.len()),
            index: Vec::with_capacity(items.len()),
            notes: HashMap::new(),
            order: Vec::new(),
        };
        let mut note: Option<(usize, usize)> = None;
        for (k, &f) in items.iter().enumerate() {
            match (f, note) {
                (Flow::NoteStart { part, number }, _) => {
                    note = Some((*part, *number));
                    seg.order.push((*part, *number));
                    seg.notes.entry((*part, *number)).or_default();
                }
                (Flow::NoteEnd, _) => note = None,
                (_, Some(key)) => {
                    if let Some(body) = seg.notes.get_mut(&key) {
                        body.push((offset + k, f));
                    }
                }
                (_, None) => {
                    seg.text.push(f);
                    seg.index.push(offset + k);
                }
            }
        }
        // A note's spaces at its start or end are no part of it.
        for body in seg.notes.values_mut() {
            while matches!(body.last(), Some((_, Flow::Space(_)))) {
                body.pop();
            }
            let lead = body
                .iter()
                .take_while(|(_, f)| matches!(f, Flow::Space(_)))
                .count();
            body.drain(..lead);
        }
        seg
    }

    /// The note `text[j]` cites, if it is a reference to a note of this segment.
    fn cited(&self, j: usize) -> Option<(usize, usize)> {
        match self.text[j] {
            Flow::NoteRef { part, number } if self.notes.contains_key(&(*part, *number)) => {
                Some((*part, *number))
            }
            _ => None,
        }
    }

    /// Height of a note's first `lines` lines (all of it when `lines` is large).
    fn note_height(&self, key: (usize, usize), lines: usize, leading: Pt) -> Pt {
        items_height(self.notes.get(&key).map_or(&[][..], |b| b), lines, leading)
    }
}

/// Height of items up to their `lines`-th line.
fn items_height(items: &[(usize, &Flow)], lines: usize, leading: Pt) -> Pt {
    let mut h = 0.0;
    let mut seen = 0;
    for (_, f) in items {
        if seen == lines {
            break;
        }
        if matches!(f, Flow::Line { .. }) {
            seen += 1;
        }
        h += height(f, leading);
    }
    h
}

/// Lays one segment (a part, or the flow before the first opening) on new pages.
#[allow(clippy::too_many_arguments)]
fn lay_segment<'a>(
    items: &[&'a Flow],
    offset: usize,
    part: Option<usize>,
    sink: Pt,
    running_heads: bool,
    folio: bool,
    text_height: Pt,
    leading: Pt,
    pages: &mut Vec<LaidPage<'a>>,
    anchors: &mut HashMap<(usize, Option<String>), (usize, Pt)>,
) {
    let seg = Segment::new(items, offset);
    let items = &seg.text[..];
    let mut start = 0;
    let mut first = true;
    // The height this page may fill: a recto runs one line short when the verso
    // facing it had to, so that the spread ends on one line.
    let mut room = text_height;
    // Footnote items continued from the page before, and the notes already set.
    let mut carried: Vec<(usize, &'a Flow)> = Vec::new();
    let mut set: HashSet<(usize, usize)> = HashSet::new();
    let mut headers = Headers::default();
    loop {
        // Spaces do not open a page (except the sink of an opening).
        if !first {
            while start < items.len() && matches!(items[start], Flow::Space(_)) {
                start += 1;
            }
        }
        if start >= items.len() && !first {
            // Notes no line cites, then what is left of the notes: on pages of
            // their own at the end of the part.
            for key in &seg.order {
                if set.insert(*key) {
                    carried.extend(seg.notes[key].iter().copied());
                }
            }
            if carried.is_empty() {
                break;
            }
        }
        // A table continued from the page before: its header row first.
        let header = if first {
            None
        } else {
            headers.at(items, start)
        };
        let header_height: Pt = header
            .clone()
            .map_or(0.0, |h| items[h].iter().map(|f| height(f, leading)).sum());
        let top = if first { sink } else { header_height };
        let carried_height = items_height(&carried, usize::MAX, leading);
        let overflow = fill(&seg, start, top, room, leading, carried_height);
        let end = if overflow < items.len() {
            page_break(items, start, overflow)
        } else {
            overflow
        };
        let index = pages.len();
        room = if overflow < items.len() && index % 2 == 1 {
            facing_room(&items[end..overflow], text_height, leading)
        } else {
            text_height
        };
        let mut page = LaidPage {
            part,
            opening: first && part.is_some(),
            running_heads,
            folio,
            ..LaidPage::default()
        };
        if let Some(h) = header {
            place(
                &mut page,
                &items[h.clone()],
                &seg.index[h.clone()],
                0.0,
                leading,
                index,
                anchors,
            );
        }
        let bottom = place(
            &mut page,
            &items[start..end],
            &seg.index[start..end],
            top,
            leading,
            index,
            anchors,
        );
        // The notes this page's lines cite, after those continued from before.
        for j in start..end {
            if let Some(key) = seg.cited(j) {
                if set.insert(key) {
                    carried.extend(seg.notes[&key].iter().copied());
                }
            }
        }
        // Notes sit at the foot of the text block, also on a page that runs short.
        carried = place_notes(
            &mut page,
            carried,
            bottom,
            text_height,
            leading,
            index,
            anchors,
        );
        pages.push(page);
        first = false;
        if end >= items.len() && carried.is_empty() && set.len() == seg.order.len() {
            break;
        }
        start = end;
    }
}

/// The first item from `start` that no longer fits in `room` below `top` (the
/// first always fits) with the notes it cites at the foot; `items.len()` when all
/// do. `carried` is the height of notes continued from the page before.
fn fill(seg: &Segment, start: usize, top: Pt, room: Pt, leading: Pt, carried: Pt) -> usize {
    let items = &seg.text;
    let sep = leading * FOOT_SEP;
    let mut y = top;
    let mut foot = if carried > 0.0 {
        sep + carried.min(room * CARRIED_SHARE)
    } else {
        0.0
    };
    let mut j = start;
    while j < items.len() {
        if let Some(key) = seg.cited(j) {
            let rule = if foot == 0.0 { sep } else { 0.0 };
            let whole = seg.note_height(key, usize::MAX, leading);
            if y + foot + rule + whole > room + 0.01 {
                // The page ends here: with the note's first lines, the rest
                // continued; or, when not even those fit, before the citing line.
                let first = seg.note_height(key, NOTE_MIN_LINES, leading);
                let after = (j..items.len())
                    .find(|&k| !matches!(items[k], Flow::NoteRef { .. }))
                    .unwrap_or(items.len());
                if y + foot + rule + first <= room + 0.01 {
                    return after;
                }
                return match (start..j)
                    .rev()
                    .find(|&k| matches!(items[k], Flow::Line { .. }))
                {
                    Some(k) if k > start => k,
                    _ => after,
                };
            }
            foot += rule + whole;
            j += 1;
            continue;
        }
        let h = height(items[j], leading);
        if y + h + foot > room + 0.01 && j > start {
            break;
        }
        y += h;
        j += 1;
    }
    j
}

/// Sets footnote items at the foot of `page`, below its text (which ends at
/// `bottom`), as many as fit in `room` under the rule; returns those that do not,
/// for the next page. At least one line goes on each page, so that a note longer
/// than a page still ends.
fn place_notes<'a>(
    page: &mut LaidPage<'a>,
    notes: Vec<(usize, &'a Flow)>,
    bottom: Pt,
    room: Pt,
    leading: Pt,
    index: usize,
    anchors: &mut HashMap<(usize, Option<String>), (usize, Pt)>,
) -> Vec<(usize, &'a Flow)> {
    if notes.is_empty() {
        return notes;
    }
    let sep = leading * FOOT_SEP;
    let free = room - bottom - sep;
    let mut used = 0.0;
    let mut take = 0;
    let mut lines = 0;
    for (k, (_, f)) in notes.iter().enumerate() {
        let h = height(f, leading);
        if matches!(f, Flow::Line { .. }) {
            if used + h > free + 0.01 && lines > 0 {
                break;
            }
            lines += 1;
        }
        used += h;
        take = k + 1;
    }
    // Spaces and anchors at the cut go with what follows.
    while take > 0 && !matches!(notes[take - 1].1, Flow::Line { .. }) && take < notes.len() {
        used -= height(notes[take - 1].1, leading);
        take -= 1;
    }
    let mut rest = notes;
    let here: Vec<(usize, &Flow)> = rest.drain(..take).collect();
    let mut y = room - used;
    page.foot_rule = Some(y - sep * 0.5);
    for (item, f) in here {
        match f {
            Flow::Line {
                line,
                x,
                height,
                para,
                ..
            } => {
                page.notes.push(PlacedLine {
                    line,
                    item,
                    x: *x,
                    y: y + height * super::flow::BASELINE,
                    para: *para,
                    heading: false,
                    shared: false,
                });
                y += height;
            }
            Flow::Anchor(p, a) => {
                anchors.entry((*p, a.clone())).or_insert((index, y));
            }
            other => y += height(other, leading),
        }
    }
    rest
}

/// Where a full page ends, `items[overflow]` being the first that does not fit: at
/// the nearest legal break before it (at `overflow` when there is none), and before
/// the anchors and spaces at the foot, which go with what follows them.
fn page_break(items: &[&Flow], start: usize, overflow: usize) -> usize {
    let mut end = overflow;
    let mut k = overflow;
    while k > start && !legal(items, start, k) {
        k -= 1;
    }
    if k > start {
        end = k;
    }
    while end > start + 1 && matches!(items[end - 1], Flow::Anchor(..) | Flow::Space(_)) {
        end -= 1;
    }
    // A line's note references stay with it.
    while end < items.len() && matches!(items[end], Flow::NoteRef { .. }) {
        end += 1;
    }
    end
}

/// The room of the recto facing a verso that ended early, with
/// `held` carried over: when it ended by one line only, to keep a paragraph or
/// heading whole, the page facing it ends there too.
fn facing_room(held: &[&Flow], text_height: Pt, leading: Pt) -> Pt {
    let short: Pt = held
        .iter()
        .filter(|f| matches!(f, Flow::Line { .. }))
        .map(|f| height(f, leading))
        .sum();
    if short > 0.01 && short <= leading * 1.05 {
        text_height - short
    } else {
        text_height
    }
}

/// Puts `items` on page `index` from `top` down: lines, images and rules where they
/// fall, and each anchor's first place. `ids` are the items' indices in the flow.
/// Returns where the text ends.
fn place<'a>(
    page: &mut LaidPage<'a>,
    items: &[&'a Flow],
    ids: &[usize],
    top: Pt,
    leading: Pt,
    index: usize,
    anchors: &mut HashMap<(usize, Option<String>), (usize, Pt)>,
) -> Pt {
    let mut y = top;
    // Inside a table's header row, whose lines are placed again on later pages.
    let mut shared = false;
    for (k, &f) in items.iter().enumerate() {
        // One arm per kind of flow item, each short.
        match f {
            Flow::Line {
                line,
                x,
                height,
                para,
                heading,
                ..
            } => {
                // Baseline: the line box's height less its share of descent.
                page.lines.push(PlacedLine {
                    line,
                    item: ids[k],
                    x: *x,
                    y: y + height * super::flow::BASELINE,
                    para: *para,
                    heading: *heading,
                    shared,
                });
                y += height;
            }
            Flow::Image {
                image,
                x,
                width,
                height,
            } => {
                page.images.push((*image, *x, y, *width, *height));
                y += height;
            }
            Flow::Space(s) => y += s,
            Flow::Rule { width } => {
                page.rules.push((y + leading * 0.25, *width));
                y += leading * 0.5;
            }
            Flow::Anchor(p, a) => {
                anchors.entry((*p, a.clone())).or_insert((index, y));
            }
            Flow::Table(TableMark::Rule {
                x,
                width,
                height,
                weight,
            }) => {
                page.rules_at.push((y + height / 2.0, *x, *width, *weight));
                y += height;
            }
            Flow::Table(mark) => shared = *mark == TableMark::Head,
            Flow::Opening { .. }
            | Flow::NoteRef { .. }
            | Flow::NoteStart { .. }
            | Flow::NoteEnd => {}
        }
    }
    y
}

/// Widows, orphans and stranded headings as the pages ended up.
fn count_breaks(pages: &[LaidPage<'_>]) -> Breaks {
    let mut b = Breaks::default();
    for w in pages.windows(2) {
        let (Some(last), Some(next)) = (w[0].lines.last(), w[1].lines.first()) else {
            continue;
        };
        if last.heading {
            b.stranded_headings += 1;
        }
        if let (Some(a), Some(n)) = (last.para, next.para) {
            if a.para == n.para && a.count > 1 {
                if a.index == 0 {
                    b.orphans += 1;
                }
                if n.index + 1 == n.count {
                    b.widows += 1;
                }
            }
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(id: usize, count: usize) -> Vec<Flow> {
        (0..count)
            .map(|index| Flow::Line {
                line: Line::default(),
                x: 0.0,
                height: 10.0,
                para: Some(InPara {
                    para: id,
                    index,
                    count,
                }),
                keep_with_next: false,
                heading: false,
            })
            .collect()
    }

    fn lay(flow: &[Flow]) -> Paginated<'_> {
        let refs: Vec<&Flow> = flow.iter().collect();
        paginate(&refs, 100.0, 10.0)
    }

    #[test]
    fn a_last_line_alone_moves_with_the_line_before_it() {
        let mut flow = para(1, 10);
        flow.extend(para(2, 11));
        let p = lay(&flow);
        assert_eq!(
            p.pages[1].lines.len(),
            9,
            "page 2 gives up a line to avoid a widow"
        );
        assert_eq!(p.breaks, Breaks::default());
    }

    #[test]
    fn a_first_line_alone_at_the_foot_moves_to_the_next_page() {
        let mut flow = para(1, 9);
        flow.extend(para(2, 5));
        let p = lay(&flow);
        assert_eq!(p.pages[0].lines.len(), 9);
        assert_eq!(p.pages[1].lines.len(), 5);
        assert_eq!(p.breaks.orphans, 0);
    }

    #[test]
    fn the_page_facing_a_short_left_hand_page_ends_on_the_same_line() {
        let mut flow = para(1, 10);
        flow.extend(para(2, 11));
        flow.extend(para(3, 30));
        let p = lay(&flow);
        assert_eq!(p.pages[1].lines.len(), 9);
        assert_eq!(
            p.pages[2].lines.len(),
            9,
            "the recto of the spread runs short too"
        );
        assert_eq!(p.pages[3].lines.len(), 10, "the next spread is full again");
    }

    #[test]
    fn a_page_does_not_end_on_a_hyphen() {
        let mut flow = para(1, 25);
        if let Flow::Line { line, .. } = &mut flow[9] {
            line.hyphenated = true;
        }
        let p = lay(&flow);
        assert_eq!(p.pages[0].lines.len(), 9, "the hyphenated line goes over");
        assert!(!p.pages[0].lines.last().expect("lines").line.hyphenated);
        assert_eq!(p.breaks, Breaks::default());
        // Without the hyphen the page is full.
        assert_eq!(lay(&para(1, 25)).pages[0].lines.len(), 10);
    }

    /// A table: rules of height 5, a header line, `rows` rows of `lines` lines.
    fn table(rows: usize, lines: usize) -> Vec<Flow> {
        let rule = || {
            Flow::Table(TableMark::Rule {
                x: 0.0,
                width: 50.0,
                height: 5.0,
                weight: 0.5,
            })
        };
        let mut flow = vec![Flow::Table(TableMark::Head), rule()];
        flow.extend(para(100, 1).into_iter().map(|mut f| {
            if let Flow::Line { keep_with_next, .. } = &mut f {
                *keep_with_next = true;
            }
            f
        }));
        flow.push(rule());
        flow.push(Flow::Table(TableMark::Body));
        for r in 0..rows {
            if r > 0 {
                flow.push(Flow::Space(2.0));
            }
            flow.extend(para(101 + r, lines));
        }
        flow.push(rule());
        flow.push(Flow::Table(TableMark::End));
        flow
    }

    #[test]
    fn a_long_table_repeats_its_header_row_on_each_page_it_continues_on() {
        let mut flow = para(1, 8);
        let header = flow.len() + 2;
        flow.extend(table(30, 1));
        flow.extend(para(2, 3));
        let p = lay(&flow);
        assert!(p.pages.len() >= 4, "{} pages", p.pages.len());
        // The first page ends with the paragraph: its rules and header row (20)
        // leave no room for a row, and the header is not left alone.
        assert_eq!(p.pages[0].lines.len(), 8);
        assert!(p.pages[0].rules_at.is_empty());
        let table_pages: Vec<_> = p
            .pages
            .iter()
            .filter(|pg| !pg.rules_at.is_empty())
            .collect();
        for page in &table_pages {
            let first = &page.lines[0];
            assert_eq!(first.item, header, "the header row opens every table page");
            assert!(first.shared, "and is placed from a copy");
            assert!(page.lines.iter().skip(1).all(|l| !l.shared));
            assert!(page.rules_at.len() >= 2, "the header's rules come with it");
            assert_ne!(page.lines.last().map(|l| l.item), Some(header));
        }
        // The table's rows are all placed once.
        let rows = p
            .pages
            .iter()
            .flat_map(|pg| &pg.lines)
            .filter(|l| l.para.is_some_and(|i| i.para > 100))
            .count();
        assert_eq!(rows, 30);
    }

    #[test]
    fn a_table_row_of_three_lines_is_not_broken_and_its_last_rule_stays_with_it() {
        let mut flow = para(1, 2);
        flow.extend(table(6, 3));
        let p = lay(&flow);
        for w in p.pages.windows(2) {
            let (Some(last), Some(next)) =
                (w[0].lines.last(), w[1].lines.iter().find(|l| !l.shared))
            else {
                continue;
            };
            if let (Some(a), Some(n)) = (last.para, next.para) {
                assert_ne!(a.para, n.para, "a row of three lines broken");
            }
        }
        let last = p.pages.last().expect("pages");
        assert!(
            !last.lines.iter().all(|l| l.shared),
            "the bottom rule is not alone"
        );
    }

    #[test]
    fn a_heading_is_never_the_last_line_of_a_page() {
        let mut flow = para(1, 9);
        flow.push(Flow::Line {
            line: Line::default(),
            x: 0.0,
            height: 10.0,
            para: Some(InPara {
                para: 2,
                index: 0,
                count: 1,
            }),
            keep_with_next: true,
            heading: true,
        });
        flow.extend(para(3, 5));
        let p = lay(&flow);
        assert_eq!(p.pages[0].lines.len(), 9);
        assert!(p.pages[1].lines[0].heading);
        assert_eq!(p.breaks.stranded_headings, 0);
    }
}
