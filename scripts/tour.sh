#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make tour`: each /proc/peercred feature on Debian's newest kernel (7.3,
# which has pidfs and AppArmor peer labels for AF_UNIX) in QEMU, as a
# transcript of real commands and output: connections from before load,
# drift, identity, namespaces, the CLI. The README's samples come from here.
#
#   tour.sh [--no-deps]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = --no-deps ] || "$PEERCRED_TOP/scripts/deps.sh"
kver=$(peercred_kernel 7.3) || die "no 7.3 kernel installed (run scripts/deps.sh)"
build=$(peercred_build "$kver")
peercred_guest_bin "$PEERCRED_CACHE/guest-bin" || die "guest programs do not build"
log=$PEERCRED_CACHE/tour-$kver.log
echo "Booting Debian's $kver under QEMU (TCG)..." >&2
"$PEERCRED_TOP/scripts/guest/boot.sh" "$kver" "$build" \
	"$PEERCRED_TOP/scripts/guest/tour.sh" "$log" 2 300
# The transcript only, without the kernel's console messages.
tr -d '\r' <"$log" | sed -n '/^PEERCRED-TOUR-BEGIN$/,/^PEERCRED-TOUR-END$/p' |
	sed '1d;$d' | grep -v '^\[ *[0-9]*\.[0-9]*\]' ||
	die "the guest printed no tour; see $log"
