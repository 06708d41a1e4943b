//! The manifest's settings for the editions: the `pdf:` section as typed page
//! geometry, with its lengths and trim sizes.

use serde_saphyr::Spanned;

use super::manifest;
use crate::diag::{Code, Diagnostic, SourceId, Sources, Span};
use crate::model::{Bleed, EpubSettings, NotesAt, Paper, PdfSettings, PrintService};

/// The `epub:` section: `embed-fonts`, `page-list`.
pub(super) fn epub_settings(epub: &manifest::EpubSection) -> EpubSettings {
    let d = EpubSettings::default();
    EpubSettings {
        embed_fonts: epub.embed_fonts,
        page_list: epub.page_list.unwrap_or(d.page_list),
    }
}

/// The `pdf:` section as typed geometry; bad values are errors at their line.
pub(super) fn print_settings(
    p: manifest::PdfSection,
    msrc: SourceId,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) -> PdfSettings {
    let mut s = PdfSettings::default();
    let mut bad = |v: &Spanned<String>, what: &str, hint: &str| {
        diags.push(not_a(v, what, hint, msrc, sources));
    };
    if let Some(t) = &p.trim {
        match parse_trim(&t.value) {
            Some((w, h)) => {
                s.width = w;
                s.height = h;
            }
            None => bad(t, "a trim size", "use A5, A4, Letter, 5.5x8.5, 6x9, or WIDTH x HEIGHT such as `6in x 9in` or `148mm x 210mm`"),
        }
    }
    if let Some(m) = &p.margins {
        margins(m, &mut s, &mut bad);
    }
    if let Some(b) = &p.base_size {
        match parse_length(&b.value) {
            Some(l) if (5.0..=30.0).contains(&l) => s.base_size = l,
            _ => bad(
                b,
                "a body size between 5pt and 30pt",
                "for example `10.5pt`",
            ),
        }
    }
    if let Some(l) = &p.leading {
        match l.value {
            v if (1.0..=3.0).contains(&v) => s.leading = v as f32,
            _ => bad(
                &as_written(l, msrc, sources),
                "a line height between 1 and 3",
                "the leading is a multiple of the body size, for example `1.35`",
            ),
        }
    }
    if let Some(r) = p.recto_chapters {
        s.recto_chapters = r;
    }
    if let Some(e) = p.expansion {
        s.expansion = e;
    }
    if let Some(n) = &p.notes {
        match n.value.trim().to_ascii_lowercase().as_str() {
            "foot" => s.notes = NotesAt::Foot,
            "chapter" => s.notes = NotesAt::Chapter,
            "book" => s.notes = NotesAt::Book,
            _ => bad(
                n,
                "a place for notes",
                &nearest_or(&n.value, &["foot", "chapter", "book"], "use `foot` (the foot of the page that cites them), `chapter` (the end of each chapter) or `book` (the end of the book)"),
            ),
        }
    }
    print_service(&p, &mut s, msrc, sources, &mut bad);
    if let Some(t) = &p.trim {
        s.trim_at = Some(value_span(t, msrc, sources));
    }
    check_room(&p, &s, msrc, sources, diags);
    s
}

/// `pdf.profile`, `pdf.paper` and `pdf.bleed`: the service the PDF is made for, the
/// paper its spine is measured on, and whether its pages bleed.
fn print_service(
    p: &manifest::PdfSection,
    s: &mut PdfSettings,
    msrc: SourceId,
    sources: &Sources,
    bad: &mut impl FnMut(&Spanned<String>, &str, &str),
) {
    if let Some(v) = &p.profile {
        match PrintService::from_name(&v.value) {
            Some(service) => {
                s.profile = Some(service);
                s.profile_at = Some(value_span(v, msrc, sources));
            }
            None => bad(
                v,
                "a print service bookbind knows",
                &nearest_or(
                    &v.value,
                    &["kdp", "ingram", "lulu"],
                    "use `kdp` (Amazon KDP), `ingram` (IngramSpark) or `lulu`",
                ),
            ),
        }
    }
    if let Some(v) = &p.paper {
        match v.value.trim().to_ascii_lowercase().as_str() {
            "white" => s.paper = Paper::White,
            "cream" | "creme" => s.paper = Paper::Cream,
            _ => bad(
                v,
                "a paper",
                &nearest_or(&v.value, &["white", "cream"], "use `white` or `cream`"),
            ),
        }
    }
    if let Some(v) = &p.bleed {
        match v.value.trim().to_ascii_lowercase().as_str() {
            "auto" => s.bleed = Bleed::Auto,
            "true" | "yes" | "on" => s.bleed = Bleed::On,
            "false" | "no" | "off" => s.bleed = Bleed::Off,
            _ => bad(
                v,
                "a bleed setting",
                &nearest_or(
                    &v.value,
                    &["auto", "true", "false"],
                    "use `auto` (bleed when something prints to the edge), `true` or `false`",
                ),
            ),
        }
    }
}

/// Margins must leave the text at least 40% of the page each way, on the trim
/// given or on the default one: an error at the trim when it is given, else at the
/// margins.
fn check_room(
    p: &manifest::PdfSection,
    s: &PdfSettings,
    msrc: SourceId,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) {
    let none = manifest::Margins::default();
    let m = p.margins.as_ref().unwrap_or(&none);
    for (side, short, pair) in [
        (
            "wide",
            s.inner + s.outer > s.width * 0.6,
            [&m.inner, &m.outer],
        ),
        (
            "tall",
            s.top + s.bottom > s.height * 0.6,
            [&m.top, &m.bottom],
        ),
    ] {
        if !short {
            continue;
        }
        let room = "the margins leave too little room for text: make them narrower";
        let mut d = match &p.trim {
            Some(t) => not_a(
                t,
                &format!("{side} enough for its margins"),
                &format!("{room}, or the trim larger"),
                msrc,
                sources,
            ),
            None => {
                let trim = format!("{}x{}", s.width / 72.0, s.height / 72.0);
                Diagnostic::error(
                    Code::E0003,
                    format!("the default trim, {trim}, is not {side} enough for these margins"),
                )
                .hint(format!("{room}, or set a larger `trim:`"))
            }
        };
        // With no trim given, at least one of the pair is: the default margins fit
        // the default trim.
        for v in pair.into_iter().flatten() {
            let span = value_span(v, msrc, sources);
            d = match d.span {
                None => d.at(span),
                Some(_) => d.related(span, "margin"),
            };
        }
        if d.span.is_none() {
            d = d.in_file(sources.path(msrc).to_path_buf());
        }
        diags.push(d);
    }
}

/// A number as it is written in book.yaml, for messages: `5`, not `5.0`.
fn as_written(v: &Spanned<f64>, msrc: SourceId, sources: &Sources) -> Spanned<String> {
    let text = &sources.get(msrc).text;
    let off = sources.offset_of(
        msrc,
        v.referenced.line() as usize,
        v.referenced.column() as usize,
    );
    let len = text[off..]
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | '}' | ']' | '#'))
        .unwrap_or(text.len() - off);
    Spanned {
        value: text[off..off + len].to_string(),
        referenced: v.referenced,
        defined: v.defined,
    }
}

/// The four margins, each a length of zero or more.
fn margins(
    m: &manifest::Margins,
    s: &mut PdfSettings,
    bad: &mut impl FnMut(&Spanned<String>, &str, &str),
) {
    for (field, target) in [
        (&m.inner, &mut s.inner),
        (&m.outer, &mut s.outer),
        (&m.top, &mut s.top),
        (&m.bottom, &mut s.bottom),
    ] {
        if let Some(v) = field {
            match parse_length(&v.value) {
                Some(l) if l >= 0.0 => *target = l,
                _ => bad(
                    v,
                    "a length",
                    "write lengths with a unit: `0.75in`, `18mm`, `1.5cm`, `54pt`",
                ),
            }
        }
    }
}

/// The help for a value that is none of `known`: the nearest of them when one is
/// close (a misspelling), else `hint`.
fn nearest_or(value: &str, known: &[&str], hint: &str) -> String {
    match crate::diag::nearest(value.trim(), known.iter().copied()) {
        Some(k) => crate::diag::did_you_mean(k),
        None => hint.to_string(),
    }
}

/// "`VALUE` is not WHAT", at the value.
fn not_a(
    v: &Spanned<String>,
    what: &str,
    hint: &str,
    msrc: SourceId,
    sources: &Sources,
) -> Diagnostic {
    Diagnostic::error(Code::E0003, format!("`{}` is not {what}", v.value))
        .at(value_span(v, msrc, sources))
        .hint(hint.to_string())
}

/// Where a setting's value is: from its first character, as long as the value.
fn value_span(v: &Spanned<String>, msrc: SourceId, sources: &Sources) -> Span {
    let off = sources.offset_of(
        msrc,
        v.referenced.line() as usize,
        v.referenced.column() as usize,
    );
    Span::new(msrc, off..off + v.value.len().max(1))
}

/// A length with a unit (`in`, `mm`, `cm`, `pt`) in points.
pub fn parse_length(s: &str) -> Option<f32> {
    let s = s.trim();
    let split = s.find(|c: char| c.is_ascii_alphabetic())?;
    let (num, unit) = s.split_at(split);
    let n: f32 = num.trim().parse().ok()?;
    let factor = match unit.trim() {
        "in" => 72.0,
        "mm" => 72.0 / 25.4,
        "cm" => 72.0 / 2.54,
        "pt" => 1.0,
        _ => return None,
    };
    Some(n * factor)
}

/// A trim size: a name or `W x H` (numbers alone are inches: `6x9`).
pub fn parse_trim(s: &str) -> Option<(f32, f32)> {
    let mm = 72.0 / 25.4;
    match s.trim().to_ascii_lowercase().as_str() {
        "a5" => return Some((148.0 * mm, 210.0 * mm)),
        "a4" => return Some((210.0 * mm, 297.0 * mm)),
        "letter" => return Some((612.0, 792.0)),
        _ => {}
    }
    let (w, h) = s.split_once(['x', 'X', '×'])?;
    let dim = |d: &str| -> Option<f32> {
        let d = d.trim();
        d.parse::<f32>()
            .ok()
            .map(|n| n * 72.0)
            .or_else(|| parse_length(d))
    };
    let (w, h) = (dim(w)?, dim(h)?);
    (w > 72.0 && h > 72.0 && w < 72.0 * 40.0 && h < 72.0 * 40.0).then_some((w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_sizes_and_lengths_parse_to_points() {
        assert_eq!(parse_trim("6x9"), Some((432.0, 648.0)));
        assert_eq!(parse_trim("6in x 9in"), Some((432.0, 648.0)));
        assert_eq!(parse_trim("Letter"), Some((612.0, 792.0)));
        assert!(parse_trim("A5").is_some_and(|(w, _)| (w - 419.5).abs() < 0.1));
        assert_eq!(parse_length("0.875in"), Some(63.0));
        assert_eq!(parse_length("10.5pt"), Some(10.5));
        assert_eq!(parse_length("ten"), None);
        assert_eq!(parse_trim("6 by 9"), None);
    }

    #[test]
    fn a_misspelt_setting_value_is_told_the_nearest() {
        let known = ["kdp", "ingram", "lulu"];
        assert_eq!(nearest_or("igram", &known, "use"), "did you mean `ingram`?");
        assert_eq!(nearest_or("amazon", &known, "use"), "use");
    }
}
