/*
 * fuzz_resolve: the keys and lookups of resolve must never crash on any
 * text, keys must have their documented shape, a match must name a rule
 * and a score in (0, 1], and a record resolved must still write as JSON
 * that parses; with its output columns as text (resolve_record_text) it
 * must write the same bytes as resolved as a tree; the look-ahead must
 * read only the text it is given.
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "resolve.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static struct resolve_index *ix;

static void
setup(void)
{
	static const struct resolve_contact c[] = {
		{ "003A", "001A", "Asha.Rao@globex.co.uk", "+442079460001",
		  "(415) 555-0199", "2026-01-01T00:00:00.000Z" },
		{ "003B", "001A", "sales@globex.co.uk", NULL, NULL, NULL },
		{ "003C", "001A", "sales@globex.co.uk", NULL, NULL, "garbage" },
	};
	static const struct resolve_lead l = { "00QA", "lena@newco.example",
		"+33123456789", NULL, 1, "003A", NULL, NULL };
	static const struct resolve_account a[] = {
		{ "001A", "https://www.globex.co.uk/", NULL, "+442079460000",
		  NULL },
		{ "001B", "eu.globex.co.uk", "bücher.de", NULL, NULL },
	};
	static const struct resolve_mapping m = { "m1", "x@gmail.com",
		"+12125550000", "003A", NULL, NULL, 1, NULL };
	size_t i;

	ix = resolve_index_new();
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		resolve_index_add_contact(ix, &c[i]);
	resolve_index_add_lead(ix, &l);
	for (i = 0; i < sizeof(a) / sizeof(a[0]); i++)
		resolve_index_add_account(ix, &a[i]);
	resolve_index_add_mapping(ix, &m);
	resolve_index_add_internal_domain(ix, "ourco.com");
	resolve_index_finish(ix);
}

static void
check_match(int rc, const struct resolve_match *m)
{
	if (rc == 1) {
		if (m->rule == NULL || m->method[0] == '\0' ||
		    m->confidence == NULL || !(m->score > 0 && m->score <= 1) ||
		    m->candidates < 1)
			abort();
		if (!m->contact_id && !m->lead_id && !m->account_id)
			abort();
	} else if (rc != 0 || m->rule != NULL || m->method[0] != '\0') {
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char *const streams[] = { "gmail_participants",
		"sf_email_messages", "dialpad_calls", "hubspot_enrollments" };
	const char *s = (const char *)data;
	static struct resolve_ahead ahead;
	struct buf b = BUF_INIT, out = BUF_INIT, tail = BUF_INIT;
	struct resolve_match m;
	struct json_doc doc;
	struct err e = ERR_INIT;
	struct json *root;
	size_t i;

	if (ix == NULL)
		setup();
	if (resolve_website_domain(s, size, &b) == 0) {
		if (b.len == 0 || memchr(b.data, '.', b.len) == NULL)
			abort();
		for (i = 0; i < b.len; i++)
			if ((unsigned char)b.data[i] >= 0x80 ||
			    (b.data[i] >= 'A' && b.data[i] <= 'Z'))
				abort();
	}
	if (resolve_phone_key(s, size, "US", &b) == 0) {
		if (b.len < 9 || b.len > 16 || b.data[0] != '+')
			abort();
		for (i = 1; i < b.len; i++)
			if (b.data[i] < '0' || b.data[i] > '9')
				abort();
	}
	resolve_ahead(ix, &ahead, s, size);
	check_match(resolve_email(ix, s, size, &m), &m);
	check_match(resolve_phone(ix, s, size, &m), &m);
	json_doc_init(&doc);
	root = json_parse(&doc, s, size, &e);
	if (root != NULL && root->type == JSON_OBJECT) {
		struct json *copy = json_copy(&doc, root);

		i = size > 0 ? data[0] % 4 : 0;
		resolve_record(ix, &doc, streams[i], root, &m);
		json_write(&out, root);
		if (json_parse(&doc, out.data, out.len, &e) == NULL)
			abort();
		/* the same through the tail: the copy written with the tail
		 * before its closing brace gives the same bytes */
		resolve_record_text(ix, &doc, streams[i], copy, &tail, &m);
		buf_reset(&b);
		json_write(&b, copy);
		if (tail.len > 0) {
			b.len--;
			if (copy->child != NULL)
				buf_addch(&b, ',');
			buf_add(&b, tail.data, tail.len);
			buf_addch(&b, '}');
		}
		if (b.len != out.len || memcmp(b.data, out.data, b.len) != 0)
			abort();
	}
	err_release(&e);
	json_doc_release(&doc);
	buf_release(&b);
	buf_release(&out);
	buf_release(&tail);
	return 0;
}
