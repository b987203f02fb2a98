#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run peercred's KUnit suites inside User-Mode Linux.
#
#   scripts/kunit-uml.sh [--src 6.1|6.12] [--no-deps]
#
# --src picks the Debian linux-source package (default 6.1); --no-deps skips
# the apt-get check.
#
# Builds a UML kernel from Debian's linux-source-X with kunit.py (cached per
# kernel version and .kunitconfig), builds module/peercred.ko and
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
	printf 'usage: %s [--src 6.1|6.12] [--no-deps]\n' "$0" >&2
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

series=6.1
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
case $series in
6.1 | 6.12) ;;
*) die "--src must be 6.1 or 6.12, not '$series'" ;;
esac

repo=${PEERCRED_REPO:-$(dirname "${BASH_SOURCE[0]}")/..}
# kunit.py and kbuild both chdir, so every path handed to them is absolute.
repo=$(cd "$repo" && pwd -P) || die "no repo at ${PEERCRED_REPO:-}"
boot_timeout=${PEERCRED_BOOT_TIMEOUT:-300}
cache=${PEERCRED_CACHE:-$HOME/.cache/peercred}
jobs=$(nproc)
kunitconfig=$repo/kunit/.kunitconfig
[[ -f $kunitconfig ]] || die "missing $kunitconfig"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/$prog.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

ensure_deps() {
	local pkgs=("linux-source-$series" build-essential bc flex bison python3
		libelf-dev libssl-dev kmod sparse)
	local missing=() p sudo=()

	# dpkg -s also succeeds for removed packages whose conffiles remain.
	for p in "${pkgs[@]}"; do
		[[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) == ii* ]] ||
			missing+=("$p")
	done
	((${#missing[@]})) || return 0
	((EUID == 0)) || sudo=(sudo)
	log "installing ${missing[*]}"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
		die "apt-get install failed"
}

# Sets $src to a complete tree from /usr/src/linux-source-$series.tar.xz and
# $src_id to the identity of the tarball it came from (see lib.sh).
prepare_source() {
	src=$(peercred_source "$series")
	src_id=$(<"$src/.peercred-extracted")
}

# Builds (or reuses) the UML kernel; sets $build.
build_kernel() {
	local kver hash stamp t0
	local kunit_py=$src/tools/testing/kunit/kunit.py
	local add=() addargs=() a

	kver=$(make -s --no-print-directory -C "$src" kernelversion)
	# UML could not preempt before 6.12 (ARCH_NO_PREEMPT), so the shared
	# .kunitconfig cannot demand DEBUG_ATOMIC_SLEEP: kunit.py rejects any
	# option missing from the final .config.
	grep -q 'select ARCH_NO_PREEMPT' "$src/arch/um/Kconfig" ||
		add+=(CONFIG_DEBUG_ATOMIC_SLEEP=y)
	for a in "${add[@]}"; do
		addargs+=("--kconfig_add=$a")
	done
	hash=$({
		cat "$kunitconfig"
		if ((${#add[@]})); then printf '%s\n' "${add[@]}"; fi
	} | sha256sum | cut -c1-12)
	build=$cache/uml-$kver-$hash
	stamp=$build/.peercred-built

	# A no-op kernel make still walks the whole tree; the stamp makes a warm
	# run take seconds. It holds the source identity so a re-extracted or
	# upgraded tree is rebuilt.
	if [[ -x $build/linux && -f $stamp && $(<"$stamp") == "$src_id" ]]; then
		t_kernel="cached"
		return
	fi
	mkdir -p "$build"
	rm -f "$stamp"
	t0=$(now_us)
	if ! python3 "$kunit_py" build --arch=um --kunitconfig="$kunitconfig" \
		"${addargs[@]}" --build_dir="$build" --jobs="$jobs" \
		>"$build/build.log" 2>&1; then
		tail -n 30 "$build/build.log" >&2
		die "kernel build failed, full log: $build/build.log"
	fi
	printf '%s\n' "$src_id" >"$stamp"
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

# Cut the module's KTAP out of the console and give it one top-level header
# and plan: 6.1 prints none for a module (its runner printed "1..0" at boot),
# 6.12 prints its own; either way the suites are renumbered from 1. The plan
# counts suites started, so one cut short by a crash shows as such.
extract_ktap() {
	awk -v begin="$mark_begin" -v end="$mark_end" '
	{
		sub(/\r$/, "")
		sub(/^\[ *[0-9]+\.[0-9]+\] ?/, "")
	}
	index($0, begin) { on = 1; next }
	index($0, end) { on = 0; next }
	!on { next }
	/^(K?TAP version [0-9]+|1\.\.[0-9]+)$/ { next }
	/^    # Subtest: / { started++ }
	/^(ok|not ok) [0-9]+/ {
		n++
		sub(/^(ok|not ok) [0-9]+/, ($1 == "ok" ? "ok " : "not ok ") n)
	}
	{ body[++lines] = $0 }
	END {
		print "KTAP version 1"
		print "1.." (started > n ? started : n + 0)
		for (i = 1; i <= lines; i++)
			print body[i]
	}' "$run/console.log"
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
	# One run at a time: two kernel builds would starve each other and two
	# module builds would overwrite each other's .ko in the repo.
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
	python3 "$src/tools/testing/kunit/kunit.py" parse "$run/results.ktap" |
		tee "$run/parse.txt" || parse_rc=$?
	{ cat "$run/build.txt"; peercred_ktap_cases <"$run/results.ktap"; } >"$run/cases.txt"
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
