#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: install what is needed, then boot Debian's newest kernel (7.3) in QEMU
# with peercred loaded, the real dbus-daemon running as messagebus and real
# clients as root, uid 1000 and uid 1001; print what the bus says about each
# client next to what /proc/peercred says, then the table itself (7.3 has
# pidfs and AppArmor peer labels for AF_UNIX: a confined client shows its label).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$PEERCRED_TOP/scripts/deps.sh"
echo "Booting Debian's $(peercred_kernel 7.3) under QEMU (TCG) with peercred.ko loaded..." >&2
out=$("$PEERCRED_TOP/scripts/dbus-test.sh" --demo 7.3)
[ -n "$out" ] || die "the guest printed nothing; see $PEERCRED_CACHE/dbus-*.log"
echo "$out"
