#!/bin/sh
# gmail-pull's credentials: a second service account trusted by the fake
# (--gmail-sa-key), a loopback token_uri taken from the key, a foreign
# token_uri refused, a JWT signed by the wrong key refused.
set -eu
pids=
cleanup() {
	for p in $pids; do fake-api-stop "$p"; done
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	-out "$TMPDIR/sa.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	-out "$TMPDIR/other.pem" 2>/dev/null
chmod 600 "$TMPDIR/sa.pem" "$TMPDIR/other.pem"
email=puller@demo-project.iam.gserviceaccount.com
eval "$(fake-api-start --seed 71 --modules gmail --gmail-mailboxes 1 \
	--gmail-messages 5 --gmail-sa-key "$TMPDIR/sa.pem" --gmail-sa-email "$email")"
pids=$FAKE_PID
mkkey() { # pem token_uri out
	k=$(awk '{printf "%s\\n", $0}' "$1")
	printf '{"type":"service_account","client_email":"%s","private_key":"%s","token_uri":"%s"}\n' \
		"$email" "$k" "$2" >"$3"
	chmod 600 "$3"
}
m=$(curl -sf "$FAKE_URL/_admin/gmail/mailboxes" | tr -d '[]"' | cut -d, -f1)
[ -n "$m" ] || fail "no mailboxes"

# the key's own loopback token_uri: no --token-url needed
mkkey "$TMPDIR/sa.pem" "$FAKE_URL/token" "$TMPDIR/key.json"
gmail-pull --mailbox "$m" --key-file "$TMPDIR/key.json" --base-url "$FAKE_URL" \
	--quota 0 >"$TMPDIR/out" 2>"$TMPDIR/err" || { cat "$TMPDIR/err"; fail "pull"; }
n=$(grep -c '"stream":"gmail_messages","record"' "$TMPDIR/out")
[ "$n" -eq 5 ] || fail "$n messages"

# a token_uri elsewhere is refused before anything is signed or sent
mkkey "$TMPDIR/sa.pem" "https://collector.example/token" "$TMPDIR/evil.json"
set +e
GMAIL_KEY_FILE=$TMPDIR/evil.json gmail-pull --mailbox "$m" \
	--base-url "$FAKE_URL" >/dev/null 2>"$TMPDIR/err"
code=$?
set -e
[ "$code" -eq 78 ] || fail "foreign token_uri: exit $code, want 78"
grep -q 'token_uri https://collector.example/token is not Google' "$TMPDIR/err" ||
	fail "foreign token_uri: message"

# the right account name, the wrong key: the signature check refuses it
mkkey "$TMPDIR/other.pem" "$FAKE_URL/token" "$TMPDIR/wrong.json"
set +e
gmail-pull --mailbox "$m" --key-file "$TMPDIR/wrong.json" --base-url "$FAKE_URL" \
	>/dev/null 2>"$TMPDIR/err"
code=$?
set -e
[ "$code" -eq 77 ] || fail "wrong key: exit $code, want 77"
grep -q 'Invalid JWT Signature' "$TMPDIR/err" || fail "wrong key: message"
echo ok
