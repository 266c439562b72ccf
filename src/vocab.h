/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vocabulary of the output, JSON lines and text: every event type,
 * finding, object type and summary counter with its name and its fields.
 * The report writes and replay reads from these tables alone, so a new
 * event or object type is a new row in vocab.c (and the model's rule for
 * it).  The JSON lines are described at the top of vocab.c.
 */
#ifndef VOCAB_H
#define VOCAB_H

#include <stddef.h>

#include "model.h"

/* What an identifier names; live mode's tokens start with its prefix. */
enum key_kind {
	KEY_ICTX,
	KEY_IDEV,
	KEY_VDEV,
	KEY_OBJ,	/* an object of another type */
	KEY_DEV,
	KEY_FRAME,	/* a code address of a stack frame without a symbol */
	KEY_OF_TYPE,	/* that of the record's object type, its FK_OBJ_TYPE field */
	KEY_OF_PARENT,	/* that of the record's parent type (findings) */
};

/* How a field is printed and read, and the type of its member. */
enum field_kind {
	FK_KEY,		/* __u64 identifier, a string; 0: absent, not printed */
	FK_U32,		/* __u32 */
	FK_S32,		/* __s32 */
	FK_U64,		/* __u64; in JSON above 2^63 - 1 a string of digits */
	FK_HEX,		/* __u64, 0x... in text */
	FK_OBJ_TYPE,	/* enum obj_type, by its name; 0: absent, not printed */
	FK_PARENTS,	/* trace_event: parents[] (and ptype[]), an array of keys */
	FK_SNAP,	/* enum snap_status, by its name */
	FK_PID,		/* struct task: its pid, if it has one */
	FK_COMM,	/* struct task: its comm, if it has a pid */
	FK_STACK,	/* struct task: its frames; not in text */
	FK_STR,		/* const char *, a string; NULL: absent, not printed */
};

#define FL_REQUIRED	(1 << 0)	/* replay: the event needs it */
#define FL_EITHER	(1 << 1)	/* replay: the event needs one FL_EITHER field */
#define FL_NOTE		(1 << 2)	/* in struct ev_note, shown if orphaned; not read */
#define FL_VDEV		(1 << 3)	/* shown only when the object is a vdevice */
#define FL_NONZERO	(1 << 4)	/* shown only when it is not 0 */
#define FL_CONTEXT	(1 << 5)	/* ps: the context's, said once in its heading */

struct field {
	const char *name;
	__u8 kind;		/* enum field_kind */
	__u8 key;		/* FK_KEY: enum key_kind */
	__u8 flags;		/* FL_* */
	__u16 off;		/* of its member in the record */
};

/* An event type or a finding: its name and fields, up to one without a name. */
struct record {
	const char *name;
	const struct field *fields;
};

/* The key that starts each kind of JSON line. */
#define REC_EVENT	"ev"
#define REC_FINDING	"finding"
#define REC_SUMMARY	"summary"
/* The summary's member after the counters. */
#define SUMMARY_VERDICT	"verdict"

/*
 * Every event line: its name, ev_head, the event's own fields, ev_tail
 * (its task).  Replay reads ev_tail before the event's fields.
 */
extern const struct field ev_head[], ev_tail[];

/* The row of event type @type, NULL if it has none. */
const struct record *ev_record(unsigned int type);
/* The type of the event called @name, 0 if there is none. */
unsigned int ev_type_named(const char *name);
const struct record *finding_record(enum finding_type type);
/* The type of the finding called @name, FINDING_TYPE_MAX if there is none. */
enum finding_type finding_type_named(const char *name);

const char *obj_type_name(enum obj_type type);
/* The type called @name, 0 if there is none. */
enum obj_type obj_type_named(const char *name);
enum key_kind obj_type_key(enum obj_type type);
char key_prefix(enum key_kind kind);
const char *snap_status_name(enum snap_status status);
/* The status called @name, SNAP_STATUS_MAX if there is none. */
enum snap_status snap_status_named(const char *name);
/* What a status means, in words. */
const char *snap_status_text(enum snap_status status);

/* A line of `ps --json` per object: "object":TYPE, then these fields. */
#define REC_OBJECT	"object"
extern const struct field object_fields[];

/* A __u64 of struct model_summary, in the JSON summary and as "N text". */
struct counter {
	const char *name;
	const char *text;	/* NULL: not in text */
	bool anomaly;		/* text: on the "anomalies" line, shown if one is not 0 */
	__u16 off;
};

/* In the order they are printed. */
extern const struct counter counters[];
extern const size_t ncounters;

#endif /* VOCAB_H */
