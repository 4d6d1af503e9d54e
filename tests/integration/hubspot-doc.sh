#!/bin/sh
# hubspot-pull against a server that does what shared/api/hubspot.md says
# and no more: users come from /crm/v3/owners (no /settings/v3/users); a
# base URL with a trailing slash; owners without a sales seat skipped; a
# sequence deleted between list and details skipped; 200s with empty, cut
# or shapeless bodies fetched again (and no silent loss); a cursor handed
# out twice ends the run (65) instead of looping; 423 and 477 retried; a
# DAILY 429 is not retried (75 at once); TEN_SECONDLY_ROLLING waits; a
# junk rate-limit header does not stall; MISSING_SCOPES names the scope.
set -eu
fail() { echo "FAIL: $*"; exit 1; }
pids=
cleanup() { for p in $pids; do fake-api-stop "$p"; done; }
trap cleanup EXIT INT TERM
start() { eval "$(fake-api-start "$@")"; pids="$pids $FAKE_PID"; }
start --modules hubspot --seed 11 --hs-users-api 0 --hs-max-page 2 --hs-burst 100000 --log "$TMPDIR/req.log"
U=$FAKE_URL
export HUBSPOT_TOKEN=pat-na1-fake-hubspot-token SALESINTEL_HTTP_BACKOFF_MS=1
t=$TMPDIR
quirk() { curl -fsS -X POST "$U/_admin/hubspot/quirk?$1" >/dev/null; }
seqs() { jq -r 'select(.type=="RECORD" and .stream=="hubspot_sequences") | "\(.record.sequence_id) \(.record.step_count) \(.record.user_id)"' "$1" | sort; }
# run NAME [args]: hubspot-pull into $t/NAME.out/.err, bounded; exit in $rc
run() {
	n=$1
	shift
	set +e
	timeout 60 hubspot-pull --base-url "$U" --requests-per-second 1000 "$@" >"$t/$n.out" 2>"$t/$n.err"
	rc=$?
	set -e
}

curl -fsS "$U/_admin/truth?module=hubspot" >"$t/truth.json"
jq -r '.hubspot.sequences[] | "\(.id) \(.steps | length) \(.userId)"' "$t/truth.json" | sort >"$t/want"
[ "$(wc -l <"$t/want")" -ge 6 ] || fail "too few sequences in the fixture"

# Users from the owners (userId, a number there); a trailing slash on the base URL.
run all --base-url "$U/"
[ "$rc" -eq 0 ] || { cat "$t/all.err"; fail "no --user-id, no /settings/v3/users: exit $rc"; }
seqs "$t/all.out" >"$t/got"
cmp -s "$t/want" "$t/got" || { diff "$t/want" "$t/got" | head; fail "sequences differ from the truth"; }
grep -q '"target":"/crm/v3/owners' "$t/req.log" || fail "owners not asked"
grep -q '"target":"//' "$t/req.log" && fail "a path with a double slash"

# An owner whose sequences HubSpot refuses to list (400): skipped, the rest pulled.
u2=$(jq -r '.hubspot.users[1].id' "$t/truth.json")
quirk "kind=400&n=1&match=userId%3D$u2%26limit"
run skip
[ "$rc" -eq 0 ] || { cat "$t/skip.err"; fail "a refused owner ended the run: exit $rc"; }
grep -v " $u2\$" "$t/want" >"$t/want2"
seqs "$t/skip.out" >"$t/got"
cmp -s "$t/want2" "$t/got" || { diff "$t/want2" "$t/got" | head; fail "skipping one owner changed the others"; }
grep -q 'skipped' "$t/skip.err" || fail "the skipped owner not reported"
# ... but a user named with --user-id is not skipped.
quirk "kind=400&n=1&match=userId%3D$u2%26limit"
run named --user-id "$u2"
[ "$rc" -ne 0 ] || fail "a refused --user-id exited 0"

# A sequence deleted between the list and its details: skipped, not fatal.
sid=$(head -n 1 "$t/want" | cut -d' ' -f1)
quirk "kind=404&n=1&match=/sequences/$sid%3F"
run gone
[ "$rc" -eq 0 ] || { cat "$t/gone.err"; fail "a vanished sequence ended the run: exit $rc"; }
grep -v "^$sid " "$t/want" >"$t/want2"
seqs "$t/gone.out" >"$t/got"
cmp -s "$t/want2" "$t/got" || fail "a vanished sequence changed the others"

# 200s with an empty, cut or shapeless body: fetched again, nothing lost.
quirk "kind=empty200&n=1&match=sequences%3FuserId"
quirk "kind=badjson&n=2&match=/sequences/"
quirk "kind=noresults&n=1&match=after%3D"
quirk "kind=noresults&n=1&match=/crm/v3/owners"
run bodies
[ "$rc" -eq 0 ] || { cat "$t/bodies.err"; fail "bad 200 bodies: exit $rc"; }
seqs "$t/bodies.out" >"$t/got"
cmp -s "$t/want" "$t/got" || { diff "$t/want" "$t/got" | head; fail "bad 200 bodies lost sequences"; }
# Always shapeless: 65, not a silent success with pages missing.
curl -fsS -X POST "$U/_admin/reset" >/dev/null
quirk "kind=noresults&n=100&match=after%3D"
run shapeless
[ "$rc" -eq 65 ] || fail "a list page without results every time: exit $rc, expected 65"
jq -e -s '[.[] | select(.stream=="etl_runs" and .type=="RECORD")][0].record.status == "failed"' "$t/shapeless.out" >/dev/null ||
	fail "no failed etl_runs record"
curl -fsS -X POST "$U/_admin/reset" >/dev/null

# A cursor that repeats: 65 at once, no endless paging.
quirk "kind=repeat-after&n=1000"
run loop
[ "$rc" -eq 65 ] || fail "a repeating cursor: exit $rc, expected 65"
grep -q 'already used' "$t/loop.err" || fail "the loop not named"
curl -fsS -X POST "$U/_admin/reset" >/dev/null

# 423 and 477 are retried.
quirk "kind=423&n=1&match=sequences%3FuserId"
quirk "kind=477&n=1&match=/sequences/"
run locked
[ "$rc" -eq 0 ] || { cat "$t/locked.err"; fail "423/477: exit $rc"; }
seqs "$t/locked.out" >"$t/got"
cmp -s "$t/want" "$t/got" || fail "423/477 changed the records"

# TEN_SECONDLY_ROLLING without Retry-After: the window stays shut for a
# while (100 ms here); the client waits long enough (>= 10 s x try, scaled
# by SALESINTEL_HTTP_BACKOFF_MS) instead of burning its tries.
quirk "kind=429-rolling&n=1&ms=100&match=sequences%3FuserId"
run rolling
[ "$rc" -eq 0 ] || { cat "$t/rolling.err"; fail "TEN_SECONDLY_ROLLING: exit $rc"; }

# DAILY: not retried (Retry-After: 3600 is not waited for); 75.
: >"$t/req.log"
quirk "kind=429-daily&n=100"
run daily
[ "$rc" -eq 75 ] || fail "DAILY: exit $rc, expected 75"
grep -q 'daily' "$t/daily.err" || fail "DAILY not explained"
[ "$(grep -c '"status":429' "$t/req.log")" -eq 1 ] || fail "DAILY 429 retried"
curl -fsS -X POST "$U/_admin/reset" >/dev/null

# A rate-limit header that is no number does not make the client sleep
# 10 s per request (a run of a dozen requests; 30 s leaves room for a slow
# or sanitised build).
quirk "kind=junk-headers&n=1000"
set +e
timeout 30 hubspot-pull --base-url "$U" --requests-per-second 1000 >"$t/junk.out" 2>"$t/junk.err"
rc=$?
set -e
[ "$rc" -eq 0 ] || fail "junk X-HubSpot-RateLimit-Remaining: exit $rc"

# Owners that name no user: the account's users instead (where served).
start --modules hubspot --seed 11 --hs-burst 100000
U=$FAKE_URL
quirk "kind=emptylist&n=1&match=/crm/v3/owners"
run nousers
[ "$rc" -eq 0 ] || fail "owners without users: exit $rc"
seqs "$t/nousers.out" >"$t/got"
cmp -s "$t/want" "$t/got" || fail "owners without users: not the account's users"

# MISSING_SCOPES: 77, and the message names the scope wanted.
start --modules hubspot --seed 11 --hs-scopes crm.objects.owners.read
U=$FAKE_URL
run scopes
[ "$rc" -eq 77 ] || fail "missing scope: exit $rc, expected 77"
grep -q 'automation.sequences.read' "$t/scopes.err" || { cat "$t/scopes.err"; fail "the missing scope not named"; }
grep -q 'MISSING_SCOPES' "$t/scopes.err" || fail "the category not named"
echo "hubspot-doc: ok"
