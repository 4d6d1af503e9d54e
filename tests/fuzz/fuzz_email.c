/*
 * fuzz_email: the address parser must never crash; the fast path and the
 * full parser must agree; a canonical address must be its own canonical
 * form (idempotence), at most 254 bytes, without control characters; every
 * valid address of a list must be canonical too; the match key is stable.
 */
#include <stdlib.h>
#include <string.h>

#include "email.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void
check_canonical(const char *a, size_t n)
{
	struct buf again = BUF_INIT, k1 = BUF_INIT, k2 = BUF_INIT;
	size_t i;

	if (n == 0 || n > EMAIL_ADDR_MAX)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)a[i] < 0x20 || a[i] == 0x7f)
			abort();
	if (email_normalize(&again, a, n, NULL) != EMAIL_OK)
		abort(); /* a canonical address must stay valid */
	if (again.len != n || memcmp(again.data, a, n) != 0)
		abort(); /* and be a fixed point */
	if (email_match_key(&k1, a, n, NULL) != EMAIL_OK)
		abort();
	if (email_match_key(&k2, k1.data, k1.len, NULL) != EMAIL_OK)
		abort();
	if (k1.len != k2.len || memcmp(k1.data, k2.data, k1.len) != 0)
		abort(); /* the key of a key is itself */
	buf_release(&again);
	buf_release(&k1);
	buf_release(&k2);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct email_list l;
	const char *s = (const char *)data;
	struct buf fast = BUF_INIT, slow = BUF_INIT;
	const char *w1 = NULL, *w2 = NULL;
	int r1, r2;
	size_t i;

	r1 = email_normalize(&fast, s, size, &w1);
	r2 = email_normalize_flags(&slow, s, size, EMAIL_NO_FAST_PATH, &w2);
	if (r1 != r2 || fast.len != slow.len ||
	    (fast.len && memcmp(fast.data, slow.data, fast.len) != 0))
		abort(); /* the fast path is only a shortcut */
	if (r1 == EMAIL_OK)
		check_canonical(fast.data, fast.len);
	else if (fast.len != 0 || w1 == NULL)
		abort(); /* a refusal leaves nothing and says why */
	email_list_parse(&l, s, size, EMAIL_DECODE_WORDS);
	for (i = 0; i < l.n; i++) {
		if (l.v[i].error == NULL)
			check_canonical(email_list_addr(&l, i), l.v[i].addr_len);
		else if (l.v[i].addr_len != 0)
			abort();
	}
	email_list_dedupe(&l);
	buf_release(&fast);
	buf_release(&slow);
	return 0;
}
