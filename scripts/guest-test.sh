#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest tests: boot each supported Debian kernel (scripts/kernels) under
# QEMU with the module and the static test programs, run the guest checks
# there (scripts/guest/checks.sh on the "full" kernels, basic.sh on the
# "basic" ones), and turn the serial log into PASS/FAIL lines named with the
# kernel: 6.1/users.cli-uid, 7.3-rt/users.cli-uid. A scenario or marker
# that never shows up is a failure, not a skip.
#
#   guest-test.sh [KERNEL...]      (6.1, 6.12-rt, 7.3-cloud; default: every
#                                   kernel of the list, or $PEERCRED_KERNELS)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rows=$(peercred_kernels "$@") || exit 2
full_scenarios=(preexisting users setuid-after socketpair names close refused visibility
	hiding drift identity netns userns parked full share containers pins label-forge flood
	resume labels-off)
basic_scenarios=(users socketpair hiding drift identity share containers pins label-forge flood)

while read -r name series flavor _ level arch; do
	[ -n "$name" ] || continue
	# The guest programs of its architecture, built once.
	if ! peercred_guest_bin "$(peercred_guest_dir guest-bin "$arch")" "$arch"; then
		echo "FAIL $name/guest-programs: do not build"
		continue
	fi
	if ! kver=$(peercred_kernel "$series" "$flavor" "$arch"); then
		echo "FAIL $name/kernel: no $flavor $arch $series kernel installed (run scripts/deps.sh)"
		continue
	fi
	if ! build=$(peercred_build "$kver" </dev/null); then
		echo "FAIL $name/build: module does not build against $kver"
		continue
	fi
	# The test module that kills ftrace (checks.sh), beside peercred.ko.
	if [ "$level" = full ] && ! peercred_test_module "$kver" "$build" ftrace-kill </dev/null; then
		echo "FAIL $name/build.ftrace-kill: the test module does not build against $kver"
		continue
	fi
	# The flood scenario (both levels) holds 400 000 socks; a reader that
	# held up RCU for 3 s would be reported.
	mem=2048 append="rcupdate.rcu_cpu_stall_timeout=3 ${PEERCRED_APPEND:-}"
	if [ "$level" = full ]; then
		script=checks.sh timeout=600 scenarios=("${full_scenarios[@]}")
	else
		script=basic.sh timeout=400 scenarios=("${basic_scenarios[@]}")
	fi
	log="$PEERCRED_CACHE/guest-$kver.log"
	SECONDS=0
	PEERCRED_MEM=$mem PEERCRED_APPEND=$append "$PEERCRED_TOP/scripts/guest/boot.sh" \
		"$kver" "$build" "$PEERCRED_TOP/scripts/guest/$script" "$log" 2 "$timeout" </dev/null
	echo "guest-test: $name ($kver, $level) took ${SECONDS}s" >&2
	tr -d '\r' <"$log" | sed -n "s#^\(PASS\|FAIL\|SKIP\) #\1 $name/#p"
	for sc in "${scenarios[@]}"; do
		rc=$(tr -d '\r' <"$log" | sed -n "s/^SCENARIO-END $sc \([0-9]*\)$/\1/p")
		[ -n "$rc" ] || echo "FAIL $name/scenario.$sc: never finished (see $log)"
		[ -z "$rc" ] || [ "$rc" = 0 ] || echo "FAIL $name/scenario.$sc: exited $rc"
	done
	grep -aq '^PEERCRED-CHECKS-DONE' "$log" ||
		echo "FAIL $name/guest-finished: no end marker, guest crashed or timed out (see $log)"
done <<<"$rows"
