//! `pdf.font` and `pdf.installed-fonts`: the families the author names, found and
//! opened, each error at its line in `book.yaml`.
//!
//! A value that looks like a path (it has a font file's extension or a `/`) is a
//! file in the book folder, and its family's other styles are taken from the files
//! beside it and in `fonts/`; any other value is a family name, looked for in the
//! book's `fonts/` folder and then among installed fonts. Reads font files; decides
//! nothing about characters (resolve finds installed fonts for those no face has).

use std::path::{Path, PathBuf};

use serde_saphyr::Spanned;

use super::files::safe_path;
use super::manifest::{FamilySetting, FontSetting, StyleFiles};
use super::span_of;
use crate::diag::{Code, Diagnostic, SourceId, Sources};
use crate::fonts::{is_font_file, Family, FindError, Finder, Slot, Typefaces};

/// The book's fonts folder, searched for families by name.
const FONTS_DIR: &str = "fonts";

/// The typefaces `book.yaml` names, and the finder that found them (kept for
/// resolve). Errors are pushed to `diags`; a role whose font cannot be used keeps
/// the bundled default.
pub(super) fn typefaces(
    font: Option<FontSetting>,
    installed: Option<bool>,
    dir: &Path,
    msrc: Option<SourceId>,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) -> (Typefaces, Finder) {
    let mut wanted = Wanted::default();
    match font {
        None => {}
        Some(FontSetting::One(v)) => wanted.body = Some(FamilySetting::One(v)),
        Some(FontSetting::Roles(r)) => {
            let r = *r;
            let files = StyleFiles {
                regular: r.regular,
                italic: r.italic,
                bold: r.bold,
                bold_italic: r.bold_italic,
            };
            wanted.body = if files.is_empty() {
                r.body
            } else {
                Some(FamilySetting::Files(Box::new(files)))
            };
            wanted.headings = r.headings;
            wanted.code = r.code;
            wanted.fallback = r.fallback.map(|f| f.into_vec()).unwrap_or_default();
        }
    }
    let fonts_dir = dir.join(FONTS_DIR);
    let (Some(msrc), false) = (msrc, wanted.is_empty()) else {
        // Nothing named: the fonts/ folder still serves characters no bundled face
        // has, before installed fonts.
        let finder = Finder::new(Some(&fonts_dir), &[], installed.unwrap_or(true));
        return (Typefaces::default(), finder);
    };
    let mut cx = Cx {
        dir,
        msrc,
        sources,
        diags,
    };
    // Every file named, resolved first, so that the finder reads them all once.
    let files: Vec<PathBuf> = wanted
        .values()
        .filter(|v| looks_like_file(&v.value))
        .filter_map(|v| cx.path(v))
        .collect();
    let finder = Finder::new(Some(&fonts_dir), &files, installed.unwrap_or(true));
    let mut faces = Typefaces {
        body: wanted
            .body
            .as_ref()
            .and_then(|f| cx.family(&finder, f, "body")),
        headings: wanted
            .headings
            .as_ref()
            .and_then(|f| cx.family(&finder, f, "headings")),
        code: wanted
            .code
            .as_ref()
            .and_then(|f| cx.family(&finder, f, "code")),
        ..Typefaces::default()
    };
    for f in &wanted.fallback {
        if let Some(family) = cx.family(&finder, &FamilySetting::One(f.clone()), "fallback") {
            faces.fallback.push(family);
        }
    }
    (faces, finder)
}

/// What `pdf.font` asks for, role by role.
#[derive(Default)]
struct Wanted {
    body: Option<FamilySetting>,
    headings: Option<FamilySetting>,
    code: Option<FamilySetting>,
    fallback: Vec<Spanned<String>>,
}

impl Wanted {
    fn is_empty(&self) -> bool {
        self.body.is_none()
            && self.headings.is_none()
            && self.code.is_none()
            && self.fallback.is_empty()
    }

    /// Every value written, in the order written.
    fn values(&self) -> impl Iterator<Item = &Spanned<String>> {
        fn of(f: &Option<FamilySetting>) -> Vec<&Spanned<String>> {
            match f {
                None => Vec::new(),
                Some(FamilySetting::One(v)) => vec![v],
                Some(FamilySetting::Files(s)) => [&s.regular, &s.italic, &s.bold, &s.bold_italic]
                    .into_iter()
                    .flatten()
                    .collect(),
            }
        }
        of(&self.body)
            .into_iter()
            .chain(of(&self.headings))
            .chain(of(&self.code))
            .chain(self.fallback.iter())
    }
}

/// A value names a file when it has a font file's extension or a folder in it.
fn looks_like_file(value: &str) -> bool {
    value.contains(['/', '\\']) || is_font_file(Path::new(value))
}

struct Cx<'a> {
    dir: &'a Path,
    msrc: SourceId,
    sources: &'a Sources,
    diags: &'a mut Vec<Diagnostic>,
}

impl Cx<'_> {
    /// Where a value of `pdf.font` is written. serde cannot carry a place through
    /// the choice between a name and a map (an untagged enum), so a value without
    /// one is looked for after the `font:` key.
    fn place(&self, v: &Spanned<String>) -> crate::diag::Span {
        if v.referenced.line() > 1 || v.referenced.column() > 1 {
            return span_of(self.sources, self.msrc, v);
        }
        let text = &self.sources.get(self.msrc).text;
        let from = text.find("font:").unwrap_or(0);
        match text[from..].find(v.value.as_str()) {
            Some(i) if !v.value.is_empty() => {
                crate::diag::Span::new(self.msrc, from + i..from + i + v.value.len())
            }
            _ => span_of(self.sources, self.msrc, v),
        }
    }

    /// A file's path in the book folder, or an error at the value.
    fn path(&mut self, v: &Spanned<String>) -> Option<PathBuf> {
        match safe_path(self.dir, &v.value) {
            Ok(p) => Some(p),
            Err(d) => {
                self.diags.push(d.at(self.place(v)));
                None
            }
        }
    }

    /// The family one role names, or None with an error at the value.
    fn family(&mut self, finder: &Finder, f: &FamilySetting, role: &str) -> Option<Family> {
        let found = match f {
            FamilySetting::One(v) if looks_like_file(&v.value) => {
                let path = self.path(v)?;
                finder.file_family(&path).map_err(|e| (v, e))
            }
            FamilySetting::One(v) => finder.family(v.value.trim()).map_err(|e| (v, e)),
            FamilySetting::Files(s) => {
                let Some(regular) = &s.regular else {
                    let first = [&s.italic, &s.bold, &s.bold_italic]
                        .into_iter()
                        .flatten()
                        .next()?;
                    self.diags.push(
                        Diagnostic::error(
                            Code::E0015,
                            format!("the {role} font has no `regular` file"),
                        )
                        .at(self.place(first))
                        .hint("name the upright face as `regular:`; the other styles are optional"),
                    );
                    return None;
                };
                let mut paths: [Option<PathBuf>; 4] = Default::default();
                for (slot, v) in
                    Slot::ALL
                        .into_iter()
                        .zip([&s.regular, &s.italic, &s.bold, &s.bold_italic])
                {
                    if let Some(v) = v {
                        paths[slot.index()] = Some(self.path(v)?);
                    }
                }
                let refs = paths.each_ref().map(|p| p.as_deref());
                finder.files_family(refs).map_err(|e| (regular, e))
            }
        };
        match found {
            // A file of another style named alone gives a family without an upright
            // face: `typeset::fonts` makes one from the face it has.
            Ok(family) => {
                let missing = family.missing();
                if !missing.is_empty() && matches!(role, "body" | "headings") {
                    let at = match f {
                        FamilySetting::One(v) => v,
                        FamilySetting::Files(s) => s.regular.as_ref()?,
                    };
                    let names: Vec<&str> = missing.iter().map(|s| s.key()).collect();
                    self.diags.push(
                        Diagnostic::warning(
                            Code::W0136,
                            format!(
                                "the {role} font `{}` has no {} face: {} drawn from the faces it has, slanted or thickened",
                                family.name,
                                names.join(", "),
                                if missing.len() == 1 { "it is" } else { "they are" }
                            ),
                        )
                        .at(self.place(at))
                        .hint("put the family's other files in the book's fonts/ folder, or name them (`regular:`, `italic:`, `bold:`, `bold-italic:`)"),
                    );
                }
                Some(family)
            }
            Err((v, e)) => {
                let mut d = Diagnostic::error(Code::E0015, format!("the {role} font: {e}"))
                    .at(self.place(v));
                d = match &e {
                    FindError::NoFamily { close, .. } if !close.is_empty() => {
                        d.hint(format!("did you mean {}?", quoted(close)))
                    }
                    FindError::NoFamily { .. } => d.hint(
                        "put the font files in the book's fonts/ folder, name a file (`fonts/MyFont-Regular.otf`), or install the family (`fc-list : family` lists installed families)",
                    ),
                    FindError::Unreadable(_) => d,
                };
                self.diags.push(d);
                None
            }
        }
    }
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
