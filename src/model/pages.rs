//! Where the print edition's pages begin, for the EPUB's page-break markers and
//! page list: each page's printed number and the place in the text where its
//! first line starts.
//!
//! Only the print layout knows where pages begin, so this is filled after
//! typesetting (`lib.rs` takes it from the laid-out document) and handed to the
//! EPUB writer; neither back end sees the other.
//!
//! A place in the text is a byte offset in one string of the resolved book (the
//! text of an `Inline::Text`, `Inline::Code` or a code block), named by that
//! string's identity: its address while the book is borrowed, which both back ends
//! read in the same process. Identity, not an ordinal, so that the typesetter and
//! the EPUB writer need not walk the model in the same order; the address is only
//! compared, never written, so the output does not depend on it.

/// The identity of one string of the resolved book (see the module's comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextKey(usize);

impl TextKey {
    /// The key of `s`; `None` for an empty string, which has no place in it (and
    /// no address of its own).
    pub fn of(s: &str) -> Option<TextKey> {
        (!s.is_empty()).then_some(TextKey(s.as_ptr() as usize))
    }
}

/// Every string of `part` a place can be in (texts, code, maths, code blocks;
/// a citation's rendered text too), in the part's walk order: two parts whose
/// `Debug` forms are equal give lists that match string for string. A rebuild
/// that reuses what was set from an earlier book's part (`typeset::SetCache`)
/// turns each place's key into its index in this list, and back into the key of
/// the string at that index in the new book.
pub fn texts_of(part: &super::Part) -> Vec<TextKey> {
    use super::walk::Visit;
    use super::{Block, Inline};
    struct Texts(Vec<TextKey>);
    impl<'a> Visit<'a> for Texts {
        fn block(&mut self, b: &'a Block) -> bool {
            if let Block::Code { text, .. } = b {
                self.0.extend(TextKey::of(text));
            }
            true
        }
        fn inline(&mut self, i: &'a Inline) {
            if let Inline::Text(t) | Inline::Code(t) | Inline::Math(t) = i {
                self.0.extend(TextKey::of(t));
            }
        }
    }
    let mut texts = Texts(Vec::new());
    part.walk(&mut texts);
    texts.0
}

impl TextKey {
    /// The key as an index into `texts` (from `texts_of`), for keeping: None if
    /// the string is not among them.
    pub fn index_in(self, texts: &std::collections::HashMap<TextKey, usize>) -> Option<TextKey> {
        texts.get(&self).map(|&i| TextKey(i))
    }

    /// A key kept by `index_in`, back to the key of the string at that index.
    pub fn from_index(self, texts: &[TextKey]) -> Option<TextKey> {
        texts.get(self.0).copied()
    }
}

/// A place in the book's text: byte `offset` of the string `key`, on a character
/// boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TextAt {
    pub key: TextKey,
    pub offset: usize,
}

impl TextAt {
    /// Where the place is in memory: only to find it in a slice of its string
    /// (see [`TextAt::in_slice`]) or to order places; never to be written.
    pub fn address(&self) -> usize {
        self.key.0 + self.offset
    }

    /// Where `s`, a slice of the book's strings, lies in memory.
    pub fn span(s: &str) -> std::ops::Range<usize> {
        let start = s.as_ptr() as usize;
        start..start + s.len()
    }
}

/// One printed page's beginning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageBreak {
    /// The page's printed number: its PDF page label ("iii", "12").
    pub label: String,
    /// The part the page belongs to; `parts.len()` for the contents page.
    pub part: usize,
    pub at: PageAt,
}

/// Where in its part a page begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageAt {
    /// Before this place: the first words printed on the page (after a word cut
    /// by a hyphen at the page's top: after that word).
    Text(TextAt),
    /// At the part's beginning: its opening page, when no text starts it (a title
    /// page, a picture).
    Start,
    /// At the part's end: a blank page after it, or a page whose text the writer
    /// cannot place.
    End,
}
