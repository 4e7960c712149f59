#!/usr/bin/env bash
# Install every Debian package the project needs; idempotent and quiet when done.
set -euo pipefail

PKGS=(
  build-essential pkg-config dpkg-dev xz-utils bc bison flex cpio python3
  libssl-dev libelf-dev device-tree-compiler libfdt-dev zlib1g-dev
  gcc-riscv64-linux-gnu libc6-dev-riscv64-cross linux-libc-dev-riscv64-cross
  gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf
  ninja-build meson libglib2.0-dev libpixman-1-dev
  libcmocka-dev clang-format gnuplot-nox libbenchmark-dev
  e2fsprogs iproute2 ccache file linux-source-6.1
  cloc clang libclang-rt-14-dev
  g++-riscv64-linux-gnu autoconf automake libtool
  parallel rsync
)

need_root() { if [ "$(id -u)" -ne 0 ]; then echo "deps: run as root (or via sudo) to install packages" >&2; exit 1; fi; }

# deb-src entries: a Types: deb-src copy of the existing deb822 entry.
src_list=/etc/apt/sources.list.d/duvisor-deb-src.sources
add_src=0
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  add_src=1
fi

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

stamp=/var/lib/apt/duvisor-src-updated
if [ "$add_src" = 0 ] && [ "${#missing[@]}" = 0 ] && [ -e "$stamp" ]; then
  echo "deps: all packages present"
  exit 0
fi
need_root
if [ "$add_src" = 1 ]; then
  # A Types: deb-src copy of every Debian deb822 entry (or deb-src lines for a
  # classic sources.list).
  echo "deps: adding deb-src entries ($src_list)"
  : > "$src_list"
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && [ "$f" != "$src_list" ] && grep -q 'debian' "$f" || continue
    sed 's/^Types: deb$/Types: deb-src/' "$f" >> "$src_list"
    echo >> "$src_list"
  done
  if [ ! -s "$src_list" ] && [ -f /etc/apt/sources.list ]; then
    rm -f "$src_list"
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > /etc/apt/sources.list.d/duvisor-deb-src.list
  fi
fi
echo "deps: apt-get update"
apt-get update -qq
touch "$stamp"
if [ "${#missing[@]}" -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "deps: done"
