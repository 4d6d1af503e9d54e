#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stream.h"
#include "check_main.h"
#include "tmpfile.h"

static char in_path[256], in2_path[256], out_path[256];
static struct buf out = BUF_INIT, reports = BUF_INIT;
static struct stream_stats stats;
static int on_end_calls;

static void
setup(void)
{
	tmp_create(in_path, sizeof(in_path), "stream");
	tmp_create(in2_path, sizeof(in2_path), "stream");
	tmp_create(out_path, sizeof(out_path), "stream");
	buf_reset(&out);
	buf_reset(&reports);
	on_end_calls = 0;
}

static void
teardown(void)
{
	unlink(in_path);
	unlink(in2_path);
	unlink(out_path);
	buf_release(&out);
	buf_release(&reports);
}

static void
collect_bad(void *ctx, const char *file, unsigned long line, const char *why)
{
	(void)ctx;
	buf_printf(&reports, "%s:%lu: %s\n",
	    strcmp(file, in_path) == 0 ? "IN" :
	    strcmp(file, in2_path) == 0 ? "IN2" : file, line, why);
}

static int
count_end(void *ctx, struct stream *st)
{
	(void)ctx;
	on_end_calls++;
	return stream_emit(st, "{\"end\":true}", 12);
}

/* run fn over the input content (files: in_path, and in2_path when two);
 * the output in `out`, the reports in `reports`; returns the exit code */
static int
run_files(const char *const *files, size_t nfiles, int strict, stream_fn fn,
    void *ctx, int (*on_end)(void *, struct stream *))
{
	struct stream_opts o;
	int fd, rc;

	memset(&o, 0, sizeof(o));
	o.files = files;
	o.nfiles = nfiles;
	o.strict = strict;
	o.on_bad = collect_bad;
	o.on_end = on_end;
	o.stats = &stats;
	fd = open(out_path, O_WRONLY | O_TRUNC);
	o.out_fd = fd;
	rc = stream_run(&o, fn, ctx);
	close(fd);
	tmp_read(out_path, &out);
	return rc;
}

static int
run(const char *input, size_t n, int strict, stream_fn fn, void *ctx)
{
	const char *files[] = { in_path };

	tmp_put(in_path, input, n);
	return run_files(files, 1, strict, fn, ctx, NULL);
}

#define RUN(s, strict, fn) run((s), sizeof(s) - 1, (strict), (fn), NULL)

static enum stream_verdict
pass_all(void *ctx, struct stream_line *l)
{
	(void)ctx;
	(void)l;
	return STREAM_PASS;
}

/* upper-cases member "e" of RECORDs and plain objects; drops "drop";
 * "bad" is bad; "fatal" stops */
static enum stream_verdict
mapper(void *ctx, struct stream_line *l)
{
	struct json *obj = l->msg.type == SINGER_RECORD ? l->msg.record :
	    l->msg.type == SINGER_PLAIN ? l->root : NULL;
	struct json *v;
	char up[64];
	size_t i;

	(void)ctx;
	if (obj == NULL)
		return STREAM_PASS;
	if (json_get(obj, "drop"))
		return STREAM_DROP;
	if (json_get(obj, "bad")) {
		buf_printf(l->why, "bad value %s", json_get(obj, "bad")->s);
		return STREAM_BAD;
	}
	if (json_get(obj, "fatal")) {
		err_set(l->e, EX_UNAVAILABLE, "service gone");
		return STREAM_FATAL;
	}
	if (json_get(obj, "emit"))
		stream_emit(l->st, "{\"extra\":1}", 11);
	v = json_get(obj, "e");
	if (!json_is_str(v) || v->n >= sizeof(up))
		return STREAM_PASS;
	for (i = 0; i < v->n; i++)
		up[i] = (char)(v->s[i] >= 'a' && v->s[i] <= 'z' ?
		    v->s[i] - 32 : v->s[i]);
	json_object_set(l->doc, obj, "e", json_new_str(l->doc, up, v->n));
	return STREAM_CHANGED;
}

/* PASS lines come out byte for byte, white space and escapes included */
START_TEST(stream_run_pass_bytes)
{
	const char in[] = "{ \"a\" : 1.50 ,\"b\":\"\\u00e9\\/\"}\r\n"
	    "\n{\"type\":\"STATE\",\"value\":{}}\n{\"z\":[ ]}";

	ck_assert_int_eq(RUN(in, 0, pass_all), 0);
	ck_assert_str_eq(buf_cstr(&out), "{ \"a\" : 1.50 ,\"b\":\"\\u00e9\\/\"}\n"
	    "{\"type\":\"STATE\",\"value\":{}}\n{\"z\":[ ]}\n");
	ck_assert_str_eq(buf_cstr(&reports), "");
	ck_assert_uint_eq(stats.lines, 3);
	ck_assert_uint_eq(stats.passed, 3);
}
END_TEST

/* CHANGED lines are re-serialised compactly, key order kept */
START_TEST(stream_run_changed)
{
	const char in[] = "{\"x\":1, \"e\":\"abc\", \"y\":2}\n"
	    "{\"type\":\"RECORD\",\"stream\":\"s\",\"record\":{\"e\":\"q\"}}\n"
	    "{\"type\":\"SCHEMA\",\"stream\":\"s\",\"schema\":{ }}\n";

	ck_assert_int_eq(RUN(in, 0, mapper), 0);
	ck_assert_str_eq(buf_cstr(&out), "{\"x\":1,\"e\":\"ABC\",\"y\":2}\n"
	    "{\"type\":\"RECORD\",\"stream\":\"s\",\"record\":{\"e\":\"Q\"}}\n"
	    "{\"type\":\"SCHEMA\",\"stream\":\"s\",\"schema\":{ }}\n");
	ck_assert_uint_eq(stats.changed, 2);
	ck_assert_uint_eq(stats.passed, 1);
}
END_TEST

/* bad lines of every kind are reported with FILE:LINE, good ones kept, 65 */
START_TEST(stream_run_bad_lines)
{
	const char in[] = "{\"e\":\"a\"}\n"
	    "not json\n"
	    "{\"e\":\"b\"} trailing\n"
	    "[1,2]\n"
	    "{\"type\":\"RECORD\",\"record\":{}}\n"
	    "{\"e\":\"\xff\"}\n"
	    "{\"a\":\"\0\"}\n"
	    "{\"bad\":\"v\"}\n"
	    "{\"e\":\"c\"}\n"
	    "{\"e\":\"d\"";

	ck_assert_int_eq(RUN(in, 0, mapper), EX_DATAERR);
	ck_assert_str_eq(buf_cstr(&out),
	    "{\"e\":\"A\"}\n{\"e\":\"C\"}\n");
	ck_assert_str_eq(buf_cstr(&reports),
	    "IN:2: invalid JSON at byte 2: invalid literal (found 'o')\n"
	    "IN:3: invalid JSON at byte 11: trailing data after the value "
	    "(found 't')\n"
	    "IN:4: not a JSON object\n"
	    "IN:5: RECORD message without \"stream\"\n"
	    "IN:6: invalid UTF-8 at byte 7\n"
	    "IN:7: NUL byte at byte 7\n"
	    "IN:8: bad value v\n"
	    "IN:10: invalid JSON at byte 9: expected ',' or '}' "
	    "(unexpected end of input)\n");
	ck_assert_uint_eq(stats.bad, 8);
	ck_assert_uint_eq(stats.lines, 10);
}
END_TEST

/* --strict stops at the first bad line, after writing the good ones */
START_TEST(stream_run_strict)
{
	const char in[] = "{\"e\":\"a\"}\n{nope}\n{\"e\":\"c\"}\n";

	ck_assert_int_eq(RUN(in, 1, mapper), EX_DATAERR);
	ck_assert_str_eq(buf_cstr(&out), "{\"e\":\"A\"}\n");
	ck_assert_str_eq(buf_cstr(&reports),
	    "IN:2: invalid JSON at byte 2: expected a member name "
	    "(found 'n')\n");
}
END_TEST

/* DROP writes nothing; FATAL stops with the callback's code */
START_TEST(stream_run_drop_fatal)
{
	const char in[] = "{\"drop\":1}\n{\"e\":\"a\"}\n{\"fatal\":1}\n"
	    "{\"e\":\"b\"}\n";

	ck_assert_int_eq(RUN(in, 0, mapper), EX_UNAVAILABLE);
	ck_assert_str_eq(buf_cstr(&out), "{\"e\":\"A\"}\n");
	ck_assert_uint_eq(stats.dropped, 1);
}
END_TEST

/* stream_emit lines go before the current line; on_end runs once */
START_TEST(stream_run_emit_and_end)
{
	const char *files[] = { in_path };
	const char in[] = "{\"emit\":1,\"e\":\"x\"}\n";

	tmp_put(in_path, in, sizeof(in) - 1);
	ck_assert_int_eq(run_files(files, 1, 0, mapper, NULL, count_end), 0);
	ck_assert_str_eq(buf_cstr(&out),
	    "{\"extra\":1}\n{\"emit\":1,\"e\":\"X\"}\n{\"end\":true}\n");
	ck_assert_int_eq(on_end_calls, 1);
}
END_TEST

/* several files in order, numbered separately; a missing one is 66 */
START_TEST(stream_run_files)
{
	const char *files[] = { in_path, "/nonexistent/zz", in2_path };

	tmp_put(in_path, "{\"e\":\"a\"}\nx\n", 12);
	tmp_put(in2_path, "y\n{\"e\":\"b\"}\n", 12);
	ck_assert_int_eq(run_files(files, 3, 0, mapper, NULL, NULL),
	    EX_NOINPUT);
	ck_assert_str_eq(buf_cstr(&out), "{\"e\":\"A\"}\n{\"e\":\"B\"}\n");
	ck_assert_ptr_nonnull(strstr(buf_cstr(&reports), "IN:2: "));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&reports), "IN2:1: "));
}
END_TEST

/* 0-byte input: no output, exit 0 */
START_TEST(stream_run_empty)
{
	ck_assert_int_eq(run("", 0, 0, mapper, NULL), 0);
	ck_assert_str_eq(buf_cstr(&out), "");
	ck_assert_uint_eq(stats.lines, 0);
}
END_TEST

/* a line over --max-line is bad and skipped; 100,000-deep nesting too */
START_TEST(stream_run_hostile)
{
	const char *files[] = { in_path };
	struct stream_opts o;
	struct buf in = BUF_INIT;
	int fd, i, rc;

	buf_addstr(&in, "{\"e\":\"a\"}\n{\"big\":\"");
	for (i = 0; i < 300000; i++)
		buf_addch(&in, 'x');
	buf_addstr(&in, "\"}\n");
	for (i = 0; i < 100000; i++)
		buf_addch(&in, '[');
	buf_addstr(&in, "\n{\"e\":\"b\"}\n");
	tmp_put(in_path, in.data, in.len);
	memset(&o, 0, sizeof(o));
	o.files = files;
	o.nfiles = 1;
	o.max_line = 200000;
	o.on_bad = collect_bad;
	fd = open(out_path, O_WRONLY | O_TRUNC);
	o.out_fd = fd;
	rc = stream_run(&o, mapper, NULL);
	close(fd);
	ck_assert_int_eq(rc, EX_DATAERR);
	ck_assert_str_eq(buf_cstr(&reports),
	    "IN:2: line longer than 200000 bytes\n"
	    "IN:3: JSON nesting deeper than 1000 levels at byte 1001\n");
	buf_release(&in);
}
END_TEST

/* writing to a full disk is EX_IOERR */
START_TEST(stream_run_dev_full)
{
	const char *files[] = { in_path };
	struct stream_opts o;
	int fd = open("/dev/full", O_WRONLY);

	if (fd < 0)
		return;
	tmp_put(in_path, "{\"e\":\"a\"}\n", 10);
	memset(&o, 0, sizeof(o));
	o.files = files;
	o.nfiles = 1;
	o.out_fd = fd;
	o.on_bad = collect_bad;
	ck_assert_int_eq(stream_run(&o, mapper, NULL), EX_IOERR);
	close(fd);
}
END_TEST

/* a reader that went away (EPIPE) ends the run quietly with 0 */
START_TEST(stream_run_epipe)
{
	const char *files[] = { in_path };
	struct stream_opts o;
	struct buf in = BUF_INIT;
	int p[2], i;

	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < 100000; i++)
		buf_addstr(&in, "{\"e\":\"abc\"}\n");
	tmp_put(in_path, in.data, in.len);
	ck_assert_int_eq(pipe(p), 0);
	close(p[0]);
	memset(&o, 0, sizeof(o));
	o.files = files;
	o.nfiles = 1;
	o.out_fd = p[1];
	o.stats = &stats;
	ck_assert_int_eq(stream_run(&o, mapper, NULL), 0);
	ck_assert_uint_lt(stats.lines, 100000);
	close(p[1]);
	buf_release(&in);
}
END_TEST

/* output reaches the pipe at each STATE, before the input ends */
START_TEST(stream_run_flush_at_state)
{
	/* the writer's buffer is only flushed at STATE or when reading: a
	 * STATE line in the middle of one read chunk must still be written
	 * before the next line is processed; checked via emit ordering in the
	 * output file, which sees the STATE line before the later ones */
	const char in[] = "{\"e\":\"a\"}\n{\"type\":\"STATE\",\"value\":1}\n"
	    "{\"e\":\"b\"}\n";

	ck_assert_int_eq(RUN(in, 0, mapper), 0);
	ck_assert_str_eq(buf_cstr(&out), "{\"e\":\"A\"}\n"
	    "{\"type\":\"STATE\",\"value\":1}\n{\"e\":\"B\"}\n");
}
END_TEST

static enum stream_verdict
note_buffered(void *ctx, struct stream_line *l)
{
	buf_addch((struct buf *)ctx, '0' + l->input_buffered);
	return STREAM_DROP;
}

/* input_buffered tells whether more input is already read after a line */
START_TEST(stream_run_input_buffered)
{
	const char in[] = "{}\n{}\n{}\n";
	struct buf seen = BUF_INIT;

	ck_assert_int_eq(run(in, sizeof(in) - 1, 0, note_buffered, &seen), 0);
	ck_assert_str_eq(buf_cstr(&seen), "110");
	buf_release(&seen);
}
END_TEST


/* ---- splicing (stream_note_replace) against re-serialising ---- */

static uint64_t rng_state;

static unsigned
rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

/* white space, sometimes (only when ws) */
static void
gen_ws(struct buf *b, int ws)
{
	if (ws && rnd(4) == 0)
		buf_addstr(b, rnd(2) ? " " : "\t ");
}

/* a string body: mostly plain, escapes only when esc */
static void
gen_str(struct buf *b, int esc)
{
	static const char *const bits[] = { "a", "Bc", "x@y.com", "\xc3\xa9",
		" ", "0", "\xe2\x82\xac", "zzzzzzzzzz" };
	static const char *const escs[] = { "\\\"", "\\\\", "\\n", "\\u00e9",
		"\\/", "\\t" };
	unsigned i, n = rnd(12);

	buf_addch(b, '"');
	for (i = 0; i < n; i++) {
		if (esc && rnd(5) == 0)
			buf_addstr(b, escs[rnd(6)]);
		else
			buf_addstr(b, bits[rnd(8)]);
	}
	buf_addch(b, '"');
}

static void
gen_value(struct buf *b, int depth, int ws, int esc)
{
	unsigned i, n, k = depth > 3 ? 3 + rnd(5) : rnd(8);

	gen_ws(b, ws);
	switch (k) {
	case 0: case 1:
		n = rnd(5);
		buf_addch(b, k == 0 ? '{' : '[');
		for (i = 0; i < n; i++) {
			if (i)
				buf_addch(b, ',');
			if (k == 0) {
				gen_ws(b, ws);
				gen_str(b, esc);
				gen_ws(b, ws);
				buf_addch(b, ':');
			}
			gen_value(b, depth + 1, ws, esc);
		}
		gen_ws(b, ws);
		buf_addch(b, k == 0 ? '}' : ']');
		break;
	case 3: buf_addstr(b, "-12.5e3"); break;
	case 4: buf_addstr(b, rnd(2) ? "true" : "false"); break;
	case 5: buf_addstr(b, "null"); break;
	case 6: buf_addstr(b, "10000000000000000000001"); break;
	default: gen_str(b, esc); break;
	}
	gen_ws(b, ws);
}

/* put repl where old is in parent (keeping the member name) */
static void
replace_child(struct json *parent, struct json *old, struct json *repl)
{
	struct json *c, *prev = NULL;

	for (c = parent->child; c != old; prev = c, c = c->next)
		;
	repl->key = old->key;
	repl->key_n = old->key_n;
	repl->flags = (repl->flags & ~JSON_PLAIN_KEY) |
	    (old->flags & JSON_PLAIN_KEY);
	repl->next = old->next;
	if (prev)
		prev->next = repl;
	else
		parent->child = repl;
}

static struct json *
new_value(struct json_doc *doc)
{
	struct json *a;

	switch (rnd(5)) {
	case 0: return json_new_null(doc);
	case 1: return json_new_cstr(doc, "Q\"uote\\d \xc3\xa9\n");
	case 2: return json_new_int(doc, -42);
	case 3:
		a = json_new_array(doc);
		json_array_append(a, json_new_cstr(doc, "x@y.com"));
		json_array_append(a, json_new_object(doc));
		return a;
	default: return json_new_cstr(doc, "plain@example.com");
	}
}

struct splice_ctx {
	struct buf expect;
	struct json *notes[64][2];
	size_t nnotes;
};

/* replace some values at any depth (never one inside another), note them
 * in reverse order, sometimes also change something in place and say so */
static void
splice_walk(struct splice_ctx *c, struct stream_line *l, struct json *parent)
{
	struct json *m, *next;

	for (m = parent->child; m; m = next) {
		next = m->next;
		if (c->nnotes < 64 && rnd(3) == 0) {
			struct json *r = new_value(l->doc);

			replace_child(parent, m, r);
			c->notes[c->nnotes][0] = m;
			c->notes[c->nnotes][1] = r;
			c->nnotes++;
		} else if (m->type == JSON_ARRAY || m->type == JSON_OBJECT) {
			splice_walk(c, l, m);
		}
	}
}

static enum stream_verdict
splicer(void *ctx, struct stream_line *l)
{
	struct splice_ctx *c = ctx;
	size_t i;

	c->nnotes = 0;
	splice_walk(c, l, l->root);
	for (i = c->nnotes; i > 0; i--)
		stream_note_replace(l, c->notes[i - 1][0], c->notes[i - 1][1]);
	if (rnd(8) == 0 && l->root->child &&
	    l->root->child->type == JSON_STRING) {
		json_set_str(l->doc, l->root->child, "in place", 8);
		stream_note_opaque(l);
	}
	json_write(&c->expect, l->root);
	buf_addch(&c->expect, '\n');
	return STREAM_CHANGED;
}

/* The spliced output is byte for byte json_write's, for canonical lines
 * (compact, no escapes) and for every other kind, over many random trees. */
START_TEST(stream_splice_random)
{
	struct splice_ctx c;
	struct buf in = BUF_INIT;
	const char *files[] = { in_path };
	int kind, i;

	memset(&c, 0, sizeof(c));
	rng_state = 0x9e3779b97f4a7c15ULL;
	for (i = 0; i < 3000; i++) {
		kind = i % 4;   /* 0, 1: canonical; 2: white space; 3: escapes */
		buf_addstr(&in, "{\"k\":");
		gen_value(&in, 0, kind == 2, kind == 3);
		buf_addstr(&in, ",\"r\":");
		gen_value(&in, 0, kind == 2, kind == 3);
		buf_addstr(&in, "}\n");
	}
	tmp_put(in_path, in.data, in.len);
	ck_assert_int_eq(run_files(files, 1, 0, splicer, &c, NULL), 0);
	ck_assert_uint_eq(stats.changed, 3000);
	ck_assert_uint_eq(out.len, c.expect.len);
	ck_assert_str_eq(buf_cstr(&out), buf_cstr(&c.expect));
	buf_release(&in);
	buf_release(&c.expect);
}
END_TEST

/* A canonical line keeps its untouched bytes; a non-canonical one is
 * re-serialised compactly; notes without a CHANGED verdict do nothing. */
static enum stream_verdict
set_e(void *ctx, struct stream_line *l)
{
	struct json *v = json_get(l->root, "e");
	struct json *r = json_new_cstr(l->doc, "N");

	(void)ctx;
	if (v == NULL)
		return STREAM_PASS;
	replace_child(l->root, v, r);
	stream_note_replace(l, v, r);
	return json_get(l->root, "keep") ? STREAM_PASS : STREAM_CHANGED;
}

START_TEST(stream_splice_cases)
{
	const char in[] = "{\"a\":[1,{\"b\":null}],\"e\":\"old\",\"z\":-0.0e+1}\n"
	    "{\"a\" : 1,\"e\":\"old\"}\n"
	    "{\"a\":\"\\u0041\",\"e\":[\"x\",{\"y\":\"]}\"}]}\n"
	    "{\"e\":\"old\",\"keep\":true}\n";

	ck_assert_int_eq(RUN(in, 0, set_e), 0);
	ck_assert_str_eq(buf_cstr(&out),
	    "{\"a\":[1,{\"b\":null}],\"e\":\"N\",\"z\":-0.0e+1}\n"
	    "{\"a\":1,\"e\":\"N\"}\n"
	    "{\"a\":\"A\",\"e\":\"N\"}\n"
	    "{\"e\":\"old\",\"keep\":true}\n");
}
END_TEST

/* ---- look-ahead ---- */

struct ahead_log {
	long done;      /* the number of the last line handed to the callback */
	long seen;      /* the number of the last line seen ahead */
	long count;
};

static long
line_number(const char *text, size_t len)
{
	const char *p = memchr(text, ':', len);

	ck_assert_ptr_nonnull(p);
	return atol(p + 1);
}

static void
log_ahead(void *ctx, const char *text, size_t len)
{
	struct ahead_log *a = ctx;
	long n = line_number(text, len);

	/* in order, each once, never one already handed over, at most 4
	 * lines beyond the one about to be (done + 1, or + 2 after a bad
	 * line) */
	ck_assert_int_gt(n, a->seen);
	ck_assert_int_gt(n, a->done);
	ck_assert_int_le(n, a->done + 2 + 4);
	a->seen = n;
	a->count++;
}

static enum stream_verdict
log_line(void *ctx, struct stream_line *l)
{
	struct ahead_log *a = ctx;

	a->done = line_number(l->text, l->len);
	return STREAM_PASS;
}

/* The ahead hook sees the lines to come (bad ones too), in order, before
 * they are handed over, and most of them; the output is unchanged. */
START_TEST(stream_run_ahead)
{
	struct buf in = BUF_INIT, want = BUF_INIT;
	struct stream_opts o;
	struct ahead_log a = { 0, 0, 0 };
	const char *files[] = { in_path };
	long i;
	int fd;

	for (i = 1; i <= 30000; i++) {
		size_t at = in.len;

		buf_printf(&in, i % 1000 == 0 ? "{\"i\":%ld,\n" :
		    "{\"i\":%ld,\"pad\":\"%0*d\"}\n", i, (int)(i % 89), 0);
		if (i % 1000 != 0)
			buf_add(&want, in.data + at, in.len - at);
	}
	tmp_put(in_path, in.data, in.len);
	memset(&o, 0, sizeof(o));
	o.files = files;
	o.nfiles = 1;
	o.on_bad = collect_bad;
	o.ahead = log_ahead;
	o.ahead_lines = 4;
	fd = open(out_path, O_WRONLY | O_TRUNC);
	o.out_fd = fd;
	ck_assert_int_eq(stream_run(&o, log_line, &a), EX_DATAERR);
	close(fd);
	tmp_read(out_path, &out);
	ck_assert_int_eq(a.done, 29999);
	ck_assert_int_ge(a.count, 29000);
	/* the good lines went out as they came */
	ck_assert_str_eq(buf_cstr(&out), buf_cstr(&want));
	buf_release(&in);
	buf_release(&want);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("stream");
	TCase *tc = tcase_create("stream");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, stream_run_pass_bytes);
	tcase_add_test(tc, stream_run_changed);
	tcase_add_test(tc, stream_run_bad_lines);
	tcase_add_test(tc, stream_run_strict);
	tcase_add_test(tc, stream_run_drop_fatal);
	tcase_add_test(tc, stream_run_emit_and_end);
	tcase_add_test(tc, stream_run_files);
	tcase_add_test(tc, stream_run_empty);
	tcase_add_test(tc, stream_run_hostile);
	tcase_add_test(tc, stream_run_dev_full);
	tcase_add_test(tc, stream_run_epipe);
	tcase_add_test(tc, stream_run_flush_at_state);
	tcase_add_test(tc, stream_run_input_buffered);
	tcase_add_test(tc, stream_splice_random);
	tcase_add_test(tc, stream_splice_cases);
	tcase_add_test(tc, stream_run_ahead);
	suite_add_tcase(s, tc);
	return s;
}
