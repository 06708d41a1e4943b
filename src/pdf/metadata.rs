//! What the file says about itself: the catalog (how a viewer opens it), page labels
//! (i, ii, then 1, 2), the Info dictionary and an XMP packet that agree with it, and
//! the PDF text strings they are written in.

use lopdf::{dictionary, Dictionary, Object, ObjectId, Stream, StringFormat};

use crate::typeset::doc::{Document, LabelStyle};

/// Writes the catalog and the Info dictionary, and names both in the trailer: the page
/// tree, the outline (open beside the pages), page labels, language, spreads, XMP.
pub(super) fn write_catalog(
    pdf: &mut lopdf::Document,
    doc: &Document,
    pages_id: ObjectId,
    outlines_id: Option<ObjectId>,
) {
    let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
    if let Some(outlines_id) = outlines_id {
        catalog.set("Outlines", outlines_id);
        catalog.set("PageMode", "UseOutlines");
    }
    if let Some(labels) = page_labels(doc) {
        catalog.set("PageLabels", labels);
    }
    if !doc.info.language.is_empty() {
        catalog.set("Lang", text_string(&doc.info.language));
    }
    // A book reads in spreads with page 1 alone on the right; the title bar shows the
    // book's title rather than the file name. A book bound on the right says so: its
    // viewer then lays each spread right to left, page 1 alone on the left (the
    // layout keeps its name, the first page standing alone, as Acrobat's "cover
    // page" with right-edge binding).
    // TwoPageRight is PDF 1.5; a PDF/X-1a:2003 file is PDF 1.4, whose nearest
    // layout shows the same spreads without the first page alone.
    catalog.set(
        "PageLayout",
        if doc.print.pdfx {
            "TwoColumnRight"
        } else {
            "TwoPageRight"
        },
    );
    let mut viewer = dictionary! { "DisplayDocTitle" => !doc.info.title.is_empty() };
    if doc.info.right_to_left {
        viewer.set("Direction", "R2L");
    }
    catalog.set("ViewerPreferences", viewer);
    let (info_id, metadata_id) = write_metadata(pdf, doc);
    catalog.set("Metadata", metadata_id);
    if doc.print.pdfx {
        catalog.set("OutputIntents", vec![Object::Dictionary(output_intent())]);
    }
    let catalog_id = pdf.add_object(catalog);
    pdf.trailer.set("Root", catalog_id);
    pdf.trailer.set("Info", info_id);
}

/// A PDF text string: printable ASCII as a literal string (lopdf escapes `(`, `)` and
/// `\`), anything else as UTF-16BE with a byte order mark.
pub(super) fn text_string(text: &str) -> Object {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Object::String(text.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

/// The /PageLabels number tree. The tree must cover page 0; when the first range starts
/// later, the pages before it are numbered 1, 2, 3. A start number below 1 (not allowed
/// in a PDF) is written as 1.
fn page_labels(doc: &Document) -> Option<Dictionary> {
    let first = doc.labels.first()?;
    let mut nums = Vec::new();
    if first.start > 0 {
        nums.push(0.into());
        nums.push(dictionary! { "S" => "D" }.into());
    }
    for range in &doc.labels {
        let mut dict = Dictionary::new();
        let style = match range.style {
            LabelStyle::RomanLower => Some("r"),
            LabelStyle::Decimal => Some("D"),
            LabelStyle::None => None,
        };
        if let Some(style) = style {
            dict.set("S", style);
            dict.set("St", i64::from(range.first.max(1)));
        }
        nums.push((range.start as i64).into());
        nums.push(dict.into());
    }
    Some(dictionary! { "Nums" => nums })
}

/// Writes the Info dictionary and an XMP packet that says the same (title, author,
/// subject, keywords, language, producer, dates). Returns (info id, metadata id).
fn write_metadata(pdf: &mut lopdf::Document, doc: &Document) -> (ObjectId, ObjectId) {
    let info = &doc.info;
    let date = crate::date::CivilTime::from_epoch(info.date);
    let keywords = info.keywords.join(", ");
    let mut dict = Dictionary::new();
    for (key, value) in [
        ("Title", &info.title),
        ("Author", &info.author),
        ("Subject", &info.subject),
        ("Keywords", &keywords),
    ] {
        if !value.is_empty() {
            dict.set(key, text_string(value));
        }
    }
    dict.set("Creator", text_string(PRODUCER));
    dict.set("Producer", text_string(PRODUCER));
    dict.set("CreationDate", text_string(&date.pdf()));
    dict.set("ModDate", text_string(&date.pdf()));
    if doc.print.pdfx {
        // ISO 15930-4 (PDF/X-1a:2003), 6.7.5 and 6.7.7: the version key, and
        // /Trapped True or False. bookbind does no trapping; black text on white
        // needs none.
        dict.set("GTS_PDFXVersion", text_string(PDFX));
        dict.set("GTS_PDFXConformance", text_string(PDFX));
        dict.set("Trapped", Object::Name(b"False".to_vec()));
        if info.title.is_empty() {
            // The Title key is required.
            dict.set("Title", text_string(PRODUCER));
        }
    }
    let info_id = pdf.add_object(dict);

    let xmp = xmp_packet(doc, &keywords, &date.xmp());
    let stream = Stream::new(
        dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
        xmp.into_bytes(),
    )
    // Left uncompressed so that tools that scan for XMP packets find it.
    .with_compression(false);
    (info_id, pdf.add_object(stream))
}

const PRODUCER: &str = "bookbind";

/// The PDF/X part claimed when the document asks for it (`doc.print.pdfx`).
const PDFX: &str = "PDF/X-1a:2003";

/// The output intent of a PDF/X-1a file: the printing condition the colours are
/// meant for. A characterization in the ICC's registry may be named without
/// embedding its profile (ISO 15930-4, 6.2.2: /DestOutputProfile is required only
/// for a condition not in the registry); CGATS TR 001 (SWOP, coated) is the one
/// North American printers, Ingram among them, name. The book's colours are all
/// grey (DeviceGray), which PDF/X-1a takes whatever the condition.
fn output_intent() -> Dictionary {
    dictionary! {
        "Type" => "OutputIntent",
        "S" => "GTS_PDFX",
        "OutputConditionIdentifier" => text_string("CGATS TR 001"),
        "OutputCondition" => text_string("SWOP (Publication) Grade 5 Paper"),
        "RegistryName" => text_string("http://www.color.org"),
        "Info" => text_string("CGATS TR 001-1995 (SWOP)"),
    }
}

fn xmp_packet(doc: &Document, keywords: &str, date: &str) -> String {
    let info = &doc.info;
    let mut fields = String::from("<dc:format>application/pdf</dc:format>\n");
    let alt = |tag: &str, value: &str| {
        format!(
            "<{tag}><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></{tag}>\n",
            crate::xml::escape_text(value)
        )
    };
    if !info.title.is_empty() {
        fields.push_str(&alt("dc:title", &info.title));
    }
    if !info.author.is_empty() {
        fields.push_str(&format!(
            "<dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>\n",
            crate::xml::escape_text(&info.author)
        ));
    }
    if !info.subject.is_empty() {
        fields.push_str(&alt("dc:description", &info.subject));
    }
    if !info.language.is_empty() {
        fields.push_str(&format!(
            "<dc:language><rdf:Bag><rdf:li>{}</rdf:li></rdf:Bag></dc:language>\n",
            crate::xml::escape_text(&info.language)
        ));
    }
    if !info.keywords.is_empty() {
        let items: String = info
            .keywords
            .iter()
            .map(|k| format!("<rdf:li>{}</rdf:li>", crate::xml::escape_text(k)))
            .collect();
        fields.push_str(&format!(
            "<dc:subject><rdf:Bag>{items}</rdf:Bag></dc:subject>\n"
        ));
        fields.push_str(&format!(
            "<pdf:Keywords>{}</pdf:Keywords>\n",
            crate::xml::escape_text(keywords)
        ));
    }
    // The XMP says what Info says (ISO 15930-4 asks the two to agree).
    let pdfx = if doc.print.pdfx {
        format!("<pdf:Trapped>False</pdf:Trapped>\n<pdfxid:GTS_PDFXVersion>{PDFX}</pdfxid:GTS_PDFXVersion>\n")
    } else {
        String::new()
    };
    let pdfx_ns = if doc.print.pdfx {
        " xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\""
    } else {
        ""
    };
    format!(
        "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
         <rdf:Description rdf:about=\"\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" \
         xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"{pdfx_ns}>\n\
         {fields}\
         <pdf:Producer>{PRODUCER}</pdf:Producer>\n\
         <xmp:CreatorTool>{PRODUCER}</xmp:CreatorTool>\n\
         <xmp:CreateDate>{date}</xmp:CreateDate>\n\
         <xmp:ModifyDate>{date}</xmp:ModifyDate>\n\
         <xmp:MetadataDate>{date}</xmp:MetadataDate>\n\
         {pdfx}\
         </rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n\
         <?xpacket end=\"w\"?>"
    )
}

#[cfg(test)]
mod tests {
    use crate::pdf::sample::*;

    #[test]
    fn page_labels_number_roman_then_decimal() {
        let Some(data) = font_data() else { return };
        let (_, _, pdf) = written(data);
        let catalog = pdf.catalog().expect("catalog");
        let labels = dict(&pdf, catalog.get(b"PageLabels").expect("/PageLabels"));
        let nums = get(&pdf, labels, "Nums").as_array().expect("Nums");
        assert_eq!(nums.len(), 4);
        assert_eq!(nums[0].as_i64().ok(), Some(0));
        assert_eq!(
            get(&pdf, dict(&pdf, &nums[1]), "S").as_name().ok(),
            Some(b"r".as_slice())
        );
        assert_eq!(nums[2].as_i64().ok(), Some(1));
        let decimal = dict(&pdf, &nums[3]);
        assert_eq!(
            get(&pdf, decimal, "S").as_name().ok(),
            Some(b"D".as_slice())
        );
        assert_eq!(get(&pdf, decimal, "St").as_i64().ok(), Some(1));
    }

    #[test]
    fn catalog_has_the_language_and_info_the_title_and_dates() {
        let Some(data) = font_data() else { return };
        let (_, bytes, pdf) = written(data);
        let catalog = pdf.catalog().expect("catalog");
        assert_eq!(text(get(&pdf, catalog, "Lang")), "en");
        let info = dict(&pdf, pdf.trailer.get(b"Info").expect("/Info"));
        assert_eq!(text(get(&pdf, info, "Title")), "Tips (for) partners — ü");
        assert_eq!(text(get(&pdf, info, "Author")), "A. Author");
        assert_eq!(text(get(&pdf, info, "Keywords")), "pdf, test");
        assert_eq!(text(get(&pdf, info, "Producer")), "bookbind");
        assert_eq!(text(get(&pdf, info, "CreationDate")), "D:20261124000000Z");
        assert_eq!(text(get(&pdf, info, "ModDate")), "D:20261124000000Z");
        let metadata = get(&pdf, catalog, "Metadata")
            .as_stream()
            .expect("XMP stream");
        let xmp = String::from_utf8(metadata.content.clone()).expect("XMP is UTF-8");
        assert!(xmp.contains("<xmp:CreateDate>2026-11-24T00:00:00Z</xmp:CreateDate>"));
        assert!(xmp.contains("Tips (for) partners — ü"));
        assert!(!String::from_utf8_lossy(&bytes).contains("CreationDate (D:1970"));
    }
}
