#!/usr/bin/env bash
# perf (issue 11): Linux 6.1's tools/perf from Debian's linux-source-6.1 (the
# kernel's own source tree, unpacked by scripts/platform/linux.sh), static
# riscv64, with only what `perf stat` and `perf list` need: no libelf, DWARF,
# unwinding, scripting, UIs, BPF, compression or generated event tables (the
# in-tree libtraceevent, libapi, libsubcmd and libperf are built with it).
# The application benchmarks run it in the modelled host around each
# workload (apps/host-plan.sh). A component of its own so that adding it
# rebuilds nothing else.
# Output: $DUVISOR_CACHE/perf-<key>/bin/perf, linked from build/perf.
COMPONENT=perf
. "$(dirname "$0")/../lib.sh"

CROSS=riscv64-linux-gnu-
tarball=/usr/src/linux-source-6.1.tar.xz
[ -f "$tarball" ] || die "$tarball missing (run 'make deps')"
ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
# what perf stat does not need, every switch 6.1's tools/perf/Makefile.config honours
NOS=(NO_LIBELF=1 NO_DWARF=1 NO_LIBDW_DWARF_UNWIND=1 NO_LIBUNWIND=1 NO_LIBPERL=1 NO_LIBPYTHON=1 NO_SLANG=1
	NO_NEWT=1 NO_GTK2=1 NO_LIBNUMA=1 NO_LIBBPF=1 NO_JVMTI=1 NO_LIBAUDIT=1 NO_LIBCRYPTO=1 NO_LIBCAP=1
	NO_ZLIB=1 NO_LZMA=1 NO_LIBZSTD=1 NO_LIBBABELTRACE=1 NO_LIBDEBUGINFOD=1 NO_LIBPFM4=1 NO_DEMANGLE=1
	NO_LIBBFD=1 NO_SDT=1 NO_AIO=1 NO_JEVENTS=1 NO_BACKTRACE=1)
key=$(key_of "linux-source-6.1 $ver" "$(${CROSS}gcc --version | head -1)" "$0" "${NOS[*]}")
if cached perf "$key"; then
	log "up to date ($key)"
	exit 0
fi
# the source tree linux.sh unpacks (the same one; unpacked here if linux has
# not been built yet); perf builds out of tree (O=), the tree stays clean
src=$SRC_CACHE/linux-source-6.1-$ver
if [ ! -f "$src/.extracted" ]; then
	exec 8>"$DUVISOR_CACHE/.lock-linux"
	flock 8
	if [ ! -f "$src/.extracted" ]; then
		log "extracting linux-source-6.1 $ver"
		rm -rf "$src" && mkdir -p "$src"
		tar -xJf "$tarball" -C "$src" --strip-components=1
		touch "$src/.extracted"
	fi
	exec 8>&-
fi
rm -rf "$OUT" && mkdir -p "$OUT/bin" "$OUT/build"
export SOURCE_DATE_EPOCH=0
log "tools/perf (linux-source-6.1 $ver), static riscv64, -j$JOBS"
# EXTRA_CFLAGS: the build directory out of debug info and __FILE__;
# WERROR=0: a newer cross gcc than 6.1's warns about things it did not know.
# The target perf alone: 'all' also links the dlfilter examples, shared
# objects that cannot link with LDFLAGS=-static
make -C "$src/tools/perf" O="$OUT/build" ARCH=riscv CROSS_COMPILE="$CROSS" CC="ccache ${CROSS}gcc" \
	LDFLAGS=-static EXTRA_CFLAGS="-ffile-prefix-map=$OUT=. -ffile-prefix-map=$src=linux" WERROR=0 \
	"${NOS[@]}" -j"$JOBS" perf >"$OUT/build.log" 2>&1 ||
	{ tail -30 "$OUT/build.log" >&2; die "perf build failed; see $OUT/build.log"; }
cp "$OUT/build/perf" "$OUT/bin/perf"
file "$OUT/bin/perf" | grep -q 'statically linked' || die "perf is not static ($(file -b "$OUT/bin/perf"))"
${CROSS}strip "$OUT/bin/perf"
echo "perf linux-source-6.1 $ver tools/perf (${NOS[*]})" >"$OUT/versions.txt"
rm -rf "$OUT/build"
finish
