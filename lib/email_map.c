/*
 * email_map.c: normalize-email's policy for one JSON value (email_map.h).
 */
#include "email_map.h"

#include <string.h>

#include "banned.h"

void
email_map_init(struct email_map *m, email_map_warn_fn warn, void *arg)
{
	memset(m, 0, sizeof(*m));
	email_list_init(&m->list);
	m->warn = warn;
	m->warn_arg = arg;
}

void
email_map_release(struct email_map *m)
{
	buf_release(&m->out);
	email_list_release(&m->list);
}

static void
refuse(struct email_map *m, const char *s, size_t n, const char *why,
	const char *outcome)
{
	m->refused++;
	if (m->warn)
		m->warn(m->warn_arg, s, n, why, outcome);
}

/* Make node v (a string or null in place) the string s[0..n) or null. */
static void
set_in_place(struct json_doc *doc, struct json *v, const char *s, size_t n)
{
	struct json *nv = s ? json_new_str(doc, s, n) : json_new_null(doc);

	v->type = nv->type;
	v->s = nv->s;
	v->n = nv->n;
}

/*
 * One address in string node v: returns SAME or CHANGED; s and n the new
 * value (s NULL for null) when CHANGED:
 */
static enum email_map_result
one(struct email_map *m, const struct json *v, unsigned flags,
	const char **s, size_t *n)
{
	const char *why = NULL;
	int rc;

	buf_reset(&m->out);
	rc = email_normalize(&m->out, v->s, v->n, &why);
	if (rc == EMAIL_OK) {
		if (m->out.len == v->n && memcmp(m->out.data, v->s, v->n) == 0)
			return EMAIL_MAP_SAME;
		*s = m->out.data;
		*n = m->out.len;
		return EMAIL_MAP_CHANGED;
	}
	if (flags & EMAIL_MAP_KEEP_INVALID) {
		refuse(m, v->s, v->n, why, "kept as sent (required column)");
		return EMAIL_MAP_SAME;
	}
	if (rc != EMAIL_NONE)
		refuse(m, v->s, v->n, why, "set to null");
	*s = NULL;
	*n = 0;
	return EMAIL_MAP_CHANGED;
}

static enum email_map_result
map_one(struct email_map *m, struct json_doc *doc, struct json **slot,
	unsigned flags)
{
	struct json *v = *slot, *el;
	enum email_map_result res = EMAIL_MAP_SAME;
	const char *s;
	size_t n;

	switch (v->type) {
	case JSON_NULL:
		return EMAIL_MAP_SAME;
	case JSON_STRING:
		if (one(m, v, flags, &s, &n) == EMAIL_MAP_SAME)
			return EMAIL_MAP_SAME;
		*slot = s ? json_new_str(doc, s, n) : json_new_null(doc);
		return EMAIL_MAP_CHANGED;
	case JSON_ARRAY:
		if (!(flags & EMAIL_MAP_ARRAY_OK))
			return EMAIL_MAP_WRONG_TYPE;
		for (el = v->child; el; el = el->next)
			if (el->type != JSON_STRING && el->type != JSON_NULL)
				return EMAIL_MAP_WRONG_TYPE;
		for (el = v->child; el; el = el->next) {
			if (el->type == JSON_NULL ||
			    one(m, el, flags & ~EMAIL_MAP_KEEP_INVALID, &s, &n) ==
			    EMAIL_MAP_SAME)
				continue;
			set_in_place(doc, el, s, n);
			res = EMAIL_MAP_CHANGED;
		}
		return res;
	default:
		return EMAIL_MAP_WRONG_TYPE;
	}
}

/* Parse s[0..n) as a list and add its valid addresses to the collection
 * m->out ("addr\0addr\0..."), each once. */
static void
collect(struct email_map *m, const char *s, size_t n)
{
	size_t i;

	email_list_parse(&m->list, s, n, 0);
	for (i = 0; i < m->list.n; i++) {
		const struct email_item *it = &m->list.v[i];
		const char *a = email_list_addr(&m->list, i), *p, *end;
		int dup = 0;

		if (it->error) {
			refuse(m, m->list.text.data + it->src, it->src_len,
				it->error, "dropped from the list");
			continue;
		}
		/* lists are short: a linear scan for repeats is fine */
		p = m->out.data;
		end = p ? p + m->out.len : p;
		for (; p && p < end; p += strlen(p) + 1) {
			if (strcmp(p, a) == 0) {
				dup = 1;
				break;
			}
		}
		if (!dup)
			buf_add(&m->out, a, it->addr_len + 1);
	}
}

static enum email_map_result
map_list(struct email_map *m, struct json_doc *doc, struct json **slot)
{
	struct json *v = *slot, *el, *arr;
	const char *p, *end;
	int same;

	buf_reset(&m->out);
	switch (v->type) {
	case JSON_NULL:
		return EMAIL_MAP_SAME;
	case JSON_STRING:
		collect(m, v->s, v->n);
		if (m->out.len == 0) {
			*slot = json_new_null(doc);
			return EMAIL_MAP_CHANGED;
		}
		/* "a\0b\0" -> "a; b" */
		{
			struct buf joined = BUF_INIT;

			for (p = m->out.data, end = p + m->out.len; p < end;
			    p += strlen(p) + 1) {
				if (joined.len)
					buf_addstr(&joined, "; ");
				buf_addstr(&joined, p);
			}
			same = joined.len == v->n &&
				memcmp(joined.data, v->s, v->n) == 0;
			if (!same)
				*slot = json_new_str(doc, joined.data, joined.len);
			buf_release(&joined);
		}
		return same ? EMAIL_MAP_SAME : EMAIL_MAP_CHANGED;
	case JSON_ARRAY:
		for (el = v->child; el; el = el->next)
			if (el->type != JSON_STRING && el->type != JSON_NULL)
				return EMAIL_MAP_WRONG_TYPE;
		for (el = v->child; el; el = el->next)
			if (el->type == JSON_STRING)
				collect(m, el->s, el->n);
		/* unchanged when the elements are exactly the result */
		same = 1;
		el = v->child;
		for (p = m->out.data, end = p ? p + m->out.len : p; p && p < end;
		    p += strlen(p) + 1, el = el->next) {
			if (!el || el->type != JSON_STRING || strlen(p) != el->n ||
			    memcmp(p, el->s, el->n) != 0) {
				same = 0;
				break;
			}
		}
		if (same && el == NULL)
			return EMAIL_MAP_SAME;
		arr = json_new_array(doc);
		for (p = m->out.data, end = p ? p + m->out.len : p; p && p < end;
		    p += strlen(p) + 1)
			json_array_append(arr, json_new_str(doc, p, strlen(p)));
		*slot = arr;
		return EMAIL_MAP_CHANGED;
	default:
		return EMAIL_MAP_WRONG_TYPE;
	}
}

enum email_map_result
email_map_value(struct email_map *m, struct json_doc *doc, struct json **slot,
	enum email_map_kind kind, unsigned flags)
{
	return kind == EMAIL_MAP_LIST ? map_list(m, doc, slot) :
		map_one(m, doc, slot, flags);
}
