#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Our KTAP report through the kernel's own parser (kunit.py parse, from
# the test kernels' source tree): a sample report from test_ktap.
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
build/unit/test_ktap --sample "$tmp/report.ktap" || { echo "FAIL ktap_kunit: no sample"; exit 1; }
python3 - "$tmp/report.ktap" <<'PY'
import sys
sys.path.insert(0, "tests/lib")
from kunit_parse import kunit_parse, KUNIT_PY

TOMB = "iommufd_viommu.mock_viommu.vdevice_tombstone"
got = kunit_parse(open(sys.argv[1]).read())
if got is None:
    print(f"skipped ktap_kunit: no {KUNIT_PY} (not counted)")
    sys.exit(0)
cases = {c["name"]: c["status"] for c in got["test_cases"]}
want = {"iommufd.simple_close": "PASS", TOMB: "FAIL",
        "iommufd_viommu.no_viommu.vdevice_tombstone": "SKIP",
        "iommufd_viommu.mock_viommu.vdevice_cache": "FAIL"}
if got["misc"]["errors"] == 0 and cases == want:
    print("ok ktap_kunit")
else:
    print(f"FAIL ktap_kunit: {got['misc']} {cases}")
    sys.exit(1)
PY
