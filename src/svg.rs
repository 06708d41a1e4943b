//! How both editions read SVG: usvg's options, with text set in the bundled faces
//! (and, for a book's cover, in the book's own), and no file read: a picture an
//! SVG names by path is left out (those inside it, as `data:` URLs, are drawn).
//!
//! Parses and draws nothing itself: the typesetter turns a tree into a PDF form
//! (`typeset::image::svg`), the EPUB renders its cover to PNG (`epub::cover`).
//! Installed fonts come in only as the book's typefaces name them, so a drawing's
//! text is set alike on every machine that builds the same book.

use std::sync::{Arc, OnceLock};

use usvg::fontdb;

use crate::fonts::{Typefaces, BUNDLED_BODY, BUNDLED_FALLBACK, BUNDLED_MONO};

/// The family of text that names none, or none we have: the body's, as a
/// browser's default serif.
pub const DEFAULT_FAMILY: &str = "Charis SIL";

/// usvg's options over `fonts`: text without a family of its own in
/// `DEFAULT_FAMILY`, pictures only from `data:` URLs.
pub fn options(fonts: Arc<fontdb::Database>) -> usvg::Options<'static> {
    usvg::Options {
        font_family: DEFAULT_FAMILY.into(),
        fontdb: fonts,
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    }
}

/// The bundled faces, for text in drawings: Charis SIL as the serif (and the
/// default), DejaVu Sans as the sans serif, DejaVu Sans Mono as the monospace.
/// Made once; the faces' data are the binary's own, not copied.
pub fn bundled_fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            let files = BUNDLED_BODY
                .iter()
                .chain([&BUNDLED_FALLBACK, &BUNDLED_MONO]);
            for &(_, data) in files {
                db.load_font_source(fontdb::Source::Binary(Arc::new(data)));
            }
            db.set_serif_family(DEFAULT_FAMILY);
            db.set_sans_serif_family("DejaVu Sans");
            db.set_monospace_family("DejaVu Sans Mono");
            Arc::new(db)
        })
        .clone()
}

/// The bundled faces and then every face of the book's typefaces (the text's
/// characters that the bundled ones lack are found there, in that order), with
/// the serif the book's headings family, else its body's, when it names one.
pub fn book_fonts(typefaces: &Typefaces) -> Arc<fontdb::Database> {
    let mut db = (*bundled_fonts()).clone();
    for family in typefaces.families() {
        for face in family.faces.iter().flatten() {
            db.load_font_source(fontdb::Source::Binary(Arc::new(face.data.clone())));
        }
    }
    // The name fontdb reads from the face's own tables, which a query matches
    // (the author may have spelt it otherwise).
    let serif = typefaces
        .headings
        .iter()
        .chain(&typefaces.body)
        .filter_map(|f| f.faces.iter().flatten().next())
        .find_map(|face| {
            let data: &[u8] = face.data.as_ref();
            db.faces()
                .find(|f| match &f.source {
                    fontdb::Source::Binary(b) => {
                        std::ptr::eq((**b).as_ref().as_ptr(), data.as_ptr())
                            && f.index == face.index
                    }
                    _ => false,
                })
                .and_then(|f| f.families.first())
                .map(|(name, _)| name.clone())
        });
    if let Some(name) = serif {
        db.set_serif_family(name);
    }
    Arc::new(db)
}
