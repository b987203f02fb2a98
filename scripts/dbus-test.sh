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

overlay=$(mktemp -d)
trap 'rm -rf "$overlay"' EXIT
for bin in /usr/bin/dbus-daemon /usr/bin/dbus-send /usr/bin/dbus-test-tool; do
	[ -x "$bin" ] || die "no $bin (run scripts/deps.sh)"
	for f in "$bin" $(ldd "$bin" | awk '/=>/ { print $3 } /ld-linux/ { print $1 }'); do
		mkdir -p "$overlay$(dirname "$f")"
		cp -L "$f" "$overlay$f"
	done
done
mkdir -p "$overlay/etc" "$overlay/var/lib/dbus"
cp "$PEERCRED_TOP/scripts/guest/peercred-bus.conf" "$overlay/etc/"
printf '%s\n' root:x:0:0:root:/:/bin/sh messagebus:x:101:101::/:/bin/false \
	alice:x:1000:1000::/:/bin/sh bob:x:1001:1001::/:/bin/sh >"$overlay/etc/passwd"
printf '%s\n' root:x:0: video:x:27:bob users:x:100:bob messagebus:x:101: \
	alice:x:1000: bob:x:1001: >"$overlay/etc/group"
echo 0123456789abcdef0123456789abcdef >"$overlay/etc/machine-id"
cp "$overlay/etc/machine-id" "$overlay/var/lib/dbus/machine-id"
[ -z "$demo" ] || touch "$overlay/demo-mode"

if ! peercred_guest_bin "$PEERCRED_CACHE/guest-bin"; then
	echo "FAIL dbus/guest-programs: do not build"
	exit 1
fi

while read -r name series flavor _; do
	[ -n "$name" ] || continue
	kver=$(peercred_kernel "$series" "$flavor") ||
		{ echo "FAIL $name/dbus: no $flavor $series kernel installed (run scripts/deps.sh)"; continue; }
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
