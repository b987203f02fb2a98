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
# Lane 1 builds the module against Debian's kernels and boots them; lane 2
# builds and boots the KUnit and debug kernels: no build of one is the
# other's. Results are shown as they come, the summary counts both.
results='^(PASS|FAIL|SKIP) '
{
	"$s/static-check.sh"
	"$s/cli-test.sh" | sed 's#^\(PASS\|FAIL\) #\1 cli/#'
	"$s/guest-test.sh"
	"$s/dbus-test.sh"
} 2>"$out/lane1.err" | tee "$out/lane1" | grep --line-buffered -E "$results" &
lane1=$!
{
	"$s/kunit.sh" --no-deps
	# One guest at a time here: lane 1 has the other core.
	PEERCRED_TORTURE_JOBS=1 "$s/torture.sh" --no-deps
} 2>"$out/lane2.err" | tee "$out/lane2" | grep --line-buffered -E "$results" &
lane2=$!
wait "$lane1" "$lane2"
# What the lanes said besides results: progress, and why things failed.
cat "$out/lane1.err" "$out/lane2.err" >&2
cat "$out/lane1" "$out/lane2" >"$out/all"
peercred_summary "$out/all"
