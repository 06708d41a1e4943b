//! Parse: Markdown text → model blocks and inlines (`markdown`), with the citation
//! syntax found in running text (`cite`).

pub mod cite;
pub mod markdown;
