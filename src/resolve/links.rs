//! Links and images: every `Unresolved` target becomes a place in the book, an
//! absolute URL, or an embedded resource (and `[Heading text]`, a link to that
//! heading: see `header_refs`); a link to a missing part or `#id`, or an
//! image that is missing or not an image, is reported at the reference.
//!
//! Reads image files (inside the book folder only); knows no output format.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic, Span};
use crate::load::safe_path;
use crate::model::{Block, ImageSource, Inline, LinkTarget, MediaType, Part, Resource};

use super::anchors::Anchors;
use super::header_refs;
use super::parts::Draft;

/// Step 5 of resolve: every link and image of every part, wherever it is, becomes
/// a place in the book, a URL or an embedded resource. Returns the resources.
pub fn resolve(d: &mut Draft, dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<Resource> {
    let targets = Targets {
        by_path: d
            .rel_paths
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_empty())
            .map(|(i, r)| (r.clone(), i))
            .collect(),
        ids: d.parts.iter().map(defined_ids).collect(),
        titles: book_titles(&d.anchors),
        anchors: std::mem::take(&mut d.anchors),
        headings: d.parts.iter().map(heading_ids).collect(),
    };
    let mut resources: Vec<Resource> = Vec::new();
    let mut images = Images {
        dir,
        resources: &mut resources,
        by_path: HashMap::new(),
    };
    for (pi, p) in d.parts.iter_mut().enumerate() {
        let rel = &d.rel_paths[pi];
        p.for_each_inlines_mut(&mut |v| {
            header_refs::link_headings(v, &|key| targets.titled(pi, key));
            resolve_in(v, pi, rel, &targets, &mut images, diags)
        });
    }
    d.anchors = targets.anchors;
    resources
}

/// The ids a link may target in this part other than headings': ids written in
/// raw HTML, reference entries and notes.
fn defined_ids(p: &Part) -> HashSet<String> {
    let mut s = HashSet::new();
    p.for_each_block(&mut |b| match b {
        Block::Element(e) => s.extend(e.attrs.id.clone()),
        Block::References(rs) => s.extend(rs.iter().map(|r| r.id.clone())),
        _ => {}
    });
    p.for_each_inline(&mut |i| {
        if let Inline::Span { attrs, .. } = i {
            s.extend(attrs.id.clone());
        }
    });
    s.extend(p.footnotes.iter().map(|f| f.id.clone()));
    s
}

/// Every heading text of the book (as `anchors::title_key` reads it), with the
/// first heading that has it: its part and output id.
fn book_titles(anchors: &[Anchors]) -> HashMap<String, (usize, String)> {
    let mut titles = HashMap::new();
    for (part, a) in anchors.iter().enumerate() {
        for (key, id) in &a.titles {
            titles
                .entry(key.clone())
                .or_insert_with(|| (part, id.clone()));
        }
    }
    titles
}

/// The part's id and its headings' ids as bookbind made them.
fn heading_ids(p: &Part) -> HashSet<String> {
    let mut s = HashSet::new();
    s.insert(p.id.clone());
    if let Some(h) = &p.heading {
        s.insert(h.id.clone());
    }
    p.for_each_block(&mut |b| {
        if let Block::Heading(h) = b {
            s.insert(h.id.clone());
        }
    });
    s
}

/// Resolves the links and images of one sequence of inlines. A link that cannot be
/// resolved leaves its text, an image its alt text (the error says why).
fn resolve_in(
    v: &mut Vec<Inline>,
    part: usize,
    rel: &str,
    targets: &Targets,
    images: &mut Images,
    diags: &mut Vec<Diagnostic>,
) {
    let mut i = 0;
    while i < v.len() {
        let mut splice: Option<Vec<Inline>> = None;
        match &mut v[i] {
            Inline::Link {
                target, content, ..
            } => {
                if let LinkTarget::Unresolved { dest, span } = target {
                    match link(dest, span, part, rel, targets, diags) {
                        Some(t) => *target = t,
                        None => splice = Some(std::mem::take(content)),
                    }
                }
            }
            Inline::Image { source, alt, .. } => {
                if let ImageSource::Unresolved { dest, span } = source {
                    match images.image(dest, span, rel, diags) {
                        Some(s) => *source = s,
                        // Its alt text in its place; with none, its address, so
                        // that a link around it still has a name (Ace: link-name).
                        None => {
                            let text = if alt.trim().is_empty() { dest } else { &*alt };
                            splice = Some(vec![Inline::Text(text.clone())]);
                        }
                    }
                }
            }
            _ => {}
        }
        match splice {
            Some(content) => {
                let n = content.len();
                v.splice(i..i + 1, content);
                i += n;
            }
            None => i += 1,
        }
    }
}

/// What links can point at.
pub struct Targets {
    /// Part index by path relative to the book folder (`chapters/a.md`).
    pub by_path: HashMap<String, usize>,
    /// Ids defined in each part other than headings' (raw HTML, notes, entries).
    pub ids: Vec<HashSet<String>>,
    /// Each part's headings by the names the author's tools give them.
    pub anchors: Vec<Anchors>,
    /// Each part's id and its headings' ids as bookbind made them.
    pub headings: Vec<HashSet<String>>,
    /// The book's heading texts, for implicit header references.
    pub titles: HashMap<String, (usize, String)>,
}

fn is_markdown_path(path: &str) -> bool {
    path.ends_with(".md") || path.ends_with(".markdown")
}

impl Targets {
    /// The heading an implicit header reference (`[Heading text]`) found in part
    /// `part` leads to: one of that part with that text, else the book's first.
    pub fn titled(&self, part: usize, key: &str) -> Option<LinkTarget> {
        let (part, id) = match self.anchors.get(part).and_then(|a| a.titles.get(key)) {
            Some(id) => (part, id.clone()),
            None => self.titles.get(key).cloned()?,
        };
        Some(LinkTarget::Internal {
            part,
            anchor: Some(id),
        })
    }

    /// The part a link's path (joined to the book folder) names: the file itself,
    /// the Markdown a site generator made that page from, or the only part in
    /// that folder (`posts/quorum/` when the book binds `posts/quorum/main.md`).
    pub fn file(&self, joined: &str, folder: bool) -> Option<usize> {
        if let Some(&p) = source_candidates(joined, folder)
            .iter()
            .find_map(|c| self.by_path.get(c))
        {
            return Some(p);
        }
        // A file with an extension is no folder.
        if !folder && joined.rsplit('/').next().unwrap_or("").contains('.') {
            return None;
        }
        let prefix = if joined.is_empty() {
            String::new()
        } else {
            format!("{joined}/")
        };
        let mut in_folder = self.by_path.iter().filter(|(path, _)| {
            path.strip_prefix(&prefix)
                .is_some_and(|rest| !rest.contains('/'))
        });
        match (in_folder.next(), in_folder.next()) {
            (Some((_, &p)), None) => Some(p),
            _ => None,
        }
    }

    /// The id `frag` names in part `part`: an id written in raw HTML, a note or an
    /// entry; then a heading's explicit id or its slug by the author's tool (GitHub,
    /// mdBook, pandoc); then bookbind's own heading ids. None if nothing has it.
    pub fn anchor(&self, part: usize, frag: &str) -> Option<String> {
        if self.ids[part].contains(frag) {
            return Some(frag.to_string());
        }
        if let Some(id) = self.anchors.get(part).and_then(|a| a.heading(frag)) {
            return Some(id.to_string());
        }
        self.headings[part].contains(frag).then(|| frag.to_string())
    }
}

/// Resolves images into `resources` (deduplicated by path).
pub struct Images<'a> {
    pub dir: &'a Path,
    pub resources: &'a mut Vec<Resource>,
    pub by_path: HashMap<PathBuf, usize>,
}

/// `scheme:` at the start (but not a Windows drive letter).
pub fn is_absolute_url(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) if i > 1 => dest[..i]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.'),
        _ => false,
    }
}

/// Schemes every reading system opens (IANA-registered, EPUBCheck accepts them).
const SCHEMES: &[&str] = &[
    "http", "https", "mailto", "tel", "ftp", "sms", "news", "urn", "doi", "geo",
];

/// `dest` as a valid absolute URL with a common scheme, percent-encoding what URLs
/// do not allow (spaces, backslashes, brackets outside the host); None if it is not
/// one (`made-up-scheme://x`, `https://../`).
pub fn web_url(dest: &str) -> Option<String> {
    let mut enc = String::with_capacity(dest.len());
    for (i, c) in dest.char_indices() {
        let allowed = c.is_ascii_alphanumeric() || "-._~:/?#@!$&'()*+,;=%".contains(c);
        // A `%` not starting an escape is itself escaped.
        let bad_percent = c == '%' && !dest[i + 1..].chars().take(2).all(|h| h.is_ascii_hexdigit());
        if allowed && !bad_percent {
            enc.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                enc.push_str(&format!("%{b:02X}"));
            }
        }
    }
    let url = url::Url::parse(&enc).ok()?;
    if !SCHEMES.contains(&url.scheme()) {
        return None;
    }
    if matches!(url.scheme(), "http" | "https" | "ftp") {
        let host = url.host_str()?;
        if host.is_empty() || host.starts_with('.') || host.contains("..") {
            return None;
        }
    }
    Some(enc)
}

/// Joins `rel` to the folder of `from` (both relative to the book), resolving `..`.
/// The file a path is relative to: the book folder's root for a site-root path
/// (`/assets/x.png`), else `rel_path`, the file that holds it.
fn from_root_or<'a>(rel_path: &'a str, path: &str) -> &'a str {
    if path.starts_with('/') {
        ""
    } else {
        rel_path
    }
}

fn join_relative(from: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() && s.is_char_boundary(i + 3) {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The files a link's path (joined to the book folder) may name, in order: the
/// path itself; then, for a page a site generator made from Markdown, the file it
/// was made from. mdBook writes `other.md` as `other.html` and a folder's
/// `README.md` as its `index.html`; GitBook, Jekyll and VitePress link to a page
/// as `dir/` or `other` (no extension).
fn source_candidates(joined: &str, folder: bool) -> Vec<String> {
    let mut v = vec![joined.to_string()];
    let in_folder = |dir: &str, name: &str| {
        if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        }
    };
    let (dir, file) = joined.rsplit_once('/').unwrap_or(("", joined));
    let page = file
        .strip_suffix(".html")
        .or_else(|| file.strip_suffix(".htm"));
    if let Some(stem) = page {
        for ext in ["md", "markdown"] {
            v.push(in_folder(dir, &format!("{stem}.{ext}")));
        }
        if stem == "index" {
            v.push(in_folder(dir, "README.md"));
        }
    } else if folder || !file.contains('.') {
        for name in ["README.md", "index.md", "readme.md", "_index.md"] {
            v.push(in_folder(joined, name));
        }
        if !file.is_empty() {
            v.push(format!("{joined}.md"));
            v.push(format!("{joined}.markdown"));
        }
    }
    v
}

/// Resolves one link target found in part `part` (whose file is `rel_path`).
pub fn link(
    dest: &str,
    span: &Span,
    part: usize,
    rel_path: &str,
    targets: &Targets,
    diags: &mut Vec<Diagnostic>,
) -> Option<LinkTarget> {
    if dest.is_empty() {
        return None;
    }
    if is_absolute_url(dest) {
        return match web_url(dest) {
            Some(u) => Some(LinkTarget::External(u)),
            None => {
                diags.push(
                    Diagnostic::warning(Code::W0106, format!("`{dest}` is not a web address readers can open; it is printed as plain text"))
                        .at(span.clone())
                        .hint("use http:, https:, mailto: or tel: with a valid address"),
                );
                None
            }
        };
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(percent_decode(a))),
        None => (dest, None),
    };
    let target_part = if path.is_empty() {
        part
    } else {
        let decoded = percent_decode(path);
        let from = from_root_or(rel_path, path);
        let folder = decoded.ends_with('/');
        let found = join_relative(from, &decoded)
            .and_then(|j| targets.file(&j, folder))
            .or_else(|| {
                // A site with "pretty" addresses (Jekyll, Hugo, Hakyll) serves
                // `a.md` as `a/`: its relative links start from there.
                let page = from.rsplit_once('.').map_or(from, |(stem, _)| stem);
                let page_dir = format!("{page}/index.md");
                (!from.is_empty() && !is_markdown_path(path))
                    .then(|| join_relative(&page_dir, &decoded))
                    .flatten()
                    .and_then(|j| targets.file(&j, folder))
            });
        match found {
            Some(p) => p,
            None => {
                let d = if is_markdown_path(path) {
                    Diagnostic::warning(
                        Code::W0121,
                        format!("link to `{path}`, which is not a part of the book; its text is printed without the link"),
                    )
                    .at(span.clone())
                    .hint("link to a file listed in book.yaml, relative to this file")
                } else {
                    Diagnostic::warning(
                        Code::W0106,
                        format!(
                            "link to `{dest}` leads outside the book; it is printed as plain text"
                        ),
                    )
                    .at(span.clone())
                    .hint("use an absolute URL (https://...) for pages on the web")
                };
                diags.push(d);
                return None;
            }
        }
    };
    let anchor = match anchor.filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => match targets.anchor(target_part, &a) {
            Some(id) => Some(id),
            None => {
                let file = if path.is_empty() { "this part" } else { path };
                diags.push(
                Diagnostic::warning(
                    Code::W0121,
                    format!("link to `#{a}`, which no heading or note of {file} defines; it leads to the top of {file}"),
                )
                .at(span.clone())
                .hint("heading ids come from their text as GitHub, mdBook or pandoc make them (`## My title` → `#my-title`), or from `{#id}`"),
            );
                None
            }
        },
    };
    Some(LinkTarget::Internal {
        part: target_part,
        anchor,
    })
}

impl Images<'_> {
    /// Resolves an image reference found in the file `rel_path`: the file is
    /// found in the book folder, read, checked and embedded once.
    pub fn image(
        &mut self,
        dest: &str,
        span: &Span,
        rel_path: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<ImageSource> {
        let found = self.locate(dest, rel_path).and_then(|path| {
            if let Some(&i) = self.by_path.get(&path) {
                return Ok(i);
            }
            let (data, media_type) = read_image(&path, dest)?;
            let index = self.resources.len();
            let stem = path
                .file_stem()
                .map(|s| super::ids::slug(&s.to_string_lossy()))
                .unwrap_or_default();
            self.resources.push(Resource {
                name: format!("images/{index:03}-{stem}.{}", media_type.extension()),
                media_type,
                data: data.into(),
            });
            self.by_path.insert(path, index);
            Ok(index)
        });
        match found {
            Ok(i) => Some(ImageSource::Resource(i)),
            Err(d) => {
                diags.push(d.at(span.clone()));
                None
            }
        }
    }

    /// The file an image reference names, inside the book folder.
    fn locate(&self, dest: &str, rel_path: &str) -> Result<PathBuf, Diagnostic> {
        // An `<img>` without `src` (or `![alt]()`) names nothing. It stays an
        // error, so none reaches the EPUB: Send to Kindle refuses an EPUB with an
        // `<img>` that has no `src` (E999; the fix kindle-epub-fix applies,
        // https://github.com/innocenat/kindle-epub-fix, "Remove stray image tag(s)").
        if dest.is_empty() {
            return Err(Diagnostic::error(
                Code::E0011,
                "an image with no source (an `<img>` without `src`, or `![…]()`)",
            )
            .hint("give it the picture's path, or remove it; Send to Kindle refuses an EPUB holding an `<img>` without `src`"));
        }
        if is_absolute_url(dest) {
            return Err(Diagnostic::warning(
                Code::W0107,
                format!("image `{dest}` is on the web; books embed their images, so its alt text (its address when it has none) is shown instead"),
            )
            .hint("download the image into the book folder and refer to it by a relative path"));
        }
        let decoded = percent_decode(dest);
        // `/assets/x.png`, as Jekyll, Hugo and GitHub Pages write it: from the book
        // folder's root, never from outside it.
        if decoded.starts_with('\\') || decoded.get(1..2) == Some(":") {
            return Err(Diagnostic::error(
                Code::E0012,
                format!("image `{dest}` is an absolute path"),
            )
            .hint("copy the image into the book folder and refer to it relative to this file"));
        }
        let Some(rel) = join_relative(from_root_or(rel_path, &decoded), &decoded) else {
            return Err(Diagnostic::error(
                Code::E0012,
                format!("image `{dest}` leaves the book folder"),
            ));
        };
        safe_path(self.dir, &rel).map_err(|d| {
            if d.code == Code::E0004 && d.message.ends_with("not found") {
                Diagnostic::error(Code::E0011, format!("image `{dest}` not found"))
                    .hint(format!("looked for `{rel}` in the book folder"))
            } else if d.code == Code::E0004 {
                Diagnostic::error(Code::E0011, format!("image `{dest}` is not a file"))
            } else {
                // `rel` has no `..`: what leads outside is a symbolic link.
                Diagnostic {
                    message: format!("image `{dest}` points outside the book folder"),
                    ..d
                }
            }
        })
    }
}

/// An image file's bytes and type, when it is an image, whole and safe.
fn read_image(path: &Path, dest: &str) -> Result<(Vec<u8>, MediaType), Diagnostic> {
    let data = std::fs::read(path)
        .map_err(|e| Diagnostic::error(Code::E0011, format!("cannot read image `{dest}`: {e}")))?;
    let Some(media_type) = sniff(&data) else {
        return Err(Diagnostic::error(
            Code::E0011,
            format!("`{dest}` is not a PNG, JPEG, GIF, WebP or SVG image"),
        ));
    };
    if let Err(why) = complete(&data, media_type) {
        return Err(Diagnostic::error(
            Code::E0011,
            format!("image `{dest}` is damaged: {why}"),
        ));
    }
    if media_type == MediaType::Svg && scripted_svg(&data) {
        return Err(Diagnostic::error(
            Code::E0011,
            format!("image `{dest}` is an SVG with scripts or event handlers"),
        )
        .hint("books carry no scripts: export the drawing again without them, or as PNG"));
    }
    Ok((data, media_type))
}

/// The media type of an image, from its first bytes.
pub fn sniff(data: &[u8]) -> Option<MediaType> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(MediaType::Png)
    } else if data.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(MediaType::Jpeg)
    } else if data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a") {
        Some(MediaType::Gif)
    } else if data.len() > 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some(MediaType::Webp)
    } else {
        let head = String::from_utf8_lossy(&data[..data.len().min(1024)]).to_lowercase();
        (head.contains("<svg")).then_some(MediaType::Svg)
    }
}

/// An SVG that would run code: `<script>`, `on...=` handlers, `javascript:` links or
/// foreign HTML. Reading systems refuse such images, and EPUBCheck flags them.
pub fn scripted_svg(data: &[u8]) -> bool {
    let text = String::from_utf8_lossy(data).to_ascii_lowercase();
    text.contains("<script")
        || text.contains("javascript:")
        || text.contains("<foreignobject")
        || text.match_indices(" on").any(|(i, _)| {
            let rest = &text[i + 3..];
            let name_len = rest.chars().take_while(|c| c.is_ascii_alphabetic()).count();
            name_len > 2 && rest[name_len..].trim_start().starts_with('=')
        })
}

/// Checks that an image file is not cut short: its structure must reach its end.
fn complete(data: &[u8], media_type: MediaType) -> Result<(), &'static str> {
    match media_type {
        MediaType::Png => png_complete(data),
        MediaType::Jpeg
            if !data.ends_with(&[0xff, 0xd9])
                && !data[data.len().saturating_sub(64)..]
                    .windows(2)
                    .any(|w| w == [0xff, 0xd9]) =>
        {
            Err("the JPEG has no end marker (the file is truncated)")
        }
        // The trailer `;` ends every GIF (some writers pad after it with zeros).
        MediaType::Gif
            if data.iter().rev().find(|&&b| b != 0) != Some(&0x3b) || data.len() < 14 =>
        {
            Err("the GIF has no trailer (the file is truncated)")
        }
        MediaType::Webp => {
            let size = u32::from_le_bytes([data[4], data[5], data[6], data[7]]) as usize;
            if size.saturating_add(8) > data.len() {
                Err("the WebP is shorter than its header says (the file is truncated)")
            } else {
                Ok(())
            }
        }
        MediaType::Svg if roxml_check(data).is_err() => Err("the SVG is not well-formed XML"),
        _ => Ok(()),
    }
}

/// Walks the chunks of a PNG: each must fit in the file, IHDR first, IEND last.
fn png_complete(data: &[u8]) -> Result<(), &'static str> {
    let mut at = 8;
    let mut first = true;
    loop {
        let Some(head) = data.get(at..at + 8) else {
            return Err("the PNG has no end chunk (the file is truncated)");
        };
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind = &head[4..8];
        if first && kind != b"IHDR" {
            return Err("the PNG does not start with its header chunk");
        }
        first = false;
        let end = at.saturating_add(12).saturating_add(len);
        if end > data.len() {
            return Err("a PNG chunk runs past the end of the file (the file is truncated)");
        }
        if kind == b"IEND" {
            return Ok(());
        }
        at = end;
    }
}

fn roxml_check(data: &[u8]) -> Result<(), ()> {
    let text = std::str::from_utf8(data).map_err(|_| ())?;
    if text.contains("</svg>") {
        Ok(())
    } else {
        Err(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_urls_are_encoded_or_refused() {
        assert_eq!(
            web_url("https://example.com/?search=](uri)").as_deref(),
            Some("https://example.com/?search=%5D(uri)")
        );
        assert_eq!(
            web_url("https://example.com/a b").as_deref(),
            Some("https://example.com/a%20b")
        );
        assert_eq!(web_url("made-up-scheme://foo"), None);
        assert_eq!(web_url("https://../"), None);
        assert_eq!(
            web_url("mailto:a@b.example").as_deref(),
            Some("mailto:a@b.example")
        );
    }

    #[test]
    fn svg_with_scripts_is_recognised() {
        assert!(scripted_svg(b"<svg><script>alert(1)</script></svg>"));
        assert!(scripted_svg(b"<svg onload=\"x()\"></svg>"));
        assert!(!scripted_svg(b"<svg><text>one two</text></svg>"));
    }

    #[test]
    fn relative_paths_are_joined_to_the_linking_file() {
        assert_eq!(
            join_relative("chapters/a.md", "../back/b.md").as_deref(),
            Some("back/b.md")
        );
        assert_eq!(join_relative("a.md", "b.md").as_deref(), Some("b.md"));
        assert_eq!(join_relative("a.md", "../../x.md"), None);
    }

    #[test]
    fn pages_a_site_generator_made_lead_to_their_markdown() {
        let has = |joined: &str, folder: bool, want: &str| {
            assert!(
                source_candidates(joined, folder).iter().any(|c| c == want),
                "{joined} → {want}: {:?}",
                source_candidates(joined, folder)
            )
        };
        has("src/cli/build.html", false, "src/cli/build.md");
        has("src/cli/index.html", false, "src/cli/README.md");
        has("src/cli/index.html", false, "src/cli/index.md");
        has("index.html", false, "README.md");
        has("docs/guide", true, "docs/guide/README.md");
        has("docs/guide", true, "docs/guide/index.md");
        has("_articles/ar/legal", true, "_articles/ar/legal.md");
        has("docs/getting-started", false, "docs/getting-started.md");
        has("", true, "README.md");
        // A file with another extension is only itself.
        assert_eq!(source_candidates("a/data.json", false), ["a/data.json"]);
    }

    #[test]
    fn absolute_urls_are_recognised() {
        assert!(is_absolute_url("https://example.org"));
        assert!(is_absolute_url("mailto:a@b.c"));
        assert!(!is_absolute_url("chapters/a.md"));
        assert!(!is_absolute_url("#x"));
    }

    #[test]
    fn truncated_images_are_found() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde\0\0\0\0IEND\xaeB`\x82";
        assert_eq!(complete(png, MediaType::Png), Ok(()));
        for cut in [8, 20, 33, png.len() - 1] {
            assert!(
                complete(&png[..cut], MediaType::Png).is_err(),
                "cut at {cut}"
            );
        }
        let gif = b"GIF89a\x01\0\x01\0\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;";
        assert_eq!(complete(gif, MediaType::Gif), Ok(()));
        assert!(complete(&gif[..gif.len() - 1], MediaType::Gif).is_err());
        let webp = b"RIFF\x0c\0\0\0WEBPVP8 \0\0\0\0";
        assert_eq!(complete(webp, MediaType::Webp), Ok(()));
        assert!(complete(&webp[..15], MediaType::Webp).is_err());
    }

    #[test]
    fn image_types_are_sniffed_from_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(MediaType::Png));
        assert_eq!(sniff(b"<?xml?><svg></svg>"), Some(MediaType::Svg));
        assert_eq!(sniff(b"root:x:0:0"), None);
    }
}
