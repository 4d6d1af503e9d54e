#include "ratelimit.h"

#include <math.h>
#include <time.h>

#include "banned.h"

void
ratelimit_init(struct ratelimit *rl, double per_minute, double burst)
{
	if (per_minute <= 0)
		per_minute = 1;
	rl->per_ms = per_minute / 60000.0;
	rl->burst = burst > 0 ? burst : per_minute;
	rl->tokens = rl->burst;
	rl->last = -1;
}

int64_t
ratelimit_reserve(struct ratelimit *rl, double cost, int64_t now_ms)
{
	double missing;

	if (cost > rl->burst)
		cost = rl->burst;
	if (rl->last < 0 || now_ms < rl->last)
		rl->last = now_ms;
	rl->tokens += (double)(now_ms - rl->last) * rl->per_ms;
	if (rl->tokens > rl->burst)
		rl->tokens = rl->burst;
	rl->last = now_ms;
	if (rl->tokens >= cost) {
		rl->tokens -= cost;
		return 0;
	}
	missing = cost - rl->tokens;
	return (int64_t)ceil(missing / rl->per_ms);
}

int64_t
ratelimit_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
