#!/bin/sh
# gmail-pull: a backfill killed in the middle resumes at the window it
# stopped in, and the database ends with every message exactly once.
# The kill is deterministic: the pipe closes after a fixed number of lines.
set -eu
pids=
cleanup() {
	for p in $pids; do fake-api-stop "$p"; done
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

eval "$(fake-api-start --seed 47 --modules gmail --gmail-mailboxes 1 \
	--gmail-messages 60)"
pids=$FAKE_PID
key=$TMPDIR/key.json
cp "$SI_ROOT/tests/fixtures/gmail/service-account.json" "$key"
chmod 600 "$key"
db=$TMPDIR/sales.db
curl -sf "$FAKE_URL/_admin/truth?module=gmail" >"$TMPDIR/truth.json"
m=$(sqlite3 -batch :memory: "SELECT json_extract(value, '\$.email') FROM
	json_each(readfile('$TMPDIR/truth.json'), '\$.gmail.mailboxes') LIMIT 1")
gets() {
	curl -sf "$FAKE_URL/_admin/gmail/stats" >"$TMPDIR/stats.json"
	sqlite3 -batch :memory: "SELECT json_extract(value, '\$.get') FROM
		json_each(readfile('$TMPDIR/stats.json'), '\$.mailboxes') LIMIT 1"
}
pull() {
	gmail-pull --mailbox "$m" --key-file "$key" --token-url "$FAKE_URL/token" \
		--base-url "$FAKE_URL" --quota 0 --state-db "$db" --since 2026-01-01 \
		--window-days 10 --batch-size 10 2>>"$TMPDIR/err"
}
# first run: killed (SIGPIPE) once 90 lines are through
{ pull || :; } | head -n 90 | load --db "$db" >/dev/null
first=$(gets)
n1=$(sqlite3 "$db" "SELECT count(*) FROM gmail_messages")
[ "$n1" -gt 0 ] || fail "nothing committed before the kill"
total=$(sqlite3 -batch :memory: "SELECT count(*) FROM
	json_each(readfile('$TMPDIR/truth.json'), '\$.gmail.mailboxes') AS b,
	json_each(b.value, '\$.messages')")
[ "$n1" -lt "$total" ] || fail "the first run was not cut short ($n1 of $total)"
sqlite3 "$db" "SELECT value FROM sync_state" | grep -q '"full":{' ||
	fail "no resumable bookmark after the kill"
# second run resumes from the bookmark's window
pull | load --db "$db" >/dev/null
second=$(($(gets) - first))
gmail-check "$db" "$TMPDIR/truth.json" "$m" || fail "database differs after resuming"
# the resumed run did not fetch everything again
[ "$second" -lt "$total" ] || fail "resumed run fetched $second of $total messages"
[ $((first + second)) -ge "$total" ] || fail "fetched fewer than all"
row=$(sqlite3 "$db" "SELECT sync_type FROM gmail_sync_state")
[ "$row" = full ] || fail "sync_type $row"
sqlite3 "$db" "SELECT value FROM sync_state" | grep -q '"full":{' &&
	fail "bookmark still marks a full sync in progress"
echo ok
