#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"
#include "check_main.h"

/* Read a fixture from tests/fixtures/mail (the suite runs from SI_ROOT). */
static char *
fixture(const char *name, size_t *n)
{
	const char *root = getenv("SI_ROOT");
	struct buf path = BUF_INIT, data = BUF_INIT;
	char chunk[4096];
	size_t r;
	FILE *f;

	buf_printf(&path, "%s/tests/fixtures/mail/%s", root ? root : ".", name);
	f = fopen(buf_cstr(&path), "rb");
	ck_assert_msg(f != NULL, "cannot open %s", buf_cstr(&path));
	while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&data, chunk, r);
	fclose(f);
	buf_release(&path);
	*n = data.len;
	return buf_detach(&data, NULL);
}

static char *
text_of(const struct mime_part *p)
{
	struct buf b = BUF_INIT;

	mime_part_text(p, &b);
	return buf_detach(&b, NULL);
}

/* base64url with and without padding decodes; foreign characters fail */
START_TEST(mime_base64_decode_url)
{
	struct buf b = BUF_INIT;

	ck_assert_int_eq(mime_base64_decode(&b, "PHA-SGk_", 8, MIME_B64_URL), 0);
	ck_assert_str_eq(buf_cstr(&b), "<p>Hi?");
	buf_reset(&b);
	ck_assert_int_eq(mime_base64_decode(&b, "YWI", 3, MIME_B64_URL), 0);
	ck_assert_str_eq(buf_cstr(&b), "ab");
	buf_reset(&b);
	ck_assert_int_eq(mime_base64_decode(&b, "YWI=", 4, MIME_B64_URL), 0);
	ck_assert_str_eq(buf_cstr(&b), "ab");
	buf_reset(&b);
	ck_assert_int_eq(mime_base64_decode(&b, "YWI+", 4, MIME_B64_URL), -1);
	ck_assert_int_eq(mime_base64_decode(&b, "YW\nI", 4, MIME_B64_URL), -1);
	ck_assert_int_eq(mime_base64_decode(&b, "YWJjZ", 5, MIME_B64_URL), -1);
	ck_assert_int_eq(mime_base64_decode(&b, "YQ=a", 4, MIME_B64_URL), -1);
	buf_reset(&b);
	/* MIME base64 ignores line breaks */
	ck_assert_int_eq(mime_base64_decode(&b, "YW\r\nJj", 6, 0), 0);
	ck_assert_str_eq(buf_cstr(&b), "abc");
	buf_release(&b);
}
END_TEST

/* encode then decode gives the input back, in both alphabets */
START_TEST(mime_base64_roundtrip)
{
	unsigned char all[256];
	struct buf e = BUF_INIT, d = BUF_INIT;
	size_t n, i;

	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	for (n = 0; n < 10; n++) {
		unsigned fl;

		for (fl = 0; fl <= MIME_B64_URL; fl++) {
			buf_reset(&e);
			buf_reset(&d);
			mime_base64_encode(&e, all + 250 - n * 20, n * 20 + n % 3, fl);
			ck_assert_int_eq(mime_base64_decode(&d, e.data ? e.data : "",
			    e.len, fl), 0);
			ck_assert_uint_eq(d.len, n * 20 + n % 3);
			ck_assert(d.len == 0 || memcmp(d.data, all + 250 - n * 20,
			    d.len) == 0);
		}
	}
	buf_release(&e);
	buf_release(&d);
}
END_TEST

/* quoted-printable: soft breaks, hex either case, stray '=', padding */
START_TEST(mime_qp_decode_cases)
{
	struct buf b = BUF_INIT;
	const char *in = "caf=E9 =c3=a9=\r\nnext  \r\nx=ZZ =";

	mime_qp_decode(&b, in, strlen(in), 0);
	ck_assert_str_eq(buf_cstr(&b), "caf\xe9 \xc3\xa9next\r\nx=ZZ ");
	buf_release(&b);
}
END_TEST

/* parameters: quoted, case, RFC 2231 continuations and encoding */
START_TEST(mime_param_cases)
{
	struct buf b = BUF_INIT;

	ck_assert(mime_param("text/plain; CHARSET=\"utf-8\"", "charset", &b));
	ck_assert_str_eq(buf_cstr(&b), "utf-8");
	buf_reset(&b);
	ck_assert(mime_param("multipart/mixed;\tboundary=----=_Part_1 ; x=y",
	    "boundary", &b));
	ck_assert_str_eq(buf_cstr(&b), "----=_Part_1");
	buf_reset(&b);
	ck_assert(mime_param("attachment; filename*0=\"long \"; "
	    "filename*1*=%C3%A9.txt", "filename", &b));
	ck_assert_str_eq(buf_cstr(&b), "long é.txt");
	buf_reset(&b);
	ck_assert(mime_param("x; name=\"a\\\"b;c\"", "name", &b));
	ck_assert_str_eq(buf_cstr(&b), "a\"b;c");
	buf_reset(&b);
	ck_assert(!mime_param("text/plain", "charset", &b));
	ck_assert(!mime_param("text/plain; charsetx=1", "charset", &b));
	buf_release(&b);
}
END_TEST

/* the mixed/alternative tree, bodies, charsets and the attachment */
START_TEST(mime_parse_mixed_alternative)
{
	size_t n;
	char *msg = fixture("mixed-alternative.eml", &n), *t;
	struct mime_part root;
	const struct mime_part *plain, *html;

	mime_parse(&root, msg, n, NULL);
	ck_assert_str_eq(root.type, "multipart/mixed");
	ck_assert_uint_eq(root.nparts, 2);
	ck_assert_str_eq(root.parts[0].type, "multipart/alternative");
	ck_assert_uint_eq(root.parts[0].nparts, 2);
	ck_assert_str_eq(root.parts[1].type, "application/pdf");
	ck_assert_str_eq(root.parts[1].filename, "résumé.pdf");
	ck_assert(mime_part_is_attachment(&root.parts[1]));
	ck_assert_str_eq(mime_header_get(&root, "message-id"), "<a1@globex.example>");
	ck_assert_uint_eq(root.flags, 0);
	mime_find_bodies(&root, &plain, &html);
	ck_assert_ptr_eq(plain, &root.parts[0].parts[0]);
	ck_assert_ptr_eq(html, &root.parts[0].parts[1]);
	t = text_of(plain);
	ck_assert_str_eq(t, "Hi Alice,\r\nthe café report is attached.\r\nCheers");
	free(t);
	t = text_of(html);
	ck_assert_str_eq(t, "<p>Hi Alice,</p><p>the café report is attached.</p>");
	free(t);
	mime_part_release(&root);
	free(msg);
}
END_TEST

/* a forwarded message is a child tree, but not a body of the outer one */
START_TEST(mime_parse_nested_rfc822)
{
	size_t n;
	char *msg = fixture("nested-rfc822.eml", &n), *t;
	struct mime_part root;
	const struct mime_part *plain, *html, *inner;

	mime_parse(&root, msg, n, NULL);
	ck_assert_uint_eq(root.nparts, 2);
	ck_assert_str_eq(root.parts[1].type, "message/rfc822");
	ck_assert_uint_eq(root.parts[1].nparts, 1);
	inner = &root.parts[1].parts[0];
	ck_assert_str_eq(mime_header_get(inner, "Subject"), "inner");
	ck_assert_uint_eq(inner->nparts, 1);
	mime_find_bodies(&root, &plain, &html);
	ck_assert_ptr_null(html);
	t = text_of(plain);
	ck_assert_str_eq(t, "See below.");
	free(t);
	mime_part_release(&root);
	free(msg);
}
END_TEST

/* a multipart whose boundary never comes reads as text, flagged */
START_TEST(mime_parse_missing_boundary)
{
	size_t n;
	char *msg = fixture("missing-boundary.eml", &n), *t;
	struct mime_part root;
	const struct mime_part *plain, *html;

	mime_parse(&root, msg, n, NULL);
	ck_assert_str_eq(root.type, "text/plain");
	ck_assert(root.flags & MIME_F_NO_BOUNDARY);
	mime_find_bodies(&root, &plain, &html);
	t = text_of(plain);
	ck_assert_str_eq(t, "Just text, the boundary never comes.\r\n");
	free(t);
	mime_part_release(&root);
	free(msg);
}
END_TEST

/* an unclosed multipart/related keeps its last part; html body found */
START_TEST(mime_parse_unclosed_related)
{
	size_t n;
	char *msg = fixture("related-unclosed.eml", &n);
	struct mime_part root;
	const struct mime_part *plain, *html;

	mime_parse(&root, msg, n, NULL);
	ck_assert(root.flags & MIME_F_NO_CLOSE);
	ck_assert_uint_eq(root.nparts, 2);
	ck_assert_str_eq(root.parts[1].type, "image/png");
	mime_find_bodies(&root, &plain, &html);
	ck_assert_ptr_null(plain);
	ck_assert_ptr_eq(html, &root.parts[0]);
	mime_part_release(&root);
	free(msg);
}
END_TEST

/* header names any case, folded, duplicates in order, junk line skipped */
START_TEST(mime_parse_odd_headers)
{
	size_t n;
	char *msg = fixture("odd-headers.eml", &n), *t;
	struct mime_part root;

	mime_parse(&root, msg, n, NULL);
	ck_assert(root.flags & MIME_F_BAD_HEADER);
	ck_assert_str_eq(mime_header_get(&root, "Subject"), "lower and upper");
	ck_assert_str_eq(mime_header_nth(&root, "RECEIVED", 0), "from a by b");
	ck_assert_str_eq(mime_header_nth(&root, "received", 1), "from c");
	ck_assert_ptr_null(mime_header_nth(&root, "received", 2));
	ck_assert_str_eq(root.type, "text/plain");
	ck_assert_str_eq(root.charset, "x-unknown-charset");
	t = text_of(&root);
	ck_assert_str_eq(t, "naïve\r\n");
	free(t);
	mime_part_release(&root);
	free(msg);
}
END_TEST

/* iso-2022-jp body converts to UTF-8 */
START_TEST(mime_parse_iso2022jp)
{
	size_t n;
	char *msg = fixture("iso-2022-jp.eml", &n), *t;
	struct mime_part root;

	mime_parse(&root, msg, n, NULL);
	t = text_of(&root);
	ck_assert_str_eq(t, "こんにちは\r\n");
	free(t);
	mime_part_release(&root);
	free(msg);
}
END_TEST

/* deep nesting and many parts stay within the limits */
START_TEST(mime_parse_limits)
{
	struct buf m = BUF_INIT;
	struct mime_part root, *p;
	struct mime_limits lim = { 5, 50, 3 };
	unsigned i, depth = 0;

	for (i = 0; i < 200; i++)
		buf_printf(&m, "Content-Type: multipart/mixed; boundary=b%u\r\n\r\n"
		    "--b%u\r\n", i, i);
	buf_addstr(&m, "X-A: 1\r\nX-B: 2\r\nX-C: 3\r\nX-D: 4\r\n\r\nbody\r\n");
	mime_parse(&root, m.data, m.len, &lim);
	for (p = &root; p->nparts; p = &p->parts[0])
		depth++;
	ck_assert_uint_le(depth, 5);
	ck_assert(p->flags & MIME_F_LIMIT);
	mime_part_release(&root);
	buf_reset(&m);
	buf_addstr(&m, "Content-Type: multipart/mixed; boundary=x\r\n\r\n");
	for (i = 0; i < 200; i++)
		buf_addstr(&m, "--x\r\n\r\npart\r\n");
	mime_parse(&root, m.data, m.len, &lim);
	ck_assert_uint_lt(root.nparts, 50);
	ck_assert(root.flags & MIME_F_LIMIT);
	mime_part_release(&root);
	/* empty input is an empty text/plain message */
	mime_parse(&root, "", 0, NULL);
	ck_assert_str_eq(root.type, "text/plain");
	ck_assert_uint_eq(root.body_n, 0);
	mime_part_release(&root);
	buf_release(&m);
}
END_TEST

/* RFC 5322 dates, with the sloppy forms mail really carries */
START_TEST(mime_date_parse_cases)
{
	int64_t ms;

	ck_assert_int_eq(mime_date_parse("Wed, 4 Mar 2026 10:15:25 +0100", &ms), 0);
	ck_assert_int_eq(ms, 1772615725000LL);
	ck_assert_int_eq(mime_date_parse("4 Mar 2026 09:15:25 GMT", &ms), 0);
	ck_assert_int_eq(ms, 1772615725000LL);
	ck_assert_int_eq(mime_date_parse("Wed,  4 Mar 26 01:15:25 PST (Pacific)", &ms), 0);
	ck_assert_int_eq(ms, 1772615725000LL);
	ck_assert_int_eq(mime_date_parse("Wed, 04 Mar 2026 09:15 +0000", &ms), 0);
	ck_assert_int_eq(ms, 1772615700000LL);
	ck_assert_int_eq(mime_date_parse("Wed, 4 Mar 2026 09:15:25", &ms), 0);
	ck_assert_int_eq(ms, 1772615725000LL);
	ck_assert_int_eq(mime_date_parse("2026-03-04 09:15:25", &ms), 0);
	ck_assert_int_eq(ms, 1772615725000LL);
	ck_assert_int_eq(mime_date_parse("(c) Wed, 4-Mar-2026 04:15:25 -0500", &ms), 0);
	ck_assert_int_eq(ms, 1772615725000LL);
	ck_assert_int_eq(mime_date_parse("", &ms), -1);
	ck_assert_int_eq(mime_date_parse("yesterday", &ms), -1);
	ck_assert_int_eq(mime_date_parse("32 Mar 2026 00:00:00", &ms), -1);
	ck_assert_int_eq(mime_date_parse("4 Foo 2026", &ms), -1);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("mime");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, mime_base64_decode_url);
	tcase_add_test(tc, mime_base64_roundtrip);
	tcase_add_test(tc, mime_qp_decode_cases);
	tcase_add_test(tc, mime_param_cases);
	tcase_add_test(tc, mime_parse_mixed_alternative);
	tcase_add_test(tc, mime_parse_nested_rfc822);
	tcase_add_test(tc, mime_parse_missing_boundary);
	tcase_add_test(tc, mime_parse_unclosed_related);
	tcase_add_test(tc, mime_parse_odd_headers);
	tcase_add_test(tc, mime_parse_iso2022jp);
	tcase_add_test(tc, mime_parse_limits);
	tcase_add_test(tc, mime_date_parse_cases);
	suite_add_tcase(s, tc);
	return s;
}
