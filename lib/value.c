/*
 * value.c: a RECORD's JSON values to the warehouse column types (see
 * value.h), shared by the SQLite store and the BigQuery files.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ts.h"
#include "value.h"
#include "banned.h"


int
value_parse_int(const char *p, size_t n, int64_t *out)
{
	uint64_t v = 0, lim;
	size_t i = 0;
	int neg = 0;

	if (n && p[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == n)
		return -1;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		unsigned d = (unsigned)(p[i] - '0');

		if (v > (lim - d) / 10)
			return -2;      /* out of range */
		v = v * 10 + d;
	}
	if (i < n) {
		/* "5.0", "5.000": a fraction of zeros only. */
		if (p[i] != '.' || i + 1 == n)
			return -1;
		for (i++; i < n; i++)
			if (p[i] != '0')
				return -1;
	}
	if (neg)
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*out = (int64_t)v;
	return 0;
}

static const char *
kind_name(enum json_type t)
{
	switch (t) {
	case JSON_NULL: return "null";
	case JSON_FALSE:
	case JSON_TRUE: return "a boolean";
	case JSON_NUMBER: return "a number";
	case JSON_STRING: return "a string";
	case JSON_ARRAY: return "an array";
	case JSON_OBJECT: return "an object";
	}
	return "?";
}

static int
bad_type(struct err *e, const struct schema_column *c, const struct json *v,
	const char *want)
{
	return err_set(e, EX_DATAERR, "column %s: expected %s, got %s", c->name,
		want, kind_name(v->type));
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm). */
static void
civil(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	yoe = z - era * 146097;
	yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
	doy = z - era * 146097 - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static char *
digits(char *p, unsigned v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

/* ts_format / ts_format_date without printf: load formats two or three
 * timestamps per row. */
static void
format_ts(struct buf *out, int64_t ms, int date)
{
	char t[32], *p = t;
	int64_t days = ms / 86400000, r = ms % 86400000;
	int y;
	unsigned m, d;

	if (r < 0) {
		r += 86400000;
		days--;
	}
	civil(days, &y, &m, &d);
	if (y < 1 || y > 9999) {
		if (date)
			ts_format_date(out, ms);
		else
			ts_format(out, ms);
		return;
	}
	p = digits(p, (unsigned)y, 4);
	*p++ = '-';
	p = digits(p, m, 2);
	*p++ = '-';
	p = digits(p, d, 2);
	if (!date) {
		*p++ = 'T';
		p = digits(p, (unsigned)(r / 3600000), 2);
		*p++ = ':';
		p = digits(p, (unsigned)(r / 60000 % 60), 2);
		*p++ = ':';
		p = digits(p, (unsigned)(r / 1000 % 60), 2);
		*p++ = '.';
		p = digits(p, (unsigned)(r % 1000), 3);
		*p++ = 'Z';
	}
	buf_add(out, t, (size_t)(p - t));
}

/* Already "YYYY-MM-DDTHH:MM:SS.sssZ" (then it only needs checking)? */
static int
canonical_ts(const char *s, size_t n)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	size_t i;

	if (n != sizeof(pat) - 1)
		return 0;
	for (i = 0; i < n; i++)
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pat[i])
			return 0;
	return 1;
}

static int
conv_ts(struct buf *out, const struct schema_column *c, const struct json *v,
	struct value *res, struct err *e, int date)
{
	int64_t ms;
	unsigned fl = (c->flags & COL_EPOCH_MS) ? TS_EPOCH_MS : 0;

	if (v->type == JSON_NUMBER && fl) {
		if (value_parse_int(v->s, v->n, &ms) != 0)
			return err_set(e, EX_DATAERR, "column %s: bad epoch "
				"milliseconds %s", c->name, v->s);
	} else if (v->type == JSON_STRING) {
		if (ts_parse_flags(v->s, v->n, fl, &ms) != 0)
			return err_set(e, EX_DATAERR, "column %s: bad %s \"%.40s\"",
				c->name, date ? "date" : "timestamp", v->s);
		if (!date && canonical_ts(v->s, v->n)) {
			/* A valid date and time, already in the stored form. */
			res->kind = V_TEXT;
			res->p = v->s;
			res->n = v->n;
			return 0;
		}
	} else {
		return bad_type(e, c, v, date ? "a date" : "a timestamp");
	}
	buf_reset(out);
	format_ts(out, ms, date);
	if (buf_failed(out))
		return err_set(e, EX_SOFTWARE, "out of memory");
	res->kind = V_TEXT;
	res->p = out->data;
	res->n = out->len;
	return 0;
}

static int
conv_array(struct buf *out, const struct schema_column *c,
	const struct json *v, struct value *res, struct err *e)
{
	const struct json *x;
	enum json_type want = c->type == COL_STRING_ARRAY ? JSON_STRING :
		JSON_NUMBER;

	if (v->type != JSON_ARRAY)
		return bad_type(e, c, v, "an array");
	for (x = v->child; x; x = x->next)
		if (x->type != want)
			return err_set(e, EX_DATAERR, "column %s: array element "
				"is %s, expected %s", c->name, kind_name(x->type),
				want == JSON_STRING ? "a string" : "a number");
	buf_reset(out);
	json_write(out, v);
	if (buf_failed(out))
		return err_set(e, EX_DATAERR, "column %s: value too large", c->name);
	res->kind = V_TEXT;
	res->p = out->data;
	res->n = out->len;
	return 0;
}

int
value_convert(struct buf *out, const struct schema_column *c, const struct json *v,
	struct value *res, struct err *e)
{
	char *end;
	int r;

	res->kind = V_NULL;
	if (v->type == JSON_NULL) {
		if (c->flags & COL_REQUIRED)
			return err_set(e, EX_DATAERR, "column %s: null in a "
				"required column", c->name);
		return 0;
	}
	switch (c->type) {
	case COL_STRING:
		if (v->type != JSON_STRING && v->type != JSON_NUMBER)
			return bad_type(e, c, v, "a string");
		res->kind = V_TEXT;
		res->p = v->s;
		res->n = v->n;
		return 0;
	case COL_INTEGER:
		if (v->type != JSON_NUMBER && v->type != JSON_STRING)
			return bad_type(e, c, v, "an integer");
		r = value_parse_int(v->s, v->n, &res->i);
		if (r == -2)
			return err_set(e, EX_DATAERR, "column %s: integer %.40s "
				"out of the 64-bit range", c->name, v->s);
		if (r != 0)
			return err_set(e, EX_DATAERR, "column %s: not an integer: "
				"%.40s", c->name, v->s);
		res->kind = V_INT;
		return 0;
	case COL_FLOAT:
		if (v->type == JSON_STRING && !json_number_valid(v->s, v->n))
			return err_set(e, EX_DATAERR, "column %s: not a number: "
				"\"%.40s\"", c->name, v->s);
		if (v->type != JSON_NUMBER && v->type != JSON_STRING)
			return bad_type(e, c, v, "a number");
		errno = 0;
		res->d = strtod(v->s, &end);
		if (errno == ERANGE && (res->d > 1 || res->d < -1))
			return err_set(e, EX_DATAERR, "column %s: number %.40s "
				"out of range", c->name, v->s);
		res->kind = V_DBL;
		return 0;
	case COL_BOOLEAN:
		res->kind = V_INT;
		if (v->type == JSON_TRUE || v->type == JSON_FALSE) {
			res->i = v->type == JSON_TRUE;
			return 0;
		}
		if ((v->type == JSON_NUMBER || v->type == JSON_STRING) &&
		    v->n == 1 && (v->s[0] == '0' || v->s[0] == '1')) {
			res->i = v->s[0] == '1';
			return 0;
		}
		if (v->type == JSON_STRING && (strcmp(v->s, "true") == 0 ||
		    strcmp(v->s, "false") == 0)) {
			res->i = v->s[0] == 't';
			return 0;
		}
		res->kind = V_NULL;
		return bad_type(e, c, v, "a boolean");
	case COL_TIMESTAMP:
		return conv_ts(out, c, v, res, e, 0);
	case COL_DATE:
		return conv_ts(out, c, v, res, e, 1);
	case COL_STRING_ARRAY:
	case COL_FLOAT_ARRAY:
		return conv_array(out, c, v, res, e);
	case COL_JSON:
		buf_reset(out);
		json_write(out, v);
		if (buf_failed(out))
			return err_set(e, EX_DATAERR, "column %s: value too large",
				c->name);
		res->kind = V_TEXT;
		res->p = out->data;
		res->n = out->len;
		return 0;
	}
	return bad_type(e, c, v, "a known type");
}


void
value_write_double(struct buf *b, double d)
{
	char tmp[40];
	int prec;

	for (prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	/* JSON has no inf or nan; SQLite can hold them, from elsewhere. */
	if (strchr(tmp, 'n') || strchr(tmp, 'N'))
		buf_addstr(b, "null");
	else
		buf_addstr(b, tmp);
}
