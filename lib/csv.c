#include "csv.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

void
csv_reader_init(struct csv_reader *r, const char *text, size_t n, char delim)
{
	memset(r, 0, sizeof(*r));
	r->p = text;
	r->end = text + n;
	r->delim = delim ? delim : ',';
	r->next_line = 1;
	buf_init(&r->data, 0);
	if (n >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		r->p += 3;
}

void
csv_reader_release(struct csv_reader *r)
{
	buf_release(&r->data);
	free(r->off);
	free(r->len);
	memset(r, 0, sizeof(*r));
}

static void
field_end(struct csv_reader *r, size_t start)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->off = xrealloc(r->off, r->cap * sizeof(*r->off));
		r->len = xrealloc(r->len, r->cap * sizeof(*r->len));
	}
	r->off[r->n] = start;
	r->len[r->n] = r->data.len - start;
	r->n++;
	buf_addch(&r->data, '\0');
}

int
csv_next(struct csv_reader *r, struct err *e)
{
	const char *p = r->p, *end = r->end;
	size_t start;

	buf_reset(&r->data);
	r->n = 0;
	if (p >= end)
		return 0;
	r->line = r->next_line;
	for (;;) {
		start = r->data.len;
		if (p < end && *p == '"') {
			p++;
			for (;;) {
				const char *q;

				if (p >= end)
					return err_set(e, EX_DATAERR, "CSV line %lu: "
					    "quoted field not closed", r->line), -1;
				q = memchr(p, '"', (size_t)(end - p));
				if (!q)
					q = end;
				for (const char *s = p; s < q; s++)
					if (*s == '\n')
						r->next_line++;
				buf_add(&r->data, p, (size_t)(q - p));
				p = q;
				if (p >= end)
					continue;
				if (p + 1 < end && p[1] == '"') {
					buf_addch(&r->data, '"');
					p += 2;
					continue;
				}
				p++;
				break;
			}
			if (p < end && *p != r->delim && *p != '\n' &&
			    !(*p == '\r' && (p + 1 == end || p[1] == '\n')))
				return err_set(e, EX_DATAERR, "CSV line %lu: text "
				    "after a closing quote", r->line), -1;
		} else {
			const char *s = p;

			while (p < end && *p != r->delim && *p != '\n' &&
			    !(*p == '\r' && (p + 1 == end || p[1] == '\n')))
				p++;
			buf_add(&r->data, s, (size_t)(p - s));
		}
		field_end(r, start);
		if (p < end && *p == r->delim) {
			p++;
			continue;
		}
		if (p < end && *p == '\r')
			p++;
		if (p < end && *p == '\n')
			p++;
		r->next_line++;
		break;
	}
	r->p = p;
	if (buf_failed(&r->data))
		return err_set(e, EX_DATAERR, "CSV line %lu: record too large",
		    r->line), -1;
	return 1;
}
