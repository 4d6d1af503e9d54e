/*
 * regionmap.h: the phone region of each Salesforce account, from its
 * billing country, for numbers of records that name no country of their
 * own (a contact's numbers are read in its account's country).  Owner: lead.
 *
 * Keys are account ids; a value is a region code ("GB"), or NULL for an
 * account known to have none.  Both are copied; a region returned lives
 * until the account's region is set again or the map is freed.
 */
#ifndef SI_REGIONMAP_H
#define SI_REGIONMAP_H

#include <stddef.h>

#include "diag.h"

struct regionmap;

struct regionmap *regionmap_new(void);
void regionmap_free(struct regionmap *m);

/* Set the region of account id[0..n) (NULL: it has none); 0, or -1 when
 * the id is empty. */
int regionmap_set(struct regionmap *m, const char *id, size_t n,
    const char *region);
/* The region of account id[0..n), or NULL (unknown, or none). */
const char *regionmap_get(const struct regionmap *m, const char *id,
    size_t n);
/* The number of accounts with a region. */
size_t regionmap_count(const struct regionmap *m);

/*
 * The region of a billing country as CRM data spells it: the country's
 * alpha-2 code when it is known and phone numbers have a region for it,
 * else NULL.
 */
const char *regionmap_region_of(const char *country, size_t n);

/*
 * Add every account of the warehouse at path (table sf_accounts, columns
 * account_id and billing_country), read-only.  A warehouse without the
 * table or the column (older than both) adds nothing.  0, or an exit code
 * with e set (EX_NOINPUT: no such file; EX_IOERR: not readable).
 */
int regionmap_load_db(struct regionmap *m, const char *path, struct err *e);

#endif
