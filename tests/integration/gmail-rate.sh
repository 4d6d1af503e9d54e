#!/bin/sh
# gmail-pull under a rate limit that does not end (gmail.md 6.4: give up
# after about 5-7 tries per request): a 429 on every call ends the run
# with 75 after at most 6 tries, not dozens of them over minutes.
set -eu
pids=
cleanup() {
	for p in $pids; do fake-api-stop "$p"; done
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

eval "$(fake-api-start --seed 89 --modules gmail --gmail-mailboxes 1 \
	--gmail-messages 5 --retry-after 0)"
pids=$FAKE_PID
key=$TMPDIR/key.json
cp "$SI_ROOT/tests/fixtures/gmail/service-account.json" "$key"
chmod 600 "$key"
m=$(curl -sf "$FAKE_URL/_admin/gmail/mailboxes" | sed 's/^\["\([^"]*\)".*/\1/')
[ -n "$m" ] || fail "no mailbox"
curl -sf -X POST "$FAKE_URL/_admin/fault?kind=429&count=100&prefix=/gmail/v1/users/me/profile" >/dev/null
set +e
gmail-pull --mailbox "$m" --key-file "$key" --token-url "$FAKE_URL/token" \
	--base-url "$FAKE_URL" --quota 0 >"$TMPDIR/out" 2>"$TMPDIR/err"
code=$?
set -e
[ "$code" -eq 75 ] || { cat "$TMPDIR/err"; fail "exit $code, want 75"; }
n=$(curl -sf "$FAKE_URL/_admin/faults" | sed -n 's/.*"counts":{[^}]*"429":\([0-9]*\).*/\1/p')
[ -n "$n" ] || fail "no fault counts"
[ "$n" -le 6 ] || fail "$n tries of one request"
grep -q '"stream":"etl_runs".*"status":"failed"' "$TMPDIR/out" || fail "no failed etl_runs record"
echo ok
