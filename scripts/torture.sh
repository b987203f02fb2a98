#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Torture peercred on a debug kernel: KASAN, lockdep, kmemleak, failslab.
#
#   scripts/torture.sh [--no-deps]
#
# Builds (or reuses) the x86_64 debug kernel of kunit/debug.config
# (scripts/debug-kernel.sh), peercred.ko and peercred_kunit.ko against it,
# and the static guest programs pcstress and pctest; boots it under QEMU
# with two vCPUs and runs scripts/guest/torture.sh there: the KUnit suites
# with kprobes live, a storm of connections, /proc readers, fd passing and
# exiting processes while the module is unloaded and reloaded, the row
# allocations failing under failslab, then a kmemleak scan and a dmesg
# scan. Prints one PASS/FAIL line per check (KUnit cases as
# kunit-debug/SUITE.CASE), the figures of the run, and last
# "N passed, N failed".
#
# Exit status: 0 every check passed; 1 otherwise.
#
# Environment:
#   PEERCRED_TORTURE_SECS     upper bound of the stress phase (default 240);
#                             it ends once the reload cycles are done (about
#                             a second each: 50 take about a minute)
#   PEERCRED_TORTURE_CYCLES   rmmod/insmod cycles under the storm (default 50)
#   PEERCRED_TORTURE_TIMEOUT  seconds before the guest is killed (default 900)
#   PEERCRED_CACHE            as in lib.sh (default ~/.cache/peercred)
set -uo pipefail

readonly prog=torture
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

log() { printf '%s: %s\n' "$prog" "$*" >&2; }

with_deps=1
case ${1:-} in
--no-deps) with_deps=0 ;;
"") ;;
*)
	echo "usage: $0 [--no-deps]" >&2
	exit 2
	;;
esac

secs=${PEERCRED_TORTURE_SECS:-240}
cycles=${PEERCRED_TORTURE_CYCLES:-50}
timeout=${PEERCRED_TORTURE_TIMEOUT:-900}
# The guest programs of this run only: boot.sh copies every file of
# $PEERCRED_CACHE/guest-bin into the guest, so give it a cache of its own.
tcache=$PEERCRED_CACHE/torture
out=$(mktemp)
tmp=$(mktemp -d)
trap 'rm -rf "$out" "$tmp"' EXIT

run() {
	local kdir build log scenario

	if ((with_deps)); then
		"$PEERCRED_TOP/scripts/deps.sh" ||
			{ echo "FAIL torture/deps: could not install dependencies"; return; }
	fi
	SECONDS=0
	if ! kdir=$("$PEERCRED_TOP/scripts/debug-kernel.sh"); then
		echo "FAIL torture/kernel-build: see the log above"
		return
	fi
	# A cached kernel comes back at once.
	if ((SECONDS > 5)); then
		echo "FIGURE kernel-build ${SECONDS}s"
	else
		echo "FIGURE kernel-build cached"
	fi
	if ! build=$(peercred_build debug-6.1 "$kdir"); then
		echo "FAIL torture/module-build: the module does not build against $kdir"
		return
	fi
	if grep -E 'warning:|error:' "$build/build.log" >&2; then
		echo "FAIL torture/module-build.W=1: warnings above"
	else
		echo "PASS torture/module-build.W=1"
	fi
	[[ -f $build/kunit/peercred_kunit.ko ]] ||
		echo "FAIL torture/module-build.kunit: no kunit/peercred_kunit.ko"
	rm -rf "$tcache/guest-bin"
	mkdir -p "$tcache/guest-bin"
	if ! gcc -static -O2 -Wall -Wextra -Werror -o "$tcache/guest-bin/pcstress" \
		"$PEERCRED_TOP/scripts/guest/stress.c" ||
		! peercred_guest_bin "$tcache/guest-bin"; then
		echo "FAIL torture/guest-programs: do not build"
		return
	fi

	scenario=$tmp/torture.sh
	{
		echo "STRESS_SECS=$secs"
		echo "CYCLES=$cycles"
		cat "$PEERCRED_TOP/scripts/guest/torture.sh"
	} >"$scenario"
	log=$tcache/guest.log
	log "booting $kdir/arch/x86/boot/bzImage (serial log: $log)"
	SECONDS=0
	# KASAN wants memory; slub_debug marks peercred's row cache (and only
	# it) for failslab, with red zones, poisoning and owner tracking; the
	# log buffer holds the whole run for the guest's dmesg scan; full
	# preemption (the kernel is built PREEMPT_DYNAMIC) widens every race.
	PEERCRED_CACHE=$tcache PEERCRED_MEM=2048 \
		PEERCRED_APPEND="slub_debug=FZPUA,peercred_row log_buf_len=8M preempt=full" \
		"$PEERCRED_TOP/scripts/guest/boot.sh" "$kdir/arch/x86/boot/bzImage" \
		"$build" "$scenario" "$log" 2 "$timeout"
	echo "FIGURE guest-run ${SECONDS}s"

	tr -d '\r' <"$log" >"$tmp/log"
	sed -n 's#^\(PASS\|FAIL\) #\1 torture/#p; /^FIGURE /p' "$tmp/log"
	sed -n 's/^KTAP| //p' "$tmp/log" | peercred_ktap_cases kunit-debug/ >"$tmp/kunit"
	cat "$tmp/kunit"
	grep -q . "$tmp/kunit" ||
		echo "FAIL kunit-debug/results: peercred_kunit.ko printed no case result"
	if ! grep -q '^PEERCRED-TORTURE-DONE' "$tmp/log"; then
		echo "FAIL torture/guest-finished: no end marker, guest crashed or timed out (see $log)"
		tail -n 40 "$tmp/log" >&2
	fi
	# The reports behind a failure, for the reader of the run.
	grep -E '^(LEAK|DMESG)\| ' "$tmp/log" | head -n 120 >&2
	# Phase durations from the guest's uptime stamps.
	awk '/^PHASE / {
		if (name != "") printf "FIGURE phase-%s-seconds %.1f\n", name, $3 - t
		name = $2; t = $3
		if (name == "detectors") printf "FIGURE guest-boot-seconds %.1f\n", t
	}' "$tmp/log"
}

# Results on stdout; progress and the reports behind failures on stderr.
run | tee "$out" | grep -E '^(PASS|FAIL|SKIP) '
echo "figures:"
sed -n 's/^FIGURE \([^ ]*\) \(.*\)$/  \1: \2/p' "$out"
peercred_summary "$out"
