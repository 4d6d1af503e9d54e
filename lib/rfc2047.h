/*
 * rfc2047.h: encoded words in header values (=?charset?B|Q?text?=).
 *
 * Decodes every well-formed encoded word to UTF-8 (through charset.h, so an
 * unknown charset falls back to windows-1252); white space between two
 * adjacent encoded words is dropped, and adjacent words in the same charset
 * are joined before conversion so a character split across them survives.
 * A malformed word (unknown encoding, bad base64, no closing ?=) is left as
 * it is.  The header is unfolded first (CR/LF + blanks -> one space).  Text
 * outside encoded words that is not UTF-8 is read as windows-1252, so the
 * result is always valid UTF-8.  Idempotent on text without encoded words.
 * Departure from RFC 2047: encoded words inside quoted strings and glued
 * to other text are decoded too, as every mail client does.
 */
#ifndef SI_RFC2047_H
#define SI_RFC2047_H

#include <stddef.h>

#include "buf.h"

/* Append the decoded value to out. */
void rfc2047_decode(struct buf *out, const char *s, size_t n);

#endif
