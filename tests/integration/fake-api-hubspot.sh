#!/bin/sh
# fake-api's HubSpot: auth and scopes, sequences need userId, after paging,
# details, enrollments, contact search, owners and users, rate limits.
set -eu
pids=
cleanup() { for p in $pids; do fake-api-stop "$p"; done; }
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
start() { eval "$(fake-api-start "$@")"; pids="$pids $FAKE_PID"; }
json_str() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" | head -n 1; }
count() { grep -o "$1" | wc -l | tr -d ' '; }

start --seed 8 --modules hubspot --hs-page-size 2 --hs-sequences 4
U=$FAKE_URL
H='Authorization: Bearer pat-na1-fake-hubspot-token'

code=$(curl -s -o "$TMPDIR/o" -w '%{http_code}' "$U/automation/v4/sequences?userId=70112233")
if ! { [ "$code" = 401 ] && grep -q INVALID_AUTHENTICATION "$TMPDIR/o"; }; then fail "no token: $code"; fi
code=$(curl -s -o "$TMPDIR/o" -w '%{http_code}' -H "$H" "$U/automation/v4/sequences")
if ! { [ "$code" = 400 ] && grep -q VALIDATION_ERROR "$TMPDIR/o"; }; then fail "no userId: $code"; fi

# --- after paging: every sequence of the user once; total; no paging at the end
curl -sf "$U/_admin/truth?module=hubspot" >"$TMPDIR/truth"
for path in /automation/v4/sequences /automation/sequences/2026-03/; do
	after=
	: >"$TMPDIR/ids"
	pages=0
	while :; do
		curl -s -D "$TMPDIR/h" -H "$H" "$U$path?userId=70112233${after:+&after=$after}" >"$TMPDIR/page"
		grep -qi '^X-HubSpot-RateLimit-Remaining: [0-9]' "$TMPDIR/h" || fail "no rate-limit headers"
		total=$(sed 's/.*"total":\([0-9]*\).*/\1/' "$TMPDIR/page")
		[ "$(count '"userId":"70112233"' <"$TMPDIR/page")" -le 2 ] || fail "page over limit"
		grep -o '"id":"[0-9]*","name"' "$TMPDIR/page" >>"$TMPDIR/ids"
		pages=$((pages + 1))
		after=$(json_str after <"$TMPDIR/page")
		[ -n "$after" ] || break
		[ $pages -lt 50 ] || fail "paging never ends"
	done
	[ "$(wc -l <"$TMPDIR/ids")" -eq "$total" ] || fail "$path: $(wc -l <"$TMPDIR/ids") of $total"
	[ "$total" -ge 3 ] || fail "too few sequences to page"
	! grep -q '"paging"' "$TMPDIR/page" || fail "paging on the last page"
done

# --- details: steps, userId required, 404
sid=$(head -n 1 "$TMPDIR/ids" | cut -d'"' -f4)
curl -s -H "$H" "$U/automation/v4/sequences/$sid?userId=70112233" | grep -q '"actionType":"FINISH_ENROLLMENT"' ||
	fail "steps"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/automation/v4/sequences/$sid")
[ "$code" = 400 ] || fail "details without userId: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/automation/v4/sequences/1?userId=70112233")
[ "$code" = 404 ] || fail "unknown sequence: $code"

# --- contacts: search (case-insensitive EQ), read by email, enrollment
email=$(grep -o '"email":"[^"]*@[^"]*","firstname"' "$TMPDIR/truth" | head -n 1 | cut -d'"' -f4)
upper=$(echo "$email" | tr '[:lower:]' '[:upper:]')
curl -s -H "$H" -H 'Content-Type: application/json' \
	-d "{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"email\",\"operator\":\"EQ\",\"value\":\"$upper\"}]}],\"limit\":2}" \
	"$U/crm/v3/objects/contacts/search" >"$TMPDIR/s"
grep -q '"total":1' "$TMPDIR/s" || fail "search: $(cat "$TMPDIR/s")"
cid=$(json_str id <"$TMPDIR/s")
curl -s -H "$H" "$U/crm/v3/objects/contacts/$email?idProperty=email" | grep -q "\"id\":\"$cid\"" ||
	fail "read by email"
# enroll a contact that has no enrollment yet, then again: refused
free=
grep -o '"hs_object_id":"[0-9]*"' "$TMPDIR/truth" | cut -d'"' -f4 >"$TMPDIR/cids"
while read -r c; do
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/automation/v4/sequences/enrollments/contact/$c" </dev/null)
	if [ "$code" = 404 ]; then free=$c; break; fi
done <"$TMPDIR/cids"
[ -n "$free" ] || fail "every contact enrolled"
body="{\"contactId\":\"$free\",\"sequenceId\":\"$sid\",\"senderEmail\":\"rosa.imbert@northwind.example\"}"
code=$(curl -s -o "$TMPDIR/o" -w '%{http_code}' -H "$H" -H 'Content-Type: application/json' -d "$body" "$U/automation/v4/sequences/enrollments")
[ "$code" = 400 ] || fail "enroll without userId: $code"
code=$(curl -s -o "$TMPDIR/o" -w '%{http_code}' -H "$H" -H 'Content-Type: application/json' -d "$body" "$U/automation/v4/sequences/enrollments?userId=70112233")
if ! { [ "$code" = 200 ] && grep -q '"toEmail"' "$TMPDIR/o"; }; then fail "enroll: $code $(cat "$TMPDIR/o")"; fi
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" -H 'Content-Type: application/json' -d "$body" "$U/automation/v4/sequences/enrollments?userId=70112233")
[ "$code" = 400 ] || fail "second enrollment: $code"
curl -s -H "$H" "$U/automation/v4/sequences/enrollments/contact/$free" | grep -q "\"sequenceId\":\"$sid\"" ||
	fail "enrollment not stored"

# --- owners and users give the userIds
curl -s -H "$H" "$U/crm/v3/owners?email=rosa.imbert@northwind.example" | grep -q '"userId":70112233' || fail owners
curl -s -H "$H" "$U/settings/v3/users?limit=100" | grep -q '"id":"70112233"' || fail users

# --- the 10-second rolling limit: 429 TEN_SECONDLY_ROLLING
start --seed 8 --modules hubspot --hs-burst 5
i=0
while [ $i -lt 5 ]; do
	curl -s -o /dev/null -H "$H" "$FAKE_URL/settings/v3/users"
	i=$((i + 1))
done
code=$(curl -s -o "$TMPDIR/o" -w '%{http_code}' -H "$H" "$FAKE_URL/settings/v3/users")
if ! { [ "$code" = 429 ] && grep -q '"policyName":"TEN_SECONDLY_ROLLING"' "$TMPDIR/o"; }; then fail "burst: $code"; fi

# --- missing scope: 403 MISSING_SCOPES
start --seed 8 --modules hubspot --hs-scopes crm.objects.contacts.read
code=$(curl -s -o "$TMPDIR/o" -w '%{http_code}' -H "$H" "$FAKE_URL/automation/v4/sequences?userId=70112233")
if ! { [ "$code" = 403 ] && grep -q MISSING_SCOPES "$TMPDIR/o"; }; then fail "scopes: $code"; fi
# stopping checks the server exited clean (sanitizers)
for p in $pids; do fake-api-stop "$p"; done
pids=
echo ok
