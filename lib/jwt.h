/*
 * jwt.h: RS256 JSON Web Tokens (RFC 7515/7519) with OpenSSL, for the
 * Salesforce JWT bearer flow and Google service accounts (oauth.h).
 */
#ifndef SI_JWT_H
#define SI_JWT_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

struct jwt_key;   /* an RSA private key */

/* Append base64url of p[0..n) (alphabet -_, no padding, no line breaks). */
void jwt_b64url(struct buf *out, const void *p, size_t n);

/*
 * Load an RSA private key from PEM text ("BEGIN PRIVATE KEY" PKCS#8 or
 * "BEGIN RSA PRIVATE KEY" PKCS#1, unencrypted).  Returns 0 with *out set
 * (free with jwt_key_free), or EX_CONFIG.
 */
int jwt_key_from_pem(const char *pem, size_t n, struct jwt_key **out, struct err *e);
/*
 * The same from a file; a file that group or others can read or write is
 * refused (EX_CONFIG), like ssh does.  The PEM text is registered with
 * diag_secret_add.
 */
int jwt_key_from_file(const char *path, struct jwt_key **out, struct err *e);
void jwt_key_free(struct jwt_key *k);

/*
 * Sign: out gets base64url({"alg":"RS256","typ":"JWT"}) "." base64url(claims)
 * "." base64url(RSASSA-PKCS1-v1_5 SHA-256 signature).  claims is the JSON
 * text of the claims object, used as given.  0 or EX_SOFTWARE.
 */
int jwt_sign_rs256(const struct jwt_key *k, const char *claims, size_t n,
	struct buf *out, struct err *e);

/* Check that a file holding a secret is private: 0, or EX_CONFIG. */
int jwt_file_private(const char *path, struct err *e);

#endif
