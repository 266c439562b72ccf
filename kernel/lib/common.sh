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

# Builds live outside the checkout so that clones share them.
CACHE_DIR=${IOMMUFD_TRACE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iommufd-trace}

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
		cat "$KERNEL_DIR/config/iommufd-trace.config" \
		    "$KERNEL_DIR/lib/build.sh" "$KERNEL_DIR/lib/selftests.sh"
		for p in $(variant_patches "$1"); do
			echo "${p##*/}"
			cat "$p"
		done
	} | sha256sum | cut -c1-16
}

variant_dir() {
	echo "$CACHE_DIR/kernels/$1-$(variant_key "$1")"
}
