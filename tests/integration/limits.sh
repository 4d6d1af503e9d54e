#!/bin/sh
# Limits (issue 9): a 1 GB line, JSON nested 100,000 deep, a long stream at
# flat memory, a 50 MB message body, a response that never ends and a server
# that accepts and never answers: each a clear error or a correct result,
# in bounded memory and time.  LIMITS_RECORDS sets the long stream's length
# (default 2,000,000; the on-demand run uses 10,000,000).
set -eu
fail() { echo "FAIL: $*"; exit 1; }
t=$TMPDIR
rss() { /usr/bin/time -f %M -o "$t/rss.out" "$@"; }
peak() { tail -n 1 "$t/rss.out"; }
# Sanitizer builds keep shadow memory: bounds are looser there.
slack=0
case ${SI_BUILD:-} in *san*) slack=400000 ;; esac
good1='{"type":"RECORD","stream":"sf_contacts","record":{"contact_id":"003A","email":"Asha <ASHA@Globex.co.UK>"}}'
good2='{"type":"RECORD","stream":"sf_contacts","record":{"contact_id":"003C","email":"c@x.com"}}'

# 1. A 1 GB line between two good ones: reported by line number, skipped
#    without being held in memory, the good lines kept, exit 65.
set +e
{
	echo "$good1"
	printf '{"type":"RECORD","stream":"sf_contacts","record":{"contact_id":"003B","email":"'
	head -c 1073741824 /dev/zero | tr '\0' a
	printf '"}}\n'
	echo "$good2"
} | rss normalize-email >"$t/out" 2>"$t/err"
rc=$?
set -e
[ "$rc" -eq 65 ] || fail "1 GB line: exit $rc, expected 65"
grep -q ':2:' "$t/err" || fail "1 GB line: no line number: $(head -c 300 "$t/err")"
[ "$(wc -l <"$t/out")" -eq 2 ] || fail "1 GB line: the good lines were not both kept"
{ grep -q '"asha@globex.co.uk"' "$t/out" && grep -q '"003C"' "$t/out"; } || fail "1 GB line: good lines wrong"
[ "$(peak)" -lt $((300000 + slack)) ] || fail "1 GB line: max RSS $(peak) KB"
echo "1 GB line: rejected at line 2, max RSS $(peak) KB"

# 2. JSON nested 100,000 deep: a clear error, no stack overflow.
set +e
{
	echo "$good1"
	printf '{"type":"RECORD","stream":"sf_contacts","record":{"contact_id":"003D","x":'
	head -c 100000 /dev/zero | tr '\0' '['
	head -c 100000 /dev/zero | tr '\0' ']'
	printf '}}\n'
	echo "$good2"
} | normalize-email >"$t/out" 2>"$t/err"
rc=$?
set -e
[ "$rc" -eq 65 ] || fail "deep nesting: exit $rc, expected 65"
grep -q ':2:.*nest' "$t/err" || fail "deep nesting: unclear error: $(head -c 300 "$t/err")"
[ "$(wc -l <"$t/out")" -eq 2 ] || fail "deep nesting: the good lines were not both kept"
echo "100,000 deep: rejected at line 2: $(cut -c1-120 "$t/err")"

# 3. A long stream at flat memory: RSS for N records within a few MB of
#    RSS for 100,000.
gen() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
		printf "{\"type\":\"RECORD\",\"stream\":\"gmail_participants\",\"record\":{\"participant_id\":\"p%d\",\"message_id\":\"m%d\",\"email_address\":\"Person.%d@Example.COM\",\"role\":\"to\"}}\n", i, i / 3, i % 50000 }'
}
n=${LIMITS_RECORDS:-2000000}
gen 100000 | rss normalize-email | tail -n 1 >/dev/null
small=$(peak)
gen "$n" | rss normalize-email >"$t/long.out"
big=$(peak)
[ "$(wc -l <"$t/long.out")" -eq "$n" ] || fail "long stream: $(wc -l <"$t/long.out") of $n records out"
tail -n 1 "$t/long.out" | grep -q "person.$(((n - 1) % 50000))@example.com" || fail "long stream: last record wrong"
rm -f "$t/long.out"
[ "$big" -lt $((small + 16000)) ] || fail "long stream: RSS grew from $small KB to $big KB"
echo "$n records: max RSS $big KB (100,000 records: $small KB)"

# 4. A 50 MB message body: stored whole.
awk 'BEGIN { printf "{\"type\":\"RECORD\",\"stream\":\"gmail_messages\",\"record\":{\"message_id\":\"big1\",\"mailbox_email\":\"rep@northwind.example\",\"from_email\":\"X <x@y.com>\",\"body_text\":\""
	for (i = 0; i < 524288; i++) printf "%s", "0123456789 caf\\u00e9 \\\"quoted\\\" \\\\ line\\n ------------------------------------------------------------------------"
	printf "\"}}\n" }' >"$t/big.jsonl"
normalize-email <"$t/big.jsonl" | load --db "$t/big.db" >/dev/null
len=$(sqlite3 "$t/big.db" "SELECT length(CAST(body_text AS BLOB)) FROM gmail_messages WHERE message_id='big1'")
[ "$len" -ge 50000000 ] || fail "50 MB body: stored $len bytes"
sqlite3 "$t/big.db" "SELECT substr(body_text, 1, 31) FROM gmail_messages" | grep -q 'café "quoted" \\ line' ||
	fail "50 MB body: content changed"
echo "50 MB body: stored $len bytes"

# 5. A server that accepts and never answers, and a response that never
#    ends: each try is cut by the timeouts, then a temporary failure (75),
#    with the failed run recorded.
export DIALPAD_API_KEY=dp-fake-api-key SALESINTEL_HTTP_TIMEOUT_MS=3000 \
	SALESINTEL_HTTP_LOW_SPEED_SECS=2 SALESINTEL_HTTP_TRIES=2 SALESINTEL_HTTP_BACKOFF_MS=10
for fault in hang endless; do
	eval "$(fake-api-start --modules dialpad --faults "$fault=1" --fault-burst 0)"
	start=$(date +%s)
	set +e
	rss dialpad-pull --base-url "$FAKE_URL/api/v2" --since 2026-01-01 >"$t/hang.jsonl" 2>"$t/hang.err"
	rc=$?
	set -e
	took=$(($(date +%s) - start))
	fake-api-stop
	# Never answering: temporary (75); never ending: too large (69).
	[ "$rc" -eq 75 ] || [ "$rc" -eq 69 ] || fail "$fault: exit $rc, expected 75 or 69: $(cat "$t/hang.err")"
	[ "$(peak)" -lt $((200000 + slack)) ] || fail "$fault: max RSS $(peak) KB"
	[ "$took" -lt 60 ] || fail "$fault: took ${took}s"
	jq -e -s '[.[] | select(.stream=="etl_runs" and .type=="RECORD")][0].record.status == "failed"' \
		"$t/hang.jsonl" >/dev/null || fail "$fault: no failed etl_runs record"
	echo "$fault: gave up after ${took}s, max RSS $(peak) KB: $(head -n 1 "$t/hang.err" | cut -c1-120)"
done
echo "limits: ok"
