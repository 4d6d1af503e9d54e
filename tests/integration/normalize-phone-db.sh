#!/bin/sh
# normalize-phone --db: contacts whose account the stream does not carry
# have their numbers read in the account's billing country from the
# warehouse; an account record in the stream overrides it; a number valid
# as dialled from the default region stays read from there; the warehouse
# is only read; an old warehouse without the column adds nothing; a
# missing one is exit 66; --ignore-country turns it all off.
set -eu
db=$TMPDIR/w.db
trap 'rm -f "$TMPDIR"/*' EXIT INT TERM
sqlite3 "$db" <"$SI_ROOT/schema/sqlite.sql"
sqlite3 "$db" <<'SQL'
INSERT INTO sf_accounts(account_id, billing_country) VALUES
	('001A', 'United Kingdom'), ('001B', 'DE'), ('001C', NULL),
	('001D', 'Narnia');
SQL
sum=$(cksum <"$db")
rec() { # contact-id account-id phone
	printf '{"type":"RECORD","stream":"sf_contacts","record":{"contact_id":"%s","account_id":"%s","phone":"%s"}}\n' "$@"
}
{
	rec 003A 001A "020 7946 0000"
	rec 003B 001B "030 901820"
	rec 003C 001C "(415) 555-0100"
	rec 003D 001D "(415) 555-0101"
	rec 003E 001B "(415) 555-0102"
	printf '{"type":"RECORD","stream":"sf_accounts","record":{"account_id":"001B","billing_country":"France"}}\n'
	rec 003F 001B "01 23 45 67 89"
} >"$TMPDIR/in.jsonl"

normalize-phone --region US --db "$db" <"$TMPDIR/in.jsonl" >"$TMPDIR/out.jsonl"
got=$(sed -n 's/.*"contact_id":"\([^"]*\)".*"phone":\([^}]*\)}}/\1 \2/p' "$TMPDIR/out.jsonl" | tr '\n' ' ')
want='003A "+442079460000" 003B "+4930901820" 003C "+14155550100" 003D "+14155550101" 003E "+14155550102" 003F "+33123456789" '
[ "$got" = "$want" ] || { echo "with --db: got  $got"; echo "            want $want"; exit 1; }
[ "$(cksum <"$db")" = "$sum" ] || { echo "the warehouse changed"; exit 1; }

# without --db the first two are read from the default region: rejected
normalize-phone --region US <"$TMPDIR/in.jsonl" >"$TMPDIR/out2.jsonl" 2>"$TMPDIR/err"
grep -q '"contact_id":"003A","account_id":"001A","phone":null' "$TMPDIR/out2.jsonl" ||
	{ echo "without --db 003A was read in its account's country"; exit 1; }
grep -q '"003F","account_id":"001B","phone":"+33123456789"' "$TMPDIR/out2.jsonl" ||
	{ echo "without --db the stream's account was not used"; exit 1; }

# --ignore-country: none of it
normalize-phone --region US --ignore-country --db "$db" <"$TMPDIR/in.jsonl" \
	>"$TMPDIR/out3.jsonl" 2>"$TMPDIR/err"
grep -q '"003F","account_id":"001B","phone":null' "$TMPDIR/out3.jsonl" ||
	{ echo "--ignore-country still read 003F in France"; exit 1; }

# a warehouse from before the column: nothing added, no error
sqlite3 "$TMPDIR/old.db" 'CREATE TABLE sf_accounts(account_id TEXT PRIMARY KEY, name TEXT);
	INSERT INTO sf_accounts VALUES ("001A", "x");'
normalize-phone --region US --db "$TMPDIR/old.db" <"$TMPDIR/in.jsonl" >"$TMPDIR/out4.jsonl" 2>"$TMPDIR/err"
cmp -s "$TMPDIR/out2.jsonl" "$TMPDIR/out4.jsonl" || { echo "old warehouse changed the output"; exit 1; }

# a missing warehouse is an error, not a silent default
set +e
normalize-phone --db "$TMPDIR/nope.db" <"$TMPDIR/in.jsonl" >/dev/null 2>"$TMPDIR/err"
rc=$?
set -e
[ "$rc" -eq 66 ] || { echo "missing --db: exit $rc, want 66"; exit 1; }
grep -q 'nope.db' "$TMPDIR/err" || { echo "missing --db: no file named"; cat "$TMPDIR/err"; exit 1; }
echo ok
