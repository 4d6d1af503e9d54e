#!/bin/sh
# shellcheck disable=SC2016  # the test password holds a literal $$
# sf-pull at its most verbose, with known secrets in its environment and in
# files: JWT bearer flow (key checked by the fake), password flow, a refused
# login.  No secret, access token or key appears in stdout or stderr; none is
# accepted from argv; a key file others can read is refused.
set -eu
fail() { echo "FAIL: $*" >&2; exit 1; }
if ! fake-api --help 2>&1 | grep -q -- '--sf-client-id'; then
	echo "fake-api has no salesforce module yet: nothing to test"
	exit 0
fi
command -v openssl >/dev/null || fail "openssl is needed"
cleanup() { fake-api-stop; }
trap cleanup EXIT INT TERM
umask 077
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	-out "$TMPDIR/sf.key" 2>/dev/null
openssl pkey -in "$TMPDIR/sf.key" -pubout -out "$TMPDIR/sf.pub" 2>/dev/null
eval "$(fake-api-start --seed 9 --modules salesforce --sf-jwt-public-key "$TMPDIR/sf.pub" \
	--sf-client-secret 'S3cret-Client-#9' --sf-password 'Pa$$w0rd&+=x' \
	--sf-security-token TOKENXYZ123 --log "$TMPDIR/req.log")"
export SF_LOGIN_URL="$FAKE_URL" SF_CLIENT_ID=3MVG9fake.client.id
export SF_USERNAME=integration@northwind.example

scan() { # file...: no secret anywhere
	for f in "$@"; do
		for s in 'S3cret-Client-#9' 'Pa$$w0rd&+=x' 'Pa%24%24w0rd' TOKENXYZ123 \
			"$(sed -n 2p "$TMPDIR/sf.key")" 'static.session.token'; do
			if grep -qF -- "$s" "$f"; then
				fail "secret '$s' found in $(basename "$f")"
			fi
		done
		# the fake's access tokens: ORGID!AQ4AQ + 16 hex digits + a counter
		! grep -Eq '00D5g000004FAKE!AQ4AQ[0-9a-f]{16}' "$f" ||
			fail "an access token in $(basename "$f")"
	done
}

# --- JWT bearer flow, key from a private file
export SF_JWT_KEY_FILE="$TMPDIR/sf.key"
sf-pull -v --object Account >"$TMPDIR/jwt.out" 2>"$TMPDIR/jwt.err" ||
	{ cat "$TMPDIR/jwt.err" >&2; fail "JWT flow"; }
grep -q '"stream":"sf_accounts","record"' "$TMPDIR/jwt.out" || fail "JWT flow: no records"
sf-pull -v --log-format json --object Account >"$TMPDIR/jwt2.out" 2>"$TMPDIR/jwt2.err"
# the fake checks aud (login/test.salesforce.com only) and exp against the
# real clock: a pinned run time (SALESINTEL_NOW) must not move exp
SALESINTEL_NOW=2020-01-01T00:00:00Z sf-pull --object Account >/dev/null 2>"$TMPDIR/jwt3.err" ||
	{ cat "$TMPDIR/jwt3.err" >&2; fail "JWT flow with a pinned run time"; }
scan "$TMPDIR/jwt.out" "$TMPDIR/jwt.err" "$TMPDIR/jwt2.out" "$TMPDIR/jwt2.err"
# a key others can read is refused, as ssh does
chmod 644 "$TMPDIR/sf.key"
rc=0
sf-pull --object Account >/dev/null 2>"$TMPDIR/mode.err" || rc=$?
[ "$rc" -eq 78 ] || fail "world-readable key: exit $rc"
grep -q 'group or others' "$TMPDIR/mode.err" || fail "no mode message"
chmod 600 "$TMPDIR/sf.key"
unset SF_JWT_KEY_FILE

# --- password flow, secrets from files and variables
printf '%s\n' 'S3cret-Client-#9' >"$TMPDIR/cs"
printf '%s\n' 'Pa$$w0rd&+=x' >"$TMPDIR/pw"
export SF_CLIENT_SECRET_FILE="$TMPDIR/cs" SF_PASSWORD_FILE="$TMPDIR/pw" \
	SF_SECURITY_TOKEN=TOKENXYZ123
sf-pull -v --object Contact >"$TMPDIR/pw.out" 2>"$TMPDIR/pw.err" ||
	{ cat "$TMPDIR/pw.err" >&2; fail "password flow"; }
scan "$TMPDIR/pw.out" "$TMPDIR/pw.err"

# --- a refused login says why, without the password
export SF_SECURITY_TOKEN=WRONGTOKEN77
rc=0
sf-pull -v --object Contact >"$TMPDIR/bad.out" 2>"$TMPDIR/bad.err" || rc=$?
[ "$rc" -eq 77 ] || fail "refused login: exit $rc"
grep -q 'authentication failure' "$TMPDIR/bad.err" || fail "no reason given"
grep -q '"stream":"etl_runs".*"status":"failed".*authentication failure' "$TMPDIR/bad.out" ||
	fail "a refused login writes no failed etl_runs record"
! grep -qF WRONGTOKEN77 "$TMPDIR/bad.err" || fail "security token printed"
scan "$TMPDIR/bad.out" "$TMPDIR/bad.err"

# --- secrets never travel in a URL, and argv takes none
! grep -F 'TOKENXYZ123' "$TMPDIR/req.log" | grep -q '"target":"[^"]*TOKENXYZ123' ||
	fail "a secret in a request target"
for opt in --password --client-secret --token; do
	rc=0
	sf-pull --object Contact "$opt" x >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 64 ] || fail "$opt accepted"
done
echo ok
