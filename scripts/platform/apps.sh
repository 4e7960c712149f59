#!/usr/bin/env bash
# The application benchmarks' workloads (issue 11), static riscv64 binaries
# cross-built from Debian sources, for the Linux guest and the modelled host:
#   hackbench  Linux 6.1's tools/perf/bench/sched-messaging.c (hackbench as
#              ported to perf) with apps/hackbench/ around it: rt-tests's
#              source is missing from the archive mirror
#   iperf      iperf 2.1.8 (Debian's iperf; iperf3's orig tarball is missing
#              from the mirror)
#   memcached  memcached 1.6.18 on libevent 2.1.12 (Debian's, with their patches)
# The CPU prime workload is busybox's factor (already in the initramfs):
# stress-ng's and sysbench's sources are missing from the mirror.
# Output: $DUVISOR_CACHE/apps-<key>/bin/*, linked from build/apps.
COMPONENT=apps
. "$(dirname "$0")/../lib.sh"

CROSS=riscv64-linux-gnu-
HOSTT=riscv64-linux-gnu
lver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) || die "linux-source-6.1 missing (run 'make deps')"
ev=$(debsrc libevent)
mc=$(debsrc memcached)
ip=$(debsrc iperf)
hb=$TOP/apps/hackbench
key=$(key_of "linux-source-6.1 $lver" "$ev" "$mc" "$ip" "$(${CROSS}gcc --version | head -1)" "$0" \
	"$hb/main.c" "$hb/shim/bench.h" "$hb/shim/subcmd/parse-options.h" "$hb/shim/linux/time64.h")
if cached apps "$key"; then
	log "up to date ($key)"
	exit 0
fi
rm -rf "$OUT" && mkdir -p "$OUT/bin" "$OUT/src" "$OUT/sysroot"
export SOURCE_DATE_EPOCH=0
CC="ccache ${CROSS}gcc"
blog=$OUT/build.log
: >"$blog"
step() { log "$1"; }
fail() { tail -30 "$blog" >&2; die "$1 failed; see $blog"; }

# ---- hackbench ----
step "hackbench (linux-source-6.1 $lver, tools/perf/bench/sched-messaging.c)"
src=$SRC_CACHE/linux-source-6.1-$lver/tools/perf/bench/sched-messaging.c
mkdir -p "$OUT/src/hackbench"
if [ -f "$src" ]; then
	cp "$src" "$OUT/src/hackbench/"
else
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$OUT/src/hackbench" --strip-components=4 \
		--wildcards '*/tools/perf/bench/sched-messaging.c' || die "sched-messaging.c not in linux-source-6.1"
fi
# bench.h is included as "bench.h": the shim's, found before the file's directory
# only if the file is not next to perf's; it is alone here.
$CC -O2 -std=gnu11 -D_GNU_SOURCE -Wall -static -ffile-prefix-map="$OUT"=. -I"$hb/shim" \
	-o "$OUT/bin/hackbench" "$hb/main.c" "$OUT/src/hackbench/sched-messaging.c" -lpthread >>"$blog" 2>&1 ||
	fail "hackbench"

# ---- autotools packages: extract (Debian's patches applied), configure, make ----
# As Debian's rules do (dh_autoreconf): Debian's patches touch the autotools
# inputs, so the build system is regenerated.
extract() { # DSC DIR
	dpkg-source --no-check -q -x "$1" "$2" >>"$blog" 2>&1 || die "dpkg-source -x $1 failed"
	(cd "$2" && autoreconf -fi) >>"$blog" 2>&1 || die "autoreconf in $(basename "$2") failed"
}
step "libevent ($(basename "$ev" .dsc))"
extract "$ev" "$OUT/src/libevent"
(cd "$OUT/src/libevent" && ./configure --host=$HOSTT --prefix="$OUT/sysroot" --disable-shared --enable-static \
	--disable-openssl --disable-samples --disable-libevent-regress --disable-debug-mode CC="$CC" &&
	make -j"$JOBS" && make install) >>"$blog" 2>&1 || fail "libevent"

step "memcached ($(basename "$mc" .dsc))"
extract "$mc" "$OUT/src/memcached"
(cd "$OUT/src/memcached" && ./configure --host=$HOSTT --with-libevent="$OUT/sysroot" --disable-sasl \
	--disable-extstore --disable-coverage --disable-docs CC="$CC" LDFLAGS="-static" &&
	make -j"$JOBS" memcached) >>"$blog" 2>&1 || fail "memcached"
cp "$OUT/src/memcached/memcached" "$OUT/bin/memcached"

step "iperf ($(basename "$ip" .dsc))"
extract "$ip" "$OUT/src/iperf"
(cd "$OUT/src/iperf" && ./configure --host=$HOSTT CC="$CC" CXX="ccache ${CROSS}g++" LDFLAGS="-static" &&
	make -j"$JOBS") >>"$blog" 2>&1 || fail "iperf"
cp "$OUT/src/iperf/src/iperf" "$OUT/bin/iperf"

for f in "$OUT"/bin/*; do
	file "$f" | grep -q 'statically linked' || die "$(basename "$f") is not static"
	${CROSS}strip "$f"
done
# the versions, for the results' context
{
	echo "hackbench linux-source-6.1 $lver tools/perf/bench/sched-messaging.c"
	for d in "$ev" "$mc" "$ip"; do basename "$d" .dsc | sed 's/_/ /'; done
} >"$OUT/versions.txt"
rm -rf "$OUT/src" "$OUT/sysroot"
finish
