#!/bin/sh
# bq-load.sh: load a directory written by `load --bq-dir DIR` into BigQuery.
#
#   pipelines/bq-load.sh [--dry-run] [--dataset DATASET] DIR
#
# For each table with committed files (DIR/manifest.json): create the table
# if missing (schema/bigquery.sql), `bq load` every file into the staging
# table stg_TABLE (the first with --replace), then run DIR/merge/TABLE.sql.
# When everything succeeded the loaded files move to DIR/loaded/ and the
# manifest is emptied, under DIR/.lock so no load writes meanwhile.
# With --dry-run, or when bq is not installed, it prints the exact commands
# and changes nothing.  Dataset: --dataset, else $BQ_DATASET.
set -eu
usage() { echo "usage: bq-load.sh [--dry-run] [--dataset DATASET] DIR" >&2; exit 64; }
dry=
dataset=${BQ_DATASET:-}
while [ $# -gt 0 ]; do
	case $1 in
	--dry-run) dry=1 ;;
	--dataset) [ $# -ge 2 ] || usage; dataset=$2; shift ;;
	--dataset=*) dataset=${1#--dataset=} ;;
	-h|--help) echo "usage: bq-load.sh [--dry-run] [--dataset DATASET] DIR"; exit 0 ;;
	-*) usage ;;
	*) break ;;
	esac
	shift
done
[ $# -eq 1 ] || usage
dir=$1
[ -f "$dir/manifest.json" ] || { echo "bq-load.sh: $dir/manifest.json: no such file" >&2; exit 66; }
if ! command -v bq >/dev/null 2>&1; then
	[ -n "$dry" ] || echo "bq-load.sh: bq not found: printing the commands" >&2
	dry=1
fi
if [ -z "$dataset" ]; then
	[ -n "$dry" ] || { echo "bq-load.sh: no dataset: --dataset or BQ_DATASET" >&2; exit 78; }
	dataset=DATASET
fi
here=$(cd "$(dirname "$0")" && pwd)
ddl=${SALESINTEL_SCHEMA_DIR:-$here/../schema}/bigquery.sql
[ -f "$ddl" ] || { echo "bq-load.sh: $ddl: no such file" >&2; exit 66; }

# Quote a word for sh, for printed commands.
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# run CMD...: print it (dry run) or run it.
run() {
	if [ -n "$dry" ]; then
		for a in "$@"; do printf '%s ' "$(q "$a")"; done
		echo
	else
		"$@"
	fi
}

# The DDL of one table from bigquery.sql (CREATE TABLE IF NOT EXISTS).
table_ddl() {
	awk -v t="\`$1\`" '$0 ~ /^CREATE TABLE/ && index($0, t) { on = 1 }
		on { print } on && /;$/ { exit }' "$ddl"
}

work() {
	tables=$(sed -n 's/^{"table":"\([a-z_]*\)".*/\1/p' "$dir/manifest.json" | sort -u)
	for t in $tables; do
		run bq query --use_legacy_sql=false --dataset_id="$dataset" "$(table_ddl "$t")"
		mode=--replace
		sed -n "s/^{\"table\":\"$t\",\"file\":\"\\([^\"]*\\)\",\"rows\":[0-9]*,\"bytes\":\\([0-9]*\\)}\$/\\2 \\1/p" \
			"$dir/manifest.json" | while read -r bytes f; do
			[ "$bytes" -gt 0 ] || continue
			run bq load --source_format=NEWLINE_DELIMITED_JSON $mode \
				"$dataset.stg_$t" "$dir/$f" "$dir/schema/$t.json"
			mode=--noreplace
		done
		run bq query --use_legacy_sql=false --dataset_id="$dataset" \
			"$(cat "$dir/merge/$t.sql")"
	done
	[ -n "$dry" ] && return 0
	# Done: keep the files out of the next run.
	dest=$dir/loaded/$(date -u +%Y%m%dT%H%M%SZ)
	mkdir -p "$dest"
	sed -n 's/^{"table":"[a-z_]*","file":"\([^"]*\)".*/\1/p' "$dir/manifest.json" |
		while read -r f; do mv "$dir/$f" "$dest/"; done
	cp "$dir/manifest.json" "$dest/manifest.json"
	: >"$dir/manifest.json.tmp"
	mv "$dir/manifest.json.tmp" "$dir/manifest.json"
}

if [ -n "$dry" ]; then
	work
else
	# load --bq-dir holds the same lock while it writes.
	exec 9>>"$dir/.lock"
	flock 9
	work
fi
