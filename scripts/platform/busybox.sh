#!/usr/bin/env bash
# Static riscv64 busybox from Debian's busybox source package (with Debian's
# patches), defconfig + platform/busybox/duvisor.config.
COMPONENT=busybox
. "$(dirname "$0")/../lib.sh"

CROSS=riscv64-linux-gnu-
dsc=$(debsrc busybox)
frag=$TOP/platform/busybox/duvisor.config
key=$(key_of "$dsc" "$(${CROSS}gcc --version | head -1)" "$0" "$frag")
if cached busybox "$key"; then
	log "up to date ($key)"
	exit 0
fi
rm -rf "$OUT" && mkdir -p "$OUT"
# The build date busybox prints in its banner (include/autoconf.h): fixed, so
# the base initramfs has the same bytes wherever and whenever it is built.
export SOURCE_DATE_EPOCH=0
log "extracting $(basename "$dsc")"
dpkg-source --no-check -q -x "$dsc" "$OUT/src" >/dev/null 2>&1 || die "dpkg-source -x $dsc failed"
MK=(make -C "$OUT/src" ARCH=riscv CROSS_COMPILE="$CROSS" CC="ccache ${CROSS}gcc" HOSTCC=gcc -j"$JOBS")
"${MK[@]}" defconfig >"$OUT/build.log" 2>&1
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n) sed -i "s/^${line%%=*}=.*/# ${line%%=*} is not set/" "$OUT/src/.config" ;;
	CONFIG_*=*) sed -i -e "/^# ${line%%=*} is not set/d" -e "/^${line%%=*}=/d" "$OUT/src/.config"
		echo "$line" >>"$OUT/src/.config" ;;
	esac
done <"$frag"
(set +o pipefail; yes '' | "${MK[@]}" oldconfig >>"$OUT/build.log" 2>&1)
log "make (-j$JOBS)"
"${MK[@]}" busybox >>"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log" >&2; die "build failed; see $OUT/build.log"; }
cp "$OUT/src/busybox" "$OUT/busybox"
file "$OUT/busybox" | grep -q 'statically linked' || die "busybox is not static"
rm -rf "$OUT/src"
finish
