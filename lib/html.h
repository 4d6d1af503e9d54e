/*
 * html.h: HTML mail to readable plain text, for messages with no text/plain
 * part.  Not a browser: tags are dropped, <script>, <style>, <head> and
 * comments with their content; <br>, <p>, <div>, <tr>, headings and list
 * items break lines (list items get "- "); white space collapses as HTML
 * renders it (kept inside <pre>); character references (named, decimal,
 * hex) are decoded, unknown ones left as written.  Input is UTF-8 (convert
 * with charset.h first); output is UTF-8 with at most one blank line in a
 * row and no leading or trailing blank lines.
 */
#ifndef SI_HTML_H
#define SI_HTML_H

#include <stddef.h>

#include "buf.h"

/*
 * Append the text of html[0..n) to out, at most max bytes of it (0: no
 * limit; a cut never splits a UTF-8 sequence).  Returns 1 when the text
 * was cut at max, else 0.  Time is linear in n.
 */
int html_to_text(struct buf *out, const char *html, size_t n, size_t max);

/* Decode one character reference at s ("&amp;", "&#39;", "&#x41;"):
   appends its UTF-8 and returns the bytes consumed, or 0 if s is not one. */
size_t html_entity(struct buf *out, const char *s, size_t n);

#endif
