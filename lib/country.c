#include "country.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* Longest name in the table is under 64 bytes; longer input is no country. */
#define KEY_MAX 96

/* The generator's normalisation (build-aux/gen-countries.py, norm()). */
static size_t
normalise(const char *s, size_t n, char *out)
{
	size_t i, o = 0;
	int space = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *w = NULL;

		if (c == '&') {
			w = "and";
			space = 1;
		} else if (c == '.' || c == '\'') {
			continue;
		} else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c >= 0x80)) {
			space = 1;
			continue;
		}
		if (space && o > 0) {
			if (o + 1 > KEY_MAX)
				return 0;
			out[o++] = ' ';
		}
		space = 0;
		if (w != NULL) {
			if (o + 3 > KEY_MAX)
				return 0;
			memcpy(out + o, w, 3);
			o += 3;
			space = 1;
			continue;
		}
		if (o + 1 > KEY_MAX)
			return 0;
		out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	out[o] = '\0';
	return o;
}

static int
cmp_key(const void *k, const void *e)
{
	return strcmp(k, ((const struct country_key *)e)->key);
}

const char *
country_region(const char *s, size_t n)
{
	char key[KEY_MAX + 1];
	const struct country_key *hit;

	if (s == NULL || n == 0 || n > 4 * KEY_MAX)
		return NULL;
	if (normalise(s, n, key) == 0)
		return NULL;
	hit = bsearch(key, country_keys, country_nkeys, sizeof(country_keys[0]),
	    cmp_key);
	return hit ? hit->cc : NULL;
}
