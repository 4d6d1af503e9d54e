/*
 * freemail.h: the set of free-mail (and disposable-mail) domains.
 *
 * An address at one of these domains says nothing about the company a
 * person works for, so resolve never ties it to an account by its domain.
 * The built-in list is schema/freemail-domains.txt (compiled in, source
 * and licence in its header); a user file in the same format extends it:
 * one domain per line, '#' comments, blank lines ignored, and a line
 * "!domain" removes a domain (a company whose domain a public list got
 * wrong).  Domains are stored in canonical form (email_domain_canon: lower
 * case, A-labels), so lookups take canonical domains, as email_domain()
 * returns them.
 */
#ifndef SI_FREEMAIL_H
#define SI_FREEMAIL_H

#include <stddef.h>

#include "diag.h"

struct freemail;

/* An empty set; freemail_new_default(): the built-in list.  Never NULL. */
struct freemail *freemail_new(void);
struct freemail *freemail_new_default(void);
void freemail_free(struct freemail *fm);

/* Add (or, remove != 0, take out) one domain; any spelling email_domain_canon
 * takes.  Returns 0, or -1 when it is not a domain. */
int freemail_add(struct freemail *fm, const char *domain, size_t n);
int freemail_remove(struct freemail *fm, const char *domain, size_t n);

/* Read a list file into the set.  EX_CONFIG in e (with "FILE:LINE: ...")
 * when the file cannot be read or a line is not a domain; the lines before
 * a bad one stay added. */
int freemail_load(struct freemail *fm, const char *path, struct err *e);

/* Is this canonical domain in the set? */
int freemail_contains(const struct freemail *fm, const char *domain);
/* Is it, or one of its parent domains ("mail.yahoo.com" -> "yahoo.com")? */
int freemail_covers(const struct freemail *fm, const char *domain);
/* The number of domains in the set. */
size_t freemail_count(const struct freemail *fm);

#endif
