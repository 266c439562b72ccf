# Make the guest's initramfs: sourced by kernel/vm.
#
# Busybox, the variant's selftests and modules, the project's static
# binaries for the architecture on PATH, --add files under /opt, and an
# /init that runs one command with its output and exit status on their
# own channels (channel_devs in qemu.sh).

# write_guest_init ROOT
write_guest_init() {
	local out status
	read -r out status <<< "$(channel_devs)"
	{
		echo '#!/bin/busybox sh'
		echo "OUT=$out STATUS=$status ERR='$INIT_ERROR'"
		cat <<'INIT'
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
# Serial ports are ttys: no line discipline between the command and QEMU.
case $OUT in /dev/tty*) stty -F "$OUT" raw -echo; stty -F "$STATUS" raw -echo ;; esac
# Where iommufd is a module, load it as a distribution's boot would; the
# host reports a failure from the kernel log.
if [ -d /lib/modules ] && ! err=$(modprobe iommufd 2>&1); then
	echo "$ERR modprobe iommufd failed: $err" > /dev/kmsg
	reboot -f
fi
cd /tmp
sh /run-cmd > "$OUT" 2>&1 < /dev/null
echo "$?" > "$STATUS"
reboot -f
INIT
	} > "$1/init"
	chmod 755 "$1/init"
}

# make_initramfs OUT VARIANT_DIR CMD_QUOTED ADD...
make_initramfs() {
	local out=$1 kdir=$2 cmd=$3 root f
	shift 3
	root=$(mktemp -d)
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,root,opt/bin,usr/local/bin}
	file -L "$BUSYBOX" | grep -q 'statically linked' ||
		die "$BUSYBOX is not a static busybox: install busybox-static"
	cp "$BUSYBOX" "$root/bin/busybox"
	# A test kernel's selftests (none for a distribution's kernel).
	[ ! -d "$kdir/bin" ] || cp -r "$kdir/bin/." "$root/opt/bin/"
	if [ -d "$kdir/modules/lib" ]; then
		cp -r "$kdir/modules/lib" "$root/"
	fi
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
