#include "oauth.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "json.h"
#include "ts.h"
#include "banned.h"

static void
free_secret(char **p)
{
	if (*p) {
		explicit_bzero(*p, strlen(*p));
		free(*p);
	}
	*p = NULL;
}

void
oauth_token_init(struct oauth_token *t)
{
	memset(t, 0, sizeof(*t));
	t->expires_in = -1;
}

void
oauth_token_release(struct oauth_token *t)
{
	free_secret(&t->access_token);
	free_secret(&t->refresh_token);
	free(t->instance_url);
	free(t->scope);
	oauth_token_init(t);
}

void
oauth_form_add(struct buf *out, const char *name, const char *value)
{
	if (out->len)
		buf_addch(out, '&');
	http_urlencode(out, name, strlen(name));
	buf_addch(out, '=');
	http_urlencode(out, value, strlen(value));
}

static char *
dup_str(const struct json *obj, const char *key)
{
	const struct json *v = json_get(obj, key);

	return json_is_str(v) ? xstrndup(v->s, v->n) : NULL;
}

/* *malformed is set when the server answered 2xx with something that is
 * not a token response (a cut or broken body: worth asking again). */
static int
token_request(struct http_client *c, const char *token_url,
	const char *form, struct oauth_token *t, int *malformed, struct err *e)
{
	static const char *const hdrs[] = {
		"Content-Type: application/x-www-form-urlencoded",
		"Accept: application/json", NULL };
	struct http_request q;
	struct http_response r;
	struct json_doc doc;
	struct json *root = NULL;
	struct err pe = ERR_INIT;
	int rc;

	memset(&q, 0, sizeof(q));
	q.method = "POST";
	q.url = token_url;
	q.headers = hdrs;
	q.body = form;
	q.body_len = strlen(form);
	http_response_init(&r);
	json_doc_init(&doc);
	rc = http_do(c, &q, &r, e);
	if (r.status >= 400 && r.status < 500)
		root = json_parse(&doc, buf_cstr(&r.body), r.body.len, &pe);
	if (rc) {
		const char *code = root ? json_get_str(root, "error") : NULL;
		const char *desc = root ? json_get_str(root, "error_description") : NULL;

		if (code) {
			int ex = EX_NOPERM;

			if (strcmp(code, "rate_limit_exceeded") == 0 ||
			    strcmp(code, "temporarily_unavailable") == 0)
				ex = EX_TEMPFAIL;
			rc = err_set(e, ex, "token request refused: %s%s%s", code,
			    desc ? ": " : "", desc ? desc : "");
		} else
			err_prefix(e, "token request");
		goto out;
	}
	root = json_parse(&doc, buf_cstr(&r.body), r.body.len, &pe);
	if (!root || root->type != JSON_OBJECT) {
		*malformed = 1;
		rc = err_set(e, EX_UNAVAILABLE, "token response is not a JSON object");
		goto out;
	}
	oauth_token_release(t);
	t->access_token = dup_str(root, "access_token");
	if (!t->access_token || !*t->access_token) {
		*malformed = 1;
		rc = err_set(e, EX_UNAVAILABLE, "token response without access_token");
		goto out;
	}
	diag_secret_add(t->access_token);
	t->instance_url = dup_str(root, "instance_url");
	t->refresh_token = dup_str(root, "refresh_token");
	if (t->refresh_token)
		diag_secret_add(t->refresh_token);
	t->scope = dup_str(root, "scope");
	{
		const struct json *ex = json_get(root, "expires_in");

		if (ex && (ex->type == JSON_NUMBER || ex->type == JSON_STRING))
			t->expires_in = strtoll(ex->s, NULL, 10);
	}
out:
	if (r.body.data)
		explicit_bzero(r.body.data, r.body.len);
	http_response_release(&r);
	json_doc_release(&doc);
	err_release(&pe);
	return rc;
}

int
oauth_token_request(struct http_client *c, const char *token_url,
	const char *form, struct oauth_token *t, struct err *e)
{
	int malformed = 0;

	return token_request(c, token_url, form, t, &malformed, e);
}

/* --- Salesforce --- */

static int
secret(const char *name, char **out, struct err *e)
{
	int rc = config_secret(name, out, e);

	if (rc == 1) {
		*out = NULL;
		return 0;
	}
	return rc;
}

static void
strip_slash(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && s[n - 1] == '/')
		s[--n] = '\0';
}

/* JWT aud: login or test, never the My Domain host (salesforce.md 1.4):
 * test for a sandbox host, login for every other host (a My Domain, or a
 * server that is not Salesforce's own, such as a test server).  An
 * Experience Cloud site sets SF_JWT_AUDIENCE. */
static char *
sf_audience(const char *login_url)
{
	const char *aud = getenv("SF_JWT_AUDIENCE");
	const char *h = strstr(login_url, "://");
	size_t hl;

	if (aud && *aud)
		return xstrdup(aud);
	h = h ? h + 3 : login_url;
	hl = strcspn(h, ":/");
	if ((hl == 19 && strncasecmp(h, "test.salesforce.com", 19) == 0) ||
	    (hl > 26 && strncasecmp(h + hl - 26, ".sandbox.my.salesforce.com", 26) == 0))
		return xstrdup("https://test.salesforce.com");
	return xstrdup("https://login.salesforce.com");
}

int
oauth_sf_from_env(struct oauth_sf *cfg, const char *login_url, struct err *e)
{
	char *key_pem = NULL, *pw = NULL, *sectok = NULL;
	const char *key_file = getenv("SF_JWT_KEY_FILE");
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	oauth_token_init(&cfg->tok);
	cfg->login_url = xstrdup(config_get(login_url, "SF_LOGIN_URL",
	    "https://login.salesforce.com"));
	strip_slash(cfg->login_url);
	if (http_url_check(cfg->login_url, e))
		return err_prefix(e, "SF_LOGIN_URL");
	cfg->audience = sf_audience(cfg->login_url);
	if ((rc = secret("SF_CLIENT_ID", &cfg->client_id, e)) ||
	    (rc = secret("SF_CLIENT_SECRET", &cfg->client_secret, e)) ||
	    (rc = secret("SF_USERNAME", &cfg->username, e)) ||
	    (rc = secret("SF_REFRESH_TOKEN", &cfg->refresh_token, e)) ||
	    (rc = secret("SF_PASSWORD", &pw, e)) ||
	    (rc = secret("SF_SECURITY_TOKEN", &sectok, e)))
		goto out;
	if (getenv("SF_JWT_KEY") && *getenv("SF_JWT_KEY")) {
		if ((rc = secret("SF_JWT_KEY", &key_pem, e)))
			goto out;
		if ((rc = jwt_key_from_pem(key_pem, strlen(key_pem), &cfg->key, e))) {
			err_prefix(e, "SF_JWT_KEY");
			goto out;
		}
	} else if (key_file && *key_file) {
		if ((rc = jwt_key_from_file(key_file, &cfg->key, e))) {
			err_prefix(e, "SF_JWT_KEY_FILE");
			goto out;
		}
	}
	if (!cfg->client_id && (cfg->key || cfg->refresh_token ||
	    (cfg->username && pw))) {
		rc = err_set(e, EX_CONFIG, "SF_CLIENT_ID (or SF_CLIENT_ID_FILE) "
		    "is not set: the connected app's consumer key");
		goto out;
	}
	if (cfg->key) {
		cfg->flow = OAUTH_SF_JWT;
		if (!cfg->username)
			rc = err_set(e, EX_CONFIG, "JWT bearer flow: SF_USERNAME is not set");
	} else if (cfg->refresh_token) {
		const char *f = getenv("SF_REFRESH_TOKEN");

		cfg->flow = OAUTH_SF_REFRESH;
		if (!(f && *f) && getenv("SF_REFRESH_TOKEN_FILE"))
			cfg->refresh_token_file = xstrdup(getenv("SF_REFRESH_TOKEN_FILE"));
	} else if (cfg->username && pw) {
		struct buf b = BUF_INIT;

		cfg->flow = OAUTH_SF_PASSWORD;
		buf_addstr(&b, pw);
		if (sectok)
			buf_addstr(&b, sectok);
		cfg->password = buf_detach(&b, NULL);
		diag_secret_add(cfg->password);
		/* client_secret is required unless the app does not ask for
		 * it (salesforce.md 1.2): sent when set, else the server says */
	} else {
		rc = err_set(e, EX_CONFIG, "no Salesforce credentials: set "
		    "SF_JWT_KEY_FILE and SF_USERNAME (JWT bearer), or "
		    "SF_REFRESH_TOKEN, or SF_USERNAME, SF_PASSWORD and "
		    "SF_SECURITY_TOKEN (each also as NAME_FILE)");
	}
out:
	free_secret(&key_pem);
	free_secret(&pw);
	free_secret(&sectok);
	return rc;
}

void
oauth_sf_release(struct oauth_sf *cfg)
{
	free(cfg->login_url);
	free(cfg->audience);
	free_secret(&cfg->client_id);
	free_secret(&cfg->client_secret);
	free_secret(&cfg->username);
	free_secret(&cfg->password);
	free_secret(&cfg->refresh_token);
	free(cfg->refresh_token_file);
	jwt_key_free(cfg->key);
	oauth_token_release(&cfg->tok);
	memset(cfg, 0, sizeof(*cfg));
}

int
oauth_sf_assertion(const struct oauth_sf *cfg, int64_t now_s, struct buf *out,
	struct err *e)
{
	struct buf claims = BUF_INIT;
	int rc;

	buf_addstr(&claims, "{\"iss\":");
	json_write_str(&claims, cfg->client_id, strlen(cfg->client_id));
	buf_addstr(&claims, ",\"sub\":");
	json_write_str(&claims, cfg->username, strlen(cfg->username));
	buf_addstr(&claims, ",\"aud\":");
	json_write_str(&claims, cfg->audience, strlen(cfg->audience));
	buf_printf(&claims, ",\"exp\":%lld}", (long long)(now_s + 180));
	rc = jwt_sign_rs256(cfg->key, buf_cstr(&claims), claims.len, out, e);
	buf_release(&claims);
	return rc;
}

int
oauth_save_secret_file(const char *path, const char *value, struct err *e)
{
	struct buf tmp = BUF_INIT;
	size_t n = strlen(value), off = 0;
	int fd, rc = 0;

	buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	fd = open(buf_cstr(&tmp), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0) {
		rc = err_set(e, EX_IOERR, "%s: %s", buf_cstr(&tmp), strerror(errno));
		goto out;
	}
	while (off < n) {
		ssize_t w = write(fd, value + off, n - off);

		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off < n || write(fd, "\n", 1) != 1 || fsync(fd) != 0) {
		rc = err_set(e, EX_IOERR, "%s: %s", buf_cstr(&tmp), strerror(errno));
		close(fd);
		unlink(buf_cstr(&tmp));
		goto out;
	}
	close(fd);
	if (rename(buf_cstr(&tmp), path) != 0) {
		rc = err_set(e, EX_IOERR, "%s: %s", path, strerror(errno));
		unlink(buf_cstr(&tmp));
	}
out:
	buf_release(&tmp);
	return rc;
}

int
oauth_sf_login(struct http_client *c, struct oauth_sf *cfg, struct err *e)
{
	struct buf form = BUF_INIT, url = BUF_INIT, a = BUF_INIT;
	struct oauth_token t;
	int rc, tries;

	oauth_token_init(&t);
	switch (cfg->flow) {
	case OAUTH_SF_JWT:
		/* the real clock, never SALESINTEL_NOW: Salesforce checks exp
		 * against its own clock */
		if ((rc = oauth_sf_assertion(cfg, (int64_t)time(NULL), &a, e)))
			goto out;
		oauth_form_add(&form, "grant_type",
		    "urn:ietf:params:oauth:grant-type:jwt-bearer");
		oauth_form_add(&form, "assertion", buf_cstr(&a));
		break;
	case OAUTH_SF_REFRESH:
		oauth_form_add(&form, "grant_type", "refresh_token");
		oauth_form_add(&form, "refresh_token", cfg->refresh_token);
		oauth_form_add(&form, "client_id", cfg->client_id);
		if (cfg->client_secret)
			oauth_form_add(&form, "client_secret", cfg->client_secret);
		break;
	case OAUTH_SF_PASSWORD:
		oauth_form_add(&form, "grant_type", "password");
		oauth_form_add(&form, "client_id", cfg->client_id);
		if (cfg->client_secret)
			oauth_form_add(&form, "client_secret", cfg->client_secret);
		oauth_form_add(&form, "username", cfg->username);
		oauth_form_add(&form, "password", cfg->password);
		break;
	default:
		rc = err_set(e, EX_CONFIG, "no Salesforce login flow configured");
		goto out;
	}
	buf_printf(&url, "%s/services/oauth2/token", cfg->login_url);
	/* a 200 whose body is cut or broken is asked again (salesforce.md
	 * 7.2); a refresh answer may have rotated the token already, but
	 * then asking again only turns 69 into the invalid_grant it is */
	for (tries = 1;; tries++) {
		int malformed = 0;

		rc = token_request(c, buf_cstr(&url), buf_cstr(&form), &t,
		    &malformed, e);
		if (!rc || !malformed || tries >= 3)
			break;
		err_release(e);
	}
	if (rc) {
		if (rc == EX_NOPERM && cfg->flow == OAUTH_SF_PASSWORD &&
		    e->msg && strstr(e->msg, "authentication failure"))
			err_prefix(e, "Salesforce login (check password + security "
			    "token, whether the org allows the username-password "
			    "flow, IP restrictions, production vs sandbox "
			    "SF_LOGIN_URL, a locked user)");
		else
			err_prefix(e, "Salesforce login");
		goto out;
	}
	if (!t.instance_url) {
		rc = err_set(e, EX_UNAVAILABLE, "Salesforce login: token response "
		    "without instance_url");
		goto out;
	}
	strip_slash(t.instance_url);
	if (t.refresh_token && cfg->flow == OAUTH_SF_REFRESH &&
	    (!cfg->refresh_token || strcmp(t.refresh_token, cfg->refresh_token) != 0)) {
		/* rotation: save the new one before using the new session */
		if (cfg->refresh_token_file) {
			if ((rc = oauth_save_secret_file(cfg->refresh_token_file,
			    t.refresh_token, e))) {
				err_prefix(e, "saving the rotated refresh token");
				goto out;
			}
		} else
			cfg->rotated_unsaved = 1;
		free_secret(&cfg->refresh_token);
		cfg->refresh_token = xstrdup(t.refresh_token);
	}
	if ((rc = http_set_token(c, t.access_token, t.instance_url, e))) {
		err_prefix(e, "Salesforce instance_url");
		goto out;
	}
	oauth_token_release(&cfg->tok);
	cfg->tok = t;
	oauth_token_init(&t);
	cfg->logins++;
out:
	if (form.data)
		explicit_bzero(form.data, form.len);
	buf_release(&form);
	buf_release(&url);
	buf_release(&a);
	oauth_token_release(&t);
	return rc;
}

int
oauth_sf_refresh(struct http_client *c, void *ctx, struct err *e)
{
	return oauth_sf_login(c, ctx, e);
}

/* --- Google service account --- */

int
oauth_google_sa_load(const char *path, struct oauth_google_sa *sa, struct err *e)
{
	struct buf b = BUF_INIT;
	struct json_doc doc;
	struct json *root;
	const char *pk;
	char tmp[8192];
	ssize_t r;
	int fd, rc = 0;

	memset(sa, 0, sizeof(*sa));
	if (jwt_file_private(path, e))
		return e->code;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, EX_CONFIG, "%s: %s", path, strerror(errno));
	buf_init(&b, (size_t)1 << 20);
	while ((r = read(fd, tmp, sizeof(tmp))) > 0)
		buf_add(&b, tmp, (size_t)r);
	close(fd);
	explicit_bzero(tmp, sizeof(tmp));
	json_doc_init(&doc);
	root = json_parse(&doc, buf_cstr(&b), b.len, e);
	if (!root || root->type != JSON_OBJECT) {
		rc = err_set(e, EX_CONFIG, "%s: not a service-account JSON key", path);
		goto out;
	}
	pk = json_get_str(root, "private_key");
	sa->client_email = dup_str(root, "client_email");
	sa->token_uri = dup_str(root, "token_uri");
	if (!sa->token_uri)
		sa->token_uri = xstrdup("https://oauth2.googleapis.com/token");
	if (!pk || !sa->client_email) {
		rc = err_set(e, EX_CONFIG, "%s: no private_key or client_email", path);
		goto out;
	}
	diag_secret_add(pk);
	if ((rc = jwt_key_from_pem(pk, strlen(pk), &sa->key, e)))
		err_prefix(e, "%s", path);
	else if ((rc = http_url_check(sa->token_uri, e)))
		err_prefix(e, "%s: token_uri", path);
out:
	if (b.data)
		explicit_bzero(b.data, b.len);
	buf_release(&b);
	json_doc_release(&doc);
	if (rc)
		oauth_google_sa_release(sa);
	return rc;
}

void
oauth_google_sa_release(struct oauth_google_sa *sa)
{
	free(sa->client_email);
	free(sa->token_uri);
	jwt_key_free(sa->key);
	memset(sa, 0, sizeof(*sa));
}

int
oauth_google_sa_assertion(const struct oauth_google_sa *sa, const char *subject,
	const char *scope, int64_t now_s, struct buf *out, struct err *e)
{
	struct buf claims = BUF_INIT;
	int rc;

	buf_addstr(&claims, "{\"iss\":");
	json_write_str(&claims, sa->client_email, strlen(sa->client_email));
	if (scope) {
		buf_addstr(&claims, ",\"scope\":");
		json_write_str(&claims, scope, strlen(scope));
	}
	buf_addstr(&claims, ",\"aud\":");
	json_write_str(&claims, sa->token_uri, strlen(sa->token_uri));
	if (subject && *subject) {
		buf_addstr(&claims, ",\"sub\":");
		json_write_str(&claims, subject, strlen(subject));
	}
	buf_printf(&claims, ",\"iat\":%lld,\"exp\":%lld}", (long long)now_s,
	    (long long)(now_s + 3600));
	rc = jwt_sign_rs256(sa->key, buf_cstr(&claims), claims.len, out, e);
	buf_release(&claims);
	return rc;
}

int
oauth_google_sa_token(struct http_client *c, const struct oauth_google_sa *sa,
	const char *subject, const char *scope, struct oauth_token *t, struct err *e)
{
	struct buf a = BUF_INIT, form = BUF_INIT;
	int rc;

	if ((rc = oauth_google_sa_assertion(sa, subject, scope, (int64_t)time(NULL),
	    &a, e)))
		goto out;
	oauth_form_add(&form, "grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
	oauth_form_add(&form, "assertion", buf_cstr(&a));
	rc = oauth_token_request(c, sa->token_uri, buf_cstr(&form), t, e);
	if (rc)
		err_prefix(e, "Google service account %s", sa->client_email);
out:
	buf_release(&a);
	buf_release(&form);
	return rc;
}
