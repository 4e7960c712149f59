#!/usr/bin/env bash
# The FileIO workload of the application benchmarks (issue 11, the paper's v1
# FileIO): fio 3.33 (Debian main, with Debian's patches), static riscv64,
# minimal: the synchronous engines (psync, sync) and verify, no gfio, no
# libaio/zlib/numa/rdma/... (none of their riscv64 libraries is installed,
# and the workload needs none). fio 3.33 has no riscv64 arch header: its
# generic one (compiler builtins) serves; --cpu only names it. A component
# of its own, as nuttcp (scripts/platform/nuttcp.sh), so that adding it does
# not rebuild the other workloads.
# Output: $DUVISOR_CACHE/fio-<key>/bin/fio, linked from build/fio.
COMPONENT=fio
. "$(dirname "$0")/../lib.sh"

CROSS=riscv64-linux-gnu-
fio=$(debsrc fio)
key=$(key_of "$fio" "$(${CROSS}gcc --version | head -1)" "$0")
if cached fio "$key"; then
	log "up to date ($key)"
	exit 0
fi
rm -rf "$OUT" && mkdir -p "$OUT/bin"
export SOURCE_DATE_EPOCH=0
src=$OUT/src
blog=$OUT/build.log
log "fio ($(basename "$fio" .dsc))"
dpkg-source --no-check -q -x "$fio" "$src" >/dev/null 2>&1 || die "dpkg-source -x $fio failed"
# configure probes every optional library with the cross compiler; the
# --disable-* say what is not wanted even if it were found
(cd "$src" && ./configure --cc="ccache ${CROSS}gcc" --cpu=riscv64 --build-static --disable-native \
	--extra-cflags="-ffile-prefix-map=$OUT=." \
	--disable-numa --disable-rdma --disable-rados --disable-rbd --disable-http --disable-gfapi \
	--disable-pmem --disable-shm --disable-xnvme --disable-libzbc --disable-tcmalloc --disable-dfs \
	--disable-lex) >"$blog" 2>&1 || { tail -20 "$blog" >&2; die "fio's configure failed; see $blog"; }
grep -q '^Static build *yes' "$blog" || die "fio's configure did not take --build-static; see $blog"
make -C "$src" -j"$((JOBS < 2 ? JOBS : 2))" fio >>"$blog" 2>&1 ||
	{ tail -20 "$blog" >&2; die "fio failed; see $blog"; }
file "$src/fio" | grep -q 'statically linked' || die "fio is not static"
${CROSS}strip -o "$OUT/bin/fio" "$src/fio"
basename "$fio" .dsc | sed 's/_/ /' >"$OUT/versions.txt"
rm -rf "$src"
finish
