/*
 * singer.h: Singer messages, read and written (owner: core).
 *
 * Reading: singer_classify() looks at a parsed line (see json.h) and says
 * which message it is.  The wire format is DESIGN.md section 2.  A line whose
 * "type" is not one of the Singer types below (absent, not a string, or
 * another word such as "call") is a plain JSON object, SINGER_PLAIN: the
 * mappers' -f fields act on those.
 *
 * Writing: every writer appends one message to a struct buf, compact, with
 * no trailing newline (ndjson_writer_line / _end adds it).  Strings are
 * escaped by json_write_str; numbers given as text are checked and written
 * exactly.
 */
#ifndef SI_SINGER_H
#define SI_SINGER_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "json.h"
#include "schema.h"

enum singer_type {
	SINGER_PLAIN,           /* no Singer "type": a plain object */
	SINGER_SCHEMA,
	SINGER_RECORD,
	SINGER_STATE,
	SINGER_ACTIVATE_VERSION
};

/* A classified message.  Every pointer points into the parsed tree (owned by
 * its json_doc) and lives as long as it does. */
struct singer_msg {
	enum singer_type type;
	struct json *root;              /* the whole object */
	const char *stream;             /* SCHEMA, RECORD, ACTIVATE_VERSION */
	size_t stream_n;
	struct json *record;            /* RECORD: the "record" object */
	struct json *schema;            /* SCHEMA: the "schema" object */
	struct json *key_properties;    /* SCHEMA: array, or NULL if absent */
	struct json *value;             /* STATE: the "value" */
	struct json *version;           /* ACTIVATE_VERSION: number */
	struct json *time_extracted;    /* RECORD: string, or NULL if absent */
};

/*
 * Classify root.  0 on success; EX_DATAERR with e filled when root is not
 * an object, or a Singer message lacks what it needs: RECORD needs "stream"
 * (a non-empty string) and "record" (an object); SCHEMA needs "stream" and
 * "schema" (an object), and "key_properties" must be an array of strings
 * when present; STATE needs "value"; ACTIVATE_VERSION needs "stream" and
 * "version" (a number).
 */
int singer_classify(struct json *root, struct singer_msg *m, struct err *e);
/* "RECORD", "SCHEMA", ... ; "plain" for SINGER_PLAIN. */
const char *singer_type_name(enum singer_type t);

/*
 * {"type":"SCHEMA","stream":T,"schema":<schema_json_schema(T)>,
 *  "key_properties":[<pk>],"bookmark_properties":[...]}; the last member
 * only when nbookmark > 0.
 */
void singer_write_schema(struct buf *out, const struct schema_table *t,
    const char *const *bookmark, size_t nbookmark);
/* {"type":"STATE","value":<value>} */
void singer_write_state(struct buf *out, const struct json *value);
/* Same, with the value already serialized as JSON text (not checked). */
void singer_write_state_raw(struct buf *out, const char *json, size_t n);
/* {"type":"ACTIVATE_VERSION","stream":S,"version":V} */
void singer_write_activate_version(struct buf *out, const char *stream,
    int64_t version);

/*
 * A RECORD, field by field, without building a tree:
 *	struct singer_rec r;
 *	singer_rec_begin(&r, out, "sf_contacts");
 *	singer_rec_str(&r, "contact_id", id, id_len);
 *	singer_rec_number(&r, "amount", "12.50", 5);
 *	singer_rec_end(&r, ts_now_ms());
 * gives {"type":"RECORD","stream":"sf_contacts","record":{"contact_id":..,
 * "amount":12.50},"time_extracted":"2026-..Z"}.  Column names are written as
 * given (the caller takes them from the schema).
 */
struct singer_rec {
	struct buf *out;
	size_t nfields;
};

void singer_rec_begin(struct singer_rec *r, struct buf *out,
    const char *stream);
/* s == NULL writes null. */
void singer_rec_str(struct singer_rec *r, const char *col, const char *s,
    size_t n);
void singer_rec_cstr(struct singer_rec *r, const char *col, const char *s);
/* Exact number text; written as null when it is not a valid JSON number. */
void singer_rec_number(struct singer_rec *r, const char *col, const char *s,
    size_t n);
void singer_rec_int(struct singer_rec *r, const char *col, int64_t v);
void singer_rec_bool(struct singer_rec *r, const char *col, int v);
void singer_rec_null(struct singer_rec *r, const char *col);
/* A timestamp, formatted "YYYY-MM-DDTHH:MM:SS.sssZ". */
void singer_rec_ts(struct singer_rec *r, const char *col, int64_t ms);
/* Any JSON value (v == NULL writes null). */
void singer_rec_json(struct singer_rec *r, const char *col,
    const struct json *v);
/* Closes the record; time_extracted is written when ms >= 0. */
void singer_rec_end(struct singer_rec *r, int64_t time_extracted_ms);

#endif
