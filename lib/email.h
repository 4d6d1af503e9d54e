/*
 * email.h: email addresses as real mail and real CRMs hold them.
 *
 * Parsing follows RFC 5322 (addresses, address lists, groups, comments,
 * quoted strings, the obsolete route and CFWS syntax of section 4.4) and
 * RFC 6532 (UTF-8 in local parts), and is lenient where real data is
 * sloppy: Salesforce "a@x; b@y" lists, "mailto:" URIs, unquoted commas in
 * display names ("Patel, Asha <asha@x.com>"), an address wrapped in single
 * quotes, a missing closing '>', a trailing dot on the domain, Unicode
 * spaces from copy and paste.  docs/EMAIL-VIOLATIONS.md lists every
 * deliberate departure from the RFCs.
 *
 * The canonical form of an address (what every tool stores):
 *   - the bare addr-spec "local@domain", no display name, no comments;
 *   - the domain in lower case and in ASCII: an internationalized domain
 *     is converted to its A-labels with libidn2 (UTS #46, non-transitional),
 *     "bücher.de" -> "xn--bcher-kva.de"; A-labels given are checked; a
 *     label that mixes Latin, Greek and Cyrillic letters, or an all-Cyrillic
 *     label made only of Latin look-alikes under a non-Cyrillic top-level
 *     domain, is refused; a trailing dot is dropped; the domain must have
 *     a dot and a top-level label of letters (or an A-label);
 *   - the local part with its ASCII letters in lower case (RFC 5321 lets a
 *     receiving host treat case as significant; no mail provider does, the
 *     old system lower-cased, and matching needs one spelling), otherwise
 *     as sent: "+tag", dots, apostrophes, '%', '!' and UTF-8 are kept; a
 *     quoted local part is written unquoted when it is a valid dot-atom
 *     ("\"asha\"@x.com" -> "asha@x.com"), else quoted with only '"' and
 *     '\' escaped;
 *   - limits of RFC 5321: local part at most 64 octets, the whole address
 *     at most 254, a domain label at most 63; no control characters; no
 *     leading, trailing or doubled dot in the local part.
 * Domain literals ("a@[192.0.2.1]") are refused: they name no organisation.
 *
 * Reasons: functions that can refuse an address return one of the
 * EMAIL_* codes below and, when why is not NULL, set *why to a static
 * lower-case English reason ("no domain", "local part too long", ...).
 */
#ifndef SI_EMAIL_H
#define SI_EMAIL_H

#include <stddef.h>

#include "buf.h"

enum email_status {
	EMAIL_OK = 0,
	EMAIL_NONE,     /* no address at all: empty, blanks, an empty group */
	EMAIL_INVALID,  /* something that is not a valid address */
	EMAIL_MANY      /* several addresses where one was expected */
};

#define EMAIL_LOCAL_MAX 64
#define EMAIL_ADDR_MAX 254
#define EMAIL_DOMAIN_MAX 253

/* Flags for email_list_parse and email_normalize_flags. */
enum email_flag {
	EMAIL_DECODE_WORDS = 1,  /* decode RFC 2047 encoded words in display
	                            names (rfc2047_decode), after parsing, so
	                            an encoded word can never forge an address */
	EMAIL_NO_FAST_PATH = 2   /* for tests: always take the full parser */
};

/*
 * The one address in s[0..n): "Asha Patel <ASHA@Globex.co.UK>",
 * "mailto:asha@globex.co.uk", " asha@globex.co.uk. ", "team: asha@x.com;".
 * Appends its canonical form to out (nothing on failure).  Returns
 * EMAIL_OK, EMAIL_NONE (nothing there), EMAIL_INVALID, or EMAIL_MANY when
 * the text holds two or more addresses (one single-address field must not
 * silently become one of them).  Plain bare addresses take a fast path.
 */
int email_normalize(struct buf *out, const char *s, size_t n, const char **why);
int email_normalize_flags(struct buf *out, const char *s, size_t n,
	unsigned flags, const char **why);

/*
 * The key two addresses are "the same mailbox" under: the canonical form
 * with a "+tag" sub-address removed (any domain: "asha+news@x.com" ->
 * "asha@x.com"; not when the local part is quoted or starts with '+'),
 * and for gmail.com and googlemail.com the dots of the local part removed
 * and the domain spelled gmail.com.  Takes any input email_normalize
 * takes; same return values.  Use it to compare, never to store.
 */
int email_match_key(struct buf *out, const char *s, size_t n, const char **why);

/* The domain of a canonical address: the text after its last '@' (or ""). */
const char *email_domain(const char *addr);

/*
 * Canonical form of a domain alone ("Globex.CO.uk." -> "globex.co.uk",
 * "bücher.de" -> "xn--bcher-kva.de"); appended to out.  EMAIL_OK or
 * EMAIL_INVALID (or EMAIL_NONE for an empty string).
 */
int email_domain_canon(struct buf *out, const char *s, size_t n, const char **why);

/* One element of a parsed address list. Offsets index list->text. */
struct email_item {
	size_t addr, addr_len;  /* canonical address; addr_len 0 when invalid */
	size_t name, name_len;  /* display name: unquoted, blanks folded, comments
	                           dropped (a lone comment after a bare address
	                           is the name: "a@x.com (Asha)"); may be empty */
	size_t src, src_len;    /* the element as it stood in the input */
	const char *error;      /* NULL when valid, else the static reason */
};

/*
 * A parsed address list.  Reuse one across calls: parsing resets it and
 * keeps its storage.  Every string in text is NUL-terminated, so
 * email_list_addr() and email_list_name() return C strings; they live
 * until the next parse or release.
 */
struct email_list {
	struct email_item *v;
	size_t n, alloc;
	struct buf text;
	struct buf uri, name;   /* scratch */
};
#define EMAIL_LIST_INIT { NULL, 0, 0, BUF_INIT, BUF_INIT, BUF_INIT }

void email_list_init(struct email_list *l);
void email_list_release(struct email_list *l);

/*
 * Parse an address list: RFC 5322 commas, Salesforce semicolons, groups
 * ("team: a@x.com, b@y.com;", "undisclosed-recipients:;" adds nothing),
 * mailto: URIs with several addresses.  Every element that holds
 * something becomes an item, valid or not, in input order; empty elements
 * (",,", a trailing ";") add nothing.  Duplicates are kept (see
 * email_list_dedupe).  Returns the number of valid items.
 */
size_t email_list_parse(struct email_list *l, const char *s, size_t n,
	unsigned flags);
/* Drop invalid items and later duplicates of a canonical address, keeping
 * the order of first appearance.  Returns the number left. */
size_t email_list_dedupe(struct email_list *l);

static inline const char *
email_list_addr(const struct email_list *l, size_t i)
{
	return l->text.data + l->v[i].addr;
}

static inline const char *
email_list_name(const struct email_list *l, size_t i)
{
	return l->text.data + l->v[i].name;
}

#endif
