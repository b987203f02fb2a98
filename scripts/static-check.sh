#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Static checks, one PASS/FAIL line each: W=1 builds against every supported
# Debian kernel, sparse (C=2), checkpatch --strict on every C file and
# header we wrote, a DKMS build for each kernel from dkms.conf, and a
# lint (shellcheck) of every shell script.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

result() {	# result NAME OK DETAIL-FILE
	if [ "$2" = 0 ]; then
		echo "PASS $1"
	else
		echo "FAIL $1: $(head -c 2000 "$3")"
	fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$PEERCRED_TOP/dkms.conf")

for s in 6.1 6.12; do
	kver=$(peercred_kernel "$s") || { echo "FAIL build/$s: no kernel installed"; continue; }
	ok=0
	build=$(peercred_build "$kver" 2>"$tmp/err") || ok=1
	[ $ok = 1 ] || ! grep -E 'warning:|error:' "$build/build.log" >"$tmp/err" || ok=1
	result "build/$s.W=1-clean" $ok "$tmp/err"

	ok=0
	make -s -C "/lib/modules/$kver/build" M="$build" C=2 W=1 modules >"$tmp/sparse" 2>&1 || ok=1
	grep -E 'warning:|error:' "$tmp/sparse" >"$tmp/err" && ok=1
	[ $ok = 0 ] || [ -s "$tmp/err" ] || cp "$tmp/sparse" "$tmp/err"
	result "sparse/$s.clean" $ok "$tmp/err"

	# DKMS as a user would run it, from a copy under /usr/src.
	ok=0
	dkms remove -m peercred -v "$ver" --all >/dev/null 2>&1 || true
	rm -rf "/usr/src/peercred-$ver"
	mkdir -p "/usr/src/peercred-$ver"
	(cd "$PEERCRED_TOP" && tar cf - Kbuild Makefile dkms.conf module) |
		tar xf - -C "/usr/src/peercred-$ver"
	{ dkms add -m peercred -v "$ver" && dkms build -m peercred -v "$ver" -k "$kver" &&
	  modinfo "$(ls "/var/lib/dkms/peercred/$ver/$kver/x86_64/module/peercred.ko"* | head -n 1)" |
	  grep -q "^vermagic: *$kver "; } >"$tmp/err" 2>&1 || ok=1
	dkms remove -m peercred -v "$ver" --all >/dev/null 2>&1 || true
	rm -rf "/usr/src/peercred-$ver"
	result "dkms/$s.build" $ok "$tmp/err"
done

# The newer tree's checkpatch knows more (strcpy, barrier comments).
cp=$(peercred_source 6.12)/scripts/checkpatch.pl
for f in $(cd "$PEERCRED_TOP" && git ls-files -co --exclude-standard -- '*.c' '*.h'); do
	ok=0
	perl "$cp" --no-tree --strict --terse --show-types -f "$PEERCRED_TOP/$f" >"$tmp/err" 2>&1 || ok=1
	result "checkpatch/$f" $ok "$tmp/err"
done

# Every shell script: the guests' are busybox sh, the CLI POSIX sh.
for f in $(cd "$PEERCRED_TOP" && git ls-files -co --exclude-standard -- '*.sh' scripts/peercred .ci/run); do
	ok=0
	shellcheck -S warning "$PEERCRED_TOP/$f" >"$tmp/err" 2>&1 || ok=1
	result "shellcheck/$f" $ok "$tmp/err"
done
