/*
 * ts.h: timestamps (owner: core).
 *
 * The suite keeps time as int64 milliseconds since 1970-01-01T00:00:00Z and
 * writes it in one form: "YYYY-MM-DDTHH:MM:SS.sssZ" (UTC, always three
 * fraction digits), which sorts as text in time order.
 *
 * Accepted on input (ts_parse):
 *   2026-11-28                        date only: midnight UTC
 *   2026-11-28T23:59:59Z              RFC 3339; 't', 'z' and a space for 'T'
 *   2026-11-28T23:59:59.123456+05:30  any fraction length (truncated to ms)
 *   2026-11-28T23:59:59.000+0000      Salesforce: offset without colon
 *   2026-11-28T23:59:59-08            offset of hours only
 *   2026-11-28T23:59:59               no zone: UTC
 *   2026-11-28T23:59                  seconds may be left out
 * Refused: impossible dates (Feb 30, Feb 29 of a non-leap year, month 13),
 * hour 24, minute or second 60 (leap seconds are not representable; no
 * source we read sends them), offsets beyond 23:59, years outside 0001-9999,
 * white space, anything after the zone.
 * With TS_EPOCH_MS, a string of 1 to 15 ASCII digits is also accepted as
 * milliseconds since the epoch (Dialpad, Gmail internalDate, HubSpot).
 */
#ifndef SI_TS_H
#define SI_TS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum ts_flag {
	TS_EPOCH_MS = 1     /* digits only: epoch milliseconds */
};

/* Parse s[0..n) into *ms_utc; 0 on success, -1 if not a timestamp. */
int ts_parse(const char *s, size_t n, int64_t *ms_utc);
int ts_parse_flags(const char *s, size_t n, unsigned flags, int64_t *ms_utc);

/* Append "YYYY-MM-DDTHH:MM:SS.sssZ" (24 bytes). */
void ts_format(struct buf *out, int64_t ms);
/* Append the UTC date "YYYY-MM-DD" of ms. */
void ts_format_date(struct buf *out, int64_t ms);

/* Days since 1970-01-01 of a proleptic Gregorian date (no range check). */
int64_t ts_days_from_civil(int y, unsigned m, unsigned d);
/* Is y-m-d a real date? */
int ts_valid_date(int y, unsigned m, unsigned d);

/*
 * The current time in ms.  When the environment has SALESINTEL_NOW (a
 * timestamp as ts_parse takes it, or epoch ms), that is returned instead:
 * tests use it to make time_extracted and run times reproducible.
 */
int64_t ts_now_ms(void);

#endif
