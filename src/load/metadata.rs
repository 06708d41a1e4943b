//! The book's metadata from the manifest: the checks on its values, the identifier
//! a book without one keeps across builds, and the date of its newest source.

use crate::diag::{SourceId, Sources};

pub(super) fn valid_language_tag(t: &str) -> bool {
    let mut parts = t.split('-');
    let first = parts.next().unwrap_or("");
    (2..=8).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

pub(super) fn newest_mtime(sources: &Sources) -> i64 {
    let mut newest = 0;
    let mut i = 0;
    while let Some(path) = sources.try_path(SourceId(i)) {
        if let Ok(t) = std::fs::metadata(path).and_then(|m| m.modified()) {
            if let Ok(d) = t.duration_since(std::time::UNIX_EPOCH) {
                newest = newest.max(d.as_secs() as i64);
            }
        }
        i += 1;
    }
    newest
}

/// A name-based identifier (`urn:uuid:`, version 8) from title and authors, so that a
/// book keeps its identifier across builds without one in the manifest.
pub(super) fn stable_uuid(title: &str, authors: &[String]) -> String {
    // FNV-1a, twice with different offsets, for 128 stable bits; not for security.
    fn fnv(seed: u64, data: &[u8]) -> u64 {
        let mut h = seed;
        for b in data {
            h ^= *b as u64;
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        h
    }
    let key = format!("{title}\u{0}{}", authors.join("\u{0}"));
    let a = fnv(0xcbf2_9ce4_8422_2325, key.as_bytes());
    let b = fnv(0x6c62_272e_07bb_0142, key.as_bytes());
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_be_bytes());
    bytes[8..].copy_from_slice(&b.to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let h: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_uuid_is_stable_and_well_formed() {
        let a = stable_uuid("T", &["A".into()]);
        assert_eq!(a, stable_uuid("T", &["A".into()]));
        assert_ne!(a, stable_uuid("T2", &["A".into()]));
        assert_eq!(a.len(), "urn:uuid:".len() + 36);
    }
}
