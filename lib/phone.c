/*
 * phone.c: libphonenumber's parse(), is_valid_number() and E.164 format,
 * ported line by line from python3-phonenumbers' phonenumberutil.py so that
 * the two agree on every input (tests/integration/phone-differential.sh
 * checks it).  Function names follow the Python ones; where the Python code
 * has an oddity that changes results, the port keeps it and says so.
 *
 * Strings are arrays of Unicode code points (struct ustr), because Python
 * works on code points: lengths (250 characters at most), \d, \w and the
 * positions of matches are all counted that way.
 */
#include <stdlib.h>
#include <string.h>

#include "phone.h"
#include "phone_meta.h"
#include "phone_re.h"
#include "banned.h"

#define MIN_LENGTH_FOR_NSN 2
#define MAX_LENGTH_FOR_NSN 17
#define MAX_LENGTH_COUNTRY_CODE 3
#define MAX_INPUT_STRING_LENGTH 250
/* Room for any string built from one input: phone-context + number. */
#define USTR_MAX (2 * MAX_INPUT_STRING_LENGTH + 8)

struct ustr {
	uint32_t c[USTR_MAX];
	size_t n;
};

/* A string of ASCII digits (a normalized number). */
struct dstr {
	char c[USTR_MAX + 1];
	size_t n;
};

/* ---- the fixed patterns of phonenumberutil.py ---- */

#define PLUS_CHARS "+\\uFF0B"
#define VALID_PUNCTUATION "-x\\u2010-\\u2015\\u2212\\u30FC\\uFF0D-\\uFF0F " \
	"\\u00A0\\u00AD\\u200B\\u2060\\u3000()\\uFF08\\uFF09\\uFF3B\\uFF3D.\\[\\]/~" \
	"\\u2053\\u223C\\uFF5E"
#define VALID_ALPHA "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#define VALID_PHONE_NUMBER "\\d{2}|[" PLUS_CHARS "]*(?:[" VALID_PUNCTUATION \
	"*]*\\d){3,}[" VALID_PUNCTUATION "*" VALID_ALPHA "\\d]*"

#define EXTN_SEP "[ \\u00A0\\t,]*"
#define EXTN_AFTER "[:\\.\\uFF0E]?[ \\u00A0\\t,-]*"
#define EXTN_EXPLICIT_LABELS "(?:e?xt(?:ensi(?:o\\u0301?|\\u00F3))?n?|" \
	"\\uFF45?\\uFF58\\uFF54\\uFF4E?|\\u0434\\u043E\\u0431|anexo)"
#define EXTN_AMBIGUOUS_LABELS "(?:[x\\uFF58#\\uFF03~\\uFF5E]|int|\\uFF49\\uFF4E\\uFF54)"
#define EXTN_NO_COMMA "[ \\u00A0\\t]*"
#define EXTN_PARSING \
	";ext=(\\d{1,20})" \
	"|" EXTN_SEP EXTN_EXPLICIT_LABELS EXTN_AFTER "(\\d{1,20})#?" \
	"|" EXTN_SEP EXTN_AMBIGUOUS_LABELS EXTN_AFTER "(\\d{1,9})#?" \
	"|[- ]+(\\d{1,6})#" \
	"|" EXTN_NO_COMMA "(?:,{2}|;)" EXTN_AFTER "(\\d{1,15})#?" \
	"|" EXTN_NO_COMMA "(?:,)+" EXTN_AFTER "(\\d{1,9})#?"

static struct phone_re *valid_phone_re, *extn_re;
static struct phone_re **meta_re;

static void
init_fixed(void)
{
	if (valid_phone_re)
		return;
	valid_phone_re = phone_re_compile(VALID_PHONE_NUMBER "(?:" EXTN_PARSING ")?",
		PHONE_RE_ICASE);
	extn_re = phone_re_compile("(?:" EXTN_PARSING ")$", PHONE_RE_ICASE);
	if (!valid_phone_re || !extn_re)
		abort();        /* a bug in the constants above, not bad input */
	meta_re = xcalloc(phone_meta_npatterns, sizeof(*meta_re));
}

/* The compiled metadata pattern i (compiled on first use). */
static const struct phone_re *
meta_pattern(int i)
{
	if (i < 0 || (size_t)i >= phone_meta_npatterns)
		return NULL;
	if (!meta_re[i]) {
		meta_re[i] = phone_re_compile(phone_meta_patterns[i], 0);
		if (!meta_re[i])
			abort();    /* the generator only emits what compiles */
	}
	return meta_re[i];
}

/* ---- metadata lookups ---- */

static const struct phone_meta_region *
metadata_for_region(const char *id)
{
	size_t lo = 0, hi = phone_meta_ngeo;

	if (!id)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, phone_meta_regions[mid].id);

		if (c == 0)
			return &phone_meta_regions[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static const struct phone_meta_cc *
cc_entry(int cc)
{
	size_t lo = 0, hi = phone_meta_nccs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cc == phone_meta_ccs[mid].cc)
			return &phone_meta_ccs[mid];
		if (cc < phone_meta_ccs[mid].cc)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static const struct phone_meta_region *
cc_region(const struct phone_meta_cc *e, size_t k)
{
	return &phone_meta_regions[phone_meta_cc_regions[e->first + k]];
}

/* region_code_for_country_code: the main region, "001", or "ZZ". */
static const char *
region_code_for_country_code(int cc)
{
	const struct phone_meta_cc *e = cc_entry(cc);

	return e ? cc_region(e, 0)->id : "ZZ";
}

/* metadata_for_region_or_calling_code */
static const struct phone_meta_region *
metadata_for_region_or_calling_code(int cc, const char *region)
{
	const struct phone_meta_cc *e;

	if (region && strcmp(region, "001") == 0) {
		e = cc_entry(cc);
		if (!e || strcmp(cc_region(e, 0)->id, "001") != 0)
			return NULL;
		return cc_region(e, 0);
	}
	return metadata_for_region(region);
}

/* ---- small string helpers ---- */

static int
is_plus(uint32_t c)
{
	return c == '+' || c == 0xff0b;
}

static long
ufind(const struct ustr *s, const char *needle, size_t from)
{
	size_t m = strlen(needle), i, j;

	for (i = from; i + m <= s->n; i++) {
		for (j = 0; j < m; j++)
			if (s->c[i + j] != (unsigned char)needle[j])
				break;
		if (j == m)
			return (long)i;
	}
	return -1;
}

/* dst = src[a:b] with Python's slice rules for 0 <= a, b. */
static void
uslice(struct ustr *dst, const struct ustr *src, size_t a, size_t b)
{
	if (b > src->n)
		b = src->n;
	dst->n = 0;
	if (a >= b)
		return;
	memmove(dst->c, src->c + a, (b - a) * sizeof(uint32_t));
	dst->n = b - a;
}

static void
uappend(struct ustr *dst, const struct ustr *src, size_t a, size_t b)
{
	if (b > src->n)
		b = src->n;
	if (a >= b)
		return;
	if (dst->n + (b - a) > USTR_MAX)
		b = a + (USTR_MAX - dst->n);
	memmove(dst->c + dst->n, src->c + a, (b - a) * sizeof(uint32_t));
	dst->n += b - a;
}

/* A digit string as code points, for running patterns on it. */
static size_t
d2u(const struct dstr *d, size_t from, uint32_t *out)
{
	size_t i;

	for (i = from; i < d->n; i++)
		out[i - from] = (unsigned char)d->c[i];
	return d->n - from;
}

static void
dset(struct dstr *d, const char *s, size_t n)
{
	memmove(d->c, s, n);
	d->n = n;
	d->c[n] = '\0';
}

/* ---- phonenumberutil.py, in its order ---- */

/* _extract_possible_number */
static void
extract_possible_number(const struct ustr *number, struct ustr *out)
{
	size_t i, start, end;

	for (start = 0; start < number->n; start++)
		if (is_plus(number->c[start]) || phone_re_is_decimal(number->c[start]))
			break;
	if (start == number->n) {
		out->n = 0;
		return;
	}
	/* _UNWANTED_END_CHAR_PATTERN (?:_|[^#\w])+$: the longest such tail */
	end = number->n;
	while (end > start) {
		uint32_t c = number->c[end - 1];

		if (c == '_' || (c != '#' && !phone_re_is_alnum(c)))
			end--;
		else
			break;
	}
	/* _SECOND_NUMBER_START_PATTERN [\\/] *x */
	for (i = start; i < end; i++) {
		size_t j;

		if (number->c[i] != '\\' && number->c[i] != '/')
			continue;
		for (j = i + 1; j < end && number->c[j] == ' '; j++)
			;
		if (j < end && number->c[j] == 'x') {
			end = i;
			break;
		}
	}
	uslice(out, number, start, end);
}

/* _is_viable_phone_number */
static int
is_viable_phone_number(const uint32_t *s, size_t n)
{
	if (n < MIN_LENGTH_FOR_NSN)
		return 0;
	return phone_re_match(valid_phone_re, s, n, PHONE_RE_FULL, NULL);
}

/* _normalize: vanity letters to digits when there are 3 or more letters,
 * else every Unicode digit to ASCII and everything else dropped. */
static void
normalize(const uint32_t *s, size_t n, struct dstr *out)
{
	size_t i, letters = 0;
	int newline = 0;

	out->n = 0;
	for (i = 0; i < n; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))
			letters++;
		if (s[i] == '\n')
			newline = 1;    /* '.' in (?:.*?[A-Za-z]){3}.* stops at it */
	}
	if (letters >= 3 && !newline) {
		/* _normalize_helper(_ALPHA_PHONE_MAPPINGS): char.upper() in map */
		static const char keypad[] = "22233344455566677778889999";

		for (i = 0; i < n; i++) {
			uint32_t c = s[i];

			if (c == 0x131)         /* dotless i: upper() is 'I' */
				c = 'I';
			else if (c == 0x17f)    /* long s: upper() is 'S' */
				c = 'S';
			else if (c >= 'a' && c <= 'z')
				c -= 32;
			if (c >= 'A' && c <= 'Z')
				out->c[out->n++] = keypad[c - 'A'];
			else if (c >= '0' && c <= '9')
				out->c[out->n++] = (char)c;
		}
	} else {
		for (i = 0; i < n; i++) {
			int d = phone_re_digit_value(s[i]);

			if (d >= 0)
				out->c[out->n++] = (char)('0' + d);
		}
	}
	out->c[out->n] = '\0';
}

/* _match_national_number(number, desc, False) */
static int
match_national_number(const char *num, size_t n, const struct phone_meta_desc *d)
{
	uint32_t u[USTR_MAX];
	const struct phone_re *re;
	size_t i;

	if (d->pattern < 0)
		return 0;
	re = meta_pattern(d->pattern);
	for (i = 0; i < n; i++)
		u[i] = (unsigned char)num[i];
	return phone_re_match(re, u, n, PHONE_RE_FULL, NULL);
}

/* _is_number_matching_desc */
static int
is_number_matching_desc(const char *num, size_t n, const struct phone_meta_desc *d)
{
	if (d->pattern < 0)
		return 0;
	if (d->lengths && (n > 31 || !(d->lengths & (1u << n))))
		return 0;
	return match_national_number(num, n, d);
}

/* _number_type_helper */
static enum phone_type
number_type_helper(const char *num, size_t n, const struct phone_meta_region *m)
{
	static const struct { int desc; enum phone_type type; } order[] = {
		{ PHONE_DESC_PREMIUM_RATE, PHONE_TYPE_PREMIUM_RATE },
		{ PHONE_DESC_TOLL_FREE, PHONE_TYPE_TOLL_FREE },
		{ PHONE_DESC_SHARED_COST, PHONE_TYPE_SHARED_COST },
		{ PHONE_DESC_VOIP, PHONE_TYPE_VOIP },
		{ PHONE_DESC_PERSONAL_NUMBER, PHONE_TYPE_PERSONAL_NUMBER },
		{ PHONE_DESC_PAGER, PHONE_TYPE_PAGER },
		{ PHONE_DESC_UAN, PHONE_TYPE_UAN },
		{ PHONE_DESC_VOICEMAIL, PHONE_TYPE_VOICEMAIL },
	};
	size_t i;

	if (!is_number_matching_desc(num, n, &m->desc[PHONE_DESC_GENERAL]))
		return PHONE_TYPE_UNKNOWN;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (is_number_matching_desc(num, n, &m->desc[order[i].desc]))
			return order[i].type;
	if (is_number_matching_desc(num, n, &m->desc[PHONE_DESC_FIXED_LINE])) {
		if (m->same_mobile_fixed)
			return PHONE_TYPE_FIXED_LINE_OR_MOBILE;
		if (is_number_matching_desc(num, n, &m->desc[PHONE_DESC_MOBILE]))
			return PHONE_TYPE_FIXED_LINE_OR_MOBILE;
		return PHONE_TYPE_FIXED_LINE;
	}
	if (!m->same_mobile_fixed &&
		is_number_matching_desc(num, n, &m->desc[PHONE_DESC_MOBILE]))
		return PHONE_TYPE_MOBILE;
	return PHONE_TYPE_UNKNOWN;
}

enum validation_result { IS_POSSIBLE, IS_POSSIBLE_LOCAL_ONLY, TOO_SHORT,
	INVALID_LENGTH, TOO_LONG };

/* _test_number_length(number, metadata, UNKNOWN) */
static enum validation_result
test_number_length(size_t n, const struct phone_meta_region *m)
{
	uint32_t possible = m->desc[PHONE_DESC_GENERAL].lengths;
	uint32_t local = m->desc[PHONE_DESC_GENERAL].local_lengths;
	unsigned min = 0, max = 31;

	if (n <= 31 && (local & (1u << n)))
		return IS_POSSIBLE_LOCAL_ONLY;
	while (min < 31 && !(possible & (1u << min)))
		min++;
	while (max > 0 && !(possible & (1u << max)))
		max--;
	if (min == n)
		return IS_POSSIBLE;
	if (min > n)
		return TOO_SHORT;
	if (max < n)
		return TOO_LONG;
	return (possible & (1u << n)) ? IS_POSSIBLE : INVALID_LENGTH;
}

/* _maybe_strip_national_prefix_carrier_code: strips in place, returns 1
 * when something was stripped. */
static int
maybe_strip_national_prefix(struct dstr *num, const struct phone_meta_region *m)
{
	uint32_t u[USTR_MAX];
	long caps[2 * 32];
	const struct phone_re *re;
	int ngroups, viable_original;
	size_t n, end;
	struct dstr t;

	if (num->n == 0 || m->np_parsing < 0)
		return 0;
	re = meta_pattern(m->np_parsing);
	ngroups = phone_re_ngroups(re);
	if (ngroups > 31)
		return 0;
	n = d2u(num, 0, u);
	if (!phone_re_match(re, u, n, PHONE_RE_PREFIX, caps))
		return 0;
	end = (size_t)caps[1];
	viable_original = match_national_number(num->c, num->n,
		&m->desc[PHONE_DESC_GENERAL]);
	if (!m->np_transform || ngroups == 0 || caps[2 * ngroups] < 0) {
		if (viable_original && !match_national_number(num->c + end,
				num->n - end, &m->desc[PHONE_DESC_GENERAL]))
			return 0;
		dset(&t, num->c + end, num->n - end);
		*num = t;
		return 1;
	}
	/* re.sub(pattern, rule, number, count=1): the match is at 0 */
	t.n = 0;
	{
		const char *r;

		for (r = m->np_transform; *r; r++) {
			if (*r == '$' && r[1] >= '1' && r[1] <= '9') {
				int g = r[1] - '0';

				r++;
				if (g <= ngroups && caps[2 * g] >= 0) {
					size_t a = (size_t)caps[2 * g], b = (size_t)caps[2 * g + 1];

					memmove(t.c + t.n, num->c + a, b - a);
					t.n += b - a;
				}
			} else if (t.n < USTR_MAX) {
				t.c[t.n++] = *r;
			}
		}
		if (t.n + (num->n - end) > USTR_MAX)
			return 0;
		memmove(t.c + t.n, num->c + end, num->n - end);
		t.n += num->n - end;
		t.c[t.n] = '\0';
	}
	if (viable_original && !match_national_number(t.c, t.n,
			&m->desc[PHONE_DESC_GENERAL]))
		return 0;
	*num = t;
	return 1;
}

/* _maybe_strip_extension: returns the extension's length (0: none) */
static void
maybe_strip_extension(struct ustr *number, struct phone_info *info)
{
	long caps[2 * 8];
	int g;

	if (!phone_re_search(extn_re, number->c, number->n, caps))
		return;
	if (!is_viable_phone_number(number->c, (size_t)caps[0]))
		return;
	for (g = 1; g <= phone_re_ngroups(extn_re); g++) {
		if (caps[2 * g] >= 0) {
			struct buf b = BUF_INIT;
			long i;

			for (i = caps[2 * g]; i < caps[2 * g + 1]; i++) {
				uint32_t c = number->c[i];
				char enc[4];
				size_t k;

				if (c < 0x80) {
					enc[0] = (char)c; k = 1;
				} else if (c < 0x800) {
					enc[0] = (char)(0xc0 | (c >> 6));
					enc[1] = (char)(0x80 | (c & 0x3f)); k = 2;
				} else if (c < 0x10000) {
					enc[0] = (char)(0xe0 | (c >> 12));
					enc[1] = (char)(0x80 | ((c >> 6) & 0x3f));
					enc[2] = (char)(0x80 | (c & 0x3f)); k = 3;
				} else {
					enc[0] = (char)(0xf0 | (c >> 18));
					enc[1] = (char)(0x80 | ((c >> 12) & 0x3f));
					enc[2] = (char)(0x80 | ((c >> 6) & 0x3f));
					enc[3] = (char)(0x80 | (c & 0x3f)); k = 4;
				}
				buf_add(&b, enc, k);
			}
			if (b.len < sizeof(info->extension)) {
				memcpy(info->extension, buf_cstr(&b), b.len + 1);
			}
			buf_release(&b);
			number->n = (size_t)caps[0];
			return;
		}
	}
}

/* _extract_country_code: 0 when the digits start with no known code */
static int
extract_country_code(struct dstr *num)
{
	size_t i;

	if (num->n == 0 || num->c[0] == '0')
		return 0;
	for (i = 1; i <= MAX_LENGTH_COUNTRY_CODE && i <= num->n; i++) {
		int cc = 0;
		size_t k;

		for (k = 0; k < i; k++)
			cc = cc * 10 + (num->c[k] - '0');
		if (cc_entry(cc)) {
			struct dstr t;

			dset(&t, num->c + i, num->n - i);
			*num = t;
			return cc;
		}
	}
	return 0;
}

enum cc_source { FROM_DEFAULT_COUNTRY, FROM_PLUS, FROM_IDD };

/* _maybe_strip_i18n_prefix_and_normalize */
static enum cc_source
maybe_strip_i18n_prefix_and_normalize(const struct ustr *number,
	const struct phone_meta_region *m, struct dstr *out)
{
	uint32_t u[USTR_MAX];
	long caps[2 * 32];
	const struct phone_re *idd;
	size_t i = 0, n;

	out->n = 0;
	out->c[0] = '\0';
	if (number->n == 0)
		return FROM_DEFAULT_COUNTRY;
	while (i < number->n && is_plus(number->c[i]))
		i++;
	if (i > 0) {
		normalize(number->c + i, number->n - i, out);
		return FROM_PLUS;
	}
	normalize(number->c, number->n, out);
	/* "NonMatch" when the region has no international prefix */
	idd = m ? meta_pattern(m->intl_prefix) : NULL;
	if (!idd || phone_re_ngroups(idd) > 31)
		return FROM_DEFAULT_COUNTRY;
	n = d2u(out, 0, u);
	if (phone_re_match(idd, u, n, PHONE_RE_PREFIX, caps)) {
		size_t end = (size_t)caps[1];
		struct dstr t;

		/* _parse_prefix_as_idd: a 0 right after the IDD is no country code */
		if (end < out->n && out->c[end] == '0')
			return FROM_DEFAULT_COUNTRY;
		dset(&t, out->c + end, out->n - end);
		*out = t;
		return FROM_IDD;
	}
	return FROM_DEFAULT_COUNTRY;
}

/* _maybe_extract_country_code: returns 0 or a status; *cc and nsn set */
static enum phone_status
maybe_extract_country_code(const struct ustr *number,
	const struct phone_meta_region *m, int *cc, struct dstr *nsn)
{
	struct dstr full;
	enum cc_source src;

	*cc = 0;
	nsn->n = 0;
	nsn->c[0] = '\0';
	if (number->n == 0)
		return PHONE_OK;
	src = maybe_strip_i18n_prefix_and_normalize(number, m, &full);
	if (src != FROM_DEFAULT_COUNTRY) {
		int c;

		if (full.n <= MIN_LENGTH_FOR_NSN)
			return PHONE_TOO_SHORT_AFTER_IDD;
		c = extract_country_code(&full);
		if (c) {
			*cc = c;
			*nsn = full;
			return PHONE_OK;
		}
		return PHONE_INVALID_COUNTRY_CODE;
	}
	if (m) {
		char ccs[8];
		size_t k = 0;
		unsigned v = m->country_code;
		char tmp[8];
		size_t t = 0;

		do {
			tmp[t++] = (char)('0' + v % 10);
			v /= 10;
		} while (v);
		while (t)
			ccs[k++] = tmp[--t];
		if (full.n >= k && memcmp(full.c, ccs, k) == 0) {
			struct dstr pot;
			const struct phone_meta_desc *g = &m->desc[PHONE_DESC_GENERAL];

			dset(&pot, full.c + k, full.n - k);
			maybe_strip_national_prefix(&pot, m);
			if ((!match_national_number(full.c, full.n, g) &&
					match_national_number(pot.c, pot.n, g)) ||
				test_number_length(full.n, m) == TOO_LONG) {
				*cc = m->country_code;
				*nsn = pot;
				return PHONE_OK;
			}
		}
	}
	return PHONE_OK;
}

/* _build_national_number_for_parsing */
static void
build_national_number_for_parsing(const struct ustr *number, struct ustr *out)
{
	long pc = ufind(number, ";phone-context=", 0), isdn;

	if (pc >= 0) {
		size_t start = (size_t)pc + strlen(";phone-context=");
		long tel;
		size_t from;

		out->n = 0;
		if (start + 1 < number->n && number->c[start] == '+') {
			long end = ufind(number, ";", start);

			if (end > 0)
				uslice(out, number, start, (size_t)end);
			else
				uslice(out, number, start, number->n);
		}
		tel = ufind(number, "tel:", 0);
		from = tel >= 0 ? (size_t)tel + 4 : 0;
		uappend(out, number, from, (size_t)pc);
	} else {
		extract_possible_number(number, out);
	}
	isdn = ufind(out, ";isub=", 0);
	if (isdn > 0)
		out->n = (size_t)isdn;
}

/* region_code_for_number / _region_code_for_number_from_list */
static const struct phone_meta_region *
region_for_number(int cc, const char *nsn, size_t n)
{
	const struct phone_meta_cc *e = cc_entry(cc);
	size_t k;

	if (!e)
		return NULL;
	if (e->count == 1)
		return cc_region(e, 0);
	for (k = 0; k < e->count; k++) {
		const struct phone_meta_region *m = cc_region(e, k);

		if (m->leading_digits >= 0) {
			uint32_t u[USTR_MAX];
			size_t i;

			for (i = 0; i < n; i++)
				u[i] = (unsigned char)nsn[i];
			if (phone_re_match(meta_pattern(m->leading_digits), u, n,
					PHONE_RE_PREFIX, NULL))
				return m;
		} else if (number_type_helper(nsn, n, m) != PHONE_TYPE_UNKNOWN) {
			return m;
		}
	}
	return NULL;
}

/* parse(): 0 (PHONE_OK) with *cc and nsn, or the parse error */
static enum phone_status
parse(const struct ustr *number, const char *region, int *cc_out,
	struct dstr *nsn_out, struct phone_info *info)
{
	struct ustr *nn = xmalloc(sizeof(*nn));
	const struct phone_meta_region *m;
	struct dstr nnn;
	enum phone_status st;
	int cc = 0;

	*cc_out = 0;
	if (number->n > MAX_INPUT_STRING_LENGTH) {
		st = PHONE_TOO_LONG;
		goto out;
	}
	build_national_number_for_parsing(number, nn);
	if (!is_viable_phone_number(nn->c, nn->n)) {
		st = PHONE_NOT_A_NUMBER;
		goto out;
	}
	/* _check_region_for_parsing: SUPPORTED_REGIONS is case-sensitive */
	if (!metadata_for_region(region) && (nn->n == 0 || !is_plus(nn->c[0]))) {
		st = PHONE_INVALID_COUNTRY_CODE;
		goto out;
	}
	maybe_strip_extension(nn, info);
	/* metadata_for_region(region.upper()) */
	m = NULL;
	if (region) {
		char up[8];
		size_t i;

		for (i = 0; region[i] && i < sizeof(up) - 1; i++)
			up[i] = (region[i] >= 'a' && region[i] <= 'z') ?
				(char)(region[i] - 32) : region[i];
		up[i] = '\0';
		if (!region[i])
			m = metadata_for_region(up);
	}
	st = maybe_extract_country_code(nn, m, &cc, &nnn);
	if (st == PHONE_INVALID_COUNTRY_CODE && nn->n && is_plus(nn->c[0])) {
		struct ustr *rest = xmalloc(sizeof(*rest));
		size_t i = 0;

		while (i < nn->n && is_plus(nn->c[i]))
			i++;
		uslice(rest, nn, i, nn->n);
		st = maybe_extract_country_code(rest, m, &cc, &nnn);
		free(rest);
		if (st == PHONE_OK && cc == 0)
			st = PHONE_INVALID_COUNTRY_CODE;
	}
	if (st != PHONE_OK)
		goto out;
	if (cc != 0) {
		const char *number_region = region_code_for_country_code(cc);

		if (!region || strcmp(number_region, region) != 0)
			m = metadata_for_region_or_calling_code(cc, number_region);
	} else {
		struct dstr more;

		normalize(nn->c, nn->n, &more);
		memmove(nnn.c + nnn.n, more.c, more.n);
		nnn.n += more.n;
		nnn.c[nnn.n] = '\0';
		if (region && m)
			cc = m->country_code;
	}
	if (nnn.n < MIN_LENGTH_FOR_NSN) {
		st = PHONE_TOO_SHORT;
		goto out;
	}
	if (m) {
		struct dstr pot = nnn;
		enum validation_result vr;

		maybe_strip_national_prefix(&pot, m);
		vr = test_number_length(pot.n, m);
		if (vr != TOO_SHORT && vr != IS_POSSIBLE_LOCAL_ONLY &&
			vr != INVALID_LENGTH)
			nnn = pot;
	}
	if (nnn.n < MIN_LENGTH_FOR_NSN) {
		st = PHONE_TOO_SHORT;
		goto out;
	}
	if (nnn.n > MAX_LENGTH_FOR_NSN) {
		st = PHONE_TOO_LONG;
		goto out;
	}
	/* The Italian leading zeros plus int(nnn) give back nnn itself. */
	*cc_out = cc;
	*nsn_out = nnn;
	st = PHONE_OK;
out:
	free(nn);
	return st;
}

enum phone_status
phone_normalize(const char *text, const char *default_region,
	struct buf *e164_out, struct phone_info *info)
{
	return phone_normalize_n(text, strlen(text), default_region, e164_out,
		info);
}

enum phone_status
phone_normalize_n(const char *text, size_t len, const char *default_region,
	struct buf *e164_out, struct phone_info *info)
{
	struct phone_info local;
	struct ustr *in;
	struct dstr nsn;
	enum phone_status st;
	const struct phone_meta_region *m;
	int cc;

	init_fixed();
	if (!info)
		info = &local;
	memset(info, 0, sizeof(*info));
	info->type = PHONE_TYPE_UNKNOWN;
	buf_reset(e164_out);
	in = xmalloc(sizeof(*in));
	in->n = phone_utf8_decode(text, len, in->c, USTR_MAX);
	if (in->n > MAX_INPUT_STRING_LENGTH) {
		free(in);
		info->extension[0] = '\0';
		return PHONE_TOO_LONG;
	}
	st = parse(in, default_region, &cc, &nsn, info);
	free(in);
	if (st != PHONE_OK) {
		info->extension[0] = '\0';
		return st;
	}
	info->country_code = cc;
	memcpy(info->national, nsn.c, nsn.n + 1);
	buf_printf(e164_out, "+%d%s", cc, nsn.c);
	/* is_valid_number */
	m = region_for_number(cc, nsn.c, nsn.n);
	if (!m)
		return PHONE_INVALID;
	memcpy(info->region, m->id, sizeof(info->region));
	if (strcmp(m->id, "001") != 0 && m->country_code != cc)
		return PHONE_INVALID;
	info->type = number_type_helper(nsn.c, nsn.n, m);
	return info->type == PHONE_TYPE_UNKNOWN ? PHONE_INVALID : PHONE_OK;
}

const char *
phone_status_name(enum phone_status status)
{
	switch (status) {
	case PHONE_OK: return "ok";
	case PHONE_INVALID: return "invalid";
	case PHONE_NOT_A_NUMBER: return "not-a-number";
	case PHONE_INVALID_COUNTRY_CODE: return "invalid-country-code";
	case PHONE_TOO_SHORT_AFTER_IDD: return "too-short-after-idd";
	case PHONE_TOO_SHORT: return "too-short";
	case PHONE_TOO_LONG: return "too-long";
	}
	return "unknown";
}

const char *
phone_type_name(enum phone_type type)
{
	static const char *const names[] = { "FIXED_LINE", "MOBILE",
		"FIXED_LINE_OR_MOBILE", "TOLL_FREE", "PREMIUM_RATE", "SHARED_COST",
		"VOIP", "PERSONAL_NUMBER", "PAGER", "UAN", "VOICEMAIL", "UNKNOWN" };

	if ((unsigned)type > PHONE_TYPE_UNKNOWN)
		return "UNKNOWN";
	return names[type];
}

const char *
phone_region_for_number(int country_code, const char *national)
{
	const struct phone_meta_region *m;
	size_t n = strlen(national);

	init_fixed();
	if (n > MAX_LENGTH_FOR_NSN)
		return NULL;
	m = region_for_number(country_code, national, n);
	return m ? m->id : NULL;
}

int
phone_country_code_for_region(const char *region)
{
	const struct phone_meta_region *m = metadata_for_region(region);

	return m ? m->country_code : 0;
}

const char *
phone_metadata_version(void)
{
	return phone_meta_version;
}
