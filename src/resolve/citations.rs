//! Citations: reads the bibliography (hayagriva YAML, BibLaTeX or CSL-JSON), formats every
//! citation of the book in reading order with hayagriva's CSL engine, and builds the
//! reference list. Each citation links to its entry's anchor.
//!
//! Works on the model only; knows nothing of XHTML or PDF.

use std::borrow::Cow;
use std::collections::HashSet;

use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::citationberg::{FontStyle, FontWeight, IndependentStyle, Style, VerticalAlign};
use hayagriva::{
    archive, BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, CitePurpose,
    ElemChild, ElemChildren, ElemMeta, Library, LocatorPayload, SpecificLocator,
};

use crate::diag::{Code, Diagnostic, SourceId, Sources, Span};
use crate::load::{BibFormat, Bibliography, Loaded};
use crate::model::{Block, Citation, Heading, Inline, LinkTarget, PartKind, Reference, Role};

use super::ids::Ids;
use super::parts::{empty_part, Draft};

/// Step 4 of resolve: every citation of the book, wherever it is (headings,
/// notes, cells, captions ...), checked against the bibliography and formatted in
/// reading order; the reference list goes at the end of the bibliography part,
/// which is generated when the book has none. A narrative `@word` that is no key
/// stays the word it is.
pub fn resolve(
    d: &mut Draft,
    loaded: &Loaded,
    ids: &mut Ids,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) {
    let bib = loaded
        .bibliography
        .as_ref()
        .and_then(|b| read(b, sources, diags));
    let mut cites = collect(d, bib.as_ref());
    let keys_known = check_keys(&cites, bib.as_ref(), diags);
    let style = check_style(loaded, diags);
    let (Some(bib), Some(style), true) = (&bib, style.as_deref(), keys_known) else {
        return;
    };
    if cites.is_empty() {
        return;
    }
    let refs_part = reference_part(d, ids, &loaded.meta.language);
    let mut refs_cites: Vec<&mut Citation> = cites.iter_mut().collect();
    let refs = format(
        &mut refs_cites,
        bib,
        style,
        refs_part,
        &loaded.meta.language,
        sources,
        diags,
    );
    d.parts[refs_part].blocks.push(Block::References(refs));
    // The same walk in the same order hands each citation its formatted text.
    let mut formatted = cites.into_iter().map(|c| c.rendered);
    for p in d.parts.iter_mut() {
        p.for_each_inlines_mut(&mut |v| {
            for i in v.iter_mut() {
                if let Inline::Citation(c) = i {
                    c.rendered = formatted.next().unwrap_or_default();
                }
            }
        });
    }
}

fn known(bib: Option<&Bib>, key: &str) -> bool {
    bib.is_some_and(|b| b.library.get(key).is_some())
}

/// Every citation in reading order; a narrative `@word` whose key the
/// bibliography does not have becomes the text it was (a handle, a decorator).
fn collect(d: &mut Draft, bib: Option<&Bib>) -> Vec<Citation> {
    let mut cites: Vec<Citation> = Vec::new();
    for p in d.parts.iter_mut() {
        p.for_each_inlines_mut(&mut |v| {
            let mut changed = false;
            for i in v.iter_mut() {
                if let Inline::Citation(c) = i {
                    if c.narrative && !c.items.iter().all(|it| known(bib, &it.key)) {
                        *i = Inline::Text(c.source_text.clone());
                        changed = true;
                    } else {
                        cites.push(c.clone());
                    }
                }
            }
            if changed {
                merge_adjacent_text(v);
            }
        });
    }
    cites
}

/// An error at each key the bibliography lacks, with the nearest key it has when
/// one is close (a misspelling); true when there is none.
fn check_keys(cites: &[Citation], bib: Option<&Bib>, diags: &mut Vec<Diagnostic>) -> bool {
    let mut all = true;
    for it in cites.iter().flat_map(|c| &c.items) {
        if known(bib, &it.key) {
            continue;
        }
        all = false;
        let e = Diagnostic::error(Code::E0006, format!("unknown citation key `{}`", it.key))
            .at(it.span.clone());
        diags.push(match bib {
            Some(b) => match crate::diag::nearest(&it.key, b.library.keys()) {
                Some(k) => e.hint(crate::diag::did_you_mean(k)),
                None => e.hint("add the entry to the bibliography, or fix the key's spelling"),
            },
            None => {
                e.hint("name a bibliography file in book.yaml: `bibliography: references.yaml`")
            }
        });
    }
    all
}

/// The manifest's citation style: a bundled one by name, or a `.csl` file in the
/// book folder (pandoc's `csl`); else an error at its value.
fn check_style(
    loaded: &Loaded,
    diags: &mut Vec<Diagnostic>,
) -> Option<Cow<'static, IndependentStyle>> {
    let name = &loaded.citation_style;
    if is_style_file(&name.value) {
        return match style_file(&loaded.dir, &name.value) {
            Ok(s) => Some(Cow::Owned(s)),
            Err(d) => {
                diags.push(match &name.span {
                    Some(s) => d.at(s.clone()),
                    None => d,
                });
                None
            }
        };
    }
    let found = style(&name.value);
    if found.is_none() {
        let d = Diagnostic::error(
            Code::E0007,
            format!("unknown citation style `{}`", name.value),
        );
        let d = match &name.span {
            Some(s) => d.at(s.clone()),
            None => d,
        };
        let names = archive::ArchivedStyle::all()
            .iter()
            .flat_map(|s| s.names().iter().copied());
        diags.push(match crate::diag::nearest(&name.value, names) {
            Some(n) => d.hint(crate::diag::did_you_mean(n)),
            None => d.hint("use a style bundled with hayagriva, such as `apa`, `vancouver`, `chicago-author-date`, `ieee` or `mla`, or a `.csl` file in the book folder"),
        });
    }
    found.map(Cow::Borrowed)
}

/// `citation-style` names a file rather than a bundled style.
fn is_style_file(value: &str) -> bool {
    value.to_ascii_lowercase().ends_with(".csl") || value.contains('/')
}

/// Reads a CSL style file in the book folder. A dependent style (a journal's
/// name over another style) takes its parent from the bundled styles.
fn style_file(dir: &std::path::Path, value: &str) -> Result<IndependentStyle, Diagnostic> {
    let path = crate::load::safe_path(dir, value)?;
    let xml = std::fs::read_to_string(&path).map_err(|e| {
        Diagnostic::error(
            Code::E0007,
            format!("cannot read the citation style `{value}`: {e}"),
        )
    })?;
    let not_csl = |why: String| {
        Diagnostic::error(
            Code::E0007,
            format!("`{value}` is not a CSL style bookbind can use: {why}"),
        )
        .hint("give a CSL 1.0 style file (as the Zotero Style Repository has them), or the name of a bundled style such as `apa`")
    };
    match Style::from_xml(&xml).map_err(|e| not_csl(e.to_string()))? {
        Style::Independent(s) => Ok(s),
        Style::Dependent(d) => {
            let parent = &d.parent_link.href;
            match archive::ArchivedStyle::by_id(parent.as_str()).map(|a| a.get()) {
                Some(Style::Independent(s)) => Ok(s),
                _ => Err(not_csl(format!(
                    "it depends on `{parent}`, which is not bundled"
                ))),
            }
        }
    }
}

/// The part that holds the reference list: the book's own, or a generated one at
/// the end of the back matter.
fn reference_part(d: &mut Draft, ids: &mut Ids, language: &str) -> usize {
    if let Some(i) = d.parts.iter().position(|p| p.role == Role::Bibliography) {
        return i;
    }
    // The id stays `references` in every language: links and file names.
    let id = ids.fresh("references", "references");
    let title = super::labels::labels(language).references;
    let mut part = empty_part(PartKind::Back, Role::Bibliography, &id, &title, true);
    part.heading = Some(Heading {
        level: 1,
        id,
        content: vec![Inline::Text(title)],
        classes: Vec::new(),
    });
    d.push_generated(part)
}

/// Joins neighbouring texts into one.
fn merge_adjacent_text(v: &mut Vec<Inline>) {
    let mut out: Vec<Inline> = Vec::with_capacity(v.len());
    for i in v.drain(..) {
        match (out.last_mut(), i) {
            (Some(Inline::Text(a)), Inline::Text(b)) => a.push_str(&b),
            (_, i) => out.push(i),
        }
    }
    *v = out;
}

/// A parsed bibliography.
pub struct Bib {
    pub library: Library,
    pub source: SourceId,
}

/// Reads the bibliography file; errors point at its line.
pub fn read(bib: &Bibliography, sources: &Sources, diags: &mut Vec<Diagnostic>) -> Option<Bib> {
    let text = &sources.get(bib.source).text;
    let library = match bib.format {
        BibFormat::HayagrivaYaml => match hayagriva::io::from_yaml_str(text) {
            Ok(l) => l,
            Err(e) => {
                let off = e
                    .location()
                    .map(|l| sources.offset_of(bib.source, l.line(), l.column()))
                    .unwrap_or(0);
                let msg = e.to_string();
                let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
                diags.push(
                    Diagnostic::error(Code::E0008, format!("invalid bibliography: {msg}"))
                        .at(Span::new(bib.source, off..(off + 1).min(text.len().max(off))))
                        .hint("entries are hayagriva YAML: `key: { type: article, title: ..., author: [...], date: 2006 }`"),
                );
                return None;
            }
        },
        BibFormat::CslJson => match super::csl_json::read(text, bib.source, diags) {
            Ok(l) => l,
            Err(e) => {
                diags.push(e);
                return None;
            }
        },
        BibFormat::BibLatex => match read_biblatex(text, bib.source, diags) {
            Ok(l) => l,
            Err(errs) => {
                for e in errs {
                    let (range, msg) = match &e {
                        hayagriva::io::BibLaTeXError::Parse(p) => (p.span.clone(), e.to_string()),
                        hayagriva::io::BibLaTeXError::Type(t) => (t.span.clone(), e.to_string()),
                    };
                    let range = range.start.min(text.len())
                        ..range.end.min(text.len()).max(range.start.min(text.len()));
                    diags.push(
                        Diagnostic::error(Code::E0008, format!("invalid bibliography: {msg}"))
                            .at(Span::new(bib.source, range)),
                    );
                }
                return None;
            }
        },
    };
    Some(Bib {
        library,
        source: bib.source,
    })
}

/// Finds a bundled CSL style by name (`apa`, `vancouver`, `chicago-author-date` ...).
/// Each is decoded once per process and kept: decoding costs more than formatting a
/// book's citations (the fuzzers bind thousands of books a second).
pub fn style(name: &str) -> Option<&'static IndependentStyle> {
    type Cache = std::collections::HashMap<String, Option<&'static IndependentStyle>>;
    static STYLES: std::sync::OnceLock<std::sync::Mutex<Cache>> = std::sync::OnceLock::new();
    let mut styles = STYLES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(s) = styles.get(name) {
        return *s;
    }
    let style = archive::ArchivedStyle::by_name(name).and_then(|a| match a.get() {
        // Leaked on purpose: at most one per bundled style, for the whole run.
        Style::Independent(s) => Some(&*Box::leak(Box::new(s))),
        Style::Dependent(_) => None,
    });
    // Unknown names are not kept: they come from manifests, without bound.
    if style.is_some() {
        styles.insert(name.to_string(), style);
    }
    style
}

/// A BibLaTeX file as real ones are: an entry that cannot be read (or repeats a
/// key) is left out with a warning at its line, and every other entry is used.
/// The entry is blanked in place, so that offsets, lines, `@string`s and
/// cross-references of the rest stay as they were, and the file is read again.
fn read_biblatex(
    text: &str,
    source: SourceId,
    diags: &mut Vec<Diagnostic>,
) -> Result<Library, Vec<hayagriva::io::BibLaTeXError>> {
    // `urldate = 2018-07-02`: BibTeX would refuse it, pandoc reads it; so do we.
    let (mut text, inserted) = brace_bare_values(text);
    // Offsets in `text` → offsets in the file (before the braces added).
    let in_file = |at: usize| at - inserted.partition_point(|&i| i < at);
    // Each pass leaves out at least one entry; a file of N entries needs at most N.
    let most = text.matches('@').count() + 1;
    for _ in 0..most {
        let errs = match hayagriva::io::from_biblatex_str(&text) {
            Ok(l) => return Ok(l),
            Err(errs) => errs,
        };
        let mut blanked = false;
        for e in &errs {
            let (at, msg) = match e {
                hayagriva::io::BibLaTeXError::Parse(p) => (p.span.start, e.to_string()),
                hayagriva::io::BibLaTeXError::Type(t) => (t.span.start, e.to_string()),
            };
            let Some(entry) = entry_around(&text, at) else {
                continue;
            };
            // The parser's message ends in byte offsets (`: 30444-30444`); the
            // diagnostic points at the line instead.
            let msg = match msg.rsplit_once(": ") {
                Some((m, tail)) if tail.chars().all(|c| c.is_ascii_digit() || c == '-') => {
                    m.to_string()
                }
                _ => msg,
            };
            let head: String = text[entry.clone()]
                .chars()
                .take_while(|&c| c != ',')
                .collect();
            diags.push(
                Diagnostic::warning(
                    Code::W0122,
                    format!(
                        "the bibliography entry `{}` cannot be read ({msg}) and is left out",
                        head.trim()
                    ),
                )
                .at(Span::new(
                    source,
                    in_file(entry.start)..in_file(entry.start + head.len()),
                ))
                .hint("fix the entry, or remove it if nothing cites it"),
            );
            // The same length in bytes: a character becomes as many spaces.
            let blank: String = text[entry.clone()]
                .chars()
                .flat_map(|c| match c {
                    '\n' => std::iter::repeat_n('\n', 1),
                    c => std::iter::repeat_n(' ', c.len_utf8()),
                })
                .collect();
            text.replace_range(entry, &blank);
            blanked = true;
        }
        if !blanked {
            return Err(errs.into_iter().map(|e| moved(e, &in_file)).collect());
        }
    }
    hayagriva::io::from_biblatex_str(&text)
        .map_err(|errs| errs.into_iter().map(|e| moved(e, &in_file)).collect())
}

/// A BibLaTeX error with its span moved from the braced text to the file.
fn moved(
    mut e: hayagriva::io::BibLaTeXError,
    in_file: &impl Fn(usize) -> usize,
) -> hayagriva::io::BibLaTeXError {
    let span = match &mut e {
        hayagriva::io::BibLaTeXError::Parse(p) => &mut p.span,
        hayagriva::io::BibLaTeXError::Type(t) => &mut t.span,
    };
    *span = in_file(span.start)..in_file(span.end);
    e
}

/// Braces the field values written bare that BibLaTeX cannot read but pandoc
/// does: a value starting with a digit that is not a plain number
/// (`urldate = 2018-07-02`, `pages = 3--7`). Returns the text and the offsets (in
/// it) of the braces added, in order. Values in braces or quotes, numbers and
/// `@string` names are left as they are.
fn brace_bare_values(text: &str) -> (String, Vec<usize>) {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 16);
    let mut inserted = Vec::new();
    let (mut depth, mut quoted, mut copied) = (0usize, false, 0usize);
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b'"' if depth == 1 && (i == 0 || b[i - 1] != b'\\') => quoted = !quoted,
            b'=' if depth == 1 && !quoted => {
                let mut start = i + 1;
                while start < b.len() && matches!(b[start], b' ' | b'\t') {
                    start += 1;
                }
                let mut end = start;
                while end < b.len() && !matches!(b[end], b',' | b'}' | b'\n' | b'\r' | b'#') {
                    end += 1;
                }
                let value = text[start..end].trim_end();
                let end = start + value.len();
                let bare = value.starts_with(|c: char| c.is_ascii_digit())
                    && !value.chars().all(|c| c.is_ascii_digit());
                if bare {
                    out.push_str(&text[copied..start]);
                    inserted.push(out.len());
                    out.push('{');
                    out.push_str(value);
                    inserted.push(out.len());
                    out.push('}');
                    copied = end;
                    i = end;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    (out, inserted)
}

/// The byte range of the entry (`@type{key, ...}` up to the next `@` that starts
/// a line) that holds offset `at`.
fn entry_around(text: &str, at: usize) -> Option<std::ops::Range<usize>> {
    let at = at.min(text.len());
    // The `@` at `at` itself, when the span starts on the entry (a duplicate key).
    let mut upto = (at + 1).min(text.len());
    while !text.is_char_boundary(upto) {
        upto += 1;
    }
    let starts_entry = |i: usize| i == 0 || text.as_bytes()[i - 1] == b'\n';
    let start = text[..upto]
        .match_indices('@')
        .map(|(i, _)| i)
        .rfind(|&i| starts_entry(i))
        .or_else(|| text[..upto].rfind('@'))?;
    let end = text[at..]
        .match_indices("\n@")
        .next()
        .map_or(text.len(), |(i, _)| at + i + 1);
    (start < end).then_some(start..end)
}

/// The anchor id of a reference entry.
pub fn anchor(key: &str) -> String {
    crate::model::anchor::reference(key)
}

/// The CSL locale for US English (CC BY-SA 3.0, from the CSL project via
/// citationberg's test data), for English books: hayagriva's archive can only
/// decode all of its sixty locales at once, which took 80 ms, most of a build.
const EN_US_LOCALE: &str = include_str!("locales-en-US.xml");

/// Decodes, ahead, the bundled style named `style` (a style file is read when
/// resolving): see `resolve::prepare`.
pub fn prepare_style(style: &str) {
    if !is_style_file(style) {
        self::style(style);
    }
}

/// The other half of the preparation: the CSL locales for `language`.
pub fn prepare_locales(language: &str) {
    locales(language);
}

/// The CSL locales for `language`, parsed once per process: English ones from the
/// bundled en-US file, any other language from hayagriva's whole archive.
fn locales(language: &str) -> &'static [hayagriva::citationberg::Locale] {
    static EN: std::sync::OnceLock<Vec<hayagriva::citationberg::Locale>> =
        std::sync::OnceLock::new();
    static ALL: std::sync::OnceLock<Vec<hayagriva::citationberg::Locale>> =
        std::sync::OnceLock::new();
    let english = language
        .split(['-', '_'])
        .next()
        .is_some_and(|l| l.eq_ignore_ascii_case("en"));
    if english {
        let en = EN.get_or_init(|| {
            hayagriva::citationberg::LocaleFile::from_xml(EN_US_LOCALE)
                .map(|l| vec![l.into()])
                .unwrap_or_default()
        });
        if !en.is_empty() {
            return en;
        }
    }
    ALL.get_or_init(archive::locales)
}

/// Formats `cites` (all citations, in reading order) in place and returns the
/// reference list. `refs_part` is the index of the part holding the list.
pub fn format(
    cites: &mut [&mut Citation],
    bib: &Bib,
    style: &IndependentStyle,
    refs_part: usize,
    language: &str,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Reference> {
    let locales = locales(language);
    let locale = Some(hayagriva::citationberg::LocaleCode(language.to_string()));
    let mut driver = BibliographyDriver::new();
    let mut used: HashSet<String> = HashSet::new();
    // Which citations were handed to the driver, in order.
    let mut requested: Vec<usize> = Vec::new();
    for (ci, c) in cites.iter().enumerate() {
        let mut items = Vec::new();
        for it in &c.items {
            let Some(entry) = bib.library.get(&it.key) else {
                continue;
            };
            used.insert(it.key.clone());
            let locator = it.locator.as_deref().map(|l| {
                let (kind, value) = locator_of(l);
                SpecificLocator(kind, LocatorPayload::Str(value))
            });
            let mut item = CitationItem::with_locator(entry, locator);
            if it.suppress_author {
                item = item.kind(CitePurpose::Year);
            } else if c.narrative {
                item = item.kind(CitePurpose::Prose);
            }
            items.push(item);
        }
        if items.is_empty() {
            continue;
        }
        requested.push(ci);
        driver.citation(CitationRequest::new(
            items,
            style,
            locale.clone(),
            locales,
            None,
        ));
    }
    let rendered = driver.finish(BibliographyRequest::new(style, locale.clone(), locales));
    for (ci, rc) in requested.iter().zip(rendered.citations) {
        let c = &mut cites[*ci];
        let keys: Vec<String> = c.items.iter().map(|i| i.key.clone()).collect();
        let mut linked = false;
        let mut out = convert(&rc.citation, &keys, refs_part, &mut linked);
        if !linked {
            out = vec![Inline::Link {
                target: LinkTarget::Internal {
                    part: refs_part,
                    anchor: Some(anchor(&keys[0])),
                },
                title: String::new(),
                content: out,
            }];
        }
        let first = &c.items[0];
        let last = &c.items[c.items.len() - 1];
        if !first.prefix.is_empty() {
            out.insert(0, Inline::Text(format!("{} ", first.prefix)));
        }
        if !last.suffix.is_empty() {
            out.push(Inline::Text(format!(" {}", last.suffix)));
        }
        c.rendered = out;
    }
    let mut refs = rendered
        .bibliography
        .map(|b| reference_entries(b, refs_part))
        .unwrap_or_default();
    strip_and_report_controls(cites, &mut refs, bib, sources, diags);
    report_unused(bib, &used, sources, diags);
    refs
}

/// The entries of the reference list, each with its anchor.
fn reference_entries(b: hayagriva::RenderedBibliography, refs_part: usize) -> Vec<Reference> {
    let mut refs = Vec::new();
    for item in b.items {
        let mut dummy = true;
        let mut content = Vec::new();
        if let Some(first) = &item.first_field {
            content.extend(convert(
                &ElemChildren(vec![first.clone()]),
                &[],
                refs_part,
                &mut dummy,
            ));
            content.push(Inline::Text(" ".into()));
        }
        content.extend(convert(&item.content, &[], refs_part, &mut dummy));
        refs.push(Reference {
            id: anchor(&item.key),
            key: item.key,
            content,
        });
    }
    refs
}

/// The bibliography file is clean, but YAML escapes (`"\a"`) can still put
/// control characters into its values: removed, with one warning.
fn strip_and_report_controls(
    cites: &mut [&mut Citation],
    refs: &mut [Reference],
    bib: &Bib,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) {
    let removed: usize = cites
        .iter_mut()
        .map(|c| strip_controls(&mut c.rendered))
        .chain(refs.iter_mut().map(|r| strip_controls(&mut r.content)))
        .sum();
    if removed > 0 {
        diags.push(
            Diagnostic::warning(
                Code::W0108,
                format!(
                    "{removed} control character{} removed from the entries of `{}`",
                    if removed == 1 { "" } else { "s" },
                    sources.path(bib.source).display()
                ),
            )
            .in_file(sources.path(bib.source)),
        );
    }
}

/// A warning at each bibliography entry no citation uses.
fn report_unused(
    bib: &Bib,
    used: &HashSet<String>,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) {
    let mut unused: Vec<&str> = bib.library.keys().filter(|k| !used.contains(*k)).collect();
    unused.sort();
    for k in unused {
        diags.push(
            Diagnostic::warning(
                Code::W0102,
                format!("bibliography entry `{k}` is never cited"),
            )
            .at(key_span(bib, sources, k)),
        );
    }
}

/// Removes control characters from formatted text; returns how many.
fn strip_controls(v: &mut [Inline]) -> usize {
    v.iter_mut()
        .map(|i| match i {
            Inline::Text(t) => crate::load::clean::strip_in_place(t),
            Inline::Emphasis(c)
            | Inline::Strong(c)
            | Inline::Strikethrough(c)
            | Inline::Superscript(c)
            | Inline::Subscript(c)
            | Inline::Link { content: c, .. } => strip_controls(c),
            _ => 0,
        })
        .sum()
}

/// Where an entry's key is defined: `key:` in YAML, `{key,` in BibLaTeX.
fn key_span(bib: &Bib, sources: &Sources, key: &str) -> Span {
    let text = &sources.get(bib.source).text;
    let at = text
        .match_indices(key)
        .find(|(i, _)| {
            let before = text[..*i].chars().next_back();
            let after = text[i + key.len()..].chars().next();
            matches!(before, None | Some('\n') | Some('{'))
                && matches!(after, Some(':') | Some(','))
        })
        .map_or(0, |(i, _)| i);
    Span::new(bib.source, at..(at + key.len()).min(text.len()))
}

/// `p. 263` → (Page, "263"); an unknown term leaves the whole text as a page.
fn locator_of(s: &str) -> (Locator, &str) {
    let s = s.trim();
    let (term, rest) = match s.split_once(char::is_whitespace) {
        Some((t, r)) => (t.to_lowercase(), r.trim()),
        None => (String::new(), s),
    };
    let kind = match term.trim_end_matches('.') {
        "p" | "pp" | "page" | "pages" => Locator::Page,
        "chap" | "chaps" | "chapter" | "chapters" => Locator::Chapter,
        "sec" | "secs" | "section" | "sections" | "§" | "§§" => Locator::Section,
        "vol" | "vols" | "volume" | "volumes" => Locator::Volume,
        "fig" | "figs" | "figure" | "figures" => Locator::Figure,
        "para" | "paras" | "paragraph" | "paragraphs" | "¶" | "¶¶" => Locator::Paragraph,
        "l" | "ll" | "line" | "lines" => Locator::Line,
        "n" | "nn" | "note" | "notes" => Locator::Note,
        "col" | "cols" | "column" => Locator::Column,
        "book" => Locator::Book,
        "part" => Locator::Part,
        "verse" | "verses" => Locator::Verse,
        _ => return (Locator::Page, s),
    };
    (kind, rest)
}

/// hayagriva's element tree → model inlines. Elements marking a citation item
/// (`ElemMeta::Entry(i)`) become links to the reference entry of `keys[i]`.
fn convert(
    children: &ElemChildren,
    keys: &[String],
    refs_part: usize,
    linked: &mut bool,
) -> Vec<Inline> {
    let mut out = Vec::new();
    for child in &children.0 {
        match child {
            ElemChild::Text(f) => out.push(formatted(&f.text, &f.formatting)),
            ElemChild::Markup(m) => out.push(Inline::Text(m.clone())),
            ElemChild::Link { text, url } => out.push(Inline::Link {
                target: LinkTarget::External(url.clone()),
                title: String::new(),
                content: vec![formatted(&text.text, &text.formatting)],
            }),
            ElemChild::Elem(e) => {
                let inner = convert(&e.children, keys, refs_part, linked);
                match (&e.meta, keys) {
                    (Some(ElemMeta::Entry(i)), keys) if *i < keys.len() => {
                        *linked = true;
                        out.push(Inline::Link {
                            target: LinkTarget::Internal {
                                part: refs_part,
                                anchor: Some(anchor(&keys[*i])),
                            },
                            title: String::new(),
                            content: inner,
                        });
                    }
                    _ => out.extend(inner),
                }
            }
            ElemChild::Transparent { .. } => {}
        }
    }
    merge_text(out)
}

fn formatted(text: &str, f: &hayagriva::Formatting) -> Inline {
    let mut i = Inline::Text(text.to_string());
    if f.font_style == FontStyle::Italic {
        i = Inline::Emphasis(vec![i]);
    }
    if f.font_weight == FontWeight::Bold {
        i = Inline::Strong(vec![i]);
    }
    match f.vertical_align {
        VerticalAlign::Sup => i = Inline::Superscript(vec![i]),
        VerticalAlign::Sub => i = Inline::Subscript(vec![i]),
        _ => {}
    }
    i
}

fn merge_text(v: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::with_capacity(v.len());
    for i in v {
        match (out.last_mut(), i) {
            (Some(Inline::Text(a)), Inline::Text(b)) => a.push_str(&b),
            (_, i) => out.push(i),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apa_and_vancouver_are_bundled() {
        assert!(style("apa").is_some());
        assert!(style("vancouver").is_some());
        assert!(style("no-such-style").is_none());
    }

    #[test]
    fn page_locators_are_recognised() {
        assert!(matches!(locator_of("p. 263"), (Locator::Page, "263")));
        assert!(matches!(locator_of("chap. 2"), (Locator::Chapter, "2")));
    }

    #[test]
    fn an_unbraced_date_is_read_as_pandoc_reads_it() {
        let bib = "@misc{economy,\n  title = {Economy},\n  url = {https://example.org},\n  urldate = 2018-07-02\n}\n\
                   @book{b, title={B}, year = 2001, pages = 3--7, month = jan}\n\
                   @misc{bad, title = {Bad}, note = {unclosed}\n";
        let mut d = Vec::new();
        let lib = read_biblatex(bib, SourceId(0), &mut d).expect("read");
        let e = lib.get("economy").expect("the entry is kept");
        let visited = e.url().and_then(|u| u.visit_date).expect("urldate read");
        assert_eq!(
            (visited.year, visited.month, visited.day),
            (2018, Some(6), Some(1))
        );
        assert!(lib.get("b").is_some());
        // The one bad entry is reported at its own line, not moved by the braces.
        assert_eq!(d.len(), 1, "{d:?}");
        let at = d[0].span.as_ref().unwrap().range.start;
        assert!(bib[at..].starts_with("@misc{bad"), "{}", &bib[at..]);
    }

    #[test]
    fn bare_values_are_braced_and_the_rest_kept() {
        let (t, ins) =
            brace_bare_values("@a{k, urldate = 2018-07-02, year = 2001, x = {a = 1-2}, m = jan}");
        assert_eq!(
            t,
            "@a{k, urldate = {2018-07-02}, year = 2001, x = {a = 1-2}, m = jan}"
        );
        assert_eq!(ins, [16, 27]);
    }

    #[test]
    fn a_bad_or_repeated_biblatex_entry_is_left_out_and_the_rest_used() {
        let bib = "@string{pub = {Springer}}\n\
                   @book{good1, title={One}, author={A, B}, year={2001}, publisher=pub}\n\
                   @misc{broken, title = Two words\n}\n\
                   @book{good1, title={Again}, year={2002}}\n\
                   @article{good2, title={Three}, author={C, D}, year={2003}, crossref={good1}}\n";
        let mut d = Vec::new();
        let lib = read_biblatex(bib, SourceId(0), &mut d).expect("the rest is read");
        assert!(lib.get("good1").is_some() && lib.get("good2").is_some());
        assert!(lib.get("broken").is_none());
        let codes: Vec<&str> = d.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["W0122", "W0122"], "{d:?}");
        // Each at the line of its entry, without the parser's byte offsets.
        let lines: Vec<usize> = d
            .iter()
            .map(|d| {
                bib[..d.span.as_ref().unwrap().range.start]
                    .matches('\n')
                    .count()
                    + 1
            })
            .collect();
        assert_eq!(lines, [3, 5]);
        assert!(d
            .iter()
            .all(|d| !d.message.contains(char::is_numeric) || d.message.contains("good1")));
    }
}
