# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Runs inside the guest as /scenario for `make profile` (MOD, LOOP and N
# come first): one module loaded, N ops of LOOP counted between the QEMU
# plugin's marks, then the kernel's symbols, for the host to name the
# counted addresses.
# Boot-time work (crypto self-tests on 6.12) runs while the shell sleeps,
# not during the counted loop.
sleep 5
insmod "/peercred/$MOD.ko" || exit 1
# Steady state: the first few thousand ops after insmod cost more (bench.sh).
pcbench loop "$LOOP" 3000 || exit 1
pcbench loop "$LOOP" "$N" mark || exit 1
echo PEERCRED-SYMS-BEGIN
awk '$2 ~ /^[tT]$/ { print $1, $3, $4 }' /proc/kallsyms
echo PEERCRED-SYMS-END
