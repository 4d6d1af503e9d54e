#!/bin/sh
# load --bq-dir: per-table NDJSON that parses line by line with the staging
# schema's columns, MERGE SQL, manifest, state.json; a killed run is cut
# back by the next; pipelines/bq-load.sh --dry-run prints the bq commands.
set -eu
cd "$TMPDIR"
cat >in.jsonl <<'JSONL'
{"type":"RECORD","stream":"sf_contacts","record":{"contact_id":"003A","email":"a@x.com","is_primary":true,"system_modstamp":"2026-11-28T23:59:59.000+0000"}}
{"type":"RECORD","stream":"gmail_messages","record":{"message_id":"m1","mailbox_email":"rep@ourco.com","to_emails":["a@x.com"],"sent_at":"2026-11-02T10:00:00+01:00"}}
{"type":"STATE","value":{"bookmarks":{"sf_contacts":{"system_modstamp":"2026-11-28T23:59:59.000Z"}}}}
{"type":"RECORD","stream":"sf_contacts","record":{"contact_id":"003A","_sdc_deleted_at":"2026-12-01T00:00:00Z"}}
{"type":"RECORD","stream":"sf_contacts","record":{"contact_id":"003B","bogus":1}}
{"type":"STATE","value":{"bookmarks":{"gmail_messages:rep@ourco.com":{"history_id":"7"}}}}
JSONL
rc=0
SALESINTEL_NOW=2026-12-01T10:00:00Z load --bq-dir bq in.jsonl >out 2>err || rc=$?
[ $rc -eq 65 ] || { echo "exit $rc, expected 65"; cat err; exit 1; }
grep -q 'in.jsonl:5: unknown column bogus' err
[ "$(grep -c STATE out)" -eq 2 ]
[ "$(cat bq/state.json)" = '{"bookmarks":{"sf_contacts":{"system_modstamp":"2026-11-28T23:59:59.000Z"},"gmail_messages:rep@ourco.com":{"history_id":"7"}}}' ]
# every data line is a JSON object whose keys are staging columns
for f in bq/data/*/*.ndjson; do
	t=$(basename "$(dirname "$f")")
	cols=$(sed -n 's/.*"name": "\([a-z_]*\)".*/\1/p' "bq/schema/$t.json")
	sed 's/"[^"]*":/\n&/g' "$f" | sed -n 's/^"\([^"]*\)":.*/\1/p' | sort -u |
	while read -r k; do
		echo "$cols" | grep -qx "$k" || { echo "$f: $k not in the schema"; exit 1; }
	done
done
sf=$(cat bq/data/sf_contacts/*.ndjson)
case $sf in
*'"contact_id":"003A","email":"a@x.com","is_primary":true,"ingested_at":"2026-12-01T10:00:00.000Z","system_modstamp":"2026-11-28T23:59:59.000Z","_sdc_batch":"'*) ;;
*) echo "unexpected row: $sf"; exit 1 ;;
esac
grep -q '"_sdc_deleted_at":"2026-12-01T00:00:00.000Z"' bq/data/sf_contacts/*.ndjson
grep -q '"sent_at":"2026-11-02T09:00:00.000Z"' bq/data/gmail_messages/*.ndjson
[ "$(wc -l <bq/manifest.json)" -eq 2 ]
grep -q "MERGE \`sf_contacts\` T" bq/merge/sf_contacts.sql
[ "$(stat -c %a bq/state.json)" = 600 ]

# A run killed after its first STATE: the next run cuts its rows back.
printf '%s\n' '{"type":"RECORD","stream":"sf_leads","record":{"lead_id":"L1"}}' \
	'{"type":"STATE","value":{"bookmarks":{"sf_leads":{"n":1}}}}' >a.jsonl
i=0
while [ $i -lt 3000 ]; do
	echo "{\"type\":\"RECORD\",\"stream\":\"sf_leads\",\"record\":{\"lead_id\":\"X$i\"}}"
	i=$((i + 1))
done >b.jsonl
mkfifo fin fout
load --bq-dir bq --bq-file-size 4K --commit-interval 0 <fin >fout &
pid=$!
trap 'kill -9 $pid 2>/dev/null || true' EXIT INT TERM
exec 3>fin 4<fout
cat a.jsonl >&3
# the STATE echo means the first batch is committed
read -r echoed <&4
case $echoed in *'"sf_leads":{"n":1}'*) ;; *) echo "echoed: $echoed"; exit 1 ;; esac
cat b.jsonl >&3
kill -9 $pid
exec 3>&- 4<&-
wait $pid || true
: | load --bq-dir bq >/dev/null
cat bq/data/sf_leads/*.ndjson >leads
grep -q '"L1"' leads
if grep -q '"X' leads; then echo "uncommitted rows survived the kill"; exit 1; fi
grep -q '"sf_leads":{"n":1}' bq/state.json

# bq-load.sh prints the commands
sh "$SI_ROOT/pipelines/bq-load.sh" --dry-run --dataset sales bq >cmds
grep -q "^'bq' 'load' '--source_format=NEWLINE_DELIMITED_JSON' '--replace' 'sales.stg_sf_contacts' 'bq/data/sf_contacts/" cmds
grep -q "^'bq' 'query' '--use_legacy_sql=false' '--dataset_id=sales' '-- MERGE stg_sf_contacts into sf_contacts" cmds
grep -q "'--dataset_id=sales' 'CREATE TABLE IF NOT EXISTS \`sf_leads\`" cmds
[ -s bq/manifest.json ]   # a dry run changes nothing
echo ok
