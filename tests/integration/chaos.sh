#!/bin/sh
# Chaos: sync-all.sh against a fake-api with every fault class on at once
# (429, 500, 503, slow, reset, truncate, 401 at 5 % each), killed with
# SIGKILL (the whole process group) at pseudo-random moments, then run
# clean until it succeeds; the final database must equal, row for row, the
# one a fault-free run gives from an identical fake (same --seed, same
# frozen --epoch and --now).  No fault and no kill may lose, double or
# corrupt a row.
#
# CHAOS_ROUNDS (default 2, the CI form) is the number of killed runs.  The
# on-demand form is
#     CHAOS_ROUNDS=10 make test T=integration/chaos
# (or CHAOS_ROUNDS=10 sh tests/run.sh integration/chaos).  The kill moment
# of round N is deterministic from N and the reference run's length (from
# 1 s to 2.5 times that length: faults slow the runs down); what a run got
# done by then varies with the machine's speed, the final equality must
# hold regardless.  CHAOS_SEED (default 9) picks another dataset and other
# fault draws.
set -eu
fail() { echo "FAIL: $*" >&2; exit 1; }
rounds=${CHAOS_ROUNDS:-2}
seed=${CHAOS_SEED:-9}
case $rounds$seed in '' | *[!0-9]*) fail "CHAOS_ROUNDS and CHAOS_SEED must be numbers" ;; esac

t=$TMPDIR
P=$SI_ROOT/pipelines
ref_pid=
chaos_pid=
run_pid=
cleanup() {
	if [ -n "$run_pid" ]; then kill -KILL "-$run_pid" 2>/dev/null || :; fi
	if [ -n "$chaos_pid" ]; then fake-api-stop "$chaos_pid" || :; fi
	if [ -n "$ref_pid" ]; then fake-api-stop "$ref_pid" || :; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Small data (the CI form must stay fast), identical in both fakes: the
# same seed, sizes and a clock frozen at the test's start (not earlier: the
# Gmail token endpoint, like Google's, refuses a JWT whose iat is far from
# its clock, and the pulls sign with the real one).
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
fake_opts="--seed $seed --epoch 2026-06-01T00:00:00Z --now $now
	--companies 8 --people 30 --reps 3 --gmail-mailboxes 2 --gmail-messages 12
	--hs-sequences 2 --sf-max-batch 20 --dp-page-size 10"
# shellcheck disable=SC2086
eval "$(fake-api-start $fake_opts)"
ref_pid=$FAKE_PID
ref_url=$FAKE_URL
faults=429=0.05,500=0.05,503=0.05,slow=0.05,reset=0.05,truncate=0.05,401=0.05
# shellcheck disable=SC2086
eval "$(fake-api-start $fake_opts --faults "$faults" --fault-burst 3 --slow-ms 200)"
chaos_pid=$FAKE_PID
chaos_url=$FAKE_URL
curl -fsS "$chaos_url/_admin/faults" | jq -e '.rates // . | tostring | test("truncate")' >/dev/null ||
	fail "the chaos fake has no faults on: $(curl -fsS "$chaos_url/_admin/faults")"

umask 077
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$t/sf.key" 2>/dev/null
printf 'dp-fake-api-key\n' >"$t/dp.key"
printf 'pat-na1-fake-hubspot-token\n' >"$t/hs.token"
cp "$SI_ROOT/tests/fixtures/gmail/service-account.json" "$t/gmail.json"
chmod 600 "$t/gmail.json"
mailboxes=$(curl -fsS "$ref_url/_admin/truth?module=gmail" | jq -r '[.gmail.mailboxes[].email] | join(" ")')
[ -n "$mailboxes" ] || fail "no mailboxes in the fake's truth"

config() { # name url
	cat >"$t/$1.config" <<CONF
database = $t/$1.db
archive_dir = $t/$1.archive
phone_region = US
internal_domains = northwind.example
mailboxes = $mailboxes
sf_login_url = $2
sf_client_id = 3MVG9fake.client.id
sf_username = integration@northwind.example
sf_jwt_key_file = $t/sf.key
gmail_key_file = $t/gmail.json
gmail_base_url = $2
gmail_token_url = $2/token
gmail_quota = 0
dialpad_api_key_file = $t/dp.key
dialpad_base_url = $2/api/v2
hubspot_token_file = $t/hs.token
hubspot_base_url = $2
CONF
}
config ref "$ref_url"
config chaos "$chaos_url"

ms() { date +%s%3N; }

# The reference: one fault-free run (its length spreads the kill moments).
t0=$(ms)
SALESINTEL_CONFIG=$t/ref.config sh "$P/sync-all.sh" 2>"$t/ref.err" ||
	{ tail -20 "$t/ref.err" >&2; fail "the fault-free sync-all.sh failed"; }
span=$(( ($(ms) - t0) * 5 / 2 ))
echo "reference run: $(( span * 2 / 5 )) ms"

# The chaos rounds: each run in a session of its own, the whole group
# SIGKILLed at the round's moment, 1 s plus a share of 2.5 times the
# reference run's length (golden-ratio steps: 62 %, 24 %, 85 %, 47 %, 9 %,
# ... so that even two rounds hit an early and a late stage), or left to
# finish if it ends first.
r=1
while [ "$r" -le "$rounds" ]; do
	at=$(( 1000 + span * (r * 618 % 1000) / 1000 ))
	SALESINTEL_CONFIG=$t/chaos.config setsid sh "$P/sync-all.sh" \
		>/dev/null 2>"$t/chaos.$r.err" </dev/null &
	run_pid=$!
	deadline=$(( $(ms) + at ))
	while kill -0 "$run_pid" 2>/dev/null && [ "$(ms)" -lt "$deadline" ]; do
		sleep 0.1
	done
	how=finished
	if kill -0 "$run_pid" 2>/dev/null; then
		# (dash's kill takes no "--")
		if kill -KILL "-$run_pid"; then
			how="killed at $((at / 1000)).$((at % 1000 / 100)) s"
		elif kill -0 "$run_pid" 2>/dev/null; then
			fail "could not kill the process group $run_pid"
		fi
	fi
	rc=0
	wait "$run_pid" || rc=$?
	run_pid=
	echo "chaos round $r: $how, exit $rc, reached: $(sed -n 's/^\(sync-[a-z]*\|resolve\):.*/\1/p' "$t/chaos.$r.err" | uniq | tr '\n' ' ')"
	r=$((r + 1))
done

# Faults off, then clean runs until one succeeds (at most 3).
curl -fsS -X POST "$chaos_url/_admin/faults?spec=" >/dev/null
n=1
while :; do
	rc=0
	SALESINTEL_CONFIG=$t/chaos.config sh "$P/sync-all.sh" 2>"$t/clean.$n.err" || rc=$?
	[ "$rc" -eq 0 ] && break
	echo "clean run $n: exit $rc"
	[ "$n" -lt 3 ] || { tail -20 "$t/clean.$n.err" >&2; fail "sync-all.sh did not succeed in 3 clean runs"; }
	n=$((n + 1))
done

# Both databases sound.
for d in ref chaos; do
	ic=$(sqlite3 "$t/$d.db" 'PRAGMA integrity_check')
	[ "$ic" = ok ] || fail "$d.db integrity_check: $ic"
done

# Row for row over every data table.  Left out: etl_runs, sync_state and
# gmail_sync_state (run records and bookmarks: their values are the runs'
# times), and the columns stamped with the run's wall clock:
#   ingested_at, _sdc_extracted_at  when load / the pull saw the row
#   last_synced (hubspot_sequences)  when the sequence was last pulled
q() { sqlite3 -batch "$@"; }
tables=$(q "$t/ref.db" "SELECT name FROM sqlite_master WHERE type = 'table'
	AND name NOT LIKE 'sqlite_%'
	AND name NOT IN ('etl_runs', 'sync_state', 'gmail_sync_state') ORDER BY name")
ctables=$(q "$t/chaos.db" "SELECT name FROM sqlite_master WHERE type = 'table'
	AND name NOT LIKE 'sqlite_%'
	AND name NOT IN ('etl_runs', 'sync_state', 'gmail_sync_state') ORDER BY name")
[ "$tables" = "$ctables" ] || fail "the databases hold different tables: [$tables] [$ctables]"
nonempty=0
for tb in $tables; do
	cols=$(q "$t/ref.db" "SELECT group_concat('\"' || name || '\"', ',') FROM pragma_table_info('$tb')
		WHERE name NOT IN ('ingested_at', '_sdc_extracted_at')
		AND NOT ('$tb' = 'hubspot_sequences' AND name = 'last_synced')")
	order=$(q "$t/ref.db" "SELECT group_concat(cid + 1, ',') FROM (SELECT cid FROM pragma_table_info('$tb')
		WHERE name NOT IN ('ingested_at', '_sdc_extracted_at')
		AND NOT ('$tb' = 'hubspot_sequences' AND name = 'last_synced'))")
	# positions in the SELECT list, not in the table
	order=$(echo "$order" | awk -F, '{ for (i = 1; i <= NF; i++) printf "%s%d", (i > 1 ? "," : ""), i }')
	for d in ref chaos; do
		q -cmd '.mode quote' "$t/$d.db" "SELECT $cols FROM \"$tb\" ORDER BY $order" >"$t/$d.$tb.rows"
	done
	if ! cmp -s "$t/ref.$tb.rows" "$t/chaos.$tb.rows"; then
		echo "$tb: ref $(wc -l <"$t/ref.$tb.rows") rows, chaos $(wc -l <"$t/chaos.$tb.rows") rows; first differences (< ref, > chaos):" >&2
		diff "$t/ref.$tb.rows" "$t/chaos.$tb.rows" | grep '^[<>]' | head -10 >&2 || :
		fail "$tb differs after the chaos runs"
	fi
	[ -s "$t/ref.$tb.rows" ] && nonempty=$((nonempty + 1))
done
# The bookmarks derived from the data (not the clock) end where the
# reference's are: Salesforce modstamps, Gmail history ids and newest
# message times.  (Dialpad's started_before and HubSpot's last_synced are
# the pull's wall clock, etl_runs and the *_at columns the runs' times.)
for d in ref chaos; do
	q -cmd '.mode quote' "$t/$d.db" "SELECT stream, json_extract(value, '\$.system_modstamp'),
		json_extract(value, '\$.history_id'), json_extract(value, '\$.newest_internal_ms')
		FROM sync_state WHERE stream LIKE 'sf\_%' ESCAPE '\\' OR stream LIKE 'gmail\_messages:%' ESCAPE '\\'
		ORDER BY 1;
		SELECT mailbox_email, last_history_id FROM gmail_sync_state ORDER BY 1" >"$t/$d.bookmarks"
done
[ "$(grep -c . "$t/ref.bookmarks")" -ge 8 ] || fail "too few bookmarks in the reference: $(cat "$t/ref.bookmarks")"
cmp -s "$t/ref.bookmarks" "$t/chaos.bookmarks" ||
	{ diff "$t/ref.bookmarks" "$t/chaos.bookmarks" >&2 || :; fail "the bookmarks differ after the chaos runs"; }
# The comparison means something only if the sources delivered rows.
for tb in sf_accounts sf_contacts sf_leads gmail_messages gmail_participants dialpad_calls hubspot_sequences; do
	[ -s "$t/ref.$tb.rows" ] || fail "$tb is empty in the reference"
done
echo "chaos: seed $seed, $rounds rounds, $nonempty non-empty tables equal"
