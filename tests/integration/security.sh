#!/bin/sh
# Security (issue 9, docs/SECURITY.md): no tool takes a secret on its command
# line; secrets never reach stderr or stdout, even verbose and on failure;
# secret files readable by group or others are refused; plain http to a
# non-loopback host is refused before any connection; database and state
# files are created 0600 whatever the umask; SQL identifiers come only from
# the schema.
set -eu
fail() { echo "FAIL: $*"; exit 1; }
t=$TMPDIR
umask 022

# 1. No option that takes a secret.
for tool in sf-pull gmail-pull dialpad-pull hubspot-pull notify normalize-email \
    normalize-phone resolve load export; do
	env "$tool" --help >"$t/help" 2>&1 || fail "$tool --help exited $?"
	if grep -Eio -- '--[a-z-]*(password|secret|token|api-key|apikey)[a-z-]*' "$t/help" |
	    grep -Eiv -- '--(token-url)$' >"$t/bad"; then
		fail "$tool takes a secret on the command line: $(cat "$t/bad")"
	fi
done
echo "no secret options"

# 2. Secret files readable by group or others are refused (78), and the
#    secret is not printed.
printf 's3cr3t-dialpad-key-0001\n' >"$t/loose"
chmod 644 "$t/loose"
check_loose() { # VAR tool args...
	var=$1
	shift
	set +e
	env "$var=$t/loose" "$@" >"$t/out" 2>"$t/err" </dev/null
	rc=$?
	set -e
	[ "$rc" -eq 78 ] || fail "$var with a 0644 file: $1 exited $rc, expected 78: $(head -n 2 "$t/err")"
	grep -q s3cr3t "$t/err" "$t/out" && fail "$var: the secret was printed"
	return 0
}
check_loose DIALPAD_API_KEY_FILE dialpad-pull --base-url http://127.0.0.1:9
check_loose HUBSPOT_TOKEN_FILE hubspot-pull --base-url http://127.0.0.1:9
check_loose NOTIFY_WEBHOOK_URL_FILE notify x
check_loose SF_PASSWORD_FILE env SF_LOGIN_URL=http://127.0.0.1:9 SF_CLIENT_ID=x \
	SF_CLIENT_SECRET=abcd1234 SF_USERNAME=u@x sf-pull --object Account
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$t/key.pem" 2>/dev/null
chmod 640 "$t/key.pem"
set +e
SF_JWT_KEY_FILE=$t/key.pem SF_CLIENT_ID=x SF_USERNAME=u@x SF_LOGIN_URL=http://127.0.0.1:9 \
	sf-pull --object Account >/dev/null 2>"$t/err"
rc=$?
set -e
[ "$rc" -eq 78 ] || fail "a 0640 JWT key: exit $rc, expected 78: $(cat "$t/err")"
chmod 600 "$t/loose"
echo "loose secret files refused"

# 3. Secrets never reach the output, verbose or failing.
eval "$(fake-api-start --modules dialpad,hubspot)"
trap 'fake-api-stop' EXIT
set +e
DIALPAD_API_KEY=wrong-s3cr3t-key-42 dialpad-pull -v --base-url "$FAKE_URL/api/v2" >"$t/out" 2>"$t/err"
HUBSPOT_TOKEN=pat-na1-s3cr3t-wrong-77 hubspot-pull -v --base-url "$FAKE_URL" >>"$t/out" 2>>"$t/err"
set -e
[ -s "$t/err" ] || fail "no diagnostics at all"
grep -q 's3cr3t' "$t/err" "$t/out" && fail "a secret reached the output: $(grep -h s3cr3t "$t/err" "$t/out" | head -n 2)"
echo "secrets absent from verbose failing runs"

# 4. Plain http to a non-loopback host is refused before any connection; so
#    is an https URL with credentials or an odd scheme.
for url in http://api.example.com/api/v2 ftp://127.0.0.1/x; do
	set +e
	DIALPAD_API_KEY=k123456789 dialpad-pull --base-url "$url" >/dev/null 2>"$t/err"
	rc=$?
	set -e
	[ "$rc" -eq 78 ] || fail "$url: exit $rc, expected 78: $(cat "$t/err")"
done
echo "plain http to remote hosts refused"

# 5. Files created 0600 whatever the umask.
echo '{"type":"STATE","value":{"bookmarks":{"x":{"a":1}}}}' | load --db "$t/new.db" >/dev/null
[ "$(stat -c %a "$t/new.db")" = 600 ] || fail "database created $(stat -c %a "$t/new.db")"
echo '{"type":"STATE","value":{"bookmarks":{"x":{"a":1}}}}' | load --bq-dir "$t/bq" >/dev/null
[ "$(stat -c %a "$t/bq/state.json")" = 600 ] || fail "state.json created $(stat -c %a "$t/bq/state.json")"
echo "database and state files 0600"

# 6. Names come only from the schema: hostile streams and columns are
#    refused, nothing is created, the good record still lands.
cat >"$t/hostile.jsonl" <<'J'
{"type":"RECORD","stream":"sqlite_master","record":{"name":"x"}}
{"type":"RECORD","stream":"sf_contacts; DROP TABLE sf_contacts; --","record":{"contact_id":"1"}}
{"type":"RECORD","stream":"evil","record":{"id":"1"}}
{"type":"RECORD","stream":"sf_contacts","record":{"contact_id":"2","email\" TEXT); DROP TABLE sf_leads; --":"x"}}
{"type":"RECORD","stream":"sf_contacts","record":{"contact_id":"3","email":"ok@x.com"}}
J
set +e
load --db "$t/new.db" "$t/hostile.jsonl" >/dev/null 2>"$t/err"
rc=$?
set -e
[ "$rc" -eq 65 ] || fail "hostile names: exit $rc, expected 65"
[ "$(grep -c 'hostile.jsonl:[1-4]:' "$t/err")" -eq 4 ] || fail "hostile names: not every line reported: $(cat "$t/err")"
[ "$(sqlite3 "$t/new.db" "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('evil') OR name LIKE '%DROP%'")" -eq 0 ] ||
	fail "a table was created from input"
[ "$(sqlite3 "$t/new.db" "SELECT group_concat(contact_id) FROM sf_contacts")" = 3 ] || fail "the good record did not land"
sqlite3 "$t/new.db" "SELECT COUNT(*) FROM sf_leads" >/dev/null || fail "sf_leads was dropped"
echo "SQL names only from the schema"
echo "security: ok"
