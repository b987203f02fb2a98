#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) one of peercred's test kernels from Debian's
# linux-source-SERIES and the config fragments in kunit/.
#
#   scripts/kunit-kernel.sh SERIES KIND
#
# KIND is one of
#   uml       User-Mode Linux, kunit/.kunitconfig, configured and built by
#             the tree's kunit.py (scripts/kunit-uml.sh)
#   kunit     x86_64, kunit/qemu.config: the lean KUnit kernel booted in
#             QEMU (scripts/kunit-qemu.sh)
#   debug     x86_64, kunit/qemu.config + kunit/debug.config: KASAN,
#             kmemleak, failslab (scripts/torture.sh, and 6.1's KUnit run)
#   debug-rt  the same + kunit/rt.config: PREEMPT_RT
#   debug-arm64, debug-rt-arm64  arm64 (cross-built), as debug and
#             debug-rt: the arm64 torture run and its KUnit suites
# Each kernel of QEMU is allnoconfig plus the fragments (make allnoconfig
# KCONFIG_ALLCONFIG=...), kunit/x86_64.config or kunit/arm64.config after
# kunit/qemu.config, as small as a kernel that boots the guests can be;
# the build fails if an option the fragments set (the last assignment
# winning) is not what the final .config has, as kunit.py fails UML's.
#
# Prints the build directory on stdout; it is a KDIR for module builds and
# holds arch/x86/boot/bzImage (x86_64), arch/arm64/boot/Image (arm64) or
# linux (UML). The kernel is cached
# under $PEERCRED_CACHE/KIND-KERNELVERSION-CONFIGHASH and rebuilt only when
# the options or the extracted source change (a stamp holds the source's
# identity). Only a build takes the one kernel-build lock: two builds on two
# cores starve each other. Progress and timing go to stderr.
#
# Exit status: 0 built or reused; 2 build error.
set -euo pipefail

readonly prog=kunit-kernel
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

log() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { log "$*"; exit 2; }

(($# == 2)) || die "usage: $0 SERIES uml|kunit|debug|debug-rt|debug-arm64|debug-rt-arm64"
series=$1 kind=$2
k=$PEERCRED_TOP/kunit
case $kind in
uml) arch=um fragments=("$k/.kunitconfig") ;;
kunit) arch=x86_64 fragments=("$k/qemu.config" "$k/x86_64.config") ;;
debug) arch=x86_64 fragments=("$k/qemu.config" "$k/x86_64.config" "$k/debug.config") ;;
debug-rt) arch=x86_64 fragments=("$k/qemu.config" "$k/x86_64.config" "$k/debug.config" "$k/rt.config") ;;
debug-arm64) arch=arm64 fragments=("$k/qemu.config" "$k/arm64.config" "$k/debug.config") ;;
debug-rt-arm64) arch=arm64 fragments=("$k/qemu.config" "$k/arm64.config" "$k/debug.config" "$k/rt.config") ;;
*) die "unknown kernel kind '$kind'" ;;
esac
for f in "${fragments[@]}"; do
	[[ -f $f ]] || die "missing $f"
done

ksrc=$(peercred_source "$series") || die "no linux-source-$series"
src_id=$(<"$ksrc/.peercred-extracted")
kver=$(make -s --no-print-directory -C "$ksrc" kernelversion)

# Options that depend on the tree, on top of the fragments.
add=()
# UML could not preempt before 6.12 (ARCH_NO_PREEMPT), so .kunitconfig
# cannot demand DEBUG_ATOMIC_SLEEP: kunit.py rejects any option missing from
# the final .config. Where the tree can preempt, it is added here.
if [[ $arch == um ]] && ! grep -q 'select ARCH_NO_PREEMPT' "$ksrc/arch/um/Kconfig"; then
	add+=(CONFIG_DEBUG_ATOMIC_SLEEP=y)
fi
# What allnoconfig turns off in the x86_64 kernels that a default config
# has on: /proc/sys once EXPERT is on (CONFIG_PROC_SYSCTL, named
# CONFIG_SYSCTL by 7.3), and 6.13's kunit.autorun, without which the suites
# load and never run.
if [[ $arch != um ]]; then
	if grep -q '^config PROC_SYSCTL$' "$ksrc/fs/proc/Kconfig"; then
		add+=(CONFIG_PROC_SYSCTL=y)
	else
		add+=(CONFIG_SYSCTL=y)
	fi
	if grep -q '^config KUNIT_AUTORUN_ENABLED$' "$ksrc/lib/kunit/Kconfig"; then
		add+=(CONFIG_KUNIT_AUTORUN_ENABLED=y)
	fi
fi
addargs=()
for a in "${add[@]}"; do
	addargs+=("--kconfig_add=$a")
done
kconfigs=()
for f in "${fragments[@]}"; do
	kconfigs+=("--kunitconfig=$f")
done

# The options the fragments set, the last assignment of each winning, as
# the .config has them: "CONFIG_X=v" or "# CONFIG_X is not set".
wanted() {
	awk '
	/^CONFIG_[A-Za-z0-9_]+=/ { k = $0; sub(/=.*/, "", k); v[k] = $0; if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
	/^# CONFIG_[A-Za-z0-9_]+ is not set$/ { k = $2; v[k] = $0; if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
	END { for (i = 1; i <= n; i++) print v[order[i]] }' "$@"
}

# Every option this kernel is built with: the fragments', then the tree's.
options() {
	wanted "${fragments[@]}"
	if ((${#add[@]})); then printf '%s\n' "${add[@]}"; fi
}

# The options alone name the kernel: editing a comment, or moving an option
# from one fragment to another, rebuilds nothing.
hash=$({
	echo "$arch"
	options
} | sort | sha256sum | cut -c1-12)
build=$PEERCRED_CACHE/$kind-$kver-$hash
stamp=$build/.peercred-built
case $arch in
um) image=$build/linux ;;
x86_64) image=$build/arch/x86/boot/bzImage ;;
arm64) image=$build/arch/arm64/boot/Image ;;
esac

# A no-op kernel make still walks the whole tree: the stamp makes a warm
# run instant. It names the source it was built from, so a re-extracted or
# upgraded tree is rebuilt.
built() { [[ -f $image && -f $stamp && $(<"$stamp") == "$src_id" ]]; }
if built; then
	log "cached: $build"
	echo "$build"
	exit 0
fi

mkdir -p "$PEERCRED_CACHE"
# One kernel build at a time, whatever its kind and whoever asked: on two
# cores two builds starve each other, and two runs asking for the same
# kernel would share one build directory (which the other may have built
# while this one waited).
exec 9>"$PEERCRED_CACHE/kernel-build.lock"
if ! flock -n 9; then
	log "waiting for another kernel build to finish"
	flock 9
fi
if built; then
	log "cached: $build"
	echo "$build"
	exit 0
fi

# QEMU's kernels: allnoconfig with the fragments, checked, then built,
# cross-built for another architecture than the host's.
build_qemu() {
	local merged=$build/.peercred-fragments missing
	local -a make=(make -C "$ksrc" O="$build" ARCH="$arch")
	if [[ $arch == arm64 && $(uname -m) != aarch64 ]]; then
		make+=(CROSS_COMPILE=aarch64-linux-gnu-)
	fi
	options >"$merged"
	"${make[@]}" KCONFIG_ALLCONFIG="$merged" allnoconfig || return
	# An option "is not set" is also met by one the kernel does not have.
	missing=$(awk '
	NR == FNR { have[$0] = 1; next }
	/^# CONFIG_/ { k = $2; if (have[k "=y"] || have[k "=m"]) print; next }
	!have[$0] { print }' "$build/.config" "$merged")
	if [[ -n $missing ]]; then
		printf 'kunit-kernel: not in the final .config:\n%s\n' "$missing"
		return 1
	fi
	"${make[@]}" -j"$(nproc)" all
}

mkdir -p "$build"
rm -f "$stamp"
log "building $kind $kver ($arch) into $build (log: $build/build.log)"
t0=$SECONDS
if [[ $arch == um ]]; then
	python3 "$ksrc/tools/testing/kunit/kunit.py" build --arch="$arch" \
		"${kconfigs[@]}" "${addargs[@]}" --build_dir="$build" --jobs="$(nproc)"
else
	build_qemu
fi >"$build/build.log" 2>&1 || {
	tail -n 30 "$build/build.log" >&2
	die "kernel build failed, full log: $build/build.log"
}
[[ -f $image ]] || die "build produced no $image"
printf '%s\n' "$src_id" >"$stamp"
log "built $kind $kver in $((SECONDS - t0))s"
echo "$build"
