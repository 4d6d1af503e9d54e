#include "mime.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "rfc2047.h"
#include "banned.h"

/* ---- transfer encodings ------------------------------------------------ */

static int
b64_value(int c, int url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

int
mime_base64_decode(struct buf *out, const char *s, size_t n, unsigned flags)
{
	int url = (flags & MIME_B64_URL) != 0;
	unsigned acc = 0;
	int bits = 0;
	size_t i, pad = 0, sextets = 0;

	for (i = 0; i < n; i++) {
		int v = b64_value((unsigned char)s[i], url);

		if (s[i] == '=') {
			if (!url)
				break;
			pad++;
			continue;
		}
		if (v < 0) {
			if (url)
				return -1;
			continue;
		}
		if (pad)
			return -1;      /* data after padding */
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		sextets++;
		if (bits >= 8) {
			bits -= 8;
			buf_addch(out, (int)((acc >> bits) & 0xff));
		}
	}
	if (url) {
		/* a lone sextet cannot hold a byte; padding must fit */
		if (sextets % 4 == 1)
			return -1;
		if (pad && (pad > 2 || (sextets + pad) % 4 != 0))
			return -1;
	}
	return 0;
}

void
mime_base64_encode(struct buf *out, const void *data, size_t n,
	unsigned flags)
{
	static const char std[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static const char url[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const char *a = (flags & MIME_B64_URL) ? url : std;
	const unsigned char *p = data;
	size_t i;
	char q[4];

	buf_grow(out, (n + 2) / 3 * 4);
	for (i = 0; i + 2 < n; i += 3) {
		q[0] = a[p[i] >> 2];
		q[1] = a[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		q[2] = a[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		q[3] = a[p[i + 2] & 63];
		buf_add(out, q, 4);
	}
	if (i < n) {
		q[0] = a[p[i] >> 2];
		if (i + 1 < n) {
			q[1] = a[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			q[2] = a[(p[i + 1] & 15) << 2];
		} else {
			q[1] = a[(p[i] & 3) << 4];
			q[2] = '=';
		}
		q[3] = '=';
		if (flags & MIME_B64_URL)
			buf_add(out, q, i + 1 < n ? 3 : 2);
		else
			buf_add(out, q, 4);
	}
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void
mime_qp_decode(struct buf *out, const char *s, size_t n, int header)
{
	size_t i = 0, line_start = out->len, blank_from = (size_t)-1;

	(void)line_start;
	while (i < n) {
		char c = s[i];

		if (header) {
			if (c == '_')
				buf_addch(out, ' ');
			else if (c == '=' && i + 2 < n + 0 &&
			    hexval((unsigned char)s[i + 1]) >= 0 &&
			    hexval((unsigned char)s[i + 2]) >= 0) {
				buf_addch(out, hexval((unsigned char)s[i + 1]) * 16 +
				    hexval((unsigned char)s[i + 2]));
				i += 2;
			} else
				buf_addch(out, c);
			i++;
			continue;
		}
		if (c == '\r' || c == '\n') {
			/* blanks before a hard line break are padding */
			if (blank_from != (size_t)-1)
				buf_truncate(out, blank_from);
			blank_from = (size_t)-1;
			buf_addch(out, c);
			i++;
			continue;
		}
		if (c == '=') {
			size_t j = i + 1;

			/* soft break: '=' then optional blanks then EOL */
			while (j < n && (s[j] == ' ' || s[j] == '\t'))
				j++;
			if (j >= n || s[j] == '\r' || s[j] == '\n') {
				if (j < n && s[j] == '\r')
					j++;
				if (j < n && s[j] == '\n')
					j++;
				blank_from = (size_t)-1;
				i = j;
				continue;
			}
			if (i + 2 < n + 0 && hexval((unsigned char)s[i + 1]) >= 0 &&
			    hexval((unsigned char)s[i + 2]) >= 0) {
				buf_addch(out, hexval((unsigned char)s[i + 1]) * 16 +
				    hexval((unsigned char)s[i + 2]));
				blank_from = (size_t)-1;
				i += 3;
				continue;
			}
			buf_addch(out, '=');
			blank_from = (size_t)-1;
			i++;
			continue;
		}
		if (c == ' ' || c == '\t') {
			if (blank_from == (size_t)-1)
				blank_from = out->len;
		} else {
			blank_from = (size_t)-1;
		}
		buf_addch(out, c);
		i++;
	}
	if (blank_from != (size_t)-1)
		buf_truncate(out, blank_from);
}

/* ---- headers and parameters -------------------------------------------- */

void
mime_unfold(struct buf *out, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (s[i] == '\r' || s[i] == '\n') {
			size_t j = i;

			while (j < n && (s[j] == '\r' || s[j] == '\n'))
				j++;
			if (j < n && (s[j] == ' ' || s[j] == '\t')) {
				while (j < n && (s[j] == ' ' || s[j] == '\t'))
					j++;
				buf_addch(out, ' ');
			}
			i = j;
			continue;
		}
		buf_addch(out, s[i]);
		i++;
	}
}

const char *
mime_header_nth(const struct mime_part *p, const char *name, size_t nth)
{
	size_t i;

	for (i = 0; i < p->nheaders; i++)
		if (strcasecmp(p->headers[i].name, name) == 0 && nth-- == 0)
			return p->headers[i].value;
	return NULL;
}

const char *
mime_header_get(const struct mime_part *p, const char *name)
{
	return mime_header_nth(p, name, 0);
}

static void
pct_decode(struct buf *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n + 0 && hexval((unsigned char)s[i + 1]) >= 0 &&
		    hexval((unsigned char)s[i + 2]) >= 0) {
			buf_addch(out, hexval((unsigned char)s[i + 1]) * 16 +
			    hexval((unsigned char)s[i + 2]));
			i += 2;
		} else {
			buf_addch(out, s[i]);
		}
	}
}

/*
 * Walk the parameters of value; for each call back with the attribute
 * (name, length) and the unquoted value.
 */
typedef void (*param_fn)(const char *attr, size_t attr_n, const char *val,
	size_t val_n, void *ctx);

static void
params_walk(const char *v, param_fn fn, void *ctx)
{
	struct buf val = BUF_INIT;
	const char *p = strchr(v, ';');

	while (p && *p) {
		const char *a, *ae;

		p++;
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		a = p;
		while (*p && *p != '=' && *p != ';')
			p++;
		ae = p;
		while (ae > a && (ae[-1] == ' ' || ae[-1] == '\t'))
			ae--;
		if (*p != '=')
			continue;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		buf_reset(&val);
		if (*p == '"') {
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1])
					p++;
				buf_addch(&val, *p++);
			}
			if (*p == '"')
				p++;
			while (*p && *p != ';')
				p++;
		} else {
			const char *s = p, *e;

			while (*p && *p != ';')
				p++;
			e = p;
			while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			buf_add(&val, s, (size_t)(e - s));
		}
		if (ae > a)
			fn(a, (size_t)(ae - a), buf_cstr(&val), val.len, ctx);
	}
	buf_release(&val);
}

struct param_ctx {
	const char *name;
	size_t name_n;
	int found_plain;
	struct buf plain;
	/* RFC 2231 sections, by index (up to 64) */
	char *sect[64];
	int sect_enc[64];
	int any_sect;
};

static void
param_cb(const char *a, size_t an, const char *v, size_t vn, void *vctx)
{
	struct param_ctx *c = vctx;
	size_t k;

	if (an == c->name_n && strncasecmp(a, c->name, an) == 0) {
		if (!c->found_plain) {
			c->found_plain = 1;
			buf_add(&c->plain, v, vn);
		}
		return;
	}
	if (an <= c->name_n || strncasecmp(a, c->name, c->name_n) != 0 ||
	    a[c->name_n] != '*')
		return;
	/* name* (whole, encoded) or name*N or name*N* */
	k = c->name_n + 1;
	if (k == an) {
		if (!c->sect[0]) {
			c->sect[0] = xstrndup(v, vn);
			c->sect_enc[0] = 1;
			c->any_sect = 1;
		}
		return;
	}
	{
		unsigned idx = 0;
		int digits = 0, enc = 0;

		while (k < an && a[k] >= '0' && a[k] <= '9' && digits < 3) {
			idx = idx * 10 + (unsigned)(a[k] - '0');
			k++;
			digits++;
		}
		if (k < an && a[k] == '*') {
			enc = 1;
			k++;
		}
		if (!digits || k != an || idx >= 64 || c->sect[idx])
			return;
		c->sect[idx] = xstrndup(v, vn);
		c->sect_enc[idx] = enc;
		c->any_sect = 1;
	}
}

int
mime_param(const char *value, const char *name, struct buf *out)
{
	struct param_ctx c;
	int found = 0;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.name = name;
	c.name_n = strlen(name);
	buf_init(&c.plain, 0);
	if (!value)
		return 0;
	params_walk(value, param_cb, &c);
	if (c.any_sect && c.sect[0]) {
		for (i = 0; i < 64 && c.sect[i]; i++) {
			const char *s = c.sect[i];

			if (c.sect_enc[i]) {
				if (i == 0) {
					/* charset'language'text: keep the bytes */
					const char *q1 = strchr(s, '\'');
					const char *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;

					if (q2)
						s = q2 + 1;
				}
				pct_decode(out, s, strlen(s));
			} else {
				buf_addstr(out, s);
			}
		}
		found = 1;
	} else if (c.found_plain) {
		buf_add(out, c.plain.data ? c.plain.data : "", c.plain.len);
		found = 1;
	}
	for (i = 0; i < 64; i++)
		free(c.sect[i]);
	buf_release(&c.plain);
	return found;
}

/* ---- parsing ----------------------------------------------------------- */

struct parser {
	struct mime_limits lim;
	size_t nparts;
};

/* End of the line starting at i (index of '\n' or n), and the next line. */
static size_t
line_end(const char *s, size_t n, size_t i, size_t *next)
{
	const char *nl = memchr(s + i, '\n', n - i);
	size_t e;

	if (!nl) {
		*next = n;
		return n;
	}
	e = (size_t)(nl - s);
	*next = e + 1;
	if (e > i && s[e - 1] == '\r')
		e--;
	return e;
}

/* Parse the header block at s; returns the offset where the body starts. */
static size_t
parse_headers(struct mime_part *p, const char *s, size_t n,
	const struct parser *ps)
{
	size_t i = 0, cap = 0;
	struct buf val = BUF_INIT;

	/* an mbox "From " line before the headers */
	if (n >= 5 && memcmp(s, "From ", 5) == 0)
		line_end(s, n, 0, &i);
	while (i < n) {
		size_t next, e = line_end(s, n, i, &next), c, ne, k;

		if (e == i) {   /* blank line: end of headers */
			i = next;
			break;
		}
		if (s[i] == ' ' || s[i] == '\t') {
			/* continuation with no header before it */
			p->flags |= MIME_F_BAD_HEADER;
			i = next;
			continue;
		}
		for (c = i; c < e && s[c] != ':'; c++)
			if ((unsigned char)s[c] <= ' ' && s[c] != ' ' && s[c] != '\t')
				break;
		if (c >= e || s[c] != ':' || c == i) {
			p->flags |= MIME_F_BAD_HEADER;
			i = next;
			continue;
		}
		ne = c;
		while (ne > i && (s[ne - 1] == ' ' || s[ne - 1] == '\t'))
			ne--;
		/* the value runs over continuation lines */
		k = next;
		while (k < n && (s[k] == ' ' || s[k] == '\t')) {
			size_t k2;

			e = line_end(s, n, k, &k2);
			k = k2;
		}
		if (p->nheaders >= ps->lim.max_headers) {
			p->flags |= MIME_F_LIMIT;
			i = k;
			continue;
		}
		buf_reset(&val);
		mime_unfold(&val, s + c + 1, e - (c + 1));
		{
			const char *v = buf_cstr(&val);
			size_t vs = 0, ve = val.len;

			while (vs < ve && (v[vs] == ' ' || v[vs] == '\t'))
				vs++;
			while (ve > vs && (v[ve - 1] == ' ' || v[ve - 1] == '\t'))
				ve--;
			if (p->nheaders == cap) {
				cap = cap ? cap * 2 : 16;
				p->headers = xrealloc(p->headers,
				    cap * sizeof(*p->headers));
			}
			p->headers[p->nheaders].name = xstrndup(s + i, ne - i);
			p->headers[p->nheaders].value = xstrndup(v + vs, ve - vs);
			p->nheaders++;
		}
		i = k;
	}
	buf_release(&val);
	return i > n ? n : i;
}

static char *
lower_token(const char *v)
{
	size_t n = 0;
	char *t;

	while (v[n] == ' ' || v[n] == '\t')
		v++;
	while (v[n] && v[n] != ';' && v[n] != ' ' && v[n] != '\t' &&
	    v[n] != '(')
		n++;
	t = xstrndup(v, n);
	for (n = 0; t[n]; n++)
		t[n] = (char)tolower((unsigned char)t[n]);
	return t;
}

static void
part_meta(struct mime_part *p, int digest_parent)
{
	const char *ct = mime_header_get(p, "Content-Type");
	const char *cd = mime_header_get(p, "Content-Disposition");
	const char *cte = mime_header_get(p, "Content-Transfer-Encoding");
	struct buf b = BUF_INIT;

	if (ct) {
		p->type = lower_token(ct);
		if (!strchr(p->type, '/')) {
			/* "text" or garbage: RFC 2045 says default */
			free(p->type);
			p->type = NULL;
		}
	}
	if (!p->type)
		p->type = xstrdup(digest_parent ? "message/rfc822" : "text/plain");
	if (ct && mime_param(ct, "charset", &b) && b.len) {
		p->charset = buf_detach(&b, NULL);
	}
	buf_reset(&b);
	if (ct && strncmp(p->type, "multipart/", 10) == 0 &&
	    mime_param(ct, "boundary", &b) && b.len) {
		p->boundary = buf_detach(&b, NULL);
	}
	buf_reset(&b);
	if (cd) {
		char *disp = lower_token(cd);

		p->attachment = strcmp(disp, "attachment") == 0;
		free(disp);
	}
	if ((cd && mime_param(cd, "filename", &b)) ||
	    (ct && mime_param(ct, "name", &b))) {
		struct buf d = BUF_INIT;

		rfc2047_decode(&d, buf_cstr(&b), b.len);
		if (d.len)
			p->filename = buf_detach(&d, NULL);
		buf_release(&d);
	}
	buf_release(&b);
	if (cte) {
		char *t = lower_token(cte);

		if (strcmp(t, "base64") == 0)
			p->cte = MIME_CTE_BASE64;
		else if (strcmp(t, "quoted-printable") == 0)
			p->cte = MIME_CTE_QP;
		else if (strcmp(t, "7bit") && strcmp(t, "8bit") &&
		    strcmp(t, "binary") && t[0])
			p->flags |= MIME_F_BAD_CTE;
		free(t);
	}
}

static void parse_part(struct mime_part *p, const char *s, size_t n,
	struct parser *ps, unsigned depth, int digest_parent);

/*
 * Is the line s[i..e) a delimiter for boundary b?  Returns 1 for a
 * delimiter, 2 for the closing one, 0 otherwise.
 */
static int
is_delim(const char *s, size_t i, size_t e, const char *b, size_t bn)
{
	size_t k;

	if (e - i < bn + 2 || s[i] != '-' || s[i + 1] != '-' ||
	    memcmp(s + i + 2, b, bn) != 0)
		return 0;
	k = i + 2 + bn;
	if (e - k >= 2 && s[k] == '-' && s[k + 1] == '-') {
		return 2;
	}
	for (; k < e; k++)
		if (s[k] != ' ' && s[k] != '\t')
			return 0;
	return 1;
}

static struct mime_part *
add_child(struct mime_part *p)
{
	p->parts = xrealloc(p->parts, (p->nparts + 1) * sizeof(*p->parts));
	memset(&p->parts[p->nparts], 0, sizeof(*p->parts));
	return &p->parts[p->nparts++];
}

static void
parse_multipart(struct mime_part *p, const char *s, size_t n,
	struct parser *ps, unsigned depth)
{
	const char *b = p->boundary;
	size_t bn = strlen(b), i = 0, start = 0, next;
	int in_part = 0, closed = 0, digest = strcmp(p->type, "multipart/digest") == 0;

	while (i < n) {
		size_t e = line_end(s, n, i, &next);
		int d = is_delim(s, i, e, b, bn);

		if (d) {
			if (in_part) {
				/* the line break before the delimiter is its own */
				size_t end = i;

				if (end > start && s[end - 1] == '\n')
					end--;
				if (end > start && s[end - 1] == '\r')
					end--;
				if (ps->nparts >= ps->lim.max_parts) {
					p->flags |= MIME_F_LIMIT;
				} else {
					ps->nparts++;
					parse_part(add_child(p), s + start,
					    end - start, ps, depth + 1, digest);
				}
			}
			in_part = 1;
			start = next;
			if (d == 2) {
				closed = 1;
				break;
			}
		}
		i = next;
	}
	if (!closed && in_part) {
		p->flags |= MIME_F_NO_CLOSE;
		if (ps->nparts >= ps->lim.max_parts) {
			p->flags |= MIME_F_LIMIT;
		} else if (start < n) {
			ps->nparts++;
			parse_part(add_child(p), s + start, n - start, ps,
			    depth + 1, digest);
		}
	}
	if (!in_part) {
		/* the boundary never appears: read the body as text */
		p->flags |= MIME_F_NO_BOUNDARY;
		free(p->type);
		p->type = xstrdup("text/plain");
	}
}

static void
parse_part(struct mime_part *p, const char *s, size_t n, struct parser *ps,
	unsigned depth, int digest_parent)
{
	size_t body = parse_headers(p, s, n, ps);

	part_meta(p, digest_parent);
	p->body = s + body;
	p->body_n = n - body;
	if (depth >= ps->lim.max_depth) {
		if (strncmp(p->type, "multipart/", 10) == 0 ||
		    strcmp(p->type, "message/rfc822") == 0)
			p->flags |= MIME_F_LIMIT;
		return;
	}
	if (strncmp(p->type, "multipart/", 10) == 0) {
		if (!p->boundary) {
			p->flags |= MIME_F_NO_BOUNDARY;
			free(p->type);
			p->type = xstrdup("text/plain");
			return;
		}
		parse_multipart(p, p->body, p->body_n, ps, depth);
	} else if (strcmp(p->type, "message/rfc822") == 0 &&
	    p->cte == MIME_CTE_IDENTITY) {
		if (ps->nparts >= ps->lim.max_parts) {
			p->flags |= MIME_F_LIMIT;
			return;
		}
		ps->nparts++;
		parse_part(add_child(p), p->body, p->body_n, ps, depth + 1, 0);
	}
}

int
mime_parse(struct mime_part *root, const char *text, size_t n,
	const struct mime_limits *lim)
{
	struct parser ps;

	memset(root, 0, sizeof(*root));
	memset(&ps, 0, sizeof(ps));
	ps.lim.max_depth = lim && lim->max_depth ? lim->max_depth : 32;
	ps.lim.max_parts = lim && lim->max_parts ? lim->max_parts : 1000;
	ps.lim.max_headers = lim && lim->max_headers ? lim->max_headers : 1000;
	ps.nparts = 1;
	parse_part(root, text, n, &ps, 0, 0);
	return 0;
}

void
mime_part_release(struct mime_part *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nheaders; i++) {
		free(p->headers[i].name);
		free(p->headers[i].value);
	}
	free(p->headers);
	for (i = 0; i < p->nparts; i++)
		mime_part_release(&p->parts[i]);
	free(p->parts);
	free(p->type);
	free(p->charset);
	free(p->boundary);
	free(p->filename);
	memset(p, 0, sizeof(*p));
}

/* ---- bodies ------------------------------------------------------------ */

void
mime_part_decode(const struct mime_part *p, struct buf *out)
{
	switch (p->cte) {
	case MIME_CTE_BASE64:
		mime_base64_decode(out, p->body, p->body_n, 0);
		break;
	case MIME_CTE_QP:
		mime_qp_decode(out, p->body, p->body_n, 0);
		break;
	default:
		buf_add(out, p->body, p->body_n);
	}
}

unsigned
mime_part_text(const struct mime_part *p, struct buf *out)
{
	struct buf raw = BUF_INIT;
	unsigned f;

	mime_part_decode(p, &raw);
	f = charset_to_utf8(out, p->charset, raw.data ? raw.data : "", raw.len);
	buf_release(&raw);
	return f;
}

int
mime_part_is_attachment(const struct mime_part *p)
{
	return p->attachment || (p->filename && p->filename[0]);
}

static void
find_bodies(const struct mime_part *p, const struct mime_part **plain,
	const struct mime_part **html)
{
	size_t i;

	if (strncmp(p->type, "multipart/", 10) == 0) {
		for (i = 0; i < p->nparts; i++)
			find_bodies(&p->parts[i], plain, html);
		return;
	}
	if (mime_part_is_attachment(p))
		return;
	if (!*plain && strcmp(p->type, "text/plain") == 0)
		*plain = p;
	else if (!*html && strcmp(p->type, "text/html") == 0)
		*html = p;
}

void
mime_find_bodies(const struct mime_part *root, const struct mime_part **plain,
	const struct mime_part **html)
{
	*plain = NULL;
	*html = NULL;
	find_bodies(root, plain, html);
}

/* ---- dates ------------------------------------------------------------- */

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static const char *
skip_cfws(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',' || *p == '\r' ||
		    *p == '\n')
			p++;
		if (*p != '(')
			return p;
		{
			int depth = 0;

			do {
				if (*p == '(')
					depth++;
				else if (*p == ')')
					depth--;
				else if (*p == '\\' && p[1])
					p++;
				p++;
			} while (*p && depth > 0);
		}
	}
}

static int
read_num(const char **pp, int maxdigits, long *v)
{
	const char *p = *pp;
	int n = 0;

	*v = 0;
	while (*p >= '0' && *p <= '9' && n < maxdigits) {
		*v = *v * 10 + (*p - '0');
		p++;
		n++;
	}
	if (!n)
		return 0;
	*pp = p;
	return n;
}

int
mime_date_parse(const char *s, int64_t *ms)
{
	static const char *const months[] = { "jan", "feb", "mar", "apr",
		"may", "jun", "jul", "aug", "sep", "oct", "nov", "dec" };
	static const struct { const char *name; int min; } zones[] = {
		{ "ut", 0 }, { "utc", 0 }, { "gmt", 0 }, { "z", 0 },
		{ "est", -300 }, { "edt", -240 }, { "cst", -360 },
		{ "cdt", -300 }, { "mst", -420 }, { "mdt", -360 },
		{ "pst", -480 }, { "pdt", -420 }, { NULL, 0 }
	};
	const char *p = skip_cfws(s);
	long day, mon = 0, year, hh = 0, mm = 0, ss = 0, t;
	int nd, i, zone = 0;
	int64_t days;

	/* optional weekday */
	if (isalpha((unsigned char)*p)) {
		while (isalpha((unsigned char)*p))
			p++;
		p = skip_cfws(p);
	}
	if (!read_num(&p, 4, &day))
		return -1;
	if (*p == '-' && day > 31) {
		/* ISO: YYYY-MM-DD */
		year = day;
		p++;
		if (!read_num(&p, 2, &mon) || *p != '-')
			return -1;
		p++;
		if (!read_num(&p, 2, &day))
			return -1;
		if (*p == 'T' || *p == 't')
			p++;
	} else {
		p = skip_cfws(p);
		if (*p == '-')
			p++;
		for (i = 0; i < 12; i++)
			if (strncasecmp(p, months[i], 3) == 0)
				break;
		if (i == 12)
			return -1;
		mon = i + 1;
		while (isalpha((unsigned char)*p))
			p++;
		p = skip_cfws(p);
		if (*p == '-')
			p++;
		nd = read_num(&p, 4, &year);
		if (!nd)
			return -1;
		if (nd <= 2)
			year += year < 50 ? 2000 : 1900;
		else if (nd == 3)
			year += 1900;
	}
	p = skip_cfws(p);
	if (read_num(&p, 2, &hh)) {
		if (*p != ':')
			return -1;
		p++;
		if (!read_num(&p, 2, &mm))
			return -1;
		if (*p == ':') {
			p++;
			if (!read_num(&p, 2, &ss))
				return -1;
			if (*p == '.')      /* fraction: ignored */
				while (isdigit((unsigned char)*++p))
					;
		}
	}
	p = skip_cfws(p);
	if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1])) {
		int sign = *p == '-' ? -1 : 1;
		const char *q = p + 1;

		nd = read_num(&q, 4, &t);
		if (nd == 4)
			zone = sign * (int)((t / 100) * 60 + t % 100);
		else if (nd == 2 && *q == ':') {
			long tm;

			q++;
			if (read_num(&q, 2, &tm))
				zone = sign * (int)(t * 60 + tm);
		}
	} else if (isalpha((unsigned char)*p)) {
		for (i = 0; zones[i].name; i++) {
			size_t zl = strlen(zones[i].name);

			if (strncasecmp(p, zones[i].name, zl) == 0 &&
			    !isalpha((unsigned char)p[zl])) {
				zone = zones[i].min;
				break;
			}
		}
	}
	if (mon < 1 || mon > 12 || day < 1 || day > 31 || year < 1900 ||
	    year > 9999 || hh > 23 || mm > 59 || ss > 60)
		return -1;
	if (ss == 60)
		ss = 59;
	days = days_from_civil(year, (unsigned)mon, (unsigned)day);
	*ms = ((days * 86400) + hh * 3600 + mm * 60 + ss - (int64_t)zone * 60) *
	    1000;
	return 0;
}
