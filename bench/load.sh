#!/bin/sh
# Benchmark load(1) against the reference Python loader (bench/ref/load.py):
# N gmail_participants records with a STATE every 1,000, into a new SQLite
# database; wall time, CPU time (user+sys), rows/s and peak RSS.
#   sh bench/load.sh [N]        (default 1000000; B=build dir, default build)
# Set SKIP_REF=1 to skip the (slow) reference run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
n=${1:-1000000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-load.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

awk -v n="$n" -v every=1000 -f "$top/bench/gen-participants.awk" >"$tmp/in.jsonl"
echo "load bench: $n gmail_participants records, STATE every 1000," \
	"$(wc -c <"$tmp/in.jsonl") bytes; $(nproc) cores, load average" \
	"$(cut -d' ' -f1 /proc/loadavg)"

# run NAME CMD...: time one run into a fresh database, print a line.
run() {
	name=$1
	shift
	rm -f "$tmp"/db "$tmp"/db-wal "$tmp"/db-shm
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" <"$tmp/in.jsonl" \
		>"$tmp/out"
	rows=$(sqlite3 "$tmp/db" 'SELECT count(*) FROM gmail_participants')
	[ "$rows" -eq "$n" ] || { echo "$name: $rows rows, expected $n" >&2; exit 1; }
	# shellcheck disable=SC2046
	set -- $(cat "$tmp/time")
	awk -v name="$name" -v n="$n" -v wall="$1" -v usr="$2" -v sys="$3" \
		-v rss="$4" 'BEGIN {
		cpu = usr + sys
		printf "%-22s %8.2f s wall %8.0f rows/s   %7.2f s cpu %8.0f rows/s/cpu   %6.1f MB rss\n",
			name, wall, n / wall, cpu, n / cpu, rss / 1024 }'
	echo "$name $1 $2 $3 $4" >>"$tmp/results"
}

run "load" "$B/bin/load" --db "$tmp/db"
run "load --bulk" "$B/bin/load" --bulk --db "$tmp/db"
if [ -z "${SKIP_REF:-}" ]; then
	run "ref/load.py" python3 "$top/bench/ref/load.py" "$tmp/db" \
		"$top/schema/sqlite.sql"
	awk '$1 == "load" && NF == 5 { l = $2 } $1 == "ref/load.py" { r = $2 }
		END { if (l > 0) printf "ratio (wall, load / ref): %.1fx faster\n", r / l }' \
		"$tmp/results"
fi
