#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what building and testing peercred needs from Debian's archive:
# the newest 6.1 and 6.12 kernels (image + headers) for the QEMU guests, the
# 6.1 sources for UML and checkpatch, and the tools. Idempotent and quiet
# when everything is already there.
set -euo pipefail

pkgs=(build-essential bc bison flex libelf-dev libssl-dev kmod cpio xz-utils
      python3 perl sparse shellcheck dash dkms qemu-system-x86 busybox-static
      dbus-daemon dbus-bin dbus-tests
      linux-image-amd64 linux-headers-amd64 linux-source-6.1 linux-source-6.12)

missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
			echo "$p"
	done
}

apt_updated=
apt_install() {
	[ $# -gt 0 ] || return 0
	if [ -z "$apt_updated" ]; then
		apt-get update -qq
		apt_updated=1
	fi
	echo "deps: installing $*" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

[ "$(id -u)" = 0 ] || { echo "deps: run as root (apt-get)" >&2; exit 1; }

# shellcheck disable=SC2046
apt_install $(missing "${pkgs[@]}")

# Debian 12 has no metapackage for 6.12: take the newest ABI it offers,
# unless some 6.12 image with headers is installed already.
. "$(dirname "$0")/lib.sh"
if ! peercred_kernel 6.12 >/dev/null; then
	[ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=1; }
	abi=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9.]+\+deb12-amd64$' |
	      awk '{print $1}' | sed 's/^linux-headers-//' | sort -V | tail -n 1)
	[ -n "$abi" ] || { echo "deps: no 6.12 kernel in the archive" >&2; exit 1; }
	apt_install "linux-image-$abi-unsigned" "linux-headers-$abi"
fi
