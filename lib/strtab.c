/*
 * strtab.c: strings to strings (see strtab.h).
 */
#include "strtab.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"

#include "banned.h"

/* The slot of key s[0..n), or the empty one where it would go. */
static size_t
slot(const struct strtab *t, const char *s, size_t n)
{
	size_t i = (size_t)hash_fnv1a(s, n) & (t->cap - 1);

	while (t->keys[i] && !(t->lens[i] == n &&
	    memcmp(t->keys[i], s, n) == 0))
		i = (i + 1) & (t->cap - 1);
	return i;
}

static char *
copy(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Room for one more key. */
static void
grow(struct strtab *t)
{
	struct strtab g = STRTAB_INIT;
	size_t k, i;

	if ((t->n + 1) * 2 <= t->cap)
		return;
	g.cap = t->cap ? t->cap * 2 : 256;
	g.keys = xcalloc(g.cap, sizeof(*g.keys));
	g.lens = xcalloc(g.cap, sizeof(*g.lens));
	g.vals = xcalloc(g.cap, sizeof(*g.vals));
	for (k = 0; k < t->cap; k++)
		if (t->keys[k]) {
			i = slot(&g, t->keys[k], t->lens[k]);
			g.keys[i] = t->keys[k];
			g.lens[i] = t->lens[k];
			g.vals[i] = t->vals[k];
		}
	g.n = t->n;
	free(t->keys);
	free(t->lens);
	free(t->vals);
	*t = g;
}

/* The slot of key s[0..n), added (without a value) when absent; *added
 * says which. */
static size_t
find_or_add(struct strtab *t, const char *s, size_t n, int *added)
{
	size_t i;

	grow(t);
	i = slot(t, s, n);
	*added = t->keys[i] == NULL;
	if (*added) {
		t->keys[i] = copy(s, n);
		t->lens[i] = n;
		t->vals[i] = NULL;
		t->n++;
	}
	return i;
}

int
strtab_add(struct strtab *t, const char *s, size_t n, const char *v)
{
	int added;
	size_t i = find_or_add(t, s, n, &added);

	if (added && v)
		t->vals[i] = copy(v, strlen(v));
	return added;
}

void
strtab_set(struct strtab *t, const char *s, size_t n, const char *v,
    int *had_value)
{
	int added;
	size_t i = find_or_add(t, s, n, &added);

	if (had_value)
		*had_value = t->vals[i] != NULL;
	free(t->vals[i]);
	t->vals[i] = v ? copy(v, strlen(v)) : NULL;
}

int
strtab_get(const struct strtab *t, const char *s, size_t n, const char **v)
{
	size_t i;

	*v = NULL;
	if (t->cap == 0)
		return 0;
	i = slot(t, s, n);
	if (t->keys[i] == NULL)
		return 0;
	*v = t->vals[i];
	return 1;
}

void
strtab_release(struct strtab *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++) {
		free(t->keys[i]);
		free(t->vals[i]);
	}
	free(t->keys);
	free(t->lens);
	free(t->vals);
	memset(t, 0, sizeof(*t));
}
