#!/bin/sh
# notify: a webhook gets {"text": message}; the URL (a secret) comes only
# from the environment or a 0600 file and never reaches stderr; bad setups
# fail with the documented codes.
set -eu
eval "$(fake-api-start --modules notify)"
trap 'fake-api-stop' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# Message from the arguments, URL from the environment.
NOTIFY_WEBHOOK_URL="$FAKE_URL/notify/services/T0/B0/s3cretW3bh00k" \
	notify "salesforce run failed: sf-pull exited 77"
# Message from stdin, URL from a private file.
printf '%s\n' "$FAKE_URL/notify/services/T0/B0/s3cretW3bh00k" >"$TMPDIR/hook"
chmod 600 "$TMPDIR/hook"
printf 'gmail run failed: "quoted" \\ and \303\251\n' |
	NOTIFY_WEBHOOK_URL_FILE=$TMPDIR/hook notify
curl -fsS "$FAKE_URL/_admin/notify/messages" >"$TMPDIR/got"
n=$(jq '.webhooks | length' "$TMPDIR/got")
[ "$n" -eq 2 ] || fail "expected 2 webhook posts, got $n"
[ "$(jq -r '.webhooks[0].json.text' "$TMPDIR/got")" = "salesforce run failed: sf-pull exited 77" ] ||
	fail "first text: $(jq -c '.webhooks[0]' "$TMPDIR/got")"
[ "$(jq -r '.webhooks[1].json.text' "$TMPDIR/got")" = "$(printf 'gmail run failed: "quoted" \\ and \303\251')" ] ||
	fail "second text: $(jq -c '.webhooks[1]' "$TMPDIR/got")"
[ "$(jq -r '.webhooks[0].content_type' "$TMPDIR/got")" = application/json ] || fail "content type"

# A file readable by others is refused (78), and the URL is not printed.
chmod 644 "$TMPDIR/hook"
set +e
NOTIFY_WEBHOOK_URL_FILE=$TMPDIR/hook notify "x" 2>"$TMPDIR/err"
rc=$?
set -e
[ "$rc" -eq 78 ] || fail "loose file: exit $rc, expected 78"
grep -q s3cretW3bh00k "$TMPDIR/err" && fail "the webhook URL leaked: $(cat "$TMPDIR/err")"

# Nothing configured: 78.  Empty message: 65.  Bad usage: 64.
set +e
notify "x" 2>/dev/null; [ $? -eq 78 ] || fail "no target should exit 78"
printf '' | NOTIFY_WEBHOOK_URL="$FAKE_URL/notify/x" notify 2>/dev/null
[ $? -eq 65 ] || fail "empty message should exit 65"
notify --bogus 2>/dev/null; [ $? -eq 64 ] || fail "bad option should exit 64"
# A webhook that is down: a sysexits failure, the URL's secret part not shown.
SALESINTEL_HTTP_BACKOFF_MS=5 NOTIFY_WEBHOOK_URL="http://127.0.0.1:1/notify/s3cretW3bh00k" notify "x" 2>"$TMPDIR/err"
rc=$?
set -e
[ "$rc" -eq 69 ] || [ "$rc" -eq 75 ] || fail "unreachable webhook: exit $rc"
grep -q s3cretW3bh00k "$TMPDIR/err" && fail "the webhook URL leaked: $(cat "$TMPDIR/err")"
# A plain-http webhook that is not loopback is refused before any request.
set +e
NOTIFY_WEBHOOK_URL="http://hooks.example.com/x" notify "x" 2>"$TMPDIR/err"
rc=$?
set -e
[ "$rc" -eq 78 ] || fail "plain http to a remote host: exit $rc, expected 78"
echo "notify: ok"
