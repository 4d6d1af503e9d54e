#include <stdio.h>
#include <string.h>

#include "gmail.h"
#include "http.h"
#include "ts.h"
#include "check_main.h"

/* the reason of Google's error envelope is found; other bodies have none */
START_TEST(gmail_error_reason_cases)
{
	struct buf b = BUF_INIT;
	const char *body = "{\"error\":{\"code\":403,\"message\":\"x\",\"errors\":"
	    "[{\"domain\":\"usageLimits\",\"reason\":\"userRateLimitExceeded\"}]}}";

	ck_assert_int_eq(gmail_error_reason(body, strlen(body), &b), 0);
	ck_assert_str_eq(buf_cstr(&b), "userRateLimitExceeded");
	buf_reset(&b);
	ck_assert_int_eq(gmail_error_reason("<html>503</html>", 16, &b), -1);
	ck_assert_int_eq(gmail_error_reason("{\"error\":\"invalid_grant\"}", 25, &b), -1);
	ck_assert_uint_eq(b.len, 0);
	buf_release(&b);
}
END_TEST

/* "Retry after <RFC 3339>" (two spaces before it) gives the wait */
START_TEST(gmail_retry_after_message_cases)
{
	const char *body = "{\"error\":{\"code\":429,\"message\":\"User-rate limit "
	    "exceeded.  Retry after 2026-03-04T11:16:42.247Z\"}}";
	int64_t now = 1772622990000LL;  /* 2026-03-04T11:16:30.000Z */

	ck_assert_int_eq(gmail_retry_after_message(body, strlen(body), now), 12247);
	ck_assert_int_eq(gmail_retry_after_message(body, strlen(body),
	    now + 60000), 0);
	ck_assert_int_eq(gmail_retry_after_message("{}", 2, now), -1);
	/* at the end of a sentence; only in errors[].message */
	body = "{\"error\":{\"code\":403,\"message\":\"User-rate limit "
	    "exceeded.  Retry after 2026-03-04T11:16:42.247Z.\"}}";
	ck_assert_int_eq(gmail_retry_after_message(body, strlen(body), now), 12247);
	body = "{\"error\":{\"code\":429,\"message\":\"Quota exceeded\","
	    "\"errors\":[{\"message\":\"User-rate limit exceeded.  Retry after "
	    "2026-03-04T11:16:42Z\",\"reason\":\"rateLimitExceeded\"}]}}";
	ck_assert_int_eq(gmail_retry_after_message(body, strlen(body), now), 12000);
	ck_assert_int_eq(gmail_retry_after_message("nope", 4, now), -1);
}
END_TEST

static struct http_response *
resp_of(struct http_response *r, long status, const char *body)
{
	http_response_init(r);
	r->status = status;
	buf_addstr(&r->body, body);
	return r;
}

/* what http.c retries: 403 rate limits (gmail.md 6.2); "Retry after" in
 * the message is waited for (6.4); other 403s and daily limits are not */
START_TEST(gmail_retry_hooks)
{
	char body[400];
	int64_t now = ts_now_ms() + 30000;
	struct buf t = BUF_INIT;
	struct http_response r;
	long w;

	ck_assert_int_eq(gmail_transient(resp_of(&r, 403, "{\"error\":{\"code\":"
	    "403,\"errors\":[{\"domain\":\"usageLimits\",\"reason\":"
	    "\"userRateLimitExceeded\"}]}}"), NULL), 1);
	http_response_release(&r);
	ck_assert_int_eq(gmail_transient(resp_of(&r, 403, "{\"error\":{\"code\":"
	    "403,\"errors\":[{\"domain\":\"usageLimits\",\"reason\":"
	    "\"rateLimitExceeded\"}]}}"), NULL), 1);
	http_response_release(&r);
	ck_assert_int_eq(gmail_transient(resp_of(&r, 403, "{\"error\":{\"code\":"
	    "403,\"errors\":[{\"domain\":\"global\",\"reason\":"
	    "\"domainPolicy\"}]}}"), NULL), 0);
	http_response_release(&r);
	ck_assert_int_eq(gmail_transient(resp_of(&r, 403, "{\"error\":{\"code\":"
	    "403,\"errors\":[{\"domain\":\"usageLimits\",\"reason\":"
	    "\"dailyLimitExceeded\"}]}}"), NULL), 0);
	http_response_release(&r);
	ck_assert_int_eq(gmail_transient(resp_of(&r, 403, "<html>no</html>"),
	    NULL), 0);
	http_response_release(&r);
	ck_assert_int_eq(gmail_retry_delay(resp_of(&r, 503, "<html>busy</html>"),
	    1, 700, NULL), 700);
	http_response_release(&r);
	ts_format(&t, now);
	snprintf(body, sizeof(body), "{\"error\":{\"code\":429,\"message\":"
	    "\"User-rate limit exceeded.  Retry after %s\",\"errors\":[{"
	    "\"reason\":\"rateLimitExceeded\"}]}}", buf_cstr(&t));
	w = gmail_retry_delay(resp_of(&r, 429, body), 1, 700, NULL);
	ck_assert_int_gt(w, 20000);
	ck_assert_int_le(w, 30000);
	ck_assert_int_eq(gmail_retry_delay(&r, 1, 90000, NULL), 90000);
	http_response_release(&r);
	buf_release(&t);
}
END_TEST

/* the bookmark key names the mailbox */
START_TEST(gmail_state_key_form)
{
	struct buf b = BUF_INIT;

	gmail_state_key(&b, "alice@acme.example");
	ck_assert_str_eq(buf_cstr(&b), "gmail_messages:alice@acme.example");
	buf_release(&b);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("gmail");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, gmail_error_reason_cases);
	tcase_add_test(tc, gmail_retry_after_message_cases);
	tcase_add_test(tc, gmail_state_key_form);
	tcase_add_test(tc, gmail_retry_hooks);
	suite_add_tcase(s, tc);
	return s;
}
