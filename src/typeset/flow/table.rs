//! Tables: column widths as CSS's automatic table layout gives them, cells set in
//! them (aligned as the Markdown says), the header row bold between rules, and
//! marks that let `paginate` break between rows and repeat the header row.
//!
//! Column widths (CSS 2.1 §17.5.2.2, CSS Tables 3 §3.9.3 "distributing width to
//! columns"): each column has a minimum width, its widest stretch no line may
//! break inside (a word, a URL), and a preferred width, its widest cell set on
//! one line, both measured with the shaper (`Ctx::extent`). When the preferred
//! widths fit the measure they are used, the table as wide as its content and
//! centred; else every column gets its minimum and the rest of the measure is
//! shared in proportion to what each would still like (preferred − minimum). When
//! even the minimums do not fit, the table is set smaller, down to
//! `SMALLEST_SCALE` of the body size, and only then are words broken: the widest
//! columns share what the narrow ones leave, and a cell with a word wider than
//! its column is hyphenated and, where that is not enough, cut between letters
//! (which `paragraph` reports as a long word). Cost: one shaping of every cell to
//! measure it, one to set it.
//!
//! Knows the table and the measure, not the page: `paginate` breaks between rows.

use super::{Builder, Flow, InPara};
use crate::model::{Align as Alignment, Inline};
use crate::typeset::doc::Pt;
use crate::typeset::fonts::Style;
use crate::typeset::paragraph::{Align, Extent, Line, Notes, Spec};

/// Tables are set a little smaller than the body, as block quotes are: a table
/// holds more words per line than prose, and reads as a thing apart.
const TABLE_SCALE: Pt = 0.9;
/// A table whose columns' minimum widths do not fit is set smaller, in steps of
/// `STEP` points, down to three quarters of the body size: smaller than that
/// and it reads as small print, and breaking words is the lesser harm.
const SMALLEST_SCALE: Pt = 0.75;
const STEP: Pt = 0.5;
/// Space between columns, in ems of the table's size (LaTeX sets 2 × 6 pt at
/// 10 pt; a little less keeps more of the measure for words).
const GAP_EM: Pt = 1.0;
/// Space between body rows, in lines: rows of several lines read apart.
const ROW_GAP: Pt = 0.3;
/// Rules: the top and bottom of the table heavier than the one under the header
/// row, as booktabs sets them (0.08 em and 0.05 em).
const OUTER_RULE: Pt = 0.7;
const HEAD_RULE: Pt = 0.4;
/// The height a rule takes in the flow, in lines: the rule sits in its middle.
const RULE_SPACE: Pt = 0.5;

/// Where a table's parts are in the flow, for pagination. A table with a header
/// row is `Head`, its top rule, header lines and rule, `Body`, its rows, its
/// bottom rule, `End`; one without is its rules and rows, then `End`.
#[derive(Debug, Clone, PartialEq)]
pub enum TableMark {
    /// The header row follows: set again on each page the table continues on.
    Head,
    /// The header ends; the rows follow.
    Body,
    /// The table has ended.
    End,
    /// A rule across the table: from `x` (in the text block), `width` long,
    /// `weight` thick, in the middle of the `height` it takes in the flow.
    Rule {
        x: Pt,
        width: Pt,
        height: Pt,
        weight: Pt,
    },
}

/// A cell before it is set: its content, weight and the room it would take.
struct Cell<'a> {
    content: &'a [Inline],
    style: Style,
    extent: Extent,
}

impl Builder<'_, '_> {
    /// A table: widths, then the rows, each row's cells set side by side.
    pub(super) fn table(
        &mut self,
        alignments: &[Alignment],
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        x: Pt,
    ) {
        let cols = head.len().max(rows.iter().map(Vec::len).max().unwrap_or(0));
        if cols == 0 {
            return;
        }
        let base = self.size * TABLE_SCALE;
        let measure = self.width - x;
        let head: Vec<Cell> = head
            .iter()
            .map(|c| self.cell(c, Style::Bold, base))
            .collect();
        let body: Vec<Vec<Cell>> = rows
            .iter()
            .filter(|r| !r.is_empty())
            .map(|r| {
                r.iter()
                    .map(|c| self.cell(c, Style::Regular, base))
                    .collect()
            })
            .collect();
        let (mut min, mut max) = (vec![0.0; cols], vec![0.0; cols]);
        let mut head_min = vec![0.0; cols];
        for (c, cell) in head.iter().enumerate() {
            head_min[c] = cell.extent.min;
        }
        for row in std::iter::once(&head).chain(&body) {
            for (c, cell) in row.iter().enumerate() {
                min[c] = Pt::max(min[c], cell.extent.min);
                max[c] = Pt::max(max[c], cell.extent.max);
            }
        }
        let smallest = self.size * SMALLEST_SCALE;
        let (size, widths) = columns(
            &Wants {
                head: &head_min,
                min: &min,
                max: &max,
            },
            base,
            smallest,
            measure,
        );
        let gap = size * GAP_EM;
        let table_width = widths.iter().sum::<Pt>() + gap * (cols - 1) as Pt;
        // Narrower than the measure: centred in it.
        let start = x + ((measure - table_width) / 2.0).max(0.0);
        let left = self.left_edge(start, table_width);
        let line_height = self.leading * size / self.size;
        let set = Setting {
            widths: &widths,
            alignments,
            gap,
            size,
            scale: size / base,
            width: table_width,
        };
        let rule = |weight: Pt| {
            Flow::Table(TableMark::Rule {
                x: left,
                width: table_width,
                height: line_height * RULE_SPACE,
                weight,
            })
        };
        self.space(self.leading * 0.5);
        let keep_first = std::mem::take(&mut self.after_heading);
        if !head.is_empty() {
            self.flow.push(Flow::Table(TableMark::Head));
        }
        self.flow.push(rule(OUTER_RULE));
        if !head.is_empty() {
            let lines = self.row(&head, &set);
            self.push_row(lines, left, line_height, true);
            self.flow.push(rule(HEAD_RULE));
            self.flow.push(Flow::Table(TableMark::Body));
        }
        for (r, row) in body.iter().enumerate() {
            if r > 0 {
                self.space(line_height * ROW_GAP);
            }
            let lines = self.row(row, &set);
            self.push_row(
                lines,
                left,
                line_height,
                r == 0 && head.is_empty() && keep_first,
            );
        }
        self.flow.push(rule(OUTER_RULE));
        self.flow.push(Flow::Table(TableMark::End));
        self.space(self.leading * 0.5);
        self.flush = true;
    }

    /// A cell's content in its style, measured at `size`.
    fn cell<'a>(&mut self, content: &'a [Inline], style: Style, size: Pt) -> Cell<'a> {
        let runs = self.runs(content, self.style(style, size));
        // Measuring notes nothing: setting the cell reports what it meets.
        let extent = self.ctx.extent(&runs, self.rtl, &mut Notes::default());
        Cell {
            content,
            style,
            extent,
        }
    }

    /// One row's cells set in their columns, as lines across the table: line `i`
    /// of the row holds line `i` of each cell.
    fn row(&mut self, cells: &[Cell], set: &Setting) -> Vec<Line> {
        let mut cell_lines: Vec<Vec<Line>> = Vec::with_capacity(cells.len());
        for (c, cell) in cells.iter().enumerate() {
            let width = set.widths.get(c).copied().unwrap_or(0.0);
            // `Align::Left` is the start side: the right in right-to-left text,
            // where the Markdown's left and right stay where they are on the page
            // (as the EPUB's `text-align` has them).
            let align = match (set.alignments.get(c), self.rtl) {
                (Some(Alignment::Center), _) => Align::Center,
                (Some(Alignment::Right), false) | (Some(Alignment::Left), true) => Align::Right,
                _ => Align::Left,
            };
            let runs = self.runs(cell.content, self.style(cell.style, set.size));
            // A word wider than its column is hyphenated (and cut where that is
            // not enough); otherwise lines break between words only.
            let hyphenate = cell.extent.min * set.scale > width + 0.01;
            let spec = Spec {
                hyphenate,
                ..self.plain(width, align)
            };
            cell_lines.push(self.set(&runs, spec));
        }
        let count = cell_lines.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let mut lines = Vec::with_capacity(count);
        for i in 0..count {
            let mut line = Line {
                max_size: set.size,
                ..Line::default()
            };
            // Each cell's left edge in the table: the first column on the left,
            // or on the right in right-to-left text.
            let mut cx = 0.0;
            for (c, cl) in cell_lines.iter().enumerate() {
                let width = set.widths.get(c).copied().unwrap_or(0.0);
                let at = if self.rtl { set.width - cx - width } else { cx };
                if let Some(l) = cl.get(i) {
                    line.hyphenated |= l.hyphenated;
                    line.max_size = line.max_size.max(l.max_size);
                    line.pieces.extend(l.pieces.iter().cloned().map(|mut p| {
                        p.x += at;
                        p
                    }));
                }
                cx += width + set.gap;
            }
            lines.push(line);
        }
        lines
    }

    /// A row's lines into the flow, as one paragraph: pagination keeps a row of
    /// up to three lines whole, and breaks a taller one with at least two lines
    /// on each page. `keep`: a header row, never the last thing on a page.
    fn push_row(&mut self, lines: Vec<Line>, x: Pt, height: Pt, keep: bool) {
        let count = lines.len();
        self.para += 1;
        for (index, line) in lines.into_iter().enumerate() {
            let para = InPara {
                para: self.para,
                index,
                count,
            };
            self.push_line(line, x, height, para, keep, false);
        }
    }
}

/// What setting a row needs to know of the table.
struct Setting<'a> {
    widths: &'a [Pt],
    alignments: &'a [Alignment],
    gap: Pt,
    size: Pt,
    /// The table's size over the size its cells were measured at.
    scale: Pt,
    /// The table's whole width.
    width: Pt,
}

/// The widths each column would like, measured at one size: its header's
/// minimum, its minimum and its preferred width.
struct Wants<'a> {
    head: &'a [Pt],
    min: &'a [Pt],
    max: &'a [Pt],
}

/// The table's size and its columns' widths in `measure`, from what the columns
/// want at size `base`: at `base` when their minimums fit, else at the largest
/// size down to `smallest` (in steps of `STEP`) where they do, else at the
/// smallest step, with words broken. Widths scale with the size: the shaper's
/// advances are linear in it.
fn columns(wants: &Wants, base: Pt, smallest: Pt, measure: Pt) -> (Pt, Vec<Pt>) {
    let n = wants.min.len();
    let gaps = |size: Pt| size * GAP_EM * n.saturating_sub(1) as Pt;
    let needs = |size: Pt| wants.min.iter().sum::<Pt>() * size / base + gaps(size);
    let mut size = base;
    while needs(size) > measure + 0.01 && size - STEP >= smallest - 0.01 {
        size -= STEP;
    }
    let k = size / base;
    let scaled = |w: &[Pt]| -> Vec<Pt> { w.iter().map(|w| w * k).collect() };
    let (head, min, max) = (scaled(wants.head), scaled(wants.min), scaled(wants.max));
    let room = (measure - gaps(size)).max(0.0);
    let (least, most): (Pt, Pt) = (min.iter().sum(), head.iter().sum());
    if least <= room + 0.01 {
        (size, distribute(&min, &max, room))
    } else if most <= room + 0.01 {
        // The header's words whole, the body's broken in what is left.
        let more: Vec<Pt> = min
            .iter()
            .zip(&head)
            .map(|(m, h)| (m - h).max(0.0))
            .collect();
        let rest = squeeze(&more, room - most);
        (size, head.iter().zip(rest).map(|(h, r)| h + r).collect())
    } else {
        (size, squeeze(&min, room))
    }
}

/// Widths for columns with these minimum and preferred widths in `room` (CSS's
/// automatic table layout): the preferred widths when they fit; else each its
/// minimum and a share of the rest in proportion to preferred − minimum; else,
/// when not even the minimums fit, [`squeeze`].
fn distribute(min: &[Pt], max: &[Pt], room: Pt) -> Vec<Pt> {
    let max: Vec<Pt> = max.iter().zip(min).map(|(a, b)| a.max(*b)).collect();
    let (least, most): (Pt, Pt) = (min.iter().sum(), max.iter().sum());
    if most <= room + 0.01 {
        return max;
    }
    if least <= room + 0.01 {
        // most > room >= least: the wishes are not all zero.
        let rest = room - least;
        return min
            .iter()
            .zip(&max)
            .map(|(a, b)| a + rest * (b - a) / (most - least))
            .collect();
    }
    squeeze(min, room)
}

/// Widths for columns whose minimums do not fit in `room`: a column whose
/// minimum is no more than an even share of what the others leave keeps it (a
/// short word in a header is never broken for a long one elsewhere); the wide
/// columns share the rest in proportion to their minimums and break their words.
fn squeeze(min: &[Pt], room: Pt) -> Vec<Pt> {
    let mut kept = vec![false; min.len()];
    loop {
        let rest = room
            - min
                .iter()
                .zip(&kept)
                .filter(|(_, k)| **k)
                .map(|(w, _)| w)
                .sum::<Pt>();
        let open = kept.iter().filter(|k| !**k).count();
        if open == 0 {
            break;
        }
        let share = rest / open as Pt;
        let mut more = false;
        for (c, w) in min.iter().enumerate() {
            if !kept[c] && *w <= share {
                kept[c] = true;
                more = true;
            }
        }
        if !more {
            let wide: Pt = min
                .iter()
                .zip(&kept)
                .filter(|(_, k)| !**k)
                .map(|(w, _)| w)
                .sum();
            return min
                .iter()
                .zip(&kept)
                .map(|(w, k)| if *k { *w } else { rest * w / wide })
                .collect();
        }
    }
    min.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[Pt], b: &[Pt]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 0.01)
    }

    #[test]
    fn preferred_widths_that_fit_are_used_as_they_are() {
        let w = distribute(&[10.0, 20.0], &[30.0, 40.0], 100.0);
        assert!(close(&w, &[30.0, 40.0]), "{w:?}");
    }

    #[test]
    fn the_rest_goes_in_proportion_to_what_each_column_still_wants() {
        // Minimums 10 + 20 leave 30 of 60; the wishes are 20 and 100.
        let w = distribute(&[10.0, 20.0], &[30.0, 120.0], 60.0);
        assert!(close(&w, &[15.0, 45.0]), "{w:?}");
        assert!((w.iter().sum::<Pt>() - 60.0).abs() < 0.01);
    }

    #[test]
    fn a_narrow_column_keeps_its_minimum_when_a_wide_one_cannot() {
        // A short header word (20) beside a URL (300) in 100.
        let w = squeeze(&[20.0, 300.0], 100.0);
        assert!(close(&w, &[20.0, 80.0]), "{w:?}");
        // Two long ones share in proportion to their minimums.
        let w = squeeze(&[20.0, 200.0, 100.0], 110.0);
        assert!(close(&w, &[20.0, 60.0, 30.0]), "{w:?}");
    }

    #[test]
    fn a_table_too_wide_is_set_smaller_before_words_are_broken() {
        // Minimums of 5 × 60 at 9 pt with 9 pt gaps need 336 pt; 300 pt fits
        // them at 8 pt (5 × 53.3 + 4 × 8 = 298.7).
        let want =
            |head: &'static [Pt], min: &'static [Pt], max: &'static [Pt]| Wants { head, min, max };
        let (size, w) = columns(&want(&[20.0; 5], &[60.0; 5], &[80.0; 5]), 9.0, 7.5, 300.0);
        assert_eq!(size, 8.0);
        assert!(w.iter().all(|x| *x >= 60.0 * 8.0 / 9.0 - 0.01), "{w:?}");
        // Far too wide: the smallest step, and the columns share the measure.
        let (size, w) = columns(&want(&[20.0; 5], &[200.0; 5], &[200.0; 5]), 9.0, 7.5, 300.0);
        assert_eq!(size, 7.5);
        assert!(
            (w.iter().sum::<Pt>() + 4.0 * 7.5 - 300.0).abs() < 0.01,
            "{w:?}"
        );
        // The header's words stay whole (20 at 9 pt is 16.7 at 7.5 pt) when the
        // body's must break.
        let (_, w) = columns(
            &want(&[20.0, 100.0], &[20.0, 600.0], &[20.0, 600.0]),
            9.0,
            7.5,
            300.0,
        );
        assert!(close(&w, &[16.67, 292.5 - 16.67]), "{w:?}");
    }
}
