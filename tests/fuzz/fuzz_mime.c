/*
 * fuzz_mime: a raw message through the MIME parser, the body finder, the
 * transfer and charset decoding, RFC 2047 headers and the date parser.
 */
#include <stdint.h>
#include <stdlib.h>

#include "mime.h"
#include "rfc2047.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct mime_part root;
	const struct mime_part *plain = NULL, *html = NULL;
	struct buf out = BUF_INIT;
	const char *h;
	int64_t ms;

	mime_parse(&root, (const char *)data, size, NULL);
	mime_find_bodies(&root, &plain, &html);
	if (plain)
		mime_part_text(plain, &out);
	if (html)
		mime_part_text(html, &out);
	if ((h = mime_header_get(&root, "Subject")) != NULL)
		rfc2047_decode(&out, h, strlen(h));
	if ((h = mime_header_get(&root, "Date")) != NULL)
		mime_date_parse(h, &ms);
	rfc2047_decode(&out, (const char *)data, size);
	buf_release(&out);
	mime_part_release(&root);
	return 0;
}
