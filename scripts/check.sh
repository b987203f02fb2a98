#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The whole test suite: dependencies, static checks, the CLI on fixtures,
# guest tests on every supported Debian kernel, torture on debug kernels
# (generic and PREEMPT_RT), KUnit on every series. Ends with "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/lib.sh"

"$PEERCRED_TOP/scripts/deps.sh" || die "could not install dependencies"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
s=$PEERCRED_TOP/scripts
# Two lanes side by side. A QEMU guest runs on one host thread
# (thread=single), so one lane alone would leave the second core idle.
# The first lane has the static checks (two streams of module builds),
# the guests of the host's architecture's kernels (PREEMPT_RT after the
# rest), their D-Bus runs and Prometheus. The second has torture on both
# debug kernels (the newest's PREEMPT_RT one first, the longest job) and
# KUnit. Both then share the package tests (Debian 13, then 12) and the
# other architecture's (arm64) guests and D-Bus runs (shared, below).
# Kernel builds never overlap (kunit-kernel.sh holds one lock for all).
# Results are shown as they come, the summary counts both lanes.
# shellcheck source=scripts/kunit-lib.sh
. "$PEERCRED_TOP/scripts/kunit-lib.sh"
generic=() rt=()
if targets=$(peercred_torture_targets); then
	generic=("$(head -n 1 <<<"$targets")") rt=("$(tail -n 1 <<<"$targets")")
fi
# The Debian kernels' guests (an empty list would mean all of them:
# skipped instead).
# Those of level build get no guest in make check.
kernels=$(peercred_kernels) || die "no kernel list"
kernels=$(awk '$5 != "build"' <<<"$kernels")
host=$(dpkg --print-architecture)
pick() {	# pick AWK-CONDITION: the names of the kernels it selects
	awk -v host="$host" "$1 { print \$1 }" <<<"$kernels"
}
mapfile -t other_kernels < <(pick '$6 == host && $3 != "rt"')
mapfile -t other_full < <(pick '$6 == host && $3 != "rt" && $5 == "full"')
mapfile -t rt_kernels < <(pick '$6 == host && $3 == "rt"')
mapfile -t rt_full < <(pick '$6 == host && $3 == "rt" && $5 == "full"')
mapfile -t cross_kernels < <(pick '$6 != host')
mapfile -t cross_full < <(pick '$6 != host && $5 == "full"')
guests() {	# guests KERNEL...: the guest checks on those kernels
	(($# == 0)) || "$s/guest-test.sh" "$@"
}
# The other architecture's guests and D-Bus runs need no kernel built
# here, so both lanes end with them, each taking the next one not taken
# (mkdir is the claim): the lane that is done first does more of them.
# With a warm cache the two lanes end together; with a cold one the
# second lane builds the kernels of KUnit and torture, and the first
# boots every arm64 guest meanwhile.
pkg() {	# pkg RELEASE: the package test, with the packages built below
	until [ -e "$out/debs.done" ]; do sleep 2; done
	"$s/pkg-test.sh" --prebuilt "$1"
}
shared() {
	local k
	# The package tests first, Debian 13's then 12's: the lane done first
	# takes the next (their system images were started in the background
	# below, at the beginning).
	! mkdir "$out/claim.pkg-trixie" 2>/dev/null || pkg trixie
	! mkdir "$out/claim.pkg-bookworm" 2>/dev/null || pkg bookworm
	for k in "${cross_kernels[@]}"; do
		! mkdir "$out/claim.$k" 2>/dev/null || guests "$k"
	done
	((${#cross_full[@]} == 0)) || ! mkdir "$out/claim.dbus" 2>/dev/null ||
		"$s/dbus-test.sh" "${cross_full[@]}"
}
results='^(PASS|FAIL|SKIP) '
# The packages, once for both package tests, and the tests' Debian systems
# (debootstrap: mostly the archive's time, cached afterwards) are made
# while the lanes compile.
{
	"$s/pkg-test.sh" --debs >"$out/debs" 2>&1
	touch "$out/debs.done"
	"$s/pkg-test.sh" --image trixie
	"$s/pkg-test.sh" --image bookworm
} >"$out/image.log" 2>&1 &
{
	"$s/static-check.sh"
	"$s/cli-test.sh" | sed 's#^\(PASS\|FAIL\) #\1 cli/#'
	guests "${other_kernels[@]}"
	((${#other_full[@]} == 0)) || "$s/dbus-test.sh" "${other_full[@]}"
	"$s/metrics-test.sh"
	guests "${rt_kernels[@]}"
	((${#rt_full[@]} == 0)) || "$s/dbus-test.sh" "${rt_full[@]}"
	shared
} 2>"$out/lane1.err" | tee "$out/lane1" | grep --line-buffered -E "$results" &
lane1=$!
{
	# Shorter than make torture's (50 reload cycles, 120 s of fuzz): 20
	# cycles (10 s each on the PREEMPT_RT arm64 kernel under TCG) and 60 s
	# of fuzz, what leaves room for the package tests.
	export PEERCRED_TORTURE_CYCLES=${PEERCRED_TORTURE_CYCLES:-20}
	export PEERCRED_TORTURE_FUZZ_SECS=${PEERCRED_TORTURE_FUZZ_SECS:-60}
	PEERCRED_TORTURE_JOBS=1 "$s/torture.sh" --no-deps "${rt[@]}"
	# Without a series list, torture.sh above said why.
	((${#generic[@]} == 0)) || PEERCRED_TORTURE_JOBS=1 "$s/torture.sh" --no-deps "${generic[@]}"
	"$s/kunit.sh" --no-deps
	shared
} 2>"$out/lane2.err" | tee "$out/lane2" | grep --line-buffered -E "$results" &
lane2=$!
wait "$lane1" "$lane2"
# What the lanes said besides results: progress, and why things failed.
cat "$out/image.log" "$out/lane1.err" "$out/lane2.err" >&2
grep -E "$results" "$out/debs"
cat "$out/debs" "$out/lane1" "$out/lane2" >"$out/all"
peercred_summary "$out/all"
