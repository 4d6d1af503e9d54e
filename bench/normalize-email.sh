#!/bin/sh
# Benchmark normalize-email (issue 2): N generated records (default
# 1,000,000) of sf_contacts, gmail_messages and sf_email_messages, in the
# spellings real data has, through normalize-email and through the old
# system's rules in Python (bench/ref/normalize_email.py), one core each;
# records/s, peak RSS (also on a tenth of the input: it must stay flat) and
# the ratio.
#   sh bench/normalize-email.sh [N]     (tools built in $B, default build/)
# Times are CPU seconds (user + system) of the process.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000000}
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
dir=$(mktemp -d "${TMPDIR:-/tmp}/email-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
awk -v n="$n" 'BEGIN {
	split("Asha.Patel@Globex.co.uk|asha.patel@globex.co.uk| Lee <LEE@Initech.COM>|\"Patel, Asha\" <asha@globex.co.uk>|mailto:bob%40acme.io|o'"'"'brien@acme.io|dee+crm@gmail.com|not an address", s, "|")
	for (i = 0; i < n; i++) {
		e = s[i % 8 + 1]
		gsub(/"/, "\\\"", e)
		k = i % 3
		if (k == 0)
			printf "{\"type\":\"RECORD\",\"stream\":\"sf_contacts\",\"record\":{\"contact_id\":\"003%012d\",\"email\":\"%s\",\"first_name\":\"Asha\",\"last_name\":\"Patel\"}}\n", i, e
		else if (k == 1)
			printf "{\"type\":\"RECORD\",\"stream\":\"gmail_messages\",\"record\":{\"message_id\":\"m%d\",\"from_email\":\"%s\",\"to_emails\":[\"a%d@x.com\",\"B@Y.com\"],\"subject\":\"Re: pricing\"}}\n", i, e, i
		else
			printf "{\"type\":\"RECORD\",\"stream\":\"sf_email_messages\",\"record\":{\"email_message_id\":\"02s%d\",\"from_address\":\"%s\",\"to_address\":\"a@x.com; B@y.com\"}}\n", i, e
	}
}' >"$dir/in.jsonl"
head -n $((n / 10)) "$dir/in.jsonl" >"$dir/tenth.jsonl"
t='%U %S %e %M'
/usr/bin/time -f "$t" -o "$dir/t.run" taskset -c 0 "$B/bin/normalize-email" \
	"$dir/in.jsonl" >"$dir/out.jsonl" 2>/dev/null
/usr/bin/time -f "$t" -o "$dir/t.tenth" taskset -c 0 "$B/bin/normalize-email" \
	"$dir/tenth.jsonl" >/dev/null 2>/dev/null
/usr/bin/time -f "$t" -o "$dir/t.ref" taskset -c 0 python3 \
	"$top/bench/ref/normalize_email.py" <"$dir/in.jsonl" >"$dir/ref.jsonl"
test "$(wc -l <"$dir/out.jsonl")" -eq "$n"
awk -v n="$n" '
FILENAME ~ /run$/ { run = $1 + $2; runw = $3; rss = $4 }
FILENAME ~ /tenth$/ { rss10 = $4 }
FILENAME ~ /ref$/ { ref = $1 + $2; refw = $3; rssref = $4 }
END {
	printf "records                 %d\n", n
	printf "normalize-email         %.2f s CPU (%.2f s wall): %.0f records/s\n", run, runw, n / run
	printf "peak RSS                %.1f MB (%.1f MB on a tenth of the input)\n", rss / 1024, rss10 / 1024
	printf "reference (Python)      %.2f s CPU (%.2f s wall): %.0f records/s, %.1f MB\n", ref, refw, n / ref, rssref / 1024
	printf "speed-up                %.1fx\n", ref / run
}' "$dir/t.run" "$dir/t.tenth" "$dir/t.ref"
