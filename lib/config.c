#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "banned.h"

#define SECRET_MAX ((size_t)1 << 20)

const char *
config_get(const char *flag_value, const char *env_name, const char *def)
{
	const char *v;

	if (flag_value)
		return flag_value;
	if (env_name && (v = getenv(env_name)) != NULL && *v)
		return v;
	return def;
}

static int
read_secret_file(const char *var, const char *path, struct buf *b,
    struct err *e)
{
	struct stat st;
	char chunk[4096];
	ssize_t r;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return err_set(e, EX_CONFIG, "%s: cannot open %s: %s", var, path,
		    strerror(errno));
	if (fstat(fd, &st) < 0) {
		err_set(e, EX_CONFIG, "%s: %s: %s", var, path, strerror(errno));
		close(fd);
		return EX_CONFIG;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, EX_CONFIG, "%s: %s is not a regular file",
		    var, path);
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		return err_set(e, EX_CONFIG, "%s: %s is accessible by group or "
		    "others (mode %03o); chmod 600 it", var, path,
		    (unsigned)(st.st_mode & 0777));
	}
	buf_init(b, SECRET_MAX);
	for (;;) {
		r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = err_set(e, EX_CONFIG, "%s: reading %s: %s", var,
			    path, strerror(errno));
			break;
		}
		if (r == 0)
			break;
		if (buf_add(b, chunk, (size_t)r) < 0) {
			rc = err_set(e, EX_CONFIG, "%s: %s is larger than 1 MiB",
			    var, path);
			break;
		}
	}
	close(fd);
	memset(chunk, 0, sizeof(chunk));
	return rc;
}

int
config_secret(const char *name, char **out, struct err *e)
{
	struct buf var = BUF_INIT, b = BUF_INIT;
	const char *v, *path;

	*out = NULL;
	v = getenv(name);
	if (v && *v) {
		*out = xstrdup(v);
		diag_secret_add(*out);
		return 0;
	}
	buf_printf(&var, "%s_FILE", name);
	path = getenv(buf_cstr(&var));
	if (path == NULL || *path == '\0') {
		buf_release(&var);
		return 1;
	}
	if (read_secret_file(buf_cstr(&var), path, &b, e) != 0) {
		/* what was read may be (part of) the secret */
		if (b.data)
			memset(b.data, 0, b.cap);
		buf_release(&b);
		buf_release(&var);
		return e->code;
	}
	while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
		buf_truncate(&b, b.len - 1);
	if (b.len == 0) {
		err_set(e, EX_CONFIG, "%s: %s is empty", buf_cstr(&var), path);
		buf_release(&b);
		buf_release(&var);
		return EX_CONFIG;
	}
	buf_release(&var);
	*out = buf_detach(&b, NULL);
	diag_secret_add(*out);
	return 0;
}

int
config_parse_size(const char *s, size_t *out)
{
	uint64_t v = 0, mul = 1;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (*p) {
	case '\0':
		break;
	case 'k': case 'K': mul = 1024; p++; break;
	case 'm': case 'M': mul = 1024 * 1024; p++; break;
	case 'g': case 'G': mul = 1024 * 1024 * 1024; p++; break;
	default:
		return -1;
	}
	if (mul > 1 && (*p == 'i' || *p == 'I') && (p[1] == 'B' || p[1] == 'b'))
		p += 2;
	else if (mul > 1 && (*p == 'B' || *p == 'b'))
		p++;
	if (*p != '\0')
		return -1;
	if (v > SIZE_MAX / mul)
		return -1;
	*out = (size_t)(v * mul);
	return 0;
}
