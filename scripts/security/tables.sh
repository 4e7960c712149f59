#!/usr/bin/env bash
# Tables 1 and 2 of the paper, measured (issue 12, part 2): host-kernel lines
# of code by subsystem and kernel entry points, KVM (Linux 6.1, RISC-V) vs
# the DV-driver. Counted by cloc over the kernel build tree that `make` made.
# Usage: scripts/security/tables.sh [OUTDIR]   (default results/security)
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$TOP/results/security}
lb=$TOP/build/linux/build
[ -f "$lb/Makefile" ] || { echo "tables: $lb missing (run 'make')" >&2; exit 1; }
# The O= build tree's Makefile names the source tree it was made from.
src=$(sed -n 's/^include \(.*\)\/Makefile$/\1/p' "$lb/Makefile" | head -1)
[ -d "$src/virt/kvm" ] || { echo "tables: Linux source '$src' missing (run 'make')" >&2; exit 1; }
mkdir -p "$out"
exec python3 "$TOP/scripts/security/loc.py" --linux-src "$src" --linux-build "$lb" --top "$TOP" --out "$out"
