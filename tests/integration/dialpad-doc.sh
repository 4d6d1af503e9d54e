#!/bin/sh
# dialpad-pull against the quirks shared/api/dialpad.md allows and the fake
# switches on here: transcripts of answered calls that were not recorded
# (Dialpad AI), the same calls again on the next page (de-duplicated by
# call_id), a last page whose cursor points to itself (loop guard), call
# targets without an email (GET /users gives it), 200 bodies that are cut
# JSON (asked again), and a base URL given with a trailing '/'.
set -eu
fail() { echo "FAIL: $*"; exit 1; }
eval "$(fake-api-start --modules dialpad --seed 23 --companies 8 --people 40 --reps 3 \
	--dp-page-size 4 --dp-transcripts-unrecorded 1 --dp-overlap-pages 2 \
	--dp-stuck-cursor 1 --dp-target-no-email 1 --dp-bad-json-every 5 \
	--log "$TMPDIR/req.log")"
trap 'fake-api-stop' EXIT
export DIALPAD_API_KEY=dp-fake-api-key
t=$TMPDIR

set +e
timeout 60 dialpad-pull --base-url "$FAKE_URL/api/v2/" --window 4400 >"$t/out.jsonl" 2>"$t/err"
rc=$?
set -e
[ "$rc" -eq 0 ] || { tail -5 "$t/err"; fail "exit $rc"; }
curl -fsS "$FAKE_URL/_admin/truth?module=dialpad" >"$t/truth.json"

# Every call exactly once.
jq -r 'select(.type=="RECORD" and .stream=="dialpad_calls") | .record.call_id' "$t/out.jsonl" | sort >"$t/got.ids"
jq -r '.dialpad.calls[] | .call_id' "$t/truth.json" | sort >"$t/want.ids"
[ "$(wc -l <"$t/want.ids")" -gt 20 ] || fail "too few calls in the truth"
[ "$(uniq -d "$t/got.ids" | wc -l)" -eq 0 ] || fail "a call written twice"
cmp -s "$t/got.ids" "$t/want.ids" || { diff "$t/want.ids" "$t/got.ids" | head; fail "call ids differ from the truth"; }
jq -e -s --argjson n "$(wc -l <"$t/want.ids")" \
	'[.[] | select(.stream=="etl_runs" and .type=="RECORD")][0].record.rows_processed == $n' \
	"$t/out.jsonl" >/dev/null || fail "rows_processed counts duplicates"

# A transcript for every call that has spoken lines, recorded or not.
jq -r '.dialpad.transcripts | to_entries[] | select(.value != null and (.value.lines // [] | map(select(.type=="transcript")) | length) > 0) | .key' \
	"$t/truth.json" | sort >"$t/want.tr"
jq -r '.dialpad.calls[] | select(.was_recorded == false) | .call_id' "$t/truth.json" | sort >"$t/unrec"
[ "$(comm -12 "$t/want.tr" "$t/unrec" | wc -l)" -gt 0 ] || fail "the fake has no unrecorded call with a transcript"
jq -r 'select(.type=="RECORD" and .stream=="dialpad_transcripts") | .record.call_id' "$t/out.jsonl" | sort -u >"$t/got.tr"
cmp -s "$t/want.tr" "$t/got.tr" || { diff "$t/want.tr" "$t/got.tr" | head; fail "calls with transcripts differ"; }
# Each transcript asked for once.
grep -o '"target":"/api/v2/transcripts/[0-9]*' "$t/req.log" | sort | uniq -c | awk '$1 > 2 { bad = 1 } END { exit bad }' ||
	fail "a transcript asked for more than twice"

# user_email from GET /users when the call's target carries none.
jq -r '.dialpad.calls[] | "\(.call_id) \(.target.email)"' "$t/truth.json" | sort >"$t/want.em"
jq -r 'select(.type=="RECORD" and .stream=="dialpad_calls") | "\(.record.call_id) \(.record.user_email)"' "$t/out.jsonl" | sort >"$t/got.em"
cmp -s "$t/want.em" "$t/got.em" || { diff "$t/want.em" "$t/got.em" | head -4; fail "user_email differs"; }
grep -q 'apikey=\|dp-fake-api-key' "$t/req.log" && fail "the key reached a URL"
grep -q '"target":"/api/v2//' "$t/req.log" && fail "a path with '//'"
echo "dialpad-doc: ok ($(wc -l <"$t/got.ids") calls, $(wc -l <"$t/got.tr") transcripts)"
