/*
 * freemail.c: a hash set of domains (open addressing, linear probing).
 * Strings live in one arena; the table holds offsets + 1 (0 = empty).
 * Removal marks a slot as a tombstone, which keeps probe chains intact.
 */
#include "freemail.h"
#include "hash.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "email.h"
#include "banned.h"

static const char *const builtin[] = {
#include "freemail-data.h"
};

#define TOMB ((size_t)-1)

struct freemail {
	size_t *slot;           /* arena offset + 1; 0 empty; TOMB removed */
	size_t cap;             /* a power of two */
	size_t used;            /* live + tombstones */
	size_t live;
	struct buf arena;       /* NUL-separated domains */
};


/* The slot holding s, or the first free one on its chain. */
static size_t *
find(const struct freemail *fm, const char *s, size_t n, int for_insert)
{
	size_t i = (size_t)hash_fnv1a(s, n) & (fm->cap - 1), *tomb = NULL;

	for (;; i = (i + 1) & (fm->cap - 1)) {
		size_t v = fm->slot[i];

		if (v == 0)
			return (for_insert && tomb) ? tomb : &fm->slot[i];
		if (v == TOMB) {
			if (!tomb)
				tomb = &fm->slot[i];
			continue;
		}
		if (strncmp(fm->arena.data + v - 1, s, n) == 0 &&
		    fm->arena.data[v - 1 + n] == '\0')
			return &fm->slot[i];
	}
}

static void
rehash(struct freemail *fm, size_t cap)
{
	size_t *old = fm->slot, oldcap = fm->cap, i;

	fm->slot = xcalloc(cap, sizeof(*fm->slot));
	fm->cap = cap;
	fm->used = fm->live;
	for (i = 0; i < oldcap; i++) {
		size_t v = old[i];
		const char *s;

		if (v == 0 || v == TOMB)
			continue;
		s = fm->arena.data + v - 1;
		*find(fm, s, strlen(s), 1) = v;
	}
	free(old);
}

struct freemail *
freemail_new(void)
{
	struct freemail *fm = xcalloc(1, sizeof(*fm));

	fm->cap = 1024;
	fm->slot = xcalloc(fm->cap, sizeof(*fm->slot));
	return fm;
}

struct freemail *
freemail_new_default(void)
{
	struct freemail *fm = freemail_new();
	size_t i, n = sizeof(builtin) / sizeof(builtin[0]);

	rehash(fm, 32768 > 2 * n ? 32768 : 4 * n);
	for (i = 0; i < n; i++)
		freemail_add(fm, builtin[i], strlen(builtin[i]));
	return fm;
}

void
freemail_free(struct freemail *fm)
{
	if (!fm)
		return;
	free(fm->slot);
	buf_release(&fm->arena);
	free(fm);
}

/* The canonical form of domain into b; -1 when it is not one. */
static int
canon(struct buf *b, const char *domain, size_t n)
{
	buf_reset(b);
	return email_domain_canon(b, domain, n, NULL) == EMAIL_OK ? 0 : -1;
}

int
freemail_add(struct freemail *fm, const char *domain, size_t n)
{
	struct buf b = BUF_INIT;
	size_t *sl;
	int rc = -1;

	if (canon(&b, domain, n) == 0) {
		rc = 0;
		sl = find(fm, b.data, b.len, 1);
		if (*sl == 0 || *sl == TOMB) {
			if (*sl == 0)
				fm->used++;
			*sl = fm->arena.len + 1;
			buf_add(&fm->arena, b.data, b.len + 1);
			fm->live++;
			if (2 * fm->used > fm->cap)
				rehash(fm, 2 * fm->cap);
		}
	}
	buf_release(&b);
	return rc;
}

int
freemail_remove(struct freemail *fm, const char *domain, size_t n)
{
	struct buf b = BUF_INIT;
	size_t *sl;
	int rc = -1;

	if (canon(&b, domain, n) == 0) {
		rc = 0;
		sl = find(fm, b.data, b.len, 0);
		if (*sl != 0 && *sl != TOMB) {
			*sl = TOMB;
			fm->live--;
		}
	}
	buf_release(&b);
	return rc;
}

int
freemail_load(struct freemail *fm, const char *path, struct err *e)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;
	int rc = 0;

	if (!f)
		return err_set(e, EX_CONFIG, "%s: %s", path, strerror(errno));
	while ((len = getline(&line, &cap, f)) >= 0) {
		char *p = line, *hash_ = memchr(line, '#', (size_t)len);
		size_t n = hash_ ? (size_t)(hash_ - line) : (size_t)len;
		int remove = 0;

		lineno++;
		while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r' ||
		    p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		while (n > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		if (n == 0)
			continue;
		if (*p == '!') {
			remove = 1;
			p++;
			n--;
		}
		if ((remove ? freemail_remove(fm, p, n) : freemail_add(fm, p, n)) < 0) {
			rc = err_set(e, EX_CONFIG, "%s:%lu: not a domain: %.*s",
				path, lineno, (int)(n > 80 ? 80 : n), p);
			break;
		}
	}
	if (rc == 0 && ferror(f))
		rc = err_set(e, EX_CONFIG, "%s: %s", path, strerror(errno));
	free(line);
	fclose(f);
	return rc;
}

int
freemail_contains(const struct freemail *fm, const char *domain)
{
	size_t v = *find(fm, domain, strlen(domain), 0);

	return v != 0 && v != TOMB;
}

int
freemail_covers(const struct freemail *fm, const char *domain)
{
	const char *p = domain;

	while (p) {
		/* a bare top-level domain ("com") is never a free-mail domain */
		if (!strchr(p, '.'))
			return 0;
		if (freemail_contains(fm, p))
			return 1;
		p = strchr(p, '.');
		if (p)
			p++;
	}
	return 0;
}

size_t
freemail_count(const struct freemail *fm)
{
	return fm->live;
}
