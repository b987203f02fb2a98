# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Runs inside the guest as /scenario for `make demo`.
insmod /peercred/peercred.ko || exit 1
echo PEERCRED-DEMO-BEGIN
pctest demo
echo PEERCRED-DEMO-END
