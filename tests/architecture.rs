//! The pipeline's direction, checked on the source (DESIGN.md, "The pipeline"):
//!
//! - the back ends (`src/epub/`, `src/typeset/`, `src/pdf/`) read the resolved model
//!   and never reach back into `load`, `parse` or `resolve`, nor into each other,
//!   except that `pdf` reads the laid-out document;
//! - `src/pdf/` only serialises that document: of the pipeline's stages it may use
//!   `crate::typeset::doc` alone (no `model`, no fonts, no flow). Shared helpers
//!   that are no stage (`diag`, `date`, `xml`) stay open to it.
//!
//! Every path into the crate counts: `crate::load::x`, grouped imports
//! (`crate::{diag, load::x}`), and `super::` chains that climb to the crate root
//! (`super::super::load` from `src/typeset/place.rs`, `use super::*` in a `mod.rs`).
//! Comments and string literals are skipped; `bookbind::`, `#[path]` and `include!`
//! are refused outright in these folders.

use std::path::{Path, PathBuf};

/// Crate modules no back end may use.
const FRONT_END: [&str; 3] = ["load", "parse", "resolve"];

/// What a back end may not use from the crate root, besides the front end: the other
/// back ends.
fn forbidden(area: &str, path: &[String]) -> Option<String> {
    let first = path.first().map(String::as_str).unwrap_or("");
    if FRONT_END.contains(&first) {
        return Some(format!("the front end (`{first}`)"));
    }
    if first == "*" {
        return Some("every item of the crate root (a glob)".into());
    }
    match area {
        "pdf" => match first {
            "typeset" if path.get(1).is_some_and(|s| s == "doc") => None,
            "typeset" | "model" | "epub" | "" => Some(format!(
                "`{first}`, not the laid-out document (`crate::typeset::doc`)"
            )),
            _ => None,
        },
        "typeset" => ["epub", "pdf"]
            .contains(&first)
            .then(|| format!("another back end (`{first}`)")),
        "epub" => ["typeset", "pdf"]
            .contains(&first)
            .then(|| format!("another back end (`{first}`)")),
        _ => None,
    }
}

/// The source with comments and the contents of string and char literals blanked
/// (newlines kept, so that line numbers still hold).
fn code_only(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !ident_before(&b, i) {
            // A raw string: r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            out.push('"');
            i = j + 1;
            while i < b.len() {
                if b[i] == '"' && (0..hashes).all(|k| b.get(i + 1 + k) == Some(&'#')) {
                    i += 1 + hashes;
                    break;
                }
                out.push(blank(b[i]));
                i += 1;
            }
            out.push('"');
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < b.len() {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if c == '\'' && (next == Some('\\') || b.get(i + 2) == Some(&'\'')) {
            // A char literal ('x', '\n', '\u{..}'); otherwise a lifetime.
            out.push('\'');
            i += 1;
            while i < b.len() && b[i] != '\'' {
                if b[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                out.push(' ');
                i += 1;
            }
            out.push('\'');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn ident_before(b: &[char], i: usize) -> bool {
    i > 0 && ident_char(b[i - 1])
}

/// One path into the crate: where it starts (byte offset) and its segments below
/// the crate root. A group expands to one path per member.
struct CratePath {
    at: usize,
    segments: Vec<String>,
}

/// A token: an identifier, `::`, or one other character; with its byte offset.
struct Tok<'a> {
    text: &'a str,
    at: usize,
}

fn tokens(code: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut it = code.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            continue;
        }
        let mut end = i + c.len_utf8();
        if ident_char(c) {
            while let Some(&(j, d)) = it.peek() {
                if !ident_char(d) {
                    break;
                }
                end = j + d.len_utf8();
                it.next();
            }
        } else if c == ':' && it.peek().is_some_and(|&(_, d)| d == ':') {
            it.next();
            end += 1;
        }
        out.push(Tok {
            text: &code[i..end],
            at: i,
        });
    }
    out
}

/// Parses a use tree or path from token `i`: `a::b`, `a::{b, c::d}`, `{a, b::*}`,
/// `*`. Pushes one path per leaf onto `out`; returns the token after the tree.
fn use_tree(t: &[Tok], mut i: usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix;
    let text = |i: usize| t.get(i).map_or("", |x| x.text);
    loop {
        match text(i) {
            "{" => {
                i += 1;
                loop {
                    if text(i) == "}" {
                        return i + 1;
                    }
                    i = use_tree(t, i, path.clone(), out);
                    match text(i) {
                        "," => i += 1,
                        "}" => return i + 1,
                        _ => return i,
                    }
                }
            }
            "*" => {
                path.push("*".into());
                out.push(path);
                return i + 1;
            }
            w if w.starts_with(ident_char) => {
                if w != "self" {
                    path.push(w.to_string());
                }
                i += 1;
                if text(i) == "::" {
                    i += 1;
                    continue;
                }
                out.push(path);
                // `a::b as c`: the alias is no part of the path.
                return if text(i) == "as" { i + 2 } else { i };
            }
            _ => {
                out.push(path);
                return i;
            }
        }
    }
}

/// Every path into the crate root in `code` (comments and literals already blanked),
/// for a file whose module is `depth` levels below the root (`src/pdf/mod.rs` is 1,
/// `src/pdf/fonts.rs` 2). Inline `mod x { .. }` blocks add a level.
fn crate_paths(code: &str, depth: usize) -> Vec<CratePath> {
    let t = tokens(code);
    let text = |i: usize| t.get(i).map_or("", |x| x.text);
    // Open braces, and whether each opened an inline module (`mod name {`).
    let mut braces: Vec<bool> = Vec::new();
    let mut found = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let w = text(i);
        let chain_start = (w == "crate" || w == "super") && text(i + 1) == "::";
        if w == "{" {
            braces.push(i >= 2 && text(i - 2) == "mod");
            i += 1;
        } else if w == "}" {
            braces.pop();
            i += 1;
        } else if chain_start && text(i.wrapping_sub(1)) != "::" {
            let start = t[i].at;
            let level = depth + braces.iter().filter(|m| **m).count();
            let mut climbs = 0;
            while text(i) == "super" && text(i + 1) == "::" {
                climbs += 1;
                i += 2;
            }
            if climbs == 0 {
                i += 2; // crate ::
            }
            let mut paths = Vec::new();
            i = use_tree(&t, i, Vec::new(), &mut paths);
            if climbs == 0 || climbs >= level {
                found.extend(paths.into_iter().map(|segments| CratePath {
                    at: start,
                    segments,
                }));
            }
        } else {
            i += 1;
        }
    }
    found
}

/// What is wrong with one source file of `area` ("epub", "typeset" or "pdf").
fn violations(area: &str, depth: usize, src: &str) -> Vec<String> {
    let code = code_only(src);
    let line = |at: usize| code[..at].matches('\n').count() + 1;
    let mut out = Vec::new();
    for p in crate_paths(&code, depth) {
        if let Some(why) = forbidden(area, &p.segments) {
            out.push(format!(
                "line {}: `crate::{}` uses {why}",
                line(p.at),
                p.segments.join("::")
            ));
        }
    }
    let t = tokens(&code);
    for (i, tok) in t.iter().enumerate() {
        let seq = |words: &[&str]| {
            words
                .iter()
                .enumerate()
                .all(|(k, w)| t.get(i + k).is_some_and(|x| x.text == *w))
        };
        for trick in [
            &["bookbind", "::"][..],
            &["#", "[", "path"],
            &["include", "!"],
        ] {
            if seq(trick) {
                out.push(format!(
                    "line {}: `{}` is not allowed here",
                    line(tok.at),
                    trick.concat()
                ));
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source folder reads") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn back_ends_use_only_the_model_and_pdf_only_the_laid_out_document() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    let mut files = 0;
    for area in ["epub", "typeset", "pdf"] {
        let mut paths = Vec::new();
        rust_files(&src.join(area), &mut paths);
        paths.sort();
        for path in paths {
            files += 1;
            let rel = path.strip_prefix(&src).expect("under src");
            // src/pdf/mod.rs is one level below the root, src/pdf/fonts.rs two.
            let depth = rel.components().count() - usize::from(rel.ends_with("mod.rs"));
            let text = std::fs::read_to_string(&path).expect("source reads");
            for v in violations(area, depth, &text) {
                problems.push(format!("src/{}: {v}", rel.display()));
            }
        }
    }
    assert!(
        files > 10,
        "only {files} source files found under {}",
        src.display()
    );
    assert!(
        problems.is_empty(),
        "the pipeline runs one way (DESIGN.md); these files break it:\n{}",
        problems.join("\n")
    );
}

/// The checker itself: it finds what it must, and nothing in comments or strings.
#[test]
fn the_checker_sees_through_groups_super_chains_and_comments() {
    let bad = |area: &str, depth: usize, src: &str| {
        let v = violations(area, depth, src);
        assert!(!v.is_empty(), "{area}, depth {depth}: missed in {src:?}");
    };
    let good = |area: &str, depth: usize, src: &str| {
        let v = violations(area, depth, src);
        assert!(v.is_empty(), "{area}, depth {depth}: {v:?} in {src:?}");
    };
    bad("typeset", 2, "use crate::load::parse_date;");
    bad(
        "epub",
        2,
        "let x = crate :: resolve :: links :: web_url(&v);",
    );
    bad("epub", 2, "use crate::{diag::Diagnostic, parse::markdown};");
    bad("typeset", 2, "use crate::{model::{Book, Part}, resolve};");
    bad("epub", 2, "use crate::{diag::Diagnostic as D, parse as p};");
    bad("epub", 2, "use crate::{model::Book, self as root, load};");
    bad("typeset", 2, "use super::super::resolve::ids;");
    bad("typeset", 1, "use super::load;");
    bad("typeset", 1, "use super::*;");
    bad("typeset", 2, "mod x { use super::super::super::load; }");
    bad("pdf", 2, "use crate::model::Book;");
    bad("pdf", 2, "use crate::typeset::fonts::FontSet;");
    bad("pdf", 2, "use crate::typeset::{doc::Document, fonts};");
    bad("pdf", 2, "use crate::typeset;");
    bad("pdf", 2, "use crate::typeset::*;");
    bad("pdf", 2, "use super::super::model::Book;");
    bad("pdf", 2, "use crate::{self};");
    bad("pdf", 2, "use crate::epub::xhtml;");
    bad("typeset", 2, "use crate::pdf::write;");
    bad("epub", 2, "use crate::typeset::doc::Pt;");
    bad("pdf", 2, "use bookbind::model::Book;");
    bad("typeset", 2, "#[path = \"../load/mod.rs\"] mod sneaky;");

    good("pdf", 2, "use crate::typeset::doc::{Document, Item};");
    good("pdf", 2, "fn f(p: &crate::typeset::doc::Page) {}");
    good("pdf", 2, "use crate::typeset::{doc::{self, Document}};");
    good(
        "pdf",
        2,
        "let s = crate::xml::escape_text(v); let d = crate::date::x();",
    );
    good("typeset", 2, "use super::doc::Pt; use crate::model::Book;");
    good(
        "typeset",
        2,
        "#[cfg(test)] mod tests { use super::*; use super::super::doc::Pt; }",
    );
    good(
        "typeset",
        1,
        "#[cfg(test)]\nmod tests {\n    use super::*;\n}",
    );
    good("pdf", 2, "#[cfg(test)]\nmod tests {\n    use super::*;\n}");
    good(
        "epub",
        2,
        "// crate::load::x in a comment\n/* crate::resolve */ let s = \"crate::parse\";",
    );
    good(
        "epub",
        2,
        "let s = r#\"crate::load \"quoted\"\"#; let c = '\"'; let l: &'static str = \"\";",
    );
    good(
        "typeset",
        2,
        "const F: &[u8] = include_bytes!(\"../../fonts/a.ttf\");",
    );
}
