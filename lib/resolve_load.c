/*
 * resolve_load.c: reference data for the resolve index, from SQLite or JSONL.
 */
#include "resolve_load.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "json.h"
#include "store.h"

#include "banned.h"

/* The columns each kind reads, in this order, from a row or an object. */
enum {
	F_ID, F_ACCOUNT, F_EMAIL, F_PHONE, F_MOBILE, F_CONVERTED, F_CONV_CONTACT,
	F_CONV_ACCOUNT, F_WEBSITE, F_DOMAIN, F_ACTIVE, F_LEAD, F_MODIFIED,
	F_MODSTAMP, F_DELETED, NF
};

struct kind_desc {
	const char *table;
	const char *col[NF];    /* NULL: the kind has no such field */
};

static const struct kind_desc kinds[] = {
	[RESOLVE_CONTACTS] = { "sf_contacts", {
		[F_ID] = "contact_id", [F_ACCOUNT] = "account_id",
		[F_EMAIL] = "email", [F_PHONE] = "phone",
		[F_MOBILE] = "mobile_phone",
		[F_MODIFIED] = "last_modified_date",
		[F_MODSTAMP] = "system_modstamp",
		[F_DELETED] = "_sdc_deleted_at" } },
	[RESOLVE_LEADS] = { "sf_leads", {
		[F_ID] = "lead_id", [F_EMAIL] = "email", [F_PHONE] = "phone",
		[F_MOBILE] = "mobile_phone", [F_CONVERTED] = "is_converted",
		[F_CONV_CONTACT] = "converted_contact_id",
		[F_CONV_ACCOUNT] = "converted_account_id",
		[F_MODIFIED] = "last_modified_date",
		[F_MODSTAMP] = "system_modstamp",
		[F_DELETED] = "_sdc_deleted_at" } },
	[RESOLVE_ACCOUNTS] = { "sf_accounts", {
		[F_ID] = "account_id", [F_WEBSITE] = "website",
		[F_DOMAIN] = "domain", [F_PHONE] = "phone",
		[F_MODIFIED] = "last_modified_date",
		[F_MODSTAMP] = "system_modstamp",
		[F_DELETED] = "_sdc_deleted_at" } },
	[RESOLVE_MAPPINGS] = { "manual_mappings", {
		[F_ID] = "mapping_id", [F_EMAIL] = "email_address",
		[F_PHONE] = "phone_number", [F_ACCOUNT] = "sf_account_id",
		[F_CONV_CONTACT] = "sf_contact_id", [F_LEAD] = "sf_lead_id",
		[F_ACTIVE] = "is_active", [F_MODIFIED] = "created_at",
		[F_DELETED] = "_sdc_deleted_at" } },
};

/* A boolean in any of the spellings the warehouse or a source may use. */
static int
truthy(const char *s)
{
	if (s == NULL)
		return 0;
	return strcmp(s, "1") == 0 || strcasecmp(s, "true") == 0 ||
		strcasecmp(s, "t") == 0 || strcasecmp(s, "yes") == 0;
}

/* Add one record given its fields (NULL: absent); 0 added, 1 skipped. */
static int
add_fields(struct resolve_index *ix, enum resolve_kind kind,
	const char *const f[NF])
{
	const char *mod = f[F_MODIFIED] && *f[F_MODIFIED] ? f[F_MODIFIED] :
		f[F_MODSTAMP];

	if (f[F_DELETED] != NULL && *f[F_DELETED] != '\0')
		return 1;
	switch (kind) {
	case RESOLVE_CONTACTS: {
		struct resolve_contact c = { f[F_ID], f[F_ACCOUNT], f[F_EMAIL],
			f[F_PHONE], f[F_MOBILE], mod };

		return resolve_index_add_contact(ix, &c);
	}
	case RESOLVE_LEADS: {
		struct resolve_lead l = { f[F_ID], f[F_EMAIL], f[F_PHONE],
			f[F_MOBILE], truthy(f[F_CONVERTED]), f[F_CONV_CONTACT],
			f[F_CONV_ACCOUNT], mod };

		return resolve_index_add_lead(ix, &l);
	}
	case RESOLVE_ACCOUNTS: {
		struct resolve_account a = { f[F_ID], f[F_WEBSITE],
			f[F_DOMAIN], f[F_PHONE], mod };

		return resolve_index_add_account(ix, &a);
	}
	case RESOLVE_MAPPINGS: {
		/* an absent is_active means active (the old system's default) */
		struct resolve_mapping m = { f[F_ID], f[F_EMAIL], f[F_PHONE],
			f[F_CONV_CONTACT], f[F_ACCOUNT], f[F_LEAD],
			f[F_ACTIVE] == NULL || truthy(f[F_ACTIVE]), mod };

		return resolve_index_add_mapping(ix, &m);
	}
	}
	return 1;
}

/* ---- SQLite ---- */

static int
table_exists(sqlite3 *db, const char *table, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE "
	    "type IN ('table','view') AND name = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return -err_set(e, EX_DATAERR, "%s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -err_set(e, EX_DATAERR, "%s", sqlite3_errmsg(db));
	return rc == SQLITE_ROW;
}

static int
load_table(struct resolve_index *ix, sqlite3 *db, enum resolve_kind kind,
	struct err *e)
{
	const struct kind_desc *k = &kinds[kind];
	struct buf sql = BUF_INIT;
	sqlite3_stmt *st;
	int colidx[NF], i, n, rc;

	rc = table_exists(db, k->table, e);
	if (rc <= 0)
		return rc < 0 ? e->code : 0;
	buf_printf(&sql, "SELECT * FROM \"%s\"", k->table);
	rc = sqlite3_prepare_v2(db, sql.data, -1, &st, NULL);
	buf_release(&sql);
	if (rc != SQLITE_OK)
		return err_set(e, EX_DATAERR, "%s: %s", k->table,
			sqlite3_errmsg(db));
	for (i = 0; i < NF; i++)
		colidx[i] = -1;
	n = sqlite3_column_count(st);
	for (i = 0; i < n; i++) {
		const char *name = sqlite3_column_name(st, i);
		int f;

		for (f = 0; f < NF; f++)
			if (k->col[f] != NULL && strcmp(k->col[f], name) == 0)
				colidx[f] = i;
	}
	if (colidx[F_ID] < 0) {
		sqlite3_finalize(st);
		return err_set(e, EX_DATAERR, "%s: no column %s", k->table,
			k->col[F_ID]);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *f[NF];

		for (i = 0; i < NF; i++)
			f[i] = colidx[i] < 0 ? NULL :
				(const char *)sqlite3_column_text(st,
					colidx[i]);
		add_fields(ix, kind, f);
	}
	if (rc != SQLITE_DONE) {
		err_set(e, EX_DATAERR, "%s: %s", k->table, sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return e->code;
	}
	sqlite3_finalize(st);
	return 0;
}

int
resolve_load_db(struct resolve_index *ix, const char *path, struct err *e)
{
	sqlite3 *db;
	int rc, kind;

	if ((rc = store_open_reader(path, &db, e)) != 0)
		return rc;
	/* one read transaction: the four tables from one snapshot */
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (kind = RESOLVE_CONTACTS; kind <= RESOLVE_MAPPINGS; kind++) {
		rc = load_table(ix, db, (enum resolve_kind)kind, e);
		if (rc != 0) {
			err_prefix(e, "%s", path);
			break;
		}
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

/* ---- JSONL ---- */

/* The text of a string or number member; NULL otherwise. */
static const char *
value_text(const struct json *v)
{
	switch (v->type) {
	case JSON_STRING:
	case JSON_NUMBER:
		return v->s;
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	default:
		return NULL;
	}
}

/*
 * The fields of kind in rec, in one pass over its members: the first
 * member of each name counts (as json_get finds it), whatever its value.
 */
static void
get_fields(const struct json *rec, enum resolve_kind kind,
	const char *fields[NF])
{
	const struct kind_desc *k = &kinds[kind];
	const struct json *v;
	unsigned seen = 0;
	int i;

	for (i = 0; i < NF; i++)
		fields[i] = NULL;
	for (v = rec->child; v != NULL; v = v->next) {
		for (i = 0; i < NF; i++) {
			const char *c = k->col[i];

			/* the first byte first: most names differ there */
			if (c == NULL || c[0] != v->key[0] ||
			    (seen & (1u << i)) || strlen(c) != v->key_n ||
			    memcmp(c, v->key, v->key_n) != 0)
				continue;
			seen |= 1u << i;
			fields[i] = value_text(v);
			break;
		}
	}
}

/* One line of a JSONL file (without its newline); 0 or EX_DATAERR. */
static int
load_line(struct resolve_index *ix, enum resolve_kind kind,
	struct json_doc *doc, const char *line, size_t n, const char *path,
	unsigned long lineno, size_t *added, struct err *e)
{
	struct json *root, *rec;
	const char *fields[NF], *type;

	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (n == 0)
		return 0;
	root = json_parse(doc, line, n, e);
	if (root == NULL) {
		err_prefix(e, "%s:%lu", path, lineno);
		return EX_DATAERR;
	}
	if (root->type != JSON_OBJECT)
		return err_set(e, EX_DATAERR, "%s:%lu: not a JSON object",
			path, lineno);
	rec = root;
	type = json_get_str(root, "type");
	if (type != NULL) {
		if (strcmp(type, "RECORD") != 0)
			return 0;
		rec = json_get(root, "record");
		if (rec == NULL || rec->type != JSON_OBJECT)
			return err_set(e, EX_DATAERR,
				"%s:%lu: RECORD without a record", path,
				lineno);
	}
	get_fields(rec, kind, fields);
	if (add_fields(ix, kind, fields) == 0)
		(*added)++;
	return 0;
}

/*
 * A regular file is mapped and read in place, without copying it.  Returns
 * -1 when the file cannot be mapped (the caller reads it line by line).
 */
static int
load_mapped(struct resolve_index *ix, enum resolve_kind kind, FILE *f,
	const char *path, size_t *added, struct err *e)
{
	struct stat sb;
	struct json_doc doc;
	const char *text, *p, *end, *nl;
	unsigned long lineno = 0;
	int rc = 0;

	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size <= 0 || (uintmax_t)sb.st_size > SIZE_MAX)
		return -1;
	text = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE,
		fileno(f), 0);
	if (text == MAP_FAILED)
		return -1;
	end = text + sb.st_size;
#ifdef MADV_SEQUENTIAL
	madvise((void *)(uintptr_t)text, (size_t)sb.st_size, MADV_SEQUENTIAL);
#endif
	json_doc_init(&doc);
	for (p = text; rc == 0 && p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		rc = load_line(ix, kind, &doc, p, (size_t)(nl - p), path,
			++lineno, added, e);
	}
	json_doc_release(&doc);
	munmap((void *)(uintptr_t)text, (size_t)sb.st_size);
	return rc;
}

int
resolve_load_jsonl(struct resolve_index *ix, enum resolve_kind kind,
	const char *path, size_t *count, struct err *e)
{
	FILE *f;
	struct json_doc doc;
	char *line = NULL;
	size_t cap = 0, added = 0;
	unsigned long lineno = 0;
	ssize_t n;
	int rc;

	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (f == NULL)
		return err_set(e, errno == ENOENT ? EX_NOINPUT : EX_IOERR,
			"%s: %s", path, strerror(errno));
	rc = load_mapped(ix, kind, f, path, &added, e);
	if (rc < 0) {
		rc = 0;
		json_doc_init(&doc);
		while (rc == 0 && (n = getline(&line, &cap, f)) >= 0)
			rc = load_line(ix, kind, &doc, line, (size_t)n, path,
				++lineno, &added, e);
		if (rc == 0 && ferror(f))
			rc = err_set(e, EX_IOERR, "%s: read error", path);
		free(line);
		json_doc_release(&doc);
	}
	if (f != stdin)
		fclose(f);
	if (count != NULL)
		*count = added;
	return rc;
}
