#!/bin/sh
# hubspot-pull against fake-api: every sequence of every user once, with its
# step count, ids as strings; one user with --user-id; the dated path prefix;
# the same records under faults; a wrong token exits 77 with a failed
# etl_runs record and the token never printed nor in a URL.
set -eu
fail() { echo "FAIL: $*"; exit 1; }
eval "$(fake-api-start --modules hubspot --seed 5 --log "$TMPDIR/req.log")"
trap 'fake-api-stop' EXIT
export HUBSPOT_TOKEN=pat-na1-fake-hubspot-token
t=$TMPDIR
records() { jq -c 'select(.type=="RECORD" and .stream=="hubspot_sequences") | .record | del(.last_synced)' "$1" | sort; }

hubspot-pull --base-url "$FAKE_URL" >"$t/all.jsonl"
curl -fsS "$FAKE_URL/_admin/truth?module=hubspot" >"$t/truth.json"
jq -r '.hubspot.sequences[] | "\(.id) \(.steps | length)"' "$t/truth.json" | sort >"$t/want"
jq -r 'select(.type=="RECORD" and .stream=="hubspot_sequences") | "\(.record.sequence_id) \(.record.step_count)"' "$t/all.jsonl" | sort >"$t/got"
[ -s "$t/got" ] || fail "no sequences"
cmp -s "$t/want" "$t/got" || { diff "$t/want" "$t/got" | head; fail "sequences or step counts differ from the truth"; }
jq -e -s '[.[] | select(.type=="RECORD" and .stream=="hubspot_sequences") | .record | (.sequence_id|type)=="string" and (.user_id|type)=="string"] | all' \
	"$t/all.jsonl" >/dev/null || fail "ids are not strings"
grep -q '"type":"STATE"' "$t/all.jsonl" || fail "no STATE"
jq -e -s '[.[] | select(.stream=="etl_runs" and .type=="RECORD")][0].record.status == "success"' "$t/all.jsonl" >/dev/null ||
	fail "no successful etl_runs record"
# Every sequence call carried a userId; the token never in a URL.
grep '"target":"/automation/' "$t/req.log" | grep -v 'userId=' && fail "a sequences call without userId"
grep -q 'pat-na1-fake-hubspot-token\|hapikey' "$t/req.log" && fail "the token reached a URL"

# One user; the dated path gives the same for that user.
user=$(jq -r '.hubspot.sequences[0].userId' "$t/truth.json")
hubspot-pull --base-url "$FAKE_URL" --user-id "$user" >"$t/one.jsonl"
hubspot-pull --base-url "$FAKE_URL" --user-id "$user" --sequences-path /automation/sequences/2026-03 >"$t/dated.jsonl"
records "$t/one.jsonl" >"$t/a"
records "$t/dated.jsonl" >"$t/b"
[ -s "$t/a" ] || fail "no sequences for user $user"
cmp -s "$t/a" "$t/b" || fail "the dated path gave other records"
jq -e -s --arg u "$user" '[.[] | select(.type=="RECORD" and .stream=="hubspot_sequences") | .record.user_id == $u] | all' \
	"$t/one.jsonl" >/dev/null || fail "--user-id pulled other users' sequences"

# Faults change nothing.
curl -fsS -X POST "$FAKE_URL/_admin/faults?spec=429=0.1,500=0.05,503=0.05,reset=0.05,truncate=0.05" >/dev/null
SALESINTEL_HTTP_BACKOFF_MS=1 hubspot-pull --base-url "$FAKE_URL" >"$t/faulty.jsonl"
curl -fsS -X POST "$FAKE_URL/_admin/faults?spec=" >/dev/null
records "$t/all.jsonl" >"$t/a"
records "$t/faulty.jsonl" >"$t/b"
cmp -s "$t/a" "$t/b" || fail "faults changed the records"

# A wrong token: 77, failed etl_runs, not printed.
set +e
HUBSPOT_TOKEN=pat-na1-wrong-token-9876 hubspot-pull --base-url "$FAKE_URL" >"$t/bad.jsonl" 2>"$t/bad.err"
rc=$?
set -e
[ "$rc" -eq 77 ] || fail "wrong token: exit $rc, expected 77"
jq -e -s '[.[] | select(.stream=="etl_runs" and .type=="RECORD")][0].record.status == "failed"' "$t/bad.jsonl" >/dev/null ||
	fail "no failed etl_runs record"
grep -q wrong-token-9876 "$t/bad.err" "$t/bad.jsonl" && fail "the token leaked"
set +e
hubspot-pull --user-id abc >/dev/null 2>&1
rc=$?
set -e
[ "$rc" -eq 64 ] || fail "a non-numeric user id: exit $rc, expected 64"
echo "hubspot-pull: ok ($(wc -l <"$t/got") sequences)"
