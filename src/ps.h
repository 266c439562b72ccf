/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iommufd-trace ps: every open iommufd context on the host and its objects
 * as a tree, from a snapshot (snapshot.h), and what can be judged of them
 * at that instant: vdevices with no device bound in their context.
 */
#ifndef PS_H
#define PS_H

#include "report.h"
#include "status.h"

struct ps_opts {
	struct report_opts report;	/* no_events: findings and summary only */
	bool raw_pointers;
	bool verbose;
	const char *output;	/* the report's file (-o), NULL: stdout */
};

/* Returns the exit status. */
enum status ps_run(const struct ps_opts *opts);

#endif /* PS_H */
