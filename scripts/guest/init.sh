#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
# PID 1 of every peercred guest: mount the basics, run /scenario, power off.
# The firmware leaves escape codes on the line: start ours on a fresh one.
echo
/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mkdir -p /proc /sys /dev /tmp /run
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
echo 1 >/proc/sys/kernel/printk_ratelimit 2>/dev/null
sh /scenario
echo "PEERCRED-GUEST-EXIT $?"
poweroff -f
