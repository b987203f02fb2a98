#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Torture peercred on debug kernels: KASAN, lockdep, kmemleak, failslab,
# generic and PREEMPT_RT.
#
#   scripts/torture.sh [--no-deps] [TARGET...]
#
# A TARGET is a series (6.1: the generic x86_64 debug kernel,
# kunit/qemu.config + kunit/x86_64.config + kunit/debug.config), SERIES-rt
# (the same with kunit/rt.config: PREEMPT_RT), and either with -arm64 (the
# arm64 kernel, kunit/arm64.config, cross-built, booted in
# qemu-system-aarch64). The default is the oldest series of scripts/kernels
# generic and the newest PREEMPT_RT, arm64 when the list has arm64 kernels:
# 6.1 and 7.3-rt-arm64. For each, builds (or reuses) the debug kernel
# (scripts/kunit-kernel.sh), peercred.ko and peercred_kunit.ko
# against it, and the static guest programs pcstress, pcload and pctest; then boots
# the kernels side by side under QEMU, two vCPUs each, and runs
# scripts/guest/torture.sh in each: the KUnit suites with the probes live, a
# storm of connections, /proc readers, fd passing and exiting processes
# while the module is unloaded and reloaded, AF_UNIX system calls fuzzed
# by Debian's trinity as three users while /proc readers run, loads and
# readers' allocations failing under failslab (rows are allocated at
# load), then a kmemleak scan and a dmesg scan. Prints one
# PASS/FAIL line per check, named torture/TARGET/... (KUnit cases
# kunit-debug/TARGET/SUITE.CASE), the figures of each run, and last
# "N passed, N failed".
#
# Exit status: 0 every check passed; 1 otherwise.
#
# Environment:
#   PEERCRED_TORTURE_SECS     upper bound of the stress phase (default 900);
#                             it ends once the reload cycles are done (50
#                             took 106 s on the generic debug 6.1 kernel
#                             alone on the host: rmmod waits for RCU-tasks
#                             grace periods, which wait for the storm's
#                             processes to sleep, before ftrace frees the
#                             probes' trampoline; see guest/stress.c)
#   PEERCRED_TORTURE_CYCLES   rmmod/insmod cycles under the storm (default 50)
#   PEERCRED_TORTURE_FUZZ_SECS
#                             length of the fuzz phase (default 120)
#   PEERCRED_TORTURE_TIMEOUT  seconds before a guest is killed (default 1300,
#                             plus the fuzz phase's length and a minute)
#   PEERCRED_TORTURE_JOBS     guests run at once (default: the host's CPUs)
#   PEERCRED_TORTURE_MEM      guest memory in MiB (default 2048)
#   PEERCRED_CACHE            as in lib.sh (default ~/.cache/peercred)
set -uo pipefail

readonly prog=torture
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/kunit-lib.sh
. "$PEERCRED_TOP/scripts/kunit-lib.sh"

log() { printf '%s: %s\n' "$prog" "$*" >&2; }

with_deps=1 targets=()
for a; do
	case $a in
	--no-deps) with_deps=0 ;;
	[0-9]*.[0-9]* | [0-9]*.[0-9]*-rt | [0-9]*.[0-9]*-arm64 | [0-9]*.[0-9]*-rt-arm64) targets+=("$a") ;;
	*)
		echo "usage: $0 [--no-deps] [SERIES[-rt][-arm64]...]" >&2
		exit 2
		;;
	esac
done

secs=${PEERCRED_TORTURE_SECS:-900}
cycles=${PEERCRED_TORTURE_CYCLES:-50}
fuzz_secs=${PEERCRED_TORTURE_FUZZ_SECS:-120}
timeout=${PEERCRED_TORTURE_TIMEOUT:-$((1300 + fuzz_secs + 60))}
guests=${PEERCRED_TORTURE_JOBS:-$(nproc)}
mem=${PEERCRED_TORTURE_MEM:-2048}
out=$(mktemp)
tmp=$(mktemp -d)
trap 'rm -rf "$out" "$tmp"' EXIT

# Per target: the module build, the kernel's source, the kernel's image.
declare -A builds=() ksrcs=() images=()
# The fuzz phase's fuzzer, from Debian's trinity package (scripts/deps.sh).
readonly fuzzer=/usr/bin/trinity

# torture_prepare TARGET: build its debug kernel, the modules and the guest
# programs; results on stdout. True when the target can boot.
torture_prepare() {
	local t=$1 series=${1%%-*} kind arch=amd64 kdir build ksrc tcache cc bin

	kind=$(peercred_torture_kind "$t")
	[[ $t != *-arm64 ]] || arch=arm64
	tcache=$PEERCRED_CACHE/torture/$t
	if ! ksrc=$(peercred_source "$series"); then
		echo "FAIL torture/$t/source: no linux-source-$series (run scripts/deps.sh)"
		return 1
	fi
	SECONDS=0
	if ! kdir=$("$PEERCRED_TOP/scripts/kunit-kernel.sh" "$series" "$kind"); then
		echo "FAIL torture/$t/kernel-build: see the log above"
		return 1
	fi
	# A cached kernel comes back at once.
	if ((SECONDS > 5)); then
		echo "FIGURE $t/kernel-build ${SECONDS}s"
	else
		echo "FIGURE $t/kernel-build cached"
	fi
	if ! build=$(peercred_build "debug-$t" "$kdir"); then
		echo "FAIL torture/$t/module-build: the module does not build against $kdir"
		return 1
	fi
	if grep -E 'warning:|error:' "$build/build.log" >&2; then
		echo "FAIL torture/$t/module-build.W=1: warnings above"
	else
		echo "PASS torture/$t/module-build.W=1"
	fi
	[[ -f $build/kunit/peercred_kunit.ko ]] ||
		echo "FAIL torture/$t/module-build.kunit: no kunit/peercred_kunit.ko"
	[[ -f $build/kunit/probe_kunit.o ]] ||
		echo "FAIL torture/$t/module-build.probe-cases: kunit/probe_kunit.o was not built"
	# The guest programs of this run only: boot.sh copies every file of
	# $PEERCRED_CACHE/guest-bin into the guest, so each target has a cache
	# of its own.
	bin=$(PEERCRED_CACHE=$tcache peercred_guest_dir guest-bin "$arch")
	cc=$(peercred_guest_cc "$arch") || return 1
	rm -rf "$bin"
	mkdir -p "$bin"
	if ! $cc -static -O2 -Wall -Wextra -Werror -o "$bin/pcstress" \
		"$PEERCRED_TOP/scripts/guest/stress.c" ||
		! $cc -static -O2 -Wall -Wextra -Werror -o "$bin/pcload" \
			"$PEERCRED_TOP/scripts/guest/load.c" ||
		! peercred_guest_bin "$bin" "$arch"; then
		echo "FAIL torture/$t/guest-programs: do not build"
		return 1
	fi
	# The fuzzer of the guest's architecture and the libraries it links,
	# at the same paths, in a tree boot.sh copies over the guest's root;
	# another architecture's busybox, from the cache's guest-root.
	rm -rf "$tcache/guest-overlay"
	if ! peercred_copy_bins "$arch" "$tcache/guest-overlay" "$fuzzer"; then
		echo "FAIL torture/$t/fuzzer: no $arch $fuzzer to copy into the guest (run scripts/deps.sh)"
		return 1
	fi
	if [[ $arch != amd64 ]]; then
		rm -rf "$(PEERCRED_CACHE=$tcache peercred_guest_dir guest-root "$arch")"
		ln -s "$(peercred_guest_dir guest-root "$arch")" \
			"$(PEERCRED_CACHE=$tcache peercred_guest_dir guest-root "$arch")"
	fi
	builds[$t]=$build ksrcs[$t]=$ksrc images[$t]=$(peercred_kdir_image "$kdir")
}

# torture_boot TARGET: run the scenario in its guest (serial log in the
# target's cache directory); prints the run's wall time.
torture_boot() {
	local t=$1 scenario=$tmp/torture-$1.sh tcache=$PEERCRED_CACHE/torture/$1 boot try
	local append='log_buf_len=8M'

	{
		echo "STRESS_SECS=$secs"
		echo "CYCLES=$cycles"
		echo "FUZZ_SECS=$fuzz_secs"
		cat "$PEERCRED_TOP/scripts/guest/torture.sh"
	} >"$scenario"
	log "$t: booting ${images[$t]} (serial log: $tcache/guest.log)"
	SECONDS=0
	# KASAN wants memory; the log buffer holds the whole run for the
	# guest's dmesg scan. (Rows come from a pool allocated at load: there
	# is no row cache to mark for failslab, which picks its victims by
	# task, see guest/torture.sh.) The
	# generic kernel is built PREEMPT_DYNAMIC: full preemption widens every
	# race. PREEMPT_RT is fully preemptible as it is.
	[[ $t == *-rt || $t == *-rt-* ]] || append+=" preempt=full"
	for try in 1 2; do
		PEERCRED_CACHE=$tcache PEERCRED_MEM=$mem PEERCRED_APPEND=$append \
			PEERCRED_OVERLAY=$tcache/guest-overlay \
			"$PEERCRED_TOP/scripts/guest/boot.sh" "${images[$t]}" \
			"${builds[$t]}" "$scenario" "$tcache/guest.log" 2 "$timeout"
		# A splat of the kernel's own boot, before the scenario's first
		# phase (nothing of ours is loaded yet), turns lockdep off for the
		# whole run: seen twice in 7.3-rt's early boot under TCG (KASAN, an
		# interrupt during identify_cpu). Such a boot is not a result.
		# Not one pipeline into grep -q: sed quitting at the first phase,
		# or grep at its first match, kills the stage feeding it with
		# SIGPIPE, and pipefail would take that for "no splat".
		boot=$(tr -d '\r' <"$tcache/guest.log" | sed '/^PHASE /q')
		grep -qaE 'BUG:|WARNING:|Oops' <<<"$boot" || break
		((try == 2)) || {
			mv "$tcache/guest.log" "$tcache/guest.boot-splat.log"
			log "$t: the kernel splatted while booting, before anything of peercred ran (see $tcache/guest.boot-splat.log): booting once more"
		}
	done
	echo "FIGURE $t/guest-run ${SECONDS}s"
}

# torture_report TARGET: its guest's serial log to results and figures.
torture_report() {
	local t=$1 log=$PEERCRED_CACHE/torture/$1/guest.log

	tr -d '\r' <"$log" >"$tmp/log"
	sed -n "s#^\(PASS\|FAIL\) #\1 torture/$t/#p; s#^FIGURE #FIGURE $t/#p" "$tmp/log"
	sed -n 's/^KTAP| //p' "$tmp/log" | peercred_ktap_normalize >"$PEERCRED_CACHE/torture/$t/kunit.ktap"
	peercred_ktap_verdict "${ksrcs[$t]}" "$PEERCRED_CACHE/torture/$t/kunit.ktap" \
		"kunit-debug/$t/" "${builds[$t]}/kunit"
	if ! grep -q '^PEERCRED-TORTURE-DONE' "$tmp/log"; then
		echo "FAIL torture/$t/guest-finished: no end marker, guest crashed or timed out (see $log)"
		tail -n 40 "$tmp/log" | sed "s/^/$t: /" >&2
	fi
	# The reports behind a failure, for the reader of the run.
	grep -E '^(LEAK|DMESG)\| ' "$tmp/log" | head -n 120 | sed "s/^/$t: /" >&2
	# Phase durations from the guest's uptime stamps.
	awk -v t="$t" '/^PHASE / {
		if (name != "") printf "FIGURE %s/phase-%s-seconds %.1f\n", t, name, $3 - s
		name = $2; s = $3
		if (name == "detectors") printf "FIGURE %s/guest-boot-seconds %.1f\n", t, s
	}' "$tmp/log"
}

run() {
	local t defaults ready=()

	if ((with_deps)) && ! "$PEERCRED_TOP/scripts/deps.sh"; then
		echo "FAIL torture/deps: could not install dependencies"
		return
	fi
	if ((${#targets[@]} == 0)); then
		if ! defaults=$(peercred_torture_targets); then
			echo "FAIL torture/kernels: no series in scripts/kernels (run scripts/deps.sh)"
			return
		fi
		mapfile -t targets <<<"$defaults"
	fi
	# The builds one after the other (kunit-kernel.sh holds one lock for
	# every kernel build), then the guests side by side: each runs its
	# vCPUs on one host thread (TCG, thread=single), so PEERCRED_TORTURE_JOBS
	# guests (default: one per host CPU) take the time of the longest.
	for t in "${targets[@]}"; do
		torture_prepare "$t" && ready+=("$t")
	done
	for t in "${ready[@]}"; do
		while (($(jobs -rp | wc -l) >= guests)); do
			wait -n
		done
		torture_boot "$t" >"$tmp/boot-$t" &
	done
	wait
	for t in "${ready[@]}"; do
		cat "$tmp/boot-$t"
		torture_report "$t"
	done
}

# Results on stdout; progress and the reports behind failures on stderr.
run | tee "$out" | grep -E '^(PASS|FAIL|SKIP) '
echo "figures:"
sed -n 's/^FIGURE \([^ ]*\) \(.*\)$/  \1: \2/p' "$out"
peercred_summary "$out"
