/*
 * resolve_load.h: filling a resolve_index from the warehouse or from files.
 *
 * From SQLite (resolve_load_db): the tables sf_contacts, sf_leads,
 * sf_accounts and manual_mappings, opened read-only; a missing table counts
 * as empty, a missing column as NULL.  Rows with _sdc_deleted_at set (soft
 * deleted at the source) are left out, and so are inactive mappings.
 *
 * From JSONL (resolve_load_jsonl): one record a line, either a Singer RECORD
 * message (its "record" is used; other messages are ignored) or a plain JSON
 * object, with the warehouse's column names (contact_id, email, ...).
 *
 * The "modified" time used by the tie-breaks is last_modified_date, else
 * system_modstamp (created_at for mappings).
 */
#ifndef SI_RESOLVE_LOAD_H
#define SI_RESOLVE_LOAD_H

#include "diag.h"
#include "resolve.h"

enum resolve_kind {
	RESOLVE_CONTACTS,
	RESOLVE_LEADS,
	RESOLVE_ACCOUNTS,
	RESOLVE_MAPPINGS
};

/*
 * Load all four tables from the SQLite database at path.  Returns 0, or a
 * sysexits code with e filled (EX_NOINPUT when the file does not exist,
 * EX_DATAERR when it is not a database, EX_IOERR otherwise).
 */
int resolve_load_db(struct resolve_index *ix, const char *path,
	struct err *e);

/*
 * Load records of one kind from a JSONL file ("-" is stdin, not allowed by
 * the tool since stdin carries the stream).  A line that is not a JSON
 * object is an error: EX_DATAERR, "FILE:LINE: why".  *count (when not NULL)
 * gets the number of records added.
 */
int resolve_load_jsonl(struct resolve_index *ix, enum resolve_kind kind,
	const char *path, size_t *count, struct err *e);

#endif
