#!/usr/bin/env bash
# make bench: the benchmark of issue 4.  Boots the upstream test kernel once
# and runs every configuration there (guest-bench.sh), then the checker
# alone on this machine (host/run.sh), and writes build/bench/results.txt
# and results.json (summarize.py).
# Usage: tests/bench/run.sh [--arch x86_64|arm64]
# On arm64 (make bench ARCH=arm64; build/arm64/bench/) only the timing part
# runs by default, without bpftrace (the host's is x86_64) and without the
# host part: what differs between the architectures is the probes' cost.
#
# Environment: BENCH_ROUNDS (5), BENCH_CYCLE_N (100), BENCH_VDEV_N (1000),
# BENCH_SCALE (1,1000,100000) and BENCH_BARE_SCALE (1,1000,10000: each
# mock device takes ~8 ms to make under TCG), BENCH_MEM (4G: 100,000 take
# ~2 GB under KASAN), BENCH_BEFORE (an older iommufd-trace binary to run
# beside the current one, as before_kprobe/before_fentry rows),
# BENCH_PS_SCALE (1,10,...,100000: objects alive for ps).  A narrower run:
# BENCH_CONFIGS ("bare floor_fentry trace_fentry"), BENCH_MODES ("vdev"),
# BENCH_PARTS (of "timing capacity ps scale"), BENCH_HOST=0 (no host part).
set -euo pipefail
cd "$(dirname "$0")/../.."
. kernel/lib/common.sh
arch=x86_64
if [ "${1:-}" = --arch ]; then
	arch=$2
	shift 2
fi
set_arch "$arch"
. kernel/lib/build.sh

out=build/bench
configs="bare floor_kprobe floor_fentry trace_kprobe trace_fentry bpftrace"
parts="timing programs capacity ps scale"
host=1
if [ "$arch" != x86_64 ]; then
	out=build/$arch/bench
	configs="bare floor_kprobe floor_fentry trace_kprobe trace_fentry"
	parts="timing programs"
	host=0
fi
stage=$out/opt/bench
rounds=${BENCH_ROUNDS:-5}
scale=${BENCH_SCALE:-1,1000,100000}
configs=${BENCH_CONFIGS:-$configs}
modes=${BENCH_MODES:-cycle vdev}
parts=${BENCH_PARTS:-$parts}

kdir=$(kernel/vm build --arch "$arch" upstream | cut -f2)
make -s ARCH="$arch" bench-bins BENCH_KDIR="$kdir" BENCH_KTREE="$TREE"
rm -rf "$stage"
mkdir -p "$stage"
cp $out/workload $out/floor $out/ps_scale $out/progstat tests/bench/pairs.bt \
	tests/bench/guest-bench.sh "$stage/"
# The configurations run in the timing part only.
case " $parts | $configs " in
*" timing "*"|"*" bpftrace "*) tests/bench/bundle-bpftrace.sh "$stage/bpftrace-dist" ;;
esac
if [ -n "${BENCH_BEFORE:-}" ]; then
	cp "$BENCH_BEFORE" "$stage/iommufd-trace-before"
fi

# One vCPU, and QEMU's instruction counting for the guest's clock: a
# guest nanosecond is one emulated instruction, whatever else the host
# runs, and a process's CPU time is its own, not also the time the one
# host thread of single-threaded TCG gave another vCPU.
export IOMMUFD_TRACE_SMP=${BENCH_SMP:-1}
export IOMMUFD_TRACE_ICOUNT=${BENCH_ICOUNT-shift=0,sleep=off}
echo "bench: VM run (log: $out/vm.log)"
IOMMUFD_TRACE_MEM=${BENCH_MEM:-4G} kernel/vm run --arch "$arch" upstream --add "$stage" --timeout 7200 -- \
	sh /opt/bench/guest-bench.sh "$rounds" "${BENCH_CYCLE_N:-100}" \
	"${BENCH_VDEV_N:-1000}" "$scale" "${BENCH_BARE_SCALE:-1,1000,10000}" \
	"$configs" "$modes" "$parts" "${BENCH_PS_SCALE:-1,10,100,1000,10000,100000}" \
	> $out/vm.log 2>&1 || {
	tail -30 $out/vm.log
	echo "bench: the VM run failed (log: $out/vm.log)" >&2
	exit 1
}

host_json=-
if [ "${BENCH_HOST:-$host}" != 0 ]; then
	echo "bench: the checker on this machine"
	tests/bench/host/run.sh $out/host
	host_json=$out/host/host.json
fi

python3 tests/bench/summarize.py $out/vm.log "$host_json" \
	$out/results.txt $out/results.json \
	"date=$(date -u +%Y-%m-%d)" "configs=$configs" "modes=$modes" "parts=$parts" \
	"machine=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, QEMU TCG guest with $IOMMUFD_TRACE_SMP vCPU(s)" \
	"clock=${IOMMUFD_TRACE_ICOUNT:+-icount $IOMMUFD_TRACE_ICOUNT}" \
	"kernel=$KSRC_PKG $KSRC_VERSION, $arch, upstream variant, KASAN and lockdep on"
