/*
 * notify.c: a sink for the pipelines' failure notices.  It records
 *   - webhook POSTs to /notify/<anything> (Slack-style or generic JSON), and
 *   - Google Pub/Sub publish calls:
 *     POST /v1/projects/{project}/topics/{topic}:publish
 *     {"messages":[{"data":"<base64>","attributes":{...}}]}
 *     -> {"messageIds":["1",...]}
 * and shows them under /_admin/notify/messages and in the truth dump.
 */
#include "fake.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

static const char *const notify_prefixes[] = { "/notify/", "/v1/projects/",
	NULL };

static cJSON *webhooks;   /* array of {path, content_type, body, json?} */
static cJSON *published;  /* array of {project, topic, id, data, attributes} */
static unsigned long next_id;

static int
notify_init(char **msg)
{
	(void)msg;
	webhooks = cJSON_CreateArray();
	published = cJSON_CreateArray();
	next_id = 1;
	return 0;
}

static void
notify_release(void)
{
	cJSON_Delete(webhooks);
	cJSON_Delete(published);
	webhooks = published = NULL;
}

static int
publish(const struct fake_req *r, struct fake_resp *w)
{
	/* /v1/projects/{p}/topics/{t}:publish */
	const char *p = r->path + strlen("/v1/projects/");
	const char *slash = strchr(p, '/');
	const char *colon = strrchr(p, ':');
	cJSON *doc, *msgs, *m, *ids, *out;
	char *project, *topic;

	if (!slash || strncmp(slash, "/topics/", 8) != 0 || !colon ||
	    strcmp(colon, ":publish") != 0 || colon < slash + 8)
		return -1;
	if (strcmp(r->method, "POST") != 0) {
		fake_resp_json_text(w, 405, "{\"error\":{\"code\":405,"
		    "\"message\":\"Method Not Allowed\",\"status\":"
		    "\"INVALID_ARGUMENT\"}}");
		return 0;
	}
	doc = cJSON_ParseWithLength(r->body, r->body_len);
	msgs = doc ? cJSON_GetObjectItemCaseSensitive(doc, "messages") : NULL;
	if (!cJSON_IsArray(msgs) || cJSON_GetArraySize(msgs) == 0) {
		cJSON_Delete(doc);
		fake_resp_json_text(w, 400, "{\"error\":{\"code\":400,"
		    "\"message\":\"At least one message is required.\","
		    "\"status\":\"INVALID_ARGUMENT\"}}");
		return 0;
	}
	project = xstrndup(p, (size_t)(slash - p));
	topic = xstrndup(slash + 8, (size_t)(colon - slash - 8));
	out = cJSON_CreateObject();
	ids = cJSON_AddArrayToObject(out, "messageIds");
	cJSON_ArrayForEach(m, msgs) {
		cJSON *rec = cJSON_CreateObject();
		cJSON *data = cJSON_GetObjectItemCaseSensitive(m, "data");
		cJSON *attrs = cJSON_GetObjectItemCaseSensitive(m, "attributes");
		struct buf id = BUF_INIT, dec = BUF_INIT;

		buf_printf(&id, "%lu", next_id++);
		cJSON_AddStringToObject(rec, "project", project);
		cJSON_AddStringToObject(rec, "topic", topic);
		cJSON_AddStringToObject(rec, "id", buf_cstr(&id));
		if (cJSON_IsString(data) && fake_base64_decode(&dec,
		    data->valuestring, strlen(data->valuestring)) == 0)
			cJSON_AddStringToObject(rec, "data", buf_cstr(&dec));
		else
			cJSON_AddNullToObject(rec, "data");
		if (attrs)
			cJSON_AddItemToObject(rec, "attributes",
			    cJSON_Duplicate(attrs, 1));
		cJSON_AddItemToArray(published, rec);
		cJSON_AddItemToArray(ids, cJSON_CreateString(buf_cstr(&id)));
		buf_release(&id);
		buf_release(&dec);
	}
	free(project);
	free(topic);
	cJSON_Delete(doc);
	fake_resp_json(w, 200, out);
	return 0;
}

static int
notify_handle(const struct fake_req *r, struct fake_resp *w)
{
	cJSON *rec, *js;
	const char *ct;

	if (strncmp(r->path, "/v1/projects/", 13) == 0)
		return publish(r, w);
	if (strcmp(r->method, "POST") != 0 && strcmp(r->method, "PUT") != 0) {
		fake_resp_error(w, 405, "POST a notice");
		return 0;
	}
	ct = fake_header(r, "Content-Type");
	rec = cJSON_CreateObject();
	cJSON_AddStringToObject(rec, "path", r->path);
	cJSON_AddStringToObject(rec, "content_type", ct ? ct : "");
	cJSON_AddStringToObject(rec, "body", r->body);
	js = cJSON_ParseWithLength(r->body, r->body_len);
	if (js)
		cJSON_AddItemToObject(rec, "json", js);
	cJSON_AddItemToArray(webhooks, rec);
	/* Slack answers a plain "ok" */
	fake_resp_body(w, 200, "text/plain", "ok", 2);
	return 0;
}

static void
notify_dump(cJSON *o)
{
	cJSON_AddItemToObject(o, "webhooks", cJSON_Duplicate(webhooks, 1));
	cJSON_AddItemToObject(o, "pubsub", cJSON_Duplicate(published, 1));
}

static int
notify_admin(const char *rest, const struct fake_req *r, struct fake_resp *w)
{
	if (strcmp(rest, "/messages") != 0)
		return -1;
	if (strcmp(r->method, "DELETE") == 0) {
		notify_release();
		notify_init(NULL);
	}
	cJSON *o = cJSON_CreateObject();
	notify_dump(o);
	fake_resp_json(w, 200, o);
	return 0;
}

static const struct fake_module notify_module = {
	.name = "notify",
	.prefixes = notify_prefixes,
	.init = notify_init,
	.handle = notify_handle,
	.admin = notify_admin,
	.dump = notify_dump,
	.release = notify_release,
};
FAKE_MODULE(notify_module)
