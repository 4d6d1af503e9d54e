/*
 * fuzz_config: the readers of configuration and state files: a Singer
 * state file (--state), a secret file (NAME_FILE, with its permission and
 * size rules) and a size setting ("64M").  No crash, no leak; a refusal
 * always says why.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "json.h"
#include "state.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct json_doc doc;
	static int ready;
	struct err e = ERR_INIT;
	struct json *state = NULL;
	char path[64], *secret = NULL, *text;
	size_t sz;
	int fd, rc;

	if (!ready) {
		json_doc_init(&doc);
		ready = 1;
	}
	fd = memfd_create("fuzz", 0);
	if (fd < 0)
		return 0;
	if ((size && write(fd, data, size) != (ssize_t)size) || fchmod(fd, 0600) != 0) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rc = state_read_file(path, &doc, &state, &e);
	if (rc && e.msg == NULL)
		abort();
	err_release(&e);
	setenv("FUZZ_SECRET_FILE", path, 1);
	rc = config_secret("FUZZ_SECRET", &secret, &e);
	if (rc > 1 && e.msg == NULL)
		abort();
	free(secret);
	err_release(&e);
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	config_parse_size(text, &sz);
	free(text);
	close(fd);
	return 0;
}
