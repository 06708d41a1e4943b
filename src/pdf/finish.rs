//! The finished file: streams compressed (zlib format, by libdeflate at level 1),
//! serialized by lopdf, with a trailer /ID hashed from the bytes themselves
//! (XXH3, 128 bits), so that the same document always gets the same id.

use std::cell::RefCell;

use libdeflater::{CompressionLvl, Compressor};
use lopdf::xref::XrefType;
use lopdf::{Object, StringFormat};

use super::WriteError;

/// Compresses the streams and serializes the file, with a trailer /ID hashed from the
/// file written without it: the same document always gets the same id.
pub(super) fn finish(mut pdf: lopdf::Document) -> Result<Vec<u8>, WriteError> {
    compress(&mut pdf);
    // A classic cross-reference table, not a cross-reference stream.
    pdf.reference_table.cross_reference_type = XrefType::CrossReferenceTable;
    // Serialise once with a placeholder /ID of the final length, hash the bytes, then
    // write the hash over the placeholder (same length: offsets stay valid).
    let placeholder = vec![0u8; 16];
    let id = Object::String(placeholder.clone(), StringFormat::Hexadecimal);
    pdf.trailer.set("ID", vec![id.clone(), id]);
    // Sized once, a little over what the objects hold: grown by doubling, a
    // file of 8 MB held 16 MB of room at the build's peak.
    let estimate: usize = pdf
        .objects
        .values()
        .map(|o| match o {
            Object::Stream(s) => s.content.len() + 256,
            _ => 256,
        })
        .sum();
    let mut out = Vec::with_capacity(estimate + estimate / 8 + 65_536);
    pdf.save_to(&mut out)
        .map_err(|e| WriteError::Serialize(e.to_string()))?;
    // XXH3 reads the five megabytes of a novel in a millisecond; FNV-1a, a
    // byte at a time, took 15.
    let hash = xxhash_rust::xxh3::xxh3_128(&out).to_be_bytes();
    let hex_placeholder = format!("<{}>", "00".repeat(16));
    let hex: String = hash.iter().map(|b| format!("{b:02X}")).collect();
    let hex = format!("<{hex}>");
    let tail = out.len().saturating_sub(1024);
    let mut at = tail;
    while let Some(i) = find(&out[at..], hex_placeholder.as_bytes()) {
        let start = at + i;
        out[start..start + hex.len()].copy_from_slice(hex.as_bytes());
        at = start + hex.len();
    }
    Ok(out)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Flate-compresses every stream that allows it and has no filter yet (the page
/// contents are compressed when they are drawn).
fn compress(pdf: &mut lopdf::Document) {
    for object in pdf.objects.values_mut() {
        if let Object::Stream(stream) = object {
            if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
                continue;
            }
            if let Some(data) = deflate(&stream.content) {
                if data.len() < stream.content.len() {
                    stream.dict.set("Filter", "FlateDecode");
                    stream.set_content(data);
                }
            }
        }
    }
}

/// libdeflate's level 1, its fastest: over a novel's 1,925 page streams (13.7 MB),
/// 135 ms less CPU than its level 5 (a tenth of the build's CPU went to level 5)
/// for a file 6% larger (4.93 against 4.64 MB; the guide 118 against 114 KB);
/// level 3 sits between (4.84 MB, 80 ms). Its levels 6 and up cost a third more
/// time than 5 for 2%. lopdf's own `compress` uses zlib's slowest level, which cost
/// a thousand-page book more time than the whole layout.
const LEVEL: i32 = 1;

thread_local! {
    /// One compressor a thread: making one allocates its tables, which for a
    /// page's few kilobytes cost more than compressing them.
    static COMPRESSOR: RefCell<Option<Compressor>> = const { RefCell::new(None) };
}

/// `data` as a zlib stream (RFC 1950); None if it cannot be compressed.
pub(super) fn deflate(data: &[u8]) -> Option<Vec<u8>> {
    COMPRESSOR.with(|c| match c.try_borrow_mut() {
        Ok(mut slot) => {
            if slot.is_none() {
                *slot = Some(new_compressor()?);
            }
            deflate_with(slot.as_mut()?, data)
        }
        Err(_) => deflate_with(&mut new_compressor()?, data),
    })
}

fn new_compressor() -> Option<Compressor> {
    Some(Compressor::new(CompressionLvl::new(LEVEL).ok()?))
}

thread_local! {
    /// Where a thread compresses, kept between calls: a buffer of the worst
    /// case's size, zeroed once, not once a stream, and not kept by every
    /// stream (a novel's page streams held 21 MB of such room for 5 MB of data).
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The most room kept between calls; a larger stream gets its own.
const MAX_SCRATCH: usize = 1 << 20;

fn deflate_with(compressor: &mut Compressor, data: &[u8]) -> Option<Vec<u8>> {
    let bound = compressor.zlib_compress_bound(data.len());
    let mut into = |out: &mut Vec<u8>| {
        if out.len() < bound {
            out.resize(bound, 0);
        }
        let written = compressor.zlib_compress(data, out).ok()?;
        Some(out[..written].to_vec())
    };
    if bound > MAX_SCRATCH {
        return into(&mut Vec::new());
    }
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut scratch) => into(&mut scratch),
        Err(_) => into(&mut Vec::new()),
    })
}

pub(super) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a, 64 bits: a fixed, dependency-free hash for ids that must not change between
/// builds (not for security).
pub(super) fn fnv1a(bytes: &[u8], offset: u64) -> u64 {
    bytes.iter().fold(offset, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use crate::pdf::sample::*;
    use crate::pdf::write;

    #[test]
    fn streams_read_back_as_they_were_and_a_reused_compressor_writes_the_same() {
        use std::io::Read as _;
        let texts: [&[u8]; 4] = [
            b"",
            b"BT /F1 12 Tf 72 720 Td [(Hello)] TJ ET",
            &[b'q'; 100_000],
            b"0 0 m 100 100 l S",
        ];
        let first: Vec<_> = texts.iter().map(|t| super::deflate(t)).collect();
        for (text, packed) in texts.iter().zip(&first) {
            let packed = packed.as_deref().expect("compresses");
            let mut back = Vec::new();
            flate2::read::ZlibDecoder::new(packed)
                .read_to_end(&mut back)
                .expect("a zlib stream");
            assert_eq!(&back, text);
            assert_eq!(super::deflate(text).as_deref(), Some(packed));
        }
        assert!(first[2].as_ref().is_some_and(|p| p.len() < 1_000));
    }

    #[test]
    fn the_same_document_gives_identical_bytes() {
        let Some(data) = font_data() else { return };
        let doc = sample(data);
        let first = write(&doc).expect("writes");
        let second = write(&doc).expect("writes");
        assert!(first == second, "two writes differ");
        let pdf = lopdf::Document::load_mem(&first).expect("parses");
        let id = pdf
            .trailer
            .get(b"ID")
            .expect("/ID")
            .as_array()
            .expect("array");
        assert_eq!(id[0].as_str().map(<[u8]>::len).ok(), Some(16));
    }
}
