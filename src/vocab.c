// SPDX-License-Identifier: GPL-2.0
/* Every event type: its name and its fields (vocab.h). */
#include <string.h>

#include "vocab.h"

/* The type of the member behind each kind of field (checked below). */
#define CTYPE_FK_KEY		__u64
#define CTYPE_FK_U32		__u32
#define CTYPE_FK_S32		__s32
#define CTYPE_FK_U64		__u64
#define CTYPE_FK_HEX		__u64
#define CTYPE_FK_PID		struct task
#define CTYPE_FK_COMM		struct task
#define CTYPE_FK_STACK		struct task

/* Field @n of kind @k in member @m of @T: a member of another type does not build. */
#define FIELD(T, n, k, kk, fl, m) {					\
	.name = n, .kind = k, .key = kk, .flags = fl,			\
	.off = _Generic(((T *)0)->m, CTYPE_##k: offsetof(T, m)),	\
}

#define EV(n, k, m, fl)		FIELD(struct trace_event, n, k, 0, fl, m)
#define EV_KEY(n, kk, m, fl)	FIELD(struct trace_event, n, FK_KEY, kk, fl, m)
#define EV_ICTX			EV_KEY("ictx", KEY_ICTX, ictx, FL_REQUIRED)
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
	[EV_OBJ_ABORT] = { "obj_abort", (const struct field[]){
		EV_ICTX,
		EV_KEY("obj", KEY_OBJ, obj, FL_REQUIRED),
		{} } },
	/* from user space, which knows no context for it */
	[EV_LOST] = { "lost", (const struct field[]){
		EV("count", FK_U64, count, FL_REQUIRED),
		{} } },
};

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
