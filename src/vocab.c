// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON lines are a contract (CI scripts, replay reads them back); ts in
 * ns, identifiers are opaque strings, readers ignore unknown fields.
 * Numbers are unsigned 64-bit but for "ret"; one above 2^63 - 1 (a virt_id
 * can be any u64, a lost count saturates at 2^64 - 1) is written as a
 * string of its decimal digits, "virt_id":"18446744073709551615", as
 * readers like jansson hold only signed 64-bit integers.  Replay takes
 * such a string (no sign, no leading zero) for any unsigned number.
 *
 * {"ev":"bind","ts":1,"ictx":"c1","idev":"d1","id":1,"dev":"p1"}
 * {"ev":"vdev_alloc","ts":2,"ictx":"c1","vdev":"v1","id":3,"virt_id":153,"idev":"d1"}
 *	("idev" only when the kernel has one, "dev" when known)
 * {"ev":"unbind","ts":3,"ictx":"c1","idev":"d1"}
 * {"ev":"unbind_done","ts":4,"ictx":"c1","idev":"d1"}
 * {"ev":"vdev_destroy","ts":5,"ictx":"c1","vdev":"v1"}	(+ "orphaned_ns")
 * {"ev":"obj_remove","ts":6,"ictx":"c1","id":3,"ret":0}
 * {"ev":"ctx_release","ts":7,"ictx":"c1"}
 * {"ev":"obj_abort","ts":8,"ictx":"c1","type":"vdevice","obj":"v9"}
 *	("type" gives "obj" its token's prefix; older recordings have none)
 * {"ev":"lost","ts":8,"count":5}
 *	any event: "pid":N,"comm":"s","stack":["frame",...]
 * {"finding":"orphaned_vdevice","ts":..,"ictx":..,"vdev":..,"vdev_id":3,
 *  "virt_id":153,"idev":..,"idev_id":1,"pid":..,"comm":..,"stack":[...]}
 * {"finding":"leaked_object","ts":..,"ictx":..,"type":"vdevice"|"device",
 *  "id":..,"obj":..}	(+ "virt_id" for a vdevice)
 *	any finding: "test":"NAME", the test of check's command it belongs to
 * {"summary":{"events":N,"orphans":N,"leaks":N,"untracked":N,"lost":N,
 *  "live":N,"stale":N,"unexpected":N,"unknown_events":N,"removes":N,
 *  "verdict":"clean"|"findings"|"inconclusive"}}	(last line)
 *	(replay checks that a recording's findings and summary are those
 *	 its events give: a line is one of event, finding or summary)
 *
 * The text lines print an event's fields as name=value, in this order.
 */
#include <string.h>

#include "vocab.h"

/* The type of the member behind each kind of field (checked below). */
#define CTYPE_FK_KEY		__u64
#define CTYPE_FK_U32		__u32
#define CTYPE_FK_S32		__s32
#define CTYPE_FK_U64		__u64
#define CTYPE_FK_HEX		__u64
#define CTYPE_FK_OBJ_TYPE	enum obj_type
#define CTYPE_FK_PID		struct task
#define CTYPE_FK_COMM		struct task
#define CTYPE_FK_STACK		struct task
#define CTYPE_FK_STR		const char *

/* Field @n of kind @k in member @m of @T: a member of another type does not build. */
#define FIELD(T, n, k, kk, fl, m) {					\
	.name = n, .kind = k, .key = kk, .flags = fl,			\
	.off = _Generic(((T *)0)->m, CTYPE_##k: offsetof(T, m)),	\
}

#define EV(n, k, m, fl)		FIELD(struct trace_event, n, k, 0, fl, m)
#define EV_KEY(n, kk, m, fl)	FIELD(struct trace_event, n, FK_KEY, kk, fl, m)
#define EV_ICTX			EV_KEY("ictx", KEY_ICTX, ictx, FL_REQUIRED)
#define FI(n, k, m, fl)		FIELD(struct finding, n, k, 0, fl, m)
#define FI_KEY(n, kk, m)	FIELD(struct finding, n, FK_KEY, kk, 0, m)
#define TASK(T)								\
	FIELD(T, "pid", FK_PID, 0, 0, task),				\
	FIELD(T, "comm", FK_COMM, 0, 0, task),				\
	FIELD(T, "stack", FK_STACK, 0, 0, task)

const struct field ev_head[] = {
	EV("ts", FK_U64, ts, FL_REQUIRED),
	{}
};

const struct field ev_tail[] = {
	TASK(struct trace_event),
	{}
};

static const struct record events[EV_TYPE_MAX] = {
	[EV_BIND] = { "bind", (const struct field[]){
		EV_ICTX,
		EV_KEY("idev", KEY_IDEV, obj, FL_REQUIRED),
		EV("id", FK_U32, id, FL_REQUIRED),
		EV_KEY("dev", KEY_DEV, dev, 0),
		{} } },
	/* v6.17+ names the idev, kernels before only the device */
	[EV_VDEV_ALLOC] = { "vdev_alloc", (const struct field[]){
		EV_ICTX,
		EV_KEY("vdev", KEY_VDEV, obj, FL_REQUIRED),
		EV("id", FK_U32, id, FL_REQUIRED),
		EV("virt_id", FK_HEX, virt_id, FL_REQUIRED),
		EV_KEY("idev", KEY_IDEV, idev, FL_EITHER),
		EV_KEY("dev", KEY_DEV, dev, FL_EITHER),
		{} } },
	[EV_UNBIND] = { "unbind", (const struct field[]){
		EV_ICTX,
		EV_KEY("idev", KEY_IDEV, obj, FL_REQUIRED),
		{} } },
	[EV_UNBIND_DONE] = { "unbind_done", (const struct field[]){
		EV_ICTX,
		EV_KEY("idev", KEY_IDEV, obj, FL_REQUIRED),
		{} } },
	[EV_VDEV_DESTROY] = { "vdev_destroy", (const struct field[]){
		EV_ICTX,
		EV_KEY("vdev", KEY_VDEV, obj, FL_REQUIRED),
		FIELD(struct ev_note, "orphaned_ns", FK_U64, 0, FL_NOTE, orphaned_ns),
		{} } },
	[EV_OBJ_REMOVE] = { "obj_remove", (const struct field[]){
		EV_ICTX,
		EV("id", FK_U32, id, FL_REQUIRED),
		EV("ret", FK_S32, ret, FL_REQUIRED),
		{} } },
	[EV_CTX_RELEASE] = { "ctx_release", (const struct field[]){
		EV_ICTX,
		{} } },
	/* one pointer, one token: the object's is that of its type */
	[EV_OBJ_ABORT] = { "obj_abort", (const struct field[]){
		EV_ICTX,
		EV("type", FK_OBJ_TYPE, obj_type, 0),
		EV_KEY("obj", KEY_OF_TYPE, obj, FL_REQUIRED),
		{} } },
	/* from user space, which knows no context for it */
	[EV_LOST] = { "lost", (const struct field[]){
		EV("count", FK_U64, count, FL_REQUIRED),
		{} } },
};

static const struct record findings[FINDING_TYPE_MAX] = {
	[FINDING_ORPHAN] = { "orphaned_vdevice", (const struct field[]){
		FI("ts", FK_U64, ts, 0),
		FI_KEY("ictx", KEY_ICTX, ictx),
		FI_KEY("vdev", KEY_VDEV, obj),
		FI("vdev_id", FK_U32, id, 0),
		FI("virt_id", FK_HEX, virt_id, 0),
		FI_KEY("idev", KEY_IDEV, idev),
		FI("idev_id", FK_U32, idev_id, 0),
		TASK(struct finding),
		FI("test", FK_STR, test, 0),
		{} } },
	[FINDING_LEAK] = { "leaked_object", (const struct field[]){
		FI("ts", FK_U64, ts, 0),
		FI_KEY("ictx", KEY_ICTX, ictx),
		FI("type", FK_OBJ_TYPE, obj_type, 0),
		FI("id", FK_U32, id, 0),
		FI_KEY("obj", KEY_OF_TYPE, obj),
		FI("virt_id", FK_HEX, virt_id, FL_VDEV),
		FI("test", FK_STR, test, 0),
		{} } },
};

static const struct {
	const char *name;
	enum key_kind key;
} obj_types[OBJ_TYPE_MAX] = {
	[OBJ_DEVICE]	= { "device", KEY_IDEV },
	[OBJ_VDEVICE]	= { "vdevice", KEY_VDEV },
};

static const char key_prefixes[] = {
	[KEY_ICTX] = 'c', [KEY_IDEV] = 'd', [KEY_VDEV] = 'v',
	[KEY_DEV] = 'p', [KEY_FRAME] = 'f',
};

#define COUNTER(n, t, a, m)						\
	{ n, t, a, _Generic(((struct model_summary *)0)->m,		\
			    __u64: offsetof(struct model_summary, m)) }

const struct counter counters[] = {
	COUNTER("events", "events", false, events),
	COUNTER("orphans", "orphans", false, orphans),
	COUNTER("leaks", "leaks", false, leaks),
	COUNTER("untracked", "untracked", false, untracked),
	COUNTER("lost", "lost", false, lost),
	COUNTER("live", "live at end", false, live),
	COUNTER("stale", "stale", true, stale),
	COUNTER("unexpected", "unexpected", true, unexpected),
	COUNTER("unknown_events", "unknown events", true, unknown_events),
	COUNTER("removes", NULL, false, removes),
};

const size_t ncounters = sizeof(counters) / sizeof(counters[0]);

const struct record *ev_record(unsigned int type)
{
	if (type >= EV_TYPE_MAX || !events[type].name)
		return NULL;
	return &events[type];
}

unsigned int ev_type_named(const char *name)
{
	unsigned int t;

	for (t = 0; t < EV_TYPE_MAX; t++)
		if (events[t].name && !strcmp(events[t].name, name))
			return t;
	return 0;
}

const struct record *finding_record(enum finding_type type)
{
	return &findings[type];
}

enum finding_type finding_type_named(const char *name)
{
	enum finding_type t;

	for (t = 0; t < FINDING_TYPE_MAX; t++)
		if (!strcmp(findings[t].name, name))
			break;
	return t;
}

const char *obj_type_name(enum obj_type type)
{
	return obj_types[type].name;
}

enum obj_type obj_type_named(const char *name)
{
	enum obj_type t;

	for (t = 1; t < OBJ_TYPE_MAX; t++)
		if (!strcmp(obj_types[t].name, name))
			return t;
	return 0;
}

enum key_kind obj_type_key(enum obj_type type)
{
	return obj_types[type].key;
}

char key_prefix(enum key_kind kind)
{
	return key_prefixes[kind];
}
