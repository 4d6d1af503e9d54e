#!/bin/sh
# gmail-pull paces itself: with the fake enforcing a per-mailbox quota (a
# token bucket with Google's per-method costs) and the client's budget
# below it, not one request is refused, every unit is accounted for, and
# the batches are cut to fit the client's bucket.  Counted, not timed.
set -eu
pids=
cleanup() {
	for p in $pids; do fake-api-stop "$p"; done
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

# the fake: 15000 units a minute, bucket 1500; the client: 12000, bucket 1200
eval "$(fake-api-start --seed 53 --modules gmail --gmail-mailboxes 1 \
	--gmail-messages 120 --gmail-quota 15000 --gmail-quota-burst 1500)"
pids=$FAKE_PID
key=$TMPDIR/key.json
cp "$SI_ROOT/tests/fixtures/gmail/service-account.json" "$key"
chmod 600 "$key"
curl -sf "$FAKE_URL/_admin/truth?module=gmail" >"$TMPDIR/truth.json"
m=$(sqlite3 -batch :memory: "SELECT json_extract(value, '\$.email') FROM
	json_each(readfile('$TMPDIR/truth.json'), '\$.gmail.mailboxes') LIMIT 1")
gmail-pull --mailbox "$m" --key-file "$key" --token-url "$FAKE_URL/token" \
	--base-url "$FAKE_URL" --quota 12000 --quota-burst 1200 --since 2026-01-01 \
	--window-days 200 >"$TMPDIR/out" 2>"$TMPDIR/err" ||
	{ cat "$TMPDIR/err"; fail "pull failed"; }
curl -sf "$FAKE_URL/_admin/gmail/stats" >"$TMPDIR/stats.json"
stat() {
	sqlite3 -batch :memory: "SELECT json_extract(value, '\$.$1') FROM
		json_each(readfile('$TMPDIR/stats.json'), '\$.mailboxes') LIMIT 1"
}
[ "$(stat rejected)" -eq 0 ] || fail "$(stat rejected) requests over quota"
# 120 messages: 120 gets (20) + list pages (5) + profile (1) + attachments (20)
units=$(stat units)
want=$(( $(stat get) * 20 + $(stat list) * 5 + $(stat profile) + $(stat attachments) * 20 ))
[ "$units" -eq "$want" ] || fail "fake counted $units units, calls add up to $want"
[ "$(stat get)" -eq 120 ] || fail "$(stat get) gets for 120 messages"
# the client's summary spends what the fake counted
grep -q "$units quota units" "$TMPDIR/err" || { cat "$TMPDIR/err"; fail "client spent other than $units units"; }
# no batch asks for more than the bucket holds: 1200 / 20 = 60 messages
[ "$(stat batch)" -ge 2 ] || fail "$(stat batch) batches for 120 messages"
grep -c '"stream":"gmail_messages","record"' "$TMPDIR/out" | grep -qx 120 ||
	fail "records written"
echo ok
