/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A deterministic stream of trace events for the host benchmarks: exactly
 * @events events in which the devices and vdevices alive grow to @peak and
 * drain to none, and which the model judges clean.
 *
 * Each device (idev) is bound to one of a few contexts; four in five get a
 * vdevice, which names its idev (v6.17+) or, if @by_dev, only its device
 * (before v6.17).  Teardown picks a random live
 * device: vdev_destroy, obj_remove of the vdevice, unbind (with a stack),
 * unbind_done.  Spread over the run: vdevice re-creations, short-lived
 * devices, obj_remove that fail with -ENOENT.  Every context is released
 * at the end.  Keys are kernel-like pointers, reused like slab memory.
 */
#ifndef TRACE_MIX_H
#define TRACE_MIX_H

#include "trace_event.h"

#define MIX_STACKS	4	/* unbind stacks: handles are their irefs */

struct mix;

/* NULL with errno EINVAL when @events is too few to reach @peak, or ENOMEM. */
struct mix *mix_new(__u64 events, __u64 peak, __u64 seed, bool by_dev);
/* The next event into @ev; false after the last one. */
bool mix_next(struct mix *m, struct trace_event *ev);
void mix_free(struct mix *m);

/* @s as a number, or exits 2 saying which @what of @prog is bad. */
__u64 mix_number(const char *prog, const char *s, const char *what);

#endif /* TRACE_MIX_H */
