#!/usr/bin/env bash
# Seeds the fuzz corpora with the 652 examples of the CommonMark spec
# (tests/fixtures/commonmark/spec.txt, `→` standing for a tab) and the guide's
# chapters: one file per example, the same seeds for every target.
#
#   fuzz/seed.sh            then   cargo fuzz run markdown_to_xhtml
set -euo pipefail
cd "$(dirname "$0")"
spec=../tests/fixtures/commonmark/spec.txt
for target in markdown_to_xhtml markdown_to_pdf; do
    dir="corpus/$target"
    mkdir -p "$dir"
    awk -v dir="$dir" '
        $0 == "```````````````````````````````` example" { n++; inside = 1; md = ""; next }
        inside && $0 == "." {
            inside = 0
            gsub("→", "\t", md)
            file = sprintf("%s/spec-%03d.md", dir, n)
            printf "%s", md > file
            close(file)
            next
        }
        inside { md = md $0 "\n" }
    ' "$spec"
    for f in ../book/chapters/*.md ../book/front/*.md ../book/back/*.md; do
        [ -f "$f" ] && cp "$f" "$dir/guide-$(basename "$f")"
    done
    echo "$dir: $(ls "$dir" | wc -l) seeds"
done
