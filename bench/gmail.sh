#!/bin/sh
# bench/gmail.sh: gmail-pull against fake-api (see bench/README.md).
#   cpu     N messages, no latency, no pacing: messages per CPU second
#   memory  peak RSS over a large mailbox (GMAIL_BENCH_BIG messages)
#   quota   100 ms per request, quota enforced by fake-api: messages per
#           minute against the ceiling, and the requests refused
# B (build dir) as for make; GMAIL_BENCH_N, GMAIL_BENCH_BIG, GMAIL_BENCH_Q
# (messages of the quota run) override the sizes.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
PATH=$B/bin:$top/tests/bin:$PATH
export PATH
N=${GMAIL_BENCH_N:-5000}
BIG=${GMAIL_BENCH_BIG:-100000}
QN=${GMAIL_BENCH_Q:-4000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gmail-bench.XXXXXX")
pid=
cleanup() {
	[ -n "$pid" ] && fake-api-stop "$pid"
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
cp "$top/tests/fixtures/gmail/service-account.json" "$tmp/key.json"
chmod 600 "$tmp/key.json"

start() {
	eval "$(fake-api-start --modules gmail --gmail-mailboxes 1 "$@")"
	pid=$FAKE_PID
	m=$(curl -sf "$FAKE_URL/_admin/gmail/stats" |
		sed 's/.*"email":"\([^"]*\)".*/\1/')
}
stop() {
	fake-api-stop "$pid"
	pid=
}
pull() { # extra options; output discarded, /usr/bin/time -v to $tmp/time
	/usr/bin/time -v gmail-pull --mailbox "$m" --key-file "$tmp/key.json" \
		--token-url "$FAKE_URL/token" --base-url "$FAKE_URL" "$@" \
		>/dev/null 2>"$tmp/time"
}
field() {
	sed -n "s/^[[:space:]]*$1: //p" "$tmp/time"
}
cpu_s() {
	u=$(field 'User time (seconds)')
	s=$(field 'System time (seconds)')
	echo "$u + $s" | bc
}

start --gmail-messages "$N"
pull --quota 0 --batch-size 100
c=$(cpu_s)
echo "cpu: $N messages, $c CPU s, $(echo "$N / $c" | bc) messages/CPU s," \
	"wall $(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)')," \
	"peak RSS $(field 'Maximum resident set size (kbytes)') KiB"
stop

start --gmail-messages "$BIG"
pull --quota 0 --batch-size 100
echo "memory: $BIG messages, peak RSS $(field 'Maximum resident set size (kbytes)') KiB," \
	"$(cpu_s) CPU s, wall $(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)')"
stop

# quota: Google's 6000 units/user/minute, scaled by 10 so the run is short
start --gmail-messages "$QN" --gmail-quota 60000 --faults slow=1 --slow-ms 100
t0=$(date +%s)
pull --quota 57000
t1=$(date +%s)
stats=$(curl -sf "$FAKE_URL/_admin/gmail/stats")
rej=$(echo "$stats" | sed 's/.*"rejected":\([0-9]*\).*/\1/')
units=$(echo "$stats" | sed 's/.*"units":\([0-9]*\).*/\1/')
att=$(echo "$stats" | sed 's/.*"attachments":\([0-9]*\).*/\1/')
# the client's bucket starts full (57000 / 6 = 9500 units): leave that
# burst out of the steady rates
urate=$(echo "($units - 9500) * 60 / ($t1 - $t0)" | bc)
mrate=$(echo "$QN * ($units - 9500) / $units * 60 / ($t1 - $t0)" | bc)
echo "quota: $QN messages ($att bodies behind attachmentId), $units units in" \
	"$((t1 - t0)) s: steady $urate units/min of the 60000 ceiling" \
	"($(echo "100 * $urate / 60000" | bc) %), $mrate messages/min, $rej refused"
stop
