/*
 * value.h: a RECORD's JSON value converted to a warehouse column's type
 * (owner: warehouse).  The rules are in store.h ("Values"); load's SQLite
 * store and its BigQuery files use the same ones, so both accept and refuse
 * the same records.
 */
#ifndef SI_VALUE_H
#define SI_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "json.h"
#include "schema.h"

enum value_kind { V_NULL, V_INT, V_DBL, V_TEXT };

/* A converted value.  V_TEXT points into the JSON node or into the scratch
 * buffer given to value_convert: it lives as long as both do, unchanged. */
struct value {
	enum value_kind kind;
	int64_t i;              /* V_INT (integers, booleans 0/1) */
	double d;               /* V_DBL */
	const char *p;          /* V_TEXT, not always NUL-terminated */
	size_t n;
};

/*
 * Convert v for column c into *res, using scratch (reset first) for text
 * that is not v's own.  0, or EX_DATAERR with e saying which column and
 * why (EX_SOFTWARE when out of memory).
 */
int value_convert(struct buf *scratch, const struct schema_column *c,
	const struct json *v, struct value *res, struct err *e);

/* An integer of JSON number text (a fraction of zeros allowed); 0, -1 not
 * an integer, -2 outside int64. */
int value_parse_int(const char *p, size_t n, int64_t *out);

/* Append d in the shortest %g form that reads back as the same double;
 * null for inf and nan (JSON has neither). */
void value_write_double(struct buf *b, double d);

#endif
