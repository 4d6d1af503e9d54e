#!/bin/sh
# The pipelines against fake-api: each source's sync loads its rows, archives
# its raw output and records the run; a failing middle stage fails the run
# with that stage's code, leaves the bookmark and records the failure (and
# notifies the webhook); an overlapping run exits 75; a bad setting exits 78
# naming it; replaying every archive into an empty database gives the rows
# of the live runs.
set -eu
fail() { echo "FAIL: $*"; exit 1; }
eval "$(fake-api-start --seed 21 --companies 20 --people 80)"
trap 'fake-api-stop' EXIT
t=$TMPDIR
P=$SI_ROOT/pipelines
umask 077
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$t/sf.key" 2>/dev/null
printf 'dp-fake-api-key\n' >"$t/dp.key"
printf 'pat-na1-fake-hubspot-token\n' >"$t/hs.token"
printf '%s/notify/services/T0/B0/pipelinehook\n' "$FAKE_URL" >"$t/hook"
cat >"$t/config" <<CONF
database = $t/sales.db
archive_dir = $t/archive
phone_region = US
internal_domains = northwind.example
sf_login_url = $FAKE_URL
sf_client_id = 3MVG9fake.client.id
sf_username = integration@northwind.example
sf_jwt_key_file = $t/sf.key
dialpad_api_key_file = $t/dp.key
dialpad_base_url = $FAKE_URL/api/v2
hubspot_token_file = $t/hs.token
hubspot_base_url = $FAKE_URL
notify_webhook_url_file = $t/hook
CONF
SALESINTEL_CONFIG="$t/config"
export SALESINTEL_CONFIG
db=$t/sales.db
n() { sqlite3 "$db" "$1"; }

sh "$P/sync-salesforce.sh" || fail "sync-salesforce exited $?"
sh "$P/sync-dialpad.sh" || fail "sync-dialpad exited $?"
sh "$P/sync-hubspot.sh" || fail "sync-hubspot exited $?"
sh "$P/resolve.sh" || fail "resolve.sh exited $?"
for tb in sf_accounts sf_contacts sf_leads dialpad_calls hubspot_sequences; do
	[ "$(n "SELECT COUNT(*) FROM $tb")" -gt 0 ] || fail "$tb is empty"
done
for s in salesforce dialpad hubspot resolve; do
	[ "$(n "SELECT COUNT(*) FROM etl_runs WHERE source_system='pipeline:$s' AND status='success'")" -ge 1 ] ||
		fail "no successful etl_runs row for $s"
done
for s in salesforce dialpad hubspot; do
	ls "$t/archive/$s"/*.jsonl.gz >/dev/null 2>&1 || fail "no archive for $s"
done
# Calls were resolved against the contacts that were loaded first.
[ "$(n "SELECT COUNT(*) FROM dialpad_calls WHERE matched_contact_id IS NOT NULL")" -gt 0 ] ||
	fail "no call matched a contact"
[ "$(stat -c %a "$db")" = 600 ] || fail "the database is not 0600"

# A failing middle stage: exit code, bookmark unchanged, run recorded, notice sent.
before=$(n "SELECT value FROM sync_state WHERE stream='dialpad_calls'")
[ -n "$before" ] || fail "no dialpad bookmark after the first run"
mkdir -p "$t/bin"
cat >"$t/bin/normalize-phone" <<'SH'
#!/bin/sh
cat >/dev/null
echo "normalize-phone: simulated failure" >&2
exit 70
SH
chmod +x "$t/bin/normalize-phone"
curl -fsS -X POST "$FAKE_URL/_admin/dialpad/calls?create=2&minutes_ago=30" >/dev/null
set +e
PATH=$t/bin:$PATH sh "$P/sync-dialpad.sh" 2>"$t/fail.err"
rc=$?
set -e
[ "$rc" -eq 70 ] || fail "a failing normalize-phone: exit $rc, expected 70"
grep -q 'normalize-phone exited 70' "$t/fail.err" || fail "no one-line summary: $(cat "$t/fail.err")"
[ "$(n "SELECT value FROM sync_state WHERE stream='dialpad_calls'")" = "$before" ] ||
	fail "the bookmark moved although the run failed"
[ "$(n "SELECT COUNT(*) FROM etl_runs WHERE source_system='pipeline:dialpad' AND status='failed' AND error_message LIKE '%normalize-phone exited 70%'")" -eq 1 ] ||
	fail "the failed run is not in etl_runs"
curl -fsS "$FAKE_URL/_admin/notify/messages" | jq -e '.webhooks | map(.json.text) | any(test("dialpad.*normalize-phone exited 70"))' >/dev/null ||
	fail "no failure notice reached the webhook"
grep -q pipelinehook "$t/fail.err" && fail "the webhook URL leaked"
# The next good run catches up.
sh "$P/sync-dialpad.sh" || fail "sync-dialpad after the failure exited $?"
[ "$(n "SELECT value FROM sync_state WHERE stream='dialpad_calls'")" != "$before" ] || fail "the bookmark did not move"

# An overlapping run exits 75 while another holds the source's lock.
mkdir -p "$t/archive/.locks"
flock "$t/archive/.locks/hubspot.lock" sleep 60 &
holder=$!
i=0
while flock -n "$t/archive/.locks/hubspot.lock" true; do
	i=$((i + 1)); [ $i -lt 200 ] || fail "the lock holder did not start"; sleep 0.05
done
set +e
sh "$P/sync-hubspot.sh" 2>"$t/lock.err"
rc=$?
set -e
kill "$holder" 2>/dev/null || :
wait "$holder" 2>/dev/null || :
[ "$rc" -eq 75 ] || fail "an overlapping run: exit $rc, expected 75"

# A bad setting is named; a secret in the config is refused.
printf 'database = %s\narchive_dir = %s\nphone_region = usa\n' "$db" "$t/archive" >"$t/bad.config"
set +e
SALESINTEL_CONFIG=$t/bad.config sh "$P/sync-hubspot.sh" 2>"$t/cfg.err"; rc=$?
set -e
{ [ "$rc" -eq 78 ] && grep -q phone_region "$t/cfg.err"; } || fail "bad phone_region: exit $rc: $(cat "$t/cfg.err")"
printf 'database = %s\narchive_dir = %s\nhubspot_token = pat-x\n' "$db" "$t/archive" >"$t/bad.config"
set +e
SALESINTEL_CONFIG=$t/bad.config sh "$P/sync-hubspot.sh" 2>"$t/cfg.err"; rc=$?
set -e
{ [ "$rc" -eq 78 ] && grep -q 'hubspot_token_file' "$t/cfg.err"; } || fail "a secret in the config: exit $rc: $(cat "$t/cfg.err")"
grep -q pat-x "$t/cfg.err" && fail "the secret was printed"

# Replay every archive into an empty database: the same rows.
sh "$P/replay.sh" --db "$t/replay.db" "$t"/archive/*/*.jsonl.gz || fail "replay exited $?"
for tb in sf_accounts sf_contacts sf_leads sf_opportunities dialpad_calls dialpad_transcripts hubspot_sequences; do
	cols=$(sqlite3 "$db" "SELECT group_concat(name) FROM pragma_table_info('$tb') WHERE name NOT IN ('ingested_at','_sdc_extracted_at')")
	sqlite3 "$db" "SELECT $cols FROM $tb ORDER BY 1" >"$t/live.$tb"
	sqlite3 "$t/replay.db" "SELECT $cols FROM $tb ORDER BY 1" >"$t/replay.$tb"
	cmp -s "$t/live.$tb" "$t/replay.$tb" || { diff "$t/live.$tb" "$t/replay.$tb" | head -5; fail "replay differs in $tb"; }
done
echo "pipelines: ok"
