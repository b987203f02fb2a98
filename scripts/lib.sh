# SPDX-License-Identifier: GPL-2.0
# Shared helpers for peercred's scripts; sourced, not run.

PEERCRED_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEERCRED_CACHE=${PEERCRED_CACHE:-$HOME/.cache/peercred}

die() {
	echo "peercred: $*" >&2
	exit 1
}

# Newest installed Debian kernel of a series (6.1, 6.12) that has both an
# image to boot and headers to build against.
peercred_kernel() {
	local series=$1 v
	for v in $(cd /boot && ls vmlinuz-"$series".* 2>/dev/null | sed 's/^vmlinuz-//' | sort -rV); do
		case $v in *-amd64) ;; *) continue ;; esac
		if [ -e "/lib/modules/$v/build/Makefile" ]; then
			echo "$v"
			return 0
		fi
	done
	return 1
}

# Build the module for one kernel in its own copy of the tree, so builds for
# several kernels never share object files. Prints the build directory.
peercred_build() {
	local kver=$1 out="$PEERCRED_CACHE/build/$1"
	mkdir -p "$out"
	(cd "$PEERCRED_TOP" && tar cf - Kbuild module) | tar xf - -C "$out"
	make -s -C "/lib/modules/$kver/build" M="$out" W=1 modules >"$out/build.log" 2>&1 ||
		{ cat "$out/build.log" >&2; return 1; }
	echo "$out"
}

# Debian's kernel sources, extracted once under the cache (a stamp marks a
# complete extraction). Prints the tree's path.
peercred_source() {
	local series=$1 dir="$PEERCRED_CACHE/src/linux-source-$1"
	if [ ! -e "$dir/.peercred-extracted" ]; then
		rm -rf "$dir"
		mkdir -p "$PEERCRED_CACHE/src"
		tar xf "/usr/src/linux-source-$series.tar.xz" -C "$PEERCRED_CACHE/src"
		touch "$dir/.peercred-extracted"
	fi
	echo "$dir"
}
