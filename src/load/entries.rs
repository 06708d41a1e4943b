//! The manifest's lists of parts (`front`, `chapters`, `back`): each entry, a path
//! or a glob, expanded to the files it names, each read once, with its role.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::clean;
use super::files::{add_source, check_relative, part_stem, read_text_at, safe_path};
use super::manifest::{Entries, Entry};
use super::{span_of, LoadedPart};
use crate::diag::{Code, Diagnostic, SourceId, Sources, Span};
use crate::model::{PartKind, Role};

/// The parts the manifest lists, in book order (`lists`: front, chapters, back),
/// each file once.
pub(super) fn parts(
    dir: &Path,
    lists: [(PartKind, Entries); 3],
    msrc: SourceId,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Vec<LoadedPart> {
    let mut parts = Vec::new();
    let mut seen = HashMap::new();
    for (kind, entries) in lists {
        expand(
            dir, kind, entries, msrc, sources, diags, &mut seen, &mut parts,
        );
    }
    parts
}

/// One list's entries, each a path or a glob, as parts. A file is bound once, where
/// it is first listed (`seen`: each file bound so far, with the entry that listed
/// it): a glob skips the files listed before it, and a path listed again is a
/// warning.
#[allow(clippy::too_many_arguments)]
fn expand(
    dir: &Path,
    kind: PartKind,
    entries: Entries,
    msrc: SourceId,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
    seen: &mut HashMap<PathBuf, Listed>,
    parts: &mut Vec<LoadedPart>,
) {
    for e in entries.0 {
        let span = span_of(sources, msrc, &e);
        let glob = is_glob(&e.value.path);
        let Some(files) = entry_files(dir, &e.value.path, &span, diags) else {
            continue;
        };
        // Each file checked and read on every core (a novel's chapters are
        // hundreds of files, each a few system calls), then taken in order.
        let read: Vec<_> = {
            use rayon::prelude::*;
            files
                .into_par_iter()
                .map(|path| {
                    // Globbed paths are checked too: a symlink may point outside the book.
                    let rel = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
                    let rel_str = rel.to_string_lossy().replace('\\', "/");
                    let checked = safe_path(dir, &rel_str).map(|path| {
                        let mut found = Vec::new();
                        let read = read_text_at(&path, span.clone(), &mut found);
                        (path, read, found)
                    });
                    (rel_str, checked)
                })
                .collect()
        };
        for (rel_str, checked) in read {
            let (path, read, found) = match checked {
                Ok(p) => p,
                Err(d) => {
                    diags.push(d.at(span.clone()));
                    continue;
                }
            };
            // A map: a book of two thousand chapters would compare paths four million times.
            if let Some(first) = seen.get(&path) {
                if !glob {
                    diags.push(listed_again(&rel_str, &e.value, first, &span));
                }
                continue;
            }
            let first = Listed {
                span: span.clone(),
                glob,
            };
            seen.insert(path.clone(), first);
            let stem = part_stem(&path, dir);
            let file = (path, rel_str, stem);
            diags.extend(found);
            let Some(read) = read else { continue };
            parts.push(read_part(kind, file, read, &e.value, &span, sources, diags));
        }
    }
}

/// The entry that first listed a file.
struct Listed {
    span: Span,
    glob: bool,
}

/// The warning for a path listed again (`second`, at `span`) after `first` bound it.
///
/// The file stays where it was first listed, with that listing's title; the later
/// listing is ignored, whatever it says. Taking its title when the first listing
/// was a glob would guess at what the later one meant: it may as well be there to
/// move the file (to the end, or from `chapters` to `back`), and one of the two
/// would be lost without a word. A glob listing files already listed is not
/// warned about: `[chapters/01-intro.md, chapters/*.md]` is how one file is put
/// before the rest.
fn listed_again(rel: &str, second: &Entry, first: &Listed, span: &Span) -> Diagnostic {
    let ignored = match &second.title {
        Some(t) => format!(" (with its title `{}`)", clean::strip(t).0),
        None => String::new(),
    };
    let hint = if first.glob {
        "a glob binds every file it matches; to title or move one of them, \
         narrow the glob or list its files one by one, or give the file a `# ` heading"
    } else {
        "remove one of the two listings"
    };
    let message = format!(
        "`{rel}` is listed twice: it is bound where it is first listed, \
         and this listing{ignored} is ignored"
    );
    Diagnostic::warning(Code::W0120, message)
        .at(span.clone())
        .label("listed again here")
        .related(first.span.clone(), "first listed here")
        .hint(hint)
}

/// The files an entry names (a glob's sorted); None, with an error at the entry,
/// when it names none.
fn entry_files(
    dir: &Path,
    pattern: &str,
    span: &Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<PathBuf>> {
    let files = if is_glob(pattern) {
        glob_files(dir, pattern)
    } else {
        safe_path(dir, pattern).map(|p| vec![p])
    };
    let files = match files {
        Ok(files) => files,
        Err(d) => {
            diags.push(d.at(span.clone()));
            return None;
        }
    };
    if files.is_empty() {
        diags.push(
            Diagnostic::error(Code::E0004, format!("`{pattern}` matches no file"))
                .at(span.clone())
                .hint(format!(
                    "paths are relative to the book folder `{}`",
                    dir.display()
                )),
        );
        return None;
    }
    Some(files)
}

/// The files a glob matches in the book folder, sorted.
fn glob_files(dir: &Path, pattern: &str) -> Result<Vec<PathBuf>, Diagnostic> {
    check_relative(pattern)?;
    let full = format!(
        "{}/{}",
        glob::Pattern::escape(&dir.to_string_lossy()),
        pattern
    );
    let paths = glob::glob(&full)
        .map_err(|err| Diagnostic::error(Code::E0004, format!("invalid glob pattern: {err}")))?;
    let mut v: Vec<PathBuf> = paths
        .filter_map(Result::ok)
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    Ok(v)
}

/// A listed file (its path, path in the book and name), as read, into the
/// sources as a part, its role from its name; the entry's title, if it has one,
/// without control characters.
fn read_part(
    kind: PartKind,
    (path, rel_path, stem): (PathBuf, String, String),
    read: super::files::Read,
    entry: &Entry,
    span: &Span,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> LoadedPart {
    let source = add_source(sources, diags, path, read);
    if let Some(l) = entry
        .language
        .as_ref()
        .filter(|l| !super::metadata::valid_language_tag(l))
    {
        diags.push(
            Diagnostic::error(Code::E0003, format!("`{l}` is not a language tag"))
                .at(span.clone())
                .hint("use a BCP 47 tag such as `en`, `en-GB` or `ar`"),
        );
    }
    let mut title = entry.title.clone();
    if title.as_mut().is_some_and(|t| clean::strip_in_place(t) > 0) {
        diags.push(
            Diagnostic::warning(Code::W0108, "control characters removed from this title")
                .at(span.clone()),
        );
    }
    LoadedPart {
        kind,
        role: role_of(kind, &stem),
        source,
        stem,
        rel_path,
        title,
        depth: 0,
        front_matter: 0,
        language: entry.language.clone(),
        heading_from_title: false,
    }
}

fn is_glob(p: &str) -> bool {
    p.contains(['*', '?', '['])
}

/// The part's role, from its file stem without a leading number (`02-epigraph`).
pub(super) fn role_of(kind: PartKind, stem: &str) -> Role {
    let name =
        stem.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_' || c == '.');
    match (kind, name.to_lowercase().as_str()) {
        (_, "title" | "titlepage" | "title-page") => Role::TitlePage,
        (_, "disclaimer") => Role::Disclaimer,
        (_, "epigraph") => Role::Epigraph,
        (_, "dedication") => Role::Dedication,
        (_, "copyright" | "colophon") => Role::Copyright,
        (PartKind::Front, "preface" | "foreword") => Role::Preface,
        (PartKind::Back, "references" | "bibliography") => Role::Bibliography,
        (PartKind::Chapter, _) => Role::Chapter,
        _ => Role::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_comes_from_the_file_stem_without_its_number() {
        assert_eq!(role_of(PartKind::Front, "02-disclaimer"), Role::Disclaimer);
        assert_eq!(role_of(PartKind::Front, "epigraph"), Role::Epigraph);
        assert_eq!(role_of(PartKind::Chapter, "03-tip-01-learn"), Role::Chapter);
    }
}
