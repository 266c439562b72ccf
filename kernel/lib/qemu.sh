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

# KVM when the host can run the guest's architecture, /dev/kvm is there,
# and KVM has not failed to boot a test kernel since the host booted.
# /dev/kvm and a QEMU that starts on it prove little: a paravirtual KVM
# without VT-x (kvm-pvm) runs real-mode firmware but never gets a Linux
# kernel to print a line, and other hosts made QEMU abort at the first
# boot ("failed to set MSR"). So the boot itself is the probe: a KVM boot
# that does not reach userspace is redone with TCG (run_vm), and the
# host's boot id goes into KVM_FAILED so that later runs skip KVM.
# IOMMUFD_TRACE_ACCEL=kvm|tcg decides instead (no fallback). IOMMUFD_TRACE_MEM
# sets the guest's memory (default 2G), IOMMUFD_TRACE_SMP its vCPUs (2),
# IOMMUFD_TRACE_ICOUNT QEMU's -icount (none; the benchmark's clock).
KVM_FAILED="$CACHE_DIR/kvm-failed"
# Seconds a KVM guest gets to print its first line.
KVM_GRACE=${IOMMUFD_TRACE_KVM_GRACE:-30}

# This boot of the host. (Not cmp: /proc files have no size.)
host_boot() { cat /proc/sys/kernel/random/boot_id; }

pick_accel() {
	local accel=${IOMMUFD_TRACE_ACCEL:-}
	if [ -z "$accel" ]; then
		accel=tcg
		if [ "$(uname -m)" = "$KVM_ARCH" ] && [ -w /dev/kvm ] &&
		   [ "$(cat "$KVM_FAILED" 2> /dev/null)" != "$(host_boot)" ]; then
			accel=kvm
		fi
	fi
	case "$accel" in
	kvm) echo "kvm host ${IOMMUFD_TRACE_ACCEL:-probe}" ;;
	tcg) echo "${IOMMUFD_TRACE_TCG:-$QEMU_TCG} $QEMU_CPU_TCG" ;;
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

# boot_vm KERNEL_DIR INITRAMFS TIMEOUT RUN_DIR ACCEL CPU [probe]: one boot;
# streams the command's output and returns its exit status; 124 on
# timeout, 125 on a splat or a VM failure. With "probe" (KVM chosen by
# pick_accel), a guest silent for KVM_GRACE seconds is stopped, and a boot
# that did not reach userspace sets KVM_FAILED_EARLY (what happened) and
# returns 125 without a word: run_vm boots again with TCG.
boot_vm() {
	local kdir=$1 initrd=$2 timeout=$3 run=$4 accel=$5 cpu=$6 probe=${7:-}
	local status qpid tpid i stopped=
	: > "$run/console"
	: > "$run/out"
	: > "$run/status"
	channel_args "$run"
	timeout -k 10 "$timeout" "$QEMU" \
		-machine "$QEMU_MACHINE" -accel "$accel" -cpu "$cpu" \
		-smp "${IOMMUFD_TRACE_SMP:-2}" -m "${IOMMUFD_TRACE_MEM:-2G}" \
		${IOMMUFD_TRACE_ICOUNT:+-icount "$IOMMUFD_TRACE_ICOUNT"} \
		-kernel "$kdir/${KIMAGE##*/}" -initrd "$initrd" \
		-append "console=$CONSOLE panic=-1 rdinit=/init" \
		-display none -monitor none -no-reboot \
		-serial "file:$run/console" "${CHANNEL_ARGS[@]}" \
		< /dev/null > "$run/qemu.log" 2>&1 &
	qpid=$!
	tail -n +1 -f --pid=$qpid "$run/out" &
	tpid=$!
	if [ -n "$probe" ]; then
		for ((i = 0; i < KVM_GRACE * 10; i++)); do
			[ ! -s "$run/console" ] && kill -0 $qpid 2> /dev/null ||
				break
			sleep 0.1
		done
		# timeout passes the signal on to QEMU.
		[ -s "$run/console" ] || ! kill $qpid 2> /dev/null ||
			stopped=1
	fi
	status=0
	wait $qpid || status=$?
	wait $tpid || true
	if [ -n "$probe" ] && ! grep -qF "$INIT_LINE" "$run/console"; then
		if [ -n "$stopped" ]; then
			KVM_FAILED_EARLY="not a line of kernel log in ${KVM_GRACE}s"
		else
			KVM_FAILED_EARLY="the boot ended before /init, QEMU status $status"
			[ ! -s "$run/qemu.log" ] ||
				KVM_FAILED_EARLY+=": $(tail -1 "$run/qemu.log")"
		fi
		return 125
	fi
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
# /init runs, or a second early one, fails. A KVM boot that did not reach
# userspace is redone with TCG (pick_accel). A failed run keeps its
# directory, with the kernel log in it.
run_vm() {
	local run status=0 accel cpu probe choice
	choice=$(pick_accel)
	read -r accel cpu probe <<< "$choice"
	run=$(mktemp -d "${TMPDIR:-/tmp}/iommufd-vm.XXXXXX")
	KVM_FAILED_EARLY=
	boot_vm "$@" "$run" "$accel" "$cpu" ${probe:+"$probe"} || status=$?
	if [ -n "$KVM_FAILED_EARLY" ]; then
		cat "$run/console" "$run/qemu.log" > "$KVM_FAILED.log"
		host_boot > "$KVM_FAILED.tmp.$$"
		mv "$KVM_FAILED.tmp.$$" "$KVM_FAILED"
		log "warning: KVM did not boot the kernel to userspace" \
		    "($KVM_FAILED_EARLY; logs in $KVM_FAILED.log): booting" \
		    "with TCG; KVM is skipped until the host reboots ($KVM_FAILED)"
		choice=$(IOMMUFD_TRACE_ACCEL=tcg pick_accel)
		read -r accel cpu <<< "$choice"
		status=0
		boot_vm "$@" "$run" "$accel" "$cpu" || status=$?
	fi
	if [ $status = 125 ] && splat_before_init "$run/console"; then
		mv "$run/console" "$run/console.early"
		log "warning: the splat above came before userspace started (kept" \
		    "in $run/console.early): booting once more"
		status=0
		boot_vm "$@" "$run" "$accel" "$cpu" || status=$?
	fi
	[ $status = 124 ] || [ $status = 125 ] || rm -rf "$run"
	return $status
}
