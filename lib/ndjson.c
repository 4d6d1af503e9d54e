#include "ndjson.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "banned.h"

#define READ_CHUNK ((size_t)64 * 1024)

void
ndjson_reader_init(struct ndjson_reader *r, size_t max_line)
{
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->max_line = max_line ? max_line : NDJSON_MAX_LINE_DEFAULT;
	r->check_utf8 = 1;
	r->name = "<stdin>";
	buf_init(&r->why, 4096);
}

static void
close_input(struct ndjson_reader *r)
{
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->own_fd = 0;
}

void
ndjson_reader_release(struct ndjson_reader *r)
{
	close_input(r);
	free(r->buf);
	buf_release(&r->why);
	r->buf = NULL;
	r->cap = 0;
}

void
ndjson_reader_set_fd(struct ndjson_reader *r, int fd, const char *name)
{
	close_input(r);
	r->fd = fd;
	r->name = name;
	r->lineno = 0;
	r->start = r->end = r->scan = r->peek = 0;
	r->npeek = 0;
	r->eof = r->skipping = 0;
}

int
ndjson_reader_open(struct ndjson_reader *r, const char *path, struct err *e)
{
	int fd;

	if (path == NULL || strcmp(path, "-") == 0) {
		ndjson_reader_set_fd(r, 0, "<stdin>");
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ndjson_reader_set_fd(r, -1, path);
		return err_set(e, EX_NOINPUT, "cannot open %s: %s", path,
		    strerror(errno));
	}
	ndjson_reader_set_fd(r, fd, path);
	r->own_fd = 1;
	return 0;
}

void
ndjson_reader_check_utf8(struct ndjson_reader *r, int on)
{
	r->check_utf8 = on;
}

void
ndjson_reader_defer_checks(struct ndjson_reader *r, int on)
{
	r->defer_checks = on;
}

void
ndjson_reader_on_read(struct ndjson_reader *r, void (*fn)(void *), void *arg)
{
	r->before_read = fn;
	r->before_read_arg = arg;
}

const char *
ndjson_reader_why(const struct ndjson_reader *r)
{
	return buf_cstr(&r->why);
}

static int __attribute__((format(printf, 2, 3)))
bad(struct ndjson_reader *r, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&r->why);
	va_start(ap, fmt);
	buf_vprintf(&r->why, fmt, ap);
	va_end(ap);
	return NDJSON_BAD;
}

/* UTF-8 check with an ASCII fast path; the offset of a bad byte in *off. */
static int
utf8_ok(const char *s, size_t n, size_t *off)
{
	size_t i = 0;

	while (i + 8 <= n) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		if (w & 0x8080808080808080ULL)
			break;
		i += 8;
	}
	if (json_utf8_valid(s + i, n - i, off))
		return 1;
	*off += i;
	return 0;
}

int
ndjson_line_check(const char *line, size_t n, int check_utf8, struct buf *why)
{
	const char *z = memchr(line, '\0', n);
	size_t off;

	if (z != NULL) {
		buf_reset(why);
		buf_printf(why, "NUL byte at byte %zu", (size_t)(z - line) + 1);
		return -1;
	}
	if (check_utf8 && !utf8_ok(line, n, &off)) {
		buf_reset(why);
		buf_printf(why, "invalid UTF-8 at byte %zu", off + 1);
		return -1;
	}
	return 0;
}

/* Classify a complete line; 1 means "skip it" (empty). */
static int
finish_line(struct ndjson_reader *r, const char *line, size_t *len, int *st)
{
	size_t n = *len, i;

	if (n && line[n - 1] == '\r')
		n--;
	*len = n;
	for (i = 0; i < n; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			break;
	if (i == n)
		return 1;
	if (n > r->max_line) {
		*st = bad(r, "line longer than %zu bytes", r->max_line);
		return 0;
	}
	if (!r->defer_checks &&
	    ndjson_line_check(line, n, r->check_utf8, &r->why) != 0) {
		*st = NDJSON_BAD;
		return 0;
	}
	*st = NDJSON_LINE;
	return 0;
}

/* Read more input at buf[end..).  0, or -1 on error. */
static int
fill(struct ndjson_reader *r, struct err *e)
{
	ssize_t got;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->scan -= r->start;
		r->peek = r->peek > r->start ? r->peek - r->start : 0;
		r->start = 0;
	}
	if (r->end == r->cap || r->cap - r->end < READ_CHUNK / 4) {
		size_t ncap = r->cap ? r->cap * 2 : READ_CHUNK;
		size_t limit = r->max_line < SIZE_MAX - READ_CHUNK ?
		    r->max_line + READ_CHUNK : SIZE_MAX;

		if (ncap > limit)
			ncap = limit;
		if (ncap > r->cap) {
			r->buf = xrealloc(r->buf, ncap);
			r->cap = ncap;
		}
	}
	if (r->before_read)
		r->before_read(r->before_read_arg);
	for (;;) {
		got = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (got < 0 && errno == EINTR)
			continue;
		break;
	}
	if (got < 0) {
		err_set(e, EX_IOERR, "%s: read error: %s", r->name,
		    strerror(errno));
		return -1;
	}
	if (got == 0)
		r->eof = 1;
	r->end += (size_t)got;
	return 0;
}

int
ndjson_reader_next(struct ndjson_reader *r, const char **line, size_t *len,
    struct err *e)
{
	int st;

	if (r->fd < 0)
		return NDJSON_EOF;
	for (;;) {
		char *nl;

		if (r->skipping) {
			nl = r->end > r->start ? memchr(r->buf + r->start,
			    '\n', r->end - r->start) : NULL;
			if (nl) {
				r->start = r->scan = (size_t)(nl - r->buf) + 1;
				r->skipping = 0;
				r->npeek = 0;
				continue;
			}
			r->start = r->end = r->scan = 0;
			if (r->eof) {
				r->skipping = 0;
				return NDJSON_EOF;
			}
			if (fill(r, e) < 0)
				return -1;
			continue;
		}
		nl = r->end > r->scan ? memchr(r->buf + r->scan, '\n',
		    r->end - r->scan) : NULL;
		if (nl) {
			*line = r->buf + r->start;
			*len = (size_t)(nl - *line);
			r->start = r->scan = (size_t)(nl - r->buf) + 1;
			if (r->npeek > 0)
				r->npeek--;
			r->lineno++;
			if (finish_line(r, *line, len, &st))
				continue;
			return st;
		}
		r->scan = r->end;
		/* +1: the line may still end in the "\r" of a "\r\n" */
		if (r->end - r->start > r->max_line + 1) {
			r->lineno++;
			r->skipping = 1;
			r->start = r->end = r->scan = r->peek = 0;
			r->npeek = 0;
			return bad(r, "line longer than %zu bytes", r->max_line);
		}
		if (r->eof) {
			if (r->start == r->end)
				return NDJSON_EOF;
			*line = r->buf + r->start;
			*len = r->end - r->start;
			r->start = r->scan = r->end;
			r->lineno++;
			if (finish_line(r, *line, len, &st))
				continue;
			return st;
		}
		if (fill(r, e) < 0)
			return -1;
	}
}

int
ndjson_reader_peek(struct ndjson_reader *r, const char **line, size_t *len)
{
	char *nl;

	if (r->fd < 0 || r->skipping)
		return 0;
	if (r->npeek == 0 || r->peek < r->start)
		r->peek = r->start;
	if (r->end <= r->peek ||
	    (nl = memchr(r->buf + r->peek, '\n', r->end - r->peek)) == NULL)
		return 0;
	*line = r->buf + r->peek;
	*len = (size_t)(nl - *line);
	r->peek = (size_t)(nl - r->buf) + 1;
	r->npeek++;
	return 1;
}

unsigned
ndjson_reader_peeked(const struct ndjson_reader *r)
{
	return r->npeek;
}

/* ---- writer ---- */

void
ndjson_writer_init(struct ndjson_writer *w, int fd)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	buf_init(&w->b, 0);
}

void
ndjson_writer_release(struct ndjson_writer *w)
{
	buf_release(&w->b);
}

int
ndjson_writer_flush(struct ndjson_writer *w, struct err *e)
{
	size_t off = 0;

	if (w->closed || w->error) {
		buf_reset(&w->b);
		w->mark = 0;
		return w->error ? EX_IOERR : 0;
	}
	while (off < w->b.len) {
		ssize_t n = write(w->fd, w->b.data + off, w->b.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EPIPE) {
			w->closed = 1;
			break;
		}
		if (n <= 0) {
			w->error = 1;
			buf_reset(&w->b);
			w->mark = 0;
			return err_set(e, EX_IOERR,
			    "write error on standard output: %s",
			    n < 0 ? strerror(errno) : "nothing written");
		}
		off += (size_t)n;
	}
	buf_reset(&w->b);
	w->mark = 0;
	return 0;
}

struct buf *
ndjson_writer_begin(struct ndjson_writer *w)
{
	w->mark = w->b.len;
	return &w->b;
}

void
ndjson_writer_abort(struct ndjson_writer *w)
{
	buf_truncate(&w->b, w->mark);
	w->b.failed = 0;
}

int
ndjson_writer_end(struct ndjson_writer *w, struct err *e)
{
	buf_addch(&w->b, '\n');
	if (buf_failed(&w->b)) {
		ndjson_writer_abort(w);
		return err_set(e, EX_SOFTWARE, "output line too large");
	}
	w->mark = w->b.len;
	if (w->b.len >= NDJSON_FLUSH_AT)
		return ndjson_writer_flush(w, e);
	return 0;
}

int
ndjson_writer_line(struct ndjson_writer *w, const char *s, size_t n,
    struct err *e)
{
	buf_add(ndjson_writer_begin(w), s, n);
	return ndjson_writer_end(w, e);
}
