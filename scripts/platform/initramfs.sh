#!/usr/bin/env bash
# Base initramfs of the modelled host: busybox + platform/initramfs/init.
# Experiments add their files as a second archive (scripts/host-run --add).
COMPONENT=initramfs
. "$(dirname "$0")/../lib.sh"

bb=$BUILD/busybox/busybox
gic=$BUILD/linux/gen_init_cpio
[ -f "$bb" ] || die "busybox not built (make platform)"
[ -x "$gic" ] || die "gen_init_cpio not built (make platform)"
list=$TOP/platform/initramfs/base.list
init=$TOP/platform/initramfs/init
key=$(key_of "$0" "$list" "$init" "$bb")
if cached initramfs "$key"; then
	log "up to date ($key)"
	exit 0
fi
rm -rf "$OUT" && mkdir -p "$OUT"
sed -e "s|@BUSYBOX@|$bb|" -e "s|@INIT@|$init|" "$list" | grep -v '^#' >"$OUT/base.list"
"$gic" -t 0 "$OUT/base.list" >"$OUT/base.cpio" || die "gen_init_cpio failed"
finish
