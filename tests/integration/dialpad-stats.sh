#!/bin/sh
# dialpad-pull --via-stats (shared/api/dialpad.md 3.5): POST /stats, poll
# GET /stats/{id}, download the CSV without the key, map columns by name;
# a request id that expires (404) starts the export again; the calls are
# the same records GET /call gives; exports that keep failing exit 69 with
# a failed etl_runs record.
set -eu
fail() { echo "FAIL: $*"; exit 1; }
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
eval "$(fake-api-start --modules dialpad --seed 11 --epoch "$now" --now "$now" \
	--dp-stats-expire 2 --log "$TMPDIR/req.log")"
trap 'fake-api-stop' EXIT
export DIALPAD_API_KEY=dp-fake-api-key SALESINTEL_NOW="$now" DIALPAD_STATS_POLL_MS=5
t=$TMPDIR
since=$(date -u -d "$now - 120 days" +%Y-%m-%d)

dialpad-pull --base-url "$FAKE_URL/api/v2" --via-stats --since "$since" \
	--requests-per-minute 6000 >"$t/stats.jsonl" 2>"$t/err" ||
	{ tail -3 "$t/err"; fail "--via-stats exited $?"; }
grep -q 'not found.*exporting again' "$t/err" || fail "the expired request id was not exported again"
grep -q '"target":"/files/dialpad/' "$t/req.log" || fail "the file was not downloaded"
grep -q 'apikey=\|dp-fake-api-key' "$t/req.log" && fail "the key reached a URL"
dialpad-pull --base-url "$FAKE_URL/api/v2" --since "$since" \
	--requests-per-minute 6000 >"$t/list.jsonl" 2>/dev/null
records() { jq -c 'select(.type=="RECORD" and .stream != "etl_runs") | .record' "$1" | sort; }
records "$t/stats.jsonl" >"$t/a"
records "$t/list.jsonl" >"$t/b"
[ "$(grep -c '"call_id"' "$t/a")" -gt 100 ] || fail "too few records"
cmp -s "$t/a" "$t/b" || { diff "$t/a" "$t/b" | head -4; fail "--via-stats records differ from GET /call's"; }
jq -e -s '[.[] | select(.stream=="etl_runs" and .type=="RECORD")][0].record.status == "success"' \
	"$t/stats.jsonl" >/dev/null || fail "no successful etl_runs record"
fake-api-stop

# Every export fails: 69, a failed run recorded.
eval "$(fake-api-start --modules dialpad --seed 11 --epoch "$now" --now "$now" --dp-stats-fail 9)"
set +e
dialpad-pull --base-url "$FAKE_URL/api/v2" --via-stats --since "$since" >"$t/bad.jsonl" 2>"$t/bad.err"
rc=$?
set -e
[ "$rc" -eq 69 ] || fail "failing exports: exit $rc, expected 69"
jq -e -s '[.[] | select(.stream=="etl_runs" and .type=="RECORD")][0].record.status == "failed"' \
	"$t/bad.jsonl" >/dev/null || fail "no failed etl_runs record"
echo "dialpad-stats: ok ($(wc -l <"$t/a") records)"
