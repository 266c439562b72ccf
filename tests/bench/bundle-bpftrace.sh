#!/bin/sh
# Copies Debian's bpftrace and the shared libraries it needs into OUT, with
# a wrapper OUT/bpftrace that runs it through the copied dynamic loader:
# the test VM's initramfs has no libc of its own.
# Usage: tests/bench/bundle-bpftrace.sh OUT   (OUT is /opt/bench/bpftrace-dist in the VM)
set -eu
out=$1
bin=$(command -v bpftrace) || { echo "bpftrace is not installed (apt-get install bpftrace)" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out/lib"
cp "$bin" "$out/bpftrace.bin"
ldd "$bin" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' |
while read -r lib; do
	cp -L "$lib" "$out/lib/"
done
loader=$(cd "$out/lib" && ls ld-linux-*.so.* | head -1)
[ -n "$loader" ] || { echo "no dynamic loader among bpftrace's libraries" >&2; exit 2; }
cat > "$out/bpftrace" <<WRAP
#!/bin/sh
d=/opt/bench/bpftrace-dist
exec \$d/lib/$loader --library-path \$d/lib \$d/bpftrace.bin "\$@"
WRAP
chmod 755 "$out/bpftrace"
