#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: what peercred costs a connect and how its table scales, in
# one QEMU guest boot of Debian's 6.1 kernel. Prints figures and ratios; it
# asserts nothing (timings in a TCG guest are for comparison, not verdicts).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$PEERCRED_TOP/scripts/deps.sh"
kver=$(peercred_kernel "${1:-6.1}") || die "no Debian ${1:-6.1} kernel installed"
build=$(peercred_build "$kver")
mkdir -p "$PEERCRED_CACHE/guest-bin"
gcc -static -O2 -Wall -Wextra -Werror -o "$PEERCRED_CACHE/guest-bin/pcbench" \
	"$PEERCRED_TOP/scripts/guest/bench.c"
log="$PEERCRED_CACHE/bench-$kver.log"
echo "Booting $kver under QEMU (TCG); this takes a few minutes..." >&2
# Our cache gets its own slab (no merging) so its memory can be read.
PEERCRED_MEM=3072 PEERCRED_APPEND=slub_nomerge \
	"$PEERCRED_TOP/scripts/guest/boot.sh" "$kver" "$build" \
	"$PEERCRED_TOP/scripts/guest/bench.sh" "$log" 2 1200
tr -d '\r' <"$log" | sed -n '/PEERCRED-BENCH-BEGIN/,/PEERCRED-BENCH-END/p' | sed '1d;$d' | grep . ||
	die "no figures; see $log"
