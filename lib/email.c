/*
 * email.c: parse, check and canonicalize email addresses (see email.h).
 *
 * The parser works on byte ranges of the input, in two levels:
 *   - a splitter cuts an address list into elements at top-level ',' and
 *     ';' (outside quoted strings, comments, angle brackets), drops group
 *     names and "mailto:", and glues "Patel, Asha <a@x>" back together;
 *   - an element parser finds the angle address (or takes the whole
 *     element as a bare addr-spec), and tokenizes the addr-spec into words,
 *     dots and '@' with CFWS between them allowed (RFC 5322 4.4).
 * The canonical form is written straight into the caller's buffer, so the
 * common cases allocate nothing.  Unterminated quotes and comments do not
 * swallow the rest of the input: such an opener counts as an ordinary
 * character, and once one was found unterminated later ones are not
 * searched again (which keeps hostile input linear).
 */
#include "email.h"

#include <idn2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rfc2047.h"
#include "banned.h"

/* ---- character classes ------------------------------------------------ */

enum {
	C_ATEXT = 1,    /* RFC 5322 atext (ASCII) */
	C_LDH = 2,      /* letter, digit, hyphen */
	C_WSP = 4,      /* ASCII white space, CR and LF (header folding) */
	C_CTL = 8,      /* control characters and DEL */
	C_STOP = 16     /* what scan_top may stop at, and what it skips */
};

static unsigned char cls[256];
static int cls_ready;

static void
cls_init(void)
{
	const char *special = "!#$%&'*+-/=?^_`{|}~";
	int c;

	if (cls_ready)
		return;
	for (c = 0; c < 256; c++) {
		unsigned char v = 0;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9'))
			v |= C_ATEXT | C_LDH;
		if (c == '-')
			v |= C_LDH;
		if (c && strchr(special, c))
			v |= C_ATEXT;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			v |= C_WSP;
		if (c < 0x20 || c == 0x7f)
			v |= C_CTL;
		if (c && strchr(",;<>@:\"(", c))
			v |= C_STOP;
		cls[c] = v;
	}
	cls_ready = 1;
}

static inline int
is_cls(unsigned char c, int what)
{
	return cls[c] & what;
}

static inline char
lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* ---- UTF-8 ------------------------------------------------------------ */

/* Decode one code point at p; returns its length, or 0 when invalid. */
static size_t
utf8_decode(const char *p, const char *end, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t len = (size_t)(end - p), n, i;
	uint32_t c;

	if (!len)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Blanks that copy and paste bring along: no-break and typographic spaces,
 * the byte order mark, zero-width space, word joiner. */
static int
is_uspace(uint32_t c)
{
	return c == 0xa0 || (c >= 0x2000 && c <= 0x200b) || c == 0x2028 ||
		c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x2060 ||
		c == 0x3000 || c == 0xfeff;
}

/* Characters that must never sit inside an address: C1 controls, bidi
 * overrides and marks, invisible joiners (they make look-alikes). */
static int
is_bad_cp(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) || c == 0x200c || c == 0x200d ||
		c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) ||
		(c >= 0x2066 && c <= 0x2069) || c == 0xfffe || c == 0xffff;
}

/* Length of the white space (ASCII or Unicode) at p, 0 if none. */
static size_t
space_len(const char *p, const char *end)
{
	uint32_t c;
	size_t n;

	if (is_cls((unsigned char)*p, C_WSP))
		return 1;
	if ((unsigned char)*p < 0x80)
		return 0;
	n = utf8_decode(p, end, &c);
	return (n && is_uspace(c)) ? n : 0;
}

/* ---- top-level scanning ----------------------------------------------- */

struct scan {
	int dead_quote;         /* a '"' was found unterminated */
	int dead_comment;       /* a '(' was found unterminated */
	int dead_angle;         /* a '<' was found unterminated */
};

/* p at '"': the position after the closing quote, or NULL. */
static const char *
skip_quoted(struct scan *sc, const char *p, const char *end)
{
	if (sc->dead_quote)
		return NULL;
	for (p++; p < end; p++) {
		if (*p == '\\') {
			if (++p >= end)
				break;
		} else if (*p == '"') {
			return p + 1;
		}
	}
	sc->dead_quote = 1;
	return NULL;
}

/* p at '(': the position after the matching ')', or NULL. */
static const char *
skip_comment(struct scan *sc, const char *p, const char *end)
{
	int depth = 0;

	if (sc->dead_comment)
		return NULL;
	for (; p < end; p++) {
		if (*p == '\\') {
			if (++p >= end)
				break;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')' && --depth == 0) {
			return p + 1;
		}
	}
	sc->dead_comment = 1;
	return NULL;
}

/* The first of the characters stops at top level (outside quoted strings
 * and comments), or end. */
static const char *
scan_top(struct scan *sc, const char *p, const char *end, const char *stops)
{
	const char *q;

	while (p < end) {
		if (!is_cls((unsigned char)*p, C_STOP)) {
			p++;
			continue;
		}
		if (*p == '"' && (q = skip_quoted(sc, p, end))) {
			p = q;
		} else if (*p == '(' && (q = skip_comment(sc, p, end))) {
			p = q;
		} else if (strchr(stops, *p) && *p) {
			return p;
		} else {
			p++;
		}
	}
	return end;
}

/* Skip white space and comments; the first comment's inside goes to
 * cm and cm_len when cm is not NULL and none was seen yet. */
static const char *
skip_cfws(struct scan *sc, const char *p, const char *end, const char **cm,
	size_t *cm_len)
{
	const char *q;
	size_t n;

	while (p < end) {
		if ((n = space_len(p, end))) {
			p += n;
		} else if (*p == '(' && (q = skip_comment(sc, p, end))) {
			if (cm && !*cm) {
				*cm = p + 1;
				*cm_len = (size_t)(q - p - 2);
			}
			p = q;
		} else {
			break;
		}
	}
	return p;
}

/* Trim white space (not comments) at the end of [a, e). */
static const char *
rtrim(const char *a, const char *e)
{
	while (e > a) {
		const char *q = e - 1;
		unsigned char c = (unsigned char)*q;

		if (is_cls(c, C_WSP)) {
			e = q;
			continue;
		}
		if (c >= 0x80) {
			/* walk back to the start of this UTF-8 sequence */
			while (q > a && ((unsigned char)*q & 0xc0) == 0x80)
				q--;
			if (space_len(q, e) == (size_t)(e - q)) {
				e = q;
				continue;
			}
		}
		break;
	}
	return e;
}

static int
has_prefix_ci(const char *p, const char *end, const char *prefix)
{
	size_t n = strlen(prefix), i;

	if ((size_t)(end - p) < n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower(p[i]) != prefix[i])
			return 0;
	return 1;
}

/* ---- the domain ------------------------------------------------------- */

/* Check an ASCII, lower-case domain: labels, lengths, the top level. */
static int
ldh_check(const char *d, size_t n, const char **why)
{
	size_t i, start = 0, labels = 0;

	if (n == 0) {
		*why = "no domain";
		return EMAIL_INVALID;
	}
	if (n > EMAIL_DOMAIN_MAX) {
		*why = "domain too long";
		return EMAIL_INVALID;
	}
	for (i = 0; i <= n; i++) {
		size_t len;

		if (i < n && d[i] != '.') {
			if (!is_cls((unsigned char)d[i], C_LDH)) {
				*why = "invalid character in domain";
				return EMAIL_INVALID;
			}
			continue;
		}
		len = i - start;
		if (len == 0) {
			*why = "dot in the wrong place in domain";
			return EMAIL_INVALID;
		}
		if (len > 63) {
			*why = "domain label too long";
			return EMAIL_INVALID;
		}
		if (d[start] == '-' || d[i - 1] == '-') {
			*why = "domain label starts or ends with a hyphen";
			return EMAIL_INVALID;
		}
		labels++;
		if (i == n) {
			/* the top level: letters, or an A-label */
			size_t k;

			if (len >= 4 && memcmp(d + start, "xn--", 4) == 0)
				break;
			for (k = start; k < n; k++) {
				if (!((d[k] >= 'a' && d[k] <= 'z'))) {
					*why = "top-level domain not alphabetic";
					return EMAIL_INVALID;
				}
			}
			if (len < 2) {
				*why = "top-level domain too short";
				return EMAIL_INVALID;
			}
		}
		start = i + 1;
	}
	if (labels < 2) {
		*why = "domain without a dot";
		return EMAIL_INVALID;
	}
	return EMAIL_OK;
}

enum script { S_OTHER, S_LATIN, S_GREEK, S_CYRILLIC };

static enum script
script_of(uint32_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == 0xaa ||
	    c == 0xba || (c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7) ||
	    (c >= 0x1e00 && c <= 0x1eff) || (c >= 0x2c60 && c <= 0x2c7f) ||
	    (c >= 0xa720 && c <= 0xa7ff) || (c >= 0xab30 && c <= 0xab6f))
		return S_LATIN;
	if ((c >= 0x370 && c <= 0x3ff) || (c >= 0x1f00 && c <= 0x1fff))
		return S_GREEK;
	if ((c >= 0x400 && c <= 0x52f) || (c >= 0x1c80 && c <= 0x1c8f) ||
	    (c >= 0x2de0 && c <= 0x2dff) || (c >= 0xa640 && c <= 0xa69f))
		return S_CYRILLIC;
	return S_OTHER;
}

/* Cyrillic letters that look like Latin ones (Chromium's IDN policy). */
static int
cyrillic_lookalike(uint32_t c)
{
	static const uint32_t set[] = {
		0x430, 0x432, 0x435, 0x43a, 0x43c, 0x43d, 0x43e, 0x440, 0x441,
		0x442, 0x443, 0x445, 0x44a, 0x44b, 0x44c, 0x44e, 0x43f, 0x433,
		0x455, 0x456, 0x458, 0x4bb, 0x4bd, 0x4cf, 0x501, 0x50d, 0x511,
		0x51b, 0x51d, 0x461, 0x475, 0x4af
	};
	size_t i;

	for (i = 0; i < sizeof(set) / sizeof(set[0]); i++)
		if (set[i] == c)
			return 1;
	return 0;
}

/* Refuse labels that mix Latin, Greek and Cyrillic, and all-Cyrillic
 * look-alikes of Latin words under a top level that is not Cyrillic. */
static int
script_check(const char *u, const char **why)
{
	const char *end = u + strlen(u), *p, *tld = strrchr(u, '.');
	int tld_cyr = 0;
	uint32_t c;
	size_t n;

	for (p = tld ? tld + 1 : u; p < end; p += n) {
		if (!(n = utf8_decode(p, end, &c)))
			return EMAIL_OK;
		if (script_of(c) == S_CYRILLIC)
			tld_cyr = 1;
	}
	p = u;
	while (p < end) {
		unsigned seen = 0;
		int all_look = 1, cyr = 0;

		for (; p < end && *p != '.'; p += n) {
			enum script s;

			if (!(n = utf8_decode(p, end, &c))) {
				*why = "invalid internationalized domain";
				return EMAIL_INVALID;
			}
			s = script_of(c);
			if (s != S_OTHER)
				seen |= 1u << s;
			if (s == S_CYRILLIC) {
				cyr = 1;
				if (!cyrillic_lookalike(c))
					all_look = 0;
			} else if (c > 0x7f || (c >= 'a' && c <= 'z')) {
				all_look = 0;
			}
		}
		if (seen & (seen - 1)) {
			*why = "domain label mixes scripts (look-alike)";
			return EMAIL_INVALID;
		}
		if (cyr && all_look && !tld_cyr) {
			*why = "domain label is a Cyrillic look-alike of a Latin one";
			return EMAIL_INVALID;
		}
		if (p < end)
			p++;
	}
	return EMAIL_OK;
}

/* The domain at out->data[start..len) becomes canonical in place. */
static int
domain_finish(struct buf *out, size_t start, const char **why)
{
	char *d = out->data + start, *raw, *ascii = NULL, *uni = NULL;
	size_t n = out->len - start, i;
	int idn = 0, rc;

	if (n == 0) {
		*why = "no domain";
		return EMAIL_INVALID;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d[i];

		if (c >= 0x80) {
			idn = 1;
		} else if (c != '.' && !is_cls(c, C_LDH)) {
			*why = "invalid character in domain";
			return EMAIL_INVALID;
		} else {
			d[i] = lower(d[i]);
		}
	}
	/* an A-label must pass libidn2's checks too */
	for (i = 0; !idn && i + 4 <= n; i++)
		if ((i == 0 || d[i - 1] == '.') && memcmp(d + i, "xn--", 4) == 0)
			idn = 1;
	if (!idn)
		return ldh_check(d, n, why);

	raw = xstrndup(d, n);
	rc = idn2_lookup_u8((const uint8_t *)raw, (uint8_t **)&ascii,
		IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL | IDN2_USE_STD3_ASCII_RULES);
	free(raw);
	if (rc != IDN2_OK) {
		*why = "invalid internationalized domain";
		return EMAIL_INVALID;
	}
	rc = ldh_check(ascii, strlen(ascii), why);
	if (rc == EMAIL_OK) {
		if (idn2_to_unicode_8z8z(ascii, &uni, 0) != IDN2_OK) {
			*why = "invalid internationalized domain";
			rc = EMAIL_INVALID;
		} else {
			rc = script_check(uni, why);
		}
	}
	if (rc == EMAIL_OK) {
		buf_truncate(out, start);
		buf_addstr(out, ascii);
	}
	free(ascii);
	free(uni);
	return rc;
}

int
email_domain_canon(struct buf *out, const char *s, size_t n, const char **why)
{
	const char *dummy, *end = s + n;
	size_t start = out->len;
	int rc;

	cls_init();
	if (!why)
		why = &dummy;
	while (s < end && space_len(s, end))
		s += space_len(s, end);
	end = rtrim(s, end);
	if (s == end) {
		*why = "empty";
		return EMAIL_NONE;
	}
	if (end[-1] == '.')
		end--;
	buf_add(out, s, (size_t)(end - s));
	rc = domain_finish(out, start, why);
	if (rc != EMAIL_OK)
		buf_truncate(out, start);
	return rc;
}

/* ---- the addr-spec ---------------------------------------------------- */

/* Is the local part l[0..n) a dot-atom (needs no quotes)? */
static int
is_dot_atom(const char *l, size_t n)
{
	size_t i;

	if (n == 0 || l[0] == '.' || l[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)l[i];

		if (c == '.') {
			if (l[i + 1] == '.')
				return 0;
		} else if (c < 0x80 && !is_cls(c, C_ATEXT)) {
			return 0;
		}
	}
	return 1;
}

/* Check the UTF-8 of a local part for what must not be in an address. */
static int
local_chars_ok(const char *l, size_t n, const char **why)
{
	const char *p = l, *end = l + n;
	uint32_t c;
	size_t k;

	while (p < end) {
		if ((unsigned char)*p < 0x80) {
			if (is_cls((unsigned char)*p, C_CTL)) {
				*why = "control character in address";
				return EMAIL_INVALID;
			}
			p++;
			continue;
		}
		if (!(k = utf8_decode(p, end, &c))) {
			*why = "invalid UTF-8 in address";
			return EMAIL_INVALID;
		}
		if (is_bad_cp(c)) {
			*why = "invisible or control character in address";
			return EMAIL_INVALID;
		}
		p += k;
	}
	return EMAIL_OK;
}

/*
 * Parse the addr-spec in [p, end) and append its canonical form to out.
 * The first comment seen goes to *cm (for a display name).
 */
static int
parse_spec(struct scan *sc, const char *p, const char *end, struct buf *out,
	const char **cm, size_t *cm_len, const char **why)
{
	enum { L_WORD, L_SEP, D_ATOM, D_SEP } st = L_WORD;
	size_t start = out->len, dstart = 0, llen;
	int quoted = 0, any = 0;
	const char *q;

	for (;;) {
		p = skip_cfws(sc, p, end, cm, cm_len);
		if (p >= end)
			break;
		any = 1;
		if (*p == '"') {
			if (st != L_WORD) {
				*why = st == L_SEP ? "unquoted space in address" :
					"quoted string in domain";
				return EMAIL_INVALID;
			}
			for (p++; p < end && *p != '"'; p++) {
				if (*p == '\\' && p + 1 < end)
					p++;
				if (*p == '\r' || *p == '\n') {
					*why = "line break in quoted local part";
					return EMAIL_INVALID;
				}
				buf_addch(out, *p);
			}
			if (p >= end) {
				*why = "unterminated quoted string";
				return EMAIL_INVALID;
			}
			p++;
			quoted = 1;
			st = L_SEP;
		} else if (*p == '.') {
			if (st == L_SEP) {
				buf_addch(out, '.');
				st = L_WORD;
			} else if (st == D_SEP) {
				buf_addch(out, '.');
				st = D_ATOM;
			} else if (st == L_WORD) {
				*why = out->len == start ? "local part starts with a dot" :
					"two dots in a row in local part";
				return EMAIL_INVALID;
			} else {
				*why = "dot in the wrong place in domain";
				return EMAIL_INVALID;
			}
			p++;
		} else if (*p == '@') {
			if (st == L_SEP) {
				st = D_ATOM;
				buf_addch(out, '@');
				dstart = out->len;
			} else if (st == L_WORD) {
				*why = out->len == start ? "no local part" :
					"local part ends with a dot";
				return EMAIL_INVALID;
			} else {
				*why = "more than one @";
				return EMAIL_INVALID;
			}
			p++;
		} else if (*p == '[') {
			*why = st >= D_ATOM ? "domain literals are not accepted" :
				"invalid character '['";
			return EMAIL_INVALID;
		} else if ((unsigned char)*p >= 0x80 ||
		    is_cls((unsigned char)*p, C_ATEXT)) {
			if (st == L_SEP || st == D_SEP) {
				*why = st == L_SEP ? "unquoted space in address" :
					"space in domain";
				return EMAIL_INVALID;
			}
			for (q = p; q < end && ((unsigned char)*q >= 0x80 ||
			    is_cls((unsigned char)*q, C_ATEXT)); q++) {
				if ((unsigned char)*q >= 0x80 && space_len(q, end))
					break;
			}
			buf_add(out, p, (size_t)(q - p));
			p = q;
			st = st == L_WORD ? L_SEP : D_SEP;
		} else {
			unsigned char c = (unsigned char)*p;

			if (is_cls(c, C_CTL)) {
				*why = "control character in address";
			} else {
				switch (c) {
				case '<': *why = "invalid character '<'"; break;
				case '>': *why = "invalid character '>'"; break;
				case ',': *why = "invalid character ','"; break;
				case ':': *why = "invalid character ':'"; break;
				case '\\': *why = "backslash outside quotes"; break;
				case ')': *why = "unbalanced ')'"; break;
				case '(': *why = "unterminated comment"; break;
				default: *why = "invalid character"; break;
				}
			}
			return EMAIL_INVALID;
		}
	}
	if (!any) {
		*why = "empty";
		return EMAIL_NONE;
	}
	switch (st) {
	case L_WORD:
		*why = out->len == start ? "no address" : "local part ends with a dot";
		return EMAIL_INVALID;
	case L_SEP:
		*why = "no @ and domain";
		return EMAIL_INVALID;
	case D_ATOM:
		if (out->len == dstart) {
			*why = "no domain";
			return EMAIL_INVALID;
		}
		buf_truncate(out, out->len - 1);     /* the trailing dot */
		break;
	case D_SEP:
		break;
	}

	/* the local part: characters, case, quoting, length */
	llen = dstart - 1 - start;
	if (llen == 0) {
		*why = "empty local part";
		return EMAIL_INVALID;
	}
	if (local_chars_ok(out->data + start, llen, why) != EMAIL_OK)
		return EMAIL_INVALID;
	{
		char *l = out->data + start;
		size_t i;

		for (i = 0; i < llen; i++)
			l[i] = lower(l[i]);
	}
	if (quoted && !is_dot_atom(out->data + start, llen)) {
		/* rewrite as one quoted string, escaping only '"' and '\' */
		char *copy = xstrndup(out->data + start, out->len - start);
		size_t i, dlen = out->len - dstart;

		buf_truncate(out, start);
		buf_addch(out, '"');
		for (i = 0; i < llen; i++) {
			if (copy[i] == '"' || copy[i] == '\\')
				buf_addch(out, '\\');
			buf_addch(out, copy[i]);
		}
		buf_addstr(out, "\"@");
		buf_add(out, copy + llen + 1, dlen);
		dstart = out->len - dlen;
		free(copy);
		llen = dstart - 1 - start;
	}
	if (llen > EMAIL_LOCAL_MAX) {
		*why = "local part too long";
		return EMAIL_INVALID;
	}
	if (domain_finish(out, dstart, why) != EMAIL_OK)
		return EMAIL_INVALID;
	if (out->len - start > EMAIL_ADDR_MAX) {
		*why = "address too long";
		return EMAIL_INVALID;
	}
	if (buf_failed(out)) {
		*why = "out of memory";
		return EMAIL_INVALID;
	}
	return EMAIL_OK;
}

/* ---- display names ---------------------------------------------------- */

/* Append [p, end) as a display name: quotes removed, comments dropped,
 * blanks folded to one space, control characters gone. */
static void
add_name(struct scan *sc, struct buf *out, const char *p, const char *end)
{
	size_t start = out->len, n;
	int space = 0;
	const char *q;

	while (p < end) {
		if ((n = space_len(p, end))) {
			space = 1;
			p += n;
			continue;
		}
		if (*p == '(' && (q = skip_comment(sc, p, end))) {
			space = 1;
			p = q;
			continue;
		}
		if (space && out->len > start)
			buf_addch(out, ' ');
		space = 0;
		if (*p == '"' && (q = skip_quoted(sc, p, end))) {
			for (p++; p < q - 1; p++) {
				if (*p == '\\' && p + 1 < q - 1)
					p++;
				if (!is_cls((unsigned char)*p, C_CTL))
					buf_addch(out, *p);
			}
			p = q;
			continue;
		}
		if (!is_cls((unsigned char)*p, C_CTL))
			buf_addch(out, *p);
		p++;
	}
}

/* A comment's inside as a name: escapes undone. */
static void
add_comment_name(struct scan *sc, struct buf *out, const char *p, size_t n)
{
	struct buf tmp = BUF_INIT;
	const char *end = p + n;

	for (; p < end; p++) {
		if (*p == '\\' && p + 1 < end)
			p++;
		buf_addch(&tmp, *p);
	}
	add_name(sc, out, tmp.data ? tmp.data : "", tmp.data ? tmp.data + tmp.len : "");
	buf_release(&tmp);
}

/* Replace invalid UTF-8 bytes of out[start..] with '?'. */
static void
fix_utf8(struct buf *out, size_t start)
{
	char *p, *end;
	uint32_t c;
	size_t n;

	if (!out->data)
		return;
	p = out->data + start;
	end = out->data + out->len;
	while (p < end) {
		if ((n = utf8_decode(p, end, &c))) {
			p += n;
		} else {
			*p++ = '?';
		}
	}
}

/* ---- elements --------------------------------------------------------- */

/* Strip a leading "mailto:" (any case) after blanks. */
static const char *
skip_mailto(struct scan *sc, const char *p, const char *end)
{
	const char *q = skip_cfws(sc, p, end, NULL, NULL);

	return has_prefix_ci(q, end, "mailto:") ? q + 7 : p;
}

/*
 * One element [a, b) of a list: append its canonical address to out and,
 * when name is not NULL, its display name to name.
 */
static int
parse_element(struct scan *sc, const char *a, const char *b, struct buf *out,
	struct buf *name, unsigned flags, const char **why)
{
	const char *lt, *gt, *cm = NULL, *p, *e;
	size_t cm_len = 0, nstart = name ? name->len : 0;
	int rc;

	a = skip_cfws(sc, a, b, NULL, NULL);
	b = rtrim(a, b);
	if (a == b) {
		*why = "empty";
		return EMAIL_NONE;
	}
	lt = scan_top(sc, a, b, "<");
	if (lt < b) {
		gt = scan_top(sc, lt + 1, b, ">");
		/* after the '>' only blanks and comments (or stray words) */
		if (gt < b) {
			e = scan_top(sc, gt + 1, b, "<@");
			if (e < b) {
				*why = "two addresses without a separator";
				return EMAIL_INVALID;
			}
		}
		p = skip_mailto(sc, lt + 1, gt);
		p = skip_cfws(sc, p, gt, NULL, NULL);
		if (p < gt && *p == '@') {
			/* obsolete route: <@relay1,@relay2:user@host> */
			e = scan_top(sc, p, gt, ":");
			if (e < gt)
				p = e + 1;
		}
		e = rtrim(p, gt);
		if (e - p >= 2 && *p == '\'' && e[-1] == '\'') {
			p++;
			e--;
		}
		rc = parse_spec(sc, p, e, out, NULL, NULL, why);
		if (rc == EMAIL_NONE) {
			*why = "empty angle brackets";
			rc = EMAIL_INVALID;
		}
		if (name) {
			add_name(sc, name, a, lt);
			if ((flags & EMAIL_DECODE_WORDS) && name->len > nstart) {
				char *raw = xstrndup(name->data + nstart,
					name->len - nstart);

				buf_truncate(name, nstart);
				rfc2047_decode(name, raw, strlen(raw));
				free(raw);
			}
			fix_utf8(name, nstart);
		}
		return rc;
	}
	/* Outlook's quoted headers: "Asha Patel [mailto:asha@x.com]" */
	e = rtrim(a, b);
	if (e[-1] == ']') {
		for (lt = e - 1; lt > a && *lt != '['; lt--)
			;
		if (*lt == '[' && has_prefix_ci(lt + 1, e, "mailto:")) {
			rc = parse_spec(sc, lt + 8, e - 1, out, NULL, NULL, why);
			if (rc == EMAIL_NONE) {
				*why = "empty mailto: link";
				rc = EMAIL_INVALID;
			}
			if (name) {
				add_name(sc, name, a, lt);
				fix_utf8(name, nstart);
			}
			return rc;
		}
	}
	/* a bare addr-spec; a stray '>' at its end is dropped */
	e = b;
	if (e[-1] == '>')
		e = rtrim(a, e - 1);
	if (e - a >= 2 && *a == '\'' && e[-1] == '\'') {
		a++;
		e--;
	}
	rc = parse_spec(sc, a, e, out, &cm, &cm_len, why);
	if (name && cm) {
		add_comment_name(sc, name, cm, cm_len);
		fix_utf8(name, nstart);
	}
	return rc;
}

/* ---- the splitter ----------------------------------------------------- */

struct split {
	const char *p, *end;
	const char *merge_until;     /* commas before this are part of a name */
	const char *nomerge_until;   /* commas before this are separators */
	struct scan sc;
};

static void
split_init(struct split *sp, const char *s, size_t n)
{
	memset(sp, 0, sizeof(*sp));
	sp->p = s;
	sp->end = s + n;
	sp->merge_until = s;
	sp->nomerge_until = s;
}

/* Is the ',' at q inside an unquoted display name ("Patel, Asha <a@x>")? */
static int
split_merge(struct split *sp, const char *q)
{
	const char *r;

	if (q < sp->merge_until)
		return 1;
	if (q < sp->nomerge_until)
		return 0;
	for (r = q + 1;; r++) {
		r = scan_top(&sp->sc, r, sp->end, ",;<@:");
		if (r < sp->end && *r == '<') {
			sp->merge_until = r;
			return 1;
		}
		if (r >= sp->end || *r != ',') {
			sp->nomerge_until = r;
			return 0;
		}
	}
}

/* The next element [*a, *b); 0 at the end.  Group names and "mailto:"
 * (text before a top-level ':' that precedes any '@' or '<') are cut. */
static int
split_next(struct split *sp, const char **a, const char **b)
{
	const char *start = sp->p, *p = sp->p, *q, *end = sp->end;
	int addrlike = 0;

	if (sp->p >= end)
		return 0;
	for (;;) {
		q = scan_top(&sp->sc, p, end, ",;<@:");
		if (q >= end) {
			*a = start;
			*b = end;
			sp->p = end;
			return 1;
		}
		switch (*q) {
		case '<':
			addrlike = 1;
			if (sp->sc.dead_angle) {
				p = q + 1;
				break;
			}
			p = scan_top(&sp->sc, q + 1, end, ">");
			if (p < end)
				p++;
			else
				sp->sc.dead_angle = 1;
			break;
		case '@':
			addrlike = 1;
			p = q + 1;
			break;
		case ':':
			/* "[mailto:" is Outlook's link, not a group */
			if (!addrlike && !(q - start >= 7 && q[-7] == '[' &&
			    has_prefix_ci(q - 6, q, "mailto")))
				start = q + 1;
			p = q + 1;
			break;
		case ',':
			if (!addrlike && split_merge(sp, q)) {
				p = q + 1;
				break;
			}
			/* fall through */
		default: /* ';' */
			*a = start;
			*b = q;
			sp->p = q + 1;
			return 1;
		}
	}
}

/* ---- mailto: URIs ----------------------------------------------------- */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* When s is a mailto: URI, its addresses (percent-decoded, query cut) go
 * to uri and 1 is returned. */
static int
mailto_decode(struct buf *uri, const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	while (p < end && space_len(p, end))
		p += space_len(p, end);
	if (!has_prefix_ci(p, end, "mailto:"))
		return 0;
	for (p += 7; p < end && *p != '?'; p++) {
		if (*p == '%' && p + 2 < end && hexval(p[1]) >= 0 &&
		    hexval(p[2]) >= 0) {
			buf_addch(uri, hexval(p[1]) * 16 + hexval(p[2]));
			p += 2;
		} else {
			buf_addch(uri, *p);
		}
	}
	return 1;
}

/* ---- the fast path ---------------------------------------------------- */

/* A plain "local@domain" with nothing to undo: canonical in one pass.
 * Returns 0 and appends, or -1 (nothing appended) to send it the long way. */
static int
fast_path(struct buf *out, const char *s, size_t n)
{
	const char *end = s + n, *at = NULL, *p;
	size_t start = out->len, llen, dlen;
	const char *dummy;
	char *w;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (p = s; p < end; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '@') {
			if (at)
				return -1;
			at = p;
		} else if (c == '.') {
			if (p == s || p[-1] == '.' || p[-1] == '@' ||
			    p + 1 == end || p[1] == '@' || p[1] == '.')
				return -1;
		} else if (!(at ? is_cls(c, C_LDH) : is_cls(c, C_ATEXT))) {
			return -1;
		}
	}
	if (!at)
		return -1;
	llen = (size_t)(at - s);
	dlen = (size_t)(end - at - 1);
	if (llen == 0 || llen > EMAIL_LOCAL_MAX || llen + 1 + dlen > EMAIL_ADDR_MAX)
		return -1;
	if (buf_grow(out, llen + 1 + dlen) < 0)
		return -1;
	w = out->data + start;
	for (p = s; p < end; p++)
		*w++ = lower(*p);
	*w = '\0';
	out->len = start + llen + 1 + dlen;
	w = out->data + start + llen + 1;
	/* an A-label needs libidn2's check: the long way */
	for (p = w; p + 4 <= w + dlen; p++) {
		if (memcmp(p, "xn--", 4) == 0 && (p == w || p[-1] == '.')) {
			buf_truncate(out, start);
			return -1;
		}
	}
	if (ldh_check(w, dlen, &dummy) != EMAIL_OK) {
		buf_truncate(out, start);
		return -1;
	}
	return 0;
}

/* ---- public ----------------------------------------------------------- */

int
email_normalize_flags(struct buf *out, const char *s, size_t n, unsigned flags,
	const char **why)
{
	struct buf uri = BUF_INIT;
	struct split sp;
	const char *a, *b, *dummy;
	size_t start = out->len;
	int rc = EMAIL_NONE, found = 0, r;

	cls_init();
	if (!why)
		why = &dummy;
	*why = NULL;
	if (!(flags & EMAIL_NO_FAST_PATH) && fast_path(out, s, n) == 0)
		return EMAIL_OK;
	if (mailto_decode(&uri, s, n)) {
		s = uri.data ? uri.data : "";
		n = uri.len;
	}
	split_init(&sp, s, n);
	*why = "empty";
	while (split_next(&sp, &a, &b)) {
		const char *w = NULL;
		size_t mark = out->len;

		r = parse_element(&sp.sc, a, b, out, NULL, flags, &w);
		if (r == EMAIL_NONE) {
			buf_truncate(out, mark);
			continue;
		}
		if (found++) {
			rc = EMAIL_MANY;
			*why = "several addresses in one field";
			break;
		}
		rc = r;
		*why = r == EMAIL_OK ? NULL : w;
		if (r != EMAIL_OK)
			buf_truncate(out, mark);
	}
	if (rc != EMAIL_OK)
		buf_truncate(out, start);
	buf_release(&uri);
	return rc;
}

int
email_normalize(struct buf *out, const char *s, size_t n, const char **why)
{
	return email_normalize_flags(out, s, n, 0, why);
}

const char *
email_domain(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at ? at + 1 : "";
}

int
email_match_key(struct buf *out, const char *s, size_t n, const char **why)
{
	size_t start = out->len, at, i, w;
	const char *dom;
	char *d;
	int rc;

	rc = email_normalize(out, s, n, why);
	if (rc != EMAIL_OK)
		return rc;
	d = out->data + start;
	dom = strrchr(d, '@');
	at = (size_t)(dom - d);
	if (d[0] == '"')
		return EMAIL_OK;
	/* cut "+tag" */
	for (i = 1; i < at; i++) {
		if (d[i] == '+') {
			/* "asha.+tag" -> "asha", so the key is an address too */
			while (i > 1 && d[i - 1] == '.')
				i--;
			memmove(d + i, d + at, out->len - start - at + 1);
			out->len = start + i + (out->len - start - at);
			at = i;
			break;
		}
	}
	dom = d + at + 1;
	if (strcmp(dom, "gmail.com") == 0 || strcmp(dom, "googlemail.com") == 0) {
		for (i = 0, w = 0; i < at; i++)
			if (d[i] != '.')
				d[w++] = d[i];
		if (w == 0)
			return EMAIL_OK;
		buf_truncate(out, start + w);
		buf_addstr(out, "@gmail.com");
	}
	return EMAIL_OK;
}

void
email_list_init(struct email_list *l)
{
	memset(l, 0, sizeof(*l));
}

void
email_list_release(struct email_list *l)
{
	free(l->v);
	buf_release(&l->text);
	buf_release(&l->uri);
	buf_release(&l->name);
	memset(l, 0, sizeof(*l));
}

static void
list_push(struct email_list *l, const struct email_item *it)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 8;
		l->v = xrealloc(l->v, l->alloc * sizeof(*l->v));
	}
	l->v[l->n++] = *it;
}

/*
 * The common list: plain addresses separated by ',' or ';' and blanks.
 * Returns 1 when every element took the fast path (and the list is
 * filled), 0 to take the long way (the list is then reset).
 */
static int
list_fast(struct email_list *l, const char *s, size_t n, size_t *valid)
{
	const char *p = s, *end = s + n, *a;

	*valid = 0;
	for (;;) {
		struct email_item it;

		while (p < end && (*p == ' ' || *p == '\t' || *p == ',' ||
		    *p == ';'))
			p++;
		if (p >= end)
			return 1;
		for (a = p; p < end && *p != ',' && *p != ';'; p++)
			;
		it.src = l->text.len;
		it.src_len = (size_t)(p - a);
		while (it.src_len && (a[it.src_len - 1] == ' ' ||
		    a[it.src_len - 1] == '\t'))
			it.src_len--;
		buf_add(&l->text, a, it.src_len);
		buf_addch(&l->text, '\0');
		it.addr = l->text.len;
		if (fast_path(&l->text, a, it.src_len) < 0) {
			l->n = 0;
			buf_reset(&l->text);
			return 0;
		}
		it.addr_len = l->text.len - it.addr;
		it.error = NULL;
		buf_addch(&l->text, '\0');
		it.name = l->text.len;
		it.name_len = 0;
		buf_addch(&l->text, '\0');
		list_push(l, &it);
		(*valid)++;
	}
}

size_t
email_list_parse(struct email_list *l, const char *s, size_t n, unsigned flags)
{
	struct split sp;
	const char *a, *b;
	size_t valid = 0;

	cls_init();
	l->n = 0;
	buf_reset(&l->text);
	buf_reset(&l->uri);
	if (mailto_decode(&l->uri, s, n)) {
		s = l->uri.data ? l->uri.data : "";
		n = l->uri.len;
	}
	if (list_fast(l, s, n, &valid))
		return valid;
	split_init(&sp, s, n);
	while (split_next(&sp, &a, &b)) {
		struct email_item it;
		size_t mark = l->text.len;
		const char *why = NULL, *ta = a, *tb = b;
		int rc;

		ta = skip_cfws(&sp.sc, ta, tb, NULL, NULL);
		tb = rtrim(ta, tb);
		it.src = l->text.len;
		it.src_len = (size_t)(tb - ta);
		buf_add(&l->text, ta, it.src_len);
		buf_addch(&l->text, '\0');
		it.addr = l->text.len;
		buf_reset(&l->name);
		rc = parse_element(&sp.sc, a, b, &l->text, &l->name, flags, &why);
		if (rc == EMAIL_NONE) {
			buf_truncate(&l->text, mark);
			continue;
		}
		if (rc != EMAIL_OK)
			buf_truncate(&l->text, it.addr);
		it.addr_len = l->text.len - it.addr;
		it.error = rc == EMAIL_OK ? NULL : why;
		buf_addch(&l->text, '\0');
		it.name = l->text.len;
		buf_add(&l->text, l->name.data, l->name.len);
		it.name_len = l->text.len - it.name;
		buf_addch(&l->text, '\0');
		list_push(l, &it);
		if (rc == EMAIL_OK)
			valid++;
	}
	return valid;
}

size_t
email_list_dedupe(struct email_list *l)
{
	size_t i, j, w = 0;

	for (i = 0; i < l->n; i++) {
		int dup = 0;

		if (l->v[i].error)
			continue;
		/* lists are short; a quadratic scan beats a hash table here */
		for (j = 0; j < w && !dup; j++)
			dup = l->v[j].addr_len == l->v[i].addr_len &&
				memcmp(email_list_addr(l, j), email_list_addr(l, i),
				l->v[i].addr_len) == 0;
		if (!dup)
			l->v[w++] = l->v[i];
	}
	l->n = w;
	return w;
}
