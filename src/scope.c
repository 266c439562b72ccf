// SPDX-License-Identifier: GPL-2.0
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "iommufd_trace.skel.h"
#include "probes.h"
#include "scope.h"

/* By a program, which sees the kernel's pid whatever our pid namespace. */
int scope_add_self(const struct tracer *t)
{
	return tracer_run(t->skel->progs.scope_self);
}

int scope_add_ctx(const struct tracer *t, __u64 ictx)
{
	__u8 yes = 1;

	return bpf_map__update_elem(t->skel->maps.scope_ctxs, &ictx, sizeof(ictx),
				    &yes, sizeof(yes), BPF_ANY);
}

bool scope_ctxs_open(const struct tracer *t)
{
	__u64 key;

	return !bpf_map__get_next_key(t->skel->maps.scope_ctxs, NULL, &key,
				      sizeof(key));
}
