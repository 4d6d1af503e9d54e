#include "singer.h"

#include <inttypes.h>
#include <string.h>

#include "ts.h"
#include "banned.h"

const char *
singer_type_name(enum singer_type t)
{
	switch (t) {
	case SINGER_SCHEMA: return "SCHEMA";
	case SINGER_RECORD: return "RECORD";
	case SINGER_STATE: return "STATE";
	case SINGER_ACTIVATE_VERSION: return "ACTIVATE_VERSION";
	case SINGER_PLAIN: break;
	}
	return "plain";
}

/* The members a Singer message may have, the first of each name (as
 * json_get finds them), found in one pass over the object. */
struct members {
	struct json *type, *stream, *record, *time_extracted, *schema,
	    *key_properties, *value, *version;
};

#define IS(m, lit) ((m)->key_n == sizeof(lit) - 1 && \
	memcmp((m)->key, lit, sizeof(lit) - 1) == 0)

static void
members_of(const struct json *root, struct members *w)
{
	struct json *m;

	memset(w, 0, sizeof(*w));
	for (m = root->child; m; m = m->next) {
		struct json **slot = NULL;

		if (m->key == NULL)
			continue;
		switch (m->key[0]) {
		case 't':
			if (IS(m, "type"))
				slot = &w->type;
			else if (IS(m, "time_extracted"))
				slot = &w->time_extracted;
			break;
		case 's':
			if (IS(m, "stream"))
				slot = &w->stream;
			else if (IS(m, "schema"))
				slot = &w->schema;
			break;
		case 'r':
			if (IS(m, "record"))
				slot = &w->record;
			break;
		case 'k':
			if (IS(m, "key_properties"))
				slot = &w->key_properties;
			break;
		case 'v':
			if (IS(m, "value"))
				slot = &w->value;
			else if (IS(m, "version"))
				slot = &w->version;
			break;
		}
		if (slot && *slot == NULL)
			*slot = m;
	}
}

static int
need_stream(struct singer_msg *m, const struct members *w, struct err *e)
{
	struct json *s = w->stream;

	if (s == NULL)
		return err_set(e, EX_DATAERR, "%s message without \"stream\"",
		    singer_type_name(m->type));
	if (s->type != JSON_STRING || s->n == 0)
		return err_set(e, EX_DATAERR, "%s message: \"stream\" is not a "
		    "non-empty string", singer_type_name(m->type));
	m->stream = s->s;
	m->stream_n = s->n;
	return 0;
}

int
singer_classify(struct json *root, struct singer_msg *m, struct err *e)
{
	struct json *type, *k;
	struct members w;
	const char *t;

	memset(m, 0, sizeof(*m));
	m->root = root;
	m->type = SINGER_PLAIN;
	if (root == NULL || root->type != JSON_OBJECT)
		return err_set(e, EX_DATAERR, "not a JSON object");
	members_of(root, &w);
	type = w.type;
	if (type == NULL || type->type != JSON_STRING)
		return 0;
	t = type->s;
	if (strcmp(t, "RECORD") == 0) {
		m->type = SINGER_RECORD;
		if (need_stream(m, &w, e))
			return e->code;
		m->record = w.record;
		if (m->record == NULL || m->record->type != JSON_OBJECT)
			return err_set(e, EX_DATAERR, "RECORD message: "
			    "\"record\" is missing or not an object");
		m->time_extracted = w.time_extracted;
	} else if (strcmp(t, "SCHEMA") == 0) {
		m->type = SINGER_SCHEMA;
		if (need_stream(m, &w, e))
			return e->code;
		m->schema = w.schema;
		if (m->schema == NULL || m->schema->type != JSON_OBJECT)
			return err_set(e, EX_DATAERR, "SCHEMA message: "
			    "\"schema\" is missing or not an object");
		m->key_properties = w.key_properties;
		if (m->key_properties) {
			if (m->key_properties->type != JSON_ARRAY)
				return err_set(e, EX_DATAERR, "SCHEMA message: "
				    "\"key_properties\" is not an array");
			for (k = m->key_properties->child; k; k = k->next)
				if (k->type != JSON_STRING)
					return err_set(e, EX_DATAERR,
					    "SCHEMA message: \"key_properties\" "
					    "holds a non-string");
		}
	} else if (strcmp(t, "STATE") == 0) {
		m->type = SINGER_STATE;
		m->value = w.value;
		if (m->value == NULL)
			return err_set(e, EX_DATAERR,
			    "STATE message without \"value\"");
	} else if (strcmp(t, "ACTIVATE_VERSION") == 0) {
		m->type = SINGER_ACTIVATE_VERSION;
		if (need_stream(m, &w, e))
			return e->code;
		m->version = w.version;
		if (m->version == NULL || m->version->type != JSON_NUMBER)
			return err_set(e, EX_DATAERR, "ACTIVATE_VERSION message: "
			    "\"version\" is missing or not a number");
	}
	return 0;
}

/* ---- writers ---- */

void
singer_write_schema(struct buf *out, const struct schema_table *t,
    const char *const *bookmark, size_t nbookmark)
{
	size_t i;

	buf_addstr(out, "{\"type\":\"SCHEMA\",\"stream\":");
	json_write_str(out, t->name, strlen(t->name));
	buf_addstr(out, ",\"schema\":");
	schema_json_schema(out, t);
	buf_addstr(out, ",\"key_properties\":[");
	for (i = 0; i < t->npk; i++) {
		if (i)
			buf_addch(out, ',');
		json_write_str(out, t->pk[i], strlen(t->pk[i]));
	}
	buf_addch(out, ']');
	if (nbookmark) {
		buf_addstr(out, ",\"bookmark_properties\":[");
		for (i = 0; i < nbookmark; i++) {
			if (i)
				buf_addch(out, ',');
			json_write_str(out, bookmark[i], strlen(bookmark[i]));
		}
		buf_addch(out, ']');
	}
	buf_addch(out, '}');
}

void
singer_write_state_raw(struct buf *out, const char *json, size_t n)
{
	buf_addstr(out, "{\"type\":\"STATE\",\"value\":");
	buf_add(out, json, n);
	buf_addch(out, '}');
}

void
singer_write_state(struct buf *out, const struct json *value)
{
	buf_addstr(out, "{\"type\":\"STATE\",\"value\":");
	json_write(out, value);
	buf_addch(out, '}');
}

void
singer_write_activate_version(struct buf *out, const char *stream,
    int64_t version)
{
	buf_addstr(out, "{\"type\":\"ACTIVATE_VERSION\",\"stream\":");
	json_write_str(out, stream, strlen(stream));
	buf_printf(out, ",\"version\":%" PRId64 "}", version);
}

void
singer_rec_begin(struct singer_rec *r, struct buf *out, const char *stream)
{
	r->out = out;
	r->nfields = 0;
	buf_addstr(out, "{\"type\":\"RECORD\",\"stream\":");
	json_write_str(out, stream, strlen(stream));
	buf_addstr(out, ",\"record\":{");
}

static void
field(struct singer_rec *r, const char *col)
{
	if (r->nfields++)
		buf_addch(r->out, ',');
	json_write_str(r->out, col, strlen(col));
	buf_addch(r->out, ':');
}

void
singer_rec_str(struct singer_rec *r, const char *col, const char *s, size_t n)
{
	field(r, col);
	if (s)
		json_write_str(r->out, s, n);
	else
		buf_add(r->out, "null", 4);
}

void
singer_rec_cstr(struct singer_rec *r, const char *col, const char *s)
{
	singer_rec_str(r, col, s, s ? strlen(s) : 0);
}

void
singer_rec_number(struct singer_rec *r, const char *col, const char *s,
    size_t n)
{
	field(r, col);
	if (s && json_number_valid(s, n))
		buf_add(r->out, s, n);
	else
		buf_add(r->out, "null", 4);
}

void
singer_rec_int(struct singer_rec *r, const char *col, int64_t v)
{
	field(r, col);
	buf_printf(r->out, "%" PRId64, v);
}

void
singer_rec_bool(struct singer_rec *r, const char *col, int v)
{
	field(r, col);
	buf_addstr(r->out, v ? "true" : "false");
}

void
singer_rec_null(struct singer_rec *r, const char *col)
{
	field(r, col);
	buf_add(r->out, "null", 4);
}

void
singer_rec_ts(struct singer_rec *r, const char *col, int64_t ms)
{
	field(r, col);
	buf_addch(r->out, '"');
	ts_format(r->out, ms);
	buf_addch(r->out, '"');
}

void
singer_rec_json(struct singer_rec *r, const char *col, const struct json *v)
{
	field(r, col);
	if (v)
		json_write(r->out, v);
	else
		buf_add(r->out, "null", 4);
}

void
singer_rec_end(struct singer_rec *r, int64_t time_extracted_ms)
{
	buf_addch(r->out, '}');
	if (time_extracted_ms >= 0) {
		buf_addstr(r->out, ",\"time_extracted\":\"");
		ts_format(r->out, time_extracted_ms);
		buf_addch(r->out, '"');
	}
	buf_addch(r->out, '}');
}
