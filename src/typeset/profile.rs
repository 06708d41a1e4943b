//! What each print-on-demand service asks of a book's PDF and cover (`pdf.profile`):
//! trims, page counts, bleed, minimum margins by page count, paper thickness for the
//! spine, where the barcode goes. Plain data and small functions over it; lengths
//! are given in inches as the services publish them and returned in points.
//!
//! Every number names its source beside it: the service's help page and what it
//! says. Where only a third party's copy of a rule could be read, the comment says
//! so ("not confirmed on the service's own page"). Knows nothing of layout or PDF:
//! the typesetter, the PDF writer and the print cover ask this table.

use crate::model::{Paper, PrintService};

use super::doc::{Edges, Pt};

/// Points in an inch.
const IN: Pt = 72.0;

/// Two trims are the same when they differ by less than this (0.01 in): services
/// round millimetre sizes to two decimals of an inch (A5 is 5.83 × 8.27).
const TRIM_TOLERANCE: Pt = 0.72;

/// How many offered trims an error about a trim names.
const NEAREST: usize = 3;

/// A trim size in inches, width × height.
type Trim = (f32, f32);

/// One service's rules.
#[derive(Debug)]
pub struct Profile {
    pub service: PrintService,
    /// The name people know it by, for messages.
    pub label: &'static str,
    /// Trim sizes offered, in inches.
    trims: &'static [Trim],
    /// Any trim within these widths and heights (inches), when the service prints
    /// custom sizes.
    custom: Option<((f32, f32), (f32, f32))>,
    /// Fewest pages.
    min_pages: usize,
    /// Most pages, on white and on cream paper.
    max_pages: (usize, usize),
    /// Trims with fewer most pages than that: (trim, (white, cream)).
    max_pages_by_trim: &'static [(Trim, (usize, usize))],
    /// Bleed beyond the trim, in inches.
    bleed: f32,
    /// Whether the bleed is also at the binding edge (else only top, bottom and
    /// outside).
    bleed_at_spine: bool,
    /// The least inner margin, by page count: (up to this many pages, inches); the
    /// last step holds beyond.
    inner: &'static [(usize, f32)],
    /// The least outer, top and bottom margins, without and with bleed (inches).
    edge: (f32, f32),
    /// Paper thickness, inches a page, on white and cream, and a constant added to
    /// the spine (the cover's own thickness where the service counts it).
    caliper: (f32, f32),
    spine_extra: f32,
    /// Spine text only from this many pages.
    spine_text_from: usize,
    /// The barcode's clear area on the back cover, inches: width, height, and its
    /// distance from the back cover's spine-side and bottom trim edges.
    barcode: (f32, f32, f32, f32),
    /// The cover's bleed on every side, inches.
    cover_bleed: f32,
    /// Link annotations and bookmarks are left out of the file.
    pub no_annotations: bool,
    pub no_outline: bool,
    /// The file should be PDF/X (1a or 3): what part of it bookbind can claim is
    /// decided by the PDF writer.
    pub wants_pdfx: bool,
}

/// The barcode's clear area on the back cover, in points: its size and its
/// distance from the back cover's trim edge at the spine and from the bottom trim.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BarcodeArea {
    pub width: Pt,
    pub height: Pt,
    pub from_spine: Pt,
    pub from_bottom: Pt,
}

// Amazon KDP, paperback.
//
// Trims, bleed and margins: "Set Trim Size, Bleed, and Margins",
// https://kdp.amazon.com/help/topic/GVBQ3CMEQW3W2VL6 . It says: pages are trimmed
// "by cutting 0.125” (3.2 mm) from the top, bottom, and outside edges"; the
// inside (gutter) margin by page count, 24–150 pages 0.375 in, 151–300 0.5 in,
// 301–500 0.625 in, 501–700 0.75 in, 701–828 0.875 in; outside, top and bottom
// margins at least 0.25 in without bleed and 0.375 in with bleed. (The page's
// introduction was read here; its tables as copied word for word by several
// third parties, e.g. publishing.co.uk/guides/kdp-margin-calculator and
// pypi.org/project/kdp-preflight-cli, all agreeing.)
//
// Standard trims: the same page's list (5 × 8 to 8.5 × 11 and A4, 8.27 × 11.69);
// custom trims 4–8.5 in wide and 6–11.69 in tall ("Any width from 4" to 8.5" …
// Any height from 6" to 11.69"", KDP's predecessor CreateSpace's "Manufacturing
// Specifications", createspace.com/Special/Enterprise/Publisher/manufacturing_specifications.jsp,
// and KDP's custom trim option as 30daypivot.com/kdp_spoke_creation describes it).
//
// Page counts: at least 24; at most 828 on white paper and 776 on cream, except
// 8.25 × 6 and 8.25 × 8.25 (800 / 750), 8.5 × 8.5 and 8.5 × 11 (590 / 550) and
// 8.27 × 11.69 (780 / 730) (KDP's "Print Options",
// https://kdp.amazon.com/help/topic/G201834180, whose table was not read here;
// as bookbolt.kb.help's "minimum/maximum number of pages" copies it, and
// kdpprintcover.com and apexauthors.com agree on 24 and 828).
//
// Spine: "white paper … 0.002252 inches per page; cream paper … 0.0025 inches
// per page" (KDP's cover calculator as pubscout.app/pages/glossary/spine-width,
// siutil.com/kdp-cover-calc and librava.ai give it; not confirmed on KDP's own
// page; kdpeasy.com adds 0.06 in for the cover, the others and KDP's templates
// do not). "To include spine text, your book must have at least 79 pages";
// "add 0.125" (3.2 mm) to the top, bottom, and outside edges of your cover"
// ("Create a Paperback Cover", https://kdp.amazon.com/help/topic/G201953020).
// Barcode: "2" × 1.2" … in the lower-right corner of the back cover … at least
// 0.25" from the spine and from every trim edge" (KDP's barcode help page as
// publishing.co.uk/guides/kdp-error-barcode-placement quotes it; not confirmed
// on KDP's own page).
//
// File: "Submitted files should not contain crop marks, trim marks, bookmarks,
// comments, invisible objects, annotations, placeholder text, or metadata" and
// "We recommend that fonts be fully embedded, rather than embedding as subsets"
// ("Save Your Manuscript File", https://kdp.amazon.com/help/topic/GYEKAVKMSE23PFTM;
// the same list in "Paperback Submission Guidelines",
// https://kdp.amazon.com/help/topic/G201857950). A recommendation: subsets are
// accepted, and bookbind keeps them (a CJK face whole is 20 MB).
const KDP: Profile = Profile {
    service: PrintService::Kdp,
    label: "Amazon KDP",
    trims: &[
        (5.0, 8.0),
        (5.06, 7.81),
        (5.25, 8.0),
        (5.5, 8.5),
        (6.0, 9.0),
        (6.14, 9.21),
        (6.69, 9.61),
        (7.0, 10.0),
        (7.44, 9.69),
        (7.5, 9.25),
        (8.0, 10.0),
        (8.25, 6.0),
        (8.25, 8.25),
        (8.5, 8.5),
        (8.5, 11.0),
        (8.27, 11.69),
    ],
    custom: Some(((4.0, 8.5), (6.0, 11.69))),
    min_pages: 24,
    max_pages: (828, 776),
    max_pages_by_trim: &[
        ((8.25, 6.0), (800, 750)),
        ((8.25, 8.25), (800, 750)),
        ((8.5, 8.5), (590, 550)),
        ((8.5, 11.0), (590, 550)),
        ((8.27, 11.69), (780, 730)),
    ],
    bleed: 0.125,
    bleed_at_spine: false,
    inner: &[
        (150, 0.375),
        (300, 0.5),
        (500, 0.625),
        (700, 0.75),
        (828, 0.875),
    ],
    edge: (0.25, 0.375),
    caliper: (0.002252, 0.0025),
    spine_extra: 0.0,
    spine_text_from: 79,
    barcode: (2.0, 1.2, 0.25, 0.25),
    cover_bleed: 0.125,
    no_annotations: true,
    no_outline: true,
    wants_pdfx: false,
};

// IngramSpark, paperback.
//
// Margins: "Margins must be a minimum of 0.5” (13mm) from final trim size on all
// sides. This includes page numbers and non-bleeding text and art"; "All fonts
// must be embedded"; "The final page should be blank. If there is no blank page,
// we'll add one for you" ("File Requirements for Print Books",
// https://www.ingramspark.com/blog/file-requirements-for-print-books). "For
// interior pages, we recommend at least .50” from trim marks" ("Manufacturing
// and File Setup Tips",
// https://help.ingramspark.com/hc/en-us/articles/5338636202637-Manufacturing-and-File-Setup-Tips).
// Ingram publishes no inner margin that grows with the page count: 0.5 in for all.
//
// Bleed 0.125 in on top, bottom and outside, none at the binding; PDF/X-1a:2001
// or PDF/X-3:2002 (the "File Creation Guide", which must be downloaded from an
// IngramSpark account; as docs.rs/kernsetzer-model's presets and
// selfpublishingreview.com's summary of it give it: not confirmed on Ingram's
// own page).
//
// Page counts 18 to 1200 on white, 1050 on creme (the trim size matrix as
// docs.rs/kernsetzer-model gives it: 18 and 1050 from there, 1200 not
// confirmed). Paper: 440 pages an inch on white, 430 on creme
// (erelisdesign.com/post/book-spine-width-explained; not confirmed: Ingram's
// cover template generator gives the exact spine). Spine text from 48 pages
// (bookcoverslab.com; not confirmed). Barcode area 2 × 1.2 in at the bottom
// right of the back cover (cambric.pages.dev's Ingram guide; not confirmed:
// the cover template generator places it).
//
// Trims: the common sizes Ingram prints in black and white (its trim size list
// is in the File Creation Guide; these are the sizes KDP and Lulu share with it,
// plus A5 and A4: not confirmed one by one).
const INGRAM: Profile = Profile {
    service: PrintService::Ingram,
    label: "IngramSpark",
    trims: &[
        (4.25, 7.0),
        (5.0, 8.0),
        (5.06, 7.81),
        (5.25, 8.0),
        (5.5, 8.5),
        (5.83, 8.27),
        (6.0, 9.0),
        (6.14, 9.21),
        (6.69, 9.61),
        (7.0, 10.0),
        (7.44, 9.69),
        (7.5, 9.25),
        (8.0, 10.0),
        (8.25, 11.0),
        (8.5, 8.5),
        (8.5, 11.0),
        (8.27, 11.69),
    ],
    custom: None,
    min_pages: 18,
    max_pages: (1200, 1050),
    max_pages_by_trim: &[],
    bleed: 0.125,
    bleed_at_spine: false,
    inner: &[(usize::MAX, 0.5)],
    edge: (0.5, 0.5),
    caliper: (1.0 / 440.0, 1.0 / 430.0),
    spine_extra: 0.0,
    spine_text_from: 48,
    barcode: (2.0, 1.2, 0.25, 0.25),
    cover_bleed: 0.125,
    no_annotations: true,
    no_outline: false,
    wants_pdfx: true,
};

// Lulu, paperback (perfect bound).
//
// Bleed and margins: "Images, text, or other elements that are intended to extend
// to the edge of the page must fill the bleed area, 0.125 in (3.18 mm) past the
// trim edge on every side"; "Text and other important elements should be placed
// within the Safety Margin which is 0.5 in (12.7 mm) inside the Trim Edge"; with
// bleed, "Page size must be 0.25 in (6.35 mm) larger in both width and height"
// ("How do I make my content cover the whole page? What is bleed?",
// https://help.lulu.com/en/support/solutions/articles/64000255584). "Leave at
// least 0.5 in margins on all your pages. Most books will require a gutter of
// 0.2 - 0.3 in" ("Tips for formatting documents",
// https://help.lulu.com/en/support/solutions/articles/64000255583): the gutter is
// advice, the 0.5 in the minimum.
//
// Spine: "For Softcover Perfect Bound: (pages / 444) + 0.06” = Spine Width"
// ("How is spine width calculated?",
// https://help.api.lulu.com/en/support/solutions/articles/64000254616): the
// same for every paper. "Paperback covers use a formula and require a minimum
// of 32 pages" (Lulu's spine width calculator PDF, scribd.com/document/513281500).
// At most 800 pages (the end of the same page's table; not confirmed for
// paperbacks). Spine text from 80 pages and the barcode area (2 × 1.2 in at the
// bottom right of the back cover): not confirmed.
//
// Trims: US Trade 6 × 9, Digest 5.5 × 8.5, Novella 5 × 8, Pocket Book 4.25 ×
// 6.875 (greyscalepress.com quoting Lulu), A5, Royal 6.14 × 9.21, Comic 6.625 ×
// 10.25, Executive 7 × 10, Crown Quarto 7.44 × 9.68, squares 7.5 and 8.5, US
// Letter, A4 (Lulu's product list; not confirmed one by one).
const LULU: Profile = Profile {
    service: PrintService::Lulu,
    label: "Lulu",
    trims: &[
        (4.25, 6.875),
        (5.0, 8.0),
        (5.5, 8.5),
        (5.83, 8.27),
        (6.0, 9.0),
        (6.14, 9.21),
        (6.625, 10.25),
        (7.0, 10.0),
        (7.44, 9.68),
        (7.5, 7.5),
        (8.5, 8.5),
        (8.5, 11.0),
        (8.27, 11.69),
    ],
    custom: None,
    min_pages: 32,
    max_pages: (800, 800),
    max_pages_by_trim: &[],
    bleed: 0.125,
    bleed_at_spine: true,
    inner: &[(usize::MAX, 0.5)],
    edge: (0.5, 0.5),
    caliper: (1.0 / 444.0, 1.0 / 444.0),
    spine_extra: 0.06,
    spine_text_from: 80,
    barcode: (2.0, 1.2, 0.25, 0.25),
    cover_bleed: 0.125,
    no_annotations: true,
    no_outline: false,
    wants_pdfx: false,
};

impl Profile {
    /// The rules of a service.
    pub fn of(service: PrintService) -> &'static Profile {
        match service {
            PrintService::Kdp => &KDP,
            PrintService::Ingram => &INGRAM,
            PrintService::Lulu => &LULU,
        }
    }

    /// The least inner (gutter) margin for a book of `pages` pages.
    pub fn min_inner(&self, pages: usize) -> Pt {
        let step = self
            .inner
            .iter()
            .find(|(upto, _)| pages <= *upto)
            .or(self.inner.last());
        step.map_or(0.0, |(_, inches)| inches * IN)
    }

    /// The page count from which the next larger inner margin holds, if any: the
    /// step a growing book would cross.
    pub fn next_step(&self, pages: usize) -> Option<usize> {
        self.inner
            .iter()
            .find(|(upto, _)| pages <= *upto)
            .and_then(|(upto, _)| upto.checked_add(1))
            .filter(|_| self.inner.iter().any(|(upto, _)| *upto > pages))
    }

    /// The least outer, top and bottom margin, measured from the trim.
    pub fn min_edge(&self, bleed: bool) -> Pt {
        (if bleed { self.edge.1 } else { self.edge.0 }) * IN
    }

    /// Fewest and most pages on this paper, at this trim (points).
    pub fn page_limits(&self, paper: Paper, width: Pt, height: Pt) -> (usize, usize) {
        let (white, cream) = self
            .max_pages_by_trim
            .iter()
            .find(|(trim, _)| same_trim(trim, width, height))
            .map_or(self.max_pages, |(_, max)| *max);
        let max = match paper {
            Paper::White => white,
            Paper::Cream => cream,
        };
        (self.min_pages, max)
    }

    /// The interior's bleed beyond the trim.
    pub fn bleed(&self) -> Pt {
        self.bleed * IN
    }

    /// The bleed on each edge of page `index`, for a book whose right-hand pages
    /// are those `right_hand` says: the outside edge is the right of a right-hand
    /// page and the left of a left-hand one; the binding edge gets bleed only
    /// where the service wants it there too.
    pub fn page_bleed(&self, right_hand: bool) -> Edges {
        let b = self.bleed();
        let spine = if self.bleed_at_spine { b } else { 0.0 };
        let (left, right) = if right_hand { (spine, b) } else { (b, spine) };
        Edges {
            left,
            right,
            top: b,
            bottom: b,
        }
    }

    /// The spine's width for a book of `pages` pages on `paper`.
    pub fn spine_width(&self, pages: usize, paper: Paper) -> Pt {
        let caliper = match paper {
            Paper::White => self.caliper.0,
            Paper::Cream => self.caliper.1,
        };
        (pages as f32 * caliper + self.spine_extra) * IN
    }

    /// Whether the spine may carry text (title, author) at this page count.
    pub fn spine_text_allowed(&self, pages: usize) -> bool {
        pages >= self.spine_text_from
    }

    /// The cover's bleed, on every side of the whole cover.
    pub fn cover_bleed(&self) -> Pt {
        self.cover_bleed * IN
    }

    /// Where the barcode goes on the back cover: keep it clear.
    pub fn barcode_area(&self) -> BarcodeArea {
        let (width, height, from_spine, from_bottom) = self.barcode;
        BarcodeArea {
            width: width * IN,
            height: height * IN,
            from_spine: from_spine * IN,
            from_bottom: from_bottom * IN,
        }
    }

    /// The whole cover, bleed included: back, spine and front side by side.
    pub fn cover_size(&self, trim: (Pt, Pt), pages: usize, paper: Paper) -> (Pt, Pt) {
        let bleed = self.cover_bleed();
        (
            2.0 * trim.0 + self.spine_width(pages, paper) + 2.0 * bleed,
            trim.1 + 2.0 * bleed,
        )
    }

    /// Whether the service prints this trim (points): one of its sizes, or within
    /// its custom range.
    pub fn offers(&self, width: Pt, height: Pt) -> bool {
        let same = |trim: &Trim| same_trim(trim, width, height);
        let custom = self.custom.is_some_and(|((w0, w1), (h0, h1))| {
            let (w, h) = (width / IN, height / IN);
            w >= w0 - 0.005 && w <= w1 + 0.005 && h >= h0 - 0.005 && h <= h1 + 0.005
        });
        self.trims.iter().any(same) || custom
    }

    /// The offered trims nearest to this one (points), nearest first, as text
    /// (`6 × 9 in`), and the custom range when there is one.
    pub fn nearest_trims(&self, width: Pt, height: Pt) -> Vec<String> {
        let mut trims: Vec<&Trim> = self.trims.iter().collect();
        let distance = |(w, h): &Trim| (w * IN - width).abs() + (h * IN - height).abs();
        trims.sort_by(|a, b| distance(a).total_cmp(&distance(b)));
        trims
            .into_iter()
            .take(NEAREST)
            .map(|(w, h)| format!("{w} × {h} in"))
            .collect()
    }

    /// The custom range, in words, when the service prints custom trims.
    pub fn custom_range(&self) -> Option<String> {
        self.custom
            .map(|((w0, w1), (h0, h1))| format!("{w0}–{w1} in wide and {h0}–{h1} in tall"))
    }
}

/// Whether a trim in inches is this one in points.
fn same_trim((w, h): &Trim, width: Pt, height: Pt) -> bool {
    (w * IN - width).abs() < TRIM_TOLERANCE && (h * IN - height).abs() < TRIM_TOLERANCE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inches(pt: Pt) -> f32 {
        (pt / IN * 10000.0).round() / 10000.0
    }

    #[test]
    fn kdp_inner_margin_follows_the_page_count_table() {
        let kdp = Profile::of(PrintService::Kdp);
        for (pages, want) in [
            (24, 0.375),
            (150, 0.375),
            (151, 0.5),
            (300, 0.5),
            (301, 0.625),
            (500, 0.625),
            (501, 0.75),
            (700, 0.75),
            (701, 0.875),
            (828, 0.875),
        ] {
            assert_eq!(inches(kdp.min_inner(pages)), want, "{pages} pages");
        }
        assert_eq!(kdp.next_step(140), Some(151));
        assert_eq!(kdp.next_step(828), None);
        assert_eq!(inches(kdp.min_edge(false)), 0.25);
        assert_eq!(inches(kdp.min_edge(true)), 0.375);
    }

    #[test]
    fn spine_width_is_the_page_count_times_the_paper() {
        let kdp = Profile::of(PrintService::Kdp);
        assert_eq!(inches(kdp.spine_width(200, Paper::White)), 0.4504);
        assert_eq!(inches(kdp.spine_width(200, Paper::Cream)), 0.5);
        let lulu = Profile::of(PrintService::Lulu);
        // (444 / 444) + 0.06
        assert_eq!(inches(lulu.spine_width(444, Paper::White)), 1.06);
        assert!(!kdp.spine_text_allowed(78) && kdp.spine_text_allowed(79));
        assert_eq!(kdp.page_limits(Paper::Cream, 432.0, 648.0), (24, 776));
        assert_eq!(kdp.page_limits(Paper::White, 612.0, 792.0), (24, 590));
        // 2 × 6 in + spine + 2 × 0.125 in.
        let (w, h) = kdp.cover_size((432.0, 648.0), 200, Paper::White);
        assert_eq!(inches(w), 12.7004);
        assert_eq!(inches(h), 9.25);
    }

    #[test]
    fn bleed_is_on_the_outside_edge_of_each_page_and_not_at_the_spine_for_kdp() {
        let kdp = Profile::of(PrintService::Kdp);
        let recto = kdp.page_bleed(true);
        assert_eq!((recto.left, recto.right, recto.top), (0.0, 9.0, 9.0));
        let verso = kdp.page_bleed(false);
        assert_eq!((verso.left, verso.right, verso.bottom), (9.0, 0.0, 9.0));
        let lulu = Profile::of(PrintService::Lulu).page_bleed(true);
        assert_eq!((lulu.left, lulu.right), (9.0, 9.0));
    }

    #[test]
    fn trims_offered_and_the_nearest_when_not() {
        let kdp = Profile::of(PrintService::Kdp);
        assert!(kdp.offers(432.0, 648.0));
        // A5 is within KDP's custom range.
        assert!(kdp.offers(419.53, 595.28));
        assert!(!kdp.offers(10.0 * IN, 12.0 * IN));
        let ingram = Profile::of(PrintService::Ingram);
        assert!(ingram.offers(419.53, 595.28), "A5");
        assert!(!ingram.offers(6.2 * IN, 9.0 * IN));
        assert_eq!(ingram.nearest_trims(6.2 * IN, 9.0 * IN)[0], "6 × 9 in");
        assert_eq!(
            kdp.barcode_area(),
            BarcodeArea {
                width: 144.0,
                height: 86.4,
                from_spine: 18.0,
                from_bottom: 18.0
            }
        );
    }
}
