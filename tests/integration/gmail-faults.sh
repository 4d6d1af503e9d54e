#!/bin/sh
# gmail-pull under faults: 429/5xx/resets/truncated bodies on every
# endpoint, failing batch parts, a token endpoint internal_failure, a 401
# in the middle; no message is lost or doubled.  Then the refusals that
# must not be retried end with the right exit codes and an etl_runs row.
set -eu
pids=
cleanup() {
	for p in $pids; do fake-api-stop "$p"; done
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

eval "$(fake-api-start --seed 61 --modules gmail --gmail-mailboxes 1 \
	--gmail-messages 40 --faults 429=0.05,500=0.05,503=0.03,reset=0.03,truncate=0.03 \
	--fault-burst 2 --retry-after 0 --gmail-batch-part-faults 0.1 \
	--gmail-batch-shuffle 1 --gmail-list-short 1 --gmail-max-results clamp)"
pids=$FAKE_PID
key=$TMPDIR/key.json
cp "$SI_ROOT/tests/fixtures/gmail/service-account.json" "$key"
chmod 600 "$key"
db=$TMPDIR/sales.db
curl -sf "$FAKE_URL/_admin/truth?module=gmail" >"$TMPDIR/truth.json"
m=$(sqlite3 -batch :memory: "SELECT json_extract(value, '\$.email') FROM
	json_each(readfile('$TMPDIR/truth.json'), '\$.gmail.mailboxes') LIMIT 1")
curl -sf -X POST "$FAKE_URL/_admin/gmail/token-error?error=internal_failure&description=internal_failure&status=500&count=1" >/dev/null
curl -sf -X POST "$FAKE_URL/_admin/fault?kind=401&count=1&prefix=/gmail/v1/users/me/messages" >/dev/null
gmail-pull --mailbox "$m" --key-file "$key" --token-url "$FAKE_URL/token" \
	--base-url "$FAKE_URL" --quota 0 --batch-size 7 2>"$TMPDIR/err" |
	load --db "$db" >/dev/null || { cat "$TMPDIR/err"; fail "pull failed"; }
gmail-check "$db" "$TMPDIR/truth.json" "$m" || { cat "$TMPDIR/err"; fail "database differs"; }
n=$(sqlite3 "$db" "SELECT count(*) FROM gmail_messages")
[ "$n" -eq 40 ] || fail "$n messages stored"
curl -sf "$FAKE_URL/_admin/faults" | grep -q '"count"' || :
tokens=$(curl -sf "$FAKE_URL/_admin/gmail/stats" | sed -n 's/.*"tokens_issued":\([0-9]*\).*/\1/p')
[ "$tokens" -ge 2 ] || fail "the 401 did not lead to a new token ($tokens)"
if grep -q 'ya29\.' "$TMPDIR/err"; then fail "a token reached the log"; fi

# refusals: no retry, the right code, and a failed etl_runs record
curl -sf -X POST "$FAKE_URL/_admin/faults?spec=" >/dev/null
curl -sf -X POST "$FAKE_URL/_admin/gmail/token-error?error=unauthorized_client&description=Unauthorized%20client%20or%20scope%20in%20request.&status=401&count=1" >/dev/null
set +e
gmail-pull --mailbox "$m" --key-file "$key" --token-url "$FAKE_URL/token" \
	--base-url "$FAKE_URL" --quota 0 >"$TMPDIR/out" 2>"$TMPDIR/err"
code=$?
set -e
[ "$code" -eq 77 ] || { cat "$TMPDIR/err"; fail "unauthorized_client: exit $code, want 77"; }
grep -q 'unauthorized_client' "$TMPDIR/err" || fail "error not named"
grep -q '"stream":"etl_runs".*"status":"failed"' "$TMPDIR/out" || fail "no failed etl_runs record"

# a mailbox the service account may not impersonate
set +e
gmail-pull --mailbox nobody@northwind.example --key-file "$key" \
	--token-url "$FAKE_URL/token" --base-url "$FAKE_URL" >/dev/null 2>"$TMPDIR/err"
code=$?
set -e
[ "$code" -eq 77 ] || fail "unknown mailbox: exit $code, want 77"
grep -q 'Invalid email or User ID' "$TMPDIR/err" || fail "description not shown"

# a key file others can read is refused before anything is sent
chmod 644 "$key"
set +e
gmail-pull --mailbox "$m" --key-file "$key" --token-url "$FAKE_URL/token" \
	--base-url "$FAKE_URL" >/dev/null 2>"$TMPDIR/err"
code=$?
set -e
[ "$code" -eq 78 ] || fail "readable key: exit $code, want 78"
echo ok
