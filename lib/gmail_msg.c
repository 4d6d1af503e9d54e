#include "gmail_msg.h"

#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "charset.h"
#include "email.h"
#include "html.h"
#include "mime.h"
#include "rfc2047.h"
#include "ts.h"
#include "banned.h"

void
gmail_participant_id(struct buf *out, const char *message_id,
	const char *role, const char *address)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, message_id, strlen(message_id));
	EVP_DigestUpdate(ctx, "\n", 1);
	EVP_DigestUpdate(ctx, role, strlen(role));
	EVP_DigestUpdate(ctx, "\n", 1);
	EVP_DigestUpdate(ctx, address, strlen(address));
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	for (i = 0; i < 16 && i < mdlen; i++) {
		buf_addch(out, hex[md[i] >> 4]);
		buf_addch(out, hex[md[i] & 15]);
	}
}

const char *
gmail_part_header(const struct json *part, const char *name)
{
	const struct json *h = json_get(part, "headers"), *it;

	if (!h || h->type != JSON_ARRAY)
		return NULL;
	for (it = h->child; it; it = it->next) {
		const char *n = json_get_str(it, "name");
		const char *v = json_get_str(it, "value");

		if (n && v && strcasecmp(n, name) == 0)
			return v;
	}
	return NULL;
}

/* ---- record writing ---------------------------------------------------- */

struct rec {
	struct buf *out;
	int first;
};

static void
rec_key(struct rec *r, const char *key)
{
	if (!r->first)
		buf_addch(r->out, ',');
	r->first = 0;
	json_write_str(r->out, key, strlen(key));
	buf_addch(r->out, ':');
}

static void
rec_str(struct rec *r, const char *key, const char *s, size_t n)
{
	rec_key(r, key);
	if (s)
		json_write_str(r->out, s, n);
	else
		buf_addstr(r->out, "null");
}

static void
rec_cstr(struct rec *r, const char *key, const char *s)
{
	rec_str(r, key, s, s ? strlen(s) : 0);
}

static void
rec_raw(struct rec *r, const char *key, const char *raw)
{
	rec_key(r, key);
	buf_addstr(r->out, raw);
}

static void
rec_ts(struct rec *r, const char *key, int64_t ms)
{
	rec_key(r, key);
	if (ms == INT64_MIN) {
		buf_addstr(r->out, "null");
		return;
	}
	buf_addch(r->out, '"');
	ts_format(r->out, ms);
	buf_addch(r->out, '"');
}

static void
rec_begin(struct rec *r, struct buf *out, const char *stream)
{
	r->out = out;
	r->first = 1;
	buf_addstr(out, "{\"type\":\"RECORD\",\"stream\":\"");
	buf_addstr(out, stream);
	buf_addstr(out, "\",\"record\":{");
}

static void
rec_end(struct rec *r, const char *time_extracted)
{
	buf_addch(r->out, '}');
	if (time_extracted) {
		buf_addstr(r->out, ",\"time_extracted\":");
		json_write_str(r->out, time_extracted, strlen(time_extracted));
	}
	buf_addstr(r->out, "}\n");
}

/* ---- addresses --------------------------------------------------------- */

struct role_list {
	const char *role;
	const char *header;
	struct email_list l;
};

static void
parse_role(struct role_list *rl, const struct json *payload,
	struct gmail_msg_info *info)
{
	struct buf all = BUF_INIT;
	size_t i, n;
	const struct json *h = json_get(payload, "headers"), *it;

	email_list_init(&rl->l);
	/* a header may repeat (two To: lines): join them */
	if (h && h->type == JSON_ARRAY)
		for (it = h->child; it; it = it->next) {
			const char *nm = json_get_str(it, "name");
			const struct json *v = json_get(it, "value");

			if (!nm || !json_is_str(v) || strcasecmp(nm, rl->header))
				continue;
			if (all.len)
				buf_addstr(&all, ", ");
			mime_unfold(&all, v->s, v->n);
		}
	if (!all.len) {
		buf_release(&all);
		return;
	}
	email_list_parse(&rl->l, all.data, all.len, EMAIL_DECODE_WORDS);
	n = rl->l.n;
	for (i = 0; i < n; i++)
		if (rl->l.v[i].error)
			info->bad_addresses++;
	email_list_dedupe(&rl->l);
	buf_release(&all);
}

static void
rec_addr_array(struct rec *r, const char *key, const struct email_list *l)
{
	size_t i;

	rec_key(r, key);
	buf_addch(r->out, '[');
	for (i = 0; i < l->n; i++) {
		const char *a = email_list_addr(l, i);

		if (i)
			buf_addch(r->out, ',');
		json_write_str(r->out, a, strlen(a));
	}
	buf_addch(r->out, ']');
}

/* ---- bodies ------------------------------------------------------------ */

struct bodies {
	const struct json *plain, *html;
};

static int
is_attachment(const struct json *part)
{
	const char *fn = json_get_str(part, "filename");
	const char *cd = gmail_part_header(part, "Content-Disposition");

	if (fn && *fn)
		return 1;
	while (cd && (*cd == ' ' || *cd == '\t'))
		cd++;
	return cd && strncasecmp(cd, "attachment", 10) == 0;
}

static void
find_bodies(const struct json *part, struct bodies *b, unsigned depth)
{
	const char *mt = json_get_str(part, "mimeType");
	const struct json *parts = json_get(part, "parts"), *it;

	if (!mt || depth > 64)
		return;
	/*
	 * gmail.md 3, rule 6: a forwarded message (message/rfc822) is walked
	 * when Gmail expanded its parts, else it is an attachment; depth
	 * first, so the outer message's own bodies come before its parts.
	 */
	if (strncasecmp(mt, "multipart/", 10) == 0 ||
	    (strcasecmp(mt, "message/rfc822") == 0 && parts &&
	    parts->type == JSON_ARRAY)) {
		if (parts && parts->type == JSON_ARRAY)
			for (it = parts->child; it; it = it->next)
				find_bodies(it, b, depth + 1);
		return;
	}
	if (is_attachment(part))
		return;
	if (!b->plain && strcasecmp(mt, "text/plain") == 0)
		b->plain = part;
	else if (!b->html && strcasecmp(mt, "text/html") == 0)
		b->html = part;
}

/* Cut s to at most max bytes on a UTF-8 character boundary. */
static int
cut_utf8(struct buf *s, size_t max)
{
	size_t k = max;

	if (s->len <= max)
		return 0;
	while (k > 0 && ((unsigned char)s->data[k] & 0xc0) == 0x80)
		k--;
	buf_truncate(s, k);
	return 1;
}

static int
body_text(const struct json *part, const char *msg_id,
	const struct gmail_msg_opts *o, struct gmail_msg_info *info,
	struct buf *out, struct err *e)
{
	const struct json *body = json_get(part, "body");
	const struct json *data = json_get(body, "data");
	const char *att = json_get_str(body, "attachmentId");
	const char *ct = gmail_part_header(part, "Content-Type");
	struct buf raw = BUF_INIT, cs = BUF_INIT;
	size_t max = o->max_body ? o->max_body : ((size_t)8 << 20);
	int rc = 0;

	if (json_is_str(data)) {
		if (mime_base64_decode(&raw, data->s, data->n, MIME_B64_URL) != 0) {
			/* not base64url: try the lenient MIME reading */
			buf_reset(&raw);
			mime_base64_decode(&raw, data->s, data->n, 0);
		}
	} else if (att && o->fetch) {
		rc = o->fetch(o->fetch_ctx, msg_id, att, &raw, e);
		if (rc) {
			buf_release(&raw);
			return rc;
		}
	}
	if (ct)
		mime_param(ct, "charset", &cs);
	if (raw.len > max * 2)
		buf_truncate(&raw, max * 2);
	info->charset_flags |= charset_to_utf8(out, cs.len ? buf_cstr(&cs) : NULL,
	    raw.data ? raw.data : "", raw.len);
	if (cut_utf8(out, max))
		info->body_cut = 1;
	buf_release(&raw);
	buf_release(&cs);
	return 0;
}

/* ---- the message ------------------------------------------------------- */

/* Write s[0..n) without the blanks (and CR/LF) at either end. */
static void
rec_trimmed(struct rec *r, const char *key, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
	    s[n - 1] == '\n'))
		n--;
	rec_str(r, key, s, n);
}

/*
 * A header's value, unfolded and trimmed: gmail.md 3 only says value is
 * the text after the colon, so it may keep the blank after the colon or
 * start with a fold ("Message-ID:\r\n <...>").
 */
static void
header_field(struct rec *r, const char *key, const struct json *payload,
	const char *name, struct buf *tmp)
{
	const char *v = gmail_part_header(payload, name);

	if (!v) {
		rec_raw(r, key, "null");
		return;
	}
	buf_reset(tmp);
	mime_unfold(tmp, v, strlen(v));
	buf_reset(tmp + 1);
	charset_utf8_sanitize(tmp + 1, tmp->data ? tmp->data : "", tmp->len);
	rec_trimmed(r, key, buf_cstr(tmp + 1), tmp[1].len);
}

int
gmail_msg_records(struct buf *out, const struct json *msg,
	const struct gmail_msg_opts *o, struct gmail_msg_info *info,
	struct err *e)
{
	static const struct { const char *role, *header; } roles[] = {
		{ "from", "From" }, { "to", "To" }, { "cc", "Cc" },
		{ "bcc", "Bcc" }, { "reply_to", "Reply-To" }
	};
	enum { NROLES = sizeof(roles) / sizeof(roles[0]) };
	struct role_list rl[NROLES];
	const char *id = json_get_str(msg, "id");
	const struct json *payload = json_get(msg, "payload");
	const struct json *v;
	struct bodies bd = { NULL, NULL };
	struct buf plain = BUF_INIT, html = BUF_INIT, tmp[2] = { BUF_INIT, BUF_INIT };
	struct rec r;
	int64_t sent = INT64_MIN, internal = INT64_MIN;
	size_t start = out->len, i, k;
	int rc = 0;

	memset(info, 0, sizeof(*info));
	info->internal_ms = -1;
	if (!id || !*id)
		return err_set(e, EX_DATAERR, "message without an id");
	v = json_get(msg, "internalDate");
	if (v && (v->type == JSON_STRING || v->type == JSON_NUMBER) &&
	    ts_parse_flags(v->s, v->n, TS_EPOCH_MS, &internal) != 0)
		internal = INT64_MIN;
	info->internal_ms = internal == INT64_MIN ? -1 : internal;
	{
		const char *d = gmail_part_header(payload, "Date");

		if (!d || mime_date_parse(d, &sent) != 0)
			sent = internal;
	}
	find_bodies(payload, &bd, 0);
	if (bd.plain)
		rc = body_text(bd.plain, id, o, info, &plain, e);
	if (!rc && bd.html)
		rc = body_text(bd.html, id, o, info, &html, e);
	if (rc) {
		buf_release(&plain);
		buf_release(&html);
		return rc;
	}
	if (!bd.plain && bd.html) {
		size_t max = o->max_body ? o->max_body : ((size_t)8 << 20);

		if (html_to_text(&plain, html.data ? html.data : "", html.len, max))
			info->body_cut = 1;
	}
	for (i = 0; i < NROLES; i++) {
		rl[i].role = roles[i].role;
		rl[i].header = roles[i].header;
		parse_role(&rl[i], payload, info);
	}

	rec_begin(&r, out, "gmail_messages");
	rec_cstr(&r, "message_id", id);
	rec_cstr(&r, "thread_id", json_get_str(msg, "threadId"));
	rec_cstr(&r, "mailbox_email", o->mailbox);
	rec_cstr(&r, "from_email", rl[0].l.n ? email_list_addr(&rl[0].l, 0) : NULL);
	rec_addr_array(&r, "to_emails", &rl[1].l);
	rec_addr_array(&r, "cc_emails", &rl[2].l);
	rec_addr_array(&r, "bcc_emails", &rl[3].l);
	{
		const char *s = gmail_part_header(payload, "Subject");

		if (s) {
			buf_reset(&tmp[0]);
			rfc2047_decode(&tmp[0], s, strlen(s));
			rec_trimmed(&r, "subject", buf_cstr(&tmp[0]), tmp[0].len);
		} else {
			rec_raw(&r, "subject", "null");
		}
	}
	if (bd.plain || bd.html)
		rec_str(&r, "body_text", buf_cstr(&plain), plain.len);
	else
		rec_raw(&r, "body_text", "null");
	if (bd.html)
		rec_str(&r, "body_html", buf_cstr(&html), html.len);
	else
		rec_raw(&r, "body_html", "null");
	rec_ts(&r, "sent_at", sent);
	rec_key(&r, "labels");
	buf_addch(out, '[');
	v = json_get(msg, "labelIds");
	if (v && v->type == JSON_ARRAY) {
		const struct json *it;
		int firstl = 1;

		for (it = v->child; it; it = it->next) {
			if (!json_is_str(it))
				continue;
			if (!firstl)
				buf_addch(out, ',');
			firstl = 0;
			json_write_str(out, it->s, it->n);
		}
	}
	buf_addch(out, ']');
	v = json_get(msg, "historyId");
	if (v && (v->type == JSON_STRING || v->type == JSON_NUMBER))
		rec_str(&r, "history_id", v->s, v->n);
	else
		rec_raw(&r, "history_id", "null");
	rec_ts(&r, "internal_date", internal);
	header_field(&r, "message_id_header", payload, "Message-ID", tmp);
	header_field(&r, "in_reply_to", payload, "In-Reply-To", tmp);
	header_field(&r, "references_header", payload, "References", tmp);
	v = json_get(msg, "sizeEstimate");
	if (v && v->type == JSON_NUMBER)
		rec_raw(&r, "size_estimate", v->s);
	else
		rec_raw(&r, "size_estimate", "null");
	if (o->time_extracted)
		rec_cstr(&r, "_sdc_extracted_at", o->time_extracted);
	rec_end(&r, o->time_extracted);

	for (i = 0; i < NROLES; i++) {
		for (k = 0; k < rl[i].l.n; k++) {
			const char *addr = email_list_addr(&rl[i].l, k);
			const char *name = email_list_name(&rl[i].l, k);

			buf_reset(&tmp[0]);
			gmail_participant_id(&tmp[0], id, rl[i].role, addr);
			rec_begin(&r, out, "gmail_participants");
			rec_cstr(&r, "participant_id", buf_cstr(&tmp[0]));
			rec_cstr(&r, "message_id", id);
			rec_cstr(&r, "email_address", addr);
			rec_cstr(&r, "role", rl[i].role);
			if (name && *name) {
				buf_reset(&tmp[1]);
				charset_utf8_sanitize(&tmp[1], name, strlen(name));
				rec_str(&r, "display_name", buf_cstr(&tmp[1]),
				    tmp[1].len);
			} else {
				rec_raw(&r, "display_name", "null");
			}
			rec_cstr(&r, "mailbox_email", o->mailbox);
			rec_ts(&r, "sent_at", sent);
			if (o->time_extracted)
				rec_cstr(&r, "_sdc_extracted_at", o->time_extracted);
			rec_end(&r, o->time_extracted);
			info->participants++;
		}
		email_list_release(&rl[i].l);
	}
	buf_release(&plain);
	buf_release(&html);
	buf_release(&tmp[0]);
	buf_release(&tmp[1]);
	(void)start;
	return 0;
}
