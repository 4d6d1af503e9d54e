#!/bin/sh
# Hard deletes: rows deleted for good never come back from queryAll, so an
# incremental sf-pull lists the object's deletions (getDeleted) and load
# marks those rows deleted, keeping their other columns; the sweep's end is
# kept in the bookmark; --no-deleted-sweep leaves them alone.
set -eu
fail() { echo "FAIL: $*" >&2; exit 1; }
cleanup() { fake-api-stop; }
trap cleanup EXIT INT TERM
# One clock for the fake and sf-pull (SALESINTEL_NOW), moved by hand:
# getDeleted lists only whole minutes before its end.
eval "$(fake-api-start --seed 9 --modules salesforce --companies 6 --people 30 \
	--now 2026-06-01T00:00:00Z)"
SALESINTEL_NOW=2026-06-01T00:00:00Z
export SALESINTEL_NOW
at() { # minutes after the start: both clocks
	curl -fsS -X POST "$FAKE_URL/_admin/clock/set?to=2026-06-01T00:$1:00Z" >/dev/null
	SALESINTEL_NOW=2026-06-01T00:$1:00Z
}
export SF_LOGIN_URL="$FAKE_URL" SF_CLIENT_ID=3MVG9fake.client.id \
	SF_CLIENT_SECRET=fake-client-secret \
	SF_USERNAME=integration@northwind.example SF_PASSWORD='p4ss&word+1' \
	SF_SECURITY_TOKEN=SECTOKEN123
db=$TMPDIR/sales.db
admin=$FAKE_URL/_admin/salesforce
q() { sqlite3 "$db" "$1"; }
pull() { # extra sf-pull options
	sf-pull --object Contact --state-db "$db" "$@" >"$TMPDIR/out.jsonl" \
		2>"$TMPDIR/err" || { cat "$TMPDIR/err" >&2; fail "sf-pull exited $?"; }
	load --db "$db" <"$TMPDIR/out.jsonl" >/dev/null || fail "load exited $?"
}

# 1. the first pull: every live contact, and where sweeping starts
pull
n=$(q "SELECT COUNT(*) FROM sf_contacts WHERE _sdc_deleted_at IS NULL")
[ "$n" -ge 3 ] || fail "too few contacts: $n"
q "SELECT value FROM sync_state WHERE stream='sf_contacts'" |
	jq -e '.deleted_through | test("^20[0-9-]+T[0-9:.]+Z$")' >/dev/null ||
	fail "no deleted_through after the first pull: $(q "SELECT value FROM sync_state")"
# shellcheck disable=SC2046
set -- $(q "SELECT contact_id FROM sf_contacts WHERE _sdc_deleted_at IS NULL ORDER BY contact_id LIMIT 3")
hard=$1 soft=$2 later=$3
email=$(q "SELECT email FROM sf_contacts WHERE contact_id='$hard'")

# 2. one contact deleted for good, one to the Recycle Bin
at 01
curl -fsS -X DELETE "$admin/records/Contact/$hard?hard=1" >/dev/null
curl -fsS -X DELETE "$admin/records/Contact/$soft" >/dev/null
at 03
# the sweep's first answer comes cut (a 200 with broken JSON): asked again
curl -fsS -X POST "$admin/fail?code=BADJSON&count=1&path=/deleted/" >/dev/null
pull
grep -q "\"contact_id\":\"$hard\"" "$TMPDIR/out.jsonl" ||
	fail "the hard-deleted contact is not in the incremental pull"
[ "$(q "SELECT _sdc_deleted_at IS NOT NULL FROM sf_contacts WHERE contact_id='$hard'")" = 1 ] ||
	fail "the hard-deleted contact is not marked deleted"
[ "$(q "SELECT email FROM sf_contacts WHERE contact_id='$hard'")" = "$email" ] ||
	fail "marking the deletion lost the row's other columns"
[ "$(q "SELECT _sdc_deleted_at IS NOT NULL FROM sf_contacts WHERE contact_id='$soft'")" = 1 ] ||
	fail "the soft-deleted contact is not marked deleted"
[ "$(q "SELECT COUNT(*) FROM sf_contacts WHERE _sdc_deleted_at IS NULL")" -eq $((n - 2)) ] ||
	fail "other contacts were marked deleted"
# the STATE after the sweep is the last line before the etl_runs record
tail -2 "$TMPDIR/out.jsonl" | head -1 | jq -e '.type == "STATE" and
	(.value.bookmarks.sf_contacts.deleted_through | type == "string")' >/dev/null ||
	fail "no STATE with deleted_through after the sweep"

# 3. --no-deleted-sweep: a hard delete stays unseen
at 04
curl -fsS -X DELETE "$admin/records/Contact/$later?hard=1" >/dev/null
at 06
pull --no-deleted-sweep
[ "$(q "SELECT _sdc_deleted_at IS NULL FROM sf_contacts WHERE contact_id='$later'")" = 1 ] ||
	fail "--no-deleted-sweep: the contact was marked deleted anyway"
# ...and the next sweep catches it
at 08
pull
[ "$(q "SELECT _sdc_deleted_at IS NOT NULL FROM sf_contacts WHERE contact_id='$later'")" = 1 ] ||
	fail "the next sweep missed the hard delete"
echo ok
