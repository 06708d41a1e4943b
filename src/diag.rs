//! Diagnostics: what went wrong, where in which source file, and how to print it
//! like rustc (`error[E0006]: ...`, `--> file:line:col`, the line and a caret).
//!
//! Collects; never prints. `main.rs` decides where the rendered text goes.

use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;

/// Index of a file in `Sources`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub usize);

/// A byte range in one source file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Span {
    pub source: SourceId,
    pub range: Range<usize>,
}

impl Span {
    pub fn new(source: SourceId, range: Range<usize>) -> Self {
        Span { source, range }
    }
}

/// Every text file the build read, so that diagnostics can quote them.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<SourceFile>,
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user should see it (the book folder joined with the entry).
    pub path: PathBuf,
    pub text: String,
    /// For a text made of others (a chapter with its `{{#include}}`s in place):
    /// where each stretch of it was read, in order. Diagnostics point there.
    origin: Vec<Stretch>,
}

/// A stretch of a made text, and where it was read: `len` bytes from `start` in
/// the made text are the bytes from `at` in `source`. A stretch with no source
/// of its own (a prefix the include added) points at the include itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stretch {
    pub start: usize,
    pub len: usize,
    pub source: SourceId,
    pub at: usize,
    /// The bytes are a copy of the source's (else every byte maps to `at`).
    pub copied: bool,
}

impl Sources {
    pub fn add(&mut self, path: PathBuf, text: String) -> SourceId {
        self.files.push(SourceFile {
            path,
            text,
            origin: Vec::new(),
        });
        SourceId(self.files.len() - 1)
    }

    /// Every file read, in the order read.
    pub fn iter(&self) -> impl Iterator<Item = (SourceId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (SourceId(i), f))
    }

    /// Adds a text made of other sources (`origin`: its stretches in order, covering
    /// it). Diagnostics in it are shown where each stretch was read.
    pub fn add_made(&mut self, path: PathBuf, text: String, origin: Vec<Stretch>) -> SourceId {
        self.files.push(SourceFile { path, text, origin });
        SourceId(self.files.len() - 1)
    }

    /// Where a byte of a made text was read: the source and offset it came from;
    /// the same place for a file read as it is.
    pub fn original(&self, id: SourceId, offset: usize) -> (SourceId, usize) {
        let origin = &self.files[id.0].origin;
        if origin.is_empty() {
            return (id, offset);
        }
        let i = origin
            .partition_point(|s| s.start <= offset)
            .saturating_sub(1);
        let s = &origin[i];
        let into = offset.saturating_sub(s.start).min(s.len);
        if s.copied {
            (s.source, s.at + into)
        } else {
            (s.source, s.at)
        }
    }

    /// A span of a made text, where it was read (its end clamped to the stretch
    /// its start is in).
    pub fn original_span(&self, span: &Span) -> Span {
        let (source, start) = self.original(span.source, span.range.start);
        if source == span.source {
            return span.clone();
        }
        let (end_source, end) =
            self.original(span.source, span.range.end.max(span.range.start + 1) - 1);
        let end = if end_source == source && end >= start {
            end + 1
        } else {
            start + 1
        };
        let len = self.files[source.0].text.len();
        Span::new(source, start.min(len)..end.min(len).max(start.min(len)))
    }

    pub fn get(&self, id: SourceId) -> &SourceFile {
        &self.files[id.0]
    }

    pub fn try_path(&self, id: SourceId) -> Option<&Path> {
        self.files.get(id.0).map(|f| f.path.as_path())
    }

    pub fn path(&self, id: SourceId) -> &Path {
        &self.files[id.0].path
    }

    /// 1-based line and column (in characters) of a byte offset, in the file it
    /// was read from.
    pub fn line_col(&self, id: SourceId, offset: usize) -> (usize, usize) {
        let (id, offset) = self.original(id, offset);
        let text = &self.files[id.0].text;
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = text[line_start..offset].chars().count() + 1;
        (line, col)
    }

    /// The byte offset of a 1-based line and column (in characters).
    pub fn offset_of(&self, id: SourceId, line: usize, col: usize) -> usize {
        let text = &self.files[id.0].text;
        let mut start = 0;
        for _ in 1..line.max(1) {
            match text[start..].find('\n') {
                Some(i) => start += i + 1,
                None => return text.len(),
            }
        }
        let line_text = &text[start..];
        let line_end = line_text.find('\n').unwrap_or(line_text.len());
        start
            + line_text[..line_end]
                .char_indices()
                .nth(col.saturating_sub(1))
                .map_or(line_end, |(i, _)| i)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Declares the diagnostic codes with what each means (README's table).
macro_rules! codes {
    ($($code:ident => $what:expr,)*) => {
        /// A diagnostic's stable code: `E` errors, `W` warnings. Each is listed in
        /// README with what it means (a test checks that the two agree).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($code,)*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &[Code] = &[$(Code::$code,)*];

            /// `E0006`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code),)*
                }
            }

            /// What the code means, as README says.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(Code::$code => $what,)*
                }
            }
        }
    };
}

codes! {
    E0001 => "book folder or `book.yaml` missing or unreadable",
    E0002 => "`book.yaml` is not valid: YAML syntax, unknown key, wrong type, duplicate key",
    E0003 => "a manifest value is not valid (language tag, date, a `pdf:` setting)",
    E0004 => "a path or glob in the manifest matches no file, or names something that is not a regular file",
    E0005 => "a file is not UTF-8 (the byte offset is given)",
    E0006 => "unknown citation key, or a citation with no bibliography",
    E0007 => "unknown citation style, or a `.csl` file that is not a CSL style bookbind can use",
    E0008 => "the bibliography file is malformed",
    E0009 => "two headings have the same explicit `{#id}`",
    E0011 => "an image is missing, is not an image, or is truncated, or names no file (an `<img>` without `src`, which Send to Kindle refuses)",
    E0012 => "a path leaves the book folder (`..`, an absolute path, a symbolic link pointing outside), for chapters, images, the cover, the bibliography, the citation style file and `pdf.font`",
    E0013 => "the book has no chapters",
    E0014 => "a malformed citation: brackets holding an `@key` that are not pandoc's citation syntax",
    E0015 => "a font named in `pdf.font` cannot be used: a file that is not a font, or a family that is neither in the book's `fonts/` folder nor installed",
    E0018 => "the trim (`pdf.trim`) is not one the print service named in `pdf.profile` (or `check --profile`) prints: the nearest sizes it offers are named",
    E0020 => "an edition could not be rendered",
    E0021 => "an edition could not be written (permissions, disk full)",
    W0101 => "an empty part",
    W0102 => "a bibliography entry that is never cited",
    W0103 => "a footnote that is never referenced",
    W0104 => "scripts, event handlers, frames or `javascript:` URLs removed from raw HTML (at their place)",
    W0105 => "quotes, lists, inline formatting or raw HTML nested deeper than 64 levels are flattened",
    W0106 => "a relative link to a file that is not in the book (printed as text)",
    W0107 => "an image on the web (its alt text is shown; its address when it has none)",
    W0108 => "control characters removed (from text, `&#N;` references, manifest and bibliography values), at file:line",
    W0109 => "a character no font has, bundled, named or installed (it prints as a blank box), at its first place in the sources",
    W0110 => "a line of text, rule, picture or box printed past the side of the text block, named by part, page and the start of the line",
    W0112 => "a picture the print edition cannot draw (a damaged or unreadable file): its alt text is printed, with a warning at each place it is used",
    W0113 => "a word longer than a line, broken between letters in the print edition",
    W0114 => "`epub.embed-fonts`: a font that cannot be subset is left out of the EPUB (reading systems use their own for its characters)",
    W0116 => "an element of raw HTML no edition can show (`<video>`, `<iframe>`, a form): left out with a warning at its place; its fallback text is kept",
    W0117 => "an id written twice in raw HTML in one file: the second is dropped",
    W0118 => "a table row with more cells than its header: the cells past the header are dropped (as GFM does), with a warning at the row",
    W0119 => "a `+++` block at the top of a file that is not TOML: printed as text",
    W0120 => "a file listed twice in `front`, `chapters` and `back`: it is bound where it is first listed, and the later listing (with its title) is ignored",
    W0121 => "a link to a file that is not a part of the book (its text is printed without the link) or to an `#id` nothing defines (it leads to the top of its part); an error with `--deny-warnings`",
    W0122 => "an entry of a BibLaTeX or CSL-JSON bibliography that cannot be read, or repeats a key: left out with a warning at its line; every other entry is used",
    W0130 => "an mdBook `{{#…}}` command bookbind cannot honour (an unknown kind, a file not found or outside the book folder, includes nested too deep): printed as written, as mdBook does; an anchor not in the file: nothing included",
    W0131 => "a draft chapter in `SUMMARY.md` (a link with no file): left out",
    W0132 => "the book has no title (in book.yaml, book.toml or the first file's metadata block): it is titled by its folder or first file",
    W0133 => "a quote that opens like a GitHub alert of a kind GitHub does not know (`> [!EXAMPLE]`): a quote with the word as its label",
    W0134 => "syntax of another tool that bookbind prints as written: bookdown's `\\@ref(…)`, an R Markdown or Quarto code chunk (```` ```{r} ````)",
    W0135 => "a part in the contents with no heading: titled by its file name",
    W0136 => "the body or headings font has no italic, bold or bold italic face: that style is drawn from the faces it has, slanted or thickened",
    W0137 => "the book's or a part's language has no labels in bookbind's table: the words it adds (alert labels, \"Contents\", \"Notes\", \"References\") are in English",
    W0138 => "a raster picture that prints below 300 pixels per inch at its printed size (print services reject these), at the place it is used, with its pixels and resolution; ten are told one by one, the rest counted in one",
    W0139 => "an `identifier` (or one of `identifiers`) that looks like an ISBN but whose check digit is wrong: stores match a book by its ISBN; it is written as given",
    W0140 => "a code block that took longer than 10 s to highlight (a grammar that loops on it): printed without colours, the only output that depends on the machine's speed",
    W0141 => "the author's raster cover is smaller than stores take: under KDP's minimum of 625 × 1000 pixels (KDP refuses it), or under 2500 pixels high (KDP recommends 1600 × 2560)",
    W0142 => "the author's SVG cover could not be rendered to PNG: the EPUB's cover is the SVG as given, which Kindle does not show",
    W0143 => "the EPUB is larger than Amazon takes: over 50 MB (Send to Kindle by e-mail) or 650 MB (KDP); its largest files are named",
    W0144 => "a picture without a text alternative (alt text), at the place it is used: the EPUB then claims no conformance to EPUB Accessibility 1.1 (`dcterms:conformsTo`); ten are told one by one, the rest counted in one",
    W0160 => "the print service's inner margin for the final page count was not reached within the layout passes allowed: the margin used and the one needed are named",
    W0161 => "the book's page count (padded to even) is below or above what the print service prints on the paper chosen",
    W0162 => "text or a drawing lies closer to the trim than the print service allows (its minimum outer, top and bottom margins): the pages are named",
    W0163 => "`pdf.profile: ingram` asks for PDF/X, but the book holds something PDF/X-1a forbids (colour other than grey, transparency, a drawing): the file is not marked PDF/X",
    W0164 => "`pdf.bleed: true` without a `pdf.profile`: the bleed's size and edges come from the service, so the pages do not bleed",
    W0180 => "the print cover's picture: under 300 pixels per inch over the front it covers, or it cannot be decoded (the generated design is printed instead)",
    W0181 => "the print cover's picture has other proportions than the front with its bleed: it covers the front and what overflows is cut off",
}

impl Code {
    /// Errors start with `E`, warnings with `W`.
    pub fn severity(self) -> Severity {
        if self.as_str().starts_with('E') {
            Severity::Error
        } else {
            Severity::Warning
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the book.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code, listed in README (`E0006`).
    pub code: Code,
    pub message: String,
    /// Where in a source file, when the problem is in one.
    pub span: Option<Span>,
    /// A file the problem is about, when there is no span in it (unreadable, binary).
    pub path: Option<PathBuf>,
    /// Further places, each with its own label ("first defined here").
    pub related: Vec<(Span, String)>,
    pub label: Option<String>,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            span: None,
            path: None,
            related: Vec::new(),
            label: None,
            hint: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn in_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col` of the primary location, for one-line summaries and tests.
    pub fn location(&self, sources: &Sources) -> Option<String> {
        if let Some(span) = &self.span {
            let span = sources.original_span(span);
            let (l, c) = sources.line_col(span.source, span.range.start);
            Some(format!(
                "{}:{}:{}",
                sources.path(span.source).display(),
                l,
                c
            ))
        } else {
            self.path.as_ref().map(|p| p.display().to_string())
        }
    }
}

/// Renders diagnostics as rustc does: header, `-->` location, source line, caret.
/// Plain text, for files, pipes and tests.
pub fn render(sources: &Sources, diagnostics: &[Diagnostic]) -> String {
    render_styled(sources, diagnostics, false)
}

/// `render`, with rustc's colours (ANSI escapes) when `color` is set: errors red,
/// warnings yellow, gutters and line numbers cyan. `main.rs` sets it only for a
/// terminal without `NO_COLOR`; without it the text is exactly `render`'s.
pub fn render_styled(sources: &Sources, diagnostics: &[Diagnostic], color: bool) -> String {
    let mut files = SimpleFiles::new();
    for f in &sources.files {
        files.add(f.path.display().to_string(), f.text.as_str());
    }
    let config = term::Config {
        // rustc's look: `--> file:line:col`, `|` gutters, `^` carets.
        chars: term::Chars::ascii(),
        ..term::Config::default()
    };
    let mut out = String::new();
    for d in diagnostics {
        let cs = to_codespan(sources, d);
        let emitted = if color {
            let mut ansi = term::termcolor::Ansi::new(Vec::new());
            term::emit_to_write_style(&mut ansi, &config, &files, &cs)
                .map(|()| String::from_utf8_lossy(&ansi.into_inner()).into_owned())
        } else {
            term::emit_into_string(&config, &files, &cs)
        };
        match emitted {
            Ok(s) => out.push_str(&s),
            Err(_) => out.push_str(&format!("error[{}]: {}\n", d.code, d.message)),
        }
    }
    out
}

/// One diagnostic as codespan-reporting takes it: labels at the places it was read
/// from, the file as a note when there is no place, the hint as `help:`.
fn to_codespan(sources: &Sources, d: &Diagnostic) -> CsDiagnostic<usize> {
    let cs = match d.severity {
        Severity::Error => CsDiagnostic::error(),
        Severity::Warning => CsDiagnostic::warning(),
    }
    .with_code(d.code.as_str())
    .with_message(&d.message);
    let mut labels = Vec::new();
    if let Some(span) = d.span.as_ref().map(|s| sources.original_span(s)) {
        labels.push(
            Label::primary(span.source.0, span.range.clone())
                .with_message(d.label.clone().unwrap_or_default()),
        );
    }
    for (span, msg) in &d.related {
        let span = sources.original_span(span);
        labels.push(Label::secondary(span.source.0, span.range.clone()).with_message(msg));
    }
    let mut notes = Vec::new();
    if d.span.is_none() {
        if let Some(p) = &d.path {
            notes.push(format!("in {}", p.display()));
        }
    }
    if let Some(h) = &d.hint {
        notes.push(format!("help: {h}"));
    }
    cs.with_labels(labels).with_notes(notes)
}

/// The known word nearest to `word`, for a "did you mean" help (as rustc and
/// Typst give one): the closest by edit distance, case ignored and a swap of two
/// neighbouring letters counted as one edit (`titel` → `title`), when at most a
/// third of the word's letters, and at least one, must change; of equals, the first
/// listed. None when nothing is that close: a wrong guess is worse than none.
pub fn nearest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let most = (lower.chars().count() / 3).max(1);
    known
        .into_iter()
        .map(|k| (strsim::osa_distance(&lower, &k.to_lowercase()), k))
        .filter(|&(d, _)| d <= most)
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// The help for a word `nearest` found: "did you mean `title`?".
pub fn did_you_mean(known: &str) -> String {
    format!("did you mean `{known}`?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_not_bytes() {
        let mut s = Sources::default();
        let id = s.add("a.md".into(), "first\nsé @key\n".into());
        let off = s.get(id).text.find('@').unwrap();
        assert_eq!(s.line_col(id, off), (2, 4));
        assert_eq!(s.offset_of(id, 2, 4), off);
    }

    #[test]
    fn rendered_error_names_file_line_and_code() {
        let mut s = Sources::default();
        let id = s.add("book/ch.md".into(), "Hello [@nokey].\n".into());
        let d =
            Diagnostic::error(Code::E0006, "unknown citation key `nokey`").at(Span::new(id, 7..13));
        let text = render(&s, &[d]);
        assert!(
            text.contains("error[E0006]: unknown citation key `nokey`"),
            "{text}"
        );
        assert!(text.contains("book/ch.md:1:8"), "{text}");
        assert!(text.contains("^^^^^^"), "{text}");
        assert!(
            !text.contains('\x1b'),
            "plain text has no escapes: {text:?}"
        );
    }

    #[test]
    fn styled_text_is_the_plain_text_coloured() {
        let mut s = Sources::default();
        let id = s.add("book/ch.md".into(), "Hello [@nokey].\n".into());
        let d = Diagnostic::error(Code::E0006, "unknown citation key `nokey`")
            .at(Span::new(id, 7..13))
            .hint(did_you_mean("key"));
        let plain = render(&s, std::slice::from_ref(&d));
        assert_eq!(render_styled(&s, std::slice::from_ref(&d), false), plain);
        let coloured = render_styled(&s, &[d], true);
        // Red and bold for the error's header, as rustc has it.
        assert!(
            coloured.contains("\x1b[1m\x1b[38;5;9merror[E0006]"),
            "{coloured:?}"
        );
        let mut stripped = String::new();
        let mut rest = coloured.as_str();
        while let Some(i) = rest.find('\x1b') {
            stripped.push_str(&rest[..i]);
            rest = &rest[i..];
            rest = &rest[rest.find('m').map_or(rest.len(), |m| m + 1)..];
        }
        stripped.push_str(rest);
        assert_eq!(stripped, plain);
    }

    #[test]
    fn nearest_word_is_suggested_only_when_close() {
        let keys = [
            "title",
            "subtitle",
            "authors",
            "author",
            "citation-style",
            "pdf",
        ];
        assert_eq!(nearest("titel", keys), Some("title"));
        assert_eq!(nearest("Title", keys), Some("title"));
        assert_eq!(nearest("autors", keys), Some("authors"));
        assert_eq!(nearest("citation_style", keys), Some("citation-style"));
        assert_eq!(nearest("citationstyle", keys), Some("citation-style"));
        // Nothing close: no guess.
        assert_eq!(nearest("colour", keys), None);
        assert_eq!(nearest("x", ["pdf", "epub"]), None);
        assert_eq!(nearest("anything", []), None);
        // Short words may differ by one letter, no more.
        assert_eq!(nearest("pdg", keys), Some("pdf"));
        assert_eq!(nearest("pgg", keys), None);
        // Of equals, the first listed.
        assert_eq!(nearest("ab", ["ac", "ad"]), Some("ac"));
        assert_eq!(did_you_mean("title"), "did you mean `title`?");
    }

    #[test]
    fn every_code_is_in_the_readme_with_its_meaning() {
        let readme = include_str!("../README.md");
        for c in Code::ALL {
            let row = format!("| {c} | {} |", c.meaning());
            assert!(readme.contains(&row), "README lacks the row `{row}`");
        }
        // And README lists no code the program does not have.
        let listed = readme
            .lines()
            .filter(|l| l.starts_with("| E0") || l.starts_with("| W0"))
            .count();
        assert_eq!(listed, Code::ALL.len());
    }
}
