#!/bin/sh
# make demo: the whole system on one machine.  Starts tests/fake-api with a
# seeded dataset of realistic shape, runs pipelines/sync-all.sh into
# demo/demo.db with the same kind of configuration a real install uses
# (JWT bearer for Salesforce, a service-account key for Gmail, key files for
# Dialpad and HubSpot), stops the fake, and prints a summary and the answers
# of the saved questions in queries/.  A second run is incremental.
#
# Knobs (environment): DEMO_DIR (default demo), DEMO_MAILBOXES (3),
# DEMO_MESSAGES per mailbox (2000), DEMO_ACCOUNTS (1000), DEMO_CONTACTS
# (5000), DEMO_LEADS (2000), DEMO_CALLS (3000), DEMO_SEQUENCES_PER_REP (2),
# DEMO_PEOPLE (3000),
# DEMO_FAKE_ARGS (more fake-api options, e.g. --faults 500=0.02).
# A third of the people are new: they write in but are not in the CRM yet.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
PATH=$B/bin:$PATH
export PATH
demo=${DEMO_DIR:-$top/demo}
mkdir -p "$demo"
demo=$(cd "$demo" && pwd)
umask 077

for t in fake-api sf-pull gmail-pull dialpad-pull hubspot-pull normalize-email \
    normalize-phone resolve load export notify; do
	command -v "$t" >/dev/null || { echo "demo: $t is not built (make)" >&2; exit 70; }
done
for t in sqlite3 jq curl openssl; do
	command -v "$t" >/dev/null || { echo "demo: $t missing (sh build-aux/install-deps)" >&2; exit 69; }
done

# The dataset's "today": fixed at the first run, so a second run sees the
# same data and only pulls what changed.
[ -s "$demo/epoch" ] || date -u +%Y-%m-%dT00:00:00Z >"$demo/epoch"
epoch=$(cat "$demo/epoch")

# Credentials, made once, private, like a real install's.  The fake checks
# the Gmail service account's signature against the committed test key.
[ -s "$demo/sf-jwt.key" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	-out "$demo/sf-jwt.key" 2>/dev/null
cp "$top/tests/fixtures/gmail/service-account.json" "$demo/gmail-sa.json"
printf 'dp-fake-api-key\n' >"$demo/dialpad.key"
printf 'pat-na1-fake-hubspot-token\n' >"$demo/hubspot.token"
chmod 600 "$demo/sf-jwt.key" "$demo/gmail-sa.json" "$demo/dialpad.key" "$demo/hubspot.token"

log=$demo/fake-api.stderr
fake_dir=$(mktemp -d "${TMPDIR:-/tmp}/salesintel-demo.XXXXXX")
# 1,000 accounts, 5,000 contacts, 2,000 leads, 3 mailboxes of 2,000
# messages, 3,000 calls, about 10 sequences (2 for each of 5 reps).
# shellcheck disable=SC2086
fake-api --port 0 --port-file "$fake_dir/port" --seed 2026 --epoch "$epoch" \
	--companies "${DEMO_ACCOUNTS:-1000}" --people "${DEMO_PEOPLE:-3000}" \
	--sf-contacts "${DEMO_CONTACTS:-5000}" --sf-leads "${DEMO_LEADS:-2000}" \
	--gmail-mailboxes "${DEMO_MAILBOXES:-3}" --gmail-messages "${DEMO_MESSAGES:-2000}" \
	--dp-calls "${DEMO_CALLS:-3000}" --dp-days 60 --dp-rate-limits 0 \
	--hs-sequences "${DEMO_SEQUENCES_PER_REP:-2}" ${DEMO_FAKE_ARGS:-} \
	</dev/null >"$log" 2>&1 &
fake_pid=$!
trap 'kill "$fake_pid" 2>/dev/null; wait "$fake_pid" 2>/dev/null; rm -rf "$fake_dir"' EXIT
i=0
while [ ! -s "$fake_dir/port" ]; do
	kill -0 "$fake_pid" 2>/dev/null || { echo "demo: fake-api did not start:" >&2; cat "$log" >&2; exit 69; }
	i=$((i + 1))
	[ $i -lt 2400 ] || { echo "demo: fake-api did not listen within 120 s" >&2; exit 69; }
	sleep 0.05
done
url=http://127.0.0.1:$(cat "$fake_dir/port")
mailboxes=$(curl -fsS "$url/_admin/truth?module=gmail" | jq -r '.gmail.mailboxes[].email' | tr '\n' ' ')
[ -n "$mailboxes" ] || { echo "demo: the fake has no mailboxes" >&2; exit 70; }

cat >"$demo/config" <<CONF
# Written by pipelines/demo.sh: a real install's config, pointed at fake-api.
database = $demo/demo.db
archive_dir = $demo/archive
phone_region = US
internal_domains = northwind.example
sf_login_url = $url
sf_client_id = 3MVG9fake.client.id
sf_username = integration@northwind.example
sf_jwt_key_file = $demo/sf-jwt.key
mailboxes = $mailboxes
gmail_key_file = $demo/gmail-sa.json
gmail_base_url = $url
gmail_token_url = $url/token
# Google allows a mailbox about 285 messages.get a minute (6,000 quota units,
# 20 each): a real first backfill of 2,000 messages takes 7 minutes a
# mailbox.  The fake keeps no quota, so the demo lets gmail-pull go faster.
gmail_quota = ${DEMO_GMAIL_QUOTA:-200000}
dialpad_api_key_file = $demo/dialpad.key
dialpad_base_url = $url/api/v2
# Dialpad allows 20 requests a second (dialpad-pull keeps to 10) and 1,200
# transcripts a minute; the demo's fake runs without its per-endpoint
# limits (--dp-rate-limits 0), so the calls and transcripts go faster.
dialpad_requests_per_minute = ${DEMO_DIALPAD_RPM:-60000}
hubspot_token_file = $demo/hubspot.token
hubspot_base_url = $url
CONF
SALESINTEL_CONFIG=$demo/config
export SALESINTEL_CONFIG

first=yes
[ -s "$demo/demo.db" ] && first=no
start=$(date +%s)
status=0
sh "$top/pipelines/sync-all.sh" || status=$?
elapsed=$(($(date +%s) - start))

db=$demo/demo.db
q() { sqlite3 -header -column "$db" "$@"; }
echo
if [ "$first" = yes ]; then
	echo "== salesintel demo: first (full) run took ${elapsed}s"
else
	echo "== salesintel demo: incremental run took ${elapsed}s"
fi
echo
echo "-- rows per table"
for t in $(sqlite3 "$db" "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"); do
	printf '%-26s %8s\n' "$t" "$(sqlite3 "$db" "SELECT COUNT(*) FROM \"$t\"")"
done
echo
echo "-- email participants by match rule (external addresses)"
q "SELECT COALESCE(match_method, 'unmatched') AS rule, COUNT(*) AS participants,
	printf('%.1f%%', 100.0 * COUNT(*) / (SELECT COUNT(*) FROM gmail_participants WHERE COALESCE(is_internal,0)=0)) AS share
	FROM gmail_participants WHERE COALESCE(is_internal,0)=0 GROUP BY 1 ORDER BY 2 DESC"
echo
echo "-- calls by match rule (external number)"
q "SELECT COALESCE(match_method, 'unmatched') AS rule, COUNT(*) AS calls,
	printf('%.1f%%', 100.0 * COUNT(*) / (SELECT COUNT(*) FROM dialpad_calls)) AS share
	FROM dialpad_calls GROUP BY 1 ORDER BY 2 DESC"
echo
echo "-- runs"
q "SELECT source_system, job_type, status, rows_processed, substr(started_at,1,19) AS started, error_message
	FROM etl_runs ORDER BY started_at DESC, source_system LIMIT 20"
for f in "$top"/queries/*.sql; do
	echo
	echo "-- $(sed -n '1s/^-- //p' "$f")"
	q <"$f"
done
exit "$status"
