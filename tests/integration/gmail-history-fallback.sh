#!/bin/sh
# gmail-pull: a bookmark older than Google keeps history (404) falls back to
# a full sync bounded by the newest message seen, and nothing is lost.
set -eu
pids=
cleanup() {
	for p in $pids; do fake-api-stop "$p"; done
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

eval "$(fake-api-start --seed 31 --modules gmail --gmail-mailboxes 1 \
	--gmail-messages 30 --log "$TMPDIR/requests")"
pids=$FAKE_PID
key=$TMPDIR/key.json
cp "$SI_ROOT/tests/fixtures/gmail/service-account.json" "$key"
chmod 600 "$key"
db=$TMPDIR/sales.db
truth() {
	curl -sf "$FAKE_URL/_admin/truth?module=gmail" >"$TMPDIR/truth.json"
	sqlite3 -batch :memory: "WITH t AS (SELECT value AS b FROM
		json_each(readfile('$TMPDIR/truth.json'), '\$.gmail.mailboxes')) $1"
}
m=$(truth "SELECT json_extract(b, '\$.email') FROM t LIMIT 1")
pull() {
	gmail-pull --mailbox "$m" --key-file "$key" --token-url "$FAKE_URL/token" \
		--base-url "$FAKE_URL" --quota 0 --state-db "$db" \
		2>"$TMPDIR/err" | load --db "$db" >/dev/null
}
pull
curl -sf -X POST "$FAKE_URL/_admin/gmail/add?mailbox=$m&count=3" >/dev/null
# Google forgets the history the bookmark points into
curl -sf -X POST "$FAKE_URL/_admin/gmail/retention?mailbox=$m&floor=current" >/dev/null
: >"$TMPDIR/requests"
pull
grep -q 'history from .* is gone (HTTP 404): full sync' "$TMPDIR/err" ||
	{ cat "$TMPDIR/err"; fail "no fallback message"; }
grep -q '/history?startHistoryId=' "$TMPDIR/requests" || fail "history not asked"
# the fallback lists from a bound (after:), not the whole mailbox again
grep '/messages?maxResults' "$TMPDIR/requests" | grep -q 'after%3A' ||
	fail "fallback full sync not bounded"
truth "SELECT 1" >/dev/null
gmail-check "$db" "$TMPDIR/truth.json" "$m" || fail "messages lost in the fallback"
want=$(truth "SELECT json_extract(b, '\$.historyId') FROM t")
row=$(sqlite3 "$db" "SELECT last_history_id || ' ' || sync_type FROM gmail_sync_state")
[ "$row" = "$want full" ] || fail "bookmark after fallback: $row, want $want full"
# and the next run is incremental again
curl -sf -X POST "$FAKE_URL/_admin/gmail/add?mailbox=$m&count=1" >/dev/null
pull
grep -q 'incremental sync: 1 messages' "$TMPDIR/err" || { cat "$TMPDIR/err"; fail "not incremental after the fallback"; }
truth "SELECT 1" >/dev/null
gmail-check "$db" "$TMPDIR/truth.json" "$m" || fail "after the last run"
echo ok
