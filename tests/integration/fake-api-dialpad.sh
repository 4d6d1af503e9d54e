#!/bin/sh
# fake-api's Dialpad: auth, call list windows and cursors, transcripts of
# three kinds, the 10-per-minute endpoint, users, ids as strings, new calls.
set -eu
pids=
cleanup() { for p in $pids; do fake-api-stop "$p"; done; }
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
start() { eval "$(fake-api-start "$@")"; pids="$pids $FAKE_PID"; }
json_str() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" | head -n 1; }
count() { grep -o "$1" | wc -l | tr -d ' '; }

start --seed 6 --modules dialpad --dp-page-size 7
U=$FAKE_URL/api/v2
H='Authorization: Bearer dp-fake-api-key'

code=$(curl -s -o "$TMPDIR/o" -w '%{http_code}' "$U/call")
[ "$code" = 401 ] || fail "no key gave $code"
grep -q '"error":{' "$TMPDIR/o" || fail "401 not in the error envelope"

# --- every call once through the cursor, pages of at most 7, newest first
curl -sf "$FAKE_URL/_admin/truth?module=dialpad" >"$TMPDIR/truth"
total=$(grep -o '"call_id":"[0-9]*","direction"' "$TMPDIR/truth" | wc -l | tr -d ' ')
cur=
: >"$TMPDIR/ids"
pages=0
while :; do
	curl -s -H "$H" "$U/call${cur:+?cursor=$cur}" >"$TMPDIR/page"
	n=$(count '"call_id"' <"$TMPDIR/page")
	[ "$n" -le 7 ] || fail "page of $n"
	grep -o '"date_started":"[0-9]*"' "$TMPDIR/page" | tr -dc '0-9\n' >>"$TMPDIR/starts"
	grep -o '"call_id":"[0-9]*","direction"' "$TMPDIR/page" >>"$TMPDIR/ids"
	pages=$((pages + 1))
	cur=$(json_str cursor <"$TMPDIR/page")
	[ -n "$cur" ] || break
	[ $pages -lt 200 ] || fail "cursor never ends"
done
[ "$(wc -l <"$TMPDIR/ids")" -eq "$total" ] || fail "listed $(wc -l <"$TMPDIR/ids") of $total"
[ "$(sort -u "$TMPDIR/ids" | wc -l)" -eq "$total" ] || fail "duplicates"
sort -rn "$TMPDIR/starts" | cmp -s - "$TMPDIR/starts" || fail "not newest first"
grep -q '"call_id":"9007199254740993"' "$TMPDIR/ids" || fail "no id past 2^53"

# --- a cursor is bound to its filters
first=$(curl -s -H "$H" "$U/call" | json_str cursor)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/call?cursor=$first&started_after=5")
[ "$code" = 400 ] || fail "cursor with other filters gave $code"

# --- windows are strict: started_after < date_started < started_before
s=$(sed -n 3p "$TMPDIR/starts")
n=$(curl -s -H "$H" "$U/call?started_after=$s&started_before=$((s + 1))" | count '"call_id"')
[ "$n" -eq 0 ] || fail "started_after is not strict"
n=$(curl -s -H "$H" "$U/call?started_after=$((s - 1))&started_before=$((s + 1))" | count '"call_id"')
[ "$n" -ge 1 ] || fail "window misses its call"

# --- transcripts: full (unordered, moments), call_id only, 404
full=$(grep -o '"[0-9]*":{"call_id":"[0-9]*","lines"' "$TMPDIR/truth" | head -n 1 | cut -d'"' -f2)
bare=$(grep -o '"[0-9]*":{"call_id":"[0-9]*"}' "$TMPDIR/truth" | head -n 1 | cut -d'"' -f2)
none=$(grep -o '"[0-9]*":null' "$TMPDIR/truth" | head -n 1 | cut -d'"' -f2)
if ! { [ -n "$full" ] && [ -n "$bare" ] && [ -n "$none" ]; }; then fail "transcript kinds missing"; fi
curl -s -H "$H" "$U/transcripts/$full" | grep -q '"type":"transcript"' || fail "full transcript"
curl -s -H "$H" "$U/transcripts/$bare" | grep -q '^{"call_id":"[0-9]*"}$' || fail "bare transcript"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/transcripts/$none")
[ "$code" = 404 ] || fail "missing transcript gave $code"
grep -q '"type":"moment"' "$TMPDIR/truth" || fail "no moments"

# --- GET /call/{id}: 10 per minute
i=0
while [ $i -lt 10 ]; do
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/call/$full")
	[ "$code" = 200 ] || fail "call $i gave $code"
	i=$((i + 1))
done
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/call/$full")
[ "$code" = 429 ] || fail "11th call in a minute gave $code"

# --- users, with email filter; ids as strings
curl -s -H "$H" "$U/users" | grep -q '"id":"5412087712374784"' || fail users
curl -s -H "$H" "$U/users?email=rosa.imbert@northwind.example" | grep -q '"first_name":"Rosa"' || fail "users by email"

# --- new calls appear in a later window
now=$(curl -sf "$FAKE_URL/_admin/clock" | sed 's/.*"now_ms":\([0-9]*\).*/\1/')
curl -sf -X POST "$FAKE_URL/_admin/dialpad/calls?create=3&minutes_ago=20" >"$TMPDIR/new"
n=$(curl -s -H "$H" "$U/call?started_after=$((now - 3600000))" | count '"call_id"')
[ "$n" -eq 3 ] || fail "new calls: $n"

# --- ids as bare numbers on request
start --seed 6 --modules dialpad --dp-ids-as-numbers 1
curl -s -H "$H" "$FAKE_URL/api/v2/call" | grep -q '"call_id":[0-9]' || fail "numbers switch"
# stopping checks the server exited clean (sanitizers)
for p in $pids; do fake-api-stop "$p"; done
pids=
echo ok
