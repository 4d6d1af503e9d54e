#!/bin/sh
# sync-gmail.sh pulls the mailboxes side by side (gmail_parallel at a time)
# and loads each: every good mailbox's mail reaches the warehouse even when
# another mailbox's pull fails; the run then fails with that pull's code,
# records the failure, and archives each mailbox's output apart.
set -eu
fail() { echo "FAIL: $*"; exit 1; }
eval "$(fake-api-start --seed 5 --companies 6 --people 20 --reps 3 \
	--gmail-mailboxes 3 --gmail-messages 8)"
trap 'fake-api-stop' EXIT
t=$TMPDIR
umask 077
cp "$SI_ROOT/tests/fixtures/gmail/service-account.json" "$t/gmail.json"
mbs=$(curl -fsS "$FAKE_URL/_admin/truth?module=gmail" |
	jq -r '[.gmail.mailboxes[].email] | join(" ")')
[ "$(echo "$mbs" | wc -w)" -eq 3 ] || fail "the fake has no 3 mailboxes: $mbs"
conf() { # mailboxes
	cat >"$t/config" <<CONF
database = $t/sales.db
archive_dir = $t/archive
internal_domains = northwind.example
mailboxes = $1
gmail_key_file = $t/gmail.json
gmail_base_url = $FAKE_URL
gmail_token_url = $FAKE_URL/token
gmail_quota = 0
gmail_parallel = 2
CONF
}
SALESINTEL_CONFIG=$t/config
export SALESINTEL_CONFIG
n() { sqlite3 "$t/sales.db" "$1"; }

# the second of four mailboxes does not exist: its pull fails
# shellcheck disable=SC2086
set -- $mbs
conf "$1 nobody@unknown-domain.example $2 $3"
set +e
sh "$SI_ROOT/pipelines/sync-gmail.sh" 2>"$t/err"
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "a failing mailbox: the run exited 0"
grep -q 'gmail-pull --mailbox nobody@unknown-domain.example exited' "$t/err" ||
	fail "the failing mailbox is not named: $(cat "$t/err")"
[ "$(n "SELECT COUNT(DISTINCT mailbox_email) FROM gmail_messages")" -eq 3 ] ||
	fail "not every good mailbox was loaded: $(n "SELECT mailbox_email, COUNT(*) FROM gmail_messages GROUP BY 1")"
[ "$(n "SELECT COUNT(*) FROM etl_runs WHERE source_system='pipeline:gmail' AND status='failed' AND error_message LIKE '%gmail-pull exited%'")" -eq 1 ] ||
	fail "the failed run is not in etl_runs"
# one archive per mailbox that gave output, told apart by its index
for i in 1 3 4; do
	ls "$t/archive/gmail/"*".$i.jsonl.gz" >/dev/null 2>&1 ||
		fail "no archive for mailbox $i: $(ls "$t/archive/gmail")"
done
total=$(n "SELECT COUNT(*) FROM gmail_messages")

# the good mailboxes alone: success, nothing loaded twice
conf "$mbs"
sh "$SI_ROOT/pipelines/sync-gmail.sh" 2>"$t/err2" || fail "sync-gmail exited $?: $(tail -5 "$t/err2")"
[ "$(n "SELECT COUNT(*) FROM gmail_messages")" -eq "$total" ] ||
	fail "a second run changed the message count"
[ "$(n "SELECT COUNT(*) FROM etl_runs WHERE source_system='pipeline:gmail' AND status='success'")" -eq 1 ] ||
	fail "the good run is not in etl_runs"

# a bad setting is refused, naming it
sed -i 's/^gmail_parallel = 2$/gmail_parallel = many/' "$t/config"
set +e
sh "$SI_ROOT/pipelines/sync-gmail.sh" 2>"$t/err3"
rc=$?
set -e
[ "$rc" -eq 78 ] || fail "gmail_parallel = many: exit $rc, expected 78"
grep -q gmail_parallel "$t/err3" || fail "the bad setting is not named: $(cat "$t/err3")"
echo ok
