# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Runs inside the guest as /scenario on the kernels of the "basic" level
# (scripts/kernels): load, the users and socketpair scenarios, the attacks
# of users who are not friendly (hiding, drift of a thread, shares, a
# flooded table's reader), unload and a clean dmesg; same lines and markers
# as checks.sh, of which it is a part.
M=/peercred/peercred.ko

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

scenario() {
	timeout 120 pctest "$@"
	echo "SCENARIO-END $1 $?"
}

if insmod $M && [ -r /proc/peercred ]; then pass load; else fail load "insmod failed"; fi
. /apparmor.sh
for s in users socketpair hiding drift identity; do
	scenario $s
done
rmmod peercred && pass unload || fail unload "rmmod failed"
[ ! -e /proc/peercred ] && pass unload.proc-gone || fail unload.proc-gone "still there"

. /attacks.sh

if dmesg | grep -E 'BUG:|WARNING:|Oops|general protection|Call Trace|refcount_t:|UBSAN|KASAN'; then
	fail dmesg-clean "see the lines above"
else
	pass dmesg-clean
fi
echo PEERCRED-CHECKS-DONE
