#!/usr/bin/env bash
# Boots one of Debian's own x86_64 kernels (no iommufd, built with -O2 and
# CPU mitigations, so its functions are aligned) in the same QEMU as the
# test kernels, with the same busybox initramfs, and runs CMD in it: to
# tell what our test kernels do from what the emulator does
# (kernel/README.md, "Attaching under load").
#   kernel/repro/distro-kernel.sh 7.3.4|6.16.12 [--add PATH]... -- CMD...
# IOMMUFD_TRACE_TCG=tcg runs it on multi-threaded TCG.
set -euo pipefail
shopt -s inherit_errexit
. "$(dirname "$0")/../lib/common.sh"
. "$KERNEL_DIR/lib/source.sh"
. "$KERNEL_DIR/lib/initramfs.sh"
. "$KERNEL_DIR/lib/qemu.sh"

# Version: package, its version, sha256, the vmlinuz inside.
declare -A DISTRO=(
	[7.3.4]="linux-binary-7.3.4+deb13-amd64 7.3.4-1~bpo13+1 7e3248d03a84dcdda88c567aa8c4038f2e7795d2dd167b112c56f8901b6f513f ./usr/lib/modules/7.3.4+deb13-amd64/vmlinuz"
	[6.16.12]="linux-image-6.16.12+deb13-amd64 6.16.12-1~bpo13+1 a54583c502202b9ec1709d6dc952870cd32eb92b29a32756f0fd240b514ed1f2 ./boot/vmlinuz-6.16.12+deb13-amd64"
)

[ $# -ge 1 ] && [ -n "${DISTRO[$1]:-}" ] ||
	die "usage: ${0##*/} ${!DISTRO[*]} [--add PATH]... -- CMD..."
read -r pkg version sha vmlinuz <<< "${DISTRO[$1]}"
shift
adds=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	[ "$1" = --add ] && [ $# -ge 2 ] || die "unexpected '$1' (--add PATH, then -- CMD)"
	adds+=("$2")
	shift 2
done
[ $# -ge 2 ] || die "no command to run (-- CMD)"
shift

kdir=$CACHE_DIR/distro/$pkg
if [ ! -f "$kdir/bzImage" ]; then
	mkdir -p "$kdir/bin"
	deb=$(fetch_deb "$CACHE_DIR/distro" "$pkg" "$version" amd64 "$sha" \
		"$KSRC_APT_LINE")
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "$vmlinuz" > "$kdir/bzImage.tmp"
	mv "$kdir/bzImage.tmp" "$kdir/bzImage"
fi
initrd=$(mktemp)
trap 'rm -f "$initrd"' EXIT
make_initramfs "$initrd" "$kdir" "$(printf '%q ' "$@")" ${adds[@]+"${adds[@]}"}
run_vm "$kdir" "$initrd" 1200
