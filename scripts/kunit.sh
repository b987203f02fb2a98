#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# KUnit on every series of scripts/kernels (also make kunit):
#
#   scripts/kunit.sh [--no-deps]
#
# the newest series under UML (scripts/kunit-uml.sh), the others in QEMU
# x86_64 KUnit kernels (scripts/kunit-qemu.sh): UML from 6.1 and 6.12
# cannot start a user process on a host CPU with AMX/AVX-512. The oldest
# runs in the debug kernel torture.sh builds for it, so that series needs
# one kernel build, not two. Every result is named kunit/SERIES/...; a
# runner that fails without saying why is a FAIL too. The last line is
# "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$PEERCRED_TOP/scripts/kunit-lib.sh"

deps=()
case ${1:-} in
--no-deps) deps=(--no-deps) ;;
"") "$PEERCRED_TOP/scripts/deps.sh" || die "could not install dependencies" ;;
*) echo "usage: $0 [--no-deps]" >&2; exit 2 ;;
esac
out=$(mktemp)
trap 'rm -f "$out" "$out.one"' EXIT

# kunit NAME RUNNER ARGS...: a KUnit runner's results, each named
# kunit/NAME/...; a runner that fails without saying why is a FAIL too.
kunit() {
	local name=$1 rc
	shift
	"$@" | sed -n "s#^\(PASS\|FAIL\|SKIP\) #\1 kunit/$name/#p" >"$out.one"
	rc=${PIPESTATUS[0]}
	tee -a "$out" <"$out.one"
	[ "$rc" = 0 ] || grep -q '^FAIL ' "$out.one" ||
		echo "FAIL kunit/$name/run: ${1##*/} exited $rc without a failed check" | tee -a "$out"
}

all() {
	local series oldest newest s kernel
	if ! series=$(peercred_kunit_series); then
		echo "FAIL kunit/kernels: scripts/kernels names no series (run scripts/deps.sh)" | tee -a "$out"
		return
	fi
	oldest=$(head -n 1 <<<"$series") newest=$(tail -n 1 <<<"$series")
	kunit "$newest" "$PEERCRED_TOP/scripts/kunit-uml.sh" "${deps[@]}" --src "$newest"
	for s in $(head -n -1 <<<"$series"); do
		kernel=kunit
		[ "$s" != "$oldest" ] || kernel=debug
		kunit "$s" "$PEERCRED_TOP/scripts/kunit-qemu.sh" "${deps[@]}" --src "$s" --kernel "$kernel"
	done
}

all
peercred_summary "$out"
