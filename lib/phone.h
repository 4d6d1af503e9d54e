/*
 * phone.h: phone numbers to E.164, as libphonenumber does it.
 *
 * A C port of the parts of libphonenumber's PhoneNumberUtil (as in the
 * Python port, python3-phonenumbers, whose version lib/phone_meta.c names)
 * that parse(), is_valid_number() and format_number(E164) use: finding the
 * number in free text ("Tel: +1 (415) 555-0100 ext. 12"), RFC 3966 "tel:"
 * URIs with ";phone-context=", ";ext=" and ";isub=", extensions
 * ("x123", "ext. 123", "#123", ",,123"), vanity letters ("1-800-FLOWERS"),
 * full-width and other Unicode digits, a leading "+" or the region's
 * international prefix ("00", "011", "810", "0[0-9]{2}"...), the country
 * calling code written without "+", the national prefix and carrier codes
 * with the national-prefix transform rules (Argentina's "15" mobile prefix
 * becoming "9", the Caribbean NANP 7-digit local numbers), Italian leading
 * zeros, the possible lengths and the number-type patterns of every region.
 *
 * The metadata is generated (build-aux/gen-phone-meta.py); the regular
 * expressions run on phone_re.c.  Patterns are compiled on first use and
 * kept for the life of the process: the module is not thread-safe.
 */
#ifndef SI_PHONE_H
#define SI_PHONE_H

#include "buf.h"

/* What phone_normalize found; the parse errors are libphonenumber's
 * NumberParseException types. */
enum phone_status {
	PHONE_OK = 0,           /* a valid number: E.164 written */
	PHONE_INVALID,          /* parsed, but no pattern of its region matches
	                           (is_valid_number() is false) */
	PHONE_NOT_A_NUMBER,     /* no phone number in the text */
	PHONE_INVALID_COUNTRY_CODE, /* unknown calling code, or no "+" and no
	                           usable default region */
	PHONE_TOO_SHORT_AFTER_IDD, /* "+" or "00" then too few digits */
	PHONE_TOO_SHORT,        /* national number shorter than 2 digits */
	PHONE_TOO_LONG          /* over 17 digits, or text over 250 characters */
};

enum phone_type {
	PHONE_TYPE_FIXED_LINE, PHONE_TYPE_MOBILE, PHONE_TYPE_FIXED_LINE_OR_MOBILE,
	PHONE_TYPE_TOLL_FREE, PHONE_TYPE_PREMIUM_RATE, PHONE_TYPE_SHARED_COST,
	PHONE_TYPE_VOIP, PHONE_TYPE_PERSONAL_NUMBER, PHONE_TYPE_PAGER,
	PHONE_TYPE_UAN, PHONE_TYPE_VOICEMAIL, PHONE_TYPE_UNKNOWN
};

/*
 * Details of a parsed number.  The arrays are sized for the largest value
 * libphonenumber allows (17 digits, a 20-digit extension of up to 4-byte
 * UTF-8 characters), so they never truncate.
 */
struct phone_info {
	int country_code;       /* 0 when parsing failed */
	char national[20];      /* national significant number, leading zeros kept */
	char region[4];         /* "US", "001" (non-geographic), "" if none */
	char extension[84];     /* as written (may hold non-ASCII digits); "" if none */
	enum phone_type type;   /* PHONE_TYPE_UNKNOWN unless PHONE_OK */
};

/*
 * Parse text (UTF-8; an invalid byte counts as U+FFFD) as a phone number
 * dialled from default_region (ISO 3166 code in upper case, e.g. "US";
 * NULL or an unknown code: only "+..." numbers parse).  On PHONE_OK, and
 * on PHONE_INVALID, the number is written to e164_out in E.164 ("+" and
 * digits; the extension is not part of E.164), replacing its contents;
 * otherwise e164_out is emptied.  info may be NULL.
 */
enum phone_status phone_normalize(const char *text, const char *default_region,
	struct buf *e164_out, struct phone_info *info);

/* The same for text[0..len), which may hold NUL characters. */
enum phone_status phone_normalize_n(const char *text, size_t len,
	const char *default_region, struct buf *e164_out,
	struct phone_info *info);

/* A short lower-case name: "ok", "invalid", "not-a-number", ... */
const char *phone_status_name(enum phone_status status);
/* "FIXED_LINE", "MOBILE", ... as libphonenumber names the types. */
const char *phone_type_name(enum phone_type type);

/*
 * The region a number belongs to (libphonenumber's region_code_for_number):
 * "US", "CA", "001" for non-geographic codes such as +800, or NULL when
 * no region of that calling code matches.  The string is static.
 */
const char *phone_region_for_number(int country_code, const char *national);

/* The calling code of a region ("GB" -> 44), or 0 for an unknown region. */
int phone_country_code_for_region(const char *region);

/* The python3-phonenumbers version the metadata comes from. */
const char *phone_metadata_version(void);

#endif
