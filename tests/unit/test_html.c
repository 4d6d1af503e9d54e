#include <string.h>

#include "html.h"
#include "check_main.h"

static char *
conv(const char *s, size_t max, int *cut)
{
	struct buf b = BUF_INIT;
	int c = html_to_text(&b, s, strlen(s), max);

	if (cut)
		*cut = c;
	return buf_detach(&b, NULL);
}

#define CHECK_HTML(in, want) do { \
	char *got_ = conv(in, 0, NULL); \
	ck_assert_str_eq(got_, want); \
	free(got_); \
} while (0)

/* paragraphs, breaks and list items become lines */
START_TEST(html_to_text_blocks)
{
	CHECK_HTML("<p>Hi Sam,</p><p>The report.</p>", "Hi Sam,\n\nThe report.");
	CHECK_HTML("a<br>b<BR/>c", "a\nb\nc");
	CHECK_HTML("<ul><li>one</li><li>two</li></ul>", "- one\n- two");
	CHECK_HTML("<div>x</div><div>y</div>", "x\ny");
	CHECK_HTML("a<br><br><br><br>b", "a\n\nb");
}
END_TEST

/* script, style, head and comments vanish with their content */
START_TEST(html_to_text_dropped)
{
	CHECK_HTML("<head><title>T</title><style>p{}</style></head>x"
	    "<script>if (a<b) alert('</p>')</script>y<!-- <p>no</p> -->z",
	    "xyz");
	CHECK_HTML("<SCRIPT type=x>bad</SCRIPT >ok", "ok");
}
END_TEST

/* entities decode; unknown ones stay; whitespace collapses */
START_TEST(html_to_text_entities)
{
	CHECK_HTML("a &amp; b &lt;c&gt; &#39;d&#x27; &eacute; &bogus; &",
	    "a & b <c> 'd' é &bogus; &");
	CHECK_HTML("  many \n\t spaces  ", "many spaces");
	CHECK_HTML("x&nbsp;&nbsp;y", "x  y");
	CHECK_HTML("&#0;&#xD800;&#1114112;", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	CHECK_HTML("&#150;", "\xe2\x80\x93");
	CHECK_HTML("<a href=\"x>y\">link</a> 1 < 2", "link 1 < 2");
}
END_TEST

/* output is bounded and never splits a character */
START_TEST(html_to_text_bounded)
{
	int cut = 0;
	char *got = conv("<p>caf\xc3\xa9 caf\xc3\xa9</p>", 4, &cut);

	ck_assert_int_eq(cut, 1);
	ck_assert_str_eq(got, "caf");
	free(got);
	got = conv("<p>short</p>", 100, &cut);
	ck_assert_int_eq(cut, 0);
	ck_assert_str_eq(got, "short");
	free(got);
}
END_TEST

/* unterminated tags and comments end quietly */
START_TEST(html_to_text_truncated)
{
	CHECK_HTML("text<p class=", "text");
	CHECK_HTML("text<!-- never closed", "text");
	CHECK_HTML("<pre>a\n  b</pre>", "a\n  b");
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, html_to_text_blocks);
	tcase_add_test(tc, html_to_text_dropped);
	tcase_add_test(tc, html_to_text_entities);
	tcase_add_test(tc, html_to_text_bounded);
	tcase_add_test(tc, html_to_text_truncated);
	suite_add_tcase(s, tc);
	return s;
}
