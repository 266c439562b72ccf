#!/bin/sh
# In the test VM: BPF trampoline updates on a function that busy tasks
# keep entering, no iommufd involved (attach-load.c).  Exits 0 if every
# round ran; a crash shows in the kernel log (kernel/vm exits 125).
#   kernel/vm run upstream --add build/repro/attach-load \
#       --add kernel/repro/attach-under-load.sh -- \
#       sh /opt/attach-under-load.sh [ORDER [ROUNDS [FUNC]]]
order=${1:-ex} rounds=${2:-40} func=${3:-hrtimer_nanosleep}
/opt/attach-load busy -n 2 -u 100 &
busy=$!
sleep 1
/opt/attach-load attach -f "$func" -o "$order" -r "$rounds" -s 300
status=$?
kill $busy
echo "attach-load attach -o $order: exit $status after $rounds rounds"
exit $status
