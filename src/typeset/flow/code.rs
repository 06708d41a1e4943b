//! Code blocks: monospace lines that keep every space of the source, coloured
//! by the classes resolve gave them, on a grey band the width of the text block.
//!
//! A source line longer than the measure wraps, at its last space that leaves a
//! third of a line or more, else at the measure; its continuation starts under
//! the line's own indentation with a grey mark (↪): the text never passes the
//! band. Widths
//! are measured character by character (a monospace face, and whatever face the
//! fallback gives a character it lacks), so a wrap never depends on where the
//! line breaker would break. The block is one paragraph for pagination: it may
//! break across pages but keeps two lines at least on either side. Code reads left
//! to right in right-to-left books too.

use std::collections::HashMap;

use super::{Builder, Flow, InPara, BASELINE, CODE_SCALE};
use crate::model::pages::{TextAt, TextKey};
use crate::model::{Highlight, Token};
use crate::typeset::doc::{Color, Pt};
use crate::typeset::fonts::Style;
use crate::typeset::paragraph::{Align, Backdrop, Line, Run, RunStyle, Spec};

/// The band behind code: a light grey that prints as a quiet tint (about 6%).
const BAND: Color = Color::gray(240);
/// Room inside the band on each side, and above the first line and below the
/// last, in ems of the code's size.
const PADDING_EM: f32 = 0.6;
/// The mark that starts a wrapped line's continuation, and its colour.
const CONTINUATION: &str = "↪";
const MARK: Color = Color::gray(120);
/// Code lines are set a little tighter than the body (the face is smaller).
const LINE_HEIGHT: f32 = 0.92;
/// A wrap at a space that leaves less of the line than this is no better than one
/// at the measure.
const MIN_WRAP_FILL: f32 = 0.35;
/// A continuation starts under its line's indentation, up to this share of the
/// measure (deeper code would leave too little room).
const MAX_CONTINUATION_INDENT: f32 = 0.5;
/// A letter, digit or underscore: part of a word or name in code.
fn in_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Tab stops every four columns, as mdBook shows code.
const TAB_STOP: usize = 4;

impl Builder<'_, '_> {
    pub(super) fn code(&mut self, text: &str, tokens: &[Token], x: Pt) {
        let cs = self.size * CODE_SCALE;
        let pad = cs * PADDING_EM;
        // The band spans the text block from the block's indent; the code reads
        // left to right in any text, so only the band's place is mirrored.
        let band_width = self.width - x;
        let band_left = self.left_edge(x, band_width);
        let measure = band_width - 2.0 * pad;
        let mark = self.continuation_mark(cs);
        let hang = mark.as_ref().map_or(cs, |m| m.width + cs * 0.6);
        let mut widths = Advances::default();
        self.space(self.leading * 0.5);
        let group = self.group();
        let mut lines: Vec<Line> = Vec::new();
        let mut offset = 0;
        let key = TextKey::of(text);
        let mut bytes = Vec::new();
        for source in text.trim_end_matches('\n').split('\n') {
            let chars = classed_chars(source, offset, tokens, &mut bytes);
            let line_start = offset;
            offset += source.len() + 1;
            let (rows, indent) = self.wrap(&chars, measure, hang, cs, &mut widths);
            for (k, row) in rows.iter().enumerate() {
                let runs = runs_of(&chars[row.clone()], cs);
                let spec = Spec {
                    keep_spaces: true,
                    // Wide: the row was measured to fit; the breaker must not wrap it again.
                    ..Spec::plain(measure * 4.0, Align::Left)
                };
                let mut line = self.set(&runs, spec).into_iter().next().unwrap_or(Line {
                    max_size: cs,
                    ..Line::default()
                });
                // Where the row begins in the block's text, for the EPUB's page
                // list (a page may begin inside a code block).
                line.source = key.map(|key| TextAt {
                    key,
                    offset: line_start + bytes.get(row.start).copied().unwrap_or(source.len()),
                });
                if k > 0 {
                    for p in &mut line.pieces {
                        p.x += indent + hang;
                    }
                    if let Some(m) = &mark {
                        let mut m = m.clone();
                        m.x += indent;
                        line.pieces.insert(0, m);
                    }
                }
                lines.push(line);
            }
        }
        let count = lines.len();
        let height = self.leading * LINE_HEIGHT;
        self.para += 1;
        for (index, mut line) in lines.into_iter().enumerate() {
            // The band's padding is part of the first and last lines' boxes; their
            // text keeps its place in them (paginate sets the baseline at
            // `BASELINE` of the box).
            let above = if index == 0 { pad } else { 0.0 };
            let below = if index + 1 == count { pad } else { 0.0 };
            let dy = BASELINE * below - (1.0 - BASELINE) * above;
            for p in &mut line.pieces {
                p.dy += dy;
            }
            line.backdrops.push(Backdrop {
                x: -pad,
                width: band_width,
                color: BAND,
                group,
            });
            let keep = self.after_heading && index == 0;
            self.flow.push(Flow::Line {
                line,
                x: band_left + pad,
                height: height + above + below,
                para: Some(InPara {
                    para: self.para,
                    index,
                    count,
                }),
                keep_with_next: keep,
                heading: false,
            });
        }
        self.after_heading = false;
        self.space(self.leading * 0.5);
        self.flush = true;
    }

    /// The mark that starts a continuation, in grey, at the line's left edge. It
    /// is drawn, not text: copied or extracted, the code reads as written, the
    /// two halves of a broken word side by side.
    fn continuation_mark(&mut self, cs: Pt) -> Option<crate::typeset::paragraph::Placed> {
        let runs = [Run {
            text: CONTINUATION.into(),
            style: RunStyle {
                color: Some(MARK),
                ..self.style(Style::Mono, cs)
            },
            sources: Vec::new(),
        }];
        let line = self.set(&runs, Spec::plain(cs * 100.0, Align::Left));
        let mut mark = line.into_iter().next()?.pieces.into_iter().next()?;
        for g in &mut mark.glyphs {
            g.text = Default::default();
        }
        Some(mark)
    }

    /// A source line's rows, and how far the rows after the first are indented
    /// (the line's own indentation) before their mark: the first row is
    /// `measure` wide, the next ones `hang` and that indentation less. A row ends
    /// at its last space that leaves it a third full or more, else at the
    /// character that would pass the measure; the spaces a row ends with are not
    /// shown (the next row starts after them).
    fn wrap(
        &mut self,
        chars: &[(char, Option<Highlight>)],
        measure: Pt,
        hang: Pt,
        cs: Pt,
        widths: &mut Advances,
    ) -> (Vec<std::ops::Range<usize>>, Pt) {
        let mut indent = 0.0;
        for &(c, class) in chars.iter().take_while(|c| c.0 == ' ') {
            indent += widths.of(self, c, style_of(class), cs);
        }
        let indent = indent.min(measure * MAX_CONTINUATION_INDENT);
        // The line's indentation is never a place to wrap: it is kept whole on
        // the first row.
        let lead = chars.iter().take_while(|c| c.0 == ' ').count();
        let mut rows = Vec::new();
        let mut start = 0;
        while start < chars.len() || rows.is_empty() {
            let room = if rows.is_empty() {
                measure
            } else {
                (measure - indent - hang).max(cs)
            };
            let mut used = 0.0;
            let mut end = start;
            // After the last space of the row: (where the row would end, the next
            // row's start).
            let mut at_space: Option<(usize, usize)> = None;
            // Else after the last place between a word and what is not one
            // (`download(url)` wraps before `(`, not inside `download`).
            let mut at_boundary: Option<usize> = None;
            while end < chars.len() {
                let (c, class) = chars[end];
                let w = widths.of(self, c, style_of(class), cs);
                if end > start.max(lead)
                    && used >= room * MIN_WRAP_FILL
                    && !(in_word(chars[end - 1].0) && in_word(c))
                {
                    at_boundary = Some(end);
                }
                if used + w > room && end > start {
                    break;
                }
                if c == ' ' && end > start.max(lead) && used >= room * MIN_WRAP_FILL {
                    let after = end + chars[end..].iter().take_while(|c| c.0 == ' ').count();
                    at_space = Some((end, after));
                }
                used += w;
                end += 1;
            }
            if end >= chars.len() {
                rows.push(start..chars.len());
                break;
            }
            // The character that does not fit is a space: the row ends there.
            if chars[end].0 == ' ' && end >= lead {
                let after = end + chars[end..].iter().take_while(|c| c.0 == ' ').count();
                at_space = Some((end, after));
            }
            match at_space {
                Some((row_end, next)) => {
                    rows.push(start..row_end);
                    start = next;
                }
                None => {
                    let cut = at_boundary.unwrap_or(end);
                    rows.push(start..cut);
                    start = cut;
                }
            }
            // A row of spaces only before the end: the rest is spaces too.
            if start >= chars.len() {
                break;
            }
        }
        (rows, indent)
    }

    /// A new group for backdrops (a code block's band, a box's rule).
    pub(super) fn group(&mut self) -> u32 {
        self.groups += 1;
        self.groups
    }
}

/// Characters' advances, measured once per block: every ASCII character has the
/// monospace advance; others are shaped alone, in the face the fallback gives them.
#[derive(Default)]
struct Advances(HashMap<(char, Style), Pt>);

impl Advances {
    fn of(&mut self, b: &mut Builder, c: char, style: Style, size: Pt) -> Pt {
        let key = if c.is_ascii() {
            (' ', style)
        } else {
            (c, style)
        };
        if let Some(&w) = self.0.get(&key) {
            return w;
        }
        let fonts = b.ctx.fonts;
        let face = fonts
            .face_for(style, key.0)
            .unwrap_or_else(|| fonts.id(Style::Fallback));
        let mut buf = [0u8; 4];
        let w = b.ctx.shaper.width(
            fonts,
            face,
            size,
            key.0.encode_utf8(&mut buf),
            &b.ctx.language,
        );
        // A character nothing can draw prints as a box about a character wide.
        let w = if w > 0.0 { w } else { size * 0.6 };
        self.0.insert(key, w);
        w
    }
}

/// The characters of one source line (starting at byte `offset` of the block),
/// each with its class, tabs expanded to spaces up to the next stop; `bytes` gets
/// each one's byte offset in the line.
fn classed_chars(
    line: &str,
    offset: usize,
    tokens: &[Token],
    bytes: &mut Vec<usize>,
) -> Vec<(char, Option<Highlight>)> {
    let mut out = Vec::with_capacity(line.len());
    bytes.clear();
    let mut t = tokens.partition_point(|t| t.end <= offset);
    let mut column = 0;
    for (i, c) in line.char_indices() {
        let at = offset + i;
        while t < tokens.len() && tokens[t].end <= at {
            t += 1;
        }
        let class = tokens
            .get(t)
            .filter(|tok| tok.start <= at && at < tok.end)
            .map(|tok| tok.class);
        if c == '\t' {
            let n = TAB_STOP - column % TAB_STOP;
            out.extend(std::iter::repeat_n((' ', class), n));
            bytes.extend(std::iter::repeat_n(i, n));
            column += n;
        } else {
            out.push((c, class));
            bytes.push(i);
            column += 1;
        }
    }
    out
}

/// A row's characters as runs, one per stretch of one class.
fn runs_of(chars: &[(char, Option<Highlight>)], size: Pt) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    let mut last: Option<Option<Highlight>> = None;
    for &(c, class) in chars {
        match runs.last_mut() {
            Some(r) if last == Some(class) => r.text.push(c),
            _ => {
                runs.push(Run {
                    text: c.to_string(),
                    style: RunStyle {
                        style: style_of(class),
                        size,
                        raised: false,
                        link: None,
                        picture: None,
                        color: color_of(class),
                    },
                    sources: Vec::new(),
                });
                last = Some(class);
            }
        }
    }
    runs
}

/// The face of a class: keywords bold, comments italic, so that they still
/// stand apart in greyscale.
fn style_of(class: Option<Highlight>) -> Style {
    match class {
        Some(Highlight::Keyword) => Style::MonoBold,
        Some(Highlight::Comment) => Style::MonoItalic,
        _ => Style::Mono,
    }
}

/// The colour of a class in print: dark enough to read as near-black on a
/// greyscale press (each is darker than 40% grey), the comments a lighter grey.
fn color_of(class: Option<Highlight>) -> Option<Color> {
    Some(match class? {
        Highlight::Keyword => Color(0x6a, 0x1b, 0x7c),
        Highlight::Type => Color(0x00, 0x55, 0x68),
        Highlight::Function => Color(0x1f, 0x4a, 0x8f),
        Highlight::String | Highlight::Inserted => Color(0x1d, 0x62, 0x27),
        Highlight::Number | Highlight::Constant => Color(0x8f, 0x42, 0x00),
        Highlight::Comment => Color::gray(0x5e),
        Highlight::Attribute => Color(0x62, 0x50, 0x00),
        Highlight::Tag => Color(0x80, 0x1a, 0x1a),
        Highlight::Deleted => Color(0x9a, 0x16, 0x16),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_reach_the_next_stop_of_four_columns() {
        let text = |line: &str| -> String {
            classed_chars(line, 0, &[], &mut Vec::new())
                .into_iter()
                .map(|c| c.0)
                .collect()
        };
        assert_eq!(text("\tx"), "    x");
        assert_eq!(text("ab\tc"), "ab  c");
        assert_eq!(text("abcd\te\t"), "abcd    e   ");
        assert_eq!(text("no tabs  here"), "no tabs  here");
    }

    #[test]
    fn characters_take_the_class_of_their_token_in_their_line() {
        let text = "let a\n\tb // c\n";
        let tokens = [
            Token {
                start: 0,
                end: 3,
                class: Highlight::Keyword,
            },
            Token {
                start: 9,
                end: 13,
                class: Highlight::Comment,
            },
        ];
        let first = classed_chars("let a", 0, &tokens, &mut Vec::new());
        assert_eq!(first[0], ('l', Some(Highlight::Keyword)));
        assert_eq!(first[3], (' ', None));
        let second = classed_chars("\tb // c", 6, &tokens, &mut Vec::new());
        // The tab became four spaces; `// c` is the comment.
        assert_eq!(second.len(), 10);
        assert_eq!(second[4], ('b', None));
        assert_eq!(second[6], ('/', Some(Highlight::Comment)));
        assert_eq!(second[9], ('c', Some(Highlight::Comment)));
        let runs = runs_of(&second, 9.0);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[1].text, "// c");
        assert_eq!(runs[1].style.style, Style::MonoItalic);
        assert!(runs[1].style.color.is_some());
        assert_eq!(&text[9..13], "// c");
    }
}
