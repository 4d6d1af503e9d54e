#!/bin/sh
# fake-api's framework: port file, keep-alive, chunked bodies, admin calls,
# deterministic fault injection that never changes the data.
set -eu
pids=
cleanup() {
	for p in $pids; do fake-api-stop "$p"; done
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

start() { # start VAR options... : sets URL_VAR, PID recorded
	out=$(fake-api-start "$@")
	eval "$out"
	pids="$pids $FAKE_PID"
}

# --- starts, writes its port, answers health
start --seed 5 --modules notify --log "$TMPDIR/log1"
url1=$FAKE_URL
port=$(cat "$FAKE_DIR/port")
[ "$url1" = "http://127.0.0.1:$port" ] || fail "FAKE_URL $url1 vs port $port"
curl -sf "$url1/_admin/health" | grep -q '"ok":true' || fail health

# --- keep-alive: two requests on one connection, both answered
curl -sf "$url1/_admin/health" "$url1/_admin/clock" >"$TMPDIR/two"
grep -c '"ok":true' "$TMPDIR/two" | grep -qx 1 || fail "keep-alive first"
grep -q '"now_ms"' "$TMPDIR/two" || fail "keep-alive second"

# --- a chunked request body arrives whole
seq 1 3000 >"$TMPDIR/big"
curl -sf -H 'Transfer-Encoding: chunked' -H 'Content-Type: text/plain' \
	--data-binary @"$TMPDIR/big" "$url1/notify/chunked" >/dev/null
curl -sf "$url1/_admin/notify/messages" >"$TMPDIR/msgs"
python_free_count=$(tr ',' '\n' <"$TMPDIR/msgs" | grep -c '"path":"/notify/chunked"')
[ "$python_free_count" -eq 1 ] || fail "chunked post not recorded"
grep -q '2999\\n3000\\n' "$TMPDIR/msgs" || fail "chunked body cut"

# --- a Content-Length body with Expect: 100-continue
curl -sf -H 'Expect: 100-continue' --data-binary @"$TMPDIR/big" \
	"$url1/notify/expect" >/dev/null || fail "expect 100-continue"

# --- unknown paths and admin calls answer 404 in JSON
code=$(curl -s -o /dev/null -w '%{http_code}' "$url1/nothing/here")
[ "$code" = 404 ] || fail "unknown path gave $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url1/_admin/nothing")
[ "$code" = 404 ] || fail "unknown admin gave $code"

# --- the clock moves forward on request
t0=$(curl -sf "$url1/_admin/clock" | sed 's/.*"now_ms":\([0-9]*\).*/\1/')
t1=$(curl -sf -X POST "$url1/_admin/clock/advance?hours=2" |
	sed 's/.*"now_ms":\([0-9]*\).*/\1/')
[ $((t1 - t0)) -ge 7200000 ] || fail "clock advanced by $((t1 - t0))"

# --- a forced fault hits exactly the next matching request
curl -sf -X POST "$url1/_admin/fault?kind=503&count=1&prefix=/notify/" >/dev/null
code=$(curl -s -o /dev/null -w '%{http_code}' -d x "$url1/notify/f")
[ "$code" = 503 ] || fail "forced 503 gave $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -d x "$url1/notify/f")
[ "$code" = 200 ] || fail "after forced fault: $code"

# --- hang (never answers) and endless (a body that never ends), forced
curl -sf -X POST "$url1/_admin/fault?kind=hang&prefix=/notify/" >/dev/null
rc=0
curl -s -m 1 -d x "$url1/notify/h" >/dev/null || rc=$?
[ "$rc" = 28 ] || fail "hang: curl exit $rc, expected a timeout (28)"
curl -sf -X POST "$url1/_admin/fault?kind=endless&prefix=/notify/" >/dev/null
rc=0
curl -s -m 1 -d x "$url1/notify/e" >"$TMPDIR/endless" || rc=$?
[ "$rc" = 28 ] || fail "endless: curl exit $rc, expected a timeout (28)"
head -c 20 "$TMPDIR/endless" | grep -q '^{"items":\[{"n":1},' || fail "endless body"
[ "$(wc -c <"$TMPDIR/endless")" -gt 100000 ] || fail "endless body too short"

# --- bad fault specs are refused
if timeout 5 fake-api --faults 'bogus=0.1' --port 0 >/dev/null 2>&1; then
	fail "bad --faults accepted"
fi
if timeout 5 fake-api --faults '500=0.7,503=0.7' --port 0 >/dev/null 2>&1; then
	fail "rates over 1 accepted"
fi

# --- faults: the same seed gives the same faults, request by request
spec='429=0.1,500=0.1,503=0.1,slow=0.05,reset=0.1,truncate=0.1,401=0.1'
run_faults() { # url -> outcome per request on stdout
	i=0
	while [ $i -lt 60 ]; do
		code=$(curl -s -o /dev/null -w '%{http_code}' \
			"$1/notify/get-$i" 2>/dev/null) || code="err$?"
		echo "$i $code"
		i=$((i + 1))
	done
}
start --seed 11 --modules notify --faults "$spec" --slow-ms 50 --retry-after 0
a=$FAKE_URL
start --seed 11 --modules notify --faults "$spec" --slow-ms 50 --retry-after 0
b=$FAKE_URL
start --seed 12 --modules notify --faults "$spec" --slow-ms 50 --retry-after 0
c=$FAKE_URL
run_faults "$a" >"$TMPDIR/fa"
run_faults "$b" >"$TMPDIR/fb"
run_faults "$c" >"$TMPDIR/fc"
cmp -s "$TMPDIR/fa" "$TMPDIR/fb" || fail "same seed, different faults"
! cmp -s "$TMPDIR/fa" "$TMPDIR/fc" || fail "another seed, same faults"
# every class shows up as the client sees it (GET of notify is a 405)
grep -q ' 429$' "$TMPDIR/fa" || fail "no 429"
grep -q ' 500$' "$TMPDIR/fa" || fail "no 500"
grep -q ' 503$' "$TMPDIR/fa" || fail "no 503"
grep -q ' 401$' "$TMPDIR/fa" || fail "no 401"
grep -q ' err56$' "$TMPDIR/fa" || fail "no reset (curl 56)"
grep -q ' err18$' "$TMPDIR/fa" || fail "no truncation (curl 18)"
grep -q ' 405$' "$TMPDIR/fa" || fail "no clean answer"
curl -sf "$a/_admin/stats" | grep -q '"slow":[1-9]' || fail "no slow fault"
# 429 carries Retry-After
curl -s -D "$TMPDIR/h429" -o /dev/null "$a/_admin/health"
i=0
found=0
while [ $i -lt 60 ]; do
	curl -s -D "$TMPDIR/h" -o /dev/null "$c/notify/get-$i" 2>/dev/null || :
	if grep -q '^HTTP/1.1 429' "$TMPDIR/h"; then
		grep -qi '^Retry-After: 0' "$TMPDIR/h" || fail "429 without Retry-After"
		found=1
		break
	fi
	i=$((i + 1))
done
[ $found -eq 1 ] || fail "no 429 with headers"

# --- faults never change the data: 40 POSTs retried until accepted are
# recorded exactly once each
i=0
while [ $i -lt 40 ]; do
	tries=0
	until code=$(curl -s -o /dev/null -w '%{http_code}' -d "n=$i" \
		"$a/notify/post-$i" 2>/dev/null) && [ "$code" = 200 ]; do
		tries=$((tries + 1))
		[ $tries -lt 20 ] || fail "post $i never accepted"
	done
	i=$((i + 1))
done
n=$(curl -sf "$a/_admin/notify/messages" | tr '{' '\n' | grep -c '"path":"/notify/post-')
[ "$n" -eq 40 ] || fail "40 posts recorded as $n"

# --- the log has one JSON line per request
[ "$(wc -l <"$TMPDIR/log1")" -ge 10 ] || fail "short log"
grep -q '"target":"/notify/chunked"' "$TMPDIR/log1" || fail "log lacks request"

# --- stop ends the process
for p in $pids; do fake-api-stop "$p"; done
for p in $pids; do
	if kill -0 "$p" 2>/dev/null; then
		st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$p/status" 2>/dev/null || :)
		[ "$st" = Z ] || fail "fake-api $p still running"
	fi
done
pids=
echo ok
