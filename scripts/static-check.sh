#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Static checks, one PASS/FAIL line each, named with the kernel as the
# guest tests are (6.1, 7.3-rt): a W=1 build against every kernel of
# scripts/kernels (or of $PEERCRED_KERNELS), sparse (C=2) against the
# generic ones and the newest PREEMPT_RT ones, and a DKMS build from
# dkms.conf against each generic one but 6.1 amd64 (the package test's),
# the trixie ones in their chroot; checkpatch --strict
# on every C file and header we wrote, and a lint (shellcheck) of every
# shell script.
#
#   static-check.sh [--style]     (--style: checkpatch and shellcheck only)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

style_only=
[ "${1:-}" != --style ] || style_only=1

result() {	# result NAME OK DETAIL-FILE
	if [ "$2" = 0 ]; then
		echo "PASS $1"
	else
		echo "FAIL $1: $(head -c 2000 "$3")"
	fi
}

# in_root ROOT COMMAND...: on the host (ROOT empty) or in that chroot.
in_root() {
	local root=$1
	shift
	if [ -z "$root" ]; then "$@"; else peercred_chroot "$root" "$@"; fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ver=$(peercred_pkg_version)
rows=$(peercred_kernels) || exit 2
[ -z "$style_only" ] || rows=

# check_kernel NAME VERSION FLAVOR SPARSE: the W=1 build, sparse (unless
# SPARSE is no) and DKMS of one kernel, against its headers where they
# are: the host's, or a chroot of their release (its compiler, sparse and
# dkms).
check_kernel() {
	local name=$1 kver=$2 flavor=$3 sparse=$4 root kdir build ok t_build t_sparse err=$tmp/$1.err out=$tmp/$1.sparse
	local -a cross
	root=$(peercred_root "$kver")
	kdir=$(peercred_headers "$kver" "$root")
	# A cross root's kernels are built by the host, and DKMS is the host's.
	[ ! -f "$root/.peercred-cross" ] || root=""
	SECONDS=0
	ok=0
	if ! build=$(peercred_build "$kver" 2>"$out" </dev/null); then
		ok=1
		{ grep -m 3 'error:' "$out"; cat "$out"; } >"$err"
	elif grep -E 'warning:|error:' "$build/build.log" >"$err"; then
		ok=1
	fi
	result "build/$name.W=1-clean" $ok "$err"
	t_build=$SECONDS

	# KBUILD_CHECKSRC=2 too: kernels from 6.15 run scripts/checker-valid.sh
	# first, which Debian's linux-kbuild does not ship, and would turn
	# sparse off with only a make warning. deps.sh gives a chroot a sparse
	# that passes that check (__typeof_unqual__); V=1 shows that it ran.
	if [ "$sparse" = yes ]; then
		ok=0
		if [ -n "$build" ]; then
			peercred_kmake "$kver" "$build" C=2 KBUILD_CHECKSRC=2 W=1 V=1 modules >"$out" 2>&1 </dev/null || ok=1
			grep -E 'warning:|error:' "$out" >"$err" && ok=1
			[ $ok = 0 ] || [ -s "$err" ] || cp "$out" "$err"
			if [ $ok = 0 ] && ! grep -qE '^ +([^ ]*/)?sparse ' "$out"; then
				ok=1
				{ echo "sparse never ran"; cat "$out"; } >"$err"
			fi
		else
			ok=1
			echo "the module does not build (see build/$name)" >"$err"
		fi
		result "sparse/$name.clean" $ok "$err"
	fi
	t_sparse=$((SECONDS - t_build))

	# DKMS once per series and architecture, on the generic flavor: what
	# it adds to the W=1 build (dkms.conf, its MAKE line, the install
	# tree) does not depend on the flavor. Not on 6.1 amd64: make check's
	# package test builds for it with DKMS in a real Debian 12 system
	# (scripts/pkg-test.sh bookworm).
	if [ "$flavor" != generic ] || [ "$name" = 6.1 ]; then
		echo "static-check: $name ($kver) build ${t_build}s, sparse ${t_sparse}s" >&2
		return 0
	fi
	# DKMS as a user would run it, from a copy under /usr/src (the
	# chroot's for a chroot's kernel), against the kernel's headers where
	# they are (a cross root's on the host), cross-built for another
	# architecture as Debian cross-builds (lib.sh: peercred_cross_env). The
	# first error of a failed build comes first: check.sh shows one line.
	ok=0
	in_root "$root" dkms remove -m peercred -v "$ver" --all >/dev/null 2>&1 </dev/null || true
	rm -rf "$root/usr/src/peercred-$ver"
	mkdir -p "$root/usr/src/peercred-$ver"
	(cd "$PEERCRED_TOP" && tar cf - Kbuild Makefile module) |
		tar xf - -C "$root/usr/src/peercred-$ver"
	sed "s/#MODULE_VERSION#/$ver/" "$PEERCRED_TOP/dkms.conf" >"$root/usr/src/peercred-$ver/dkms.conf"
	mapfile -t cross < <(peercred_cross_env "$kver")
	# shellcheck disable=SC2016 # expanded by the inner sh
	in_root "$root" env "${cross[@]}" sh -c 'dkms add -m peercred -v "$1" >/dev/null &&
		if ! dkms build -m peercred -v "$1" -k "$2" --kernelsourcedir "$3" >/tmp/peercred-dkms.out 2>&1; then
			log=/var/lib/dkms/peercred/$1/build/make.log
			{ grep -m 3 "error:" "$log"; echo "(dkms build -k $2)"; cat /tmp/peercred-dkms.out "$log"; } 2>/dev/null
			rm -f /tmp/peercred-dkms.out
			exit 1
		fi
		rm -f /tmp/peercred-dkms.out
		ko=$(ls /var/lib/dkms/peercred/"$1"/"$2"/*/module/peercred.ko* | head -n 1) &&
		modinfo "$ko" | grep -q "^vermagic: *$2 " ||
			{ echo "no peercred.ko for $2 in /var/lib/dkms/peercred/$1"; exit 1; }' \
		sh "$ver" "$kver" "$kdir" >"$err" 2>&1 </dev/null || ok=1
	in_root "$root" dkms remove -m peercred -v "$ver" --all >/dev/null 2>&1 </dev/null || true
	rm -rf "$root/usr/src/peercred-$ver"
	result "dkms/$name.build" $ok "$err"
	echo "static-check: $name ($kver) build ${t_build}s, sparse ${t_sparse}s," \
		"dkms $((SECONDS - t_build - t_sparse))s" >&2
}

# Every kernel of the list, one stream per system their headers are in
# (the host, each chroot): a system has one DKMS tree, and two streams keep
# both CPUs busy while one waits on make or dkms. Results in the list's
# order.
declare -A stream=()
names=()
i=0
while read -r name series flavor suite level arch; do
	[ -n "$name" ] || continue
	i=$((i + 1))
	names[i]=$name
	if ! kver=$(peercred_kernel "$series" "$flavor" "$arch"); then
		for c in build sparse dkms; do
			echo "FAIL $c/$name: no $flavor $series kernel installed (run scripts/deps.sh)"
		done >"$tmp/$i.out"
		continue
	fi
	# A cross root's kernels are built on the host, as the host's are.
	root=$(peercred_root "$kver")
	[ ! -f "$root/.peercred-cross" ] || root=
	# Sparse on the generic kernels and the newest series' PREEMPT_RT ones
	# (what the older PREEMPT_RT ones would add is the same lock types on
	# older headers), not on level build (make check's budget).
	sparse=yes
	if [ "$level" = build ] || { [ "$flavor" != generic ] && [ "$suite" != trixie-backports ]; }; then
		sparse=no
	fi
	stream[${root:-host}]+="$i $name $kver $flavor $sparse;"
done <<<"$rows"
for key in "${!stream[@]}"; do
	(
		IFS=';'
		for item in ${stream[$key]}; do
			IFS=' ' read -r i name kver flavor sparse <<<"$item"
			check_kernel "$name" "$kver" "$flavor" "$sparse" >"$tmp/$i.out"
		done
	) &
done
wait
for ((j = 1; j <= i; j++)); do
	cat "$tmp/$j.out" 2>/dev/null ||
		echo "FAIL build/${names[j]}: its checks stopped before any result (see above)"
done

# The newer tree's checkpatch knows more (strcpy, barrier comments).
cp=$(peercred_source 6.12)/scripts/checkpatch.pl
for f in $(cd "$PEERCRED_TOP" && git ls-files -co --exclude-standard -- '*.c' '*.h'); do
	ok=0
	perl "$cp" --no-tree --strict --terse --show-types -f "$PEERCRED_TOP/$f" >"$tmp/err" 2>&1 || ok=1
	result "checkpatch/$f" $ok "$tmp/err"
done

# Every shell script: the guests' are busybox sh, the CLI POSIX sh.
for f in $(cd "$PEERCRED_TOP" && git ls-files -co --exclude-standard -- '*.sh' scripts/peercred scripts/peercred-metrics .ci/run debian/*.postrm); do
	ok=0
	shellcheck -S warning "$PEERCRED_TOP/$f" >"$tmp/err" 2>&1 || ok=1
	result "shellcheck/$f" $ok "$tmp/err"
done
