//! The finished file: streams compressed (zlib, level 4), serialized by lopdf, with a
//! trailer /ID hashed from the bytes themselves (FNV-1a), so that the same document
//! always gets the same id.

use std::cell::RefCell;

use flate2::{Compress, Compression, FlushCompress, Status};
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
    let mut out = Vec::new();
    pdf.save_to(&mut out)
        .map_err(|e| WriteError::Serialize(e.to_string()))?;
    let mut hash = fnv1a(&out, FNV_OFFSET).to_be_bytes().to_vec();
    hash.extend_from_slice(&fnv1a(&out, FNV_OFFSET ^ 0x5bd1_e995).to_be_bytes());
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

/// Zlib at level 4: lopdf's own `compress` uses the slowest level, which cost a
/// thousand-page book more time than the whole layout for a few per cent of size.
const LEVEL: u32 = 4;

thread_local! {
    /// One compressor a thread, reset for each stream: making one allocates and
    /// clears some 300 KB of tables, which for a page's few kilobytes of content
    /// cost more than compressing them. A reset compressor writes the same bytes
    /// as a new one.
    static COMPRESSOR: RefCell<Option<Compress>> = const { RefCell::new(None) };
}

/// `data` as a zlib stream at `LEVEL`; None if the compressor fails.
pub(super) fn deflate(data: &[u8]) -> Option<Vec<u8>> {
    COMPRESSOR.with(|c| {
        let Ok(mut slot) = c.try_borrow_mut() else {
            return deflate_with(&mut new_compressor(), data);
        };
        let compressor = slot.get_or_insert_with(new_compressor);
        compressor.reset();
        deflate_with(compressor, data)
    })
}

fn new_compressor() -> Compress {
    Compress::new(Compression::new(LEVEL), true)
}

/// Runs a fresh (or reset) compressor over all of `data`.
fn deflate_with(compressor: &mut Compress, data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 3 + 64);
    loop {
        let read = usize::try_from(compressor.total_in()).ok()?;
        let status = compressor
            .compress_vec(data.get(read..)?, &mut out, FlushCompress::Finish)
            .ok()?;
        match status {
            Status::StreamEnd => return Some(out),
            // The output is full: room for more, and go on.
            Status::Ok | Status::BufError => out.reserve(out.capacity().max(64)),
        }
    }
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
    fn a_reused_compressor_writes_what_a_new_encoder_writes() {
        use std::io::Write as _;
        let texts: [&[u8]; 4] = [
            b"",
            b"BT /F1 12 Tf 72 720 Td [(Hello)] TJ ET",
            &[b'q'; 100_000],
            b"0 0 m 100 100 l S",
        ];
        for text in texts.iter().chain(texts.iter()) {
            let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(4));
            enc.write_all(text).expect("compresses");
            let expected = enc.finish().expect("compresses");
            assert_eq!(super::deflate(text), Some(expected));
        }
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
