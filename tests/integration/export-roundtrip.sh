#!/bin/sh
# export | load into an empty database reproduces every table exactly
# ("env export": a bare "export" is the shell builtin):
# same rows, same values, same SQLite types (compared in .mode quote).
set -eu
cd "$TMPDIR"
cat >in.jsonl <<'JSONL'
{"type":"RECORD","stream":"sf_contacts","record":{"contact_id":"003A","email":"asha@globex.co.uk","first_name":"Asha \"Ash\" P\u00e4tel","is_primary":true,"system_modstamp":"2026-11-28T23:59:59.000+0000","created_date":"2026-01-01T00:00:00-08:00"},"time_extracted":"2026-11-29T05:00:00Z"}
{"type":"RECORD","stream":"sf_contacts","record":{"contact_id":"003B","email":null,"is_primary":false,"phone":"+14155550100"}}
{"type":"RECORD","stream":"sf_contacts","record":{"contact_id":"003C","_sdc_deleted_at":"2026-11-30T00:00:00Z"}}
{"type":"RECORD","stream":"sf_opportunities","record":{"opportunity_id":"006A","amount":12345.67,"probability":0.1,"close_date":"2026-12-31","is_won":false,"is_closed":true}}
{"type":"RECORD","stream":"sf_opportunities","record":{"opportunity_id":"006B","amount":1e-3,"probability":100,"close_date":"2027-01-01T03:00:00+05:00"}}
{"type":"RECORD","stream":"dialpad_calls","record":{"call_id":"1002","call_time":1356998400000,"duration_seconds":9007199254740993,"sentiment_score":-0.25,"embedding":[0.5,1e-3,-2],"was_recorded":true}}
{"type":"RECORD","stream":"gmail_messages","record":{"message_id":"18c1","mailbox_email":"rep@ourco.com","to_emails":["a@x.com","b@y.org"],"cc_emails":[],"labels":["INBOX","\u2603"],"body_text":"line1\nline2\ttab","sent_at":"2026-11-02T10:00:00.123456Z","size_estimate":4096}}
{"type":"RECORD","stream":"gmail_participants","record":{"participant_id":"p1","message_id":"18c1","email_address":"a@x.com","role":"to","confidence_score":0.95,"is_internal":false}}
{"type":"RECORD","stream":"account_recommendations","record":{"recommendation_id":"r1","account_id":"001A","score_date":"2026-12-01","priority_score":-7,"key_signals":["opened","replied"]}}
{"type":"RECORD","stream":"hubspot_sequences","record":{"sequence_id":"s1","sequence_name":"Q4","is_active":true,"enrollment_count":0,"last_synced":"1700000000000"}}
{"type":"STATE","value":{"bookmarks":{"sf_contacts":{"system_modstamp":"2026-11-28T23:59:59.000Z"},"gmail_messages:rep@ourco.com":{"history_id":"99"}}}}
JSONL
SALESINTEL_NOW=2026-12-01T00:00:00Z load --db a.db in.jsonl >/dev/null
tables=$(sqlite3 a.db "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
n=0
for t in $tables; do
	env export --db a.db "$t" >"$t.jsonl"
	# a later time: ingested_at must come from the export, not the clock
	SALESINTEL_NOW=2030-01-01T00:00:00Z load --db b.db "$t.jsonl" >/dev/null
	for db in a b; do
		printf '.mode quote\nSELECT * FROM %s ORDER BY 1;\n' "$t" |
			sqlite3 "$db.db" >"$t.$db"
	done
	if ! cmp -s "$t.a" "$t.b"; then
		echo "table $t differs after export | load:"
		diff "$t.a" "$t.b" | head -n 10
		exit 1
	fi
	n=$((n + $(wc -l <"$t.a")))
done
# the interesting rows were there to compare
[ "$n" -ge 12 ] || { echo "only $n rows compared"; exit 1; }
grep -q "9007199254740993" dialpad_calls.a
grep -q "'2026-11-28T23:59:59.000Z','2026-01-01T08:00:00.000Z'" sf_contacts.a
grep -q '"amount":12345.67' sf_opportunities.jsonl
grep -q '"key_signals":\["opened","replied"\]' account_recommendations.jsonl
# --where-null keeps only the rows where the column is NULL
env export --db a.db --table sf_contacts --where-null email >w.jsonl
[ "$(grep -c RECORD w.jsonl)" -eq 2 ]
if grep -q '"003A"' w.jsonl; then echo "--where-null kept a row with an email"; exit 1; fi
echo ok
