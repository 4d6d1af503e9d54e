#!/bin/sh
# resolve against a seeded warehouse: the evaluation CRM loaded into the
# SQLite schema must give byte for byte what the same CRM gives from JSONL;
# the database is only read; soft-deleted rows are left out; SALESINTEL_DB
# stands in for --db; a full disk is an error.
set -eu
E=$SI_ROOT/tests/eval
db=$TMPDIR/w.db
trap 'rm -f "$TMPDIR"/*' EXIT INT TERM

arr() { # JSONL -> one JSON array
	sed -e '1s/^/[/' -e '$!s/$/,/' -e '$s/$/]/' "$1" >"$TMPDIR/$2.json"
}
arr "$E/contacts.jsonl" contacts
arr "$E/leads.jsonl" leads
arr "$E/accounts.jsonl" accounts
arr "$E/mappings.jsonl" mappings
cd "$TMPDIR"
sqlite3 "$db" <"$SI_ROOT/schema/sqlite.sql"
sqlite3 "$db" <<'SQL'
INSERT INTO sf_contacts(contact_id, account_id, email, phone, mobile_phone,
	last_modified_date)
SELECT json_extract(value, '$.contact_id'), json_extract(value, '$.account_id'),
	json_extract(value, '$.email'), json_extract(value, '$.phone'),
	json_extract(value, '$.mobile_phone'),
	json_extract(value, '$.last_modified_date')
FROM json_each(readfile('contacts.json'));
INSERT INTO sf_leads(lead_id, email, phone, is_converted, converted_contact_id,
	converted_account_id, last_modified_date)
SELECT json_extract(value, '$.lead_id'), json_extract(value, '$.email'),
	json_extract(value, '$.phone'), json_extract(value, '$.is_converted'),
	json_extract(value, '$.converted_contact_id'),
	json_extract(value, '$.converted_account_id'),
	json_extract(value, '$.last_modified_date')
FROM json_each(readfile('leads.json'));
INSERT INTO sf_accounts(account_id, website, phone, last_modified_date)
SELECT json_extract(value, '$.account_id'), json_extract(value, '$.website'),
	json_extract(value, '$.phone'), json_extract(value, '$.last_modified_date')
FROM json_each(readfile('accounts.json'));
INSERT INTO manual_mappings(mapping_id, email_address, phone_number,
	sf_contact_id, sf_account_id, created_at, is_active)
SELECT json_extract(value, '$.mapping_id'),
	json_extract(value, '$.email_address'),
	json_extract(value, '$.phone_number'),
	json_extract(value, '$.sf_contact_id'),
	json_extract(value, '$.sf_account_id'),
	json_extract(value, '$.created_at'), json_extract(value, '$.is_active')
FROM json_each(readfile('mappings.json'));
-- a contact deleted at the source
INSERT INTO sf_contacts(contact_id, account_id, email, _sdc_deleted_at)
VALUES ('003DELETED', '001DELETED', 'deleted.person@example.org',
	'2026-01-01T00:00:00.000Z');
SQL
test "$(sqlite3 "$db" 'SELECT count(*) FROM sf_contacts')" -ge 2000

sum0=$(cksum <"$db")
resolve --db "$db" --internal-domain ourco.com \
	"$E/participants.jsonl" "$E/calls.jsonl" >from-db.jsonl
resolve --contacts "$E/contacts.jsonl" --leads "$E/leads.jsonl" \
	--accounts "$E/accounts.jsonl" --mappings "$E/mappings.jsonl" \
	--internal-domain ourco.com \
	"$E/participants.jsonl" "$E/calls.jsonl" >from-files.jsonl
cmp from-db.jsonl from-files.jsonl
test "$(wc -l <from-db.jsonl)" -eq "$(cat "$E/participants.jsonl" \
	"$E/calls.jsonl" | wc -l)"
test "$(cksum <"$db")" = "$sum0"

# the deleted contact is not matched; the env variable names the db
printf '%s\n' '{"a":"deleted.person@example.org"}' |
	SALESINTEL_DB=$db resolve -f a >deleted.out
grep -q '"sf_contact_id":null' deleted.out

# a full disk is an I/O error, not a silent success
set +e
resolve --db "$db" "$E/participants.jsonl" >/dev/full 2>err
rc=$?
set -e
test "$rc" -eq 74
grep -q '^resolve: ' err
echo ok
