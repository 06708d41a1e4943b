//! Citation syntax in running text, as pandoc writes it: `[@key]`, `[see @a, p. 3; @b]`,
//! `[-@key]` (year only), the narrative `@key` and `@key [p. 3]`. Brackets with an
//! empty item (`[@a;; @b]`) are text to pandoc, and their keys narrative.
//!
//! Finds citations in plain text only; does not know the bibliography (resolve decides
//! whether a narrative `@word` is a citation or an e-mail-like word).

use std::ops::Range;

/// One citation found in a text run, with byte ranges relative to the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The whole citation in the text (`[@a, p. 3]` or `@a`).
    pub range: Range<usize>,
    pub narrative: bool,
    pub items: Vec<FoundItem>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FoundItem {
    pub key: String,
    pub key_range: Range<usize>,
    pub prefix: String,
    pub locator: Option<String>,
    pub suffix: String,
    /// `-@key`: print the year only.
    pub suppress_author: bool,
}

/// Locator terms pandoc recognises at the start of a citation's suffix.
const LOCATOR_TERMS: &[&str] = &[
    "p.",
    "pp.",
    "page",
    "pages",
    "chap.",
    "chaps.",
    "chapter",
    "chapters",
    "sec.",
    "secs.",
    "section",
    "sections",
    "vol.",
    "vols.",
    "volume",
    "volumes",
    "fig.",
    "figs.",
    "figure",
    "figures",
    "para.",
    "paras.",
    "paragraph",
    "paragraphs",
    "l.",
    "ll.",
    "line",
    "lines",
    "n.",
    "nn.",
    "note",
    "notes",
    "§",
    "§§",
    "¶",
    "¶¶",
    "col.",
    "cols.",
    "column",
    "book",
    "part",
    "verse",
    "verses",
];

fn is_key_char(c: char) -> bool {
    c.is_alphanumeric() || "_:.#$%&-+?<>~/".contains(c)
}

/// Reads a citation key starting at `start` (just after `@`); returns its end.
fn key_end(text: &str, start: usize) -> Option<usize> {
    let first = text[start..].chars().next()?;
    if !(first.is_alphanumeric() || first == '_') {
        return None;
    }
    let mut end = start;
    for (i, c) in text[start..].char_indices() {
        if is_key_char(c) {
            end = start + i + c.len_utf8();
        } else {
            break;
        }
    }
    // Internal punctuation only: a key ends on a letter, digit or underscore.
    while end > start {
        let c = text[..end].chars().next_back()?;
        if c.is_alphanumeric() || c == '_' {
            break;
        }
        end -= c.len_utf8();
    }
    (end > start).then_some(end)
}

/// Finds every citation in `text`. Linear in its length: brackets are paired in
/// one pass, and only innermost pairs (the only ones that can be citations) are
/// read, so `[[[[...]]]]` costs no more than `[...]`.
pub fn find(text: &str) -> Vec<Found> {
    find_all(text).0
}

/// Citations, and brackets that hold an `@key` but are not pandoc's syntax
/// (`[@a @b]`, `[@a; ]`, `[see @; @b]`): those are text for pandoc, and most
/// likely a typo here, so the caller reports them.
pub fn find_all(text: &str) -> (Vec<Found>, Vec<Range<usize>>) {
    // Every citation, and every bracket taken for a broken one, holds an `@`:
    // most text has none, and is not walked a character at a time twice (a
    // novel's 3.3 MB cost 15 ms here).
    if !text.as_bytes().contains(&b'@') {
        return (Vec::new(), Vec::new());
    }
    let mut out = Vec::new();
    let mut malformed = Vec::new();
    let pairs = innermost_brackets(text);
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        if c == '[' {
            if let Some(&close) = pairs.get(&i) {
                if let Some(items) = bracketed(text, i + 1, close) {
                    out.push(Found {
                        range: i..close + 1,
                        narrative: false,
                        items,
                    });
                    i = close + 1;
                    continue;
                }
                if stray_semicolons(text, i + 1, close) {
                    // `[@a;; @b]`: text to pandoc, whose `@keys` are narrative.
                    i += 1;
                    continue;
                }
                if has_key(&text[i + 1..close]) {
                    malformed.push(i..close + 1);
                    i = close + 1;
                    continue;
                }
            }
        } else if c == '@' {
            let prev = text[..i].chars().next_back();
            let at_word_start = prev.is_none_or(|p| !(p.is_alphanumeric() || p == '_' || p == '@'));
            if at_word_start {
                if let Some(end) = key_end(text, i + 1) {
                    // `@a [p. 3]`: a bracket after it holds its locator or suffix.
                    let after = narrative_suffix(text, end, &pairs);
                    let (locator, suffix) =
                        after.as_ref().map_or((None, String::new()), |(_, inner)| {
                            locator_or_suffix(inner.trim().trim_start_matches(',').trim())
                        });
                    let range_end = after.map_or(end, |(e, _)| e);
                    out.push(Found {
                        range: i..range_end,
                        narrative: true,
                        items: vec![FoundItem {
                            key: text[i + 1..end].to_string(),
                            key_range: i + 1..end,
                            prefix: String::new(),
                            locator,
                            suffix,
                            suppress_author: false,
                        }],
                    });
                    i = range_end;
                    continue;
                }
            }
        }
        i += c.len_utf8();
    }
    (out, malformed)
}

/// The bracket right after a narrative citation's key (spaces and one line
/// break between), when it holds no key: its end, and what is in it.
fn narrative_suffix(
    text: &str,
    key_end: usize,
    pairs: &std::collections::HashMap<usize, usize>,
) -> Option<(usize, String)> {
    let rest = &text[key_end..];
    let gap = rest.len() - rest.trim_start_matches([' ', '\t', '\n']).len();
    if rest[..gap].matches('\n').count() > 1 {
        return None;
    }
    let open = key_end + gap;
    let close = *pairs.get(&open)?;
    let inner = &text[open + 1..close];
    (!inner.trim().is_empty() && !inner.contains('@')).then(|| (close + 1, inner.to_string()))
}

/// Brackets that would be a citation but for an empty item between `;`s (`;;`,
/// or a `;` before `]`): pandoc reads them as text.
fn stray_semicolons(text: &str, start: usize, end: usize) -> bool {
    let pieces: Vec<(usize, usize)> = {
        let mut v = Vec::new();
        let mut ps = start;
        for (j, c) in text[start..end].char_indices() {
            if c == ';' {
                v.push((ps, start + j));
                ps = start + j + 1;
            }
        }
        v.push((ps, end));
        v
    };
    let empty = |&(a, b): &(usize, usize)| text[a..b].trim().is_empty();
    pieces.iter().any(empty)
        && pieces.iter().any(|p| !empty(p))
        && pieces
            .iter()
            .filter(|p| !empty(p))
            .all(|&(a, b)| piece(text, a, b).is_some())
}

/// A citation's text after its key: a locator (`p. 3`, `12–14`) or a suffix.
fn locator_or_suffix(r: &str) -> (Option<String>, String) {
    let first_word = r.split_whitespace().next().unwrap_or("");
    if LOCATOR_TERMS.contains(&first_word.to_lowercase().as_str())
        || first_word
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    {
        (Some(r.to_string()), String::new())
    } else {
        (None, r.to_string())
    }
}

/// Whether `s` holds an `@key` where a citation's key would start.
fn has_key(s: &str) -> bool {
    s.char_indices().any(|(j, c)| {
        c == '@'
            && s[..j]
                .chars()
                .next_back()
                .is_none_or(|p| p.is_whitespace() || p == '-' || p == ';')
            && key_end(s, j + 1).is_some()
    })
}

/// Open → close offsets of the bracket pairs that hold no other bracket.
fn innermost_brackets(text: &str) -> std::collections::HashMap<usize, usize> {
    let mut pairs = std::collections::HashMap::new();
    // Open brackets, each with whether a pair closed inside it.
    let mut open: Vec<(usize, bool)> = Vec::new();
    for (j, c) in text.char_indices() {
        match c {
            '[' => open.push((j, false)),
            ']' => {
                if let Some((o, nested)) = open.pop() {
                    if !nested {
                        pairs.insert(o, j);
                    }
                    if let Some(outer) = open.last_mut() {
                        outer.1 = true;
                    }
                }
            }
            _ => {}
        }
    }
    pairs
}

/// The items of `[...]` between `start` and `end`, if every `;`-separated piece holds
/// exactly one `@key`; otherwise the brackets are ordinary text.
fn bracketed(text: &str, start: usize, end: usize) -> Option<Vec<FoundItem>> {
    let mut items = Vec::new();
    let mut piece_start = start;
    let inner = &text[start..end];
    let mut bounds: Vec<(usize, usize)> = Vec::new();
    for (j, c) in inner.char_indices() {
        if c == ';' {
            bounds.push((piece_start, start + j));
            piece_start = start + j + 1;
        }
    }
    bounds.push((piece_start, end));
    for (ps, pe) in bounds {
        items.push(piece(text, ps, pe)?);
    }
    Some(items)
}

fn piece(text: &str, start: usize, end: usize) -> Option<FoundItem> {
    let s = &text[start..end];
    // The key's @ must begin a word (start, after space or after '-').
    let mut at = None;
    for (j, c) in s.char_indices() {
        if c == '@' {
            let prev = s[..j].chars().next_back();
            if prev.is_none_or(|p| p.is_whitespace() || p == '-') {
                at = Some(j);
                break;
            }
        }
    }
    let at = at?;
    let key_start = start + at + 1;
    let key_end = key_end(text, key_start).filter(|&e| e <= end)?;
    let mut prefix = s[..at].to_string();
    let suppress_author = prefix.ends_with('-');
    if suppress_author {
        prefix.pop();
    }
    let rest = text[key_end..end].trim();
    if rest.contains('@') {
        return None;
    }
    let (mut locator, mut suffix) = (None, String::new());
    if let Some(r) = rest.strip_prefix(',') {
        (locator, suffix) = locator_or_suffix(r.trim());
    } else if !rest.is_empty() {
        suffix = rest.to_string();
    }
    Some(FoundItem {
        key: text[key_start..key_end].to_string(),
        key_range: key_start..key_end,
        prefix: prefix.trim().to_string(),
        locator,
        suffix,
        suppress_author,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bracketed_citation_with_locator() {
        let f = find("as shown [@reissing1999, p. 263].");
        assert_eq!(f.len(), 1);
        assert!(!f[0].narrative);
        assert_eq!(f[0].items[0].key, "reissing1999");
        assert_eq!(f[0].items[0].locator.as_deref(), Some("p. 263"));
        assert_eq!(
            &"as shown [@reissing1999, p. 263]."[f[0].range.clone()],
            "[@reissing1999, p. 263]"
        );
    }

    #[test]
    fn several_items_with_prefix_and_suppressed_author() {
        let f = find("[see @a; -@b2006]");
        assert_eq!(f[0].items.len(), 2);
        assert_eq!(f[0].items[0].prefix, "see");
        assert!(f[0].items[1].suppress_author);
        assert_eq!(f[0].items[1].key, "b2006");
    }

    #[test]
    fn narrative_citation_drops_trailing_punctuation() {
        let f = find("See also @reissing1999.");
        assert_eq!(f.len(), 1);
        assert!(f[0].narrative);
        assert_eq!(f[0].items[0].key, "reissing1999");
    }

    #[test]
    fn deeply_nested_brackets_are_read_in_linear_time() {
        let text = format!("{}@a{}", "[".repeat(200_000), "]".repeat(200_000));
        let start = std::time::Instant::now();
        let f = find(&text);
        assert_eq!(f.len(), 1, "the innermost pair is a citation");
        assert!(start.elapsed().as_secs() < 5);
    }

    #[test]
    fn a_citation_inside_brackets_is_still_found() {
        let f = find("(see [in [@a, p. 2] too])");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].items[0].key, "a");
    }

    #[test]
    fn brackets_with_a_key_that_are_not_citations_are_malformed() {
        for text in ["[@a @b]", "[see @; @b]", "x [-@a @b] y"] {
            let (found, bad) = find_all(text);
            assert!(found.is_empty(), "{text}");
            assert_eq!(bad.len(), 1, "{text}");
        }
        for text in ["[@]", "[mail jo@example.org]", "[a @ b]", "[@a; @b]"] {
            assert!(find_all(text).1.is_empty(), "{text}");
        }
    }

    #[test]
    fn a_bracket_after_a_narrative_citation_holds_its_locator_or_suffix() {
        let text = "@a [p. 3] says, and @b  [see also] and @c [@d] and @e\n[12] end";
        let f = find(text);
        assert_eq!(&text[f[0].range.clone()], "@a [p. 3]");
        assert_eq!(f[0].items[0].locator.as_deref(), Some("p. 3"));
        assert_eq!(&text[f[1].range.clone()], "@b  [see also]");
        assert_eq!(f[1].items[0].suffix, "see also");
        // A bracket holding a key is a citation of its own.
        assert_eq!(&text[f[2].range.clone()], "@c");
        assert_eq!(&text[f[3].range.clone()], "[@d]");
        assert_eq!(f[4].items[0].locator.as_deref(), Some("12"));
        assert!(f.iter().all(|c| c.items.len() == 1));
    }

    #[test]
    fn pandoc_reads_these_bracketed_citations() {
        let f = find("[see @a, p. 3; @b] and [-@c]");
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].items[0].prefix, "see");
        assert_eq!(f[0].items[0].locator.as_deref(), Some("p. 3"));
        assert_eq!(f[0].items[1].key, "b");
        assert!(f[1].items[0].suppress_author && !f[1].narrative);
    }

    #[test]
    fn a_stray_semicolon_makes_the_bracket_text_and_its_keys_narrative() {
        for text in ["[@a;; @b]", "[@a; ; @b]", "[see @a;]", "[@a, p. 3; ]"] {
            let (found, bad) = find_all(text);
            assert!(bad.is_empty(), "{text}");
            assert!(found.iter().all(|f| f.narrative), "{text}: {found:?}");
            let keys: Vec<&str> = found.iter().map(|f| f.items[0].key.as_str()).collect();
            assert_eq!(
                keys,
                if text.contains("@b") {
                    vec!["a", "b"]
                } else {
                    vec!["a"]
                }
            );
        }
    }

    #[test]
    fn email_addresses_and_plain_brackets_are_not_citations() {
        assert!(find("mail me at jo@example.org [or not]").is_empty());
        assert!(find("[a link text]").is_empty());
    }
}
