#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "jwt.h"
#include "oauth.h"
#include "loopsrv.h"
#include "check_main.h"

static char tmpdir[256];
static EVP_PKEY *test_pkey;
static char *test_pem;

static void
setup(void)
{
	static const char *vars[] = { "SF_LOGIN_URL", "SF_CLIENT_ID", "SF_CLIENT_SECRET",
		"SF_USERNAME", "SF_PASSWORD", "SF_SECURITY_TOKEN", "SF_REFRESH_TOKEN",
		"SF_JWT_KEY_FILE", "SF_JWT_KEY", "SF_JWT_AUDIENCE", NULL };
	const char **v;
	BIO *bio;
	BUF_MEM *mem;

	for (v = vars; *v; v++) {
		char f[64];

		unsetenv(*v);
		snprintf(f, sizeof(f), "%s_FILE", *v);
		unsetenv(f);
	}
	snprintf(tmpdir, sizeof(tmpdir), "%s/oauthXXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	if (!test_pkey) {
		test_pkey = EVP_RSA_gen(2048);
		ck_assert_ptr_nonnull(test_pkey);
		bio = BIO_new(BIO_s_mem());
		PEM_write_bio_PrivateKey(bio, test_pkey, NULL, NULL, 0, NULL, NULL);
		BIO_get_mem_ptr(bio, &mem);
		test_pem = strndup(mem->data, mem->length);
		BIO_free(bio);
	}
}

static void
teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
write_file(const char *path, const char *s, mode_t mode)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(s, f);
	fclose(f);
	chmod(path, mode);
}

static size_t
b64url_decode(const char *s, size_t n, unsigned char *out)
{
	size_t i, o = 0;
	unsigned v = 0;
	int bits = 0;

	for (i = 0; i < n; i++) {
		const char *tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		const char *p = strchr(tab, s[i]);

		ck_assert_ptr_nonnull(p);
		v = v << 6 | (unsigned)(p - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(v >> bits);
		}
	}
	out[o] = '\0';
	return o;
}

/* Verify a compact RS256 JWT with the test key; returns the claims JSON. */
static char *
verify_jwt(const char *jwt)
{
	const char *d1 = strchr(jwt, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	unsigned char hdr[256], *claims, sig[1024];
	size_t siglen;
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	ck_assert_ptr_nonnull(d2);
	ck_assert_ptr_null(strchr(jwt, '='));
	b64url_decode(jwt, (size_t)(d1 - jwt), hdr);
	ck_assert_str_eq((char *)hdr, "{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
	claims = malloc(strlen(jwt));
	b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), claims);
	siglen = b64url_decode(d2 + 1, strlen(d2 + 1), sig);
	ck_assert_int_eq(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, test_pkey), 1);
	ck_assert_int_eq(EVP_DigestVerify(md, sig, siglen, (const unsigned char *)jwt,
	    (size_t)(d2 - jwt)), 1);
	EVP_MD_CTX_free(md);
	return (char *)claims;
}

/* base64url: RFC 4648 section 5 alphabet, no padding */
START_TEST(jwt_b64url_vectors)
{
	struct buf b = BUF_INIT;

	jwt_b64url(&b, "", 0);
	ck_assert_str_eq(buf_cstr(&b), "");
	jwt_b64url(&b, "f", 1);
	ck_assert_str_eq(buf_cstr(&b), "Zg");
	buf_reset(&b);
	jwt_b64url(&b, "fo", 2);
	ck_assert_str_eq(buf_cstr(&b), "Zm8");
	buf_reset(&b);
	jwt_b64url(&b, "foobar", 6);
	ck_assert_str_eq(buf_cstr(&b), "Zm9vYmFy");
	buf_reset(&b);
	jwt_b64url(&b, "\xfb\xff\xbf", 3);
	ck_assert_str_eq(buf_cstr(&b), "-_-_");
	buf_release(&b);
}
END_TEST

/* a signed JWT verifies with the public key and carries the claims as given */
START_TEST(jwt_sign_rs256_verifies)
{
	struct jwt_key *k;
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	const char *claims = "{\"iss\":\"3MVG9\",\"exp\":1764392825}";
	char *got;

	ck_assert_int_eq(jwt_key_from_pem(test_pem, strlen(test_pem), &k, &e), 0);
	ck_assert_int_eq(jwt_sign_rs256(k, claims, strlen(claims), &out, &e), 0);
	got = verify_jwt(buf_cstr(&out));
	ck_assert_str_eq(got, claims);
	free(got);
	jwt_key_free(k);
	ck_assert_int_eq(jwt_key_from_pem("junk", 4, &k, &e), EX_CONFIG);
	buf_release(&out);
	err_release(&e);
}
END_TEST

/* a key file group or others can read is refused; 0600 is accepted */
START_TEST(jwt_key_file_mode)
{
	struct jwt_key *k = NULL;
	struct err e = ERR_INIT;
	char path[300];

	snprintf(path, sizeof(path), "%s/key.pem", tmpdir);
	write_file(path, test_pem, 0644);
	ck_assert_int_eq(jwt_key_from_file(path, &k, &e), EX_CONFIG);
	ck_assert_ptr_nonnull(strstr(e.msg, "group or others"));
	chmod(path, 0640);
	ck_assert_int_eq(jwt_key_from_file(path, &k, &e), EX_CONFIG);
	chmod(path, 0600);
	ck_assert_int_eq(jwt_key_from_file(path, &k, &e), 0);
	ck_assert_ptr_nonnull(k);
	jwt_key_free(k);
	err_release(&e);
}
END_TEST

static const char tok_body[] =
	"{\"access_token\":\"00DXX!AQ4AQsessionTOKEN\",\"instance_url\":\"%s\","
	"\"id\":\"x\",\"token_type\":\"Bearer\",\"issued_at\":\"1764392645123\"%s}";

static char *
token_response(const char *instance, const char *extra)
{
	char body[1024], *raw = malloc(2048);

	snprintf(body, sizeof(body), tok_body, instance, extra);
	snprintf(raw, 2048, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", strlen(body), body);
	return raw;
}

static const char *
req_body(const char *req)
{
	const char *p = strstr(req, "\r\n\r\n");

	return p ? p + 4 : "";
}

/* password flow: form fields encoded, security token appended, token bound to instance */
START_TEST(oauth_sf_password_flow)
{
	struct loopsrv s;
	struct loopsrv_step st[1];
	struct oauth_sf cfg;
	struct http_client *c = http_client_new(NULL);
	struct err e = ERR_INIT;
	char login[128], inst[128], want[256];
	char *raw;

	ck_assert_int_eq(loopsrv_start(&s, st, 0), 0);
	loopsrv_url(&s, NULL, "", login, sizeof(login));
	loopsrv_url(&s, NULL, "", inst, sizeof(inst));
	raw = token_response(inst, "");
	st[0].action = LS_SEND;
	st[0].raw = raw;
	st[0].len = 0;
	s.nscript = 1;
	setenv("SF_LOGIN_URL", login, 1);
	setenv("SF_CLIENT_ID", "3MVG9client", 1);
	setenv("SF_CLIENT_SECRET", "cl-secret-1", 1);
	setenv("SF_USERNAME", "ops@acme.example", 1);
	setenv("SF_PASSWORD", "p&ss+w=rd", 1);
	setenv("SF_SECURITY_TOKEN", "TOK123", 1);
	ck_assert_int_eq(oauth_sf_from_env(&cfg, NULL, &e), 0);
	ck_assert_int_eq(cfg.flow, OAUTH_SF_PASSWORD);
	ck_assert_int_eq(oauth_sf_login(c, &cfg, &e), 0);
	ck_assert_str_eq(cfg.tok.access_token, "00DXX!AQ4AQsessionTOKEN");
	ck_assert_ptr_nonnull(strstr(s.reqs[0], "POST /services/oauth2/token "));
	ck_assert_ptr_nonnull(strstr(s.reqs[0], "application/x-www-form-urlencoded"));
	ck_assert_str_eq(req_body(s.reqs[0]), "grant_type=password&client_id=3MVG9client"
	    "&client_secret=cl-secret-1&username=ops%40acme.example"
	    "&password=p%26ss%2Bw%3DrdTOK123");
	snprintf(want, sizeof(want), "http://127.0.0.1:%d", s.port);
	ck_assert_str_eq(http_token_origin(c), want);
	/* the secrets are registered: they never print */
	{
		char *sc = diag_scrub("x p&ss+w=rdTOK123 cl-secret-1 00DXX!AQ4AQsessionTOKEN");

		ck_assert_ptr_null(strstr(sc, "cl-secret-1"));
		ck_assert_ptr_null(strstr(sc, "sessionTOKEN"));
		ck_assert_ptr_null(strstr(sc, "TOK123"));
		free(sc);
	}
	loopsrv_stop(&s);
	oauth_sf_release(&cfg);
	http_client_free(c);
	free(raw);
	err_release(&e);
}
END_TEST

/* a 200 whose JSON is cut is asked again; the second answer logs in */
START_TEST(oauth_sf_login_cut_answer)
{
	static const char cut[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	    "Content-Length: 24\r\nConnection: close\r\n\r\n{\"access_token\":\"00DXX!A";
	struct loopsrv s;
	struct loopsrv_step st[2];
	struct oauth_sf cfg;
	struct http_client *c = http_client_new(NULL);
	struct err e = ERR_INIT;
	char login[128];
	char *raw;

	ck_assert_int_eq(loopsrv_start(&s, st, 0), 0);
	loopsrv_url(&s, NULL, "", login, sizeof(login));
	raw = token_response(login, "");
	st[0].action = st[1].action = LS_SEND;
	st[0].raw = cut;
	st[1].raw = raw;
	st[0].len = st[1].len = 0;
	s.nscript = 2;
	setenv("SF_LOGIN_URL", login, 1);
	setenv("SF_CLIENT_ID", "3MVG9client", 1);
	setenv("SF_CLIENT_SECRET", "cl-secret-1", 1);
	setenv("SF_USERNAME", "ops@acme.example", 1);
	setenv("SF_PASSWORD", "pw", 1);
	unsetenv("SF_JWT_KEY_FILE");
	unsetenv("SF_REFRESH_TOKEN");
	ck_assert_int_eq(oauth_sf_from_env(&cfg, NULL, &e), 0);
	ck_assert_int_eq(oauth_sf_login(c, &cfg, &e), 0);
	ck_assert_str_eq(cfg.tok.access_token, "00DXX!AQ4AQsessionTOKEN");
	ck_assert_uint_eq(loopsrv_nreqs(&s), 2);
	oauth_sf_release(&cfg);
	/* a connected app that asks for no secret (salesforce.md 1.2): the
	 * password flow goes without client_secret */
	unsetenv("SF_CLIENT_SECRET");
	ck_assert_int_eq(oauth_sf_from_env(&cfg, NULL, &e), 0);
	ck_assert_int_eq(cfg.flow, OAUTH_SF_PASSWORD);
	ck_assert_int_eq(oauth_sf_login(c, &cfg, &e), 0);
	ck_assert_str_eq(req_body(s.reqs[2]), "grant_type=password&client_id=3MVG9client"
	    "&username=ops%40acme.example&password=pw");
	loopsrv_stop(&s);
	oauth_sf_release(&cfg);
	http_client_free(c);
	free(raw);
	err_release(&e);
}
END_TEST

/* refresh flow with rotation: the new refresh token replaces the old in its file */
START_TEST(oauth_sf_refresh_rotation)
{
	struct loopsrv s;
	struct loopsrv_step st[1];
	struct oauth_sf cfg;
	struct http_client *c = http_client_new(NULL);
	struct err e = ERR_INIT;
	char login[128], path[300], got[128];
	char *raw;
	FILE *f;
	struct stat sb;

	ck_assert_int_eq(loopsrv_start(&s, st, 0), 0);
	loopsrv_url(&s, NULL, "", login, sizeof(login));
	raw = token_response(login, ",\"refresh_token\":\"rt-NEW-5678\"");
	st[0].action = LS_SEND;
	st[0].raw = raw;
	st[0].len = 0;
	s.nscript = 1;
	snprintf(path, sizeof(path), "%s/rt", tmpdir);
	write_file(path, "rt-OLD-1234\n", 0600);
	setenv("SF_LOGIN_URL", login, 1);
	setenv("SF_CLIENT_ID", "3MVG9client", 1);
	setenv("SF_REFRESH_TOKEN_FILE", path, 1);
	ck_assert_int_eq(oauth_sf_from_env(&cfg, NULL, &e), 0);
	ck_assert_int_eq(cfg.flow, OAUTH_SF_REFRESH);
	ck_assert_int_eq(oauth_sf_login(c, &cfg, &e), 0);
	ck_assert_str_eq(req_body(s.reqs[0]),
	    "grant_type=refresh_token&refresh_token=rt-OLD-1234&client_id=3MVG9client");
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(fgets(got, sizeof(got), f));
	fclose(f);
	ck_assert_str_eq(got, "rt-NEW-5678\n");
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	ck_assert_str_eq(cfg.refresh_token, "rt-NEW-5678");
	ck_assert_int_eq(cfg.rotated_unsaved, 0);
	/* the second login (a 401 refresh) uses the new one */
	ck_assert_int_eq(oauth_sf_login(c, &cfg, &e), 0);
	ck_assert_ptr_nonnull(strstr(req_body(s.reqs[1]), "refresh_token=rt-NEW-5678"));
	oauth_sf_release(&cfg);
	/* from the environment variable it cannot be saved: flagged */
	unsetenv("SF_REFRESH_TOKEN_FILE");
	setenv("SF_REFRESH_TOKEN", "rt-ENV-0001", 1);
	ck_assert_int_eq(oauth_sf_from_env(&cfg, NULL, &e), 0);
	ck_assert_int_eq(oauth_sf_login(c, &cfg, &e), 0);
	ck_assert_int_eq(cfg.rotated_unsaved, 1);
	oauth_sf_release(&cfg);
	loopsrv_stop(&s);
	http_client_free(c);
	free(raw);
	err_release(&e);
}
END_TEST

/* JWT bearer: a verifiable assertion with iss, sub, aud, exp = now + 180 */
START_TEST(oauth_sf_jwt_flow)
{
	struct loopsrv s;
	struct loopsrv_step st[1];
	struct oauth_sf cfg;
	struct http_client *c = http_client_new(NULL);
	struct err e = ERR_INIT;
	struct buf a = BUF_INIT;
	char login[128], path[300];
	char *raw, *claims;
	const char *body;

	ck_assert_int_eq(loopsrv_start(&s, st, 0), 0);
	loopsrv_url(&s, NULL, "", login, sizeof(login));
	raw = token_response(login, "");
	st[0].action = LS_SEND;
	st[0].raw = raw;
	st[0].len = 0;
	s.nscript = 1;
	snprintf(path, sizeof(path), "%s/key.pem", tmpdir);
	write_file(path, test_pem, 0600);
	setenv("SF_LOGIN_URL", login, 1);
	setenv("SF_CLIENT_ID", "3MVG9client", 1);
	setenv("SF_USERNAME", "ops@acme.example", 1);
	setenv("SF_JWT_KEY_FILE", path, 1);
	setenv("SF_PASSWORD", "ignored-when-jwt", 1);
	ck_assert_int_eq(oauth_sf_from_env(&cfg, NULL, &e), 0);
	ck_assert_int_eq(cfg.flow, OAUTH_SF_JWT);
	ck_assert_int_eq(oauth_sf_assertion(&cfg, 1764392645, &a, &e), 0);
	claims = verify_jwt(buf_cstr(&a));
	{
		char want[400];

		/* a login host that is not Salesforce's (here a test server)
		 * still gets the production audience (salesforce.md 1.4) */
		snprintf(want, sizeof(want), "{\"iss\":\"3MVG9client\",\"sub\":"
		    "\"ops@acme.example\",\"aud\":\"https://login.salesforce.com\","
		    "\"exp\":1764392825}");
		ck_assert_str_eq(claims, want);
	}
	free(claims);
	/* the assertion's exp follows the real clock, not SALESINTEL_NOW
	 * (the server checks it against its own clock) */
	setenv("SALESINTEL_NOW", "2001-01-01T00:00:00Z", 1);
	ck_assert_int_eq(oauth_sf_login(c, &cfg, &e), 0);
	unsetenv("SALESINTEL_NOW");
	body = req_body(s.reqs[0]);
	ck_assert_ptr_nonnull(strstr(body, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3A"
	    "grant-type%3Ajwt-bearer&assertion="));
	{
		const char *as = strstr(body, "&assertion=") + 11;
		char *sent = strndup(as, strcspn(as, "&\r\n"));
		const char *x;
		long long exp;

		claims = verify_jwt(sent);
		x = strstr(claims, "\"exp\":");
		ck_assert_ptr_nonnull(x);
		exp = strtoll(x + 6, NULL, 10);
		ck_assert_int_ge(exp, (long long)time(NULL) + 120);
		ck_assert_int_le(exp, (long long)time(NULL) + 240);
		free(claims);
		free(sent);
	}
	oauth_sf_release(&cfg);
	/* production and sandbox hosts get the documented audiences */
	setenv("SF_LOGIN_URL", "https://acme--uat.sandbox.my.salesforce.com", 1);
	ck_assert_int_eq(oauth_sf_from_env(&cfg, NULL, &e), 0);
	ck_assert_str_eq(cfg.audience, "https://test.salesforce.com");
	oauth_sf_release(&cfg);
	ck_assert_int_eq(oauth_sf_from_env(&cfg, "https://acme.my.salesforce.com/", &e), 0);
	ck_assert_str_eq(cfg.audience, "https://login.salesforce.com");
	ck_assert_str_eq(cfg.login_url, "https://acme.my.salesforce.com");
	oauth_sf_release(&cfg);
	/* a world-readable key is refused */
	chmod(path, 0644);
	ck_assert_int_eq(oauth_sf_from_env(&cfg, NULL, &e), EX_CONFIG);
	oauth_sf_release(&cfg);
	loopsrv_stop(&s);
	http_client_free(c);
	buf_release(&a);
	free(raw);
	err_release(&e);
}
END_TEST

/* invalid_grant is EX_NOPERM with the description and the password-flow hint */
START_TEST(oauth_sf_login_refused)
{
	static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
	    "Content-Length: 70\r\nConnection: close\r\n\r\n"
	    "{\"error\":\"invalid_grant\",\"error_description\":\"authentication failure\"}";
	static const struct loopsrv_step st[] = { { LS_SEND, bad, 0 } };
	struct loopsrv s;
	struct oauth_sf cfg;
	struct http_client *c = http_client_new(NULL);
	struct err e = ERR_INIT;
	char login[128];

	ck_assert_int_eq(loopsrv_start(&s, st, 1), 0);
	loopsrv_url(&s, NULL, "", login, sizeof(login));
	setenv("SF_LOGIN_URL", login, 1);
	setenv("SF_CLIENT_ID", "3MVG9client", 1);
	setenv("SF_CLIENT_SECRET", "cl-secret-1", 1);
	setenv("SF_USERNAME", "ops@acme.example", 1);
	setenv("SF_PASSWORD", "pw-secret-77", 1);
	ck_assert_int_eq(oauth_sf_from_env(&cfg, NULL, &e), 0);
	ck_assert_int_eq(oauth_sf_login(c, &cfg, &e), EX_NOPERM);
	ck_assert_ptr_nonnull(strstr(e.msg, "invalid_grant: authentication failure"));
	ck_assert_ptr_nonnull(strstr(e.msg, "security token"));
	ck_assert_ptr_null(strstr(e.msg, "pw-secret-77"));
	ck_assert_uint_eq(loopsrv_nreqs(&s), 1);
	oauth_sf_release(&cfg);
	loopsrv_stop(&s);
	http_client_free(c);
	err_release(&e);
}
END_TEST

/* no credentials at all: EX_CONFIG naming the variables */
START_TEST(oauth_sf_no_credentials)
{
	struct oauth_sf cfg;
	struct err e = ERR_INIT;

	ck_assert_int_eq(oauth_sf_from_env(&cfg, NULL, &e), EX_CONFIG);
	oauth_sf_release(&cfg);
	setenv("SF_CLIENT_ID", "3MVG9client", 1);
	ck_assert_int_eq(oauth_sf_from_env(&cfg, NULL, &e), EX_CONFIG);
	ck_assert_ptr_nonnull(strstr(e.msg, "SF_JWT_KEY_FILE"));
	oauth_sf_release(&cfg);
	ck_assert_int_eq(oauth_sf_from_env(&cfg, "http://example.com", &e), EX_CONFIG);
	oauth_sf_release(&cfg);
	err_release(&e);
}
END_TEST

/* Google service account: aud = token_uri, sub = mailbox, scope, 1 h expiry */
START_TEST(oauth_google_sa_claims)
{
	struct oauth_google_sa sa;
	struct err e = ERR_INIT;
	struct buf a = BUF_INIT, json = BUF_INIT;
	char path[300], *claims;
	const char *p;

	buf_addstr(&json, "{\"type\":\"service_account\",\"client_email\":"
	    "\"puller@proj.iam.gserviceaccount.com\",\"token_uri\":"
	    "\"https://oauth2.googleapis.com/token\",\"private_key\":\"");
	for (p = test_pem; *p; p++) {
		if (*p == '\n')
			buf_addstr(&json, "\\n");
		else
			buf_addch(&json, *p);
	}
	buf_addstr(&json, "\"}");
	snprintf(path, sizeof(path), "%s/sa.json", tmpdir);
	write_file(path, buf_cstr(&json), 0644);
	ck_assert_int_eq(oauth_google_sa_load(path, &sa, &e), EX_CONFIG);
	chmod(path, 0600);
	ck_assert_int_eq(oauth_google_sa_load(path, &sa, &e), 0);
	ck_assert_int_eq(oauth_google_sa_assertion(&sa, "alice@acme.example",
	    "https://www.googleapis.com/auth/gmail.readonly", 1764392645, &a, &e), 0);
	claims = verify_jwt(buf_cstr(&a));
	ck_assert_str_eq(claims, "{\"iss\":\"puller@proj.iam.gserviceaccount.com\","
	    "\"scope\":\"https://www.googleapis.com/auth/gmail.readonly\","
	    "\"aud\":\"https://oauth2.googleapis.com/token\","
	    "\"sub\":\"alice@acme.example\",\"iat\":1764392645,\"exp\":1764396245}");
	free(claims);
	oauth_google_sa_release(&sa);
	buf_release(&a);
	buf_release(&json);
	err_release(&e);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("oauth");
	TCase *t = tcase_create("oauth");

	tcase_set_timeout(t, 20);
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, jwt_b64url_vectors);
	tcase_add_test(t, jwt_sign_rs256_verifies);
	tcase_add_test(t, jwt_key_file_mode);
	tcase_add_test(t, oauth_sf_password_flow);
	tcase_add_test(t, oauth_sf_login_cut_answer);
	tcase_add_test(t, oauth_sf_refresh_rotation);
	tcase_add_test(t, oauth_sf_jwt_flow);
	tcase_add_test(t, oauth_sf_login_refused);
	tcase_add_test(t, oauth_sf_no_credentials);
	tcase_add_test(t, oauth_google_sa_claims);
	suite_add_tcase(s, t);
	return s;
}
