/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit statuses, the same in every mode (README, --help).  When more than
 * one applies, the most serious wins: an error over an inconclusive run,
 * that over findings.
 */
#ifndef STATUS_H
#define STATUS_H

#include "model.h"

enum status {
	STATUS_CLEAN		= 0,
	STATUS_FINDINGS		= 1,
	STATUS_ERROR		= 2,	/* usage or environment, malformed input */
	STATUS_INCONCLUSIVE	= 3,	/* events lost, a mandatory probe missing */
};

static inline enum status verdict_status(enum verdict v)
{
	switch (v) {
	case VERDICT_CLEAN:
		return STATUS_CLEAN;
	case VERDICT_FINDINGS:
		return STATUS_FINDINGS;
	default:
		return STATUS_INCONCLUSIVE;
	}
}

/* The more serious of @a and @b: 2 wins over 3, 3 over 1, 1 over 0. */
static inline enum status status_worst(enum status a, enum status b)
{
	static const unsigned char rank[] = {
		[STATUS_CLEAN] = 0, [STATUS_FINDINGS] = 1,
		[STATUS_INCONCLUSIVE] = 2, [STATUS_ERROR] = 3,
	};

	return rank[a] >= rank[b] ? a : b;
}

#endif /* STATUS_H */
