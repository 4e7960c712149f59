#!/usr/bin/env bash
# libfdt for riscv64 (static), cached like the platform components and linked
# as build/libfdt-riscv64 (include/, lib/libfdt.a). Source: Debian's
# device-tree-compiler source package when the archive has it; otherwise the
# copy of upstream libfdt (dtc 1.6.1) that Debian's linux-source-6.1 carries
# in scripts/dtc/libfdt, the same release as Debian 12's libfdt-dev.
COMPONENT=libfdt-riscv64
. "$(dirname "$0")/../scripts/lib.sh"

CROSS=riscv64-linux-gnu-
tarball=/usr/src/linux-source-6.1.tar.xz
ver=$(apt-cache showsrc device-tree-compiler 2>/dev/null | awk '/^Version:/ {print $2}' | sort -V | tail -1)
src=
if [ -n "$ver" ] && [ -f "$SRC_CACHE/device-tree-compiler_${ver#*:}.dsc.ok" ]; then
	src="dsc $SRC_CACHE/device-tree-compiler_${ver#*:}.dsc"
elif [ -n "$ver" ] && (cd "$SRC_CACHE" && apt-get source -qq --download-only "device-tree-compiler=$ver" >/dev/null 2>&1); then
	touch "$SRC_CACHE/device-tree-compiler_${ver#*:}.dsc.ok"
	src="dsc $SRC_CACHE/device-tree-compiler_${ver#*:}.dsc"
else
	[ -f "$tarball" ] || die "neither device-tree-compiler source nor $tarball is available (make deps)"
	rm -f "$SRC_CACHE/device-tree-compiler_${ver#*:}.dsc"
	src="linux-source-6.1 $(dpkg-query -W -f='${Version}' linux-source-6.1)"
fi
key=$(key_of "$src" "$(${CROSS}gcc --version | head -1)" "$0")
if cached libfdt-riscv64 "$key"; then
	exit 0
fi
rm -rf "$OUT" && mkdir -p "$OUT/include" "$OUT/lib" "$OUT/obj" "$OUT/src"
case "$src" in
dsc*)
	log "extracting ${src#dsc }"
	dpkg-source --no-check -q -x "${src#dsc }" "$OUT/src/dtc" >/dev/null 2>&1 || die "dpkg-source -x failed"
	lib=$OUT/src/dtc/libfdt ;;
*)
	log "extracting scripts/dtc/libfdt from $tarball"
	tar -xJf "$tarball" -C "$OUT/src" --strip-components=1 --wildcards '*/scripts/dtc/libfdt/*'
	lib=$OUT/src/scripts/dtc/libfdt ;;
esac
# Compiled in the source directory, named 'libfdt' in the debug info: the
# objects (linked into the VMMs that run in the modelled host) must not carry
# the cache's or the work tree's path.
export LC_ALL=C # the order of the objects in libfdt.a (globs sort by locale)
for c in "$lib"/fdt*.c; do
	(cd "$lib" && "${CROSS}gcc" -O2 -g -ffile-prefix-map="$lib"=libfdt -I. -c "$(basename "$c")" \
		-o "$OUT/obj/$(basename "${c%.c}").o") \
		>>"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log" >&2; die "compiling $(basename "$c") failed"; }
done
"${CROSS}ar" rcs "$OUT/lib/libfdt.a" "$OUT"/obj/*.o
cp "$lib"/{libfdt.h,fdt.h,libfdt_env.h} "$OUT/include/"
echo "$src" >"$OUT/SOURCE"
rm -rf "$OUT/src" "$OUT/obj"
finish
