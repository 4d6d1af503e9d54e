/*
 * fuzz_api: the JSON bodies of the APIs' answers, as the pulls read them:
 * a Gmail message (messages.get), a Dialpad call and transcript, a HubSpot
 * sequence.  The first byte picks the reader; the rest is the body.
 */
#include <stdlib.h>

#include "dialpad.h"
#include "gmail_msg.h"
#include "hubspot.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct json_doc doc;
	static int ready;
	struct err e = ERR_INIT;
	struct buf out = BUF_INIT;
	struct json *root;

	if (!ready) {
		json_doc_init(&doc);
		ready = 1;
	}
	if (size < 1)
		return 0;
	root = json_parse(&doc, (const char *)data + 1, size - 1, &e);
	if (root) {
		switch (data[0] % 3) {
		case 0: {
			struct gmail_msg_opts o = { 0 };
			struct gmail_msg_info info = { 0 };

			o.mailbox = "rep@northwind.example";
			gmail_msg_records(&out, root, &o, &info, &e);
			break;
		}
		case 1: {
			struct dialpad_line *lines = NULL;
			size_t n = dialpad_transcript_lines(root, &lines);

			dialpad_write_call(&out, root, lines, n, 0);
			free(lines);
			break;
		}
		default:
			hubspot_write_sequence(&out, root, "1", 0);
			break;
		}
	}
	buf_release(&out);
	err_release(&e);
	return 0;
}
