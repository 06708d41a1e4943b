//! Markdown → model → print layout → PDF: any input that resolves to a book is laid
//! out and written without panicking, overflowing the stack or hanging.
#![no_main]

use bookbind::diag::Sources;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    let loaded = bookbind::load::memory::from_markdown(
        &[("chapters/01.md", &text)],
        &mut sources,
        &mut diags,
    );
    let Some(book) = bookbind::resolve::resolve(loaded, &sources, &mut diags) else {
        return;
    };
    match bookbind::pdf::render(&book, &mut diags) {
        Ok((bytes, _)) => assert!(bytes.starts_with(b"%PDF")),
        Err(e) => panic!("the PDF could not be rendered: {e}"),
    }
});
