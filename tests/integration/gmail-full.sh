#!/bin/sh
# gmail-pull full sync: three mailboxes pulled by three processes into one
# database (one with a service-account JWT per mailbox, one with a user's
# refresh token), compared with fake-api's truth; a replay adds nothing.
set -eu
pids=
cleanup() {
	for p in $pids; do fake-api-stop "$p"; done
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

eval "$(fake-api-start --seed 11 --modules gmail --gmail-mailboxes 3 \
	--gmail-messages 30 --gmail-history-empty-page 1)"
pids=$FAKE_PID
key=$TMPDIR/key.json
user=$TMPDIR/user.json
cp "$SI_ROOT/tests/fixtures/gmail/service-account.json" "$key"
cp "$SI_ROOT/tests/fixtures/gmail/authorized-user.json" "$user"
chmod 600 "$key" "$user"
db=$TMPDIR/sales.db
curl -sf "$FAKE_URL/_admin/truth?module=gmail" >"$TMPDIR/truth.json"
truth() { # SQL over the truth JSON (table t: one row per mailbox)
	sqlite3 -batch :memory: "WITH t AS (SELECT value AS b FROM
		json_each(readfile('$TMPDIR/truth.json'), '\$.gmail.mailboxes')) $1"
}
m1=$(truth "SELECT json_extract(b, '\$.email') FROM t LIMIT 1 OFFSET 0")
m2=$(truth "SELECT json_extract(b, '\$.email') FROM t LIMIT 1 OFFSET 1")
m3=$(truth "SELECT json_extract(b, '\$.email') FROM t LIMIT 1 OFFSET 2")
if [ -z "$m1" ] || [ -z "$m2" ] || [ -z "$m3" ]; then
	fail "mailboxes not found in truth"
fi

pull() { # mailbox keyfile log
	gmail-pull --mailbox "$1" --key-file "$2" --token-url "$FAKE_URL/token" \
		--base-url "$FAKE_URL" --quota 0 --window-days 20 2>"$3" |
		load --db "$db" --busy-timeout 20000 >/dev/null
}
# the first mailbox through the refresh token (its token is the first box's)
pull "$m1" "$user" "$TMPDIR/e1" &
p1=$!
pull "$m2" "$key" "$TMPDIR/e2" &
p2=$!
pull "$m3" "$key" "$TMPDIR/e3" &
p3=$!
wait "$p1" || { cat "$TMPDIR/e1"; fail "pull 1"; }
wait "$p2" || { cat "$TMPDIR/e2"; fail "pull 2"; }
wait "$p3" || { cat "$TMPDIR/e3"; fail "pull 3"; }

gmail-check "$db" "$TMPDIR/truth.json" || fail "database differs from the truth"

# one bookmark per mailbox, at the history id recorded before listing
for m in "$m1" "$m2" "$m3"; do
	want=$(truth "SELECT json_extract(b, '\$.historyId') FROM t
		WHERE json_extract(b, '\$.email') = '$m'")
	got=$(sqlite3 "$db" "SELECT last_history_id FROM gmail_sync_state WHERE mailbox_email = '$m'")
	if [ -z "$want" ] || [ "$got" != "$want" ]; then
		fail "$m: bookmark $got, want $want"
	fi
done
n=$(sqlite3 "$db" "SELECT count(*) FROM etl_runs WHERE source_system = 'gmail' AND status = 'success' AND job_type = 'full'")
[ "$n" -eq 3 ] || fail "etl_runs: $n successful runs"

# a replay of the full sync stores nothing twice
before=$(sqlite3 "$db" "SELECT count(*) FROM gmail_messages; SELECT count(*) FROM gmail_participants")
gmail-pull --mailbox "$m2" --key-file "$key" --token-url "$FAKE_URL/token" \
	--base-url "$FAKE_URL" --quota 0 --full 2>/dev/null | load --db "$db" >/dev/null
after=$(sqlite3 "$db" "SELECT count(*) FROM gmail_messages; SELECT count(*) FROM gmail_participants")
[ "$before" = "$after" ] || fail "replay changed the counts: $before -> $after"
gmail-check "$db" "$TMPDIR/truth.json" || fail "database differs after the replay"
echo "ok"
