# Build the test kernel of a variant: sourced by kernel/vm.
#
# One work tree is shared by all variants; switching variants reverts the
# patches of the last one and applies the new ones, so that make rebuilds
# only what the patches touch. Finished kernels are cached per variant
# under a key of source, config, scripts and patches (common.sh).

TREE="$CACHE_DIR/tree/$KSRC_DIR"
TREE_PATCHES="$CACHE_DIR/tree/applied"
KMAKE=(make -C "$TREE" ARCH=x86_64 -j"$(($(nproc) + 1))")

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
		cp "$p" "$CACHE_DIR/tree/${p##*/}"
		echo "$CACHE_DIR/tree/${p##*/}" >> "$TREE_PATCHES"
	done
}

configure_tree() {
	local fragment="$KERNEL_DIR/config/iommufd-trace.config" line opt val
	"${KMAKE[@]}" -s tinyconfig > /dev/null
	"$TREE/scripts/kconfig/merge_config.sh" -m -O "$TREE" "$TREE/.config" \
		"$fragment" > /dev/null
	"${KMAKE[@]}" -s olddefconfig > /dev/null
	# Kconfig drops what it cannot satisfy without a word: check it all took.
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
}

# Build variant $1 unless it is cached; prints its directory.
build_variant() {
	local variant=$1 out tmp
	out=$(variant_dir "$variant")
	if [ -f "$out/bzImage" ]; then
		echo "$out"
		return
	fi
	# One build at a time: the work tree is shared. (Called in $(...),
	# so the lock goes with this subshell.)
	mkdir -p "$CACHE_DIR/kernels"
	exec 9> "$CACHE_DIR/build.lock"
	flock 9
	if [ -f "$out/bzImage" ]; then
		echo "$out"
		return
	fi
	log "building $variant kernel (cache key ${out##*-})"
	sync_tree_patches "$variant"
	configure_tree
	"${KMAKE[@]}" bzImage > "$CACHE_DIR/tree/build.log" 2>&1 || {
		tail -40 "$CACHE_DIR/tree/build.log" >&2
		die "kernel build failed: $CACHE_DIR/tree/build.log"
	}
	tmp="$out.tmp"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	cp "$TREE/arch/x86/boot/bzImage" "$TREE/.config" "$TREE/System.map" "$tmp/"
	"${KMAKE[@]}" -s headers > /dev/null
	mkdir -p "$tmp/usr"
	cp -r "$TREE/usr/include" "$tmp/usr/"
	build_selftests "$tmp"
	rm -rf "$out"
	mv "$tmp" "$out"
	echo "$out"
}
