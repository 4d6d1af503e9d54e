/*
 * regionmap.c: account id -> phone region (see regionmap.h).  Open
 * addressing with linear probing over slots that point at copied keys.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "country.h"
#include "hash.h"
#include "phone.h"
#include "regionmap.h"
#include "store.h"
#include "buf.h"

#include "banned.h"

struct rslot {
	char *id;               /* NULL: empty */
	size_t n;
	uint64_t hash;
	const char *region;
};

struct regionmap {
	struct rslot *slots;
	size_t mask;            /* slots - 1, a power of two minus one */
	size_t used;
	size_t with_region;
};


struct regionmap *
regionmap_new(void)
{
	struct regionmap *m = xcalloc(1, sizeof(*m));

	m->mask = 63;
	m->slots = xcalloc(m->mask + 1, sizeof(*m->slots));
	return m;
}

void
regionmap_free(struct regionmap *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i <= m->mask; i++)
		free(m->slots[i].id);
	free(m->slots);
	free(m);
}

static struct rslot *
find(const struct regionmap *m, const char *id, size_t n, uint64_t h)
{
	size_t i = (size_t)h & m->mask;

	for (;; i = (i + 1) & m->mask) {
		struct rslot *s = &m->slots[i];

		if (s->id == NULL || (s->hash == h && s->n == n &&
		    memcmp(s->id, id, n) == 0))
			return s;
	}
}

static void
grow(struct regionmap *m)
{
	struct rslot *old = m->slots;
	size_t i, oldn = m->mask + 1;

	m->mask = oldn * 2 - 1;
	m->slots = xcalloc(m->mask + 1, sizeof(*m->slots));
	for (i = 0; i < oldn; i++)
		if (old[i].id != NULL)
			*find(m, old[i].id, old[i].n, old[i].hash) = old[i];
	free(old);
}

int
regionmap_set(struct regionmap *m, const char *id, size_t n,
    const char *region)
{
	uint64_t h;
	struct rslot *s;

	if (n == 0)
		return -1;
	if ((m->used + 1) * 4 > (m->mask + 1) * 3)
		grow(m);
	h = hash_fnv1a(id, n);
	s = find(m, id, n, h);
	if (s->id == NULL) {
		s->id = xmalloc(n);
		memcpy(s->id, id, n);
		s->n = n;
		s->hash = h;
		s->region = NULL;
		m->used++;
	}
	m->with_region += (region != NULL) - (s->region != NULL);
	s->region = region;
	return 0;
}

const char *
regionmap_get(const struct regionmap *m, const char *id, size_t n)
{
	if (n == 0 || m->used == 0)
		return NULL;
	return find(m, id, n, hash_fnv1a(id, n))->region;
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
