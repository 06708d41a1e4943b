//! Content streams, written as bytes: text runs with `TJ`, every glyph at its exact
//! position, /ActualText where the ToUnicode map cannot give a cluster's text back;
//! rules with `S`, images with `Do`; and the number and string syntax they share.
//!
//! Makes no PDF objects (no lopdf operations either: a thousand-page book has millions
//! of glyphs).

use super::fonts::EmbeddedFace;
use super::images::image_name;
use crate::typeset::doc::{Color, PlacedGlyph, Pt, Rect, TextRun};

/// A content stream being written: operands, each followed by a space, then the
/// operator and a newline, as lopdf's own encoder lays them out.
#[derive(Default)]
pub(super) struct Ops(Vec<u8>);

impl Ops {
    pub(super) fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    /// Moves everything drawn after it by (x, y): `1 0 0 1 x y cm`.
    pub(super) fn translate(&mut self, x: f32, y: f32) {
        self.raw(b"1 0 0 1 ");
        self.num(x);
        self.num(y);
        self.op("cm");
    }

    fn op(&mut self, operator: &str) {
        self.0.extend_from_slice(operator.as_bytes());
        self.0.push(b'\n');
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    /// A number as lopdf writes a real: the shortest decimal that reads back as the
    /// same f32, never in exponent form.
    fn num(&mut self, value: f32) {
        use std::io::Write as _;
        if value == value.trunc() && value.abs() < 1e9 {
            self.int(value as i64);
        } else {
            // Writing to a Vec cannot fail.
            let _ = write!(self.0, "{value}");
        }
        self.0.push(b' ');
    }

    fn int(&mut self, value: i64) {
        let mut buf = itoa::Buffer::new();
        self.0.extend_from_slice(buf.format(value).as_bytes());
    }

    /// `hundredths / 100` with at most two decimals: the TJ numbers, which are
    /// rounded to that step.
    fn hundredths(&mut self, hundredths: i64) {
        if hundredths < 0 {
            self.0.push(b'-');
        }
        let h = hundredths.unsigned_abs();
        self.int((h / 100) as i64);
        let frac = h % 100;
        if frac != 0 {
            self.0.push(b'.');
            self.0.push(b'0' + (frac / 10) as u8);
            if frac % 10 != 0 {
                self.0.push(b'0' + (frac % 10) as u8);
            }
        }
    }

    /// Two-byte codes as a hexadecimal string.
    fn hex_codes(&mut self, codes: &[u8]) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        self.0.push(b'<');
        for &b in codes {
            self.0.push(HEX[usize::from(b >> 4)]);
            self.0.push(HEX[usize::from(b & 15)]);
        }
        self.0.push(b'>');
    }

    /// Two-byte codes as a literal string: the bytes themselves, with `(`, `)`
    /// and `\` escaped and a carriage return written `\r` (a reader takes a bare
    /// one for a line feed). Half the size of hexadecimal, so the page streams,
    /// which are mostly glyph codes, take less time to compress (ISO 32000-1,
    /// 7.3.4.2: a literal string may hold any byte).
    fn literal_codes(&mut self, codes: &[u8]) {
        self.0.reserve(codes.len() + codes.len() / 8 + 2);
        self.0.push(b'(');
        for &b in codes {
            match b {
                b'(' | b')' | b'\\' => self.0.extend_from_slice(&[b'\\', b]),
                b'\r' => self.0.extend_from_slice(b"\\r"),
                _ => self.0.push(b),
            }
        }
        self.0.push(b')');
    }

    /// A text string operand, as `metadata::text_string` writes one: literal ASCII
    /// with `(`, `)` and `\\` escaped, or UTF-16BE hexadecimal with a byte order mark.
    fn text(&mut self, text: &str) {
        if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            self.0.push(b'(');
            for b in text.bytes() {
                if matches!(b, b'(' | b')' | b'\\') {
                    self.0.push(b'\\');
                }
                self.0.push(b);
            }
            self.0.push(b')');
        } else {
            let mut bytes = vec![0xFE, 0xFF];
            bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
            self.hex_codes(&bytes);
        }
    }
}

/// Draws a straight line (a rule, an underline) `width` thick from `from` to `to`.
pub(super) fn draw_line(from: (Pt, Pt), to: (Pt, Pt), width: Pt, out: &mut Ops) {
    out.num(width);
    out.op("w");
    out.num(from.0);
    out.num(from.1);
    out.op("m");
    out.num(to.0);
    out.num(to.1);
    out.op("l");
    out.op("S");
}

/// Sets the fill (`rg`/`g`) or stroke (`RG`/`G`) colour: a grey as DeviceGray, so
/// that greys print in black ink alone.
fn set_color(c: Color, stroke: bool, out: &mut Ops) {
    let Color(r, g, b) = c;
    let channel = |v: u8| f32::from(v) / 255.0;
    if r == g && g == b {
        out.num(channel(r));
        out.op(if stroke { "G" } else { "g" });
    } else {
        for v in [r, g, b] {
            out.num(channel(v));
        }
        out.op(if stroke { "RG" } else { "rg" });
    }
}

/// Draws a rectangle: filled, then framed, each only when asked for; the colours
/// set inside `q`/`Q`, so that what follows is drawn in black again.
pub(super) fn draw_rect(
    rect: &Rect,
    fill: Option<Color>,
    stroke: Option<(Color, Pt)>,
    out: &mut Ops,
) {
    if fill.is_none() && stroke.is_none() {
        return;
    }
    out.op("q");
    if let Some(c) = fill {
        set_color(c, false, out);
    }
    if let Some((c, width)) = stroke {
        set_color(c, true, out);
        out.num(width);
        out.op("w");
    }
    out.num(rect.x);
    out.num(rect.y);
    out.num(rect.width);
    out.num(rect.height);
    out.op("re");
    out.op(match (fill.is_some(), stroke.is_some()) {
        (true, true) => "B",
        (true, false) => "f",
        _ => "S",
    });
    out.op("Q");
}

/// Draws image `image` (its XObject) scaled into `rect`.
pub(super) fn draw_image(image: usize, rect: &Rect, out: &mut Ops) {
    out.op("q");
    out.num(rect.width);
    out.raw(b"0 0 ");
    out.num(rect.height);
    out.num(rect.x);
    out.num(rect.y);
    out.op("cm");
    out.raw(format!("/{} ", image_name(image)).as_bytes());
    out.op("Do");
    out.op("Q");
}

/// Draws one run in its own text object. Glyphs on one baseline share a `TJ` whose
/// numbers move the pen from where the previous glyph's /W width left it to the exact
/// position of the next glyph; a change of baseline (dy) starts a new `Tm`. A cluster
/// whose text the ToUnicode map cannot give back (a glyph that stands for different
/// text elsewhere) is wrapped in a /Span with /ActualText.
pub(super) fn draw_run(run: &TextRun, face: &EmbeddedFace, out: &mut Ops) {
    if run.glyphs.is_empty() {
        return;
    }
    if run.turned {
        // A quarter turn clockwise about the run's origin, then the run at it.
        out.op("q");
        out.raw(b"0 -1 1 0 ");
        out.num(run.x);
        out.num(run.y);
        out.op("cm");
        let at_origin = TextRun {
            x: 0.0,
            y: 0.0,
            turned: false,
            ..run.clone()
        };
        draw_run(&at_origin, face, out);
        out.op("Q");
        return;
    }
    if let Some(c) = run.color {
        out.op("q");
        set_color(c, false, out);
    }
    out.op("BT");
    out.raw(b"/");
    out.raw(face.resource.as_bytes());
    out.raw(b" ");
    out.num(run.size);
    out.op("Tf");
    let synthetic = face.synthetic;
    if synthetic.embolden > 0.0 {
        // Fill and stroke: the outline grows by half the line width each side.
        out.num(synthetic.embolden * run.size);
        out.op("w");
        out.raw(b"2 ");
        out.op("Tr");
    }
    let mut line = GlyphLine {
        slant: synthetic.slant,
        ..GlyphLine::default()
    };
    // Several glyphs for one piece of text (an Indic syllable, a letter and its
    // marks, a reordered vowel): the text goes to the first and the others carry
    // none, in visual order. One /ActualText over the whole run gives the text
    // back in logical order, over the run's whole width: a span per syllable
    // would end where its last glyph (often a mark set back over its letter)
    // ends, and the gap to the next would read as a space.
    if clusters(&run.glyphs).any(|c| c.len() > 1) {
        let text: String = run.glyphs.iter().map(|g| g.text.as_str()).collect();
        out.raw(b"/Span <</ActualText ");
        out.text(&text);
        out.raw(b">> ");
        out.op("BDC");
        for glyph in &run.glyphs {
            line.place(run, glyph, face, out);
        }
        line.flush(out);
        out.op("EMC");
        finish_run(synthetic, out);
        if run.color.is_some() {
            out.op("Q");
        }
        return;
    }
    for cluster in clusters(&run.glyphs) {
        // One glyph per cluster is the common case: compare without building strings.
        let actual = match cluster {
            [g] => face.unicode(face.code(g.id)) != Some(g.text.as_str()),
            // Runs with such clusters were written whole above.
            _ => true,
        };
        if actual {
            let text: String = cluster.iter().map(|g| g.text.as_str()).collect();
            line.flush(out);
            out.raw(b"/Span <</ActualText ");
            out.text(&text);
            out.raw(b">> ");
            out.op("BDC");
        }
        for glyph in cluster {
            line.place(run, glyph, face, out);
        }
        if actual {
            line.flush(out);
            out.op("EMC");
        }
    }
    line.flush(out);
    finish_run(synthetic, out);
    if run.color.is_some() {
        out.op("Q");
    }
}

/// Ends a run's text object, putting back the rendering mode a thickened face set
/// (it outlives the text object).
fn finish_run(synthetic: crate::typeset::doc::Synthetic, out: &mut Ops) {
    if synthetic.embolden > 0.0 {
        out.raw(b"0 ");
        out.op("Tr");
    }
    out.op("ET");
}

/// Splits glyphs into clusters: a glyph with text starts one, glyphs with empty text
/// join the one before.
fn clusters(glyphs: &[PlacedGlyph]) -> impl Iterator<Item = &[PlacedGlyph]> {
    let mut rest = glyphs;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let len = 1 + rest[1..].iter().take_while(|g| g.text.is_empty()).count();
        let (cluster, tail) = rest.split_at(len);
        rest = tail;
        Some(cluster)
    })
}

/// TJ numbers are rounded to 1/10 of a thousandth of an em (0.0012 pt at 12 pt, a
/// fiftieth of a printer's dot at 1,200 dpi; the pen keeps what rounding left, so the
/// error never adds up): finer differences are float noise between the layout's
/// advances and /W. Hundredths wrote a ±0.01 between a word's glyphs every few
/// letters, a tenth of a novel's page streams and of the time to compress them.
const KERN_STEPS: f64 = 10.0;

/// The `TJ` being built: where its `Tm` put the origin, where the viewer's pen is now
/// (in thousandths of an em from that origin), and the array so far (written out
/// when the line is flushed).
#[derive(Default)]
struct GlyphLine {
    /// Horizontal shear of the text matrix: a slanted (made italic) face.
    slant: f32,
    origin: Option<(f64, f32)>,
    pen: f64,
    array: Vec<u8>,
    codes: Vec<u8>,
}

impl GlyphLine {
    fn place(&mut self, run: &TextRun, glyph: &PlacedGlyph, face: &EmbeddedFace, out: &mut Ops) {
        let x = (f64::from(run.x) + f64::from(glyph.dx)) as f32;
        let y = (f64::from(run.y) + f64::from(glyph.dy.pt())) as f32;
        let size = f64::from(run.size);
        // An expanded run's text matrix scales x: the pen moves in unscaled units.
        let scale = if run.scale > 0.0 && run.scale.is_finite() {
            run.scale
        } else {
            1.0
        };
        match self.origin {
            Some((x0, y0)) if y0 == y => {
                let target = (f64::from(x) - x0) * 1000.0 / size / f64::from(scale);
                // A TJ number n moves the pen by -n/1000 em; round it to what is written.
                let kern = ((self.pen - target) * KERN_STEPS).round();
                if kern != 0.0 {
                    self.push_codes();
                    let mut number = Ops(std::mem::take(&mut self.array));
                    // Written in hundredths, a step being a whole number of them.
                    number.hundredths((kern * (100.0 / KERN_STEPS)) as i64);
                    self.array = number.0;
                    self.pen -= kern / KERN_STEPS;
                }
            }
            _ => {
                self.flush(out);
                if scale == 1.0 {
                    out.raw(b"1 ");
                } else {
                    out.num(scale);
                }
                if self.slant == 0.0 {
                    out.raw(b"0 0 1 ");
                } else {
                    out.raw(b"0 ");
                    out.num(self.slant);
                    out.raw(b"1 ");
                }
                out.num(x);
                out.num(y);
                out.op("Tm");
                self.origin = Some((f64::from(x), y));
                self.pen = 0.0;
            }
        }
        let code = face.code(glyph.id);
        self.codes.extend_from_slice(&code.to_be_bytes());
        self.pen += face.width(code);
    }

    fn push_codes(&mut self) {
        if !self.codes.is_empty() {
            let mut array = Ops(std::mem::take(&mut self.array));
            array.literal_codes(&self.codes);
            self.array = array.0;
            self.codes.clear();
        }
    }

    fn flush(&mut self, out: &mut Ops) {
        self.push_codes();
        if !self.array.is_empty() {
            out.raw(b"[");
            out.raw(&self.array);
            out.raw(b"] ");
            out.op("TJ");
            self.array.clear();
        }
        self.origin = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::metadata::text_string;
    use crate::pdf::sample::*;
    use crate::typeset::doc::Item;
    use lopdf::{Object, StringFormat};

    /// Every coloured run puts the colour back, also one written whole under an
    /// /ActualText (a cluster of several glyphs): what follows is black.
    #[test]
    fn every_coloured_run_puts_its_colour_back() {
        let Some(data) = font_data() else { return };
        let mut doc = sample(data);
        for page in &mut doc.pages {
            for item in &mut page.items {
                if let Item::Text(run) = item {
                    run.color = Some(Color(200, 0, 0));
                }
            }
        }
        let bytes = crate::pdf::write(&doc).expect("writes");
        let pdf = lopdf::Document::load_mem(&bytes).expect("parses");
        let mut clusters = 0;
        for page_id in pdf.get_pages().values() {
            let content = lopdf::content::Content::decode(&pdf.get_page_content(*page_id))
                .expect("content decodes");
            let mut depth = 0i32;
            for op in &content.operations {
                match op.operator.as_str() {
                    "q" => depth += 1,
                    "Q" => depth -= 1,
                    "BDC" => clusters += 1,
                    "BT" => assert_eq!(depth, 1, "a coloured run inside its own q"),
                    _ => {}
                }
            }
            assert_eq!(depth, 0, "every q has its Q");
        }
        assert!(
            clusters > 0,
            "the sample has a run written under /ActualText"
        );
    }

    #[test]
    fn rectangles_and_colours_are_drawn_in_gray_or_rgb_and_put_back() {
        let rect = Rect {
            x: 10.0,
            y: 20.0,
            width: 100.0,
            height: 50.5,
        };
        let mut out = Ops::default();
        draw_rect(&rect, Some(Color::gray(242)), None, &mut out);
        draw_rect(&rect, None, Some((Color(200, 0, 0), 0.5)), &mut out);
        draw_rect(
            &rect,
            Some(Color::gray(255)),
            Some((Color::BLACK, 1.0)),
            &mut out,
        );
        draw_rect(&rect, None, None, &mut out);
        let text = String::from_utf8(out.into_bytes()).expect("ASCII");
        let ops: Vec<&str> = text.lines().collect();
        assert_eq!(
            ops,
            [
                "q",
                "0.9490196 g",
                "10 20 100 50.5 re",
                "f",
                "Q",
                "q",
                "0.78431374 0 0 RG",
                "0.5 w",
                "10 20 100 50.5 re",
                "S",
                "Q",
                "q",
                "1 g",
                "0 G",
                "1 w",
                "10 20 100 50.5 re",
                "B",
                "Q",
            ]
        );
    }

    #[test]
    fn glyphs_land_exactly_where_the_layout_put_them() {
        let Some(data) = font_data() else { return };
        let (doc, _, pdf) = written(data);
        let cid = dict(
            &pdf,
            &get(&pdf, font_dict(&pdf), "DescendantFonts")
                .as_array()
                .expect("a")[0],
        );
        let w = get(&pdf, cid, "W").as_array().expect("W");
        assert_eq!(w[0].as_i64().ok(), Some(0), "one /W run from code 0");
        let widths: Vec<f64> = w[1]
            .as_array()
            .expect("widths")
            .iter()
            .map(|o| number(o) as f64)
            .collect();
        for (index, page_id) in pdf.get_pages().values().enumerate() {
            let content = lopdf::content::Content::decode(&pdf.get_page_content(*page_id))
                .expect("content decodes");
            // Walk the text operators as a viewer does, recording where each glyph lands.
            let (mut size, mut origin, mut pen, mut drawn) =
                (0.0f64, (0.0f64, 0.0f64), 0.0, vec![]);
            for op in &content.operations {
                match op.operator.as_str() {
                    "Tf" => size = number(&op.operands[1]) as f64,
                    "Tm" => {
                        origin = (
                            number(&op.operands[4]) as f64,
                            number(&op.operands[5]) as f64,
                        );
                        pen = 0.0;
                    }
                    "TJ" => {
                        for element in op.operands[0].as_array().expect("TJ array") {
                            match element {
                                Object::String(codes, _) => {
                                    for pair in codes.chunks(2) {
                                        let code = u16::from_be_bytes([pair[0], pair[1]]);
                                        drawn.push((origin.0 + pen * size / 1000.0, origin.1));
                                        pen += widths[usize::from(code)];
                                    }
                                }
                                kern => pen -= number(kern) as f64,
                            }
                        }
                    }
                    _ => {}
                }
            }
            let expected: Vec<(f64, f64)> = doc.pages[index]
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Text(run) => Some(
                        run.glyphs
                            .iter()
                            .map(move |g| ((run.x + g.dx) as f64, (run.y + g.dy.pt()) as f64)),
                    ),
                    _ => None,
                })
                .flatten()
                .collect();
            assert_eq!(drawn.len(), expected.len(), "page {index}");
            for (got, want) in drawn.iter().zip(&expected) {
                assert!(
                    (got.0 - want.0).abs() < 0.001 && (got.1 - want.1).abs() < 0.001,
                    "page {index}: glyph at {got:?}, layout put it at {want:?}"
                );
            }
        }
    }

    #[test]
    fn text_strings_are_literal_ascii_or_utf16_with_a_byte_order_mark() {
        assert_eq!(
            text_string("a (b) \\"),
            Object::String(b"a (b) \\".to_vec(), StringFormat::Literal)
        );
        let Object::String(bytes, StringFormat::Hexadecimal) = text_string("é😀") else {
            panic!("non-ASCII text is not a hex string");
        };
        assert_eq!(bytes, [0xFE, 0xFF, 0x00, 0xE9, 0xD8, 0x3D, 0xDE, 0x00]);
        // The content stream's own writer escapes the same way, and lopdf reads back
        // the exact text.
        let mut ops = Ops::default();
        ops.text("x) (y \\");
        ops.raw(b" ");
        ops.op("Tj");
        ops.text("é");
        ops.raw(b" ");
        ops.op("Tj");
        assert_eq!(ops.0, b"(x\\) \\(y \\\\) Tj\n<FEFF00E9> Tj\n");
        let decoded = lopdf::content::Content::decode(&ops.0).expect("decodes");
        assert_eq!(
            decoded.operations[0].operands,
            [Object::String(b"x) (y \\".to_vec(), StringFormat::Literal)]
        );
    }

    #[test]
    fn glyph_codes_are_literal_strings_that_read_back_byte_for_byte() {
        // Every byte a two-byte code can hold, those a literal string must escape
        // among them: `(`, `)`, `\`, and a carriage return, which a reader would
        // otherwise take for a line feed.
        let codes: Vec<u8> = (0..=255u8)
            .chain([0x0D, 0x0A, 0x28, 0x29, 0x5C, 0x0D])
            .collect();
        let mut ops = Ops::default();
        ops.literal_codes(&codes);
        ops.raw(b" ");
        ops.op("Tj");
        assert!(!ops.0.contains(&b'\r'), "a bare carriage return is written");
        let decoded = lopdf::content::Content::decode(&ops.0).expect("decodes");
        assert_eq!(
            decoded.operations[0].operands,
            [Object::String(codes.clone(), StringFormat::Literal)]
        );
        // Barely larger than the codes: hexadecimal took twice as many bytes.
        assert!(ops.0.len() < codes.len() + 16, "{}", ops.0.len());
    }

    #[test]
    fn content_numbers_are_plain_decimals_that_read_back_exactly() {
        let mut ops = Ops::default();
        for v in [0.0f32, 12.0, -3.0, 0.1, 431.99997, -0.000_012_5, 1e12] {
            ops.num(v);
        }
        for h in [0i64, 5, 50, -7, -1234, 100_001] {
            ops.hundredths(h);
            ops.raw(b" ");
        }
        let text = String::from_utf8(ops.0).expect("ASCII");
        assert_eq!(
            text,
            "0 12 -3 0.1 431.99997 -0.0000125 1000000000000 0 0.05 0.5 -0.07 -12.34 1000.01 "
        );
        for (word, want) in
            text.split_whitespace()
                .zip([0.0f32, 12.0, -3.0, 0.1, 431.99997, -0.000_012_5, 1e12])
        {
            assert_eq!(word.parse::<f32>().expect("a number"), want);
        }
    }

    #[test]
    fn clusters_gather_glyphs_with_empty_text_behind_the_one_before() {
        let glyph = |text: &str| PlacedGlyph {
            id: 1,
            dx: 0.0,
            dy: crate::typeset::doc::Dy::ZERO,
            text: text.into(),
        };
        let glyphs = [glyph(""), glyph("e"), glyph(""), glyph("f"), glyph("i")];
        let sizes: Vec<usize> = clusters(&glyphs).map(<[PlacedGlyph]>::len).collect();
        assert_eq!(sizes, [1, 2, 1, 1]);
    }
}
