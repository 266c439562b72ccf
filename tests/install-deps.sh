#!/bin/sh
# Installs what building and testing iommufd-trace needs, from Debian.
# --check: only say what is missing (exit 1 if anything is).
# --bench: also what make bench needs.
# libclang-rt-dev: clang's libFuzzer and sanitizers, for make fuzz.
# The arm64 build (make ARCH=arm64, kernel/vm --arch arm64) needs Debian's
# cross compiler, the arm64 multiarch static libraries (so the arm64
# architecture is added to dpkg; no apt source is added) and
# qemu-system-arm. Its busybox comes with kernel/vm (lib/common.sh).
PACKAGES="make gcc libc6-dev clang llvm libclang-rt-dev bpftool libbpf-dev libelf-dev zlib1g-dev
libjansson-dev dwarves flex bison bc cpio xz-utils libssl-dev libcap-dev
busybox-static qemu-system-x86 python3 file util-linux time kmod
gcc-aarch64-linux-gnu libc6-dev-arm64-cross libbpf-dev:arm64 libelf-dev:arm64
zlib1g-dev:arm64 libjansson-dev:arm64 libcap-dev:arm64 qemu-system-arm"
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
case "$missing" in
*:arm64*)
	dpkg --print-foreign-architectures | grep -qx arm64 ||
		dpkg --add-architecture arm64 || exit 1 ;;
esac
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq &&
	# shellcheck disable=SC2086 # one word per package
	apt-get install -y -qq --no-install-recommends $missing
