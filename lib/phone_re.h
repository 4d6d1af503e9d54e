/*
 * phone_re.h: the small backtracking regular-expression matcher the phone
 * module runs libphonenumber's patterns with.
 *
 * Why not regex.h: libphonenumber's patterns are Java/Python regexes, whose
 * semantics are leftmost-FIRST (the first alternative that leads to a match
 * wins, greedy quantifiers backtrack); POSIX ERE is leftmost-longest, which
 * picks different capture groups for the national-prefix rules.  This
 * matcher has the Python `re` semantics for the subset the metadata and
 * phonenumberutil use, on Unicode code points:
 *   literals, \uXXXX, \t, \n, \d (Unicode decimal, like Python's \d),
 *   \D, \w, \W, '.', classes [...] / [^...] with ranges and those escapes,
 *   groups (...) and (?:...), '|', '^', '$' (end, or before a final newline),
 *   quantifiers ? * + {n} {n,} {n,m}, each optionally lazy (followed by ?).
 * A star or plus over something that can match the empty string is refused
 * at compile time (it would loop).  Matching gives up after
 * PHONE_RE_MAX_STEPS steps and reports no match (inputs here are short).
 */
#ifndef SI_PHONE_RE_H
#define SI_PHONE_RE_H

#include <stddef.h>
#include <stdint.h>

struct phone_re;

#define PHONE_RE_ICASE 1        /* Python re.IGNORECASE for the letters used */
#define PHONE_RE_MAX_STEPS 2000000L

/*
 * Compile a pattern (UTF-8).  Returns a heap object (phone_re_free it), or
 * NULL when the pattern is outside the supported dialect.
 */
struct phone_re *phone_re_compile(const char *pattern, int flags);
void phone_re_free(struct phone_re *re);
/* Number of capturing groups. */
int phone_re_ngroups(const struct phone_re *re);

enum phone_re_mode {
	PHONE_RE_FULL,          /* the whole input: Python fullmatch */
	PHONE_RE_PREFIX         /* anchored at 0, may end anywhere: re.match */
};

/*
 * Match s[0..n).  caps receives 2 * (ngroups + 1) offsets (start, end of the
 * whole match then of each group; -1 for a group that did not take part); it
 * may be NULL.  Returns 1 on a match, 0 otherwise.
 */
int phone_re_match(const struct phone_re *re, const uint32_t *s, size_t n,
	enum phone_re_mode mode, long *caps);
/* The leftmost match anywhere in s (Python re.search). */
int phone_re_search(const struct phone_re *re, const uint32_t *s, size_t n,
	long *caps);

/* Unicode classes as Python sees them (tables in phone_meta.c). */
int phone_re_is_decimal(uint32_t c);    /* str.isdecimal(), re's \d */
int phone_re_is_alnum(uint32_t c);      /* str.isalnum() */
int phone_re_digit_value(uint32_t c);   /* unicodedata.digit(c, -1) */
/* The simple lower-case fold the matcher uses for PHONE_RE_ICASE. */
uint32_t phone_re_fold(uint32_t c);

/*
 * Decode UTF-8 into code points: at most max of them; an invalid byte
 * becomes U+FFFD.  Returns the number of code points the whole input holds
 * (which may be more than max: only max were stored).
 */
size_t phone_utf8_decode(const char *s, size_t len, uint32_t *out, size_t max);

#endif
