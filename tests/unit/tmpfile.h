/*
 * tmpfile.h: temporary files for the unit tests (included by a test file
 * after check.h): made under $TMPDIR (the test runner's private directory),
 * filled and read back whole.
 */
#ifndef SI_TMPFILE_H
#define SI_TMPFILE_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"

/* A new empty file named "$TMPDIR/si-TAG-XXXXXX"; its name in path. */
static inline void
tmp_create(char *path, size_t size, const char *tag)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	snprintf(path, size, "%s/si-%s-XXXXXX", tmp ? tmp : "/tmp", tag);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

/* Replace the file's contents with content[0..n). */
static inline void
tmp_put(const char *path, const char *content, size_t n)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, n), (ssize_t)n);
	close(fd);
}

/* The whole file into out (reset first). */
static inline void
tmp_read(const char *path, struct buf *out)
{
	char chunk[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	buf_reset(out);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(out, chunk, (size_t)n);
	ck_assert_int_eq(n, 0);
	close(fd);
}

#endif
