//! mdBook's `{{#include}}` family, done as mdBook does it: on the text, before
//! Markdown is read, so an include works anywhere (most often inside a code fence).
//!
//! - `{{#include file}}`, `file:N` (line N), `file:N:M`, `file::M`, `file:N:`,
//!   `file:anchor` (the lines between `ANCHOR: anchor` and `ANCHOR_END: anchor`,
//!   without other anchor lines);
//! - `{{#rustdoc_include …}}`: the whole file, the lines outside the range or
//!   anchor hidden as Rust's `# ` lines;
//! - `{{#playground file}}` (and the old `{{#playpen}}`): the whole file;
//! - `{{#title …}}`: the part's title;
//! - `\{{#…}}` stays literal, without its backslash.
//!
//! Included text is read again for includes, ten levels deep at most (mdBook's
//! limit), and each of its lines after the first takes what came before the include
//! on its line (an include indented in a list stays in the list).
//!
//! Written by hand: mdBook's preprocessor is a library of the whole mdBook, and
//! bookbind must keep the place of every byte, which mdBook does not. The made text
//! keeps, for each stretch, the file and offset it was read from (`diag::Stretch`),
//! so a problem in an included file is reported in that file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::files::{add_source, read_text_at};
use crate::diag::{Code, Diagnostic, SourceId, Sources, Span, Stretch};

/// mdBook's limit on nested includes.
const MAX_DEPTH: usize = 10;

/// A text being made, with where each of its stretches was read.
#[derive(Debug, Default, Clone)]
pub(super) struct Made {
    pub(super) text: String,
    pub(super) origin: Vec<Stretch>,
}

impl Made {
    /// A file's text as it is.
    fn whole(source: SourceId, text: &str) -> Made {
        let mut m = Made::default();
        m.copy(text, source, 0);
        m
    }

    /// Appends `s`, read at `at` in `source`.
    fn copy(&mut self, s: &str, source: SourceId, at: usize) {
        self.stretch(s, source, at, true);
    }

    /// Appends `s`, which no file holds; it is shown at `at` in `source`.
    fn insert(&mut self, s: &str, source: SourceId, at: usize) {
        self.stretch(s, source, at, false);
    }

    fn stretch(&mut self, s: &str, source: SourceId, at: usize, copied: bool) {
        if s.is_empty() {
            return;
        }
        // Extends the last stretch when this one continues it.
        if let Some(last) = self.origin.last_mut() {
            if copied && last.copied && last.source == source && last.at + last.len == at {
                last.len += s.len();
                self.text.push_str(s);
                return;
            }
        }
        self.origin.push(Stretch {
            start: self.text.len(),
            len: s.len(),
            source,
            at,
            copied,
        });
        self.text.push_str(s);
    }

    /// Where byte `offset` of this text was read.
    fn place(&self, offset: usize) -> (SourceId, usize) {
        let i = self
            .origin
            .partition_point(|s| s.start <= offset)
            .saturating_sub(1);
        match self.origin.get(i) {
            Some(s) if s.copied => (s.source, s.at + (offset - s.start).min(s.len)),
            Some(s) => (s.source, s.at),
            None => (SourceId(0), 0),
        }
    }

    /// Appends `range` of `from`, keeping where its bytes were read.
    fn append(&mut self, from: &Made, range: std::ops::Range<usize>) {
        if range.is_empty() {
            return;
        }
        let first = from
            .origin
            .partition_point(|s| s.start <= range.start)
            .saturating_sub(1);
        for s in &from.origin[first..] {
            if s.start >= range.end {
                break;
            }
            let a = s.start.max(range.start);
            let b = (s.start + s.len).min(range.end);
            if a >= b {
                continue;
            }
            let at = if s.copied { s.at + (a - s.start) } else { s.at };
            self.stretch(&from.text[a..b], s.source, at, s.copied);
        }
    }

    /// The text after the last line break: what an included line is prefixed with.
    fn line_prefix(&self) -> String {
        let start = self.text.rfind('\n').map_or(0, |i| i + 1);
        self.text[start..].to_string()
    }
}

/// What expanding one part's includes gave.
pub(super) struct Expanded {
    /// The part's text with every include in place, and where each stretch was read.
    pub(super) made: Made,
    /// The last `{{#title …}}`, if any.
    pub(super) title: Option<String>,
}

/// Expands the includes of a part's text (`source`, the file at `path`); None when
/// it has none (the text is then read as it is). Included files must be inside
/// `root`, the book folder.
pub(super) fn expand(
    root: &Path,
    path: &Path,
    source: SourceId,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<Expanded> {
    let text = sources.get(source).text.clone();
    if !text.contains("{{") {
        return None;
    }
    let mut x = Expander {
        root,
        sources,
        diags,
        read: HashMap::new(),
        title: None,
        changed: false,
    };
    let base = path.parent().unwrap_or(root).to_path_buf();
    let made = x.replace_all(&Made::whole(source, &text), &base, 0);
    if !x.changed {
        return None;
    }
    let title = x.title;
    Some(Expanded { made, title })
}

struct Expander<'a> {
    root: &'a Path,
    sources: &'a mut Sources,
    diags: &'a mut Vec<Diagnostic>,
    /// Each included file read once: its source, or None when it could not be read.
    read: HashMap<PathBuf, Option<SourceId>>,
    title: Option<String>,
    /// Whether anything was replaced.
    changed: bool,
}

/// One `{{#…}}` found in a text.
struct Directive<'t> {
    range: std::ops::Range<usize>,
    kind: Kind<'t>,
}

enum Kind<'t> {
    /// `\{{#…}}`: the text without its backslash.
    Escaped,
    /// `{{#name args}}`.
    Call { name: &'t str, args: &'t str },
}

impl Expander<'_> {
    fn replace_all(&mut self, input: &Made, base: &Path, depth: usize) -> Made {
        let text = &input.text;
        let mut out = Made::default();
        let mut done = 0;
        for d in find(text) {
            out.append(input, done..d.range.start);
            done = d.range.end;
            let (src, at) = input.place(d.range.start);
            let span = Span::new(src, at..at + 1);
            match d.kind {
                Kind::Escaped => {
                    self.changed = true;
                    out.append(input, d.range.start + 1..d.range.end);
                }
                Kind::Call {
                    name: "title",
                    args,
                } => {
                    self.changed = true;
                    self.title = Some(args.trim().to_string());
                }
                Kind::Call { name, args } => {
                    let Some(call) = Call::parse(name, args) else {
                        self.diags.push(
                            Diagnostic::warning(
                                Code::W0130,
                                format!("`{{{{#{name} …}}}}` is not an mdBook command bookbind knows: printed as written"),
                            )
                            .at(span)
                            .hint("bookbind reads {{#include}}, {{#rustdoc_include}}, {{#playground}} and {{#title}}; write `\\{{#` to show the braces as text"),
                        );
                        out.append(input, d.range.clone());
                        continue;
                    };
                    self.changed = true;
                    // What cannot be included is printed as written, as mdBook
                    // does, with a warning at its place.
                    if depth >= MAX_DEPTH {
                        self.diags.push(
                            Diagnostic::warning(
                                Code::W0130,
                                format!("includes nested more than {MAX_DEPTH} deep: `{}` is not included", call.file),
                            )
                            .at(span)
                            .hint("a file that includes itself, or a file that includes it, makes a cycle"),
                        );
                        out.append(input, d.range.clone());
                        continue;
                    }
                    let Some((inc_src, inc_path)) = self.read_included(base, call.file, &span)
                    else {
                        out.append(input, d.range.clone());
                        continue;
                    };
                    let content = self.select(&call, inc_src, &span);
                    let inc_base = inc_path.parent().unwrap_or(self.root).to_path_buf();
                    let content = self.replace_all(&content, &inc_base, depth + 1);
                    let prefix = out.line_prefix();
                    indent(&mut out, &content, &prefix, src, at);
                }
            }
        }
        out.append(input, done..text.len());
        out
    }

    /// The included file, read once into the sources; None, with an error at the
    /// include, when it cannot be read or is outside the book.
    fn read_included(
        &mut self,
        base: &Path,
        file: &str,
        span: &Span,
    ) -> Option<(SourceId, PathBuf)> {
        let path = normalise(&base.join(file));
        if let Some(known) = self.read.get(&path) {
            return known.map(|s| (s, path));
        }
        let inside = match (path.canonicalize(), self.root.canonicalize()) {
            (Ok(p), Ok(r)) => Some(p.starts_with(r)),
            _ => None,
        };
        let source = match inside {
            None => {
                self.diags.push(
                    Diagnostic::warning(
                        Code::W0130,
                        format!("`{file}` not found: the include is printed as written"),
                    )
                    .at(span.clone())
                    .hint(format!(
                        "the path is relative to the folder of the file that includes it, `{}`",
                        base.display()
                    )),
                );
                None
            }
            Some(false) => {
                self.diags.push(
                    Diagnostic::warning(
                        Code::W0130,
                        format!("`{file}` is outside the book folder, which bookbind never reads beyond: the include is printed as written"),
                    )
                    .at(span.clone())
                    .hint("keep every file of the book inside its folder"),
                );
                None
            }
            Some(true) if !path.is_file() => {
                self.diags.push(
                    Diagnostic::warning(
                        Code::W0130,
                        format!("`{file}` is not a file: the include is printed as written"),
                    )
                    .at(span.clone()),
                );
                None
            }
            Some(true) => read_text_at(&path, span.clone(), self.diags)
                .map(|read| add_source(self.sources, self.diags, path.clone(), read)),
        };
        self.read.insert(path.clone(), source);
        source.map(|s| (s, path))
    }

    /// The lines of the included file the call asks for.
    fn select(&mut self, call: &Call, source: SourceId, span: &Span) -> Made {
        let text = self.sources.get(source).text.clone();
        let lines: Vec<(usize, &str)> = lines(&text).collect();
        let mut out = Made::default();
        let mut first = true;
        let mut push = |out: &mut Made, (at, line): (usize, &str), hidden: bool| {
            if !first {
                out.insert("\n", source, at);
            }
            first = false;
            if hidden {
                out.insert("# ", source, at);
            }
            out.copy(line, source, at);
        };
        match (&call.select, call.rustdoc) {
            (Select::Lines(from, to), false) => {
                let to = to.unwrap_or(usize::MAX);
                for &l in lines.iter().take(to).skip(*from) {
                    push(&mut out, l, false);
                }
            }
            (Select::Lines(from, to), true) => {
                let to = to.unwrap_or(usize::MAX);
                for (i, &l) in lines.iter().enumerate() {
                    push(&mut out, l, i < *from || i >= to);
                }
            }
            (Select::Anchor(name), rustdoc) => {
                let mut found = false;
                let mut inside = false;
                let mut done = false;
                for &(at, line) in &lines {
                    if done && !rustdoc {
                        break;
                    }
                    if inside {
                        if anchor(line, "ANCHOR_END:") == Some(name.as_str()) {
                            inside = false;
                            done = true;
                        } else if anchor(line, "ANCHOR:").is_none()
                            && anchor(line, "ANCHOR_END:").is_none()
                        {
                            push(&mut out, (at, line), false);
                        }
                    } else if anchor(line, "ANCHOR:") == Some(name.as_str()) {
                        inside = true;
                        found = true;
                    } else if rustdoc
                        && anchor(line, "ANCHOR:").is_none()
                        && anchor(line, "ANCHOR_END:").is_none()
                    {
                        push(&mut out, (at, line), true);
                    }
                }
                if !found {
                    self.diags.push(
                        Diagnostic::warning(
                            Code::W0130,
                            format!(
                                "no `ANCHOR: {name}` in `{}`: nothing is included",
                                call.file
                            ),
                        )
                        .at(span.clone())
                        .hint("mark the lines with `ANCHOR: name` and `ANCHOR_END: name`"),
                    );
                }
            }
        }
        out
    }
}

/// Appends `content` to `out`, each line after the first prefixed with `prefix`
/// (shown at the include, `src`:`at`).
fn indent(out: &mut Made, content: &Made, prefix: &str, src: SourceId, at: usize) {
    let mut start = 0;
    for (i, _) in content.text.match_indices('\n') {
        out.append(content, start..i + 1);
        out.insert(prefix, src, at);
        start = i + 1;
    }
    out.append(content, start..content.text.len());
}

/// `a/./b/../c` → `a/c`, without touching the disk (the file may not exist).
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Each line of `text` with its offset, without its line break (`\n` or `\r\n`).
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    text.split_inclusive('\n').map(move |l| {
        let start = at;
        at += l.len();
        let l = l.strip_suffix('\n').unwrap_or(l);
        (start, l.strip_suffix('\r').unwrap_or(l))
    })
}

/// The anchor name after `marker` in `line` (mdBook: `marker\s*[\w_-]+`).
fn anchor<'l>(line: &'l str, marker: &str) -> Option<&'l str> {
    let mut from = 0;
    while let Some(i) = line[from..].find(marker) {
        let start = from + i;
        let rest = line[start + marker.len()..].trim_start();
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        if len > 0 {
            return Some(&rest[..len]);
        }
        from = start + marker.len();
    }
    None
}

/// What lines an include takes.
#[derive(Debug, PartialEq)]
enum Select {
    /// Zero-based first line, and the line after the last (None: to the end).
    Lines(usize, Option<usize>),
    Anchor(String),
}

#[derive(Debug, PartialEq)]
struct Call<'t> {
    file: &'t str,
    select: Select,
    rustdoc: bool,
}

impl<'t> Call<'t> {
    fn parse(name: &str, args: &'t str) -> Option<Call<'t>> {
        let arg = args.split_whitespace().next()?;
        match name {
            "include" | "rustdoc_include" => {
                let (file, select) = match arg.split_once(':') {
                    Some((file, rest)) => (file, select(rest)),
                    None => (arg, Select::Lines(0, None)),
                };
                Some(Call {
                    file,
                    select,
                    rustdoc: name == "rustdoc_include",
                })
            }
            "playground" | "playpen" => Some(Call {
                file: arg,
                select: Select::Lines(0, None),
                rustdoc: false,
            }),
            _ => None,
        }
    }
}

/// mdBook's `:N`, `:N:M`, `::M`, `:N:` and `:anchor`.
fn select(rest: &str) -> Select {
    let mut parts = rest.splitn(2, ':');
    let first = parts.next().unwrap_or("");
    let start = match first.parse::<usize>() {
        Ok(n) => Some(n.saturating_sub(1)),
        Err(_) if first.is_empty() => None,
        Err(_) => return Select::Anchor(first.to_string()),
    };
    let end = parts.next().map(|s| s.parse::<usize>());
    match (start, end) {
        (Some(s), Some(Ok(e))) => Select::Lines(s, Some(e)),
        (Some(s), Some(Err(_))) => Select::Lines(s, None),
        (Some(s), None) => Select::Lines(s, Some(s + 1)),
        (None, Some(Ok(e))) => Select::Lines(0, Some(e)),
        (None, _) => Select::Lines(0, None),
    }
}

/// Every `{{#…}}` in `text`, as mdBook's pattern finds them: `\{{#` up to the last
/// `}}` on its line (escaped), or `{{`, spaces, `#name`, spaces, anything but `}`,
/// `}}`.
fn find(text: &str) -> Vec<Directive<'_>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(k) = text[i..].find("{{") {
        let at = i + k;
        if at > 0 && b[at - 1] == b'\\' && b.get(at + 2) == Some(&b'#') {
            let line_end = text[at..].find('\n').map_or(text.len(), |e| at + e);
            if let Some(close) = text[at + 3..line_end].rfind("}}") {
                let end = at + 3 + close + 2;
                out.push(Directive {
                    range: at - 1..end,
                    kind: Kind::Escaped,
                });
                i = end;
                continue;
            }
        }
        match call_at(text, at) {
            Some((end, name, args)) => {
                out.push(Directive {
                    range: at..end,
                    kind: Kind::Call { name, args },
                });
                i = end;
            }
            None => i = at + 1,
        }
    }
    out
}

/// `{{ #name args }}` starting at `at`: its end, name and arguments.
fn call_at(text: &str, at: usize) -> Option<(usize, &str, &str)> {
    let rest = &text[at + 2..];
    let after_space = rest.trim_start();
    let name_start = at + 2 + (rest.len() - after_space.len());
    let after_hash = after_space.strip_prefix('#')?;
    let name_len = after_hash
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(after_hash.len());
    if name_len == 0 {
        return None;
    }
    let name = &text[name_start + 1..name_start + 1 + name_len];
    let after_name = &after_hash[name_len..];
    let args_rest = after_name.trim_start();
    if args_rest.len() == after_name.len() {
        return None;
    }
    let args_start = name_start + 1 + name_len + (after_name.len() - args_rest.len());
    let close = args_rest.find('}')?;
    if close == 0 || !args_rest[close..].starts_with("}}") {
        return None;
    }
    Some((
        args_start + close + 2,
        name,
        &text[args_start..args_start + close],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selections_follow_mdbook() {
        assert_eq!(select("2"), Select::Lines(1, Some(2)));
        assert_eq!(select(":10"), Select::Lines(0, Some(10)));
        assert_eq!(select("2:"), Select::Lines(1, None));
        assert_eq!(select("2:10"), Select::Lines(1, Some(10)));
        assert_eq!(select("component"), Select::Anchor("component".into()));
    }

    #[test]
    fn directives_are_found_as_mdbooks_pattern_finds_them() {
        // An escaped command runs to the last `}}` on its line, as mdBook's `.*` does.
        let t = "a {{#include x.rs}} b \\{{#include y}} c {{#include z}}\n{{ #title  T }} {{#x}} {{#include}}";
        let found: Vec<_> = find(t)
            .into_iter()
            .map(|d| match d.kind {
                Kind::Escaped => format!("escaped {}", &t[d.range]),
                Kind::Call { name, args } => format!("{name}({args})"),
            })
            .collect();
        assert_eq!(
            found,
            [
                "include(x.rs)",
                "escaped \\{{#include y}} c {{#include z}}",
                "title(T )"
            ]
        );
    }

    #[test]
    fn anchors_are_read_from_commented_lines() {
        assert_eq!(anchor("// ANCHOR: main", "ANCHOR:"), Some("main"));
        assert_eq!(anchor("/* ANCHOR_END: all */", "ANCHOR_END:"), Some("all"));
        assert_eq!(anchor("/* ANCHOR_END: all */", "ANCHOR:"), None);
    }

    /// Writes `files`, expands `main.md`, and returns the text and the diagnostics
    /// as `CODE file:line:col`.
    fn run(files: &[(&str, &str)]) -> (String, Option<String>, Vec<String>, Sources) {
        let dir = tempfile::tempdir().unwrap();
        for (p, t) in files {
            let path = dir.path().join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, t).unwrap();
        }
        let mut sources = Sources::default();
        let main = dir.path().join("src/main.md");
        let text = std::fs::read_to_string(&main).unwrap();
        let src = sources.add(main.clone(), text.clone());
        let mut diags = Vec::new();
        let ex = expand(dir.path(), &main, src, &mut sources, &mut diags);
        let (text, title, id) = match ex {
            Some(e) => {
                let id = sources.add_made(main.clone(), e.made.text.clone(), e.made.origin);
                (e.made.text, e.title, Some(id))
            }
            None => (text, None, None),
        };
        let _ = id;
        let folder = format!("{}/", dir.path().display());
        let shown = diags
            .iter()
            .map(|d| {
                let at = d.location(&sources).unwrap_or_default();
                format!("{} {}", d.code, at.replace(&folder, ""))
            })
            .collect();
        (text, title, shown, sources)
    }

    #[test]
    fn includes_lines_anchors_and_hidden_lines_as_mdbook_does() {
        let code = "fn main() {\n    // ANCHOR: body\n    let x = 1;\n    // ANCHOR_END: body\n}\n";
        let (text, title, d, _) = run(&[
            (
                "src/main.md",
                "{{#title Mine}}\n```rust\n{{#include code/a.rs:body}}\n```\n\n\
                 ```rust\n{{#rustdoc_include code/a.rs:3}}\n```\n\n{{#include code/a.rs:1:1}}\n\n\\{{#include not.rs}}\n",
            ),
            ("src/code/a.rs", code),
        ]);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(title.as_deref(), Some("Mine"));
        assert_eq!(
            text,
            "\n```rust\n    let x = 1;\n```\n\n```rust\n# fn main() {\n#     // ANCHOR: body\n    let x = 1;\n\
             #     // ANCHOR_END: body\n# }\n```\n\nfn main() {\n\n{{#include not.rs}}\n"
        );
    }

    #[test]
    fn included_lines_keep_the_prefix_of_the_include_line_and_nest() {
        let (text, _, d, _) = run(&[
            ("src/main.md", "- item\n\n  {{#include parts/a.md}}\n"),
            ("src/parts/a.md", "one\n{{#include b.md}}\n"),
            ("src/parts/b.md", "two\nthree\n"),
        ]);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(text, "- item\n\n  one\n  two\n  three\n");
    }

    #[test]
    fn a_missing_include_is_a_warning_at_its_place_and_problems_in_included_text_point_there() {
        let (text, _, d, sources) = run(&[
            (
                "src/main.md",
                "# T\n\nsee {{#include gone.md}} and\n{{#include a.md}}\n",
            ),
            ("src/a.md", "line one\nline {{#frobnicate x}}\n"),
        ]);
        assert_eq!(
            text,
            "# T\n\nsee {{#include gone.md}} and\nline one\nline {{#frobnicate x}}\n"
        );
        assert_eq!(d, ["W0130 src/main.md:3:5", "W0130 src/a.md:2:6"]);
        // A span in the made text maps back to the file it was read from.
        let made = SourceId(sources_len(&sources) - 1);
        let at = text.find("line one").unwrap() + 5;
        let span = Span::new(made, at..at + 3);
        let orig = sources.original_span(&span);
        assert!(sources.path(orig.source).ends_with("src/a.md"));
        assert_eq!(sources.line_col(made, at), (1, 6));
    }

    fn sources_len(s: &Sources) -> usize {
        let mut n = 0;
        while s.try_path(SourceId(n)).is_some() {
            n += 1;
        }
        n
    }

    #[test]
    fn an_include_outside_the_book_and_a_cycle_are_warnings_and_print_as_written() {
        let (text, _, d, _) = run(&[
            (
                "src/main.md",
                "{{#include ../../etc/passwd}}\n{{#include self.md}}\n",
            ),
            ("src/self.md", "x {{#include self.md}}\n"),
        ]);
        assert!(
            d.iter().any(|x| x.starts_with("W0130 src/main.md:1:1")),
            "{d:?}"
        );
        assert!(
            d.iter().any(|x| x.starts_with("W0130 src/self.md:1:3")),
            "{d:?}"
        );
        assert!(
            text.starts_with("{{#include ../../etc/passwd}}\nx x x"),
            "{text}"
        );
        assert!(!text.contains("root:"), "{text}");
    }
}
