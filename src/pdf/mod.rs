//! The print edition: a small typesetter over printpdf. Model → shaped, hyphenated,
//! justified lines (total fit) → pages with running heads and folios → PDF.
//!
//! Reads only the resolved `Book`; never sees Markdown or the manifest.

pub mod doc;
pub mod fonts;
pub mod hyphenate;
pub mod linebreak;
pub mod shape;
pub mod write;
