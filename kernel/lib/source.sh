# Fetch and unpack the kernel source: sourced by kernel/vm.
#
# The .debs we fetch come through an apt configuration of our own (list
# directory, sources file), so the system's apt sources never see trixie.

# fetch_deb DIR PKG VERSION ARCH SHA256 APT_LINE: PKG=VERSION of ARCH
# (all, amd64, arm64...) from APT_LINE into DIR, with DIR/apt as apt's
# state, unless DIR already has it; prints the .deb's path.
fetch_deb() {
	local dir=$1 pkg=$2 version=$3 arch=$4 sha=$5 line=$6
	local apt="$dir/apt" deb="$dir/${pkg}_${version//:/%3a}_$arch.deb"
	if [ -f "$deb" ] && echo "$sha  $deb" | sha256sum -c --status; then
		echo "$deb"
		return
	fi
	mkdir -p "$apt/lists/partial" "$apt/archives/partial"
	echo "$line" > "$apt/sources.list"
	local opts=(-o "Dir::Etc::SourceList=$apt/sources.list"
		    -o "Dir::Etc::SourceParts=-"
		    -o "Dir::State::Lists=$apt/lists"
		    -o "Dir::Cache=$apt"
		    -o "Debug::NoLocking=1"
		    -o "APT::Sandbox::User=root")
	# A foreign architecture: this configuration's only one.
	[ "$arch" = all ] ||
		opts+=(-o "APT::Architecture=$arch" -o "APT::Architectures=$arch")
	log "fetching $pkg $version ($arch)"
	apt-get "${opts[@]}" -qq update ||
		die "apt-get update of $line failed"
	(cd "$dir" && apt-get "${opts[@]}" -qq download "$pkg=$version") ||
		die "cannot download $pkg=$version"
	echo "$sha  $deb" | sha256sum -c --status ||
		die "$deb: sha256 mismatch (want $sha)"
	echo "$deb"
}

# Unpack a pristine tree into $1 (which must not exist).
unpack_source() {
	local dest=$1 deb tmp
	deb=$(fetch_deb "$CACHE_DIR" "$KSRC_PKG" "$KSRC_VERSION" all \
		"$KSRC_SHA256" "$KSRC_APT_LINE")
	tmp="$dest.tmp"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	log "unpacking $KSRC_PKG into $dest"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./$KSRC_TARBALL" |
		xz -dc -T0 | tar -x -C "$tmp" ||
		die "cannot unpack $deb"
	mv "$tmp/$KSRC_DIR" "$dest"
	rmdir "$tmp"
}

# Unpack the busybox of BUSYBOX_DEB (if the architecture has one) into
# $BUSYBOX, unless it is there.
fetch_busybox() {
	local deb tmp
	[ ${#BUSYBOX_DEB[@]} -gt 0 ] && [ ! -x "$BUSYBOX" ] || return 0
	mkdir -p "$ARCH_CACHE"
	exec 8> "$ARCH_CACHE/busybox.lock"
	flock 8
	if [ ! -x "$BUSYBOX" ]; then
		deb=$(fetch_deb "$ARCH_CACHE" "${BUSYBOX_DEB[@]}")
		tmp=$(mktemp -d "$ARCH_CACHE/busybox.XXXXXX")
		dpkg-deb -x "$deb" "$tmp" || die "cannot unpack $deb"
		mv "$tmp/bin/busybox" "$BUSYBOX"
		rm -rf "$tmp"
	fi
	exec 8>&-
}
