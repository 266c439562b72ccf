/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fields of one replay line that the replay knows, whatever parsed the
 * line.  line_scan() is the fast path for plain lines (such as our own
 * --json output); for anything else it declines and the caller parses the
 * line with jansson, which also gives the error messages.  Both must fill
 * the fields the same way for the lines line_scan() accepts.
 */
#ifndef LINE_SCAN_H
#define LINE_SCAN_H

#include <stddef.h>

enum field_id {
	FLD_EV,
	FLD_TS,
	FLD_ICTX,
	FLD_IDEV,
	FLD_VDEV,
	FLD_OBJ,
	FLD_DEV,
	FLD_ID,
	FLD_VIRT_ID,
	FLD_RET,
	FLD_COUNT,
	FLD_PID,
	FLD_COMM,
	FLD_STACK,
	FLD_ORPHANED_NS,
	FLD_FINDING,
	FLD_SUMMARY,
	FLD_MAX,
};

enum field_kind {
	FK_ABSENT,
	FK_STR,		/* s, len */
	FK_INT,		/* i */
	FK_FRAMES,	/* array of strings: s, len hold them joined by NULs */
	FK_OTHER,	/* any other JSON value */
};

struct field {
	enum field_kind kind;
	const char *s;
	size_t len;
	long long i;
};

struct line_fields {
	struct field f[FLD_MAX];
	char *frames;		/* FK_FRAMES storage */
	size_t frames_len, frames_cap;
};

/* FLD_* of JSON key @name, or -1 if the replay ignores it. */
int field_lookup(const char *name, size_t len);
const char *field_name(enum field_id id);
void fields_clear(struct line_fields *lf);
/* Appends a frame to lf->frames; -ENOMEM. */
int frames_add(struct line_fields *lf, const char *s, size_t len);
/* Returns 0 with @lf filled, or -1 if the line must go to jansson. */
int line_scan(const char *line, size_t len, struct line_fields *lf);

#endif /* LINE_SCAN_H */
