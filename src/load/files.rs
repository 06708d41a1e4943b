//! Files of the book: paths kept inside the book folder, text read as clean
//! UTF-8 and added to the sources (with a warning where control characters were
//! removed).

use std::path::{Path, PathBuf};

use super::clean;
use crate::diag::{Code, Diagnostic, SourceId, Sources, Span};

/// A manifest path must stay inside the book folder.
pub(super) fn check_relative(p: &str) -> Result<(), Diagnostic> {
    let path = Path::new(p);
    if path.is_absolute() || p.starts_with('/') || p.starts_with('\\') {
        return Err(
            Diagnostic::error(Code::E0012, format!("`{p}` is an absolute path"))
                .hint("paths in book.yaml are relative to the book folder"),
        );
    }
    if path
        .components()
        .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(
            Diagnostic::error(Code::E0012, format!("`{p}` leaves the book folder"))
                .hint("keep every file of the book inside its folder"),
        );
    }
    Ok(())
}

/// Joins a relative path to the book folder, refusing anything that leads outside it
/// (absolute paths, `..`, symlinks pointing elsewhere). Missing files, and anything
/// that is not a regular file, are an error; nothing is opened.
pub fn safe_path(dir: &Path, p: &str) -> Result<PathBuf, Diagnostic> {
    check_relative(p)?;
    let joined = dir.join(p);
    let canon_dir = dir.canonicalize().map_err(|e| {
        Diagnostic::error(
            Code::E0001,
            format!("cannot open book folder `{}`: {e}", dir.display()),
        )
    })?;
    match joined.canonicalize() {
        // A folder, pipe or device is never read: a pipe would block the build.
        Ok(c) if c.starts_with(&canon_dir) && !c.is_file() => Err(Diagnostic::error(
            Code::E0004,
            format!("`{p}` is not a file (a folder, pipe or device)"),
        )),
        Ok(c) if c.starts_with(&canon_dir) => Ok(joined),
        Ok(_) => Err(Diagnostic::error(
            Code::E0012,
            format!("`{p}` points outside the book folder"),
        )
        .hint("a symbolic link may lead there; copy the file into the book instead")),
        Err(_) => Err(
            Diagnostic::error(Code::E0004, format!("`{p}` not found")).hint(format!(
                "paths are relative to the book folder `{}`",
                dir.display()
            )),
        ),
    }
}

/// A text file as read: UTF-8, normalised, without control characters.
pub(super) struct Read {
    pub(super) text: String,
    pub(super) removed: clean::Removed,
}

/// The name a part takes from its file (the base of its id and EPUB file name):
/// the file's stem, or its folder's name for the files site tools name alike in
/// every folder (`posts/quorum/main.md`, `cli/README.md`, `guide/index.md`), but
/// not for one directly in `base`, the book's own folder.
pub(super) fn part_stem(path: &Path, base: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let generic = matches!(
        stem.to_lowercase().as_str(),
        "main" | "index" | "_index" | "readme"
    );
    let parent = path.parent().filter(|p| *p != base);
    match parent.and_then(Path::file_name) {
        Some(folder) if generic => folder.to_string_lossy().into_owned(),
        _ => stem,
    }
}

/// Adds a file to `sources`, with a warning at the first place where control
/// characters were removed from it.
pub(super) fn add_source(
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
    path: PathBuf,
    read: Read,
) -> SourceId {
    let Read { text, removed } = read;
    let id = sources.add(path, text);
    if let Some(&(first, c)) = removed.places.first() {
        let text = &sources.get(id).text;
        let lines: Vec<usize> = removed
            .places
            .iter()
            .map(|&(off, _)| sources.line_col(id, off).0)
            .collect();
        let mut where_ = lines
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        if lines.len() == clean::PLACES {
            where_.push_str(", ...");
        }
        let n = removed.count;
        diags.push(
            Diagnostic::warning(
                Code::W0108,
                format!(
                    "{n} control character{} removed from `{}` (line{} {where_})",
                    if n == 1 { "" } else { "s" },
                    sources.path(id).display(),
                    if lines.len() == 1 { "" } else { "s" },
                ),
            )
            .at(Span::new(id, first..next_char(text, first)))
            .label(format!("{} was here", clean::code_point(c)))
            .hint("they are invisible and no e-reader or font shows them; they often come from text pasted out of a PDF or a word processor"),
        );
    }
    id
}

pub(super) fn read_text(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<Read> {
    match std::fs::read(path) {
        Ok(bytes) => decode(path, bytes).map_err(|d| diags.push(d)).ok(),
        Err(e) => {
            let what = if e.kind() == std::io::ErrorKind::NotFound {
                format!("`{}` not found", path.display())
            } else {
                format!("cannot read `{}`: {e}", path.display())
            };
            diags.push(
                Diagnostic::error(Code::E0001, what)
                    .hint("a book folder holds a book.yaml; `bookbind init DIR` makes one"),
            );
            None
        }
    }
}

pub(super) fn read_text_at(path: &Path, span: Span, diags: &mut Vec<Diagnostic>) -> Option<Read> {
    match std::fs::read(path) {
        Ok(bytes) => decode(path, bytes).map_err(|d| diags.push(d)).ok(),
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    Code::E0004,
                    format!("cannot read `{}`: {e}", path.display()),
                )
                .at(span),
            );
            None
        }
    }
}

/// UTF-8 only; a BOM is dropped and CRLF/CR line ends become LF, so that the same
/// text gives the same book whatever editor saved it. Control characters are
/// removed (`clean`).
fn decode(path: &Path, bytes: Vec<u8>) -> Result<Read, Diagnostic> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Diagnostic::error(
            Code::E0005,
            format!(
                "`{}` is not UTF-8 text (invalid byte at offset {at})",
                path.display()
            ),
        )
        .in_file(path)
        .hint("save the file as UTF-8")
    })?;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    };
    let (clean, removed) = clean::strip(&text);
    let clean = match clean {
        std::borrow::Cow::Owned(t) => Some(t),
        std::borrow::Cow::Borrowed(_) => None,
    };
    Ok(Read {
        text: clean.unwrap_or(text),
        removed,
    })
}

pub(super) fn next_char(text: &str, off: usize) -> usize {
    text[off..]
        .chars()
        .next()
        .map_or(off, |c| off + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_and_absolute_paths_are_refused() {
        assert!(check_relative("../../etc/passwd").is_err());
        assert!(check_relative("/etc/passwd").is_err());
        assert!(check_relative("chapters/a.md").is_ok());
    }
}
