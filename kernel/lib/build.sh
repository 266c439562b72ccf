# Build the test kernel of a variant: sourced by kernel/vm.
#
# One work tree per architecture is shared by all variants; switching
# variants reverts the patches of the last one and applies the new ones, so
# that make rebuilds only what the patches touch. Finished kernels are
# cached per architecture and variant under a key of source, config,
# scripts and patches (common.sh). Needs set_arch's variables.

TREE_BASE="$ARCH_CACHE/tree"
TREE="$TREE_BASE/$KSRC_DIR"
TREE_PATCHES="$TREE_BASE/applied"
KMAKE=(make -C "$TREE" "${KMAKE_ARCH[@]}" -j"$(($(nproc) + 1))")

# Bring the work tree to exactly the patches of variant $1.
sync_tree_patches() {
	local p
	if [ ! -d "$TREE" ]; then
		unpack_source "$TREE"
		: > "$TREE_PATCHES"
	fi
	if [ -s "$TREE_PATCHES" ]; then
		while read -r p; do
			patch -s -R -p1 -d "$TREE" < "$p" || {
				log "cannot revert $p: unpacking a fresh tree"
				rm -rf "$TREE"
				sync_tree_patches "$1"
				return
			}
		done < <(tac "$TREE_PATCHES")
		: > "$TREE_PATCHES"
	fi
	for p in $(variant_patches "$1"); do
		patch -s -p1 -d "$TREE" < "$p" || die "$p does not apply to $KSRC_DIR"
		# Keep a copy: the checkout may change before the next revert.
		cp "$p" "$TREE_BASE/${p##*/}"
		echo "$TREE_BASE/${p##*/}" >> "$TREE_PATCHES"
	done
}

configure_tree() {
	local fragment line opt val
	"${KMAKE[@]}" -s tinyconfig > /dev/null
	"$TREE/scripts/kconfig/merge_config.sh" -m -O "$TREE" "$TREE/.config" \
		"${CONFIGS[@]}" > /dev/null
	"${KMAKE[@]}" -s olddefconfig > /dev/null
	# Kconfig drops what it cannot satisfy without a word: check it all took.
	for fragment in "${CONFIGS[@]}"; do
		while read -r line; do
			case "$line" in CONFIG_*) ;; *) continue ;; esac
			opt=${line%%=*} val=${line#*=}
			if [ "$val" = n ]; then
				! grep -q "^$opt=" "$TREE/.config" ||
					die "$opt is set although $fragment says n"
			else
				grep -qx "$line" "$TREE/.config" ||
					die "$line did not take (dependencies?)"
			fi
		done < "$fragment"
	done
}

# A kernel with modules: into $1/modules (INSTALL_MOD_PATH), debug info
# stripped (--strip-debug leaves .BTF: /sys/kernel/btf/MODULE).
install_modules() {
	grep -qx CONFIG_MODULES=y "$TREE/.config" || return 0
	"${KMAKE[@]}" -s modules_install INSTALL_MOD_PATH="$1/modules" \
		INSTALL_MOD_STRIP=1 > /dev/null
	find "$1/modules" -name '*.ko' | grep -q . ||
		die "modules_install left no modules in $1/modules"
}

# Build variant $1 unless it is cached; prints its directory.
build_variant() {
	local variant=$1 out tmp
	out=$(variant_dir "$variant")
	if [ -f "$out/${KIMAGE##*/}" ]; then
		echo "$out"
		return
	fi
	# One build at a time on this machine, whatever the architecture.
	# (Called in $(...), so the lock goes with this subshell.)
	mkdir -p "$ARCH_CACHE/kernels"
	exec 9> "$CACHE_DIR/build.lock"
	flock 9
	if [ -f "$out/${KIMAGE##*/}" ]; then
		echo "$out"
		return
	fi
	log "building $KARCH $variant kernel (cache key ${out##*-})"
	sync_tree_patches "$variant"
	configure_tree
	"${KMAKE[@]}" "${KTARGETS[@]}" > "$TREE_BASE/build.log" 2>&1 || {
		tail -40 "$TREE_BASE/build.log" >&2
		die "kernel build failed: $TREE_BASE/build.log"
	}
	tmp="$out.tmp"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	cp "$TREE/$KIMAGE" "$TREE/.config" "$TREE/System.map" "$tmp/"
	install_modules "$tmp"
	# The kernel's BTF, raw: what bpf/ARCH/vmlinux.h is made from.
	mkdir -p "$tmp/btf"
	"${CROSS_COMPILE}objcopy" -O binary --only-section=.BTF "$TREE/vmlinux" \
		"$tmp/btf/vmlinux"
	"${KMAKE[@]}" -s headers > /dev/null
	mkdir -p "$tmp/usr"
	cp -r "$TREE/usr/include" "$tmp/usr/"
	build_selftests "$tmp"
	rm -rf "$out"
	mv "$tmp" "$out"
	echo "$out"
}
