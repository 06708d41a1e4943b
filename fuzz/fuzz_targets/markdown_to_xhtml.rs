//! Markdown → model → XHTML: any input either resolves to a book whose every
//! content document is well-formed XML, or is refused with diagnostics; it never
//! panics, overflows the stack or hangs.
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
    let parsed = bookbind::parse::parse(&loaded, &sources, &mut diags);
    let Some(book) = bookbind::resolve::resolve(loaded, parsed, &sources, &mut diags) else {
        return;
    };
    for i in 0..book.parts.len() {
        let (doc, _) = bookbind::epub::xhtml::part(&book, i);
        let parsed = roxmltree::Document::parse_with_options(
            &doc,
            roxmltree::ParsingOptions {
                allow_dtd: true,
                ..Default::default()
            },
        );
        if let Err(e) = parsed {
            panic!("part {i} is not well-formed XML: {e}\n{doc}");
        }
    }
});
