#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel under QEMU (TCG) with a busybox initramfs that holds the
# module, the static test programs and a scenario script; the serial log is
# written to LOG. Everything runs under a timeout: a hung guest is a result.
#
#   boot.sh KERNEL MODDIR SCENARIO LOG [SMP] [TIMEOUT]
#
# KERNEL is a Debian kernel version (its image from /boot or the cache, see
# peercred_vmlinuz in lib.sh) or an image's path: an x86_64 bzImage, booted
# by qemu-system-x86_64, or an arm64 Image, by qemu-system-aarch64 on its
# virt machine (a Cortex-A57, as the Pi's and Graviton's cores are
# ARMv8-A), with the guest programs and busybox of that architecture.
# PEERCRED_APPEND adds kernel parameters, PEERCRED_MEM sets the memory (MiB),
# PEERCRED_OVERLAY names a directory copied over the initramfs root.
# PEERCRED_ICOUNT=1 makes the guest's clock count instructions (-icount):
# timings then repeat exactly, whatever else the host is doing, and weigh
# instructions, not cache misses; for comparing two builds of the module.
# PEERCRED_QEMU_PLUGIN loads a TCG plugin: "PATH.so,ARG=VALUE,...".
set -euo pipefail

kver=$1 moddir=$2 scenario=$3 log=$4 smp=${5:-1} timeout=${6:-300}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"

kernel=$kver
[ -f "$kernel" ] || kernel=$(peercred_vmlinuz "$kver") || die "no kernel image for $kver (run scripts/deps.sh)"
# An arm64 Image says "ARM\x64" 56 bytes in.
arch=amd64
[ "$(od -A n -t x1 -j 56 -N 4 "$kernel" | tr -d ' ')" != 41524d64 ] || arch=arm64
bin=$(peercred_guest_dir guest-bin "$arch") extra=$(peercred_guest_dir guest-root "$arch")
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 755 "$root"

mkdir -p "$root/bin" "$root/peercred"
# The host's busybox for its own architecture's guests; deps.sh puts
# Debian's busybox-static of the others in their guest-root.
[ "$arch" != amd64 ] || cp /bin/busybox "$root/bin/busybox"
cp "$here/init.sh" "$root/init"
cp "$scenario" "$root/scenario"
find "$moddir" -name '*.ko' -exec cp {} "$root/peercred/" \;
[ ! -d "$bin" ] || find "$bin" -type f -exec cp {} "$root/bin/" \;
# apparmor_parser (scripts/deps.sh), and the profiles of the label checks;
# the parts the scenario scripts source.
[ ! -d "$extra" ] || cp -a "$extra/." "$root/"
mkdir -p "$root/etc/apparmor.d"
cp "$here"/*.apparmor "$root/etc/apparmor.d/"
cp "$here/apparmor.sh" "$here/attacks.sh" "$root/"
[ -z "${PEERCRED_OVERLAY:-}" ] || cp -a "$PEERCRED_OVERLAY/." "$root/"
# Everyone may look up paths from /, whatever the overlay's top was.
chmod 755 "$root"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$root.cpio.gz"

# thread=single: one host thread runs all vCPUs in turn. Multi-threaded TCG
# does not keep x86 cross-modifying code coherent between vCPUs, and kprobe
# (un)registration patches live kernel text: a module that only registers an
# empty kretprobe oopses both Debian kernels there under rmmod/insmod churn,
# and runs clean with thread=single. The guest still has SMP vCPUs.
icount=() plugin=()
[ -z "${PEERCRED_ICOUNT:-}" ] || icount=(-icount "shift=0,sleep=off")
[ -z "${PEERCRED_QEMU_PLUGIN:-}" ] || plugin=(-plugin "$PEERCRED_QEMU_PLUGIN")
if [ "$arch" = arm64 ]; then
	qemu=(qemu-system-aarch64 -M virt -cpu cortex-a57) console=ttyAMA0
else
	qemu=(qemu-system-x86_64 -cpu max) console=ttyS0
fi
set +e
timeout --foreground "$timeout" "${qemu[@]}" -accel tcg,thread=single "${icount[@]}" "${plugin[@]}" -m "${PEERCRED_MEM:-1024}" \
	-smp "$smp" -nographic -no-reboot -kernel "$kernel" -initrd "$root.cpio.gz" \
	-append "console=$console panic=-1 oops=panic quiet loglevel=4 ${PEERCRED_APPEND:-}" </dev/null >"$log" 2>&1
rc=$?
set -e
rm -f "$root.cpio.gz"
[ $rc -eq 124 ] && echo "PEERCRED-GUEST-TIMEOUT after ${timeout}s" >>"$log"
exit 0
