#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gmail_msg.h"
#include "json.h"
#include "check_main.h"

static char *
slurp(const char *name, size_t *n)
{
	const char *root = getenv("SI_ROOT");
	struct buf path = BUF_INIT, data = BUF_INIT;
	char chunk[4096];
	size_t r;
	FILE *f;

	buf_printf(&path, "%s/tests/fixtures/gmail/messages/%s",
	    root ? root : ".", name);
	f = fopen(buf_cstr(&path), "rb");
	buf_release(&path);
	if (!f)
		return NULL;
	while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&data, chunk, r);
	fclose(f);
	if (n)
		*n = data.len;
	return buf_detach(&data, NULL);
}

/* attachments.get from the fixture directory: ID.data */
static int
fetch(void *ctx, const char *message_id, const char *att, struct buf *data,
	struct err *e)
{
	struct buf name = BUF_INIT;
	size_t n;
	char *d;

	(void)message_id;
	(*(int *)ctx)++;
	buf_printf(&name, "%s.data", att);
	d = slurp(buf_cstr(&name), &n);
	buf_release(&name);
	if (!d)
		return err_set(e, EX_UNAVAILABLE, "no attachment %s", att);
	buf_add(data, d, n);
	free(d);
	return 0;
}

/* Run one fixture; compare with NAME.out (write NAME.got when it differs). */
static void
check_fixture(const char *name, struct gmail_msg_info *info, int *fetches)
{
	struct buf in = BUF_INIT, out = BUF_INIT;
	struct json_doc doc;
	struct json *root;
	struct err e = ERR_INIT;
	struct gmail_msg_opts o = { "alice@acme.example",
		"2026-03-07T00:00:00.000Z", 0, fetch, fetches };
	char *text, *want;
	size_t n;

	buf_printf(&in, "%s.json", name);
	text = slurp(buf_cstr(&in), &n);
	ck_assert_ptr_nonnull(text);
	json_doc_init(&doc);
	root = json_parse(&doc, text, n, &e);
	ck_assert_ptr_nonnull(root);
	ck_assert_int_eq(gmail_msg_records(&out, root, &o, info, &e), 0);
	buf_reset(&in);
	buf_printf(&in, "%s.out", name);
	want = slurp(buf_cstr(&in), NULL);
	if (!want || strcmp(want, buf_cstr(&out)) != 0) {
		const char *root_dir = getenv("SI_ROOT");
		struct buf p = BUF_INIT;
		FILE *f;

		buf_printf(&p, "%s/tests/fixtures/gmail/messages/%s.got",
		    root_dir ? root_dir : ".", name);
		f = fopen(buf_cstr(&p), "wb");
		if (f) {
			fwrite(out.data, 1, out.len, f);
			fclose(f);
		}
		buf_release(&p);
	}
	ck_assert_ptr_nonnull(want);
	ck_assert_str_eq(buf_cstr(&out), want);
	free(want);
	free(text);
	json_doc_release(&doc);
	buf_release(&in);
	buf_release(&out);
}

/* gmail.md's example: alternative bodies, attachment skipped, addresses */
START_TEST(gmail_msg_records_mixed)
{
	struct gmail_msg_info info;
	int fetches = 0;

	check_fixture("mixed-alternative", &info, &fetches);
	ck_assert_int_eq(fetches, 0);
	ck_assert_int_eq(info.internal_ms, 1772615727000LL);
	ck_assert_uint_eq(info.participants, 5);
	ck_assert_uint_eq(info.bad_addresses, 0);
}
END_TEST

/* html only in windows-1252, unpadded base64url, groups, no usable Date */
START_TEST(gmail_msg_records_html_only)
{
	struct gmail_msg_info info;
	int fetches = 0;

	check_fixture("html-only-cp1252", &info, &fetches);
	ck_assert_uint_eq(info.bad_addresses, 1);
}
END_TEST

/* a body behind attachmentId is fetched; it comes before the forwarded
 * message's own text */
START_TEST(gmail_msg_records_attachment_body)
{
	struct gmail_msg_info info;
	int fetches = 0;

	check_fixture("attachment-body-jp", &info, &fetches);
	ck_assert_int_eq(fetches, 1);
}
END_TEST

/* header names in any case; values with the blank after the colon, a
 * leading fold, a trailing blank: unfolded and trimmed (gmail.md 3) */
START_TEST(gmail_msg_records_folded_headers)
{
	struct gmail_msg_info info;
	int fetches = 0;

	check_fixture("folded-headers", &info, &fetches);
	ck_assert_uint_eq(info.participants, 2);
}
END_TEST

/* gmail.md 3 rule 6: a forwarded message Gmail expanded is walked after
 * the outer bodies (its html is the only html); one not expanded (an
 * attachmentId, a filename) is an attachment, never fetched */
START_TEST(gmail_msg_records_forward_expanded)
{
	struct gmail_msg_info info;
	int fetches = 0;

	check_fixture("forward-html", &info, &fetches);
	ck_assert_int_eq(fetches, 0);
}
END_TEST

/* participant ids are stable and differ by role */
START_TEST(gmail_participant_id_stable)
{
	struct buf a = BUF_INIT, b = BUF_INIT;

	gmail_participant_id(&a, "18e0", "to", "x@y.example");
	gmail_participant_id(&b, "18e0", "to", "x@y.example");
	ck_assert_uint_eq(a.len, 32);
	ck_assert_str_eq(buf_cstr(&a), buf_cstr(&b));
	buf_reset(&b);
	gmail_participant_id(&b, "18e0", "cc", "x@y.example");
	ck_assert_str_ne(buf_cstr(&a), buf_cstr(&b));
	buf_release(&a);
	buf_release(&b);
}
END_TEST

/* a message without id writes nothing and fails */
START_TEST(gmail_msg_records_no_id)
{
	struct json_doc doc;
	struct err e = ERR_INIT;
	struct buf out = BUF_INIT;
	struct gmail_msg_opts o = { "a@b.example", NULL, 0, NULL, NULL };
	struct gmail_msg_info info;
	struct json *root;

	json_doc_init(&doc);
	root = json_parse(&doc, "{\"threadId\":\"x\"}", 16, &e);
	ck_assert_int_eq(gmail_msg_records(&out, root, &o, &info, &e), EX_DATAERR);
	ck_assert_uint_eq(out.len, 0);
	err_release(&e);
	json_doc_release(&doc);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("gmail_msg");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, gmail_msg_records_mixed);
	tcase_add_test(tc, gmail_msg_records_html_only);
	tcase_add_test(tc, gmail_msg_records_attachment_body);
	tcase_add_test(tc, gmail_msg_records_folded_headers);
	tcase_add_test(tc, gmail_msg_records_forward_expanded);
	tcase_add_test(tc, gmail_participant_id_stable);
	tcase_add_test(tc, gmail_msg_records_no_id);
	suite_add_tcase(s, tc);
	return s;
}
