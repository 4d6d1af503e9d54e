/*
 * mapper.h: the shared driver of the mappers: normalize-email,
 * normalize-phone, resolve (owner: core).  It runs stream_run (stream.h)
 * and decides which values of each line the tool's callbacks see:
 *
 *   RECORD of a stream in the schema (schema.h):
 *       every column of the record whose schema flags meet opts.col_flags
 *       (e.g. COL_EMAIL | COL_EMAIL_LIST), in the record's member order,
 *       then every -f field found in the record; then the record callback.
 *   plain JSON object (no Singer "type"):
 *       every -f field found, in the order the -f options were given; then
 *       the record callback (table NULL).  Without -f, nothing.
 *   anything else (SCHEMA, STATE, ACTIVATE_VERSION, a RECORD of a stream
 *   the schema does not know):
 *       passed through untouched.
 *
 * A -f FIELD is a dotted path through objects: "a.b" is member b of member
 * a (member names holding a dot cannot be reached).  A path that does not
 * lead to a value is skipped quietly.
 *
 * A line none of whose values changed is written byte for byte as it came
 * in; a changed line is re-serialised compactly with its member order kept
 * (json.h).  So everything a mapper does not touch passes through
 * identical and in order.
 *
 * Values: the value callback gets v->slot pointing at the value's node
 * (never NULL; JSON null is a node of type JSON_NULL).  To replace the
 * value, store a new node (built in v->doc, e.g. json_new_str or
 * json_new_null) in *v->slot; the mapper puts it in the old one's place,
 * with its member name.  A callback that changes the node in place (e.g.
 * elements of an array) returns MAPPER_CHANGED.  With opts.each_element, a
 * value that is an array is not seen itself: each element is, one at a time
 * (not recursively).
 *
 * Verdicts (value and record callbacks): MAPPER_KEEP (nothing, or *slot
 * replaced), MAPPER_CHANGED, MAPPER_BAD (the whole line is bad: append the
 * reason to v->why; it is reported as "tool: FILE:LINE: reason", the line is
 * not written, the exit status will be 65), MAPPER_FATAL (stop: err_set
 * v->e).  Warnings about a value (e.g. "not an address, set to null") are
 * the tool's to print, with v->line->file and v->line->lineno.
 */
/*
 * Output of a changed line: when the line is compact and has no escapes
 * (json_doc.canonical), only the changed values are written anew and the
 * rest of the line is copied (stream.h, splicing), which gives the same
 * bytes.  For that the mapper relies on three rules: a value callback that
 * changes anything other than by storing a new node in *v->slot returns
 * MAPPER_CHANGED; a record callback that returns MAPPER_KEEP changed
 * nothing (it only looked); one that returns MAPPER_CHANGED changed
 * only the record object's own members (replaced, added or removed, e.g.
 * with json_object_set and json_object_remove; the insides of a member it
 * kept are not edited in place, nothing outside the record is touched).
 * A record callback that must do more calls stream_note_opaque(rec->line)
 * (the whole line is then re-serialised).
 */
#ifndef SI_MAPPER_H
#define SI_MAPPER_H

#include <stddef.h>

#include "json.h"
#include "schema.h"
#include "stream.h"

enum mapper_verdict {
	MAPPER_KEEP,
	MAPPER_CHANGED,
	MAPPER_BAD,
	MAPPER_FATAL
};

struct mapper_value {
	struct json_doc *doc;           /* build replacements here */
	struct json **slot;             /* the value; replace *slot to change it */
	const char *field;              /* column name, or the -f path */
	unsigned flags;                 /* the column's schema flags; 0 for -f */
	const struct schema_table *table;       /* NULL for a plain object */
	const struct schema_column *col;        /* NULL for a -f field */
	struct json *parent;            /* the object (or array) holding it */
	struct json *obj;               /* the record, or the plain object */
	const struct stream_line *line; /* file and lineno for messages */
	struct buf *why;                /* MAPPER_BAD: the reason */
	struct err *e;                  /* MAPPER_FATAL: the error */
};

struct mapper_state;

struct mapper_record {
	struct json_doc *doc;
	struct json *obj;               /* the record object, or the plain object */
	const struct schema_table *table;       /* NULL for a plain object */
	const char *stream;             /* NULL for a plain object */
	/* The -f fields: fields[i] is the value at path i (NULL when absent). */
	struct json *const *fields;
	const char *const *field_names;
	size_t nfields;
	int changed;                    /* a value callback changed something */
	const struct stream_line *line;
	struct buf *why;
	struct err *e;
	struct mapper_state *ms;        /* the mapper's own */
};

typedef enum mapper_verdict (*mapper_value_fn)(void *ctx,
    struct mapper_value *v);
typedef enum mapper_verdict (*mapper_record_fn)(void *ctx,
    struct mapper_record *r);

struct mapper_opts {
	/* files, strict, max_line, stats; its on_end and on_bad hooks are
	 * called with ctx below as their first argument */
	struct stream_opts stream;
	const char *const *fields;      /* -f paths, as given */
	size_t nfields;
	unsigned col_flags;             /* act on columns with any of these flags */
	int each_element;               /* arrays: one value callback per element */
	mapper_value_fn value_fn;       /* may be NULL */
	mapper_record_fn record_fn;     /* may be NULL */
	void *ctx;                      /* for the callbacks (and stream hooks) */
};

/*
 * Adding members as text, for a record callback that only appends new
 * members at the end of the record (a fast path: no nodes are built).
 * mapper_record_tail returns a buffer for the members' text, or NULL when
 * the line cannot be written that way (it is not compact and escape-free,
 * or a value callback changed it): then change the tree as usual.  The
 * callback writes the members exactly as json_write_member would
 * ('"name":value'), separated by commas, without a leading one, leaves
 * the tree untouched and returns MAPPER_CHANGED; the line is written with
 * that text before the record's closing brace.  Asking for the buffer and
 * writing nothing to it commits to nothing.  The names must not be in the
 * record already (the callback checks).
 */
struct buf *mapper_record_tail(struct mapper_record *rec);

/* Run; returns the exit code (see stream_run). */
int mapper_run(const struct mapper_opts *o);

/*
 * The value at dotted path in obj (NULL when a step is missing or not an
 * object).  The path is walked without allocating.
 */
struct json *mapper_path_get(const struct json *obj, const char *path);

#endif
