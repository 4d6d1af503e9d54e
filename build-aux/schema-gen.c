/*
 * schema-gen: write the files derived from lib/schema.c.
 *
 *   schema-gen DIR   writes DIR/sqlite.sql, DIR/bigquery.sql and
 *                    DIR/bigquery/<table>.json
 *
 * A file whose content is already right is left alone (its time stamp too).
 * Run by `make` (mk/schema.mk); the outputs are committed, and
 * tests/integration/schema-stale.sh fails when they differ from what this
 * program writes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "schema.h"
#include "banned.h"

static int
same_content(const char *path, const struct buf *b)
{
	FILE *f = fopen(path, "rb");
	struct buf old = BUF_INIT;
	char chunk[8192];
	size_t n;
	int same;

	if (!f)
		return 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&old, chunk, n);
	fclose(f);
	same = old.len == b->len && memcmp(old.data ? old.data : "",
		b->data ? b->data : "", b->len) == 0;
	buf_release(&old);
	return same;
}

static int
write_file(const char *path, const struct buf *b)
{
	struct buf tmp = BUF_INIT;
	FILE *f;
	int rc = 0;

	if (same_content(path, b))
		return 0;
	buf_printf(&tmp, "%s.tmp", path);
	f = fopen(buf_cstr(&tmp), "wb");
	if (!f || fwrite(buf_cstr(b), 1, b->len, f) != b->len ||
	    fclose(f) != 0 || rename(buf_cstr(&tmp), path) != 0) {
		fprintf(stderr, "schema-gen: %s: %s\n", path, strerror(errno));
		rc = 1;
	}
	buf_release(&tmp);
	return rc;
}

int
main(int argc, char **argv)
{
	struct buf path = BUF_INIT, out = BUF_INIT;
	const char *dir;
	size_t i;
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: schema-gen DIR\n");
		return 64;
	}
	dir = argv[1];
	buf_printf(&path, "%s/bigquery", dir);
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		rc = 1;
	if (mkdir(buf_cstr(&path), 0777) != 0 && errno != EEXIST)
		rc = 1;
	if (rc) {
		fprintf(stderr, "schema-gen: %s: %s\n", buf_cstr(&path),
			strerror(errno));
		return 74;
	}

	buf_addstr(&out, "-- SQLite schema of the salesintel warehouse.\n"
		"-- Generated from lib/schema.c by build-aux/schema-gen: "
		"do not edit.\n"
		"-- load(1) creates these tables itself; this file is for "
		"reading and for other tools.\n");
	for (i = 0; i < schema_table_count(); i++) {
		buf_addch(&out, '\n');
		schema_sqlite_ddl(&out, schema_table_at(i));
	}
	buf_reset(&path);
	buf_printf(&path, "%s/sqlite.sql", dir);
	rc |= write_file(buf_cstr(&path), &out);

	buf_reset(&out);
	buf_addstr(&out, "-- BigQuery schema of the salesintel warehouse.\n"
		"-- Generated from lib/schema.c by build-aux/schema-gen: "
		"do not edit.\n"
		"-- Table names are unqualified: "
		"bq query --use_legacy_sql=false --dataset_id=DATASET < bigquery.sql\n");
	for (i = 0; i < schema_table_count(); i++) {
		buf_addch(&out, '\n');
		schema_bigquery_ddl(&out, schema_table_at(i), NULL);
	}
	buf_reset(&path);
	buf_printf(&path, "%s/bigquery.sql", dir);
	rc |= write_file(buf_cstr(&path), &out);

	for (i = 0; i < schema_table_count(); i++) {
		const struct schema_table *t = schema_table_at(i);

		buf_reset(&out);
		schema_bigquery_json(&out, t);
		buf_reset(&path);
		buf_printf(&path, "%s/bigquery/%s.json", dir, t->name);
		rc |= write_file(buf_cstr(&path), &out);
	}
	buf_release(&out);
	buf_release(&path);
	return rc ? 74 : 0;
}
