#!/bin/sh
# Re-run normalize, resolve and load over archived pull output, in time order,
# then re-resolve: replay.sh [--db FILE] ARCHIVE-FILE...
# Backfills, a changed normalizer, a new database.  Replaying every archive
# into an empty database gives the rows the live runs gave.
si_usage="replay.sh [--db FILE] FILE..."
# shellcheck source=pipelines/lib.sh
. "$(dirname "$0")/lib.sh"
si_dbover=
case ${1:-} in
--db) [ $# -ge 2 ] || si_die 64 "usage: $si_usage"; si_dbover=$2; shift 2 ;;
-h | --help) echo "usage: $si_usage"; exit 0 ;;
-*) si_die 64 "usage: $si_usage" ;;
esac
[ $# -gt 0 ] || si_die 64 "usage: $si_usage"
si_config_load
[ -n "$si_dbover" ] && cfg_database=$si_dbover cfg_bq_dir=
si_begin replay replay
# Archive names are UTC timestamps: sorting the base names is time order.
for f in "$@"; do
	[ -r "$f" ] || si_die 66 "cannot read $f"
	printf '%s\t%s\n' "$(basename "$f")" "$f"
done | sort | cut -f 2- >"$si_spool/files"
while IFS= read -r f; do
	case $f in
	*.gz) gzip -dc <"$f" >"$si_spool/raw.jsonl" || si_fail 65 "gunzip $f" ;;
	*) cp "$f" "$si_spool/raw.jsonl" || si_fail 66 "read $f" ;;
	esac
	si_log "replaying $f"
	si_process "$si_spool/raw.jsonl"
done <"$si_spool/files"
[ -n "${cfg_database:-}" ] && si_reresolve ""
si_end
