/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP (Documentation/dev-tools/ktap.rst) and the kselftest harness's
 * output: what a line of the command says, and our report as a KTAP
 * document with a result per test of the command.
 */
#ifndef KTAP_H
#define KTAP_H

#include <stdio.h>

#include "model.h"
#include "report.h"

enum ktap_kind {
	KTAP_OTHER,
	KTAP_VERSION,		/* "KTAP version N", "TAP version N" */
	KTAP_PLAN,		/* "1..N" */
	KTAP_RESULT,		/* "ok N name", "not ok N - name # SKIP why" */
	KTAP_RUN,		/* the harness's "#  RUN           name ..." */
};

struct ktap_line {
	enum ktap_kind kind;
	bool ok;		/* KTAP_RESULT */
	bool skip;		/* KTAP_RESULT: its directive is SKIP */
	/* KTAP_RESULT, KTAP_RUN: within the line, not NUL-terminated */
	const char *name;
	size_t name_len;
	const char *directive;	/* KTAP_RESULT: after " # ", or NULL */
	size_t directive_len;
};

/*
 * What line @s (without its newline) says.  Indented lines are a
 * subtest's: only the top level counts.
 */
void ktap_parse(const char *s, size_t len, struct ktap_line *l);

/* A test of the command, and what we know of it. */
struct ktap_test {
	char *name;
	char *skip;		/* its SKIP directive ("SKIP why"), or NULL */
	__u64 run_end;		/* end of its RUN line in the output, 0: none */
	__u64 result_end;	/* end of its result line, 0: none (yet) */
	size_t nfindings;
};

/*
 * Writes our report as KTAP version 1: a result per test of the command,
 * "not ok" where findings have its name (finding.test points at
 * test.name), each finding as "# " lines of the text report before it; a
 * last result "iommufd-trace" when findings belong to no test or the
 * verdict is inconclusive; the summary as "# " lines.  Returns 0 or -errno.
 */
int ktap_write(FILE *out, const struct ktap_test *tests, size_t ntests,
	       const struct finding *findings, size_t nfindings,
	       const struct model_summary *sum,
	       const struct report_cbs *cbs, void *cb_arg);

#endif /* KTAP_H */
