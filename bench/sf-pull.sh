#!/bin/sh
# Throughput and memory of sf-pull against fake-api (no added latency).
#   sh bench/sf-pull.sh [ROWS...]     (default: 10000 100000)
# For each size: REST and Bulk runs of --object Contact; prints records,
# sf-pull's CPU seconds (user+sys), records per CPU second, wall seconds and
# the peak RSS.  Needs GNU time (/usr/bin/time) and a built tree.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-$top/build}
PATH=$B/bin:$top/tests/bin:$PATH
export PATH
[ -x /usr/bin/time ] || { echo "bench/sf-pull.sh: needs /usr/bin/time" >&2; exit 69; }
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/sfbench.XXXXXX")
export TMPDIR
cleanup() { fake-api-stop 2>/dev/null || :; rm -rf "$TMPDIR"; }
trap cleanup EXIT INT TERM
export SF_CLIENT_ID=3MVG9fake.client.id SF_CLIENT_SECRET=fake-client-secret \
	SF_USERNAME=integration@northwind.example SF_PASSWORD='p4ss&word+1' \
	SF_SECURITY_TOKEN=SECTOKEN123
[ $# -gt 0 ] || set -- 10000 100000
printf '%-8s %-5s %9s %8s %10s %7s %8s\n' rows path records cpu_s rec/cpu_s wall_s rss_kb
for n in "$@"; do
	eval "$(fake-api-start --seed 1 --modules salesforce --sf-contacts "$n" \
		--sf-short-pages 0)"
	export SF_LOGIN_URL="$FAKE_URL"
	for path in rest bulk; do
		th=-1
		[ "$path" = bulk ] && th=0
		/usr/bin/time -f '%U %S %e %M' -o "$TMPDIR/t" \
			sf-pull --object Contact --bulk-threshold "$th" >"$TMPDIR/out"
		recs=$(grep -c '"type":"RECORD","stream":"sf_contacts"' "$TMPDIR/out")
		read -r u s e m <"$TMPDIR/t"
		awk -v n="$n" -v p="$path" -v r="$recs" -v u="$u" -v s="$s" -v e="$e" \
			-v m="$m" 'BEGIN { c = u + s; printf "%-8s %-5s %9d %8.2f %10.0f %7.2f %8d\n",
			n, p, r, c, (c > 0 ? r / c : 0), e, m }'
	done
	fake-api-stop
done
