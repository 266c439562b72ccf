# Make the guest's initramfs: sourced by kernel/vm.
#
# Busybox, the variant's selftests and the project's static binaries on
# PATH, --add files under /opt, and an /init that runs one command with
# its output on ttyS1 and its exit status on ttyS2.

GUEST_BIN_DIR="$PROJECT_DIR/build/guest"

write_guest_init() {
	cat > "$1/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/usr/local/bin:/opt/bin:/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing
mount -t tmpfs tmpfs /tmp
# The selftests map hugetlb pages; THP is on by the config.
echo 64 > /proc/sys/vm/nr_hugepages
stty -F /dev/ttyS1 raw -echo
stty -F /dev/ttyS2 raw -echo
cd /tmp
sh /run-cmd > /dev/ttyS1 2>&1 < /dev/null
echo "$?" > /dev/ttyS2
reboot -f
INIT
	chmod 755 "$1/init"
}

# make_initramfs OUT VARIANT_DIR CMD_QUOTED ADD...
make_initramfs() {
	local out=$1 kdir=$2 cmd=$3 root f
	shift 3
	root=$(mktemp -d)
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,root,opt/bin,usr/local/bin}
	cp /bin/busybox "$root/bin/busybox"
	file -L /bin/busybox | grep -q 'statically linked' ||
		die "/bin/busybox is not static: install busybox-static"
	cp "$kdir"/bin/* "$root/opt/bin/"
	if [ -d "$GUEST_BIN_DIR" ]; then
		cp "$GUEST_BIN_DIR"/* "$root/usr/local/bin/"
	fi
	for f in "$@"; do
		[ -e "$f" ] || die "--add $f: no such file"
		cp -r "$f" "$root/opt/"
	done
	write_guest_init "$root"
	printf '%s\n' "$cmd" > "$root/run-cmd"
	(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet) > "$out"
	rm -rf "$root"
}
