#include "rfc2047.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "mime.h"
#include "banned.h"

struct word {
	const char *cs;     /* charset (without *language) */
	size_t cs_n;
	int enc;            /* 'B' or 'Q' */
	const char *text;
	size_t text_n;
	size_t len;         /* whole word, =? to ?= */
};

/* Parse an encoded word at s; 1 when well formed. */
static int
parse_word(const char *s, size_t n, struct word *w)
{
	size_t i = 2, j;

	if (n < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	w->cs = s + 2;
	while (i < n && s[i] != '?' && s[i] != ' ' && s[i] != '\t')
		i++;
	if (i >= n || s[i] != '?' || i == 2)
		return 0;
	w->cs_n = i - 2;
	{
		const char *star = memchr(w->cs, '*', w->cs_n);

		if (star)
			w->cs_n = (size_t)(star - w->cs);
	}
	if (w->cs_n == 0 || w->cs_n > 60)
		return 0;
	i++;
	if (i + 1 >= n || s[i + 1] != '?')
		return 0;
	if (s[i] == 'B' || s[i] == 'b')
		w->enc = 'B';
	else if (s[i] == 'Q' || s[i] == 'q')
		w->enc = 'Q';
	else
		return 0;
	i += 2;
	w->text = s + i;
	for (j = i; j + 1 < n; j++) {
		if (s[j] == '?' && s[j + 1] == '=')
			break;
		if (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n')
			return 0;
	}
	if (j + 1 >= n)
		return 0;
	w->text_n = j - i;
	w->len = j + 2;
	return 1;
}

/* Decode the word's payload bytes; 0 when the payload is invalid. */
static int
decode_word(const struct word *w, struct buf *out)
{
	size_t k;

	if (w->enc == 'Q') {
		mime_qp_decode(out, w->text, w->text_n, 1);
		return 1;
	}
	for (k = 0; k < w->text_n; k++) {
		char c = w->text[k];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '='))
			return 0;
	}
	return mime_base64_decode(out, w->text, w->text_n, 0) == 0;
}

static void
flush_bytes(struct buf *out, struct buf *pend, const char *cs, size_t cs_n)
{
	char *name;

	if (pend->len == 0)
		return;
	name = xstrndup(cs, cs_n);
	charset_to_utf8(out, name, pend->data, pend->len);
	free(name);
	buf_reset(pend);
}

static void
flush_plain(struct buf *out, const char *s, size_t n)
{
	if (n)
		charset_to_utf8(out, NULL, s, n);
}

void
rfc2047_decode(struct buf *out, const char *in, size_t in_n)
{
	struct buf u = BUF_INIT, pend = BUF_INIT, tmp = BUF_INIT;
	const char *s, *pcs = NULL;
	size_t n, i = 0, plain = 0, pcs_n = 0;
	int have_word = 0;

	mime_unfold(&u, in, in_n);
	s = buf_cstr(&u);
	n = u.len;
	while (i < n) {
		struct word w;

		if (s[i] != '=' || i + 1 >= n || s[i + 1] != '?' ||
		    !parse_word(s + i, n - i, &w)) {
			i++;
			continue;
		}
		buf_reset(&tmp);
		if (!decode_word(&w, &tmp)) {
			i += 2;
			continue;
		}
		/* text between the previous word and this one */
		if (have_word) {
			size_t k;
			int blank = 1;

			for (k = plain; k < i; k++)
				if (s[k] != ' ' && s[k] != '\t')
					blank = 0;
			if (!blank || pcs_n != w.cs_n ||
			    strncasecmp(pcs, w.cs, w.cs_n) != 0) {
				flush_bytes(out, &pend, pcs, pcs_n);
				if (!blank)
					flush_plain(out, s + plain, i - plain);
			}
		} else {
			flush_plain(out, s + plain, i - plain);
		}
		buf_add(&pend, tmp.data, tmp.len);
		pcs = w.cs;
		pcs_n = w.cs_n;
		have_word = 1;
		i += w.len;
		plain = i;
	}
	if (have_word)
		flush_bytes(out, &pend, pcs, pcs_n);
	flush_plain(out, s + plain, n - plain);
	buf_release(&u);
	buf_release(&pend);
	buf_release(&tmp);
}
