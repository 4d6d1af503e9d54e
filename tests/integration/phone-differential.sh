#!/bin/sh
# Differential test of lib/phone.c against python3-phonenumbers: the corpus
# (tests/phone/corpus.tsv, generated at dev time by
# build-aux/gen-phone-corpus.py with the oracle's answers) goes through the
# C port; every difference in status, E.164 or extension is a failure.
set -eu
corpus=$SI_ROOT/tests/phone/corpus.tsv
driver=$SI_BUILD/tests/phone-diff
out=$TMPDIR/phone-diff.out
trap 'rm -f "$out"' EXIT INT TERM

cases=$(grep -vc '^#' "$corpus")
regions=$(grep -v '^#' "$corpus" | cut -f1 | sort -u | wc -l)
echo "phone-differential: $cases inputs over $regions regions"
[ "$cases" -ge 20000 ] || { echo "corpus too small"; exit 1; }
[ "$regions" -ge 80 ] || { echo "too few regions"; exit 1; }

status=0
"$driver" "$corpus" >"$out" || status=$?
grep '^MISMATCH' "$out" | head -n 50 || true
tail -n 1 "$out"
[ "$status" -eq 0 ]
