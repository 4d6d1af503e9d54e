/*
 * sf_soql.c: the mini-SOQL of the fake Salesforce: enough for sf-pull.
 *
 *   SELECT f, Rel.f, ... | COUNT() FROM Obj
 *   [WHERE cond] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n]
 *
 * cond: AND, OR, NOT, parentheses, `f op literal` (= != <> < <= > >=),
 * `f [NOT] IN (literal, ...)`.  Literals: unquoted datetimes (Z, +hh:mm,
 * optional fraction) and dates, 'strings' with backslash escapes, numbers,
 * true, false, null.  Types are checked like the real server (a datetime
 * field wants a datetime literal); a '+' decoded to a space in a datetime is
 * a MALFORMED_QUERY.  String comparisons ignore case.
 */
#include "sf.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "banned.h"

enum tok { T_EOF, T_IDENT, T_STRING, T_NUMBER, T_DATE, T_DATETIME, T_OP,
	T_LP, T_RP, T_COMMA, T_BAD };

struct lex {
	const char *s, *p;
	enum tok t;
	char *text;        /* token text (decoded for strings) */
	int64_t ms;        /* dates */
	const char *start; /* where the token began */
};

enum lit_type { L_NULL, L_BOOL, L_NUM, L_STRING, L_DATE, L_DATETIME };
struct lit {
	enum lit_type t;
	char *s;           /* string, date text, number text */
	double num;
	int64_t ms;
	int b;
};

struct fref {
	const struct sf_field *f;     /* field on the queried object */
	const struct sf_field *sub;   /* Rel.sub: the field of the parent */
	const struct sf_obj *target;  /* parent object (first candidate) */
	char *text;                   /* as written, canonical spelling */
};

enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_NIN };
enum ckind { C_AND, C_OR, C_NOT, C_CMP };
struct cond {
	enum ckind k;
	struct cond *a, *b;
	struct fref ref;
	enum op op;
	struct lit *lits;
	size_t nlits;
};

struct order {
	struct fref ref;
	int desc, nulls_last;
};

struct sf_query {
	struct sf_obj *obj;
	struct fref *sel;
	size_t nsel;
	int count;
	struct cond *where;
	struct order *ord;
	size_t nord;
	long limit;
	int wide;
};

/* ---- lexer ---- */

static void
lex_next(struct lex *l)
{
	const char *p = l->p;
	struct buf b = BUF_INIT;
	size_t n;

	free(l->text);
	l->text = NULL;
	while (*p && isspace((unsigned char)*p))
		p++;
	l->start = p;
	if (*p == '\0') {
		l->t = T_EOF;
		l->p = p;
		return;
	}
	if (*p == '(' || *p == ')' || *p == ',') {
		l->t = *p == '(' ? T_LP : *p == ')' ? T_RP : T_COMMA;
		l->text = xstrndup(p, 1);
		l->p = p + 1;
		return;
	}
	if (strchr("=!<>", *p)) {
		size_t k = 1;
		if ((p[0] == '!' || p[0] == '<' || p[0] == '>') && p[1] == '=')
			k = 2;
		else if (p[0] == '<' && p[1] == '>')
			k = 2;
		if (p[0] == '!' && k == 1) {
			l->t = T_BAD;
			l->text = xstrndup(p, 1);
			l->p = p + 1;
			return;
		}
		l->t = T_OP;
		l->text = xstrndup(p, k);
		l->p = p + k;
		return;
	}
	if (*p == '\'') {
		p++;
		while (*p && *p != '\'') {
			if (*p == '\\' && p[1]) {
				p++;
				switch (*p) {
				case 'n': buf_addch(&b, '\n'); break;
				case 't': buf_addch(&b, '\t'); break;
				case 'r': buf_addch(&b, '\r'); break;
				default: buf_addch(&b, *p); break;
				}
			} else {
				buf_addch(&b, *p);
			}
			p++;
		}
		if (*p != '\'') {
			l->t = T_BAD;
			l->text = xstrdup("'");
			l->p = p;
			buf_release(&b);
			return;
		}
		l->t = T_STRING;
		buf_addstr(&b, "");
		l->text = buf_detach(&b, &n);
		l->p = p + 1;
		return;
	}
	/* date / datetime: 4 digits '-' */
	if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) &&
	    p[4] == '-') {
		const char *e = p;
		while (*e && !isspace((unsigned char)*e) && *e != ')' &&
		    *e != ',')
			e++;
		l->text = xstrndup(p, (size_t)(e - p));
		l->p = e;
		if (strlen(l->text) == 10) {
			l->t = fake_parse_iso(l->text, &l->ms) == 0 ? T_DATE :
			    T_BAD;
		} else {
			/* a datetime needs a zone: Z or +hh:mm / -hh:mm */
			size_t n2 = strlen(l->text);
			int zoned = l->text[n2 - 1] == 'Z' || (n2 > 6 &&
			    (l->text[n2 - 6] == '+' || l->text[n2 - 6] == '-') &&
			    l->text[n2 - 3] == ':');
			l->t = zoned && strchr(l->text, 'T') &&
			    fake_parse_iso(l->text, &l->ms) == 0 ? T_DATETIME :
			    T_BAD;
		}
		return;
	}
	if (isdigit((unsigned char)*p) || (*p == '-' &&
	    isdigit((unsigned char)p[1])) || (*p == '.' &&
	    isdigit((unsigned char)p[1]))) {
		const char *e = p + 1;
		while (isdigit((unsigned char)*e) || *e == '.')
			e++;
		l->t = T_NUMBER;
		l->text = xstrndup(p, (size_t)(e - p));
		l->p = e;
		return;
	}
	if (isalpha((unsigned char)*p) || *p == '_') {
		const char *e = p;
		while (isalnum((unsigned char)*e) || *e == '_' || *e == '.')
			e++;
		l->t = T_IDENT;
		l->text = xstrndup(p, (size_t)(e - p));
		l->p = e;
		return;
	}
	l->t = T_BAD;
	l->text = xstrndup(p, 1);
	l->p = p + 1;
}

static int
kw(const struct lex *l, const char *w)
{
	return l->t == T_IDENT && strcasecmp(l->text, w) == 0;
}

/* ---- errors ---- */

struct perr {
	const char *code;
	char *msg;
};

static void perr_set(struct perr *e, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
perr_set(struct perr *e, const char *code, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	size_t n;

	if (e->code)
		return;
	e->code = code;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	e->msg = buf_detach(&b, &n);
}

static void
unexpected(struct perr *e, const struct lex *l)
{
	perr_set(e, "MALFORMED_QUERY", "unexpected token: '%s'%s",
	    l->t == T_EOF ? "<EOF>" : l->text, "");
}

/* ---- fields ---- */

static int
resolve(struct sf_obj *o, const char *name, struct fref *r, int for_bulk,
    struct perr *e)
{
	const char *dot = strchr(name, '.');
	size_t i;
	struct buf b = BUF_INIT;
	size_t n;

	memset(r, 0, sizeof *r);
	if (!dot) {
		r->f = sf_field_find(o, name);
		if (!r->f || sf_field_hidden(o, r->f, 1)) {
			perr_set(e, "INVALID_FIELD", "No such column '%s' on "
			    "entity '%s'. If you are attempting to use a custom "
			    "field, be sure to append the '__c' after the custom "
			    "field name. Please reference your WSDL or the "
			    "describe call for the appropriate names.", name,
			    o->name);
			return -1;
		}
		if (for_bulk && r->f->type == SF_ADDRESS) {
			perr_set(e, "API_ERROR", "Selecting compound data not "
			    "supported in Bulk Query%s%s", "", "");
			return -1;
		}
		r->text = xstrdup(r->f->name);
		return 0;
	}
	for (i = 0; i < o->nfields; i++) {
		const struct sf_field *f = &o->fields[i];
		if (f->rel && strlen(f->rel) == (size_t)(dot - name) &&
		    strncasecmp(f->rel, name, (size_t)(dot - name)) == 0) {
			char *t = xstrndup(f->ref, strcspn(f->ref, "|"));
			struct sf_obj *to = sf_obj_find(t);
			free(t);
			r->f = f;
			r->target = to;
			r->sub = to ? sf_field_find(to, dot + 1) : NULL;
			if (strchr(dot + 1, '.') || !r->sub) {
				perr_set(e, "INVALID_FIELD", "No such column "
				    "'%s' on entity '%s'. If you are attempting "
				    "to use a custom field, be sure to append "
				    "the '__c' after the custom field name. "
				    "Please reference your WSDL or the describe "
				    "call for the appropriate names.", dot + 1,
				    to ? to->name : "Name");
				return -1;
			}
			buf_printf(&b, "%s.%s", f->rel, r->sub->name);
			r->text = buf_detach(&b, &n);
			return 0;
		}
	}
	{
		char *rel = xstrndup(name, (size_t)(dot - name));
		perr_set(e, "INVALID_FIELD", "Didn't understand relationship "
		    "'%s' in field path. If you are attempting to use a custom "
		    "relationship, be sure to append the '__r' after the custom "
		    "relationship name. Please reference your WSDL or the "
		    "describe call for the appropriate names.%s", rel, "");
		free(rel);
	}
	return -1;
}

static const char *
type_word(enum sf_ftype t)
{
	switch (t) {
	case SF_DATETIME: return "dateTime";
	case SF_DATE: return "date";
	case SF_BOOLEAN: return "boolean";
	case SF_INT: return "int";
	case SF_DOUBLE: case SF_CURRENCY: case SF_PERCENT: return "double";
	default: return "string";
	}
}

static int
lit_fits(const struct sf_field *f, const struct lit *v)
{
	if (v->t == L_NULL)
		return 1;
	switch (f->type) {
	case SF_DATETIME: return v->t == L_DATETIME;
	case SF_DATE: return v->t == L_DATE;
	case SF_BOOLEAN: return v->t == L_BOOL;
	case SF_INT: case SF_DOUBLE: case SF_CURRENCY: case SF_PERCENT:
		return v->t == L_NUM;
	case SF_ADDRESS: return 0;
	default: return v->t == L_STRING;
	}
}

static int
parse_lit(struct lex *l, struct lit *v, struct perr *e)
{
	memset(v, 0, sizeof *v);
	switch (l->t) {
	case T_STRING: v->t = L_STRING; break;
	case T_NUMBER: v->t = L_NUM; v->num = strtod(l->text, NULL); break;
	case T_DATE: v->t = L_DATE; v->ms = l->ms; break;
	case T_DATETIME: v->t = L_DATETIME; v->ms = l->ms; break;
	case T_IDENT:
		if (kw(l, "null")) {
			v->t = L_NULL;
			break;
		}
		if (kw(l, "true") || kw(l, "false")) {
			v->t = L_BOOL;
			v->b = kw(l, "true");
			break;
		}
		/* fall through */
	default:
		unexpected(e, l);
		return -1;
	}
	v->s = xstrdup(l->text);
	lex_next(l);
	return 0;
}

static void
cond_free(struct cond *c)
{
	size_t i;

	if (!c)
		return;
	cond_free(c->a);
	cond_free(c->b);
	free(c->ref.text);
	for (i = 0; i < c->nlits; i++)
		free(c->lits[i].s);
	free(c->lits);
	free(c);
}

static struct cond *parse_or(struct lex *l, struct sf_obj *o,
    struct perr *e);

static struct cond *
parse_factor(struct lex *l, struct sf_obj *o, struct perr *e)
{
	struct cond *c;

	if (kw(l, "NOT")) {
		lex_next(l);
		c = xcalloc(1, sizeof *c);
		c->k = C_NOT;
		c->a = parse_factor(l, o, e);
		if (!c->a) {
			cond_free(c);
			return NULL;
		}
		return c;
	}
	if (l->t == T_LP) {
		lex_next(l);
		c = parse_or(l, o, e);
		if (!c)
			return NULL;
		if (l->t != T_RP) {
			unexpected(e, l);
			cond_free(c);
			return NULL;
		}
		lex_next(l);
		return c;
	}
	if (l->t != T_IDENT) {
		unexpected(e, l);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->k = C_CMP;
	if (resolve(o, l->text, &c->ref, 0, e) != 0) {
		cond_free(c);
		return NULL;
	}
	lex_next(l);
	if (kw(l, "IN") || kw(l, "NOT")) {
		c->op = kw(l, "NOT") ? OP_NIN : OP_IN;
		if (c->op == OP_NIN) {
			lex_next(l);
			if (!kw(l, "IN")) {
				unexpected(e, l);
				cond_free(c);
				return NULL;
			}
		}
		lex_next(l);
		if (l->t != T_LP) {
			unexpected(e, l);
			cond_free(c);
			return NULL;
		}
		lex_next(l);
		for (;;) {
			c->lits = xrealloc(c->lits, (c->nlits + 1) *
			    sizeof *c->lits);
			if (parse_lit(l, &c->lits[c->nlits], e) != 0) {
				cond_free(c);
				return NULL;
			}
			c->nlits++;
			if (l->t == T_COMMA) {
				lex_next(l);
				continue;
			}
			if (l->t == T_RP) {
				lex_next(l);
				break;
			}
			unexpected(e, l);
			cond_free(c);
			return NULL;
		}
	} else if (l->t == T_OP) {
		const char *t = l->text;
		c->op = strcmp(t, "=") == 0 ? OP_EQ :
		    strcmp(t, "!=") == 0 || strcmp(t, "<>") == 0 ? OP_NE :
		    strcmp(t, "<") == 0 ? OP_LT : strcmp(t, "<=") == 0 ? OP_LE :
		    strcmp(t, ">") == 0 ? OP_GT : OP_GE;
		lex_next(l);
		c->lits = xcalloc(1, sizeof *c->lits);
		if (parse_lit(l, &c->lits[0], e) != 0) {
			cond_free(c);
			return NULL;
		}
		c->nlits = 1;
	} else {
		unexpected(e, l);
		cond_free(c);
		return NULL;
	}
	{
		const struct sf_field *f = c->ref.sub ? c->ref.sub : c->ref.f;
		size_t i;
		for (i = 0; i < c->nlits; i++) {
			if (!lit_fits(f, &c->lits[i])) {
				struct buf b = BUF_INIT;
				buf_printf(&b, "value of filter criterion for "
				    "field '%s' must be of type %s and should "
				    "not be enclosed in quotes", f->name,
				    type_word(f->type));
				perr_set(e, "INVALID_QUERY_FILTER_OPERATOR", "%s%s",
				    buf_cstr(&b), "");
				buf_release(&b);
				cond_free(c);
				return NULL;
			}
		}
		if (f->type == SF_BOOLEAN && c->op != OP_EQ && c->op != OP_NE &&
		    c->op != OP_IN && c->op != OP_NIN) {
			perr_set(e, "INVALID_QUERY_FILTER_OPERATOR", "invalid "
			    "operator on boolean field: %s%s", f->name, "");
			cond_free(c);
			return NULL;
		}
	}
	return c;
}

static struct cond *
parse_and(struct lex *l, struct sf_obj *o, struct perr *e)
{
	struct cond *c = parse_factor(l, o, e);

	while (c && kw(l, "AND")) {
		struct cond *n = xcalloc(1, sizeof *n);
		lex_next(l);
		n->k = C_AND;
		n->a = c;
		n->b = parse_factor(l, o, e);
		c = n;
		if (!n->b) {
			cond_free(c);
			return NULL;
		}
	}
	return c;
}

static struct cond *
parse_or(struct lex *l, struct sf_obj *o, struct perr *e)
{
	struct cond *c = parse_and(l, o, e);

	while (c && kw(l, "OR")) {
		struct cond *n = xcalloc(1, sizeof *n);
		lex_next(l);
		n->k = C_OR;
		n->a = c;
		n->b = parse_and(l, o, e);
		c = n;
		if (!n->b) {
			cond_free(c);
			return NULL;
		}
	}
	return c;
}

void
sf_query_free(struct sf_query *q)
{
	size_t i;

	if (!q)
		return;
	for (i = 0; i < q->nsel; i++)
		free(q->sel[i].text);
	free(q->sel);
	cond_free(q->where);
	for (i = 0; i < q->nord; i++)
		free(q->ord[i].ref.text);
	free(q->ord);
	free(q);
}

struct sf_query *
sf_query_parse(const char *soql, int for_bulk, const char **code, char **msg)
{
	struct lex l;
	struct perr e = { NULL, NULL };
	struct sf_query *q = xcalloc(1, sizeof *q);
	char **names = NULL;
	size_t nnames = 0, i;

	memset(&l, 0, sizeof l);
	l.s = l.p = soql;
	q->limit = -1;
	lex_next(&l);
	if (!kw(&l, "SELECT")) {
		unexpected(&e, &l);
		goto fail;
	}
	lex_next(&l);
	/* collect names first: the object comes after FROM */
	for (;;) {
		if (kw(&l, "COUNT")) {
			lex_next(&l);
			if (l.t != T_LP) { unexpected(&e, &l); goto fail; }
			lex_next(&l);
			if (l.t != T_RP) { unexpected(&e, &l); goto fail; }
			lex_next(&l);
			q->count = 1;
		} else if (l.t == T_IDENT && !kw(&l, "FROM")) {
			names = xrealloc(names, (nnames + 1) * sizeof *names);
			names[nnames++] = xstrdup(l.text);
			lex_next(&l);
		} else {
			unexpected(&e, &l);
			goto fail;
		}
		if (l.t == T_COMMA) {
			lex_next(&l);
			continue;
		}
		break;
	}
	if (!kw(&l, "FROM")) {
		unexpected(&e, &l);
		goto fail;
	}
	lex_next(&l);
	if (l.t != T_IDENT) {
		unexpected(&e, &l);
		goto fail;
	}
	q->obj = sf_obj_find(l.text);
	if (!q->obj || (strcmp(q->obj->name, "EmailMessage") == 0 &&
	    fake_opt_int("sf-no-emailmessage"))) {
		perr_set(&e, "INVALID_TYPE", "\n%s\n^\nERROR at Row:1:Column:1\n"
		    "sObject type '%s' is not supported. If you are attempting "
		    "to use a custom object, be sure to append the '__c' after "
		    "the entity name. Please reference your WSDL or the describe "
		    "call for the appropriate names.", soql, l.text);
		goto fail;
	}
	lex_next(&l);
	q->sel = xcalloc(nnames ? nnames : 1, sizeof *q->sel);
	for (i = 0; i < nnames; i++) {
		if (resolve(q->obj, names[i], &q->sel[i], for_bulk, &e) != 0)
			goto fail;
		q->nsel++;
		{
			const struct sf_field *f = q->sel[i].sub ? q->sel[i].sub :
			    q->sel[i].f;
			if (f->type == SF_TEXTAREA && f->length > 4000)
				q->wide = 1;
		}
	}
	if (kw(&l, "WHERE")) {
		lex_next(&l);
		q->where = parse_or(&l, q->obj, &e);
		if (!q->where)
			goto fail;
	}
	if (kw(&l, "ORDER")) {
		lex_next(&l);
		if (!kw(&l, "BY")) { unexpected(&e, &l); goto fail; }
		lex_next(&l);
		for (;;) {
			struct order *o;
			if (l.t != T_IDENT) { unexpected(&e, &l); goto fail; }
			q->ord = xrealloc(q->ord, (q->nord + 1) * sizeof *q->ord);
			o = &q->ord[q->nord];
			memset(o, 0, sizeof *o);
			if (resolve(q->obj, l.text, &o->ref, 0, &e) != 0)
				goto fail;
			q->nord++;
			lex_next(&l);
			if (kw(&l, "ASC")) {
				lex_next(&l);
			} else if (kw(&l, "DESC")) {
				o->desc = 1;
				o->nulls_last = 1;
				lex_next(&l);
			}
			if (kw(&l, "NULLS")) {
				lex_next(&l);
				if (kw(&l, "FIRST"))
					o->nulls_last = 0;
				else if (kw(&l, "LAST"))
					o->nulls_last = 1;
				else { unexpected(&e, &l); goto fail; }
				lex_next(&l);
			}
			if (l.t == T_COMMA) {
				lex_next(&l);
				continue;
			}
			break;
		}
	}
	if (kw(&l, "LIMIT")) {
		lex_next(&l);
		if (l.t != T_NUMBER) { unexpected(&e, &l); goto fail; }
		q->limit = strtol(l.text, NULL, 10);
		lex_next(&l);
	}
	if (l.t != T_EOF) {
		unexpected(&e, &l);
		goto fail;
	}
	if (!q->count && nnames == 0) {
		perr_set(&e, "MALFORMED_QUERY", "unexpected token: FROM");
		goto fail;
	}
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(l.text);
	return q;
fail:
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(l.text);
	sf_query_free(q);
	*code = e.code ? e.code : "MALFORMED_QUERY";
	*msg = e.msg ? e.msg : xstrdup("malformed query");
	return NULL;
}

const struct sf_obj *
sf_query_obj(const struct sf_query *q)
{
	return q->obj;
}

int
sf_query_is_count(const struct sf_query *q)
{
	return q->count;
}

int
sf_query_wide(const struct sf_query *q)
{
	return q->wide;
}

/* ---- values ---- */

/* The value of a field of a record; *owned when the caller must free. */
static cJSON *
value_of(const struct sf_obj *o, const struct sf_rec *r,
    const struct sf_field *f, int *owned)
{
	*owned = 0;
	if (f->type == SF_ADDRESS) {
		cJSON *a = cJSON_CreateObject();
		size_t i;
		static const char *const keys[][2] = {
			{ "Street", "street" }, { "City", "city" },
			{ "State", "state" }, { "PostalCode", "postalCode" },
			{ "Country", "country" } };
		const char *pre = strcmp(f->name, "Address") == 0 ? "" :
		    strcmp(f->name, "BillingAddress") == 0 ? "Billing" :
		    "Mailing";
		int any = 0;
		for (i = 0; i < 5; i++) {
			struct buf b = BUF_INIT;
			cJSON *v;
			buf_printf(&b, "%s%s", pre, keys[i][0]);
			v = cJSON_GetObjectItemCaseSensitive(r->v, buf_cstr(&b));
			buf_release(&b);
			if (cJSON_IsString(v)) {
				cJSON_AddStringToObject(a, keys[i][1], v->valuestring);
				any = 1;
			} else {
				cJSON_AddNullToObject(a, keys[i][1]);
			}
		}
		cJSON_AddNullToObject(a, "geocodeAccuracy");
		cJSON_AddNullToObject(a, "latitude");
		cJSON_AddNullToObject(a, "longitude");
		*owned = 1;
		if (!any) {
			cJSON_Delete(a);
			return cJSON_CreateNull();
		}
		return a;
	}
	if (f->flags & SFF_CALC) {
		/* a formula: days since creation, moves without a modstamp */
		cJSON *c = cJSON_GetObjectItemCaseSensitive(r->v, "CreatedDate");
		int64_t ms;
		struct buf b = BUF_INIT;
		cJSON *v;
		*owned = 1;
		if (!cJSON_IsString(c) || fake_parse_iso(c->valuestring, &ms))
			return cJSON_CreateNull();
		buf_printf(&b, "%lld.0", (long long)((fake_now_ms() - ms) /
		    86400000LL));
		v = cJSON_CreateRaw(buf_cstr(&b));
		buf_release(&b);
		return v;
	}
	(void)o;
	return cJSON_GetObjectItemCaseSensitive(r->v, f->name);
}

/* Value of a field reference, following Rel.sub; *owned as above. */
static cJSON *
ref_value(const struct sf_query *q, const struct sf_rec *r,
    const struct fref *ref, int *owned, const struct sf_rec **parent,
    struct sf_obj **pobj)
{
	cJSON *id;
	struct sf_obj *po = NULL;
	struct sf_rec *pr;
	const struct sf_field *sub;

	if (!ref->sub)
		return value_of(q->obj, r, ref->f, owned);
	*owned = 0;
	id = cJSON_GetObjectItemCaseSensitive(r->v, ref->f->name);
	if (!cJSON_IsString(id))
		return NULL;
	pr = sf_rec_find(id->valuestring, &po);
	if (!pr || pr->purged)
		return NULL;
	if (parent)
		*parent = pr;
	if (pobj)
		*pobj = po;
	sub = sf_field_find(po, ref->sub->name);
	if (!sub)
		return NULL;
	return value_of(po, pr, sub, owned);
}

static int
cmp_value(const cJSON *v, const struct sf_field *f, const struct lit *x)
{
	/* returns <0, 0, >0; v is not null, x is not null */
	double a;

	switch (f->type) {
	case SF_DATETIME: {
		int64_t ms;
		if (!cJSON_IsString(v) || fake_parse_iso(v->valuestring, &ms))
			return -1;
		return ms < x->ms ? -1 : ms > x->ms;
	}
	case SF_DATE:
		return strncmp(cJSON_IsString(v) ? v->valuestring : "", x->s, 10);
	case SF_BOOLEAN:
		return (cJSON_IsTrue(v) ? 1 : 0) - x->b;
	case SF_INT: case SF_DOUBLE: case SF_CURRENCY: case SF_PERCENT:
		a = cJSON_IsRaw(v) ? strtod(v->valuestring, NULL) :
		    v->valuedouble;
		return a < x->num ? -1 : a > x->num;
	case SF_ID: case SF_REFERENCE:
		return strncmp(cJSON_IsString(v) ? v->valuestring : "", x->s,
		    15);
	default:
		return strcasecmp(cJSON_IsString(v) ? v->valuestring : "", x->s);
	}
}

static int
eval(const struct sf_query *q, const struct cond *c, const struct sf_rec *r)
{
	cJSON *v;
	int owned, res = 0, isnull;
	size_t i;
	const struct sf_field *f;

	switch (c->k) {
	case C_AND: return eval(q, c->a, r) && eval(q, c->b, r);
	case C_OR: return eval(q, c->a, r) || eval(q, c->b, r);
	case C_NOT: return !eval(q, c->a, r);
	case C_CMP: break;
	}
	f = c->ref.sub ? c->ref.sub : c->ref.f;
	v = ref_value(q, r, &c->ref, &owned, NULL, NULL);
	isnull = v == NULL || cJSON_IsNull(v);
	if (c->op == OP_IN || c->op == OP_NIN) {
		int found = 0;
		for (i = 0; i < c->nlits && !found; i++) {
			if (c->lits[i].t == L_NULL)
				found = isnull;
			else if (!isnull)
				found = cmp_value(v, f, &c->lits[i]) == 0;
		}
		res = c->op == OP_IN ? found : !found;
	} else if (c->lits[0].t == L_NULL) {
		res = c->op == OP_EQ ? isnull : c->op == OP_NE ? !isnull : 0;
	} else if (isnull) {
		res = c->op == OP_NE;
	} else {
		int k = cmp_value(v, f, &c->lits[0]);
		switch (c->op) {
		case OP_EQ: res = k == 0; break;
		case OP_NE: res = k != 0; break;
		case OP_LT: res = k < 0; break;
		case OP_LE: res = k <= 0; break;
		case OP_GT: res = k > 0; break;
		case OP_GE: res = k >= 0; break;
		default: break;
		}
	}
	if (owned)
		cJSON_Delete(v);
	return res;
}

/* SystemModstamp bounds from the top-level AND chain. */
static void
span(const struct cond *c, int64_t *lo, int64_t *hi)
{
	if (c->k == C_AND) {
		span(c->a, lo, hi);
		span(c->b, lo, hi);
		return;
	}
	if (c->k != C_CMP || c->ref.sub || c->nlits != 1 ||
	    c->lits[0].t != L_DATETIME ||
	    strcmp(c->ref.f->name, "SystemModstamp") != 0)
		return;
	if ((c->op == OP_GE || c->op == OP_GT) && c->lits[0].ms > *lo)
		*lo = c->lits[0].ms;
	if ((c->op == OP_LT || c->op == OP_LE) && c->lits[0].ms < *hi)
		*hi = c->lits[0].ms;
}

void
sf_query_modstamp_span(const struct sf_query *q, int64_t *lo, int64_t *hi)
{
	*lo = 0;
	*hi = INT64_MAX;
	if (q->where)
		span(q->where, lo, hi);
}

static const struct sf_query *sort_q;

static int
order_cmp(const void *pa, const void *pb)
{
	const struct sf_rec *a = *(struct sf_rec *const *)pa;
	const struct sf_rec *b = *(struct sf_rec *const *)pb;
	size_t i;

	for (i = 0; i < sort_q->nord; i++) {
		const struct order *o = &sort_q->ord[i];
		const struct sf_field *f = o->ref.sub ? o->ref.sub : o->ref.f;
		int oa, ob, k = 0;
		cJSON *va = ref_value(sort_q, a, &o->ref, &oa, NULL, NULL);
		cJSON *vb = ref_value(sort_q, b, &o->ref, &ob, NULL, NULL);
		int na = va == NULL || cJSON_IsNull(va);
		int nb = vb == NULL || cJSON_IsNull(vb);
		if (na || nb) {
			k = na == nb ? 0 : (na ? -1 : 1) * (o->nulls_last ? -1 : 1);
			if (o->desc)
				k = -k;
		} else {
			struct lit x;
			memset(&x, 0, sizeof x);
			switch (f->type) {
			case SF_DATETIME:
				x.t = L_DATETIME;
				fake_parse_iso(vb->valuestring, &x.ms);
				break;
			case SF_BOOLEAN:
				x.t = L_BOOL;
				x.b = cJSON_IsTrue(vb);
				break;
			case SF_INT: case SF_DOUBLE: case SF_CURRENCY:
			case SF_PERCENT:
				x.t = L_NUM;
				x.num = cJSON_IsRaw(vb) ? strtod(vb->valuestring,
				    NULL) : vb->valuedouble;
				break;
			default:
				x.t = L_STRING;
				x.s = cJSON_IsString(vb) ? vb->valuestring : "";
				break;
			}
			k = cmp_value(va, f, &x);
		}
		if (oa)
			cJSON_Delete(va);
		if (ob)
			cJSON_Delete(vb);
		if (!na && !nb && o->desc)
			k = -k;
		if (k)
			return k;
	}
	return a < b ? -1 : a > b;
}

struct sf_rec **
sf_query_run(struct sf_query *q, int all_rows, size_t *n)
{
	struct sf_obj *o = q->obj;
	struct sf_rec **out = xmalloc((o->n ? o->n : 1) * sizeof *out);
	size_t i, k = 0;

	for (i = 0; i < o->n; i++) {
		struct sf_rec *r = &o->recs[i];
		cJSON *arch;
		if (r->purged)
			continue;
		if (!all_rows && r->deleted)
			continue;
		arch = o->archivable ?
		    cJSON_GetObjectItemCaseSensitive(r->v, "IsArchived") : NULL;
		if (!all_rows && cJSON_IsTrue(arch))
			continue;
		if (q->where && !eval(q, q->where, r))
			continue;
		out[k++] = r;
	}
	if (q->nord) {
		sort_q = q;
		qsort(out, k, sizeof *out, order_cmp);
		sort_q = NULL;
	}
	if (q->limit >= 0 && (size_t)q->limit < k)
		k = (size_t)q->limit;
	*n = k;
	return out;
}

static cJSON *
attributes(const struct sf_obj *o, const struct sf_rec *r, const char *ver)
{
	cJSON *a = cJSON_CreateObject();
	struct buf b = BUF_INIT;
	cJSON *id = cJSON_GetObjectItemCaseSensitive(r->v, "Id");

	cJSON_AddStringToObject(a, "type", o->name);
	buf_printf(&b, "/services/data/%s/sobjects/%s/%s", ver, o->name,
	    id->valuestring);
	cJSON_AddStringToObject(a, "url", buf_cstr(&b));
	buf_release(&b);
	return a;
}

cJSON *
sf_query_render(const struct sf_query *q, const struct sf_rec *r,
    const char *version)
{
	cJSON *o = cJSON_CreateObject();
	size_t i;

	cJSON_AddItemToObject(o, "attributes", attributes(q->obj, r, version));
	for (i = 0; i < q->nsel; i++) {
		const struct fref *ref = &q->sel[i];
		int owned;
		if (!ref->sub) {
			cJSON *v = value_of(q->obj, r, ref->f, &owned);
			if (cJSON_GetObjectItemCaseSensitive(o, ref->f->name)) {
				if (owned)
					cJSON_Delete(v);
				continue;
			}
			cJSON_AddItemToObject(o, ref->f->name, v == NULL ?
			    cJSON_CreateNull() : owned ? v :
			    cJSON_Duplicate(v, 1));
		} else {
			const struct sf_rec *pr = NULL;
			struct sf_obj *po = NULL;
			cJSON *v = ref_value(q, r, ref, &owned, &pr, &po);
			cJSON *nest = cJSON_GetObjectItemCaseSensitive(o,
			    ref->f->rel);
			if (!pr) {
				if (!nest)
					cJSON_AddNullToObject(o, ref->f->rel);
				if (owned)
					cJSON_Delete(v);
				continue;
			}
			if (!nest || cJSON_IsNull(nest)) {
				if (nest)
					cJSON_DeleteItemFromObjectCaseSensitive(o,
					    ref->f->rel);
				nest = cJSON_AddObjectToObject(o, ref->f->rel);
				cJSON_AddItemToObject(nest, "attributes",
				    attributes(po, pr, version));
			}
			cJSON_AddItemToObject(nest, ref->sub->name, v == NULL ?
			    cJSON_CreateNull() : owned ? v :
			    cJSON_Duplicate(v, 1));
		}
	}
	return o;
}

static void
csv_field(struct buf *b, const char *s)
{
	buf_addch(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_addch(b, '"');
		buf_addch(b, *s);
	}
	buf_addch(b, '"');
}

void
sf_query_csv_header(const struct sf_query *q, struct buf *b, char delim,
    const char *eol)
{
	size_t i;

	for (i = 0; i < q->nsel; i++) {
		if (i)
			buf_addch(b, delim);
		csv_field(b, q->sel[i].text);
	}
	buf_addstr(b, eol);
}

void
sf_query_csv_row(const struct sf_query *q, const struct sf_rec *r,
    struct buf *b, char delim, const char *eol)
{
	size_t i;

	for (i = 0; i < q->nsel; i++) {
		const struct fref *ref = &q->sel[i];
		const struct sf_field *f = ref->sub ? ref->sub : ref->f;
		int owned;
		cJSON *v = ref_value(q, r, ref, &owned, NULL, NULL);
		if (i)
			buf_addch(b, delim);
		if (v == NULL || cJSON_IsNull(v)) {
			csv_field(b, "");
		} else if (cJSON_IsBool(v)) {
			csv_field(b, cJSON_IsTrue(v) ? "true" : "false");
		} else if (cJSON_IsRaw(v) || cJSON_IsString(v)) {
			if (f->type == SF_DATETIME && strlen(v->valuestring) == 28) {
				/* Bulk writes 2025-01-02T03:04:05.000Z */
				struct buf t = BUF_INIT;
				buf_add(&t, v->valuestring, 23);
				buf_addch(&t, 'Z');
				csv_field(b, buf_cstr(&t));
				buf_release(&t);
			} else {
				csv_field(b, v->valuestring);
			}
		} else if (cJSON_IsNumber(v)) {
			struct buf t = BUF_INIT;
			buf_printf(&t, "%.0f", v->valuedouble);
			csv_field(b, buf_cstr(&t));
			buf_release(&t);
		} else {
			csv_field(b, "");
		}
		if (owned)
			cJSON_Delete(v);
	}
	buf_addstr(b, eol);
}
