//! Resolve: from parsed parts to the finished model. In order: titles and roles,
//! ids, footnote numbers, citations and the reference list, links and images, the
//! table of contents. Everything both editions share is decided here, once.
//!
//! Reads image files through `links`; renders nothing.

pub mod citations;
pub mod ids;
pub mod links;
pub mod toc;

use std::collections::{HashMap, HashSet};

use crate::diag::{Diagnostic, Sources, Span};
use crate::load::Loaded;
use crate::model::{
    Block, Book, EpubSettings, Heading, ImageSource, Inline, LinkTarget, Part, PartKind, Resource,
    Role, Settings,
};
use crate::parse::markdown::{self, Parsed};

/// Parses every part and resolves the book. Returns None when errors were found
/// (they are in `diags`).
pub fn resolve(loaded: Loaded, sources: &Sources, diags: &mut Vec<Diagnostic>) -> Option<Book> {
    let errors_before = diags.iter().filter(|d| d.is_error()).count();

    // 1. Parse each file once, and give each part its title and role.
    let mut parts = Vec::new();
    let mut explicit: Vec<(String, Span)> = Vec::new();
    let mut rel_paths: Vec<String> = Vec::new();
    if loaded.title_page && !loaded.parts.iter().any(|p| p.role == Role::TitlePage) {
        parts.push(Part {
            kind: PartKind::Front,
            role: Role::TitlePage,
            id: "titlepage".into(),
            title: "Title Page".into(),
            heading: None,
            blocks: Vec::new(),
            footnotes: Vec::new(),
            in_toc: false,
        });
        rel_paths.push(String::new());
    }
    for lp in &loaded.parts {
        let text = &sources.get(lp.source).text;
        let Parsed {
            mut blocks,
            footnotes,
            explicit_ids,
            diagnostics,
        } = markdown::parse(lp.source, text);
        diags.extend(diagnostics);
        explicit.extend(explicit_ids);
        let heading = match blocks.first() {
            Some(Block::Heading(h)) if h.level == 1 => match blocks.remove(0) {
                Block::Heading(h) => Some(h),
                _ => None,
            },
            _ => None,
        };
        let title = lp
            .title
            .clone()
            .or_else(|| {
                heading
                    .as_ref()
                    .map(|h| toc::collapse(&Inline::plain_text(&h.content)))
            })
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| title_from_stem(&lp.stem));
        if blocks.is_empty() && heading.is_none() {
            diags.push(
                Diagnostic::warning(
                    "W0101",
                    format!("`{}` is empty", sources.path(lp.source).display()),
                )
                .in_file(sources.path(lp.source)),
            );
        }
        let in_toc = match lp.role {
            Role::TitlePage | Role::Epigraph | Role::Dedication | Role::Copyright => {
                heading.is_some()
            }
            _ => true,
        };
        parts.push(Part {
            kind: lp.kind,
            role: lp.role,
            id: lp.stem.clone(),
            title,
            heading,
            blocks,
            footnotes,
            in_toc,
        });
        rel_paths.push(lp.rel_path.clone());
    }

    // 2. Ids: parts, explicit heading ids (duplicates are errors), then generated ones.
    let mut ids = ids::Ids::default();
    for (id, span) in &explicit {
        ids.explicit(id, span.clone(), diags);
    }
    // Ids in raw HTML are the author's: generated ones must not repeat them.
    let mut raw = Vec::new();
    for p in &parts {
        raw_html_ids(&p.blocks, &mut raw);
    }
    for id in &raw {
        ids.reserve(id);
    }
    for p in parts.iter_mut() {
        // File names and ids must start with a letter: `01-intro` → `chapter-01-intro`.
        let base = if p.id.starts_with(|c: char| c.is_ascii_digit()) {
            let kind = match p.kind {
                PartKind::Front => "front",
                PartKind::Chapter => "chapter",
                PartKind::Back => "back",
            };
            format!("{kind}-{}", p.id)
        } else {
            p.id.clone()
        };
        p.id = ids.fresh(&base, "part");
        let (ptitle, pid) = (p.title.clone(), p.id.clone());
        // A part without its own heading gets one made from its title.
        if p.heading.is_none() && p.in_toc {
            p.heading = Some(Heading {
                level: 1,
                id: String::new(),
                content: vec![Inline::Text(ptitle)],
                classes: Vec::new(),
            });
        }
        if let Some(h) = &mut p.heading {
            // The part's opening heading shares the part's id: a link to the part
            // and to its heading lead to the same place.
            if h.id.is_empty() {
                h.id = pid.clone();
            }
        }
        for b in p.blocks.iter_mut() {
            assign_heading_ids(b, &mut ids);
        }
    }

    // 3. Footnotes: numbered by first reference within each part.
    for p in parts.iter_mut() {
        number_footnotes(p, diags, sources);
    }

    // 4. Citations and the reference list.
    let bib = loaded
        .bibliography
        .as_ref()
        .and_then(|b| citations::read(b, sources, diags));
    let mut cites = Vec::new();
    for p in parts.iter_mut() {
        for_each_inline_vec(&mut p.blocks, &mut |v| {
            for i in v.iter_mut() {
                if let Inline::Citation(c) = i {
                    let known = bib
                        .as_ref()
                        .is_some_and(|b| c.items.iter().all(|it| b.library.get(&it.key).is_some()));
                    if c.narrative && !known {
                        // `@word` that is no key: an ordinary word (a handle, a decorator).
                        *i = Inline::Text(c.source_text.clone());
                    } else {
                        cites.push(c.clone());
                    }
                }
            }
        });
    }
    for p in parts.iter_mut() {
        for_each_inline_vec(&mut p.blocks, &mut |v| merge_adjacent_text(v));
    }
    let mut unknown = false;
    for c in &cites {
        for it in &c.items {
            let known = bib
                .as_ref()
                .is_some_and(|b| b.library.get(&it.key).is_some());
            if !known {
                unknown = true;
                let d = Diagnostic::error("E0006", format!("unknown citation key `{}`", it.key))
                    .at(it.span.clone());
                diags.push(match &bib {
                    Some(_) => {
                        d.hint("add the entry to the bibliography, or fix the key's spelling")
                    }
                    None => d.hint(
                        "name a bibliography file in book.yaml: `bibliography: references.yaml`",
                    ),
                });
            }
        }
    }
    let style = citations::style(&loaded.citation_style.value);
    if style.is_none() {
        let off = sources.offset_of(
            loaded.manifest_source,
            loaded.citation_style.referenced.line() as usize,
            loaded.citation_style.referenced.column() as usize,
        );
        diags.push(
            Diagnostic::error("E0007", format!("unknown citation style `{}`", loaded.citation_style.value))
                .at(Span::new(loaded.manifest_source, off..off + loaded.citation_style.value.len()))
                .hint("use a style bundled with hayagriva, such as `apa`, `vancouver`, `chicago-author-date`, `ieee` or `mla`"),
        );
    }
    if let (Some(bib), Some(style), false) = (&bib, &style, unknown) {
        if !cites.is_empty() {
            let refs_part = match parts.iter().position(|p| p.role == Role::Bibliography) {
                Some(i) => i,
                None => {
                    parts.push(Part {
                        kind: PartKind::Back,
                        role: Role::Bibliography,
                        id: ids.fresh("references", "references"),
                        title: "References".into(),
                        heading: None,
                        blocks: Vec::new(),
                        footnotes: Vec::new(),
                        in_toc: true,
                    });
                    rel_paths.push(String::new());
                    let last = parts.last_mut().expect("just pushed");
                    last.heading = Some(Heading {
                        level: 1,
                        id: last.id.clone(),
                        content: vec![Inline::Text("References".into())],
                        classes: Vec::new(),
                    });
                    parts.len() - 1
                }
            };
            let mut refs_cites: Vec<&mut crate::model::Citation> = cites.iter_mut().collect();
            let refs = citations::format(
                &mut refs_cites,
                bib,
                style,
                refs_part,
                &loaded.meta.language,
                sources,
                diags,
            );
            parts[refs_part].blocks.push(Block::References(refs));
            let mut k = 0;
            for p in parts.iter_mut() {
                for_each_inline_vec(&mut p.blocks, &mut |v| {
                    for i in v.iter_mut() {
                        if let Inline::Citation(c) = i {
                            c.rendered = cites[k].rendered.clone();
                            k += 1;
                        }
                    }
                });
            }
        }
    }

    // 5. Links and images.
    let targets = links::Targets {
        by_path: rel_paths
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_empty())
            .map(|(i, r)| (r.clone(), i))
            .collect(),
        ids: parts.iter().map(defined_ids).collect(),
    };
    let mut resources: Vec<Resource> = Vec::new();
    let mut images = links::Images {
        dir: &loaded.dir,
        resources: &mut resources,
        by_path: HashMap::new(),
    };
    for (pi, p) in parts.iter_mut().enumerate() {
        let rel = rel_paths[pi].clone();
        let mut visit =
            |v: &mut Vec<Inline>| resolve_targets(v, pi, &rel, &targets, &mut images, diags);
        for_each_inline_vec(&mut p.blocks, &mut visit);
        if let Some(h) = &mut p.heading {
            visit(&mut h.content);
        }
        for f in p.footnotes.iter_mut() {
            for_each_inline_vec(&mut f.blocks, &mut visit);
        }
    }

    // 6. Cover.
    let cover = loaded
        .cover
        .as_ref()
        .and_then(|(path, data, span)| match links::sniff(data) {
            Some(("image/svg+xml", _)) if links::scripted_svg(data) => {
                diags.push(
                    Diagnostic::error(
                        "E0011",
                        format!(
                            "cover `{}` is an SVG with scripts or event handlers",
                            path.display()
                        ),
                    )
                    .at(span.clone()),
                );
                None
            }
            Some((mt, ext)) => {
                resources.push(Resource {
                    name: format!("images/cover.{ext}"),
                    media_type: mt.to_string(),
                    data: data.clone(),
                });
                Some(resources.len() - 1)
            }
            None => {
                diags.push(
                    Diagnostic::error(
                        "E0011",
                        format!(
                            "cover `{}` is not a PNG, JPEG, GIF, WebP or SVG image",
                            path.display()
                        ),
                    )
                    .at(span.clone()),
                );
                None
            }
        });

    let errors_after = diags.iter().filter(|d| d.is_error()).count();
    if errors_after > errors_before {
        return None;
    }

    // 7. The one table of contents.
    let toc = toc::build(&parts);
    Some(Book {
        meta: loaded.meta,
        parts,
        toc,
        settings: Settings {
            epub: EpubSettings {
                embed_fonts: loaded.embed_fonts,
            },
            pdf: loaded.pdf,
        },
        resources,
        cover,
    })
}

/// `03-tip-01-learn` → `Tip 01 learn`.
fn title_from_stem(stem: &str) -> String {
    let s =
        stem.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_' || c == ' ');
    let s = if s.is_empty() { stem } else { s };
    let words: String = s.replace(['-', '_'], " ");
    let mut c = words.trim().chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => stem.to_string(),
    }
}

fn assign_heading_ids(b: &mut Block, ids: &mut ids::Ids) {
    match b {
        Block::Heading(h) if h.id.is_empty() => {
            h.id = ids.fresh(&Inline::plain_text(&h.content), "section");
        }
        Block::Quote { blocks, .. } => blocks.iter_mut().for_each(|b| assign_heading_ids(b, ids)),
        Block::List { items, .. } => items
            .iter_mut()
            .flat_map(|i| i.blocks.iter_mut())
            .for_each(|b| assign_heading_ids(b, ids)),
        _ => {}
    }
}

fn number_footnotes(p: &mut Part, diags: &mut Vec<Diagnostic>, sources: &Sources) {
    let _ = sources;
    let mut order: Vec<String> = Vec::new();
    let mut refs_seen: HashMap<String, usize> = HashMap::new();
    let defined: HashSet<String> = p.footnotes.iter().map(|f| f.label.clone()).collect();
    let mut visit = |v: &mut Vec<Inline>| {
        for i in v.iter_mut() {
            if let Inline::FootnoteRef { number, id } = i {
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
                *id = if *seen == 1 {
                    format!("fnref-{n}")
                } else {
                    format!("fnref-{n}-{seen}")
                };
            }
        }
    };
    for_each_inline_vec(&mut p.blocks, &mut visit);
    for f in p.footnotes.iter_mut() {
        for_each_inline_vec(&mut f.blocks, &mut visit);
    }
    // Definitions in reference order; unreferenced ones are dropped with a warning.
    let mut defs = std::mem::take(&mut p.footnotes);
    for label in &order {
        if let Some(k) = defs.iter().position(|f| &f.label == label) {
            let mut f = defs.remove(k);
            f.id = format!("fn-{}", p.footnotes.len() + 1);
            p.footnotes.push(f);
        }
    }
    for f in defs {
        diags.push(Diagnostic::warning(
            "W0103",
            format!(
                "footnote `[^{}]` in `{}` is never referenced and is left out",
                f.label, p.title
            ),
        ));
    }
}

/// Every id a link may target in this part.
fn defined_ids(p: &Part) -> HashSet<String> {
    let mut s = HashSet::new();
    s.insert(p.id.clone());
    if let Some(h) = &p.heading {
        s.insert(h.id.clone());
    }
    fn walk(bs: &[Block], s: &mut HashSet<String>) {
        for b in bs {
            match b {
                Block::Heading(h) => {
                    s.insert(h.id.clone());
                }
                Block::Quote { blocks, .. } => walk(blocks, s),
                Block::List { items, .. } => items.iter().for_each(|i| walk(&i.blocks, s)),
                Block::References(rs) => rs.iter().for_each(|r| {
                    s.insert(r.id.clone());
                }),
                Block::Html(h) => s.extend(html_ids(h)),
                _ => {}
            }
        }
    }
    walk(&p.blocks, &mut s);
    for f in &p.footnotes {
        s.insert(f.id.clone());
    }
    s
}

/// Anchors raw HTML defines with `id="..."` or `name="..."`.
fn html_ids(h: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["id=\"", "name=\""] {
        for (i, _) in h.match_indices(attr) {
            let rest = &h[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].to_string());
            }
        }
    }
    out
}

/// Ids written in the raw HTML blocks of `blocks`, at any depth.
fn raw_html_ids(blocks: &[Block], out: &mut Vec<String>) {
    for b in blocks {
        match b {
            Block::Html(h) => out.extend(html_ids(h)),
            Block::Quote { blocks, .. } => raw_html_ids(blocks, out),
            Block::List { items, .. } => items.iter().for_each(|i| raw_html_ids(&i.blocks, out)),
            Block::DefinitionList(ds) => ds
                .iter()
                .flat_map(|d| &d.details)
                .for_each(|d| raw_html_ids(d, out)),
            _ => {}
        }
    }
}

fn resolve_targets(
    v: &mut Vec<Inline>,
    part: usize,
    rel: &str,
    targets: &links::Targets,
    images: &mut links::Images,
    diags: &mut Vec<Diagnostic>,
) {
    let mut i = 0;
    while i < v.len() {
        let mut splice: Option<Vec<Inline>> = None;
        match &mut v[i] {
            Inline::Link {
                target, content, ..
            } => {
                if let LinkTarget::Unresolved { dest, span } = target {
                    match links::link(dest, span, part, rel, targets, diags) {
                        Some(t) => *target = t,
                        None => splice = Some(std::mem::take(content)),
                    }
                }
            }
            Inline::Image { source, alt, .. } => {
                if let ImageSource::Unresolved { dest, span } = source {
                    match images.image(dest, span, rel, diags) {
                        Some(s) => *source = s,
                        None => splice = Some(vec![Inline::Text(alt.clone())]),
                    }
                }
            }
            _ => {}
        }
        match splice {
            Some(content) => {
                let n = content.len();
                v.splice(i..i + 1, content);
                i += n;
            }
            None => i += 1,
        }
    }
}

fn merge_adjacent_text(v: &mut Vec<Inline>) {
    let mut out: Vec<Inline> = Vec::with_capacity(v.len());
    for i in v.drain(..) {
        match (out.last_mut(), i) {
            (Some(Inline::Text(a)), Inline::Text(b)) => a.push_str(&b),
            (_, i) => out.push(i),
        }
    }
    *v = out;
}

/// Calls `f` on every vector of inlines in `blocks`, innermost first (link text
/// before the paragraph holding the link).
pub fn for_each_inline_vec(blocks: &mut [Block], f: &mut dyn FnMut(&mut Vec<Inline>)) {
    for b in blocks {
        match b {
            Block::Heading(h) => inlines(&mut h.content, f),
            Block::Paragraph(v) => inlines(v, f),
            Block::Quote {
                blocks,
                attribution,
                ..
            } => {
                for_each_inline_vec(blocks, f);
                if let Some(a) = attribution {
                    inlines(a, f);
                }
            }
            Block::List { items, .. } => {
                for it in items {
                    for_each_inline_vec(&mut it.blocks, f);
                }
            }
            Block::DefinitionList(ds) => {
                for d in ds {
                    inlines(&mut d.term, f);
                    for det in &mut d.details {
                        for_each_inline_vec(det, f);
                    }
                }
            }
            Block::Table { head, rows, .. } => {
                for c in head.iter_mut().chain(rows.iter_mut().flatten()) {
                    inlines(c, f);
                }
            }
            Block::Code { .. }
            | Block::Html(_)
            | Block::Math(_)
            | Block::Rule
            | Block::References(_) => {}
        }
    }
}

fn inlines(v: &mut Vec<Inline>, f: &mut dyn FnMut(&mut Vec<Inline>)) {
    for i in v.iter_mut() {
        match i {
            Inline::Emphasis(c)
            | Inline::Strong(c)
            | Inline::Strikethrough(c)
            | Inline::Superscript(c)
            | Inline::Subscript(c)
            | Inline::Link { content: c, .. } => inlines(c, f),
            _ => {}
        }
    }
    f(v);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_file_names_drop_the_number() {
        assert_eq!(title_from_stem("03-tip-01-learn"), "Tip 01 learn");
        assert_eq!(title_from_stem("introduction"), "Introduction");
        assert_eq!(title_from_stem("2024"), "2024");
    }
}
