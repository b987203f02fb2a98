#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make profile`: where the instructions of recording a connection go. A
# QEMU plugin (profile-plugin.c) counts every guest instruction of N
# connect/accept/close or socketpair/close loops, in one boot with the
# probe-only floor loaded (bench.sh) and one with peercred, and this
# prints each function's instructions a loop, named from the guest's
# /proc/kallsyms. Counts, not times: peercred's own lines repeat exactly
# for the same build; the kernel's vary a little between boots (which
# pages the slabs clear, what boot-time work overlaps the loop).
#
#   profile.sh [SERIES [connect|socketpair [N]]]   (default 6.1 socketpair 30000)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

series=${1:-6.1} loop=${2:-socketpair} n=${3:-30000}
case $loop in connect | socketpair) ;; *) die "usage: $0 [SERIES [connect|socketpair [N]]]" ;; esac
"$PEERCRED_TOP/scripts/deps.sh"
kver=$(peercred_kernel "$series") || die "no Debian $series kernel installed"
# The plugin knows x86_64's mark instruction (guest/bench.c: pb_mark).
[ "$(peercred_arch_of "$kver")" = amd64 ] ||
	die "profile counts amd64 guests only; $series is $(peercred_arch_of "$kver") (make bench measures it)"
build=$(peercred_build "$kver")
peercred_bench_parts "$kver" "$build"

# The plugin API's header, from Debian's source of the host's QEMU (the
# binary package does not ship it), through an apt of our own.
qver=$(dpkg-query -W -f='${source:Version}' qemu-system-x86)
pdir=$PEERCRED_CACHE/qemu-plugin/$qver
if [ ! -f "$pdir/qemu-plugin.h" ]; then
	echo "profile: fetching QEMU $qver's source for its plugin header" >&2
	. /etc/os-release
	rm -rf "$pdir"
	mkdir -p "$pdir/apt/lists/partial" "$pdir/src"
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
		"http://deb.debian.org/debian $VERSION_CODENAME main" >"$pdir/apt/sources.list"
	opts=(-o "Dir::Etc::sourcelist=$pdir/apt/sources.list" -o Dir::Etc::sourceparts=-
		-o "Dir::State::Lists=$pdir/apt/lists" -o Dir::State::status=/dev/null
		-o APT::Sandbox::User=root)
	apt-get "${opts[@]}" update -qq
	(cd "$pdir/src" && apt-get "${opts[@]}" source --download-only -qq "qemu=$qver" >/dev/null)
	tar -xJf "$pdir"/src/qemu_*.orig.tar.xz -O --wildcards '*/include/qemu/qemu-plugin.h' \
		>"$pdir/.qemu-plugin.h"
	rm -rf "$pdir/src" "$pdir/apt"
	mv "$pdir/.qemu-plugin.h" "$pdir/qemu-plugin.h"
fi
gcc -O2 -Wall -Wextra -Wno-unused-parameter -Werror -shared -fPIC -I "$pdir" \
	-o "$pdir/profile-plugin.so" "$PEERCRED_TOP/scripts/profile-plugin.c"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for mod in peercred_floor peercred; do
	{
		echo "MOD=$mod LOOP=$loop N=$n"
		cat "$PEERCRED_TOP/scripts/guest/profile.sh"
	} >"$tmp/scenario"
	echo "profile: $n ${loop} loops with $mod on $kver, every instruction counted..." >&2
	PEERCRED_ICOUNT=1 PEERCRED_MEM=2048 \
		PEERCRED_APPEND="$(peercred_bench_append)" \
		PEERCRED_QEMU_PLUGIN="$pdir/profile-plugin.so,out=$tmp/$mod.counts" \
		"$PEERCRED_TOP/scripts/guest/boot.sh" "$kver" "$build" "$tmp/scenario" "$tmp/$mod.log" 1 1800
	tr -d '\r' <"$tmp/$mod.log" | sed -n '/PEERCRED-SYMS-BEGIN/,/PEERCRED-SYMS-END/p' |
		sed '1d;$d' >"$tmp/$mod.syms"
	grep -q '^# marks 2 ' "$tmp/$mod.counts" 2>/dev/null && [ -s "$tmp/$mod.syms" ] ||
		die "no counts from the $mod boot; see its log: $(tail -n 5 "$tmp/$mod.log")"
done
python3 "$PEERCRED_TOP/scripts/profile-report.py" "$loop" "$n" "$kver" \
	"$tmp/peercred_floor.counts" "$tmp/peercred_floor.syms" \
	"$tmp/peercred.counts" "$tmp/peercred.syms"
