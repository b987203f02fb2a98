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
# the guests of the Debian kernels but the last PREEMPT_RT one, D-Bus and
# Prometheus. The second has torture on both debug kernels (PREEMPT_RT
# first, the longest job), KUnit, then that last kernel's guest and D-Bus
# run: with a warm cache, the two lanes take about as long. Kernel builds
# never overlap (kunit-kernel.sh holds one lock for all). Results are
# shown as they come, the summary counts both lanes.
# shellcheck source=scripts/kunit-lib.sh
. "$PEERCRED_TOP/scripts/kunit-lib.sh"
generic=() rt=()
if targets=$(peercred_torture_targets); then
	generic=("$(head -n 1 <<<"$targets")") rt=("$(tail -n 1 <<<"$targets")")
fi
# The Debian kernels' guests: PREEMPT_RT ones after the rest (an empty
# list would mean all of them: skipped instead).
kernels=$(peercred_kernels) || die "no kernel list"
mapfile -t rt_kernels < <(awk '$3 == "rt" { print $1 }' <<<"$kernels")
mapfile -t other_kernels < <(awk '$3 != "rt" { print $1 }' <<<"$kernels")
mapfile -t rt_full < <(awk '$3 == "rt" && $5 == "full" { print $1 }' <<<"$kernels")
mapfile -t other_full < <(awk '$3 != "rt" && $5 == "full" { print $1 }' <<<"$kernels")
# The last PREEMPT_RT kernel's guest and D-Bus run go to the second lane.
late=() late_full=()
if ((${#rt_kernels[@]} > 1)); then
	late=("${rt_kernels[-1]}")
	unset 'rt_kernels[-1]'
	if ((${#rt_full[@]})) && [ "${rt_full[-1]}" = "${late[0]}" ]; then
		late_full=("${late[0]}")
		unset 'rt_full[-1]'
	fi
fi
guests() {	# guests KERNEL...: the guest checks on those kernels
	(($# == 0)) || "$s/guest-test.sh" "$@"
}
results='^(PASS|FAIL|SKIP) '
{
	"$s/static-check.sh"
	"$s/cli-test.sh" | sed 's#^\(PASS\|FAIL\) #\1 cli/#'
	guests "${other_kernels[@]}"
	((${#other_full[@]} == 0)) || "$s/dbus-test.sh" "${other_full[@]}"
	"$s/metrics-test.sh"
	guests "${rt_kernels[@]}"
	((${#rt_full[@]} == 0)) || "$s/dbus-test.sh" "${rt_full[@]}"
} 2>"$out/lane1.err" | tee "$out/lane1" | grep --line-buffered -E "$results" &
lane1=$!
{
	PEERCRED_TORTURE_JOBS=1 "$s/torture.sh" --no-deps "${rt[@]}"
	# Without a series list, torture.sh above said why.
	((${#generic[@]} == 0)) || PEERCRED_TORTURE_JOBS=1 "$s/torture.sh" --no-deps "${generic[@]}"
	"$s/kunit.sh" --no-deps
	guests "${late[@]}"
	((${#late_full[@]} == 0)) || "$s/dbus-test.sh" "${late_full[@]}"
} 2>"$out/lane2.err" | tee "$out/lane2" | grep --line-buffered -E "$results" &
lane2=$!
wait "$lane1" "$lane2"
# What the lanes said besides results: progress, and why things failed.
cat "$out/lane1.err" "$out/lane2.err" >&2
cat "$out/lane1" "$out/lane2" >"$out/all"
peercred_summary "$out/all"
