#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run peercred's KUnit suites in a KUnit kernel under QEMU.
#
#   scripts/kunit-qemu.sh --src SERIES [--kernel KIND] [--no-deps]
#
# --src picks the Debian linux-source-SERIES package (6.1, 6.12, ...);
# --kernel the kernel (scripts/kunit-kernel.sh): kunit, the lean x86_64 one
# (kunit/qemu.config: KUnit, ftrace, lockdep, raw-lock nesting,
# atomic-sleep checks; the default), or a torture kernel with KASAN and
# kmemleak on top (kunit/debug.config): debug, debug-rt (x86_64), or
# debug-rt-arm64 (arm64 PREEMPT_RT). make check runs the oldest series in
# torture's debug kernel and the newest in torture's arm64 one, so that
# neither needs a second kernel build; --no-deps skips scripts/deps.sh.
#
# UML from 6.1 and 6.12 cannot start a user process on a host CPU with
# AMX/AVX-512, and would be one more kernel build: every series runs
# here, under QEMU TCG
# (scripts/guest/boot.sh: busybox initramfs, two vCPUs); the guest
# (scripts/guest/kunit.sh) loads peercred.ko, then peercred_kunit.ko, whose
# suites run with the probes live, the probe-path cases (probe_kunit.c)
# among them, unloads both and scans the kernel log. Prints one PASS/FAIL
# line per check and per KUnit case (SUITE.CASE), last "N passed, N failed".
# A case that never reports, a guest that crashes or hangs, a splat in the
# log: each is a FAIL.
#
# Exit status: 0 every check passed; 1 a check failed; 2 the kernel or the
# modules did not build.
#
# Environment:
#   PEERCRED_REPO          tree to build with M= (default: this script's repo)
#   PEERCRED_BOOT_TIMEOUT  seconds before a hung guest is killed (default 400)
#   PEERCRED_CACHE         cache directory, as in lib.sh (default ~/.cache/peercred)
set -uo pipefail

readonly prog=kunit-qemu
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/kunit-lib.sh
. "$PEERCRED_TOP/scripts/kunit-lib.sh"

log() { printf '%s: %s\n' "$prog" "$*" >&2; }
usage() {
	printf 'usage: %s --src SERIES [--kernel kunit|debug] [--no-deps]\n' "$0" >&2
	exit "${1:-2}"
}

series='' kind=kunit with_deps=1
while (($#)); do
	case $1 in
	--src)
		(($# >= 2)) || usage
		series=$2
		shift 2
		;;
	--kernel)
		(($# >= 2)) || usage
		kind=$2
		shift 2
		;;
	--src=*) series=${1#*=} && shift ;;
	--kernel=*) kind=${1#*=} && shift ;;
	--no-deps) with_deps=0 && shift ;;
	-h | --help) usage 0 ;;
	*) usage ;;
	esac
done
[[ $series =~ ^[0-9]+\.[0-9]+$ ]] || usage
case $kind in kunit | debug | debug-rt | debug-rt-arm64) ;; *) usage ;; esac

repo=${PEERCRED_REPO:-$PEERCRED_TOP}
repo=$(cd "$repo" && pwd -P) || exit 2
timeout=${PEERCRED_BOOT_TIMEOUT:-400}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/$prog.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Results on stdout (and in $tmp/out); returns 2 when nothing could run.
run() {
	local build ext kver ksrc t0 log image arch mem=1024
	local -a karch

	if ((with_deps)) && ! "$PEERCRED_TOP/scripts/deps.sh" >&2; then
		echo "FAIL deps: scripts/deps.sh failed"
		return 2
	fi
	ksrc=$(peercred_source "$series") || { echo "FAIL source: no linux-source-$series"; return 2; }
	t0=$SECONDS
	if ! build=$("$PEERCRED_TOP/scripts/kunit-kernel.sh" "$series" "$kind"); then
		echo "FAIL kernel-build: the $kind kernel from linux-source-$series did not build (see above)"
		return 2
	fi
	echo "FIGURE kernel-build $((SECONDS - t0))s"

	# One run per kernel at a time: the module tree lives in the build.
	exec 8>"$build/.peercred-run.lock"
	flock 8
	# Build in a copy of the tree under the cache, with W=1 and sparse
	# (C=2): the kunit/ files only build against a KUnit kernel.
	t0=$SECONDS
	ext=$build/ext
	rm -rf "$ext"
	mkdir -p "$ext"
	(cd "$repo" && tar cf - Kbuild module kunit) | tar xf - -C "$ext"
	mapfile -t karch < <(peercred_kdir_args "$build")
	if ! make -C "$build" M="$ext" "${karch[@]}" -j"$(nproc)" W=1 C=2 modules >"$ext/build.log" 2>&1; then
		tail -n 30 "$ext/build.log" >&2
		echo "FAIL module-build: peercred does not build against $build (log: $ext/build.log)"
		return 2
	fi
	if [[ ! -f $ext/module/peercred.ko || ! -f $ext/kunit/peercred_kunit.ko ]]; then
		echo "FAIL module-build: no peercred.ko or peercred_kunit.ko in $ext"
		return 2
	fi
	# The kernel has ftrace: the probe-path cases must be there.
	[[ -f $ext/kunit/probe_kunit.o ]] ||
		echo "FAIL build.probe-cases: kunit/probe_kunit.o was not built"
	if grep -E 'warning:|error:' "$ext/build.log" >"$tmp/warnings"; then
		echo "FAIL build.W=1-sparse: $(head -c 1000 "$tmp/warnings" | tr '\n' ' ')"
	else
		echo "PASS build.W=1-sparse"
	fi
	echo "FIGURE module-build $((SECONDS - t0))s"

	# KASAN wants memory; the log buffer holds the whole KTAP.
	[[ $kind == kunit ]] || mem=2048
	kver=$(basename "$build")
	log=$PEERCRED_CACHE/kunit-qemu-$kver.log
	image=$(peercred_kdir_image "$build")
	log "booting $image (serial log: $log)"
	mkdir -p "$tmp/cache"
	# boot.sh copies $PEERCRED_CACHE/guest-bin into the guest: none here;
	# another architecture's guest takes its busybox from its guest-root.
	case $image in
	*/arm64/*)
		arch=arm64
		ln -s "$(peercred_guest_dir guest-root "$arch")" \
			"$(PEERCRED_CACHE=$tmp/cache peercred_guest_dir guest-root "$arch")"
		;;
	esac
	t0=$SECONDS
	PEERCRED_CACHE=$tmp/cache PEERCRED_MEM=$mem PEERCRED_APPEND="log_buf_len=4M" \
		"$PEERCRED_TOP/scripts/guest/boot.sh" "$image" \
		"$ext" "$PEERCRED_TOP/scripts/guest/kunit.sh" "$log" 2 "$timeout"
	echo "FIGURE guest-run $((SECONDS - t0))s"

	tr -d '\r' <"$log" >"$tmp/log"
	grep -E '^(PASS|FAIL) ' "$tmp/log"
	sed -n 's/^KTAP| //p' "$tmp/log" | peercred_ktap_normalize >"$ext/results.ktap"
	peercred_ktap_verdict "$ksrc" "$ext/results.ktap" '' "$ext/kunit"
	if ! grep -q '^PEERCRED-KUNIT-DONE' "$tmp/log"; then
		echo "FAIL guest-finished: no end marker, the guest crashed or timed out (see $log)"
		tail -n 40 "$tmp/log" >&2
	fi
	grep '^DMESG| ' "$tmp/log" >&2
	return 0
}

run >"$tmp/out"
rc=$?
grep -E '^(PASS|FAIL|SKIP) ' "$tmp/out"
log "times: $(sed -n 's/^FIGURE //p' "$tmp/out" | paste -sd ' ' | sed 's/ \([a-z]\)/, \1/g')"
peercred_summary "$tmp/out" || { ((rc == 2)) || rc=1; }
exit "$rc"
