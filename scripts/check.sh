#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The whole test suite: dependencies, static checks, the CLI on fixtures,
# guest tests on every supported Debian kernel, KUnit under UML. Ends with "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/lib.sh"

"$PEERCRED_TOP/scripts/deps.sh" || die "could not install dependencies"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
{
	"$PEERCRED_TOP/scripts/static-check.sh"
	"$PEERCRED_TOP/scripts/cli-test.sh" | sed 's#^\(PASS\|FAIL\) #\1 cli/#'
	"$PEERCRED_TOP/scripts/guest-test.sh"
	"$PEERCRED_TOP/scripts/dbus-test.sh"
	"$PEERCRED_TOP/scripts/torture.sh" --no-deps
	for s in 6.1 6.12; do
		"$PEERCRED_TOP/scripts/kunit-uml.sh" --no-deps --src "$s" |
			sed -n "s#^\(PASS\|FAIL\|SKIP\) #\1 kunit/$s/#p"
		[ "${PIPESTATUS[0]}" != 2 ] || echo "FAIL kunit/$s: the UML kernel or the modules did not build"
	done
} 2>&1 | tee "$out" | grep -E '^(PASS|FAIL|SKIP) '

peercred_summary "$out"
