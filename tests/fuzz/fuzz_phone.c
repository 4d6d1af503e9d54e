/*
 * fuzz_phone: phone_normalize must never crash nor run away on any text,
 * and what it writes must be E.164: "+", a known calling code, 2 to 17
 * more digits.  The first two bytes pick the default region.
 */
#include <stdlib.h>
#include <string.h>

#include "country.h"
#include "phone.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char *const regions[] = { "US", "GB", "DE", "AR", "MX", "IT",
		"BR", "IN", "CN", "JP", "RU", "AU", "FR", "AG", "ZZ", NULL };
	struct buf out = BUF_INIT;
	struct phone_info info;
	enum phone_status st;
	const char *region;
	char *text;
	size_t i;

	if (size < 1)
		return 0;
	/* the record-country lookup reads the same kind of outside text:
	 * an answer is an alpha-2 code */
	region = country_region((const char *)data, size);
	if (region && (strlen(region) != 2 || region[0] < 'A' ||
	    region[0] > 'Z' || region[1] < 'A' || region[1] > 'Z'))
		abort();
	region = regions[data[0] % (sizeof(regions) / sizeof(regions[0]))];
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';  /* a NUL inside ends the text: fine */
	st = phone_normalize(text, region, &out, &info);
	if (st == PHONE_OK || st == PHONE_INVALID) {
		const char *s = buf_cstr(&out);

		if (s[0] != '+' || out.len < 4 || out.len > 1 + 3 + 17)
			abort();
		for (i = 1; i < out.len; i++)
			if (s[i] < '0' || s[i] > '9')
				abort();
		if (info.country_code <= 0 || strlen(info.national) < 2)
			abort();
	} else if (out.len != 0 || info.extension[0] != '\0') {
		abort();
	}
	free(text);
	buf_release(&out);
	return 0;
}
