# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Sourced (as /attacks.sh) by checks.sh and basic.sh, which define M, pass,
# fail and scenario: users who are not friendly, on every kernel of the list.

# Users who fill the table, each up to its share (32 of 256 rows).
insmod $M max_rows=256 && scenario share
rmmod peercred

# Containers (netns of their own, user namespaces root made) that fill
# their share, as root and as their other uids: the others still get rows.
insmod $M max_rows=256 && scenario containers
rmmod peercred

# A reader who keeps its file open keeps nobody's sockets, nor their
# network namespace, alive.
insmod $M && scenario pins
rmmod peercred

# A client whose cgroup runs a BPF getsockopt program that rewrites
# SO_PEERSEC: the table shows its true label, not the one it chose.
insmod $M && scenario label-forge
rmmod peercred

# 200 000 rows of four users, and a reader who may see none of them: one
# read() walks them all, and must stall nobody.
insmod $M max_rows=262144 user_rows=50000 && scenario flood 200000
rmmod peercred
if dmesg | grep -E 'detected stall|soft lockup|blocked for more than'; then
	fail flood.no-stall-warnings "see the lines above"
else
	pass flood.no-stall-warnings
fi
