/* SPDX-License-Identifier: GPL-2.0 */
/* Live tracing: until a signal, or around one command (check mode). */
#ifndef LIVE_H
#define LIVE_H

#include "probes.h"
#include "report.h"
#include "status.h"

struct live_opts {
	struct probe_opts probe;
	struct report_opts report;
	bool raw_pointers;
	const char *output;	/* the report's file (-o), NULL: stdout */
	char **cmd;		/* check mode: the command, NULL-terminated */
	bool system_wide;	/* check: every context, not only the command's */
	bool ktap;		/* check: the report in KTAP */
};

/* Returns the exit status. */
enum status live_run(const struct live_opts *opts);

#endif /* LIVE_H */
