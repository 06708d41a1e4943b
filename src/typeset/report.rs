//! The layout report: counts from the real pages (lines, overfull lines, widows,
//! orphans, hyphens, word spacing), for `--report` and the tests.

use std::collections::BTreeMap;

use super::paginate::Paginated;

/// Counts from the real layout, for `--report` and the tests.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LayoutReport {
    pub pages: usize,
    pub lines: usize,
    pub overfull_lines: usize,
    pub widows: usize,
    pub orphans: usize,
    pub stranded_headings: usize,
    pub hyphenated_lines: usize,
    pub max_consecutive_hyphenated: usize,
    /// Pages whose last line ends in a hyphen (a word broken across pages).
    pub hyphenated_page_ends: usize,
    /// Justified lines (not paragraph ends) by space width over natural space
    /// width, in buckets of 0.1 keyed by their lower bound ("0.9", "1.0", ...).
    pub word_space_ratio: BTreeMap<String, usize>,
}

impl LayoutReport {
    /// The report as a JSON object.
    pub fn to_json(&self) -> String {
        let hist: Vec<String> = self
            .word_space_ratio
            .iter()
            .map(|(k, v)| format!("\"{k}\": {v}"))
            .collect();
        format!(
            "{{\n  \"pages\": {},\n  \"lines\": {},\n  \"overfull_lines\": {},\n  \"widows\": {},\n  \"orphans\": {},\n  \
             \"stranded_headings\": {},\n  \"hyphenated_lines\": {},\n  \"max_consecutive_hyphenated\": {},\n  \"hyphenated_page_ends\": {},\n  \
             \"word_space_ratio\": {{{}}}\n}}\n",
            self.pages,
            self.lines,
            self.overfull_lines,
            self.widows,
            self.orphans,
            self.stranded_headings,
            self.hyphenated_lines,
            self.max_consecutive_hyphenated,
            self.hyphenated_page_ends,
            hist.join(", ")
        )
    }
}

pub(super) fn report(p: &Paginated, overfull: usize) -> LayoutReport {
    let mut r = LayoutReport {
        pages: p.pages.len(),
        overfull_lines: overfull,
        widows: p.breaks.widows,
        orphans: p.breaks.orphans,
        stranded_headings: p.breaks.stranded_headings,
        ..LayoutReport::default()
    };
    let mut run = 0;
    for page in &p.pages {
        if page.lines.last().is_some_and(|l| l.line.hyphenated) {
            r.hyphenated_page_ends += 1;
        }
        for l in &page.lines {
            r.lines += 1;
            if l.line.hyphenated {
                r.hyphenated_lines += 1;
                run += 1;
                r.max_consecutive_hyphenated = r.max_consecutive_hyphenated.max(run);
            } else {
                run = 0;
            }
            if let Some(ratio) = l.line.space_ratio {
                let bucket = format!("{:.1}", (ratio * 10.0).floor() / 10.0);
                *r.word_space_ratio.entry(bucket).or_insert(0) += 1;
            }
        }
    }
    r
}
