/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an iommufd object is and what it holds, read with CO-RE: shared by
 * the tracer (iommufd_trace.bpf.c) and the snapshot iterator (ps.bpf.c).
 * Types and fields a kernel lacks are checked when the programs load,
 * never by kernel version: vEVENTQ came in v6.15, HW_QUEUE in v6.17, and
 * the vdevice changed shape in v6.17 (idev + virt_id instead of dev + id).
 */
#ifndef OBJECTS_BPF_H
#define OBJECTS_BPF_H

#include "iommufd_trace.h"

/* v6.13-v6.16: the vdevice holds the struct device and calls its ID id */
struct iommufd_vdevice___old {
	struct device *dev;
	u64 id;
} __attribute__((preserve_access_index));

#define KTYPE(t)	bpf_core_enum_value(enum iommufd_object_type, IOMMUFD_OBJ_##t)
#define KTYPE_HAS(t)	bpf_core_enum_value_exists(enum iommufd_object_type, IOMMUFD_OBJ_##t)

/* The enum obj_type of the kernel's object type @t, 0 for one the tool does not follow. */
static __always_inline int obj_type_from(int t)
{
	/* The types of the hot path first. */
	if (t == KTYPE(VDEVICE))
		return OBJ_VDEVICE;
	if (t == KTYPE(DEVICE))
		return OBJ_DEVICE;
	if (t == KTYPE(IOAS))
		return OBJ_IOAS;
	if (t == KTYPE(HWPT_PAGING))
		return OBJ_HWPT_PAGING;
	if (t == KTYPE(HWPT_NESTED))
		return OBJ_HWPT_NESTED;
	if (t == KTYPE(VIOMMU))
		return OBJ_VIOMMU;
	if (KTYPE_HAS(VEVENTQ) && t == KTYPE(VEVENTQ))
		return OBJ_VEVENTQ;
	if (KTYPE_HAS(HW_QUEUE) && t == KTYPE(HW_QUEUE))
		return OBJ_HW_QUEUE;
	if (t == KTYPE(FAULT))
		return OBJ_FAULT;
	if (t == KTYPE(ACCESS))
		return OBJ_ACCESS;
	return 0;
}

static __always_inline int obj_type_of(struct iommufd_object *obj)
{
	return obj_type_from(BPF_CORE_READ(obj, type));
}

/* The objects an object holds a users reference on, with their types (of a NULL one: meaningless). */
struct obj_refs {
	__u64 p[OBJ_PARENTS];
	__u8 t[OBJ_PARENTS];
};

/* The type goes in whether @p is NULL or not: a branch here would double the verifier's paths. */
static __always_inline void ref_set(struct obj_refs *r, int i, void *p, int type)
{
	r->p[i] = (__u64)p;
	r->t[i] = type;
}

/* The fault queue of a hwpt (v6.11+), in slot 1. */
static __always_inline void hwpt_fault(struct iommufd_hw_pagetable *hwpt,
				       struct obj_refs *r)
{
	if (bpf_core_field_exists(hwpt->fault))
		ref_set(r, 1, BPF_CORE_READ(hwpt, fault), OBJ_FAULT);
}

/*
 * What @obj, of enum obj_type @type, holds.  A vdevice: its viommu, then
 * its idev (v6.17+).  An access: the ioas it is attached to, which changes
 * with attach and detach (the snapshot shows it; the model keeps no edge).
 */
static __always_inline void obj_refs_of(struct iommufd_object *obj, int type,
					struct obj_refs *r)
{
	r->p[0] = r->p[1] = 0;
	r->t[0] = r->t[1] = 0;
	if (type == OBJ_VDEVICE) {
		struct iommufd_vdevice *v = (void *)obj;

		ref_set(r, 0, BPF_CORE_READ(v, viommu), OBJ_VIOMMU);
		if (bpf_core_field_exists(v->idev))
			ref_set(r, 1, BPF_CORE_READ(v, idev), OBJ_DEVICE);
	} else if (type == OBJ_HWPT_PAGING) {
		struct iommufd_hwpt_paging *h = (void *)obj;

		ref_set(r, 0, BPF_CORE_READ(h, ioas), OBJ_IOAS);
		hwpt_fault((void *)obj, r);
	} else if (type == OBJ_HWPT_NESTED) {
		struct iommufd_hwpt_nested *h = (void *)obj;
		struct iommufd_viommu *v = BPF_CORE_READ(h, viommu);

		/* Made on a viommu, it holds that, not the viommu's parent. */
		if (v)
			ref_set(r, 0, v, OBJ_VIOMMU);
		else
			ref_set(r, 0, BPF_CORE_READ(h, parent), OBJ_HWPT_PAGING);
		hwpt_fault((void *)obj, r);
	} else if (type == OBJ_VIOMMU) {
		struct iommufd_viommu *v = (void *)obj;

		ref_set(r, 0, BPF_CORE_READ(v, hwpt), OBJ_HWPT_PAGING);
	} else if (type == OBJ_VEVENTQ) {
		if (bpf_core_type_exists(struct iommufd_veventq)) {
			struct iommufd_veventq *q = (void *)obj;

			ref_set(r, 0, BPF_CORE_READ(q, viommu), OBJ_VIOMMU);
		}
	} else if (type == OBJ_HW_QUEUE) {
		if (bpf_core_type_exists(struct iommufd_hw_queue)) {
			struct iommufd_hw_queue *q = (void *)obj;

			ref_set(r, 0, BPF_CORE_READ(q, viommu), OBJ_VIOMMU);
			if (bpf_core_field_exists(q->access))
				ref_set(r, 1, BPF_CORE_READ(q, access), OBJ_ACCESS);
		}
	} else if (type == OBJ_ACCESS) {
		struct iommufd_access *a = (void *)obj;

		ref_set(r, 0, BPF_CORE_READ(a, ioas), OBJ_IOAS);
	}
}

/* A vdevice's struct device and virtual ID, in either shape; @idev from obj_refs_of(). */
static __always_inline void vdev_ids(struct iommufd_vdevice *vdev, __u64 idev,
				     __u64 *dev, __u64 *virt_id)
{
	struct iommufd_vdevice___old *old = (void *)vdev;

	if (bpf_core_field_exists(vdev->idev))
		*dev = (__u64)BPF_CORE_READ((struct iommufd_device *)idev, dev);
	else
		*dev = (__u64)BPF_CORE_READ(old, dev);
	if (bpf_core_field_exists(vdev->virt_id))
		*virt_id = BPF_CORE_READ(vdev, virt_id);
	else
		*virt_id = BPF_CORE_READ(old, id);
}

#endif /* OBJECTS_BPF_H */
