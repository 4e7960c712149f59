#!/usr/bin/env bash
# OpenSBI 1.1 (generic platform, fw_jump) with duvisor/dvext/opensbi/*.patch.
# Debian's own opensbi source package is not in the archive mirror, so the
# source is the OpenSBI 1.1 tree that Debian's qemu source package carries in
# roms/opensbi (the same upstream release).
COMPONENT=opensbi
. "$(dirname "$0")/../lib.sh"

CROSS=riscv64-unknown-elf-
dsc=$(debsrc qemu)
series=("$TOP"/duvisor/dvext/opensbi/*.patch)
key=$(key_of "$dsc" "$(${CROSS}gcc --version | head -1)" "$0" "${series[@]}")
if cached opensbi "$key"; then
	log "up to date ($key)"
	exit 0
fi
rm -rf "$OUT" && mkdir -p "$OUT/src"
orig=$(awk '/^Files:/ {f=1; next} f && /orig/ {print $3; exit}' "$dsc")
log "extracting roms/opensbi from $orig"
tar -xJf "$SRC_CACHE/$orig" -C "$OUT/src" --strip-components=3 --wildcards '*/roms/opensbi/*'
grep -q 'OPENSBI_VERSION_MINOR 1$' "$OUT/src/include/sbi/sbi_version.h" || die "roms/opensbi is not OpenSBI 1.1"
apply_series "$OUT/src" "${series[@]}"
log "make PLATFORM=generic"
make -C "$OUT/src" CROSS_COMPILE="$CROSS" PLATFORM=generic FW_PIC=n -j"$JOBS" >"$OUT/build.log" 2>&1 ||
	{ tail -20 "$OUT/build.log" >&2; die "build failed; see $OUT/build.log"; }
cp "$OUT/src/build/platform/generic/firmware/fw_jump.bin" "$OUT/src/build/platform/generic/firmware/fw_jump.elf" "$OUT/"
finish
