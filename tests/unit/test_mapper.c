#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mapper.h"
#include "check_main.h"
#include "tmpfile.h"

static char in_path[256], out_path[256];
static struct buf out = BUF_INIT, log_ = BUF_INIT;
static int end_seen;

static void
setup(void)
{
	tmp_create(in_path, sizeof(in_path), "mapper");
	tmp_create(out_path, sizeof(out_path), "mapper");
	buf_reset(&out);
	buf_reset(&log_);
	end_seen = 0;
}

static void
teardown(void)
{
	unlink(in_path);
	unlink(out_path);
	buf_release(&out);
	buf_release(&log_);
}

/* lower-case and trim strings; "BAD" is a bad line; "FATAL" stops;
 * non-strings become null; logs field and flags of every call */
static enum mapper_verdict
lower(void *ctx, struct mapper_value *v)
{
	struct json *cur = *v->slot;
	char tmp[256];
	size_t i, a = 0, b;

	buf_printf(&log_, "%s/%u/%s ", v->field, v->flags,
	    v->table ? v->table->name : "-");
	(void)ctx;
	if (cur->type != JSON_STRING) {
		if (cur->type != JSON_NULL)
			*v->slot = json_new_null(v->doc);
		return MAPPER_KEEP;
	}
	if (strcmp(cur->s, "BAD") == 0) {
		buf_addstr(v->why, "value is BAD");
		return MAPPER_BAD;
	}
	if (strcmp(cur->s, "FATAL") == 0) {
		err_set(v->e, EX_TEMPFAIL, "stop");
		return MAPPER_FATAL;
	}
	b = cur->n;
	while (a < b && cur->s[a] == ' ')
		a++;
	while (b > a && cur->s[b - 1] == ' ')
		b--;
	if (b - a >= sizeof(tmp))
		return MAPPER_KEEP;
	for (i = a; i < b; i++)
		tmp[i - a] = (char)(cur->s[i] >= 'A' && cur->s[i] <= 'Z' ?
		    cur->s[i] + 32 : cur->s[i]);
	if (b - a == cur->n && memcmp(tmp, cur->s, cur->n) == 0)
		return MAPPER_KEEP;     /* unchanged: the line stays as it was */
	*v->slot = json_new_str(v->doc, tmp, b - a);
	return MAPPER_KEEP;
}

/* adds "seen":N (the number of -f fields present) to every object */
static enum mapper_verdict
mark(void *ctx, struct mapper_record *r)
{
	size_t i, n = 0;

	(void)ctx;
	for (i = 0; i < r->nfields; i++)
		n += r->fields[i] != NULL;
	json_object_set(r->doc, r->obj, "seen", json_new_int(r->doc,
	    (int64_t)n));
	return MAPPER_CHANGED;
}

static int
on_end(void *ctx, struct stream *st)
{
	(void)st;
	end_seen = *(int *)ctx;
	return 0;
}

static void
on_bad(void *ctx, const char *file, unsigned long line, const char *why)
{
	(void)file;
	ck_assert_int_eq(*(int *)ctx, 42);
	buf_printf(&log_, "BAD %lu: %s ", line, why);
}

static int
run(const char *in, const char *const *fields, size_t nfields,
    unsigned col_flags, int each, mapper_record_fn rfn)
{
	struct mapper_opts o;
	const char *files[] = { in_path };
	int fd, rc, magic = 42;

	fd = open(in_path, O_WRONLY | O_TRUNC);
	ck_assert_int_eq(write(fd, in, strlen(in)), (ssize_t)strlen(in));
	close(fd);
	memset(&o, 0, sizeof(o));
	o.stream.files = files;
	o.stream.nfiles = 1;
	o.stream.on_end = on_end;
	o.stream.on_bad = on_bad;
	o.fields = fields;
	o.nfields = nfields;
	o.col_flags = col_flags;
	o.each_element = each;
	o.value_fn = lower;
	o.record_fn = rfn;
	o.ctx = &magic;
	fd = open(out_path, O_WRONLY | O_TRUNC);
	o.stream.out_fd = fd;
	rc = mapper_run(&o);
	close(fd);
	tmp_read(out_path, &out);
	ck_assert_int_eq(end_seen, 42);
	return rc;
}

/* DESIGN.md's example shape: -f on a plain object changes only that field */
START_TEST(mapper_run_plain_field)
{
	static const char *const f[] = { "who" };

	ck_assert_int_eq(run("{\"a\":1, \"who\":\" Asha@X.COM \",\"z\":\"Q\"}\n",
	    f, 1, COL_EMAIL, 0, NULL), 0);
	ck_assert_str_eq(buf_cstr(&out),
	    "{\"a\":1,\"who\":\"asha@x.com\",\"z\":\"Q\"}\n");
}
END_TEST

/* dotted paths reach into objects; missing paths are skipped quietly */
START_TEST(mapper_run_dotted_paths)
{
	static const char *const f[] = { "a.b.c", "x.y", "a.b", "n.m" };

	ck_assert_int_eq(run("{\"a\":{\"b\":{\"c\":\"UP\"}},\"x\":\"notobj\","
	    "\"n\":{}}\n", f, 4, 0, 0, NULL), 0);
	/* a.b is an object: the callback nulls non-strings */
	ck_assert_str_eq(buf_cstr(&out),
	    "{\"a\":{\"b\":null},\"x\":\"notobj\",\"n\":{}}\n");
	ck_assert_str_eq(buf_cstr(&log_), "a.b.c/0/- a.b/0/- ");
}
END_TEST

/* RECORDs: flagged columns of known streams, in member order, plus -f */
START_TEST(mapper_run_record_columns)
{
	static const char *const f[] = { "title", "email" };
	const char *in =
	    "{\"type\":\"RECORD\",\"stream\":\"sf_contacts\",\"record\":"
	    "{\"title\":\"VP\",\"phone\":\"P\",\"email\":\"A@B.C\","
	    "\"first_name\":\"ASHA\"}}\n";

	ck_assert_int_eq(run(in, f, 2, COL_EMAIL | COL_EMAIL_LIST, 0, NULL), 0);
	ck_assert_str_eq(buf_cstr(&out),
	    "{\"type\":\"RECORD\",\"stream\":\"sf_contacts\",\"record\":"
	    "{\"title\":\"vp\",\"phone\":\"P\",\"email\":\"a@b.c\","
	    "\"first_name\":\"ASHA\"}}\n");
	/* email once (as a column), then title as a -f field */
	ck_assert_str_eq(buf_cstr(&log_),
	    "email/2/sf_contacts title/0/sf_contacts ");
}
END_TEST

/* other messages, unknown streams, and unchanged lines pass byte for byte */
START_TEST(mapper_run_passthrough)
{
	static const char *const f[] = { "email" };
	const char *in =
	    "{\"type\":\"SCHEMA\",\"stream\":\"sf_contacts\",\"schema\":{} }\n"
	    "{\"type\":\"RECORD\",\"stream\":\"no_such\",\"record\":"
	    "{\"email\":\"UP@X\"} }\n"
	    "{\"type\":\"RECORD\",\"stream\":\"sf_contacts\",\"record\":"
	    "{\"email\":\"low@x\"} }\n"
	    "{\"type\":\"STATE\",\"value\":{\"email\":\"UP\"}}\n"
	    "{\"email\" : \"x\"}\n"
	    "{\"type\":\"ACTIVATE_VERSION\",\"stream\":\"sf_contacts\","
	    "\"version\":1}\n";

	ck_assert_int_eq(run(in, f, 1, COL_EMAIL, 0, NULL), 0);
	ck_assert_str_eq(buf_cstr(&out), in);
}
END_TEST

/* without -f, plain objects are passed untouched */
START_TEST(mapper_run_plain_without_fields)
{
	ck_assert_int_eq(run("{\"email\":\"UP\"}\n", NULL, 0, COL_EMAIL, 0,
	    mark), 0);
	ck_assert_str_eq(buf_cstr(&out), "{\"email\":\"UP\"}\n");
}
END_TEST

/* each_element: arrays are done element by element */
START_TEST(mapper_run_each_element)
{
	static const char *const f[] = { "to" };
	const char *in =
	    "{\"to\":[\"A@X\",\" b@y \",7,[\"N\"]]}\n"
	    "{\"type\":\"RECORD\",\"stream\":\"sf_email_messages\",\"record\":"
	    "{\"to_address\":[\"C@D\"]}}\n";

	ck_assert_int_eq(run(in, f, 1, COL_EMAIL_LIST, 1, NULL), 0);
	ck_assert_str_eq(buf_cstr(&out),
	    "{\"to\":[\"a@x\",\"b@y\",null,null]}\n"
	    "{\"type\":\"RECORD\",\"stream\":\"sf_email_messages\",\"record\":"
	    "{\"to_address\":[\"c@d\"]}}\n");
	/* without each_element the array itself is the value */
	buf_reset(&log_);
	ck_assert_int_eq(run(in, f, 1, COL_EMAIL_LIST, 0, NULL), 0);
	ck_assert_str_eq(buf_cstr(&out), "{\"to\":null}\n"
	    "{\"type\":\"RECORD\",\"stream\":\"sf_email_messages\",\"record\":"
	    "{\"to_address\":null}}\n");
}
END_TEST

/* a BAD value makes the line bad (not written, 65); FATAL stops */
START_TEST(mapper_run_bad_and_fatal)
{
	static const char *const f[] = { "e" };

	ck_assert_int_eq(run("{\"e\":\"A\"}\n{\"e\":\"BAD\"}\n{\"e\":\"C\"}\n",
	    f, 1, 0, 0, NULL), EX_DATAERR);
	ck_assert_str_eq(buf_cstr(&out), "{\"e\":\"a\"}\n{\"e\":\"c\"}\n");
	ck_assert_ptr_nonnull(strstr(buf_cstr(&log_), "BAD 2: value is BAD"));
	ck_assert_int_eq(run("{\"e\":\"A\"}\n{\"e\":\"FATAL\"}\n{\"e\":\"C\"}\n",
	    f, 1, 0, 0, NULL), EX_TEMPFAIL);
	ck_assert_str_eq(buf_cstr(&out), "{\"e\":\"a\"}\n");
}
END_TEST

/* the record callback sees the -f values and can change the object */
START_TEST(mapper_run_record_fn)
{
	static const char *const f[] = { "e", "missing" };

	ck_assert_int_eq(run("{\"e\":\"X\"}\n{\"type\":\"RECORD\",\"stream\":"
	    "\"sf_contacts\",\"record\":{}}\n", f, 2, 0, 0, mark), 0);
	ck_assert_str_eq(buf_cstr(&out), "{\"e\":\"x\",\"seen\":1}\n"
	    "{\"type\":\"RECORD\",\"stream\":\"sf_contacts\",\"record\":"
	    "{\"seen\":0}}\n");
}
END_TEST

/* mapper_path_get walks objects only */
START_TEST(mapper_path_get_walks)
{
	struct json_doc doc;
	struct err e = ERR_INIT;
	const char *s = "{\"a\":{\"b\":[1],\"c\":{\"d\":true}}}";
	struct json *root;

	json_doc_init(&doc);
	root = json_parse(&doc, s, strlen(s), &e);
	ck_assert_int_eq(mapper_path_get(root, "a.c.d")->type, JSON_TRUE);
	ck_assert_int_eq(mapper_path_get(root, "a.b")->type, JSON_ARRAY);
	ck_assert_ptr_null(mapper_path_get(root, "a.b.0"));
	ck_assert_ptr_null(mapper_path_get(root, "a."));
	ck_assert_ptr_null(mapper_path_get(root, ""));
	ck_assert_ptr_null(mapper_path_get(root, "z"));
	json_doc_release(&doc);
}
END_TEST


/* ---- record callbacks: spliced output against re-serialising ---- */

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static struct buf expect = BUF_INIT;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static const char *const keys[] = { "a", "email", "k\xc3\xa9y", "n", "arr",
	"obj", "z", "sf_contact_id", "quo\\\"te" };

static void
gen_record(struct buf *b, int ws)
{
	unsigned i, n = rnd(7);

	buf_addstr(b, "{\"type\":\"RECORD\",\"stream\":\"sf_contacts\",");
	if (ws)
		buf_addstr(b, " ");
	buf_addstr(b, "\"record\":{");
	for (i = 0; i < n; i++) {
		if (i)
			buf_addch(b, ',');
		buf_printf(b, "\"%s\":", keys[rnd(8)]);
		switch (rnd(6)) {
		case 0: buf_addstr(b, "\"Some@Thing.com\""); break;
		case 1: buf_addstr(b, "[1,\"x\",{\"q\":[]}]"); break;
		case 2: buf_addstr(b, "{\"in\":{\"deep\":\"}]\"}}"); break;
		case 3: buf_addstr(b, "-1.25e-3"); break;
		case 4: buf_addstr(b, "null"); break;
		default: buf_addstr(b, "\"\xe2\x82\xac x\""); break;
		}
	}
	buf_addstr(b, "},\"time_extracted\":\"2026-12-06T00:00:00Z\"}\n");
}

static enum mapper_verdict
shuffle(void *ctx, struct mapper_record *r)
{
	unsigned i, n = rnd(5);
	struct json *v;

	(void)ctx;
	if (rnd(6) == 0) {
		/* kept: the line goes out as it came */
		buf_add(&expect, r->line->text, r->line->len);
		buf_addch(&expect, '\n');
		return MAPPER_KEEP;
	}
	for (i = 0; i < n; i++) {
		const char *k = keys[rnd(9)];

		switch (rnd(4)) {
		case 0:
			json_object_remove(r->obj, k);
			break;
		case 1:
			v = json_new_array(r->doc);
			json_array_append(v, json_new_cstr(r->doc, "\"q\"\n"));
			json_object_set(r->doc, r->obj, k, v);
			break;
		default:
			json_object_set(r->doc, r->obj, k,
			    rnd(2) ? json_new_cstr(r->doc, "003xyz") :
			    json_new_null(r->doc));
			break;
		}
	}
	json_write(&expect, r->line->root);
	buf_addch(&expect, '\n');
	return MAPPER_CHANGED;
}

/* Members replaced, added and removed by a record callback: the output is
 * json_write's, byte for byte, for compact lines (spliced) and others. */
START_TEST(mapper_record_fn_splice_random)
{
	struct buf in = BUF_INIT;
	int i;

	for (i = 0; i < 2000; i++)
		gen_record(&in, i % 3 == 2);
	buf_reset(&expect);
	ck_assert_int_eq(run(in.data, NULL, 0, 0, 0, shuffle), 0);
	ck_assert_uint_eq(out.len, expect.len);
	ck_assert_str_eq(buf_cstr(&out), buf_cstr(&expect));
	buf_release(&in);
	buf_release(&expect);
}
END_TEST

/* members appended as text where mapper_record_tail allows it, as nodes
 * where it does not (and sometimes as nodes after asking) */
static unsigned tails, no_tails;

static enum mapper_verdict
append(void *ctx, struct mapper_record *r)
{
	struct buf *tail = rnd(5) ? mapper_record_tail(r) : NULL;
	struct json *v[2], *root, *rec;
	const char *names[2] = { "sf_lead_id", "n2" };
	int i;

	(void)ctx;
	if (tail == NULL)
		no_tails++;
	/* a compact line without escapes always allows it */
	if (r->line->doc->canonical && !r->changed && tail == NULL &&
	    mapper_record_tail(r) == NULL)
		ck_abort_msg("no tail for line %lu", r->line->lineno);
	v[0] = json_new_cstr(r->doc, "00Q\"x\\y\n\xc3\xa9");
	v[1] = rnd(2) ? json_new_null(r->doc) : json_new_int(r->doc, -7);
	if (tail != NULL && rnd(8) != 0) {
		tails++;
		/* expected: the same members set on a copy of the line */
		root = json_copy(r->doc, r->line->root);
		rec = r->table != NULL ? json_get(root, "record") : root;
		for (i = 0; i < 2; i++) {
			if (i)
				buf_addch(tail, ',');
			json_object_set(r->doc, rec, names[i], v[i]);
			json_write_member(tail, json_get(rec, names[i]));
		}
		json_write(&expect, root);
	} else {
		for (i = 0; i < 2; i++)
			json_object_set(r->doc, r->obj, names[i], v[i]);
		json_write(&expect, r->line->root);
	}
	buf_addch(&expect, '\n');
	return MAPPER_CHANGED;
}

/* Members appended as text give json_write's bytes; lines that cannot take
 * them that way (white space, escapes, changed values) get no buffer. */
START_TEST(mapper_record_tail_random)
{
	struct buf in = BUF_INIT;
	const char *fields[] = { "email" };
	int i;

	for (i = 0; i < 2000; i++)
		gen_record(&in, i % 3 == 2);
	/* a record with no members, and values changed by -f */
	buf_addstr(&in, "{\"type\":\"RECORD\",\"stream\":\"sf_contacts\","
	    "\"record\":{}}\n{\"email\":\"A@B.C\"}\n{}\n");
	buf_reset(&expect);
	tails = no_tails = 0;
	ck_assert_int_eq(run(in.data, fields, 1, 0, 0, append), 0);
	ck_assert_uint_eq(out.len, expect.len);
	ck_assert_str_eq(buf_cstr(&out), buf_cstr(&expect));
	ck_assert_uint_gt(tails, 500);
	ck_assert_uint_gt(no_tails, 500);
	buf_release(&in);
	buf_release(&expect);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("mapper");
	TCase *tc = tcase_create("mapper");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, mapper_run_plain_field);
	tcase_add_test(tc, mapper_run_dotted_paths);
	tcase_add_test(tc, mapper_run_record_columns);
	tcase_add_test(tc, mapper_run_passthrough);
	tcase_add_test(tc, mapper_run_plain_without_fields);
	tcase_add_test(tc, mapper_run_each_element);
	tcase_add_test(tc, mapper_run_bad_and_fatal);
	tcase_add_test(tc, mapper_run_record_fn);
	tcase_add_test(tc, mapper_record_fn_splice_random);
	tcase_add_test(tc, mapper_record_tail_random);
	tcase_add_test(tc, mapper_path_get_walks);
	suite_add_tcase(s, tc);
	return s;
}
