# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Runs inside the guest as /scenario: every guest check of peercred on the
# booted kernel. Each check prints PASS/FAIL NAME; each pctest scenario is
# framed by SCENARIO-END so the host can tell a missing one from a silent one.
M=/peercred/peercred.ko

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

scenario() {
	pctest "$@"
	echo "SCENARIO-END $1 $?"
}

# The concurrency checks below mean little on one CPU.
cpus=$(grep -c '^processor' /proc/cpuinfo)
[ "$cpus" -ge 2 ] && pass smp.two-cpus || fail smp.two-cpus "guest has $cpus CPU"

# Bad parameters: refused at load with a message, nothing left behind.
for v in 0 -1 4194305 abc; do
	if insmod $M max_rows=$v 2>/dev/null; then
		fail "param.refused.$v" "insmod accepted max_rows=$v"
		rmmod peercred
	elif [ -e /proc/peercred ]; then
		fail "param.refused.$v" "/proc/peercred left behind"
	elif ! dmesg | grep -q "peercred: max_rows=$v refused"; then
		fail "param.refused.$v" "no message in dmesg"
	else
		pass "param.refused.$v"
	fi
done

if insmod $M && [ -r /proc/peercred ]; then pass load; else fail load "insmod failed"; fi
for s in users setuid-after socketpair names close refused visibility; do
	scenario $s
done
# Nothing here takes writes: even root's are refused and change nothing.
before=$(cat /proc/peercred_stats)
for f in peercred peercred_detail peercred_stats; do
	if echo 1 >/proc/$f 2>/dev/null; then
		fail "write-refused.$f" "a write to /proc/$f succeeded"
	else
		pass "write-refused.$f"
	fi
done
[ "$(cat /proc/peercred_stats)" = "$before" ] && pass write-refused.nothing-changed ||
	fail write-refused.nothing-changed "stats changed"
rmmod peercred && pass unload || fail unload "rmmod failed"
[ ! -e /proc/peercred ] && pass unload.proc-gone || fail unload.proc-gone "still there"

insmod $M max_rows=8 && scenario full
rmmod peercred

# Unload and reload while connections are being made and closed.
insmod $M
for i in 1 2 3; do pctest churn 12 >/tmp/churn.$i 2>&1 & done
cycles=0
while [ $cycles -lt 30 ]; do
	rmmod peercred || break
	insmod $M || break
	cycles=$((cycles + 1))
done
wait
[ $cycles -eq 30 ] && pass reload-under-churn || fail reload-under-churn "stopped after $cycles cycles"
if grep -q rounds /tmp/churn.1 && grep -q rounds /tmp/churn.2 && grep -q rounds /tmp/churn.3; then
	pass reload-under-churn.connects-kept-working
else
	fail reload-under-churn.connects-kept-working "$(cat /tmp/churn.*)"
fi
cat /tmp/churn.*

# After all that, a module that tracks churn loses no row and keeps none.
pctest churn 3
counter() { awk -v k="$1" '$1 == k { print $2 }' /proc/peercred_stats; }
cat /proc/peercred_stats
rec=$(counter recorded) rem=$(counter removed) live=$(counter live)
if [ "${rec:-0}" -gt 0 ] && [ "$rec" = "$rem" ] && [ "$live" = 0 ]; then
	pass churn.every-row-removed
else
	fail churn.every-row-removed "recorded=$rec removed=$rem live=$live"
fi
rmmod peercred

if dmesg | grep -E 'BUG:|WARNING:|Oops|general protection|Call Trace|refcount_t:|UBSAN|KASAN'; then
	fail dmesg-clean "see the lines above"
else
	pass dmesg-clean
fi
echo PEERCRED-CHECKS-DONE
