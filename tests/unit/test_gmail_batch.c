#include <string.h>

#include "gmail_batch.h"
#include "check_main.h"

/* the request envelope has one part per call, with our Content-IDs */
START_TEST(gmail_batch_build_parts)
{
	struct buf b = BUF_INIT;
	const char *paths[] = { "/gmail/v1/users/me/messages/a?format=full",
		"/gmail/v1/users/me/messages/b?format=full" };
	const char *ids[] = { "m-0", "m-1" };

	gmail_batch_build(&b, "gp_1", paths, ids, 2);
	ck_assert_str_eq(buf_cstr(&b),
	    "--gp_1\r\nContent-Type: application/http\r\nContent-ID: <m-0>\r\n\r\n"
	    "GET /gmail/v1/users/me/messages/a?format=full HTTP/1.1\r\n\r\n"
	    "--gp_1\r\nContent-Type: application/http\r\nContent-ID: <m-1>\r\n\r\n"
	    "GET /gmail/v1/users/me/messages/b?format=full HTTP/1.1\r\n\r\n"
	    "--gp_1--\r\n");
	buf_release(&b);
}
END_TEST

/* answers out of order, one failing, are matched by Content-ID */
START_TEST(gmail_batch_parse_shuffled)
{
	const char *body =
	    "--batch_Zq9x\r\n"
	    "Content-Type: application/http\r\n"
	    "Content-ID: <response-m-1>\r\n"
	    "\r\n"
	    "HTTP/1.1 404 Not Found\r\n"
	    "Content-Type: application/json; charset=UTF-8\r\n"
	    "\r\n"
	    "{\"error\":{\"code\":404}}\r\n"
	    "--batch_Zq9x\r\n"
	    "Content-Type: application/http\r\n"
	    "Content-ID: <response-m-0>\r\n"
	    "\r\n"
	    "HTTP/1.1 200 OK\r\n"
	    "Content-Type: application/json; charset=UTF-8\r\n"
	    "Content-Length: 10\r\n"
	    "\r\n"
	    "{\"id\":\"a\"}\r\n"
	    "--batch_Zq9x--\r\n";
	struct gmail_batch_resp r;
	struct err e = ERR_INIT;
	const struct gmail_batch_part *p;

	ck_assert_int_eq(gmail_batch_parse(&r,
	    "multipart/mixed; boundary=batch_Zq9x", body, strlen(body), &e), 0);
	ck_assert_uint_eq(r.n, 2);
	p = gmail_batch_find(&r, "m-0");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->status, 200);
	ck_assert_str_eq(p->body, "{\"id\":\"a\"}");
	p = gmail_batch_find(&r, "m-1");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->status, 404);
	ck_assert_str_eq(p->body, "{\"error\":{\"code\":404}}");
	ck_assert_ptr_null(gmail_batch_find(&r, "m-2"));
	gmail_batch_resp_release(&r);
}
END_TEST

/* bare LF, "response-" without id, Retry-After inside a part */
START_TEST(gmail_batch_parse_lf)
{
	const char *body =
	    "--b\n"
	    "Content-Type: application/http\n"
	    "Content-ID: response-\n"
	    "\n"
	    "HTTP/1.1 429 Too Many Requests\n"
	    "Retry-After: 3\n"
	    "\n"
	    "{}\n"
	    "--b--\n";
	struct gmail_batch_resp r;
	struct err e = ERR_INIT;

	ck_assert_int_eq(gmail_batch_parse(&r, "multipart/mixed; boundary=\"b\"",
	    body, strlen(body), &e), 0);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.v[0].id, "");
	ck_assert_int_eq(r.v[0].status, 429);
	ck_assert_str_eq(r.v[0].retry_after, "3");
	ck_assert_str_eq(r.v[0].body, "{}");
	gmail_batch_resp_release(&r);
}
END_TEST

/* a JSON error instead of a multipart answer is refused */
START_TEST(gmail_batch_parse_not_multipart)
{
	struct gmail_batch_resp r;
	struct err e = ERR_INIT;

	ck_assert_int_eq(gmail_batch_parse(&r, "application/json", "{}", 2, &e),
	    EX_DATAERR);
	ck_assert_uint_eq(r.n, 0);
	err_release(&e);
	ck_assert_int_eq(gmail_batch_parse(&r, "multipart/mixed; boundary=x",
	    "garbage", 7, &e), EX_DATAERR);
	err_release(&e);
}
END_TEST

/* a NUL byte in a part's body: the copy holds all body_n bytes */
START_TEST(gmail_batch_parse_nul)
{
	static const char body[] = "--b\r\nContent-Type: application/http\r\n"
	    "Content-ID: <response-m-0>\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"
	    "{\"a\":1}\0tail-after-the-nul\r\n--b--\r\n";
	static const char want[] = "{\"a\":1}\0tail-after-the-nul";
	struct gmail_batch_resp r;
	struct err e = ERR_INIT;
	const struct gmail_batch_part *p;

	ck_assert_int_eq(gmail_batch_parse(&r, "multipart/mixed; boundary=b",
	    body, sizeof(body) - 1, &e), 0);
	p = gmail_batch_find(&r, "m-0");
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->body_n, sizeof(want) - 1);
	ck_assert_int_eq(memcmp(p->body, want, sizeof(want) - 1), 0);
	ck_assert_int_eq(p->body[p->body_n], '\0');
	gmail_batch_resp_release(&r);
	err_release(&e);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("gmail_batch");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, gmail_batch_build_parts);
	tcase_add_test(tc, gmail_batch_parse_shuffled);
	tcase_add_test(tc, gmail_batch_parse_lf);
	tcase_add_test(tc, gmail_batch_parse_not_multipart);
	tcase_add_test(tc, gmail_batch_parse_nul);
	suite_add_tcase(s, tc);
	return s;
}
