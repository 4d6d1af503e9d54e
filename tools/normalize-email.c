/*
 * normalize-email: canonical addresses in every email column of a Singer
 * stream, or in the -f fields of plain JSON lines.  The parsing is
 * lib/email.c, the policy for one value lib/email_map.c, the loop
 * lib/mapper.c; this is options, warnings and counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "email_map.h"
#include "mapper.h"
#include "schema.h"

#include "banned.h"

static const struct cli_tool tool = {
	"normalize-email",
	"usage: normalize-email [-f FIELD]... [--strict] [--max-line SIZE] [-v | -q]\n"
	"                       [--log-format text|json] [FILE...]\n"
};

static const struct option longopts[] = {
	{ "field", required_argument, NULL, 'f' },
	CLI_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

struct ctx {
	struct email_map map;
	int strict;
	const struct mapper_value *cur;  /* the value being mapped */
	struct buf first;                /* strict: the first refusal */
	int refused;                     /* refusals in the current value */
};

/* "value" for a message: JSON-quoted, cut at 100 bytes. */
static void
quote(struct buf *b, const char *s, size_t n)
{
	size_t cut = n > 100 ? 100 : n;

	/* do not cut inside a UTF-8 sequence */
	while (cut < n && cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	json_write_str(b, s, cut);
	if (cut < n)
		buf_addstr(b, "...");
}

static void
on_refused(void *arg, const char *value, size_t n, const char *why,
	const char *outcome)
{
	struct ctx *c = arg;
	struct buf msg = BUF_INIT;

	c->refused++;
	buf_printf(&msg, "%s: not an address (%s)", c->cur->field, why);
	if (!c->strict)
		buf_printf(&msg, ", %s", outcome);
	buf_addstr(&msg, ": ");
	quote(&msg, value, n);
	if (c->strict) {
		if (c->first.len == 0)
			buf_addstr(&c->first, msg.data);
	} else {
		diag_warn("%s:%lu: %s", c->cur->line->file, c->cur->line->lineno,
			msg.data);
	}
	buf_release(&msg);
}

static enum mapper_verdict
on_value(void *arg, struct mapper_value *v)
{
	struct ctx *c = arg;
	enum email_map_kind kind = (v->flags & COL_EMAIL_LIST) ?
		EMAIL_MAP_LIST : EMAIL_MAP_ONE;
	unsigned flags = 0;
	enum email_map_result r;
	const struct json *orig = *v->slot;

	if (v->col == NULL)
		flags |= EMAIL_MAP_ARRAY_OK;
	else if (v->col->flags & COL_REQUIRED)
		flags |= EMAIL_MAP_KEEP_INVALID;
	c->cur = v;
	c->refused = 0;
	buf_reset(&c->first);
	r = email_map_value(&c->map, v->doc, v->slot, kind, flags);
	if (r == EMAIL_MAP_WRONG_TYPE) {
		buf_printf(v->why, "%s: not an email address value: a JSON %s",
			v->field, (*v->slot)->type == JSON_NUMBER ? "number" :
			(*v->slot)->type == JSON_OBJECT ? "object" :
			(*v->slot)->type == JSON_ARRAY ? "array" : "boolean");
		if ((*v->slot)->type == JSON_ARRAY)
			buf_addstr(v->why, " holding something other than strings");
		return MAPPER_BAD;
	}
	if (c->strict && c->refused) {
		buf_addstr(v->why, c->first.data);
		return MAPPER_BAD;
	}
	/* a new node in *v->slot is the mapper's to see (and splice); only
	 * a change in place (the elements of a -f array) is CHANGED */
	return r == EMAIL_MAP_CHANGED && *v->slot == orig ? MAPPER_CHANGED :
		MAPPER_KEEP;
}

static int
on_end(void *arg, struct stream *st)
{
	struct ctx *c = arg;

	(void)st;
	if (c->map.refused && !c->strict)
		diag_warn("%lu %s", c->map.refused, c->map.refused == 1 ?
			"value was not an address" : "values were not addresses");
	return 0;
}

int
main(int argc, char **argv)
{
	struct ctx c;
	struct mapper_opts o;
	struct cli_common cc = CLI_COMMON_INIT;
	const char **fields;
	size_t nfields = 0;
	int opt, rc = CLI_CONTINUE, closing;

	diag_init("normalize-email");
	memset(&c, 0, sizeof(c));
	memset(&o, 0, sizeof(o));
	fields = xcalloc((size_t)argc + 1, sizeof(*fields));
	while (rc == CLI_CONTINUE && (opt = getopt_long(argc, argv,
	    "f:" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (opt == 'f')
			fields[nfields++] = optarg;
		else
			rc = cli_common(&cc, &tool, opt, optarg);
	}
	if (rc != CLI_CONTINUE) {
		free(fields);
		return rc;
	}
	c.strict = cc.strict;
	email_map_init(&c.map, on_refused, &c);
	o.stream.files = (const char *const *)argv + optind;
	o.stream.nfiles = (size_t)(argc - optind);
	o.stream.strict = cc.strict;
	o.stream.max_line = cc.max_line;
	o.stream.on_end = on_end;
	o.fields = fields;
	o.nfields = nfields;
	o.col_flags = COL_EMAIL | COL_EMAIL_LIST;
	o.value_fn = on_value;
	o.ctx = &c;
	rc = mapper_run(&o);
	email_map_release(&c.map);
	buf_release(&c.first);
	free(fields);
	closing = diag_close_stdout();
	return rc ? rc : closing;
}
