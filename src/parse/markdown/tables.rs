//! pandoc's simple, multiline and grid tables, read as tables.
//!
//! A first parse tells which lines are plain text at the top level (paragraphs,
//! headings, rules, indented code: what pulldown-cmark makes of a pandoc table),
//! outside code, raw HTML, lists and quotes. A table is recognised among those
//! lines by its rules, as pandoc's manual defines them: columns and alignments
//! from the dashed line (or a grid's `+---+` line), rows of one line (simple),
//! rows separated by blank lines (multiline), or cells between `|` (grid). A grid
//! with spanning cells, or anything else that does not fit, stays text.
//!
//! The table's lines become an HTML comment of the same length for the second
//! parse, so nothing else moves; the builder puts the table where the comment
//! starts, each cell's text parsed as Markdown with its offsets taken back to the
//! file's. A caption (`Table: …`) stays the paragraph it is: the model has no
//! place for it. Does not build the tree.

use std::collections::BTreeMap;
use std::ops::Range;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, Options, Parser, Tag};

use super::{brackets, Builder, Frame, Kind, Origin};

/// One cell: its text, and where each piece of it is in the file (offset in
/// `text`, offset in the file).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Cell {
    pub text: String,
    pub map: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Table {
    pub alignments: Vec<Alignment>,
    pub head: Option<Vec<Cell>>,
    pub rows: Vec<Vec<Cell>>,
}

/// The source with its tables' lines written as comments, and the tables by the
/// offset where they start.
pub(super) struct Tables {
    pub text: String,
    pub at: BTreeMap<usize, Table>,
}

/// A line of the file: where it starts and ends (before its line break), and
/// whether it is plain text at the top level.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    plain: bool,
}

/// Whether `text` may hold a table (a line starting with `--` or `+-`).
fn may_hold(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start();
        t.starts_with("--") || t.starts_with("+-") || t.starts_with("+:")
    })
}

/// Finds pandoc's tables in `text`; None when it has none.
pub(super) fn find(text: &str, opts: Options) -> Option<Tables> {
    if !may_hold(text) {
        return None;
    }
    let lines = lines(text, opts);
    let mut at = BTreeMap::new();
    let mut regions = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let starts_block = i == 0 || blank(text, lines[i - 1]) || !lines[i - 1].plain;
        if lines[i].plain && !blank(text, lines[i]) && starts_block {
            let found = grid(text, &lines[i..])
                .or_else(|| multiline(text, &lines[i..]))
                .or_else(|| simple(text, &lines[i..]));
            if let Some((table, n)) = found {
                let region = lines[i].start..lines[i + n - 1].end;
                // The comment's `<!--` and `-->` must fit on the first and last line.
                if lines[i].end - lines[i].start >= 4
                    && lines[i + n - 1].end - lines[i + n - 1].start >= 3
                {
                    at.insert(region.start, table);
                    regions.push(region);
                    i += n;
                    continue;
                }
            }
        }
        i += 1;
    }
    if at.is_empty() {
        return None;
    }
    let mut out = text.as_bytes().to_vec();
    for r in regions {
        for b in &mut out[r.clone()] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
        out[r.start..r.start + 4].copy_from_slice(b"<!--");
        out[r.end - 3..r.end].copy_from_slice(b"-->");
    }
    // Whole characters were replaced by ASCII bytes.
    let text = String::from_utf8(out).ok()?;
    Some(Tables { text, at })
}

/// The lines of `text`, each marked plain when a top-level paragraph, heading,
/// rule or indented code block holds it (or it is blank).
fn lines(text: &str, opts: Options) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    for l in text.split_inclusive('\n') {
        let body = l.trim_end_matches(['\n', '\r']);
        lines.push(Line {
            start,
            end: start + body.len(),
            plain: body.trim().is_empty(),
        });
        start += l.len();
    }
    let mut depth = 0usize;
    for (event, range) in
        Parser::new_ext(text, opts - Options::ENABLE_DEFINITION_LIST).into_offset_iter()
    {
        match event {
            Event::Start(tag) => {
                let plain = matches!(
                    tag,
                    Tag::Paragraph | Tag::Heading { .. } | Tag::CodeBlock(CodeBlockKind::Indented)
                );
                if depth == 0 && plain {
                    mark(&mut lines, range);
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Rule if depth == 0 => mark(&mut lines, range),
            _ => {}
        }
    }
    lines
}

fn mark(lines: &mut [Line], range: Range<usize>) {
    let first = lines.partition_point(|l| l.end < range.start);
    for l in lines[first..]
        .iter_mut()
        .take_while(|l| l.start < range.end)
    {
        l.plain = true;
    }
}

fn blank(text: &str, l: Line) -> bool {
    text[l.start..l.end].trim().is_empty()
}

/// The dash runs of a line made of dashes and spaces only: (start, end) in the
/// line, each at least two dashes long.
fn dash_runs(line: &str) -> Option<Vec<(usize, usize)>> {
    let t = line.trim_end();
    if t.trim().is_empty() || !t.bytes().all(|b| b == b'-' || b == b' ') {
        return None;
    }
    let mut runs = Vec::new();
    let mut i = 0;
    let b = t.as_bytes();
    while i < b.len() {
        if b[i] == b'-' {
            let s = i;
            while i < b.len() && b[i] == b'-' {
                i += 1;
            }
            runs.push((s, i));
        } else {
            i += 1;
        }
    }
    runs.iter().all(|&(s, e)| e - s >= 2).then_some(runs)
}

/// The byte offset of column `col` (counted in characters, as the table's
/// author lined them up) in `s`, or its end.
fn byte_at(s: &str, col: usize) -> usize {
    s.char_indices().nth(col).map_or(s.len(), |(i, _)| i)
}

/// One line's text split at the columns' starts (the last column runs to the
/// line's end), each piece with its offset in the file.
fn split(text: &str, l: Line, starts: &[usize]) -> Vec<(String, usize)> {
    let s = &text[l.start..l.end];
    (0..starts.len())
        .map(|k| {
            let a = if k == 0 { 0 } else { byte_at(s, starts[k]) };
            let b = starts.get(k + 1).map_or(s.len(), |&n| byte_at(s, n));
            let b = b.max(a);
            (s[a..b].to_string(), l.start + a)
        })
        .collect()
}

/// Whether no word of the line crosses a column's start (pandoc would cut it in
/// two; such lines are read as text here, so that every word stays whole).
fn fits(text: &str, l: Line, starts: &[usize]) -> bool {
    let s = &text[l.start..l.end];
    starts.iter().skip(1).all(|&col| {
        let b = byte_at(s, col);
        let before = s[..b].chars().next_back();
        let at = s[b..].chars().next();
        !(before.is_some_and(|c| !c.is_whitespace()) && at.is_some_and(|c| !c.is_whitespace()))
    })
}

/// pandoc's alignment of a column: from its header (or first row) text against
/// its dashes, the shortest non-empty line deciding.
fn alignment(pieces: &[&str], width: usize) -> Alignment {
    let Some(x) = pieces
        .iter()
        .map(|p| p.trim_end())
        .filter(|p| !p.is_empty())
        .min_by_key(|p| p.chars().count())
    else {
        return Alignment::None;
    };
    let left = x.starts_with([' ', '\t']);
    let right = x.chars().count() < width;
    match (left, right) {
        (true, false) => Alignment::Right,
        (false, true) => Alignment::Left,
        (true, true) => Alignment::Center,
        (false, false) => Alignment::None,
    }
}

/// Cells from lines split at the column starts, lines joined in each cell.
fn cells(text: &str, lines: &[Line], starts: &[usize]) -> Vec<Cell> {
    let mut out = vec![Cell::default(); starts.len()];
    for &l in lines {
        for (cell, (piece, at)) in out.iter_mut().zip(split(text, l, starts)) {
            push_piece(cell, &piece, at);
        }
    }
    out
}

/// Adds one line of a cell, without its white space at both ends.
fn push_piece(cell: &mut Cell, piece: &str, at: usize) {
    let lead = piece.len() - piece.trim_start().len();
    let t = piece.trim();
    if t.is_empty() {
        return;
    }
    if !cell.text.is_empty() {
        cell.text.push('\n');
    }
    cell.map.push((cell.text.len(), at + lead));
    cell.text.push_str(t);
}

/// A simple table: a header line over a dashed line of two or more columns, rows
/// of one line each to a blank line (a closing dashed line is dropped); or,
/// without a header, rows between two dashed lines. Returns it and its lines.
fn simple(text: &str, lines: &[Line]) -> Option<(Table, usize)> {
    let line = |k: usize| &text[lines[k].start..lines[k].end];
    let usable = |k: usize| k < lines.len() && lines[k].plain && !blank(text, lines[k]);
    let (head, dash) = if dash_runs(line(0)).is_some() {
        (false, 0)
    } else {
        (true, 1)
    };
    if !usable(dash) {
        return None;
    }
    let runs = dash_runs(line(dash))?;
    if runs.len() < 2 {
        // `Title` over one run of dashes is a heading, to pandoc too; text
        // between two rules is read as text (in a book of another tool's).
        return None;
    }
    let mut end = dash + 1;
    while usable(end) {
        end += 1;
    }
    let mut rows_end = end;
    let closed = end > dash + 1 && dash_runs(line(end - 1)).is_some();
    if closed {
        rows_end -= 1;
    }
    if !head && !closed || rows_end <= dash + 1 {
        return None;
    }
    let starts: Vec<usize> = runs.iter().map(|r| r.0).collect();
    if !lines[..rows_end].iter().all(|&l| fits(text, l, &starts)) {
        return None;
    }
    let width = |k: usize| runs[k].1 - runs[k].0;
    let decide = |l: Line| -> Vec<Alignment> {
        let pieces = split(text, l, &starts);
        (0..runs.len())
            .map(|k| {
                // The piece as it sits over its dashes (a right-aligned header may
                // start left of them).
                let p = &pieces[k].0;
                let off = if k == 0 { byte_at(p, runs[0].0) } else { 0 };
                alignment(&[&p[off..]], width(k))
            })
            .collect()
    };
    let alignments = if head {
        decide(lines[0])
    } else {
        decide(lines[dash + 1])
    };
    let rows = (dash + 1..rows_end)
        .map(|k| cells(text, &lines[k..k + 1], &starts))
        .collect();
    let head = head.then(|| cells(text, &lines[..1], &starts));
    Some((
        Table {
            alignments,
            head,
            rows,
        },
        end,
    ))
}

/// A multiline table: a line of dashes, header lines, a dashed line of columns,
/// rows separated by blank lines, and a line of dashes; or, without a header,
/// from the dashed line of columns.
fn multiline(text: &str, lines: &[Line]) -> Option<(Table, usize)> {
    let line = |k: usize| &text[lines[k].start..lines[k].end];
    let runs0 = dash_runs(line(0))?;
    let (head_lines, dash) = if runs0.len() == 1 {
        // A full rule, then the header to the dashed line of columns.
        let mut k = 1;
        while k < lines.len()
            && lines[k].plain
            && !blank(text, lines[k])
            && dash_runs(line(k)).is_none()
        {
            k += 1;
        }
        (1..k, k)
    } else {
        (0..0, 0)
    };
    if dash >= lines.len() || head_lines.is_empty() && runs0.len() == 1 {
        return None;
    }
    let runs = dash_runs(line(dash))?;
    if runs.len() < 2 {
        // One column between rules: text, as another tool's book means it.
        return None;
    }
    // The rows, to a line of dashes that is one run, then a blank line or the end.
    let mut end = dash + 1;
    loop {
        if end >= lines.len() || !lines[end].plain {
            return None;
        }
        if let Some(r) = dash_runs(line(end)) {
            let last = end + 1 >= lines.len() || blank(text, lines[end + 1]);
            if r.len() == 1 && last {
                break;
            }
            return None;
        }
        end += 1;
    }
    if end == dash + 1 {
        return None;
    }
    let starts: Vec<usize> = runs.iter().map(|r| r.0).collect();
    let content = lines[head_lines.clone()]
        .iter()
        .chain(&lines[dash + 1..end]);
    if !content.into_iter().all(|&l| fits(text, l, &starts)) {
        return None;
    }
    let mut rows = Vec::new();
    let mut k = dash + 1;
    while k < end {
        if blank(text, lines[k]) {
            k += 1;
            continue;
        }
        let s = k;
        while k < end && !blank(text, lines[k]) {
            k += 1;
        }
        rows.push(cells(text, &lines[s..k], &starts));
    }
    let decide_from = if head_lines.is_empty() {
        let first = dash + 1;
        let mut k = first;
        while k < end && !blank(text, lines[k]) {
            k += 1;
        }
        first..k
    } else {
        head_lines.clone()
    };
    let alignments = (0..runs.len())
        .map(|c| {
            let pieces: Vec<String> = lines[decide_from.clone()]
                .iter()
                .map(|&l| {
                    let p = split(text, l, &starts).swap_remove(c).0;
                    let off = if c == 0 { byte_at(&p, runs[0].0) } else { 0 };
                    p[off..].to_string()
                })
                .collect();
            let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
            alignment(&refs, runs[c].1 - runs[c].0)
        })
        .collect();
    let head = (!head_lines.is_empty()).then(|| cells(text, &lines[head_lines], &starts));
    Some((
        Table {
            alignments,
            head,
            rows,
        },
        end + 1,
    ))
}

/// A grid table: `+---+---+` lines around rows of `|`-separated cells, a
/// `+===+` line under the header; colons in a separator give the alignment.
fn grid(text: &str, lines: &[Line]) -> Option<(Table, usize)> {
    let line = |k: usize| text[lines[k].start..lines[k].end].trim_end();
    let first = line(0);
    let indent = first.len() - first.trim_start().len();
    let bounds = separator(first, indent)?;
    let mut n = 1;
    while n < lines.len() && lines[n].plain {
        let l = line(n);
        if !(l
            .get(indent..)
            .is_some_and(|t| t.starts_with('+') || t.starts_with('|')))
        {
            break;
        }
        n += 1;
    }
    if n < 3 || separator(line(n - 1), indent).as_ref() != Some(&bounds) {
        return None;
    }
    let mut alignments = vec![Alignment::None; bounds.len() - 1];
    let set_alignments = |l: &str, al: &mut Vec<Alignment>| {
        for (k, w) in bounds.windows(2).enumerate() {
            let seg = &l[w[0] + 1..w[1]];
            al[k] = match (seg.starts_with(':'), seg.ends_with(':')) {
                (true, true) => Alignment::Center,
                (true, false) => Alignment::Left,
                (false, true) => Alignment::Right,
                _ => Alignment::None,
            };
        }
    };
    set_alignments(first, &mut alignments);
    let mut head = None;
    let mut rows = Vec::new();
    let mut current: Vec<Line> = Vec::new();
    for &row_line in &lines[1..n] {
        let l = text[row_line.start..row_line.end].trim_end();
        if l.get(indent..).is_some_and(|t| t.starts_with('+')) {
            if separator(l, indent).as_ref() != Some(&bounds) {
                // Cells that span columns or rows: left as text.
                return None;
            }
            if current.is_empty() {
                return None;
            }
            let row = grid_cells(text, &current, &bounds);
            current.clear();
            if l.contains('=') && head.is_none() && rows.is_empty() {
                set_alignments(l, &mut alignments);
                head = Some(row);
            } else {
                rows.push(row);
            }
        } else {
            let chars: Vec<char> = l.chars().collect();
            if bounds.iter().any(|&p| chars.get(p) != Some(&'|'))
                || chars.len() != *bounds.last()? + 1
            {
                return None;
            }
            current.push(row_line);
        }
    }
    Some((
        Table {
            alignments,
            head,
            rows,
        },
        n,
    ))
}

/// The `+` positions of a grid's separator line (`+---+:==:+`), if it is one.
fn separator(l: &str, indent: usize) -> Option<Vec<usize>> {
    let t = l.get(indent..)?;
    if !t.starts_with('+') || !t.ends_with('+') || t.len() < 3 {
        return None;
    }
    let mut bounds = Vec::new();
    for (i, c) in t.char_indices() {
        match c {
            '+' => bounds.push(indent + i),
            '-' | '=' | ':' => {}
            _ => return None,
        }
    }
    (bounds.len() >= 2 && bounds.windows(2).all(|w| w[1] > w[0] + 1)).then_some(bounds)
}

/// The cells of one grid row, from its lines: the text between the `|`s, with
/// the white space all its lines share at their start taken off.
fn grid_cells(text: &str, lines: &[Line], bounds: &[usize]) -> Vec<Cell> {
    bounds
        .windows(2)
        .map(|w| {
            let pieces: Vec<(&str, usize)> = lines
                .iter()
                .map(|l| {
                    let s = &text[l.start..l.end];
                    let (a, b) = (byte_at(s, w[0] + 1), byte_at(s, w[1]));
                    (&s[a..b], l.start + a)
                })
                .collect();
            let common = pieces
                .iter()
                .filter(|(p, _)| !p.trim().is_empty())
                .map(|(p, _)| p.len() - p.trim_start().len())
                .min()
                .unwrap_or(0);
            let mut cell = Cell::default();
            for (p, at) in pieces {
                if !cell.text.is_empty() {
                    cell.text.push('\n');
                }
                let body = p.get(common..).unwrap_or("").trim_end();
                cell.map.push((cell.text.len(), at + common));
                cell.text.push_str(body);
            }
            let trimmed = cell.text.trim_end_matches('\n').len();
            cell.text.truncate(trimmed);
            cell
        })
        .collect()
}

impl Builder<'_> {
    /// A table found by `find`, where its comment starts: its cells parsed as
    /// Markdown, their offsets the file's.
    pub(super) fn pandoc_table(&mut self, table: &Table, opts: Options) {
        self.paragraph_before_block();
        let html = || {
            Some(Origin {
                name: String::new(),
                attrs: Default::default(),
            })
        };
        let mut f = Frame::new(Kind::Table(table.alignments.clone()));
        f.html = html();
        self.stack.push(f);
        let rows = table
            .head
            .iter()
            .map(|r| (r, true))
            .chain(table.rows.iter().map(|r| (r, false)));
        for (row, head) in rows {
            let mut f = Frame::new(Kind::TableRow);
            f.html = html();
            self.stack.push(f);
            for cell in row {
                let mut f = Frame::new(Kind::TableCell { head });
                f.html = html();
                self.stack.push(f);
                let depth = self.stack.len();
                self.cell(cell, opts);
                while self.stack.len() >= depth {
                    self.close();
                }
            }
            self.close();
        }
        self.close();
    }

    /// One cell's Markdown, its events' ranges moved to the file's.
    fn cell(&mut self, cell: &Cell, opts: Options) {
        if cell.text.is_empty() {
            return;
        }
        let to_source = |pos: usize| -> usize {
            let i = cell
                .map
                .partition_point(|&(t, _)| t <= pos)
                .saturating_sub(1);
            cell.map.get(i).map_or(pos, |&(t, s)| s + (pos - t))
        };
        let opts = opts - Options::ENABLE_TABLES - Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
        let events: Vec<_> = Parser::new_ext(&cell.text, opts)
            .into_offset_iter()
            .map(|(e, r)| {
                let start = to_source(r.start);
                (e, start..to_source(r.end).max(start))
            })
            .collect();
        for (ev, range) in brackets::brackets(self.text, events) {
            self.ev(ev, range);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Align, Block, Inline};

    fn table(src: &str) -> (Vec<Align>, Vec<String>, Vec<Vec<String>>) {
        let p = super::super::parse(crate::diag::SourceId(0), src);
        let Some(Block::Table {
            alignments,
            head,
            rows,
        }) = p.blocks.iter().find(|b| matches!(b, Block::Table { .. }))
        else {
            panic!("{:#?}", p.blocks)
        };
        let text = |c: &Vec<Inline>| {
            Inline::plain_text(c)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        (
            alignments.clone(),
            head.iter().map(text).collect(),
            rows.iter().map(|r| r.iter().map(text).collect()).collect(),
        )
    }

    #[test]
    fn a_simple_table_takes_its_alignments_from_the_header() {
        let src = "  Right     Left     Center     Default\n-------     ------ ----------   -------\n     12     12        12            12\n    123     *123*     123          123\n\nTable: Demonstration.\n";
        let (al, head, rows) = table(src);
        assert_eq!(al, [Align::Right, Align::Left, Align::Center, Align::None]);
        assert_eq!(head, ["Right", "Left", "Center", "Default"]);
        assert_eq!(
            rows,
            [["12", "12", "12", "12"], ["123", "123", "123", "123"]]
        );
        // The caption stays a paragraph: no word is lost.
        let p = super::super::parse(crate::diag::SourceId(0), src);
        assert!(
            matches!(p.blocks.last(), Some(Block::Paragraph(i)) if Inline::plain_text(i).contains("Demonstration"))
        );
    }

    #[test]
    fn a_simple_table_without_a_header_is_between_dashed_lines() {
        let (al, head, rows) = table("Text.\n\n-------     ------\n     12     12\n    123     123\n-------     ------\n\nAfter.\n");
        assert!(head.is_empty());
        assert_eq!(al, [Align::Right, Align::Left]);
        assert_eq!(rows, [["12", "12"], ["123", "123"]]);
    }

    #[test]
    fn a_multiline_table_joins_the_lines_of_each_cell() {
        let src = "-------------------------------------------------------------\n Centered   Default           Right Left\n  Header    Aligned         Aligned Aligned\n----------- ------- --------------- -------------------------\n   First    row                12.0 Example of a row that\n                                    spans multiple lines.\n\n  Second    row                 5.0 Here's another one. Note\n                                    the blank line between\n                                    rows.\n-------------------------------------------------------------\n\nAfter.\n";
        let (al, head, rows) = table(src);
        assert_eq!(al, [Align::Center, Align::None, Align::Right, Align::Left]);
        assert_eq!(
            head,
            [
                "Centered Header",
                "Default Aligned",
                "Right Aligned",
                "Left Aligned"
            ]
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][3], "Example of a row that spans multiple lines.");
        assert_eq!(rows[1][0], "Second");
    }

    #[test]
    fn a_grid_table_reads_its_cells_and_colons() {
        let src = "+---------------+---------------+--------------------+\n| Fruit         | Price         | Advantages         |\n+===============+==============:+:==================:+\n| Bananas       | $1.34         | - built-in wrapper |\n|               |               | - bright color     |\n+---------------+---------------+--------------------+\n| Oranges       | $2.10         | cures scurvy       |\n+---------------+---------------+--------------------+\n";
        let (al, head, rows) = table(src);
        assert_eq!(al, [Align::None, Align::Right, Align::Center]);
        assert_eq!(head, ["Fruit", "Price", "Advantages"]);
        assert_eq!(rows.len(), 2);
        assert!(
            rows[0][2].contains("built-in wrapper") && rows[0][2].contains("bright color"),
            "{rows:?}"
        );
        assert_eq!(rows[1], ["Oranges", "$2.10", "cures scurvy"]);
        // Columns are counted in characters, as their author lined them up.
        let (_, _, rows) = table("+-----+-----+\n| é à | ü   |\n+-----+-----+\n");
        assert_eq!(rows, [["é à", "ü"]]);
        let (_, head, rows) = table("Nom     Où\n------  ------\nÉté     Zürich\n\n");
        assert_eq!(head, ["Nom", "Où"]);
        assert_eq!(rows, [["Été", "Zürich"]]);
    }

    #[test]
    fn cells_keep_their_place_in_the_file() {
        let src = "Name    Source\n------  ------------\nA       [@key, p. 2]\n\n";
        let p = super::super::parse(crate::diag::SourceId(0), src);
        let Some(Block::Table { rows, .. }) = p.blocks.first() else {
            panic!("{:#?}", p.blocks)
        };
        let Some(Inline::Citation(c)) = rows[0][1].first() else {
            panic!("{rows:?}")
        };
        assert_eq!(&src[c.span.range.clone()], "[@key, p. 2]");
        assert_eq!(&src[c.items[0].span.range.clone()], "key");
    }

    #[test]
    fn what_is_no_table_stays_text() {
        for src in [
            "Title\n-----\n\ntext\n",
            "a\n- - -\nb\n",
            "```\n  a    b\n---  ---\n  1    2\n```\n",
            "> a    b\n> ---  ---\n> 1    2\n",
            "+---+---+\n| a | b |\n+---+\n",
            "+---+---+\n| a   b |\n+---+---+\n",
            // A word across a column's start: pandoc would cut it.
            "Name  Place\n----  -----\nSomebody here\n\n",
        ] {
            let p = super::super::parse(crate::diag::SourceId(0), src);
            assert!(
                !p.blocks.iter().any(|b| matches!(b, Block::Table { .. })),
                "{src:?}: {:#?}",
                p.blocks
            );
        }
    }
}
