#!/usr/bin/env bash
# make-standin.sh OUT_DIR [CHAPTERS=415] [GUIDE_DIR=book]
#
# Writes a large book for benchmarks into OUT_DIR (book.yaml + chapters/NNNN.md): a
# stand-in for the novel corpus (../shared/corpus/novel, 3.3 MB, 387 chapters) when
# that corpus is not on the machine. The recipe, the same bytes as benches/pipeline.rs
# writes:
#   - the guide's chapters in order, cycling, four to a generated chapter, with two
#     blank lines between them, under a "# Chapter N" title;
#   - their "# " titles demoted to "## ";
#   - citations removed ("[...@...]" groups and bare "@key"), and the link to the
#     reading list (not in the stand-in) reduced to its text; no bibliography.
# 415 chapters are 3.3 MB of Markdown.
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,13p' "$0" >&2; exit 2; }
OUT=$1
CHAPTERS=${2:-415}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
GUIDE=${3:-$ROOT/book}
[ -d "$GUIDE/chapters" ] || { echo "make-standin: no chapters in $GUIDE" >&2; exit 1; }
if [ -e "$OUT/book.yaml" ]; then echo "make-standin: $OUT already holds a book" >&2; exit 1; fi
mkdir -p "$OUT/chapters"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
texts=()
i=0
for f in "$GUIDE"/chapters/*.md; do
  LC_ALL=C sed -E \
    -e 's#\[Reading list\]\(\.\./back/reading-list\.md\)#Reading list#g' \
    -e 's/^# /## /' \
    -e 's/\[[^]@]*@[^]]*\]//g' \
    -e 's/@[[:alnum:]_]+//g' "$f" > "$T/$i"
  texts+=("$T/$i"); i=$((i + 1))
done
n=${#texts[@]}
printf 'title: A Long Book\nauthors: [Test]\ndate: 2026-01-01\nchapters: [chapters/*.md]\n' > "$OUT/book.yaml"
for ((c = 1; c <= CHAPTERS; c++)); do
  k=$((4 * (c - 1)))
  {
    printf '# Chapter %d\n\n' "$c"
    cat "${texts[$((k % n))]}"; printf '\n\n'
    cat "${texts[$(((k + 1) % n))]}"; printf '\n\n'
    cat "${texts[$(((k + 2) % n))]}"; printf '\n\n'
    cat "${texts[$(((k + 3) % n))]}"
  } > "$OUT/chapters/$(printf '%04d' "$c").md"
done
