//! Footnotes: numbered in each part by first reference, wherever the reference
//! is (the part's heading, any block, another note); definitions are put in that
//! order; a definition never referenced is left out with a warning, a reference
//! to no definition stays as the text it was.

use std::collections::{HashMap, HashSet};

use crate::diag::{Code, Diagnostic};
use crate::model::{anchor, Inline, Part};

/// Numbers the notes of every part.
pub fn number(parts: &mut [Part], diags: &mut Vec<Diagnostic>) {
    for p in parts {
        number_part(p, diags);
    }
}

fn number_part(p: &mut Part, diags: &mut Vec<Diagnostic>) {
    if p.footnotes.is_empty() && !has_note_refs(p) {
        return;
    }
    let mut order: Vec<String> = Vec::new();
    let mut refs_seen: HashMap<String, usize> = HashMap::new();
    let defined: HashSet<String> = p.footnotes.iter().map(|f| f.label.clone()).collect();
    p.for_each_inlines_mut(&mut |v| {
        for i in v.iter_mut() {
            let Inline::FootnoteRef { number, id } = i else {
                continue;
            };
            let label = id.clone();
            if !defined.contains(&label) {
                *i = Inline::Text(format!("[^{label}]"));
                continue;
            }
            let n = match order.iter().position(|l| *l == label) {
                Some(k) => k + 1,
                None => {
                    order.push(label.clone());
                    order.len()
                }
            };
            let seen = refs_seen.entry(label).or_insert(0);
            *seen += 1;
            *number = n;
            *id = anchor::note_ref(n, *seen);
        }
    });
    // Definitions in reference order; unreferenced ones are dropped with a warning.
    let mut defs = std::mem::take(&mut p.footnotes);
    for label in &order {
        if let Some(k) = defs.iter().position(|f| &f.label == label) {
            let mut f = defs.remove(k);
            f.id = anchor::note(p.footnotes.len() + 1);
            p.footnotes.push(f);
        }
    }
    for f in defs {
        diags.push(Diagnostic::warning(
            Code::W0103,
            format!(
                "footnote `[^{}]` in `{}` is never referenced and is left out",
                f.label, p.title
            ),
        ));
    }
}

fn has_note_refs(p: &Part) -> bool {
    let mut any = false;
    p.for_each_inline(&mut |i| any |= matches!(i, Inline::FootnoteRef { .. }));
    any
}
