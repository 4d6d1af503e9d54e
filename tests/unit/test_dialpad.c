#include <stdlib.h>
#include <string.h>

#include "dialpad.h"
#include "http.h"
#include "ratelimit.h"
#include "json.h"
#include "check_main.h"

static struct json_doc doc;

static struct json *
parse(const char *s)
{
	struct err e = ERR_INIT;
	struct json *j = json_parse(&doc, s, strlen(s), &e);

	ck_assert_msg(j != NULL, "parse: %s", e.msg ? e.msg : "");
	return j;
}

/* ids come as strings or bare numbers and are kept digit for digit */
START_TEST(dialpad_id_string_or_number)
{
	struct json *j = parse("{\"a\":\"9007199254740993\",\"b\":9007199254740993,"
	    "\"c\":\"\",\"d\":null,\"e\":\"12x\",\"f\":1.5}");
	size_t n;
	const char *s;

	s = dialpad_id(json_get(j, "a"), &n);
	ck_assert(s && n == 16 && memcmp(s, "9007199254740993", 16) == 0);
	s = dialpad_id(json_get(j, "b"), &n);
	ck_assert(s && n == 16 && memcmp(s, "9007199254740993", 16) == 0);
	ck_assert_ptr_null(dialpad_id(json_get(j, "c"), &n));
	ck_assert_ptr_null(dialpad_id(json_get(j, "d"), &n));
	ck_assert_ptr_null(dialpad_id(json_get(j, "e"), &n));
	ck_assert_ptr_null(dialpad_id(json_get(j, "f"), &n));
	ck_assert_ptr_null(dialpad_id(json_get(j, "missing"), &n));
}
END_TEST

/* millisecond timestamps from strings or numbers; no value is -1 */
START_TEST(dialpad_ms_values)
{
	struct json *j = parse("{\"a\":\"1709658120105\",\"b\":1709658120105,\"c\":null}");

	ck_assert_int_eq(dialpad_ms(json_get(j, "a")), 1709658120105LL);
	ck_assert_int_eq(dialpad_ms(json_get(j, "b")), 1709658120105LL);
	ck_assert_int_eq(dialpad_ms(json_get(j, "c")), -1);
}
END_TEST

/* spoken lines only, sorted by time, ties in response order */
START_TEST(dialpad_transcript_lines_sorted)
{
	struct json *j = parse("{\"call_id\":\"1\",\"lines\":["
	    "{\"type\":\"transcript\",\"name\":\"B\",\"time\":\"2024-03-05T17:02:15.900000\",\"content\":\"second\"},"
	    "{\"type\":\"moment\",\"name\":\"A\",\"time\":\"2024-03-05T17:02:10.000000\",\"content\":\"price_inquiry\"},"
	    "{\"type\":\"transcript\",\"name\":\"A\",\"time\":\"2024-03-05T17:02:11.400000\",\"content\":\"first\"},"
	    "{\"type\":\"transcript\",\"name\":\"C\",\"content\":\"untimed\"}]}");
	struct dialpad_line *l;
	size_t n = dialpad_transcript_lines(j, &l);

	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(l[0].text, "first");
	ck_assert_str_eq(l[1].text, "second");
	ck_assert_str_eq(l[2].text, "untimed");
	ck_assert_int_eq(l[1].ms - l[0].ms, 4500);
	free(l);
	ck_assert_uint_eq(dialpad_transcript_lines(parse("{\"call_id\":\"1\"}"), &l), 0);
	ck_assert_ptr_null(l);
	ck_assert_uint_eq(dialpad_transcript_lines(parse("{\"call_id\":\"1\",\"lines\":null}"), &l), 0);
	ck_assert_ptr_null(l);
	/* an empty speaker name is no speaker */
	ck_assert_uint_eq(dialpad_transcript_lines(parse("{\"lines\":[{\"type\":\"transcript\","
	    "\"name\":\"\",\"content\":\"hi\"}]}"), &l), 1);
	ck_assert_ptr_null(l[0].speaker);
	free(l);
}
END_TEST

/* an inbound call: from is the external number; seconds from the connection */
START_TEST(dialpad_write_call_inbound)
{
	struct json *j = parse("{\"call_id\":\"77\",\"direction\":\"inbound\","
	    "\"external_number\":\"+15550104477\",\"internal_number\":\"+15550109001\","
	    "\"date_started\":\"1709658120105\",\"date_connected\":\"1709658131000\","
	    "\"duration\":73412.0,\"was_recorded\":true,"
	    "\"target\":{\"id\":\"5412\",\"type\":\"user\",\"email\":\"rosa@x.example\"},"
	    "\"lines\":[{\"type\":\"transcript\",\"name\":\"Rosa\",\"time\":\"2024-03-05T17:02:12.000\",\"content\":\"Hi\"}]}");
	struct dialpad_line *l;
	size_t n = dialpad_transcript_lines(j, &l);
	struct buf out = BUF_INIT;

	ck_assert_int_eq(dialpad_write_call(&out, j, l, n, 0), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "\"from_number\":\"+15550104477\",\"to_number\":\"+15550109001\""));
	ck_assert_ptr_nonnull(strstr(out.data, "\"duration_seconds\":73"));
	ck_assert_ptr_nonnull(strstr(out.data, "\"transcript_text\":\"Rosa: Hi\""));
	ck_assert_ptr_nonnull(strstr(out.data, "\"user_id\":\"5412\""));
	ck_assert_ptr_nonnull(strstr(out.data, "\"transcript_id\":\"77:0\""));
	ck_assert_ptr_nonnull(strstr(out.data, "\"start_time_seconds\":1.000"));
	free(l);
	buf_reset(&out);
	ck_assert_int_eq(dialpad_write_call(&out, parse("{\"call_id\":\"\"}"), NULL, 0, 0), -1);
	ck_assert_uint_eq(out.len, 0);
	buf_release(&out);
}
END_TEST

/* ints written as doubles ("1709658120105.0") keep their digits */
START_TEST(dialpad_ms_zero_fraction)
{
	struct json *j = parse("{\"a\":1709658120105.0,\"b\":\"1709658120105.0\","
	    "\"c\":1709658120105.5,\"d\":6151020093210624.00}");
	size_t n;
	const char *s;

	ck_assert_int_eq(dialpad_ms(json_get(j, "a")), 1709658120105LL);
	ck_assert_int_eq(dialpad_ms(json_get(j, "b")), -1);
	ck_assert_int_eq(dialpad_ms(json_get(j, "c")), -1);
	s = dialpad_id(json_get(j, "d"), &n);
	ck_assert(s && n == 16 && memcmp(s, "6151020093210624", 16) == 0);
}
END_TEST

/* transcripts are asked for answered calls, recorded or not */
START_TEST(dialpad_wants_transcript_answered)
{
	ck_assert(dialpad_wants_transcript(parse("{\"call_id\":\"1\","
	    "\"date_connected\":\"1709658131320\",\"was_recorded\":false}")));
	ck_assert(dialpad_wants_transcript(parse("{\"call_id\":\"1\","
	    "\"date_connected\":null,\"was_recorded\":true}")));
	ck_assert(!dialpad_wants_transcript(parse("{\"call_id\":\"1\","
	    "\"date_connected\":null,\"was_recorded\":false}")));
	ck_assert(!dialpad_wants_transcript(parse("{\"call_id\":\"1\"}")));
	ck_assert(!dialpad_wants_transcript(parse("{\"date_connected\":\"1709658131320\"}")));
}
END_TEST

/* missing fields: the internal number from the target, the user's email
 * from GET /users (passed in), the target's own email first */
START_TEST(dialpad_write_call_missing_fields)
{
	struct buf out = BUF_INIT;

	ck_assert_int_eq(dialpad_write_call_user(&out, parse("{\"call_id\":\"5\","
	    "\"direction\":\"outbound\",\"external_number\":\"+15550106120\","
	    "\"internal_number\":null,\"target\":{\"id\":\"54\",\"type\":\"user\","
	    "\"phone\":\"+15550109001\"}}"), NULL, 0, 0, "rosa@x.example"), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "\"from_number\":\"+15550109001\",\"to_number\":\"+15550106120\""));
	ck_assert_ptr_nonnull(strstr(out.data, "\"internal_number\":\"+15550109001\""));
	ck_assert_ptr_nonnull(strstr(out.data, "\"user_email\":\"rosa@x.example\""));
	buf_reset(&out);
	ck_assert_int_eq(dialpad_write_call_user(&out, parse("{\"call_id\":\"5\","
	    "\"target\":{\"id\":\"54\",\"type\":\"user\",\"email\":\"own@x.example\"}}"),
	    NULL, 0, 0, "rosa@x.example"), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "\"user_email\":\"own@x.example\""));
	buf_reset(&out);
	/* not a user: no user, no email */
	ck_assert_int_eq(dialpad_write_call_user(&out, parse("{\"call_id\":\"5\","
	    "\"target\":{\"id\":\"54\",\"type\":\"office\"}}"), NULL, 0, 0,
	    "rosa@x.example"), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "\"user_email\":null"));
	buf_release(&out);
}
END_TEST

/* a stats export: columns by name, times in ms, s or RFC 3339, a target
 * without a type is a user, rows without a call id skipped */
START_TEST(dialpad_stats_csv)
{
	static const char csv[] =
	    "\xef\xbb\xbf\"Call ID\",Direction,Start Time,date_connected,Duration,"
	    "Was Recorded,User ID,Email,Contact Name,Other\r\n"
	    "6151020093210624,inbound,1709658120105,2024-03-05T17:02:11Z,73412.0,"
	    "true,5412,rosa@x.example,\"Okafor, Dana\",x\r\n"
	    ",outbound,1709658120,,0,false,,,,\r\n"
	    "\r\n"
	    "77.00,outbound,1709658120,,,no,,,,\n";
	struct json *items, *c;
	struct err e = ERR_INIT;
	size_t skipped;
	struct buf out = BUF_INIT;

	ck_assert_int_eq(dialpad_stats_calls(csv, sizeof(csv) - 1, &doc, &items,
	    &skipped, &e), 0);
	ck_assert_uint_eq(items->count, 2);
	ck_assert_uint_eq(skipped, 1);
	c = json_at(items, 0);
	ck_assert_str_eq(json_get_str(c, "call_id"), "6151020093210624");
	ck_assert_int_eq(dialpad_ms(json_get(c, "date_started")), 1709658120105LL);
	ck_assert_int_eq(dialpad_ms(json_get(c, "date_connected")), 1709658131000LL);
	ck_assert_str_eq(json_get_str(json_get(c, "target"), "type"), "user");
	ck_assert_int_eq(dialpad_write_call(&out, c, NULL, 0, 0), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "\"duration_seconds\":73,"));
	ck_assert_ptr_nonnull(strstr(out.data, "\"user_email\":\"rosa@x.example\""));
	ck_assert_ptr_nonnull(strstr(out.data, "\"contact_name\":\"Okafor, Dana\""));
	ck_assert_ptr_nonnull(strstr(out.data, "\"was_recorded\":true"));
	ck_assert(dialpad_wants_transcript(c));
	c = json_at(items, 1);
	ck_assert_str_eq(json_get_str(c, "call_id"), "77");
	ck_assert_int_eq(dialpad_ms(json_get(c, "date_started")), 1709658120000LL);
	ck_assert(!dialpad_wants_transcript(c));
	buf_release(&out);
	/* no call id column; an empty file has no rows */
	ck_assert_int_eq(dialpad_stats_calls("a,b\n1,2\n", 8, &doc, &items,
	    &skipped, &e), EX_DATAERR);
	err_release(&e);
	ck_assert_int_eq(dialpad_stats_calls("", 0, &doc, &items, &skipped, &e), 0);
	ck_assert_uint_eq(items->count, 0);
}
END_TEST

/* default pacing: never more than 20 requests in any second (dialpad.md
 * 5), whatever the moments they are asked at */
START_TEST(dialpad_pacing_default)
{
	struct ratelimit rl;
	int64_t t, sent[4000];
	size_t n = 0, i, j;

	dialpad_ratelimit_init(&rl, 0);
	/* asked as fast as allowed for 30 s, with a pause */
	for (t = 0; t < 30000 && n < 4000; t++) {
		if (t >= 10000 && t < 13000)
			continue;
		while (n < 4000 && ratelimit_reserve(&rl, 1, t) == 0)
			sent[n++] = t;
	}
	ck_assert_uint_gt(n, 250);
	ck_assert_uint_lt(n, 300);
	for (i = 0, j = 0; i < n; i++) {
		while (sent[i] - sent[j] >= 1000)
			j++;
		ck_assert_uint_le(i - j + 1, 20);
	}
}
END_TEST

/* a 429 without Retry-After waits 2 s, 4 s ...; others as http chose */
START_TEST(dialpad_retry_delay_429)
{
	struct http_response r;
	int quick = 1;

	http_response_init(&r);
	r.status = 429;
	ck_assert_int_eq(dialpad_retry_delay(&r, 1, 300, NULL), 2000);
	ck_assert_int_eq(dialpad_retry_delay(&r, 3, 300, NULL), 8000);
	ck_assert_int_eq(dialpad_retry_delay(&r, 9, 300, NULL), 60000);
	ck_assert_int_eq(dialpad_retry_delay(&r, 1, 300, &quick), 300);
	buf_addstr(&r.headers, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\n\r\n");
	ck_assert_int_eq(dialpad_retry_delay(&r, 1, 1000, NULL), 1000);
	r.status = 503;
	buf_reset(&r.headers);
	ck_assert_int_eq(dialpad_retry_delay(&r, 1, 300, NULL), 300);
	http_response_release(&r);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("dialpad");
	TCase *tc = tcase_create("dialpad");

	json_doc_init(&doc);
	tcase_add_test(tc, dialpad_id_string_or_number);
	tcase_add_test(tc, dialpad_ms_values);
	tcase_add_test(tc, dialpad_transcript_lines_sorted);
	tcase_add_test(tc, dialpad_write_call_inbound);
	tcase_add_test(tc, dialpad_ms_zero_fraction);
	tcase_add_test(tc, dialpad_wants_transcript_answered);
	tcase_add_test(tc, dialpad_write_call_missing_fields);
	tcase_add_test(tc, dialpad_stats_csv);
	tcase_add_test(tc, dialpad_pacing_default);
	tcase_add_test(tc, dialpad_retry_delay_429);
	suite_add_tcase(s, tc);
	return s;
}
