#!/bin/sh
# Runs in the test VM for make demo: one vdevice's life traced in full,
# then the whole iommufd selftest with findings only.
tomb=iommufd_viommu.mock_viommu.vdevice_tombstone

echo "# iommufd-trace check -- iommufd -r $tomb"
iommufd-trace check -o /tmp/tomb.txt -- iommufd -r "$tomb" > /tmp/tomb.out 2>&1
tomb_status=$?
cat /tmp/tomb.txt
grep -E '^(ok|not ok) ' /tmp/tomb.out
echo "(exit status $tomb_status)"
echo
echo "# iommufd-trace check --no-events -- iommufd   (all ~250 cases)"
iommufd-trace check --no-events -o /tmp/all.txt -- iommufd > /tmp/all.out 2>&1
all_status=$?
echo "findings: $(grep -c '^FINDING orphaned_vdevice' /tmp/all.txt) orphaned_vdevice, $(grep -c '^FINDING leaked_object' /tmp/all.txt) leaked_object"
grep -E '^(summary|verdict):' /tmp/all.txt
grep -E '^# Totals' /tmp/all.out
echo "(exit status $all_status)"
echo "@@DEMO tomb=$tomb_status all=$all_status"
