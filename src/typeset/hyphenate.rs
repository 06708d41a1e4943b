//! Where a word may be hyphenated at a line end: Liang's patterns (the TeX method,
//! through `hypher`, patterns compiled in per language; linear in the word's length),
//! restricted by the rules of book typography in TYPESETTING.md.
//!
//! Capitalised words (a sentence's first word, a heading's words, proper names) are
//! hyphenated as any other, as TeX does: the patterns are lowercase, so the word is
//! looked up lowercased and the points mapped back to it character by character.
//! Words with a capital anywhere but their first letter are not: all capitals are
//! acronyms ("NASA", "HTML"), and capitals inside a word ("JavaScript", "iPhone",
//! "McDonald") mark a name or a brand whose parts the patterns do not know.
//!
//! Returns byte offsets only. Does not shape, measure or choose which point to take
//! (that is `linebreak`'s job), and does not know whether the word ends a paragraph.
//!
//! A book says the same words again and again (a novel's 560,000 words are some
//! 30,000 distinct ones), so each thread remembers the points of the words it has
//! looked up, per language: a word is run through the patterns once.

use std::cell::RefCell;

use rustc_hash::FxHashMap;

/// Letters a hyphenated word keeps before the first break: TYPESETTING.md, after TeX's
/// `\lefthyphenmin`.
const LEFT_MIN: usize = 2;
/// Letters carried to the next line after the last break: "-ly", "-ed" and the like
/// look poor alone (`\righthyphenmin`).
const RIGHT_MIN: usize = 3;
/// Words with fewer letters are never hyphenated: the saving is too small for the
/// interruption to reading.
const MIN_WORD_LETTERS: usize = 6;

/// Hyphens written in the text (hyphen-minus, U+2010 HYPHEN): a word containing one
/// breaks only after it.
const EXPLICIT_HYPHENS: [char; 2] = ['-', '\u{2010}'];
/// Soft hyphen: the author's own break point; a word containing one breaks only there.
const SOFT_HYPHEN: char = '\u{AD}';
/// Apostrophes inside a word ("don't", "children’s"): the word is hyphenated in the
/// parts between them, never next to one.
const APOSTROPHES: [char; 3] = ['\'', '\u{2019}', '\u{2BC}'];
/// Words remembered per thread before the memory is emptied and starts again: a
/// novel has some 30,000 words long enough to hyphenate; the bound keeps an input of
/// only distinct words (a word list, generated text) from growing without end.
const MAX_REMEMBERED: usize = 200_000;

thread_local! {
    /// The points of words looked up on this thread, per language tag as given.
    static REMEMBERED: RefCell<Remembered> = RefCell::new(Remembered::default());
}

/// Words and their points in one language.
type Words = FxHashMap<Box<str>, Box<[usize]>>;

/// Words and their points, per language tag (a book has one or two).
#[derive(Default)]
struct Remembered {
    languages: Vec<(String, Words)>,
    words: usize,
}

/// Byte offsets inside `word` where a line may break with a hyphen, in increasing order.
///
/// `language` is a BCP 47 tag ("en", "en-GB", "de"); a language without patterns gets
/// no points. Punctuation around the word ("(word),") is ignored. Within the word:
/// - an explicit hyphen allows a break after it and nowhere else ("well-|known"),
///   with at least 2 letters of the word before it and 3 after;
/// - soft hyphens (U+00AD) are the only points; the offset is that of the soft
///   hyphen, so the line ends before it and a visible hyphen is added;
/// - otherwise the patterns decide, keeping at least 2 letters before a break and 3
///   after, and never in a word shorter than 6 letters, a word with a capital other
///   than its first letter (acronyms, "JavaScript", "iPhone", "McDonald"), or one
///   with digits or other symbols inside.
///
/// Every offset is a char boundary strictly inside `word`.
pub fn points(word: &str, language: &str) -> Vec<usize> {
    // Fewer bytes than a break needs (two letters, a hyphen, three letters; six
    // letters for the patterns): no point but the author's own (the common case).
    if word.len() < MIN_WORD_LETTERS && !word.contains(SOFT_HYPHEN) {
        return Vec::new();
    }
    REMEMBERED.with(|r| {
        let Ok(mut r) = r.try_borrow_mut() else {
            return points_of(word, language);
        };
        let i = match r.languages.iter().position(|(l, _)| l == language) {
            Some(i) => i,
            None => {
                r.languages
                    .push((language.to_string(), FxHashMap::default()));
                r.languages.len() - 1
            }
        };
        if let Some(found) = r.languages[i].1.get(word) {
            return found.to_vec();
        }
        let found = points_of(word, language);
        if r.words >= MAX_REMEMBERED {
            r.languages.iter_mut().for_each(|(_, m)| m.clear());
            r.words = 0;
        }
        r.words += 1;
        r.languages[i]
            .1
            .insert(word.into(), found.as_slice().into());
        found
    })
}

/// `points`, worked out.
fn points_of(word: &str, language: &str) -> Vec<usize> {
    let Some(lang) = language_of(language) else {
        return Vec::new();
    };
    let Some((start, end)) = letters_span(word) else {
        return Vec::new();
    };
    let core = &word[start..end];
    let found = if core.contains(EXPLICIT_HYPHENS) {
        after_explicit_hyphens(core)
    } else if core.contains(SOFT_HYPHEN) {
        before_soft_hyphens(core)
    } else {
        from_patterns(core, lang)
    };
    found.into_iter().map(|p| start + p).collect()
}

/// The scripts of hypher's patterns that are not Latin (hypher 0.1's `Lang` docs);
/// a tag that names another script (`sr-Latn`, `pa-Arab`, `mn-Mong`) has no
/// patterns.
const PATTERN_SCRIPTS: &[(&str, &str)] = &[
    ("as", "Beng"),
    ("be", "Cyrl"),
    ("bg", "Cyrl"),
    ("bn", "Beng"),
    ("el", "Grek"),
    ("gu", "Gujr"),
    ("hi", "Deva"),
    ("ka", "Geor"),
    ("kn", "Knda"),
    ("ml", "Mlym"),
    ("mn", "Cyrl"),
    ("mr", "Deva"),
    ("or", "Orya"),
    ("pa", "Guru"),
    ("ru", "Cyrl"),
    ("sa", "Deva"),
    ("sr", "Cyrl"),
    ("ta", "Taml"),
    ("te", "Telu"),
    ("uk", "Cyrl"),
];

/// The hyphenation patterns for a BCP 47 tag, by its primary language subtag
/// (regions and variants do not matter: `pt-BR`, `en-GB`, `de-1996`; `no`, `nb`
/// and `nn` share the Norwegian patterns). None for a language hypher has none
/// for (Chinese, Japanese, Korean, Arabic, Hebrew, Persian, Thai ...), for a
/// script other than its patterns', and for the Indic languages, whose words are
/// broken with no visible hyphen (hypher's `hyphenation_character` is None):
/// lines here always end a broken word with one.
fn language_of(tag: &str) -> Option<hypher::Lang> {
    let mut subtags = tag.split(['-', '_']);
    let primary = subtags.next()?.to_ascii_lowercase();
    let lang = match primary.as_bytes() {
        [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
            hypher::Lang::from_iso([*a, *b])?
        }
        _ => return None,
    };
    let patterns = PATTERN_SCRIPTS
        .iter()
        .find(|(l, _)| *l == primary)
        .map_or("Latn", |(_, s)| *s);
    if let Some(script) =
        subtags.find(|s| s.len() == 4 && s.chars().all(|c| c.is_ascii_alphabetic()))
    {
        if !script.eq_ignore_ascii_case(patterns) {
            return None;
        }
    }
    lang.hyphenation_character()?;
    Some(lang)
}

/// Byte range from the first to the end of the last alphabetic character.
fn letters_span(word: &str) -> Option<(usize, usize)> {
    let start = word.find(char::is_alphabetic)?;
    let (last, c) = word.char_indices().rev().find(|(_, c)| c.is_alphabetic())?;
    Some((start, last + c.len_utf8()))
}

fn letters(s: &str) -> usize {
    s.chars().filter(|c| c.is_alphabetic()).count()
}

fn after_explicit_hyphens(core: &str) -> Vec<usize> {
    core.char_indices()
        .filter(|(_, c)| EXPLICIT_HYPHENS.contains(c))
        .map(|(i, c)| (i, i + c.len_utf8()))
        .filter(|&(before, after)| {
            letters(&core[..before]) >= LEFT_MIN && letters(&core[after..]) >= RIGHT_MIN
        })
        .map(|(_, after)| after)
        .collect()
}

fn before_soft_hyphens(core: &str) -> Vec<usize> {
    core.char_indices()
        .filter(|&(i, c)| c == SOFT_HYPHEN && i > 0)
        .map(|(i, _)| i)
        .collect()
}

fn from_patterns(core: &str, lang: hypher::Lang) -> Vec<usize> {
    let plain = |c: char| c.is_alphabetic() || APOSTROPHES.contains(&c);
    if letters(core) < MIN_WORD_LETTERS
        || core.chars().any(|c| !plain(c))
        || core.chars().skip(1).any(char::is_uppercase)
    {
        return Vec::new();
    }
    let (lang_left, lang_right) = lang.bounds();
    let (left, right) = (LEFT_MIN.max(lang_left), RIGHT_MIN.max(lang_right));
    let mut found = Vec::new();
    let mut offset = 0;
    for part in core.split(APOSTROPHES) {
        if letters(part) >= MIN_WORD_LETTERS {
            found.extend(
                part_points(part, lang, left, right)
                    .into_iter()
                    .map(|p| offset + p),
            );
        }
        // The part and the apostrophe after it (all apostrophes are one char).
        offset += part.len();
        offset += core[offset..].chars().next().map_or(0, char::len_utf8);
    }
    found
}

/// The patterns' points inside `part` (letters only), as byte offsets in it. The
/// patterns are lowercase: the part is looked up lowercased, char by char, and a
/// point maps back to the start of the char whose lowercase it starts. Lowercasing
/// may change a char's length ('İ' is one char, and two lowercased: "i̇"), so a
/// point inside one char's lowercase is dropped, and the letters either side are
/// counted again in `part` itself (all its chars are letters). Linear in the
/// part's length.
fn part_points(part: &str, lang: hypher::Lang, left: usize, right: usize) -> Vec<usize> {
    let mut lower = String::with_capacity(part.len());
    // For each char of `part`, where its lowercase starts in `lower`, and where
    // `part`'s char starts.
    let mut starts: Vec<(usize, usize)> = Vec::with_capacity(part.len() + 1);
    for (i, c) in part.char_indices() {
        starts.push((lower.len(), i));
        lower.extend(c.to_lowercase());
    }
    let mut found = Vec::new();
    let mut at = 0;
    let mut syllables = hypher::hyphenate_bounded(&lower, lang, left, right).peekable();
    while let Some(syllable) = syllables.next() {
        at += syllable.len();
        if syllables.peek().is_none() {
            break;
        }
        let Ok(k) = starts.binary_search_by_key(&at, |s| s.0) else {
            continue;
        };
        // `k` letters before the point, the rest after it.
        if k >= left && starts.len() - k >= right {
            found.push(starts[k].1);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces<'a>(word: &'a str, points: &[usize]) -> Vec<&'a str> {
        let mut out = Vec::new();
        let mut from = 0;
        for &p in points.iter().chain(std::iter::once(&word.len())) {
            out.push(&word[from..p]);
            from = p;
        }
        out
    }

    #[test]
    fn hyphenation_gets_points_that_keep_two_letters_before_and_three_after() {
        let word = "hyphenation";
        let found = points(word, "en");
        assert!(!found.is_empty());
        assert!(found.windows(2).all(|w| w[0] < w[1]));
        assert!(
            found.iter().all(|&p| p >= 2 && p <= word.len() - 3),
            "{found:?}"
        );
        assert_eq!(pieces(word, &found), ["hy", "phen", "ation"]);
    }

    #[test]
    fn a_capitalised_word_is_hyphenated_as_its_lowercase() {
        for word in [
            "Recommendations",
            "Hyphenation",
            "Michaelson",
            "Übermäßigkeit",
        ] {
            let lang = if word.starts_with('Ü') { "de" } else { "en" };
            let lower = word.to_lowercase();
            let found = points(word, lang);
            assert!(!found.is_empty(), "{word}");
            assert_eq!(found, points(&lower, lang), "{word}");
        }
        let word = "Recommendations";
        assert_eq!(
            pieces(word, &points(word, "en")),
            ["Rec", "om", "men", "da", "tions"]
        );
    }

    #[test]
    fn acronyms_and_words_with_capitals_inside_are_not_hyphenated() {
        for word in [
            "NASA",
            "HTML",
            "HYPHENATION",
            "UNESCO's",
            "iPhones",
            "McDonald",
            "JavaScript",
            "PostgreSQL",
            "hyphenAtion",
        ] {
            assert!(points(word, "en").is_empty(), "{word}");
        }
    }

    #[test]
    fn a_capital_whose_lowercase_is_longer_maps_back_to_char_boundaries() {
        // 'İ' lowercases to two chars, "i̇": points map back past it, keeping two
        // letters of the word itself before the first.
        let word = "İnstitutionalisation";
        let found = points(word, "en");
        assert!(!found.is_empty());
        for &p in &found {
            assert!(word.is_char_boundary(p), "{p}");
            assert!(letters(&word[..p]) >= LEFT_MIN, "{p}");
            assert!(letters(&word[p..]) >= RIGHT_MIN, "{p}");
        }
        let plain = points("Institutionalisation", "en");
        let shift = 'İ'.len_utf8() - 'I'.len_utf8();
        let shifted: Vec<usize> = plain.iter().map(|p| p + shift).collect();
        assert_eq!(found, shifted);
    }

    #[test]
    fn an_explicit_hyphen_is_the_only_break() {
        let word = "well-known";
        assert_eq!(points(word, "en"), [5]);
        assert_eq!(pieces(word, &points(word, "en")), ["well-", "known"]);
        assert_eq!(points("self-consciousness", "en"), [5]);
        assert_eq!(points("mother\u{2010}in\u{2010}law", "en"), [9, 14]);
    }

    #[test]
    fn an_explicit_hyphen_too_near_an_end_gives_no_break() {
        assert!(points("x-ray", "en").is_empty());
        assert!(points("re-do", "en").is_empty());
    }

    #[test]
    fn words_with_apostrophes_break_only_away_from_the_apostrophe() {
        assert!(points("don't", "en").is_empty());
        assert!(points("don’t", "en").is_empty());
        let word = "everybody’s";
        let found = points(word, "en");
        assert!(!found.is_empty());
        let apostrophe = word.find('’').unwrap_or(0);
        assert!(found.iter().all(|&p| p + 3 <= apostrophe), "{found:?}");
    }

    #[test]
    fn short_words_and_words_with_digits_are_not_hyphenated() {
        assert!(points("paper", "en").is_empty());
        assert!(points("mp3player", "en").is_empty());
        assert!(points("", "en").is_empty());
        assert!(points("—", "en").is_empty());
    }

    #[test]
    fn surrounding_punctuation_is_ignored_and_offsets_map_back() {
        let plain = points("hyphenation", "en");
        let quoted = "“(hyphenation),”";
        let shift = quoted.find('h').unwrap_or(0);
        let found = points(quoted, "en");
        assert_eq!(found, plain.iter().map(|p| p + shift).collect::<Vec<_>>());
    }

    #[test]
    fn offsets_are_char_boundaries_in_words_with_accents() {
        for (word, lang) in [
            ("Schifffahrtsgesellschaft", "de"),
            ("übermäßigkeit", "de"),
            ("désagréablement", "fr"),
            ("naïvetés", "fr"),
            ("«anticonstitutionnellement»", "fr"),
        ] {
            for p in points(word, lang) {
                assert!(
                    word.is_char_boundary(p) && p > 0 && p < word.len(),
                    "{word} {p}"
                );
            }
        }
        assert!(!points("übermäßigkeit", "de").is_empty());
    }

    #[test]
    fn language_tags_pick_patterns_by_their_primary_subtag() {
        let en = points("hyphenation", "en");
        assert_eq!(points("hyphenation", "en-GB"), en);
        assert_eq!(points("hyphenation", "EN_us"), en);
        assert!(!points("Silbentrennung".to_lowercase().as_str(), "de").is_empty());
        assert!(points("hyphenation", "xx").is_empty());
        assert!(points("hyphenation", "").is_empty());
        assert!(points("hyphenation", "eng").is_empty());
    }

    #[test]
    fn every_language_hypher_has_patterns_for_is_mapped_by_its_tag() {
        // hypher 0.1's languages that set a visible hyphen, by ISO 639-1 code.
        let latin_or_other = [
            "af", "sq", "be", "bg", "ca", "hr", "cs", "da", "nl", "en", "et", "fi", "fr", "gl",
            "ka", "de", "el", "hu", "is", "it", "ku", "la", "lt", "mn", "no", "nb", "nn", "pl",
            "pt", "ru", "sr", "sk", "sl", "es", "sv", "tr", "tk", "uk",
        ];
        for tag in latin_or_other {
            assert!(language_of(tag).is_some(), "{tag}");
            let upper = tag.to_ascii_uppercase();
            assert!(language_of(&format!("{upper}-XY")).is_some(), "{tag}-XY");
        }
        for tag in [
            "pt-BR",
            "pt_PT",
            "en-GB",
            "en-US",
            "de-CH",
            "de-1996",
            "fr-CA",
            "es-419",
            "nb-NO",
            "nn-NO",
            "sr-Cyrl",
            "sr-Cyrl-RS",
            "el-GR",
            "zh-Latn",
            "ru-Cyrl",
        ] {
            let expected = !tag.starts_with("zh");
            assert_eq!(language_of(tag).is_some(), expected, "{tag}");
        }
        assert_eq!(language_of("nb"), language_of("no"));
        assert_eq!(language_of("nn"), language_of("no"));
        assert!(!points("lokalsamfunn", "nb").is_empty());
        assert!(!points("informasjonen", "nn-NO").is_empty());
        assert!(!points("hyphenation", "en-GB").is_empty());
        assert!(!points("constitucional", "pt-BR").is_empty());
    }

    #[test]
    fn languages_without_patterns_or_visible_hyphens_get_no_points() {
        for tag in [
            "zh",
            "zh-Hans",
            "zh-TW",
            "ja",
            "ko",
            "ar",
            "he",
            "iw",
            "fa",
            "ur",
            "th",
            "vi",
            "id",
            "sw",
            "yi",
            "hi",
            "bn",
            "ta",
            "te",
            "pa",
            "sa",
            "sr-Latn",
            "pa-Arab",
            "mn-Mong",
            "x-klingon",
            "",
        ] {
            assert!(language_of(tag).is_none(), "{tag}");
        }
        assert!(points("hyphenation", "ja").is_empty());
        assert!(points("日本語の文章です", "en").is_empty());
    }

    #[test]
    fn a_word_looked_up_again_gets_the_points_worked_out_the_first_time() {
        for (word, lang) in [
            ("hyphenation", "en"),
            ("Recommendations", "en"),
            ("well-known", "en"),
            ("hy\u{AD}p", "en"),
            ("Silbentrennung", "de"),
            ("paper", "en"),
        ] {
            let first = points(word, lang);
            assert_eq!(first, points_of(word, lang), "{word}");
            assert_eq!(points(word, lang), first, "{word}");
        }
        // The same word in another language is looked up in that language.
        assert_ne!(
            points("Silbentrennung", "de"),
            points("Silbentrennung", "ja")
        );
        assert_eq!(points("hy\u{AD}p", "en"), [2]);
    }

    #[test]
    fn soft_hyphens_are_the_authors_only_break_points() {
        let word = "hyphen\u{AD}ation";
        assert_eq!(points(word, "en"), [6]);
    }
}
