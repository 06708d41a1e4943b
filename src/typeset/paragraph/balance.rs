//! Balanced lines for headings and titles: a heading that needs two lines or more
//! gets lines of about the same length, broken where its phrases break, never one
//! word left alone on its last line (what CSS calls `text-wrap: balance`).
//!
//! Works on the ragged items `Ctx::set` gives `first_fit`, and keeps the number of
//! lines first fit takes at the full measure: among the ways to set the text in
//! that many lines, the one with the least raggedness (the sum over its lines of
//! the squared difference from the even length, the text's width shared among
//! the lines: lines of one length, not lines as full as can be), a line end after punctuation cheaper, one
//! after a short lowercase word ("of", "the", "and") dearer, a last line longer
//! than the line above it dearer, a last line of one word far dearer. The costs
//! only choose between breaks of about the same balance. A dynamic programme over
//! the break points, each line looking back only as far as a line reaches: linear
//! in the length of the text.
//!
//! Does not hyphenate, stretch or place anything, and leaves text that first fit
//! must break in an emergency (a word wider than the line) to first fit.

use super::linebreak::{Item, INFINITY_PENALTY};
use super::{first_fit, Pt, Unit, EMERGENCY_BREAK_PENALTY};

/// A line's cost for its distance from the even length, over the measure,
/// squared, times this: a line half a measure off costs 250. Large against the
/// preferences below, so that they choose only between breaks of about the same
/// balance.
const SLACK_WEIGHT: f32 = 1_000.0;
/// Taken off a line that ends after punctuation (a phrase ends there): in two
/// lines, worth moving a word or two so that each is 14% of the measure off the
/// even length where both were even (2·1000·0.14² ≈ 40): "Slow down a bit, /
/// then start it over again".
const PUNCTUATION_BONUS: f32 = 40.0;
/// Added to a line that ends after a short lowercase word (an article, a
/// preposition, a conjunction: "a", "of", "the", "and"), which belongs with the
/// words after it: a quarter of what a phrase's end is worth, so that it only
/// chooses between breaks of about the same balance.
const SHORT_WORD_PENALTY: f32 = 10.0;
/// Taken off a line when the next starts with such a word, bound to the words
/// after it: "vaginismus / and play by ear".
const BEFORE_SHORT_WORD_BONUS: f32 = 3.0;
/// Letters in a word short enough for `SHORT_WORD_PENALTY`.
const SHORT_WORD_CHARS: usize = 3;
/// A last line that is one word (nowhere it could break): more than any balance
/// is worth, so taken only when every way to set the text in as many lines has
/// one.
const LONE_WORD_PENALTY: f32 = 1_000_000.0;
/// A last line longer than the one above it stands out under a centred title:
/// it costs its excess over the measure, squared, times this, half as much again
/// as the imbalance (two lines differing by `d` of the measure cost 500·d² more
/// than two even ones).
const LONGER_LAST_WEIGHT: f32 = 250.0;
/// A penalty item's own cost (a break after an explicit hyphen) is added, times
/// this: 50 makes 10.
const ITEM_PENALTY_WEIGHT: f32 = 0.2;
/// Characters after which a line ends at a phrase's end: commas, colons,
/// semicolons, dashes, closing brackets and quotation marks, sentence ends, and
/// their CJK and Arabic forms.
const PHRASE_ENDS: &[char] = &[
    ',', ':', ';', '.', '!', '?', '–', '—', ')', ']', '}', '”', '’', '"', '\'', '»', '›', '、',
    '，', '：', '；', '。', '！', '？', '）', '」', '』', '】', '〕', '〉', '》', '،', '؛', '؟',
];
/// How many break points back a line may start: a line holds far fewer, unless
/// its pieces have no width; bounds the work on pathological text.
const MAX_LOOK_BACK: usize = 500;

/// Breaks (item index, ratio 0) for `items` of ragged or centred text, as
/// `first_fit` gives, balanced. `units` and `map` are those `items` came from,
/// for the text of the words before each break.
pub(super) fn balanced(
    items: &[Item],
    units: &[Unit],
    map: &[usize],
    width_of: &dyn Fn(usize) -> Pt,
) -> Vec<(usize, f32)> {
    let greedy = first_fit(items, width_of);
    // Every line already ends its paragraph (or a forced break): nothing to balance.
    if greedy.iter().all(|&(b, _)| forced(&items[b])) {
        return greedy;
    }
    let prefix = prefix_widths(items);
    // First fit broke a word or overfilled a line: leave it be.
    let mut s = 0;
    for (n, &(b, _)) in greedy.iter().enumerate() {
        let emergency = penalty_of(&items[b]) >= EMERGENCY_BREAK_PENALTY;
        if emergency || s <= b && line_width(items, &prefix, s, b) > width_of(n) {
            return greedy;
        }
        s = line_start(items, b);
    }
    // The length every line would have if all were even: the text set on one
    // line, shared among as many lines as first fit takes.
    let whole = line_width(items, &prefix, 0, items.len().saturating_sub(1));
    let target = whole / greedy.len().max(1) as Pt;
    match best_breaks(items, units, map, width_of, &prefix, target) {
        Some(b) if b.len() <= greedy.len() => b,
        _ => greedy,
    }
}

/// A forced break (a paragraph's end, `\n`).
fn forced(item: &Item) -> bool {
    penalty_of(item) <= -INFINITY_PENALTY
}

/// A penalty item's penalty; none (0) for a box or glue.
fn penalty_of(item: &Item) -> f32 {
    match *item {
        Item::Penalty { penalty, .. } => penalty,
        _ => 0.0,
    }
}

/// Where a break may be: glue after a box, a penalty that is not infinite and
/// not an emergency cut inside a word (the paragraph's end is one).
fn break_points(items: &[Item]) -> Vec<usize> {
    (0..items.len())
        .filter(|&i| match items[i] {
            Item::Glue { .. } => i > 0 && matches!(items[i - 1], Item::Box { .. }),
            Item::Penalty { penalty, .. } => penalty < EMERGENCY_BREAK_PENALTY,
            Item::Box { .. } => false,
        })
        .collect()
}

/// `prefix[k]`: the width of the boxes and glue before item `k`.
fn prefix_widths(items: &[Item]) -> Vec<Pt> {
    let mut prefix = Vec::with_capacity(items.len() + 1);
    let mut x = 0.0;
    prefix.push(x);
    for item in items {
        x += match *item {
            Item::Box { width } | Item::Glue { width, .. } => width,
            Item::Penalty { .. } => 0.0,
        };
        prefix.push(x);
    }
    prefix
}

/// Where the line after a break at `b` starts, as first fit has it: glue and
/// penalties after the break are dropped, up to a forced break.
fn line_start(items: &[Item], b: usize) -> usize {
    let mut i = b + 1;
    while i < items.len() {
        match items[i] {
            Item::Box { .. } => break,
            Item::Penalty { penalty, .. } if penalty <= -INFINITY_PENALTY => break,
            _ => i += 1,
        }
    }
    i
}

/// The width of a line from item `start` to the break at `end`: what lies
/// between, and a hyphen drawn at the break.
fn line_width(items: &[Item], prefix: &[Pt], start: usize, end: usize) -> Pt {
    let added = match items[end] {
        Item::Penalty { width, .. } => width,
        _ => 0.0,
    };
    prefix[end] - prefix[start] + added
}

/// The best way to reach a break point: fewest lines, then least cost.
#[derive(Clone, Copy)]
struct Best {
    lines: usize,
    cost: f32,
    /// The node the line ending here starts after.
    from: usize,
    /// The width of the line ending here.
    width: Pt,
}

/// The dynamic programme: node 0 is the paragraph's start, node `k + 1` the
/// break point `points[k]`. None when no way fits (then first fit stands).
fn best_breaks(
    items: &[Item],
    units: &[Unit],
    map: &[usize],
    width_of: &dyn Fn(usize) -> Pt,
    prefix: &[Pt],
    target: Pt,
) -> Option<Vec<(usize, f32)>> {
    let points = break_points(items);
    // Where the line after each node starts.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(points.iter().map(|&b| line_start(items, b)))
        .collect();
    let mut best: Vec<Option<Best>> = vec![None; points.len() + 1];
    best[0] = Some(Best {
        lines: 0,
        cost: 0.0,
        from: 0,
        width: 0.0,
    });
    for (k, &end) in points.iter().enumerate() {
        let node = k + 1;
        let mut found: Option<Best> = None;
        // Candidates for the line's start, nearest first, back to the last
        // forced break or as far as a line reaches.
        for from in (0..node).rev().take(MAX_LOOK_BACK) {
            let begins_paragraph = from == 0 || forced(&items[points[from - 1]]);
            let start = starts[from];
            if start <= end {
                if let Some(prev) = best[from] {
                    let measure = width_of(prev.lines);
                    let width = line_width(items, prefix, start, end);
                    if width > measure {
                        break;
                    }
                    let mut cost = prev.cost
                        + line_cost(items, units, map, start, end, target - width, measure);
                    if forced(&items[end]) && !begins_paragraph {
                        cost += last_line_cost(&points, start, end, width - prev.width, measure);
                    }
                    let here = Best {
                        lines: prev.lines + 1,
                        cost,
                        from,
                        width,
                    };
                    if found.is_none_or(|f| (here.lines, here.cost) < (f.lines, f.cost)) {
                        found = Some(here);
                    }
                }
            }
            if begins_paragraph {
                break;
            }
        }
        best[node] = found;
    }
    // The paragraph's end is the last item, a forced break and a break point.
    let mut node = points.len();
    if points.last() != Some(&(items.len().checked_sub(1)?)) {
        return None;
    }
    let mut breaks = Vec::new();
    while node > 0 {
        let b = best[node]?;
        breaks.push((points[node - 1], 0.0));
        node = b.from;
    }
    breaks.reverse();
    breaks.dedup_by_key(|b| b.0);
    Some(breaks)
}

/// What a paragraph's last line (of two or more) from `start` to the break at
/// `end` costs besides its slack: one word alone (no break point inside it), or
/// `longer` than the line above it.
fn last_line_cost(points: &[usize], start: usize, end: usize, longer: Pt, measure: Pt) -> f32 {
    let inside = points.partition_point(|&p| p < end) - points.partition_point(|&p| p <= start);
    let lone = if inside == 0 { LONE_WORD_PENALTY } else { 0.0 };
    let r = longer.max(0.0) / measure;
    lone + LONGER_LAST_WEIGHT * r * r
}

/// A line's cost: how far it is from the even length (`slack`, over the measure),
/// squared, and what breaking at `end` is worth.
#[allow(clippy::too_many_arguments)]
fn line_cost(
    items: &[Item],
    units: &[Unit],
    map: &[usize],
    start: usize,
    end: usize,
    slack: Pt,
    measure: Pt,
) -> f32 {
    let r = slack / measure;
    let mut cost = SLACK_WEIGHT * r * r;
    if let Item::Penalty { penalty, .. } = items[end] {
        if penalty <= -INFINITY_PENALTY {
            return cost;
        }
        cost += penalty.max(0.0) * ITEM_PENALTY_WEIGHT;
    }
    let short =
        |w: &str| w.chars().count() <= SHORT_WORD_CHARS && w.chars().all(char::is_lowercase);
    let mut first = end;
    while first > start && matches!(items[first - 1], Item::Box { .. }) {
        first -= 1;
    }
    let before = text_of(units, &map[first..end]);
    // A hyphen standing alone between spaces is a dash typed on a keyboard.
    match before.chars().last() {
        Some(c) if PHRASE_ENDS.contains(&c) || before == "-" => cost -= PUNCTUATION_BONUS,
        Some(_) if short(&before) => cost += SHORT_WORD_PENALTY,
        _ => {
            let next = line_start(items, end);
            let mut last = next;
            while last < items.len() && matches!(items[last], Item::Box { .. }) {
                last += 1;
            }
            if last > next && short(&text_of(units, &map[next..last])) {
                cost -= BEFORE_SHORT_WORD_BONUS;
            }
        }
    }
    cost
}

/// The text of the pieces of `units` (a word), in logical order.
fn text_of(units: &[Unit], pieces: &[usize]) -> String {
    let mut word = String::new();
    for &u in pieces {
        if let Some(Unit::Piece(p, level, _)) = units.get(u) {
            let drawn = p
                .glyphs
                .iter()
                .flat_map(|g| g.text.as_str().chars())
                .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}'));
            // Right to left, glyphs are drawn last letter first.
            if level.is_rtl() {
                let rev: Vec<char> = drawn.collect();
                word.extend(rev.into_iter().rev());
            } else {
                word.extend(drawn);
            }
        }
    }
    word
}

#[cfg(test)]
mod tests {
    use super::super::tests::set_in;
    use super::super::{Align, Line, Spec};
    use crate::typeset::fonts::Style;

    fn set(text: &str, language: &str, spec: Spec) -> Vec<Line> {
        let (lines, notes) = set_in(text, language, spec, Style::HeadingBold);
        assert_eq!(notes.overfull, 0);
        lines
    }

    fn spec(width: f32, align: Align, balance: bool, rtl: bool) -> Spec {
        Spec {
            balance,
            rtl,
            ..Spec::plain(width, align)
        }
    }

    /// Each line's words (glyph text, split at spaces), bidi marks left out.
    fn words(lines: &[Line]) -> Vec<Vec<String>> {
        lines
            .iter()
            .map(|l| {
                let mut pieces: Vec<_> = l.pieces.iter().collect();
                pieces.sort_by(|a, b| a.x.total_cmp(&b.x));
                let text: String = pieces
                    .iter()
                    .flat_map(|p| p.glyphs.iter().map(|g| g.text.as_str().to_string()))
                    .collect::<String>()
                    .chars()
                    .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}'))
                    .collect();
                text.split_whitespace().map(str::to_string).collect()
            })
            .collect()
    }

    /// The width a line's ink takes.
    fn width(line: &Line) -> f32 {
        let left = line.pieces.iter().map(|p| p.x).fold(f32::MAX, f32::min);
        let right = line
            .pieces
            .iter()
            .map(|p| p.x + p.width)
            .fold(f32::MIN, f32::max);
        right - left
    }

    /// The narrowest measure (to a point) at which `text` still takes one line.
    fn one_line_width(text: &str) -> f32 {
        let natural = width(&set(text, "en", spec(10_000.0, Align::Left, false, false))[0]);
        natural.ceil() + 1.0
    }

    const HEADING: &str = "#1 Learn about vaginismus and play by ear";

    #[test]
    fn a_heading_first_fit_leaves_one_word_of_gets_two_balanced_lines() {
        // Just too narrow for the whole: first fit carries the last word alone.
        let measure = one_line_width(HEADING) - 8.0;
        let ragged = set(HEADING, "en", spec(measure, Align::Left, false, false));
        assert_eq!(
            words(&ragged).last().map(Vec::len),
            Some(1),
            "{:?}",
            words(&ragged)
        );
        for align in [Align::Left, Align::Center] {
            let balanced = set(HEADING, "en", spec(measure, align, true, false));
            let w = words(&balanced);
            assert_eq!(balanced.len(), 2, "{w:?}");
            assert_eq!(w.concat(), words(&ragged).concat());
            assert_eq!(w[0], ["#1", "Learn", "about", "vaginismus"], "{w:?}");
            let (a, b) = (width(&balanced[0]), width(&balanced[1]));
            assert!((a - b).abs() < measure / 3.0, "{a} {b}");
        }
    }

    #[test]
    fn a_break_after_a_comma_is_preferred_when_the_lengths_are_close() {
        // Without the comma the lines balance best one word later; with it, the
        // phrase ends the first line.
        let with = "Slow down a bit, then start it over again";
        let without = with.replace(',', "");
        for factor in [0.6, 0.7, 0.8] {
            let measure = one_line_width(with) * factor;
            let plain = words(&set(
                &without,
                "en",
                spec(measure, Align::Center, true, false),
            ));
            assert_eq!(plain[0], ["Slow", "down", "a", "bit", "then"], "{plain:?}");
            let phrased = words(&set(with, "en", spec(measure, Align::Center, true, false)));
            assert_eq!(phrased[0], ["Slow", "down", "a", "bit,"], "{phrased:?}");
            assert_eq!(phrased.len(), 2);
        }
        // A hyphen between spaces is a dash: the line ends after it.
        let dashed = "Acknowledge your frustration - Look beyond your frustration";
        for factor in [0.6, 0.7, 0.8] {
            let measure = one_line_width(dashed) * factor;
            let w = words(&set(
                dashed,
                "en",
                spec(measure, Align::Center, true, false),
            ));
            assert_eq!(w[0].last().map(String::as_str), Some("-"), "{w:?}");
        }
    }

    #[test]
    fn a_line_does_not_end_on_a_short_function_word_when_another_is_as_good() {
        let text = "The history of the book in the age of print";
        let ends = |lines: &[Line]| -> Vec<String> {
            let w = words(lines);
            w[..w.len() - 1]
                .iter()
                .filter_map(|l| l.last().cloned())
                .collect()
        };
        let measure = one_line_width(text) * 0.7;
        let ragged = set(text, "en", spec(measure, Align::Left, false, false));
        assert_eq!(ends(&ragged), ["in"]);
        for factor in [0.6, 0.7, 0.8] {
            let measure = one_line_width(text) * factor;
            let balanced = set(text, "en", spec(measure, Align::Left, true, false));
            assert_eq!(
                ends(&balanced),
                ["book"],
                "{factor}: {:?}",
                words(&balanced)
            );
        }
    }

    #[test]
    fn a_one_line_heading_is_unchanged() {
        let measure = one_line_width(HEADING);
        let balanced = set(HEADING, "en", spec(measure, Align::Left, true, false));
        let ragged = set(HEADING, "en", spec(measure, Align::Left, false, false));
        assert_eq!(balanced.len(), 1);
        assert_eq!(words(&balanced), words(&ragged));
        assert_eq!(width(&balanced[0]), width(&ragged[0]));
    }

    #[test]
    fn right_to_left_and_cjk_headings_still_set_in_as_many_lines() {
        for (text, language, rtl) in [
            (
                "כותרת ארוכה מאוד שצריכה שתי שורות או יותר בעמוד",
                "he",
                true,
            ),
            (
                "مقدمة طويلة جدا تحتاج إلى سطرين أو أكثر في الصفحة",
                "ar",
                true,
            ),
            (
                "これは「日本語」の文章です。次の文です、そして「引用」があります。",
                "ja",
                false,
            ),
        ] {
            let natural = width(&set(text, language, spec(10_000.0, Align::Left, false, rtl))[0]);
            let measure = natural * 0.55;
            let ragged = set(text, language, spec(measure, Align::Center, false, rtl));
            let balanced = set(text, language, spec(measure, Align::Center, true, rtl));
            assert_eq!(balanced.len(), ragged.len(), "{text}");
            assert!(balanced.len() >= 2, "{text}");
            let glyphs = |lines: &[Line]| -> usize {
                lines
                    .iter()
                    .flat_map(|l| &l.pieces)
                    .flat_map(|p| &p.glyphs)
                    .filter(|g| !g.text.as_str().trim().is_empty())
                    .count()
            };
            assert_eq!(glyphs(&balanced), glyphs(&ragged), "{text}");
            for line in &balanced {
                assert!(width(line) <= measure + 0.01, "{text}");
            }
            let spread = |lines: &[Line]| {
                let w: Vec<f32> = lines.iter().map(width).collect();
                w.iter().fold(0.0f32, |a, &b| a.max(b)) - w.iter().fold(f32::MAX, |a, &b| a.min(b))
            };
            assert!(spread(&balanced) <= spread(&ragged) + 0.01, "{text}");
        }
    }

    #[test]
    fn a_pathological_heading_of_thousands_of_words_sets_quickly() {
        let text = "word and another, ".repeat(700);
        let started = std::time::Instant::now();
        let lines = set(text.trim(), "en", spec(300.0, Align::Center, true, false));
        assert!(lines.len() > 100);
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
        for line in &lines {
            assert!(width(line) <= 300.01);
        }
    }
}
