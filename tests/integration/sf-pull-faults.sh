#!/bin/sh
# sf-pull under every fault class of fake-api: the records (and the database
# they load into) equal the fault-free run's; a session that expires in the
# middle of paging, with and without refresh-token rotation; QUERY_TIMEOUT;
# the quota guard and the daily limit stop with 75; exhausted retries 69.
set -eu
fail() { echo "FAIL: $*" >&2; exit 1; }
if ! fake-api --help 2>&1 | grep -q -- '--sf-client-id'; then
	echo "fake-api has no salesforce module yet: nothing to test"
	exit 0
fi
pids=
cleanup() { for p in $pids; do fake-api-stop "$p"; done; }
trap cleanup EXIT INT TERM
start() {
	eval "$(fake-api-start --seed 3 --modules salesforce --sf-max-batch 60 \
		--sf-short-pages 0.2 --retry-after 0 "$@")"
	pids="$pids $FAKE_PID"
	SF_LOGIN_URL=$FAKE_URL
	admin=$FAKE_URL/_admin/salesforce
}
export SF_CLIENT_ID=3MVG9fake.client.id SF_CLIENT_SECRET=fake-client-secret \
	SF_USERNAME=integration@northwind.example SF_PASSWORD='p4ss&word+1' \
	SF_SECURITY_TOKEN=SECTOKEN123 SF_LOGIN_URL
# reproducible runs: one run time, quick retries
export SALESINTEL_NOW=2026-06-15T00:00:00Z SALESINTEL_HTTP_BACKOFF_MS=2
objects=Account,Contact,Lead,Task,EmailMessage
records() { grep '"type":"RECORD","stream":"sf_' "$1" | sort -u; }
dbdump() { # db -> sorted rows of the sf tables without load's ingested_at
	for t in sf_accounts sf_contacts sf_leads sf_activities sf_email_messages; do
		sqlite3 "$1" "update $t set ingested_at = null; select * from $t order by 1"
	done
}

# --- the fault-free run
start
sf-pull --object $objects >"$TMPDIR/clean.jsonl"
records "$TMPDIR/clean.jsonl" >"$TMPDIR/clean.rec"
[ "$(wc -l <"$TMPDIR/clean.rec")" -gt 300 ] || fail "small org"
load --db "$TMPDIR/clean.db" <"$TMPDIR/clean.jsonl" >/dev/null
dbdump "$TMPDIR/clean.db" >"$TMPDIR/clean.dump"

same() { # name file: records equal the clean run's
	records "$2" >"$TMPDIR/$1.rec"
	cmp -s "$TMPDIR/clean.rec" "$TMPDIR/$1.rec" || {
		diff "$TMPDIR/clean.rec" "$TMPDIR/$1.rec" | head -n 4 >&2
		fail "$1: records differ from the fault-free run"
	}
}

# --- each fault class at a high rate: same records, same database
for f in 429 500 503 reset truncate 401 slow; do
	# a 401 is refreshed once per request: never two in a row for one
	burst=3
	[ "$f" = 401 ] && burst=1
	start --faults "$f=0.35" --slow-ms 20 --fault-burst "$burst"
	sf-pull --object $objects >"$TMPDIR/$f.jsonl" 2>"$TMPDIR/$f.err" ||
		{ tail -n 3 "$TMPDIR/$f.err" >&2; fail "fault $f: exit $?"; }
	same "fault-$f" "$TMPDIR/$f.jsonl"
	n=$(curl -sf "$FAKE_URL/_admin/stats" | sed 's/.*"counts":{//; s/}.*//' |
		tr ',' '\n' | grep "^\"$f\":" | cut -d: -f2)
	[ "${n:-0}" -gt 0 ] || fail "fault $f never injected"
	fake-api-stop "$FAKE_PID"
done
# all at once, loaded: the database equals the fault-free one
start --faults '429=0.08,500=0.08,503=0.05,reset=0.05,truncate=0.05,401=0.05' \
	--fault-burst 1
sf-pull --object $objects >"$TMPDIR/mix.jsonl" 2>"$TMPDIR/mix.err" ||
	{ tail -n 3 "$TMPDIR/mix.err" >&2; fail "mixed faults"; }
load --db "$TMPDIR/mix.db" <"$TMPDIR/mix.jsonl" >/dev/null
dbdump "$TMPDIR/mix.db" | cmp -s - "$TMPDIR/clean.dump" || fail "mixed-fault database differs"
curl -sf -X POST "$FAKE_URL/_admin/faults?spec=" >/dev/null

# --- a session that dies in the middle of paging: log in again, go on
curl -sf -X POST "$admin/fail?code=INVALID_SESSION_ID&count=1&path=/query/" >/dev/null
sf-pull --object $objects >"$TMPDIR/exp.jsonl" 2>"$TMPDIR/exp.err" ||
	{ cat "$TMPDIR/exp.err" >&2; fail "session expiry mid-paging"; }
same session-expiry "$TMPDIR/exp.jsonl"
curl -sf "$admin/sessions" | grep -q . || fail "no sessions"

# --- the re-login answers another instance_url (salesforce.md 1.1: it can
# change): the pull goes on there, the token never goes to the old one
curl -sf -X POST "$admin/instance-url?url=http://localhost:$FAKE_PORT&after=1" >/dev/null
curl -sf -X POST "$admin/fail?code=INVALID_SESSION_ID&count=1&path=/query/" >/dev/null
sf-pull --object $objects >"$TMPDIR/mv.jsonl" 2>"$TMPDIR/mv.err" ||
	{ cat "$TMPDIR/mv.err" >&2; fail "instance moved at a re-login"; }
grep -q 'moved to another instance' "$TMPDIR/mv.err" || fail "the instance did not move"
same instance-moved "$TMPDIR/mv.jsonl"
curl -sf -X POST "$admin/instance-url?url=" >/dev/null

# --- Salesforce's odd transients: 406 with an empty body, 420 HTML, a 200
# whose JSON is cut: retried, nothing lost
for code in 406 420 BADJSON; do
	curl -sf -X POST "$admin/fail?code=$code&count=2&path=/query" >/dev/null
	sf-pull --object $objects >"$TMPDIR/odd.jsonl" 2>"$TMPDIR/odd.err" ||
		{ cat "$TMPDIR/odd.err" >&2; fail "$code"; }
	same "odd-$code" "$TMPDIR/odd.jsonl"
done
# a cut JSON answer to describe is asked again, too
curl -sf -X POST "$admin/fail?code=BADJSON&count=2&path=/describe" >/dev/null
sf-pull --object $objects >"$TMPDIR/odd.jsonl" 2>"$TMPDIR/odd.err" ||
	{ cat "$TMPDIR/odd.err" >&2; fail "BADJSON on describe"; }
same odd-describe "$TMPDIR/odd.jsonl"

# --- the concurrent-request cap (403 REQUEST_LIMIT_EXCEEDED, "Concurrent..."):
# backed off and retried (salesforce.md 2.5, 7.2), nothing lost, exit 0
curl -sf -X POST "$admin/fail?code=CONCURRENT&count=2&path=/query" >/dev/null
sf-pull --object $objects >"$TMPDIR/conc.jsonl" 2>"$TMPDIR/conc.err" ||
	{ cat "$TMPDIR/conc.err" >&2; fail "concurrent-request limit"; }
same concurrent "$TMPDIR/conc.jsonl"

# --- an API version the org does not offer (404 for every path): not
# "every object missing, success" but 78, with a failed etl_runs record
rc=0
sf-pull --api-version v99.0 --object Account,Contact >"$TMPDIR/ver.jsonl" \
	2>"$TMPDIR/ver.err" || rc=$?
[ "$rc" -eq 78 ] || { cat "$TMPDIR/ver.err" >&2; fail "unknown API version: exit $rc"; }
grep -q 'v99.0 is not offered' "$TMPDIR/ver.err" || fail "unknown API version: message"
grep -q '"stream":"etl_runs".*"status":"failed"' "$TMPDIR/ver.jsonl" ||
	fail "unknown API version: no failed etl_runs record"

# --- a cursor lost (INVALID_QUERY_LOCATOR): the query restarts from the bookmark
curl -sf -X POST "$admin/fail?code=INVALID_QUERY_LOCATOR&count=1&path=/query/" >/dev/null
sf-pull --object $objects >"$TMPDIR/loc.jsonl" 2>"$TMPDIR/loc.err" ||
	{ cat "$TMPDIR/loc.err" >&2; fail "INVALID_QUERY_LOCATOR"; }
grep -q "cursor lost" "$TMPDIR/loc.err" || fail "the query was not restarted"
same locator "$TMPDIR/loc.jsonl"
# cursors that die again and again (idle expiry, eviction): each restart
# goes on from the bookmark, so as long as they make progress none is fatal
fake-api-stop "$FAKE_PID"
start --sf-max-batch 20 --sf-short-pages 0
sf-pull --object Task >"$TMPDIR/loc0.jsonl"
curl -sf -X POST "$admin/fail?code=INVALID_QUERY_LOCATOR&count=8&path=/query/" >/dev/null
sf-pull --object Task >"$TMPDIR/loc2.jsonl" 2>"$TMPDIR/loc2.err" ||
	{ tail -n 2 "$TMPDIR/loc2.err" >&2; fail "repeated INVALID_QUERY_LOCATOR"; }
[ "$(grep -c "cursor lost" "$TMPDIR/loc2.err")" -ge 6 ] || fail "cursors were not lost 6 times"
records "$TMPDIR/loc0.jsonl" >"$TMPDIR/loc0.rec"
records "$TMPDIR/loc2.jsonl" | cmp -s - "$TMPDIR/loc0.rec" || fail "records differ after repeated cursor loss"

# --- the same with refresh-token rotation: the new token is saved, the dead
# cursor's query restarts from the bookmark
fake-api-stop "$FAKE_PID"
start --sf-rotation 1
unset SF_PASSWORD SF_SECURITY_TOKEN SF_USERNAME
printf '%s\n' 5Aep861fake.refresh.token >"$TMPDIR/rt"
chmod 600 "$TMPDIR/rt"
export SF_REFRESH_TOKEN_FILE="$TMPDIR/rt"
curl -sf -X POST "$admin/fail?code=INVALID_SESSION_ID&count=1&path=/query/" >/dev/null
sf-pull --object $objects >"$TMPDIR/rot.jsonl" 2>"$TMPDIR/rot.err" ||
	{ cat "$TMPDIR/rot.err" >&2; fail "rotation mid-paging"; }
same rotation "$TMPDIR/rot.jsonl"
want=$(curl -sf "$admin/refresh-token" | sed 's/.*"refresh_token":"\([^"]*\)".*/\1/')
[ "$(cat "$TMPDIR/rt")" = "$want" ] || fail "rotated refresh token not saved"
[ "$want" != 5Aep861fake.refresh.token ] || fail "no rotation happened"
sf-pull --object Account >/dev/null || fail "next run cannot log in"
unset SF_REFRESH_TOKEN_FILE
export SF_USERNAME=integration@northwind.example SF_PASSWORD='p4ss&word+1' \
	SF_SECURITY_TOKEN=SECTOKEN123

# --- QUERY_TIMEOUT on wide windows: the window shrinks, nothing is lost
fake-api-stop "$FAKE_PID"
start --sf-query-timeout-days 200
sf-pull --object $objects --start-date 1970-01-01 >"$TMPDIR/qt.jsonl" 2>"$TMPDIR/qt.err" ||
	{ tail -n 3 "$TMPDIR/qt.err" >&2; fail "QUERY_TIMEOUT"; }
grep -q QUERY_TIMEOUT "$TMPDIR/qt.err" || fail "no QUERY_TIMEOUT seen"
same query-timeout "$TMPDIR/qt.jsonl"

# --- the daily limit (REQUEST_LIMIT_EXCEEDED): 75, etl_runs says failed
curl -sf -X POST "$admin/fail?code=REQUEST_LIMIT_EXCEEDED&count=1&path=/query" >/dev/null
rc=0
sf-pull --object Contact >"$TMPDIR/rle.jsonl" 2>"$TMPDIR/rle.err" || rc=$?
[ "$rc" -eq 75 ] || fail "REQUEST_LIMIT_EXCEEDED: exit $rc"
grep -q '"stream":"etl_runs".*"status":"failed"' "$TMPDIR/rle.jsonl" ||
	fail "no failed etl_runs record"

# --- 500 every time: bounded tries, then 69
curl -sf -X POST "$admin/fail?code=UNKNOWN_EXCEPTION&count=50&path=/query" >/dev/null
rc=0
sf-pull --object Contact >"$TMPDIR/u.jsonl" 2>"$TMPDIR/u.err" || rc=$?
[ "$rc" -eq 69 ] || fail "exhausted 500s: exit $rc"
# --- 503 (maintenance) every time: bounded tries, then 69 (salesforce.md 7.2)
curl -sf -X POST "$FAKE_URL/_admin/fault?kind=503&count=50&prefix=/services/data/" >/dev/null
rc=0
sf-pull --object Contact >"$TMPDIR/u.jsonl" 2>"$TMPDIR/u.err" || rc=$?
[ "$rc" -eq 69 ] || fail "exhausted 503s: exit $rc"
grep -q '"stream":"etl_runs".*"status":"failed"' "$TMPDIR/u.jsonl" ||
	fail "503: no failed etl_runs record"

# --- the quota guard: stops at 80 % of the daily allocation, state saved
fake-api-stop "$FAKE_PID"
start --sf-api-max 1000 --sf-api-used 790
rc=0
sf-pull --object $objects >"$TMPDIR/qg.jsonl" 2>"$TMPDIR/qg.err" || rc=$?
[ "$rc" -eq 75 ] || fail "quota guard: exit $rc"
grep -q 'quota guard' "$TMPDIR/qg.err" || fail "quota guard message"
tail -n 1 "$TMPDIR/qg.jsonl" | grep -q '"stream":"etl_runs".*"status":"failed"' ||
	fail "quota guard: etl_runs"
grep -q '"type":"STATE"' "$TMPDIR/qg.jsonl" || fail "quota guard: no STATE"
# what it wrote, loaded, and a re-run from the saved state with quota again:
# the database ends equal to the fault-free one
load --db "$TMPDIR/qg.db" <"$TMPDIR/qg.jsonl" >/dev/null
fake-api-stop "$FAKE_PID"
start
sf-pull --state-db "$TMPDIR/qg.db" --object $objects >"$TMPDIR/qg2.jsonl" ||
	fail "re-run after the quota guard"
grep -q '"job_type":"incremental"' "$TMPDIR/qg2.jsonl" || fail "re-run not incremental"
load --db "$TMPDIR/qg.db" <"$TMPDIR/qg2.jsonl" >/dev/null
dbdump "$TMPDIR/qg.db" | cmp -s - "$TMPDIR/clean.dump" ||
	fail "database after quota stop + re-run differs"

# --- a Bulk job that never completes: --bulk-wait bounds the wait, the job
# is aborted (PATCH state Aborted) and the object fails with 75
fake-api-stop "$FAKE_PID"
start --sf-bulk-polls 1000000 --log "$TMPDIR/bw.log"
rc=0
sf-pull --object Contact --bulk-threshold 0 --bulk-wait 1 >"$TMPDIR/bw.jsonl" \
	2>"$TMPDIR/bw.err" || rc=$?
[ "$rc" -eq 75 ] || { cat "$TMPDIR/bw.err" >&2; fail "Bulk job never completing: exit $rc"; }
grep -q '"method":"PATCH".*Aborted' "$TMPDIR/bw.log" || fail "Bulk job not aborted"
grep -q '"stream":"etl_runs".*"status":"failed"' "$TMPDIR/bw.jsonl" ||
	fail "Bulk wait: no failed etl_runs record"
echo ok
