/*
 * config.h: settings from flags, then the environment, then a default
 * (owner: core); secrets from the environment or a file, never argv.
 */
#ifndef SI_CONFIG_H
#define SI_CONFIG_H

#include <stddef.h>

#include "diag.h"

/*
 * flag_value when not NULL (a flag given on the command line wins), else
 * the value of env_name when set and not empty, else def.  The result
 * points into argv, the environment or def: do not free it.
 */
const char *config_get(const char *flag_value, const char *env_name,
    const char *def);

/*
 * A secret named name (e.g. "SF_CLIENT_SECRET"): the environment variable
 * NAME when set and not empty, else the file named by NAME_FILE.  A file
 * that group or others may read or write is refused (EX_CONFIG), like ssh
 * does with keys; one or more trailing newlines ("\n" or "\r\n") are
 * stripped; an empty secret, an unreadable file or one over 1 MiB is
 * EX_CONFIG.  The secret is registered with diag_secret_add() before this
 * returns.
 * Returns 0 with *out set (malloc'd, the caller frees it), 1 when neither
 * NAME nor NAME_FILE is set (*out = NULL), or the error code with e filled.
 */
int config_secret(const char *name, char **out, struct err *e);

/*
 * A size such as "64M": digits with an optional suffix K, M or G (powers
 * of 1024; "KiB"/"MiB"/"GiB" and "k" accepted too).  0 on success, -1 when
 * malformed or out of range.
 */
int config_parse_size(const char *s, size_t *out);

#endif
