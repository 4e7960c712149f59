# Shared helpers for the platform build scripts (sourced, not run).
# Every component is built once per key (a hash of all its inputs) into
# $DUVISOR_CACHE/<name>-<key>/ and linked from build/<name> in the work tree.

set -euo pipefail

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
DUVISOR_CACHE=${DUVISOR_CACHE:-$HOME/.cache/duvisor-bench}
SRC_CACHE=$DUVISOR_CACHE/src
BUILD=$TOP/build
JOBS=${JOBS:-$(nproc)}
export CCACHE_DIR=${CCACHE_DIR:-$DUVISOR_CACHE/ccache}
export CCACHE_BASEDIR=$DUVISOR_CACHE
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
mkdir -p "$SRC_CACHE" "$BUILD"

log() { printf '[%s] %s\n' "${COMPONENT:-build}" "$*"; }
die() { printf '%s: error: %s\n' "${COMPONENT:-build}" "$*" >&2; exit 1; }

# key_of TEXT... FILE... : short sha256 over strings and file contents.
# Arguments naming an existing file contribute path and content; others, text.
key_of() {
	local a
	for a in "$@"; do
		if [ -f "$a" ]; then
			a=$(realpath "$a")
			printf 'file %s\n' "${a#"$TOP"/}"
			cat "$a"
		else
			printf 'text %s\n' "$a"
		fi
	done | sha256sum | cut -c1-16
}

# debsrc PKG: version of a source package as apt would fetch it; downloads it
# into $SRC_CACHE once and prints the .dsc path.
debsrc() {
	local pkg=$1 ver dsc
	ver=$(apt-cache showsrc "$pkg" 2>/dev/null | awk '/^Version:/ {print $2}' | sort -V | tail -1)
	[ -n "$ver" ] || die "no source package '$pkg' (run 'make deps' to add deb-src entries)"
	dsc=$SRC_CACHE/${pkg}_${ver#*:}.dsc
	if [ ! -f "$dsc.ok" ]; then
		(cd "$SRC_CACHE" && apt-get source -qq --download-only "$pkg=$ver" >/dev/null 2>&1) ||
			die "apt-get source $pkg=$ver failed"
		touch "$dsc.ok"
	fi
	echo "$dsc"
}

# cached NAME KEY: sets OUT; returns 0 if OUT is already complete.
# build/NAME is relinked only to a complete build, so a build in progress (or a
# failed one) never breaks what others are running.
# One build of a component at a time: the lock is held until the script exits.
cached() {
	NAME=$1
	OUT=$DUVISOR_CACHE/$1-$2
	# A complete build is never changed again: use it without waiting for the
	# lock, which another work tree may hold for a build under another key.
	if [ ! -f "$OUT/.done" ]; then
		exec 9>"$DUVISOR_CACHE/.lock-$1"
		flock 9
		[ -f "$OUT/.done" ] || return 1
	fi
	ln -sfn "$OUT" "$BUILD/$1"
}

finish() {
	date -u +%FT%TZ >"$OUT/.done"
	ln -sfn "$OUT" "$BUILD/$NAME"
	log "built in $SECONDS s -> $OUT"
}

apply_series() { # DIR PATCH...
	local dir=$1 p
	shift
	for p in "$@"; do
		[ -f "$p" ] || continue
		log "patch ${p#"$TOP"/}"
		patch -d "$dir" -p1 -s -N <"$p" || die "patch ${p#"$TOP"/} does not apply"
	done
}

# A patched copy of a source tree that leaves the original as it is: hard
# links to VANILLA's files, real copies of the files the series changes
# (patch must not write through a link), then the series applied.
patched_tree() { # DST VANILLA PATCH...
	local dst=$1 van=$2
	shift 2
	rm -rf "$dst"
	cp -al "$van" "$dst"
	rm -f "$dst/.extracted" "$dst/.patched"
	sed -n 's|^+++ b/||p' "$@" | while IFS= read -r f; do
		if [ -f "$dst/$f" ]; then cp --remove-destination "$van/$f" "$dst/$f"; fi
	done
	apply_series "$dst" "$@"
}
