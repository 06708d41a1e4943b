//! Where a paragraph's lines may break inside its words: the opportunities of
//! UAX #14 (unicode-linebreak) that are not at spaces (the paragraph's glue), less
//! those the Japanese line-start and line-end prohibitions (JIS X 4051, W3C JLReq)
//! forbid, each told apart as explicit (after a hyphen or dash) or next to a CJK
//! character (free, and glue that a justified line stretches).
//!
//! Reads only the text: knows nothing of fonts, shaping or widths.

use unicode_linebreak::{BreakClass, BreakOpportunity};

use super::breaking_space;

/// What a break opportunity inside a word is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Opportunity {
    /// After a hyphen, a dash, a slash...: a break with a penalty.
    Explicit,
    /// Next to a CJK character, where no space marks it: free, and a glue that
    /// stretches a justified line (`stretch`: not between Hangul syllables,
    /// which are justified at their spaces like Latin).
    Ideographic { stretch: bool },
}

/// The break opportunities of UAX #14 in `all` that are not after white space
/// or a forced break, less those the line-start and line-end prohibitions of
/// Japanese (JIS X 4051, JLReq) forbid.
pub(super) fn opportunities(all: &str) -> Vec<(usize, Opportunity)> {
    let mut out = Vec::new();
    for (pos, op) in unicode_linebreak::linebreaks(all) {
        // After a space, the common case: the space is the break.
        if op != BreakOpportunity::Allowed
            || pos == 0
            || pos >= all.len()
            || all.as_bytes()[pos - 1] == b' '
        {
            continue;
        }
        let (Some(before), Some(after)) =
            (all[..pos].chars().next_back(), all[pos..].chars().next())
        else {
            continue;
        };
        if breaking_space(before)
            || no_line_start(after)
            || no_line_end(before)
            || (affix(before) && affix(after))
        {
            continue;
        }
        let kind = if cjk(before) || cjk(after) {
            Opportunity::Ideographic {
                stretch: !(hangul(before) && hangul(after)),
            }
        } else {
            Opportunity::Explicit
        };
        out.push((pos, kind));
    }
    out
}

/// A prefix or postfix of numbers (+ $ % ...): UAX #14 lets a line break between
/// two of them, which would split `C++`.
fn affix(c: char) -> bool {
    matches!(
        unicode_linebreak::break_property(u32::from(c)),
        BreakClass::Prefix | BreakClass::Postfix
    )
}

/// A character of the scripts written without spaces between words (Han, kana,
/// Bopomofo, their punctuation and full-width forms) or Hangul: a line may break
/// next to it with no space, and drawing it takes no space glyph.
pub(super) fn cjk(c: char) -> bool {
    // Below Hangul Jamo, the common case, one comparison.
    c >= '\u{1100}'
        && matches!(c,
            '\u{1100}'..='\u{11FF}'   // Hangul Jamo
            | '\u{2E80}'..='\u{2FDF}' // CJK and Kangxi radicals
            | '\u{2FF0}'..='\u{303F}' // ideographic description, CJK symbols and punctuation
            | '\u{3040}'..='\u{33FF}' // kana, Bopomofo, compatibility Jamo, enclosed, squared
            | '\u{3400}'..='\u{4DBF}' // extension A
            | '\u{4E00}'..='\u{9FFF}' // unified ideographs
            | '\u{A960}'..='\u{A97F}' // Hangul Jamo extended A
            | '\u{AC00}'..='\u{D7FF}' // Hangul syllables, Jamo extended B
            | '\u{F900}'..='\u{FAFF}' // compatibility ideographs
            | '\u{FE30}'..='\u{FE4F}' // CJK compatibility forms
            | '\u{FF00}'..='\u{FFEF}' // half-width and full-width forms
            | '\u{1B000}'..='\u{1B16F}' // kana supplement and extended
            | '\u{20000}'..='\u{3FFFF}' // extensions B and on
        )
}

fn hangul(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' | '\u{A960}'..='\u{A97F}'
        | '\u{AC00}'..='\u{D7FF}')
}

/// No line starts with it (JLReq's "characters not starting a line": closing
/// brackets and quotes, iteration marks, the prolonged sound mark, small kana,
/// middle dots, full stops and commas, dividing punctuation, leaders).
pub(super) fn no_line_start(c: char) -> bool {
    matches!(
        c,
        '、' | '。' | '，' | '．' | '・' | '：' | '；' | '？' | '！' | '‼' | '⁇' | '⁈' | '⁉'
            | 'ー' | 'ｰ' | '゛' | '゜' | 'ヽ' | 'ヾ' | 'ゝ' | 'ゞ' | '々' | '〻' | '〵'
            | 'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ' | 'っ' | 'ゃ' | 'ゅ' | 'ょ' | 'ゎ' | 'ゕ' | 'ゖ'
            | 'ァ' | 'ィ' | 'ゥ' | 'ェ' | 'ォ' | 'ッ' | 'ャ' | 'ュ' | 'ョ' | 'ヮ' | 'ヵ' | 'ヶ'
            | '\u{31F0}'..='\u{31FF}' // small katakana extensions
            | 'ｧ'..='ｯ' // half-width small katakana
            | '」' | '』' | '）' | '】' | '〕' | '〉' | '》' | '〗' | '〙' | '〛' | '］' | '｝'
            | '｠' | '〟' | '”' | '’' | '»' | '›' | ')' | ']' | '}' | '｣' | '｡' | '､'
            | '…' | '‥' | '〜' | '～' | '゠' | '‐' | '–' | '%' | '％' | '‰' | '℃'
            | ',' | '.' | ':' | ';' | '!' | '?'
    )
}

/// No line ends with it: opening brackets and quotes.
fn no_line_end(c: char) -> bool {
    matches!(
        c,
        '「' | '『'
            | '（'
            | '【'
            | '〔'
            | '〈'
            | '《'
            | '〖'
            | '〘'
            | '〚'
            | '［'
            | '｛'
            | '｟'
            | '〝'
            | '“'
            | '‘'
            | '«'
            | '‹'
            | '('
            | '['
            | '{'
            | '｢'
    )
}
