#!/bin/sh
# Run resolve on the labelled evaluation set and score it (see README).
#   sh tests/eval/run.sh [-v]      needs resolve on PATH
# Prints the precision and recall tables; exits 1 when below the targets
# (precision 99.5%, recall 98% of what the rules can reach).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
verbose=0
[ "${1:-}" = -v ] && verbose=1
out=$(mktemp "${TMPDIR:-/tmp}/resolve-eval.XXXXXX")
trap 'rm -f "$out"' EXIT INT TERM
resolve --contacts "$here/contacts.jsonl" --leads "$here/leads.jsonl" \
	--accounts "$here/accounts.jsonl" --mappings "$here/mappings.jsonl" \
	--internal-domain ourco.com \
	"$here/participants.jsonl" "$here/calls.jsonl" >"$out"
awk -F'\t' -v verbose=$verbose -v min_precision=0.995 -v min_recall=0.98 \
	-f "$here/score.awk" "$here/truth.tsv" "$out"
