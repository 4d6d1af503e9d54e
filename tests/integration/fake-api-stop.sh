#!/bin/sh
# fake-api-start/-stop hygiene found by the chaos test: fake-api-stop
# signals only a server fake-api-start started (a stale PID, reused by
# another process, is left alone), and fake-api starts with fewer than 5
# reps (the Dialpad module gave its unknown callers reps 0-4: a crash).
set -eu
fail() { echo "FAIL: $*" >&2; exit 1; }
other=
cleanup() {
	fake-api-stop || :
	if [ -n "$other" ]; then kill "$other" 2>/dev/null || :; fi
}
trap cleanup EXIT

eval "$(fake-api-start --reps 3 --dp-calls 40)"
curl -fsS "$FAKE_URL/api/v2/call?apikey=dp-fake-api-key" | jq -e '.items | length > 0' >/dev/null ||
	fail "no calls with --reps 3"
fake-api-stop
# gone, or a zombie its new parent has not reaped yet
st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$FAKE_PID/status" 2>/dev/null || :)
case $st in '' | Z) ;; *) fail "fake-api-stop left the server running ($st)" ;; esac

# Another process with a PID: not a fake-api of ours, so not signalled.
sleep 30 &
other=$!
fake-api-stop "$other"
kill -0 "$other" 2>/dev/null || fail "fake-api-stop killed a process that is not its server"
echo ok
