#!/bin/sh
# Benchmark resolve at the old system's production size (issue 7):
# 1,000,000 participants against 105,000 contacts, 50,000 leads and 35,000
# accounts, on one core; the index build alone; peak RSS; and the reference
# Python script (bench/resolve_ref.py) doing the same lookups with dicts.
#   sh bench/resolve.sh [PARTICIPANTS]     (tools built in $B, default build/)
# Times are CPU seconds (user + system) of the process, so a busy machine
# disturbs them less than wall-clock times; wall time is shown too.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000000}
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
dir=$(mktemp -d "${TMPDIR:-/tmp}/resolve-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
python3 "$top/bench/resolve_gen.py" "$dir" "$n"
set -- --contacts "$dir/contacts.jsonl" --leads "$dir/leads.jsonl" \
	--accounts "$dir/accounts.jsonl" --mappings "$dir/mappings.jsonl" \
	--internal-domain ourco.com
t='%U %S %e %M'
/usr/bin/time -f "$t" -o "$dir/t.index" taskset -c 0 "$B/bin/resolve" "$@" \
	</dev/null >/dev/null
/usr/bin/time -f "$t" -o "$dir/t.run" taskset -c 0 "$B/bin/resolve" "$@" \
	"$dir/participants.jsonl" >"$dir/out.jsonl"
/usr/bin/time -f "$t" -o "$dir/t.ref" taskset -c 0 python3 \
	"$top/bench/resolve_ref.py" "$dir" <"$dir/participants.jsonl" \
	>"$dir/ref.jsonl" 2>/dev/null
test "$(wc -l <"$dir/out.jsonl")" -eq "$n"
awk -v n="$n" '
FILENAME ~ /index$/ { ix = $1 + $2; ixw = $3 }
FILENAME ~ /run$/ { run = $1 + $2; runw = $3; rss = $4 }
FILENAME ~ /ref$/ { ref = $1 + $2; refw = $3 }
END {
	printf "records                 %d\n", n
	printf "index build             %.2f s CPU (%.2f s wall), process start included\n", ix, ixw
	printf "resolve, whole run      %.2f s CPU (%.2f s wall): %.0f records/s\n", run, runw, n / run
	printf "resolve, index excluded %.0f records/s\n", n / (run - ix)
	printf "peak RSS                %.0f MB\n", rss / 1024
	printf "reference (Python)      %.2f s CPU (%.2f s wall): %.0f records/s\n", ref, refw, n / ref
	printf "speed-up                %.1fx\n", ref / run
}' "$dir/t.index" "$dir/t.run" "$dir/t.ref"
