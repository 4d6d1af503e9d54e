/*
 * sf.h: internals of the fake Salesforce org (salesforce.c, sf_data.c,
 * sf_soql.c).  Not part of the module interface.
 */
#ifndef FAKE_SF_H
#define FAKE_SF_H

#include "fake.h"

enum sf_ftype {
	SF_ID, SF_STRING, SF_TEXTAREA, SF_PICKLIST, SF_EMAIL, SF_PHONE, SF_URL,
	SF_BOOLEAN, SF_INT, SF_DOUBLE, SF_CURRENCY, SF_PERCENT, SF_DATE,
	SF_DATETIME, SF_REFERENCE, SF_ADDRESS
};

enum {
	SFF_NILLABLE = 1, SFF_CREATE = 2, SFF_UPDATE = 4, SFF_CALC = 8,
	SFF_CUSTOM = 16, SFF_COMPOUND = 32 /* a component of a compound */
};

struct sf_field {
	const char *name;
	enum sf_ftype type;
	int length;
	unsigned flags;
	const char *ref;        /* referenceTo, "Contact|Lead" for polymorphic */
	const char *rel;        /* relationshipName */
	const char *compound;   /* compoundFieldName */
	const char *picklist;   /* "A|B|C" values */
};

struct sf_rec {
	cJSON *v;               /* every field's value, JSON-typed */
	int64_t modstamp;       /* SystemModstamp, ms */
	int deleted;            /* IsDeleted (in the recycle bin) */
	int purged;             /* hard-deleted: gone from every answer */
	int64_t deleted_at;
};

struct sf_obj {
	const char *name;
	const char *prefix;     /* key prefix, "003" */
	const char *label;
	const struct sf_field *fields;
	size_t nfields;
	int archivable;         /* Task/Event: IsArchived rows hidden by query */
	struct sf_rec *recs;    /* sorted by Id (ids grow) */
	size_t n, cap;
	uint64_t next_id;
};

/* The org. */
extern struct sf_obj sf_objects[];
extern const size_t sf_nobjects;
struct sf_obj *sf_obj_find(const char *name);   /* case-insensitive */
const struct sf_field *sf_field_find(const struct sf_obj *o,
    const char *name);                          /* case-insensitive */
struct sf_rec *sf_rec_find(const char *id, struct sf_obj **obj);
/* Make a new record with a fresh Id, all fields null, stamps at ms. */
struct sf_rec *sf_rec_new(struct sf_obj *o, int64_t ms);
/* Set the stamps after a change at ms (LastModifiedDate if user). */
void sf_rec_touch(struct sf_rec *r, int64_t ms, int user);
void sf_fmt_dt(struct buf *b, int64_t ms);      /* ...000+0000 */
void sf_fmt_date(struct buf *b, int64_t ms);
/* Field hidden from the running user (FLS): for describe, for queries. */
int sf_field_hidden(const struct sf_obj *o, const struct sf_field *f,
    int for_query);

/* Generate the org from the directory (sf_data.c). */
void sf_data_generate(void);
void sf_data_release(void);

/* ---- SOQL (sf_soql.c) ---- */

struct sf_query;
/* Parse; NULL with *code ("MALFORMED_QUERY", "INVALID_FIELD", ...) and
 * *msg (malloc'd) on error.  for_bulk refuses compound fields. */
struct sf_query *sf_query_parse(const char *soql, int for_bulk,
    const char **code, char **msg);
void sf_query_free(struct sf_query *q);
const struct sf_obj *sf_query_obj(const struct sf_query *q);
int sf_query_is_count(const struct sf_query *q);
/* The span of SystemModstamp the WHERE allows: [lo, hi) in ms (lo 0 and
 * hi INT64_MAX when open). */
void sf_query_modstamp_span(const struct sf_query *q, int64_t *lo,
    int64_t *hi);
/* Run: the matching records in order (array of pointers, malloc'd). */
struct sf_rec **sf_query_run(struct sf_query *q, int all_rows, size_t *n);
/* Render one record as REST JSON (attributes + selected fields). */
cJSON *sf_query_render(const struct sf_query *q, const struct sf_rec *r,
    const char *version);
/* CSV: header line, one row. */
void sf_query_csv_header(const struct sf_query *q, struct buf *b, char delim,
    const char *eol);
void sf_query_csv_row(const struct sf_query *q, const struct sf_rec *r,
    struct buf *b, char delim, const char *eol);
/* Whether the query selects a long text field (shorter pages). */
int sf_query_wide(const struct sf_query *q);

#endif
