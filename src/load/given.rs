//! What the author gave about the book, and where: the same keys can come from
//! `book.yaml`, mdBook's `book.toml` and the metadata block at the top of the first
//! file (pandoc's, or a static-site tool's front matter). Each is read into a
//! `Layer`; `book.yaml` wins over `book.toml`, which wins over the first file.

use serde_saphyr::Spanned;

use super::manifest::{Manifest, OneOrMany};
use super::span_of;
use crate::diag::{Code, Diagnostic, SourceId, Sources, Span};

/// A value and where it was written (None: nowhere the author can see, a default).
#[derive(Debug, Clone, PartialEq)]
pub struct Given<T> {
    pub value: T,
    pub span: Option<Span>,
}

impl<T> Given<T> {
    pub fn new(value: T, span: Option<Span>) -> Self {
        Given { value, span }
    }

    /// A diagnostic at the value, or in `file` when it has no place.
    pub fn place(&self, d: Diagnostic, file: &std::path::Path) -> Diagnostic {
        match &self.span {
            Some(s) => d.at(s.clone()),
            None => d.in_file(file),
        }
    }
}

/// The book's keys as one file gives them.
#[derive(Debug, Default, Clone)]
pub(super) struct Layer {
    pub title: Option<Given<String>>,
    pub subtitle: Option<Given<String>>,
    pub authors: Option<Given<Vec<String>>>,
    pub language: Option<Given<String>>,
    pub identifier: Option<Given<String>>,
    pub identifiers: Option<Given<Vec<String>>>,
    pub publisher: Option<Given<String>>,
    pub rights: Option<Given<String>>,
    pub description: Option<Given<String>>,
    pub subjects: Option<Given<Vec<String>>>,
    pub date: Option<Given<String>>,
    pub bibliography: Option<Given<String>>,
    pub citation_style: Option<Given<String>>,
    pub cover: Option<Given<String>>,
}

impl Layer {
    /// This layer, with what it does not give taken from `lower`.
    pub fn over(self, lower: Layer) -> Layer {
        Layer {
            title: self.title.or(lower.title),
            subtitle: self.subtitle.or(lower.subtitle),
            authors: self.authors.or(lower.authors),
            language: self.language.or(lower.language),
            identifier: self.identifier.or(lower.identifier),
            identifiers: self.identifiers.or(lower.identifiers),
            publisher: self.publisher.or(lower.publisher),
            rights: self.rights.or(lower.rights),
            description: self.description.or(lower.description),
            subjects: self.subjects.or(lower.subjects),
            date: self.date.or(lower.date),
            bibliography: self.bibliography.or(lower.bibliography),
            citation_style: self.citation_style.or(lower.citation_style),
            cover: self.cover.or(lower.cover),
        }
    }
}

/// The keys `book.yaml` gives.
pub(super) fn from_manifest(
    m: &Manifest,
    msrc: SourceId,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) -> Layer {
    let at = |s: &Spanned<String>| Given::new(s.value.clone(), Some(span_of(sources, msrc, s)));
    let plain = |s: &Option<String>| s.clone().map(|v| Given::new(v, None));
    Layer {
        title: m.title.as_ref().map(at),
        subtitle: plain(&m.subtitle),
        authors: authors(m, msrc, sources, diags)
            .map(|a| Given::new(a.value.clone().into_vec(), Some(span_of(sources, msrc, a)))),
        language: m.language.as_ref().map(at),
        identifier: plain(&m.identifier),
        identifiers: m
            .identifiers
            .clone()
            .map(|s| Given::new(s.into_vec(), None)),
        publisher: plain(&m.publisher),
        rights: plain(&m.rights),
        description: plain(&m.description),
        subjects: m.subjects.clone().map(|s| Given::new(s.into_vec(), None)),
        date: m.date.as_ref().map(at),
        bibliography: m.bibliography.as_ref().map(at),
        citation_style: m.citation_style.as_ref().map(at),
        cover: m.cover.as_ref().map(at),
    }
}

/// The authors, from `authors` or `author`: one key with two spellings, so both
/// is a duplicate key, an error at the second (the first is used).
fn authors<'m>(
    m: &'m Manifest,
    msrc: SourceId,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'m Spanned<OneOrMany>> {
    let (first, second) = match (&m.authors, &m.author) {
        (Some(a), Some(b)) if a.referenced.line() <= b.referenced.line() => (a, b),
        (Some(a), Some(b)) => (b, a),
        (a, b) => return a.as_ref().or(b.as_ref()),
    };
    diags.push(
        Diagnostic::error(
            Code::E0002,
            "`author` and `authors` are the same key, given twice",
        )
        .at(span_of(sources, msrc, second))
        .related(span_of(sources, msrc, first), "first given here")
        .hint("list every author under `authors:`"),
    );
    Some(first)
}

/// The span of `needle`'s first occurrence after `from` in a source, for values
/// read by parsers that keep no places (TOML, front matter): the line is what
/// matters to the author.
pub(super) fn find_span(
    sources: &Sources,
    source: SourceId,
    range: std::ops::Range<usize>,
    needle: &str,
) -> Option<Span> {
    let text = &sources.get(source).text;
    let hay = text.get(range.clone())?;
    let i = hay.find(needle)?;
    let start = range.start + i;
    let end = text[start..]
        .find('\n')
        .map_or(text.len(), |e| start + e)
        .max(start + 1)
        .min(text.len());
    Some(Span::new(source, start..end))
}
