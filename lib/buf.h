/*
 * buf.h: the one growable byte buffer of the suite, with a maximum size.
 *
 * The data is always NUL-terminated (buf_cstr never returns NULL), so it can
 * be handed to C string functions; it may also hold NUL bytes, len counts
 * them.  A buffer that failed to grow (over its maximum, or out of memory)
 * becomes "failed": later appends do nothing, so a caller may append many
 * times and check buf_failed() once.
 */
#ifndef SI_BUF_H
#define SI_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;     /* owned; NULL until the first append */
	size_t len;     /* bytes in use, not counting the final NUL */
	size_t cap;     /* bytes allocated */
	size_t max;     /* most bytes len may reach; 0 means BUF_MAX_DEFAULT */
	int failed;     /* an append did not fit or malloc failed */
};

#define BUF_MAX_DEFAULT ((size_t)1 << 40)
#define BUF_INIT { NULL, 0, 0, 0, 0 }

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);

#include <string.h>

/* Make room for extra more bytes; 0 on success, -1 (and failed set) if not.
 * (Inline when the room is there, as the writers call it for every value.) */
int buf_grow_slow(struct buf *b, size_t extra);
static inline int
buf_grow(struct buf *b, size_t extra)
{
	if (!b->failed && extra < b->cap - b->len &&
	    b->len + extra <= (b->max ? b->max : BUF_MAX_DEFAULT))
		return 0;
	return buf_grow_slow(b, extra);
}

/* Appends; each returns 0 on success, -1 when the buffer failed. */
int buf_add_slow(struct buf *b, const void *p, size_t n);
static inline int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (!b->failed && n < b->cap - b->len &&
	    b->len + n <= (b->max ? b->max : BUF_MAX_DEFAULT)) {
		if (n)
			memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	return buf_add_slow(b, p, n);
}
int buf_addstr(struct buf *b, const char *s);
int buf_addch_slow(struct buf *b, int c);
/* One byte: inline, as the JSON writers call it for every brace and comma. */
static inline int
buf_addch(struct buf *b, int c)
{
	if (b->len + 2 <= b->cap && !b->failed &&
	    b->len + 1 <= (b->max ? b->max : BUF_MAX_DEFAULT)) {
		b->data[b->len++] = (char)c;
		b->data[b->len] = '\0';
		return 0;
	}
	return buf_addch_slow(b, c);
}
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Forget the contents (and the failed flag); keeps the storage. */
void buf_reset(struct buf *b);
/* Cut to n bytes (n <= len). */
void buf_truncate(struct buf *b, size_t n);
/* The contents as a C string; "" for an empty buffer. Lives until the next append. */
const char *buf_cstr(const struct buf *b);
/* Hand the storage (malloc'd, NUL-terminated, never NULL) to the caller; the buffer is empty after. */
char *buf_detach(struct buf *b, size_t *len);
static inline int buf_failed(const struct buf *b) { return b->failed; }

/* malloc/strdup that never return NULL: they abort on exhaustion, which
 * the suite treats like a crash of the allocator, not like bad input. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
