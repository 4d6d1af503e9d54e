/*
 * regionmap.c: account id -> phone region (see regionmap.h), over a
 * strtab.
 */
#include "regionmap.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "country.h"
#include "phone.h"
#include "store.h"
#include "strtab.h"

#include "banned.h"

struct regionmap {
	struct strtab t;        /* account id -> region code, or no value */
	size_t with_region;
};

struct regionmap *
regionmap_new(void)
{
	return xcalloc(1, sizeof(struct regionmap));
}

void
regionmap_free(struct regionmap *m)
{
	if (m == NULL)
		return;
	strtab_release(&m->t);
	free(m);
}

int
regionmap_set(struct regionmap *m, const char *id, size_t n,
    const char *region)
{
	int had;

	if (n == 0)
		return -1;
	strtab_set(&m->t, id, n, region, &had);
	m->with_region += (region != NULL) - had;
	return 0;
}

const char *
regionmap_get(const struct regionmap *m, const char *id, size_t n)
{
	const char *v;

	strtab_get(&m->t, id, n, &v);
	return v;
}

size_t
regionmap_count(const struct regionmap *m)
{
	return m->with_region;
}

const char *
regionmap_region_of(const char *country, size_t n)
{
	const char *cc = country != NULL ? country_region(country, n) : NULL;

	return cc != NULL && phone_country_code_for_region(cc) != 0 ? cc :
		NULL;
}

int
regionmap_load_db(struct regionmap *m, const char *path, struct err *e)
{
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = store_open_reader(path, &db, e)) != 0)
		return rc;
	rc = sqlite3_prepare_v2(db, "SELECT account_id, billing_country "
		"FROM sf_accounts WHERE billing_country IS NOT NULL", -1, &st,
		NULL);
	if (rc == SQLITE_ERROR) {
		/* no such table or column: a warehouse from before them */
		sqlite3_close(db);
		return 0;
	}
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		size_t idn = (size_t)sqlite3_column_bytes(st, 0);
		const char *c = (const char *)sqlite3_column_text(st, 1);
		size_t cn = (size_t)sqlite3_column_bytes(st, 1);
		const char *cc = regionmap_region_of(c, cn);

		if (id != NULL && cc != NULL)
			regionmap_set(m, id, idn, cc);
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE)
		err_set(e, EX_IOERR, "%s: sf_accounts: %s", path,
			sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc == SQLITE_DONE ? 0 : e->code;
}
