/*
 * csv.h: an RFC 4180 reader for Salesforce Bulk API 2.0 results.
 *
 * Reads records from text held in memory (one result chunk): fields
 * separated by a one-byte delimiter, records by LF or CRLF; a field in
 * double quotes may hold delimiters, CR, LF and doubled quotes ("").  A
 * UTF-8 byte order mark at the very start is skipped.  Fields are length-
 * delimited and may hold NUL bytes (Salesforce text can); each is also
 * NUL-terminated for convenience.  A lone quote inside an unquoted field is
 * taken literally (lenient); text after a closing quote other than a
 * delimiter or line end, or a quote left open at the end, is EX_DATAERR.
 * A final line without a line end is a record; an empty input has none.
 */
#ifndef SI_CSV_H
#define SI_CSV_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

struct csv_reader {
	const char *p, *end;
	char delim;
	unsigned long line;      /* line number where the last record started */
	unsigned long next_line;
	/* the last record: field i is data.data + off[i], len[i] bytes */
	struct buf data;
	size_t *off, *len;
	size_t n, cap;
};

void csv_reader_init(struct csv_reader *r, const char *text, size_t n, char delim);
void csv_reader_release(struct csv_reader *r);
/* Read the next record: 1 when there is one, 0 at the end, or -1 with e
 * filled (EX_DATAERR, with the line number). */
int csv_next(struct csv_reader *r, struct err *e);
static inline const char *
csv_field(const struct csv_reader *r, size_t i, size_t *len)
{
	*len = r->len[i];
	return r->data.data + r->off[i];
}

#endif
