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
 * {"ev":"obj_new","ts":9,"ictx":"c1","obj":"o2","id":4,"type":"hwpt_paging",
 *  "parents":["o1"]}
 * {"ev":"obj_free","ts":10,"ictx":"c1","obj":"o2","type":"hwpt_paging"}
 *	(no "ictx" when the object was not known)
 * {"ev":"seen","ts":1,"ictx":"c1","obj":"v1","id":3,"type":"vdevice",
 *  "users":1,"parents":["o3"],"idev":"d1","dev":"p1","virt_id":153}
 *	(an object found by the snapshot at start; "idev" and "virt_id" of
 *	 vdevices, "dev" of devices and vdevices)
 * {"ev":"snapshot","ts":2,"status":"taken","contexts":1,"objects":5}
 *	any event: "pid":N,"comm":"s","stack":["frame",...]
 * {"finding":"orphaned_vdevice","ts":..,"ictx":..,"vdev":..,"vdev_id":3,
 *  "virt_id":153,"idev":..,"idev_id":1,"pid":..,"comm":..,"stack":[...]}
 *	(found in a snapshot: "in_snapshot":1, no idev; pid and comm of the
 *	 context's owner)
 * {"finding":"outlived_parent","ts":..,"ictx":..,"type":"viommu","id":5,
 *  "obj":..,"parent_type":"hwpt_paging","parent_id":4,"parent":..}
 * {"finding":"leaked_object","ts":..,"ictx":..,"type":"vdevice"|"device"|...,
 *  "id":..,"obj":..}	(+ "virt_id" for a vdevice)
 *	any finding: "test":"NAME", the test of check's command it belongs to
 * {"summary":{"events":N,"orphans":N,"outlived":N,"leaks":N,"untracked":N,
 *  "at_start":N,"lost":N,"live":N,"stale":N,"unexpected":N,
 *  "unknown_events":N,"removes":N,"objects":{"device":N,...},
 *  "snapshot":"taken"|...,"contexts":N,
 *  "verdict":"clean"|"findings"|"inconclusive"}}
 *	(last line; replay checks that a recording's findings and summary
 *	 are those its events give: a line is one of event, finding or summary)
 *
 * ps --json: a line per object, then findings and the summary:
 * {"object":"vdevice","ictx":..,"id":3,"obj":..,"users":1,"pid":..,
 *  "comm":..,"virt_id":153,"parents":[..],"idev":..,"dev":..}
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
#define CTYPE_FK_PARENTS	__u64 *		/* an array, as _Generic sees it */
#define CTYPE_FK_SNAP		enum snap_status
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
/* An object of any type: where, which, what */
#define EV_OBJECT							\
	EV_ICTX,							\
	EV_KEY("obj", KEY_OF_TYPE, obj, FL_REQUIRED),			\
	EV("id", FK_U32, id, FL_REQUIRED),				\
	EV("type", FK_OBJ_TYPE, obj_type, FL_REQUIRED)
#define FI(n, k, m, fl)		FIELD(struct finding, n, k, 0, fl, m)
#define FI_KEY(n, kk, m)	FIELD(struct finding, n, FK_KEY, kk, 0, m)
/* The object of a finding about any type */
#define FI_OBJECT							\
	FI("ts", FK_U64, ts, 0),					\
	FI_KEY("ictx", KEY_ICTX, ictx),					\
	FI("type", FK_OBJ_TYPE, obj_type, 0),				\
	FI("id", FK_U32, id, 0),					\
	FI_KEY("obj", KEY_OF_TYPE, obj),				\
	FI("virt_id", FK_HEX, virt_id, FL_VDEV)
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
		EV_KEY("viommu", KEY_OBJ, parents[0], 0),
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
	[EV_OBJ_NEW] = { "obj_new", (const struct field[]){
		EV_OBJECT,
		EV("parents", FK_PARENTS, parents, 0),
		{} } },
	/* the model adds the context, if it knows the object */
	[EV_OBJ_FREE] = { "obj_free", (const struct field[]){
		EV_KEY("ictx", KEY_ICTX, ictx, 0),
		EV_KEY("obj", KEY_OF_TYPE, obj, FL_REQUIRED),
		EV("type", FK_OBJ_TYPE, obj_type, FL_REQUIRED),
		{} } },
	[EV_SEEN] = { "seen", (const struct field[]){
		EV_OBJECT,
		EV("users", FK_U32, users, 0),
		EV("parents", FK_PARENTS, parents, 0),
		EV_KEY("idev", KEY_IDEV, idev, 0),
		EV_KEY("dev", KEY_DEV, dev, 0),
		EV("virt_id", FK_HEX, virt_id, FL_VDEV),
		{} } },
	[EV_SNAPSHOT] = { "snapshot", (const struct field[]){
		EV("status", FK_SNAP, snap, FL_REQUIRED),
		EV("contexts", FK_U32, contexts, 0),
		EV("objects", FK_U64, count, 0),
		{} } },
};

/* The fields of an EV_SEEN that `ps` shows of an object. */
const struct field object_fields[] = {
	EV_KEY("ictx", KEY_ICTX, ictx, FL_CONTEXT),
	EV("id", FK_U32, id, 0),
	EV_KEY("obj", KEY_OF_TYPE, obj, 0),
	EV("users", FK_U32, users, 0),
	FIELD(struct trace_event, "pid", FK_PID, 0, FL_CONTEXT, task),
	FIELD(struct trace_event, "comm", FK_COMM, 0, FL_CONTEXT, task),
	EV("virt_id", FK_HEX, virt_id, FL_VDEV),
	EV("parents", FK_PARENTS, parents, 0),
	EV_KEY("idev", KEY_IDEV, idev, 0),
	EV_KEY("dev", KEY_DEV, dev, 0),
	{}
};

static const struct record findings[FINDING_TYPE_MAX] = {
	[FINDING_ORPHAN] = { "orphaned_vdevice", (const struct field[]){
		FI("ts", FK_U64, ts, 0),
		FI_KEY("ictx", KEY_ICTX, ictx),
		FI_KEY("vdev", KEY_VDEV, obj),
		FI("vdev_id", FK_U32, id, 0),
		FI("virt_id", FK_HEX, virt_id, 0),
		FI_KEY("idev", KEY_IDEV, idev),
		FI("idev_id", FK_U32, idev_id, FL_NONZERO),
		FI("in_snapshot", FK_U32, in_snapshot, FL_NONZERO),
		TASK(struct finding),
		FI("test", FK_STR, test, 0),
		{} } },
	[FINDING_LEAK] = { "leaked_object", (const struct field[]){
		FI_OBJECT,
		FI("test", FK_STR, test, 0),
		{} } },
	[FINDING_OUTLIVED] = { "outlived_parent", (const struct field[]){
		FI_OBJECT,
		FI("parent_type", FK_OBJ_TYPE, parent_type, 0),
		FI("parent_id", FK_U32, parent_id, 0),
		FI_KEY("parent", KEY_OF_PARENT, parent),
		FI("test", FK_STR, test, 0),
		{} } },
};

static const struct {
	const char *name;
	enum key_kind key;
} obj_types[OBJ_TYPE_MAX] = {
	[OBJ_DEVICE]		= { "device", KEY_IDEV },
	[OBJ_VDEVICE]		= { "vdevice", KEY_VDEV },
	[OBJ_IOAS]		= { "ioas", KEY_OBJ },
	[OBJ_HWPT_PAGING]	= { "hwpt_paging", KEY_OBJ },
	[OBJ_HWPT_NESTED]	= { "hwpt_nested", KEY_OBJ },
	[OBJ_VIOMMU]		= { "viommu", KEY_OBJ },
	[OBJ_VEVENTQ]		= { "veventq", KEY_OBJ },
	[OBJ_HW_QUEUE]		= { "hw_queue", KEY_OBJ },
	[OBJ_FAULT]		= { "fault", KEY_OBJ },
	[OBJ_ACCESS]		= { "access", KEY_OBJ },
};

static const struct {
	const char *name;
	const char *text;
} snap_statuses[SNAP_STATUS_MAX] = {
	[SNAP_NONE]		= { "none", "none in this trace" },
	[SNAP_TAKEN]		= { "taken", "taken" },
	[SNAP_NO_SYMBOL]	= { "no_symbol", "not taken: iommufd_fops_release is not in /proc/kallsyms" },
	[SNAP_NO_ITERATOR]	= { "no_iterator", "not taken: the BPF task_file iterator does not load" },
	[SNAP_FAILED]		= { "failed", "not taken: reading it failed" },
	[SNAP_NOT_NEEDED]	= { "not_needed", "not taken: check's command and its contexts came after the tracer" },
};

static const char key_prefixes[] = {
	[KEY_ICTX] = 'c', [KEY_IDEV] = 'd', [KEY_VDEV] = 'v',
	[KEY_OBJ] = 'o', [KEY_DEV] = 'p', [KEY_FRAME] = 'f',
};

#define COUNTER(n, t, a, m)						\
	{ n, t, a, _Generic(((struct model_summary *)0)->m,		\
			    __u64: offsetof(struct model_summary, m)) }

const struct counter counters[] = {
	COUNTER("events", "events", false, events),
	COUNTER("orphans", "orphans", false, orphans),
	COUNTER("outlived", "outlived parents", false, outlived),
	COUNTER("leaks", "leaks", false, leaks),
	COUNTER("untracked", "untracked", false, untracked),
	COUNTER("at_start", "found at start", false, at_start),
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
	return type < OBJ_TYPE_MAX && obj_types[type].name ? obj_types[type].name : "?";
}

enum obj_type obj_type_named(const char *name)
{
	unsigned int t;

	for (t = 1; t < OBJ_TYPE_MAX; t++)
		if (!strcmp(obj_types[t].name, name))
			return t;
	return 0;
}

enum key_kind obj_type_key(enum obj_type type)
{
	return type && type < OBJ_TYPE_MAX ? obj_types[type].key : KEY_OBJ;
}

char key_prefix(enum key_kind kind)
{
	return key_prefixes[kind];
}

const char *snap_status_name(enum snap_status status)
{
	return snap_statuses[status].name;
}

enum snap_status snap_status_named(const char *name)
{
	unsigned int s;

	for (s = 0; s < SNAP_STATUS_MAX; s++)
		if (!strcmp(snap_statuses[s].name, name))
			return s;
	return SNAP_STATUS_MAX;
}

const char *snap_status_text(enum snap_status status)
{
	return snap_statuses[status].text;
}
