#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest tests: boot each supported Debian kernel under QEMU with the module
# and the static test programs, run scripts/guest/checks.sh there, and turn
# the serial log into PASS/FAIL lines. A scenario or marker that never shows
# up is a failure, not a skip.
#
#   guest-test.sh [SERIES...]      (default: 6.1 6.12)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

series=("$@")
[ ${#series[@]} -gt 0 ] || series=(6.1 6.12)
scenarios=(preexisting users setuid-after socketpair names close refused visibility
	drift netns userns full resume)

if ! peercred_guest_bin "$PEERCRED_CACHE/guest-bin"; then
	echo "FAIL guest-programs: do not build"
	exit 1
fi

for s in "${series[@]}"; do
	kver=$(peercred_kernel "$s") || { echo "FAIL $s: no kernel installed (run scripts/deps.sh)"; continue; }
	if ! build=$(peercred_build "$kver"); then
		echo "FAIL $s/build: module does not build against $kver"
		continue
	fi
	log="$PEERCRED_CACHE/guest-$kver.log"
	"$PEERCRED_TOP/scripts/guest/boot.sh" "$kver" "$build" \
		"$PEERCRED_TOP/scripts/guest/checks.sh" "$log" 2 400
	tr -d '\r' <"$log" | sed -n "s#^\(PASS\|FAIL\) #\1 $s/#p"
	for sc in "${scenarios[@]}"; do
		rc=$(tr -d '\r' <"$log" | sed -n "s/^SCENARIO-END $sc \([0-9]*\)$/\1/p")
		[ -n "$rc" ] || echo "FAIL $s/scenario.$sc: never finished (see $log)"
		[ -z "$rc" ] || [ "$rc" = 0 ] || echo "FAIL $s/scenario.$sc: exited $rc"
	done
	grep -aq '^PEERCRED-CHECKS-DONE' "$log" ||
		echo "FAIL $s/guest-finished: no end marker, guest crashed or timed out (see $log)"
done
