#!/bin/sh
# dialpad-pull against fake-api: every concluded call exactly once with exact
# ids (one past 2^53), from/to as the call went, transcripts ordered and only
# for recorded calls, incremental runs from the bookmark, the same records
# under injected faults, the key never in a URL, a bad key exits 77 with a
# failed etl_runs record.
set -eu
fail() { echo "FAIL: $*"; exit 1; }
eval "$(fake-api-start --modules dialpad --seed 11 --retry-after 0 --log "$TMPDIR/req.log")"
trap 'fake-api-stop' EXIT
export DIALPAD_API_KEY=dp-fake-api-key
base=$FAKE_URL/api/v2
t=$TMPDIR

dialpad-pull --base-url "$base" --requests-per-minute 6000 >"$t/full.jsonl"
curl -fsS "$FAKE_URL/_admin/truth?module=dialpad" >"$t/truth.json"

# Calls: the same set of ids as the truth's concluded calls, each once.
jq -r 'select(.type=="RECORD" and .stream=="dialpad_calls") | .record.call_id' "$t/full.jsonl" | sort >"$t/got.ids"
jq -r '.dialpad.calls[] | .call_id | tostring' "$t/truth.json" | sort >"$t/want.ids"
[ -s "$t/got.ids" ] || fail "no calls"
[ "$(uniq -d "$t/got.ids" | wc -l)" -eq 0 ] || fail "duplicate calls"
cmp -s "$t/got.ids" "$t/want.ids" || { diff "$t/want.ids" "$t/got.ids" | head; fail "call ids differ from the truth"; }
grep -q '^9007199254740993$' "$t/got.ids" || fail "the id past 2^53 was not kept exactly"

# from/to as the call went; the customer's number is external_number.
jq -e -s '[.[] | select(.type=="RECORD" and .stream=="dialpad_calls") | .record |
	select((.direction=="inbound" and (.from_number != .external_number or .to_number != .internal_number)) or
	       (.direction=="outbound" and (.from_number != .internal_number or .to_number != .external_number)))] | length == 0' \
	"$t/full.jsonl" >/dev/null || fail "from/to do not follow the direction"

# Transcripts: for the calls with lines, in time order, keys deterministic.
jq -r '.dialpad.transcripts | to_entries[] | select(.value != null and (.value.lines // [] | map(select(.type=="transcript")) | length) > 0) | .key' \
	"$t/truth.json" | sort >"$t/want.tr"
jq -r 'select(.type=="RECORD" and .stream=="dialpad_transcripts") | .record.call_id' "$t/full.jsonl" | sort -u >"$t/got.tr"
cmp -s "$t/want.tr" "$t/got.tr" || { diff "$t/want.tr" "$t/got.tr" | head; fail "calls with transcripts differ"; }
jq -e -s '[.[] | select(.type=="RECORD" and .stream=="dialpad_transcripts") | .record] | group_by(.call_id) |
	all(. as $g | ($g | map(.created_at)) == ($g | map(.created_at) | sort) and
	    ($g | map(.segment_index)) == [range(0; $g | length)] and
	    all($g[]; .transcript_id == (.call_id + ":" + (.segment_index | tostring))))' \
	"$t/full.jsonl" >/dev/null || fail "transcript lines out of order or keys not deterministic"
# Only answered or recorded calls were asked for a transcript (Dialpad AI
# transcribes answered calls, recorded or not); the per-call endpoint never.
rec=$(jq -s '[.[] | select(.type=="RECORD" and .stream=="dialpad_calls" and (.record.was_recorded or .record.date_connected != null))] | length' "$t/full.jsonl")
asked=$(grep -c '"target":"/api/v2/transcripts/' "$t/req.log" || true)
[ "$asked" -eq "$rec" ] || fail "asked $asked transcripts for $rec answered or recorded calls"
grep -q '"target":"/api/v2/call/[0-9]' "$t/req.log" && fail "the 10-a-minute per-call endpoint was used"
grep -q 'apikey=\|dp-fake-api-key' "$t/req.log" && fail "the key reached a URL"

# STATE after the records, then etl_runs success.
last_state=$(grep -n '"type":"STATE"' "$t/full.jsonl" | tail -n 1 | cut -d: -f1)
last_rec=$(grep -n '"stream":"dialpad_calls"' "$t/full.jsonl" | tail -n 1 | cut -d: -f1)
[ "$last_state" -gt "$last_rec" ] || fail "STATE before the records it covers"
jq -e -s '[.[] | select(.stream=="etl_runs" and .type=="RECORD")][0].record | .status=="success" and .source_system=="dialpad"' \
	"$t/full.jsonl" >/dev/null || fail "no successful etl_runs record"

# Incremental: new calls appear, and only calls near the bookmark are re-read.
grep '"type":"STATE"' "$t/full.jsonl" | tail -n 1 >"$t/state"
curl -fsS -X POST "$FAKE_URL/_admin/dialpad/calls?create=3&minutes_ago=30" >"$t/new.json"
dialpad-pull --base-url "$base" --requests-per-minute 6000 --state "$t/state" >"$t/inc.jsonl"
jq -r '.created[] | tostring' "$t/new.json" | sort >"$t/new.ids"
jq -r 'select(.type=="RECORD" and .stream=="dialpad_calls") | .record.call_id' "$t/inc.jsonl" | sort >"$t/inc.ids"
[ "$(comm -23 "$t/new.ids" "$t/inc.ids" | wc -l)" -eq 0 ] || fail "incremental run missed new calls"
[ "$(wc -l <"$t/inc.ids")" -lt "$(wc -l <"$t/got.ids")" ] || fail "incremental run re-read everything"
jq -e -s '[.[] | select(.stream=="etl_runs" and .type=="RECORD")][0].record.job_type == "incremental"' \
	"$t/inc.jsonl" >/dev/null || fail "job_type is not incremental"

# Faults change nothing in the records.
records() { jq -c 'select(.type=="RECORD" and .stream != "etl_runs") | .record' "$1" | sort; }
curl -fsS -X POST "$FAKE_URL/_admin/faults?spec=429=0.1,500=0.05,503=0.05,reset=0.05,truncate=0.05" >/dev/null
SALESINTEL_HTTP_BACKOFF_MS=1 dialpad-pull --base-url "$base" --requests-per-minute 6000 >"$t/faulty.jsonl"
curl -fsS -X POST "$FAKE_URL/_admin/faults?spec=" >/dev/null
dialpad-pull --base-url "$base" --requests-per-minute 6000 >"$t/clean.jsonl"
records "$t/faulty.jsonl" >"$t/a"
records "$t/clean.jsonl" >"$t/b"
cmp -s "$t/a" "$t/b" || { diff "$t/a" "$t/b" | head -5; fail "faults changed the records"; }

# A wrong key: 77, a failed etl_runs record, the key not printed.
set +e
DIALPAD_API_KEY=wrong-key-123456 dialpad-pull --base-url "$base" >"$t/bad.jsonl" 2>"$t/bad.err"
rc=$?
set -e
[ "$rc" -eq 77 ] || fail "wrong key: exit $rc, expected 77"
jq -e -s '[.[] | select(.stream=="etl_runs" and .type=="RECORD")][0].record.status == "failed"' \
	"$t/bad.jsonl" >/dev/null || fail "no failed etl_runs record"
grep -q wrong-key-123456 "$t/bad.err" "$t/bad.jsonl" && fail "the key leaked"
# No key at all: 78.
set +e
env -u DIALPAD_API_KEY dialpad-pull --base-url "$base" >/dev/null 2>&1
rc=$?
set -e
[ "$rc" -eq 78 ] || fail "no key: exit $rc, expected 78"
echo "dialpad-pull: ok ($(wc -l <"$t/got.ids") calls)"
