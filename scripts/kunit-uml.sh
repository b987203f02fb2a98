#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run peercred's KUnit suites inside User-Mode Linux.
#
#   scripts/kunit-uml.sh --src SERIES [--no-deps]
#
# --src picks the Debian linux-source-SERIES package (7.3, 6.12, 6.1);
# --no-deps skips the apt-get check. make check runs the newest source here
# only: UML from 6.1 and 6.12 cannot start a user process on a host CPU with
# AMX/AVX-512 (ptrace cannot set its fp registers), and their suites run in
# QEMU instead (scripts/kunit-qemu.sh).
#
# Builds a UML kernel from Debian's linux-source-SERIES with kunit.py
# (scripts/kunit-kernel.sh SERIES uml: cached per kernel version and
# kunit/.kunitconfig's options), builds module/peercred.ko and
# kunit/peercred_kunit.ko against it, boots it with the host's / as a hostfs
# root and loads both modules. The kernel's own KTAP parser gives the verdict;
# the last line of output is "N passed, N failed[, N skipped]".
#
# Exit status: 0 all cases passed; 1 a case failed, no case ran, the kernel
# log shows a splat, the guest crashed or timed out; 2 setup or build error.
#
# Environment:
#   PEERCRED_REPO          tree to build with M= (default: this script's repo)
#   PEERCRED_BOOT_TIMEOUT  seconds before a hung guest is killed (default 300)
#   PEERCRED_CACHE         cache directory, as in lib.sh (default ~/.cache/peercred)
set -euo pipefail

readonly prog=kunit-uml
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/kunit-lib.sh
. "$PEERCRED_TOP/scripts/kunit-lib.sh"
# Written to /dev/kmsg by the guest. The splat scan starts at mark_load: UML
# itself warns while booting (6.1: suspicious RCU usage in force_flush_all on
# the first fork), which says nothing about peercred. The KTAP is cut from
# between begin and end, leaving out the boot-time runner's empty "1..0" plan.
readonly mark_load='peercred-kunit: loading modules'
readonly mark_begin='peercred-kunit: ktap begin'
readonly mark_end='peercred-kunit: ktap end'
readonly splat_re='BUG:|WARNING:|KASAN|possible recursive locking|inconsistent lock state|circular locking|Call Trace|Kernel panic|kernel BUG at|Oops|UBSAN:'

log() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { log "$*"; exit 2; }
usage() {
	printf 'usage: %s --src SERIES [--no-deps]\n' "$0" >&2
	exit "${1:-2}"
}

# EPOCHREALTIME's separator follows the locale; digits alone are microseconds.
now_us() { printf '%s' "${EPOCHREALTIME//[!0-9]/}"; }
since() {
	local us=$(($(now_us) - $1))
	printf '%d.%ds' $((us / 1000000)) $((us / 100000 % 10))
}

# Single-quote for the generated /bin/sh script (dash has no $'...').
shquote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

series=
with_deps=1
while (($#)); do
	case $1 in
	--src)
		(($# >= 2)) || usage
		series=$2
		shift 2
		;;
	--src=*)
		series=${1#*=}
		shift
		;;
	--no-deps)
		with_deps=0
		shift
		;;
	-h | --help) usage 0 ;;
	*) usage ;;
	esac
done
[[ $series =~ ^[0-9]+\.[0-9]+$ ]] ||
	die "--src needs a kernel series such as 7.3, not '$series'"

repo=${PEERCRED_REPO:-$(dirname "${BASH_SOURCE[0]}")/..}
# kunit.py and kbuild both chdir, so every path handed to them is absolute.
repo=$(cd "$repo" && pwd -P) || die "no repo at ${PEERCRED_REPO:-}"
boot_timeout=${PEERCRED_BOOT_TIMEOUT:-300}
cache=${PEERCRED_CACHE:-$HOME/.cache/peercred}
jobs=$(nproc)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/$prog.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Everything comes from scripts/deps.sh, the kernel sources too (7.3 is not
# in Debian 12's own suites).
ensure_deps() {
	local sudo=()
	((EUID == 0)) || sudo=(sudo)
	"${sudo[@]}" "$PEERCRED_TOP/scripts/deps.sh" || die "scripts/deps.sh failed"
}

# Sets $ksrc to a complete tree from linux-source-$series (see lib.sh).
prepare_source() {
	ksrc=$(peercred_source "$series") || die "no linux-source-$series"
}

# Builds (or reuses) the UML kernel (scripts/kunit-kernel.sh, which holds
# the one kernel-build lock); sets $build.
build_kernel() {
	local t0
	t0=$(now_us)
	build=$("$PEERCRED_TOP/scripts/kunit-kernel.sh" "$series" uml) ||
		die "the UML kernel did not build"
	t_kernel=$(since "$t0")
}

# Build in a copy of the tree under the cache: M= writes objects next to
# the sources, and a UML build must not clobber the host's module/ build.
build_modules() {
	local t0 ko
	t0=$(now_us)
	ext=$build/ext
	rm -rf "$ext"
	mkdir -p "$ext"
	(cd "$repo" && tar cf - Kbuild module kunit) | tar xf - -C "$ext"
	# W=1 and sparse (C=2) here too: the kunit/ files only build for KUnit.
	if ! make -C "$build" ARCH=um M="$ext" -j"$jobs" W=1 C=2 modules \
		>"$run/modules.log" 2>&1; then
		tail -n 30 "$run/modules.log" >&2
		die "module build failed, full log: $run/modules.log"
	fi
	for ko in "$ext/module/peercred.ko" "$ext/kunit/peercred_kunit.ko"; do
		[[ -f $ko ]] || die "module build produced no $ko"
	done
	if grep -E 'warning:|error:' "$run/modules.log" >"$run/warnings.log"; then
		echo "FAIL build.W=1-sparse: $(head -c 1000 "$run/warnings.log" | tr '\n' ' ')"
	else
		echo "PASS build.W=1-sparse"
	fi >"$run/build.txt"
	t_modules=$(since "$t0")
}

write_init() {
	local init=$tmp/init
	cat >"$init" <<EOF
#!/bin/sh
# PID 1 of the UML guest, generated by $prog. The root is the host's / over
# hostfs, so this runs the host's own sh, insmod and rmmod.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
run=$(shquote "$run")
repo=$(shquote "$ext")
load=$(shquote "$mark_load")
begin=$(shquote "$mark_begin")
end=$(shquote "$mark_end")
EOF
	cat >>"$init" <<'EOF'
# Userspace output stays off the console, which then carries only kernel
# messages: the KTAP is cut from it.
exec >"$run/init.log" 2>&1
set -x
mount -t proc proc /proc
# rmmod looks the module up in /sys/module; kunit keeps its results in debugfs.
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug
# A lock splat while booting turns lockdep off for good: the run would be
# blind to peercred's locking bugs, so say so rather than pass.
status=lockdep-off-before-load
if ! grep -qs 'debug_locks: *0' /proc/lockdep_stats; then
	status=core-insmod-failed
	echo "$load" >/dev/kmsg
fi
if [ "$status" = core-insmod-failed ] && insmod "$repo/module/peercred.ko"; then
	status=kunit-insmod-failed
	echo "$begin" >/dev/kmsg
	# kunit runs the suites synchronously inside this insmod.
	if insmod "$repo/kunit/peercred_kunit.ko"; then
		echo "$end" >/dev/kmsg
		status=kunit-rmmod-failed
		if rmmod peercred_kunit; then
			status=core-rmmod-failed
			rmmod peercred && status=done
		fi
	fi
fi
echo "$status" >"$run/guest.status"
# hostfs writes sit in the guest page cache; poweroff does not flush them.
sync
# Without -f twice systemd's poweroff asks the (absent) service manager. If
# init returned, the kernel would panic: fall back to a bare reboot(2)
# (LINUX_REBOOT_CMD_POWER_OFF) from perl-base, which Debian always has.
poweroff -f -f || perl -e 'syscall(169, 0xfee1dead, 672274793, 0x4321fedc)'
EOF
	chmod +x "$init"
	printf '%s' "$init"
}

boot() {
	local init t0 pid interrupted=0
	init=$(write_init)
	t0=$(now_us)
	boot_rc=0
	# A panicking UML aborts and would leave a core file in the cwd.
	ulimit -c 0
	# timeout puts UML and its helper processes in a process group of their
	# own, so it can kill them all, but that group no longer gets the
	# terminal's Ctrl-C: pass it on, or an interrupted run would wait out
	# the whole timeout.
	timeout --kill-after=10 "$boot_timeout" "$build/linux" \
		mem=256M rootfstype=hostfs rootflags=/ rw init="$init" \
		con0=fd:0,fd:1 con=null console=tty0 \
		</dev/null >"$run/console.log" 2>&1 &
	pid=$!
	trap 'interrupted=1; kill -TERM -- "-$pid" 2>/dev/null' INT TERM
	# Quiet: bash would report an aborted (panicked) UML on the terminal.
	wait "$pid" 2>/dev/null || boot_rc=$?
	if ((interrupted)); then
		wait "$pid" 2>/dev/null || true
		die "interrupted, log so far: $run/console.log"
	fi
	trap - INT TERM
	t_boot=$(since "$t0")
}

# Cut the module's KTAP out of the console, leaving out the boot-time
# runner's empty plan (kunit-lib.sh gives it one header and plan).
extract_ktap() {
	awk -v begin="$mark_begin" -v end="$mark_end" '
	index($0, begin) { on = 1; next }
	index($0, end) { on = 0; next }
	on' "$run/console.log" | peercred_ktap_normalize
}

# The console from the guest's load marker on (all of it if the guest never
# got there), with line numbers to find the splat in the full log.
splat_scan() {
	local from
	from=$(grep -nF -m1 "$mark_load" "$run/console.log" | cut -d: -f1 || true)
	awk -v from="${from:-1}" 'NR >= from { print NR ": " $0 }' "$run/console.log"
}

main() {
	local t0 parse_rc=0 passed failed skipped status splats verdict=0 line

	((with_deps)) && ensure_deps
	t0=$(now_us)
	prepare_source
	t_source=$(since "$t0")

	mkdir -p "$cache"
	# One run at a time: two module builds would overwrite each other's .ko
	# in the cache (kunit-kernel.sh serialises the kernel builds).
	exec 9>"$cache/$prog.lock"
	if ! flock -n 9; then
		log "waiting for another $prog run to finish"
		flock 9
	fi

	build_kernel
	run=$build/runs/$(date +%Y%m%d-%H%M%S)-$$
	mkdir -p "$run"
	# Keep the 20 newest runs.
	find "$build/runs" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' |
		sort -rn | tail -n +21 | cut -d' ' -f2- | xargs -r rm -rf
	build_modules
	boot

	extract_ktap >"$run/results.ktap"
	python3 "$ksrc/tools/testing/kunit/kunit.py" parse "$run/results.ktap" |
		tee "$run/parse.txt" || parse_rc=$?
	{
		cat "$run/build.txt"
		peercred_ktap_verdict "$ksrc" "$run/results.ktap" '' "$ext/kunit"
	} >"$run/cases.txt"
	grep -E '^(PASS|FAIL|SKIP) ' "$run/cases.txt" || true
	passed=$(grep -c '^PASS ' "$run/cases.txt" || true)
	failed=$(grep -c '^FAIL ' "$run/cases.txt" || true)
	skipped=$(grep -c '^SKIP ' "$run/cases.txt" || true)
	status=$(cat "$run/guest.status" 2>/dev/null || echo no-status)

	if ((boot_rc == 124 || boot_rc == 137)); then
		log "guest timed out after ${boot_timeout}s"
		verdict=1
	elif ((boot_rc != 0)); then
		log "guest exited with status $boot_rc (kernel crash?)"
		verdict=1
	fi
	if [[ $status != "done" ]]; then
		log "guest did not finish: $status (see $run/init.log)"
		verdict=1
	fi
	# No grep -q: under pipefail its early exit fails the pipeline via SIGPIPE.
	splats=$(splat_scan | grep -E "$splat_re" | head -n 10 || true)
	if [[ -n $splats ]]; then
		log "kernel log shows a splat:"
		printf '%s\n' "$splats" >&2
		verdict=1
	fi
	if ((parse_rc != 0)); then
		log "kunit.py parse reports failure"
		verdict=1
	fi
	if ((passed + failed + skipped == 0)); then
		log "no test case ran"
		verdict=1
	fi
	((failed == 0)) || verdict=1
	# A crash, hang or splat is a failure even when every case said ok.
	if ((verdict != 0 && failed == 0)); then
		echo "FAIL run: the guest or its log failed, see $run/console.log"
		failed=1
	fi
	((verdict == 0)) || log "full log: $run/console.log"
	log "time: source $t_source, kernel $t_kernel, modules $t_modules," \
		"boot $t_boot ($build)"

	line="$passed passed, $failed failed"
	((skipped == 0)) || line+=", $skipped skipped"
	printf '%s\n' "$line"
	exit "$verdict"
}

main
