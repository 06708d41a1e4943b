#!/usr/bin/env bash
# bench-pictures.sh - what pictures cost in memory: peak RSS of `bookbind build`
# (both editions) on a book of pictures, and on books that differ only in how
# many large pictures they hold. Pictures should cost memory for the largest
# one, not for all of them (issue 15).
#
#   bash scripts/bench-pictures.sh [-n RUNS] [--no-build] [--book DIR]
#
#   -n RUNS     runs of each build (default 3; env RUNS); the median is printed
#   --no-build  use target/release/bookbind as it is (default: `cargo build --release`)
#   --book DIR  the book of pictures (default ../shared/corpus/advanced-java-zh,
#               6.3 MB of PNG and JPEG)
#
# Rows:
#   book          the book of pictures, as it is
#   book, 1x1     the same book with every picture replaced by a 1 x 1 PNG: what
#                 its text costs; the difference is what its pictures cost
#   1 large       a one-chapter book with one 3000 x 2000 RGBA PNG (24 MB of
#                 pixels, a soft mask)
#   40 large      the same chapter with 40 such pictures (960 MB of pixels), each
#                 its own file: near the row above when pictures are made one at
#                 a time; what grows is their compressed bytes (files, streams)
#
# Peak RSS is GNU time's %M. BOOKBIND overrides the binary (e.g. an older build,
# to compare).
set -euo pipefail

RUNS=${RUNS:-3} BUILD=1 BOOK=""
while [ $# -gt 0 ]; do
  case "$1" in
    -n) RUNS=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --book) BOOK=$2; shift 2 ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "bench-pictures: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$RUNS" in '' | *[!0-9]* | 0) echo "bench-pictures: -n wants a positive number" >&2; exit 2 ;; esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BOOK=${BOOK:-$ROOT/../shared/corpus/advanced-java-zh}
die() { printf 'bench-pictures: %s\n' "$*" >&2; exit 1; }
[ -f "$BOOK/book.yaml" ] || [ -f "$BOOK/book.toml" ] || [ -f "$BOOK/SUMMARY.md" ] \
  || die "no book at $BOOK (--book DIR)"
command -v python3 >/dev/null || die "python3 writes the test pictures; it is missing"
[ -x /usr/bin/time ] || die "GNU time (/usr/bin/time) is missing"

if [ -z "${BOOKBIND:-}" ]; then
  if [ "$BUILD" = 1 ]; then (cd "$ROOT" && cargo build --release --quiet); fi
  BOOKBIND=${CARGO_TARGET_DIR:-$ROOT/target}/release/bookbind
fi
[ -x "$BOOKBIND" ] || die "no binary at $BOOKBIND"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The book with 1 x 1 pictures: every PNG, JPEG and GIF file replaced.
cp -r "$BOOK" "$WORK/tiny"
python3 - "$WORK/tiny" <<'EOF'
import os, struct, sys, zlib
def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
png = (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 1, 1, 8, 0, 0, 0, 0))
       + chunk(b'IDAT', zlib.compress(b'\0\x80')) + chunk(b'IEND', b''))
for top, _, files in os.walk(sys.argv[1]):
    for f in files:
        if f.lower().rsplit('.', 1)[-1] in ('png', 'jpg', 'jpeg', 'gif'):
            open(os.path.join(top, f), 'wb').write(png)
EOF

# One large RGBA picture (blocks of colour, its alpha a ramp: decoded for its
# mask; in blocks, so that the file is small beside its pixels), and books of 1
# and 40 copies of it under their own names.
python3 - "$WORK/large.png" <<'EOF'
import struct, sys, zlib
w, h = 3000, 2000
def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
rows = bytearray()
for y in range(h):
    row = bytearray()
    for x in range(0, w, 40):
        row += bytes([x * 255 // w, y * 255 // h, (y // 40) % 256, 128 + (x // 40) % 128]) * 40
    rows += b'\0' + row[:w * 4]
open(sys.argv[1], 'wb').write(b'\x89PNG\r\n\x1a\n'
    + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 6, 0, 0, 0))
    + chunk(b'IDAT', zlib.compress(bytes(rows), 6)) + chunk(b'IEND', b''))
EOF
large_book() { # DIR COUNT
  mkdir -p "$1/chapters" "$1/images"
  printf 'title: Large Pictures\nlanguage: en\nchapters: [chapters/pictures.md]\n' >"$1/book.yaml"
  { printf '# Pictures\n\n'
    for i in $(seq 1 "$2"); do
      cp "$WORK/large.png" "$1/images/large-$i.png"
      printf 'Picture %s:\n\n![Picture %s](../images/large-%s.png)\n\n' "$i" "$i" "$i"
    done; } >"$1/chapters/pictures.md"
}
large_book "$WORK/one" 1
large_book "$WORK/forty" 40

# The median peak RSS (KB) and wall time of `bookbind build DIR`, over RUNS runs.
measure() {
  local kb=() s=() i out
  for i in $(seq 1 "$RUNS"); do
    /usr/bin/time -o "$WORK/time" -f '%M %e' "$BOOKBIND" build "$1" -o "$WORK/out" >/dev/null 2>&1 \
      || die "the build of $1 failed"
    out=$(tail -1 "$WORK/time")
    kb+=("${out% *}"); s+=("${out#* }")
  done
  printf '%s %s\n' "$(printf '%s\n' "${kb[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")" \
    "$(printf '%s\n' "${s[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")"
}

printf 'bookbind: %s (%s runs each, medians)\n' "$BOOKBIND" "$RUNS"
printf '%-12s %10s %8s  %s\n' row "peak MB" "s" "pictures"
row() { # NAME DIR WHAT
  local m; m=$(measure "$2")
  printf "%-12s %10s %8s  %s\n" "$1" "$(awk -v k="${m% *}" 'BEGIN { printf "%.0f", k / 1024 }')" "${m#* }" "$3"
}
row "book" "$BOOK" "$(du -sh "$BOOK" | cut -f1) folder"
row "book, 1x1" "$WORK/tiny" "every picture 1 x 1"
row "1 large" "$WORK/one" "1 x 3000x2000 RGBA ($(du -k "$WORK/large.png" | cut -f1) KB file)"
row "40 large" "$WORK/forty" "40 x 3000x2000 RGBA"
