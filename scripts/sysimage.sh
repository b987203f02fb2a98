#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A Debian system with systemd as PID 1, as a lab machine has it, for the
# package test (scripts/pkg-test.sh): debootstrap into a directory, Debian's
# kernel and its headers installed from the release's apt (dkms needs
# them): the release's own (linux-image-amd64 of bookworm is 6.1, of trixie
# 6.12), as a machine of that release runs before anyone upgrades it. Then
# an ext4 disk image made from the directory by mke2fs -d (no mount, no
# loop device), and the kernel and initramfs it boots beside it:
#
#   scripts/sysimage.sh RELEASE [NEXT]
#       -> $PEERCRED_CACHE/sysimage-RELEASE/{root.img,vmlinuz,initrd.img,kver}
#
# NEXT, a newer kernel for the release (bookworm's linux-6.12, trixie's
# 7.x from trixie-backports), is the kernel upgrade the test makes: its
# image and headers packages wait in apt's cache, not installed, so that
# the guest installs them with apt and no network.
# Cached: made once per release and kernels, and whenever this script
# changes (its hash is part of the stamp). The image boots a unit that runs
# /run.sh from a second disk (labelled PCTEST) on every boot, its output on
# the serial console: the test brings its own steps each time.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rel=${1:?usage: sysimage.sh RELEASE [NEXT]}
next=${2:-}
mirror=http://deb.debian.org/debian
out=$PEERCRED_CACHE/sysimage-$rel
stamp="$(sha256sum "$0" | cut -c1-12) $next"
# check.sh starts the build early, in the background: a second caller waits.
mkdir -p "$PEERCRED_CACHE"
exec 9>"$out.lock"
flock 9
[ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ] && exit 0

# The system a lab machine runs: systemd, D-Bus, logind, journald; ss
# (iproute2); dkms and a compiler (dkms depends on them); openssl, with
# which dkms makes its signing key (dkms only recommends it; a lab machine
# has it); node_exporter and curl for the metrics timer.
pkgs=systemd-sysv,dbus,libpam-systemd,iproute2,kmod,udev,procps,dkms,gcc,make,apt,e2fsprogs,openssl,prometheus-node-exporter,curl

case $rel in
bookworm) sources="deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main"
	next_suite=bookworm ;;
trixie) sources="deb $mirror trixie main
deb $mirror trixie-updates main
deb $mirror trixie-backports main
deb http://deb.debian.org/debian-security trixie-security main"
	next_suite=trixie-backports ;;
*) die "sysimage: no sources for release $rel" ;;
esac

tmp=$out.tmp
rm -rf --one-file-system "$tmp"
mkdir -p "$tmp/root"
root=$tmp/root
echo "sysimage: debootstrap $rel (a few minutes)" >&2
debootstrap --variant=minbase --include="$pkgs" "$rel" "$root" "$mirror" >"$tmp/debootstrap.log" 2>&1 ||
	{ tail -20 "$tmp/debootstrap.log" >&2; die "debootstrap $rel failed"; }
printf '%s\n' "$sources" >"$root/etc/apt/sources.list"
# An initramfs of what a QEMU guest boots from (virtio disk, ext4), not
# of most modules: a tenth of the size, made in seconds, in the guest too.
# (Not in /etc/initramfs-tools/modules: initramfs-tools ships that one.)
mkdir -p "$root/etc/initramfs-tools/conf.d" "$root/usr/share/initramfs-tools/modules.d"
printf 'MODULES=list\n' >"$root/etc/initramfs-tools/conf.d/peercred-test.conf"
printf 'virtio_pci\nvirtio_blk\next4\n' >"$root/usr/share/initramfs-tools/modules.d/peercred-test"
peercred_chroot "$root" apt-get update -qq
peercred_chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	--no-install-recommends linux-image-amd64 linux-headers-amd64 >"$tmp/apt.log" 2>&1 ||
	{ tail -20 "$tmp/apt.log" >&2; die "installing the $rel kernel into its image failed"; }
peercred_chroot "$root" apt-get clean
kver=$(ls "$root/lib/modules")
if [ -n "$next" ]; then
	# From its suite, with what it needs from there (linux-base of
	# trixie-backports for 7.x): "NEXT SUITE" in the image's next file.
	peercred_chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends --download-only -t "$next_suite" "linux-image-$next" "linux-headers-$next" \
		>"$tmp/apt-next.log" 2>&1 ||
		{ tail -20 "$tmp/apt-next.log" >&2; die "downloading linux-image-$next for the $rel image failed"; }
fi

echo peercred-"$rel" >"$root/etc/hostname"
printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' >"$root/etc/fstab"
# Users of the test; root logs in on the console without a password.
peercred_chroot "$root" useradd -m -u 1000 -s /bin/sh alice
peercred_chroot "$root" passwd -d root >/dev/null
: >"$root/etc/machine-id"
# The test's own unit: simple, so that the boot does not wait for it and
# the test can wait for the boot (systemctl is-system-running --wait).
cat >"$root/etc/systemd/system/peercred-test.service" <<'EOF'
[Unit]
Description=peercred's package test (scripts/pkg-test.sh)
ConditionPathExists=/dev/disk/by-label/PCTEST
After=local-fs.target

[Service]
Type=simple
ExecStartPre=/bin/mkdir -p /mnt/pctest
ExecStartPre=/bin/mount /dev/disk/by-label/PCTEST /mnt/pctest
ExecStart=/bin/sh /mnt/pctest/run.sh
StandardOutput=tty
StandardError=inherit
TTYPath=/dev/ttyS0
TTYReset=no
TTYVHangup=no

[Install]
WantedBy=multi-user.target
EOF
ln -s /etc/systemd/system/peercred-test.service \
	"$root/etc/systemd/system/multi-user.target.wants/peercred-test.service"
# The console's login prompt would interleave with the test's output.
ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"

cp "$root/boot/vmlinuz-$kver" "$tmp/vmlinuz"
cp "$root/boot/initrd.img-$kver" "$tmp/initrd.img"
echo "$kver" >"$tmp/kver"
[ -z "$next" ] || echo "$next $next_suite" >"$tmp/next"
size=$(($(du -sm "$root" | cut -f1) + 1536))
mke2fs -q -t ext4 -L peercred-root -d "$root" "$tmp/root.img" "${size}M"
rm -rf --one-file-system "$root"
echo "$stamp" >"$tmp/stamp"
rm -rf --one-file-system "$out"
mv "$tmp" "$out"
# Images named for their kernel (sysimage-RELEASE-KVER) are of an older
# version of this script: 2.5 GiB each that nobody boots again.
for old in "$PEERCRED_CACHE/sysimage-$rel-"*; do
	[ ! -f "$old/stamp" ] || rm -rf --one-file-system "$old" "$old.lock"
done
echo "sysimage: $out ($kver, $size MiB)" >&2
