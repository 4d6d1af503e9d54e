#include "stream.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

/* One value of the current line replaced (stream_note_replace). */
struct patch {
	size_t start, end;              /* the old value in the line's text */
	const struct json *repl;        /* written with json_write, or */
	const char *raw;                /* raw[0..raw_n) when repl is NULL */
	size_t raw_n;
};

struct stream {
	struct ndjson_writer w;
	struct err e;           /* the first write error */
	int io_failed;
	/* the current line's changes, when they can be spliced */
	struct patch *patches;
	size_t npatches, cap;
	int opaque;             /* a change that was not noted: re-serialise */
};

static void
add_patch(struct stream *st, size_t start, size_t end,
    const struct json *repl, const char *raw, size_t n)
{
	struct patch *p;

	if (st->npatches == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 16;
		st->patches = xrealloc(st->patches,
		    st->cap * sizeof(*st->patches));
	}
	p = &st->patches[st->npatches++];
	p->start = start;
	p->end = end;
	p->repl = repl;
	p->raw = raw;
	p->raw_n = n;
}

void
stream_note_replace(struct stream_line *l, const struct json *old,
    const struct json *repl)
{
	struct stream *st = l->st;
	size_t end;

	if (st->opaque)
		return;
	if (!l->doc->canonical || old->src == 0 ||
	    (end = json_src_end(l->text, l->len, old)) == 0) {
		st->opaque = 1;
		return;
	}
	add_patch(st, (size_t)old->src - 1, end, repl, NULL, 0);
}

void
stream_note_raw(struct stream_line *l, size_t start, size_t end,
    const char *raw, size_t n)
{
	struct stream *st = l->st;

	if (st->opaque)
		return;
	if (!l->doc->canonical || start > end || end > l->len) {
		st->opaque = 1;
		return;
	}
	add_patch(st, start, end, NULL, raw, n);
}

void
stream_note_opaque(const struct stream_line *l)
{
	l->st->opaque = 1;
}

/*
 * Write the current line changed: its text with the noted patches applied
 * when every change was noted (the same bytes json_write gives for a
 * canonical text, see json.h), else the tree re-serialised.
 */
static void
write_changed(struct stream *st, struct buf *b, const struct stream_line *l)
{
	struct patch *p = st->patches;
	size_t i, j, at = 0;

	if (st->opaque || st->npatches == 0 || !l->doc->canonical) {
		json_write(b, l->root);
		return;
	}
	/* in text order (a few patches: insertion sort); no overlaps */
	for (i = 1; i < st->npatches; i++) {
		struct patch t = p[i];

		for (j = i; j > 0 && p[j - 1].start > t.start; j--)
			p[j] = p[j - 1];
		p[j] = t;
	}
	for (i = 1; i < st->npatches; i++) {
		if (p[i].start < p[i - 1].end) {
			json_write(b, l->root);
			return;
		}
	}
	for (i = 0; i < st->npatches; i++) {
		buf_add(b, l->text + at, p[i].start - at);
		if (p[i].repl)
			json_write(b, p[i].repl);
		else
			buf_add(b, p[i].raw, p[i].raw_n);
		at = p[i].end;
	}
	buf_add(b, l->text + at, l->len - at);
}

static void
flush_before_read(void *arg)
{
	struct stream *st = arg;

	if (st->w.b.len && !st->io_failed &&
	    ndjson_writer_flush(&st->w, &st->e) != 0)
		st->io_failed = 1;
	diag_flush();            /* the warnings about what was just written */
}

int
stream_emit(struct stream *st, const char *s, size_t n)
{
	if (st->io_failed)
		return EX_IOERR;
	if (ndjson_writer_line(&st->w, s, n, &st->e) != 0) {
		st->io_failed = 1;
		return EX_IOERR;
	}
	return 0;
}

struct ndjson_writer *
stream_writer(struct stream *st)
{
	return &st->w;
}

static int64_t
mono_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec;
}

/* A progress line every 10 s, for people watching a terminal. */
static void
progress(const struct stream_stats *s, int64_t *last)
{
	int64_t now = mono_s();

	if (now - *last < 10)
		return;
	*last = now;
	diag_info("progress: %lu lines, %lu bad", s->lines, s->bad);
}

static void
report(const struct stream_opts *o, void *ctx, const char *file,
    unsigned long line, const char *why)
{
	if (why == NULL || *why == '\0')
		why = "bad line";
	if (o->on_bad)
		o->on_bad(ctx, file, line, why);
	else
		diag_input(file, line, "%s", why);
}

/* Hand the lines buffered beyond the current one to o->ahead. */
static void
look_ahead(const struct stream_opts *o, void *ctx, struct ndjson_reader *r)
{
	unsigned want = o->ahead_lines ? o->ahead_lines : 16;
	const char *text;
	size_t len;

	while (ndjson_reader_peeked(r) < want &&
	    ndjson_reader_peek(r, &text, &len))
		o->ahead(ctx, text, len);
}

int
stream_run(const struct stream_opts *o, stream_fn fn, void *ctx)
{
	struct stream st;
	struct ndjson_reader r;
	struct json_doc doc;
	struct buf why = BUF_INIT;
	struct err e = ERR_INIT, fe = ERR_INIT;
	struct stream_stats stats;
	size_t i, nin = o->nfiles ? o->nfiles : 1;
	int rc = 0, noinput = 0, stop = 0, fatal = 0;
	int tty = isatty(2);
	int64_t last_progress = tty ? mono_s() : 0;

	memset(&st, 0, sizeof(st));
	memset(&stats, 0, sizeof(stats));
	ndjson_writer_init(&st.w, o->out_fd ? o->out_fd : 1);
	ndjson_reader_init(&r, o->max_line);
	ndjson_reader_on_read(&r, flush_before_read, &st);
	/* json_parse checks what the reader would (see ndjson.h) */
	ndjson_reader_defer_checks(&r, 1);
	diag_batch(1);
	json_doc_init(&doc);
	buf_init(&why, 64 * 1024);

	for (i = 0; i < nin && !stop; i++) {
		const char *path = o->nfiles ? o->files[i] : "-";

		if (ndjson_reader_open(&r, path, &e) != 0) {
			diag_error("%s", e.msg);
			err_release(&e);
			noinput = 1;
			continue;
		}
		while (!stop) {
			struct stream_line l;
			const char *line;
			size_t len;
			int got = ndjson_reader_next(&r, &line, &len, &e);
			enum stream_verdict v;

			if (st.io_failed)
				break;
			if (got < 0) {
				diag_error("%s", e.msg);
				err_release(&e);
				rc = EX_IOERR;
				fatal = 1;
				break;
			}
			if (got == NDJSON_EOF)
				break;
			if (o->ahead != NULL)
				look_ahead(o, ctx, &r);
			stats.lines++;
			if (tty && (stats.lines & 0xffff) == 0)
				progress(&stats, &last_progress);
			if (got == NDJSON_BAD) {
				stats.bad++;
				report(o, ctx, r.name, r.lineno,
				    ndjson_reader_why(&r));
				stop = o->strict;
				continue;
			}
			memset(&l, 0, sizeof(l));
			l.file = r.name;
			l.lineno = r.lineno;
			l.text = line;
			l.len = len;
			l.doc = &doc;
			l.why = &why;
			l.e = &fe;
			l.st = &st;
			l.input_buffered = r.end > r.start;
			l.root = json_parse(&doc, line, len, &e);
			if (l.root == NULL &&
			    ndjson_line_check(line, len, 1, &why) != 0) {
				/* the reader's reason, as without deferring */
				stats.bad++;
				report(o, ctx, r.name, r.lineno, buf_cstr(&why));
				err_release(&e);
				stop = o->strict;
				continue;
			}
			if (l.root == NULL ||
			    singer_classify(l.root, &l.msg, &e) != 0) {
				stats.bad++;
				report(o, ctx, r.name, r.lineno, e.msg);
				err_release(&e);
				stop = o->strict;
				continue;
			}
			buf_reset(&why);
			st.npatches = 0;
			st.opaque = 0;
			v = fn(ctx, &l);
			switch (v) {
			case STREAM_PASS:
				stats.passed++;
				stream_emit(&st, line, len);
				break;
			case STREAM_CHANGED: {
				struct buf *b = ndjson_writer_begin(&st.w);

				stats.changed++;
				write_changed(&st, b, &l);
				if (!st.io_failed &&
				    ndjson_writer_end(&st.w, &st.e) != 0)
					st.io_failed = 1;
				break;
			}
			case STREAM_DROP:
				stats.dropped++;
				break;
			case STREAM_BAD:
				stats.bad++;
				report(o, ctx, r.name, r.lineno, buf_cstr(&why));
				stop = o->strict;
				break;
			case STREAM_FATAL:
			default:
				rc = fe.code ? fe.code : EX_SOFTWARE;
				if (fe.msg)
					diag_error("%s", fe.msg);
				fatal = stop = 1;
				break;
			}
			if (l.msg.type == SINGER_STATE && v != STREAM_DROP &&
			    v != STREAM_BAD && v != STREAM_FATAL)
				flush_before_read(&st);
			if (st.io_failed || ndjson_writer_closed(&st.w))
				break;
		}
		if (st.io_failed || ndjson_writer_closed(&st.w))
			break;
	}
	if (!fatal && !st.io_failed && o->on_end) {
		int end = o->on_end(ctx, &st);

		if (end != 0 && rc == 0)
			rc = end;
	}
	if (!st.io_failed && ndjson_writer_flush(&st.w, &st.e) != 0)
		st.io_failed = 1;
	if (st.io_failed) {
		if (st.e.msg)
			diag_error("%s", st.e.msg);
		rc = EX_IOERR;
	}
	if (rc == 0 && noinput)
		rc = EX_NOINPUT;
	if (rc == 0 && stats.bad)
		rc = EX_DATAERR;
	if (o->stats)
		*o->stats = stats;
	err_release(&e);
	err_release(&fe);
	err_release(&st.e);
	buf_release(&why);
	json_doc_release(&doc);
	ndjson_reader_release(&r);
	ndjson_writer_release(&st.w);
	free(st.patches);
	diag_batch(0);
	return rc;
}
