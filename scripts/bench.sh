#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: what peercred costs a connect and how its table scales, in
# one QEMU guest boot of a Debian kernel. Prints figures and ratios; it
# asserts nothing (timings in a TCG guest are for comparison, not verdicts).
#
#   bench.sh [SERIES [rates|scale|all]]     (6.1, 6.12-rt, 7.3; default 6.1 all)
#
# Environment: ROUNDS and MS (rate rounds and their length in ms of guest
# time), PEERCRED_ICOUNT=1 (see guest/boot.sh: the guest clock counts
# instructions, so host load cannot move the ratios; one vCPU, see below).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

series=${1:-6.1} part=${2:-all}
case $part in rates | scale | all) ;; *) die "usage: $0 [SERIES [rates|scale|all]]" ;; esac
"$PEERCRED_TOP/scripts/deps.sh"
kver=$(peercred_kernel "$series") || die "no Debian $series kernel installed"
build=$(peercred_build "$kver")
peercred_bench_parts "$kver" "$build"
log="$PEERCRED_CACHE/bench-$kver.log"
scenario=$(mktemp)
trap 'rm -f "$scenario"' EXIT
{
	echo "PART=$part ROUNDS=${ROUNDS:-5} MS=${MS:-1000}"
	cat "$PEERCRED_TOP/scripts/guest/bench.sh"
} >"$scenario"
clock="wall-clock time" timeout=1200 cpus=2
# QEMU 7.2 (Debian 12) with -icount and two vCPUs hangs 6.1 while it brings
# up the second CPU and double-faults 6.12 in SLUB's cmpxchg16b within a
# minute; with one vCPU both run clean. The two-process rates then share it.
if [ -n "${PEERCRED_ICOUNT:-}" ]; then
	clock="instruction-count time (-icount shift=0: 1 ns a guest instruction), one vCPU"
	timeout=5400 cpus=1
fi
append=$(peercred_bench_append)
echo "Booting $kver under QEMU (TCG); this takes a few minutes..." >&2
echo "guest clock: $clock"
echo "guest kernel parameters: $append (see lib.sh)"
PEERCRED_MEM=3072 PEERCRED_APPEND=$append \
	"$PEERCRED_TOP/scripts/guest/boot.sh" "$kver" "$build" "$scenario" "$log" "$cpus" "$timeout"
tr -d '\r' <"$log" | sed -n '/PEERCRED-BENCH-BEGIN/,/PEERCRED-BENCH-END/p' | sed '1d;$d' | grep . ||
	die "no figures; see $log"
