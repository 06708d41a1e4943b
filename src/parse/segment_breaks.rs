//! Soft line breaks between two East Asian characters are no space: Chinese and
//! Japanese are written without spaces, and a line wrapped in the source must not
//! put one in the book. CSS Text 3, §4.1.3 (segment break transformation): a
//! segment break, with the spaces and tabs around it, is removed when the
//! characters on both sides have East Asian Width Fullwidth, Wide or Halfwidth
//! and neither is Hangul (Korean is written with spaces), or when either is a zero
//! width space; otherwise it stays, and both editions show it as a space.
//!
//! Done once, on the parsed blocks, for both editions: most e-readers do not
//! apply the rule. Leaves hard breaks (`Inline::LineBreak`) and code alone; the
//! text of inline code is read as a neighbour, never changed. Linear in the text.

use crate::model::walk::{walk_blocks_mut, VisitMut};
use crate::model::{Block, Inline};

/// Code points of East Asian Width W, F or H (Unicode 16's EastAsianWidth.txt)
/// outside the Hangul script, by block: CJK punctuation and radicals, kana,
/// Bopomofo, ideographs, Yi, compatibility and fullwidth forms, halfwidth
/// katakana, Tangut, Khitan, Nüshu, kana supplements. Emoji, though Wide, are
/// left out: a break beside one stays a space, as no reader would miss it.
const WIDE: &[(char, char)] = &[
    ('\u{2E80}', '\u{303E}'),
    ('\u{3041}', '\u{3130}'),
    ('\u{3190}', '\u{31FF}'),
    ('\u{3220}', '\u{325F}'),
    ('\u{3280}', '\u{4DBF}'),
    ('\u{4DC0}', '\u{A4CF}'),
    ('\u{F900}', '\u{FAFF}'),
    ('\u{FE10}', '\u{FE19}'),
    ('\u{FE30}', '\u{FE6F}'),
    ('\u{FF01}', '\u{FF9F}'),
    ('\u{FFE0}', '\u{FFE6}'),
    ('\u{FFE8}', '\u{FFEE}'),
    ('\u{16FE0}', '\u{18CFF}'),
    ('\u{1AFF0}', '\u{1B2FF}'),
    ('\u{1F200}', '\u{1F2FF}'),
    ('\u{20000}', '\u{3FFFD}'),
];

const ZERO_WIDTH_SPACE: char = '\u{200B}';

/// Removes the soft line breaks between East Asian characters in `blocks`.
pub fn join_east_asian_lines(blocks: &mut [Block]) {
    walk_blocks_mut(blocks, &mut Join);
}

struct Join;

impl VisitMut for Join {
    // Called for every sequence, innermost first: a break at the edge of a link
    // or span, whose neighbour lies outside it, is decided with the sequence
    // around it. A break removed earlier had both its neighbours in view.
    fn inlines(&mut self, v: &mut Vec<Inline>) {
        join(v);
    }
}

/// Whether `c` is East Asian Wide, Fullwidth or Halfwidth, and not Hangul.
pub fn is_wide(c: char) -> bool {
    let found = WIDE.binary_search_by(|&(lo, hi)| {
        if hi < c {
            std::cmp::Ordering::Less
        } else if lo > c {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
    found.is_ok()
}

/// Whether a break between `before` and `after` is removed.
fn removed(before: Option<char>, after: Option<char>) -> bool {
    match (before, after) {
        (Some(ZERO_WIDTH_SPACE), _) | (_, Some(ZERO_WIDTH_SPACE)) => true,
        (Some(b), Some(a)) => is_wide(b) && is_wide(a),
        _ => false,
    }
}

/// What a sequence holds, in reading order, for finding a break's neighbours.
enum Slot<'a> {
    Text(&'a mut String),
    /// Text read, never changed (inline code).
    Fixed(&'a str),
    /// Something that is no text (a picture, a hard break, a formula, a
    /// citation): a break beside it stays.
    Stop,
}

fn collect<'a>(inl: &'a mut [Inline], out: &mut Vec<Slot<'a>>) {
    for i in inl {
        match i {
            Inline::Text(t) => out.push(Slot::Text(t)),
            Inline::Code(c) => out.push(Slot::Fixed(c)),
            Inline::Emphasis(c)
            | Inline::Strong(c)
            | Inline::Strikethrough(c)
            | Inline::Superscript(c)
            | Inline::Subscript(c)
            | Inline::Link { content: c, .. }
            | Inline::Span { content: c, .. } => collect(c, out),
            // A note's number sits between the words of a sentence (`です[^1]`).
            Inline::FootnoteRef { .. } => {}
            Inline::Citation(_) | Inline::Math(_) | Inline::Image { .. } | Inline::LineBreak => {
                out.push(Slot::Stop)
            }
        }
    }
}

fn text_of<'s>(s: &'s Slot<'_>) -> Option<&'s str> {
    match s {
        Slot::Text(t) => Some(t.as_str()),
        Slot::Fixed(t) => Some(t),
        Slot::Stop => None,
    }
}

/// The last character before slot `k`, looking back past empty texts.
fn char_before(slots: &[Slot<'_>], k: usize) -> Option<char> {
    for s in slots[..k].iter().rev() {
        match text_of(s)?.chars().next_back() {
            Some(c) => return Some(c),
            None => continue,
        }
    }
    None
}

/// The first character after slot `k`.
fn char_after(slots: &[Slot<'_>], k: usize) -> Option<char> {
    for s in &slots[k + 1..] {
        match text_of(s)?.chars().next() {
            Some(c) => return Some(c),
            None => continue,
        }
    }
    None
}

fn join(inl: &mut [Inline]) {
    let mut slots = Vec::new();
    collect(inl, &mut slots);
    for k in 0..slots.len() {
        let Slot::Text(t) = &slots[k] else {
            continue;
        };
        if !t.contains('\n') {
            continue;
        }
        let joined = joined(t, char_before(&slots, k), char_after(&slots, k));
        if let (Some(j), Slot::Text(t)) = (joined, &mut slots[k]) {
            **t = j;
        }
    }
}

/// `text` without its removable breaks (each with the spaces and tabs around
/// it), given the characters before and after it; None when none is removed.
fn joined(text: &str, first_before: Option<char>, last_after: Option<char>) -> Option<String> {
    let blank = |c: char| c == ' ' || c == '\t';
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut rest = text;
    while let Some(nl) = rest.find('\n') {
        let start = rest[..nl].trim_end_matches(blank).len();
        let after_nl = &rest[nl + 1..];
        let end = nl + 1 + (after_nl.len() - after_nl.trim_start_matches(blank).len());
        let before = match rest[..start].chars().next_back() {
            Some(c) => Some(c),
            None if out.is_empty() => first_before,
            None => out.chars().next_back(),
        };
        let after = rest[end..].chars().next().or(last_after);
        out.push_str(&rest[..start]);
        if removed(before, after) {
            changed = true;
        } else {
            out.push_str(&rest[start..end]);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(inl: Vec<Inline>) -> String {
        let mut blocks = vec![Block::Paragraph(inl)];
        join_east_asian_lines(&mut blocks);
        let Block::Paragraph(inl) = &blocks[0] else {
            unreachable!()
        };
        Inline::plain_text(inl)
    }

    fn text(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    #[test]
    fn a_break_between_two_cjk_characters_is_removed() {
        assert_eq!(
            para(vec![text("日本語の\n文章です。")]),
            "日本語の文章です。"
        );
        assert_eq!(para(vec![text("中文\n句子")]), "中文句子");
        // Fullwidth punctuation and halfwidth katakana are East Asian too.
        assert_eq!(para(vec![text("です。\n次")]), "です。次");
        assert_eq!(para(vec![text("ｶﾀｶﾅ\nｶﾅ")]), "ｶﾀｶﾅｶﾅ");
        // Spaces and tabs around the break go with it.
        assert_eq!(para(vec![text("日本 \n\t語")]), "日本語");
    }

    #[test]
    fn a_break_beside_latin_or_hangul_stays() {
        assert_eq!(para(vec![text("日本\nJapan")]), "日本\nJapan");
        assert_eq!(para(vec![text("Japan\n日本")]), "Japan\n日本");
        assert_eq!(para(vec![text("한국어\n문장")]), "한국어\n문장");
        assert_eq!(para(vec![text("日本\n한국")]), "日本\n한국");
        assert_eq!(para(vec![text("one\ntwo")]), "one\ntwo");
    }

    #[test]
    fn neighbours_are_found_across_inlines_and_code_is_read_not_changed() {
        let inl = vec![
            text("これは"),
            Inline::Emphasis(vec![text("強調\n")]),
            text("です\n"),
            Inline::Code("コード".into()),
            text("\nで"),
            Inline::FootnoteRef {
                number: 1,
                id: "a".into(),
            },
            text("\nす"),
        ];
        assert_eq!(para(inl), "これは強調ですコードです");
    }

    #[test]
    fn a_hard_break_or_a_picture_beside_it_keeps_the_break() {
        let inl = vec![text("日本\n"), Inline::LineBreak, text("\n語")];
        assert_eq!(para(inl), "日本\n \n語");
        assert_eq!(
            para(vec![text("a\u{200B}\nb")]),
            "a\u{200B}b",
            "a zero width space removes the break"
        );
    }

    #[test]
    fn the_wide_ranges_are_sorted_and_apart() {
        assert!(WIDE.iter().all(|(lo, hi)| lo <= hi));
        assert!(WIDE.windows(2).all(|w| w[0].1 < w[1].0));
        for hangul in [
            '\u{1100}', '\u{3131}', '\u{AC00}', '\u{D7A3}', '\u{FFA0}', '\u{3200}', '\u{3260}',
        ] {
            assert!(!is_wide(hangul), "{hangul}");
        }
        for wide in [
            '\u{3000}',
            '、',
            'あ',
            'ア',
            '中',
            '〇',
            '\u{FF01}',
            '\u{FF61}',
            '\u{20000}',
        ] {
            assert!(is_wide(wide), "{wide}");
        }
    }
}
