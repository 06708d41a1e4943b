//! For the tests beside each step: a two-page sample document in a test font (DejaVu
//! Sans), written and read back, and readers for the objects in the file.

use lopdf::{Dictionary, Object};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use super::write;
use crate::typeset::doc::{
    Document, FaceFile, FaceId, Info, Item, LabelRange, LabelStyle, LinkTarget, OutlineEntry, Page,
    PlacedGlyph, Pt, Rect, TextRun,
};

pub(super) const FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// The test font, read once and kept for the whole run: a `FaceFile` holds
/// `'static` bytes, as the bundled faces are.
pub(super) fn font_data() -> Option<&'static [u8]> {
    static DATA: std::sync::OnceLock<Option<&'static [u8]>> = std::sync::OnceLock::new();
    let data = *DATA.get_or_init(|| {
        std::fs::read(FONT)
            .ok()
            .map(|data| &*Box::leak(data.into_boxed_slice()))
    });
    if data.is_none() {
        eprintln!("skipped: {FONT} is missing (apt-get install fonts-dejavu-core)");
    }
    data
}

/// Places glyphs at their natural advances from 0, each given as the character whose
/// glyph to draw and the text it stands for; `stretch` is added after every space, as
/// justification would. A glyph whose text starts with `^` is raised by 4 pt.
pub(super) fn set(
    data: &[u8],
    size: f32,
    glyphs: &[(char, &str)],
    stretch: f32,
) -> Vec<PlacedGlyph> {
    let font = FontRef::new(data).expect("test font parses");
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
    let mut pen = 0.0;
    glyphs
        .iter()
        .map(|&(c, text)| {
            let gid = charmap.map(c).expect("test font has the character");
            let (text, dy) = match text.strip_prefix('^') {
                Some(raised) => (raised, 4.0),
                None => (text, 0.0),
            };
            let glyph = PlacedGlyph {
                id: gid.to_u32() as u16,
                dx: pen,
                dy: dy.into(),
                text: text.into(),
            };
            pen += metrics.advance_width(gid).unwrap_or(0.0);
            if text == " " {
                pen += stretch;
            }
            glyph
        })
        .collect()
}

pub(super) fn plain(text: &str) -> Vec<(char, String)> {
    text.chars().map(|c| (c, c.to_string())).collect()
}

pub(super) fn run(
    data: &[u8],
    size: f32,
    x: Pt,
    y: Pt,
    glyphs: &[(char, &str)],
    stretch: f32,
) -> Item {
    Item::Text(TextRun {
        face: FaceId(0),
        size,
        x,
        y,
        glyphs: set(data, size, glyphs, stretch),
        color: None,
        scale: 1.0,
        turned: false,
    })
}

pub(super) fn refs(spec: &[(char, String)]) -> Vec<(char, &str)> {
    spec.iter().map(|(c, t)| (*c, t.as_str())).collect()
}

/// Two 6 × 9 in pages: text with a ligature, a combining cluster, a raised glyph, a
/// rule and two links on the first; justified text on the second.
pub(super) fn sample(data: &'static [u8]) -> Document {
    let page_one = first_page(data);
    let page_two = Page {
        width: 432.0,
        height: 648.0,
        items: vec![run(
            data,
            12.0,
            72.0,
            600.0,
            &refs(&plain("Second page here")),
            3.0,
        )],
    };
    Document {
        images: Vec::new(),
        page_breaks: Vec::new(),
        print: Default::default(),
        faces: vec![FaceFile {
            name: "DejaVu Sans".to_string(),
            data: data.into(),
            index: 0,
            synthetic: Default::default(),
        }],
        pages: vec![page_one, page_two],
        outline: vec![
            OutlineEntry {
                title: "Chapter (one) — Ünïcode".to_string(),
                level: 1,
                page: 0,
                y: 580.0,
            },
            OutlineEntry {
                title: "Section".to_string(),
                level: 2,
                page: 1,
                y: 620.0,
            },
        ],
        labels: vec![
            LabelRange {
                start: 0,
                style: LabelStyle::RomanLower,
                first: 1,
            },
            LabelRange {
                start: 1,
                style: LabelStyle::Decimal,
                first: 1,
            },
        ],
        info: Info {
            title: "Tips (for) partners — ü".to_string(),
            author: "A. Author".to_string(),
            subject: "Testing".to_string(),
            keywords: vec!["pdf".to_string(), "test".to_string()],
            language: "en".to_string(),
            date: 1_795_478_400,
            right_to_left: false,
        },
    }
}

/// The sample's first page: two runs, a rule, a link to page 2 and one to a URI.
fn first_page(data: &[u8]) -> Page {
    let mut first = plain("Contents (draft) ");
    first.extend([('\u{FB01}', "fi".to_string())]);
    first.extend(plain("ne coffee"));
    let mut second = plain("caf");
    second.extend([('e', "é".to_string()), ('\u{0301}', String::new())]);
    second.extend(plain(" E = mc"));
    second.push(('2', "^2".to_string()));
    Page {
        width: 432.0,
        height: 648.0,
        items: vec![
            run(data, 12.0, 72.0, 560.0, &refs(&first), 0.0),
            run(data, 10.5, 72.0, 540.0, &refs(&second), 0.0),
            Item::Line {
                x1: 72.0,
                y1: 530.0,
                x2: 360.0,
                y2: 530.0,
                width: 0.5,
            },
            Item::Link {
                rect: Rect {
                    x: 72.0,
                    y: 556.0,
                    width: 60.0,
                    height: 14.0,
                },
                target: LinkTarget::Page { page: 1, y: 620.0 },
            },
            Item::Link {
                rect: Rect {
                    x: 72.0,
                    y: 536.0,
                    width: 30.0,
                    height: 12.0,
                },
                target: LinkTarget::Uri("https://example.org/a(b)?q=ü".to_string()),
            },
        ],
    }
}

pub(super) fn written(data: &'static [u8]) -> (Document, Vec<u8>, lopdf::Document) {
    let doc = sample(data);
    let bytes = write(&doc).expect("sample document writes");
    let pdf = lopdf::Document::load_mem(&bytes).expect("output parses");
    (doc, bytes, pdf)
}

pub(super) fn dict<'a>(pdf: &'a lopdf::Document, object: &'a Object) -> &'a Dictionary {
    match object {
        Object::Reference(id) => pdf.get_dictionary(*id).expect("reference to a dictionary"),
        Object::Dictionary(d) => d,
        other => panic!("not a dictionary: {other:?}"),
    }
}

pub(super) fn get<'a>(pdf: &'a lopdf::Document, d: &'a Dictionary, key: &str) -> &'a Object {
    let object = d
        .get(key.as_bytes())
        .unwrap_or_else(|_| panic!("/{key} present"));
    pdf.dereference(object).expect("reference resolves").1
}

pub(super) fn number(object: &Object) -> f32 {
    match object {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        other => panic!("not a number: {other:?}"),
    }
}

pub(super) fn text(object: &Object) -> String {
    lopdf::decode_text_string(object).expect("a text string")
}

pub(super) fn font_dict(pdf: &lopdf::Document) -> &Dictionary {
    let page = pdf.get_pages()[&1];
    let fonts = pdf.get_page_fonts(page).expect("page fonts");
    fonts.get(b"F0".as_slice()).expect("font F0")
}
