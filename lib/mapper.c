#include "mapper.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* The columns of one table a mapper acts on. */
struct flagged {
	const struct schema_table *t;
	const struct schema_column **cols;
	size_t *lens;                   /* strlen of each column's name */
	size_t n;
};

/* Records with more members than this are re-serialised after a record
 * callback changed them. */
#define MAX_SPLICE_MEMBERS 128

struct mapper_state {
	const struct mapper_opts *o;
	struct flagged *tables;
	size_t ntables;
	struct json **fieldvals;
	/* the stream of the last RECORD and its table (lines of one stream
	 * usually come in runs) */
	char last_stream[64];
	size_t last_n;
	const struct schema_table *last_t;
	/* the record's members before the record callback, and the text of
	 * the record after it (see record_splice) */
	struct json *obj;               /* the current line's record object */
	struct json *orig[MAX_SPLICE_MEMBERS];
	size_t norig;
	struct buf text;
	/* mapper_record_tail: allowed for this record; handed out, the
	 * length of the text before the callback's, and where it goes */
	int tail_ok, tail;
	size_t tail_base, tail_at;
};

static struct json *
path_get(const struct json *obj, const char *path, struct json **parent)
{
	const char *seg = path;
	struct json *cur = (struct json *)obj;

	*parent = NULL;
	for (;;) {
		const char *dot = strchr(seg, '.');
		size_t n = dot ? (size_t)(dot - seg) : strlen(seg);
		struct json *next = json_get_n(cur, seg, n);

		if (next == NULL)
			return NULL;
		if (dot == NULL) {
			*parent = cur;
			return next;
		}
		cur = next;
		seg = dot + 1;
	}
}

struct json *
mapper_path_get(const struct json *obj, const char *path)
{
	struct json *parent;

	return path_get(obj, path, &parent);
}

static void
splice(struct json *parent, struct json *old, struct json *repl)
{
	struct json *p, *prev = NULL;

	for (p = parent->child; p; prev = p, p = p->next) {
		if (p != old)
			continue;
		repl->key = old->key;
		repl->key_n = old->key_n;
		repl->flags = (unsigned char)((repl->flags & ~JSON_PLAIN_KEY) |
		    (old->flags & JSON_PLAIN_KEY));
		repl->next = old->next;
		if (prev)
			prev->next = repl;
		else
			parent->child = repl;
		old->next = NULL;
		return;
	}
}

/* One value; *node is updated to the node in place afterwards. */
static enum mapper_verdict
one_value(struct mapper_state *ms, struct stream_line *l, struct json *parent,
    struct json **node, const char *field, const struct schema_table *t,
    const struct schema_column *col, int *changed)
{
	struct json *cur = *node;
	struct mapper_value v;
	enum mapper_verdict r;

	v.doc = l->doc;
	v.slot = &cur;
	v.field = field;
	v.flags = col ? col->flags : 0;
	v.table = t;
	v.col = col;
	v.parent = parent;
	v.obj = ms->obj;
	v.line = l;
	v.why = l->why;
	v.e = l->e;
	r = ms->o->value_fn(ms->o->ctx, &v);
	if (r == MAPPER_BAD || r == MAPPER_FATAL)
		return r;
	if (cur == NULL)
		cur = json_new_null(l->doc);
	if (cur != *node) {
		stream_note_replace(l, *node, cur);
		splice(parent, *node, cur);
		*node = cur;
		*changed = 1;
	}
	if (r == MAPPER_CHANGED) {
		stream_note_opaque(l);  /* changed in place: not spliceable */
		*changed = 1;
	}
	return MAPPER_KEEP;
}

static enum mapper_verdict
value(struct mapper_state *ms, struct stream_line *l, struct json *parent,
    struct json **node, const char *field, const struct schema_table *t,
    const struct schema_column *col, int *changed)
{
	struct json *el, *next;
	enum mapper_verdict r;

	if (!ms->o->each_element || (*node)->type != JSON_ARRAY)
		return one_value(ms, l, parent, node, field, t, col, changed);
	for (el = (*node)->child; el; el = next) {
		next = el->next;
		r = one_value(ms, l, *node, &el, field, t, col, changed);
		if (r != MAPPER_KEEP)
			return r;
	}
	return MAPPER_KEEP;
}

static const struct flagged *
flagged_for(const struct mapper_state *ms, const struct schema_table *t)
{
	/* the table array is in schema order (see mapper_run) */
	size_t i = schema_table_index(t);

	return i < ms->ntables ? &ms->tables[i] : NULL;
}

static const struct schema_column *
flagged_col(const struct flagged *f, const struct json *m)
{
	size_t i;

	if (f == NULL)
		return NULL;
	if (m->key == NULL)
		return NULL;
	for (i = 0; i < f->n; i++)
		if (f->lens[i] == m->key_n &&
		    memcmp(f->cols[i]->name, m->key, m->key_n) == 0)
			return f->cols[i];
	return NULL;
}

/*
 * Before the record callback: remember obj's members, when the line is
 * canonical (else there is nothing to splice).  0 when it cannot be done.
 */
static int
record_snapshot(struct mapper_state *ms, const struct stream_line *l,
    const struct json *obj)
{
	const struct json *m;

	ms->norig = 0;
	if (!l->doc->canonical || obj->src == 0)
		return 0;
	for (m = obj->child; m; m = m->next) {
		if (ms->norig == MAX_SPLICE_MEMBERS)
			return 0;
		ms->orig[ms->norig++] = (struct json *)m;
	}
	return 1;
}

/*
 * After a record callback that changed obj by setting, adding and removing
 * members (mapper.h): write obj's new text into ms->text, its members
 * that were there before copied from the line (key and value), the others
 * written with json_write, and note it as the replacement of obj's span.
 * Members the callback kept must keep their order, and nothing else may
 * have a source offset: else the line is re-serialised.
 */
static void
record_splice(struct mapper_state *ms, struct stream_line *l,
    const struct json *obj)
{
	const struct json *m;
	size_t cur = 0, i, end, start, obj_end;

	obj_end = json_src_end(l->text, l->len, obj);
	if (obj_end == 0) {
		stream_note_opaque(l);
		return;
	}
	/* The usual case (resolve's): every member kept, in order, and new
	 * ones added at the end: insert them before the closing brace. */
	for (m = obj->child, i = 0; m && i < ms->norig && m == ms->orig[i];
	    m = m->next, i++)
		;
	if (i == ms->norig) {
		const struct json *n;

		for (n = m; n && n->src == 0; n = n->next)
			;
		if (n == NULL) {
			buf_reset(&ms->text);
			for (n = m; n; n = n->next) {
				if (n != obj->child)
					buf_addch(&ms->text, ',');
				json_write_member(&ms->text, n);
			}
			if (buf_failed(&ms->text)) {
				stream_note_opaque(l);
				return;
			}
			stream_note_raw(l, obj_end - 1, obj_end - 1,
			    ms->text.data, ms->text.len);
			return;
		}
	}
	buf_reset(&ms->text);
	buf_addch(&ms->text, '{');
	for (m = obj->child; m; m = m->next) {
		if (m != obj->child)
			buf_addch(&ms->text, ',');
		for (i = cur; i < ms->norig && ms->orig[i] != m; i++)
			;
		if (i < ms->norig) {
			/* kept: '"key":value' as it was */
			cur = i + 1;
			end = json_src_end(l->text, l->len, m);
			start = (size_t)m->src - 1;
			if (end == 0 || m->key == NULL ||
			    !(m->flags & JSON_PLAIN_KEY) ||
			    start < m->key_n + 3) {
				stream_note_opaque(l);
				return;
			}
			start -= m->key_n + 3;
			buf_add(&ms->text, l->text + start, end - start);
		} else if (m->src != 0) {
			/* moved or kept out of order */
			stream_note_opaque(l);
			return;
		} else {
			json_write_member(&ms->text, m);
		}
	}
	buf_addch(&ms->text, '}');
	if (buf_failed(&ms->text)) {
		stream_note_opaque(l);
		return;
	}
	stream_note_raw(l, (size_t)obj->src - 1, obj_end, ms->text.data,
	    ms->text.len);
}

struct buf *
mapper_record_tail(struct mapper_record *rec)
{
	struct mapper_state *ms = rec->ms;
	const struct stream_line *l = rec->line;
	size_t end;

	if (ms == NULL || !ms->tail_ok || rec->obj != ms->obj)
		return NULL;
	if (!ms->tail) {
		end = json_src_end(l->text, l->len, rec->obj);
		if (end == 0)
			return NULL;
		ms->tail_at = end - 1;
		ms->tail = 1;
	}
	buf_reset(&ms->text);
	if (rec->obj->child != NULL)
		buf_addch(&ms->text, ',');
	ms->tail_base = ms->text.len;
	return &ms->text;
}

/* After a record callback that asked for mapper_record_tail: 1 when it
 * wrote members there (noted as the line's change), 0 when it did not,
 * -1 when they did not fit in memory (the tree does not hold them). */
static int
tail_splice(struct mapper_state *ms, struct stream_line *l)
{
	ms->tail = 0;
	if (ms->text.len == ms->tail_base)
		return 0;
	if (buf_failed(&ms->text)) {
		err_set(l->e, EX_OSERR, "out of memory writing line %lu",
		    l->lineno);
		return -1;
	}
	stream_note_raw(l, ms->tail_at, ms->tail_at, ms->text.data,
	    ms->text.len);
	return 1;
}

static enum stream_verdict
to_stream(enum mapper_verdict r)
{
	return r == MAPPER_BAD ? STREAM_BAD : STREAM_FATAL;
}

static const struct schema_table *
table_for(struct mapper_state *ms, const char *stream, size_t n)
{
	const struct schema_table *t;

	if (ms->last_t && n == ms->last_n &&
	    memcmp(stream, ms->last_stream, n) == 0)
		return ms->last_t;
	t = schema_table_findn(stream, n);
	if (t && n < sizeof(ms->last_stream)) {
		memcpy(ms->last_stream, stream, n);
		ms->last_n = n;
		ms->last_t = t;
	}
	return t;
}

static enum stream_verdict
on_line(void *ctx, struct stream_line *l)
{
	struct mapper_state *ms = ctx;
	const struct mapper_opts *o = ms->o;
	const struct schema_table *t = NULL;
	const struct flagged *f = NULL;
	struct json *obj, *m, *next;
	enum mapper_verdict r;
	int changed = 0, snap, tail;
	size_t i;

	if (l->msg.type == SINGER_RECORD) {
		t = table_for(ms, l->msg.stream, l->msg.stream_n);
		if (t == NULL)
			return STREAM_PASS;
		obj = l->msg.record;
		ms->obj = obj;
		f = flagged_for(ms, t);
		if (o->value_fn && f && f->n) {
			for (m = obj->child; m; m = next) {
				const struct schema_column *col;

				next = m->next;
				col = flagged_col(f, m);
				if (col == NULL)
					continue;
				r = value(ms, l, obj, &m, col->name, t, col,
				    &changed);
				if (r != MAPPER_KEEP)
					return to_stream(r);
			}
		}
	} else if (l->msg.type == SINGER_PLAIN && o->nfields) {
		obj = l->root;
		ms->obj = obj;
	} else {
		return STREAM_PASS;
	}
	for (i = 0; i < o->nfields; i++) {
		struct json *parent, *node = path_get(obj, o->fields[i], &parent);

		ms->fieldvals[i] = node;
		if (node == NULL || o->value_fn == NULL)
			continue;
		/* a flagged column named with -f too is done once */
		if (parent == obj && flagged_col(f, node))
			continue;
		r = value(ms, l, parent, &node, o->fields[i], t, NULL, &changed);
		if (r != MAPPER_KEEP)
			return to_stream(r);
		ms->fieldvals[i] = node;
	}
	if (o->record_fn) {
		struct mapper_record rec;

		rec.doc = l->doc;
		rec.obj = obj;
		rec.table = t;
		rec.stream = t ? l->msg.stream : NULL;
		rec.fields = ms->fieldvals;
		rec.field_names = o->fields;
		rec.nfields = o->nfields;
		rec.changed = changed;
		rec.line = l;
		rec.why = l->why;
		rec.e = l->e;
		rec.ms = ms;
		snap = record_snapshot(ms, l, obj);
		ms->tail_ok = snap && !changed;
		ms->tail = 0;
		r = o->record_fn(o->ctx, &rec);
		if (r == MAPPER_BAD || r == MAPPER_FATAL)
			return to_stream(r);
		tail = ms->tail ? tail_splice(ms, l) : 0;
		if (tail < 0)
			return STREAM_FATAL;
		if (r == MAPPER_CHANGED) {
			changed = 1;
			/* (when tail, the new members go as text) */
			if (!tail && snap)
				record_splice(ms, l, obj);
			else if (!tail)
				stream_note_opaque(l);
		}
		/* MAPPER_KEEP: the callback changed nothing (mapper.h), so
		 * the values' changes are spliced as without it */
	}
	return changed ? STREAM_CHANGED : STREAM_PASS;
}

/* The stream hooks get the tool's ctx, not the mapper's state. */
static int
end_hook(void *ctx, struct stream *st)
{
	const struct mapper_state *ms = ctx;

	return ms->o->stream.on_end(ms->o->ctx, st);
}

static void
bad_hook(void *ctx, const char *file, unsigned long line, const char *why)
{
	const struct mapper_state *ms = ctx;

	ms->o->stream.on_bad(ms->o->ctx, file, line, why);
}

static void
ahead_hook(void *ctx, const char *text, size_t len)
{
	const struct mapper_state *ms = ctx;

	ms->o->stream.ahead(ms->o->ctx, text, len);
}

int
mapper_run(const struct mapper_opts *o)
{
	struct mapper_state ms;
	struct stream_opts so = o->stream;
	size_t i, j;
	int rc;

	memset(&ms, 0, sizeof(ms));
	ms.o = o;
	ms.ntables = schema_table_count();
	ms.tables = xcalloc(ms.ntables ? ms.ntables : 1, sizeof(*ms.tables));
	for (i = 0; i < ms.ntables; i++) {
		const struct schema_table *t = schema_table_at(i);
		struct flagged *fl = &ms.tables[i];

		fl->t = t;
		fl->cols = xcalloc(t->ncols ? t->ncols : 1, sizeof(*fl->cols));
		fl->lens = xcalloc(t->ncols ? t->ncols : 1, sizeof(*fl->lens));
		for (j = 0; j < t->ncols; j++)
			if (t->cols[j].flags & o->col_flags) {
				fl->lens[fl->n] = strlen(t->cols[j].name);
				fl->cols[fl->n++] = &t->cols[j];
			}
	}
	ms.fieldvals = xcalloc(o->nfields ? o->nfields : 1,
	    sizeof(*ms.fieldvals));
	if (so.on_end)
		so.on_end = end_hook;
	if (so.on_bad)
		so.on_bad = bad_hook;
	if (so.ahead)
		so.ahead = ahead_hook;
	rc = stream_run(&so, on_line, &ms);
	for (i = 0; i < ms.ntables; i++) {
		free(ms.tables[i].cols);
		free(ms.tables[i].lens);
	}
	buf_release(&ms.text);
	free(ms.tables);
	free(ms.fieldvals);
	return rc;
}
