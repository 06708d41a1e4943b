#!/usr/bin/env bash
# bench-compare.sh - times `bookbind build` against pandoc 3.9 (EPUB) and pandoc's
# Typst writer + Typst (PDF), whole processes, on the guide and on a large book.
#
#   bash scripts/bench-compare.sh [-n RUNS] [--warmup K] [--only guide|novel]
#                                 [--novel DIR] [--no-build]
#
#   -n RUNS      timed runs of each command (default 5; env RUNS)
#   --warmup K   untimed rounds first, to fill the page cache (default 1)
#   --only X     only the guide or only the large book
#   --novel DIR  the large book (a bookbind folder with book.yaml). Default:
#                ../shared/corpus/novel if it holds a book.yaml, else a 3.3 MB
#                stand-in written by scripts/make-standin.sh into a temporary folder
#   --no-build   use target/release/bookbind as it is (default: `cargo build --release`)
#   --no-scale   skip the linear-scale runs: bookbind alone on the large book copied
#                x2 and x4 (every chapter file twice, four times), which issue 5 wants
#                within 10% of 2x and 4x the time of x1 (done by default with the
#                large book)
#
# Runs alternate: each round runs every command once, in turn, so that a slow patch of
# the machine hits every tool alike. Wall time is bash's $EPOCHREALTIME around
# `/usr/bin/time`; peak RSS is GNU time's %M (the largest process of the command's
# tree). Prints the median of each, then ratios and a table like issue 5's.
#
# Tools (env overrides): BOOKBIND (default target/release/bookbind), PANDOC (default
# /opt/verify-venv/lib/python3*/site-packages/pypandoc/files/pandoc, pandoc 3.9),
# TYPST (default /opt/typst-cli/bin/typst, else ../shared/tools/typst-shim/typst, the
# PyPI typst binding). ../shared/tools/install-validators.sh installs pandoc 3.9 and
# the shim (as root).
#
# What each tool is given: bookbind the book folder. pandoc the same Markdown files in
# book order (front/, chapters/, back/, each sorted), the title and language from
# book.yaml, --toc. The EPUB has no --citeproc (pandoc cannot read the hayagriva YAML
# bibliography), so the guide's few citations stay text there; for the PDF, the
# bibliography goes to Typst, which reads hayagriva and sets the citations. The PDF path is
# `pandoc -s -t typst -o book.typ` then `typst compile book.typ book.pdf`; their sum
# is "pandoc -> Typst PDF", the second alone is "Typst alone". Typst's page is
# pandoc's default (US Letter); bookbind's is the book's trim (6x9 in by default).
set -euo pipefail

RUNS=${RUNS:-5} WARMUP=1 ONLY="" NOVEL="" BUILD=1 SCALE=1
while [ $# -gt 0 ]; do
  case "$1" in
    -n) RUNS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --novel) NOVEL=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --no-scale) SCALE=0; shift ;;
    -h|--help) sed -n '2,37p' "$0"; exit 0 ;;
    *) echo "bench-compare: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$RUNS" in '' | *[!0-9]* | 0) echo "bench-compare: -n wants a positive number" >&2; exit 2 ;; esac
case "$WARMUP" in '' | *[!0-9]*) echo "bench-compare: --warmup wants a number" >&2; exit 2 ;; esac
case "$ONLY" in '' | guide | novel) ;; *) echo "bench-compare: --only guide|novel" >&2; exit 2 ;; esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=$ROOT/../shared
die() { printf 'bench-compare: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------------ tools
[ -n "${EPOCHREALTIME:-}" ] || die "needs bash 5 or newer (for \$EPOCHREALTIME)"
TIME=/usr/bin/time
[ -x "$TIME" ] || die "GNU time not found at $TIME (apt-get install time)"
"$TIME" -f '%M' -o /dev/null true 2>/dev/null || die "$TIME does not take -f/-o: GNU time is needed"

if [ -z "${PANDOC:-}" ]; then
  PANDOC=$(ls /opt/verify-venv/lib/python3*/site-packages/pypandoc/files/pandoc 2>/dev/null | tail -1 || true)
fi
[ -n "$PANDOC" ] && [ -x "$PANDOC" ] ||
  die "pandoc 3.9 not found (looked for /opt/verify-venv/lib/python3*/site-packages/pypandoc/files/pandoc; set PANDOC=...). Install it with ../shared/tools/install-validators.sh (as root)."
PANDOC_VERSION=$("$PANDOC" --version | head -1) || die "$PANDOC --version failed"
case "$PANDOC_VERSION" in
  "pandoc 3.9"*) ;;
  *) echo "bench-compare: warning: $PANDOC is $PANDOC_VERSION, not pandoc 3.9" >&2 ;;
esac

if [ -z "${TYPST:-}" ]; then
  if [ -x /opt/typst-cli/bin/typst ]; then TYPST=/opt/typst-cli/bin/typst
  else TYPST=$SHARED/tools/typst-shim/typst; fi
fi
[ -x "$TYPST" ] ||
  die "typst not found (looked for /opt/typst-cli/bin/typst and $SHARED/tools/typst-shim/typst; set TYPST=...). Install it with ../shared/tools/install-validators.sh (as root)."
TYPST_VERSION=$("$TYPST" --version 2>&1 | head -1) ||
  die "$TYPST --version failed: $TYPST_VERSION (the shim needs /opt/verify-venv with the typst package)"

if [ -z "${BOOKBIND:-}" ]; then
  BOOKBIND=$ROOT/target/release/bookbind
  if [ "$BUILD" = 1 ]; then
    command -v cargo >/dev/null || die "cargo not found: install Rust, or pass --no-build with a built target/release/bookbind"
    echo "== cargo build --release --bin bookbind" >&2
    (cd "$ROOT" && cargo build --release --bin bookbind) || die "cargo build --release failed"
  fi
fi
[ -x "$BOOKBIND" ] || die "bookbind not found at $BOOKBIND (run cargo build --release, or drop --no-build)"

# ------------------------------------------------------------------ books
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench-compare.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

NOVEL_LABEL=""
if [ "$ONLY" != guide ]; then
  if [ -n "$NOVEL" ]; then
    [ -f "$NOVEL/book.yaml" ] || die "--novel $NOVEL has no book.yaml"
    NOVEL_LABEL="$NOVEL"
  elif [ -f "$SHARED/corpus/novel/book.yaml" ]; then
    NOVEL=$SHARED/corpus/novel
    NOVEL_LABEL="../shared/corpus/novel"
  else
    NOVEL=$WORK/novel
    bash "$ROOT/scripts/make-standin.sh" "$NOVEL" >/dev/null || die "make-standin.sh failed"
    NOVEL_LABEL="stand-in (scripts/make-standin.sh; ../shared/corpus/novel is absent)"
  fi
fi

# The Markdown files of a book in book order, for pandoc: front/, chapters/, back/.
book_files() {
  local d
  for d in front chapters back; do
    [ -d "$1/$d" ] && find "$1/$d" -maxdepth 1 -name '*.md' | LC_ALL=C sort
  done
  return 0
}

# pandoc metadata files from book.yaml in OUT: meta.yaml (title, language) for the
# EPUB, meta-typst.yaml with the bibliography too, copied next to the Typst source
# (Typst reads hayagriva YAML and BibLaTeX itself and resolves pandoc's @key citations).
pandoc_meta() {
  local title lang bib
  title=$(sed -n 's/^title:[[:space:]]*//p' "$1/book.yaml" | head -1 | sed 's/^"\(.*\)"$/\1/')
  lang=$(sed -n 's/^language:[[:space:]]*//p' "$1/book.yaml" | head -1)
  bib=$(sed -n 's/^bibliography:[[:space:]]*//p' "$1/book.yaml" | head -1 | sed 's/^"\(.*\)"$/\1/')
  printf -- '---\ntitle: "%s"\nlang: %s\n---\n' "${title//\"/\\\"}" "${lang:-en}" > "$2/meta.yaml"
  if [ -n "$bib" ] && [ -f "$1/$bib" ]; then
    cp "$1/$bib" "$2/bibliography.${bib##*.}"
    printf -- '---\ntitle: "%s"\nlang: %s\nbibliography: bibliography.%s\n---\n' \
      "${title//\"/\\\"}" "${lang:-en}" "${bib##*.}" > "$2/meta-typst.yaml"
  else
    cp "$2/meta.yaml" "$2/meta-typst.yaml"
  fi
}

# ------------------------------------------------------------------ measuring
declare -A T M          # T[book,cmd] = "s s s ..." ; M[book,cmd] = "kb kb ..." (one per run)
declare -A MED_T MED_M SIZE BOOKDIR

# args BOOK CMD: the command line of CMD on BOOK into ARGS (absolute paths, no cd, no
# shell between GNU time and the tool).
args() {
  local dir=${BOOKDIR[$1]} out=$WORK/out-$1
  case "$2" in
    bb_both) ARGS=("$BOOKBIND" build "$dir" --out "$out/bb-both" --format epub,pdf) ;;
    bb_epub) ARGS=("$BOOKBIND" build "$dir" --out "$out/bb-epub" --format epub) ;;
    bb_pdf)  ARGS=("$BOOKBIND" build "$dir" --out "$out/bb-pdf" --format pdf) ;;
    pandoc_epub) ARGS=("$PANDOC" "$out/meta.yaml" "${FILES[@]}" --resource-path="$dir" --toc -o "$out/pandoc.epub") ;;
    pandoc_typ)  ARGS=("$PANDOC" "$out/meta-typst.yaml" "${FILES[@]}" --resource-path="$dir" --toc -s -t typst -o "$out/pandoc.typ") ;;
    typst) ARGS=("$TYPST" compile "$out/pandoc.typ" "$out/pandoc.pdf") ;;
  esac
}
CMDS=(bb_both bb_epub bb_pdf pandoc_epub pandoc_typ typst)
declare -A LABEL=(
  [bb_both]="bookbind build (EPUB + PDF)"
  [bb_epub]="bookbind build --format epub"
  [bb_pdf]="bookbind build --format pdf"
  [pandoc_epub]="pandoc 3.9 -> EPUB"
  [pandoc_typ]="pandoc 3.9 -> Typst source"
  [typst]="typst compile (Typst alone)"
  [pandoc_pdf]="pandoc -> Typst PDF (sum)"
)

# measure BOOK CMD RECORD(0/1): one run, timed; on failure show its output and stop.
measure() {
  local book=$1 cmd=$2 record=$3 t0 t1 rss
  args "$book" "$cmd"
  t0=$EPOCHREALTIME
  if ! "$TIME" -f '%M' -o "$WORK/rss" "${ARGS[@]}" >"$WORK/log" 2>&1; then
    echo >&2
    echo "bench-compare: ${LABEL[$cmd]} failed on the $book: ${ARGS[*]:0:3} ..." >&2
    tail -20 "$WORK/log" >&2
    exit 1
  fi
  t1=$EPOCHREALTIME
  rss=$(tail -1 "$WORK/rss")
  if [ "$record" = 1 ]; then
    T[$book,$cmd]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }') "
    M[$book,$cmd]+="$rss "
  fi
}

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan"; exit }
  if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The wrapper's own cost: GNU time running `true`, timed the same way.
overhead() {
  local i t0 t1 all=""
  for i in 1 2 3 4 5; do
    t0=$EPOCHREALTIME; "$TIME" -f '%M' -o /dev/null true; t1=$EPOCHREALTIME
    all+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }') "
  done
  echo "$all" | median
}

BOOKS=()
[ "$ONLY" != novel ] && { BOOKS+=(guide); BOOKDIR[guide]=$ROOT/book; }
[ "$ONLY" != guide ] && { BOOKS+=(novel); BOOKDIR[novel]=$NOVEL; }

echo "bench-compare: $(nproc) cores; $RUNS timed runs each, $WARMUP warm-up round(s), alternating"
echo "  bookbind: $BOOKBIND ($("$BOOKBIND" --version 2>/dev/null || echo '?'))"
echo "  pandoc:   $PANDOC ($PANDOC_VERSION)"
echo "  typst:    $TYPST ($TYPST_VERSION)"
printf '  timing wrapper (GNU time starting a program, included in every figure): %.1f ms\n' \
  "$(awk -v s="$(overhead)" 'BEGIN { print s * 1000 }')"

for book in "${BOOKS[@]}"; do
  dir=${BOOKDIR[$book]}
  mapfile -t FILES < <(book_files "$dir")
  [ ${#FILES[@]} -gt 0 ] || die "no Markdown files under $dir/{front,chapters,back}"
  mkdir -p "$WORK/out-$book"
  pandoc_meta "$dir" "$WORK/out-$book"
  bytes=$(cat "${FILES[@]}" | wc -c)
  label=$([ "$book" = guide ] && echo "the guide (book/)" || echo "$NOVEL_LABEL")
  SIZE[$book]=$(awk -v b="$bytes" 'BEGIN { if (b >= 1e6) printf "%.1f MB", b / 1e6; else printf "%d KB", b / 1e3 }')
  printf '\n== %s: %s, %s of Markdown in %d files\n' "$book" "$label" "${SIZE[$book]}" ${#FILES[@]}
  total=$((WARMUP + RUNS))
  for ((r = 1; r <= total; r++)); do
    record=$((r > WARMUP ? 1 : 0))
    printf '  round %d/%d%s ...' "$r" "$total" "$([ $record = 0 ] && echo ' (warm-up)')"
    for cmd in "${CMDS[@]}"; do measure "$book" "$cmd" "$record"; done
    # pandoc -> Typst PDF is the two steps of this round together.
    if [ $record = 1 ]; then
      a=$(echo "${T[$book,pandoc_typ]}" | awk '{ print $NF }'); b=$(echo "${T[$book,typst]}" | awk '{ print $NF }')
      T[$book,pandoc_pdf]+="$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f", a + b }') "
      a=$(echo "${M[$book,pandoc_typ]}" | awk '{ print $NF }'); b=$(echo "${M[$book,typst]}" | awk '{ print $NF }')
      M[$book,pandoc_pdf]+="$((a > b ? a : b)) "
    fi
    echo " done"
  done
  pages=""
  if command -v pdfinfo >/dev/null; then
    p1=$(pdfinfo "$WORK/out-$book/bb-pdf/"*.pdf 2>/dev/null | awk '/^Pages:/ { print $2 }')
    p2=$(pdfinfo "$WORK/out-$book/pandoc.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
    pages=" (pages: bookbind ${p1:-?}, Typst ${p2:-?})"
  fi
  printf '\n  %-32s %10s %10s %12s   %s\n' "command" "median s" "min s" "peak RSS MB" "runs (s)"
  for cmd in "${CMDS[@]}" pandoc_pdf; do
    med=$(echo "${T[$book,$cmd]}" | median)
    min=$(echo "${T[$book,$cmd]}" | tr ' ' '\n' | grep . | sort -g | head -1)
    rss=$(echo "${M[$book,$cmd]}" | median)
    printf '  %-32s %10.3f %10.3f %12.0f   %s\n' "${LABEL[$cmd]}" "$med" "$min" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "${T[$book,$cmd]}"
    MED_T[$book,$cmd]=$med
    MED_M[$book,$cmd]=$(awk -v k="$rss" 'BEGIN { print k / 1024 }')
  done
  echo "  ${pages# }"
done

# ------------------------------------------------------------------ ratios and the table
r() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
s() { awk -v a="$1" 'BEGIN { printf (a < 1 ? "%.3f s" : "%.2f s"), a }'; }
mb() { awk -v a="$1" 'BEGIN { printf "%.0f MB", a }'; }

echo
echo "== ratios (bookbind / other; below 1 means bookbind is faster or smaller)"
for book in "${BOOKS[@]}"; do
  printf '  %s:\n' "$book"
  printf '    EPUB:  bookbind --format epub / pandoc EPUB          time %s  RSS %s\n' \
    "$(r "${MED_T[$book,bb_epub]}" "${MED_T[$book,pandoc_epub]}")" "$(r "${MED_M[$book,bb_epub]}" "${MED_M[$book,pandoc_epub]}")"
  printf '    PDF:   bookbind --format pdf / pandoc -> Typst PDF   time %s  RSS %s\n' \
    "$(r "${MED_T[$book,bb_pdf]}" "${MED_T[$book,pandoc_pdf]}")" "$(r "${MED_M[$book,bb_pdf]}" "${MED_M[$book,pandoc_pdf]}")"
  printf '    PDF:   bookbind --format pdf / Typst alone           time %s  RSS %s\n' \
    "$(r "${MED_T[$book,bb_pdf]}" "${MED_T[$book,typst]}")" "$(r "${MED_M[$book,bb_pdf]}" "${MED_M[$book,typst]}")"
  both_other=$(awk -v a="${MED_T[$book,pandoc_epub]}" -v b="${MED_T[$book,pandoc_pdf]}" 'BEGIN { print a + b }')
  printf '    both:  bookbind (EPUB + PDF) / (pandoc EPUB + pandoc -> Typst PDF)  time %s;  RSS / Typst alone %s\n' \
    "$(r "${MED_T[$book,bb_both]}" "$both_other")" "$(r "${MED_M[$book,bb_both]}" "${MED_M[$book,typst]}")"
done

echo
echo "== summary (medians of $RUNS runs, whole process, wall time and peak RSS)"
echo
echo "| input | bookbind, both editions | pandoc 3.9 -> EPUB | pandoc -> Typst PDF | Typst alone | bookbind/pandoc: EPUB only | bookbind/typst: PDF only (time vs pandoc -> Typst, RSS vs Typst alone) | both editions / (pandoc EPUB + pandoc -> Typst PDF) |"
echo "|---|---|---|---|---|---|---|---|"
for book in "${BOOKS[@]}"; do
  name=$([ "$book" = guide ] && echo "the guide (${SIZE[$book]})" || echo "large book (${SIZE[$book]})")
  both_other=$(awk -v a="${MED_T[$book,pandoc_epub]}" -v b="${MED_T[$book,pandoc_pdf]}" 'BEGIN { print a + b }')
  printf '| %s | %s, %s | %s, %s | %s, %s | %s, %s | %s× time, %s× RSS | %s× time, %s× RSS | %s× time |\n' "$name" \
    "$(s "${MED_T[$book,bb_both]}")" "$(mb "${MED_M[$book,bb_both]}")" \
    "$(s "${MED_T[$book,pandoc_epub]}")" "$(mb "${MED_M[$book,pandoc_epub]}")" \
    "$(s "${MED_T[$book,pandoc_pdf]}")" "$(mb "${MED_M[$book,pandoc_pdf]}")" \
    "$(s "${MED_T[$book,typst]}")" "$(mb "${MED_M[$book,typst]}")" \
    "$(r "${MED_T[$book,bb_epub]}" "${MED_T[$book,pandoc_epub]}")" "$(r "${MED_M[$book,bb_epub]}" "${MED_M[$book,pandoc_epub]}")" \
    "$(r "${MED_T[$book,bb_pdf]}" "${MED_T[$book,pandoc_pdf]}")" "$(r "${MED_M[$book,bb_pdf]}" "${MED_M[$book,typst]}")" \
    "$(r "${MED_T[$book,bb_both]}" "$both_other")"
done

echo
echo "== issue 15 targets (bookbind, both editions)"
for book in "${BOOKS[@]}"; do
  if [ "$book" = guide ]; then tt=0.030 tm=40; else tt=0.8 tm=150; fi
  awk -v b="$book" -v t="${MED_T[$book,bb_both]}" -v m="${MED_M[$book,bb_both]}" -v tt="$tt" -v tm="$tm" 'BEGIN {
    printf "  %-6s wall %.3f s (target <= %s s: %s), peak RSS %.0f MB (target <= %s MB: %s)\n",
      b, t, tt, (t <= tt ? "met" : "NOT met"), m, tm, (m <= tm ? "met" : "NOT met") }'
done

# ------------------------------------------------------------------ linear scale
# The large book x2 and x4: a copy of its folder with every Markdown file under
# chapters/ written K times (NAME.md, NAME.copy2.md, ...). Needs a chapters glob in
# book.yaml, as the stand-in and a folder of chapters have.
scaled() {
  local k=$1 out=$WORK/scale-x$1 f i
  cp -r "$NOVEL" "$out"
  for f in "$out"/chapters/*.md; do
    for ((i = 2; i <= k; i++)); do cp "$f" "${f%.md}.copy$i.md"; done
  done
  echo "$out"
}

if [ "$ONLY" != guide ] && [ "$SCALE" = 1 ]; then
  if ! grep -q 'chapters/\*' "$NOVEL/book.yaml"; then
    echo
    echo "== linear scale: skipped ($NOVEL/book.yaml lists its chapters one by one; copies would not be read)"
  else
    echo
    echo "== linear scale: bookbind (EPUB + PDF) on the large book x1, x2, x4; $RUNS runs each, alternating"
    BOOKDIR[x1]=$NOVEL
    BOOKDIR[x2]=$(scaled 2)
    BOOKDIR[x4]=$(scaled 4)
    total=$((WARMUP + RUNS))
    for ((r = 1; r <= total; r++)); do
      record=$((r > WARMUP ? 1 : 0))
      printf '  round %d/%d%s ...' "$r" "$total" "$([ $record = 0 ] && echo ' (warm-up)')"
      for x in x1 x2 x4; do mkdir -p "$WORK/out-$x"; measure "$x" bb_both "$record"; done
      echo " done"
    done
    t1=$(echo "${T[x1,bb_both]}" | median); m1=$(echo "${M[x1,bb_both]}" | median)
    for x in x1 x2 x4; do
      k=${x#x}
      t=$(echo "${T[$x,bb_both]}" | median); m=$(echo "${M[$x,bb_both]}" | median)
      bytes=$(cat "${BOOKDIR[$x]}"/chapters/*.md | wc -c)
      awk -v x="$x" -v k="$k" -v t="$t" -v m="$m" -v t1="$t1" -v m1="$m1" -v b="$bytes" -v runs="${T[$x,bb_both]}" 'BEGIN {
        tr = t / t1; mr = m / m1
        printf "  %s  %5.1f MB of chapters  %7.3f s  %5.2fx the time of x1", x, b / 1e6, t, tr
        if (k > 1) printf " (target within 10%% of %dx: %s)", k, (tr <= k * 1.1 && tr >= k * 0.9 ? "met" : (tr < k * 0.9 ? "met, faster than linear" : "NOT met"))
        printf "  %6.0f MB  %5.2fx the memory of x1", m / 1024, mr
        if (k > 1) printf " (no faster than the input: %s)", (mr <= k * 1.1 ? "met" : "NOT met")
        printf "   runs (s): %s\n", runs
      }'
    done
  fi
fi
