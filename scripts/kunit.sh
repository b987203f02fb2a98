#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# KUnit on every series of scripts/kernels (also make kunit), each in a
# kernel booted under QEMU (scripts/kunit-qemu.sh):
#
#   scripts/kunit.sh [--no-deps]
#
# the oldest and the newest in the debug kernels torture.sh builds for
# them (lib: peercred_torture_targets; the newest's is arm64 PREEMPT_RT
# when the list has arm64 kernels), so that those series need one kernel
# build each, the others in the lean x86_64 KUnit kernel. Every result is
# named kunit/NAME/..., NAME the series, the torture target's name for the
# newest (7.3-rt-arm64); a runner that fails without saying why is a FAIL
# too. The last line is "N passed, N failed".
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
	local series oldest newest s kernel target
	if ! series=$(peercred_kunit_series); then
		echo "FAIL kunit/kernels: scripts/kernels names no series (run scripts/deps.sh)" | tee -a "$out"
		return
	fi
	oldest=$(head -n 1 <<<"$series") newest=$(tail -n 1 <<<"$series")
	target=$(peercred_torture_targets | tail -n 1)
	for s in $(head -n -1 <<<"$series"); do
		kernel=kunit
		[ "$s" != "$oldest" ] || kernel=debug
		kunit "$s" "$PEERCRED_TOP/scripts/kunit-qemu.sh" "${deps[@]}" --src "$s" --kernel "$kernel"
	done
	kunit "$target" "$PEERCRED_TOP/scripts/kunit-qemu.sh" "${deps[@]}" --src "$newest" \
		--kernel "$(peercred_torture_kind "$target")"
}

all
peercred_summary "$out"
