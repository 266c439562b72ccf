/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fields of one replay line that the replay knows, taken from the
 * object jansson parsed, so that the checks of each event read a table
 * rather than walk JSON.
 */
#ifndef REPLAY_FIELDS_H
#define REPLAY_FIELDS_H

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
#endif /* REPLAY_FIELDS_H */
