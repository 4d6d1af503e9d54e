/*
 * notify: send a one-line failure notice to a webhook and/or a Pub/Sub topic.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "diag.h"
#include "http.h"
#include "notify.h"
#include "banned.h"

static const char usage[] =
	"usage: notify [--pubsub-topic TOPIC] [--pubsub-url URL] [--key-file FILE]\n"
	"              [--token-url URL] [--log-format FORMAT] [MESSAGE...]\n";

#define MAX_MESSAGE (64 * 1024)

static int
read_message(int argc, char **argv, struct buf *msg)
{
	char chunk[4096];
	size_t n;
	int i;

	for (i = 0; i < argc; i++) {
		if (i)
			buf_addch(msg, ' ');
		buf_addstr(msg, argv[i]);
	}
	if (argc == 0)
		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			if (buf_add(msg, chunk, n) < 0)
				break;
	if (buf_failed(msg)) {
		diag_error("message longer than %d bytes", MAX_MESSAGE);
		return EX_DATAERR;
	}
	while (msg->len && (msg->data[msg->len - 1] == '\n' ||
	    msg->data[msg->len - 1] == '\r'))
		buf_truncate(msg, msg->len - 1);
	if (msg->len == 0) {
		diag_error("empty message");
		return EX_DATAERR;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pubsub-topic", required_argument, NULL, 't' },
		{ "pubsub-url", required_argument, NULL, 'p' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "token-url", required_argument, NULL, 'u' },
		{ "log-format", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct notify_target t = { 0 };
	struct err e = ERR_INIT;
	struct buf msg;
	struct http_client *c;
	char *webhook = NULL;
	int opt, rc, status = 0;

	diag_init(argv[0]);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 't': t.pubsub_topic = optarg; break;
		case 'p': t.pubsub_url = optarg; break;
		case 'k': t.key_file = optarg; break;
		case 'u': t.token_url = optarg; break;
		case 'L':
			if (diag_set_format(optarg) < 0) {
				fputs(usage, stderr);
				return EX_USAGE;
			}
			break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': puts("notify (salesintel) " SI_VERSION); return 0;
		default: fputs(usage, stderr); return EX_USAGE;
		}
	}
	t.key_file = config_get(t.key_file, "NOTIFY_KEY_FILE", NULL);
	rc = config_secret("NOTIFY_WEBHOOK_URL", &webhook, &e);
	if (rc != 0 && rc != 1) {
		diag_error("%s", e.msg);
		err_release(&e);
		return rc;
	}
	t.webhook_url = webhook;
	if (t.webhook_url == NULL && t.pubsub_topic == NULL) {
		diag_error("nothing to notify: set NOTIFY_WEBHOOK_URL (or "
		    "NOTIFY_WEBHOOK_URL_FILE) or --pubsub-topic");
		return EX_CONFIG;
	}
	buf_init(&msg, MAX_MESSAGE);
	if ((rc = read_message(argc - optind, argv + optind, &msg)) != 0) {
		buf_release(&msg);
		free(webhook);
		return rc;
	}
	c = http_client_new(NULL);
	if (t.webhook_url && (rc = notify_webhook(c, t.webhook_url, msg.data, &e))) {
		diag_error("%s", e.msg);
		status = rc;
	}
	if (t.pubsub_topic && (rc = notify_pubsub(c, &t, msg.data, &e))) {
		diag_error("%s", e.msg);
		if (!status)
			status = rc;
	}
	http_client_free(c);
	err_release(&e);
	buf_release(&msg);
	free(webhook);
	return status;
}
