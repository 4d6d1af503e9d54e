#!/bin/sh
# Benchmark normalize-phone (issue 2): N generated dialpad_calls and
# sf_contacts RECORDs (default 1,000,000; numbers of 8 countries in the
# spellings real data has), one core, against bench/phone_ref.py (Python
# phonenumbers parse + is_valid_number + format E164, what the old system
# did).  Peak RSS is measured at N/10 and N records: it must stay flat.
#   sh bench/phone.sh [N]     (tools built in $B, default build/)
# Times are CPU seconds (user + system); wall time is shown too.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000000}
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
dir=$(mktemp -d "${TMPDIR:-/tmp}/phone-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
gen() {
	awk -v n="$1" 'BEGIN {
		srand(42)
		split("(415) 555-%04d|+1 212 555 %04d|650.253.%04d|1-800-555-%04d|+44 20 7946 %04d|0049 30 1234%04d|+33 1 42 68 %04d|+39 02 1234 %04d|+61 2 9374 %04d|+81 3-1234-%04d|+52 55 1234 %04d|415 555 %04d x12|tel:+1-415-555-%04d|n/a %04d|%04d", f, "|")
		for (i = 0; i < n; i++) {
			a = sprintf(f[int(rand() * 15) + 1], int(rand() * 10000))
			b = sprintf(f[int(rand() * 15) + 1], int(rand() * 10000))
			if (i % 2)
				printf "{\"type\":\"RECORD\",\"stream\":\"dialpad_calls\",\"record\":{\"call_id\":\"c%d\",\"from_number\":\"%s\",\"to_number\":\"%s\",\"external_number\":\"%s\",\"internal_number\":null,\"duration\":%d}}\n", i, a, b, a, i % 600
			else
				printf "{\"type\":\"RECORD\",\"stream\":\"sf_contacts\",\"record\":{\"contact_id\":\"003%015d\",\"first_name\":\"Asha\",\"phone\":\"%s\",\"mobile_phone\":\"%s\"}}\n", i, a, b
		}
	}'
}
gen "$n" >"$dir/in.jsonl"
gen $((n / 10)) >"$dir/small.jsonl"
t='%U %S %e %M'
/usr/bin/time -f "$t" -o "$dir/t.small" taskset -c 0 "$B/bin/normalize-phone" \
	-q "$dir/small.jsonl" >/dev/null
/usr/bin/time -f "$t" -o "$dir/t.run" taskset -c 0 "$B/bin/normalize-phone" \
	-q "$dir/in.jsonl" >"$dir/out.jsonl"
/usr/bin/time -f "$t" -o "$dir/t.ref" taskset -c 0 /usr/bin/python3 \
	"$top/bench/phone_ref.py" <"$dir/in.jsonl" >"$dir/ref.jsonl"
test "$(wc -l <"$dir/out.jsonl")" -eq "$n"
# Same answers as the reference (the tool keeps the key order and writes
# the same compact JSON).
if cmp -s "$dir/out.jsonl" "$dir/ref.jsonl"; then same=yes; else same=NO; fi
awk -v n="$n" -v same="$same" '
FILENAME ~ /small$/ { srss = $4 }
FILENAME ~ /run$/ { run = $1 + $2; runw = $3; rss = $4 }
FILENAME ~ /ref$/ { ref = $1 + $2; refw = $3; refrss = $4 }
END {
	printf "records                 %d (%d phone values)\n", n, n * 2.5
	printf "normalize-phone         %.2f s CPU (%.2f s wall): %.0f records/s\n", run, runw, n / run
	printf "peak RSS                %.1f MB (%.1f MB at n/10)\n", rss / 1024, srss / 1024
	printf "reference (Python)      %.2f s CPU (%.2f s wall): %.0f records/s, %.1f MB\n", ref, refw, n / ref, refrss / 1024
	printf "speed-up                %.1fx\n", ref / run
	printf "same output as Python   %s\n", same
}' "$dir/t.small" "$dir/t.run" "$dir/t.ref"
