/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal test harness: RUN(fn) prints "ok fn" or "FAIL fn" (after the
 * failed CHECKs); run.sh adds the lines up across test programs.
 */
#ifndef TEST_H
#define TEST_H

#include <stdbool.h>
#include <stdio.h>

static bool t_failed;
static int t_nfailed;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		printf("#   %s:%d: CHECK(%s) failed\n",			\
		       __FILE__, __LINE__, #cond);			\
		t_failed = true;					\
	}								\
} while (0)

#define RUN(fn) do {							\
	t_failed = false;						\
	fn();								\
	printf("%s %s\n", t_failed ? "FAIL" : "ok", #fn);		\
	t_nfailed += t_failed;						\
	fflush(stdout);							\
} while (0)

/* Exit status of a test program. */
#define TEST_STATUS() (t_nfailed ? 1 : 0)

#endif /* TEST_H */
