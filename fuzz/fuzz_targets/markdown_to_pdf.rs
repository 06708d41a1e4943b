//! Markdown → model → print layout → PDF: any input that resolves to a book is laid
//! out and written without panicking, overflowing the stack or hanging.
//!
//! The same steps as `bookbind::print_edition`, with the bundled fonts loaded once
//! (loading them took a third of each run).
#![no_main]

use bookbind::diag::Sources;
use bookbind::pdf;
use bookbind::typeset::{fonts::FontSet, typeset};
use libfuzzer_sys::fuzz_target;

thread_local! {
    static FONTS: FontSet = FontSet::bundled().expect("the bundled fonts load");
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    let loaded = bookbind::load::memory::from_markdown(
        &[("chapters/01.md", &text)],
        &mut sources,
        &mut diags,
    );
    let parsed = bookbind::parse::parse(&loaded, &sources, &mut diags);
    let Some(book) = bookbind::resolve::resolve(loaded, parsed, &sources, &mut diags) else {
        return;
    };
    FONTS.with(|fonts| {
        let (document, _report) = typeset(&book, fonts, &mut diags);
        match pdf::write(&document) {
            Ok(bytes) => assert!(bytes.starts_with(b"%PDF")),
            Err(e) => panic!("the PDF could not be written: {e}"),
        }
    });
});
