#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: what peercred costs a connect and how its table scales, in
# one QEMU guest boot of a Debian kernel (6.1 unless named: 6.12-rt, 7.3).
# Prints figures and ratios; it asserts nothing (timings in a TCG guest are
# for comparison, not verdicts).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$PEERCRED_TOP/scripts/deps.sh"
kver=$(peercred_kernel "${1:-6.1}") || die "no Debian ${1:-6.1} kernel installed"
build=$(peercred_build "$kver")
# The probe-only floor: the same probes, empty handlers, built beside it.
floor=$build/floor
rm -rf "$floor"
cp -r "$PEERCRED_TOP/scripts/guest/floor" "$floor"
peercred_kmake "$kver" "$floor" -s W=1 modules >&2 || die "the floor module does not build"
mkdir -p "$PEERCRED_CACHE/guest-bin"
gcc -static -O2 -Wall -Wextra -Werror -o "$PEERCRED_CACHE/guest-bin/pcbench" \
	"$PEERCRED_TOP/scripts/guest/bench.c"
log="$PEERCRED_CACHE/bench-$kver.log"
echo "Booting $kver under QEMU (TCG); this takes a few minutes..." >&2
PEERCRED_MEM=3072 \
	"$PEERCRED_TOP/scripts/guest/boot.sh" "$kver" "$build" \
	"$PEERCRED_TOP/scripts/guest/bench.sh" "$log" 2 1200
tr -d '\r' <"$log" | sed -n '/PEERCRED-BENCH-BEGIN/,/PEERCRED-BENCH-END/p' | sed '1d;$d' | grep . ||
	die "no figures; see $log"
