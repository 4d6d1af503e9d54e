/*
 * stream.h: the one streaming driver of the suite (owner: core).
 *
 * stream_run() reads every input (the files named, or standard input when
 * there are none; "-" is standard input) line by line with the NDJSON reader
 * (ndjson.h), parses each line into one reused json_doc (json.h), classifies
 * it as a Singer message (singer.h), and calls the tool's callback, which
 * returns a verdict:
 *
 *   STREAM_PASS     write the line as read, byte for byte (no re-serialising;
 *                   a "\r\n" ending becomes "\n")
 *   STREAM_CHANGED  write l->root re-serialised compactly (json_write)
 *   STREAM_DROP     write nothing
 *   STREAM_BAD      the line is bad: the reason the callback put in l->why
 *                   is reported as "tool: FILE:LINE: reason"; the run goes on
 *                   (--strict: it stops) and exits EX_DATAERR at the end
 *   STREAM_FATAL    stop now; l->e holds the code and message (the driver
 *                   prints the message with diag_error)
 *
 * Lines the driver finds bad before the callback sees them (too long, NUL
 * byte, invalid UTF-8, not JSON, not an object, a Singer message missing
 * its stream/record/...) are reported and counted the same way.  A bad line
 * is never half written, and the good lines around it are kept in order.
 *
 * Output goes through one ndjson_writer on fd 1: flushed after every STATE
 * line (a checkpoint downstream), when its buffer passes 64 KiB, before the
 * driver blocks reading input, and at the end.  A write error stops the run
 * with EX_IOERR; a closed pipe (EPIPE) stops it quietly with 0.  The
 * callback may write lines of its own with stream_emit (before or instead of
 * the current one).
 *
 * This is the tool's loop: it prints the per-line diagnostics itself (with
 * diag_input, or opts->on_bad when set), unlike the rest of lib/.  When
 * stderr is a terminal it also prints a progress line (diag_info) every 10
 * seconds of a long run.
 *
 * Return value (the tool's exit code): 0; EX_DATAERR when a line was bad;
 * EX_NOINPUT when a named file could not be opened (reported, the others are
 * still read); EX_IOERR on a read or write error; the callback's code after
 * STREAM_FATAL; the on_end callback's code when it returns one.  Precedence:
 * fatal/io > on_end > EX_NOINPUT > EX_DATAERR.
 */
#ifndef SI_STREAM_H
#define SI_STREAM_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"
#include "json.h"
#include "ndjson.h"
#include "singer.h"

enum stream_verdict {
	STREAM_PASS,
	STREAM_CHANGED,
	STREAM_DROP,
	STREAM_BAD,
	STREAM_FATAL
};

/* What the callback sees for one line; everything lives until it returns
 * (the tree until the next line). */
struct stream_line {
	const char *file;       /* the input's name ("<stdin>" for stdin) */
	unsigned long lineno;   /* 1-based line number within that input */
	const char *text;       /* the line as read, without its newline */
	size_t len;
	struct json *root;      /* the parsed line (an object) */
	struct singer_msg msg;  /* its classification */
	struct json_doc *doc;   /* the doc of root: build new nodes here */
	struct buf *why;        /* STREAM_BAD: append the reason here */
	struct err *e;          /* STREAM_FATAL: err_set() the code here */
	struct stream *st;      /* for stream_emit */
	/* 1 when the reader already holds input after this line (so more
	 * lines come without waiting); 0 when the next line needs a read. */
	int input_buffered;
};

typedef enum stream_verdict (*stream_fn)(void *ctx, struct stream_line *l);

struct stream_stats {
	unsigned long lines;    /* lines read (not counting empty ones) */
	unsigned long bad;
	unsigned long passed, changed, dropped;
};

struct stream_opts {
	const char *const *files;       /* NULL or nfiles == 0: standard input */
	size_t nfiles;
	size_t max_line;                /* 0: NDJSON_MAX_LINE_DEFAULT */
	int strict;                     /* stop at the first bad line */
	int out_fd;                     /* 0 means 1 (standard output) */
	/* Called once after the last line, before the final flush (e.g. to
	 * commit or to print counts); returns 0 or an exit code. */
	int (*on_end)(void *ctx, struct stream *st);
	/* Report a bad line; NULL: diag_input(file, line, "%s", why). */
	void (*on_bad)(void *ctx, const char *file, unsigned long line,
	    const char *why);
	struct stream_stats *stats;     /* filled when not NULL */
	/*
	 * Look-ahead, for prefetching: when set, ahead is called with the raw
	 * text of the lines the reader already holds (ndjson_reader_peek),
	 * each once and in order, up to ahead_lines (0: 16) before the line
	 * the callback is given.  It must not change anything the output
	 * depends on: lines are still parsed, checked and handed to the
	 * callback one by one.  Not every line is seen ahead (none at the
	 * edge of a read).
	 */
	void (*ahead)(void *ctx, const char *text, size_t len);
	unsigned ahead_lines;
};

/* Run the loop; returns the exit code as described above. */
int stream_run(const struct stream_opts *opts, stream_fn fn, void *ctx);

/*
 * Write one extra line (s[0..n), without newline) to the output now, in
 * order before the current line's own output.  0 or EX_IOERR.  Also usable
 * from on_end.
 */
int stream_emit(struct stream *st, const char *s, size_t n);
/*
 * Splicing.  When a callback changes a line only by replacing whole values
 * and says so, one call per value, with stream_note_replace(l, old, new)
 * (old: the parsed node, new: the node now in its place), the driver
 * writes the line's text with those values replaced instead of
 * re-serialising the tree, when that gives the same bytes (a compact line
 * without escapes, see json_doc.canonical); otherwise it re-serialises.
 * A callback that changes the tree in any other way must call
 * stream_note_opaque(l) (or note nothing at all: a STREAM_CHANGED line with
 * no notes is always re-serialised).
 */
void stream_note_replace(struct stream_line *l, const struct json *old,
    const struct json *repl);
void stream_note_opaque(const struct stream_line *l);
/*
 * The same for a span of the text: l->text[start..end) becomes raw[0..n)
 * (which must stay valid until the callback's line is written).  The
 * caller vouches that this gives json_write's bytes for the changed tree.
 */
void stream_note_raw(struct stream_line *l, size_t start, size_t end,
    const char *raw, size_t n);

/* The writer, e.g. to build a line in place (ndjson_writer_begin/_end). */
struct ndjson_writer *stream_writer(struct stream *st);

#endif
