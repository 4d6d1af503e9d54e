#include "charset.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "banned.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		if (n >= 2 && (s[1] & 0xc0) == 0x80)
			return 2;
		return 0;
	}
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)
			return 0;       /* overlong */
		if (c == 0xed && s[1] >= 0xa0)
			return 0;       /* surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)
			return 0;
		if (c == 0xf4 && s[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

int
charset_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		k = utf8_seq(p + i, n - i);
		if (k == 0)
			return 0;
		i += k;
	}
	return 1;
}

static const char replacement[] = "\xef\xbf\xbd";

unsigned
charset_utf8_sanitize(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start = 0, k;
	unsigned flags = 0;

	while (i < n) {
		k = p[i] < 0x80 ? 1 : utf8_seq(p + i, n - i);
		if (k) {
			i += k;
			continue;
		}
		buf_add(out, s + start, i - start);
		buf_add(out, replacement, 3);
		flags |= CHARSET_REPLACED;
		i++;
		start = i;
	}
	buf_add(out, s + start, i - start);
	return flags;
}

/* windows-1252 0x80..0x9f; 0 marks the five undefined bytes (kept as C1). */
static const unsigned short cp1252_high[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178
};

static void
put_cp(struct buf *out, unsigned cp)
{
	char t[4];

	if (cp < 0x80) {
		buf_addch(out, (int)cp);
	} else if (cp < 0x800) {
		t[0] = (char)(0xc0 | (cp >> 6));
		t[1] = (char)(0x80 | (cp & 0x3f));
		buf_add(out, t, 2);
	} else {
		t[0] = (char)(0xe0 | (cp >> 12));
		t[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		t[2] = (char)(0x80 | (cp & 0x3f));
		buf_add(out, t, 3);
	}
}

void
charset_cp1252_to_utf8(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, start = 0;
	unsigned cp;

	for (i = 0; i < n; i++) {
		if (p[i] < 0x80)
			continue;
		buf_add(out, s + start, i - start);
		cp = p[i];
		if (cp < 0xa0 && cp1252_high[cp - 0x80])
			cp = cp1252_high[cp - 0x80];
		put_cp(out, cp);
		start = i + 1;
	}
	buf_add(out, s + start, n - start);
}

/* Labels that are windows-1252 in practice (WHATWG encoding standard). */
static int
is_cp1252_label(const char *cs)
{
	static const char *const names[] = {
		"us-ascii", "ascii", "iso-8859-1", "iso8859-1", "iso_8859-1",
		"latin1", "l1", "latin-1", "windows-1252", "cp1252", "x-cp1252",
		"cp819", "ibm819", "iso-ir-100", "csisolatin1", "ansi_x3.4-1968",
		"us", "iso_8859-1:1987", NULL
	};
	size_t i;

	for (i = 0; names[i]; i++)
		if (strcasecmp(cs, names[i]) == 0)
			return 1;
	return 0;
}

static int
is_utf8_label(const char *cs)
{
	return strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0;
}

/* Charsets whose text is 7-bit and so always "valid UTF-8" when raw. */
static int
is_stateful_7bit(const char *cs)
{
	return strncasecmp(cs, "iso-2022", 8) == 0 ||
		strncasecmp(cs, "utf-7", 5) == 0 ||
		strncasecmp(cs, "hz-gb", 5) == 0;
}

/* A stateful 7-bit charset whose text holds no escape: plain ASCII. */
static int
has_escape(const char *s, size_t n, const char *cs)
{
	if (strncasecmp(cs, "utf-7", 5) == 0)
		return memchr(s, '+', n) != NULL;
	if (strncasecmp(cs, "hz-gb", 5) == 0)
		return memchr(s, '~', n) != NULL;
	return memchr(s, 0x1b, n) != NULL;
}

static unsigned
convert_iconv(struct buf *out, iconv_t cd, const char *s, size_t n)
{
	char tmp[4096];
	char *in = (char *)s;
	size_t inleft = n;
	unsigned flags = 0;

	while (inleft > 0) {
		char *o = tmp;
		size_t oleft = sizeof(tmp);
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);

		buf_add(out, tmp, sizeof(tmp) - oleft);
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		/* EILSEQ or EINVAL (truncated input): one byte becomes U+FFFD */
		buf_add(out, replacement, 3);
		flags |= CHARSET_REPLACED;
		in++;
		inleft--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	/* flush the shift state */
	{
		char *o = tmp;
		size_t oleft = sizeof(tmp);

		iconv(cd, NULL, NULL, &o, &oleft);
		buf_add(out, tmp, sizeof(tmp) - oleft);
	}
	return flags;
}

unsigned
charset_to_utf8(struct buf *out, const char *charset, const char *s, size_t n)
{
	iconv_t cd;
	unsigned flags;

	if (charset && *charset == '\0')
		charset = NULL;
	if (charset_utf8_valid(s, n) &&
	    (!charset || !is_stateful_7bit(charset) ||
	     !has_escape(s, n, charset))) {
		buf_add(out, s, n);
		return CHARSET_KEPT;
	}
	if (!charset)
		goto fallback;
	if (is_utf8_label(charset))
		return charset_utf8_sanitize(out, s, n);
	if (is_cp1252_label(charset)) {
		charset_cp1252_to_utf8(out, s, n);
		return 0;
	}
	cd = iconv_open("UTF-8", charset);
	if (cd == (iconv_t)-1)
		goto fallback;
	flags = convert_iconv(out, cd, s, n);
	iconv_close(cd);
	/* iconv's output is UTF-8 by contract; cheap insurance all the same */
	return flags;
fallback:
	charset_cp1252_to_utf8(out, s, n);
	return CHARSET_FALLBACK;
}
