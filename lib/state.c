/*
 * state.c: starting bookmarks from a Singer state file or from sync_state
 * (see state.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "state.h"
#include "banned.h"

/* State files are small; refuse anything absurd rather than eat memory. */
#define STATE_FILE_MAX ((size_t)64 << 20)

static struct json *
empty_state(struct json_doc *doc)
{
	struct json *st = json_new_object(doc);

	json_object_set(doc, st, "bookmarks", json_new_object(doc));
	return st;
}

void
state_key(struct buf *out, const char *stream, const char *account)
{
	buf_addstr(out, stream);
	if (account && *account) {
		buf_addch(out, ':');
		buf_addstr(out, account);
	}
}

struct json *
state_bookmark(const struct json *state, const char *key)
{
	return json_get(json_get(state, "bookmarks"), key);
}

void
state_merge(struct json_doc *doc, struct json *dst, const struct json *src)
{
	struct json *db = json_get(dst, "bookmarks");
	const struct json *sb = json_get(src, "bookmarks");
	const struct json *m;

	if (!db || db->type != JSON_OBJECT)
		db = json_object_set(doc, dst, "bookmarks", json_new_object(doc));
	if (!sb || sb->type != JSON_OBJECT)
		return;
	for (m = sb->child; m; m = m->next)
		json_object_set_n(doc, db, m->key, m->key_n, json_copy(doc, m));
}

/* The state object inside one parsed line: itself, or a STATE's value. */
static const struct json *
state_of(const struct json *v)
{
	const char *type;

	if (!v || v->type != JSON_OBJECT)
		return NULL;
	type = json_get_str(v, "type");
	if (type) {
		if (strcmp(type, "STATE") != 0)
			return NULL;
		v = json_get(v, "value");
		if (!v || v->type != JSON_OBJECT)
			return NULL;
	}
	return v;
}

static int
read_all(const char *path, struct buf *out, int *missing, struct err *e)
{
	FILE *f;
	char chunk[65536];
	size_t n;

	*missing = 0;
	f = fopen(path, "rb");
	if (!f) {
		if (errno == ENOENT) {
			*missing = 1;
			return 0;
		}
		return err_set(e, EX_IOERR, "%s: %s", path, strerror(errno));
	}
	buf_init(out, STATE_FILE_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
	if (ferror(f)) {
		fclose(f);
		return err_set(e, EX_IOERR, "%s: %s", path, strerror(errno));
	}
	fclose(f);
	if (buf_failed(out))
		return err_set(e, EX_DATAERR, "%s: state file larger than %zu bytes",
			path, STATE_FILE_MAX);
	return 0;
}

int
state_read_file(const char *path, struct json_doc *doc, struct json **state,
	struct err *e)
{
	struct buf text = BUF_INIT;
	struct json_doc line;
	struct json *st;
	const char *p, *end, *nl;
	unsigned long lineno = 0;
	int missing, rc;

	*state = NULL;
	if ((rc = read_all(path, &text, &missing, e)) != 0)
		return rc;
	json_doc_reset(doc);
	st = empty_state(doc);
	if (missing) {
		*state = st;
		return 0;
	}
	json_doc_init(&line);
	p = text.data ? text.data : "";
	end = p + text.len;
	for (; p < end; p = nl + 1) {
		const struct json *v, *s;
		const char *q;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		lineno++;
		for (q = p; q < nl && (*q == ' ' || *q == '\t' || *q == '\r'); q++)
			;
		if (q == nl)
			continue;
		v = json_parse(&line, p, (size_t)(nl - p), e);
		if (!v) {
			/* Maybe one pretty-printed object spread over lines. */
			if (lineno == 1 && (v = json_parse(&line, text.data,
			    text.len, e)) != NULL) {
				err_release(e);
				nl = end;
			} else {
				rc = err_prefix(e, "%s:%lu", path, lineno);
				goto out;
			}
		}
		s = state_of(v);
		if (!s) {
			rc = err_set(e, EX_DATAERR, "%s:%lu: not a state object "
				"or STATE message", path, lineno);
			goto out;
		}
		state_merge(doc, st, s);
	}
	*state = st;
	rc = 0;
out:
	json_doc_release(&line);
	buf_release(&text);
	return rc;
}

int
state_read_db(const char *path, struct json_doc *doc, struct json **state,
	struct err *e)
{
	struct stat sb;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	struct json_doc one;
	struct json *res, *bm;
	int rc;

	*state = NULL;
	json_doc_reset(doc);
	res = empty_state(doc);
	if (stat(path, &sb) != 0 && errno == ENOENT) {
		*state = res;
		return 0;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		rc = err_set(e, EX_IOERR, "%s: %s", path,
			db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return rc;
	}
	sqlite3_busy_timeout(db, 10000);
	rc = sqlite3_prepare_v2(db, "SELECT stream, value FROM sync_state "
		"WHERE _sdc_deleted_at IS NULL ORDER BY stream", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		if (strstr(sqlite3_errmsg(db), "no such table")) {
			sqlite3_close(db);
			*state = res;
			return 0;
		}
		rc = err_set(e, rc == SQLITE_NOTADB ? EX_DATAERR : EX_IOERR,
			"%s: %s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return rc;
	}
	json_doc_init(&one);
	bm = json_get(res, "bookmarks");
	rc = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *v = (const char *)sqlite3_column_text(st, 1);
		int vn = sqlite3_column_bytes(st, 1);
		struct json *val;

		if (!k)
			continue;
		if (!v) {
			json_object_set(doc, bm, k, json_new_null(doc));
			continue;
		}
		val = json_parse(&one, v, (size_t)vn, e);
		if (!val) {
			rc = err_prefix(e, "%s: sync_state row %s", path, k);
			goto out;
		}
		json_object_set(doc, bm, k, json_copy(doc, val));
	}
	if (rc != SQLITE_DONE) {
		rc = err_set(e, EX_IOERR, "%s: %s", path, sqlite3_errmsg(db));
		goto out;
	}
	rc = 0;
	*state = res;
out:
	json_doc_release(&one);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}
