#!/bin/sh
# The committed schema/ files are exactly what build-aux/schema-gen writes
# from lib/schema.c (regenerate with `make` and commit them).
set -eu
gen=$SI_BUILD/build-aux/schema-gen
mkdir "$TMPDIR/s"
"$gen" "$TMPDIR/s"
for f in sqlite.sql bigquery.sql; do
	cmp "$TMPDIR/s/$f" "$SI_ROOT/schema/$f" || {
		echo "schema/$f is stale: run make and commit it"; exit 1; }
done
diff -r "$TMPDIR/s/bigquery" "$SI_ROOT/schema/bigquery" >"$TMPDIR/d" || {
	echo "schema/bigquery/ is stale: run make and commit it"
	head -n 20 "$TMPDIR/d"; exit 1; }
# make rewrites schema/ in place: in a git checkout, what it wrote must be
# what is committed.
if git -C "$SI_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	st=$(git -C "$SI_ROOT" status --porcelain -- schema/sqlite.sql \
		schema/bigquery.sql schema/bigquery)
	if [ -n "$st" ]; then
		echo "generated schema files not committed:"
		echo "$st"
		exit 1
	fi
fi
echo ok
