//! Parse: Markdown text → model blocks and inlines (`markdown`), with the citation
//! syntax found in running text (`cite`) and the checks on raw HTML (`html`).

pub mod cite;
pub mod html;
pub mod markdown;
