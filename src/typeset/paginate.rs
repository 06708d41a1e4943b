//! The vertical list → pages. Fills each page line by line and, where the page is
//! full, backs up to the nearest legal break: not after a heading or the first
//! line that follows it, not after a paragraph's first line (orphan), not before
//! its last (widow). Parts open on new pages (rectos where asked, with an
//! unnumbered blank verso before them when needed). Page 0 is a recto; which side
//! of the spread that is (right, or left in a book bound on the right) is for
//! `place`.
//!
//! Knows the flow and the text block's height; not fonts, not PDF.

use std::collections::HashMap;

use super::doc::Pt;
use super::flow::{Flow, InPara};
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
    /// Images: (image, x, y of the top edge, width, height).
    pub images: Vec<(usize, Pt, Pt, Pt, Pt)>,
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
        Paginated {
            pages: self
                .pages
                .into_iter()
                .map(|p| LaidPage {
                    lines: p
                        .lines
                        .into_iter()
                        .map(|l| PlacedLine {
                            line: &NO_LINE,
                            item: l.item,
                            x: l.x,
                            y: l.y,
                            para: l.para,
                            heading: l.heading,
                        })
                        .collect(),
                    part: p.part,
                    opening: p.opening,
                    running_heads: p.running_heads,
                    folio: p.folio,
                    rules: p.rules,
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
        Flow::Anchor(..) | Flow::Opening { .. } => 0.0,
    }
}

/// The line nearest before `k` in `items[from..k]`, skipping spaces and anchors.
fn content_before(items: &[&Flow], from: usize, k: usize) -> Option<usize> {
    (from..k).rev().find(|&i| {
        matches!(
            items[i],
            Flow::Line { .. } | Flow::Rule { .. } | Flow::Image { .. }
        )
    })
}

fn content_from(items: &[&Flow], k: usize) -> Option<usize> {
    (k..items.len()).find(|&i| {
        matches!(
            items[i],
            Flow::Line { .. } | Flow::Rule { .. } | Flow::Image { .. }
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
    let mut start = 0;
    let mut first = true;
    // The height this page may fill: a recto runs one line short when the verso
    // facing it had to, so that the spread ends on one line.
    let mut room = text_height;
    loop {
        // Spaces do not open a page (except the sink of an opening).
        if !first {
            while start < items.len() && matches!(items[start], Flow::Space(_)) {
                start += 1;
            }
        }
        if start >= items.len() && !first {
            break;
        }
        let top = if first { sink } else { 0.0 };
        let overflow = fill(items, start, top, room, leading);
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
        let placed = &items[start..end];
        place(
            &mut page,
            placed,
            offset + start,
            top,
            leading,
            index,
            anchors,
        );
        pages.push(page);
        first = false;
        if end >= items.len() {
            break;
        }
        start = end;
    }
}

/// The first item from `start` that no longer fits in `room` below `top` (the
/// first always fits); `items.len()` when all do.
fn fill(items: &[&Flow], start: usize, top: Pt, room: Pt, leading: Pt) -> usize {
    let mut y = top;
    let mut j = start;
    while j < items.len() {
        let h = height(items[j], leading);
        if y + h > room + 0.01 && j > start {
            break;
        }
        y += h;
        j += 1;
    }
    j
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
/// fall, and each anchor's first place. `first_item` is the flow index of the first.
fn place<'a>(
    page: &mut LaidPage<'a>,
    items: &[&'a Flow],
    first_item: usize,
    top: Pt,
    leading: Pt,
    index: usize,
    anchors: &mut HashMap<(usize, Option<String>), (usize, Pt)>,
) {
    let mut y = top;
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
                    item: first_item + k,
                    x: *x,
                    y: y + height * 0.78,
                    para: *para,
                    heading: *heading,
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
            Flow::Opening { .. } => {}
        }
    }
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
