/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replay of a recorded JSON-lines trace (the vocabulary of vocab.c, e.g.
 * the --json output of a live run) through the model, printed exactly like
 * live mode.
 *
 * Input rules: one JSON object per line, blank lines (spaces, tabs, CRs)
 * allowed, no NUL byte anywhere; unknown fields are ignored; events with
 * an unknown "ev" are counted and ignored.  A recording's finding lines
 * and summary (which ends it) are checked, not reprinted: the replay must
 * find the same findings of each type, as many events (those of an
 * unknown "ev" included) and the same verdict, or the file is not the
 * whole recording (say, one made with --no-events) and the replay fails.
 * Identifiers must be non-empty JSON strings; unsigned
 * numbers are JSON integers up to 2^63 - 1, or strings of decimal digits
 * up to 2^64 - 1 (vocab.c).  The first malformed line stops
 * the replay with "FILE:LINE: what is wrong" on the error stream, what
 * it quotes of the line escaped as in text mode.
 *
 * Both functions return the exit status.
 */
#ifndef REPLAY_H
#define REPLAY_H

#include <stdio.h>

#include "report.h"
#include "status.h"

/*
 * @path "-" is stdin; output to the file @output (see outfile.h: as private
 * as the input), or to stdout if NULL; errors to stderr.
 */
enum status replay_run(const char *path, const char *output,
		       const struct report_opts *opts);
/* @name names @in in error messages. */
enum status replay_file(FILE *in, const char *name, FILE *out, FILE *err,
			const struct report_opts *opts);

#endif /* REPLAY_H */
