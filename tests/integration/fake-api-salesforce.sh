#!/bin/sh
# fake-api's Salesforce: OAuth flows, query paging, queryAll, Bulk 2.0,
# Lead create rules, limits, injected failures, admin changes, determinism.
set -eu
pids=
cleanup() { for p in $pids; do fake-api-stop "$p"; done; }
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
start() { eval "$(fake-api-start "$@")"; pids="$pids $FAKE_PID"; }
json_str() { # json_str KEY < json: first string value of KEY
	sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" | head -n 1
}
count() { grep -o "$1" | wc -l | tr -d ' '; }

start --seed 4 --sf-max-batch 25 --sf-short-pages 0.3
U=$FAKE_URL
V=$U/services/data/v62.0

# --- versions need no auth; data calls do
curl -sf "$U/services/data/" | grep -q '"version":"62.0"' || fail versions
code=$(curl -s -o "$TMPDIR/o" -w '%{http_code}' "$V/limits")
[ "$code" = 401 ] || fail "no token gave $code"
grep -q INVALID_SESSION_ID "$TMPDIR/o" || fail "401 body"

# --- username-password flow (password + security token, form-encoded)
form='grant_type=password&client_id=3MVG9fake.client.id&client_secret=fake-client-secret&username=integration%40northwind.example'
curl -s -d "$form&password=p4ss%26word%2B1SECTOKEN123" "$U/services/oauth2/token" >"$TMPDIR/tok"
T=$(json_str access_token <"$TMPDIR/tok")
[ -n "$T" ] || fail "password flow: $(cat "$TMPDIR/tok")"
grep -q "\"instance_url\":\"$U\"" "$TMPDIR/tok" || fail instance_url
grep -q '"issued_at":"[0-9]\{13\}"' "$TMPDIR/tok" || fail issued_at
! grep -q expires_in "$TMPDIR/tok" || fail "expires_in present"
code=$(curl -s -o "$TMPDIR/o" -w '%{http_code}' -d "$form&password=wrong" "$U/services/oauth2/token")
if ! { [ "$code" = 400 ] && grep -q '"error_description":"authentication failure"' "$TMPDIR/o"; }; then
	fail "bad password: $code $(cat "$TMPDIR/o")"
fi
H="Authorization: Bearer $T"

# --- Sforce-Limit-Info counts calls
curl -s -D "$TMPDIR/h1" -o /dev/null -H "$H" "$V/limits"
curl -s -D "$TMPDIR/h2" -o /dev/null -H "$H" "$V/limits"
u1=$(sed -n 's/^Sforce-Limit-Info: api-usage=\([0-9]*\).*/\1/p' "$TMPDIR/h1")
u2=$(sed -n 's/^Sforce-Limit-Info: api-usage=\([0-9]*\).*/\1/p' "$TMPDIR/h2")
[ $((u2 - u1)) -eq 1 ] || fail "api usage $u1 then $u2"

# --- query paging: every row once, pages <= batch, done only at the end
q='SELECT+Id,Email,Account.Name,SystemModstamp+FROM+Contact+ORDER+BY+SystemModstamp,Id'
total=$(curl -s -H "$H" "$V/query?q=SELECT+COUNT()+FROM+Contact" |
	sed 's/.*"totalSize":\([0-9]*\).*/\1/')
next="/services/data/v62.0/query?q=$q"
rows=0
pages=0
: >"$TMPDIR/ids"
while [ -n "$next" ]; do
	curl -s -H "$H" "$U$next" >"$TMPDIR/page"
	n=$(count '"attributes":{"type":"Contact"' <"$TMPDIR/page")
	[ "$n" -le 25 ] || fail "page of $n rows"
	grep -o '"Id":"003[^"]*"' "$TMPDIR/page" >>"$TMPDIR/ids"
	rows=$((rows + n))
	pages=$((pages + 1))
	next=$(json_str nextRecordsUrl <"$TMPDIR/page")
	if [ -n "$next" ]; then
		grep -q '"done":false' "$TMPDIR/page" || fail "next without done:false"
	else
		grep -q '"done":true' "$TMPDIR/page" || fail "last page not done"
	fi
	[ $pages -lt 100 ] || fail "paging does not end"
done
[ "$rows" -eq "$total" ] || fail "paged $rows rows of $total"
[ "$(sort "$TMPDIR/ids" | uniq | wc -l)" -eq "$total" ] || fail "duplicate rows"
[ $pages -ge 3 ] || fail "only $pages pages"

# --- queryAll adds deleted rows; query hides archived tasks
all=$(curl -s -H "$H" "$V/queryAll?q=SELECT+COUNT()+FROM+Contact" |
	sed 's/.*"totalSize":\([0-9]*\).*/\1/')
[ "$all" -gt "$total" ] || fail "queryAll $all vs query $total"
arch=$(curl -s -H "$H" "$V/queryAll?q=SELECT+COUNT()+FROM+Task+WHERE+IsArchived+=+true" |
	sed 's/.*"totalSize":\([0-9]*\).*/\1/')
[ "$arch" -gt 0 ] || fail "no archived tasks"
hid=$(curl -s -H "$H" "$V/query?q=SELECT+COUNT()+FROM+Task+WHERE+IsArchived+=+true" |
	sed 's/.*"totalSize":\([0-9]*\).*/\1/')
[ "$hid" -eq 0 ] || fail "query shows archived tasks"

# --- SOQL errors in the real shapes
curl -s -H "$H" "$V/query?q=SELECT+Id+FROM+Contact+WHERE+SystemModstamp+>=+2025-01-01T00:00:00+00:00" |
	grep -q MALFORMED_QUERY || fail "+ as space accepted"
curl -s -H "$H" "$V/query?q=SELECT+Id,Nope+FROM+Contact" |
	grep -q "No such column 'Nope' on entity 'Contact'" || fail INVALID_FIELD
curl -s -H "$H" "$V/query?q=SELECT+Id+FROM+Nope" | grep -q INVALID_TYPE ||
	fail INVALID_TYPE

# --- Bulk 2.0: job states, CSV chunks by locator, same rows as REST
curl -s -H "$H" -H 'Content-Type: application/json' \
	-d '{"operation":"query","query":"SELECT Id, Email, Account.Name FROM Contact"}' \
	"$V/jobs/query" >"$TMPDIR/job"
J=$(json_str id <"$TMPDIR/job")
grep -q '"state":"UploadComplete"' "$TMPDIR/job" || fail "job state"
i=0
until curl -s -H "$H" "$V/jobs/query/$J" | grep -q '"state":"JobComplete"'; do
	i=$((i + 1))
	[ $i -lt 20 ] || fail "job never completes"
done
loc=
: >"$TMPDIR/csv"
chunks=0
while :; do
	curl -s -D "$TMPDIR/bh" -H "$H" \
		"$V/jobs/query/$J/results?maxRecords=20${loc:+&locator=$loc}" >"$TMPDIR/chunk"
	head -n 1 "$TMPDIR/chunk" | grep -qx '"Id","Email","Account.Name"' || fail "csv header"
	tail -n +2 "$TMPDIR/chunk" >>"$TMPDIR/csv"
	chunks=$((chunks + 1))
	loc=$(sed -n 's/^Sforce-Locator: \([^\r]*\).*/\1/p' "$TMPDIR/bh" | tr -d '\r')
	[ "$loc" != null ] || break
	[ $chunks -lt 50 ] || fail "bulk locators never end"
done
[ "$(wc -l <"$TMPDIR/csv")" -eq "$total" ] || fail "bulk rows $(wc -l <"$TMPDIR/csv") vs $total"
cut -d, -f1 "$TMPDIR/csv" | tr -d '"' | sort >"$TMPDIR/bulkids"
sed 's/"Id":"\([^"]*\)"/\1/' "$TMPDIR/ids" | sort >"$TMPDIR/restids"
cmp -s "$TMPDIR/bulkids" "$TMPDIR/restids" || fail "bulk and REST differ"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U/services/data/v61.0/jobs/query/$J/results")
[ "$code" = 409 ] || fail "version mismatch gave $code"

# --- admin changes show up in an incremental queryAll, deletes too
t0=$(curl -sf "$U/_admin/clock" | sed 's/.*"now":"\([^"]*\)".*/\1/' | cut -c1-19)Z
curl -sf -X POST "$U/_admin/clock/advance?seconds=2" >/dev/null
curl -sf -X POST "$U/_admin/salesforce/mutate?type=Contact&create=2&update=3&delete=1&seed=9" >"$TMPDIR/mut"
changed=$(curl -s -H "$H" "$V/queryAll?q=SELECT+Id,IsDeleted+FROM+Contact+WHERE+SystemModstamp+>=+$t0" )
n=$(echo "$changed" | count '"attributes"')
want=$(count '"003' <"$TMPDIR/mut")
[ "$n" -eq "$want" ] || fail "incremental saw $n, mutated $want"
echo "$changed" | grep -q '"IsDeleted":true' || fail "delete not in queryAll"

# --- Lead create: required fields, duplicate rule (duplicateResut), assignment
code=$(curl -s -o "$TMPDIR/o" -w '%{http_code}' -H "$H" -H 'Content-Type: application/json' \
	-d '{"LastName":"Raman"}' "$V/sobjects/Lead/")
if ! { [ "$code" = 400 ] && grep -q 'REQUIRED_FIELD_MISSING' "$TMPDIR/o"; }; then
	fail "missing Company"
fi
email=$(curl -s -H "$H" "$V/query?q=SELECT+Email+FROM+Lead+WHERE+Email+!=+null+LIMIT+1" | json_str Email)
code=$(curl -s -o "$TMPDIR/o" -w '%{http_code}' -H "$H" -H 'Content-Type: application/json' \
	-d "{\"LastName\":\"Dup\",\"Company\":\"X\",\"Email\":\"$email\"}" "$V/sobjects/Lead/")
if ! { [ "$code" = 400 ] && grep -q '"duplicateResut"' "$TMPDIR/o" && grep -q DUPLICATES_DETECTED "$TMPDIR/o"; }; then
	fail "duplicate rule: $code"
fi
code=$(curl -s -o "$TMPDIR/o" -w '%{http_code}' -H "$H" -H 'Content-Type: application/json' \
	-d '{"LastName":"Okafor","FirstName":"Ada","Company":"Initech","Email":"ada.okafor@initech.example"}' "$V/sobjects/Lead/")
if ! { [ "$code" = 201 ] && grep -q '"success":true' "$TMPDIR/o"; }; then
	fail "create: $code"
fi
id=$(json_str id <"$TMPDIR/o")
curl -s -H "$H" "$V/sobjects/Lead/$id" | grep -q '"OwnerId":"00G' || fail "assignment rule"

# --- an expired session mid-paging: 401, re-auth, the cursor goes on
first=$(curl -s -H "$H" "$V/query?q=$q")
next=$(echo "$first" | json_str nextRecordsUrl)
[ -n "$next" ] || fail "no second page"
curl -sf -X POST "$U/_admin/salesforce/fail?code=INVALID_SESSION_ID" >/dev/null
code=$(curl -s -o "$TMPDIR/o" -w '%{http_code}' -H "$H" "$U$next")
[ "$code" = 401 ] || fail "injected 401 gave $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$U$next")
[ "$code" = 401 ] || fail "expired token still works"
T2=$(curl -s -d "$form&password=p4ss%26word%2B1SECTOKEN123" "$U/services/oauth2/token" | json_str access_token)
curl -s -H "Authorization: Bearer $T2" "$U$next" | grep -q '"records"' ||
	fail "cursor lost after re-auth"

# --- refresh-token rotation kills the old token, session and cursors
start --seed 4 --sf-rotation 1 --sf-max-batch 10 --modules salesforce
R=$FAKE_URL
rf='grant_type=refresh_token&client_id=3MVG9fake.client.id&client_secret=fake-client-secret'
curl -s -d "$rf&refresh_token=5Aep861fake.refresh.token" "$R/services/oauth2/token" >"$TMPDIR/r1"
A1=$(json_str access_token <"$TMPDIR/r1")
RT2=$(json_str refresh_token <"$TMPDIR/r1")
if ! { [ -n "$A1" ] && [ -n "$RT2" ]; }; then
	fail "rotation: $(cat "$TMPDIR/r1")"
fi
nx=$(curl -s -H "Authorization: Bearer $A1" "$R/services/data/v62.0/query?q=SELECT+Id+FROM+Contact" | json_str nextRecordsUrl)
curl -s -d "$rf&refresh_token=5Aep861fake.refresh.token" "$R/services/oauth2/token" |
	grep -q 'expired access/refresh token' || fail "old refresh token reused"
A2=$(curl -s -d "$rf&refresh_token=$RT2" "$R/services/oauth2/token" | json_str access_token)
[ -n "$A2" ] || fail "new refresh token refused"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $A1" "$R/services/data/v62.0/limits")
[ "$code" = 401 ] || fail "rotated-out session still valid ($code)"
curl -s -H "Authorization: Bearer $A2" "$R$nx" | grep -q INVALID_QUERY_LOCATOR ||
	fail "cursor of the old session survived rotation"

# --- JWT bearer flow, checked against a public key
if command -v openssl >/dev/null 2>&1; then
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$TMPDIR/k.pem" 2>/dev/null
	openssl pkey -in "$TMPDIR/k.pem" -pubout -out "$TMPDIR/pub.pem"
	start --seed 4 --modules salesforce --sf-jwt-public-key "$TMPDIR/pub.pem"
	b64() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
	jwt() { # aud
		h=$(printf '{"alg":"RS256"}' | b64)
		c=$(printf '{"iss":"3MVG9fake.client.id","sub":"integration@northwind.example","aud":"%s","exp":"%s"}' \
			"$1" $(($(date +%s) + 180)) | b64)
		s=$(printf '%s.%s' "$h" "$c" | openssl dgst -sha256 -sign "$TMPDIR/k.pem" -binary | b64)
		printf '%s.%s.%s' "$h" "$c" "$s"
	}
	g='grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer'
	curl -s -d "$g&assertion=$(jwt https://login.salesforce.com)" "$FAKE_URL/services/oauth2/token" >"$TMPDIR/j"
	grep -q '"access_token"' "$TMPDIR/j" || fail "jwt: $(cat "$TMPDIR/j")"
	! grep -q issued_at "$TMPDIR/j" || fail "jwt answer has issued_at"
	curl -s -d "$g&assertion=$(jwt https://example.com)" "$FAKE_URL/services/oauth2/token" |
		grep -q 'audience is invalid' || fail "bad aud accepted"
	bad=$(jwt https://login.salesforce.com | sed 's/\.[^.]*$/.AAAA/')
	curl -s -d "$g&assertion=$bad" "$FAKE_URL/services/oauth2/token" |
		grep -q invalid_grant || fail "bad signature accepted"
fi

# --- the same seed gives the same org
start --seed 4 --modules salesforce
a=$FAKE_URL
start --seed 4 --modules salesforce
b=$FAKE_URL
curl -sf "$a/_admin/truth?module=salesforce" | cksum >"$TMPDIR/ta"
curl -sf "$b/_admin/truth?module=salesforce" | cksum >"$TMPDIR/tb"
cmp -s "$TMPDIR/ta" "$TMPDIR/tb" || fail "same seed, different org"
# stopping checks the server exited clean (sanitizers)
for p in $pids; do fake-api-stop "$p"; done
pids=
echo ok
