/*
 * schema.h: the one description of every warehouse table.
 *
 * Everything else is derived from the tables defined in schema.c: the SQLite
 * DDL load runs, schema/sqlite.sql, schema/bigquery.sql and
 * schema/bigquery/<table>.json (written by build-aux/schema-gen.c, run by
 * `make`), and the JSON Schemas of Singer SCHEMA messages.
 *
 * Column order: the columns of the old warehouse (shared/seed-schema.md) in
 * their order, then the columns this suite added, then the metadata columns
 * ingested_at (set by load), _sdc_extracted_at and _sdc_deleted_at, which
 * every table has.  New columns are only ever appended, so an old database
 * gains them with ALTER TABLE ADD COLUMN.
 *
 * All the data is static and constant: nothing here is allocated, pointers
 * live for the whole program.
 */
#ifndef SI_SCHEMA_H
#define SI_SCHEMA_H

#include <stddef.h>

#include "buf.h"

enum col_type {
	COL_STRING,             /* BigQuery STRING, SQLite TEXT */
	COL_INTEGER,            /* INTEGER (INT64), SQLite INTEGER, kept exact */
	COL_FLOAT,              /* FLOAT64, SQLite REAL */
	COL_BOOLEAN,            /* BOOLEAN, SQLite INTEGER 0/1 */
	COL_TIMESTAMP,          /* TIMESTAMP, SQLite TEXT YYYY-MM-DDTHH:MM:SS.sssZ */
	COL_DATE,               /* DATE, SQLite TEXT YYYY-MM-DD */
	COL_STRING_ARRAY,       /* ARRAY<STRING>, SQLite TEXT holding a JSON array */
	COL_FLOAT_ARRAY,        /* ARRAY<FLOAT64>, SQLite TEXT holding a JSON array */
	COL_JSON                /* JSON, SQLite TEXT holding any JSON value */
};

enum col_flag {
	COL_REQUIRED = 1,       /* NOT NULL (every primary key column has it) */
	COL_EMAIL = 2,          /* holds one email address */
	COL_EMAIL_LIST = 4,     /* holds several addresses: an array, or "a@x; b@y" */
	COL_PHONE = 8,          /* holds one phone number */
	COL_EPOCH_MS = 16,      /* TIMESTAMP the source may send as epoch milliseconds */
	COL_COUNTRY = 32        /* the country of the row's phone numbers (a name
	                           or ISO code): their default region */
};

struct schema_column {
	const char *name;
	enum col_type type;
	unsigned flags;
};

struct schema_table {
	const char *name;
	const struct schema_column *cols;
	size_t ncols;
	const char *const *pk;          /* primary key column names, in order */
	size_t npk;
	const char *partition_col;      /* BigQuery partitioning column, or NULL */
	const char *const *cluster;     /* BigQuery clustering columns (<= 4) */
	size_t ncluster;
};

/* The tables, in a fixed order (the order of the generated files). */
size_t schema_table_count(void);
const struct schema_table *schema_table_at(size_t i);
/* The i of schema_table_at(i) == t; schema_table_count() when t is not
 * one of the schema's tables. */
size_t schema_table_index(const struct schema_table *t);
/* NULL when name is not a table of the schema. */
const struct schema_table *schema_table_find(const char *name);
/* Same, for a name that is not NUL-terminated. */
const struct schema_table *schema_table_findn(const char *name, size_t n);
/* NULL when the table has no such column. */
const struct schema_column *schema_column_find(const struct schema_table *t,
	const char *name);
/* Index of the column in t->cols, or -1. */
int schema_column_index(const struct schema_table *t, const char *name);
int schema_column_indexn(const struct schema_table *t, const char *name,
	size_t n);
/* 1 when the column is part of the primary key. */
int schema_column_is_pk(const struct schema_table *t,
	const struct schema_column *c);

/* Type names: "TIMESTAMP", "ARRAY<STRING>", ...; SQLite: "TEXT", "REAL", ... */
const char *schema_type_bigquery(enum col_type type);
const char *schema_type_sqlite(enum col_type type);

/*
 * JSON Schema of a table for Singer SCHEMA messages (appended to out):
 * {"type":"object","properties":{...},"required":[...]}.  Nullable columns
 * accept null; timestamps are strings with format date-time (and integers
 * when the column has COL_EPOCH_MS); arrays are arrays of strings/numbers.
 */
void schema_json_schema(struct buf *out, const struct schema_table *t);

/*
 * SQLite DDL of a table: CREATE TABLE IF NOT EXISTS with NOT NULL and the
 * primary key, then CREATE INDEX IF NOT EXISTS on the clustering columns
 * (index name "<table>__cluster").  Statements end with ";\n".
 */
void schema_sqlite_ddl(struct buf *out, const struct schema_table *t);
/* The CREATE INDEX statement alone (empty when the table has no clustering). */
void schema_sqlite_index_ddl(struct buf *out, const struct schema_table *t);
/*
 * BigQuery DDL: CREATE TABLE IF NOT EXISTS `table` (...) with NOT NULL,
 * PRIMARY KEY (...) NOT ENFORCED, PARTITION BY and CLUSTER BY.  Table names
 * are unqualified: run it with `bq query --dataset_id=DATASET`.
 * With prefix non-NULL the table is named prefix+name (staging tables).
 */
void schema_bigquery_ddl(struct buf *out, const struct schema_table *t,
	const char *prefix);
/* The BigQuery JSON schema of `bq load --schema=FILE` (a JSON array, newline at end). */
void schema_bigquery_json(struct buf *out, const struct schema_table *t);

#endif
