#!/bin/sh
# make demo: iommufd-trace over the iommufd selftests in two test kernels.
# unfixed has the v6.13-v6.16 bug and must show orphans (exit 1); upstream
# carries the fix and must be clean (exit 0).
cd "$(dirname "$0")/../.." || exit 2
mkdir -p build
status=0
for v in unfixed upstream; do
	echo "=============== kernel variant: $v"
	# The VM's status goes through the pipe: a splat fails the demo too.
	{
		kernel/vm run "$v" --add tests/e2e/guest-demo.sh -- \
			sh /opt/guest-demo.sh
		echo "@@VM $?"
	} 2>&1 | tee "build/demo-$v.log"
	case "$v:$(grep '^@@DEMO\|^@@VM' "build/demo-$v.log" | tr '\n' ' ')" in
	"unfixed:@@DEMO tomb=1 all=1 @@VM 0 "|"upstream:@@DEMO tomb=0 all=0 @@VM 0 ") ;;
	*) echo "demo: $v did not behave as expected"; status=1 ;;
	esac
done
[ $status -eq 0 ] && echo "demo: orphans caught on unfixed, upstream clean"
exit $status
