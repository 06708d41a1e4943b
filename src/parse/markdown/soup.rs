//! The "soup" property tests' common part: pieces of syntax and numbered words
//! in any order, parsed, and every word looked for in the model (as text, code, a
//! cell or a note). Each test brings its pieces and how a word counts as found.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

use crate::diag::SourceId;
use crate::model::{Block, Inline, Part, PartKind, Role};

/// Runs `cases` soups of `pieces` (seeded by `seed`; `BOOKBIND_SOUP_CASES`
/// overrides the count) and asserts `found(all_text, word)` for every word.
pub(super) fn no_word_lost(
    pieces: &'static [&'static str],
    seed: u8,
    cases: u32,
    found: fn(&str, &str) -> bool,
) {
    let soup = prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(pieces).prop_map(Some),
            2 => Just(None),
        ],
        0..60,
    );
    let cases = std::env::var("BOOKBIND_SOUP_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    );
    runner
        .run(&soup, |pieces| {
            let mut text = String::new();
            let mut n = 0;
            for piece in pieces {
                match piece {
                    Some(s) => text.push_str(s),
                    None => {
                        n += 1;
                        text.push_str(&format!(" w{n} "));
                    }
                }
            }
            let all = model_text(&text);
            for k in 1..=n {
                let w = format!("w{k}");
                prop_assert!(found(&all, &w), "{w} lost from {text:?}:\n{all}");
            }
            Ok::<(), TestCaseError>(())
        })
        .unwrap();
}

/// Every text run and code block of `text` parsed, footnotes included.
fn model_text(text: &str) -> String {
    let r = super::parse(SourceId(0), text);
    let mut blocks = r.blocks;
    for f in r.footnotes {
        blocks.extend(f.blocks);
    }
    let part = Part {
        kind: PartKind::Chapter,
        role: Role::Chapter,
        id: String::new(),
        title: String::new(),
        heading: None,
        blocks,
        footnotes: Vec::new(),
        in_toc: false,
        level: 1,
        language: None,
    };
    let mut all = String::new();
    part.for_each_block(&mut |b| {
        if let Block::Code { text, .. } = b {
            all.push(' ');
            all.push_str(text);
        }
    });
    part.for_each_text_run(&mut |v| {
        all.push(' ');
        all.push_str(&Inline::plain_text(v));
    });
    all
}
