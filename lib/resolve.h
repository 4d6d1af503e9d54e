/*
 * resolve.h: entity resolution, the rules of DESIGN.md section 7.
 *
 * A resolve_index holds the reference data (Salesforce contacts, leads,
 * accounts and the active manual mappings) in memory, in hash tables keyed
 * by email match key, E.164 number and website domain.  It is filled once
 * (resolve_index_add_*, or the loaders in resolve_load.c), then
 * resolve_index_finish() is called, and from then on the lookups
 * (resolve_email, resolve_phone) are cheap: the answer of every address
 * and domain key is worked out by resolve_index_finish and kept with the
 * key (a number's at its first lookup; an unknown address's by its domain,
 * for up to 2^18 domains), so a lookup is mostly one hash probe.  Adding
 * records after resolve_index_finish is allowed (the kept answers are
 * dropped; call resolve_index_finish again); lookups before it work too,
 * keeping nothing.
 *
 * The rules, highest first (the first that yields a candidate decides):
 *   1. an active manual mapping of the email match key / the number;
 *   2. email: the exact match key on a contact;
 *   3. email: the exact match key on a lead; a converted lead stands for its
 *      converted contact and account;
 *   4. phone: the exact E.164 number on a contact's phone or mobile phone;
 *   5. phone: the exact E.164 number on an account's phone or a lead's phone
 *      or mobile phone;
 *   6. email: the domain of the address, or a parent of it down to its
 *      registrable domain (Public Suffix List), equal to an account's
 *      website domain (the most specific level that has an account wins);
 *      never for free-mail domains nor for internal domains, which set
 *      is_internal instead.
 *
 * Ties (several candidates under one rule) are broken deterministically:
 * a candidate that gives a contact before one that does not (contact over
 * lead; an account's number after a lead's converted contact, before a plain
 * lead), then the most recently modified, then the lowest id (byte order).
 * A tie lowers the confidence to "fuzzy" (manual stays "manual"), divides
 * the score by 1 + (N - 1) / 4 for N candidates, and the method says N:
 * "email_contact_tie:3".  Candidates that stand for the same record (two
 * leads converted into one contact) count once; past 64 distinct ones, the
 * rest are counted without that check.
 *
 * Every string a match points to belongs to the index and lives until
 * resolve_index_free().  Lookups use a scratch buffer of the index and
 * keep answers in it: one index serves one thread.
 */
#ifndef SI_RESOLVE_H
#define SI_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"

struct resolve_index;

/* Reference records.  NULL or "" means absent.  Strings are copied. */
struct resolve_contact {
	const char *id;
	const char *account_id;
	const char *email;
	const char *phone;
	const char *mobile_phone;
	const char *modified;   /* last_modified_date (or system_modstamp) */
};

struct resolve_lead {
	const char *id;
	const char *email;
	const char *phone;
	const char *mobile_phone;
	int is_converted;
	const char *converted_contact_id;
	const char *converted_account_id;
	const char *modified;
};

struct resolve_account {
	const char *id;
	const char *website;    /* any spelling: normalised by the index */
	const char *domain;     /* the optional domain column, same treatment */
	const char *phone;
	const char *modified;
};

struct resolve_mapping {
	const char *id;
	const char *email;
	const char *phone;
	const char *contact_id;
	const char *account_id;
	const char *lead_id;
	int is_active;          /* inactive mappings are ignored */
	const char *modified;   /* created_at */
};

/* The result of one lookup. */
struct resolve_match {
	const char *contact_id; /* NULL when none */
	const char *lead_id;
	const char *account_id;
	const char *confidence; /* "exact", "fuzzy", "manual"; NULL: no match */
	const char *rule;       /* e.g. "email_contact"; NULL: no match */
	unsigned candidates;    /* how many tied (1: no tie) */
	double score;           /* 0..1; 0 when no match */
	int is_internal;        /* the address is in an internal domain */
	char method[48];        /* rule, or "rule_tie:N"; "" when no match */
};

struct resolve_index *resolve_index_new(void);
void resolve_index_free(struct resolve_index *ix);

/*
 * Adding records; each returns 0, or 1 when the record was skipped (no id).
 * Emails and numbers are normalised here: a display name, case, +tags and
 * gmail.com dots do not matter; numbers are brought to E.164 (see
 * resolve_phone_key); an account's website is reduced to its host.
 */
int resolve_index_add_contact(struct resolve_index *ix,
	const struct resolve_contact *c);
int resolve_index_add_lead(struct resolve_index *ix,
	const struct resolve_lead *l);
int resolve_index_add_account(struct resolve_index *ix,
	const struct resolve_account *a);
int resolve_index_add_mapping(struct resolve_index *ix,
	const struct resolve_mapping *m);
/* The company's own domains (and their subdomains): never matched by domain,
 * marked is_internal.  Returns -1 for something that is not a domain. */
int resolve_index_add_internal_domain(struct resolve_index *ix,
	const char *domain);
/* The region numbers written without a country code are dialled from
 * (ISO 3166, e.g. "GB"; default "US").  -1 for an unknown region. */
int resolve_index_set_region(struct resolve_index *ix, const char *region);
/*
 * Free mail.  A new index holds lib/freemail's built-in list
 * (schema/freemail-domains.txt); an address in one of its domains, or a
 * subdomain of one, is never matched by domain.  add: one more domain (-1
 * for something that is not a domain).  read: a list file in freemail.h's
 * format (one domain a line, '#' comments, "!domain" takes one out);
 * EX_CONFIG in e with "FILE:LINE: ..." when it cannot be read or a line is
 * not a domain.
 */
int resolve_index_add_freemail(struct resolve_index *ix, const char *domain);
int resolve_index_read_freemail(struct resolve_index *ix, const char *path,
	struct err *e);
/* Seal the index: afterwards only lookups.  Loads the Public Suffix List. */
void resolve_index_finish(struct resolve_index *ix);

/* Counts of what the index holds (for logs and tests). */
struct resolve_stats {
	size_t contacts, leads, accounts, mappings, freemail, internal;
};
void resolve_index_stats(const struct resolve_index *ix,
	struct resolve_stats *st);

/*
 * Resolve an email address (any spelling: "Asha <ASHA@Globex.co.uk>").
 * Returns 1 when matched, 0 when not (m->is_internal may still be set).
 */
int resolve_email(const struct resolve_index *ix, const char *addr, size_t n,
	struct resolve_match *m);
/* Resolve a phone number (E.164, or a spelling resolve_phone_key accepts). */
int resolve_phone(const struct resolve_index *ix, const char *num, size_t n,
	struct resolve_match *m);

/*
 * Look-ahead (stream.h's ahead hook): resolve_ahead is given the raw text
 * of each line a few lines before the line is resolved.  It finds the
 * line's first address (the string around its first '@') and touches the
 * table slot the address would be found in; RESOLVE_AHEAD_HALF lines later
 * it touches the record that slot points to, so that by the time the
 * line's lookup comes, its memory is in the cache.  It changes nothing:
 * a wrong guess costs a wasted load.  a starts zeroed.
 */
#define RESOLVE_AHEAD_RING 8
#define RESOLVE_AHEAD_HALF 4
struct resolve_ahead {
	uint64_t h[RESOLVE_AHEAD_RING], hd[RESOLVE_AHEAD_RING];
	unsigned char set[RESOLVE_AHEAD_RING];
	unsigned n;
};
void resolve_ahead(const struct resolve_index *ix, struct resolve_ahead *a,
	const char *text, size_t len);

/*
 * Records.  resolve_record acts on the record (a JSON object in doc) of a
 * Singer RECORD of stream:
 *   gmail_participants   email_address -> sf_contact_id, sf_lead_id,
 *                        sf_account_id, match_confidence, match_method,
 *                        confidence_score, is_internal
 *   hubspot_enrollments  contact_email -> the same, but is_internal
 *   sf_email_messages    the counterpart -> the same, but is_internal: the
 *                        first address, in the order from, to, cc, bcc
 *                        (to, cc, bcc, from when "incoming" is false), that
 *                        is not internal and matches; a list column holds
 *                        "a@x; b@y", or a JSON array
 *   dialpad_calls        external_number (else from_number of an inbound,
 *                        to_number of an outbound call) -> matched_contact_id,
 *                        matched_lead_id, matched_account_id,
 *                        match_confidence, match_method, confidence_score
 * Every output column is written: null when there is no match, so a
 * re-resolution clears what no longer holds.  Returns 1 when the record was
 * changed, 0 when it holds nothing to resolve (left as is), -1 when resolve
 * does not act on the stream.  m (when not NULL) gets the match.
 */
struct json;
struct json_doc;
int resolve_record(const struct resolve_index *ix, struct json_doc *doc,
	const char *stream, struct json *record, struct resolve_match *m);
/*
 * resolve_record, but when tail is not NULL and the record holds none of
 * the output columns yet (the usual case), they are appended to tail as
 * member text (mapper.h's mapper_record_tail) instead of to the record,
 * which is left as it is.
 */
struct buf;
int resolve_record_text(const struct resolve_index *ix, struct json_doc *doc,
	const char *stream, struct json *record, struct buf *tail,
	struct resolve_match *m);
/*
 * A plain JSON object: resolve the value of member field (an address when
 * it holds '@', else a number) and set the gmail_participants output
 * members (sf_contact_id ... is_internal) at the top level of obj.
 * Returns 1 changed, 0 when the field is absent or not a string.
 */
int resolve_plain(const struct resolve_index *ix, struct json_doc *doc,
	struct json *obj, const struct json *field, struct resolve_match *m);
/* The score as JSON number text: "1.0", "0.72" (three decimals at most). */
void resolve_score_text(double score, struct buf *out);

/*
 * Keys, exposed for tests and the tool.  Each writes into out (reset first)
 * and returns 0, or -1 when the input holds no usable key.
 *   resolve_email_key: email_match_key (email.h): the canonical address,
 *     +tag cut, and for gmail.com/googlemail.com the dots of the local
 *     part removed and the domain spelt gmail.com.  One address only.
 *   resolve_phone_key: E.164.  A number already in E.164 is taken as it
 *     is (the fast path: the warehouse holds E.164); else lib/phone reads
 *     it as dialled from region (libphonenumber's rules: national
 *     prefixes, "(0)", extensions, "tel:"); a number it cannot read is
 *     tried as digits: "+" or "00" then 8 to 15 digits, or a NANP number
 *     of 10 digits (11 starting with 1).
 *   resolve_website_domain: the host of a website: scheme, user, port,
 *     path, query and "www." removed, then email_domain_canon (lower case,
 *     A-labels, final dot dropped), so it compares with address domains.
 */
int resolve_email_key(const char *addr, size_t n, struct buf *out);
int resolve_phone_key(const char *num, size_t n, const char *region,
	struct buf *out);
int resolve_website_domain(const char *website, size_t n, struct buf *out);

#endif
