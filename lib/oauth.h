/*
 * oauth.h: getting access tokens (OAuth 2.0) for the pulls.
 *
 * Salesforce (shared/api/salesforce.md section 1): three flows, chosen from
 * what the environment holds, in this order:
 *   JWT bearer      SF_JWT_KEY_FILE (or SF_JWT_KEY), SF_CLIENT_ID, SF_USERNAME
 *                   (preferred for cron: no stored password, no rotation)
 *   refresh token   SF_REFRESH_TOKEN, SF_CLIENT_ID [, SF_CLIENT_SECRET]
 *   password        SF_USERNAME, SF_PASSWORD [+ SF_SECURITY_TOKEN],
 *                   SF_CLIENT_ID [, SF_CLIENT_SECRET]
 * SF_LOGIN_URL is the token host (default https://login.salesforce.com; a
 * sandbox: https://test.salesforce.com; or the My Domain URL).  Every
 * secret may also come from NAME_FILE (config_secret: a file readable by
 * group or others is refused); every secret is registered with
 * diag_secret_add so it never reaches a log line.  The access token lives
 * in memory for the run only.
 *
 * Refresh-token rotation: when a refresh response carries a new
 * refresh_token, it replaces the old one in memory, and when the token came
 * from SF_REFRESH_TOKEN_FILE that file is rewritten atomically (a private
 * temporary file in the same directory, fsync, rename; mode 0600) BEFORE
 * the new access token is used, so the next run can log in.  When it came
 * from the SF_REFRESH_TOKEN variable it cannot be saved: the login still
 * succeeds and oauth_sf.rotated_unsaved is set so the tool can warn.
 *
 * Google service accounts (for gmail-pull): the JSON key file's
 * client_email, private_key and token_uri; the assertion has aud =
 * token_uri, sub = the mailbox (domain-wide delegation), scope.
 */
#ifndef SI_OAUTH_H
#define SI_OAUTH_H

#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "http.h"
#include "jwt.h"

struct oauth_token {
	char *access_token;   /* registered secret */
	char *instance_url;   /* Salesforce: the data host; NULL elsewhere */
	char *refresh_token;  /* a rotated refresh token, or NULL */
	char *scope;
	int64_t expires_in;   /* seconds; -1 when the server does not say */
};

void oauth_token_init(struct oauth_token *t);
void oauth_token_release(struct oauth_token *t);

/*
 * POST form (application/x-www-form-urlencoded, already encoded) to
 * token_url and parse the JSON token response.  An OAuth error
 * ({"error","error_description"}) becomes EX_NOPERM (EX_TEMPFAIL for
 * rate_limit_exceeded / temporarily_unavailable) with the description in
 * the message; transport failures keep http_do's code.
 */
int oauth_token_request(struct http_client *c, const char *token_url,
	const char *form, struct oauth_token *t, struct err *e);

/* Append "&name=value" (no "&" when out is empty), value percent-encoded. */
void oauth_form_add(struct buf *out, const char *name, const char *value);

enum oauth_sf_flow { OAUTH_SF_NONE, OAUTH_SF_JWT, OAUTH_SF_REFRESH, OAUTH_SF_PASSWORD };

struct oauth_sf {
	enum oauth_sf_flow flow;
	char *login_url;        /* no trailing slash */
	char *audience;         /* JWT aud */
	char *client_id;
	char *client_secret;
	char *username;
	char *password;         /* password with the security token appended */
	char *refresh_token;
	char *refresh_token_file;   /* where a rotated token is saved, or NULL */
	struct jwt_key *key;
	int rotated_unsaved;    /* a new refresh token could not be persisted */
	int logins;             /* successful logins this run */
	struct oauth_token tok; /* the current token */
};

/*
 * Fill cfg from the environment (login_url: a --login-url flag value, or
 * NULL).  Returns 0, or EX_CONFIG naming what is missing or wrong.
 */
int oauth_sf_from_env(struct oauth_sf *cfg, const char *login_url, struct err *e);
void oauth_sf_release(struct oauth_sf *cfg);

/*
 * Log in with cfg's flow; on success cfg->tok holds the token and the http
 * client carries it, bound to instance_url's origin.  Install
 * oauth_sf_refresh as the client's refresh callback (ctx = cfg) so a 401
 * logs in again once.
 */
int oauth_sf_login(struct http_client *c, struct oauth_sf *cfg, struct err *e);
int oauth_sf_refresh(struct http_client *c, void *cfg, struct err *e);

/* The JWT bearer assertion (exposed for tests). */
int oauth_sf_assertion(const struct oauth_sf *cfg, int64_t now_s, struct buf *out,
	struct err *e);

/* Write secret to path atomically with mode 0600.  0 or EX_IOERR. */
int oauth_save_secret_file(const char *path, const char *secret, struct err *e);

struct oauth_google_sa {
	char *client_email;
	char *token_uri;
	struct jwt_key *key;
};

/* Load a service-account JSON key file (must be private: mode 0600). */
int oauth_google_sa_load(const char *path, struct oauth_google_sa *sa, struct err *e);
void oauth_google_sa_release(struct oauth_google_sa *sa);
/* The signed assertion: iss, scope, aud = token_uri, sub (may be NULL), iat, exp. */
int oauth_google_sa_assertion(const struct oauth_google_sa *sa, const char *subject,
	const char *scope, int64_t now_s, struct buf *out, struct err *e);
/* Exchange it for an access token (token_uri must pass http_url_check). */
int oauth_google_sa_token(struct http_client *c, const struct oauth_google_sa *sa,
	const char *subject, const char *scope, struct oauth_token *t, struct err *e);

#endif
