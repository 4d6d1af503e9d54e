/*
 * gmail.c: the Gmail module of fake-api, following shared/api/gmail.md.
 *
 * Endpoints: POST /token (service-account JWT, checked against the key's
 * public half, and the refresh-token grant), getProfile, messages.list
 * (q with after:/before:/newer_than:/in:anywhere/label:/is:unread, labelIds,
 * paging), messages.get (minimal, metadata, full, raw; payload built from
 * the stored RFC 822 text with lib/mime), attachments.get, history.list
 * (paging, 404 below the retention floor), the batch endpoints
 * (/batch/gmail/v1 and /batch: multipart/mixed, answers by Content-ID,
 * new boundary, optional shuffle and per-part faults), a per-mailbox quota
 * (token bucket with the per-method costs of gmail.md 6.3: 429 or 403
 * userRateLimitExceeded when empty).
 *
 * Data: one mailbox per rep of the shared directory (--gmail-mailboxes),
 * each with --gmail-messages messages of real-world variety (plain, html
 * only, alternative, mixed with attachments, related, forwarded
 * message/rfc822, ISO-8859-1, windows-1252, ISO-2022-JP, encoded-word
 * subjects and names, folded and duplicate headers, threads, and threads
 * shared between mailboxes).  Serving variants (decided per message):
 * bodies already converted to UTF-8 or in their original bytes; subjects
 * decoded or encoded; base64url with or without padding.
 *
 * Admin (/_admin/gmail/...): POST add?mailbox=&count=, delete?mailbox=&id=,
 * label?mailbox=&id=&add=&remove=, retention?mailbox=&floor=ID|current,
 * token-error?error=&description=&status=&count=, quota?units=&burst=,
 * damage?kind=gone|truncate|precondition&match=PATH-PART&count=N;
 * GET stats, GET mailboxes (a JSON array of the addresses).  Trusted
 * service accounts: the fixture tests/fixtures/gmail/service-account.json,
 * and one more with --gmail-sa-key PEM --gmail-sa-email EMAIL.  The truth lists every message with the values a correct
 * client must produce.
 */
#include "fake.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "charset.h"
#include "mime.h"
#include "rfc2047.h"
#include "banned.h"

static const char *const gm_prefixes[] = { "/gmail/v1/", "/batch/gmail/v1",
	"/batch", "/token", NULL };

static const struct fake_option gm_options[] = {
	{ "gmail-mailboxes", "3", "mailboxes (one per rep, at most the reps)" },
	{ "gmail-messages", "40", "messages per mailbox" },
	{ "gmail-token-ttl", "3599", "expires_in of issued tokens (s)" },
	{ "gmail-quota", "0", "per-mailbox quota, units per minute (0 = off)" },
	{ "gmail-quota-burst", "0", "bucket size in units (0 = quota/6)" },
	{ "gmail-quota-status", "429", "status when the quota is out: 429 or 403" },
	{ "gmail-max-results", "error", "maxResults above 500: error or clamp" },
	{ "gmail-list-short", "0", "1: list pages shorter than maxResults" },
	{ "gmail-history-empty-page", "0",
	  "1: a first history page with nextPageToken but no history" },
	{ "gmail-batch-shuffle", "1", "1: answer batch parts out of order" },
	{ "gmail-batch-part-faults", "0", "rate of failing batch parts (500/429)" },
	{ "gmail-inline-max", "8192", "bodies larger than this go behind attachmentId" },
	{ "gmail-history-floor", "0", "history ids below this are expired (404)" },
	{ "gmail-q-skew-hours", "0", "after:/before: compare a date this many "
	  "hours later than internalDate (a sender's clock ahead: gmail.md 2 "
	  "leaves the date they compare open)" },
	{ "gmail-sa-key", "", "PEM key file of one more trusted service account "
	  "(its public half checks the JWTs)" },
	{ "gmail-sa-email", "", "the client_email of --gmail-sa-key" },
	{ NULL, NULL, NULL },
};

/* The service account the fake knows: tests/fixtures/gmail/service-account.json */
static const char sa_email[] = "puller@salesintel-test.iam.gserviceaccount.com";
static const char sa_pubkey[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrpwGmQmOonHa9U35NoX\n"
	"QUag5MtoLl2VPL1lLlxW3wD+tY7H9InEozOil+aTq3Fm3H/rI9ZuOeHogp4cnkj6\n"
	"YWXp8S02XPfLKzVGVXYrIy708sO5+3bpGevz+EqRh1dNLpIBWBIPSzXnXXfpAw6j\n"
	"05mVBQM1X2vdfD+r8tx75YmrC5lOXWsLMWsC9fCiTg1gWEKTm9kF4fl9RnnTYOUd\n"
	"8B1cebIKXp78HJyhRKwB8UdvAecgOEMHNWWIkBCtDMmGgVgDUjVnk4v7mXO8WK3q\n"
	"zvyJQw0o7uW+h0KTqjDnUBbAplN25jk7nCv0UGo6hvlk9S2f95J5vMoZToYFBiz2\n"
	"nQIDAQAB\n"
	"-----END PUBLIC KEY-----\n";
/* tests/fixtures/gmail/authorized-user.json: its token is the first mailbox's */
static const char ru_client_id[] = "1234567890-fake.apps.googleusercontent.com";
static const char ru_client_secret[] = "GOCSPX-fake-test-secret";
static const char ru_refresh[] = "1//fake-refresh-token";

#define SCOPE_RO "https://www.googleapis.com/auth/gmail.readonly"
#define SCOPE_META "https://www.googleapis.com/auth/gmail.metadata"
#define SCOPE_ALL "https://mail.google.com/"

/* ---- labels ------------------------------------------------------------ */

static const char *const label_names[] = { "INBOX", "SENT", "UNREAD",
	"IMPORTANT", "STARRED", "CATEGORY_PERSONAL", "CATEGORY_UPDATES",
	"TRASH", "SPAM", "DRAFT", "Label_1", "Label_2" };
enum { L_INBOX = 1, L_SENT = 2, L_UNREAD = 4, L_IMPORTANT = 8,
	L_STARRED = 16, L_PERSONAL = 32, L_UPDATES = 64, L_TRASH = 128,
	L_SPAM = 256, L_DRAFT = 512, L_USER1 = 1024, L_USER2 = 2048 };
#define NLABELS (sizeof(label_names) / sizeof(label_names[0]))

static unsigned
label_bit(const char *name)
{
	size_t i;

	for (i = 0; i < NLABELS; i++)
		if (strcmp(label_names[i], name) == 0)
			return 1u << i;
	return 0;
}

static cJSON *
labels_json(unsigned bits)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < NLABELS; i++)
		if (bits & (1u << i))
			cJSON_AddItemToArray(a, cJSON_CreateString(label_names[i]));
	return a;
}

/* ---- the store --------------------------------------------------------- */

enum { V_UTF8 = 1, V_SUBJ_DECODED = 2, V_PAD = 4 };

struct gm_msg {
	char id[17];
	char thread[17];
	int64_t internal;       /* ms */
	uint64_t history;
	char *raw;
	size_t raw_n;
	unsigned labels;
	unsigned variant;
	int deleted;
	cJSON *truth;           /* expected row values */
};

enum { H_ADDED, H_DELETED, H_LABEL_ADDED, H_LABEL_REMOVED };

struct gm_hist {
	uint64_t id;
	int type;
	size_t msg;
	unsigned labels;        /* labels changed (label records) */
};

struct gm_box {
	char *email;
	struct gm_msg *m;
	size_t n, cap;
	struct gm_hist *h;
	size_t nh, caph;
	uint64_t history;
	uint64_t floor;
	double tokens;
	int64_t last_ms;
	uint64_t units, rejected, calls_get, calls_list, calls_history,
	    calls_profile, calls_batch, calls_attach;
	uint64_t next_serial;
	struct fake_rng rng;
	size_t *idx;            /* open-addressing index id -> message + 1 */
	size_t idx_cap;
};

struct gm_token {
	char *token;
	size_t box;             /* index of the mailbox (sub) */
	int readonly;           /* scope allows bodies */
	int64_t exp_ms;
};

static struct gm_box *boxes;
static size_t nboxes;
static struct gm_token *tokens;
static size_t ntokens;
static uint64_t token_serial;
static uint64_t tokens_issued;
static double quota_per_min, quota_burst;
static struct {
	char *error, *description;
	int status;
	long count;
} tok_err;
/* /_admin/gmail/damage: the next count API answers whose path holds
 * match are "gone" (404 notFound: deleted meanwhile, gmail.md 4.1, 6.2),
 * "precondition" (400 failedPrecondition: a mailbox Google will not act
 * as, 6.2) or, when 200, "truncate"d: half the JSON, with a
 * Content-Length that says so (a body cut short without a transport
 * error, 7.3 item 9) */
static struct {
	char *kind, *match;
	long count;
} damage;

static struct gm_box *
box_find(const char *email)
{
	size_t i;

	for (i = 0; i < nboxes; i++)
		if (strcasecmp(boxes[i].email, email) == 0)
			return &boxes[i];
	return NULL;
}

static void
hist_add(struct gm_box *b, int type, size_t msg, unsigned labels)
{
	struct gm_hist *h;

	if (b->nh == b->caph) {
		b->caph = b->caph ? b->caph * 2 : 64;
		b->h = xrealloc(b->h, b->caph * sizeof(*b->h));
	}
	/* increasing, with random gaps so clients cannot do arithmetic */
	b->history += 1 + fake_rng_below(&b->rng, 40);
	h = &b->h[b->nh++];
	h->id = b->history;
	h->type = type;
	h->msg = msg;
	h->labels = labels;
	if (msg < b->n)
		b->m[msg].history = b->history;
}

/* ---- message generation ----------------------------------------------- */

static const char *const subjects[] = {
	"Quarterly business review", "Pricing for the renewal",
	"Follow-up from our call", "Contract redlines", "Intro: next steps",
	"Security questionnaire", "Pilot results", "Budget for next year",
	"Invoice 2026-0412", "Meeting notes", "Proposal v2",
	"Your trial ends soon", "Re-org on our side", "Demo recording",
};

struct gen {
	struct fake_rng *g;
	struct buf raw;
	cJSON *truth;
	cJSON *contains;        /* strings body_text must contain */
};

static void
b64_lines(struct buf *out, const char *data, size_t n)
{
	struct buf t = BUF_INIT;
	size_t i;

	mime_base64_encode(&t, data, n, 0);
	for (i = 0; i < t.len; i += 76) {
		buf_add(out, t.data + i, t.len - i < 76 ? t.len - i : 76);
		buf_addstr(out, "\r\n");
	}
	buf_release(&t);
}

static void
qp_encode(struct buf *out, const char *s, size_t n)
{
	size_t i, col = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r' && i + 1 < n && s[i + 1] == '\n') {
			buf_addstr(out, "\r\n");
			i++;
			col = 0;
			continue;
		}
		if (col > 70) {
			buf_addstr(out, "=\r\n");
			col = 0;
		}
		if (c == '=' || c >= 127 || (c < 32 && c != '\t')) {
			buf_printf(out, "=%02X", c);
			col += 3;
		} else {
			buf_addch(out, c);
			col++;
		}
	}
}

/* A display name + address, written one of several ways; returns the
 * display name a decoder must find ("" for none). */
static const char *
write_addr(struct gen *x, struct buf *h, const char *first, const char *last,
	const char *email, unsigned style, struct buf *name)
{
	struct buf t = BUF_INIT;

	buf_reset(name);
	switch (style % 5) {
	case 0:
		buf_addstr(h, email);
		break;
	case 1:
		buf_printf(h, "%s %s <%s>", first, last, email);
		buf_printf(name, "%s %s", first, last);
		break;
	case 2:
		buf_printf(&t, "%s %s", first, last);
		buf_addstr(h, "=?UTF-8?B?");
		mime_base64_encode(h, t.data, t.len, 0);
		buf_printf(h, "?= <%s>", email);
		buf_printf(name, "%s %s", first, last);
		break;
	case 3:
		buf_printf(h, "\"%s, %s\" <%s>", last, first, email);
		buf_printf(name, "%s, %s", last, first);
		break;
	default: {
		size_t i;

		buf_printf(&t, "%s %s", first, last);
		buf_addstr(h, "=?utf-8?q?");
		for (i = 0; i < t.len; i++) {
			unsigned char c = (unsigned char)t.data[i];

			if (c == ' ')
				buf_addch(h, '_');
			else if (isalnum(c))
				buf_addch(h, c);
			else
				buf_printf(h, "=%02X", c);
		}
		buf_printf(h, "?= <%s>", email);
		buf_printf(name, "%s %s", first, last);
	}
	}
	buf_release(&t);
	(void)x;
	return buf_cstr(name);
}

static void
lower_into(struct buf *b, const char *s)
{
	for (; *s; s++)
		buf_addch(b, tolower((unsigned char)*s));
}

struct party {
	const char *first, *last, *email;
};

static void
party_truth(cJSON *arr, const struct party *p, const char *name)
{
	cJSON *o = cJSON_CreateObject();
	struct buf e = BUF_INIT;

	lower_into(&e, p->email);
	cJSON_AddStringToObject(o, "email", buf_cstr(&e));
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddItemToArray(arr, o);
	buf_release(&e);
}

/* Body text for a message, with a marker the truth can check. */
static void
body_words(struct buf *b, const struct party *to, const char *marker,
	const char *extra)
{
	buf_printf(b, "Hi %s,\r\n\r\nThanks for the time today. As promised, "
	    "here is the summary (%s).\r\n%s\r\nBest regards\r\n", to->first,
	    marker, extra ? extra : "");
}

/* The raw text of one message. kind picks the structure. */
static void
gen_message(struct gen *x, unsigned kind, const struct party *from,
	const struct party *const *to, size_t nto, const struct party *cc,
	const char *subject, const char *msgid, const char *reply_to_id,
	int64_t date_ms, const char *marker, int date_mode)
{
	struct buf *r = &x->raw, name = BUF_INIT, body = BUF_INIT, t = BUF_INIT;
	cJSON *arr;
	size_t i;
	time_t secs = (time_t)(date_ms / 1000);
	struct tm tm;
	char date[64];
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
		"Fri", "Sat" };
	static const char *const mons[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

	/* headers */
	buf_printf(r, "Received: from mail.example.net by mx.google.com\r\n"
	    "\twith ESMTPS id %s; %lld\r\n", marker, (long long)secs);
	buf_printf(r, "Received: from internal by mail.example.net\r\n");
	buf_addstr(r, "From: ");
	write_addr(x, r, from->first, from->last, from->email,
	    (unsigned)fake_rng_below(x->g, 5), &name);
	buf_addstr(r, "\r\n");
	arr = cJSON_AddArrayToObject(x->truth, "from");
	party_truth(arr, from, buf_cstr(&name));
	arr = cJSON_AddArrayToObject(x->truth, "to");
	if (nto == 0) {
		buf_addstr(r, "To: undisclosed-recipients:;\r\n");
	} else {
		buf_addstr(r, "To: ");
		for (i = 0; i < nto; i++) {
			if (i)
				buf_addstr(r, i % 2 ? ",\r\n " : ", ");
			write_addr(x, r, to[i]->first, to[i]->last, to[i]->email,
			    (unsigned)fake_rng_below(x->g, 5), &name);
			party_truth(arr, to[i], buf_cstr(&name));
		}
		buf_addstr(r, "\r\n");
	}
	arr = cJSON_AddArrayToObject(x->truth, "cc");
	if (cc) {
		buf_addstr(r, "Cc: ");
		write_addr(x, r, cc->first, cc->last, cc->email,
		    (unsigned)fake_rng_below(x->g, 5), &name);
		buf_addstr(r, "\r\n");
		party_truth(arr, cc, buf_cstr(&name));
	}
	/* subject, encoded for some kinds */
	cJSON_AddStringToObject(x->truth, "subject", subject);
	if (kind == 3) {
		/* iso-8859-1 Q words, folded */
		buf_reset(&t);
		buf_addstr(r, "Subject: =?ISO-8859-1?Q?");
		for (i = 0; subject[i]; i++) {
			unsigned char c = (unsigned char)subject[i];

			if (c == 0xc3 && subject[i + 1]) {
				buf_printf(r, "=%02X", 0x40 + (unsigned char)subject[i + 1]);
				i++;
			} else if (c == ' ')
				buf_addch(r, '_');
			else if (isalnum(c))
				buf_addch(r, c);
			else
				buf_printf(r, "=%02X", c);
			if (i == 10)
				buf_addstr(r, "?=\r\n =?ISO-8859-1?Q?");
		}
		buf_addstr(r, "?=\r\n");
	} else if (kind == 4) {
		struct buf jp = BUF_INIT;

		/* the subject's Japanese part in ISO-2022-JP */
		buf_addstr(&jp, "\x1b$B%F%9%H\x1b(B");
		buf_addstr(r, "Subject: =?ISO-2022-JP?B?");
		mime_base64_encode(r, jp.data, jp.len, 0);
		buf_printf(r, "?= %s\r\n", subject + strlen("テスト "));
		buf_release(&jp);
	} else if (kind == 9) {
		buf_addstr(r, "Subject: ");
		/* a long folded plain subject */
		for (i = 0; subject[i]; i++) {
			if (subject[i] == ' ' && i > 8 && i < 14)
				buf_addstr(r, "\r\n");
			buf_addch(r, subject[i]);
		}
		buf_addstr(r, "\r\n");
	} else if (!charset_utf8_valid(subject, strlen(subject)) ||
	    strspn(subject, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 :-,.?!'()/") != strlen(subject)) {
		buf_addstr(r, "Subject: =?UTF-8?B?");
		mime_base64_encode(r, subject, strlen(subject), 0);
		buf_addstr(r, "?=\r\n");
	} else {
		buf_printf(r, "Subject: %s\r\n", subject);
	}
	/* date: several writings, or none (then internalDate counts) */
	gmtime_r(&secs, &tm);
	if (date_mode == 0) {
		/* the sender's local time, +0100 */
		time_t ls = secs + 3600;
		struct tm lt;

		gmtime_r(&ls, &lt);
		snprintf(date, sizeof(date), "%s, %d %s %04d %02d:%02d:%02d +0100",
		    days[lt.tm_wday], lt.tm_mday, mons[lt.tm_mon],
		    lt.tm_year + 1900, lt.tm_hour, lt.tm_min, lt.tm_sec);
		buf_printf(r, "Date: %s\r\n", date);
	} else if (date_mode == 1) {
		time_t ls = secs - 8 * 3600;
		struct tm lt;

		gmtime_r(&ls, &lt);
		snprintf(date, sizeof(date), "%s, %02d %s %04d %02d:%02d:%02d -0800 (PST)",
		    days[lt.tm_wday], lt.tm_mday, mons[lt.tm_mon],
		    lt.tm_year + 1900, lt.tm_hour, lt.tm_min, lt.tm_sec);
		buf_printf(r, "Date: %s\r\n", date);
	} else if (date_mode == 2) {
		snprintf(date, sizeof(date), "%d %s %04d %02d:%02d:%02d GMT",
		    tm.tm_mday, mons[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
		    tm.tm_min, tm.tm_sec);
		buf_printf(r, "Date: %s\r\n", date);
	}
	/* date_mode 3: no Date header at all */
	if (date_mode != 3)
		cJSON_AddNumberToObject(x->truth, "date_ms", (double)secs * 1000);
	buf_printf(r, "Message-ID: <%s>\r\n", msgid);
	cJSON_AddStringToObject(x->truth, "message_id_header", msgid);
	if (reply_to_id) {
		buf_printf(r, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n",
		    reply_to_id, reply_to_id);
	}
	if (kind == 9) {
		buf_addstr(r, "X-Mailer: Odd\r\nx-mailer: Odder\r\n");
		buf_addstr(r, "Reply-To: sales-team: ");
		buf_addstr(r, from->email);
		buf_addstr(r, ";\r\n");
	}
	buf_addstr(r, "MIME-Version: 1.0\r\n");

	buf_reset(&body);
	arr = x->contains;
	switch (kind) {
	case 0: /* plain UTF-8 */
		body_words(&body, to[0] ? to[0] : from, marker, "Café crème — ok.");
		buf_addstr(r, "Content-Type: text/plain; charset=\"UTF-8\"\r\n"
		    "Content-Transfer-Encoding: 8bit\r\n\r\n");
		buf_add(r, body.data, body.len);
		cJSON_AddItemToArray(arr, cJSON_CreateString("Café crème"));
		break;
	case 1: /* alternative: QP plain + base64 html */
		body_words(&body, from, marker, "Naïve résumé attached.");
		buf_addstr(r, "Content-Type: multipart/alternative; "
		    "boundary=\"=_alt_1\"\r\n\r\n--=_alt_1\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		qp_encode(r, body.data, body.len);
		buf_addstr(r, "\r\n--=_alt_1\r\nContent-Type: text/html; "
		    "charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
		buf_reset(&t);
		buf_printf(&t, "<html><body><p>Hi,</p><p>Summary (%s).</p>"
		    "<p>Na&iuml;ve r&eacute;sum&eacute; attached.</p></body></html>",
		    marker);
		b64_lines(r, t.data, t.len);
		buf_addstr(r, "--=_alt_1--\r\n");
		cJSON_AddItemToArray(arr, cJSON_CreateString("Naïve résumé"));
		break;
	case 2: /* html only, windows-1252 */
		buf_addstr(r, "Content-Type: text/html; charset=windows-1252\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		buf_reset(&t);
		buf_printf(&t, "<html><head><style>p{margin:0}</style></head>"
		    "<body><p>Price: \x80 99 &amp; up</p><ul><li>%s</li>"
		    "<li>\x93quoted\x94</li></ul><script>x()</script></body></html>",
		    marker);
		qp_encode(r, t.data, t.len);
		buf_addstr(r, "\r\n");
		cJSON_AddItemToArray(arr, cJSON_CreateString("Price: € 99 & up"));
		cJSON_AddItemToArray(arr, cJSON_CreateString("“quoted”"));
		break;
	case 3: /* iso-8859-1 plain */
		buf_addstr(r, "Content-Type: text/plain; charset=iso-8859-1\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		buf_reset(&t);
		buf_printf(&t, "Bonjour,\r\nle caf\xe9 est pr\xeat (%s).\r\n", marker);
		qp_encode(r, t.data, t.len);
		cJSON_AddItemToArray(arr, cJSON_CreateString("le café est prêt"));
		break;
	case 4: /* iso-2022-jp */
		buf_addstr(r, "Content-Type: text/plain; charset=ISO-2022-JP\r\n"
		    "Content-Transfer-Encoding: 7bit\r\n\r\n");
		buf_printf(r, "\x1b$B$3$s$K$A$O\x1b(B (%s)\r\n", marker);
		cJSON_AddItemToArray(arr, cJSON_CreateString("こんにちは"));
		break;
	case 5: /* mixed: alternative + pdf */
		body_words(&body, from, marker, "The deck is attached.");
		buf_addstr(r, "Content-Type: multipart/mixed; boundary=\"mix1\"\r\n"
		    "\r\nThis is a multi-part message in MIME format.\r\n"
		    "--mix1\r\nContent-Type: multipart/alternative; boundary=alt2\r\n"
		    "\r\n--alt2\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
		buf_add(r, body.data, body.len);
		buf_addstr(r, "--alt2\r\nContent-Type: text/html; charset=us-ascii\r\n"
		    "\r\n<p>The deck is attached.</p>\r\n--alt2--\r\n--mix1\r\n"
		    "Content-Type: application/pdf; name=\"deck.pdf\"\r\n"
		    "Content-Disposition: attachment; filename=\"deck.pdf\"\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n");
		b64_lines(r, "%PDF-1.4\n%fake\n", 15);
		buf_addstr(r, "--mix1--\r\n");
		cJSON_AddItemToArray(arr, cJSON_CreateString("The deck is attached."));
		break;
	case 6: /* related: html + inline image, no text/plain */
		buf_addstr(r, "Content-Type: multipart/related; boundary=rel3; "
		    "type=\"text/html\"\r\n\r\n--rel3\r\nContent-Type: text/html; "
		    "charset=UTF-8\r\n\r\n");
		buf_printf(r, "<div>Logo below &mdash; %s</div><img src=\"cid:logo\">"
		    "<br>Thanks!\r\n--rel3\r\nContent-Type: image/png\r\n"
		    "Content-ID: <logo>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
		    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk\r\n"
		    "--rel3--\r\n", marker);
		cJSON_AddItemToArray(arr, cJSON_CreateString("Logo below — "));
		break;
	case 7: /* forward: text + message/rfc822 */
		buf_addstr(r, "Content-Type: multipart/mixed; boundary=\"fw4\"\r\n\r\n"
		    "--fw4\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
		buf_printf(r, "FYI, see the thread below (%s).\r\n--fw4\r\n"
		    "Content-Type: message/rfc822\r\n\r\n"
		    "From: Someone Else <someone@elsewhere.example>\r\n"
		    "Subject: the original\r\nContent-Type: text/plain\r\n\r\n"
		    "Original words, not the outer body.\r\n--fw4--\r\n", marker);
		cJSON_AddItemToArray(arr, cJSON_CreateString("FYI, see the thread below"));
		cJSON_AddItemToObject(x->truth, "body_lacks",
		    cJSON_CreateString("Original words"));
		break;
	case 8: /* a large body: served behind an attachmentId */
		buf_addstr(r, "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n");
		buf_reset(&t);
		buf_printf(&t, "Long report (%s).\r\n", marker);
		for (i = 0; i < 400; i++)
			buf_printf(&t, "Line %zu of the quarterly numbers: ünits sold.\r\n", i);
		buf_addstr(&t, "END-OF-REPORT\r\n");
		b64_lines(r, t.data, t.len);
		cJSON_AddItemToArray(arr, cJSON_CreateString("END-OF-REPORT"));
		break;
	default: /* 9: odd headers, plain */
		buf_addstr(r, "content-type: TEXT/PLAIN\r\n\r\n");
		buf_printf(r, "Short note (%s).\r\n", marker);
		cJSON_AddItemToArray(arr, cJSON_CreateString("Short note"));
		break;
	}
	cJSON_AddItemToArray(arr, cJSON_CreateString(marker));
	buf_release(&name);
	buf_release(&body);
	buf_release(&t);
}

static struct gm_msg *
box_new_msg(struct gm_box *b)
{
	struct gm_msg *m;

	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->m = xrealloc(b->m, b->cap * sizeof(*b->m));
	}
	m = &b->m[b->n++];
	memset(m, 0, sizeof(*m));
	return m;
}

static void idx_put(struct gm_box *b, size_t i);

static void
msg_ids(struct gm_box *b, struct gm_msg *m, const char *thread)
{
	/* Gmail ids look like hex of the time, plus a serial */
	snprintf(m->id, sizeof(m->id), "%011llx%05llx",
	    (unsigned long long)(m->internal & 0xfffffffffffLL),
	    (unsigned long long)(b->next_serial++ & 0xfffff));
	snprintf(m->thread, sizeof(m->thread), "%s", thread ? thread : m->id);
	idx_put(b, (size_t)(m - b->m));
}

static void
idx_put(struct gm_box *b, size_t i)
{
	size_t k;

	if ((b->n + 1) * 2 > b->idx_cap) {
		size_t j;

		free(b->idx);
		b->idx_cap = b->idx_cap ? b->idx_cap * 2 : 256;
		while (b->idx_cap < (b->n + 1) * 2)
			b->idx_cap *= 2;
		b->idx = xcalloc(b->idx_cap, sizeof(*b->idx));
		for (j = 0; j < b->n; j++)
			if (j != i && b->m[j].id[0]) {
				k = fake_hash(0, b->m[j].id, strlen(b->m[j].id)) &
				    (b->idx_cap - 1);
				while (b->idx[k])
					k = (k + 1) & (b->idx_cap - 1);
				b->idx[k] = j + 1;
			}
	}
	k = fake_hash(0, b->m[i].id, strlen(b->m[i].id)) & (b->idx_cap - 1);
	while (b->idx[k])
		k = (k + 1) & (b->idx_cap - 1);
	b->idx[k] = i + 1;
}

static void
party_of_person(struct party *p, const struct fake_person *x)
{
	p->first = x->first;
	p->last = x->last;
	p->email = x->email;
}

static void
party_of_rep(struct party *p, const struct fake_rep *x)
{
	p->first = x->first;
	p->last = x->last;
	p->email = x->email;
}

/*
 * Generate one message (and its copy in a second mailbox when shared).
 * Returns the index of the message in box b.
 */
static size_t
make_message(struct gm_box *b, struct gm_box *also, struct fake_rng *g,
	int64_t when, const char *thread, const char *reply_to_id,
	const char *subject_in)
{
	struct gen x;
	struct party me, ext, other, cc_party;
	const struct party *to[3];
	const struct party *from, *cc = NULL;
	size_t nto = 0, ip, idx;
	unsigned kind = (unsigned)fake_rng_below(g, 10);
	int outgoing = fake_rng_chance(g, 0.35);
	int date_mode = (int)fake_rng_below(g, 8);
	struct buf subj = BUF_INIT, msgid = BUF_INIT, marker = BUF_INIT;
	struct gm_msg *m;
	const struct fake_rep *rep = NULL;
	size_t i;

	for (i = 0; i < fake_dir_reps(); i++)
		if (strcasecmp(fake_dir_rep(i)->email, b->email) == 0)
			rep = fake_dir_rep(i);
	party_of_rep(&me, rep);
	/* an external person in mail with this rep, else anyone */
	ip = (size_t)fake_rng_below(g, fake_dir_people());
	for (i = 0; i < fake_dir_people(); i++) {
		const struct fake_person *p = fake_dir_person((ip + i) %
		    fake_dir_people());

		if (p->in_mail) {
			ip = (ip + i) % fake_dir_people();
			break;
		}
	}
	party_of_person(&ext, fake_dir_person(ip));
	party_of_person(&other, fake_dir_person((ip + 7) % fake_dir_people()));
	date_mode = date_mode > 3 ? 0 : date_mode;
	if (subject_in && (kind == 3 || kind == 4))
		kind = 0;
	if (subject_in) {
		buf_printf(&subj, "Re: %s", subject_in);
	} else if (kind == 3) {
		buf_printf(&subj, "Réunion café %u", (unsigned)fake_rng_below(g, 100));
	} else if (kind == 4) {
		buf_printf(&subj, "テスト %s", subjects[fake_rng_below(g,
		    sizeof(subjects) / sizeof(subjects[0]))]);
	} else {
		buf_addstr(&subj, subjects[fake_rng_below(g,
		    sizeof(subjects) / sizeof(subjects[0]))]);
		if (fake_rng_chance(g, 0.2))
			buf_addstr(&subj, " – “urgent”");
	}
	if (subject_in && (kind == 3 || kind == 4))
		kind = 0;
	buf_printf(&msgid, "%016llx.%llu@%s",
	    (unsigned long long)fake_rng_next(g), (unsigned long long)when,
	    outgoing ? fake_dir_internal_domain() : strchr(ext.email, '@') + 1);
	buf_printf(&marker, "ref-%llx", (unsigned long long)fake_hash(0,
	    msgid.data, msgid.len) & 0xffffffffULL);
	if (outgoing) {
		from = &me;
		to[nto++] = &ext;
		if (fake_rng_chance(g, 0.3))
			to[nto++] = &other;
	} else {
		from = &ext;
		if (kind == 9 && fake_rng_chance(g, 0.5))
			nto = 0;        /* undisclosed-recipients:; */
		else
			to[nto++] = &me;
	}
	if (also) {
		for (i = 0; i < fake_dir_reps(); i++)
			if (strcasecmp(fake_dir_rep(i)->email, also->email) == 0)
				party_of_rep(&cc_party, fake_dir_rep(i));
		cc = &cc_party;
	} else if (fake_rng_chance(g, 0.25)) {
		cc = &other;
	}
	memset(&x, 0, sizeof(x));
	x.g = g;
	buf_init(&x.raw, 0);
	x.truth = cJSON_CreateObject();
	x.contains = cJSON_AddArrayToObject(x.truth, "body_contains");
	gen_message(&x, kind, from, to, nto, cc, buf_cstr(&subj),
	    buf_cstr(&msgid), reply_to_id, when - 2000 -
	    (int64_t)fake_rng_below(g, 60000), buf_cstr(&marker), date_mode);
	cJSON_AddNumberToObject(x.truth, "kind", kind);
	cJSON_AddBoolToObject(x.truth, "has_date", date_mode != 3);

	m = box_new_msg(b);
	idx = b->n - 1;
	m->internal = when;
	msg_ids(b, m, thread);
	m->raw_n = x.raw.len;
	m->labels = outgoing ? L_SENT : (L_INBOX | (fake_rng_chance(g, 0.4) ?
	    L_UNREAD : 0) | L_PERSONAL);
	if (fake_rng_chance(g, 0.1))
		m->labels |= L_USER1;
	m->variant = (unsigned)fake_rng_below(g, 8);
	m->truth = x.truth;
	if (also) {
		struct gm_msg *m2 = box_new_msg(also);

		m2->internal = when + 1000;
		msg_ids(also, m2, NULL);
		m2->raw = xstrndup(x.raw.data, x.raw.len);
		m2->raw_n = x.raw.len;
		m2->labels = L_INBOX | L_UNREAD;
		m2->variant = (unsigned)fake_rng_below(g, 8);
		m2->truth = cJSON_Duplicate(x.truth, 1);
		hist_add(also, H_ADDED, also->n - 1, m2->labels);
	}
	m = &b->m[idx];         /* (also may be b's neighbour: no realloc of b) */
	m->raw = buf_detach(&x.raw, NULL);
	hist_add(b, H_ADDED, idx, m->labels);
	buf_release(&subj);
	buf_release(&msgid);
	buf_release(&marker);
	return idx;
}

static int
gm_init(char **msg)
{
	size_t want = (size_t)fake_opt_int("gmail-mailboxes");
	size_t per = (size_t)fake_opt_int("gmail-messages");
	size_t i, k, total;
	struct fake_rng g;
	int64_t start, span;

	(void)msg;
	if (want > fake_dir_reps())
		want = fake_dir_reps();
	nboxes = want;
	boxes = xcalloc(nboxes ? nboxes : 1, sizeof(*boxes));
	for (i = 0; i < nboxes; i++) {
		boxes[i].email = xstrdup(fake_dir_rep(i)->email);
		fake_rng_init(&boxes[i].rng, fake_seed(), boxes[i].email);
		boxes[i].history = 1000 + fake_rng_below(&boxes[i].rng, 100000);
		boxes[i].floor = (uint64_t)fake_opt_int("gmail-history-floor");
	}
	quota_per_min = fake_opt_double("gmail-quota");
	quota_burst = fake_opt_double("gmail-quota-burst");
	if (quota_burst <= 0)
		quota_burst = quota_per_min / 6;
	fake_rng_init(&g, fake_seed(), "gmail");
	/* messages over the 120 days before the epoch, in time order */
	span = 120LL * 86400000LL;
	start = fake_epoch_ms() - span;
	total = per * nboxes;
	for (k = 0; k < total; k++) {
		struct gm_box *b = &boxes[k % (nboxes ? nboxes : 1)];
		struct gm_box *also = NULL;
		int64_t when = start + (int64_t)((double)span * ((double)k + 0.5) /
		    (double)total) + (int64_t)fake_rng_below(&g, 3600000);
		const char *thread = NULL, *reply = NULL, *subj = NULL;
		char thread_id[17];
		char *reply_id = NULL, *subj_c = NULL;

		if (nboxes > 1 && fake_rng_chance(&g, 0.12))
			also = &boxes[(k + 1) % nboxes];
		if (b->n > 0 && fake_rng_chance(&g, 0.3)) {
			/* a reply in an earlier thread of this mailbox */
			struct gm_msg *prev = &b->m[fake_rng_below(&g, b->n)];
			const cJSON *mid = cJSON_GetObjectItem(prev->truth,
			    "message_id_header");
			const cJSON *ps = cJSON_GetObjectItem(prev->truth, "subject");

			snprintf(thread_id, sizeof(thread_id), "%s", prev->thread);
			thread = thread_id;
			reply_id = xstrdup(mid->valuestring);
			reply = reply_id;
			subj_c = xstrdup(strncmp(ps->valuestring, "Re: ", 4) == 0 ?
			    ps->valuestring + 4 : ps->valuestring);
			subj = subj_c;
		}
		make_message(b, also, &g, when, thread, reply, subj);
		free(reply_id);
		free(subj_c);
	}
	return 0;
}

static void
gm_release(void)
{
	size_t i, k;

	free(damage.kind);
	free(damage.match);
	memset(&damage, 0, sizeof(damage));

	for (i = 0; i < nboxes; i++) {
		for (k = 0; k < boxes[i].n; k++) {
			free(boxes[i].m[k].raw);
			cJSON_Delete(boxes[i].m[k].truth);
		}
		free(boxes[i].m);
		free(boxes[i].h);
		free(boxes[i].idx);
		free(boxes[i].email);
	}
	free(boxes);
	boxes = NULL;
	nboxes = 0;
	for (i = 0; i < ntokens; i++)
		free(tokens[i].token);
	free(tokens);
	tokens = NULL;
	ntokens = 0;
	free(tok_err.error);
	free(tok_err.description);
	memset(&tok_err, 0, sizeof(tok_err));
}

/* ---- errors ------------------------------------------------------------ */

static void
gerror(struct fake_resp *w, int code, const char *reason, const char *domain,
	const char *status, const char *message)
{
	cJSON *o = cJSON_CreateObject(), *e, *errs, *one;

	e = cJSON_AddObjectToObject(o, "error");
	cJSON_AddNumberToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", message);
	errs = cJSON_AddArrayToObject(e, "errors");
	one = cJSON_CreateObject();
	cJSON_AddStringToObject(one, "message", message);
	cJSON_AddStringToObject(one, "domain", domain);
	cJSON_AddStringToObject(one, "reason", reason);
	if (code == 401) {
		cJSON_AddStringToObject(one, "location", "Authorization");
		cJSON_AddStringToObject(one, "locationType", "header");
		fake_resp_header(w, "WWW-Authenticate",
		    "Bearer realm=\"https://accounts.google.com/\"");
	}
	cJSON_AddItemToArray(errs, one);
	cJSON_AddStringToObject(e, "status", status);
	fake_resp_json(w, code, o);
}

static void
not_found(struct fake_resp *w)
{
	gerror(w, 404, "notFound", "global", "NOT_FOUND",
	    "Requested entity was not found.");
}

static void
bad_request(struct fake_resp *w, const char *message)
{
	gerror(w, 400, "invalidArgument", "global", "INVALID_ARGUMENT", message);
}

static void
rate_limited(struct fake_resp *w)
{
	if (fake_opt_int("gmail-quota-status") == 403)
		gerror(w, 403, "userRateLimitExceeded", "usageLimits",
		    "PERMISSION_DENIED", "User-rate limit exceeded.");
	else
		gerror(w, 429, "rateLimitExceeded", "usageLimits",
		    "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric "
		    "'Queries' and limit 'Queries per minute per user'");
}

/* ---- tokens ------------------------------------------------------------ */

static void
token_error(struct fake_resp *w, int status, const char *error,
	const char *desc)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "error", error);
	cJSON_AddStringToObject(o, "error_description", desc);
	fake_resp_json(w, status, o);
}

static void
issue_token(struct fake_resp *w, size_t box, int readonly)
{
	struct buf t = BUF_INIT;
	struct gm_token *k;
	cJSON *o = cJSON_CreateObject();
	long long ttl = fake_opt_int("gmail-token-ttl");

	buf_printf(&t, "ya29.fake-%llu-%016llx", (unsigned long long)++token_serial,
	    (unsigned long long)fake_hash(fake_seed(), &token_serial,
	    sizeof(token_serial)));
	tokens = xrealloc(tokens, (ntokens + 1) * sizeof(*tokens));
	k = &tokens[ntokens++];
	k->token = buf_detach(&t, NULL);
	k->box = box;
	k->readonly = readonly;
	k->exp_ms = fake_now_ms() + ttl * 1000;
	tokens_issued++;
	cJSON_AddStringToObject(o, "access_token", k->token);
	cJSON_AddNumberToObject(o, "expires_in", (double)ttl);
	cJSON_AddStringToObject(o, "token_type", "Bearer");
	cJSON_AddStringToObject(o, "scope", readonly ? SCOPE_RO : SCOPE_META);
	fake_resp_json(w, 200, o);
}

static int
b64url_strict(struct buf *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '=' || s[i] == '\n' || s[i] == '\r' || s[i] == '+' ||
		    s[i] == '/')
			return -1;
	return mime_base64_decode(out, s, n, MIME_B64_URL);
}

/* The public key of the service account iss: the fixture's, or the one
 * given with --gmail-sa-key / --gmail-sa-email. */
static EVP_PKEY *
sa_key_for(const char *iss)
{
	const char *file = fake_opt("gmail-sa-key");
	const char *email = fake_opt("gmail-sa-email");
	EVP_PKEY *key = NULL;
	BIO *bio;

	if (strcmp(iss, sa_email) == 0) {
		bio = BIO_new_mem_buf(sa_pubkey, -1);
		key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
		BIO_free(bio);
		return key;
	}
	if (!file || !*file || !email || strcmp(iss, email) != 0)
		return NULL;
	bio = BIO_new_file(file, "r");
	if (!bio)
		return NULL;
	key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	if (!key) {
		(void)BIO_reset(bio);
		key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	}
	BIO_free(bio);
	return key;
}

static int
verify_rs256(const char *iss, const char *input, size_t n,
	const struct buf *sig)
{
	EVP_PKEY *key = sa_key_for(iss);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = 0;

	if (key && ctx &&
	    EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestVerify(ctx, (const unsigned char *)sig->data, sig->len,
	    (const unsigned char *)input, n) == 1)
		ok = 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	return ok;
}

static int
sa_key_known(const char *iss)
{
	const char *email = fake_opt("gmail-sa-email");

	return strcmp(iss, sa_email) == 0 || (email && *email &&
	    strcmp(iss, email) == 0);
}

static void
jwt_grant(const struct fake_req *r, struct fake_resp *w, const char *jwt)
{
	const char *d1 = strchr(jwt, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	struct buf h = BUF_INIT, c = BUF_INIT, s = BUF_INIT, aud = BUF_INIT;
	cJSON *hd = NULL, *cl = NULL, *v;
	const char *why = NULL, *err = "invalid_grant";
	int64_t now = fake_now_ms() / 1000;
	double iat, exp;
	struct gm_box *b;
	int readonly = 0;

	if (!d1 || !d2 || strchr(d2 + 1, '.') ||
	    b64url_strict(&h, jwt, (size_t)(d1 - jwt)) ||
	    b64url_strict(&c, d1 + 1, (size_t)(d2 - d1 - 1)) ||
	    b64url_strict(&s, d2 + 1, strlen(d2 + 1))) {
		why = "Invalid JWT Signature.";
		goto out;
	}
	hd = cJSON_ParseWithLength(h.data ? h.data : "", h.len);
	cl = cJSON_ParseWithLength(c.data ? c.data : "", c.len);
	v = cJSON_GetObjectItem(hd, "alg");
	if (!hd || !cl || !cJSON_IsString(v) || strcmp(v->valuestring, "RS256")) {
		why = "Invalid JWT Signature.";
		goto out;
	}
	v = cJSON_GetObjectItem(cl, "iss");
	if (!cJSON_IsString(v) || !sa_key_known(v->valuestring)) {
		err = "invalid_client";
		why = "The OAuth client was not found.";
		goto out;
	}
	if (!verify_rs256(v->valuestring, jwt, (size_t)(d2 - jwt), &s)) {
		why = "Invalid JWT Signature.";
		goto out;
	}
	buf_printf(&aud, "%s/token", r->base_url);
	v = cJSON_GetObjectItem(cl, "aud");
	if (!cJSON_IsString(v) || (strcmp(v->valuestring, buf_cstr(&aud)) &&
	    strcmp(v->valuestring, "https://oauth2.googleapis.com/token"))) {
		why = "Invalid JWT: Failed audience check.";
		goto out;
	}
	v = cJSON_GetObjectItem(cl, "iat");
	iat = cJSON_IsNumber(v) ? v->valuedouble : -1;
	v = cJSON_GetObjectItem(cl, "exp");
	exp = cJSON_IsNumber(v) ? v->valuedouble : -1;
	if (iat < 0 || exp < 0 || exp <= (double)now || exp < iat ||
	    exp - iat > 3900 || iat > (double)now + 300) {
		why = "Invalid JWT: Token must be a short-lived token (60 minutes) "
		    "and in a reasonable timeframe. Check your iat and exp values "
		    "in the JWT claim.";
		goto out;
	}
	v = cJSON_GetObjectItem(cl, "scope");
	if (!cJSON_IsString(v) || !*v->valuestring || strchr(v->valuestring, ',')) {
		err = "invalid_scope";
		why = "Invalid OAuth scope or ID token audience provided.";
		goto out;
	}
	{
		char *sc = xstrdup(v->valuestring), *p = sc, *tok;

		while ((tok = strsep(&p, " ")) != NULL) {
			if (!*tok)
				continue;
			if (strcmp(tok, SCOPE_RO) == 0 || strcmp(tok, SCOPE_ALL) == 0)
				readonly = 1;
			else if (strcmp(tok, SCOPE_META) != 0) {
				err = "unauthorized_client";
				why = "Client is unauthorized to retrieve access tokens "
				    "using this method, or client not authorized for "
				    "any of the scopes requested.";
			}
		}
		free(sc);
		if (why)
			goto out;
	}
	v = cJSON_GetObjectItem(cl, "sub");
	b = cJSON_IsString(v) ? box_find(v->valuestring) : NULL;
	if (!b) {
		why = "Invalid email or User ID";
		goto out;
	}
	issue_token(w, (size_t)(b - boxes), readonly);
out:
	if (why)
		token_error(w, strcmp(err, "unauthorized_client") == 0 ? 401 : 400,
		    err, why);
	cJSON_Delete(hd);
	cJSON_Delete(cl);
	buf_release(&h);
	buf_release(&c);
	buf_release(&s);
	buf_release(&aud);
}

static int
token_endpoint(const struct fake_req *r, struct fake_resp *w)
{
	char *gt;

	if (strcmp(r->method, "POST") != 0) {
		token_error(w, 405, "invalid_request", "POST the token request");
		return 0;
	}
	if (tok_err.count > 0) {
		tok_err.count--;
		token_error(w, tok_err.status, tok_err.error, tok_err.description);
		return 0;
	}
	gt = fake_form_get(r, "grant_type");
	if (gt && strcmp(gt, "urn:ietf:params:oauth:grant-type:jwt-bearer") == 0) {
		char *a = fake_form_get(r, "assertion");

		if (a)
			jwt_grant(r, w, a);
		else
			token_error(w, 400, "invalid_request", "Missing assertion");
		free(a);
	} else if (gt && strcmp(gt, "refresh_token") == 0) {
		char *id = fake_form_get(r, "client_id");
		char *sec = fake_form_get(r, "client_secret");
		char *rt = fake_form_get(r, "refresh_token");

		if (!id || !sec || strcmp(id, ru_client_id) ||
		    strcmp(sec, ru_client_secret))
			token_error(w, 401, "invalid_client", "Unauthorized");
		else if (!rt || strcmp(rt, ru_refresh) || nboxes == 0)
			token_error(w, 400, "invalid_grant",
			    "Token has been expired or revoked.");
		else
			issue_token(w, 0, 1);
		free(id);
		free(sec);
		free(rt);
	} else {
		token_error(w, 400, "unsupported_grant_type",
		    "Invalid grant_type: ");
	}
	free(gt);
	return 0;
}

/* ---- quota ------------------------------------------------------------- */

static int
quota_take(struct gm_box *b, double cost)
{
	int64_t now = fake_now_ms();

	b->units += (uint64_t)cost;
	if (quota_per_min <= 0)
		return 1;
	if (b->last_ms == 0) {
		b->tokens = quota_burst;
		b->last_ms = now;
	}
	b->tokens += (double)(now - b->last_ms) * quota_per_min / 60000.0;
	if (b->tokens > quota_burst)
		b->tokens = quota_burst;
	b->last_ms = now;
	if (b->tokens < cost) {
		b->units -= (uint64_t)cost;
		b->rejected++;
		return 0;
	}
	b->tokens -= cost;
	return 1;
}

/* ---- payloads ---------------------------------------------------------- */

static void
add_b64url(cJSON *o, const char *key, const char *data, size_t n, int pad)
{
	struct buf t = BUF_INIT;

	mime_base64_encode(&t, data, n, MIME_B64_URL);
	if (pad)
		while (t.len % 4)
			buf_addch(&t, '=');
	cJSON_AddStringToObject(o, key, buf_cstr(&t));
	buf_release(&t);
}

static void
part_bytes(const struct mime_part *p, const struct gm_msg *m, struct buf *out)
{
	struct buf raw = BUF_INIT;

	mime_part_decode(p, &raw);
	if ((m->variant & V_UTF8) && strncmp(p->type, "text/", 5) == 0)
		charset_to_utf8(out, p->charset, raw.data ? raw.data : "", raw.len);
	else
		buf_add(out, raw.data ? raw.data : "", raw.len);
	buf_release(&raw);
}

static cJSON *
payload_of(const struct mime_part *p, const char *part_id,
	const struct gm_msg *m, int with_body)
{
	cJSON *o = cJSON_CreateObject(), *hs, *body;
	size_t i;

	cJSON_AddStringToObject(o, "partId", part_id);
	cJSON_AddStringToObject(o, "mimeType", p->type);
	cJSON_AddStringToObject(o, "filename", p->filename ? p->filename : "");
	hs = cJSON_AddArrayToObject(o, "headers");
	for (i = 0; i < p->nheaders; i++) {
		cJSON *h = cJSON_CreateObject();
		const char *val = p->headers[i].value;
		struct buf d = BUF_INIT;

		if ((m->variant & V_SUBJ_DECODED) &&
		    strcasecmp(p->headers[i].name, "Subject") == 0) {
			rfc2047_decode(&d, val, strlen(val));
			val = buf_cstr(&d);
		} else if (!charset_utf8_valid(val, strlen(val))) {
			charset_utf8_sanitize(&d, val, strlen(val));
			val = buf_cstr(&d);
		}
		cJSON_AddStringToObject(h, "name", p->headers[i].name);
		cJSON_AddStringToObject(h, "value", val);
		cJSON_AddItemToArray(hs, h);
		buf_release(&d);
	}
	body = cJSON_AddObjectToObject(o, "body");
	if (strncmp(p->type, "multipart/", 10) == 0 ||
	    (strcmp(p->type, "message/rfc822") == 0 && p->nparts)) {
		cJSON *parts = cJSON_AddArrayToObject(o, "parts");

		cJSON_AddNumberToObject(body, "size", 0);
		for (i = 0; i < p->nparts; i++) {
			struct buf id = BUF_INIT;

			if (*part_id)
				buf_printf(&id, "%s.%zu", part_id, i);
			else
				buf_printf(&id, "%zu", i);
			cJSON_AddItemToArray(parts, payload_of(&p->parts[i],
			    buf_cstr(&id), m, with_body));
			buf_release(&id);
		}
		return o;
	}
	{
		struct buf data = BUF_INIT;
		size_t inline_max = (size_t)fake_opt_int("gmail-inline-max");

		part_bytes(p, m, &data);
		cJSON_AddNumberToObject(body, "size", (double)data.len);
		if (!with_body) {
			/* metadata: no data */
		} else if (mime_part_is_attachment(p) || data.len > inline_max) {
			struct buf aid = BUF_INIT;

			buf_printf(&aid, "ANGjdJ_%s_%s", m->id, *part_id ? part_id : "r");
			cJSON_AddStringToObject(body, "attachmentId", buf_cstr(&aid));
			buf_release(&aid);
		} else if (data.len) {
			add_b64url(body, "data", data.data, data.len,
			    (m->variant & V_PAD) != 0);
		}
		buf_release(&data);
	}
	return o;
}

static const struct mime_part *
part_by_id(const struct mime_part *root, const char *id)
{
	const struct mime_part *p = root;

	if (strcmp(id, "r") == 0)
		return root;
	while (*id) {
		char *end;
		unsigned long k = strtoul(id, &end, 10);

		if (end == id || k >= p->nparts)
			return NULL;
		p = &p->parts[k];
		id = *end == '.' ? end + 1 : end;
		if (*end && *end != '.')
			return NULL;
	}
	return p;
}

static cJSON *
message_json(const struct gm_msg *m, const char *format,
	const struct fake_req *r)
{
	cJSON *o = cJSON_CreateObject();
	struct mime_part root;
	char num[32];

	cJSON_AddStringToObject(o, "id", m->id);
	cJSON_AddStringToObject(o, "threadId", m->thread);
	cJSON_AddItemToObject(o, "labelIds", labels_json(m->labels));
	mime_parse(&root, m->raw, m->raw_n, NULL);
	{
		struct buf sn = BUF_INIT;
		const struct mime_part *pl, *ht;

		mime_find_bodies(&root, &pl, &ht);
		if (pl)
			mime_part_text(pl, &sn);
		if (sn.len > 100)
			buf_truncate(&sn, 100);
		while (sn.len && ((unsigned char)sn.data[sn.len - 1] & 0xc0) == 0x80)
			buf_truncate(&sn, sn.len - 1);
		if (sn.len && (unsigned char)sn.data[sn.len - 1] >= 0xc0)
			buf_truncate(&sn, sn.len - 1);
		cJSON_AddStringToObject(o, "snippet", buf_cstr(&sn));
		buf_release(&sn);
	}
	snprintf(num, sizeof(num), "%llu", (unsigned long long)m->history);
	cJSON_AddStringToObject(o, "historyId", num);
	snprintf(num, sizeof(num), "%lld", (long long)m->internal);
	cJSON_AddStringToObject(o, "internalDate", num);
	cJSON_AddNumberToObject(o, "sizeEstimate", (double)m->raw_n + 350);
	if (strcmp(format, "raw") == 0) {
		add_b64url(o, "raw", m->raw, m->raw_n, (m->variant & V_PAD) != 0);
	} else if (strcmp(format, "metadata") == 0) {
		cJSON *pl = payload_of(&root, "", m, 0);
		size_t nmh = fake_query_count(r, "metadataHeaders");

		cJSON_DeleteItemFromObject(pl, "parts");
		if (nmh) {
			cJSON *hs = cJSON_GetObjectItem(pl, "headers");
			int i;

			for (i = cJSON_GetArraySize(hs) - 1; i >= 0; i--) {
				cJSON *h = cJSON_GetArrayItem(hs, i);
				const char *nm = cJSON_GetObjectItem(h, "name")->valuestring;
				size_t k;
				int keep = 0;

				for (k = 0; k < nmh; k++)
					if (strcasecmp(nm, fake_query_at(r,
					    "metadataHeaders", k)) == 0)
						keep = 1;
				if (!keep)
					cJSON_DeleteItemFromArray(hs, i);
			}
		}
		cJSON_AddItemToObject(o, "payload", pl);
	} else if (strcmp(format, "minimal") != 0) {
		cJSON_AddItemToObject(o, "payload", payload_of(&root, "", m, 1));
	}
	mime_part_release(&root);
	return o;
}

/* ---- the API ----------------------------------------------------------- */

static struct gm_msg *
msg_find(struct gm_box *b, const char *id)
{
	size_t k;

	if (!b->idx_cap)
		return NULL;
	k = fake_hash(0, id, strlen(id)) & (b->idx_cap - 1);
	for (; b->idx[k]; k = (k + 1) & (b->idx_cap - 1)) {
		struct gm_msg *m = &b->m[b->idx[k] - 1];

		if (strcmp(m->id, id) == 0)
			return m->deleted ? NULL : m;
	}
	return NULL;
}

struct query {
	int64_t after_ms, before_ms;    /* -1: none */
	unsigned need, exclude;
	int anywhere;
};

static int
parse_q(const char *q, struct query *x)
{
	char *s = xstrdup(q ? q : ""), *p = s, *tok;
	int rc = 0;

	while ((tok = strsep(&p, " ")) != NULL) {
		if (!*tok)
			continue;
		if (strncmp(tok, "after:", 6) == 0 || strncmp(tok, "before:", 7) == 0) {
			int after = tok[0] == 'a';
			const char *v = tok + (after ? 6 : 7);
			int64_t ms;
			int y, mo, d;

			if (sscanf(v, "%d/%d/%d", &y, &mo, &d) == 3 && strchr(v, '/')) {
				char iso[40];

				/* dates are midnight Pacific time */
				snprintf(iso, sizeof(iso), "%04d-%02d-%02dT00:00:00-08:00",
				    y, mo, d);
				if (fake_parse_iso(iso, &ms) != 0) {
					rc = -1;
					break;
				}
			} else if (*v && strspn(v, "0123456789") == strlen(v)) {
				ms = strtoll(v, NULL, 10) * 1000;
			} else {
				rc = -1;
				break;
			}
			if (after)
				x->after_ms = ms;
			else
				x->before_ms = ms;
		} else if (strncmp(tok, "newer_than:", 11) == 0) {
			long n = atol(tok + 11);
			char u = tok[strlen(tok) - 1];
			int64_t unit = u == 'd' ? 86400000LL : u == 'm' ?
			    30LL * 86400000LL : u == 'y' ? 365LL * 86400000LL : 0;

			if (!unit || n <= 0) {
				rc = -1;
				break;
			}
			x->after_ms = fake_now_ms() - n * unit;
		} else if (strcmp(tok, "in:anywhere") == 0) {
			x->anywhere = 1;
		} else if (strncmp(tok, "label:", 6) == 0) {
			unsigned bit = label_bit(tok + 6);
			char up[64];
			size_t i;

			for (i = 0; tok[6 + i] && i + 1 < sizeof(up); i++)
				up[i] = (char)toupper((unsigned char)tok[6 + i]);
			up[i] = '\0';
			if (!bit)
				bit = label_bit(up);
			x->need |= bit ? bit : (1u << 30);
		} else if (strcmp(tok, "is:unread") == 0) {
			x->need |= L_UNREAD;
		}
		/* other words: ignored (the fake has no full-text search) */
	}
	free(s);
	return rc;
}

static int
msg_matches(const struct gm_msg *m, const struct query *x)
{
	int64_t when = m->internal +
	    (int64_t)fake_opt_int("gmail-q-skew-hours") * 3600000LL;

	if (m->deleted)
		return 0;
	if (x->after_ms >= 0 && when < x->after_ms)
		return 0;
	if (x->before_ms >= 0 && when >= x->before_ms)
		return 0;
	if ((m->labels & x->need) != x->need)
		return 0;
	if (!x->anywhere && (m->labels & x->exclude))
		return 0;
	return 1;
}

static long
max_results(const struct fake_req *r, struct fake_resp *w)
{
	const char *v = fake_query(r, "maxResults");
	long n;

	if (!v)
		return 100;
	n = atol(v);
	if (n <= 0) {
		bad_request(w, "Invalid value for maxResults");
		return -1;
	}
	if (n > 500) {
		if (strcmp(fake_opt("gmail-max-results"), "clamp") == 0)
			return 500;
		bad_request(w, "maxResults must be at most 500");
		return -1;
	}
	return n;
}

/* Page tokens name the last item seen and a hash of the query. */
static uint64_t
query_hash(const struct fake_req *r)
{
	uint64_t h = 0;
	size_t i;

	for (i = 0; i < r->nquery; i++) {
		if (strcmp(r->query[i].name, "pageToken") == 0 ||
		    strcmp(r->query[i].name, "maxResults") == 0)
			continue;
		h = fake_hash(h, r->query[i].name, strlen(r->query[i].name));
		h = fake_hash(h, "=", 1);
		h = fake_hash(h, r->query[i].value, strlen(r->query[i].value));
	}
	return h & 0xffffffffffULL;
}

static const struct gm_box *sort_box;   /* under the module lock */

static int
newest_first(const void *pa, const void *pb)
{
	const struct gm_msg *p = &sort_box->m[*(const size_t *)pa];
	const struct gm_msg *q = &sort_box->m[*(const size_t *)pb];

	if (p->internal != q->internal)
		return p->internal > q->internal ? -1 : 1;
	return -strcmp(p->id, q->id);
}

static int
list_messages(struct gm_box *b, const struct fake_req *r, struct fake_resp *w)
{
	struct query x = { -1, -1, 0, L_SPAM | L_TRASH, 0 };
	const char *pt = fake_query(r, "pageToken");
	const char *ist = fake_query(r, "includeSpamTrash");
	long max = max_results(r, w), count = 0, i;
	int64_t after_internal = INT64_MAX;
	char after_id[17] = "";
	cJSON *o, *arr = NULL;
	size_t k, total = 0;
	int more = 0;
	uint64_t qh = query_hash(r);

	if (max < 0)
		return 0;
	if (parse_q(fake_query(r, "q"), &x) != 0) {
		bad_request(w, "Invalid query");
		return 0;
	}
	for (k = 0; k < fake_query_count(r, "labelIds"); k++) {
		unsigned bit = label_bit(fake_query_at(r, "labelIds", k));

		x.need |= bit ? bit : (1u << 30);
	}
	if (ist && strcmp(ist, "true") == 0)
		x.anywhere = 1;
	if (pt) {
		unsigned long long ms, h;

		if (sscanf(pt, "%llx-%16[0-9a-f]-%llx", &ms, after_id, &h) != 3 ||
		    h != qh) {
			bad_request(w, "Invalid pageToken");
			return 0;
		}
		after_internal = (int64_t)ms;
	}
	if (fake_opt_int("gmail-list-short") && max > 2)
		max = max / 2 + 1 - (long)(fake_hash(qh, pt ? pt : "", pt ?
		    strlen(pt) : 0) % 2);
	o = cJSON_CreateObject();
	/* newest first: walk the store backwards (it is in time order, but
	 * added messages may interleave, so sort by (internal, id)) */
	{
		size_t *ord = xmalloc((b->n ? b->n : 1) * sizeof(*ord));
		size_t n = 0, a, c;

		for (k = 0; k < b->n; k++)
			if (msg_matches(&b->m[k], &x))
				ord[n++] = k;
		/* descending by (internal, id) */
		sort_box = b;
		qsort(ord, n, sizeof(*ord), newest_first);
		(void)a;
		(void)c;
		total = n;
		for (i = 0; (size_t)i < n; i++) {
			const struct gm_msg *m = &b->m[ord[i]];
			cJSON *e;

			if (pt && (m->internal > after_internal ||
			    (m->internal == after_internal &&
			    strcmp(m->id, after_id) >= 0)))
				continue;
			if (count == max) {
				more = 1;
				break;
			}
			if (!arr)
				arr = cJSON_AddArrayToObject(o, "messages");
			e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "id", m->id);
			cJSON_AddStringToObject(e, "threadId", m->thread);
			cJSON_AddItemToArray(arr, e);
			count++;
			after_internal = m->internal;
			snprintf(after_id, sizeof(after_id), "%s", m->id);
		}
		free(ord);
	}
	if (more) {
		char tok[80];

		snprintf(tok, sizeof(tok), "%llx-%s-%llx",
		    (unsigned long long)after_internal, after_id,
		    (unsigned long long)qh);
		cJSON_AddStringToObject(o, "nextPageToken", tok);
	}
	/* an estimate, and allowed to be wrong */
	cJSON_AddNumberToObject(o, "resultSizeEstimate", (double)(total + total / 7));
	fake_resp_json(w, 200, o);
	return 0;
}

static int
type_wanted(const struct fake_req *r, int type)
{
	static const char *const names[] = { "messageAdded", "messageDeleted",
		"labelAdded", "labelRemoved" };
	size_t k, n = fake_query_count(r, "historyTypes");

	if (n == 0)
		return 1;
	for (k = 0; k < n; k++)
		if (strcmp(fake_query_at(r, "historyTypes", k), names[type]) == 0)
			return 1;
	return 0;
}

static cJSON *
hist_msg(const struct gm_msg *m, int with_labels)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", m->id);
	cJSON_AddStringToObject(o, "threadId", m->thread);
	if (with_labels)
		cJSON_AddItemToObject(o, "labelIds", labels_json(m->labels));
	return o;
}

static int
list_history(struct gm_box *b, const struct fake_req *r, struct fake_resp *w)
{
	const char *sh = fake_query(r, "startHistoryId");
	const char *pt = fake_query(r, "pageToken");
	const char *lid = fake_query(r, "labelId");
	long max = max_results(r, w), count = 0;
	unsigned long long start, from;
	cJSON *o, *arr = NULL;
	size_t k;
	int more = 0;
	char num[32];
	uint64_t last = 0, qh = query_hash(r);

	if (max < 0)
		return 0;
	if (!sh || !*sh || strspn(sh, "0123456789") != strlen(sh) ||
	    strlen(sh) > 19) {
		bad_request(w, "Missing/invalid parameter: startHistoryId");
		return 0;
	}
	start = strtoull(sh, NULL, 10);
	if (start < b->floor) {
		not_found(w);
		return 0;
	}
	from = start;
	if (pt) {
		unsigned long long h, f;

		if (sscanf(pt, "%llu.%llx", &f, &h) != 2 || h != qh) {
			bad_request(w, "Invalid pageToken");
			return 0;
		}
		from = f;
	} else if (fake_opt_int("gmail-history-empty-page")) {
		/* the old quirk: a page with a token but no history */
		o = cJSON_CreateObject();
		snprintf(num, sizeof(num), "%llu.%llx", start,
		    (unsigned long long)qh);
		cJSON_AddStringToObject(o, "nextPageToken", num);
		snprintf(num, sizeof(num), "%llu", (unsigned long long)b->history);
		cJSON_AddStringToObject(o, "historyId", num);
		fake_resp_json(w, 200, o);
		return 0;
	}
	o = cJSON_CreateObject();
	for (k = 0; k < b->nh; k++) {
		const struct gm_hist *h = &b->h[k];
		const struct gm_msg *m = &b->m[h->msg];
		cJSON *rec, *list, *item;
		static const char *const keys[] = { "messagesAdded",
			"messagesDeleted", "labelsAdded", "labelsRemoved" };

		if (h->id <= from || !type_wanted(r, h->type))
			continue;
		if (lid && !(m->labels & label_bit(lid)))
			continue;
		if (count == max) {
			more = 1;
			break;
		}
		if (!arr)
			arr = cJSON_AddArrayToObject(o, "history");
		rec = cJSON_CreateObject();
		snprintf(num, sizeof(num), "%llu", (unsigned long long)h->id);
		cJSON_AddStringToObject(rec, "id", num);
		list = cJSON_AddArrayToObject(rec, "messages");
		cJSON_AddItemToArray(list, hist_msg(m, 0));
		list = cJSON_AddArrayToObject(rec, keys[h->type]);
		item = cJSON_CreateObject();
		cJSON_AddItemToObject(item, "message", hist_msg(m,
		    h->type != H_DELETED));
		if (h->type >= H_LABEL_ADDED)
			cJSON_AddItemToObject(item, "labelIds", labels_json(h->labels));
		cJSON_AddItemToArray(list, item);
		cJSON_AddItemToArray(arr, rec);
		count++;
		last = h->id;
	}
	if (more) {
		snprintf(num, sizeof(num), "%llu.%llx", (unsigned long long)last,
		    (unsigned long long)qh);
		cJSON_AddStringToObject(o, "nextPageToken", num);
	}
	snprintf(num, sizeof(num), "%llu", (unsigned long long)b->history);
	cJSON_AddStringToObject(o, "historyId", num);
	fake_resp_json(w, 200, o);
	return 0;
}

static int
get_attachment(struct gm_box *b, const char *mid, const char *aid,
	struct fake_resp *w)
{
	struct gm_msg *m = msg_find(b, mid);
	struct mime_part root;
	const struct mime_part *p;
	const char *pid;
	struct buf data = BUF_INIT;
	cJSON *o;

	if (!m || strncmp(aid, "ANGjdJ_", 7) != 0 ||
	    strncmp(aid + 7, m->id, 16) != 0 || aid[23] != '_') {
		not_found(w);
		return 0;
	}
	pid = aid + 24;
	mime_parse(&root, m->raw, m->raw_n, NULL);
	p = part_by_id(&root, pid);
	if (!p) {
		mime_part_release(&root);
		not_found(w);
		return 0;
	}
	part_bytes(p, m, &data);
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "size", (double)data.len);
	add_b64url(o, "data", data.data ? data.data : "", data.len,
	    (m->variant & V_PAD) != 0);
	fake_resp_json(w, 200, o);
	buf_release(&data);
	mime_part_release(&root);
	return 0;
}

static int
api_serve(const struct fake_req *r, struct fake_resp *w)
{
	const char *p = r->path + strlen("/gmail/v1/users/");
	const char *slash;
	char *user, *tok;
	struct gm_token *t = NULL;
	struct gm_box *b;
	size_t i;
	double cost;
	const char *rest;

	if (strncmp(r->path, "/gmail/v1/users/", 16) != 0)
		return -1;
	tok = fake_bearer(r);
	for (i = 0; tok && i < ntokens; i++)
		if (strcmp(tokens[i].token, tok) == 0)
			t = &tokens[i];
	free(tok);
	if (!t || t->exp_ms <= fake_now_ms()) {
		gerror(w, 401, "authError", "global", "UNAUTHENTICATED",
		    "Request had invalid authentication credentials.");
		return 0;
	}
	slash = strchr(p, '/');
	if (!slash)
		return -1;
	user = xstrndup(p, (size_t)(slash - p));
	b = &boxes[t->box];
	if (strcmp(user, "me") != 0 && strcasecmp(user, b->email) != 0) {
		free(user);
		gerror(w, 403, "forbidden", "global", "PERMISSION_DENIED",
		    "Delegation denied for this user");
		return 0;
	}
	free(user);
	rest = slash;
	if (strcmp(r->method, "GET") != 0) {
		gerror(w, 405, "badRequest", "global", "INVALID_ARGUMENT",
		    "Method not allowed");
		return 0;
	}
	if (strcmp(rest, "/profile") == 0)
		cost = 1;
	else if (strcmp(rest, "/history") == 0)
		cost = 2;
	else if (strcmp(rest, "/messages") == 0)
		cost = 5;
	else
		cost = 20;
	if (!quota_take(b, cost)) {
		rate_limited(w);
		return 0;
	}
	if (strcmp(rest, "/profile") == 0) {
		cJSON *o = cJSON_CreateObject();
		char num[32];
		size_t live = 0;

		b->calls_profile++;
		for (i = 0; i < b->n; i++)
			live += !b->m[i].deleted;
		cJSON_AddStringToObject(o, "emailAddress", b->email);
		cJSON_AddNumberToObject(o, "messagesTotal", (double)live);
		cJSON_AddNumberToObject(o, "threadsTotal", (double)(live * 3 / 4));
		snprintf(num, sizeof(num), "%llu", (unsigned long long)b->history);
		cJSON_AddStringToObject(o, "historyId", num);
		fake_resp_json(w, 200, o);
	} else if (strcmp(rest, "/history") == 0) {
		b->calls_history++;
		list_history(b, r, w);
	} else if (strcmp(rest, "/messages") == 0) {
		b->calls_list++;
		if (!t->readonly && fake_query(r, "q")) {
			gerror(w, 403, "forbidden", "global", "PERMISSION_DENIED",
			    "Metadata scope does not support 'q' parameter");
			return 0;
		}
		list_messages(b, r, w);
	} else if (strncmp(rest, "/messages/", 10) == 0) {
		const char *id = rest + 10, *att = strstr(id, "/attachments/");
		char *mid;

		if (att) {
			b->calls_attach++;
			mid = xstrndup(id, (size_t)(att - id));
			if (!t->readonly)
				gerror(w, 403, "insufficientPermissions", "global",
				    "PERMISSION_DENIED", "Request had insufficient "
				    "authentication scopes.");
			else
				get_attachment(b, mid, att + 13, w);
			free(mid);
		} else if (strchr(id, '/')) {
			return -1;
		} else {
			const char *fmt = fake_query(r, "format");
			struct gm_msg *m = msg_find(b, id);

			b->calls_get++;
			if (!fmt)
				fmt = "full";
			if (strcmp(fmt, "full") && strcmp(fmt, "raw") &&
			    strcmp(fmt, "metadata") && strcmp(fmt, "minimal")) {
				bad_request(w, "Invalid value for format");
			} else if (!t->readonly && (strcmp(fmt, "full") == 0 ||
			    strcmp(fmt, "raw") == 0)) {
				gerror(w, 403, "forbidden", "global", "PERMISSION_DENIED",
				    "Metadata scope doesn't allow format FULL");
			} else if (!m) {
				not_found(w);
			} else {
				fake_resp_json(w, 200, message_json(m, fmt, r));
			}
		}
	} else {
		return -1;
	}
	return 0;
}

/* ---- batch ------------------------------------------------------------- */

static int
damaged(const struct fake_req *r, const char *kind)
{
	if (damage.count <= 0 || !damage.kind || strcmp(damage.kind, kind) != 0 ||
	    !strstr(r->path, damage.match ? damage.match : ""))
		return 0;
	damage.count--;
	return 1;
}

static int
api(const struct fake_req *r, struct fake_resp *w)
{
	int rc;

	if (strncmp(r->path, "/gmail/v1/users/", 16) == 0 &&
	    damaged(r, "gone")) {
		not_found(w);
		return 0;
	}
	if (strncmp(r->path, "/gmail/v1/users/", 16) == 0 &&
	    damaged(r, "precondition")) {
		gerror(w, 400, "failedPrecondition", "global",
		    "FAILED_PRECONDITION", "Precondition check failed.");
		return 0;
	}
	rc = api_serve(r, w);
	if (rc == 0 && w->status == 200 && damaged(r, "truncate"))
		buf_truncate(&w->body, w->body.len / 2);
	return rc;
}

static void resp_init(struct fake_resp *w)
{
	memset(w, 0, sizeof(*w));
	w->status = 200;
	buf_init(&w->headers, 0);
	buf_init(&w->body, 0);
}

static void
resp_release(struct fake_resp *w)
{
	buf_release(&w->headers);
	buf_release(&w->body);
}

static const char *
reason_phrase(int s)
{
	switch (s) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	default: return "Status";
	}
}

/* Run one inner request: "GET /path?query HTTP/1.1" plus headers. */
static void
batch_inner(const struct fake_req *outer, const struct mime_part *part,
	struct fake_resp *w)
{
	const char *s = part->body, *e = s + part->body_n, *nl, *sp1, *sp2;
	struct fake_req in;
	struct fake_kv *q = NULL, *hdr = NULL;
	size_t nq = 0, nh = 0;
	char *line, *target, *path, *qs;
	struct mime_part ih;

	while (s < e && (*s == '\r' || *s == '\n'))
		s++;
	nl = memchr(s, '\n', (size_t)(e - s));
	line = xstrndup(s, nl ? (size_t)(nl - s) : (size_t)(e - s));
	if (strlen(line) && line[strlen(line) - 1] == '\r')
		line[strlen(line) - 1] = '\0';
	sp1 = strchr(line, ' ');
	if (!sp1) {
		bad_request(w, "Bad inner request");
		free(line);
		return;
	}
	sp2 = strchr(sp1 + 1, ' ');
	target = xstrndup(sp1 + 1, sp2 ? (size_t)(sp2 - sp1 - 1) : strlen(sp1 + 1));
	memset(&in, 0, sizeof(in));
	in.method = "GET";
	line[sp1 - line] = '\0';
	in.method = line;
	if (target[0] != '/') {
		bad_request(w, "Absolute URLs are not allowed in batch requests");
		free(line);
		free(target);
		return;
	}
	qs = strchr(target, '?');
	path = fake_urldecode(target, qs ? (size_t)(qs - target) : strlen(target), 0);
	in.target = target;
	in.path = path;
	in.raw_path = path;
	in.query_string = qs ? qs + 1 : "";
	if (qs) {
		char *all = xstrdup(qs + 1), *p = all, *kv;

		while ((kv = strsep(&p, "&")) != NULL) {
			char *eq = strchr(kv, '=');

			if (!*kv)
				continue;
			q = xrealloc(q, (nq + 1) * sizeof(*q));
			q[nq].name = fake_urldecode(kv, eq ? (size_t)(eq - kv) :
			    strlen(kv), 1);
			q[nq].value = fake_urldecode(eq ? eq + 1 : "", eq ?
			    strlen(eq + 1) : 0, 1);
			nq++;
		}
		free(all);
	}
	in.query = q;
	in.nquery = nq;
	/* inner headers override the outer ones; Authorization from outside */
	mime_parse(&ih, nl ? nl + 1 : e, nl ? (size_t)(e - nl - 1) : 0, NULL);
	{
		size_t k;
		const char *auth = fake_header(outer, "Authorization");

		for (k = 0; k < ih.nheaders; k++) {
			hdr = xrealloc(hdr, (nh + 1) * sizeof(*hdr));
			hdr[nh].name = xstrdup(ih.headers[k].name);
			hdr[nh].value = xstrdup(ih.headers[k].value);
			nh++;
		}
		if (auth && !mime_header_get(&ih, "Authorization")) {
			hdr = xrealloc(hdr, (nh + 1) * sizeof(*hdr));
			hdr[nh].name = xstrdup("Authorization");
			hdr[nh].value = xstrdup(auth);
			nh++;
		}
	}
	mime_part_release(&ih);
	in.headers = hdr;
	in.nheaders = nh;
	in.body = "";
	in.base_url = outer->base_url;
	in.seq = outer->seq;
	if (api(&in, w) != 0)
		not_found(w);
	{
		size_t k;

		for (k = 0; k < nq; k++) {
			free(q[k].name);
			free(q[k].value);
		}
		for (k = 0; k < nh; k++) {
			free(hdr[k].name);
			free(hdr[k].value);
		}
	}
	free(q);
	free(hdr);
	free(path);
	free(target);
	free(line);
}

static int
batch(const struct fake_req *r, struct fake_resp *w)
{
	const char *ct = fake_header(r, "Content-Type");
	struct buf env = BUF_INIT, bnd = BUF_INIT, out = BUF_INIT;
	struct mime_part root;
	struct mime_limits lim = { 3, 1000, 200 };
	size_t i, *order;
	struct fake_rng g;
	double part_faults = fake_opt_double("gmail-batch-part-faults");

	if (strcmp(r->method, "POST") != 0) {
		gerror(w, 405, "badRequest", "global", "INVALID_ARGUMENT",
		    "POST a batch");
		return 0;
	}
	if (!ct || strncasecmp(ct, "multipart/mixed", 15) != 0 ||
	    !mime_param(ct, "boundary", &bnd)) {
		buf_release(&bnd);
		bad_request(w, "Batch requests need multipart/mixed with a boundary");
		return 0;
	}
	buf_printf(&env, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n",
	    buf_cstr(&bnd));
	buf_add(&env, r->body, r->body_len);
	mime_parse(&root, env.data, env.len, &lim);
	if (root.nparts == 0 || (root.flags & MIME_F_NO_BOUNDARY)) {
		bad_request(w, "Empty batch");
		goto done;
	}
	if (root.nparts > 100) {
		bad_request(w, "Too many requests in batch; the limit is 100");
		goto done;
	}
	fake_rng_init(&g, fake_seed() ^ r->seq, "gmail-batch");
	order = xmalloc(root.nparts * sizeof(*order));
	for (i = 0; i < root.nparts; i++)
		order[i] = i;
	if (fake_opt_int("gmail-batch-shuffle"))
		for (i = root.nparts; i > 1; i--) {
			size_t j = (size_t)fake_rng_below(&g, i), t = order[i - 1];

			order[i - 1] = order[j];
			order[j] = t;
		}
	{
		struct buf rb = BUF_INIT;

		buf_printf(&rb, "batch_%016llx", (unsigned long long)fake_rng_next(&g));
		for (i = 0; i < root.nparts; i++) {
			const struct mime_part *p = &root.parts[order[i]];
			const char *cid = mime_header_get(p, "Content-ID");
			struct fake_resp iw;
			struct buf id = BUF_INIT;

			resp_init(&iw);
			if (cid) {
				const char *s = cid;
				size_t n;

				while (*s == '<' || *s == ' ')
					s++;
				n = strlen(s);
				while (n && (s[n - 1] == '>' || s[n - 1] == ' '))
					n--;
				buf_add(&id, s, n);
			}
			if (part_faults > 0 && fake_rng_chance(&g, part_faults)) {
				if (fake_rng_chance(&g, 0.5))
					gerror(&iw, 500, "backendError", "global",
					    "INTERNAL", "Backend Error");
				else
					rate_limited(&iw);
			} else {
				batch_inner(r, p, &iw);
			}
			buf_printf(&out, "--%s\r\nContent-Type: application/http\r\n"
			    "Content-ID: <response-%s>\r\n\r\nHTTP/1.1 %d %s\r\n",
			    buf_cstr(&rb), buf_cstr(&id), iw.status,
			    reason_phrase(iw.status));
			buf_add(&out, iw.headers.data ? iw.headers.data : "",
			    iw.headers.len);
			buf_printf(&out, "\r\n");
			buf_add(&out, iw.body.data ? iw.body.data : "", iw.body.len);
			buf_addstr(&out, "\r\n");
			buf_release(&id);
			resp_release(&iw);
		}
		buf_printf(&out, "--%s--\r\n", buf_cstr(&rb));
		{
			struct buf ctv = BUF_INIT;

			buf_printf(&ctv, "multipart/mixed; boundary=%s", buf_cstr(&rb));
			fake_resp_body(w, 200, buf_cstr(&ctv), out.data, out.len);
			buf_release(&ctv);
		}
		buf_release(&rb);
	}
	free(order);
done:
	mime_part_release(&root);
	buf_release(&env);
	buf_release(&bnd);
	buf_release(&out);
	return 0;
}

static int
gm_handle(const struct fake_req *r, struct fake_resp *w)
{
	if (strcmp(r->path, "/token") == 0)
		return token_endpoint(r, w);
	if (strcmp(r->path, "/batch/gmail/v1") == 0 || strcmp(r->path, "/batch") == 0) {
		size_t i;
		/* count batches against the token's mailbox */
		char *tok = fake_bearer(r);

		for (i = 0; tok && i < ntokens; i++)
			if (strcmp(tokens[i].token, tok) == 0)
				boxes[tokens[i].box].calls_batch++;
		free(tok);
		return batch(r, w);
	}
	return api(r, w);
}

/* ---- faults, admin, truth ---------------------------------------------- */

static int
gm_fault(enum fake_fault f, const struct fake_req *r, struct fake_resp *w)
{
	if (strcmp(r->path, "/token") == 0)
		return f == FAKE_FAULT_401 ? -1 : 1;
	switch (f) {
	case FAKE_FAULT_429:
		gerror(w, 429, "rateLimitExceeded", "usageLimits",
		    "RESOURCE_EXHAUSTED", "Too many concurrent requests for user.");
		fake_resp_header(w, "Retry-After", "%lld",
		    fake_opt_int("retry-after"));
		return 0;
	case FAKE_FAULT_500:
		gerror(w, 500, "backendError", "global", "INTERNAL",
		    "Backend Error");
		return 0;
	case FAKE_FAULT_401:
		gerror(w, 401, "authError", "global", "UNAUTHENTICATED",
		    "Request had invalid authentication credentials.");
		return 0;
	default:
		return 1;
	}
}

static void
msg_truth(cJSON *arr, const struct gm_box *b, const struct gm_msg *m)
{
	cJSON *o = cJSON_Duplicate(m->truth, 1);
	char num[32];
	struct buf t = BUF_INIT;

	cJSON_AddStringToObject(o, "id", m->id);
	cJSON_AddStringToObject(o, "threadId", m->thread);
	cJSON_AddItemToObject(o, "labelIds", labels_json(m->labels));
	snprintf(num, sizeof(num), "%lld", (long long)m->internal);
	cJSON_AddStringToObject(o, "internalDate", num);
	fake_fmt_iso(&t, m->internal);
	cJSON_AddStringToObject(o, "internal_date", buf_cstr(&t));
	snprintf(num, sizeof(num), "%llu", (unsigned long long)m->history);
	cJSON_AddStringToObject(o, "historyId", num);
	{
		const cJSON *d = cJSON_GetObjectItem(m->truth, "date_ms");

		buf_reset(&t);
		fake_fmt_iso(&t, cJSON_IsNumber(d) ? (int64_t)d->valuedouble :
		    m->internal);
		cJSON_AddStringToObject(o, "sent_at", buf_cstr(&t));
	}
	cJSON_AddBoolToObject(o, "deleted", m->deleted);
	cJSON_AddStringToObject(o, "mailbox", b->email);
	cJSON_AddItemToArray(arr, o);
	buf_release(&t);
}

static cJSON *
box_stats(const struct gm_box *b)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "email", b->email);
	cJSON_AddNumberToObject(o, "units", (double)b->units);
	cJSON_AddNumberToObject(o, "rejected", (double)b->rejected);
	cJSON_AddNumberToObject(o, "get", (double)b->calls_get);
	cJSON_AddNumberToObject(o, "list", (double)b->calls_list);
	cJSON_AddNumberToObject(o, "history", (double)b->calls_history);
	cJSON_AddNumberToObject(o, "profile", (double)b->calls_profile);
	cJSON_AddNumberToObject(o, "batch", (double)b->calls_batch);
	cJSON_AddNumberToObject(o, "attachments", (double)b->calls_attach);
	return o;
}

static void
gm_dump(cJSON *o)
{
	cJSON *arr = cJSON_AddArrayToObject(o, "mailboxes");
	size_t i, k;

	for (i = 0; i < nboxes; i++) {
		cJSON *b = box_stats(&boxes[i]), *msgs;
		char num[32];

		snprintf(num, sizeof(num), "%llu", (unsigned long long)boxes[i].history);
		cJSON_AddStringToObject(b, "historyId", num);
		snprintf(num, sizeof(num), "%llu", (unsigned long long)boxes[i].floor);
		cJSON_AddStringToObject(b, "floor", num);
		msgs = cJSON_AddArrayToObject(b, "messages");
		for (k = 0; k < boxes[i].n; k++)
			msg_truth(msgs, &boxes[i], &boxes[i].m[k]);
		cJSON_AddItemToArray(arr, b);
	}
	cJSON_AddNumberToObject(o, "tokens_issued", (double)tokens_issued);
}

static int
gm_admin(const char *rest, const struct fake_req *r, struct fake_resp *w)
{
	const char *mb = fake_query(r, "mailbox");
	struct gm_box *b = mb ? box_find(mb) : (nboxes ? &boxes[0] : NULL);
	cJSON *o;

	if (strcmp(rest, "/mailboxes") == 0) {
		size_t i;

		o = cJSON_CreateArray();
		for (i = 0; i < nboxes; i++)
			cJSON_AddItemToArray(o, cJSON_CreateString(boxes[i].email));
		fake_resp_json(w, 200, o);
		return 0;
	}
	if (strcmp(rest, "/stats") == 0) {
		size_t i;

		o = cJSON_CreateObject();
		cJSON *arr = cJSON_AddArrayToObject(o, "mailboxes");
		for (i = 0; i < nboxes; i++)
			cJSON_AddItemToArray(arr, box_stats(&boxes[i]));
		cJSON_AddNumberToObject(o, "tokens_issued", (double)tokens_issued);
		fake_resp_json(w, 200, o);
		return 0;
	}
	if (strcmp(rest, "/token-error") == 0) {
		const char *e = fake_query(r, "error"), *d = fake_query(r, "description");
		const char *st = fake_query(r, "status"), *c = fake_query(r, "count");

		free(tok_err.error);
		free(tok_err.description);
		tok_err.error = xstrdup(e ? e : "invalid_grant");
		tok_err.description = xstrdup(d ? d : "Invalid email or User ID");
		tok_err.status = st ? atoi(st) : 400;
		tok_err.count = c ? atol(c) : 1;
		fake_resp_json_text(w, 200, "{\"ok\":true}");
		return 0;
	}
	if (strcmp(rest, "/damage") == 0) {
		const char *k = fake_query(r, "kind"), *mt = fake_query(r, "match");
		const char *c = fake_query(r, "count");

		if (!k || (strcmp(k, "gone") && strcmp(k, "truncate") &&
		    strcmp(k, "precondition"))) {
			fake_resp_error(w, 400, "kind: gone, truncate or "
			    "precondition");
			return 0;
		}
		free(damage.kind);
		free(damage.match);
		damage.kind = xstrdup(k);
		damage.match = xstrdup(mt ? mt : "");
		damage.count = c ? atol(c) : 1;
		fake_resp_json_text(w, 200, "{\"ok\":true}");
		return 0;
	}
	if (strcmp(rest, "/quota") == 0) {
		const char *u = fake_query(r, "units"), *bu = fake_query(r, "burst");
		size_t i;

		quota_per_min = u ? atof(u) : 0;
		quota_burst = bu ? atof(bu) : quota_per_min / 6;
		for (i = 0; i < nboxes; i++)
			boxes[i].last_ms = 0;
		fake_resp_json_text(w, 200, "{\"ok\":true}");
		return 0;
	}
	if (!b) {
		fake_resp_error(w, 404, "no such mailbox");
		return 0;
	}
	if (strcmp(rest, "/add") == 0) {
		const char *c = fake_query(r, "count");
		long n = c ? atol(c) : 1, i;
		struct fake_rng g;
		cJSON *ids;

		fake_rng_init(&g, fake_seed() ^ (b->history * 31 + b->n), b->email);
		o = cJSON_CreateObject();
		ids = cJSON_AddArrayToObject(o, "ids");
		for (i = 0; i < n; i++) {
			size_t idx = make_message(b, NULL, &g, fake_now_ms() -
			    (n - i) * 1000, NULL, NULL, NULL);

			cJSON_AddItemToArray(ids, cJSON_CreateString(b->m[idx].id));
		}
		fake_resp_json(w, 200, o);
		return 0;
	}
	if (strcmp(rest, "/delete") == 0 || strcmp(rest, "/label") == 0) {
		const char *id = fake_query(r, "id");
		struct gm_msg *m = id ? msg_find(b, id) : NULL;

		if (!m) {
			fake_resp_error(w, 404, "no such message");
			return 0;
		}
		if (rest[1] == 'd') {
			m->deleted = 1;
			hist_add(b, H_DELETED, (size_t)(m - b->m), 0);
		} else {
			const char *add = fake_query(r, "add"), *rm = fake_query(r, "remove");

			if (add && label_bit(add)) {
				m->labels |= label_bit(add);
				hist_add(b, H_LABEL_ADDED, (size_t)(m - b->m),
				    label_bit(add));
			}
			if (rm && label_bit(rm)) {
				m->labels &= ~label_bit(rm);
				hist_add(b, H_LABEL_REMOVED, (size_t)(m - b->m),
				    label_bit(rm));
			}
		}
		fake_resp_json_text(w, 200, "{\"ok\":true}");
		return 0;
	}
	if (strcmp(rest, "/retention") == 0) {
		const char *f = fake_query(r, "floor");

		if (f && strcmp(f, "current") == 0)
			b->floor = b->history;
		else
			b->floor = f ? strtoull(f, NULL, 10) : 0;
		fake_resp_json_text(w, 200, "{\"ok\":true}");
		return 0;
	}
	return -1;
}

static const struct fake_module gm_module = {
	.name = "gmail",
	.prefixes = gm_prefixes,
	.options = gm_options,
	.init = gm_init,
	.handle = gm_handle,
	.admin = gm_admin,
	.dump = gm_dump,
	.fault = gm_fault,
	.release = gm_release,
};
FAKE_MODULE(gm_module)
