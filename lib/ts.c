#include "ts.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "banned.h"

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
ts_valid_date(int y, unsigned m, unsigned d)
{
	static const unsigned char mdays[] = { 31, 28, 31, 30, 31, 30, 31,
		31, 30, 31, 30, 31 };

	if (m < 1 || m > 12 || d < 1)
		return 0;
	if (m == 2 && leap(y))
		return d <= 29;
	return d <= mdays[m - 1];
}

/* Howard Hinnant's days_from_civil. */
int64_t
ts_days_from_civil(int y, unsigned m, unsigned d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	unsigned yoe = (unsigned)(yy - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

/* n digits at p as a number; -1 if any is not a digit or p runs out. */
static int
digits(const char *p, const char *end, int n)
{
	int v = 0;

	if (end - p < n)
		return -1;
	while (n--) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	return v;
}

int
ts_parse_flags(const char *s, size_t n, unsigned flags, int64_t *ms_utc)
{
	const char *p = s, *end = s + n;
	int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0, off = 0;
	int64_t t;

	if ((flags & TS_EPOCH_MS) && n >= 1 && n <= 15) {
		size_t i;
		int64_t v = 0;

		for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			v = v * 10 + (s[i] - '0');
		if (i == n) {
			*ms_utc = v;
			return 0;
		}
	}
	if ((y = digits(p, end, 4)) < 1 || end - p < 10 || p[4] != '-' ||
	    (mo = digits(p + 5, end, 2)) < 0 || p[7] != '-' ||
	    (d = digits(p + 8, end, 2)) < 0)
		return -1;
	if (!ts_valid_date(y, (unsigned)mo, (unsigned)d))
		return -1;
	p += 10;
	if (p == end)
		goto done;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	if ((h = digits(p, end, 2)) < 0 || end - p < 5 || p[2] != ':' ||
	    (mi = digits(p + 3, end, 2)) < 0)
		return -1;
	p += 5;
	if (p < end && *p == ':') {
		if ((sec = digits(p + 1, end, 2)) < 0)
			return -1;
		p += 3;
		if (p < end && *p == '.') {
			int k = 0;

			p++;
			if (p >= end || *p < '0' || *p > '9')
				return -1;
			for (; p < end && *p >= '0' && *p <= '9'; p++, k++)
				if (k < 3)
					ms = ms * 10 + (*p - '0');
			for (; k < 3; k++)
				ms *= 10;
		}
	}
	if (h > 23 || mi > 59 || sec > 59)
		return -1;
	if (p < end) {
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p == '-' ? -1 : 1, oh, om = 0;

			p++;
			if ((oh = digits(p, end, 2)) < 0)
				return -1;
			p += 2;
			if (p < end && *p == ':') {
				if ((om = digits(p + 1, end, 2)) < 0)
					return -1;
				p += 3;
			} else if (p < end) {
				if ((om = digits(p, end, 2)) < 0)
					return -1;
				p += 2;
			}
			if (oh > 23 || om > 59)
				return -1;
			off = sign * (oh * 60 + om);
		} else {
			return -1;
		}
	}
	if (p != end)
		return -1;
done:
	t = ts_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + sec - (int64_t)off * 60;
	*ms_utc = t * 1000 + ms;
	return 0;
}

int
ts_parse(const char *s, size_t n, int64_t *ms_utc)
{
	return ts_parse_flags(s, n, 0, ms_utc);
}

static void
split(int64_t ms, int64_t *days, int64_t *msday)
{
	*days = ms / 86400000;
	*msday = ms % 86400000;
	if (*msday < 0) {
		*msday += 86400000;
		(*days)--;
	}
}

void
ts_format(struct buf *out, int64_t ms)
{
	int64_t days, r;
	int y;
	unsigned m, d;

	split(ms, &days, &r);
	civil_from_days(days, &y, &m, &d);
	buf_printf(out, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y, m, d,
	    (int)(r / 3600000), (int)(r / 60000 % 60), (int)(r / 1000 % 60),
	    (int)(r % 1000));
}

void
ts_format_date(struct buf *out, int64_t ms)
{
	int64_t days, r;
	int y;
	unsigned m, d;

	split(ms, &days, &r);
	civil_from_days(days, &y, &m, &d);
	buf_printf(out, "%04d-%02u-%02u", y, m, d);
}

int64_t
ts_now_ms(void)
{
	const char *fixed = getenv("SALESINTEL_NOW");
	struct timespec now;
	int64_t ms;

	if (fixed && *fixed &&
	    ts_parse_flags(fixed, strlen(fixed), TS_EPOCH_MS, &ms) == 0)
		return ms;
	clock_gettime(CLOCK_REALTIME, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}
