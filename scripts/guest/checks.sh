# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Runs inside the guest as /scenario: every guest check of peercred on the
# booted kernel. Each check prints PASS/FAIL NAME; each pctest scenario is
# framed by SCENARIO-END so the host can tell a missing one from a silent one.
M=/peercred/peercred.ko

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

# A scenario that hangs is killed and reported, not waited for until the
# whole guest times out.
scenario() {
	timeout 120 pctest "$@"
	echo "SCENARIO-END $1 $?"
}

# The concurrency checks below mean little on one CPU.
cpus=$(grep -c '^processor' /proc/cpuinfo)
[ "$cpus" -ge 2 ] && pass smp.two-cpus || fail smp.two-cpus "guest has $cpus CPU"

# Bad parameters: refused at load with a message, nothing left behind.
refused() {
	name=$1 msg=$2
	shift 2
	if insmod $M "$@" 2>/dev/null; then
		fail "$name" "insmod accepted $*"
		rmmod peercred
	elif [ -e /proc/peercred ]; then
		fail "$name" "/proc/peercred left behind"
	elif ! dmesg | grep -q "peercred: $msg"; then
		fail "$name" "no \"$msg\" in dmesg"
	else
		pass "$name"
	fi
}
for v in 0 -1 4194305 abc; do
	refused "param.refused.$v" "max_rows=$v refused" max_rows=$v
done
# user_rows: a number, and no more than max_rows (checked at load).
refused param.refused.user_rows.abc "user_rows=abc refused" user_rows=abc
refused param.refused.user_rows.-1 "user_rows=-1 refused" user_rows=-1
refused param.refused.user_rows.over-max "user_rows=17 refused: more than max_rows=16" \
	max_rows=16 user_rows=17

# The CLI without a module: a clear error and its own exit code.
cli_status() {
	want=$1 name=$2 msg=$3
	shift 3
	peercred "$@" >/tmp/cli.out 2>/tmp/cli.err
	rc=$?
	if [ $rc -eq "$want" ] && grep -q "$msg" /tmp/cli.err; then
		pass "$name"
	else
		fail "$name" "exit $rc (want $want), stderr: $(cat /tmp/cli.err)"
	fi
}
cli_status 3 cli.no-module "is the peercred module loaded" list

# Connections from before the load, held by pctest until it has checked
# them against the loaded module.
rm -f /tmp/preexisting.ready
timeout 120 pctest preexisting /tmp/preexisting.ready &
pre=$!
i=0
while [ ! -e /tmp/preexisting.ready ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
if insmod $M && [ -r /proc/peercred ]; then pass load; else fail load "insmod failed"; fi
wait $pre
echo "SCENARIO-END preexisting $?"

. /apparmor.sh
for s in users setuid-after socketpair names close refused visibility hiding drift identity netns userns parked; do
	scenario $s
done

# The CLI's answers to bad input; its output is checked against getsockopt
# in the scenarios (pc_check_cli).
cli_status 2 cli.unknown-option "unknown option" --frobnicate
cli_status 2 cli.bad-pid "pid" --pid abc
cli_status 2 cli.explain-no-inode "INODE" explain
cli_status 1 cli.explain-unknown-inode "no connection" explain 999999999
if peercred --pid $$ >/dev/null; then
	fail cli.filter-miss "rows for pid $$, which holds no connection"
else
	pass cli.filter-miss
fi
# shellcheck disable=SC2016 # awk's $
if peercred --json | awk 'NR == 1 && $0 !~ /^\[/ { bad = 1 } END { exit bad }'; then
	pass cli.json-array
else
	fail cli.json-array "output does not start a JSON array"
fi
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

. /attacks.sh

# 64 buckets for 200 rows: resumed reads meet removals in their bucket.
insmod $M max_rows=256 && scenario resume
rmmod peercred

# labels=0: no LSM is asked, and every label is "-"; it can be set while
# loaded, to a boolean only.
refused param.refused.labels.abc "\`abc' invalid for parameter \`labels'" labels=abc
P=/sys/module/peercred/parameters/labels
if insmod $M; then
	if echo abc >$P 2>/dev/null || [ "$(cat $P)" != Y ]; then
		fail param.labels.write-refused "labels=abc written, or labels is $(cat $P)"
	else
		pass param.labels.write-refused
	fi
	echo 0 >$P && scenario labels-off
	rmmod peercred
fi

# Unload and reload while connections are being made and closed, and some
# stay open for every load's walk to find.
pctest pair &
held="$!"
pctest serve @peercred-held &
held="$held $!"
sleep 0.2
pctest dial @peercred-held &
held="$held $!"
insmod $M
# The churn lasts until the cycles are over (at most 300 s: the guest's
# own timeout is 600). It runs niced, as torture's storm does (busybox has
# renice, not nice): on two emulated CPUs, three churners at the loop's
# priority slowed its cycles, the point (the 6.12-rt guest took 113 s, not
# 100).
churners=''
renice 10 -p $$ >/dev/null
for i in 1 2 3; do
	pctest churn 300 >/tmp/churn.$i 2>&1 &
	churners="$churners $!"
done
renice 0 -p $$ >/dev/null
# Each load walks what exists while the probes already record: an inode in
# two rows would be a connection recorded twice.
doubled() {
	awk 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	     { for (k = 0; k < 2; k++) { n = $c[k ? "cli_ino" : "srv_ino"]; if (n != 0 && seen[n]++) d++ } }
	     END { print d + 0 }' /proc/peercred
}
cycles=0 twice=0
t0=$(cut -d' ' -f1 /proc/uptime)
while [ $cycles -lt 30 ]; do
	rmmod peercred || break
	insmod $M || break
	twice=$((twice + $(doubled)))
	cycles=$((cycles + 1))
done
echo "reload-under-churn: $cycles cycles in $(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { print b - a }') s"
# shellcheck disable=SC2086 # lists of pids
kill $churners $held
wait
[ $cycles -eq 30 ] && pass reload-under-churn || fail reload-under-churn "stopped after $cycles cycles"
[ $twice -eq 0 ] && pass reload-under-churn.no-doubled-rows ||
	fail reload-under-churn.no-doubled-rows "$twice inodes in two rows right after a load"
# Each churner still running when the cycles ended: every cycle had churn.
if grep -q 'rounds, stopped' /tmp/churn.1 && grep -q 'rounds, stopped' /tmp/churn.2 &&
	grep -q 'rounds, stopped' /tmp/churn.3; then
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

# A release the probes miss (ftrace turned off meanwhile: 6.1 and 6.12
# then skip the callbacks) leaves a row that holds both socks: with no
# reader at all, the housekeeping work removes it within seconds.
if [ -w /proc/sys/kernel/ftrace_enabled ]; then
	insmod $M
	pctest pair &
	pair=$!
	i=0
	while [ "$(counter live)" != 1 ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	live=$(counter live)
	echo 0 >/proc/sys/kernel/ftrace_enabled
	kill $pair
	wait $pair 2>/dev/null
	i=0
	while [ "$(counter live)" != 0 ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	echo 1 >/proc/sys/kernel/ftrace_enabled
	reaped=$(counter reaped)
	echo "unseen release: live $live before the close, $(counter live) after, reaped ${reaped:-none}"
	if [ "$live" != 1 ]; then
		fail reaper.unseen-release "live $live before the close, want 1"
	elif [ "$(counter live)" = 0 ] && [ "${reaped:-0}" = 0 ]; then
		echo "SKIP reaper.unseen-release: the probes ran with ftrace off: no release was missed"
	elif [ "$(counter live)" = 0 ]; then
		pass reaper.unseen-release
	else
		fail reaper.unseen-release "live $(counter live) reaped ${reaped:-none} 5 s after a release the probes missed"
	fi
	rmmod peercred
fi

# With ftrace off, the probes (ftrace callbacks) register, and never run
# on 6.1 and 6.12; on 7.3 they keep running. Either way the load, the
# stats and the CLI must tell the truth, which a socketpair made after the
# load shows: it has a row exactly when the probes fire.
if [ -w /proc/sys/kernel/ftrace_enabled ]; then
	echo 0 >/proc/sys/kernel/ftrace_enabled
	insmod $M
	pctest pair &
	pair=$!
	sockets() {
		n=0
		for f in /proc/"$1"/fd/*; do
			case $(readlink "$f") in socket:*) n=$((n + 1)) ;; esac
		done
		echo $n
	}
	i=0
	while [ "$(sockets $pair)" -lt 2 ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	rows=$(($(wc -l </proc/peercred) - 1))
	kill $pair
	wait $pair 2>/dev/null
	fires=0
	[ "$rows" -gt 0 ] && fires=1
	echo "ftrace off: probes fire: $fires"
	[ "$(counter probes_firing)" = $fires ] && pass ftrace-off.stats-tell-the-truth ||
		fail ftrace-off.stats-tell-the-truth "probes_firing $(counter probes_firing), a new socketpair has $rows rows"
	said=0
	dmesg | grep -q 'peercred: the probes are registered but do not fire' && said=1
	[ $said = $((1 - fires)) ] && pass ftrace-off.load-tells-the-truth ||
		fail ftrace-off.load-tells-the-truth "dmesg warning: $said, probes fire: $fires"
	peercred list >/dev/null 2>/tmp/cli.err
	said=0
	grep -q 'probes do not fire' /tmp/cli.err && said=1
	[ $said = $((1 - fires)) ] && pass ftrace-off.cli-tells-the-truth ||
		fail ftrace-off.cli-tells-the-truth "CLI warning: $said, probes fire: $fires, stderr: $(cat /tmp/cli.err)"
	rmmod peercred
	echo 1 >/proc/sys/kernel/ftrace_enabled
	insmod $M
	[ "$(counter probes_firing)" = 1 ] && pass ftrace-on.stats-say-firing ||
		fail ftrace-on.stats-say-firing "probes_firing $(counter probes_firing)"
	rmmod peercred
else
	fail ftrace-off "no /proc/sys/kernel/ftrace_enabled to turn off"
fi

# ftrace killed (as an ftrace bug kills it): the probes can no longer be
# unregistered while ftrace goes on calling them, so peercred must refuse
# to unload rather than free that code. Last: ftrace stays dead.
insmod $M
if insmod /peercred/peercred_ftrace_kill.ko; then
	i=0
	while ! dmesg | grep -q 'peercred: ftrace is dead' && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if rmmod peercred 2>/dev/null; then
		fail ftrace-killed.unload-refused "rmmod succeeded while ftrace still calls the probes"
	else
		pass ftrace-killed.unload-refused
	fi
	# AF_UNIX still works, through the probes still called.
	pctest churn 1 >/dev/null && pass ftrace-killed.connections-work ||
		fail ftrace-killed.connections-work "pctest churn failed"
else
	echo "SKIP ftrace-killed.unload-refused: the test module cannot find ftrace_kill"
fi

if dmesg | grep -E 'BUG:|WARNING:|Oops|general protection|Call Trace|refcount_t:|UBSAN|KASAN'; then
	fail dmesg-clean "see the lines above"
else
	pass dmesg-clean
fi
echo PEERCRED-CHECKS-DONE
