/*
 * notify.h: failure notices for the pipelines: a Slack-compatible webhook
 * (JSON POST {"text": ...}) and a Google Pub/Sub topic through its REST API
 * (projects.topics.publish) with a service account.
 */
#ifndef SI_NOTIFY_H
#define SI_NOTIFY_H

#include "diag.h"
#include "http.h"

struct notify_target {
	const char *webhook_url;   /* a secret (it embeds a token); NULL: none */
	const char *pubsub_topic;  /* "projects/P/topics/T"; NULL: none */
	const char *pubsub_url;    /* NULL: https://pubsub.googleapis.com */
	const char *key_file;      /* service-account key for Pub/Sub */
	const char *token_url;     /* NULL: the key file's token_uri */
};

/* Is topic of the form projects/PROJECT/topics/TOPIC (no other slashes)? */
int notify_topic_valid(const char *topic);

/* POST {"text": message} to the webhook.  0 or a sysexits code. */
int notify_webhook(struct http_client *c, const char *url, const char *message,
	struct err *e);

/*
 * Publish message (with attribute source=salesintel) to the topic, with a
 * token for the service account in key_file (scope pubsub).  0 or a
 * sysexits code.
 */
int notify_pubsub(struct http_client *c, const struct notify_target *t,
	const char *message, struct err *e);

#endif
