/*
 * phone_value.c: the policy of normalize-phone(1) for one JSON value.
 */
#include <string.h>

#include "phone_value.h"
#include "banned.h"

const char *
phone_value_reason(enum phone_status status)
{
	switch (status) {
	case PHONE_OK: return "valid";
	case PHONE_INVALID: return "invalid for its region";
	case PHONE_NOT_A_NUMBER: return "not a phone number";
	case PHONE_INVALID_COUNTRY_CODE: return "unknown country calling code";
	case PHONE_TOO_SHORT_AFTER_IDD: return "too short after the international prefix";
	case PHONE_TOO_SHORT: return "too short";
	case PHONE_TOO_LONG: return "too long";
	}
	return "not a phone number";
}

static void
set_null(struct json *v)
{
	v->type = JSON_NULL;
	v->s = "";
	v->n = 0;
	v->flags &= JSON_PLAIN_KEY;
	v->src = 0;
}

static int
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

/* why += "REASON: \"VALUE\"", the value cut at 60 bytes (on a UTF-8
 * boundary) and escaped as JSON. */
static void
explain(struct buf *why, enum phone_status st, const char *s, size_t n)
{
	size_t cut = n;

	if (!why)
		return;
	if (cut > 60) {
		cut = 60;
		while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
	}
	buf_addstr(why, phone_value_reason(st));
	buf_addstr(why, ": ");
	json_write_str(why, s, cut);
	if (cut < n)
		buf_addstr(why, "...");
}

static enum phone_value_outcome
scalar(struct json_doc *doc, struct json *v, const struct phone_value_opts *o,
	struct phone_value_counts *counts, enum phone_status *status,
	struct buf *why)
{
	struct buf out = BUF_INIT;
	struct phone_info info;
	enum phone_status st;
	const char *region = o->region;

	if (v->type == JSON_NULL)
		return PHONE_VALUE_SAME;
	if (v->type != JSON_STRING && v->type != JSON_NUMBER)
		return PHONE_VALUE_BAD_TYPE;
	if (v->type == JSON_STRING && blank(v->s, v->n)) {
		if (o->keep_invalid)
			return PHONE_VALUE_SAME;
		set_null(v);
		counts->empty++;
		return PHONE_VALUE_EMPTY;
	}
	if (region && strcmp(region, "ZZ") == 0)
		region = NULL;
	st = phone_normalize_n(v->s, v->n, region, &out, &info);
	*status = st;
	if (st != PHONE_OK) {
		counts->rejected++;
		explain(why, st, v->s, v->n);
		if (!o->keep_invalid)
			set_null(v);
		buf_release(&out);
		return PHONE_VALUE_REJECTED;
	}
	if (info.extension[0])
		counts->extensions++;
	counts->set++;
	if (v->type == JSON_STRING && v->n == out.len &&
		memcmp(v->s, out.data, out.len) == 0) {
		buf_release(&out);
		return PHONE_VALUE_SAME;
	}
	json_set_str(doc, v, out.data, out.len);
	buf_release(&out);
	return PHONE_VALUE_SET;
}

enum phone_value_outcome
phone_value_normalize(struct json_doc *doc, struct json *v,
	const struct phone_value_opts *o, struct phone_value_counts *counts,
	enum phone_status *status, struct buf *why)
{
	struct json *k;
	int rejected = 0;

	*status = PHONE_OK;
	if (v->type != JSON_ARRAY)
		return scalar(doc, v, o, counts, status, why);
	for (k = v->child; k; k = k->next) {
		enum phone_status st = PHONE_OK;

		if (k->type == JSON_ARRAY || k->type == JSON_OBJECT ||
			k->type == JSON_TRUE || k->type == JSON_FALSE)
			continue;
		if (scalar(doc, k, o, counts, &st, rejected ? NULL : why) ==
			PHONE_VALUE_REJECTED && !rejected) {
			rejected = 1;
			*status = st;
		}
	}
	return rejected ? PHONE_VALUE_REJECTED : PHONE_VALUE_ARRAY;
}
