/*
 * resolve_record.c: applying the resolve rules to the records of a stream.
 */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "resolve.h"

#include "banned.h"

/* A member name and its length. */
struct col {
	const char *name;
	size_t n;
	const char *member;     /* '"name":', as json_write_member starts */
	size_t member_n;
};

#define COL(s) { s, sizeof(s) - 1, "\"" s "\":", sizeof(s) + 2 }

/* Output column names of one stream. */
struct out_cols {
	struct col contact, lead, account, confidence, method, score;
	struct col internal;    /* name NULL: the table has no is_internal */
};

static const struct out_cols participant_cols = { COL("sf_contact_id"),
	COL("sf_lead_id"), COL("sf_account_id"), COL("match_confidence"),
	COL("match_method"), COL("confidence_score"), COL("is_internal") };
static const struct out_cols crm_cols = { COL("sf_contact_id"),
	COL("sf_lead_id"), COL("sf_account_id"), COL("match_confidence"),
	COL("match_method"), COL("confidence_score"), { NULL, 0, NULL, 0 } };
static const struct out_cols call_cols = { COL("matched_contact_id"),
	COL("matched_lead_id"), COL("matched_account_id"),
	COL("match_confidence"), COL("match_method"), COL("confidence_score"),
	{ NULL, 0, NULL, 0 } };

/* The score as JSON number text into out (at least 8 bytes); its length. */
static size_t
score_chars(double score, char *out)
{
	long milli = (long)(score * 1000.0 + 0.5);
	size_t n = 2;

	if (milli < 0)
		milli = 0;
	if (milli > 1000)
		milli = 1000;
	/* "1.0", "0.0", else "0." and one to three digits, no trailing 0 */
	out[0] = milli == 1000 ? '1' : '0';
	out[1] = '.';
	if (milli % 1000 == 0) {
		out[n++] = '0';
		return n;
	}
	out[n++] = (char)('0' + milli / 100);
	if (milli % 100 != 0) {
		out[n++] = (char)('0' + milli / 10 % 10);
		if (milli % 10 != 0)
			out[n++] = (char)('0' + milli % 10);
	}
	return n;
}

void
resolve_score_text(double score, struct buf *out)
{
	char t[8];
	size_t n = score_chars(score, t);

	buf_add(out, t, n);
}

static struct json *
str_or_null(struct json_doc *doc, const char *s)
{
	return s != NULL ? json_new_str(doc, s, strlen(s)) :
		json_new_null(doc);
}

#define NOUT 7

/* The output columns in their order; the last is NULL-named when the
 * table has no is_internal. */
static void
out_list(const struct out_cols *c, const struct col *cols[NOUT])
{
	cols[0] = &c->contact;
	cols[1] = &c->lead;
	cols[2] = &c->account;
	cols[3] = &c->confidence;
	cols[4] = &c->method;
	cols[5] = &c->score;
	cols[6] = &c->internal;
}

/* Does rec hold one of the output columns already? */
static int
holds_output(const struct json *rec, const struct col *const cols[NOUT],
	int n)
{
	const struct json *m;
	int i;

	for (m = rec->child; m != NULL; m = m->next)
		for (i = 0; i < n; i++)
			if (m->key_n == cols[i]->n &&
			    memcmp(m->key, cols[i]->name, m->key_n) == 0)
				return 1;
	return 0;
}

/*
 * Set the output columns of rec to the values v (in out_list's order).
 * When rec holds none of them yet (the usual case), they are appended in
 * one go after its last member: what json_object_set_n does for an absent
 * name, without looking for each name along the whole member list (the
 * names are static and plain, json.h's JSON_PLAIN_KEY).  Else each is set
 * by json_object_set_n.
 */
static void
set_members(struct json_doc *doc, struct json *rec,
	const struct col *const cols[NOUT], struct json *const v[NOUT], int n)
{
	struct json *m, *last = NULL;
	int i;

	if (holds_output(rec, cols, n)) {
		for (i = 0; i < n; i++)
			json_object_set_n(doc, rec, cols[i]->name, cols[i]->n,
				v[i]);
		return;
	}
	for (m = rec->child; m != NULL; m = m->next)
		last = m;
	for (i = 0; i < n; i++) {
		v[i]->key = cols[i]->name;
		v[i]->key_n = cols[i]->n;
		v[i]->flags |= JSON_PLAIN_KEY;
		v[i]->next = i + 1 < n ? v[i + 1] : NULL;
	}
	if (last != NULL)
		last->next = v[0];
	else
		rec->child = v[0];
	rec->count += (size_t)n;
}

/* Where the output columns go: nodes in doc, or text (mapper.h's
 * mapper_record_tail) when tail is not NULL and the record holds none of
 * them yet. */
struct target {
	struct json_doc *doc;
	struct buf *tail;
};

/* The output columns as member text, as json_write_member writes them
 * (the ids and texts are written as JSON strings, escaped where need be). */
static void
write_output(struct buf *out, const struct col *const cols[NOUT], int n,
	const struct resolve_match *m, int matched)
{
	const char *v[5] = { NULL, NULL, NULL, NULL, NULL };
	size_t vn[5] = { 0, 0, 0, 0, 0 }, need = 16;
	char score[8], *o;
	size_t sn = 4;
	int i, plain = 1;

	if (matched) {
		v[0] = m->contact_id;
		v[1] = m->lead_id;
		v[2] = m->account_id;
		v[3] = m->confidence;
		v[4] = m->method;
		sn = score_chars(m->score, score);
	}
	for (i = 0; i < n; i++)
		need += cols[i]->member_n + 1;
	for (i = 0; i < 5; i++) {
		if (v[i] == NULL) {
			need += 4;
			continue;
		}
		vn[i] = strlen(v[i]);
		need += vn[i] + 2;
		plain = plain && json_str_plain(v[i], vn[i]);
	}
	if (buf_grow(out, need + sn) < 0)
		return;
	o = out->data + out->len;
	for (i = 0; i < n; i++) {
		if (i > 0)
			*o++ = ',';
		memcpy(o, cols[i]->member, cols[i]->member_n);
		o += cols[i]->member_n;
		if (i < 5 && v[i] != NULL && !plain) {
			/* the slow way, for ids that need escapes */
			out->len = (size_t)(o - out->data);
			json_write_str(out, v[i], vn[i]);
			if (buf_grow(out, need + sn) < 0)
				return;
			o = out->data + out->len;
		} else if (i < 5 && v[i] != NULL) {
			*o++ = '"';
			memcpy(o, v[i], vn[i]);
			o += vn[i];
			*o++ = '"';
		} else if (i == 5 && matched) {
			memcpy(o, score, sn);
			o += sn;
		} else if (i == 6 && m->is_internal) {
			memcpy(o, "true", 4);
			o += 4;
		} else if (i == 6) {
			memcpy(o, "false", 5);
			o += 5;
		} else {
			memcpy(o, "null", 4);
			o += 4;
		}
	}
	*o = '\0';
	out->len = (size_t)(o - out->data);
}

static void
set_output(const struct target *tg, struct json *rec,
	const struct out_cols *c, const struct resolve_match *m, int matched)
{
	struct json_doc *doc = tg->doc;
	const struct col *cols[NOUT];
	struct json *v[NOUT];
	int i, n = c->internal.name != NULL ? NOUT : NOUT - 1;

	out_list(c, cols);
	if (tg->tail != NULL && !holds_output(rec, cols, n)) {
		write_output(tg->tail, cols, n, m, matched);
		return;
	}
	if (!matched) {
		for (i = 0; i < 6; i++)
			v[i] = json_new_null(doc);
	} else {
		char t[8];
		size_t tn = score_chars(m->score, t);

		v[0] = str_or_null(doc, m->contact_id);
		v[1] = str_or_null(doc, m->lead_id);
		v[2] = str_or_null(doc, m->account_id);
		v[3] = str_or_null(doc, m->confidence);
		v[4] = str_or_null(doc, m->method);
		v[5] = json_new_number_text(doc, t, tn);
	}
	v[6] = c->internal.name != NULL ? json_new_bool(doc, m->is_internal) :
		NULL;
	set_members(doc, rec, cols, v, n);
}

static const char *
member_str(const struct json *rec, const char *key, size_t *n)
{
	const struct json *v = json_get(rec, key);

	if (v == NULL || v->type != JSON_STRING || v->n == 0)
		return NULL;
	*n = v->n;
	return v->s;
}

/* Try each address of a list value ("a@x; b@y", "a@x, b@y" or an array);
 * 1 when one matched (m filled), 0 if none. */
static int
try_list(const struct resolve_index *ix, const struct json *v,
	struct resolve_match *m, int *seen)
{
	if (v == NULL)
		return 0;
	if (v->type == JSON_ARRAY) {
		const struct json *c;

		for (c = v->child; c != NULL; c = c->next) {
			if (c->type != JSON_STRING || c->n == 0)
				continue;
			*seen = 1;
			if (resolve_email(ix, c->s, c->n, m) && !m->is_internal)
				return 1;
		}
		return 0;
	}
	if (v->type == JSON_STRING) {
		const char *p = v->s, *end = v->s + v->n;

		while (p < end) {
			const char *q = p;
			int inq = 0, inangle = 0;

			/* split at ; or , outside quotes and angle brackets */
			while (q < end) {
				if (*q == '"')
					inq = !inq;
				else if (*q == '<')
					inangle = 1;
				else if (*q == '>')
					inangle = 0;
				else if ((*q == ';' || *q == ',') && !inq &&
					 !inangle)
					break;
				q++;
			}
			if (q > p) {
				*seen = 1;
				if (resolve_email(ix, p, (size_t)(q - p), m) &&
				    !m->is_internal)
					return 1;
			}
			p = q + 1;
		}
	}
	return 0;
}

static int
resolve_email_message(const struct resolve_index *ix, const struct target *tg,
	struct json *rec, struct resolve_match *m)
{
	static const char *const in_order[] = { "from_address", "to_address",
		"cc_address", "bcc_address" };
	static const char *const out_order[] = { "to_address", "cc_address",
		"bcc_address", "from_address" };
	const struct json *inc = json_get(rec, "incoming");
	const char *const *order = inc != NULL && inc->type == JSON_FALSE ?
		out_order : in_order;
	int i, seen = 0, matched = 0;

	for (i = 0; i < 4 && !matched; i++)
		matched = try_list(ix, json_get(rec, order[i]), m, &seen);
	if (!seen)
		return 0;
	if (!matched)
		memset(m, 0, sizeof(*m));
	set_output(tg, rec, &crm_cols, m, matched);
	return 1;
}

static int
resolve_call(const struct resolve_index *ix, const struct target *tg,
	struct json *rec, struct resolve_match *m)
{
	const char *num, *dir;
	size_t n = 0;
	int matched;

	num = member_str(rec, "external_number", &n);
	if (num == NULL && (dir = json_get_str(rec, "direction")) != NULL) {
		if (strcmp(dir, "inbound") == 0)
			num = member_str(rec, "from_number", &n);
		else if (strcmp(dir, "outbound") == 0)
			num = member_str(rec, "to_number", &n);
	}
	if (num == NULL)
		return 0;
	matched = resolve_phone(ix, num, n, m);
	set_output(tg, rec, &call_cols, m, matched);
	return 1;
}

static int
resolve_one_email(const struct resolve_index *ix, const struct target *tg,
	struct json *rec, const char *col, const struct out_cols *oc,
	struct resolve_match *m)
{
	const char *addr;
	size_t n = 0;
	int matched;

	addr = member_str(rec, col, &n);
	if (addr == NULL)
		return 0;
	matched = resolve_email(ix, addr, n, m);
	set_output(tg, rec, oc, m, matched);
	return 1;
}

int
resolve_record_text(const struct resolve_index *ix, struct json_doc *doc,
	const char *stream, struct json *record, struct buf *tail,
	struct resolve_match *m)
{
	struct resolve_match local;
	struct target tg;

	tg.doc = doc;
	tg.tail = tail;
	if (m == NULL)
		m = &local;
	memset(m, 0, sizeof(*m));
	if (record == NULL || record->type != JSON_OBJECT)
		return -1;
	if (strcmp(stream, "gmail_participants") == 0)
		return resolve_one_email(ix, &tg, record, "email_address",
			&participant_cols, m);
	if (strcmp(stream, "hubspot_enrollments") == 0)
		return resolve_one_email(ix, &tg, record, "contact_email",
			&crm_cols, m);
	if (strcmp(stream, "dialpad_calls") == 0)
		return resolve_call(ix, &tg, record, m);
	if (strcmp(stream, "sf_email_messages") == 0)
		return resolve_email_message(ix, &tg, record, m);
	return -1;
}

int
resolve_record(const struct resolve_index *ix, struct json_doc *doc,
	const char *stream, struct json *record, struct resolve_match *m)
{
	return resolve_record_text(ix, doc, stream, record, NULL, m);
}

int
resolve_plain(const struct resolve_index *ix, struct json_doc *doc,
	struct json *obj, const struct json *field, struct resolve_match *m)
{
	struct resolve_match local;
	struct target tg = { doc, NULL };
	int matched;

	if (m == NULL)
		m = &local;
	memset(m, 0, sizeof(*m));
	if (obj == NULL || obj->type != JSON_OBJECT || field == NULL ||
	    field->type != JSON_STRING || field->n == 0)
		return 0;
	if (memchr(field->s, '@', field->n) != NULL)
		matched = resolve_email(ix, field->s, field->n, m);
	else
		matched = resolve_phone(ix, field->s, field->n, m);
	set_output(&tg, obj, &participant_cols, m, matched);
	return 1;
}
