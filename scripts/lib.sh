# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
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

# peercred_build NAME [KDIR]: build the module in a copy of the tree of its
# own, so builds for several kernels never share object files. NAME is a
# Debian kernel version (KDIR defaults to its installed headers) or any name
# given with a KDIR; a kernel with KUnit also builds kunit/. Prints the
# build directory.
peercred_build() {
	local kdir=${2:-/lib/modules/$1/build} out="$PEERCRED_CACHE/build/$1"
	rm -rf "$out"
	mkdir -p "$out"
	(cd "$PEERCRED_TOP" && tar cf - Kbuild module kunit) | tar xf - -C "$out"
	make -s -C "$kdir" M="$out" W=1 modules >"$out/build.log" 2>&1 ||
		{ cat "$out/build.log" >&2; return 1; }
	echo "$out"
}

# The guest programs every harness copies in: pctest and the CLI, into DIR.
peercred_guest_bin() {
	local g="$PEERCRED_TOP/scripts/guest"

	mkdir -p "$1"
	gcc -static -O2 -Wall -Wextra -Werror -o "$1/pctest" \
		"$g"/{pctest,check,scenarios,preexisting,drift,namespaces,reader,hold}.c &&
		install -m 755 "$PEERCRED_TOP/scripts/peercred" "$1/peercred"
}

# Debian's kernel sources, extracted once under the cache. The stamp names
# the tarball it came from (a new package revision ships a new one under the
# same name); the tree is extracted aside and moved into place stamped, so no
# reader ever sees a half-extracted tree. Prints the tree's path.
peercred_source() {
	local series=$1 tarball=/usr/src/linux-source-$1.tar.xz
	local dir="$PEERCRED_CACHE/src/linux-source-$1" id tmp
	[ -f "$tarball" ] || die "missing $tarball (install linux-source-$series)"
	id="$tarball $(stat -c '%s %Y' "$tarball")"
	if [ "$(cat "$dir/.peercred-extracted" 2>/dev/null)" != "$id" ]; then
		mkdir -p "$PEERCRED_CACHE/src"
		tmp=$(mktemp -d "$PEERCRED_CACHE/src/.extract.XXXXXX")
		tar -C "$tmp" -xJf "$tarball" || { rm -rf "$tmp"; die "cannot extract $tarball"; }
		echo "$id" >"$tmp/linux-source-$series/.peercred-extracted"
		rm -rf "$dir"
		mv "$tmp/linux-source-$series" "$dir"
		rmdir "$tmp"
	fi
	echo "$dir"
}

# KTAP on stdin to one "PASS|FAIL|SKIP PREFIXsuite.case" line per leaf
# result, as kunit.py counts them: a parameterised case once per parameter,
# a result closing a subtest (suite, parameterised case) not at all. Cases a
# suite planned but never reported (the kernel died in one) are failures.
peercred_ktap_cases() {
	awk -v prefix="${1:-}" '
	{ match($0, /^ */); indent = RLENGTH }
	/^ *# Subtest: / {
		open[indent] = 1
		if (indent == 4) {
			suite = $3
			planned[suite] = 0
			reported[suite] = 0
		}
		next
	}
	/^    1\.\.[0-9]+$/ { planned[suite] = substr($1, 4) }
	/^ +(ok|not ok) [0-9]+/ {
		ok = $1 == "ok"
		name = $0
		sub(/^ *(ok|not ok) [0-9]+ (- )?/, "", name)
		skip = name ~ /# SKIP/
		sub(/ *#.*$/, "", name)
		if (indent == 4)
			reported[suite]++
		if (open[indent + 4]) {
			open[indent + 4] = 0
			next
		}
		print (skip ? "SKIP" : ok ? "PASS" : "FAIL") " " prefix suite "." name
	}
	END {
		for (s in planned)
			if (planned[s] > reported[s])
				print "FAIL " prefix s ".unreported-cases: " \
					planned[s] - reported[s] " never reported"
	}'
}

# The closing line, from the PASS/FAIL/SKIP lines of FILE: "N passed, N
# failed" (", N skipped" when any were). True when something ran and passed.
peercred_summary() {
	local passed failed skipped
	passed=$(grep -c '^PASS ' "$1")
	failed=$(grep -c '^FAIL ' "$1")
	skipped=$(grep -c '^SKIP ' "$1")
	if [ "$skipped" -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
}
