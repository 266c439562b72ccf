# Build tools/testing/selftests/iommu of the work tree: sourced by kernel/vm.
#
# Statically linked (cross-built for other architectures), against the
# uapi headers of the kernel under test, so that they run in the busybox
# initramfs. A case gets 300 s, not 30: under TCG with KASAN and lockdep a
# slow one would be killed, not judged.

build_selftests() {
	local out=$1
	mkdir -p "$out/bin"
	make -s -C "$TREE/tools/testing/selftests/iommu" "${KMAKE_ARCH[@]}" \
		KHDR_INCLUDES="-isystem $out/usr/include" \
		USERCFLAGS=-DTEST_TIMEOUT_DEFAULT=300 USERLDFLAGS=-static \
		OUTPUT="$out/bin" > "$out/selftests.log" 2>&1 || {
		tail -20 "$out/selftests.log" >&2
		die "selftest build failed: $out/selftests.log"
	}
	[ -x "$out/bin/iommufd" ] && [ -x "$out/bin/iommufd_fail_nth" ] ||
		die "selftest build left no binaries in $out/bin"
}
