/*
 * ndjson.h: newline-delimited input and output (owner: core).
 *
 * The reader hands out one line at a time from a reused buffer capped at
 * max_line bytes (NDJSON_MAX_LINE_DEFAULT, 64 MiB): memory stays flat
 * whatever the input.  A line longer than that is reported as bad (with its
 * line number) as soon as the cap is passed, and the rest of it is read and
 * thrown away in buffer-sized pieces, never held whole.  Line numbers count
 * every "\n" from 1, also of skipped lines.  "\r\n" ends a line like "\n";
 * a last line without "\n" is a line; empty lines (nothing but spaces, tabs
 * or a CR) are skipped silently; a line holding a NUL byte or (unless
 * disabled) invalid UTF-8 is bad.
 *
 * The writer is the one buffered output of a tool: whole lines only, written
 * with write(2) when its buffer passes 64 KiB, at ndjson_writer_flush and
 * before the reader blocks for more input (when hooked up by the stream
 * driver), so a downstream process sees each record promptly.  A write error
 * is EX_IOERR; a closed pipe (EPIPE, when SIGPIPE is ignored) marks the
 * writer closed, quietly: the caller stops and exits 0.
 */
#ifndef SI_NDJSON_H
#define SI_NDJSON_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

#define NDJSON_MAX_LINE_DEFAULT ((size_t)64 << 20)

enum ndjson_status {
	NDJSON_EOF = 0,         /* no more lines */
	NDJSON_LINE = 1,        /* a good line */
	NDJSON_BAD = 2          /* a bad line: ndjson_reader_why() says why */
};

/* Treat the fields as private, except name and lineno (read-only). */
struct ndjson_reader {
	int fd;
	int own_fd;             /* close fd at release / next open */
	const char *name;       /* for messages: the path, or "<stdin>" */
	unsigned long lineno;   /* number of the line last returned */
	size_t max_line;
	char *buf;
	size_t cap, start, end, scan;
	size_t peek;            /* end of the lines handed out by _peek */
	unsigned npeek;         /* how many of those are not read yet */
	int eof;
	int skipping;           /* discarding the rest of an over-long line */
	int check_utf8;
	int defer_checks;
	struct buf why;
	void (*before_read)(void *);
	void *before_read_arg;
};

/* A reader with no input yet; max_line 0 means the default. */
void ndjson_reader_init(struct ndjson_reader *r, size_t max_line);
void ndjson_reader_release(struct ndjson_reader *r);
/*
 * Start reading path ("-" or NULL: standard input, named "<stdin>").  The
 * buffer is kept; the line number restarts at 0.  The name is not copied:
 * it must live as long as the reader reads it.  Returns 0, or EX_NOINPUT
 * with e filled when the file cannot be opened.
 */
int ndjson_reader_open(struct ndjson_reader *r, const char *path,
    struct err *e);
/* Start reading fd (not closed by the reader), called name. */
void ndjson_reader_set_fd(struct ndjson_reader *r, int fd, const char *name);
/* Off: skip the UTF-8 check (for callers that validate themselves). */
void ndjson_reader_check_utf8(struct ndjson_reader *r, int on);
/*
 * On: hand out lines without the NUL and UTF-8 checks; the caller runs
 * ndjson_line_check itself when it needs to (the stream driver does when a
 * line fails to parse as JSON: a line that parses holds neither, as the
 * JSON parser accepts no raw control byte and validates every string's
 * UTF-8, and JSON outside strings is ASCII).
 */
void ndjson_reader_defer_checks(struct ndjson_reader *r, int on);
/*
 * The reader's checks of one line: 0 when line[0..n) holds no NUL byte
 * and (when check_utf8) is valid UTF-8; else -1 with the reason in why
 * ("NUL byte at byte 3", "invalid UTF-8 at byte 17").
 */
int ndjson_line_check(const char *line, size_t n, int check_utf8,
    struct buf *why);
/* fn(arg) is called before each read(2) (e.g. to flush output). */
void ndjson_reader_on_read(struct ndjson_reader *r, void (*fn)(void *),
    void *arg);

/*
 * The next line: NDJSON_LINE with *line (not NUL-terminated, without its
 * "\r\n") and *len set; the bytes live in the reader until the next call.
 * NDJSON_BAD: the line r->lineno is bad, ndjson_reader_why() tells why.
 * NDJSON_EOF at the end.  -1 on a read error (e filled, EX_IOERR).
 */
int ndjson_reader_next(struct ndjson_reader *r, const char **line,
    size_t *len, struct err *e);
/*
 * The next complete line the reader holds beyond those returned by _next
 * and by earlier _peek calls, without reading input or consuming it (the
 * raw line: no checks, empty lines included, a "\r" kept): 1 with line
 * and len set, 0 when no further complete line is buffered.  The pointer
 * lives until the next _next call.  For prefetching only: _next still
 * returns every line, checked, in order.
 */
int ndjson_reader_peek(struct ndjson_reader *r, const char **line,
    size_t *len);
/* How many peeked lines _next has not returned (or skipped) yet. */
unsigned ndjson_reader_peeked(const struct ndjson_reader *r);

/* Why the last NDJSON_BAD line was bad ("line longer than N bytes", ...). */
const char *ndjson_reader_why(const struct ndjson_reader *r);

struct ndjson_writer {
	int fd;
	struct buf b;
	size_t mark;            /* start of the line being built */
	int closed;             /* the reader went away (EPIPE) */
	int error;              /* a write failed (EX_IOERR reported once) */
};

#define NDJSON_FLUSH_AT ((size_t)64 * 1024)

void ndjson_writer_init(struct ndjson_writer *w, int fd);
/* Frees the buffer; does not flush. */
void ndjson_writer_release(struct ndjson_writer *w);
/* Append s[0..n) and "\n"; flushes when the buffer is full.  0 or EX_IOERR. */
int ndjson_writer_line(struct ndjson_writer *w, const char *s, size_t n,
    struct err *e);
/*
 * Build a line in place: ndjson_writer_begin returns the buffer to append
 * the line to (without its "\n"); ndjson_writer_end adds "\n" and may flush
 * (0 or EX_IOERR; EX_SOFTWARE if the buffer failed to grow, and then nothing
 * of the line is kept); ndjson_writer_abort drops what was appended since
 * begin, so a half line is never written.
 */
struct buf *ndjson_writer_begin(struct ndjson_writer *w);
int ndjson_writer_end(struct ndjson_writer *w, struct err *e);
void ndjson_writer_abort(struct ndjson_writer *w);
/* Write out everything buffered.  0 (also when closed) or EX_IOERR. */
int ndjson_writer_flush(struct ndjson_writer *w, struct err *e);
static inline int
ndjson_writer_closed(const struct ndjson_writer *w)
{
	return w->closed;
}

#endif
