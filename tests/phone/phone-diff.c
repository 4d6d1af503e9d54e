/*
 * phone-diff: the C side of tests/integration/phone-differential.sh.
 * Reads tests/phone/corpus.tsv (REGION, INPUT, STATUS, E164, EXTENSION as
 * python3-phonenumbers computed them; see build-aux/gen-phone-corpus.py),
 * runs phone_normalize on each and prints every line where the status,
 * the E.164 text or the extension differ.  Last line: "N cases, N mismatches".
 * Exit 0 when there is no mismatch, 1 otherwise, 2 on a bad corpus.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "phone.h"
#include "banned.h"

/* Undo the corpus escapes (\\ \t \n \r \xHH) in place. */
static void
unescape(char *s)
{
	char *o = s;

	while (*s) {
		if (*s == '\\' && s[1]) {
			s++;
			switch (*s) {
			case 't': *o++ = '\t'; s++; break;
			case 'n': *o++ = '\n'; s++; break;
			case 'r': *o++ = '\r'; s++; break;
			case 'x': {
				char hex[3] = { s[1], s[1] ? s[2] : 0, 0 };

				*o++ = (char)strtol(hex, NULL, 16);
				s += 3;
				break;
			}
			default: *o++ = *s++; break;
			}
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
}

int
main(int argc, char **argv)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	long cases = 0, bad = 0, lineno = 0;
	struct buf e164 = BUF_INIT;

	if (argc != 2) {
		fprintf(stderr, "usage: phone-diff CORPUS\n");
		return 2;
	}
	f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	while (getline(&line, &cap, f) > 0) {
		char *field[5];
		char *p = line;
		struct phone_info info;
		enum phone_status st;
		const char *want_ext;
		int i;

		lineno++;
		if (line[0] == '#')
			continue;
		line[strcspn(line, "\n")] = '\0';
		for (i = 0; i < 5; i++) {
			field[i] = p;
			p = strchr(p, '\t');
			if (!p && i < 4) {
				fprintf(stderr, "phone-diff: %s:%ld: not 5 fields\n", argv[1], lineno);
				return 2;
			}
			if (p)
				*p++ = '\0';
		}
		for (i = 0; i < 5; i++)
			unescape(field[i]);
		cases++;
		st = phone_normalize(field[1], field[0], &e164, &info);
		want_ext = field[4];
		if (strcmp(phone_status_name(st), field[2]) != 0 ||
			strcmp(buf_cstr(&e164), field[3]) != 0 ||
			strcmp(info.extension, want_ext) != 0) {
			bad++;
			printf("MISMATCH line %ld region %s input [%s]: want %s %s [%s], got %s %s [%s]\n",
				lineno, field[0], field[1], field[2], field[3], want_ext,
				phone_status_name(st), buf_cstr(&e164), info.extension);
		}
	}
	free(line);
	fclose(f);
	buf_release(&e164);
	printf("%ld cases, %ld mismatches\n", cases, bad);
	return bad ? 1 : 0;
}
