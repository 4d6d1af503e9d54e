/*
 * ratelimit.h: a token bucket, so a client stays inside an API's quota
 * instead of hoping.  The bucket holds up to `burst` units and refills at
 * `per_minute` units a minute; each call costs some units (1 for most APIs,
 * the documented quota units for Gmail or HubSpot).
 *
 * Time is passed in (milliseconds on any monotonic clock) so the bucket can
 * be tested without sleeping.  Not thread-safe: one bucket per client.
 */
#ifndef SI_RATELIMIT_H
#define SI_RATELIMIT_H

#include <stdint.h>

struct ratelimit {
	double per_ms;      /* refill rate, units per millisecond */
	double burst;       /* capacity */
	double tokens;      /* units available at time `last` */
	int64_t last;       /* ms of the last refill; -1 before the first call */
};

/* per_minute > 0; burst 0 means "one minute's worth"; the bucket starts full. */
void ratelimit_init(struct ratelimit *rl, double per_minute, double burst);

/*
 * Take cost units at time now_ms if they are there: returns 0 (taken), or
 * the milliseconds to wait before they will be (nothing taken).  A cost over
 * the capacity is treated as the capacity, so it never waits forever.
 */
int64_t ratelimit_reserve(struct ratelimit *rl, double cost, int64_t now_ms);

/* Milliseconds on the monotonic clock. */
int64_t ratelimit_now_ms(void);

#endif
