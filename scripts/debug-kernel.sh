#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) the x86_64 debug kernel of the torture run: Debian's
# linux-source-6.1 configured by kunit.py from kunit/debug.config (KUnit,
# kprobes, KASAN, lockdep, kmemleak, failslab, fail_function).
#
#   scripts/debug-kernel.sh
#
# Prints the build directory on stdout: arch/x86/boot/bzImage boots under
# scripts/guest/boot.sh and the directory is a KDIR for peercred_build. The
# kernel is cached under $PEERCRED_CACHE/debug-KERNELVERSION-CONFIGHASH and
# rebuilt only when the config's options or the extracted source change (a
# stamp holds the source's identity). Progress and timing go to stderr.
#
# Exit status: 0 built or reused; 2 build error.
set -euo pipefail

readonly prog=debug-kernel
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

log() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { log "$*"; exit 2; }

config=$PEERCRED_TOP/kunit/debug.config
[[ -f $config ]] || die "missing $config"
src=$(peercred_source 6.1) || die "no linux-source-6.1"
src_id=$(<"$src/.peercred-extracted")
kver=$(make -s --no-print-directory -C "$src" kernelversion)
# The options alone name the kernel: editing a comment rebuilds nothing.
hash=$(grep -E '^(CONFIG_|# CONFIG_.* is not set)' "$config" | sort | sha256sum | cut -c1-12)
build=$PEERCRED_CACHE/debug-$kver-$hash
stamp=$build/.peercred-built
image=$build/arch/x86/boot/bzImage

mkdir -p "$PEERCRED_CACHE"
# One kernel build at a time: on two cores two builds starve each other,
# and two runs of this script would share one build directory.
exec 9>"$PEERCRED_CACHE/$prog.lock"
if ! flock -n 9; then
	log "waiting for another $prog run to finish"
	flock 9
fi

# A no-op kernel make still walks the whole tree: the stamp makes a warm
# run instant. It names the source it was built from, so a re-extracted or
# upgraded tree is rebuilt.
if [[ -f $image && -f $stamp && $(<"$stamp") == "$src_id" ]]; then
	log "cached: $build"
	echo "$build"
	exit 0
fi

mkdir -p "$build"
rm -f "$stamp"
log "building $kver with $config into $build (log: $build/build.log)"
t0=$SECONDS
if ! python3 "$src/tools/testing/kunit/kunit.py" build --arch=x86_64 \
	--kunitconfig="$config" --build_dir="$build" --jobs="$(nproc)" \
	>"$build/build.log" 2>&1; then
	tail -n 30 "$build/build.log" >&2
	die "kernel build failed, full log: $build/build.log"
fi
[[ -f $image ]] || die "build produced no $image"
printf '%s\n' "$src_id" >"$stamp"
log "built in $((SECONDS - t0))s"
echo "$build"
