//! The EPUB 3 edition: model → XHTML content documents, navigation (nav + NCX),
//! package metadata with EPUB Accessibility 1.1, assembled by epub-builder.
//!
//! Reads only the resolved `Book`; returns the EPUB's bytes (writing them to disk
//! is `output`'s job).

mod cover;
mod fonts;
pub mod kindle;
pub mod xhtml;

pub use cover::{Cover, CoverCache, Drawing, COVER_PIXELS};

use std::fmt::Write as _;
use std::io::Write;

use epub_builder::{
    EpubBuilder, EpubContent, EpubVersion, MetadataOpfV3, ReferenceType, TocElement, ZipLibrary,
};

use crate::diag::{Code, Diagnostic, Span};
use crate::model::pages::{PageAt, PageBreak};
use crate::model::{Book, ImageSource, Inline, PartKind, Role, TocEntry};
use crate::xml::{self, escape_attr};

const STYLESHEET: &str = include_str!("style.css");
/// What pages written right to left need besides: headings, table cells and
/// the reference list aligned right, alert rules and nested contents on the right.
const STYLESHEET_RTL: &str = include_str!("style-rtl.css");
/// What code blocks, alerts and boxes and task lists need besides: the code's tint
/// and highlighting colours, the boxes' rules and labels, task items' boxes.
const STYLESHEET_CODE: &str = include_str!("style-code.css");
const CONTENTS_FILE: &str = "contents.xhtml";

#[derive(Debug, thiserror::Error)]
#[error("could not assemble the EPUB: {0}")]
pub struct EpubError(String);

impl From<epub_builder::Error> for EpubError {
    fn from(e: epub_builder::Error) -> Self {
        EpubError(e.to_string())
    }
}

type Builder = EpubBuilder<ZipLibrary>;

/// Builds the EPUB; warnings about content (removed scripts) go to `diags`.
/// `pages`: where the print edition's pages begin, for page-break markers and a
/// page list (none when empty).
pub fn write(
    book: &Book,
    pages: &[PageBreak],
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<u8>, EpubError> {
    write_with_cover(book, pages, cover::cover(book), diags)
}

/// The book's cover as the EPUB carries it (a drawing rendered to PNG, with why
/// it could not be when it could not): made apart from `write_with_cover` so that
/// it can be drawn while the print edition is laid out.
pub fn cover_of(book: &Book) -> (cover::Cover, Option<String>) {
    cover::cover(book)
}

/// `cover_of`, the cover drawn last taken from `cache` when it is drawn from
/// the same (`watch`).
pub fn cover_of_with(
    book: &Book,
    cache: Option<&mut CoverCache>,
) -> (cover::Cover, Option<String>) {
    cover::cover_with(book, cache)
}

/// `write`, with the cover `cover_of` made.
pub fn write_with_cover(
    book: &Book,
    pages: &[PageBreak],
    cover: (cover::Cover, Option<String>),
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<u8>, EpubError> {
    write_with(book, pages, cover, None, diags)
}

/// The parts' files as compressed by the last write (`watch`), by their name
/// and bytes: a rebuild compresses only the files that changed. Holds one
/// book's files.
#[derive(Default)]
pub struct EntryCache {
    packed: std::collections::HashMap<u128, Vec<u8>>,
    /// Files compressed, and files taken from the cache, by the last write.
    pub packed_files: usize,
    pub reused_files: usize,
}

/// `write_with_cover`, taking the parts' files that are the same as the last
/// write's from `cache`, compressed, and leaving this write's there.
pub fn write_with(
    book: &Book,
    pages: &[PageBreak],
    cover: (cover::Cover, Option<String>),
    cache: Option<&mut EntryCache>,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<u8>, EpubError> {
    let mut b = EpubBuilder::new(ZipLibrary::new()?)?;
    b.epub_version(EpubVersion::V30);
    package_metadata(&mut b, book);
    page_list_metadata(&mut b, book, pages);
    let rtl = crate::model::right_to_left(&book.meta.language)
        || book
            .parts
            .iter()
            .filter_map(|p| p.language.as_deref())
            .any(crate::model::right_to_left);
    let mut css = STYLESHEET.to_string();
    if rtl {
        css.push_str(STYLESHEET_RTL);
    }
    if xhtml::has_code_or_boxes(book) {
        css.push_str(STYLESHEET_CODE);
    }
    let embedded = if book.settings.epub.embed_fonts {
        let (faces, failed) = fonts::subsets(&book.typefaces);
        for f in failed {
            diags.push(Diagnostic::warning(
                Code::W0114,
                format!(
                    "the font {} could not be embedded in the EPUB ({}); reading systems use their own for its characters",
                    f.face, f.reason
                ),
            ));
        }
        css.push_str(&fonts::stylesheet(&faces));
        faces
    } else {
        Vec::new()
    };
    b.stylesheet(css.as_bytes())?;
    // Fonts, the cover and the pictures are compressed on every core, beside
    // the parts, and handed to epub-builder empty, as the parts are (see
    // `add_parts`): a book of pictures was compressed on one thread, and held
    // twice over while the container was patched.
    let mut files: Vec<(String, &[u8])> = embedded
        .iter()
        .map(|f| (format!("OEBPS/{}", f.name), f.data.as_slice()))
        .collect();
    files.push((format!("OEBPS/{}", cover.0.name), &cover.0.data[..]));
    files.extend(
        book.resources
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != book.cover)
            .map(|(_, r)| (format!("OEBPS/{}", r.name), &r.data[..])),
    );
    let earlier = cache.as_deref();
    let (resources, parts) = rayon::join(
        || pack_all(files, earlier),
        || make_parts(book, pages, earlier),
    );
    let (resources, parts) = (resources?, parts?);
    for f in &embedded {
        b.add_resource(&f.name, &[][..], f.media_type)?;
    }
    undescribed_warnings(book, diags);
    add_cover(&mut b, book, &cover, diags)?;
    for (i, r) in book.resources.iter().enumerate() {
        if Some(i) != book.cover {
            b.add_resource(&r.name, &[][..], r.media_type.as_str())?;
        }
    }
    let (marked, packed_parts) = add_parts(&mut b, book, pages, parts, diags)?;
    let mut packed = Packed::default();
    // What `watch` reports counts the parts' files.
    let reused = packed_parts.iter().filter(|f| f.reused).count();
    for f in packed_parts.into_iter().chain(resources) {
        packed.by_name.insert(f.name, (f.key, f.zipped));
    }
    if let Some(c) = cache {
        c.packed = packed.by_name.values().cloned().collect();
        (c.packed_files, c.reused_files) = (book.parts.len() - reused, reused);
    }
    let mut out = Vec::new();
    b.generate(&mut out)?;
    let nav = nav_document(book, pages, &marked);
    let ids = identifiers(&book.meta);
    patch_container(&out, &book.meta.language, nav.as_bytes(), &ids, packed)
        .map_err(|e| EpubError(e.to_string()))
}

/// The package's metadata: Dublin Core from the book's, the dates, and EPUB
/// Accessibility 1.1.
fn package_metadata(b: &mut Builder, book: &Book) {
    let m = &book.meta;
    b.set_title(m.title.clone());
    b.set_lang(m.language.clone());
    for a in &m.authors {
        b.add_author(a.clone());
    }
    if let Some(d) = &m.description {
        b.add_description(d.clone());
    }
    for s in &m.subjects {
        b.add_subject(s.clone());
    }
    if let Some(r) = &m.rights {
        b.set_license(r.clone());
    }
    b.set_generator(concat!("bookbind ", env!("CARGO_PKG_VERSION")));
    b.set_toc_name(book.labels.contents.clone());
    // A book in a right-to-left language turns its pages from right to left.
    // (epub-builder 0.8.2's `epub_direction` sets a field its template never
    // reads; the `direction` metadata key is the one it writes to the spine.)
    if crate::model::right_to_left(&m.language) {
        let _ = b.metadata("direction", "rtl");
    }
    b.set_uuid(uuid_of(&m.identifier));
    let modified = chrono::DateTime::from_timestamp(m.modified, 0).unwrap_or_default();
    b.set_modified_date(modified);
    if let Some(date) = m.date.as_deref().and_then(crate::date::parse_date) {
        b.set_publication_date(chrono::DateTime::from_timestamp(date, 0).unwrap_or_default());
    }
    b.escape_html(true);
    for (property, value) in accessibility(book) {
        b.add_metadata_opf(Box::new(MetadataOpfV3::new(
            property.into(),
            escape_attr(&value),
        )));
    }
    if let Some(p) = &m.publisher {
        b.add_metadata_opf(Box::new(MetadataOpfV3::new(
            "dcterms:publisher".into(),
            escape_attr(p),
        )));
    }
}

/// The cover image (see `cover`) and the page that shows it.
fn add_cover(
    b: &mut Builder,
    book: &Book,
    (c, failed): &(cover::Cover, Option<String>),
    diags: &mut Vec<Diagnostic>,
) -> Result<(), EpubError> {
    if let Some(why) = failed {
        diags.push(Diagnostic::warning(
            Code::W0142,
            format!("the cover could not be rendered to PNG ({why}); the EPUB's cover is the SVG as given, which Kindle does not show"),
        ));
    }
    // Its data is packed apart (`write_with`).
    b.add_cover_image(&c.name, &[][..], c.media_type)?;
    b.add_content(
        EpubContent::new("cover.xhtml", cover::cover_page(book, &c.name).as_bytes())
            .reftype(ReferenceType::Cover),
    )?;
    Ok(())
}

/// What making a part's content document leaves besides it: its notes and
/// the print pages it marks.
type Made = (xhtml::Notes, Vec<usize>);

/// Each marked print page (its index) and the file it begins in, in order.
type Marked = Vec<(usize, String)>;

/// A file packed (`pack`): its name in the container, the key `EntryCache`
/// knows it by, its one-entry zip, and whether it was taken from the last write.
struct PackedFile {
    name: String,
    key: u128,
    zipped: Vec<u8>,
    reused: bool,
}

/// The parts made (`xhtml::part`) and packed on every core: see `add_parts`.
fn make_parts(
    book: &Book,
    pages: &[PageBreak],
    earlier: Option<&EntryCache>,
) -> Result<Vec<(Made, PackedFile)>, EpubError> {
    use rayon::prelude::*;
    (0..book.parts.len())
        .into_par_iter()
        .map(|i| {
            let (doc, notes, marked) = xhtml::part(book, i, pages);
            let name = format!("OEBPS/{}", xhtml::file_name(&book.parts[i]));
            let packed = pack_one(name, doc.as_bytes(), earlier)?;
            Ok(((notes, marked), packed))
        })
        .collect::<Result<_, zip::result::ZipError>>()
        .map_err(|e| EpubError(e.to_string()))
}

/// The parts in reading order as content documents, with the contents page
/// closing the front matter, as in the print edition. The parts are made and
/// compressed on every core, each into a zip of its own (`make_parts`), and
/// handed to epub-builder empty: it writes the package and NCX from their names
/// and titles, and `patch_container` puts the compressed files in its empty
/// ones' places (epub-builder compresses file by file, on one thread: two
/// thirds of the EPUB's time for a novel). Returns each marked print page's
/// file, in the order marked, and the packed files.
fn add_parts(
    b: &mut Builder,
    book: &Book,
    pages: &[PageBreak],
    made: Vec<(Made, PackedFile)>,
    diags: &mut Vec<Diagnostic>,
) -> Result<(Marked, Vec<PackedFile>), EpubError> {
    let first_chapter = book.parts.iter().position(|p| p.kind == PartKind::Chapter);
    let contents_at = book.contents_at;
    let mut marked = Vec::new();
    let mut packed = Vec::with_capacity(made.len());
    for (i, ((notes, marked_here), file_packed)) in made.into_iter().enumerate() {
        if i == contents_at {
            add_contents_page(b, book, pages, &mut marked)?;
        }
        let file = xhtml::file_name(&book.parts[i]);
        add_part(b, book, i, Some(i) == first_chapter, notes, diags)?;
        marked.extend(marked_here.into_iter().map(|k| (k, file.clone())));
        packed.push(file_packed);
    }
    if contents_at == book.parts.len() {
        add_contents_page(b, book, pages, &mut marked)?;
    }
    Ok((marked, packed))
}

/// Files (name in the container, data) packed on every core: see `pack_one`.
fn pack_all(
    files: Vec<(String, &[u8])>,
    earlier: Option<&EntryCache>,
) -> Result<Vec<PackedFile>, EpubError> {
    use rayon::prelude::*;
    files
        .into_par_iter()
        .map(|(name, data)| pack_one(name, data, earlier))
        .collect::<Result<_, zip::result::ZipError>>()
        .map_err(|e| EpubError(e.to_string()))
}

/// A file packed (`pack`), or taken packed from the last write when its name
/// and bytes are the same.
fn pack_one(
    name: String,
    data: &[u8],
    earlier: Option<&EntryCache>,
) -> zip::result::ZipResult<PackedFile> {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(name.as_bytes());
    h.update(&[0]);
    h.update(data);
    let key = h.digest128();
    let (zipped, reused) = match earlier.and_then(|c| c.packed.get(&key)) {
        Some(p) => (p.clone(), true),
        None => (pack(&name, data)?, false),
    };
    Ok(PackedFile {
        name,
        key,
        zipped,
        reused,
    })
}

/// Files compressed apart, each a zip of one entry, by their names in the
/// container (with the key `EntryCache` knows them by).
#[derive(Default)]
struct Packed {
    by_name: std::collections::HashMap<String, (u128, Vec<u8>)>,
}

/// `data` as the only entry of a zip, compressed as epub-builder compresses
/// (the zip crate's defaults), for `patch_container` to copy in as it is.
fn pack(name: &str, data: &[u8]) -> zip::result::ZipResult<Vec<u8>> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file(name, zip::write::SimpleFileOptions::default())?;
    w.write_all(data)?;
    Ok(w.finish()?.into_inner())
}

fn add_contents_page(
    b: &mut Builder,
    book: &Book,
    pages: &[PageBreak],
    marked: &mut Vec<(usize, String)>,
) -> Result<(), EpubError> {
    let page = contents_page(book, pages, marked);
    b.add_content(EpubContent::new(CONTENTS_FILE, page.as_bytes()).reftype(ReferenceType::Toc))?;
    Ok(())
}

/// Part `i`'s entry in the package (its file empty: see `add_parts`), with its
/// entries for the NCX and its landmark.
fn add_part(
    b: &mut Builder,
    book: &Book,
    i: usize,
    first_chapter: bool,
    notes: xhtml::Notes,
    diags: &mut Vec<Diagnostic>,
) -> Result<(), EpubError> {
    let p = &book.parts[i];
    let file = xhtml::file_name(p);
    if notes.removed_controls {
        diags.push(Diagnostic::warning(
            Code::W0108,
            format!(
                "control characters in `{}` were removed (XML does not allow them)",
                p.title
            ),
        ));
    }
    let mut content = EpubContent::new(file.clone(), &b""[..]);
    // epub-builder writes the nav from these titles; we replace its nav.xhtml
    // with our own (see patch_container), but its NCX uses them as they are.
    let entries: Vec<&TocEntry> = book.toc.iter().filter(|e| e.part == i).collect();
    if let Some(top) = entries.iter().find(|e| e.anchor.is_none()) {
        content = content.title(top.title.clone()).level(i32::from(top.level));
        for e in entries.iter().filter(|e| e.anchor.is_some()) {
            let href = format!("{file}#{}", e.anchor.clone().unwrap_or_default());
            content =
                content.child(TocElement::new(href, e.title.clone()).level(i32::from(e.level)));
        }
    }
    if let Some(r) = reftype(p.role, first_chapter) {
        content = content.reftype(r);
    }
    b.add_content(content)?;
    Ok(())
}

/// The landmark (guide reference) a part's role gives it; the first chapter is
/// where the text begins.
fn reftype(role: Role, first_chapter: bool) -> Option<ReferenceType> {
    match role {
        Role::TitlePage => Some(ReferenceType::TitlePage),
        Role::Epigraph => Some(ReferenceType::Epigraph),
        Role::Bibliography => Some(ReferenceType::Bibliography),
        Role::Preface => Some(ReferenceType::Preface),
        Role::Dedication => Some(ReferenceType::Dedication),
        Role::Copyright => Some(ReferenceType::Copyright),
        _ if first_chapter => Some(ReferenceType::Text),
        _ => None,
    }
}

/// Fills two gaps of epub-builder 0.8.2, whose `Zip` trait is private so files
/// cannot be swapped on the way in:
/// - its nav template has no `lang` on `<html>` and lists landmarks only for files
///   that are also in the TOC: `nav.xhtml` is replaced by ours, rendered from the
///   same `Book::toc`;
/// - its `<package>` has no `xml:lang` (Ace: serious): it is added;
/// - its only `dc:identifier` is a `urn:uuid:`: `ids` (what it wrote, what goes
///   in its place) puts the book's own identifiers there.
///
/// The finished container is copied entry by entry (compressed data as is,
/// `mimetype` first and stored, dates unchanged).
fn patch_container(
    epub: &[u8],
    lang: &str,
    nav: &[u8],
    ids: &(String, String),
    mut packed: Packed,
) -> zip::result::ZipResult<Vec<u8>> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(epub))?;
    // Room for the whole new container at once (the new nav may be larger than
    // the old, compressed): grown by doubling, a book of pictures would hold
    // twice its size here.
    let room = epub.len()
        + nav.len()
        + packed.by_name.values().map(|(_, z)| z.len()).sum::<usize>()
        + 4096;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(room)));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let name = archive.by_index_raw(i)?.name().to_string();
        match name.as_str() {
            "OEBPS/nav.xhtml" => {
                w.start_file(name, opts)?;
                w.write_all(nav)?;
            }
            "OEBPS/content.opf" => {
                let mut opf = String::new();
                archive.by_index(i)?.read_to_string(&mut opf)?;
                let opf = opf.replacen(
                    "<package version=\"3.0\"",
                    &format!(
                        "<package version=\"3.0\" xml:lang=\"{}\"",
                        escape_attr(lang)
                    ),
                    1,
                );
                let opf = opf.replacen(&ids.0, &ids.1, 1);
                w.start_file(name, opts)?;
                w.write_all(opf.as_bytes())?;
            }
            // Each packed file is let go once copied.
            _ => match packed.by_name.remove(&name) {
                Some((_, zipped)) => {
                    let mut one = zip::ZipArchive::new(std::io::Cursor::new(zipped.as_slice()))?;
                    w.raw_copy_file(one.by_index_raw(0)?)?;
                }
                None => w.raw_copy_file(archive.by_index_raw(i)?)?,
            },
        }
    }
    // A packed file whose place epub-builder did not make would leave an
    // empty file in the book: refused rather than written.
    if let Some(name) = packed.by_name.keys().min() {
        return Err(zip::result::ZipError::InvalidArchive(
            format!("no place for {name} in the container").into(),
        ));
    }
    Ok(w.finish()?.into_inner())
}

/// The navigation document: the TOC (nested), landmarks, and the print
/// edition's pages (`marked`: each page's index and file).
fn nav_document(book: &Book, pages: &[PageBreak], marked: &[(usize, String)]) -> String {
    let mut out = String::new();
    xhtml::head(&mut out, &book.meta.language, &book.labels.contents);
    out.push_str("<body>\n");
    toc_list(book, &mut out, "toc");
    out.push_str("<nav epub:type=\"landmarks\" id=\"landmarks\" hidden=\"hidden\">\n<h2>Landmarks</h2>\n<ol>\n");
    let _ = writeln!(
        out,
        "<li><a epub:type=\"cover\" href=\"cover.xhtml\">{}</a></li>",
        xml::escape_text(&book.labels.cover)
    );
    let _ = writeln!(
        out,
        "<li><a epub:type=\"toc\" href=\"{CONTENTS_FILE}\">{}</a></li>",
        xml::escape_text(&book.labels.contents)
    );
    for p in &book.parts {
        let t = match p.role {
            Role::TitlePage => Some("titlepage"),
            Role::Bibliography => Some("bibliography"),
            _ => None,
        };
        if let Some(t) = t {
            let _ = writeln!(
                out,
                "<li><a epub:type=\"{t}\" href=\"{}\">{}</a></li>",
                xhtml::file_name(p),
                xml::escape_text(&p.title)
            );
        }
    }
    if let Some(p) = book.parts.iter().find(|p| p.kind == PartKind::Chapter) {
        let _ = writeln!(
            out,
            "<li><a epub:type=\"bodymatter\" href=\"{}\">Start of content</a></li>",
            xhtml::file_name(p)
        );
    }
    out.push_str("</ol>\n</nav>\n");
    page_list(&mut out, pages, marked);
    out.push_str("</body>\n</html>\n");
    out
}

/// The page list: every printed page, in page order, linked to its marker.
fn page_list(out: &mut String, pages: &[PageBreak], marked: &[(usize, String)]) {
    if marked.is_empty() {
        return;
    }
    let mut files: Vec<Option<&str>> = vec![None; pages.len()];
    for (k, file) in marked {
        if let Some(f) = files.get_mut(*k) {
            *f = Some(file);
        }
    }
    let _ = writeln!(
        out,
        "<nav epub:type=\"page-list\" role=\"doc-pagelist\" id=\"page-list\" hidden=\"hidden\">\n<h2>Pages</h2>\n<ol>"
    );
    for (k, (page, file)) in pages.iter().zip(files).enumerate() {
        if let Some(file) = file {
            let _ = writeln!(
                out,
                "<li><a href=\"{file}#{}\">{}</a></li>",
                xhtml::page_id(k),
                xml::escape_text(&page.label)
            );
        }
    }
    out.push_str("</ol>\n</nav>\n");
}

/// The package metadata of a page list: its source (the print edition, which
/// bears the book's identifier) and the accessibility features it gives.
fn page_list_metadata(b: &mut Builder, book: &Book, pages: &[PageBreak]) {
    if pages.is_empty() {
        return;
    }
    for (property, value) in [
        ("pageBreakSource", book.meta.identifier.clone()),
        (
            "schema:accessibilityFeature",
            "pageBreakMarkers".to_string(),
        ),
        ("schema:accessibilityFeature", "pageNavigation".to_string()),
    ] {
        b.add_metadata_opf(Box::new(MetadataOpfV3::new(
            property.into(),
            escape_attr(&value),
        )));
    }
}

/// The contents page in the reading order: the same list as the nav, with the
/// markers of the printed contents pages.
fn contents_page(book: &Book, pages: &[PageBreak], marked: &mut Vec<(usize, String)>) -> String {
    let mut out = String::new();
    xhtml::head(&mut out, &book.meta.language, &book.labels.contents);
    out.push_str("<body epub:type=\"frontmatter\">\n");
    let here = |at: PageAt| {
        (0..pages.len()).filter(move |&k| pages[k].part == book.parts.len() && pages[k].at == at)
    };
    for k in here(PageAt::Start) {
        xhtml::page_marker(&mut out, k, &pages[k].label);
        marked.push((k, CONTENTS_FILE.to_string()));
    }
    toc_list(book, &mut out, "contents");
    for k in here(PageAt::End) {
        xhtml::page_marker(&mut out, k, &pages[k].label);
        marked.push((k, CONTENTS_FILE.to_string()));
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// `<nav>` with the nested table of contents.
fn toc_list(book: &Book, out: &mut String, id: &str) {
    let _ = write!(
        out,
        "<nav epub:type=\"toc\" role=\"doc-toc\" id=\"{id}\" class=\"contents\" aria-labelledby=\"{id}-title\">\n<h1 id=\"{id}-title\">{}</h1>\n<ol>\n",
        xml::escape_text(&book.labels.contents)
    );
    let href = |e: &TocEntry| {
        let file = xhtml::file_name(&book.parts[e.part]);
        match &e.anchor {
            Some(a) => format!("{file}#{a}"),
            None => file,
        }
    };
    // Each entry is at most one level deeper than the one before it (resolve::toc).
    let mut open: Vec<u8> = Vec::new();
    for e in &book.toc {
        if let Some(&last) = open.last() {
            if e.level > last {
                out.push_str("\n<ol>\n");
            } else {
                out.push_str("</li>\n");
                while open.last().is_some_and(|&l| l > e.level) {
                    open.pop();
                    out.push_str("</ol>\n</li>\n");
                }
                open.pop();
            }
        }
        open.push(e.level);
        let _ = write!(
            out,
            "<li><a href=\"{}\">{}</a>",
            escape_attr(&href(e)),
            xml::escape_text(&e.title)
        );
    }
    if !open.is_empty() {
        out.push_str("</li>\n");
        open.pop();
    }
    for _ in open {
        out.push_str("</ol>\n</li>\n");
    }
    out.push_str("</ol>\n</nav>\n");
}

/// The conformance claim of EPUB Accessibility 1.1 (its "Conformance reporting":
/// https://www.w3.org/TR/epub-a11y-11/#sec-conf-reporting): the specification and
/// the WCAG level the book meets. Claimed only when what bookbind cannot make true
/// by itself holds (`accessibility`); what it makes true is checked by Ace on
/// every corpus book (tests and CI): WCAG 2.1 AA is what Ace's rules test.
const CONFORMS_TO: &str = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA";
/// How many pictures without a text alternative are told one by one (W0144); the
/// rest are counted in one.
const UNDESCRIBED_TOLD: usize = 10;

/// The pictures in the text (the cover is no part of it): how many, and where
/// each one without a text alternative is written.
fn pictures(book: &Book) -> (usize, Vec<Span>) {
    let (mut count, mut undescribed) = (0usize, Vec::new());
    for p in &book.parts {
        p.for_each_inline(&mut |i| {
            if let Inline::Image {
                source: ImageSource::Resource(_),
                alt,
                span,
                ..
            } = i
            {
                count += 1;
                if alt.trim().is_empty() {
                    undescribed.push(span.clone());
                }
            }
        });
    }
    (count, undescribed)
}

/// W0144 at each picture without a text alternative: the EPUB then makes no
/// conformance claim.
fn undescribed_warnings(book: &Book, diags: &mut Vec<Diagnostic>) {
    let (_, undescribed) = pictures(book);
    let message = "a picture without a text alternative: the EPUB does not claim EPUB Accessibility 1.1 (WCAG 2.1 AA asks every picture for one)";
    for span in undescribed.iter().take(UNDESCRIBED_TOLD) {
        diags.push(
            Diagnostic::warning(Code::W0144, message)
                .at(span.clone())
                .hint("write what it shows in its alt text: `![what it shows](file.png)` or `<img alt=\"…\">`"),
        );
    }
    if undescribed.len() > UNDESCRIBED_TOLD {
        diags.push(Diagnostic::warning(
            Code::W0144,
            format!(
                "{} more pictures without a text alternative",
                undescribed.len() - UNDESCRIBED_TOLD
            ),
        ));
    }
}

/// EPUB Accessibility 1.1 metadata (schema.org properties) for a text book, and
/// its conformance claim when every picture has a text alternative.
fn accessibility(book: &Book) -> Vec<(&'static str, String)> {
    let (pictures, undescribed) = pictures(book);
    let described = undescribed.is_empty();
    let mut v = vec![
        ("schema:accessMode", "textual".to_string()),
        ("schema:accessModeSufficient", "textual".to_string()),
        (
            "schema:accessibilityFeature",
            "structuralNavigation".to_string(),
        ),
        ("schema:accessibilityFeature", "tableOfContents".to_string()),
        ("schema:accessibilityFeature", "readingOrder".to_string()),
        ("schema:accessibilityHazard", "none".to_string()),
    ];
    if pictures > 0 {
        v.insert(1, ("schema:accessMode", "visual".to_string()));
        if described {
            v.push(("schema:accessibilityFeature", "alternativeText".to_string()));
        }
    }
    let images = if described {
        "images, if any, have text alternatives"
    } else {
        "some images have no text alternative"
    };
    v.push((
        "schema:accessibilitySummary",
        format!(
            "A text book with headings, a navigable table of contents and reading order that follows the print edition; \
             {images}; no hazards."
        ),
    ));
    if described {
        v.push(("dcterms:conformsTo", CONFORMS_TO.to_string()));
    }
    v
}

/// The `dc:identifier` element epub-builder writes (its template's only one, a
/// `urn:uuid:`), and the elements that replace it: the book's `identifier` as
/// given (an ISBN is what stores match a book by), its kind for an ISBN or a DOI
/// (`identifier-type`, ONIX code list 5, which KDP and Apple read), then the
/// further `identifiers`, each with its kind. A book with a `urn:uuid:`
/// identifier and no others keeps what epub-builder wrote.
fn identifiers(m: &crate::model::Metadata) -> (String, String) {
    use crate::model::identifier::kind;
    let element = |n: usize, id: &str| {
        let mut s = format!(
            "<dc:identifier id=\"epub-id-{n}\">{}</dc:identifier>",
            xml::escape_text(id)
        );
        if let Some(code) = kind(id).and_then(|k| k.onix()) {
            let _ = write!(
                s,
                "\n    <meta refines=\"#epub-id-{n}\" property=\"identifier-type\" scheme=\"onix:codelist5\">{code}</meta>"
            );
        }
        s
    };
    let written = format!(
        "<dc:identifier id=\"epub-id-1\">{}</dc:identifier>",
        uuid::fmt::Urn::from_uuid(uuid_of(&m.identifier))
    );
    let mut ours = element(1, &m.identifier);
    for (k, id) in m.identifiers.iter().enumerate() {
        ours.push_str("\n    ");
        ours.push_str(&element(k + 2, id));
    }
    (written, ours)
}

/// The package identifier as a UUID when it is one, else a UUID derived from it.
fn uuid_of(identifier: &str) -> uuid::Uuid {
    let s = identifier.trim_start_matches("urn:uuid:");
    uuid::Uuid::parse_str(s)
        .unwrap_or_else(|_| uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, identifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_file_without_its_place_in_the_container_is_refused() {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        w.start_file("mimetype", stored).unwrap();
        w.write_all(b"application/epub+zip").unwrap();
        w.start_file("OEBPS/images/kept.png", stored).unwrap();
        let epub = w.finish().unwrap().into_inner();
        let ids = (String::new(), String::new());
        let packed = |names: &[&str]| Packed {
            by_name: names
                .iter()
                .map(|n| (n.to_string(), (0, pack(n, b"\x89PNG").unwrap())))
                .collect(),
        };
        // In its place: the container holds it, packed.
        let done = patch_container(&epub, "en", b"", &ids, packed(&["OEBPS/images/kept.png"]))
            .expect("patched");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(done)).unwrap();
        assert_eq!(archive.by_name("OEBPS/images/kept.png").unwrap().size(), 4);
        // Without one: an error naming it, not a book missing a file.
        let lost = patch_container(
            &epub,
            "en",
            b"",
            &ids,
            packed(&["OEBPS/images/kept.png", "OEBPS/images/lost.png"]),
        )
        .unwrap_err();
        assert!(lost.to_string().contains("OEBPS/images/lost.png"), "{lost}");
    }
}
