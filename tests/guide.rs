//! The guide in `book/`, built with the real binary and read back: the EPUB's nav,
//! disclaimer, citations, reference list and every word of the source text.

mod common;

use std::collections::HashSet;

use common::*;

fn build_guide() -> (tempfile::TempDir, Epub) {
    let out = tempfile::tempdir().unwrap();
    let book = repo().join("book");
    let o = bookbind(&[
        "build",
        book.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "build failed: {}", stderr(&o));
    let epub = Epub::open(&out.path().join("vaginismus-tips-to-partners.epub"));
    (out, epub)
}

/// The `# ` titles of the guide's Markdown files in book.yaml order, then the
/// generated References page.
fn expected_titles() -> Vec<String> {
    let book = repo().join("book");
    let mut files = vec![
        book.join("front/disclaimer.md"),
        book.join("front/epigraph.md"),
    ];
    let mut chapters: Vec<_> = std::fs::read_dir(book.join("chapters"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    chapters.sort();
    files.extend(chapters);
    files.push(book.join("back/reading-list.md"));
    let mut titles: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            text.lines()
                .find_map(|l| l.strip_prefix("# ").map(|t| t.trim().to_string()))
        })
        .collect();
    titles.push("References".into());
    titles
}

#[test]
fn nav_titles_are_the_source_titles_in_order() {
    let (_out, epub) = build_guide();
    let nav: Vec<String> = epub
        .nav_entries()
        .into_iter()
        .map(|(t, _)| plain_quotes(&t))
        .collect();
    assert_eq!(nav, expected_titles());
    assert_eq!(
        nav.iter().filter(|t| t.starts_with('#')).count(),
        11,
        "eleven tips"
    );
}

#[test]
fn every_content_document_is_well_formed_xml_with_a_language() {
    let (_out, epub) = build_guide();
    let mut n = 0;
    for (name, bytes) in &epub.files {
        if name.ends_with(".xhtml")
            || name.ends_with(".opf")
            || name.ends_with(".ncx")
            || name.ends_with(".svg")
        {
            let text = std::str::from_utf8(bytes).unwrap();
            let doc = parse_xml(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            if name.ends_with(".xhtml") {
                assert_eq!(doc.root_element().attribute("lang"), Some("en"), "{name}");
                n += 1;
            }
        }
    }
    assert!(n >= 18, "{n} content documents");
    assert_eq!(
        epub.order[0], "mimetype",
        "mimetype must be the first entry"
    );
}

#[test]
fn the_disclaimer_has_its_own_page_before_chapter_one_and_in_the_nav() {
    let (_out, epub) = build_guide();
    let spine = epub.spine();
    let disclaimer = spine
        .iter()
        .position(|f| f.ends_with("disclaimer.xhtml"))
        .expect("disclaimer in spine");
    let intro = spine
        .iter()
        .position(|f| f.contains("introduction"))
        .expect("chapter 1 in spine");
    assert!(disclaimer < intro);
    let text = epub.visible_text(&spine[disclaimer]);
    assert!(
        text.contains("not designed to provide medical advice"),
        "{text}"
    );
    assert!(text.contains("confer with a health care professional specialized in vaginismus"));
    assert!(
        !text.contains("Introduction"),
        "the disclaimer page holds only the disclaimer"
    );
    assert!(epub
        .nav_entries()
        .iter()
        .any(|(t, h)| t == "Disclaimer" && h.ends_with("disclaimer.xhtml")));
}

#[test]
fn the_epigraph_is_a_quote_with_its_attribution() {
    let (_out, epub) = build_guide();
    let x = epub.text("OEBPS/epigraph.xhtml");
    assert!(x.contains("epub:type=\"epigraph\""));
    assert!(x.contains("<blockquote>"));
    let t = epub.visible_text("OEBPS/epigraph.xhtml");
    assert!(t.contains("Is it too late to try again? Here I am"));
    assert!(t.contains("George Michael") && t.contains("Listen Without Prejudice"));
}

#[test]
fn both_citations_link_to_complete_reference_entries() {
    let (_out, epub) = build_guide();
    let all: String = epub.spine().iter().map(|f| epub.text(f)).collect();
    for key in ["crowley2006", "reissing1999"] {
        let link = format!("href=\"references.xhtml#ref-{key}\"");
        assert!(all.contains(&link), "no citation links to {key}");
    }
    assert!(
        all.matches("href=\"references.xhtml#ref-reissing1999\"")
            .count()
            >= 3,
        "Reissing is cited three times"
    );
    let refs = epub.text("OEBPS/references.xhtml");
    let doc = parse_xml(&refs).unwrap();
    let entry = |id: &str| -> String {
        let n = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(id))
            .unwrap_or_else(|| panic!("no {id}"));
        n.descendants()
            .filter(|n| n.is_text())
            .map(|n| n.text().unwrap())
            .collect()
    };
    let c = entry("ref-crowley2006");
    for part in [
        "Crowley, T.",
        "Richardson, D.",
        "Goldmeier, D.",
        "2006",
        "Recommendations for the management of vaginismus",
        "International Journal of STD & AIDS",
        "17",
        "(1)",
        "14–18",
    ] {
        assert!(c.contains(part), "Crowley entry lacks {part:?}: {c}");
    }
    let r = entry("ref-reissing1999");
    for part in [
        "Reissing, E. D.",
        "Binik, Y. M.",
        "Khalifé, S.",
        "1999",
        "Does vaginismus exist?",
        "Journal of Nervous and Mental Disease",
        "187",
        "(5)",
        "261–274",
    ] {
        assert!(r.contains(part), "Reissing entry lacks {part:?}: {r}");
    }
}

/// The seed's spelling fixes, from the table in book/EDITING.md.
fn spelling_fixes() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(repo().join("book/EDITING.md")).unwrap();
    text.lines()
        .filter(|l| l.starts_with('|') && !l.contains("---") && !l.contains("| original |"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            (cells[0].to_string(), cells[1].to_string())
        })
        .collect()
}

const NAVIGATION_LINES: &[&str] = &[
    "For Women",
    "For Practitioners",
    "For Partners",
    "Sex and Vaginismus",
    "Vag. Central",
    "Contact Us",
    "Translate this in:",
    "Back to Top",
];

#[test]
fn every_word_of_the_seed_is_in_the_epub() {
    let (_out, epub) = build_guide();
    let seed = std::fs::read_to_string(repo().join("tests/fixtures/guide-seed.txt")).unwrap();
    let body: String = seed
        .lines()
        .filter(|l| !NAVIGATION_LINES.contains(&l.trim()))
        .collect::<Vec<_>>()
        .join("\n");
    let fixes = spelling_fixes();
    assert!(fixes.len() >= 5, "EDITING.md lists the spelling fixes");
    // Word by word: `resourced` → `resources`, `everytime` → `every time`.
    let seed_words: Vec<String> = words(&body)
        .into_iter()
        .flat_map(
            |w| match fixes.iter().find(|(from, _)| from.to_lowercase() == w) {
                Some((_, to)) => words(to),
                None => vec![w],
            },
        )
        .collect();
    let have: HashSet<String> = epub
        .spine()
        .iter()
        .flat_map(|f| words(&epub.visible_text(f)))
        .collect();
    let missing: Vec<String> = seed_words
        .into_iter()
        .filter(|w| !have.contains(w))
        .collect();
    assert!(
        missing.is_empty(),
        "words of the seed missing from the EPUB: {missing:?}"
    );
}

#[test]
fn same_source_date_epoch_gives_byte_identical_epubs() {
    let (a, _) = build_guide();
    let (b, _) = build_guide();
    let name = "vaginismus-tips-to-partners.epub";
    let x = std::fs::read(a.path().join(name)).unwrap();
    let y = std::fs::read(b.path().join(name)).unwrap();
    assert!(x == y, "two builds differ");
    let opf = Epub::open(&a.path().join(name)).text("OEBPS/content.opf");
    assert!(
        opf.contains("<meta property=\"dcterms:modified\">2026-11-24T00:00:00Z</meta>"),
        "{opf}"
    );
}

#[test]
fn package_metadata_includes_accessibility_properties() {
    let (_out, epub) = build_guide();
    let opf = epub.text("OEBPS/content.opf");
    for p in [
        "schema:accessMode",
        "schema:accessModeSufficient",
        "schema:accessibilityFeature",
        "schema:accessibilityHazard",
        "schema:accessibilitySummary",
        "<dc:language>en</dc:language>",
        "<dc:rights>",
        "<dc:description>",
        "xml:lang=\"en\"",
    ] {
        assert!(opf.contains(p), "OPF lacks {p}");
    }
    let nav = epub.text("OEBPS/nav.xhtml");
    assert!(
        nav.contains("epub:type=\"landmarks\"")
            && nav.contains("epub:type=\"bodymatter\"")
            && nav.contains("epub:type=\"toc\"")
    );
}

/// A chapter title too long for one line is set in balanced lines: the guide's
/// "#1 Learn about vaginismus and play by ear", which first fit broke before its
/// last word, does not leave "ear" alone on a line.
#[test]
fn a_two_line_chapter_title_does_not_leave_its_last_word_alone() {
    if std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_err()
    {
        eprintln!("skipped: pdftotext is not installed (apt-get install poppler-utils)");
        return;
    }
    let (out, _epub) = build_guide();
    let o = std::process::Command::new("pdftotext")
        .arg("-bbox-layout")
        .arg(out.path().join("vaginismus-tips-to-partners.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&o.stdout);
    // The words of each line of text, in order.
    let lines: Vec<Vec<String>> = html
        .split("<line ")
        .skip(1)
        .map(|l| {
            l.split("</line>")
                .next()
                .unwrap_or("")
                .split("</word>")
                .filter_map(|w| w.rsplit('>').next())
                .filter(|w| !w.trim().is_empty())
                .map(str::to_string)
                .collect()
        })
        .collect();
    let title = [
        "#1",
        "Learn",
        "about",
        "vaginismus",
        "and",
        "play",
        "by",
        "ear",
    ];
    // The title as set on its chapter's opening: two lines (the contents list it
    // on one).
    let at = lines
        .iter()
        .position(|l| {
            l.len() < title.len()
                && l.iter()
                    .map(String::as_str)
                    .take(2)
                    .eq(title[..2].iter().copied())
        })
        .expect("the title is broken over lines");
    let first = lines[at].len();
    let second = &lines[at + 1];
    assert_eq!(
        [&lines[at][..], &second[..]].concat(),
        title,
        "{:?} {second:?}",
        lines[at]
    );
    assert!(second.len() >= 2, "{:?} / {second:?}", lines[at]);
    let widths: Vec<usize> = [&title[..first], &title[first..]]
        .iter()
        .map(|l| l.iter().map(|w| w.len()).sum::<usize>() + l.len())
        .collect();
    assert!(widths[0].abs_diff(widths[1]) <= 14, "{widths:?}");
    assert!(!lines.iter().any(|l| l == &["ear"]));
}
