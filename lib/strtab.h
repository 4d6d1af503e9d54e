/*
 * strtab.h: a table from strings to strings, for the small lookups of a
 * run (call ids seen, user id -> email, account id -> region).  Open
 * addressing over hash.h's FNV-1a, at most half full.  Keys and values are
 * copies owned by the table; a key may hold any byte, NUL included.
 */
#ifndef SI_STRTAB_H
#define SI_STRTAB_H

#include <stddef.h>

struct strtab {
	char **keys;            /* NULL: an empty slot */
	size_t *lens;
	char **vals;            /* NULL: no value */
	size_t cap, n;
};

#define STRTAB_INIT { NULL, NULL, NULL, 0, 0 }

void strtab_release(struct strtab *t);
/* Add key s[0..n) with value v (copied; may be NULL) unless it is there:
 * 1 when added, 0 when it was there (its value kept). */
int strtab_add(struct strtab *t, const char *s, size_t n, const char *v);
/* Set the value of key s[0..n) to v (copied; may be NULL), adding the key
 * when absent.  *old (when not NULL) is set to 1 when the key was there
 * with a value. */
void strtab_set(struct strtab *t, const char *s, size_t n, const char *v,
    int *had_value);
/* 1 when key s[0..n) is in the table, with its value (NULL for none) in
 * *v; 0 when it is not. */
int strtab_get(const struct strtab *t, const char *s, size_t n,
    const char **v);

#endif
