/*
 * phone_re.c: a backtracking matcher with Python `re` semantics for the
 * patterns of libphonenumber.  See phone_re.h for the dialect.
 *
 * A pattern is parsed into a tree, then compiled into a program for a
 * recursive backtracking machine (Thompson/Pike instruction set: CHAR,
 * CLASS, SPLIT with a preferred branch, JMP, SAVE, MATCH).  Preferring the
 * first branch of every SPLIT gives exactly the leftmost-first, greedy-
 * with-backtracking order of Python and Java.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "phone_meta.h"
#include "phone_re.h"
#include "banned.h"

enum op { OP_CHAR, OP_ANY, OP_CLASS, OP_SPLIT, OP_JMP, OP_SAVE, OP_MATCH,
	OP_BOL, OP_EOL };

struct inst {
	unsigned char op;
	uint32_t c;             /* CHAR: code point; CLASS: class index */
	int x, y;               /* SPLIT: preferred x, then y; JMP: x; SAVE: slot x */
};

struct cls {
	uint32_t *lo, *hi;
	size_t n, cap;
	unsigned char neg, digit, nondigit, word, nonword;
	uint32_t ascii[4];      /* the answer for c < 128 (case folding and
	                           negation included), computed once */
};

struct phone_re {
	struct inst *prog;
	size_t nprog, capprog;
	struct cls *cls;
	size_t ncls, capcls;
	int ngroups;
	int icase;
	/* Where a match can start (search skips the other positions):
	 * first[] for c < 128, first_high for every c >= 128; anywhere when
	 * first_any (the pattern can match the empty string). */
	uint32_t first[4];
	int first_high, first_any;
};

/* ---- Unicode helpers ---- */

static int
in_ranges(const struct phone_meta_range *r, size_t n, uint32_t c)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c < r[mid].lo)
			hi = mid;
		else if (c > r[mid].hi)
			lo = mid + 1;
		else
			return (int)mid + 1;
	}
	return 0;
}

int
phone_re_is_decimal(uint32_t c)
{
	if (c < 128)
		return c >= '0' && c <= '9';
	return in_ranges(phone_meta_decimal, phone_meta_ndecimal, c) != 0;
}

int
phone_re_is_alnum(uint32_t c)
{
	if (c < 128)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			(c >= 'A' && c <= 'Z');
	return in_ranges(phone_meta_alnum, phone_meta_nalnum, c) != 0;
}

int
phone_re_digit_value(uint32_t c)
{
	int i;

	if (c < 128)
		return c >= '0' && c <= '9' ? (int)(c - '0') : -1;
	i = in_ranges(phone_meta_digit, phone_meta_ndigit, c);
	if (!i)
		return -1;
	return phone_meta_digit[i - 1].value +
		(int)(c - phone_meta_digit[i - 1].lo);
}

/*
 * Lower case as Python's IGNORECASE sees the letters phonenumberutil's
 * patterns use: ASCII, Latin-1, Cyrillic, full-width Latin, and the
 * characters sre treats as equal to them (dotted/dotless i, long s,
 * Kelvin sign, the old Cyrillic variants).
 */
uint32_t
phone_re_fold(uint32_t c)
{
	static const uint32_t cyr_ext[] = { 0x432, 0x434, 0x43e, 0x441, 0x442,
		0x442, 0x44a, 0x463, 0xa64b };

	if (c < 128)
		return c >= 'A' && c <= 'Z' ? c + 32 : c;
	if (c >= 0xc0 && c <= 0xde && c != 0xd7)
		return c + 32;
	if (c >= 0xff21 && c <= 0xff3a)
		return c + 32;
	if (c >= 0x410 && c <= 0x42f)
		return c + 32;
	if (c >= 0x400 && c <= 0x40f)
		return c + 80;
	if (c >= 0x1c80 && c <= 0x1c88)
		return cyr_ext[c - 0x1c80];
	switch (c) {
	case 0x130: case 0x131: return 'i';
	case 0x17f: return 's';
	case 0x212a: return 'k';
	case 0x212b: return 0xe5;
	}
	return c;
}

static uint32_t
upper(uint32_t c)
{
	if (c >= 'a' && c <= 'z')
		return c - 32;
	if (c >= 0xe0 && c <= 0xfe && c != 0xf7)
		return c - 32;
	if (c >= 0xff41 && c <= 0xff5a)
		return c - 32;
	if (c >= 0x430 && c <= 0x44f)
		return c - 32;
	if (c >= 0x450 && c <= 0x45f)
		return c - 80;
	return c;
}

size_t
phone_utf8_decode(const char *s, size_t len, uint32_t *out, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n = 0;

	while (i < len) {
		uint32_t c = p[i];
		size_t k = 0;
		uint32_t min = 0;

		if (c < 0x80) {
			k = 0;
		} else if ((c & 0xe0) == 0xc0) {
			k = 1; c &= 0x1f; min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			k = 2; c &= 0x0f; min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			k = 3; c &= 0x07; min = 0x10000;
		} else {
			c = 0xfffd; k = (size_t)-1;
		}
		if (k != (size_t)-1) {
			size_t j;

			for (j = 1; j <= k; j++) {
				if (i + j >= len || (p[i + j] & 0xc0) != 0x80)
					break;
				c = (c << 6) | (p[i + j] & 0x3f);
			}
			if (j <= k || c < min || c > 0x10ffff ||
				(c >= 0xd800 && c <= 0xdfff)) {
				c = 0xfffd;
				k = 0;
			}
		} else {
			k = 0;
		}
		i += k + 1;
		if (n < max)
			out[n] = c;
		n++;
	}
	return n;
}

/* ---- parsing ---- */

enum ntype { N_EMPTY, N_CHAR, N_ANY, N_CLASS, N_CAT, N_ALT, N_GROUP,
	N_REPEAT, N_BOL, N_EOL };

struct node {
	enum ntype type;
	uint32_t c;             /* CHAR: code point; CLASS: class index */
	int min, max;           /* REPEAT; max -1 = unbounded */
	int greedy;
	int cap;                /* GROUP: capture number, 0 = non-capturing */
	struct node *kid;       /* CAT/ALT: first child; GROUP/REPEAT: body */
	struct node *next;      /* sibling in a CAT or ALT list */
};

struct parser {
	const uint32_t *p;
	size_t i, n;
	struct phone_re *re;
	struct node **nodes;    /* every node, for freeing */
	size_t nnodes, capnodes;
	int bad;
	int depth;
};

static struct node *
node_new(struct parser *ps, enum ntype t)
{
	struct node *nd = xcalloc(1, sizeof(*nd));

	nd->type = t;
	if (ps->nnodes == ps->capnodes) {
		ps->capnodes = ps->capnodes ? ps->capnodes * 2 : 64;
		ps->nodes = xrealloc(ps->nodes, ps->capnodes * sizeof(*ps->nodes));
	}
	ps->nodes[ps->nnodes++] = nd;
	return nd;
}

static int
peek(const struct parser *ps)
{
	return ps->i < ps->n ? (int)ps->p[ps->i] : -1;
}

static int
hexval(uint32_t c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (int)(c - 'A' + 10);
	return -1;
}

/*
 * After a backslash: a literal code point (returned), or a class escape
 * (returns a negative code: -'d', -'D', -'w', -'W').
 */
static long
parse_escape(struct parser *ps)
{
	uint32_t c;

	if (ps->i >= ps->n) {
		ps->bad = 1;
		return 0;
	}
	c = ps->p[ps->i++];
	switch (c) {
	case 'd': case 'D': case 'w': case 'W':
		return -(long)c;
	case 't':
		return '\t';
	case 'n':
		return '\n';
	case 'u': {
		uint32_t v = 0;
		int k;

		for (k = 0; k < 4; k++) {
			int h = ps->i < ps->n ? hexval(ps->p[ps->i]) : -1;

			if (h < 0) {
				ps->bad = 1;
				return 0;
			}
			v = v * 16 + (uint32_t)h;
			ps->i++;
		}
		return (long)v;
	}
	}
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9')) {
		ps->bad = 1;    /* \b, \1, ...: not in the dialect */
		return 0;
	}
	return (long)c;
}

static void
cls_add(struct cls *k, uint32_t lo, uint32_t hi)
{
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 8;
		k->lo = xrealloc(k->lo, k->cap * sizeof(*k->lo));
		k->hi = xrealloc(k->hi, k->cap * sizeof(*k->hi));
	}
	k->lo[k->n] = lo;
	k->hi[k->n] = hi;
	k->n++;
}

static void
cls_flag(struct cls *k, long esc)
{
	switch (-esc) {
	case 'd': k->digit = 1; break;
	case 'D': k->nondigit = 1; break;
	case 'w': k->word = 1; break;
	case 'W': k->nonword = 1; break;
	}
}

static struct cls *
cls_new(struct phone_re *re, uint32_t *index)
{
	if (re->ncls == re->capcls) {
		re->capcls = re->capcls ? re->capcls * 2 : 8;
		re->cls = xrealloc(re->cls, re->capcls * sizeof(*re->cls));
	}
	memset(&re->cls[re->ncls], 0, sizeof(re->cls[0]));
	*index = (uint32_t)re->ncls;
	return &re->cls[re->ncls++];
}

static struct node *
parse_class(struct parser *ps)
{
	struct node *nd = node_new(ps, N_CLASS);
	struct cls *k = cls_new(ps->re, &nd->c);
	int first = 1;

	if (peek(ps) == '^') {
		k->neg = 1;
		ps->i++;
	}
	for (;;) {
		long lo, hi;

		if (ps->i >= ps->n) {
			ps->bad = 1;
			return nd;
		}
		if (ps->p[ps->i] == ']' && !first) {
			ps->i++;
			return nd;
		}
		first = 0;
		lo = ps->p[ps->i++];
		if (lo == '\\') {
			lo = parse_escape(ps);
			if (lo < 0) {
				/* cls_new may have moved the array: look it up again */
				cls_flag(&ps->re->cls[nd->c], lo);
				continue;
			}
		}
		hi = lo;
		if (peek(ps) == '-' && ps->i + 1 < ps->n && ps->p[ps->i + 1] != ']') {
			ps->i++;
			hi = ps->p[ps->i++];
			if (hi == '\\') {
				hi = parse_escape(ps);
				if (hi < 0) {
					ps->bad = 1;
					return nd;
				}
			}
			if (hi < lo) {
				ps->bad = 1;
				return nd;
			}
		}
		cls_add(&ps->re->cls[nd->c], (uint32_t)lo, (uint32_t)hi);
	}
}

static struct node *parse_alt(struct parser *ps);

static int
parse_int(struct parser *ps, int *v)
{
	int got = 0;

	*v = 0;
	while (ps->i < ps->n && ps->p[ps->i] >= '0' && ps->p[ps->i] <= '9') {
		*v = *v * 10 + (int)(ps->p[ps->i++] - '0');
		if (*v > 1000)
			return 0;
		got = 1;
	}
	return got;
}

static struct node *
parse_atom(struct parser *ps)
{
	int c = peek(ps);
	struct node *nd;

	ps->i++;
	switch (c) {
	case '(': {
		int cap = 0;

		if (peek(ps) == '?') {
			if (ps->i + 1 < ps->n && ps->p[ps->i + 1] == ':') {
				ps->i += 2;
			} else {
				ps->bad = 1;
				return NULL;
			}
		} else {
			cap = ++ps->re->ngroups;
		}
		nd = node_new(ps, N_GROUP);
		nd->cap = cap;
		if (++ps->depth > 200) {
			ps->bad = 1;
			return nd;
		}
		nd->kid = parse_alt(ps);
		ps->depth--;
		if (peek(ps) != ')')
			ps->bad = 1;
		else
			ps->i++;
		return nd;
	}
	case '[':
		return parse_class(ps);
	case '.':
		return node_new(ps, N_ANY);
	case '^':
		return node_new(ps, N_BOL);
	case '$':
		return node_new(ps, N_EOL);
	case '\\': {
		long e = parse_escape(ps);

		if (e < 0) {
			nd = node_new(ps, N_CLASS);
			cls_flag(cls_new(ps->re, &nd->c), e);
			return nd;
		}
		nd = node_new(ps, N_CHAR);
		nd->c = (uint32_t)e;
		return nd;
	}
	case '*': case '+': case '?': case '{': case ')': case '|': case -1:
		ps->bad = 1;
		return NULL;
	}
	nd = node_new(ps, N_CHAR);
	nd->c = (uint32_t)c;
	return nd;
}

static struct node *
parse_cat(struct parser *ps)
{
	struct node *cat = node_new(ps, N_CAT), **tail = &cat->kid;

	while (!ps->bad && ps->i < ps->n && peek(ps) != '|' && peek(ps) != ')') {
		struct node *a = parse_atom(ps);
		int c;

		if (ps->bad || !a)
			break;
		c = peek(ps);
		if (c == '*' || c == '+' || c == '?' || c == '{') {
			struct node *r = node_new(ps, N_REPEAT);

			ps->i++;
			r->kid = a;
			r->greedy = 1;
			if (c == '*') {
				r->min = 0; r->max = -1;
			} else if (c == '+') {
				r->min = 1; r->max = -1;
			} else if (c == '?') {
				r->min = 0; r->max = 1;
			} else {
				if (!parse_int(ps, &r->min)) {
					ps->bad = 1;
					break;
				}
				r->max = r->min;
				if (peek(ps) == ',') {
					ps->i++;
					r->max = -1;
					if (peek(ps) != '}' && !parse_int(ps, &r->max)) {
						ps->bad = 1;
						break;
					}
				}
				if (peek(ps) != '}' || (r->max >= 0 && r->max < r->min)) {
					ps->bad = 1;
					break;
				}
				ps->i++;
			}
			if (peek(ps) == '?') {
				ps->i++;
				r->greedy = 0;
			}
			c = peek(ps);
			if (c == '*' || c == '+' || c == '?' || c == '{') {
				ps->bad = 1;    /* possessive or doubled: not supported */
				break;
			}
			a = r;
		}
		*tail = a;
		tail = &a->next;
	}
	return cat;
}

static struct node *
parse_alt(struct parser *ps)
{
	struct node *first = parse_cat(ps), *alt, **tail;

	if (peek(ps) != '|')
		return first;
	alt = node_new(ps, N_ALT);
	alt->kid = first;
	tail = &first->next;
	while (!ps->bad && peek(ps) == '|') {
		struct node *b;

		ps->i++;
		b = parse_cat(ps);
		*tail = b;
		tail = &b->next;
	}
	return alt;
}

/* ---- compiling ---- */

static int cls_match(const struct phone_re *re, const struct cls *k, uint32_t c);

static int
nullable(const struct node *nd)
{
	const struct node *k;

	switch (nd->type) {
	case N_CHAR: case N_ANY: case N_CLASS:
		return 0;
	case N_EMPTY: case N_BOL: case N_EOL:
		return 1;
	case N_CAT:
		for (k = nd->kid; k; k = k->next)
			if (!nullable(k))
				return 0;
		return 1;
	case N_ALT:
		for (k = nd->kid; k; k = k->next)
			if (nullable(k))
				return 1;
		return 0;
	case N_GROUP:
		return nullable(nd->kid);
	case N_REPEAT:
		return nd->min == 0 || nullable(nd->kid);
	}
	return 1;
}

static int
emit(struct phone_re *re, enum op op, uint32_t c, int x, int y)
{
	if (re->nprog == re->capprog) {
		re->capprog = re->capprog ? re->capprog * 2 : 64;
		re->prog = xrealloc(re->prog, re->capprog * sizeof(*re->prog));
	}
	re->prog[re->nprog].op = (unsigned char)op;
	re->prog[re->nprog].c = c;
	re->prog[re->nprog].x = x;
	re->prog[re->nprog].y = y;
	return (int)re->nprog++;
}

static int
gen(struct phone_re *re, const struct node *nd)
{
	const struct node *k;
	int i, j;

	if (re->nprog > 200000)
		return -1;      /* a {n,m} explosion */
	switch (nd->type) {
	case N_EMPTY:
		return 0;
	case N_CHAR:
		emit(re, OP_CHAR, re->icase ? phone_re_fold(nd->c) : nd->c, 0, 0);
		return 0;
	case N_ANY:
		emit(re, OP_ANY, 0, 0, 0);
		return 0;
	case N_CLASS:
		emit(re, OP_CLASS, nd->c, 0, 0);
		return 0;
	case N_BOL:
		emit(re, OP_BOL, 0, 0, 0);
		return 0;
	case N_EOL:
		emit(re, OP_EOL, 0, 0, 0);
		return 0;
	case N_CAT:
		for (k = nd->kid; k; k = k->next)
			if (gen(re, k))
				return -1;
		return 0;
	case N_ALT: {
		int jmps[256], nj = 0;

		for (k = nd->kid; k; k = k->next) {
			int split = -1;

			if (k->next)
				split = emit(re, OP_SPLIT, 0, (int)re->nprog + 1, 0);
			if (gen(re, k))
				return -1;
			if (k->next) {
				if (nj == 256)
					return -1;
				jmps[nj++] = emit(re, OP_JMP, 0, 0, 0);
				re->prog[split].y = (int)re->nprog;
			}
		}
		for (i = 0; i < nj; i++)
			re->prog[jmps[i]].x = (int)re->nprog;
		return 0;
	}
	case N_GROUP:
		if (nd->cap)
			emit(re, OP_SAVE, 0, 2 * nd->cap, 0);
		if (gen(re, nd->kid))
			return -1;
		if (nd->cap)
			emit(re, OP_SAVE, 0, 2 * nd->cap + 1, 0);
		return 0;
	case N_REPEAT:
		for (i = 0; i < nd->min; i++)
			if (gen(re, nd->kid))
				return -1;
		if (nd->max < 0) {
			int loop, split;

			if (nullable(nd->kid))
				return -1;
			loop = split = emit(re, OP_SPLIT, 0, 0, 0);
			if (gen(re, nd->kid))
				return -1;
			emit(re, OP_JMP, 0, loop, 0);
			if (nd->greedy) {
				re->prog[split].x = split + 1;
				re->prog[split].y = (int)re->nprog;
			} else {
				re->prog[split].x = (int)re->nprog;
				re->prog[split].y = split + 1;
			}
		} else if (nd->max > nd->min) {
			int n = nd->max - nd->min;
			int *splits = xmalloc((size_t)n * sizeof(*splits));

			for (j = 0; j < n; j++) {
				splits[j] = emit(re, OP_SPLIT, 0, 0, 0);
				if (gen(re, nd->kid)) {
					free(splits);
					return -1;
				}
			}
			for (j = 0; j < n; j++) {
				if (nd->greedy) {
					re->prog[splits[j]].x = splits[j] + 1;
					re->prog[splits[j]].y = (int)re->nprog;
				} else {
					re->prog[splits[j]].x = (int)re->nprog;
					re->prog[splits[j]].y = splits[j] + 1;
				}
			}
			free(splits);
		}
		return 0;
	}
	return -1;
}

/*
 * The characters a match can start with: walk the empty moves (SPLIT, JMP,
 * SAVE) from the start and collect what the reachable CHAR, CLASS and ANY
 * instructions take.  Reaching MATCH, BOL or EOL on empty moves means no
 * filter.
 */
static void
first_set(struct phone_re *re)
{
	unsigned char *seen = xcalloc(re->nprog, 1);
	int *stack = xmalloc(re->nprog * sizeof(*stack));
	size_t sp = 0;

	stack[sp++] = 0;
	while (sp > 0 && !re->first_any) {
		int pc = stack[--sp];
		const struct inst *in = &re->prog[pc];
		uint32_t c;

		if (seen[pc])
			continue;
		seen[pc] = 1;
		switch (in->op) {
		case OP_SPLIT:
			stack[sp++] = in->y;
			stack[sp++] = in->x;
			break;
		case OP_JMP:
			stack[sp++] = in->x;
			break;
		case OP_SAVE:
			stack[sp++] = pc + 1;
			break;
		case OP_CHAR:
			c = in->c;
			if (c < 128) {
				re->first[c >> 5] |= 1u << (c & 31);
				if (re->icase && c >= 'a' && c <= 'z')
					re->first[(c - 32) >> 5] |= 1u << ((c - 32) & 31);
			}
			if (c >= 128 || re->icase)
				re->first_high = 1;     /* folds from non-ASCII too */
			break;
		case OP_CLASS: {
			const struct cls *k = &re->cls[in->c];
			int w;

			for (w = 0; w < 4; w++)
				re->first[w] |= k->ascii[w];
			re->first_high = 1;
			break;
		}
		default:        /* ANY, MATCH, BOL, EOL */
			re->first_any = 1;
			break;
		}
	}
	free(stack);
	free(seen);
}

struct phone_re *
phone_re_compile(const char *pattern, int flags)
{
	size_t len = strlen(pattern);
	uint32_t *cp = xmalloc((len + 1) * sizeof(*cp));
	struct parser ps;
	struct phone_re *re = xcalloc(1, sizeof(*re));
	struct node *root;
	size_t i;
	int bad;

	memset(&ps, 0, sizeof(ps));
	ps.n = phone_utf8_decode(pattern, len, cp, len + 1);
	ps.p = cp;
	ps.re = re;
	re->icase = (flags & PHONE_RE_ICASE) != 0;
	root = parse_alt(&ps);
	bad = ps.bad || ps.i != ps.n;
	emit(re, OP_SAVE, 0, 0, 0);
	if (!bad && gen(re, root))
		bad = 1;
	emit(re, OP_SAVE, 0, 1, 0);
	emit(re, OP_MATCH, 0, 0, 0);
	for (i = 0; i < ps.nnodes; i++)
		free(ps.nodes[i]);
	free(ps.nodes);
	free(cp);
	if (bad) {
		phone_re_free(re);
		return NULL;
	}
	for (i = 0; i < re->ncls; i++) {
		uint32_t c;

		for (c = 0; c < 128; c++)
			if (cls_match(re, &re->cls[i], c))
				re->cls[i].ascii[c >> 5] |= 1u << (c & 31);
	}
	first_set(re);
	return re;
}

void
phone_re_free(struct phone_re *re)
{
	size_t i;

	if (!re)
		return;
	for (i = 0; i < re->ncls; i++) {
		free(re->cls[i].lo);
		free(re->cls[i].hi);
	}
	free(re->cls);
	free(re->prog);
	free(re);
}

int
phone_re_ngroups(const struct phone_re *re)
{
	return re->ngroups;
}

/* ---- matching ---- */

struct run {
	const struct phone_re *re;
	const uint32_t *s;
	size_t n;
	int full;
	long *caps;
	long steps;
};

static int
cls_has(const struct cls *k, uint32_t c)
{
	size_t i;

	if (k->digit && phone_re_is_decimal(c))
		return 1;
	if (k->nondigit && !phone_re_is_decimal(c))
		return 1;
	if (k->word && (c == '_' || phone_re_is_alnum(c)))
		return 1;
	if (k->nonword && !(c == '_' || phone_re_is_alnum(c)))
		return 1;
	for (i = 0; i < k->n; i++)
		if (c >= k->lo[i] && c <= k->hi[i])
			return 1;
	return 0;
}

static int
cls_match(const struct phone_re *re, const struct cls *k, uint32_t c)
{
	int in = cls_has(k, c);

	if (!in && re->icase) {
		uint32_t f = phone_re_fold(c);

		in = cls_has(k, f) || cls_has(k, upper(f));
	}
	return k->neg ? !in : in;
}

static int
bt(struct run *r, int pc, size_t sp)
{
	const struct phone_re *re = r->re;

	for (;;) {
		const struct inst *in = &re->prog[pc];

		if (++r->steps > PHONE_RE_MAX_STEPS)
			return 0;
		switch (in->op) {
		case OP_CHAR:
			if (sp >= r->n)
				return 0;
			if ((re->icase ? phone_re_fold(r->s[sp]) : r->s[sp]) != in->c)
				return 0;
			sp++;
			pc++;
			break;
		case OP_ANY:
			if (sp >= r->n || r->s[sp] == '\n')
				return 0;
			sp++;
			pc++;
			break;
		case OP_CLASS: {
			const struct cls *k = &re->cls[in->c];
			uint32_t c;

			if (sp >= r->n)
				return 0;
			c = r->s[sp];
			if (c < 128 ? !(k->ascii[c >> 5] & (1u << (c & 31))) :
				!cls_match(re, k, c))
				return 0;
			sp++;
			pc++;
			break;
		}
		case OP_BOL:
			if (sp != 0)
				return 0;
			pc++;
			break;
		case OP_EOL:
			if (!(sp == r->n || (sp + 1 == r->n && r->s[sp] == '\n')))
				return 0;
			pc++;
			break;
		case OP_JMP:
			pc = in->x;
			break;
		case OP_SPLIT:
			if (bt(r, in->x, sp))
				return 1;
			if (r->steps > PHONE_RE_MAX_STEPS)
				return 0;
			pc = in->y;
			break;
		case OP_SAVE: {
			long old = r->caps[in->x];

			r->caps[in->x] = (long)sp;
			if (bt(r, pc + 1, sp))
				return 1;
			r->caps[in->x] = old;
			return 0;
		}
		case OP_MATCH:
			if (r->full && sp != r->n)
				return 0;
			return 1;
		default:
			return 0;
		}
	}
}

static int
run_at(const struct phone_re *re, const uint32_t *s, size_t n, size_t start,
	int full, long *caps, long *steps)
{
	struct run r;
	long local[2 * 32];
	long *c = caps;
	size_t ncaps = 2 * ((size_t)re->ngroups + 1), i;
	int ok;

	if (!c) {
		if (ncaps <= sizeof(local) / sizeof(local[0]))
			c = local;
		else
			c = xmalloc(ncaps * sizeof(*c));
	}
	for (i = 0; i < ncaps; i++)
		c[i] = -1;
	r.re = re;
	r.s = s;
	r.n = n;
	r.full = full;
	r.caps = c;
	r.steps = *steps;
	ok = bt(&r, 0, start);
	*steps = r.steps;
	if (!ok)
		for (i = 0; i < ncaps; i++)
			c[i] = -1;
	if (c != caps && c != local)
		free(c);
	return ok;
}

int
phone_re_match(const struct phone_re *re, const uint32_t *s, size_t n,
	enum phone_re_mode mode, long *caps)
{
	long steps = 0;

	return run_at(re, s, n, 0, mode == PHONE_RE_FULL, caps, &steps);
}

int
phone_re_search(const struct phone_re *re, const uint32_t *s, size_t n,
	long *caps)
{
	size_t start;
	long steps = 0;     /* one budget for the whole search */

	for (start = 0; start <= n && steps <= PHONE_RE_MAX_STEPS; start++) {
		if (!re->first_any) {
			uint32_t c;

			if (start == n)
				break;
			c = s[start];
			if (c < 128 ? !(re->first[c >> 5] & (1u << (c & 31))) :
				!re->first_high)
				continue;
		}
		if (run_at(re, s, n, start, 0, caps, &steps))
			return 1;
	}
	return 0;
}
