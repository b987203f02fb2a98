#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: install what is needed, then boot Debian's 6.1 kernel in QEMU
# with peercred loaded, the real dbus-daemon running as messagebus and real
# clients as root, uid 1000 and uid 1001; print what the bus says about each
# client next to what /proc/peercred says, then the table itself.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$PEERCRED_TOP/scripts/deps.sh"
echo "Booting Debian's $(peercred_kernel 6.1) under QEMU (TCG) with peercred.ko loaded..." >&2
out=$("$PEERCRED_TOP/scripts/dbus-test.sh" --demo 6.1)
[ -n "$out" ] || die "the guest printed nothing; see $PEERCRED_CACHE/dbus-*.log"
echo "$out"
