#!/bin/sh
# Benchmark resolve at the old system's production size (issue 7):
# 1,000,000 participants against 105,000 contacts, 50,000 leads and 35,000
# accounts; throughput on one core, index build time, peak RSS; and the
# reference Python script doing the same lookups with dicts.
#   sh bench/resolve.sh [PARTICIPANTS]     (tools built in build/)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000000}
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
dir=$(mktemp -d "${TMPDIR:-/tmp}/resolve-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
python3 "$top/bench/resolve_gen.py" "$dir" "$n"
now() { date +%s.%N; }
args="--contacts $dir/contacts.jsonl --leads $dir/leads.jsonl --accounts $dir/accounts.jsonl --mappings $dir/mappings.jsonl --internal-domain ourco.com"
# the index alone: an empty stream
t0=$(now)
# shellcheck disable=SC2086
taskset -c 0 "$B/bin/resolve" $args </dev/null >/dev/null
t1=$(now)
# the whole run, one core, peak RSS
# shellcheck disable=SC2086
/usr/bin/time -f '%M' -o "$dir/rss" taskset -c 0 "$B/bin/resolve" $args \
	"$dir/participants.jsonl" >"$dir/out.jsonl"
t2=$(now)
t3=$(now)
taskset -c 0 python3 "$top/bench/resolve_ref.py" "$dir" \
	<"$dir/participants.jsonl" >"$dir/ref.jsonl"
t4=$(now)
awk -v n="$n" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v t3="$t3" -v t4="$t4" \
	-v rss="$(cat "$dir/rss")" 'BEGIN {
	idx = t1 - t0; run = t2 - t1; ref = t4 - t3
	printf "records            %d\n", n
	printf "index build        %.2f s (with process start)\n", idx
	printf "resolve            %.2f s, %.0f records/s (index included)\n", run, n / run
	printf "resolve, stream    %.0f records/s (index excluded)\n", n / (run - idx)
	printf "peak RSS           %.0f MB\n", rss / 1024
	printf "reference (Python) %.2f s, %.0f records/s\n", ref, n / ref
	printf "speed-up           %.1fx\n", ref / run
}'
