//! What kind of identifier a book's `identifier` is, for the EPUB's
//! `identifier-type` (ONIX code list 5) and for the check that an ISBN's check
//! digit is right. Reads the text only; written by hand (an ISBN's checksum is a
//! few lines, and no maintained crate does just that without pulling in more).

/// An identifier's kind, as ONIX code list 5 numbers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// ISBN-13 (ONIX 15).
    Isbn13,
    /// ISBN-10 (ONIX 02).
    Isbn10,
    /// A DOI (ONIX 06).
    Doi,
    /// Looks like an ISBN (`isbn:` or `urn:isbn:`, or 13 digits from 978/979) but
    /// its check digit is wrong: a store would not find the book by it.
    BadIsbn,
}

impl Kind {
    /// ONIX code list 5's code, for a well-formed identifier.
    pub fn onix(self) -> Option<&'static str> {
        match self {
            Kind::Isbn13 => Some("15"),
            Kind::Isbn10 => Some("02"),
            Kind::Doi => Some("06"),
            Kind::BadIsbn => None,
        }
    }
}

/// The kind of `id`, when it is an ISBN (valid or not) or a DOI.
pub fn kind(id: &str) -> Option<Kind> {
    let t = id.trim();
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("doi:")
        || lower.starts_with("https://doi.org/10.")
        || lower.starts_with("10.")
    {
        return Some(Kind::Doi);
    }
    let (said, rest) = match ["urn:isbn:", "isbn:", "isbn "]
        .iter()
        .find(|p| lower.starts_with(*p))
    {
        Some(p) => (true, &t[p.len()..]),
        None => (false, t),
    };
    let chars: Vec<char> = rest.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    let digits = |cs: &[char]| cs.iter().all(|c| c.is_ascii_digit());
    match chars.len() {
        13 if digits(&chars) => {
            let looks =
                said || chars.starts_with(&['9', '7', '8']) || chars.starts_with(&['9', '7', '9']);
            let sum: u32 = chars
                .iter()
                .enumerate()
                .map(|(i, c)| c.to_digit(10).unwrap_or(0) * if i % 2 == 0 { 1 } else { 3 })
                .sum();
            match (sum % 10 == 0, looks) {
                (true, true) => Some(Kind::Isbn13),
                (false, true) => Some(Kind::BadIsbn),
                _ => None,
            }
        }
        10 if said
            && digits(&chars[..9])
            && (chars[9].is_ascii_digit() || chars[9] == 'X' || chars[9] == 'x') =>
        {
            let sum: u32 = chars
                .iter()
                .enumerate()
                .map(|(i, c)| (10 - i as u32) * c.to_digit(10).unwrap_or(10))
                .sum();
            Some(if sum % 11 == 0 {
                Kind::Isbn10
            } else {
                Kind::BadIsbn
            })
        }
        _ if said => Some(Kind::BadIsbn),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isbns_dois_and_others_are_told_apart() {
        assert_eq!(kind("urn:isbn:9780306406157"), Some(Kind::Isbn13));
        assert_eq!(kind("978-0-306-40615-7"), Some(Kind::Isbn13));
        assert_eq!(kind("ISBN 0-306-40615-2"), Some(Kind::Isbn10));
        assert_eq!(kind("isbn:080442957X"), Some(Kind::Isbn10));
        assert_eq!(kind("urn:isbn:9780306406158"), Some(Kind::BadIsbn));
        assert_eq!(kind("978-0-306-40615-8"), Some(Kind::BadIsbn));
        assert_eq!(kind("isbn:12345"), Some(Kind::BadIsbn));
        assert_eq!(kind("doi:10.1000/182"), Some(Kind::Doi));
        assert_eq!(kind("urn:uuid:5f0c2a9e-8d1b-4c7e-9a53-2e6b1f4d7c10"), None);
        assert_eq!(kind("https://example.org/book"), None);
        // Thirteen digits that are no ISBN (not 978/979) are left alone.
        assert_eq!(kind("1234567890123"), None);
        assert_eq!(Kind::Isbn13.onix(), Some("15"));
    }
}
