/*
 * email_map.h: what normalize-email does to one JSON value.  The tool is a
 * thin loop over lib/mapper; the policy lives here, where it is tested.
 *
 * One-address values (a COL_EMAIL column, a -f field):
 *   a string becomes its canonical address (email.h);
 *   a blank string (nothing but white space or comments) becomes null,
 *   quietly: it held no address;
 *   a string that is not one address (invalid, or several addresses)
 *   becomes null, with a warning; with EMAIL_MAP_KEEP_INVALID (a required
 *   column, which load would refuse as null) it stays as sent, with a
 *   warning;
 *   null stays null;
 *   with EMAIL_MAP_ARRAY_OK (-f fields), an array is normalized element by
 *   element, each element one address, positions kept (an invalid element
 *   becomes null);
 *   anything else (number, boolean, object) is the wrong type.
 * Address-list values (a COL_EMAIL_LIST column):
 *   an array of strings stays an array: each string may itself hold a
 *   list ("a@x, b@y"); the result is the valid canonical addresses, each
 *   once, in order of first appearance; null elements go; items that are
 *   not addresses go, with a warning; an element of another type is the
 *   wrong type;
 *   a string (Salesforce's "a@x; b@y") stays a string: the same addresses
 *   joined with "; "; null when none is left;
 *   null stays null; anything else is the wrong type.
 * A value already canonical is left untouched (EMAIL_MAP_SAME), so the
 * line passes through byte for byte.
 */
#ifndef SI_EMAIL_MAP_H
#define SI_EMAIL_MAP_H

#include <stddef.h>

#include "buf.h"
#include "email.h"
#include "json.h"

enum email_map_kind {
	EMAIL_MAP_ONE,          /* one address */
	EMAIL_MAP_LIST          /* a list of addresses */
};

enum email_map_flag {
	EMAIL_MAP_KEEP_INVALID = 1,     /* ONE: keep a bad value as sent */
	EMAIL_MAP_ARRAY_OK = 2          /* ONE: an array is element by element */
};

enum email_map_result {
	EMAIL_MAP_SAME,         /* nothing changed */
	EMAIL_MAP_CHANGED,      /* *slot replaced, or changed in place */
	EMAIL_MAP_WRONG_TYPE    /* not a type an address can have: a bad line */
};

/*
 * A refused value or list item: value[0..n) as it came (a string, may hold
 * NUL bytes), why (email.h's reason), and what became of it: "set to
 * null", "kept as sent" or "dropped from the list".
 */
typedef void (*email_map_warn_fn)(void *arg, const char *value, size_t n,
	const char *why, const char *outcome);

struct email_map {
	struct buf out;
	struct email_list list;
	email_map_warn_fn warn;         /* may be NULL */
	void *warn_arg;
	unsigned long refused;          /* refused values and items, all calls */
};

void email_map_init(struct email_map *m, email_map_warn_fn warn, void *arg);
void email_map_release(struct email_map *m);

/* Normalize *slot (a node of doc; replacements are built in doc). */
enum email_map_result email_map_value(struct email_map *m,
	struct json_doc *doc, struct json **slot, enum email_map_kind kind,
	unsigned flags);

#endif
