#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: install what is needed, build peercred for Debian's 6.1
# kernel, boot that kernel in QEMU with a server and clients running as
# different users, and print the guest's real /proc/peercred.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$PEERCRED_TOP/scripts/deps.sh"
kver=$(peercred_kernel 6.1) || die "no Debian 6.1 kernel installed"
build=$(peercred_build "$kver")
mkdir -p "$PEERCRED_CACHE/guest-bin"
gcc -static -O2 -Wall -Wextra -Werror -o "$PEERCRED_CACHE/guest-bin/pctest" \
	"$PEERCRED_TOP"/scripts/guest/{pctest,check,scenarios}.c
log="$PEERCRED_CACHE/demo.log"
echo "Booting Debian's $kver under QEMU (TCG) with peercred.ko loaded..." >&2
"$PEERCRED_TOP/scripts/guest/boot.sh" "$kver" "$build" "$PEERCRED_TOP/scripts/guest/demo.sh" "$log" 1 120
tr -d '\r' <"$log" | sed -n '/PEERCRED-DEMO-BEGIN/,/PEERCRED-DEMO-END/p' | sed '1d;$d' | grep . ||
	die "the guest printed no table; see $log"
