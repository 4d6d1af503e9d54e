/*
 * diag.h: the suite's one diagnostics module and its exit-code contract.
 *
 * Exit codes are sysexits(3): EX_USAGE 64, EX_DATAERR 65, EX_UNAVAILABLE 69,
 * EX_SOFTWARE 70, EX_IOERR 74, EX_TEMPFAIL 75, EX_NOPERM 77, EX_CONFIG 78.
 *
 * Library code never prints: it fills a struct err and returns its code.
 * Tools print with diag_error() and friends: one line on stderr,
 * "tool: message", or a JSON object with --log-format=json.  Every line is
 * scrubbed of the registered secrets before it is written.
 */
#ifndef SI_DIAG_H
#define SI_DIAG_H

#include <stdarg.h>
#include <sysexits.h>

/* An error from library code: an exit code and a message (owned, malloc'd). */
struct err {
	int code;       /* 0 when no error; else a sysexits code */
	char *msg;      /* NULL when no error */
};
#define ERR_INIT { 0, NULL }

/* Record an error (replacing any earlier one); returns code. */
int err_set(struct err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefix the current message with "what: " (context on the way up). */
int err_prefix(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void err_release(struct err *e);

enum diag_level { DIAG_ERROR, DIAG_WARN, DIAG_INFO, DIAG_DEBUG };

/* Name the program (basename of argv[0] is fine) before any message. */
void diag_init(const char *prog);
const char *diag_prog(void);
/* "text" (default) or "json"; returns -1 for another name. */
int diag_set_format(const char *name);
/* Messages above this level are not printed (default DIAG_INFO). */
void diag_set_level(enum diag_level level);
int diag_enabled(enum diag_level level);

void diag_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void diag_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void diag_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void diag_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void diag_vlog(enum diag_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/*
 * Messages are written at once, one line a write(2).  Between diag_batch(1)
 * and diag_batch(0) (the stream driver's loop, which also flushes before it
 * blocks on input) warnings and notes may wait, whole lines up to 4 KiB,
 * for the next error, diag_flush() or the exit (diag_init registers
 * diag_flush with atexit); when stderr is a terminal, nothing waits.
 */
void diag_batch(int on);
void diag_flush(void);
/* Bad input: "tool: FILE:LINE: message". */
void diag_input(const char *file, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Register a secret: from now on it never appears in a diagnostic, also
 * not URL-encoded; it prints as "[redacted]".  Secrets shorter than 4 bytes
 * are ignored (they would redact ordinary words).  The string is copied.
 */
void diag_secret_add(const char *secret);
/* Scrub s in place of every registered secret; returns a malloc'd copy. */
char *diag_scrub(const char *s);

/*
 * Flush stdout and report a failed write (full disk): returns 0, or
 * EX_IOERR after printing why.  A closed pipe (EPIPE) returns 0 quietly.
 */
int diag_close_stdout(void);

#endif
