//! The print edition's file: serialises a laid-out [`Document`] (from `typeset`) as
//! PDF, and nothing else. Knows neither the model nor how the pages were laid out:
//! everything it writes, font files included, comes in the document.

pub mod write;

pub use write::WriteError;

use crate::typeset::doc::Document;

/// Writes a laid-out document as PDF bytes, with subsets of the faces it carries.
pub fn write(document: &Document) -> Result<Vec<u8>, WriteError> {
    write::write(document)
}
