#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The packages' life on a lab machine: a Debian system with systemd as
# PID 1 (scripts/sysimage.sh) boots Debian's kernel under QEMU, installs
# dist/peercred-dkms_*.deb and dist/peercred_*.deb with apt (DKMS builds the
# module inside the guest), reboots, and checks that systemd loaded the
# module, that the system's own rows agree with getsockopt and with ss, that
# /etc/modprobe.d sets the parameters, and that apt purge leaves nothing
# (scripts/guest/pkg.sh holds the steps). Check names: pkg-RELEASE/...
#
#   scripts/pkg-test.sh [--image] [RELEASE]   (bookworm; builds the
#          packages into dist/ first: deb/... checks; --image: only the image)
#   PEERCRED_PKG_UPGRADE=1 scripts/pkg-test.sh   and a kernel upgrade to
#          the release's next kernel (6.12): DKMS builds for it unasked,
#          and the module is loaded again when the system boots it
set -euo pipefail
. "$(dirname "$0")/lib.sh"

image_only=
[ "${1:-}" != --image ] || { image_only=1 && shift; }
rel=${1:-bookworm}
# The release's own kernel, as a lab machine of that release boots.
# and the newer one of the same release it upgrades to.
case $rel in
bookworm) series=6.1 next_series=6.12 ;;
*) die "pkg-test: no kernel chosen for $rel" ;;
esac
name=pkg-$rel
for s in "$series" "$next_series"; do
	peercred_kernel "$s" >/dev/null || {
		echo "FAIL $name/kernel: no $s kernel installed (run scripts/deps.sh)"
		exit 0
	}
done
kver=$(peercred_kernel "$series") next=$(peercred_kernel "$next_series")
# --image: only make the system image (check.sh starts it early).
[ -z "$image_only" ] || exec "$PEERCRED_TOP/scripts/sysimage.sh" "$rel" "$kver" "$next"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Always from this tree: dist/ may hold packages of an older one.
ver=$(peercred_pkg_version)
debs=("$PEERCRED_TOP/dist/peercred-dkms_${ver}_all.deb" "$PEERCRED_TOP/dist/peercred_${ver}_all.deb")
"$PEERCRED_TOP/scripts/deb.sh" >"$work/deb.out" 2>&1
if [ -f "${debs[0]}" ] && [ -f "${debs[1]}" ]; then
	echo "PASS deb/packages-built"
else
	echo "FAIL deb/packages-built: $(grep -m 3 -E 'error|peercred:' "$work/deb.out" | tr '\n' ' ')"
	exit 0
fi
if grep -q '^E: ' "$PEERCRED_TOP/dist/lintian.txt"; then
	echo "FAIL deb/lintian-no-errors: $(grep -m 3 '^E: ' "$PEERCRED_TOP/dist/lintian.txt" | tr '\n' ' ')"
else
	echo "PASS deb/lintian-no-errors"
fi
if ! "$PEERCRED_TOP/scripts/sysimage.sh" "$rel" "$kver" "$next" >&2; then
	echo "FAIL $name/image: the $rel system image could not be made"
	exit 0
fi
img=$PEERCRED_CACHE/sysimage-$rel-$kver
bin=$(peercred_guest_dir guest-bin)
peercred_guest_bin "$bin" || {
	echo "FAIL $name/guest-programs: do not build"
	exit 0
}

mkdir "$work/disk"
cp "${debs[@]}" "$bin/pctest" "$work/disk/"
cp "$PEERCRED_TOP/scripts/guest/pkg.sh" "$work/disk/run.sh"
# The kernel upgrade (a third boot, about 8 more minutes of TCG: the new
# kernel unpacked, and DKMS building for it) is not in make check yet,
# whose warm run it would take past its 30 minutes: PEERCRED_PKG_UPGRADE=1.
if [ "${PEERCRED_PKG_UPGRADE:-0}" = 1 ]; then
	echo "$next" >"$work/disk/next-kernel"
fi
mke2fs -q -t ext4 -L PCTEST -d "$work/disk" "$work/test.img" 64M >/dev/null 2>&1
# The system's disk stays as cached; what the test writes goes to an overlay.
qemu-img create -q -f qcow2 -b "$img/root.img" -F raw "$work/root.qcow2"
log=$PEERCRED_CACHE/$name.log
: >"$log"
t=$SECONDS
boot() {	# boot VMLINUZ INITRD: until the guest powers off
	local rc
	set +e
	timeout --foreground "${PEERCRED_PKG_TIMEOUT:-1200}" qemu-system-x86_64 -cpu max \
		-accel tcg,thread=single -m 2048 -smp 1 -nographic -nic none \
		-kernel "$1" -initrd "$2" \
		-append "console=ttyS0 root=/dev/vda rw panic=-1 quiet loglevel=4 systemd.show_status=0" \
		-drive "file=$work/root.qcow2,if=virtio,format=qcow2" \
		-drive "file=$work/test.img,if=virtio,format=raw" </dev/null >>"$log" 2>&1
	rc=$?
	set -e
	[ $rc -ne 124 ] || echo "PEERCRED-GUEST-TIMEOUT" >>"$log"
}
boot "$img/vmlinuz" "$img/initrd.img"
# The upgraded kernel, as the guest installed it (its files on the test's
# disk, read without mounting it).
if tr -d '\r' <"$log" | grep -qx "PKGTEST-BOOT-INTO $next"; then
	for f in vmlinuz initrd.img; do
		debugfs -R "dump /$f-$next $work/$f-$next" "$work/test.img" >/dev/null 2>&1
	done
	if [ -s "$work/vmlinuz-$next" ] && [ -s "$work/initrd.img-$next" ]; then
		boot "$work/vmlinuz-$next" "$work/initrd.img-$next"
	else
		echo "FAIL $name/upgrade.files: the guest left no $next kernel on the test disk"
	fi
fi
tr -d '\r' <"$log" | sed -n "s#^\(PASS\|FAIL\|SKIP\) #\1 $name/#p"
tr -d '\r' <"$log" | grep -q '^PKGTEST-END' ||
	echo "FAIL $name/guest-finished: no end marker, the guest crashed or timed out (see $log)"
echo "pkg-test: $name ($kver) took $((SECONDS - t))s" >&2
