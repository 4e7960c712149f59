#!/usr/bin/env bash
# QEMU 7.2 (Debian source) for riscv64-softmmu, with duvisor/dvext/qemu/*.patch.
# The work tree is kept per base (source version + configure flags) so that a
# change to one patch rebuilds only the files it touches.
COMPONENT=qemu
. "$(dirname "$0")/../lib.sh"

CONFIGURE=(--target-list=riscv64-softmmu --without-default-features
	--enable-fdt=system --enable-plugins --enable-tcg --disable-docs
	--disable-werror --disable-tools --disable-guest-agent)
dsc=$(debsrc qemu)
series=("$TOP"/duvisor/dvext/qemu/*.patch)
key=$(key_of "$dsc" "${CONFIGURE[*]}" "$0" "${series[@]}")
if cached qemu "$key"; then
	log "up to date ($key)"
	exit 0
fi

base=$(key_of "$dsc" "${CONFIGURE[*]}")
work=$DUVISOR_CACHE/work/qemu-$base
if [ -f "$work/applied.patch" ] && ! patch -d "$work/src" -p1 -R -s -f --dry-run <"$work/applied.patch" >/dev/null; then
	log "work tree does not reverse cleanly; starting afresh"
	rm -rf "$work"
fi
if [ ! -d "$work/src" ]; then
	log "extracting $(basename "$dsc")"
	rm -rf "$work" && mkdir -p "$work"
	dpkg-source --no-check -q -x "$dsc" "$work/src" >/dev/null 2>&1
	: >"$work/applied.patch"
fi
if [ -s "$work/applied.patch" ]; then
	patch -d "$work/src" -p1 -R -s -f <"$work/applied.patch"
fi
: >"$work/applied.patch"
for p in "${series[@]}"; do
	[ -f "$p" ] || continue
	apply_series "$work/src" "$p"
	cat "$p" >>"$work/applied.patch"
done

if [ ! -f "$work/build/build.ninja" ]; then
	log "configure"
	mkdir -p "$work/build"
	(cd "$work/build" && ../src/configure "${CONFIGURE[@]}" >configure.log 2>&1) ||
		die "configure failed; see $work/build/configure.log"
fi
log "ninja qemu-system-riscv64 (-j$JOBS)"
(cd "$work/build" && ninja -j"$JOBS" qemu-system-riscv64 >ninja.log 2>&1) ||
	{ tail -30 "$work/build/ninja.log" >&2; die "build failed; see $work/build/ninja.log"; }

rm -rf "$OUT" && mkdir -p "$OUT/bin"
cp "$work/build/qemu-system-riscv64" "$OUT/bin/"
# What this build models, for the launcher.
: >"$OUT/features"
grep -qs 'rr-quantum' "$work/src/accel/tcg/tcg-all.c" && echo rr-quantum >>"$OUT/features"
grep -qs '"x-dvext"' "$work/src/target/riscv/cpu.c" && echo dvext >>"$OUT/features"
grep -qs '"rr-kick"' "$work/src/accel/tcg/tcg-all.c" && echo rr-kick >>"$OUT/features"
finish
