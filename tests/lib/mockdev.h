/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The iommufd selftest mock device, driven from test programs that run in
 * the test VM (tests/bench/workload.c, tests/e2e/neighbour.c and
 * handover.c).  Each call is one ioctl on context @fd; 0 or -1 with errno
 * set.
 */
#ifndef MOCKDEV_H
#define MOCKDEV_H

#include <linux/types.h>

int mock_ioas(int fd, __u32 *ioas_id);
/* A mock device bound to the context (an idev), attached to @ioas_id. */
int mock_bind(int fd, __u32 ioas_id, __u32 *stdev_id, __u32 *idev_id);
int mock_nest_parent(int fd, __u32 idev_id, __u32 ioas_id, __u32 *hwpt_id);
int mock_viommu(int fd, __u32 idev_id, __u32 hwpt_id, __u32 *viommu_id);
int mock_vdevice(int fd, __u32 viommu_id, __u32 idev_id, __u64 virt_id,
		 __u32 *vdev_id);
int mock_destroy(int fd, __u32 id);
/*
 * All of the above for one vdevice: an IOAS, a mock device bound to it,
 * a nesting parent, a vIOMMU and the vdevice (@virt_id); the mock
 * device's id in *@stdev_id.  On failure errno is set and *@what names
 * the step.
 */
int mock_pair(int fd, __u64 virt_id, __u32 *stdev_id, const char **what);

#endif /* MOCKDEV_H */
