/*
 * mime.h: RFC 5322 / MIME messages as a tree of parts.
 *
 * mime_parse() reads a whole message held in memory and builds the tree of
 * its parts: headers (unfolded, names matched case-insensitively, duplicates
 * kept in order), the content type and its parameters, and for multipart types
 * the children between the boundaries, recursively; message/rfc822 has its
 * enclosed message as the only child.  Real mail is sloppy, so nothing here
 * refuses a message: a multipart whose boundary never appears becomes a
 * text/plain leaf, a missing closing boundary ends at the end of the text,
 * a header line without a colon is skipped; each such repair sets a flag on
 * the part.  Limits (depth, parts, headers) keep hostile input bounded: past
 * them the rest is kept as an undivided leaf (flag MIME_F_LIMIT).
 *
 * Ownership: the tree owns its headers and strings; body pointers point into
 * the text given to mime_parse(), which must outlive the tree.
 */
#ifndef SI_MIME_H
#define SI_MIME_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"

enum mime_cte { MIME_CTE_IDENTITY, MIME_CTE_BASE64, MIME_CTE_QP };

enum mime_flag {
	MIME_F_NO_BOUNDARY = 1,   /* multipart without usable boundary: leaf */
	MIME_F_NO_CLOSE = 2,      /* closing boundary missing */
	MIME_F_BAD_HEADER = 4,    /* a header line was skipped */
	MIME_F_LIMIT = 8,         /* a limit stopped the descent */
	MIME_F_BAD_CTE = 16       /* unknown transfer encoding: taken as is */
};

struct mime_header {
	char *name;     /* as written */
	char *value;    /* unfolded (CR/LF + WSP -> one space), trimmed; raw
	                   bytes, encoded words not decoded */
};

struct mime_part {
	struct mime_header *headers;
	size_t nheaders;
	char *type;         /* lower-case "type/subtype"; text/plain by default
	                       (message/rfc822 inside multipart/digest) */
	char *charset;      /* charset parameter (as written) or NULL */
	char *boundary;     /* multipart boundary or NULL */
	char *filename;     /* Content-Disposition filename= or Content-Type
	                       name=, RFC 2231 / 2047 decoded to UTF-8; or NULL */
	int attachment;     /* Content-Disposition: attachment */
	enum mime_cte cte;
	const char *body;   /* raw (still encoded) body, inside the parsed text */
	size_t body_n;
	struct mime_part *parts;  /* children (multipart, message/rfc822) */
	size_t nparts;
	unsigned flags;     /* mime_flag bits */
};

struct mime_limits {
	unsigned max_depth;     /* nesting; default 32 */
	size_t max_parts;       /* parts in the whole tree; default 1000 */
	size_t max_headers;     /* headers per part; default 1000 */
};

/*
 * Parse text[0..n) into *root (which need not be initialised).  lim may be
 * NULL for the defaults.  Returns 0; the tree is always built (see above).
 * Release with mime_part_release().
 */
int mime_parse(struct mime_part *root, const char *text, size_t n,
	const struct mime_limits *lim);
void mime_part_release(struct mime_part *p);

/* The first header named name (any case), or NULL; nth for the n-th (0..). */
const char *mime_header_get(const struct mime_part *p, const char *name);
const char *mime_header_nth(const struct mime_part *p, const char *name,
	size_t nth);

/*
 * The value of parameter name (any case) in a structured header value such
 * as `text/plain; charset="utf-8"`, unquoted, RFC 2231 continuations
 * (name*0=, name*1*=) joined and %XX decoded (bytes, charset not applied).
 * Returns 1 and appends to out, or 0 when absent.
 */
int mime_param(const char *value, const char *name, struct buf *out);

/* Unfold a header value: CR/LF followed by blanks become one space. */
void mime_unfold(struct buf *out, const char *s, size_t n);

/*
 * Base64.  flags MIME_B64_URL: the base64url alphabet (- and _), padding
 * optional, any other character (also white space) is an error (-1).
 * Without it: the standard alphabet, characters outside it ignored as
 * RFC 2045 asks, decoding stops at '='.  Appends to out; 0 on success.
 */
#define MIME_B64_URL 1
int mime_base64_decode(struct buf *out, const char *s, size_t n,
	unsigned flags);
/* Standard base64 with padding, or base64url without (MIME_B64_URL). */
void mime_base64_encode(struct buf *out, const void *p, size_t n,
	unsigned flags);

/*
 * Quoted-printable (RFC 2045 6.7): soft line breaks removed, =XX decoded
 * (either case), a stray '=' kept literally, blanks at line ends dropped.
 * header = 1 for RFC 2047 "Q": '_' means space, no line structure.
 */
void mime_qp_decode(struct buf *out, const char *s, size_t n, int header);

/* The part's body with its transfer encoding removed (bytes). */
void mime_part_decode(const struct mime_part *p, struct buf *out);

/* The part's text as UTF-8 (decoded, charset converted; see charset.h).
   Returns the charset_flag bits. */
unsigned mime_part_text(const struct mime_part *p, struct buf *out);

/* 1 when the part is an attachment rather than a body: a filename, or
   Content-Disposition: attachment. */
int mime_part_is_attachment(const struct mime_part *p);

/*
 * The body parts of a message, Gmail's rules: depth first in order; the
 * first non-attachment text/plain and text/html leaves; forwarded messages
 * (message/rfc822) are attachments and not descended into.  Either result
 * may be NULL.
 */
void mime_find_bodies(const struct mime_part *root,
	const struct mime_part **plain, const struct mime_part **html);

/*
 * An RFC 5322 date ("Wed, 4 Mar 2026 10:15:25 +0100") as epoch ms (UTC).
 * Lenient like mail readers: the weekday is optional and not checked,
 * seconds optional, two-digit years (< 50: 20xx), obsolete zone names
 * (UT, GMT, Z, EST, PDT, ... military letters read as UTC), a comment
 * after the zone, no zone at all (UTC), "2026-03-04 10:15:25" ISO style.
 * Returns 0, or -1 when no date can be read.
 */
int mime_date_parse(const char *s, int64_t *ms);

#endif
