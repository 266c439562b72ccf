# Fetch and unpack the kernel source: sourced by kernel/vm.
#
# The .deb comes through an apt configuration of our own (list directory,
# sources file), so the system's apt sources never see trixie.

fetch_source_deb() {
	local apt="$CACHE_DIR/apt" deb
	deb="$CACHE_DIR/${KSRC_PKG}_${KSRC_VERSION//:/%3a}_all.deb"
	if [ -f "$deb" ] && echo "$KSRC_SHA256  $deb" | sha256sum -c --status; then
		echo "$deb"
		return
	fi
	mkdir -p "$apt/lists/partial" "$apt/archives/partial"
	echo "$KSRC_APT_LINE" > "$apt/sources.list"
	local opts=(-o "Dir::Etc::SourceList=$apt/sources.list"
		    -o "Dir::Etc::SourceParts=-"
		    -o "Dir::State::Lists=$apt/lists"
		    -o "Dir::Cache=$apt"
		    -o "Debug::NoLocking=1"
		    -o "APT::Sandbox::User=root")
	log "fetching $KSRC_PKG $KSRC_VERSION"
	apt-get "${opts[@]}" -qq update ||
		die "apt-get update of $KSRC_APT_LINE failed"
	(cd "$CACHE_DIR" && apt-get "${opts[@]}" -qq download \
		"$KSRC_PKG=$KSRC_VERSION") ||
		die "cannot download $KSRC_PKG=$KSRC_VERSION"
	echo "$KSRC_SHA256  $deb" | sha256sum -c --status ||
		die "$deb: sha256 mismatch (want $KSRC_SHA256)"
	echo "$deb"
}

# Unpack a pristine tree into $1 (which must not exist).
unpack_source() {
	local dest=$1 deb tmp
	deb=$(fetch_source_deb)
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
