#include "diag.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "banned.h"

static const char *prog = "salesintel";
static int json_format;
static enum diag_level max_level = DIAG_INFO;
static char **secrets;
static size_t nsecrets;

/*
 * With diag_batch(1) (the stream driver's loop), warnings and notes wait in
 * pending (whole lines, at most PENDING_MAX bytes, so each write(2) is
 * atomic on a pipe) until an error comes, the buffer is full, diag_flush()
 * is called (the stream driver calls it before it blocks on input) or the
 * program exits.  A tool warning about every eighth record would otherwise
 * spend a tenth of its time in write(2).  When stderr is a terminal, and
 * outside such a loop, every line is written at once.
 */
#define PENDING_MAX 4096
static char pending[PENDING_MAX];
static size_t npending;
static int stderr_tty = -1;
static int batching;

static void
write_all(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(2, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;         /* nowhere left to report it */
		p += w;
		n -= (size_t)w;
	}
}

void
diag_batch(int on)
{
	if (!on)
		diag_flush();
	batching = on;
}

void
diag_flush(void)
{
	int saved = errno;

	if (npending)
		write_all(pending, npending);
	npending = 0;
	errno = saved;
}

int
err_set(struct err *e, int code, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(e->msg);
	e->msg = buf_detach(&b, NULL);
	e->code = code;
	return code;
}

int
err_prefix(struct err *e, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	buf_addstr(&b, ": ");
	buf_addstr(&b, e->msg ? e->msg : "error");
	free(e->msg);
	e->msg = buf_detach(&b, NULL);
	return e->code;
}

void
err_release(struct err *e)
{
	free(e->msg);
	e->msg = NULL;
	e->code = 0;
}

void
diag_init(const char *name)
{
	const char *slash = strrchr(name, '/');

	prog = slash ? slash + 1 : name;
	if (stderr_tty < 0) {
		stderr_tty = isatty(2);
		atexit(diag_flush);
	}
}

const char *
diag_prog(void)
{
	return prog;
}

int
diag_set_format(const char *name)
{
	if (strcmp(name, "text") == 0)
		json_format = 0;
	else if (strcmp(name, "json") == 0)
		json_format = 1;
	else
		return -1;
	return 0;
}

void
diag_set_level(enum diag_level level)
{
	max_level = level;
}

int
diag_enabled(enum diag_level level)
{
	return level <= max_level;
}

static void
url_encode(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c)) {
			buf_addch(out, c);
		} else {
			buf_addch(out, '%');
			buf_addch(out, hex[c >> 4]);
			buf_addch(out, hex[c & 15]);
		}
	}
}

static void
secret_push(const char *s)
{
	size_t i;

	for (i = 0; i < nsecrets; i++)
		if (strcmp(secrets[i], s) == 0)
			return;
	secrets = xrealloc(secrets, (nsecrets + 1) * sizeof(*secrets));
	secrets[nsecrets++] = xstrdup(s);
}

static void
secret_add_forms(const char *s)
{
	struct buf enc = BUF_INIT;

	secret_push(s);
	url_encode(&enc, s);
	secret_push(buf_cstr(&enc));
	buf_release(&enc);
}

void
diag_secret_add(const char *secret)
{
	size_t head;

	if (secret == NULL || strlen(secret) < 4)
		return;
	secret_add_forms(secret);
	/* A secret read from a file may carry its line break into a message. */
	head = strcspn(secret, "\r\n");
	if (secret[head] && head >= 4) {
		char *h = xstrndup(secret, head);

		secret_add_forms(h);
		free(h);
	}
}

char *
diag_scrub(const char *s)
{
	struct buf out = BUF_INIT;
	size_t i, n = strlen(s), pos = 0;

	if (nsecrets == 0)
		return xstrdup(s);
	while (pos < n) {
		size_t best = 0;

		for (i = 0; i < nsecrets; i++) {
			size_t len = strlen(secrets[i]);

			if (len > best && len <= n - pos &&
			    memcmp(s + pos, secrets[i], len) == 0)
				best = len;
		}
		if (best) {
			buf_addstr(&out, "[redacted]");
			pos += best;
		} else {
			buf_addch(&out, s[pos++]);
		}
	}
	return buf_detach(&out, NULL);
}

static void
json_escape(struct buf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			buf_printf(out, "\\%c", c);
		else if (c < 0x20)
			buf_printf(out, "\\u%04x", c);
		else
			buf_addch(out, c);
	}
}

static const char *const level_names[] = { "error", "warning", "info", "debug" };

static void
emit(enum diag_level level, const char *msg)
{
	struct buf line = BUF_INIT;
	char *clean;
	char *p;

	if (!diag_enabled(level))
		return;
	clean = diag_scrub(msg);
	/* One line each: a message never breaks the line protocol of stderr. */
	for (p = clean; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (json_format) {
		buf_addstr(&line, "{\"tool\":\"");
		json_escape(&line, prog);
		buf_printf(&line, "\",\"level\":\"%s\",\"message\":\"", level_names[level]);
		json_escape(&line, clean);
		buf_addstr(&line, "\"}\n");
	} else {
		buf_addstr(&line, prog);
		buf_addstr(&line, level == DIAG_WARN ? ": warning: " : ": ");
		buf_addstr(&line, clean);
		buf_addch(&line, '\n');
	}
	if (level == DIAG_ERROR || stderr_tty != 0 || !batching ||
	    npending + line.len > PENDING_MAX)
		diag_flush();
	if (level == DIAG_ERROR || stderr_tty != 0 || !batching ||
	    line.len > PENDING_MAX) {
		fflush(stdout);
		write_all(line.data ? line.data : "", line.len);
	} else {
		memcpy(pending + npending, line.data, line.len);
		npending += line.len;
	}
	buf_release(&line);
	free(clean);
}

void
diag_vlog(enum diag_level level, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;

	if (!diag_enabled(level))
		return;
	buf_vprintf(&b, fmt, ap);
	emit(level, buf_cstr(&b));
	buf_release(&b);
}

#define DIAG_FN(name, level) \
	void name(const char *fmt, ...) \
	{ \
		va_list ap; \
		va_start(ap, fmt); \
		diag_vlog(level, fmt, ap); \
		va_end(ap); \
	}

DIAG_FN(diag_error, DIAG_ERROR)
DIAG_FN(diag_warn, DIAG_WARN)
DIAG_FN(diag_info, DIAG_INFO)
DIAG_FN(diag_debug, DIAG_DEBUG)

void
diag_input(const char *file, unsigned long line, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	buf_printf(&b, "%s:%lu: ", file ? file : "-", line);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	emit(DIAG_ERROR, buf_cstr(&b));
	buf_release(&b);
}

int
diag_close_stdout(void)
{
	int failed;

	errno = 0;
	failed = fflush(stdout) != 0 || ferror(stdout);
	if (failed && errno != EPIPE) {
		diag_error("write error on standard output: %s",
		    errno ? strerror(errno) : "unknown error");
		return EX_IOERR;
	}
	return 0;
}
