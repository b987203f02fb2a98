#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: the Debian packages, built with debhelper and dh-dkms from a
# copy of what they ship (never from build output), into dist/:
#   dist/peercred-dkms_VERSION_all.deb  the module's source, for DKMS
#   dist/peercred_VERSION_all.deb       the CLI, units, man page, boot load
# then lintian on both (dist/lintian.txt); fails if lintian reports an
# error. VERSION is debian/changelog's.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

for tool in dpkg-buildpackage dh dh_dkms lintian; do
	command -v "$tool" >/dev/null ||
		die "make deb needs $tool: apt-get install debhelper dh-dkms lintian"
done
ver=$(peercred_pkg_version)
[ -n "$ver" ] || die "no version in debian/changelog's first line"

dist=$PEERCRED_TOP/dist
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$work/peercred-$ver
mkdir -p "$src/scripts"
(cd "$PEERCRED_TOP" && cp -r debian Kbuild dkms.conf module man "$src/" &&
	cp -r scripts/peercred scripts/peercred-metrics scripts/prometheus "$src/scripts/")

echo "deb: building peercred $ver" >&2
if ! (cd "$src" && dpkg-buildpackage -b --no-sign) >"$work/build.log" 2>&1; then
	cat "$work/build.log" >&2
	die "dpkg-buildpackage failed"
fi
mkdir -p "$dist"
rm -f "$dist"/peercred-dkms_*.deb "$dist"/peercred_*.deb "$dist/lintian.txt"
cp "$work"/peercred-dkms_"$ver"_all.deb "$work"/peercred_"$ver"_all.deb "$dist/"
lint=0
lintian --fail-on error --tag-display-limit 0 "$work"/peercred_"$ver"_*.changes \
	>"$dist/lintian.txt" 2>&1 || lint=$?
cat "$dist/lintian.txt"
[ "$lint" -eq 0 ] || die "lintian reports errors (dist/lintian.txt)"
ls -l "$dist"/peercred-dkms_"$ver"_all.deb "$dist"/peercred_"$ver"_all.deb
