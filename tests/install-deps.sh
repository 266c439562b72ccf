#!/bin/sh
# Installs what building and testing iommufd-trace needs, from Debian.
# --check: only say what is missing (exit 1 if anything is).
# --bench: also what make bench needs.
PACKAGES="make gcc libc6-dev clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev
libjansson-dev dwarves flex bison bc cpio xz-utils libssl-dev libcap-dev
busybox-static qemu-system-x86 python3 file util-linux time"
if [ "${1:-}" = --bench ]; then
	PACKAGES="$PACKAGES bpftrace"
	shift
fi

missing=
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -n "$missing" ] || exit 0
if [ "${1:-}" = --check ]; then
	echo "missing packages:$missing" >&2
	echo "install them with: sudo tests/install-deps.sh" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "missing packages:$missing; run: sudo $0" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq &&
	# shellcheck disable=SC2086 # one word per package
	apt-get install -y -qq --no-install-recommends $missing
