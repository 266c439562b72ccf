# Shared settings of the kernel scripts: sourced, not run.

# The one kernel source the test kernels are built from (Debian trixie-backports).
KSRC_PKG=linux-source-7.3
KSRC_VERSION=7.3.4-1~bpo13+1
KSRC_SHA256=703e369ddd4cce971452f5a593ee55df3a5c10c83caf0fa0df039633ed181ee3
KSRC_TARBALL=usr/src/linux-source-7.3.tar.xz
KSRC_DIR=linux-source-7.3
KSRC_APT_LINE="deb http://deb.debian.org/debian trixie-backports main"

KERNEL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROJECT_DIR=$(dirname "$KERNEL_DIR")
VARIANTS="upstream unfixed patched"
ARCHES="x86_64 arm64"

# Builds live outside the checkout so that clones share them.
CACHE_DIR=${IOMMUFD_TRACE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iommufd-trace}

# set_arch ARCH: what differs between the architectures of the test
# kernels, as variables the other scripts use:
#   KARCH         ARCH= of the kernel's make, and of --arch
#   CROSS_COMPILE the cross toolchain's prefix (none for x86_64)
#   KTARGETS      what make builds; KIMAGE is the kernel image among them
#   ARCH_CACHE    where its work tree and kernels are cached
#   CONFIGS       config fragments, merged in this order onto tinyconfig
#   BUSYBOX       the static busybox of the initramfs; BUSYBOX_DEB, if
#                 set, the .deb it comes from: PKG VERSION ARCH SHA256 APT_LINE
#   GUEST_BIN_DIR the project's binaries for the guest (make ARCH=...)
#   QEMU, QEMU_MACHINE, QEMU_CPU_TCG, CONSOLE: the VM and its kernel log
#   QEMU_TCG      -accel options when there is no KVM (IOMMUFD_TRACE_TCG
#                 overrides them, e.g. tcg for multi-threaded x86)
#   CHANNELS      how the command's output and status leave the VM:
#                 serial (2nd and 3rd UART) or virtio (virtio-serial ports)
#   KVM_ARCH      the host (uname -m) where KVM can run it
set_arch() {
	case "$1" in
	x86_64)
		CROSS_COMPILE=
		KTARGETS=(bzImage)
		KIMAGE=arch/x86/boot/bzImage
		ARCH_CACHE=$CACHE_DIR
		BUSYBOX=/bin/busybox	# busybox-static (tests/install-deps.sh)
		BUSYBOX_DEB=()
		GUEST_BIN_DIR=$PROJECT_DIR/build/guest
		QEMU=qemu-system-x86_64
		QEMU_MACHINE=q35
		QEMU_CPU_TCG=max
		# One host thread for both vCPUs: under multi-threaded TCG, an
		# x86 guest that patches code another vCPU runs (ftrace, BPF
		# trampolines, static keys) crashes now and then, on any
		# kernel (kernel/README.md, "Attaching under load").
		QEMU_TCG=tcg,thread=single
		CONSOLE=ttyS0
		CHANNELS=serial
		KVM_ARCH=x86_64
		;;
	arm64)
		CROSS_COMPILE=aarch64-linux-gnu-
		KTARGETS=(Image modules)
		KIMAGE=arch/arm64/boot/Image
		ARCH_CACHE=$CACHE_DIR/arm64
		# busybox-static:arm64 cannot be installed beside the amd64
		# one: bookworm's .deb is unpacked into the cache.
		BUSYBOX_DEB=(busybox-static 1:1.35.0-4+deb12u1+b1 arm64
			732c9135564fc71337e0e05fb4da4d11e6c28c1834bce3e405e575afef2a52f5
			"deb http://deb.debian.org/debian bookworm main")
		BUSYBOX=$ARCH_CACHE/busybox-${BUSYBOX_DEB[1]#*:}
		GUEST_BIN_DIR=$PROJECT_DIR/build/arm64/guest
		QEMU=qemu-system-aarch64
		QEMU_MACHINE=virt,gic-version=3
		# Implementation-defined pointer authentication: the
		# architected QARMA costs TCG dearly.
		QEMU_CPU_TCG=max,pauth-impdef=on
		# arm64 patches kernel text under stop_machine(): one host
		# thread per vCPU is safe there.
		QEMU_TCG=tcg
		CONSOLE=ttyAMA0
		CHANNELS=virtio
		KVM_ARCH=aarch64
		;;
	*) die "unknown architecture '$1' (known: $ARCHES)" ;;
	esac
	KARCH=$1
	# The make arguments that select it, for the kernel and the selftests.
	KMAKE_ARCH=(ARCH="$KARCH" ${CROSS_COMPILE:+CROSS_COMPILE=$CROSS_COMPILE})
	CONFIGS=("$KERNEL_DIR/config/common.config"
		 "$KERNEL_DIR/config/$KARCH.config")
}

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { log "error: $*"; exit 2; }

check_variant() {
	case " $VARIANTS " in
	*" $1 "*) ;;
	*) die "unknown kernel variant '$1' (known: $VARIANTS)" ;;
	esac
}

# Patches of a variant, in the order they apply: fixes to the test
# harness that every variant needs (common/), then the variant's own.
variant_patches() {
	local dir
	for dir in common "$1"; do
		find "$KERNEL_DIR/patches/$dir" -maxdepth 1 -name '*.patch' |
			LC_ALL=C sort
	done
}

# Everything a variant's build depends on; a change to any of it rebuilds.
variant_key() {
	local p
	{
		echo "$KSRC_PKG $KSRC_VERSION $KSRC_SHA256"
		echo "$KARCH ${KMAKE_ARCH[*]} ${KTARGETS[*]} $KIMAGE"
		cat "${CONFIGS[@]}" \
		    "$KERNEL_DIR/lib/build.sh" "$KERNEL_DIR/lib/selftests.sh"
		for p in $(variant_patches "$1"); do
			echo "${p##*/}"
			cat "$p"
		done
	} | sha256sum | cut -c1-16
}

variant_dir() {
	echo "$ARCH_CACHE/kernels/$1-$(variant_key "$1")"
}

set_arch x86_64
