/*
 * util.c: small helpers shared by the fake-api modules: deterministic
 * randomness, the fake clock's date formats, URL and base64 coding.
 */
#include "fake.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "banned.h"

uint64_t
fake_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i;

	if (h == 0)
		h = 1469598103934665603ULL;
	for (i = 0; i < n; i++) {
		h ^= c[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static uint64_t
splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
fake_rng_init(struct fake_rng *g, uint64_t seed, const char *name)
{
	uint64_t h = fake_hash(0, &seed, sizeof seed);

	h = fake_hash(h, name, strlen(name));
	g->s = h;
	(void)splitmix(&g->s);
}

uint64_t
fake_rng_next(struct fake_rng *g)
{
	return splitmix(&g->s);
}

uint64_t
fake_rng_below(struct fake_rng *g, uint64_t n)
{
	return n ? fake_rng_next(g) % n : 0;
}

double
fake_rng_unit(struct fake_rng *g)
{
	return (double)(fake_rng_next(g) >> 11) / 9007199254740992.0;
}

int
fake_rng_chance(struct fake_rng *g, double p)
{
	return fake_rng_unit(g) < p;
}

void
fake_fmt_iso(struct buf *b, int64_t ms)
{
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	int frac = (int)(ms - (int64_t)t * 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	buf_printf(b, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

static int
digits(const char **p, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

int
fake_parse_iso(const char *s, int64_t *ms)
{
	int y, mo, d, h = 0, mi = 0, se = 0, frac = 0, sign, oh, om;
	int64_t off = 0;
	struct tm tm;

	if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) ||
	    *s++ != '-' || digits(&s, 2, &d))
		return -1;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		s++;
		if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi))
			return -1;
		if (*s == ':') {
			s++;
			if (digits(&s, 2, &se))
				return -1;
		}
		if (*s == '.') {
			int scale = 100;
			s++;
			if (!isdigit((unsigned char)*s))
				return -1;
			while (isdigit((unsigned char)*s)) {
				frac += (*s - '0') * scale;
				scale /= 10;
				s++;
			}
		}
		if (*s == 'Z' || *s == 'z') {
			s++;
		} else if (*s == '+' || *s == '-') {
			sign = *s++ == '-' ? -1 : 1;
			if (digits(&s, 2, &oh))
				return -1;
			if (*s == ':')
				s++;
			if (digits(&s, 2, &om))
				return -1;
			off = sign * ((int64_t)oh * 3600 + om * 60);
		}
	}
	if (*s != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || se > 60)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*ms = ((int64_t)timegm(&tm) - off) * 1000 + frac;
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
fake_urldecode(const char *s, size_t n, int form)
{
	char *out = xmalloc(n + 1);
	size_t i, j = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			out[j++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else if (form && s[i] == '+') {
			out[j++] = ' ';
		} else {
			out[j++] = s[i];
		}
	}
	out[j] = '\0';
	return out;
}

void
fake_urlencode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
			buf_addch(b, c);
		} else {
			buf_addch(b, '%');
			buf_addch(b, hex[c >> 4]);
			buf_addch(b, hex[c & 15]);
		}
	}
}

void
fake_base64(struct buf *b, const void *p, size_t n, int url)
{
	const char *al = url ?
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" :
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)c[i] << 16 | (uint32_t)c[i + 1] << 8 |
		    c[i + 2];
		buf_addch(b, al[v >> 18]);
		buf_addch(b, al[(v >> 12) & 63]);
		buf_addch(b, al[(v >> 6) & 63]);
		buf_addch(b, al[v & 63]);
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)c[i] << 16;
		buf_addch(b, al[v >> 18]);
		buf_addch(b, al[(v >> 12) & 63]);
		if (!url)
			buf_addstr(b, "==");
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)c[i] << 16 | (uint32_t)c[i + 1] << 8;
		buf_addch(b, al[v >> 18]);
		buf_addch(b, al[(v >> 12) & 63]);
		buf_addch(b, al[(v >> 6) & 63]);
		if (!url)
			buf_addch(b, '=');
	}
}

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

int
fake_base64_decode(struct buf *b, const char *s, size_t n)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t i;

	while (n > 0 && s[n - 1] == '=')
		n--;
	for (i = 0; i < n; i++) {
		int v = b64val((unsigned char)s[i]);
		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addch(b, (int)((acc >> bits) & 0xff));
		}
	}
	return 0;
}
