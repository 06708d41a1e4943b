//! The book's metadata from the manifest: the checks on its values, the identifier
//! a book without one keeps across builds, and the date of its newest source.

use std::path::Path;

use super::clean;
use super::given::{Given, Layer};
use crate::diag::{Code, Diagnostic, SourceId, Sources};
use crate::model::Metadata;

/// The book's metadata as the author gave it (`layer`: book.yaml over book.toml
/// over the first file's metadata block): control characters removed (a warning),
/// language and date checked (errors at their line), and an identifier made when
/// there is none. Also the date in seconds, when it is one. A book with no title
/// is titled `fallback` (its folder's or file's name), with a warning in `config`,
/// the file that would give it. `modified` is left at 0: it may depend on every
/// file of the book, so `load` settles it last.
pub(super) fn read(
    layer: &Layer,
    fallback: &str,
    config: &Path,
    diags: &mut Vec<Diagnostic>,
) -> (Metadata, Option<i64>) {
    let value = |v: &Option<Given<String>>| v.as_ref().map(|g| g.value.clone());
    let list =
        |v: &Option<Given<Vec<String>>>| v.as_ref().map(|g| g.value.clone()).unwrap_or_default();
    let title = match &layer.title {
        Some(t) => t.value.clone(),
        None => {
            diags.push(
                Diagnostic::warning(
                    Code::W0132,
                    format!("the book has no title: it is titled `{fallback}`"),
                )
                .in_file(config)
                .hint("give it one: `title:` in book.yaml, or in the metadata block at the top of the first file"),
            );
            fallback.to_string()
        }
    };
    let mut meta = Metadata {
        title,
        subtitle: value(&layer.subtitle),
        authors: list(&layer.authors),
        publisher: value(&layer.publisher),
        rights: value(&layer.rights),
        description: value(&layer.description),
        subjects: list(&layer.subjects),
        identifiers: list(&layer.identifiers),
        date: value(&layer.date),
        ..Metadata::default()
    };
    let mut identifier = value(&layer.identifier);
    let removed = strip_controls(&mut meta, &mut identifier);
    warn_controls_removed(removed, config, diags);
    meta.language = language(layer.language.as_ref(), config, diags);
    let date = date_epoch(layer.date.as_ref(), config, diags);
    meta.identifier = identifier.unwrap_or_else(|| stable_uuid(&meta.title, &meta.authors));
    warn_bad_isbns(&meta, config, diags);
    (meta, date)
}

/// W0139 for each identifier that looks like an ISBN with a wrong check digit.
fn warn_bad_isbns(meta: &Metadata, config: &Path, diags: &mut Vec<Diagnostic>) {
    use crate::model::identifier::{kind, Kind};
    for id in std::iter::once(&meta.identifier).chain(&meta.identifiers) {
        if kind(id) == Some(Kind::BadIsbn) {
            diags.push(
                Diagnostic::warning(
                    Code::W0139,
                    format!(
                        "the identifier `{id}` in `{}` looks like an ISBN, but its check digit is wrong: a store would not find the book by it",
                        config.display()
                    ),
                )
                .in_file(config)
                .hint("an ISBN-13 has 13 digits whose weighted sum (1, 3, 1, 3, …) is a multiple of 10; copy it from the ISBN agency's record"),
            );
        }
    }
}

/// Removes control characters from the metadata's text, and counts them. The file
/// itself is clean by now; YAML escapes (`"\a"`, `"\x07"`) can still put them into
/// values.
fn strip_controls(meta: &mut Metadata, identifier: &mut Option<String>) -> usize {
    [&mut meta.title]
        .into_iter()
        .chain(meta.subtitle.iter_mut())
        .chain(identifier.iter_mut())
        .chain(meta.publisher.iter_mut())
        .chain(meta.rights.iter_mut())
        .chain(meta.description.iter_mut())
        .chain(meta.authors.iter_mut())
        .chain(meta.subjects.iter_mut())
        .chain(meta.identifiers.iter_mut())
        .map(clean::strip_in_place)
        .sum()
}

fn warn_controls_removed(removed: usize, config: &Path, diags: &mut Vec<Diagnostic>) {
    if removed > 0 {
        diags.push(
            Diagnostic::warning(
                Code::W0108,
                format!(
                    "{removed} control character{} removed from the metadata in `{}`",
                    if removed == 1 { "" } else { "s" },
                    config.display()
                ),
            )
            .in_file(config)
            .hint("an escape such as `\\a` or `\\x07` in a quoted YAML string makes one"),
        );
    }
}

/// The book's language tag; `en` when none is given.
fn language(
    language: Option<&Given<String>>,
    config: &Path,
    diags: &mut Vec<Diagnostic>,
) -> String {
    match language {
        Some(l) => {
            if !valid_language_tag(&l.value) {
                diags.push(
                    l.place(
                        Diagnostic::error(
                            Code::E0003,
                            format!("`{}` is not a language tag", l.value),
                        )
                        .hint("use a BCP 47 tag such as `en`, `en-GB` or `fr`"),
                        config,
                    ),
                );
            }
            l.value.clone()
        }
        None => "en".to_string(),
    }
}

/// The manifest's date in seconds since the epoch; None, with an error, when it is
/// no date.
fn date_epoch(
    date: Option<&Given<String>>,
    config: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<i64> {
    let d = date?;
    let secs = crate::date::parse_date(&d.value);
    if secs.is_none() {
        diags.push(
            d.place(
                Diagnostic::error(Code::E0003, format!("`{}` is not a date", d.value))
                    .hint("write dates as YYYY-MM-DD"),
                config,
            ),
        );
    }
    secs
}

pub(super) fn valid_language_tag(t: &str) -> bool {
    let mut parts = t.split('-');
    let first = parts.next().unwrap_or("");
    (2..=8).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

pub(super) fn newest_mtime(sources: &Sources) -> i64 {
    let mut newest = 0;
    let mut i = 0;
    while let Some(path) = sources.try_path(SourceId(i)) {
        if let Ok(t) = std::fs::metadata(path).and_then(|m| m.modified()) {
            if let Ok(d) = t.duration_since(std::time::UNIX_EPOCH) {
                newest = newest.max(d.as_secs() as i64);
            }
        }
        i += 1;
    }
    newest
}

/// A name-based identifier (`urn:uuid:`, version 8) from title and authors, so that a
/// book keeps its identifier across builds without one in the manifest.
fn stable_uuid(title: &str, authors: &[String]) -> String {
    // FNV-1a, twice with different offsets, for 128 stable bits; not for security.
    fn fnv(seed: u64, data: &[u8]) -> u64 {
        let mut h = seed;
        for b in data {
            h ^= *b as u64;
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        h
    }
    let key = format!("{title}\u{0}{}", authors.join("\u{0}"));
    let a = fnv(0xcbf2_9ce4_8422_2325, key.as_bytes());
    let b = fnv(0x6c62_272e_07bb_0142, key.as_bytes());
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_be_bytes());
    bytes[8..].copy_from_slice(&b.to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let h: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_uuid_is_stable_and_well_formed() {
        let a = stable_uuid("T", &["A".into()]);
        assert_eq!(a, stable_uuid("T", &["A".into()]));
        assert_ne!(a, stable_uuid("T2", &["A".into()]));
        assert_eq!(a.len(), "urn:uuid:".len() + 36);
    }
}
