#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The real dbus-daemon and its clients under peercred, in a QEMU guest on a
# Debian kernel: Debian's own binaries and libraries are copied into the
# initramfs. PASS/FAIL lines; with --demo, the side-by-side view instead.
#
#   dbus-test.sh [--demo] [KERNEL...]      (6.1, 7.3-rt; default: every
#                                           "full" kernel of scripts/kernels,
#                                           or those of $PEERCRED_KERNELS)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

demo=
[ "${1:-}" != --demo ] || { demo=1; shift; }
rows=$(peercred_kernels "$@") || exit 2
# The "basic" kernels boot once, in guest-test.sh, unless asked for here.
[ $# -gt 0 ] || rows=$(awk '$5 == "full"' <<<"$rows")

overlays=$(mktemp -d)
trap 'rm -rf "$overlays"' EXIT
# dbus_overlay ARCH: Debian's dbus of that architecture, with the libraries
# it links (the host's own, or deps.sh's sysroot of another), the bus's
# configuration and the users, in a tree boot.sh copies over the guest's
# root; made once an architecture. Prints its path.
dbus_overlay() {
	local overlay=$overlays/$1
	if [ ! -d "$overlay" ]; then
		peercred_copy_bins "$1" "$overlay" /usr/bin/dbus-daemon /usr/bin/dbus-send \
			/usr/bin/dbus-test-tool || die "no dbus for $1 (run scripts/deps.sh)"
		mkdir -p "$overlay/etc" "$overlay/var/lib/dbus"
		cp "$PEERCRED_TOP/scripts/guest/peercred-bus.conf" "$overlay/etc/"
		printf '%s\n' root:x:0:0:root:/:/bin/sh messagebus:x:101:101::/:/bin/false \
			alice:x:1000:1000::/:/bin/sh bob:x:1001:1001::/:/bin/sh >"$overlay/etc/passwd"
		printf '%s\n' root:x:0: video:x:27:bob users:x:100:bob messagebus:x:101: \
			alice:x:1000: bob:x:1001: >"$overlay/etc/group"
		echo 0123456789abcdef0123456789abcdef >"$overlay/etc/machine-id"
		cp "$overlay/etc/machine-id" "$overlay/var/lib/dbus/machine-id"
		[ -z "$demo" ] || touch "$overlay/demo-mode"
	fi
	echo "$overlay"
}

while read -r name series flavor _ _ arch; do
	[ -n "$name" ] || continue
	if ! peercred_guest_bin "$(peercred_guest_dir guest-bin "$arch")" "$arch"; then
		echo "FAIL $name/dbus: the guest programs do not build"
		continue
	fi
	overlay=$(dbus_overlay "$arch") || exit 1
	kver=$(peercred_kernel "$series" "$flavor" "$arch") ||
		{ echo "FAIL $name/dbus: no $flavor $arch $series kernel installed (run scripts/deps.sh)"; continue; }
	build=$(peercred_build "$kver" </dev/null) || { echo "FAIL $name/dbus: module does not build"; continue; }
	log="$PEERCRED_CACHE/dbus-$kver.log"
	SECONDS=0
	PEERCRED_OVERLAY=$overlay "$PEERCRED_TOP/scripts/guest/boot.sh" "$kver" "$build" \
		"$PEERCRED_TOP/scripts/guest/dbus.sh" "$log" 2 200 </dev/null
	[ -n "$demo" ] || echo "dbus-test: $name ($kver) took ${SECONDS}s" >&2
	if [ -n "$demo" ]; then
		tr -d '\r' <"$log" | sed -n '/PEERCRED-DEMO-BEGIN/,/PEERCRED-DEMO-END/p' | sed '1d;$d'
		continue
	fi
	tr -d '\r' <"$log" | sed -n "s#^\(PASS\|FAIL\|SKIP\) #\1 $name/#p"
	grep -aq 'PEERCRED-DBUS-DONE' "$log" ||
		echo "FAIL $name/dbus.finished: no end marker (see $log)"
done <<<"$rows"
