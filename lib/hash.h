/*
 * hash.h: the one string hash of the small tables of lib/ (free-mail
 * domains, ids seen in a run, account regions): 64-bit FNV-1a.  Not for
 * tables an attacker fills to slow us down on purpose, nor for resolve's
 * large tables (lib/resolve.c hashes eight bytes a step).
 */
#ifndef SI_HASH_H
#define SI_HASH_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t
hash_fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return h;
}

#endif
