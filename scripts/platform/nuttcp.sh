#!/usr/bin/env bash
# The Netperf substitute of the application benchmarks (issue 11): nuttcp
# 6.1.2 (Debian main; Netperf is not in main), one C file with Debian's
# patches and ours (apps/nuttcp/*.patch: the exact byte counts in -fparse
# output), static riscv64. A component of its own so that adding it does not
# rebuild the other workloads (scripts/platform/apps.sh).
# Output: $DUVISOR_CACHE/nuttcp-<key>/bin/nuttcp, linked from build/nuttcp.
COMPONENT=nuttcp
. "$(dirname "$0")/../lib.sh"

CROSS=riscv64-linux-gnu-
nt=$(debsrc nuttcp)
patches=("$TOP"/apps/nuttcp/*.patch)
key=$(key_of "$nt" "$(${CROSS}gcc --version | head -1)" "$0" "${patches[@]}")
if cached nuttcp "$key"; then
	log "up to date ($key)"
	exit 0
fi
rm -rf "$OUT" && mkdir -p "$OUT/bin"
export SOURCE_DATE_EPOCH=0
src=$OUT/src
log "nuttcp ($(basename "$nt" .dsc))"
dpkg-source --no-check -q -x "$nt" "$src" >/dev/null 2>&1 || die "dpkg-source -x $nt failed"
apply_series "$src" "${patches[@]}"
# the Makefile's only rule for Linux: one file, no configure
ccache ${CROSS}gcc -O2 -Wall -static -ffile-prefix-map="$OUT"=. -o "$OUT/bin/nuttcp" "$src/nuttcp-6.1.2.c" \
	>"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log" >&2; die "nuttcp failed; see $OUT/build.log"; }
file "$OUT/bin/nuttcp" | grep -q 'statically linked' || die "nuttcp is not static"
${CROSS}strip "$OUT/bin/nuttcp"
basename "$nt" .dsc | sed 's/_/ /' >"$OUT/versions.txt"
rm -rf "$src"
finish
