//! Code blocks: monospace lines that keep every space of the source.

use super::{Builder, CODE_SCALE};
use crate::typeset::doc::Pt;
use crate::typeset::fonts::Style;
use crate::typeset::paragraph::{Align, Line, Run, Spec};

impl Builder<'_, '_> {
    pub(super) fn code(&mut self, text: &str, x: Pt) {
        let size = self.size;
        let cs = size * CODE_SCALE;
        // Code reads left to right in any text: in right-to-left text its box is
        // mirrored (the surrounding indents on the right) and its own indent is at
        // its own start, the left.
        let left = if self.rtl {
            self.full - self.width + size
        } else {
            x + size
        };
        self.space(self.leading * 0.5);
        for l in text.trim_end_matches('\n').split('\n') {
            let runs = vec![Run {
                text: expand_tabs(l),
                style: self.style(Style::Mono, cs),
            }];
            let spec = Spec {
                keep_spaces: true,
                ..Spec::plain(self.width - x - size, Align::Left)
            };
            let mut lines = self.set(&runs, spec);
            if lines.is_empty() {
                lines.push(Line {
                    max_size: cs,
                    ..Line::default()
                });
            }
            self.push_lines(lines, left, self.leading * 0.92, false);
        }
        self.space(self.leading * 0.5);
        self.flush = true;
    }
}

/// Tabs to spaces up to the next stop of four columns, as mdBook shows code.
fn expand_tabs(line: &str) -> String {
    const TAB_STOP: usize = 4;
    if !line.contains('\t') {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len() + 8);
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let n = TAB_STOP - column % TAB_STOP;
            out.extend(std::iter::repeat_n(' ', n));
            column += n;
        } else {
            out.push(c);
            column += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::expand_tabs;

    #[test]
    fn tabs_reach_the_next_stop_of_four_columns() {
        assert_eq!(expand_tabs("\tx"), "    x");
        assert_eq!(expand_tabs("ab\tc"), "ab  c");
        assert_eq!(expand_tabs("abcd\te\t"), "abcd    e   ");
        assert_eq!(expand_tabs("no tabs  here"), "no tabs  here");
    }
}
