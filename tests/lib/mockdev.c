// SPDX-License-Identifier: GPL-2.0
#include <sys/ioctl.h>

#include <linux/iommufd.h>
#include "iommufd_test.h"
#include "mockdev.h"

int mock_ioas(int fd, __u32 *ioas_id)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };

	if (ioctl(fd, IOMMU_IOAS_ALLOC, &cmd))
		return -1;
	*ioas_id = cmd.out_ioas_id;
	return 0;
}

int mock_bind(int fd, __u32 ioas_id, __u32 *stdev_id, __u32 *idev_id)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN,
		.id = ioas_id,
	};

	if (ioctl(fd, IOMMU_TEST_CMD, &cmd))
		return -1;
	*stdev_id = cmd.mock_domain.out_stdev_id;
	*idev_id = cmd.mock_domain.out_idev_id;
	return 0;
}

int mock_nest_parent(int fd, __u32 idev_id, __u32 ioas_id, __u32 *hwpt_id)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
		.dev_id = idev_id,
		.pt_id = ioas_id,
		.data_type = IOMMU_HWPT_DATA_NONE,
	};

	if (ioctl(fd, IOMMU_HWPT_ALLOC, &cmd))
		return -1;
	*hwpt_id = cmd.out_hwpt_id;
	return 0;
}

int mock_viommu(int fd, __u32 idev_id, __u32 hwpt_id, __u32 *viommu_id)
{
	struct iommu_viommu_alloc cmd = {
		.size = sizeof(cmd),
		.type = IOMMU_VIOMMU_TYPE_SELFTEST,
		.dev_id = idev_id,
		.hwpt_id = hwpt_id,
	};

	if (ioctl(fd, IOMMU_VIOMMU_ALLOC, &cmd))
		return -1;
	*viommu_id = cmd.out_viommu_id;
	return 0;
}

int mock_vdevice(int fd, __u32 viommu_id, __u32 idev_id, __u64 virt_id,
		 __u32 *vdev_id)
{
	struct iommu_vdevice_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu_id,
		.dev_id = idev_id,
		.virt_id = virt_id,
	};

	if (ioctl(fd, IOMMU_VDEVICE_ALLOC, &cmd))
		return -1;
	*vdev_id = cmd.out_vdevice_id;
	return 0;
}

int mock_destroy(int fd, __u32 id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return ioctl(fd, IOMMU_DESTROY, &cmd);
}

int mock_pair(int fd, __u64 virt_id, __u32 *stdev_id, const char **what)
{
	__u32 ioas, idev, hwpt, viommu, vdev;

	*what = "IOMMU_IOAS_ALLOC";
	if (mock_ioas(fd, &ioas))
		return -1;
	*what = "IOMMU_TEST_OP_MOCK_DOMAIN";
	if (mock_bind(fd, ioas, stdev_id, &idev))
		return -1;
	*what = "IOMMU_HWPT_ALLOC";
	if (mock_nest_parent(fd, idev, ioas, &hwpt))
		return -1;
	*what = "IOMMU_VIOMMU_ALLOC";
	if (mock_viommu(fd, idev, hwpt, &viommu))
		return -1;
	*what = "IOMMU_VDEVICE_ALLOC";
	return mock_vdevice(fd, viommu, idev, virt_id, &vdev);
}
