#!/bin/sh
# load into SQLite alone runs a pipeline: records are converted into
# batches of up to 16,384 rows, sorted by table and key, written several
# rows per INSERT by a writer thread.  Checked here against load's
# row-at-a-time path (taken when --bq-dir is given too) and against the
# expected table computed from the stream:
#   - keys that come back across batches and across STATEs: the last
#     record wins, deletes included; two tables in one batch;
#   - every STATE echoed, in order, in both paths, also with a commit per
#     STATE (--commit-interval 0);
#   - bad lines in the middle of batches (the converter's, and rows SQLite
#     refuses, here through a trigger, inside a multi-row INSERT) are
#     reported in line order, alike in both paths; the other rows go in;
#   - --strict stops at the first of them, committing nothing after the
#     last STATE before it, and echoes exactly the STATEs committed.
set -eu
cd "$TMPDIR"
n=40000
keys=9973

# line numbers are the awk NR of the printed lines, written to bad.lines
awk -v n=$n -v keys=$keys 'BEGIN {
	ln = 0
	for (i = 1; i <= n; i++) {
		k = (i * 7919) % keys
		if (i % 97 == 0)
			line = sprintf("{\"type\":\"RECORD\",\"stream\":\"sf_contacts\",\"record\":{\"contact_id\":\"c%d\",\"_sdc_deleted_at\":\"2026-01-01T00:00:00.%03dZ\"}}", k, i % 1000)
		else if (i % 4447 == 0)
			line = sprintf("{\"type\":\"RECORD\",\"stream\":\"sf_contacts\",\"record\":{\"contact_id\":\"c%d\",\"email\":\"v%d@x.com\",\"title\":\"refuse-me\"}}", k, i)
		else if (i % 5003 == 0)
			line = sprintf("{\"type\":\"RECORD\",\"stream\":\"sf_contacts\",\"record\":{\"contact_id\":\"c%d\",\"is_primary\":\"maybe\"}}", k)
		else
			line = sprintf("{\"type\":\"RECORD\",\"stream\":\"sf_contacts\",\"record\":{\"contact_id\":\"c%d\",\"email\":\"v%d@x.com\",\"title\":\"t%d\"}}", k, i, i)
		print line
		ln++
		if (index(line, "refuse-me") || index(line, "maybe"))
			print ln >"bad.lines"
		if (i % 3 == 0) {
			printf "{\"type\":\"RECORD\",\"stream\":\"gmail_participants\",\"record\":{\"participant_id\":\"p%d\",\"message_id\":\"m%d\",\"email_address\":\"a%d@x.com\",\"role\":\"to\"}}\n", (i * 31) % 7001, i, i
			ln++
		}
		if (i % 1000 == 0) {
			printf "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"sf_contacts\":{\"seq\":%d}}}}\n", i
			ln++
		}
	}
}' >stream.jsonl
[ "$(wc -l <bad.lines)" -ge 15 ] || { echo "too few bad lines" >&2; exit 1; }
grep '"type":"STATE"' stream.jsonl >states.expected

fail() { echo "load-batches: $*" >&2; exit 1; }

# a new database with the trigger that refuses the "refuse-me" rows
newdb() {
	rm -f "$1" "$1-wal" "$1-shm"
	load --db "$1" </dev/null
	sqlite3 "$1" "CREATE TRIGGER refuse BEFORE INSERT ON sf_contacts
		WHEN NEW.title = 'refuse-me'
		BEGIN SELECT RAISE(ABORT, 'refused by trigger'); END"
}
# the tables without ingested_at (the batch's clock), in key order
rows() {
	sqlite3 "$1" "SELECT contact_id, email, title, is_primary, _sdc_deleted_at
		FROM sf_contacts ORDER BY contact_id;
		SELECT participant_id, message_id, email_address, role
		FROM gmail_participants ORDER BY participant_id"
}
# expected sf_contacts after the records with seq <= $1 (all: n)
expected() {
	awk -v b="$1" '
	/"type":"RECORD","stream":"sf_contacts"/ {
		seq++
		if (seq > b) exit
		if (index($0, "refuse-me") || index($0, "maybe")) next
		match($0, /"contact_id":"c[0-9]+"/)
		k = substr($0, RSTART + 14, RLENGTH - 15)
		if (match($0, /"_sdc_deleted_at":"[^"]*"/)) {
			del[k] = substr($0, RSTART + 19, RLENGTH - 20); seen[k] = 1; next
		}
		match($0, /"email":"[^"]*"/); email[k] = substr($0, RSTART + 9, RLENGTH - 10)
		match($0, /"title":"[^"]*"/); title[k] = substr($0, RSTART + 9, RLENGTH - 10)
		del[k] = ""; seen[k] = 1
	}
	END { for (k in seen) print k "|" email[k] "|" title[k] "||" del[k] }
	' stream.jsonl | sort
}
sorted_contacts() {
	sqlite3 "$1" "SELECT contact_id, email, title, is_primary, _sdc_deleted_at
		FROM sf_contacts" | sort
}

# --- the pipeline, the row-at-a-time path, a commit per STATE
for run in pipe rowwise percommit; do
	newdb "$run.db"
	case $run in
	pipe) set -- ;;
	rowwise) set -- --bq-dir "$TMPDIR/bq" ;;
	percommit) set -- --commit-interval 0 ;;
	esac
	code=0
	load --db "$run.db" "$@" <stream.jsonl >"$run.out" 2>"$run.err" || code=$?
	[ "$code" -eq 65 ] || fail "$run: exit $code, expected 65"
	cmp -s "$run.out" states.expected || fail "$run: echoed STATEs differ"
	sed -n 's/^load: <stdin>:\([0-9]*\): .*/\1/p' "$run.err" >"$run.badlines"
	cmp -s "$run.badlines" bad.lines ||
		{ diff bad.lines "$run.badlines" | head >&2; fail "$run: bad lines reported differ"; }
	grep -q 'refused by trigger' "$run.err" || fail "$run: no refusal reported"
	grep -q 'is_primary' "$run.err" || fail "$run: no conversion error reported"
	rows "$run.db" >"$run.rows"
	[ "$(sqlite3 "$run.db" 'PRAGMA integrity_check')" = ok ] || fail "$run: integrity"
done
cmp -s pipe.err rowwise.err || { diff pipe.err rowwise.err | head >&2; fail "stderr differs between paths"; }
cmp -s pipe.rows rowwise.rows || fail "the pipeline's tables differ from the row-at-a-time path's"
cmp -s pipe.rows percommit.rows || fail "a commit per STATE gives other tables"
expected $n >contacts.expected
sorted_contacts pipe.db >contacts.actual
cmp -s contacts.expected contacts.actual ||
	{ diff contacts.expected contacts.actual | head >&2; fail "sf_contacts is not the last record of each key"; }
[ "$(sqlite3 pipe.db 'SELECT count(*) FROM gmail_participants')" -eq 7001 ] ||
	fail "gmail_participants: $(sqlite3 pipe.db 'SELECT count(*) FROM gmail_participants') rows"
[ "$(sqlite3 pipe.db "SELECT json_extract(value, '\$.seq') FROM sync_state WHERE stream = 'sf_contacts'")" = $n ] ||
	fail "bookmark is not the last STATE"

# --- --strict: stop at the first bad line, nothing after the last STATE
first=$(head -n 1 bad.lines)
for run in pipe rowwise; do
	newdb "s$run.db"
	case $run in
	pipe) set -- ;;
	rowwise) set -- --bq-dir "$TMPDIR/sbq" ;;
	esac
	code=0
	load --strict --db "s$run.db" "$@" <stream.jsonl >"s$run.out" 2>"s$run.err" || code=$?
	[ "$code" -eq 65 ] || fail "strict $run: exit $code, expected 65"
	[ "$(wc -l <"s$run.err")" -eq 1 ] || fail "strict $run: more than one report: $(cat "s$run.err")"
	grep -q "^load: <stdin>:$first: " "s$run.err" || fail "strict $run: reported $(cat "s$run.err"), expected line $first"
	# the STATEs before the bad line, all echoed, and no other
	head -n "$first" stream.jsonl | grep '"type":"STATE"' >sstates.expected
	cmp -s "s$run.out" sstates.expected || fail "strict $run: echoed STATEs differ"
	seq=$(sqlite3 "s$run.db" "SELECT json_extract(value, '\$.seq') FROM sync_state WHERE stream = 'sf_contacts'")
	[ "$seq" = "$(tail -n 1 sstates.expected | sed 's/.*"seq":\([0-9]*\).*/\1/')" ] ||
		fail "strict $run: bookmark $seq"
	expected "$seq" >sexpected
	sorted_contacts "s$run.db" >sactual
	cmp -s sexpected sactual || fail "strict $run: rows after the last STATE were committed"
done
echo ok
