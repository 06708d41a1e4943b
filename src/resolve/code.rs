//! Code as the book shows it: in Rust code, the lines rustdoc and mdBook hide
//! (`# ` lines that make an example compile) are left out of both editions, and
//! `##` at the start of a line shows as `#`, as mdBook's rule has it.

use crate::model::{Block, Part};

/// Hides the hidden lines of every Rust code block in the parts.
pub fn hide_lines(parts: &mut [Part]) {
    for p in parts {
        p.for_each_block_mut(&mut |b| {
            if let Block::Code {
                language: Some(lang),
                text,
            } = b
            {
                if is_rust(lang) {
                    *text = hide_rust_lines(text);
                }
            }
        });
    }
}

/// `rust`, `rust,ignore`, `rust,edition2018,no_run`: the first word is the language.
fn is_rust(info: &str) -> bool {
    info.split([',', ' ']).next() == Some("rust")
}

/// mdBook's rule: a line `#` or `# …` (after its indentation) is hidden; `##…`
/// shows as `#…`; `#[attr]` and `#!` stay.
fn hide_rust_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        if let Some(after) = body.strip_prefix('#') {
            if after.starts_with('#') {
                out.push_str(indent);
                out.push_str(after);
                continue;
            }
            if after.is_empty() || after.starts_with([' ', '\n', '\r']) {
                continue;
            }
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_lines_go_and_escaped_ones_show() {
        let code = "# use std::io;\n#\n#[derive(Debug)]\nfn main() {\n    # let x = 1;\n    ##![allow]\n    #!inner\n}\n";
        assert_eq!(
            hide_rust_lines(code),
            "#[derive(Debug)]\nfn main() {\n    #![allow]\n    #!inner\n}\n"
        );
        assert!(is_rust("rust,edition2018,no_run"));
        assert!(!is_rust("rusty"));
        assert!(!is_rust("python"));
    }
}
