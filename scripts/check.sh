#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The whole test suite: dependencies, static checks, guest tests on every
# supported Debian kernel, KUnit under UML. Ends with "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/lib.sh"

"$PEERCRED_TOP/scripts/deps.sh" || die "could not install dependencies"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
{
	"$PEERCRED_TOP/scripts/static-check.sh"
	"$PEERCRED_TOP/scripts/guest-test.sh"
	if [ -x "$PEERCRED_TOP/scripts/kunit-uml.sh" ] && [ -e "$PEERCRED_TOP/kunit/Kbuild" ]; then
		"$PEERCRED_TOP/scripts/kunit-uml.sh" --no-deps | sed -n 's/^\(PASS\|FAIL\) /&kunit\//p'
	fi
} 2>&1 | tee "$out" | grep -E '^(PASS|FAIL) '

passed=$(grep -c '^PASS ' "$out")
failed=$(grep -c '^FAIL ' "$out")
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
