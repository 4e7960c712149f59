#!/usr/bin/env bash
# The KVM-OPT host kernel: the vanilla Linux 6.1 of linux.sh (same source,
# same config) plus baseline-kvm/kvm-opt/*.patch (KVM posts VSSI/VSEI through
# DV-Ext, docs/dv-ext.md "Kernel-level posting (KVM-OPT)").
#
# Built incrementally from the vanilla build tree: a copy of it, compiled
# with the patched source mounted over the vanilla source path in a private
# mount namespace, so kbuild's commands are the same and only what the
# series touches is rebuilt (about a minute, not a full kernel build). The
# vanilla tree and source are never changed.
COMPONENT=linux-kvm-opt
. "$(dirname "$0")/../lib.sh"

CROSS=riscv64-linux-gnu-
van=$(readlink -f "$BUILD/linux") || die "build/linux missing (build 'linux' first)"
[ -f "$van/.done" ] && [ -d "$van/build" ] || die "the vanilla kernel build $van is not complete"
series=("$TOP"/baseline-kvm/kvm-opt/*.patch)
[ -f "${series[0]}" ] || die "no patches in baseline-kvm/kvm-opt"
key=$(key_of "vanilla ${van##*/}" "$0" "${series[@]}")
if cached linux-kvm-opt "$key"; then
	log "up to date ($key)"
	exit 0
fi

# the vanilla kernel's source (Debian's with platform/linux/patches/)
src=$(cat "$van/srcdir" 2>/dev/null) || die "$van/srcdir missing (rebuild 'linux')"
[ -f "$src/Makefile" ] || die "$src: the kernel's source is gone (rebuild 'linux')"

rm -rf "$OUT" && mkdir -p "$OUT"
# The patched source (lib.sh's patched_tree: links, copies of what changes).
log "source: links to $src + ${series[*]##*/}"
patched_tree "$OUT/src" "$src" "${series[@]}"
# Newer than every object of the copied tree: make rebuilds what they feed.
sed -n 's|^+++ b/||p' "${series[@]}" | while IFS= read -r f; do touch "$OUT/src/$f"; done

log "build tree: copy of $van/build"
cp -a "$van/build" "$OUT/build"

export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 1970" KBUILD_BUILD_USER=duvisor \
	KBUILD_BUILD_HOST=duvisor-bench KBUILD_BUILD_VERSION=1
MK="make -C '$src' O='$OUT/build' ARCH=riscv CROSS_COMPILE=$CROSS CC='ccache ${CROSS}gcc' -j$JOBS Image"
inner="mount --bind '$OUT/src' '$src' && $MK"
log "make Image (-j$JOBS), patched source mounted at the vanilla path"
if unshare -m --propagation private true 2>/dev/null; then
	ns=(unshare -m --propagation private)
elif unshare -rm --propagation private true 2>/dev/null; then
	ns=(unshare -rm --propagation private)
else
	die "needs a private mount namespace (unshare -m or unshare -rm)"
fi
"${ns[@]}" sh -c "$inner" >"$OUT/build.log" 2>&1 ||
	{ tail -30 "$OUT/build.log" >&2; die "kernel build failed; see $OUT/build.log"; }
[ -f "$OUT/build/arch/riscv/kvm/vcpu_post.o" ] ||
	die "the series did not reach the build (no vcpu_post.o); see $OUT/build.log"
cp "$OUT/build/arch/riscv/boot/Image" "$OUT/Image"
cp "$OUT/build/.config" "$OUT/config"
cp "$OUT/build/System.map" "$OUT/System.map"
# Only the Image is used (modules come from the vanilla build): no second
# 140 MB tree in the cache.
rm -rf "$OUT/src" "$OUT/build"
finish
