#!/bin/sh
# gmail-pull incremental: after a full sync, new, deleted and relabelled
# messages arrive through history.list only; the bookmark follows; reading
# mail (UNREAD removed) costs no fetch.
set -eu
pids=
cleanup() {
	for p in $pids; do fake-api-stop "$p"; done
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

eval "$(fake-api-start --seed 23 --modules gmail --gmail-mailboxes 2 \
	--gmail-messages 25)"
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
stat() { # mailbox field: a counter of the fake's per-mailbox stats
	curl -sf "$FAKE_URL/_admin/gmail/stats" >"$TMPDIR/stats.json"
	sqlite3 -batch :memory: "SELECT json_extract(value, '\$.$2') FROM
		json_each(readfile('$TMPDIR/stats.json'), '\$.mailboxes')
		WHERE json_extract(value, '\$.email') = '$1'"
}
m=$(truth "SELECT json_extract(b, '\$.email') FROM t LIMIT 1")
pull() {
	gmail-pull --mailbox "$m" --key-file "$key" --token-url "$FAKE_URL/token" \
		--base-url "$FAKE_URL" --quota 0 --state-db "$db" \
		2>>"$TMPDIR/err" | load --db "$db" >/dev/null
}
pull
gmail-check "$db" "$TMPDIR/truth.json" "$m" || fail "after the full sync"
h0=$(sqlite3 "$db" "SELECT last_history_id FROM gmail_sync_state WHERE mailbox_email = '$m'")

# nothing changed: an incremental run fetches nothing
gets=$(stat "$m" get)
pull
[ "$(stat "$m" get)" -eq "$gets" ] || fail "an idle incremental run fetched messages"
[ "$(stat "$m" history)" -ge 1 ] || fail "history.list not used"

# changes: 4 new, one deleted, one trashed, one read
curl -sf -X POST "$FAKE_URL/_admin/gmail/add?mailbox=$m&count=4" >/dev/null
ids=$(truth "SELECT json_extract(m.value, '\$.id') FROM t,
	json_each(t.b, '\$.messages') AS m WHERE json_extract(t.b, '\$.email') = '$m'
	AND json_extract(m.value, '\$.labelIds') LIKE '%UNREAD%' LIMIT 3")
del=$(echo "$ids" | sed -n 1p)
trash=$(echo "$ids" | sed -n 2p)
read=$(echo "$ids" | sed -n 3p)
[ -n "$read" ] || fail "no unread messages to play with"
curl -sf -X POST "$FAKE_URL/_admin/gmail/delete?mailbox=$m&id=$del" >/dev/null
curl -sf -X POST "$FAKE_URL/_admin/gmail/label?mailbox=$m&id=$trash&add=TRASH" >/dev/null
curl -sf -X POST "$FAKE_URL/_admin/gmail/label?mailbox=$m&id=$read&remove=UNREAD" >/dev/null
gets=$(stat "$m" get)
pull
got=$(($(stat "$m" get) - gets))
# 4 added; the trashed and the read one change labels without a fetch
[ "$got" -eq 4 ] || fail "incremental fetched $got messages, want 4"
truth "SELECT 1" >/dev/null
gmail-check "$db" "$TMPDIR/truth.json" "$m" || fail "after the incremental sync"
[ "$(sqlite3 "$db" "SELECT count(*) FROM gmail_messages WHERE message_id = '$del' AND _sdc_deleted_at IS NOT NULL")" -eq 1 ] ||
	fail "deleted message not soft-deleted"
sqlite3 "$db" "SELECT labels FROM gmail_messages WHERE message_id = '$trash'" |
	grep -q TRASH || fail "trashed message keeps its old labels"
want=$(truth "SELECT json_extract(b, '\$.historyId') FROM t WHERE json_extract(b, '\$.email') = '$m'")
row=$(sqlite3 "$db" "SELECT last_history_id || ' ' || sync_type FROM gmail_sync_state WHERE mailbox_email = '$m'")
[ "$row" = "$want incremental" ] || fail "bookmark $row, want $want incremental (was $h0)"
n=$(sqlite3 "$db" "SELECT count(*) FROM etl_runs WHERE job_type = 'incremental' AND status = 'success'")
[ "$n" -eq 2 ] || fail "etl_runs: $n incremental runs"
grep -q 'incremental sync: 4 messages' "$TMPDIR/err" || fail "summary line"
echo ok
