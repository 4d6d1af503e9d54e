#include "json.h"

#include <inttypes.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

/*
 * The arena: a chain of standard blocks reused from parse to parse, plus
 * oversized blocks (one per big string) freed at every reset.  At most
 * KEEP_BLOCKS standard blocks survive a reset, so one huge line does not pin
 * its memory for the rest of the run.
 */
struct json_block {
	struct json_block *next;
	size_t cap;
	size_t used;
	alignas(16) unsigned char data[];
};

#define BLOCK_CAP ((size_t)64 * 1024 - 64)
#define KEEP_BLOCKS 16
#define BIG_ALLOC (BLOCK_CAP / 4)

static const char empty_str[1];

/*
 * Eight bytes at a time (SWAR): does the word hold a byte that ends a plain
 * run?  Each test is exact as a yes/no answer (the classic "has a byte less
 * than" and "has a zero byte" expressions).  W_ESC: '"', '\\' or a control
 * character (what the writer escapes); W_STOP adds non-ASCII bytes (what the
 * parser must look at: UTF-8 is validated sequence by sequence).
 */
#define W_ONES UINT64_C(0x0101010101010101)
#define W_HIGH UINT64_C(0x8080808080808080)

static inline uint64_t
w_load(const unsigned char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;
}

static inline uint64_t
w_esc(uint64_t x)
{
	uint64_t q = x ^ (W_ONES * '"'), b = x ^ (W_ONES * '\\');

	return ((x - W_ONES * 0x20) & ~x & W_HIGH) |
	    ((q - W_ONES) & ~q & W_HIGH) | ((b - W_ONES) & ~b & W_HIGH);
}

static inline uint64_t
w_stop(uint64_t x)
{
	return w_esc(x) | (x & W_HIGH);
}

/*
 * The index of the first flagged byte of a non-zero mask from w_esc or
 * w_stop, on a little-endian machine: the lowest flag is always a true one
 * (a false flag can only follow a true one, from the borrow).  Elsewhere
 * the callers look byte by byte.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define W_FIRST_OK 1
#else
#define W_FIRST_OK 0
#endif

static inline size_t
w_first(uint64_t mask)
{
	return (size_t)__builtin_ctzll(mask) >> 3;
}

void
json_doc_init(struct json_doc *doc)
{
	memset(doc, 0, sizeof(*doc));
	doc->max_bytes = JSON_MAX_BYTES;
	doc->max_depth = JSON_MAX_DEPTH;
}

static void
free_chain(struct json_block *b)
{
	while (b) {
		struct json_block *n = b->next;

		free(b);
		b = n;
	}
}

void
json_doc_release(struct json_doc *doc)
{
	free_chain(doc->first);
	free_chain(doc->big);
	free(doc->stack);
	json_doc_init(doc);
}

void
json_doc_set_limits(struct json_doc *doc, size_t max_depth, size_t max_bytes)
{
	if (max_depth)
		doc->max_depth = max_depth;
	if (max_bytes)
		doc->max_bytes = max_bytes;
}

void
json_doc_reset(struct json_doc *doc)
{
	struct json_block *b;
	size_t i;

	free_chain(doc->big);
	doc->big = NULL;
	doc->used = 0;
	doc->cur = doc->first;
	for (b = doc->first, i = 1; b; b = b->next, i++) {
		if (i == KEEP_BLOCKS) {
			free_chain(b->next);
			b->next = NULL;
			break;
		}
	}
	if (doc->first)
		doc->first->used = 0;
}

static void *arena_alloc_slow(struct json_doc *doc, size_t n);

/* n bytes aligned for any node; NULL when over the doc's limit (checked). */
static inline void *
arena_alloc(struct json_doc *doc, size_t n, int checked)
{
	struct json_block *b = doc->cur;
	size_t off;

	if (checked && n > doc->max_bytes - doc->used)
		return NULL;
	doc->used += n;
	if (b) {
		off = (b->used + 7) & ~(size_t)7;
		if (off <= b->cap && n <= b->cap - off) {
			b->used = off + n;
			return b->data + off;
		}
	}
	return arena_alloc_slow(doc, n);
}

/* arena_alloc when the current block is full (doc->used already counted) */
static __attribute__((noinline)) void *
arena_alloc_slow(struct json_doc *doc, size_t n)
{
	struct json_block *b = doc->cur;
	if (n > BIG_ALLOC) {
		b = xmalloc(sizeof(*b) + n);
		b->cap = b->used = n;
		b->next = doc->big;
		doc->big = b;
		return b->data;
	}
	if (b && b->next) {
		b = b->next;
	} else {
		struct json_block *nb = xmalloc(sizeof(*nb) + BLOCK_CAP);

		nb->cap = BLOCK_CAP;
		nb->next = NULL;
		if (b)
			b->next = nb;
		else
			doc->first = nb;
		b = nb;
	}
	b->used = n;
	doc->cur = b;
	return b->data;
}

static inline void
node_init(struct json *v, enum json_type type)
{
	v->type = type;
	v->flags = 0;
	v->src = 0;
	v->s = empty_str;
	v->n = 0;
	v->key = NULL;
	v->key_n = 0;
	v->child = v->next = NULL;
	v->count = 0;
	v->end = 0;
}

static struct json *
node_new(struct json_doc *doc, enum json_type type, int checked)
{
	struct json *v = arena_alloc(doc, sizeof(*v), checked);

	if (v == NULL)
		return NULL;
	node_init(v, type);
	return v;
}

/* parse_string puts a node in front of its string: keep both aligned */
_Static_assert(sizeof(struct json) % 8 == 0, "struct json size");

static char *
str_copy(struct json_doc *doc, const char *s, size_t n, int checked)
{
	char *p;

	if (n == SIZE_MAX)
		return NULL;
	p = arena_alloc(doc, n + 1, checked);
	if (p == NULL)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* ---- UTF-8 ---- */

/* Length of the valid UTF-8 sequence at p (p < end, *p >= 0x80), or 0. */
static size_t
utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xBF;
	size_t len, i;

	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if ((size_t)(end - p) < len)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return len;
}

int
json_utf8_valid(const char *s, size_t n, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		size_t len;

		if (*p < 0x80) {
			p++;
			continue;
		}
		len = utf8_seq(p, end);
		if (len == 0) {
			if (bad)
				*bad = (size_t)(p - (const unsigned char *)s);
			return 0;
		}
		p += len;
	}
	return 1;
}

/* ---- the parser ---- */

struct frame {
	struct json *c;
	struct json *last;
};

struct parser {
	struct json_doc *doc;
	const unsigned char *start, *p, *end;
	struct err *e;
	int failed;
	int ws;                 /* white space was skipped somewhere */
};

#define R16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
/* 1: a byte that ends a fast run inside a string: '"', '\\', a control
 * character, or the start of a non-ASCII sequence */
static const unsigned char str_stop[256] = {
	R16(1), R16(1),
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,       /* 0x20 '"' */
	R16(0), R16(0),
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,       /* 0x50 '\\' */
	R16(0), R16(0),
	R16(1), R16(1), R16(1), R16(1), R16(1), R16(1), R16(1), R16(1),
};
/* 1: JSON white space */
static const unsigned char ws_tab[256] = {
	['\t'] = 1, ['\n'] = 1, ['\r'] = 1, [' '] = 1,
};

static void
fail_at(struct parser *P, const unsigned char *at, const char *what)
{
	size_t off = (size_t)(at - P->start) + 1;

	if (P->failed)
		return;
	P->failed = 1;
	if (at >= P->end)
		err_set(P->e, EX_DATAERR,
		    "invalid JSON at byte %zu: %s (unexpected end of input)",
		    off, what);
	else if (*at >= 0x20 && *at < 0x7f)
		err_set(P->e, EX_DATAERR,
		    "invalid JSON at byte %zu: %s (found '%c')", off, what, *at);
	else
		err_set(P->e, EX_DATAERR,
		    "invalid JSON at byte %zu: %s (found byte 0x%02x)", off,
		    what, *at);
}

static void
fail_big(struct parser *P)
{
	if (P->failed)
		return;
	P->failed = 1;
	err_set(P->e, EX_DATAERR, "JSON document too large (over %zu bytes "
	    "of nodes)", P->doc->max_bytes);
}

static inline void
skip_ws(struct parser *P)
{
	if (P->p < P->end && ws_tab[*P->p]) {
		P->ws = 1;
		while (P->p < P->end && ws_tab[*P->p])
			P->p++;
	}
}

static int
hex4(const unsigned char *p, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned c = p[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

static char *
put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xC0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xE0 | cp >> 12);
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (char)(0xF0 | cp >> 18);
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	}
	return o;
}

/*
 * A string; P->p is on the opening quote.  Two passes: the first finds the
 * end and validates (UTF-8, escapes' shape), the second copies (memcpy when
 * there were no escapes) and decodes.  Returns the decoded copy, length in
 * *len, *plain set when there was no escape; NULL on error.  The copy is
 * allocated extra bytes (a multiple of 8) into a block of the arena, so
 * that a node can share the allocation (in front of the string).
 */
static inline __attribute__((always_inline)) const char *
parse_string(struct parser *P, size_t *len, int *plain, size_t extra)
{
	const unsigned char *s = P->p + 1, *q = s, *end = P->end;
	int esc = 0;
	char *out, *o;

	for (;;) {
		uint64_t m = 0;

		while (end - q >= 8 && !(m = w_stop(w_load(q))))
			q += 8;
		if (m && W_FIRST_OK)
			q += w_first(m);
		else
			while (q < end && !str_stop[*q])
				q++;
		if (q >= end) {
			fail_at(P, q, "unterminated string");
			return NULL;
		}
		if (*q == '"')
			break;
		if (*q == '\\') {
			esc = 1;
			if (q + 1 >= end) {
				fail_at(P, q + 1, "unterminated escape");
				return NULL;
			}
			switch (q[1]) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				q += 2;
				break;
			case 'u': {
				unsigned cp;

				if (end - q < 6 || hex4(q + 2, &cp) < 0) {
					fail_at(P, q, "bad \\u escape");
					return NULL;
				}
				q += 6;
				break;
			}
			default:
				fail_at(P, q + 1, "invalid escape");
				return NULL;
			}
		} else if (*q < 0x20) {
			fail_at(P, q, "control character in string");
			return NULL;
		} else {
			size_t l = utf8_seq(q, end);

			if (l == 0) {
				fail_at(P, q, "invalid UTF-8 in string");
				return NULL;
			}
			q += l;
		}
	}
	P->p = q + 1;
	*plain = !esc;
	out = arena_alloc(P->doc, extra + (size_t)(q - s) + 1, 1);
	if (out == NULL) {
		fail_big(P);
		return NULL;
	}
	out += extra;
	if (!esc) {
		memcpy(out, s, (size_t)(q - s));
		out[q - s] = '\0';
		*len = (size_t)(q - s);
		return out;
	}
	o = out;
	end = q;
	q = s;
	while (q < end) {
		const unsigned char *r = q;
		unsigned cp, lo;

		while (r < end && *r != '\\')
			r++;
		memcpy(o, q, (size_t)(r - q));
		o += r - q;
		q = r;
		if (q >= end)
			break;
		switch (q[1]) {
		case 'b': *o++ = '\b'; q += 2; continue;
		case 'f': *o++ = '\f'; q += 2; continue;
		case 'n': *o++ = '\n'; q += 2; continue;
		case 'r': *o++ = '\r'; q += 2; continue;
		case 't': *o++ = '\t'; q += 2; continue;
		case 'u': break;
		default: *o++ = (char)q[1]; q += 2; continue;
		}
		hex4(q + 2, &cp);
		if (cp >= 0xDC00 && cp <= 0xDFFF) {
			fail_at(P, q, "lone low surrogate in \\u escape");
			return NULL;
		}
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			if (end - q < 12 || q[6] != '\\' || q[7] != 'u' ||
			    hex4(q + 8, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF) {
				fail_at(P, q, "lone high surrogate in \\u escape");
				return NULL;
			}
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			q += 6;
		}
		o = put_utf8(o, cp);
		q += 6;
	}
	*o = '\0';
	*len = (size_t)(o - out);
	return out;
}

static int
scan_number(const unsigned char *p, const unsigned char *end,
    const unsigned char **stop)
{
#define DIGIT(x) ((x) >= '0' && (x) <= '9')
	if (p < end && *p == '-')
		p++;
	if (p >= end || !DIGIT(*p))
		goto bad;
	if (*p == '0')
		p++;
	else
		while (p < end && DIGIT(*p))
			p++;
	if (p < end && *p == '.') {
		p++;
		if (p >= end || !DIGIT(*p))
			goto bad;
		while (p < end && DIGIT(*p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || !DIGIT(*p))
			goto bad;
		while (p < end && DIGIT(*p))
			p++;
	}
	*stop = p;
	return 0;
bad:
	*stop = p;
	return -1;
#undef DIGIT
}

int
json_number_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *stop;

	return scan_number(p, p + n, &stop) == 0 && stop == p + n;
}

static int
literal(struct parser *P, const char *word, size_t n)
{
	if ((size_t)(P->end - P->p) < n || memcmp(P->p, word, n) != 0) {
		const unsigned char *q = P->p;
		size_t i;

		for (i = 0; i < n && q < P->end && *q == (unsigned char)word[i];
		    i++)
			q++;
		fail_at(P, q, "invalid literal");
		return -1;
	}
	P->p += n;
	return 0;
}

static struct frame *
push(struct parser *P, size_t depth)
{
	struct json_doc *doc = P->doc;

	if (depth >= doc->max_depth) {
		P->failed = 1;
		err_set(P->e, EX_DATAERR, "JSON nesting deeper than %zu levels "
		    "at byte %zu", doc->max_depth,
		    (size_t)(P->p - P->start) + 1);
		return NULL;
	}
	if (depth >= doc->stack_cap) {
		size_t ncap = doc->stack_cap ? doc->stack_cap * 2 : 32;

		doc->stack = xrealloc(doc->stack, ncap * sizeof(struct frame));
		doc->stack_cap = ncap;
	}
	return (struct frame *)doc->stack + depth;
}

struct json *
json_parse(struct json_doc *doc, const char *text, size_t n, struct err *e)
{
	struct parser P;
	struct json *root = NULL, *v;
	struct frame *f = NULL;
	size_t depth = 0;
	const char *key = NULL;
	size_t key_n = 0;
	int key_plain = 0;
	size_t vstart;
	int esc_seen = 0;

	json_doc_reset(doc);
	P.doc = doc;
	P.start = P.p = (const unsigned char *)text;
	P.end = P.start + n;
	P.e = e;
	P.failed = 0;
	P.ws = 0;
	doc->canonical = 0;

	skip_ws(&P);
	if (P.p >= P.end) {
		err_set(e, EX_DATAERR, "invalid JSON: empty input");
		return NULL;
	}
value:
	skip_ws(&P);
	if (P.p >= P.end) {
		fail_at(&P, P.p, "expected a value");
		return NULL;
	}
	vstart = (size_t)(P.p - P.start);
	switch (*P.p) {
	case '{':
		v = node_new(doc, JSON_OBJECT, 1);
		break;
	case '[':
		v = node_new(doc, JSON_ARRAY, 1);
		break;
	case '"': {
		size_t len;
		int plain;
		const char *s = parse_string(&P, &len, &plain, sizeof(*v));

		if (s == NULL)
			return NULL;
		esc_seen |= !plain;
		/* the node sits in front of its string */
		v = (struct json *)(void *)((char *)(uintptr_t)s - sizeof(*v));
		node_init(v, JSON_STRING);
		v->s = s;
		v->n = len;
		v->flags = plain ? JSON_PLAIN_STR : 0;
		break;
	}
	case 't':
		if (literal(&P, "true", 4) < 0)
			return NULL;
		v = node_new(doc, JSON_TRUE, 1);
		break;
	case 'f':
		if (literal(&P, "false", 5) < 0)
			return NULL;
		v = node_new(doc, JSON_FALSE, 1);
		break;
	case 'n':
		if (literal(&P, "null", 4) < 0)
			return NULL;
		v = node_new(doc, JSON_NULL, 1);
		break;
	default: {
		const unsigned char *stop;
		char *s;

		if (*P.p != '-' && (*P.p < '0' || *P.p > '9')) {
			fail_at(&P, P.p, "expected a value");
			return NULL;
		}
		if (scan_number(P.p, P.end, &stop) < 0) {
			fail_at(&P, stop, "invalid number");
			return NULL;
		}
		v = arena_alloc(doc, sizeof(*v) + (size_t)(stop - P.p) + 1, 1);
		if (v) {
			node_init(v, JSON_NUMBER);
			s = (char *)(v + 1);
			memcpy(s, P.p, (size_t)(stop - P.p));
			s[stop - P.p] = '\0';
			v->s = s;
			v->n = (size_t)(stop - P.p);
		}
		P.p = stop;
		break;
	}
	}
	if (v == NULL) {
		fail_big(&P);
		return NULL;
	}
	if (vstart <= JSON_SRC_MAX)
		v->src = (unsigned)vstart + 1;
	/* attach v to its container */
	if (f == NULL) {
		root = v;
	} else {
		if (f->c->type == JSON_OBJECT) {
			v->key = key;
			v->key_n = key_n;
			if (key_plain)
				v->flags |= JSON_PLAIN_KEY;
		}
		if (f->last)
			f->last->next = v;
		else
			f->c->child = v;
		f->last = v;
		f->c->count++;
	}
	if (v->type == JSON_OBJECT || v->type == JSON_ARRAY) {
		if ((f = push(&P, depth)) == NULL)
			return NULL;
		P.p++;
		depth++;
		f->c = v;
		f->last = NULL;
		skip_ws(&P);
		if (P.p < P.end && *P.p == (v->type == JSON_OBJECT ? '}' : ']')) {
			P.p++;
			goto close;
		}
		if (v->type == JSON_OBJECT)
			goto member;
		goto value;
	}
after:
	if (f == NULL) {
		skip_ws(&P);
		if (P.p < P.end) {
			fail_at(&P, P.p, "trailing data after the value");
			return NULL;
		}
		doc->canonical = !P.ws && !esc_seen && n <= JSON_SRC_MAX;
		return root;
	}
	skip_ws(&P);
	if (P.p >= P.end) {
		fail_at(&P, P.p, f->c->type == JSON_OBJECT ?
		    "expected ',' or '}'" : "expected ',' or ']'");
		return NULL;
	}
	if (*P.p == ',') {
		P.p++;
		if (f->c->type == JSON_OBJECT)
			goto member;
		goto value;
	}
	if (*P.p == (f->c->type == JSON_OBJECT ? '}' : ']')) {
		P.p++;
		goto close;
	}
	fail_at(&P, P.p, f->c->type == JSON_OBJECT ?
	    "expected ',' or '}'" : "expected ',' or ']'");
	return NULL;
close:
	if ((size_t)(P.p - P.start) <= JSON_SRC_MAX)
		f->c->end = (uint32_t)(P.p - P.start) + 1;
	depth--;
	f = depth ? (struct frame *)doc->stack + depth - 1 : NULL;
	goto after;
member:
	skip_ws(&P);
	if (P.p >= P.end || *P.p != '"') {
		fail_at(&P, P.p, "expected a member name");
		return NULL;
	}
	key = parse_string(&P, &key_n, &key_plain, 0);
	if (key == NULL)
		return NULL;
	esc_seen |= !key_plain;
	skip_ws(&P);
	if (P.p >= P.end || *P.p != ':') {
		fail_at(&P, P.p, "expected ':'");
		return NULL;
	}
	P.p++;
	goto value;
}

size_t
json_src_end(const char *text, size_t n, const struct json *v)
{
	size_t i, end = 0;

	if (v->src == 0)
		return 0;
	i = (size_t)v->src - 1;
	switch (v->type) {
	case JSON_NULL:
	case JSON_TRUE:
		end = i + 4;
		break;
	case JSON_FALSE:
		end = i + 5;
		break;
	case JSON_NUMBER:
		end = i + v->n;
		break;
	case JSON_STRING:
		/* canonical text has no escape: every string's text is '"' +
		 * its value + '"' (and plain) */
		if ((v->flags & JSON_PLAIN_STR) && i + v->n + 2 <= n &&
		    text[i + v->n + 1] == '"')
			end = i + v->n + 2;
		break;
	case JSON_ARRAY:
	case JSON_OBJECT:
		/* the parser notes where every container of a canonical
		 * text (which is under JSON_SRC_MAX bytes) ends */
		end = v->end ? (size_t)v->end - 1 : 0;
		break;
	}
	return end > i && end <= n ? end : 0;
}

/* ---- lookups ---- */

struct json *
json_get_n(const struct json *obj, const char *key, size_t n)
{
	struct json *m;

	if (obj == NULL || obj->type != JSON_OBJECT)
		return NULL;
	for (m = obj->child; m; m = m->next)
		if (m->key_n == n && memcmp(m->key, key, n) == 0)
			return m;
	return NULL;
}

struct json *
json_get(const struct json *obj, const char *key)
{
	return json_get_n(obj, key, strlen(key));
}

const char *
json_get_str(const struct json *obj, const char *key)
{
	struct json *v = json_get(obj, key);

	return v && v->type == JSON_STRING ? v->s : NULL;
}

struct json *
json_at(const struct json *arr, size_t i)
{
	struct json *c;

	if (arr == NULL ||
	    (arr->type != JSON_ARRAY && arr->type != JSON_OBJECT))
		return NULL;
	for (c = arr->child; c && i; c = c->next)
		i--;
	return c;
}

/* ---- writers ---- */

/* The first byte of s[0..n) the writer must escape, or s + n. */
static const unsigned char *
first_esc(const unsigned char *p, const unsigned char *end)
{
	uint64_t m = 0;

	while (end - p >= 8 && !(m = w_esc(w_load(p))))
		p += 8;
	if (m && W_FIRST_OK)
		return p + w_first(m);
	while (p < end && *p >= 0x20 && *p != '"' && *p != '\\')
		p++;
	return p;
}

int
json_str_plain(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	return first_esc(p, p + n) == p + n;
}

/* '"' s '"' then tail[0..tn), for a string known to need no escape. */
static void
write_plain(struct buf *out, const char *s, size_t n, const char *tail,
    size_t tn)
{
	char *o;

	if (buf_grow(out, n + 2 + tn) < 0)
		return;
	o = out->data + out->len;
	*o++ = '"';
	memcpy(o, s, n);
	o += n;
	*o++ = '"';
	if (tn) {
		memcpy(o, tail, tn);
		o += tn;
	}
	*o = '\0';
	out->len = (size_t)(o - out->data);
}

void
json_write_str(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	const unsigned char *r = first_esc(p, end);

	if (r == end) {
		write_plain(out, s, n, NULL, 0);
		return;
	}
	buf_addch(out, '"');
	while (p < end) {
		r = first_esc(p, end);
		if (r > p)
			buf_add(out, p, (size_t)(r - p));
		if (r >= end)
			break;
		switch (*r) {
		case '"': buf_add(out, "\\\"", 2); break;
		case '\\': buf_add(out, "\\\\", 2); break;
		case '\b': buf_add(out, "\\b", 2); break;
		case '\f': buf_add(out, "\\f", 2); break;
		case '\n': buf_add(out, "\\n", 2); break;
		case '\r': buf_add(out, "\\r", 2); break;
		case '\t': buf_add(out, "\\t", 2); break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[*r >> 4],
				hex[*r & 15] };

			buf_add(out, u, 6);
		}
		}
		p = r + 1;
	}
	buf_addch(out, '"');
}

struct wframe {
	const struct json *c;
	const struct json *next;
};

static void
write_one(struct buf *out, const struct json *v, int member)
{
	if (member) {
		if (v->key && (v->flags & JSON_PLAIN_KEY)) {
			write_plain(out, v->key, v->key_n, ":", 1);
		} else {
			json_write_str(out, v->key ? v->key : "",
			    v->key ? v->key_n : 0);
			buf_addch(out, ':');
		}
	}
	switch (v->type) {
	case JSON_NULL: buf_add(out, "null", 4); break;
	case JSON_FALSE: buf_add(out, "false", 5); break;
	case JSON_TRUE: buf_add(out, "true", 4); break;
	case JSON_NUMBER: buf_add(out, v->s, v->n); break;
	case JSON_STRING:
		if (v->flags & JSON_PLAIN_STR)
			write_plain(out, v->s, v->n, NULL, 0);
		else
			json_write_str(out, v->s, v->n);
		break;
	case JSON_ARRAY: buf_addch(out, '['); break;
	case JSON_OBJECT: buf_addch(out, '{'); break;
	}
}

void
json_write_member(struct buf *out, const struct json *m)
{
	if (m->key && (m->flags & JSON_PLAIN_KEY)) {
		write_plain(out, m->key, m->key_n, ":", 1);
	} else {
		json_write_str(out, m->key ? m->key : "", m->key ? m->key_n : 0);
		buf_addch(out, ':');
	}
	json_write(out, m);
}

void
json_write(struct buf *out, const struct json *v)
{
	struct wframe small[64], *st = small;
	size_t depth = 0, cap = 64;

	write_one(out, v, 0);
	if (v->type != JSON_ARRAY && v->type != JSON_OBJECT)
		return;
	st[depth].c = v;
	st[depth].next = v->child;
	depth++;
	while (depth) {
		struct wframe *f = &st[depth - 1];
		const struct json *n = f->next;

		if (n == NULL) {
			buf_addch(out, f->c->type == JSON_OBJECT ? '}' : ']');
			depth--;
			continue;
		}
		if (n != f->c->child)
			buf_addch(out, ',');
		f->next = n->next;
		write_one(out, n, f->c->type == JSON_OBJECT);
		if (n->type == JSON_ARRAY || n->type == JSON_OBJECT) {
			if (depth == cap) {
				cap *= 2;
				if (st == small) {
					st = xmalloc(cap * sizeof(*st));
					memcpy(st, small, sizeof(small));
				} else {
					st = xrealloc(st, cap * sizeof(*st));
				}
			}
			st[depth].c = n;
			st[depth].next = n->child;
			depth++;
		}
	}
	if (st != small)
		free(st);
}

/* ---- builders ---- */

struct json *
json_new_null(struct json_doc *doc)
{
	return node_new(doc, JSON_NULL, 0);
}

struct json *
json_new_bool(struct json_doc *doc, int value)
{
	return node_new(doc, value ? JSON_TRUE : JSON_FALSE, 0);
}

struct json *
json_new_str(struct json_doc *doc, const char *s, size_t n)
{
	struct json *v = node_new(doc, JSON_STRING, 0);

	json_set_str(doc, v, s, n);
	return v;
}

void
json_set_str(struct json_doc *doc, struct json *v, const char *s, size_t n)
{
	v->type = JSON_STRING;
	v->src = 0;
	v->s = str_copy(doc, s, n, 0);
	v->n = n;
	v->child = NULL;
	v->count = 0;
	v->flags = (unsigned char)((v->flags & JSON_PLAIN_KEY) |
	    (json_str_plain(s, n) ? JSON_PLAIN_STR : 0));
}

struct json *
json_new_cstr(struct json_doc *doc, const char *s)
{
	return json_new_str(doc, s, strlen(s));
}

struct json *
json_new_number_text(struct json_doc *doc, const char *s, size_t n)
{
	struct json *v;

	if (!json_number_valid(s, n))
		return NULL;
	v = node_new(doc, JSON_NUMBER, 0);
	v->s = str_copy(doc, s, n, 0);
	v->n = n;
	return v;
}

struct json *
json_new_int(struct json_doc *doc, int64_t i)
{
	char tmp[32];
	int len = snprintf(tmp, sizeof(tmp), "%" PRId64, i);

	return json_new_number_text(doc, tmp, (size_t)len);
}

struct json *
json_new_object(struct json_doc *doc)
{
	return node_new(doc, JSON_OBJECT, 0);
}

struct json *
json_new_array(struct json_doc *doc)
{
	return node_new(doc, JSON_ARRAY, 0);
}

static void
append_child(struct json *c, struct json *v)
{
	struct json *m;

	v->next = NULL;
	if (c->child == NULL) {
		c->child = v;
	} else {
		for (m = c->child; m->next; m = m->next)
			;
		m->next = v;
	}
	c->count++;
}

void
json_array_append(struct json *arr, struct json *v)
{
	v->key = NULL;
	v->key_n = 0;
	append_child(arr, v);
}

struct json *
json_object_set_n(struct json_doc *doc, struct json *obj, const char *key,
    size_t key_n, struct json *value)
{
	struct json *m, *prev = NULL;

	for (m = obj->child; m; prev = m, m = m->next) {
		if (m->key_n == key_n && memcmp(m->key, key, key_n) == 0) {
			if (m == value)
				return value;
			value->key = m->key;
			value->key_n = m->key_n;
			value->flags = (unsigned char)((value->flags &
			    ~JSON_PLAIN_KEY) | (m->flags & JSON_PLAIN_KEY));
			value->next = m->next;
			if (prev)
				prev->next = value;
			else
				obj->child = value;
			m->next = NULL;
			return value;
		}
	}
	value->key = str_copy(doc, key, key_n, 0);
	value->key_n = key_n;
	value->flags = (unsigned char)((value->flags & ~JSON_PLAIN_KEY) |
	    (json_str_plain(key, key_n) ? JSON_PLAIN_KEY : 0));
	/* prev is the last member: append without walking the list again */
	value->next = NULL;
	if (prev)
		prev->next = value;
	else
		obj->child = value;
	obj->count++;
	return value;
}

struct json *
json_object_set(struct json_doc *doc, struct json *obj, const char *key,
    struct json *value)
{
	return json_object_set_n(doc, obj, key, strlen(key), value);
}

struct json *
json_object_remove(struct json *obj, const char *key)
{
	size_t n = strlen(key);
	struct json *m, *prev = NULL;

	if (obj == NULL || obj->type != JSON_OBJECT)
		return NULL;
	for (m = obj->child; m; prev = m, m = m->next) {
		if (m->key_n == n && memcmp(m->key, key, n) == 0) {
			if (prev)
				prev->next = m->next;
			else
				obj->child = m->next;
			m->next = NULL;
			obj->count--;
			return m;
		}
	}
	return NULL;
}

struct json *
json_copy(struct json_doc *doc, const struct json *v)
{
	struct json *c = node_new(doc, v->type, 0), *k, *last = NULL;
	const struct json *m;

	if (v->type == JSON_STRING || v->type == JSON_NUMBER) {
		c->s = str_copy(doc, v->s, v->n, 0);
		c->n = v->n;
		c->flags = v->flags & JSON_PLAIN_STR;
	}
	for (m = v->child; m; m = m->next) {
		/* Recursion depth is the tree's depth: bounded by the parser's
		 * limit for parsed trees. */
		k = json_copy(doc, m);
		if (v->type == JSON_OBJECT && m->key) {
			k->key = str_copy(doc, m->key, m->key_n, 0);
			k->key_n = m->key_n;
			k->flags |= m->flags & JSON_PLAIN_KEY;
		}
		if (last)
			last->next = k;
		else
			c->child = k;
		last = k;
		c->count++;
	}
	return c;
}
