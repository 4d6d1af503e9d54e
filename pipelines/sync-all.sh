#!/bin/sh
# Every source, Salesforce first (the others resolve against it), then the
# re-resolution of stored rows: sync-all.sh [--full]
# Each source runs even when another failed; the exit code is the first failure's.
usage="sync-all.sh [--full]"
full=
case ${1:-} in
'') ;;
--full) full=--full ;;
-h | --help) echo "usage: $usage"; exit 0 ;;
*) echo "usage: $usage" >&2; exit 64 ;;
esac
dir=$(dirname "$0")
status=0
for s in salesforce gmail dialpad hubspot; do
	sh "$dir/sync-$s.sh" $full
	rc=$?
	[ "$rc" -ne 0 ] && [ "$status" -eq 0 ] && status=$rc
done
sh "$dir/resolve.sh"
rc=$?
[ "$rc" -ne 0 ] && [ "$status" -eq 0 ] && status=$rc
exit "$status"
