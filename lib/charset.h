/*
 * charset.h: text in any declared charset to UTF-8.
 *
 * Mail declares its charset, but the label is often wrong: Gmail hands out
 * body.data already converted to UTF-8 while the part still says
 * iso-2022-jp, senders label windows-1252 text as iso-8859-1, and some
 * labels are unknown ("x-user-defined", "unknown-8bit").  The rule here:
 *   1. bytes that are valid UTF-8 and the charset is not a 7-bit stateful
 *      one (iso-2022-*, utf-7) are kept as they are;
 *   2. otherwise iconv converts from the declared charset (us-ascii,
 *      iso-8859-1 and latin1 are read as windows-1252, their practical
 *      superset, as the WHATWG encoding standard does);
 *   3. an unknown or missing charset falls back to windows-1252 (a byte
 *      maps to one character, so nothing is lost) and says so;
 *   4. bytes invalid in the charset become U+FFFD and conversion goes on.
 * The output is always valid UTF-8.
 */
#ifndef SI_CHARSET_H
#define SI_CHARSET_H

#include <stddef.h>

#include "buf.h"

/* Flags returned by charset_to_utf8 (0 = clean conversion or kept as is). */
enum charset_flag {
	CHARSET_FALLBACK = 1,   /* charset unknown: read as windows-1252 */
	CHARSET_REPLACED = 2,   /* some bytes were invalid: U+FFFD written */
	CHARSET_KEPT = 4        /* already valid UTF-8, kept unchanged */
};

/* 1 when s[0..n) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int charset_utf8_valid(const char *s, size_t n);

/*
 * Append s[0..n) converted to UTF-8 to out.  charset may be NULL or "" (then
 * valid UTF-8 is kept, anything else read as windows-1252).  Returns the
 * charset_flag bits describing what happened.  Never fails: the only failure
 * is out's own (buf_failed(out)).
 */
unsigned charset_to_utf8(struct buf *out, const char *charset,
	const char *s, size_t n);

/* Append n bytes read as windows-1252 (latin1 superset) as UTF-8. */
void charset_cp1252_to_utf8(struct buf *out, const char *s, size_t n);

/* Append s, replacing every invalid UTF-8 sequence with U+FFFD. */
unsigned charset_utf8_sanitize(struct buf *out, const char *s, size_t n);

#endif
