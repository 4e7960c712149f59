#!/usr/bin/env bash
# Linux 6.1 from Debian's linux-source-6.1, tinyconfig + platform/linux/*.config.
# The build tree stays in the cache: out-of-tree modules (the DV-driver) build
# against it.
COMPONENT=linux
. "$(dirname "$0")/../lib.sh"

CROSS=riscv64-linux-gnu-
tarball=/usr/src/linux-source-6.1.tar.xz
[ -f "$tarball" ] || die "$tarball missing (run 'make deps')"
ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
frags=("$TOP"/platform/linux/*.config)
# our fixes to Debian's source (platform/linux/patches/, e.g. the vDSO's
# cpu_relax()): host and guest kernel alike; kvm-opt adds its series on top
series=("$TOP"/platform/linux/patches/*.patch)
[ -f "${series[0]}" ] || series=()
key=$(key_of "linux-source-6.1 $ver" "$(${CROSS}gcc --version | head -1)" "$0" "${frags[@]}" "${series[@]}")
if cached linux "$key"; then
	log "up to date ($key)"
	exit 0
fi

src=$SRC_CACHE/linux-source-6.1-$ver
if [ ! -f "$src/.extracted" ]; then
	log "extracting linux-source-6.1 $ver"
	rm -rf "$src" && mkdir -p "$src"
	tar -xJf "$tarball" -C "$src" --strip-components=1
	touch "$src/.extracted"
fi

# The patched source: a tree of its own per series (lib.sh's patched_tree),
# so the vanilla tree that perf and the workloads read stays as Debian ships it.
if [ ${#series[@]} -gt 0 ]; then
	vsrc=$src
	src=$SRC_CACHE/linux-source-6.1-$ver+dv$(key_of "${series[@]}")
	if [ ! -f "$src/.patched" ]; then
		log "source: links to $vsrc + ${series[*]##*/}"
		patched_tree "$src" "$vsrc" "${series[@]}"
		touch "$src/.patched"
	fi
fi

rm -rf "$OUT" && mkdir -p "$OUT/build"
# where this kernel's source is (linux-kvm-opt.sh builds from it)
echo "$src" >"$OUT/srcdir"
# No build date, user or host in the kernel: they are in its version string,
# which random_init() mixes into the entropy pool, so a kernel built at
# another time or on another machine would take other random values (and
# other instruction counts) in the modelled host. The date also stamps the
# built-in initramfs.
export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 1970" KBUILD_BUILD_USER=duvisor \
	KBUILD_BUILD_HOST=duvisor-bench KBUILD_BUILD_VERSION=1
MK=(make -C "$src" O="$OUT/build" ARCH=riscv CROSS_COMPILE="$CROSS" CC="ccache ${CROSS}gcc" -j"$JOBS")
log "configure: tinyconfig + ${frags[*]##*/}"
"${MK[@]}" tinyconfig >"$OUT/build.log" 2>&1
"$src/scripts/kconfig/merge_config.sh" -m -O "$OUT/build" "$OUT/build/.config" "${frags[@]}" >>"$OUT/build.log" 2>&1
"${MK[@]}" olddefconfig >>"$OUT/build.log" 2>&1
# Every symbol the fragments ask for must survive olddefconfig.
missing=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=n) sym=${line%%=*}; grep -q "^$sym=" "$OUT/build/.config" && { echo "  $sym still set" >&2; missing=1; } ;;
	CONFIG_*) grep -qx "$line" "$OUT/build/.config" || { echo "  wanted $line" >&2; missing=1; } ;; esac
done < <(cat "${frags[@]}")
[ "$missing" = 0 ] || die "the config fragment did not apply (symbols above); see $OUT/build/.config"
log "make Image modules (-j$JOBS)"
"${MK[@]}" Image modules >>"$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log" >&2; die "kernel build failed; see $OUT/build.log"; }
cp "$OUT/build/arch/riscv/boot/Image" "$OUT/Image"
# gen_init_cpio makes initramfs archives with device nodes without root.
gcc -O2 -o "$OUT/gen_init_cpio" "$src/usr/gen_init_cpio.c"
finish
