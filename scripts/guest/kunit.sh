# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Runs inside an x86_64 KUnit kernel as /scenario (scripts/kunit-qemu.sh):
# loads peercred.ko, then peercred_kunit.ko, whose suites run inside the
# insmod with the probes live, unloads both and scans the kernel log. Each
# check prints PASS/FAIL NAME; KTAP| lines carry KUnit's output (the kernel
# log between two markers) for the host to parse; DMESG| lines the reports
# behind a dirty log. The last line is PEERCRED-KUNIT-DONE.
M=/peercred/peercred.ko
K=/peercred/peercred_kunit.ko
# Everything the kernel prints from this marker on belongs to the run.
MARK='peercred-kunit: module loading'

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
check() { if [ "$2" = 0 ]; then pass "$1"; else fail "$1" "$3"; fi; }
kmsg() { echo "$1" >/dev/kmsg; }

mount -t debugfs debugfs /sys/kernel/debug
# A splat while booting turns lockdep off for good: the run would be blind
# to peercred's locking bugs, so say so rather than pass.
grep -qs 'debug_locks: *1' /proc/lockdep_stats
check detector.lockdep-on $? "$(grep debug_locks /proc/lockdep_stats 2>&1)"

kmsg "$MARK"
insmod $M
check load $? "insmod $M failed"
kmsg 'peercred-kunit: ktap begin'
# kunit runs the suites synchronously inside this insmod.
insmod $K
check kunit.insmod $? "insmod $K failed"
kmsg 'peercred-kunit: ktap end'
rmmod peercred_kunit
check kunit.rmmod $? "rmmod peercred_kunit failed"
rmmod peercred
check unload $? "rmmod peercred failed"
dmesg | sed -n '/peercred-kunit: ktap begin/,/peercred-kunit: ktap end/{/peercred-kunit: ktap /!p}' |
	sed 's/^\[[ 0-9.]*\] //; s/^/KTAP| /'

dmesg | sed -n "/$MARK/,\$p" >/tmp/dmesg
# A log that lost its start would scan clean: say so.
grep -q "$MARK" /tmp/dmesg
check dmesg.whole-run-logged $? "the load marker is gone from the kernel log"
splat='BUG:|WARNING:|KASAN|possible recursive locking|inconsistent lock state|circular locking|Invalid wait context|refcount_t|Call Trace|Oops|general protection|UBSAN|Kernel panic|suspicious RCU'
reports=$(grep -cE "$splat" /tmp/dmesg)
grep -E -B 2 -A 20 "$splat" /tmp/dmesg | head -n 80 | sed 's/^/DMESG| /'
check dmesg-clean "$reports" \
	"$reports report lines since the module loaded, first: $(grep -m 1 -E "$splat" /tmp/dmesg)"
grep -qs 'debug_locks: *1' /proc/lockdep_stats
check detector.lockdep-still-on $? "lockdep turned itself off"
echo PEERCRED-KUNIT-DONE
