#include "gmail_batch.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime.h"
#include "banned.h"

void
gmail_batch_build(struct buf *body, const char *boundary,
	const char *const *paths, const char *const *ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_printf(body, "--%s\r\nContent-Type: application/http\r\n"
		    "Content-ID: <%s>\r\n\r\nGET %s HTTP/1.1\r\n\r\n",
		    boundary, ids[i], paths[i]);
	buf_printf(body, "--%s--\r\n", boundary);
}

static char *
content_id(const char *v)
{
	size_t n;

	if (!v)
		return xstrdup("");
	while (*v == ' ' || *v == '<')
		v++;
	if (strncasecmp(v, "response-", 9) == 0)
		v += 9;
	n = strlen(v);
	while (n && (v[n - 1] == '>' || v[n - 1] == ' '))
		n--;
	return xstrndup(v, n);
}

/* Parse "HTTP/1.1 200 OK\r\nheaders\r\n\r\nbody" into part. */
static void
parse_inner(struct gmail_batch_part *part, const char *s, size_t n)
{
	const char *nl = memchr(s, '\n', n);
	size_t off;
	struct mime_part inner;
	const char *ra;

	part->status = 0;
	/* skip blank lines before the status line */
	while (n && (*s == '\r' || *s == '\n')) {
		s++;
		n--;
	}
	nl = memchr(s, '\n', n);
	if (n > 9 && strncmp(s, "HTTP/", 5) == 0) {
		const char *sp = memchr(s, ' ', nl ? (size_t)(nl - s) : n);

		if (sp)
			part->status = atoi(sp + 1);
	}
	off = nl ? (size_t)(nl - s) + 1 : n;
	mime_parse(&inner, s + off, n - off, NULL);
	/* a copy of all body_n bytes (xstrndup would stop at a NUL byte and
	 * leave body_n longer than the copy) */
	part->body_n = inner.body_n;
	part->body = xmalloc(inner.body_n + 1);
	if (inner.body_n)
		memcpy(part->body, inner.body, inner.body_n);
	part->body[inner.body_n] = '\0';
	{
		const char *cl = mime_header_get(&inner, "Content-Length");

		/* trust Content-Length only to shorten (trailing CRLF) */
		if (cl) {
			long len = atol(cl);

			if (len >= 0 && (size_t)len < part->body_n) {
				part->body_n = (size_t)len;
				part->body[len] = '\0';
			}
		}
	}
	ra = mime_header_get(&inner, "Retry-After");
	part->retry_after = ra ? xstrdup(ra) : NULL;
	mime_part_release(&inner);
}

int
gmail_batch_parse(struct gmail_batch_resp *r, const char *content_type,
	const char *body, size_t n, struct err *e)
{
	struct buf env = BUF_INIT, bnd = BUF_INIT;
	struct mime_part root;
	size_t i;

	r->v = NULL;
	r->n = 0;
	if (!content_type || strncasecmp(content_type, "multipart/", 10) != 0 ||
	    !mime_param(content_type, "boundary", &bnd) || !bnd.len) {
		buf_release(&bnd);
		return err_set(e, EX_DATAERR, "batch response is not multipart");
	}
	buf_addstr(&env, "Content-Type: multipart/mixed; boundary=\"");
	buf_addstr(&env, buf_cstr(&bnd));
	buf_addstr(&env, "\"\r\n\r\n");
	buf_add(&env, body, n);
	{
		struct mime_limits lim = { 4, GMAIL_BATCH_MAX * 2 + 4, 100 };

		mime_parse(&root, env.data, env.len, &lim);
	}
	if (root.flags & MIME_F_NO_BOUNDARY) {
		mime_part_release(&root);
		buf_release(&env);
		buf_release(&bnd);
		return err_set(e, EX_DATAERR, "batch response without parts");
	}
	r->v = xcalloc(root.nparts ? root.nparts : 1, sizeof(*r->v));
	for (i = 0; i < root.nparts; i++) {
		const struct mime_part *p = &root.parts[i];

		r->v[i].id = content_id(mime_header_get(p, "Content-ID"));
		parse_inner(&r->v[i], p->body, p->body_n);
	}
	r->n = root.nparts;
	mime_part_release(&root);
	buf_release(&env);
	buf_release(&bnd);
	return 0;
}

void
gmail_batch_resp_release(struct gmail_batch_resp *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].id);
		free(r->v[i].body);
		free(r->v[i].retry_after);
	}
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

const struct gmail_batch_part *
gmail_batch_find(const struct gmail_batch_resp *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->v[i].id, id) == 0)
			return &r->v[i];
	return NULL;
}
