#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The packages' life on a lab machine: a Debian system with systemd as
# PID 1 (scripts/sysimage.sh) boots Debian's kernel under QEMU with UEFI
# firmware (OVMF), installs dist/peercred-dkms_*.deb and
# dist/peercred_*.deb with apt (DKMS builds and signs the module inside the
# guest), and trusts DKMS's key (UEFI db). It boots again enforcing
# signatures (lockdown=integrity module.sig_enforce=1 on Debian 12,
# lockdown=confidentiality on 13) and checks that systemd loaded the module, verified,
# that the system's own rows agree with getsockopt and with ss, that
# /etc/modprobe.d sets the parameters, that the metrics timer feeds
# node_exporter, and that unsigned and foreign-signed builds are refused;
# [upgrades the kernel (DKMS builds and signs for the new one unasked) and
# boots it, the same checks again]; and apt purge leaves nothing. scripts/guest/pkg.sh holds
# the steps; the guest asks for each boot (PKGTEST-BOOT). Check names:
# pkg-RELEASE/...
#
#   scripts/pkg-test.sh [RELEASE]   bookworm (default) or trixie; builds
#          the packages into dist/ first (deb/... checks)
#   scripts/pkg-test.sh --debs      only build the packages and check them
#   scripts/pkg-test.sh --prebuilt RELEASE   the test with dist/'s packages
#          (of this tree's version), built by --debs before
#   scripts/pkg-test.sh --image RELEASE      only make the system image
#   PEERCRED_PKG_UPGRADE=1 scripts/pkg-test.sh [RELEASE]   and a kernel
#          upgrade: bookworm to its 6.12, trixie to 7.x from trixie-backports
#          (not in make check: its budget)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=all
case ${1:-} in --debs | --prebuilt | --image) mode=${1#--} && shift ;; esac
rel=${1:-bookworm}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Always from this tree: dist/ may hold packages of an older one.
ver=$(peercred_pkg_version)
debs=("$PEERCRED_TOP/dist/peercred-dkms_${ver}_all.deb" "$PEERCRED_TOP/dist/peercred_${ver}_all.deb")
if [ "$mode" = all ] || [ "$mode" = debs ]; then
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
	[ "$mode" = all ] || exit 0
fi
# The newer kernel a machine of the release upgrades to: bookworm's 6.12
# (linux-6.12, +deb12), trixie's newest from trixie-backports (7.x). The
# release's own kernel is what its image installed (sysimage.sh).
# How each enforces module signatures: lockdown=integrity with
# module.sig_enforce=1 on Debian 12 (the latter refuses first),
# lockdown=confidentiality alone on Debian 13 (lockdown refuses).
case $rel in
bookworm) next_series=6.12 enforce="lockdown=integrity module.sig_enforce=1" ;;
trixie) next_series=$(peercred_newest_series trixie-backports) enforce=lockdown=confidentiality ;;
*) die "pkg-test: no kernels chosen for $rel (bookworm or trixie)" ;;
esac
upgrade=${PEERCRED_PKG_UPGRADE:-0}
name=pkg-$rel
next=$(peercred_kernel "$next_series") || {
	echo "FAIL $name/kernel: no ${next_series:-newer} kernel installed (run scripts/deps.sh)"
	exit 0
}
# --image: only make the system image (check.sh starts it early).
if [ "$mode" = image ]; then
	"$PEERCRED_TOP/scripts/sysimage.sh" "$rel" "$next"
	exit
fi
if [ ! -f "${debs[0]}" ] || [ ! -f "${debs[1]}" ]; then
	echo "FAIL $name/packages: no $ver packages in dist/ (scripts/pkg-test.sh --debs)"
	exit 0
fi
if ! "$PEERCRED_TOP/scripts/sysimage.sh" "$rel" "$next" >&2; then
	echo "FAIL $name/image: the $rel system image could not be made"
	exit 0
fi
img=$PEERCRED_CACHE/sysimage-$rel
kver=$(cat "$img/kver")
bin=$(peercred_guest_dir guest-bin)
peercred_guest_bin "$bin" || {
	echo "FAIL $name/guest-programs: do not build"
	exit 0
}

mkdir "$work/disk"
cp "${debs[@]}" "$bin/pctest" "$work/disk/"
cp "$PEERCRED_TOP/scripts/guest/pkg.sh" "$work/disk/run.sh"
echo "$enforce" >"$work/disk/enforce"
# The kernel upgrade (by hand: PEERCRED_PKG_UPGRADE=1): the new kernel
# unpacked and DKMS building for it take 7 to 12 minutes of TCG, which
# make check's budget has no room for.
[ "$upgrade" != 1 ] || cp "$img/next" "$work/disk/next-kernel"
mke2fs -q -t ext4 -L PCTEST -d "$work/disk" "$work/test.img" 64M >/dev/null 2>&1
# The system's disk stays as cached; what the test writes goes to an
# overlay. The firmware's variables (the db the guest enrolls DKMS's key
# in) start empty: setup mode, no Secure Boot keys, as OVMF ships them.
qemu-img create -q -f qcow2 -b "$img/root.img" -F raw "$work/root.qcow2"
ovmf=/usr/share/OVMF
cp "$ovmf/OVMF_VARS_4M.fd" "$work/vars.fd"
log=$PEERCRED_CACHE/$name.log
: >"$log"
t=$SECONDS
boot() {	# boot VMLINUZ INITRD [APPEND]: until the guest powers off
	local rc
	set +e
	# cache=unsafe: the guest's fsyncs (dpkg makes thousands) need not
	# reach the host's disk; the overlay is thrown away after the test.
	timeout --foreground "${PEERCRED_PKG_TIMEOUT:-1200}" qemu-system-x86_64 -cpu max \
		-accel tcg,thread=single -m 2048 -smp 1 -nographic -nic none \
		-drive "if=pflash,format=raw,readonly=on,file=$ovmf/OVMF_CODE_4M.fd" \
		-drive "if=pflash,format=raw,file=$work/vars.fd" \
		-kernel "$1" -initrd "$2" \
		-append "console=ttyS0 root=/dev/vda rw panic=-1 quiet loglevel=4 systemd.show_status=0 ${3:-}" \
		-drive "file=$work/root.qcow2,if=virtio,format=qcow2,cache=unsafe" \
		-drive "file=$work/test.img,if=virtio,format=raw" </dev/null >"$work/boot.log" 2>&1
	rc=$?
	set -e
	[ $rc -ne 124 ] || echo "PEERCRED-GUEST-TIMEOUT" >>"$work/boot.log"
	cat "$work/boot.log" >>"$log"
}
# A boot's PKGTEST-BOOT KVER [APPEND...] line asks for the next one
# (QEMU boots its kernel directly: the guest's own reboot would come back
# to the same kernel and command line); a boot without one is the last.
# KVER's files are the image's, or for the upgrade's new kernel the ones
# the guest copied to the test's disk (read without mounting it).
boot "$img/vmlinuz" "$img/initrd.img"
for ((n = 1; n < 8; n++)); do
	read -r _ bkver bappend < <(tr -d '\r' <"$work/boot.log" | grep '^PKGTEST-BOOT ') || break
	if [ "$bkver" = "$kver" ]; then
		boot "$img/vmlinuz" "$img/initrd.img" "$bappend"
		continue
	fi
	for f in vmlinuz initrd.img; do
		debugfs -R "dump /$f-$bkver $work/$f-$bkver" "$work/test.img" >/dev/null 2>&1
	done
	if [ ! -s "$work/vmlinuz-$bkver" ] || [ ! -s "$work/initrd.img-$bkver" ]; then
		echo "FAIL $name/upgrade.files: the guest left no $bkver kernel on the test disk"
		break
	fi
	boot "$work/vmlinuz-$bkver" "$work/initrd.img-$bkver" "$bappend"
done
tr -d '\r' <"$log" | sed -n "s#^\(PASS\|FAIL\|SKIP\) #\1 $name/#p"
tr -d '\r' <"$log" | grep -q '^PKGTEST-END' ||
	echo "FAIL $name/guest-finished: no end marker, the guest crashed or timed out (see $log)"
echo "pkg-test: $name ($kver$([ "$upgrade" != 1 ] || echo " then $next")) took $((SECONDS - t))s" >&2
