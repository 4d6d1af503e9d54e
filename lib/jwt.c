#include "jwt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "banned.h"

#define KEY_MAX ((size_t)1 << 20)

struct jwt_key {
	EVP_PKEY *pkey;
};

void
jwt_b64url(struct buf *out, const void *p, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];

		buf_addch(out, tab[v >> 18]);
		buf_addch(out, tab[(v >> 12) & 63]);
		buf_addch(out, tab[(v >> 6) & 63]);
		buf_addch(out, tab[v & 63]);
	}
	if (n - i == 1) {
		unsigned v = (unsigned)s[i] << 16;

		buf_addch(out, tab[v >> 18]);
		buf_addch(out, tab[(v >> 12) & 63]);
	} else if (n - i == 2) {
		unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8;

		buf_addch(out, tab[v >> 18]);
		buf_addch(out, tab[(v >> 12) & 63]);
		buf_addch(out, tab[(v >> 6) & 63]);
	}
}

int
jwt_key_from_pem(const char *pem, size_t n, struct jwt_key **out, struct err *e)
{
	BIO *bio;
	EVP_PKEY *pk;

	*out = NULL;
	if (n > KEY_MAX)
		return err_set(e, EX_CONFIG, "private key too large");
	bio = BIO_new_mem_buf(pem, (int)n);
	if (!bio)
		return err_set(e, EX_SOFTWARE, "out of memory");
	pk = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)"");
	BIO_free(bio);
	ERR_clear_error();
	if (!pk)
		return err_set(e, EX_CONFIG, "not an unencrypted PEM private key");
	if (EVP_PKEY_base_id(pk) != EVP_PKEY_RSA) {
		EVP_PKEY_free(pk);
		return err_set(e, EX_CONFIG, "private key is not RSA (RS256 needs RSA)");
	}
	*out = xcalloc(1, sizeof(**out));
	(*out)->pkey = pk;
	return 0;
}

int
jwt_file_private(const char *path, struct err *e)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return err_set(e, EX_CONFIG, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return err_set(e, EX_CONFIG, "%s: not a regular file", path);
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		return err_set(e, EX_CONFIG, "%s: readable or writable by group or "
		    "others (mode %03o); chmod 600 it", path,
		    (unsigned)(st.st_mode & 0777));
	return 0;
}

int
jwt_key_from_file(const char *path, struct jwt_key **out, struct err *e)
{
	struct buf b = BUF_INIT;
	char tmp[8192];
	ssize_t r;
	int fd, rc;

	*out = NULL;
	if (jwt_file_private(path, e))
		return e->code;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, EX_CONFIG, "%s: %s", path, strerror(errno));
	buf_init(&b, KEY_MAX);
	while ((r = read(fd, tmp, sizeof(tmp))) > 0)
		buf_add(&b, tmp, (size_t)r);
	close(fd);
	explicit_bzero(tmp, sizeof(tmp));
	if (r < 0 || buf_failed(&b)) {
		buf_release(&b);
		return err_set(e, EX_CONFIG, "%s: cannot read the key", path);
	}
	diag_secret_add(buf_cstr(&b));
	rc = jwt_key_from_pem(b.data ? b.data : "", b.len, out, e);
	if (rc)
		err_prefix(e, "%s", path);
	if (b.data)
		explicit_bzero(b.data, b.len);
	buf_release(&b);
	return rc;
}

void
jwt_key_free(struct jwt_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

int
jwt_sign_rs256(const struct jwt_key *k, const char *claims, size_t n,
	struct buf *out, struct err *e)
{
	static const char hdr[] = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char *sig = NULL;
	size_t siglen = 0, start = out->len;
	int rc = 0;

	jwt_b64url(out, hdr, sizeof(hdr) - 1);
	buf_addch(out, '.');
	jwt_b64url(out, claims, n);
	if (!md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k->pkey) != 1 ||
	    EVP_DigestSign(md, NULL, &siglen, (const unsigned char *)out->data + start,
	    out->len - start) != 1) {
		rc = err_set(e, EX_SOFTWARE, "RS256 signing failed");
		goto done;
	}
	sig = xmalloc(siglen);
	if (EVP_DigestSign(md, sig, &siglen, (const unsigned char *)out->data + start,
	    out->len - start) != 1) {
		rc = err_set(e, EX_SOFTWARE, "RS256 signing failed");
		goto done;
	}
	buf_addch(out, '.');
	jwt_b64url(out, sig, siglen);
done:
	ERR_clear_error();
	free(sig);
	EVP_MD_CTX_free(md);
	return rc;
}
