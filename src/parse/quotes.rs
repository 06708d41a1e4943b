//! Quotation marks as each language writes them: the one table of them, and the
//! marks that replace the English ones smart punctuation makes from straight
//! quotes (`"…"` → „…“ in German, « … » in French, 「…」 in Japanese).
//!
//! Knows nothing of Markdown: `markdown` decides which marks came from straight
//! quotes, which of them open or close, and in which language; marks the author
//! typed curly are never given to it.

/// The quotation marks of the languages whose marks are not English's, from the
/// Unicode CLDR 47 (`common/main/*.xml`, `<delimiters>`: `quotationStart`,
/// `quotationEnd`, `alternateQuotationStart`, `alternateQuotationEnd`), grouped
/// by marks. Each: the tags (language, or language with a script, region or
/// variant, matched without regard to case), then the outer opening and closing
/// marks and the inner ones. A language not here writes English's “…” ‘…’
/// (CLDR's root, and English's own).
///
/// One change from the CLDR files as they stand: `nb` and `nn` have no marks of
/// their own there and inherit those of `no`, their parent locale since CLDR 44.
#[rustfmt::skip]
const MARKS: &[(&[&str], [char; 4])] = &[
    (&["agq", "ff"], ['„', '”', '‚', '’']),
    (&["am", "az-Arab", "az-Cyrl", "fa", "fr-CH", "gsw", "jgo", "kkj", "mzn", "sdh"],
        ['«', '»', '‹', '›']),
    (&["ar", "lld", "ms-Arab", "syr", "ur"], ['”', '“', '’', '‘']),
    (&["ast", "blo", "bm", "br", "ca", "dyo", "el", "es-US", "eu", "ewo", "ie", "it", "kab",
        "kk", "lij", "mg", "mua", "nnh", "pt-PT", "sc", "sg", "sq", "ti"],
        ['«', '»', '“', '”']),
    (&["bas", "be", "cv", "ky", "ru", "sah", "uk"], ['«', '»', '„', '“']),
    (&["bg", "lt"], ['„', '“', '„', '“']),
    (&["bs-Cyrl", "cs", "de", "dsb", "et", "hr", "hsb", "is", "lb", "luy", "mk", "sk", "sl"],
        ['„', '“', '‚', '‘']),
    (&["bs"], ['„', '”', '‘', '’']),
    (&["dua", "el-POLYTON", "ksf", "no", "nb", "nn", "rw"], ['«', '»', '‘', '’']),
    (&["fi", "he", "lag", "rn", "sn", "sv"], ['”', '”', '’', '’']),
    (&["fr-CA"], ['«', '»', '”', '“']),
    (&["fr", "hy", "yav"], ['«', '»', '«', '»']),
    (&["hu"], ['„', '”', '»', '«']),
    (&["ia", "nso", "ti-ER", "tn"], ['‘', '’', '“', '”']),
    (&["ja", "yue", "zh-Hant"], ['「', '」', '『', '』']),
    (&["ka"], ['„', '“', '«', '»']),
    (&["nl"], ['‘', '’', '‘', '’']),
    (&["nmg", "pl", "ro"], ['„', '”', '«', '»']),
    (&["shi", "zgh"], ['«', '»', '„', '”']),
    (&["sr"], ['„', '”', '’', '’']),
    (&["st"], ['“', '’', '“', '”']),
    (&["tk"], ['“', '”', '“', '”']),
    (&["uz"], ['“', '”', '’', '‘']),
];

/// English's marks, and every language's not in `MARKS`.
const ENGLISH: [char; 4] = ['“', '”', '‘', '’'];

/// French sets a narrow no-break space inside guillemets (Lexique des règles
/// typographiques en usage à l'Imprimerie nationale; U+202F rather than a full
/// no-break space, as French typography does today): the mark never ends or
/// starts a line apart from its word.
const FRENCH_SPACE: char = '\u{202F}';

/// One mark: outer (`"`) or inner (`'`), opening or closing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub double: bool,
    pub open: bool,
}

impl Mark {
    /// The mark smart punctuation made (English's), or None for any other text.
    pub fn of_english(text: &str) -> Option<Mark> {
        let (double, open) = match text {
            "“" => (true, true),
            "”" => (true, false),
            "‘" => (false, true),
            "’" => (false, false),
            _ => return None,
        };
        Some(Mark { double, open })
    }
}

/// The text of `mark` in `language` (a BCP 47 tag): its character, and in French
/// the narrow no-break space on its inner side unless `spaced` (the author put a
/// space there already).
pub fn text(mark: Mark, language: &str, spaced: bool) -> String {
    let marks = marks(language);
    let c = match (mark.double, mark.open) {
        (true, true) => marks[0],
        (true, false) => marks[1],
        (false, true) => marks[2],
        (false, false) => marks[3],
    };
    let french = primary(language).eq_ignore_ascii_case("fr");
    let guillemet = matches!(c, '«' | '»' | '‹' | '›');
    match (french && guillemet && !spaced, mark.open) {
        (true, true) => format!("{c}{FRENCH_SPACE}"),
        (true, false) => format!("{FRENCH_SPACE}{c}"),
        (false, _) => c.to_string(),
    }
}

/// The four marks of a language: by its tag with its script, region or variant
/// (`zh-Hant`, `fr-CH`, `el-POLYTON`), then by its language alone. Chinese of
/// Taiwan, Hong Kong and Macao is written in traditional characters (CLDR's
/// likely subtags) and so quotes as `zh-Hant` does.
pub fn marks(language: &str) -> [char; 4] {
    let mut subtags = language.split(['-', '_']).filter(|s| !s.is_empty());
    let Some(primary) = subtags.next() else {
        return ENGLISH;
    };
    // Deprecated tags still met: `iw` is Hebrew.
    let primary = if primary.eq_ignore_ascii_case("iw") {
        "he"
    } else {
        primary
    };
    let mut keys: Vec<String> = subtags
        .take_while(|s| s.len() > 1)
        .map(|s| format!("{primary}-{s}"))
        .collect();
    let region = |r: &str| {
        keys.iter()
            .any(|k| k.eq_ignore_ascii_case(&format!("zh-{r}")))
    };
    if primary.eq_ignore_ascii_case("zh") && ["TW", "HK", "MO"].into_iter().any(region) {
        keys.push("zh-Hant".into());
    }
    keys.push(primary.to_string());
    keys.iter()
        .find_map(|k| {
            MARKS
                .iter()
                .find(|(tags, _)| tags.iter().any(|t| t.eq_ignore_ascii_case(k)))
                .map(|(_, m)| *m)
        })
        .unwrap_or(ENGLISH)
}

fn primary(language: &str) -> &str {
    language.split(['-', '_']).next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPEN: Mark = Mark {
        double: true,
        open: true,
    };
    const CLOSE: Mark = Mark {
        double: true,
        open: false,
    };
    const OPEN_INNER: Mark = Mark {
        double: false,
        open: true,
    };
    const CLOSE_INNER: Mark = Mark {
        double: false,
        open: false,
    };

    fn quoted(language: &str) -> String {
        let t = |m| text(m, language, false);
        format!(
            "{}a {}b{} c{}",
            t(OPEN),
            t(OPEN_INNER),
            t(CLOSE_INNER),
            t(CLOSE)
        )
    }

    #[test]
    fn each_language_quotes_as_cldr_says() {
        for (language, expected) in [
            ("en", "“a ‘b’ c”"),
            ("en-GB", "“a ‘b’ c”"),
            ("de", "„a ‚b‘ c“"),
            ("de-AT", "„a ‚b‘ c“"),
            ("ru", "«a „b“ c»"),
            ("uk", "«a „b“ c»"),
            ("be", "«a „b“ c»"),
            ("ja", "「a 『b』 c」"),
            ("zh-TW", "「a 『b』 c」"),
            ("zh-Hant-HK", "「a 『b』 c」"),
            ("zh-HK", "「a 『b』 c」"),
            ("zh", "“a ‘b’ c”"),
            ("zh-CN", "“a ‘b’ c”"),
            ("zh-Hans", "“a ‘b’ c”"),
            ("pl", "„a «b» c”"),
            ("cs", "„a ‚b‘ c“"),
            ("lt", "„a „b“ c“"),
            ("sv", "”a ’b’ c”"),
            ("fi", "”a ’b’ c”"),
            ("he", "”a ’b’ c”"),
            ("iw", "”a ’b’ c”"),
            ("it", "«a “b” c»"),
            ("pt-PT", "«a “b” c»"),
            ("pt-BR", "“a ‘b’ c”"),
            ("nb", "«a ‘b’ c»"),
            ("no", "«a ‘b’ c»"),
            ("el", "«a “b” c»"),
            ("ar", "”a ’b‘ c“"),
            ("fa", "«a ‹b› c»"),
            ("hu", "„a »b« c”"),
            ("nl", "‘a ‘b’ c’"),
            ("xx", "“a ‘b’ c”"),
            ("", "“a ‘b’ c”"),
        ] {
            assert_eq!(quoted(language), expected, "{language}");
        }
    }

    #[test]
    fn french_guillemets_hold_a_narrow_no_break_space() {
        assert_eq!(quoted("fr"), "«\u{202F}a «\u{202F}b\u{202F}» c\u{202F}»");
        assert_eq!(quoted("fr-CH"), "«\u{202F}a ‹\u{202F}b\u{202F}› c\u{202F}»");
        // Canada's inner marks are no guillemets: no space inside them.
        assert_eq!(quoted("fr-CA"), "«\u{202F}a ”b“ c\u{202F}»");
        assert_eq!(text(OPEN, "fr", true), "«");
        // Other languages' guillemets have none.
        assert_eq!(quoted("ru"), "«a „b“ c»");
    }

    #[test]
    fn only_englishs_four_marks_are_marks() {
        assert_eq!(Mark::of_english("“"), Some(OPEN));
        assert_eq!(Mark::of_english("’"), Some(CLOSE_INNER));
        for other in ["\"", "'", "«", "„", "“”", ""] {
            assert_eq!(Mark::of_english(other), None, "{other}");
        }
    }
}
