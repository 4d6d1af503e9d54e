#include "html.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "banned.h"

static const struct {
	const char *name;
	unsigned cp;
} entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", 0xa0 }, { "copy", 0xa9 }, { "reg", 0xae },
	{ "trade", 0x2122 }, { "mdash", 0x2014 }, { "ndash", 0x2013 },
	{ "hellip", 0x2026 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
	{ "ldquo", 0x201c }, { "rdquo", 0x201d }, { "sbquo", 0x201a },
	{ "bdquo", 0x201e }, { "laquo", 0xab }, { "raquo", 0xbb },
	{ "bull", 0x2022 }, { "middot", 0xb7 }, { "euro", 0x20ac },
	{ "pound", 0xa3 }, { "yen", 0xa5 }, { "cent", 0xa2 }, { "sect", 0xa7 },
	{ "deg", 0xb0 }, { "plusmn", 0xb1 }, { "times", 0xd7 },
	{ "divide", 0xf7 }, { "frac12", 0xbd }, { "frac14", 0xbc },
	{ "frac34", 0xbe }, { "iexcl", 0xa1 }, { "iquest", 0xbf },
	{ "shy", 0xad }, { "zwnj", 0x200c }, { "zwj", 0x200d },
	{ "thinsp", 0x2009 }, { "ensp", 0x2002 }, { "emsp", 0x2003 },
	{ "dagger", 0x2020 }, { "para", 0xb6 }, { "micro", 0xb5 },
	{ "auml", 0xe4 }, { "ouml", 0xf6 }, { "uuml", 0xfc }, { "Auml", 0xc4 },
	{ "Ouml", 0xd6 }, { "Uuml", 0xdc }, { "szlig", 0xdf },
	{ "eacute", 0xe9 }, { "egrave", 0xe8 }, { "ecirc", 0xea },
	{ "Eacute", 0xc9 }, { "aacute", 0xe1 }, { "agrave", 0xe0 },
	{ "acirc", 0xe2 }, { "ccedil", 0xe7 }, { "Ccedil", 0xc7 },
	{ "iacute", 0xed }, { "oacute", 0xf3 }, { "uacute", 0xfa },
	{ "ntilde", 0xf1 }, { "Ntilde", 0xd1 }, { "aring", 0xe5 },
	{ "Aring", 0xc5 }, { "oslash", 0xf8 }, { "Oslash", 0xd8 },
	{ "aelig", 0xe6 }, { "AElig", 0xc6 }, { "otilde", 0xf5 },
	{ "atilde", 0xe3 }, { "ocirc", 0xf4 }, { "ucirc", 0xfb },
	{ "icirc", 0xee }, { "iuml", 0xef }, { "euml", 0xeb },
	{ NULL, 0 }
};

static void
put_utf8(struct buf *out, unsigned cp)
{
	char t[4];

	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80) {
		buf_addch(out, (int)cp);
	} else if (cp < 0x800) {
		t[0] = (char)(0xc0 | (cp >> 6));
		t[1] = (char)(0x80 | (cp & 0x3f));
		buf_add(out, t, 2);
	} else if (cp < 0x10000) {
		t[0] = (char)(0xe0 | (cp >> 12));
		t[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		t[2] = (char)(0x80 | (cp & 0x3f));
		buf_add(out, t, 3);
	} else {
		t[0] = (char)(0xf0 | (cp >> 18));
		t[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		t[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		t[3] = (char)(0x80 | (cp & 0x3f));
		buf_add(out, t, 4);
	}
}

size_t
html_entity(struct buf *out, const char *s, size_t n)
{
	size_t i = 1;
	unsigned long cp = 0;

	if (n < 3 || s[0] != '&')
		return 0;
	if (s[1] == '#') {
		int hex = 0, digits = 0;

		i = 2;
		if (i < n && (s[i] == 'x' || s[i] == 'X')) {
			hex = 1;
			i++;
		}
		while (i < n && digits < 8 &&
		    (hex ? isxdigit((unsigned char)s[i]) :
		     isdigit((unsigned char)s[i]))) {
			int c = (unsigned char)s[i];

			cp = cp * (hex ? 16 : 10) + (unsigned long)(isdigit(c) ?
			    c - '0' : (tolower(c) - 'a' + 10));
			i++;
			digits++;
		}
		if (!digits)
			return 0;
		if (i < n && s[i] == ';')
			i++;
		/* browsers read C1 references as windows-1252 */
		if (cp >= 0x80 && cp <= 0x9f) {
			static const unsigned short c1[32] = {
				0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026,
				0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039,
				0x0152, 0x8d, 0x017d, 0x8f, 0x90, 0x2018, 0x2019,
				0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc,
				0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e,
				0x0178
			};
			cp = c1[cp - 0x80];
		}
		put_utf8(out, cp > 0x10ffff ? 0xfffd : (unsigned)cp);
		return i;
	}
	while (i < n && i < 12 && isalnum((unsigned char)s[i]))
		i++;
	if (i >= n || s[i] != ';' || i == 1)
		return 0;
	{
		size_t k, len = i - 1;

		for (k = 0; entities[k].name; k++)
			if (strlen(entities[k].name) == len &&
			    memcmp(entities[k].name, s + 1, len) == 0) {
				put_utf8(out, entities[k].cp);
				return i + 1;
			}
	}
	return 0;
}

struct out {
	struct buf *b;
	size_t base;        /* out->len when we started */
	size_t max;
	int cut;
	int space;          /* a space is pending */
	int nl;             /* newlines pending (0..2) */
	int started;        /* some text written */
	int at_line_start;
};

static void
emit(struct out *o, const char *s, size_t n)
{
	size_t used;

	if (o->cut || n == 0)
		return;
	if (n == 1 && s[0] == '\n') {
		size_t have = o->b->len - o->base;

		if (!o->started || (have >= 2 &&
		    o->b->data[o->b->len - 1] == '\n' &&
		    o->b->data[o->b->len - 2] == '\n'))
			return;
	}
	if (o->started && o->nl) {
		buf_add(o->b, "\n\n", (size_t)(o->nl > 2 ? 2 : o->nl));
		o->at_line_start = 1;
		o->space = 0;
	}
	o->nl = 0;
	if (o->space && o->started && !o->at_line_start)
		buf_addch(o->b, ' ');
	o->space = 0;
	used = o->b->len - o->base;
	if (o->max && used + n > o->max) {
		/* cut on a character boundary */
		size_t k = o->max > used ? o->max - used : 0;

		while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
			k--;
		buf_add(o->b, s, k);
		o->cut = 1;
		return;
	}
	buf_add(o->b, s, n);
	o->started = 1;
	o->at_line_start = s[n - 1] == '\n';
}

static void
newline(struct out *o, int count)
{
	if (o->nl < count)
		o->nl = count;
	o->space = 0;
}

/* Tag name at s (after '<' and optional '/'), lower-cased into t. */
static size_t
tag_name(const char *s, size_t n, char *t, size_t tn)
{
	size_t i = 0;

	while (i < n && (isalnum((unsigned char)s[i]))) {
		if (i + 1 < tn)
			t[i] = (char)tolower((unsigned char)s[i]);
		i++;
	}
	t[i + 1 < tn ? i : tn - 1] = '\0';
	return i;
}

static int
is_one_of(const char *t, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(t, *list) == 0)
			return 1;
	return 0;
}

/* Find the end of an element whose content is dropped: </name ... > */
static size_t
skip_to_close(const char *s, size_t n, size_t i, const char *name)
{
	size_t ln = strlen(name);

	while (i < n) {
		const char *lt = memchr(s + i, '<', n - i);

		if (!lt)
			return n;
		i = (size_t)(lt - s);
		if (i + 2 + ln <= n && s[i + 1] == '/' &&
		    strncasecmp(s + i + 2, name, ln) == 0) {
			const char *gt = memchr(s + i, '>', n - i);

			return gt ? (size_t)(gt - s) + 1 : n;
		}
		i++;
	}
	return n;
}

int
html_to_text(struct buf *out, const char *s, size_t n, size_t max)
{
	static const char *const blocks[] = {
		"p", "div", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4",
		"h5", "h6", "blockquote", "pre", "hr", "dl", "dt", "dd",
		"section", "article", "header", "footer", "center", "address",
		"form", "fieldset", "nav", "aside", "main", "figure", NULL
	};
	static const char *const paragraphs[] = {
		"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table",
		"ul", "ol", "pre", NULL
	};
	static const char *const dropped[] = {
		"script", "style", "head", "title", "noscript", "template",
		"svg", "object", NULL
	};
	struct out o;
	size_t i = 0;
	int pre = 0;
	struct buf ent = BUF_INIT;

	memset(&o, 0, sizeof(o));
	o.b = out;
	o.base = out->len;
	o.max = max;
	o.at_line_start = 1;
	while (i < n && !o.cut) {
		char c = s[i];

		if (c == '<') {
			char t[16];
			size_t j = i + 1, k;
			int closing = 0;
			const char *gt;

			if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
				const char *end = NULL;
				size_t p;

				for (p = i + 4; p + 2 < n; p++)
					if (s[p] == '-' && s[p + 1] == '-' &&
					    s[p + 2] == '>') {
						end = s + p;
						break;
					}
				i = end ? (size_t)(end - s) + 3 : n;
				continue;
			}
			if (j < n && s[j] == '/') {
				closing = 1;
				j++;
			}
			k = tag_name(s + j, n - j, t, sizeof(t));
			if (k == 0 && !(j < n && (s[j] == '!' || s[j] == '?'))) {
				/* a lone '<' is text */
				emit(&o, "<", 1);
				i++;
				continue;
			}
			gt = memchr(s + j, '>', n - j);
			if (!gt) {
				i = n;
				break;
			}
			/* skip quoted attribute values containing '>' */
			{
				size_t p = j + k;
				char q = 0;

				while (p < n) {
					if (q) {
						if (s[p] == q)
							q = 0;
					} else if (s[p] == '"' || s[p] == '\'') {
						if (p > 0 && s[p - 1] == '=')
							q = s[p];
					} else if (s[p] == '>') {
						break;
					}
					p++;
				}
				gt = p < n ? s + p : NULL;
				if (!gt) {
					i = n;
					break;
				}
			}
			i = (size_t)(gt - s) + 1;
			if (k == 0)
				continue;       /* <!DOCTYPE>, <?xml?> */
			if (!closing && is_one_of(t, dropped)) {
				if (gt[-1] != '/')
					i = skip_to_close(s, n, i, t);
				continue;
			}
			if (strcmp(t, "br") == 0) {
				if (o.nl)
					o.nl++;
				else
					emit(&o, "\n", 1);
				o.space = 0;
			} else if (strcmp(t, "li") == 0) {
				newline(&o, 1);
				if (!closing) {
					emit(&o, "- ", 2);
					o.at_line_start = 1;
				}
			} else if (strcmp(t, "td") == 0 || strcmp(t, "th") == 0) {
				if (!closing)
					o.space = 1;
			} else if (is_one_of(t, blocks)) {
				newline(&o, is_one_of(t, paragraphs) ? 2 : 1);
				if (strcmp(t, "pre") == 0)
					pre = !closing;
			} else if (strcmp(t, "img") == 0) {
				o.space = 1;
			}
			continue;
		}
		if (c == '&') {
			size_t used;

			buf_reset(&ent);
			used = html_entity(&ent, s + i, n - i);
			if (used) {
				/* nbsp is a space that does not collapse */
				if (ent.len == 2 && (unsigned char)ent.data[0] == 0xc2 &&
				    (unsigned char)ent.data[1] == 0xa0)
					emit(&o, " ", 1);
				else
					emit(&o, ent.data, ent.len);
				i += used;
				continue;
			}
			emit(&o, "&", 1);
			i++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') {
			if (pre) {
				if (c == '\n')
					emit(&o, "\n", 1);
				else if (c != '\r')
					emit(&o, " ", 1);
			} else {
				o.space = 1;
			}
			i++;
			continue;
		}
		{
			size_t j = i;

			while (j < n && s[j] != '<' && s[j] != '&' && s[j] != ' ' &&
			    s[j] != '\t' && s[j] != '\r' && s[j] != '\n' &&
			    s[j] != '\f')
				j++;
			emit(&o, s + i, j - i);
			i = j;
		}
	}
	buf_release(&ent);
	/* no trailing blank lines or spaces */
	while (out->len > o.base && (out->data[out->len - 1] == '\n' ||
	    out->data[out->len - 1] == ' '))
		buf_truncate(out, out->len - 1);
	return o.cut;
}
