# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Runs inside the debug-kernel guest as /scenario (scripts/torture.sh puts
# its settings in front of it): KUnit on a kernel with ftrace, stress with
# rmmod/insmod under load, AF_UNIX system calls fuzzed by trinity, fault
# injection into loads and reads, and a kmemleak scan after the last
# unload. Each check prints PASS/FAIL NAME; FIGURE NAME VALUE lines carry
# the numbers; KTAP| lines carry KUnit's output for the host to turn into
# one result per case.
#
# Settings (defaults for a run by hand):
STRESS_SECS=${STRESS_SECS:-900}	# upper bound of the stress phase
CYCLES=${CYCLES:-50}		# rmmod/insmod cycles under the storm
EXITERS=${EXITERS:-200}		# processes that exit with connections open
FUZZ_SECS=${FUZZ_SECS:-120}	# length of the fuzz phase
M=/peercred/peercred.ko
K=/peercred/peercred_kunit.ko
# Debian's system call fuzzer, with the libraries it links (torture.sh).
T=/usr/bin/trinity
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

# Fuzzing: trinity, Debian's system call fuzzer, as three users at once,
# each with children that share its sockets, on AF_UNIX sockets only and
# the calls that make, connect, use and tear down connections, while every
# file of the module is read. trinity never calls close, fork or clone
# itself (its table avoids them): dup2 and dup3 close their target, a
# child that dies is replaced (a fork, the sockets shared), and the end of
# a run (SIGINT when the phase is over) releases every socket it made, in
# whatever state the calls left it. Debian 12's trinity reads past the
# end of its table of protocols when it makes up a socket option (glibc's
# PF_MAX is one more than its own; fixed upstream since): three runs in
# four die of it (exit 139) while opening their sockets, before the first
# call, and are started again; children die of it now and then, and are
# replaced.
phase fuzz
# A user process's fault is logged with "general protection" in it, as a
# kernel's is, and trinity's are no report: that trace is off meanwhile.
ET=/proc/sys/debug/exception-trace
trace=$(cat $ET 2>/dev/null)
[ -z "$trace" ] || echo 0 >$ET
insmod $M
check fuzz.load $? "insmod $M failed"
rm -rf /tmp/fuzz
mkdir /tmp/fuzz
# -qq: none of its lines per call, still its summary ("Ran N syscalls",
# which a third -q would hide); -l off: no log files (a file per child,
# fsync'd before every call); -a 64: the debug kernels have no 32-bit
# system calls; -P UNIX: the sockets it opens at start, the families of
# socket() and every address are AF_UNIX; --enable-fds=sockets: the
# descriptors given to calls are those sockets, no files of /proc, /sys,
# /dev, pipes or the like; -C 2: two children each, which share its
# sockets (its default, four per CPU, would make 24 processes on the two
# emulated CPUs, and slow down the starts the bug above makes fail).
fuzz_opts="-q -q -l off -a 64 -P UNIX --enable-fds=sockets -C 2"
for c in socket socketpair bind listen connect accept accept4 shutdown \
	dup dup2 dup3 sendmsg recvmsg setsockopt getsockopt; do
	fuzz_opts="$fuzz_opts -c $c"
done
# fuzz_user UID: trinity as UID, in a directory of its own (it keeps a
# socket cache there, and its bind() calls make files), until the phase is
# over, started again when it died; the output in /tmp/fuzz/UID.log. No
# run is started with less than 10 s left: its SIGINT could come before
# trinity handles it (a background job starts with SIGINT ignored).
fuzz_user() {
	mkdir -p /tmp/fuzz/"$1" && chown "$1:$1" /tmp/fuzz/"$1" && cd /tmp/fuzz/"$1" || return 1
	while left=$((fuzz_end - $(cut -d. -f1 /proc/uptime))); [ $left -ge 10 ]; do
		# shellcheck disable=SC2086 # the options, a word each
		timeout -s INT -k 30 $left pctest runas "$1" "$1" - $T $fuzz_opts
		echo "run exit $?"
	done >>/tmp/fuzz/"$1".log 2>&1
}
t0=$(cut -d' ' -f1 /proc/uptime)
fuzz_end=$((${t0%.*} + FUZZ_SECS))
# The readers run until the fuzzers are done, whenever that is.
pcstress readers $((FUZZ_SECS + 600)) 2 >/tmp/fuzz/readers 2>&1 &
readers=$!
(
	n=0
	while [ ! -e /tmp/fuzz/stop ]; do
		cat /proc/peercred_detail /proc/peercred_stats >/dev/null || exit 1
		n=$((n + 1))
	done
	echo "cat passes=$n"
) >/tmp/fuzz/cats 2>&1 &
cats=$!
# What trinity seldom makes: connections that are accepted, and sockets
# passed with SCM_RIGHTS, some left in flight in cycles that only the
# unix garbage collector frees; as two more users, meanwhile.
pctest runas 3004 3004 - pcstress storm "$FUZZ_SECS" 2 >/tmp/fuzz/storm 2>&1 &
storm=$!
pctest runas 3005 3005 - pcstress fdpass "$FUZZ_SECS" >/tmp/fuzz/fdpass 2>&1 &
fdpass=$!
# ran LOG...: the system calls the runs of those logs made.
ran() { cat "$@" 2>/dev/null | sed -n 's/^\[main\] Ran \([0-9]*\) syscalls.*/\1/p' | awk '{ n += $1 } END { print n + 0 }'; }
# fuzz_round: the three users' fuzzers until fuzz_end.
fuzz_round() {
	fuzzers=''
	for u in 3001 3002 3003; do
		fuzz_user $u &
		fuzzers="$fuzzers $!"
	done
	# Not wait without pids: that would wait for the readers too.
	# shellcheck disable=SC2086 # a list of pids
	wait $fuzzers
}
if [ -x $T ]; then
	fuzz_round
	# A round in which every run died at start fuzzed nothing: on the
	# arm64 PREEMPT_RT debug kernel such a run takes about 50 s (seven
	# runs of three users in one phase of 116 s, all dead, once), so a
	# phase holds two or three a user. Then one more round, without the
	# storm, while the readers still read.
	if [ "$(ran /tmp/fuzz/*.log)" = 0 ]; then
		fuzz_end=$(($(cut -d. -f1 /proc/uptime) + FUZZ_SECS))
		fuzz_round
	fi
fi
t1=$(cut -d' ' -f1 /proc/uptime)
# The children of a run killed by -k notice it late: none outlives the
# phase, they asked failslab to fail them (make-it-fail), which the fault
# phase turns on.
# shellcheck disable=SC2086 # a list of pids
stray=$(pidof trinity) && kill -KILL $stray
touch /tmp/fuzz/stop
kill -TERM $readers $storm $fdpass 2>/dev/null
wait $readers
readers_rc=$?
wait $storm
storm_rc=$?
wait $fdpass
fdpass_rc=$?
wait $cats
cats_rc=$?
[ -z "$trace" ] || echo "$trace" >$ET
each='' users=0 runs=0 died=0
for u in 3001 3002 3003; do
	log=/tmp/fuzz/$u.log
	n=$(ran $log)
	each="$each $u:$n"
	[ "$n" = 0 ] || users=$((users + 1))
	r=$(grep -c '^run exit' $log 2>/dev/null) ok=$(grep -c '^\[main\] Ran ' $log 2>/dev/null)
	runs=$((runs + ${ok:-0})) died=$((died + ${r:-0} - ${ok:-0}))
	# A line for each run that fuzzed, with its seed (trinity -s SEED).
	awk -v u=$u '/^\[main\] Initial random seed/ { seed = $NF }
		/^\[main\] Bailing/ { why = $0; sub(/.* because /, "", why) }
		/^\[main\] Ran / { ran = $0; sub(/^\[main\] /, "", ran) }
		/^run exit/ {
			if (ran != "") print "FUZZ| " u ": seed " seed ": " ran " Ended: " why " Exit " $3 "."
			seed = ran = why = ""
		}' $log 2>/dev/null
done
cat /tmp/fuzz/readers /tmp/fuzz/cats /tmp/fuzz/storm /tmp/fuzz/fdpass
figure fuzz-syscalls "$(ran /tmp/fuzz/*.log)"
figure fuzz-seconds "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
figure fuzz-users "$users"
figure fuzz-runs "$runs"
figure fuzz-runs-died "$died"
figure fuzz-rows-recorded "$(counter recorded)"
figure fuzz-rows-dropped "$(counter dropped)"
figure fuzz-reader-passes "$(field /tmp/fuzz/readers passes)"
# Some calls made, by any user: three runs in four dying at start, a user
# may have had no luck at all on a slow kernel (fuzz-users says).
if [ -x $T ]; then
	check fuzz.ran $((users == 0)) "no system call made, by uid:$each; 3001's last lines: $(tail -n 3 /tmp/fuzz/3001.log | tr '\n' ' ')"
else
	fail fuzz.ran "no $T in the guest"
fi
check fuzz.readers $((readers_rc || cats_rc)) "$(cat /tmp/fuzz/readers /tmp/fuzz/cats)"
check fuzz.storm $storm_rc "$(cat /tmp/fuzz/storm)"
check fuzz.fdpass $fdpass_rc "$(cat /tmp/fuzz/fdpass)"
sc=$(field /tmp/fuzz/storm connections) fc=$(field /tmp/fuzz/fdpass connections)
figure fuzz-connections $((${sc:-0} + ${fc:-0}))
figure fuzz-fds-passed "$(field /tmp/fuzz/fdpass passed)"
# Still recording: a socketpair made now has its row.
pctest pair &
pair=$!
# Its sockets' inodes, " INO INO ", once it has made them.
inos='' i=0
while [ "$(echo "$inos" | wc -w)" -lt 2 ] && [ $i -lt 50 ]; do
	sleep 0.1
	inos=" $(for f in /proc/"$pair"/fd/*; do readlink "$f"; done |
		sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p' | tr '\n' ' ')"
	i=$((i + 1))
done
rows=$(awk -v inos="$inos" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	index(inos, " " $c["cli_ino"] " ") || index(inos, " " $c["srv_ino"] " ") { n++ }
	END { print n + 0 }' /proc/peercred)
kill $pair
wait $pair 2>/dev/null
check fuzz.module-still-records $((rows == 0)) "no row in /proc/peercred for the socketpair of sockets$inos"
# Then nothing stays live once a settle round has run the unix garbage
# collector for whatever the fuzzers left in flight.
pcstress storm 1 1 >/tmp/fuzz/settle 2>&1
live=$(counter live)
i=0
while [ "$live" != 0 ] && [ $i -lt 10 ]; do
	sleep 1
	live=$(counter live)
	i=$((i + 1))
done
sed 's/^/STATS| /' /proc/peercred_stats
check fuzz.live-zero-after $(( ${live:-1} != 0 )) "live=$live after the fuzzers stopped"
rm -rf /tmp/fuzz
rmmod peercred
check fuzz.unload $? "rmmod failed"

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
