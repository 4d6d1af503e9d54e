#!/bin/sh
# resolve into the warehouse, then re-resolve what new CRM data can match:
# participants and calls resolved against a warehouse that lacks 100
# contacts, loaded; the contacts arrive; the rows still without a contact
# are exported (export --where-null), resolved and loaded again.
# The warehouse must then hold what resolving everything against the full
# CRM gives.
set -eu
E=$SI_ROOT/tests/eval
db=$TMPDIR/w.db
trap 'rm -f "$TMPDIR"/*' EXIT INT TERM
cd "$TMPDIR"

sed -e '1s/^/[/' -e '$!s/$/,/' -e '$s/$/]/' "$E/contacts.jsonl" >contacts.json
sed -e '1s/^/[/' -e '$!s/$/,/' -e '$s/$/]/' "$E/accounts.jsonl" >accounts.json
sqlite3 "$db" <"$SI_ROOT/schema/sqlite.sql"
sqlite3 "$db" <<'SQL'
CREATE TEMP TABLE c AS SELECT json_extract(value, '$.contact_id') AS id,
	json_extract(value, '$.account_id') AS acct,
	json_extract(value, '$.email') AS email,
	json_extract(value, '$.phone') AS phone,
	json_extract(value, '$.mobile_phone') AS mobile,
	json_extract(value, '$.last_modified_date') AS modified
FROM json_each(readfile('contacts.json'));
INSERT INTO sf_contacts(contact_id, account_id, email, phone, mobile_phone,
	last_modified_date)
SELECT * FROM c WHERE id NOT BETWEEN '003000000000001000' AND '003000000000001099';
INSERT INTO sf_accounts(account_id, website, phone, last_modified_date)
SELECT json_extract(value, '$.account_id'), json_extract(value, '$.website'),
	json_extract(value, '$.phone'), json_extract(value, '$.last_modified_date')
FROM json_each(readfile('accounts.json'));
SQL


# first pass
resolve --db "$db" --internal-domain ourco.com "$E/participants.jsonl" "$E/calls.jsonl" |
	load --db "$db" >/dev/null
before=$(sqlite3 "$db" 'SELECT count(*) FROM gmail_participants
	WHERE sf_contact_id IS NOT NULL')

# the missing contacts arrive
sqlite3 "$db" <<'SQL'
CREATE TEMP TABLE c AS SELECT json_extract(value, '$.contact_id') AS id,
	json_extract(value, '$.account_id') AS acct,
	json_extract(value, '$.email') AS email,
	json_extract(value, '$.phone') AS phone,
	json_extract(value, '$.mobile_phone') AS mobile,
	json_extract(value, '$.last_modified_date') AS modified
FROM json_each(readfile('contacts.json'));
INSERT INTO sf_contacts(contact_id, account_id, email, phone, mobile_phone,
	last_modified_date)
SELECT * FROM c WHERE id BETWEEN '003000000000001000' AND '003000000000001099';
SQL

# re-resolve the rows still without a contact, as pipelines/resolve.sh
# --new-only does ("export" alone would be the shell's builtin)
env export --db "$db" gmail_participants --where-null sf_contact_id >again.jsonl
grep -q '"stream":"gmail_participants"' again.jsonl
resolve --db "$db" --internal-domain ourco.com again.jsonl | load --db "$db" >/dev/null
env export --db "$db" dialpad_calls --where-null matched_contact_id |
	resolve --db "$db" | load --db "$db" >/dev/null
after=$(sqlite3 "$db" 'SELECT count(*) FROM gmail_participants
	WHERE sf_contact_id IS NOT NULL')
test "$after" -gt "$before"

# what the full CRM gives, participant by participant
resolve --contacts "$E/contacts.jsonl" --accounts "$E/accounts.jsonl" --internal-domain ourco.com \
	"$E/participants.jsonl" |
	sed -n 's/.*"participant_id":"\([^"]*\)".*"sf_contact_id":\("[^"]*"\|null\),"sf_lead_id":\("[^"]*"\|null\),"sf_account_id":\("[^"]*"\|null\).*/\1|\2|\4/p' |
	sed -e 's/"//g' -e 's/null//g' | sort >want
sqlite3 -batch -noheader "$db" "SELECT participant_id,
	ifnull(sf_contact_id, ''), ifnull(sf_account_id, '')
	FROM gmail_participants ORDER BY 1" >got
test "$(wc -l <want)" -eq "$(wc -l <"$E/participants.jsonl")"
cmp want got
# the calls too
resolve --contacts "$E/contacts.jsonl" --accounts "$E/accounts.jsonl" \
	"$E/calls.jsonl" |
	sed -n 's/.*"call_id":"\([^"]*\)".*"matched_contact_id":\("[^"]*"\|null\),"matched_lead_id":\("[^"]*"\|null\),"matched_account_id":\("[^"]*"\|null\).*/\1|\2|\4/p' |
	sed -e 's/"//g' -e 's/null//g' | sort >want-calls
sqlite3 -batch -noheader "$db" "SELECT call_id,
	ifnull(matched_contact_id, ''), ifnull(matched_account_id, '')
	FROM dialpad_calls ORDER BY 1" >got-calls
test "$(wc -l <want-calls)" -eq "$(wc -l <"$E/calls.jsonl")"
cmp want-calls got-calls
test "$(sqlite3 "$db" 'SELECT count(*) FROM dialpad_calls
	WHERE matched_contact_id IS NOT NULL')" -gt 300
echo "ok: $before -> $after participants with a contact"
