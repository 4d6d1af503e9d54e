#include "notify.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mime.h"
#include "oauth.h"
#include "banned.h"

#define PUBSUB_SCOPE "https://www.googleapis.com/auth/pubsub"

int
notify_topic_valid(const char *topic)
{
	const char *p = topic, *q;

	if (strncmp(p, "projects/", 9) != 0)
		return 0;
	p += 9;
	q = strchr(p, '/');
	if (q == NULL || q == p || strncmp(q, "/topics/", 8) != 0)
		return 0;
	p = q + 8;
	if (*p == '\0' || strchr(p, '/') != NULL)
		return 0;
	for (; *topic; topic++)
		if ((unsigned char)*topic <= ' ' || *topic == '?' || *topic == '#' ||
		    *topic == '%')
			return 0;
	return 1;
}

static int
post_json(struct http_client *c, const char *url, const struct buf *body,
    int auth, struct err *e)
{
	static const char *const headers[] = {
		"Content-Type: application/json", NULL
	};
	struct http_request req = { 0 };
	struct http_response resp;
	int rc;

	req.method = "POST";
	req.url = url;
	req.headers = headers;
	req.body = body->data;
	req.body_len = body->len;
	req.auth = auth;
	http_response_init(&resp);
	rc = http_do(c, &req, &resp, e);
	http_response_release(&resp);
	return rc;
}

int
notify_webhook(struct http_client *c, const char *url, const char *message,
    struct err *e)
{
	struct buf body = BUF_INIT;
	int rc;

	if ((rc = http_url_check(url, e)) != 0)
		return err_prefix(e, "webhook");
	buf_addstr(&body, "{\"text\":");
	json_write_str(&body, message, strlen(message));
	buf_addch(&body, '}');
	rc = post_json(c, url, &body, 0, e);
	buf_release(&body);
	if (rc)
		err_prefix(e, "webhook");
	return rc;
}

int
notify_pubsub(struct http_client *c, const struct notify_target *t,
    const char *message, struct err *e)
{
	struct oauth_google_sa sa = { 0 };
	struct oauth_token tok;
	struct buf url = BUF_INIT, body = BUF_INIT, data = BUF_INIT;
	const char *base = t->pubsub_url ? t->pubsub_url : "https://pubsub.googleapis.com";
	int rc;

	if (!notify_topic_valid(t->pubsub_topic))
		return err_set(e, EX_CONFIG,
		    "pubsub: topic must look like projects/PROJECT/topics/TOPIC");
	if (t->key_file == NULL)
		return err_set(e, EX_CONFIG, "pubsub: no service-account key file");
	oauth_token_init(&tok);
	rc = oauth_google_sa_load(t->key_file, &sa, e);
	if (rc == 0 && t->token_url) {
		free(sa.token_uri);
		sa.token_uri = xstrdup(t->token_url);
	}
	if (rc == 0)
		rc = oauth_google_sa_token(c, &sa, NULL, PUBSUB_SCOPE, &tok, e);
	buf_addstr(&url, base);
	while (url.len && url.data[url.len - 1] == '/')
		buf_truncate(&url, url.len - 1);
	buf_printf(&url, "/v1/%s:publish", t->pubsub_topic);
	if (rc == 0)
		rc = http_set_token(c, tok.access_token, buf_cstr(&url), e);
	if (rc == 0) {
		mime_base64_encode(&data, message, strlen(message), 0);
		buf_addstr(&body, "{\"messages\":[{\"data\":");
		json_write_str(&body, data.data ? data.data : "", data.len);
		buf_addstr(&body, ",\"attributes\":{\"source\":\"salesintel\"}}]}");
		rc = post_json(c, buf_cstr(&url), &body, 1, e);
	}
	if (rc)
		err_prefix(e, "pubsub");
	oauth_token_release(&tok);
	oauth_google_sa_release(&sa);
	buf_release(&url);
	buf_release(&body);
	buf_release(&data);
	return rc;
}
