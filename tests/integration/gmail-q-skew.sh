#!/bin/sh
# gmail-pull full sync against a search whose after:/before: compare a
# date later than internalDate (gmail.md 2 leaves open which date they
# compare; here a sender's clock three days ahead): the newest messages
# must not fall outside the last window.
set -eu
pids=
cleanup() {
	for p in $pids; do fake-api-stop "$p"; done
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

# the mail ends just before now, so the skew pushes the newest past it
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
eval "$(fake-api-start --seed 83 --modules gmail --gmail-mailboxes 1 \
	--gmail-messages 30 --gmail-q-skew-hours 72 --epoch "$now")"
pids=$FAKE_PID
key=$TMPDIR/key.json
cp "$SI_ROOT/tests/fixtures/gmail/service-account.json" "$key"
chmod 600 "$key"
db=$TMPDIR/sales.db
curl -sf "$FAKE_URL/_admin/truth?module=gmail" >"$TMPDIR/truth.json"
m=$(sqlite3 -batch :memory: "SELECT json_extract(value, '\$.email') FROM
	json_each(readfile('$TMPDIR/truth.json'), '\$.gmail.mailboxes') LIMIT 1")
gmail-pull --mailbox "$m" --key-file "$key" --token-url "$FAKE_URL/token" \
	--base-url "$FAKE_URL" --quota 0 --window-days 10 2>"$TMPDIR/err" |
	load --db "$db" >/dev/null || { cat "$TMPDIR/err"; fail "pull failed"; }
gmail-check "$db" "$TMPDIR/truth.json" "$m" ||
	{ cat "$TMPDIR/err"; fail "database differs from the truth"; }
echo ok
