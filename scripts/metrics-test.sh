#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The fleet view under peercred, in a QEMU guest on a Debian kernel:
# Debian's prometheus-node-exporter serves `peercred metrics --textfile`,
# Debian's prometheus scrapes it and evaluates the sample alert rules, and
# scripts/guest/metrics.sh compares prometheus's answers with its own counts.
# Debian's binaries and their libraries are copied into the initramfs.
#
#   metrics-test.sh [KERNEL...]      (default: the newest generic kernel of
#                                     scripts/kernels, or of $PEERCRED_KERNELS)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rows=$(peercred_kernels "$@") || exit 2
[ $# -gt 0 ] || rows=$(awk '$3 == "generic" && $5 == "full" && $6 == "amd64"' <<<"$rows" | tail -n 1)

overlay=$(mktemp -d)
trap 'rm -rf "$overlay"' EXIT
for bin in /usr/bin/prometheus /usr/bin/promtool /usr/bin/prometheus-node-exporter; do
	[ -x "$bin" ] || die "no $bin (run scripts/deps.sh)"
	for f in "$bin" $(ldd "$bin" 2>/dev/null | awk '/=>/ { print $3 } /ld-linux/ { print $1 }'); do
		mkdir -p "$overlay$(dirname "$f")"
		cp -L "$f" "$overlay$f"
	done
done
ln -s prometheus-node-exporter "$overlay/usr/bin/node_exporter"
mkdir -p "$overlay/etc"
cp "$PEERCRED_TOP/scripts/prometheus/peercred-alerts.yml" "$overlay/etc/"
printf '%s\n' root:x:0:0:root:/:/bin/sh >"$overlay/etc/passwd"

if ! peercred_guest_bin "$PEERCRED_CACHE/guest-bin"; then
	echo "FAIL metrics/guest-programs: do not build"
	exit 1
fi

while read -r name series flavor _ _ arch; do
	[ -n "$name" ] || continue
	kver=$(peercred_kernel "$series" "$flavor" "$arch") ||
		{ echo "FAIL $name/metrics: no $flavor $series kernel installed (run scripts/deps.sh)"; continue; }
	build=$(peercred_build "$kver" </dev/null) || { echo "FAIL $name/metrics: module does not build"; continue; }
	log="$PEERCRED_CACHE/metrics-$kver.log"
	SECONDS=0
	PEERCRED_MEM=2048 PEERCRED_OVERLAY=$overlay "$PEERCRED_TOP/scripts/guest/boot.sh" \
		"$kver" "$build" "$PEERCRED_TOP/scripts/guest/metrics.sh" "$log" 2 400 </dev/null
	echo "metrics-test: $name ($kver) took ${SECONDS}s" >&2
	tr -d '\r' <"$log" | sed -n "s#^\(PASS\|FAIL\|SKIP\) #\1 $name/#p"
	grep -aq 'PEERCRED-METRICS-DONE' "$log" ||
		echo "FAIL $name/metrics.finished: no end marker (see $log)"
done <<<"$rows"
