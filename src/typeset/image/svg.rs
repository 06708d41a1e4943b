//! SVG pictures as drawings: usvg reads the SVG (its text set in the bundled
//! faces), svg2pdf draws it as a PDF form XObject, and the result goes to the
//! writer as a small PDF file holding that object (`ImageData::Vector`).
//!
//! Why a file: the PDF writer is lopdf, and svg2pdf writes with pdf-writer. Of its
//! two outputs, `to_pdf` makes a page, which would have to be turned back into a
//! form (its content streams joined, its resources and box carried over), while
//! `to_chunk` makes the form itself, sized one unit square as an image XObject is,
//! so that the writer draws both kinds of picture alike. A chunk is a list of
//! objects lopdf cannot read alone, so it is wrapped here in the smallest file
//! (catalog, empty page tree) with the form's number; `pdf/images.rs` reads that
//! file with lopdf and copies the form and every object it refers to, renumbered.
//!
//! Reads no file: a picture an SVG refers to by path is left out (only those
//! inside it, as `data:` URLs, are drawn), and no installed font is used, so a
//! build draws the same on every machine.

use std::collections::HashMap;

use pdf_writer::{Pdf, Ref};

use super::{Image, ImageData, CSS_PX_PER_INCH, PT_PER_INCH};

/// Draws an SVG as a form XObject in a small PDF file, with its size in print
/// (its width and height in CSS units; its viewBox's when it has none).
pub(super) fn drawing(data: &[u8]) -> Result<Image, String> {
    let options = crate::svg::options(crate::svg::bundled_fonts());
    let tree = usvg::Tree::from_data(data, &options).map_err(|e| e.to_string())?;
    let (chunk, form) = svg2pdf::to_chunk(&tree, svg2pdf::ConversionOptions::default())
        .map_err(|e| e.to_string())?;
    // Objects 1 and 2 are the catalog and page tree; the chunk's follow in the
    // order they are met, so that the same SVG makes the same file.
    let (catalog, pages) = (Ref::new(1), Ref::new(2));
    let mut next = Ref::new(3);
    let mut numbers = HashMap::new();
    let chunk = chunk.renumber(|old| *numbers.entry(old).or_insert_with(|| next.bump()));
    let form = numbers
        .get(&form)
        .ok_or("svg2pdf's drawing is missing from its output")?;
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).count(0);
    pdf.extend(&chunk);
    let size = tree.size();
    let pt = PT_PER_INCH / CSS_PX_PER_INCH;
    Ok(Image {
        width: size.width().round().max(1.0) as u32,
        height: size.height().round().max(1.0) as u32,
        size: (size.width() * pt, size.height() * pt),
        data: ImageData::Vector {
            pdf: pdf.finish(),
            form: form.get() as u32,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &[u8] =
        br#"<svg xmlns="http://www.w3.org/2000/svg" width="2in" height="1in" viewBox="0 0 200 100">
        <rect x="10" y="10" width="80" height="80" fill="red"/>
        <text x="100" y="60" font-family="Helvetica, sans-serif" font-size="20">Hi</text>
    </svg>"#;

    #[test]
    fn an_svg_becomes_a_form_of_its_size_in_print_with_its_text_in_a_bundled_face() {
        let img = drawing(SVG).unwrap();
        assert_eq!(img.size, (144.0, 72.0));
        let ImageData::Vector { pdf, form } = &img.data else {
            panic!("a drawing expected");
        };
        let doc = lopdf::Document::load_mem(pdf).unwrap();
        let stream = doc.get_object((*form, 0)).unwrap().as_stream().unwrap();
        assert_eq!(
            stream.dict.get(b"Subtype").unwrap().as_name().unwrap(),
            b"Form"
        );
        // Its text is drawn with an embedded font: DejaVu Sans for Helvetica.
        let fonts: Vec<String> = doc
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .filter_map(|d| d.get(b"BaseFont").ok())
            .filter_map(|n| n.as_name().ok())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect();
        assert!(fonts.iter().any(|f| f.contains("DejaVuSans")), "{fonts:?}");
    }

    #[test]
    fn the_same_svg_makes_the_same_bytes() {
        let a = drawing(SVG).unwrap();
        let b = drawing(SVG).unwrap();
        match (a.data, b.data) {
            (ImageData::Vector { pdf: a, .. }, ImageData::Vector { pdf: b, .. }) => {
                assert!(a == b)
            }
            _ => panic!("drawings expected"),
        }
    }

    #[test]
    fn a_picture_the_svg_names_by_path_is_not_read() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">
            <image href="/etc/passwd" width="10" height="10"/></svg>"#;
        let img = drawing(svg).unwrap();
        let ImageData::Vector { pdf, .. } = &img.data else {
            panic!("a drawing expected");
        };
        assert!(!String::from_utf8_lossy(pdf).contains("root:"));
    }

    #[test]
    fn text_that_is_not_svg_says_why() {
        assert!(drawing(b"<svg").is_err());
    }
}
