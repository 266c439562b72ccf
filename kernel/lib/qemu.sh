# Boot a test kernel in QEMU and judge its log: sourced by kernel/vm.

# Kernel log lines that make a run unclean whatever the command returned.
# (x86 says "Call Trace:", arm64 "Call trace:".)
SPLAT_RE='WARNING:|BUG:|KASAN|UBSAN|refcount_t:|DEBUG_LOCKS_WARN_ON|possible circular locking|possible recursive locking|inconsistent lock state|INFO: task .* blocked for more than|Kernel panic|Oops|general protection fault|Call [Tt]race:'
# The kernel's last word before userspace.
INIT_LINE='Run /init as init process'
# What the guest's /init says in the kernel log when it cannot set up.
INIT_ERROR='vm-init: error:'

# How the command's output and exit status leave the VM (CHANNELS, per
# architecture): serial, the 2nd and 3rd UART (x86's q35 has four);
# virtio, two virtio-serial ports over virtio-mmio (arm64's virt machine
# has one UART). Blocking writes to a port wait until QEMU has the bytes.
# channel_devs: the guest's devices for the output and the status.
channel_devs() {
	case "$CHANNELS" in
	serial) echo /dev/ttyS1 /dev/ttyS2 ;;
	virtio) echo /dev/vport0p1 /dev/vport0p2 ;;
	esac
}

# channel_args RUN_DIR: QEMU's arguments that write them into RUN_DIR/out
# and RUN_DIR/status (into the array CHANNEL_ARGS).
channel_args() {
	case "$CHANNELS" in
	serial) CHANNEL_ARGS=(-serial "file:$1/out" -serial "file:$1/status") ;;
	virtio) CHANNEL_ARGS=(-device virtio-serial-device
		-chardev "file,id=out,path=$1/out"
		-device virtserialport,chardev=out,nr=1
		-chardev "file,id=status,path=$1/status"
		-device virtserialport,chardev=status,nr=2) ;;
	esac
}

# KVM when /dev/kvm works: on some hosts it exists but QEMU aborts on it,
# so try it (a working one keeps QEMU alive until the timeout).
# IOMMUFD_TRACE_ACCEL=kvm|tcg skips the probe.  IOMMUFD_TRACE_MEM sets the
# guest's memory (default 2G).
pick_accel() {
	local accel=${IOMMUFD_TRACE_ACCEL:-}
	if [ -z "$accel" ]; then
		accel=tcg
		if [ "$(uname -m)" = "$KVM_ARCH" ] && [ -w /dev/kvm ] &&
		   ! timeout 2 "$QEMU" -accel kvm -cpu host \
			-machine "$QEMU_MACHINE" -nodefaults -display none \
			-monitor none -S < /dev/null > /dev/null 2>&1 &&
		   [ $? = 124 ]; then
			accel=kvm
		fi
	fi
	case "$accel" in
	kvm) echo "kvm host" ;;
	tcg) echo "tcg $QEMU_CPU_TCG" ;;
	*) die "IOMMUFD_TRACE_ACCEL=$accel: use kvm or tcg" ;;
	esac
}

quote_splat() {
	grep -E -B2 -A12 "$SPLAT_RE" "$1" | head -80 | sed 's/^/  | /' >&2
}

# Did every splat in kernel log $1 come before userspace started?
splat_before_init() {
	awk -v re="$SPLAT_RE" -v init="$INIT_LINE" '
		index($0, init) { user = 1 }
		$0 ~ re { if (user) late = 1; else early = 1 }
		END { exit !(early && !late) }' "$1"
}

# boot_vm KERNEL_DIR INITRAMFS TIMEOUT RUN_DIR: one boot; streams the
# command's output and returns its exit status; 124 on timeout, 125 on a
# splat or a VM failure.
boot_vm() {
	local kdir=$1 initrd=$2 timeout=$3 run=$4 accel cpu status qpid tpid
	read -r accel cpu < <(pick_accel)
	: > "$run/out"
	: > "$run/status"
	channel_args "$run"
	timeout -k 10 "$timeout" "$QEMU" \
		-machine "$QEMU_MACHINE,accel=$accel" -cpu "$cpu" -smp 2 -m "${IOMMUFD_TRACE_MEM:-2G}" \
		-kernel "$kdir/${KIMAGE##*/}" -initrd "$initrd" \
		-append "console=$CONSOLE panic=-1 rdinit=/init" \
		-display none -monitor none -no-reboot \
		-serial "file:$run/console" "${CHANNEL_ARGS[@]}" \
		< /dev/null > "$run/qemu.log" 2>&1 &
	qpid=$!
	tail -n +1 -f --pid=$qpid "$run/out" &
	tpid=$!
	status=0
	wait $qpid || status=$?
	wait $tpid || true
	if [ $status = 124 ]; then
		log "error: the VM did not finish within ${timeout}s (--timeout);" \
		    "kernel log: $run/console"
		tail -5 "$run/console" | sed 's/^/  | /' >&2
		return 124
	fi
	if [ $status != 0 ]; then
		log "error: qemu failed (status $status): $(tail -3 "$run/qemu.log")"
		return 125
	fi
	if grep -Eq "$SPLAT_RE" "$run/console"; then
		log "error: the kernel log shows a splat ($run/console):"
		quote_splat "$run/console"
		return 125
	fi
	status=$(tr -dc '0-9' < "$run/status")
	if [ -z "$status" ]; then
		if grep -qF "$INIT_ERROR" "$run/console"; then
			log "error: the guest's /init failed (kernel log:" \
			    "$run/console):"
			grep -F "$INIT_ERROR" "$run/console" | sed 's/^/  | /' >&2
			return 125
		fi
		log "error: the command never finished: the guest died" \
		    "(kernel log: $run/console)"
		tail -20 "$run/console" | sed 's/^/  | /' >&2
		return 125
	fi
	return "$status"
}

# run_vm KERNEL_DIR INITRAMFS TIMEOUT: boot_vm, once more if the first boot
# splatted before userspace started. 7.3.4 with KASAN under TCG now and then
# reports a wild access in IRQ-entry tracing during early CPU setup; no
# command has run by then, and the report is still quoted. A splat once
# /init runs, or a second early one, fails. A failed run keeps its
# directory, with the kernel log in it.
run_vm() {
	local run status=0
	run=$(mktemp -d "${TMPDIR:-/tmp}/iommufd-vm.XXXXXX")
	boot_vm "$@" "$run" || status=$?
	if [ $status = 125 ] && splat_before_init "$run/console"; then
		mv "$run/console" "$run/console.early"
		log "warning: the splat above came before userspace started (kept" \
		    "in $run/console.early): booting once more"
		status=0
		boot_vm "$@" "$run" || status=$?
	fi
	[ $status = 124 ] || [ $status = 125 ] || rm -rf "$run"
	return $status
}
