//! Page numbers: roman before the first chapter, arabic from it.

use super::paginate::Paginated;
use crate::model::{Book, PartKind};

/// Index of the first chapter's opening page (arabic page 1).
pub(super) fn first_chapter_page(book: &Book, p: &Paginated) -> usize {
    book.parts
        .iter()
        .position(|x| x.kind == PartKind::Chapter)
        .and_then(|i| p.anchors.get(&(i, None)))
        .map_or(0, |(page, _)| *page)
}

/// The printed number of a page: roman before the first chapter, arabic from it.
pub(super) fn folio(page: usize, first_chapter: usize) -> String {
    if page < first_chapter {
        roman(page + 1)
    } else {
        (page - first_chapter + 1).to_string()
    }
}

fn roman(mut n: usize) -> String {
    const TABLE: [(usize, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut s = String::new();
    for (v, r) in TABLE {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folios_are_roman_before_chapter_one_and_arabic_from_it() {
        assert_eq!(folio(0, 6), "i");
        assert_eq!(folio(3, 6), "iv");
        assert_eq!(folio(6, 6), "1");
        assert_eq!(folio(10, 6), "5");
        assert_eq!(roman(1994), "mcmxciv");
    }
}
