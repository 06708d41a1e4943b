//! What Amazon refuses in an EPUB that only the written file shows: its size, for
//! Send to Kindle by e-mail and for KDP. Reads the container's bytes (and its
//! entries, to name the largest); changes nothing.
//!
//! The other causes of Send to Kindle's E999 and of KDP's rejections are met by
//! construction or caught where the model is, and tests/kindle.rs proves it on
//! every book of the corpus:
//! - a content document without an XML declaration naming its encoding (Send to
//!   Kindle then reads it as ISO-8859-1): every file bookbind writes has one;
//! - a `dc:language` that is no language tag, or none: a bad tag is E0003 at load,
//!   a missing one is `en`;
//! - a link whose fragment names nothing, or names a `<body>`: resolve makes such a
//!   link lead to the top of its part (W0121), and no `<body>` has an `id`;
//! - an `<img>` without `src`: E0011 at its place (resolve/links.rs);
//! - `--` inside an XML comment: raw HTML's comments are dropped, and bookbind
//!   writes none;
//! - CSS custom properties (`--x:`, `var()`), which Kindle's CSS support (the
//!   Kindle Publishing Guidelines' list of supported properties) does not have: a
//!   book brings no CSS of its own, and bookbind's has none;
//! - a cover smaller than KDP takes: W0141 at the manifest's `cover` (resolve/cover.rs);
//!   a generated or SVG cover is rendered at 1600 × 2560 (epub/cover.rs).

use crate::diag::{Code, Diagnostic};

/// Send to Kindle by e-mail: "The total size of your documents should be 50 MB
/// or less" (Amazon Help, "Using Your Send to Kindle Email Address",
/// https://www.amazon.com/gp/help/customer/display.html?nodeId=201974220). Counted
/// in decimal megabytes, the smaller reading.
const EMAIL_LIMIT: u64 = 50_000_000;

/// KDP: "The maximum file size for conversion is 650MB" (KDP Help, "Save Your
/// Manuscript File", https://kdp.amazon.com/help/topic/GYEKAVKMSE23PFTM; the page
/// is about paperbacks, and we could not find KDP's eBook pages saying the number;
/// guides such as https://publishing.co.uk/guides/kdp-error-over-max-file-size/
/// give the same 650 MB for Kindle EPUBs).
const KDP_LIMIT: u64 = 650_000_000;

/// How many of the largest files the warning names.
const LARGEST_NAMED: usize = 3;

/// The warnings for an EPUB of these bytes sent to a Kindle or to KDP, without a
/// place (the caller says which file).
pub fn check(epub: &[u8]) -> Vec<Diagnostic> {
    let size = epub.len() as u64;
    let over = if size > KDP_LIMIT {
        "over KDP's limit of 650 MB (KDP does not convert it) and Send to Kindle's by e-mail of 50 MB".to_string()
    } else if size > EMAIL_LIMIT {
        "over Send to Kindle's limit of 50 MB by e-mail (Amazon does not deliver it)".to_string()
    } else {
        return Vec::new();
    };
    let mut d = Diagnostic::warning(
        Code::W0143,
        format!("the EPUB is {}, {over}", megabytes(size)),
    );
    let largest = largest_files(epub);
    if !largest.is_empty() {
        let named: Vec<String> = largest
            .iter()
            .map(|(name, size)| format!("{name} ({})", megabytes(*size)))
            .collect();
        d = d.hint(format!(
            "its largest files: {}; smaller pictures or fewer embedded fonts make it lighter",
            named.join(", ")
        ));
    }
    vec![d]
}

/// `12.3 MB`.
fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// The container's largest entries by their compressed size, largest first.
fn largest_files(epub: &[u8]) -> Vec<(String, u64)> {
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(epub)) else {
        return Vec::new();
    };
    let mut files: Vec<(String, u64)> = (0..archive.len())
        .filter_map(|i| {
            let f = archive.by_index_raw(i).ok()?;
            Some((f.name().to_string(), f.compressed_size()))
        })
        .collect();
    files.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    files.truncate(LARGEST_NAMED);
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A container holding one stored file of `size` bytes.
    fn epub_of(size: usize) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(size > u32::MAX as usize);
        w.start_file("OEBPS/images/big.png", stored).unwrap();
        w.write_all(&vec![7u8; size]).unwrap();
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn an_epub_over_fifty_megabytes_is_told_with_its_largest_file() {
        let d = check(&epub_of(50_000_001));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, Code::W0143);
        assert!(d[0].message.contains("50 MB by e-mail"), "{}", d[0].message);
        let hint = d[0].hint.as_deref().unwrap_or_default();
        assert!(hint.contains("OEBPS/images/big.png (50.0 MB)"), "{hint}");
    }

    #[test]
    fn an_epub_under_the_limits_is_not() {
        assert!(check(&epub_of(1000)).is_empty());
        assert!(check(&epub_of(49_999_000)).is_empty());
    }
}
