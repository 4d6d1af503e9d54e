/*
 * phone_value.h: what normalize-phone does to one JSON value of a phone
 * field (the policy of normalize-phone(1), kept out of the tool so other
 * mappers can share it).
 *
 *   string, valid number     -> the E.164 string           PHONE_VALUE_SET
 *   string, not valid        -> null, or kept as sent with keep_invalid;
 *                               status says why            PHONE_VALUE_REJECTED
 *   "", white space          -> null, quietly (kept with keep_invalid)
 *                                                          PHONE_VALUE_EMPTY
 *   null                     -> null                        PHONE_VALUE_SAME
 *   number (4155550100)      -> read from its text, as a string
 *   array                    -> each element, in place (arrays of arrays
 *                               are not entered)           PHONE_VALUE_ARRAY
 *   true, false, object      -> left alone                 PHONE_VALUE_BAD_TYPE
 */
#ifndef SI_PHONE_VALUE_H
#define SI_PHONE_VALUE_H

#include "json.h"
#include "phone.h"

enum phone_value_outcome {
	PHONE_VALUE_SAME,       /* already what it should be: nothing changed */
	PHONE_VALUE_SET,        /* replaced by its E.164 string */
	PHONE_VALUE_EMPTY,      /* "" or white space: null, no warning */
	PHONE_VALUE_REJECTED,   /* not a valid number: see status */
	PHONE_VALUE_ARRAY,      /* an array: elements done one by one; see the counts */
	PHONE_VALUE_BAD_TYPE    /* a boolean or an object: untouched */
};

struct phone_value_opts {
	const char *region;     /* default region, upper case; "ZZ" or NULL: none */
	int keep_invalid;       /* never null a value: keep a rejected or blank
	                           one as sent */
};

/* Counts kept across calls (the end-of-run summary). */
struct phone_value_counts {
	unsigned long set, empty, rejected, extensions;
};

/*
 * Normalize the value v (a node of doc) in place: its type, text and
 * length change (new text is allocated in doc); its key and its place
 * among its siblings stay.  For PHONE_VALUE_REJECTED, *status
 * says why and, when why is not NULL, why receives a short reason with the
 * value ("not a phone number: \"n/a\"").  For an array, the first rejected
 * element's status and reason are reported and the outcome is
 * PHONE_VALUE_REJECTED if any element was rejected, else PHONE_VALUE_ARRAY.
 */
enum phone_value_outcome phone_value_normalize(struct json_doc *doc,
	struct json *v, const struct phone_value_opts *o,
	struct phone_value_counts *counts, enum phone_status *status,
	struct buf *why);

/* A reason for a status, in the words of the man page: "not a phone
 * number", "invalid for its region", ... */
const char *phone_value_reason(enum phone_status status);

#endif
