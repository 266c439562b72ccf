/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which test of check's command a finding belongs to: the test whose
 * result line is the first one the command printed after the event that
 * caused the finding, once the command has started a KTAP document (any
 * KTAP line before the event); if the command printed no result line
 * after it, the test its last "#  RUN" line announced, if that one never
 * got a result; else none.
 *
 * "After" is exact: the ring holds marks of the command's writes to its
 * output between the events (bpf/cmd.bpf.h), so the position of an event
 * in the output is known in bytes, however late its lines are read.
 * Findings wait until their test is known, events do not.
 *
 *	a = attrib_new(&report_sink, report, marks);
 *	m = model_new(&attrib_sink, a);
 *	attrib_written(a, bytes);	// a mark, in ring order with the events
 *	attrib_line(a, line, len, end);	// each line of the output, as read
 *	attrib_read(a, off);		// bytes of output read so far
 *	attrib_finish(a);		// the command and its output are done
 *	ktap_write(..., attrib_tests(a, &n), ..., attrib_findings(a, &nf), ...);
 */
#ifndef ATTRIB_H
#define ATTRIB_H

#include "ktap.h"
#include "model.h"

struct attrib;

/* @marks: the output is marked; without, no finding gets a test. */
struct attrib *attrib_new(const struct model_sink *sink, void *arg, bool marks);
void attrib_free(struct attrib *a);
/* model_sink whose arg is a struct attrib: findings wait for their test. */
extern const struct model_sink attrib_sink;

void attrib_written(struct attrib *a, __u64 bytes);
void attrib_line(struct attrib *a, const char *line, size_t len, __u64 end);
void attrib_read(struct attrib *a, __u64 off);
/* Hands on every finding still waiting. */
void attrib_finish(struct attrib *a);
/* Returns -ENOMEM if a test or finding could not be kept, else 0. */
int attrib_error(const struct attrib *a);

/* The command's tests, in order; every finding handed on, with its test. */
const struct ktap_test *attrib_tests(const struct attrib *a, size_t *n);
const struct finding *attrib_findings(const struct attrib *a, size_t *n);

#endif /* ATTRIB_H */
