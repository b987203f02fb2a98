# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Runs inside the debug-kernel guest as /scenario (scripts/torture.sh puts
# its settings in front of it): KUnit on a kernel with ftrace, stress with
# rmmod/insmod under load, fault injection into loads and reads, and a
# kmemleak scan after the last unload. Each check prints PASS/FAIL NAME;
# FIGURE NAME VALUE lines carry the numbers; KTAP| lines carry KUnit's
# output for the host to turn into one result per case.
#
# Settings (defaults for a run by hand):
STRESS_SECS=${STRESS_SECS:-900}	# upper bound of the stress phase
CYCLES=${CYCLES:-50}		# rmmod/insmod cycles under the storm
EXITERS=${EXITERS:-200}		# processes that exit with connections open
M=/peercred/peercred.ko
K=/peercred/peercred_kunit.ko
D=/sys/kernel/debug
LEAKS=$D/kmemleak
# Everything the kernel prints from this marker on belongs to the run.
MARK='peercred-torture: module loading'

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
check() { if [ "$2" = 0 ]; then pass "$1"; else fail "$1" "$3"; fi; }
figure() { echo "FIGURE $1 $2"; }
phase() { echo "PHASE $1 $(cut -d' ' -f1 /proc/uptime)"; }
counter() { awk -v k="$1" '$1 == k { print $2 }' /proc/peercred_stats 2>/dev/null; }
# A field of a pcstress summary line: field FILE NAME.
field() { sed -n "s/^STRESS .* $2=\([0-9]*\).*/\1/p" "$1" | head -n 1; }
kmsg() { echo "$1" >/dev/kmsg; }

mount -t debugfs debugfs $D
phase detectors
cpus=$(grep -c '^processor' /proc/cpuinfo)
check smp.two-cpus $((cpus < 2)) "guest has $cpus CPU"

# The detectors must be on before anything is loaded: a splat while
# booting turns lockdep off for good and the run would be blind.
grep -qs 'debug_locks: *1' /proc/lockdep_stats
check detector.lockdep-on $? "$(grep debug_locks /proc/lockdep_stats 2>&1)"
dmesg | grep -q 'KernelAddressSanitizer initialized'
check detector.kasan-on $? "no KASAN banner in dmesg"
[ -w $LEAKS ]
check detector.kmemleak-on $? "no $LEAKS"
[ -w $D/failslab/probability ]
check detector.failslab-on $? "no $D/failslab"

# kmemleak baseline: whatever the kernel reports before the module ever
# loads is the kernel's (with kunit/debug.config: nothing; a kernel whose
# ACPI could not read its tables reported its ACPI caches). Report it, then
# "clear" it (those objects are never reported again), so that every report
# after this point is news and fails the run.
phase kmemleak-baseline
echo scan >$LEAKS
sleep 6
echo scan >$LEAKS
base=$(grep -c '^unreferenced object' $LEAKS)
figure kmemleak-baseline-reports "$base"
grep -A 12 '^unreferenced object' $LEAKS | head -n 40 | sed 's/^/BASELINE| /'
echo clear >$LEAKS

# KUnit, with the probes live: the suites' own sockets go through them too.
phase kunit
kmsg "$MARK"
insmod $M
check load $? "insmod $M failed"
kmsg 'peercred-torture: ktap begin'
insmod $K
check kunit.insmod $? "insmod $K failed"
kmsg 'peercred-torture: ktap end'
rmmod peercred_kunit
check kunit.rmmod $? "rmmod peercred_kunit failed"
dmesg | sed -n '/peercred-torture: ktap begin/,/peercred-torture: ktap end/{/peercred-torture: ktap /!p}' |
	sed 's/^\[[ 0-9.]*\] //; s/^/KTAP| /'

# Everything at once, with the module coming and going underneath. The
# load runs niced (busybox has renice, not nice): on two emulated CPUs it
# would otherwise starve the rmmod/insmod loop, whose cycles are the point.
phase stress
renice 10 -p $$ >/dev/null
pcstress storm "$STRESS_SECS" 3 >/tmp/storm 2>&1 &
storm=$!
pcstress readers "$STRESS_SECS" 2 >/tmp/readers 2>&1 &
readers=$!
pcstress fdpass "$STRESS_SECS" >/tmp/fdpass 2>&1 &
fdpass=$!
pcstress exiters "$EXITERS" >/tmp/exiters 2>&1 &
exiters=$!
renice 0 -p $$ >/dev/null
cycles=0 cycle_err='' recorded=0 rm_s=0 ins_s=0
t0=$(cut -d' ' -f1 /proc/uptime)
# Every cycle must happen with the storm still running; a cycle takes
# about two seconds on the 6.1 debug kernel under TCG, most of it rmmod
# (see scripts/torture.sh), and more beside another guest: time is
# bounded too, well before the storm would end.
until=$(awk -v t="$t0" -v s="$STRESS_SECS" 'BEGIN { print int(t + s * 0.9) }')
while [ $cycles -lt "$CYCLES" ] && [ "$(cut -d. -f1 /proc/uptime)" -lt "$until" ]; do
	kill -0 $storm 2>/dev/null || { cycle_err="storm ended after $cycles cycles"; break; }
	n=$(counter recorded)
	recorded=$((recorded + ${n:-0}))
	a=$(cut -d' ' -f1 /proc/uptime)
	rmmod peercred || { cycle_err="rmmod failed at cycle $cycles"; break; }
	b=$(cut -d' ' -f1 /proc/uptime)
	insmod $M || { cycle_err="insmod failed at cycle $cycles"; break; }
	c=$(cut -d' ' -f1 /proc/uptime)
	rm_s=$(awk -v s="$rm_s" -v a="$a" -v b="$b" 'BEGIN { print s + b - a }')
	ins_s=$(awk -v s="$ins_s" -v b="$b" -v c="$c" 'BEGIN { print s + c - b }')
	cycles=$((cycles + 1))
done
t1=$(cut -d' ' -f1 /proc/uptime)
figure reload-cycles $cycles
figure rmmod-seconds "$rm_s"
figure insmod-seconds "$ins_s"
figure reload-seconds "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
figure rows-recorded-during-reloads $recorded
[ -e /proc/peercred ] || insmod $M
# The storm and its company stop early once the cycles are done.
kill -TERM $storm $readers $fdpass 2>/dev/null
wait $storm
storm_rc=$?
wait $readers
readers_rc=$?
wait $fdpass
fdpass_rc=$?
wait $exiters
exiters_rc=$?
cat /tmp/storm /tmp/readers /tmp/fdpass /tmp/exiters
[ -n "$cycle_err" ] || [ $cycles -ge "$CYCLES" ] ||
	cycle_err="only $cycles cycles in $(awk -v a="$t0" -v b="$t1" 'BEGIN { print int(b - a) }') s"
check reload-under-storm $((${#cycle_err} > 0)) "$cycle_err"
check stress.storm $storm_rc "$(cat /tmp/storm)"
check stress.readers $readers_rc "$(cat /tmp/readers)"
check stress.fdpass $fdpass_rc "$(cat /tmp/fdpass)"
check stress.exiters $exiters_rc "$(cat /tmp/exiters)"
[ "$(field /tmp/readers bytes)" -gt 0 ] 2>/dev/null
check stress.readers-saw-rows $? "readers read nothing: $(cat /tmp/readers)"

# Storm over, module loaded: a short settle round (it also runs the unix
# garbage collector for the sockets left in flight), then nothing is live.
phase settle
pcstress storm 1 1 >/tmp/settle 2>&1
live=$(counter live)
i=0
while [ "$live" != 0 ] && [ $i -lt 10 ]; do
	sleep 1
	live=$(counter live)
	i=$((i + 1))
done
sed 's/^/STATS| /' /proc/peercred_stats
check stress.live-zero-after $(( ${live:-1} != 0 )) "live=$live after the storm stopped"
rec=$(counter recorded) rem=$(counter removed)
check stress.every-row-removed $(( ${rec:-0} == 0 || rec != rem )) "recorded=$rec removed=$rem"
dropped=$(counter dropped)
check stress.no-drops $(( ${dropped:-1} != 0 )) "dropped=$dropped without fault injection"
for f in storm fdpass exiters; do
	figure "connections-$f" "$(field /tmp/$f connections)"
done
figure connections-settle "$(field /tmp/settle connections)"
total=0
for f in storm fdpass exiters settle; do
	n=$(field /tmp/$f connections)
	total=$((total + ${n:-0}))
done
figure connections-total-stress "$total"
figure fds-passed "$(field /tmp/fdpass passed)"
figure fds-left-in-flight "$(field /tmp/fdpass inflight)"
figure reader-passes "$(field /tmp/readers passes)"
figure reader-bytes "$(field /tmp/readers bytes)"
figure recorded-since-last-load "$rec"
awk '$1 ~ /^missed_/ { print "FIGURE " $1 " " $2 }' /proc/peercred_stats
rmmod peercred
check stress.unload $? "rmmod failed"

# Fault injection. Recording allocates nothing (rows come from a pool made
# at load), so what can fail is the load and a reader's buffers. failslab
# fails the slab allocations of one task only (task-filter, make-it-fail):
#  - insmod with a growing allocation budget (space), so that each load
#    fails at a later allocation, until one gets through: each refused
#    load must leave nothing behind (no /proc file, no module), and the
#    kmemleak scan below finds anything it leaked;
#  - readers whose allocations fail get an error, and the table is intact.
phase faults
kmsg 'peercred-torture: faults begin'
echo N >$D/failslab/cache-filter
# Loads and reads allocate with GFP_KERNEL, which failslab skips by default.
echo N >$D/failslab/ignore-gfp-wait
echo 0 >$D/failslab/verbose
echo 1 >$D/failslab/task-filter
echo 1 >$D/failslab/interval
echo 100 >$D/failslab/probability
# One injected failure a load (times 1), at a later allocation each time
# (space): a load that tolerates it (kvmalloc()'s slab try) is unloaded
# and the sweep goes on; it ends with the first load that met no injected
# failure at all. pcload does one finit_module() (busybox insmod would
# retry with init_module()); it exits 1 when the kernel refused the load,
# and sh exits 126 or 127 when its exec of pcload failed.
refused=0 leftover=0 loaded=1 space=0
while [ $space -le 4194304 ]; do
	echo 1 >$D/failslab/times
	echo $space >$D/failslab/space
	# shellcheck disable=SC2016 # $0 is the inner sh's
	sh -c 'echo 1 >/proc/self/make-it-fail && exec pcload "$0"' $M 2>/dev/null
	rc=$?
	if [ $rc = 0 ]; then
		injected=$(cat $D/failslab/times)
		rmmod peercred || { leftover=1; break; }
		if [ "$injected" != 0 ]; then
			loaded=0
			break
		fi
	elif [ $rc = 1 ]; then
		refused=$((refused + 1))
		if [ -e /proc/peercred ] || grep -q '^peercred ' /proc/modules; then
			leftover=1
			break
		fi
	fi
	space=$((space + 256 + space / 8))
done
figure faults-loads-refused "$refused"
figure faults-budget-that-loaded "$space"
check faults.loads-refused $((refused == 0)) "no load failed under failslab"
check faults.refused-load-leaves-nothing $leftover "a refused load left /proc/peercred or the module"
check faults.load-after-refusals $loaded "no load got through a budget of $space bytes"
insmod $M
check faults.load-after-sweep $? "insmod failed with no fault injected"
pcstress storm 4 2 >/tmp/fstorm 2>&1 &
storm=$!
i=0 readfail=0
while [ $i -lt 20 ]; do
	echo 1 >$D/failslab/times
	echo $((i * 64)) >$D/failslab/space
	# shellcheck disable=SC2016 # $0 is the inner sh's
	sh -c 'echo 1 >/proc/self/make-it-fail && exec cat "$0" "$1"' \
		/proc/peercred /proc/peercred_detail >/dev/null 2>&1 || readfail=$((readfail + 1))
	i=$((i + 1))
done
wait $storm
check faults.storm-meanwhile $? "$(cat /tmp/fstorm)"
echo 0 >$D/failslab/probability
echo 0 >$D/failslab/task-filter
figure faults-reads-failed "$readfail"
cat /proc/peercred >/dev/null
check faults.read-after-failed-reads $? "reading /proc/peercred fails"
pcstress storm 1 1 >/tmp/fsettle 2>&1
sed 's/^/STATS| /' /proc/peercred_stats
live=$(counter live) rec=$(counter recorded) rem=$(counter removed)
dropped=$(counter dropped)
check faults.no-drops $(( ${dropped:-1} != 0 )) "dropped=$dropped"
check faults.live-zero-after $(( ${live:-1} != 0 )) "live=$live"
check faults.every-row-removed $(( ${rec:-0} == 0 || rec != rem )) "recorded=$rec removed=$rem"
rmmod peercred
check faults.unload $? "rmmod failed"
kmsg 'peercred-torture: faults end'

# Leaks: two scans with a pause (an object must be older than five seconds
# and be seen unreferenced). Any report since the baseline was cleared is
# a failure, whatever its backtrace says: a leaked cred, pid or sock was
# allocated by the kernel, not by peercred.
phase kmemleak
sleep 2
echo scan >$LEAKS
sleep 6
echo scan >$LEAKS
leaks=$(grep -c '^unreferenced object' $LEAKS)
figure kmemleak-reports "$leaks"
grep -A 16 '^unreferenced object' $LEAKS | head -n 60 | sed 's/^/LEAK| /'
check kmemleak.none-new "$leaks" "$leaks new unreferenced objects (LEAK| lines)"
pc=$(grep -c peercred $LEAKS)
check kmemleak.none-from-peercred "$pc" "$pc report lines name peercred"

# Any splat since the module first loaded fails the run.
phase dmesg
dmesg | sed -n "/$MARK/,\$p" >/tmp/dmesg
# A log that lost its start would scan clean: say so.
grep -q "$MARK" /tmp/dmesg
check dmesg.whole-run-logged $? "the load marker is gone from the kernel log"
splat='BUG:|WARNING:|KASAN|possible recursive locking|inconsistent lock state|circular locking|kmemleak:|refcount_t|Call Trace|Oops|general protection|UBSAN|Kernel panic|suspicious RCU'
# An injected failure is reported by whoever met it: the allocator's
# warn_alloc() (a "vmalloc error" or "page allocation failure" line, then
# a Call Trace) or kmemleak, which could not allocate a scan area. Those
# two lines are expected between the fault phase's markers, and only there,
# as are the allocator's own warnings (6.1 WARNs in alloc_vmap_area() when
# splitting a free area fails); anything else there still counts (a BUG:
# or WARNING: line heads it).
awk '/peercred-torture: faults begin/ { f = 1 }
	/peercred-torture: faults end/ { f = 0 }
	!(f && /Call Trace|kmemleak: Cannot allocate a scan area|WARNING: .* at mm\//)' /tmp/dmesg >/tmp/dmesg.scan
reports=$(grep -cE "$splat" /tmp/dmesg.scan)
figure dmesg-reports "$reports"
grep -E -B 2 -A 20 "$splat" /tmp/dmesg.scan | head -n 80 | sed 's/^/DMESG| /'
check dmesg-clean "$reports" \
	"$reports report lines since the module loaded, first: $(grep -m 1 -E "$splat" /tmp/dmesg.scan)"
grep -qs 'debug_locks: *1' /proc/lockdep_stats
check detector.lockdep-still-on $? "lockdep turned itself off"
phase end
echo PEERCRED-TORTURE-DONE
