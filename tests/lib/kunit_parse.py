# SPDX-License-Identifier: GPL-2.0
"""KTAP through the kernel's own parser: tools/testing/kunit/kunit.py parse."""
import json
import os
import subprocess
import tempfile

# Where kernel/lib/common.sh keeps the x86_64 kernel tree, unless told.
CACHE = os.environ.get("IOMMUFD_TRACE_CACHE") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
    "iommufd-trace")
KUNIT_PY = os.environ.get("KUNIT_PY") or os.path.join(
    CACHE, "tree/linux-source-7.3/tools/testing/kunit/kunit.py")


def kunit_parse(text):
    """kunit.py's JSON of KTAP @text ("test_cases", "misc" with "errors"),
    or None when kunit.py is not there."""
    if not os.path.exists(KUNIT_PY):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        src, out = os.path.join(tmp, "in.ktap"), os.path.join(tmp, "out.json")
        with open(src, "w") as f:
            f.write(text)
        # Exits 1 when a test failed: the JSON says what.
        subprocess.run(["python3", KUNIT_PY, "parse", src, "--json=" + out],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
        with open(out) as f:
            return json.load(f)
