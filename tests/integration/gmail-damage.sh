#!/bin/sh
# gmail-pull against answers that are damaged without a transport error
# (gmail.md 7.3): a 200 whose JSON is cut short (its Content-Length says
# so) is asked for again; an attachment that is gone (404) between
# messages.get and attachments.get makes the message be fetched again.
# Nothing is lost, the run succeeds.  A 400 failedPrecondition (Google
# will not act as the mailbox) ends the run as refused (77), not 69.
set -eu
pids=
cleanup() {
	for p in $pids; do fake-api-stop "$p"; done
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

eval "$(fake-api-start --seed 61 --modules gmail --gmail-mailboxes 1 \
	--gmail-messages 40 --gmail-history-empty-page 0)"
pids=$FAKE_PID
key=$TMPDIR/key.json
cp "$SI_ROOT/tests/fixtures/gmail/service-account.json" "$key"
chmod 600 "$key"
db=$TMPDIR/sales.db
curl -sf "$FAKE_URL/_admin/truth?module=gmail" >"$TMPDIR/truth.json"
m=$(sqlite3 -batch :memory: "SELECT json_extract(value, '\$.email') FROM
	json_each(readfile('$TMPDIR/truth.json'), '\$.gmail.mailboxes') LIMIT 1")
admin() { curl -sf -X POST "$FAKE_URL/_admin/gmail/$1" >/dev/null; }
pull() {
	gmail-pull --mailbox "$m" --key-file "$key" --token-url "$FAKE_URL/token" \
		--base-url "$FAKE_URL" --quota 0 --state-db "$db" "$@" \
		>"$TMPDIR/out" 2>"$TMPDIR/err" ||
		{ cat "$TMPDIR/err"; fail "pull failed ($*)"; }
	load --db "$db" <"$TMPDIR/out" >/dev/null || fail "load failed"
}

# full sync: the profile cut short twice, every attachment gone twice
admin "damage?kind=truncate&match=/profile&count=2"
pull
admin "damage?kind=gone&match=/attachments/&count=2"
pull --full
gmail-check "$db" "$TMPDIR/truth.json" "$m" ||
	{ cat "$TMPDIR/err"; fail "database differs after the full sync"; }
a=$(curl -sf "$FAKE_URL/_admin/gmail/stats" | sed -n 's/.*"attachments":\([0-9]*\).*/\1/p')
[ "${a:-0}" -gt 0 ] || fail "no attachment was fetched: the test tests nothing"

# incremental: new mail, the history page and a message list cut short
admin "add?mailbox=$m&count=3"
admin "damage?kind=truncate&match=/history&count=1"
pull
curl -sf "$FAKE_URL/_admin/truth?module=gmail" >"$TMPDIR/truth.json"
gmail-check "$db" "$TMPDIR/truth.json" "$m" ||
	{ cat "$TMPDIR/err"; fail "database differs after the incremental sync"; }

# a mailbox Google will not act as (400 failedPrecondition): refused, 77
admin "damage?kind=precondition&match=/&count=1"
set +e
gmail-pull --mailbox "$m" --key-file "$key" --token-url "$FAKE_URL/token" \
	--base-url "$FAKE_URL" --quota 0 --full >"$TMPDIR/out" 2>"$TMPDIR/err"
code=$?
set -e
[ "$code" -eq 77 ] || { cat "$TMPDIR/err"; fail "failedPrecondition: exit $code, want 77"; }
echo ok
