#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what building and testing peercred needs, for every kernel of
# scripts/kernels, from Debian's archive: the tools; for each kernel of the
# host's suite (bookworm) its headers through the host's apt, its image too
# for the generic flavor (the others' images are extracted into the cache);
# for other suites (trixie-backports) an apt of the project's own, the
# images extracted into the cache, a chroot of that release (debootstrap)
# holding the headers, dkms and a sparse that reads them (built from sid's
# source when the release's own cannot), and the linux-source tarball. The
# sources of every series are there for UML, KUnit and checkpatch. A cold
# run takes about 7 minutes on top of the tools. Idempotent and quiet when
# everything is already there; everything but the host's packages is under
# $PEERCRED_CACHE (default ~/.cache/peercred).
#
#   PEERCRED_APT_MAX_AGE   days before the project's package lists are
#                          fetched again, for a newer series (default 7)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# trinity: the system call fuzzer of the torture guests (scripts/torture.sh
# copies it in; it is never run on the host). debhelper, dh-dkms and
# lintian build and check the packages (make deb); qemu-img and mke2fs make
# the package test's disks, OVMF is its guests' UEFI firmware
# (scripts/pkg-test.sh).
pkgs=(build-essential bc bison flex libelf-dev libssl-dev kmod cpio xz-utils
      python3 perl sparse shellcheck dash dkms qemu-system-x86 busybox-static
      dbus-daemon dbus-bin dbus-tests debootstrap prometheus prometheus-node-exporter
      trinity linux-image-amd64 linux-headers-amd64
      debhelper dh-dkms lintian qemu-utils e2fsprogs ovmf)
mirror=http://deb.debian.org/debian
# What a chroot is made with; dkms for the DKMS builds of its kernels.
chroot_pkgs=build-essential,kmod,libelf-dev,sparse,dkms
# For kernels of another architecture (arm64): the compiler of the guests'
# static programs and its C library, and QEMU for that architecture. The
# kernels' own compilers (gcc-N-aarch64-linux-gnu) come with their headers.
cross_pkgs=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm)
# Their guests' userland, from that architecture's packages: busybox,
# apparmor_parser, dbus, trinity (torture) and the libraries they link.
cross_userland=(busybox-static apparmor dbus-daemon dbus-bin dbus-tests trinity libc6
	libdbus-1-3 libsystemd0 libexpat1 libselinux1 libaudit1 libcap-ng0 libapparmor1 libcap2
	libgcrypt20 liblzma5 libzstd1 liblz4-1 libpcre2-8-0 libgpg-error0)
# Where a newer sparse's source comes from, when a chroot's own cannot read
# its kernels' headers (see chroot_sparse).
sparse_suite=sid
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

say() { echo "deps: $*" >&2; }

missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
			echo "$p"
	done
}

apt_updated=
apt_update() {
	[ -z "$apt_updated" ] || return 0
	apt-get update -qq
	apt_updated=1
}
apt_install() {
	local log
	[ $# -gt 0 ] || return 0
	apt_update
	say "installing $*"
	log=$(mktemp)
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >"$log" 2>&1 ||
		{ cat "$log" >&2; rm -f "$log"; say "apt-get install failed"; return 1; }
	rm -f "$log"
}

# The first of PACKAGES an apt (options before --) knows.
first_known() {
	local opts=() p
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	for p in "$@"; do
		if apt-cache "${opts[@]}" show --no-all-versions "$p" >/dev/null 2>&1; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# The newest kernel version of a series, flavor and arch that an apt
# (options given) has headers for.
archive_newest() {
	local series=$1 flavor=$2 arch=$3 re
	shift 3
	re=$(peercred_version_re "$series" "$flavor" "$arch")
	apt-cache "$@" search --names-only "^linux-headers-${re#^}" |
		awk '{ print $1 }' | sed 's/^linux-headers-//' | sort -V | tail -n 1 | grep .
}

# fetch_image VERSION APT-OPTIONS...: the kernel's image out of its package
# (linux-binary-V, or linux-image-V[-unsigned]) into images/VERSION/vmlinuz,
# without installing anything.
fetch_image() {
	local ver=$1 dir=$PEERCRED_CACHE/images/$1 pkg tmp f
	shift
	[ -f "$dir/vmlinuz" ] && return 0
	pkg=$(first_known "$@" -- "linux-binary-$ver" "linux-image-$ver-unsigned" "linux-image-$ver") ||
		{ say "no image package for $ver"; return 1; }
	say "extracting $ver's image from $pkg"
	mkdir -p "$PEERCRED_CACHE/images"
	tmp=$(mktemp -d "$PEERCRED_CACHE/images/.fetch.XXXXXX")
	(cd "$tmp" && apt-get "$@" -o APT::Sandbox::User=root download -qq "$pkg" >/dev/null)
	dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" --wildcards '*vmlinuz*'
	for f in "$tmp/boot/vmlinuz-$ver" "$tmp/usr/lib/modules/$ver/vmlinuz" "$tmp/lib/modules/$ver/vmlinuz"; do
		[ -f "$f" ] || continue
		mkdir "$tmp/out"
		mv "$f" "$tmp/out/vmlinuz"
		mv "$tmp/out" "$dir"
		rm -rf "$tmp"
		return 0
	done
	rm -rf "$tmp"
	say "no vmlinuz for $ver in $pkg"
	return 1
}

# fetch_source SERIES: linux-source-SERIES.tar.xz out of the project's apt's
# package into the cache, where peercred_source finds it; again when the
# package has a new version.
fetch_source() {
	local series=$1 tarball=$PEERCRED_CACHE/src/linux-source-$1.tar.xz want tmp
	[ ! -f "/usr/src/linux-source-$series.tar.xz" ] || return 0
	# Up to date when the lists were not fetched again since.
	[ ! -f "$tarball" ] || [ ! "$tarball.version" -nt "$PEERCRED_APT/lists/.peercred-updated" ] || return 0
	want=$(apt-cache "${PEERCRED_APT_OPTS[@]}" show --no-all-versions "linux-source-$series" 2>/dev/null |
	       sed -n 's/^Version: //p')
	[ -n "$want" ] || { say "no linux-source-$series in $PEERCRED_APT"; return 1; }
	if [ -f "$tarball" ] && [ "$(cat "$tarball.version" 2>/dev/null)" = "$want" ]; then
		touch "$tarball.version"
		return 0
	fi
	say "extracting linux-source-$series.tar.xz from linux-source-$series $want"
	mkdir -p "$PEERCRED_CACHE/src"
	tmp=$(mktemp -d "$PEERCRED_CACHE/src/.fetch.XXXXXX")
	(cd "$tmp" && apt-get "${PEERCRED_APT_OPTS[@]}" download -qq "linux-source-$series=$want" >/dev/null)
	dpkg-deb --fsys-tarfile "$tmp"/*.deb |
		tar -x -C "$tmp" "./usr/src/linux-source-$series.tar.xz"
	mv "$tmp/usr/src/linux-source-$series.tar.xz" "$tarball"
	echo "$want" >"$tarball.version"
	rm -rf "$tmp"
}

# Remove a directory that may hold a chroot: whatever an interrupted
# debootstrap left mounted in it first, and never across file systems.
remove_tree() {
	local m
	for m in $(awk -v d="$1" 'index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r); do
		umount -l "$m" || true
	done
	rm -rf --one-file-system "$1"
}

# The sources.list of a release's chroot and of the project's apt: each
# suite of the list that is not the host's, with the release it is from.
suite_sources() {	# suite_sources [RELEASE]
	local s
	for s in $(printf '%s\n' "${suites[@]}" | sort -u); do
		[ -z "${1:-}" ] || [ "${s%%-*}" = "$1" ] || continue
		[ "${s%%-*}" = "$s" ] || echo "deb $mirror ${s%%-*} main"
		echo "deb $mirror $s main"
	done | awk '!seen[$0]++'
}

# make_chroot RELEASE: a Debian chroot to build that release's kernels'
# modules in, made aside and moved into place stamped when complete (a
# half-made one is never used). Started in the background by start_chroot.
make_chroot() {
	local rel=$1 tmp=$2
	debootstrap --variant=minbase --include="$chroot_pkgs" "$rel" "$tmp" "$mirror"
	suite_sources "$rel" >"$tmp/etc/apt/sources.list"
	peercred_chroot "$tmp" apt-get update -qq
	touch "$tmp/.peercred-chroot"
}
declare -A chroot_job=() chroot_tmp=()
start_chroot() {
	local rel=$1 dir=$PEERCRED_CACHE/chroot-$1 old
	[ ! -f "$dir/.peercred-chroot" ] || return 0
	[ -z "${chroot_job[$rel]:-}" ] || return 0
	for old in "$dir" "$PEERCRED_CACHE/.chroot-$rel".*; do
		[ ! -e "$old" ] || remove_tree "$old"
	done
	mkdir -p "$PEERCRED_CACHE"
	chroot_tmp[$rel]=$(mktemp -d "$PEERCRED_CACHE/.chroot-$rel.XXXXXX")
	say "making a Debian $rel chroot under $dir (debootstrap, a few minutes)"
	make_chroot "$rel" "${chroot_tmp[$rel]}" >"${chroot_tmp[$rel]}.log" 2>&1 &
	chroot_job[$rel]=$!
}
finish_chroot() {
	local rel=$1 dir=$PEERCRED_CACHE/chroot-$1 tmp=${chroot_tmp[$1]:-}
	[ -n "${chroot_job[$rel]:-}" ] || return 0
	if ! wait "${chroot_job[$rel]}"; then
		tail -n 30 "$tmp.log" >&2
		say "could not make the $rel chroot (log above; $tmp.log)"
		remove_tree "$tmp"
		return 1
	fi
	rm -f "$tmp.log"
	mv "$tmp" "$dir"
	unset "chroot_job[$rel]"
}

[ "$(id -u)" = 0 ] || { echo "deps: run as root (apt-get, debootstrap, chroot)" >&2; exit 1; }
mkdir -p "$PEERCRED_CACHE"
# One run at a time: two would share the chroots and the apt directory.
exec 9>"$PEERCRED_CACHE/deps.lock"
flock 9

# Every kernel of the list, whatever PEERCRED_KERNELS selects for a run.
export PEERCRED_KERNELS=
mapfile -t rows < <(peercred_kernels)
host_arch=$(dpkg --print-architecture)
host_rows=() other_rows=() cross_rows=() suites=()
for row in "${rows[@]}"; do
	read -r _ series _ suite _ arch <<<"$row"
	if [ "$arch" != "$host_arch" ]; then
		# Another architecture's: its own apt, cross-built (see below).
		cross_rows+=("$row")
		pkgs+=("${cross_pkgs[@]}")
		[ "$suite" = "$PEERCRED_HOST_SUITE" ] || suites+=("$suite")
	elif [ "$suite" = "$PEERCRED_HOST_SUITE" ]; then
		host_rows+=("$row")
		pkgs+=("linux-source-$series")
	else
		other_rows+=("$row")
		suites+=("$suite")
		peercred_debian_release "$suite" >/dev/null || { say "unknown suite $suite"; exit 1; }
	fi
done

# debootstrap first: the chroots are made while the rest comes in.
if [ ${#other_rows[@]} -gt 0 ]; then
	# shellcheck disable=SC2046
	apt_install $(missing debootstrap)
	for suite in $(printf '%s\n' "${suites[@]}" | sort -u); do
		start_chroot "${suite%%-*}"
	done
fi
# shellcheck disable=SC2046
apt_install $(missing $(printf '%s\n' "${pkgs[@]}" | sort -u))

if [ ${#other_rows[@]} -gt 0 ]; then
	# The project's apt: its own sources, lists and archives, none of the
	# system's configuration. Fetched when the sources change, when
	# missing, and when older than PEERCRED_APT_MAX_AGE days.
	mkdir -p "$PEERCRED_APT/etc" "$PEERCRED_APT/lists/partial" "$PEERCRED_APT/archives/partial"
	sources=$(suite_sources | sed "s#^deb #deb [signed-by=$keyring] #")
	stamp=$PEERCRED_APT/lists/.peercred-updated
	if [ "$(cat "$PEERCRED_APT/etc/sources.list" 2>/dev/null)" != "$sources" ] || [ ! -f "$stamp" ] ||
	   [ -n "$(find "$stamp" -mtime +"${PEERCRED_APT_MAX_AGE:-7}")" ]; then
		echo "$sources" >"$PEERCRED_APT/etc/sources.list"
		say "fetching the package lists of $(printf '%s\n' "${suites[@]}" | sort -u | tr '\n' ' ')"
		apt-get "${PEERCRED_APT_OPTS[@]}" update -qq
		touch "$stamp"
		# A newer series may have come: the names resolve again.
		mapfile -t rows < <(peercred_kernels)
		other_rows=() cross_rows=()
		for row in "${rows[@]}"; do
			read -r _ _ _ suite _ arch <<<"$row"
			if [ "$arch" != "$host_arch" ]; then
				cross_rows+=("$row")
			elif [ "$suite" != "$PEERCRED_HOST_SUITE" ]; then
				other_rows+=("$row")
			fi
		done
	fi
fi

# The host's kernels: headers through apt (dkms build -k needs them in
# /lib/modules), the generic image too (in /boot, as a user has it); the
# other flavors' images are extracted, unless their headers' dependencies
# (6.12's) installed them.
images=() more=()
for row in "${host_rows[@]}"; do
	read -r name series flavor _ <<<"$row"
	! peercred_kernel "$series" "$flavor" >/dev/null || continue
	re=$(peercred_version_re "$series" "$flavor")
	ver=$(find /lib/modules -mindepth 1 -maxdepth 1 -printf '%f\n' | grep -E "$re" | sort -V | tail -n 1) ||
		{ apt_update; ver=$(archive_newest "$series" "$flavor" amd64); } ||
		{ say "no $name kernel in the archive"; exit 1; }
	more+=("linux-headers-$ver")
	if [ "$flavor" = generic ]; then
		apt_update
		image=$(first_known -- "linux-image-$ver-unsigned" "linux-image-$ver") ||
			{ say "no image package for $ver"; exit 1; }
		more+=("$image")
	else
		images+=("$ver")
	fi
done
# shellcheck disable=SC2046
apt_install $(missing "${more[@]}")
for ver in "${images[@]}"; do
	peercred_vmlinuz "$ver" >/dev/null && continue
	apt_update
	fetch_image "$ver"
done

# The other suites' kernels: the images and the sources from the project's
# apt, the headers in the chroot of their release.
declare -A headers=() fetched=()
for row in "${other_rows[@]}"; do
	read -r name series flavor suite _ <<<"$row"
	[ "$series" != newest ] || { say "no series found in $suite's package list"; exit 1; }
	[ -n "${fetched[$series]:-}" ] || { fetch_source "$series"; fetched[$series]=1; }
	! peercred_kernel "$series" "$flavor" >/dev/null || continue
	ver=$(archive_newest "$series" "$flavor" amd64 "${PEERCRED_APT_OPTS[@]}") ||
		{ say "no $name kernel in $suite"; exit 1; }
	fetch_image "$ver" "${PEERCRED_APT_OPTS[@]}"
	headers[$suite]="${headers[$suite]:-} linux-headers-$ver"
done
# In a chroot: its tools (a chroot made before they were all on the list
# gets the rest), then the headers from their suite.
chroot_install() {	# chroot_install ROOT [-t SUITE] PACKAGES...
	local root=$1
	shift
	say "installing ${*/#-t/from} in $root"
	{
		peercred_chroot "$root" dpkg --configure -a &&
		peercred_chroot "$root" apt-get update -qq &&
		peercred_chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends "$@"
	} >"$root/.peercred-apt.log" 2>&1 ||
		{ tail -n 30 "$root/.peercred-apt.log" >&2; say "could not install $* in $root"; return 1; }
}
# A sparse that reads the chroot's newest headers. From 6.15 they use
# __typeof_unqual__, which trixie's sparse 0.6.4 cannot parse (the kernel's
# scripts/checker-valid.sh test, run here the same way); then sparse is
# built from $sparse_suite's source package into the chroot's /usr/local.
sparse_reads() {
	# shellcheck disable=SC2016 # expanded in the chroot
	peercred_chroot "$1" sh -c 'f=$(mktemp --suffix=.c)
		printf "static inline int u(const int *q)\n{\n\t__typeof_unqual__(*q) v = *q;\n\treturn v;\n}\n" >"$f"
		out=$(sparse "$f" 2>&1)
		rm -f "$f"
		case $out in *error*) exit 1 ;; esac'
}
src_apt=$PEERCRED_CACHE/apt-src
src_opts=(-o "Dir::Etc::sourcelist=$src_apt/etc/sources.list" -o Dir::Etc::sourceparts=-
	-o "Dir::State::Lists=$src_apt/lists" -o Dir::State::status=/dev/null -o APT::Sandbox::User=root)
chroot_sparse() {
	local root=$1 tmp=$1/peercred/sparse-src
	sparse_reads "$root" && return 0
	say "building sparse from $sparse_suite's source in $root (its own cannot read the newest headers)"
	rm -rf "$tmp"
	mkdir -p "$tmp" "$src_apt/etc" "$src_apt/lists/partial"
	# An apt of its own, with only that suite's sources, fetched for this.
	echo "deb-src [signed-by=$keyring] $mirror $sparse_suite main" >"$src_apt/etc/sources.list"
	apt-get "${src_opts[@]}" update -qq
	(cd "$tmp" && apt-get "${src_opts[@]}" source --download-only -qq sparse >/dev/null)
	# shellcheck disable=SC2016 # expanded in the chroot
	# The upstream tarball: Debian's patches only pin the compiler to sid's.
	peercred_chroot "$root" sh -ec 'cd /peercred/sparse-src
		mkdir src
		tar -xf ./*.orig.tar.* -C src --strip-components=1
		make -C src -s -j"$(nproc)" sparse
		install -m 755 src/sparse /usr/local/bin/sparse' >"$tmp.log" 2>&1 ||
		{ tail -n 30 "$tmp.log" >&2; say "could not build sparse in $root"; return 1; }
	rm -rf "$tmp" "$tmp.log"
	sparse_reads "$root" || { say "the sparse built in $root still cannot read __typeof_unqual__"; return 1; }
}
for suite in $(printf '%s\n' "${suites[@]}" | sort -u); do
	rel=${suite%%-*}
	root=$PEERCRED_CACHE/chroot-$rel
	finish_chroot "$rel"
	# shellcheck disable=SC2016 # expanded in the chroot
	tools=$(peercred_chroot "$root" sh -c 'for p; do
		dpkg-query -W -f="\${Status}\n" "$p" 2>/dev/null | grep -q "^install ok installed" || echo "$p"
	done' sh ${chroot_pkgs//,/ })
	# shellcheck disable=SC2086 # lists of packages
	[ -z "$tools" ] || chroot_install "$root" $tools
	# shellcheck disable=SC2086
	[ -z "${headers[$suite]:-}" ] || chroot_install "$root" -t "$suite" ${headers[$suite]}
	chroot_sparse "$root"
done

# Kernels of another architecture (arm64), cross-built: from an apt of that
# architecture (its own sources, lists and archives under apt-ARCH: the
# host's suite, and the other suites of those kernels), each kernel's image
# extracted into the cache and its headers package into a root where the
# host's tools build it: for the host's suite, a cross root beside the
# -common headers and the kbuild (Multi-Arch: foreign: the host's serves)
# that the host's apt installs; for another suite, that release's chroot,
# which installs them and the cross compiler the headers name.
arch_opts=()
arch_apt() {	# arch_apt ARCH: arch_opts for it, its lists fetched when due
	local dir=$PEERCRED_CACHE/apt-$1 sources stamp s
	arch_opts=(-o "Dir::Etc::sourcelist=$dir/etc/sources.list" -o Dir::Etc::sourceparts=-
		-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache::Archives=$dir/archives"
		-o Dir::State::status=/dev/null -o APT::Sandbox::User=root
		-o "APT::Architecture=$1" -o "APT::Architectures=$1")
	mkdir -p "$dir/etc" "$dir/lists/partial" "$dir/archives/partial"
	sources=$({
		s=$PEERCRED_HOST_SUITE
		echo "deb $mirror $s main"
		echo "deb $mirror $s-updates main"
		echo "deb ${mirror%/debian}/debian-security $s-security main"
		suite_sources
	} | awk '!seen[$0]++' | sed "s#^deb #deb [arch=$1 signed-by=$keyring] #")
	stamp=$dir/lists/.peercred-updated
	if [ "$(cat "$dir/etc/sources.list" 2>/dev/null)" != "$sources" ] || [ ! -f "$stamp" ] ||
	   [ -n "$(find "$stamp" -mtime +"${PEERCRED_APT_MAX_AGE:-7}")" ]; then
		echo "$sources" >"$dir/etc/sources.list"
		say "fetching the $1 package lists"
		apt-get "${arch_opts[@]}" update -qq
		touch "$stamp"
	fi
}
# arch_download DIR PACKAGE...: those packages of the arch apt into DIR.
arch_download() {
	local dir=$1
	shift
	mkdir -p "$dir"
	(cd "$dir" && apt-get "${arch_opts[@]}" download -qq "$@" >/dev/null)
}
# What a headers package depends on that the host's architecture provides
# (its -common headers, the kbuild), and the gcc-N it names, one a line.
headers_deps() {
	dpkg-deb -f "$1" Depends | tr ',|' '\n\n' | sed 's/^ *//; s/[ (:].*//' |
		grep -E '^(linux-headers-.*-common(-rt)?|linux-kbuild-.*|gcc-[0-9]+(-for-host)?)$' |
		sed 's/-for-host$//' | sort -u
}
cross_headers() {	# cross_headers VERSION SUITE ARCH
	local ver=$1 suite=$2 arch=$3 tmp deb deps root k gcc
	tmp=$(mktemp -d "$PEERCRED_CACHE/.cross.XXXXXX")
	arch_download "$tmp" "linux-headers-$ver" || { rm -rf "$tmp"; return 1; }
	deb=$(ls "$tmp"/linux-headers-*.deb)
	deps=$(headers_deps "$deb")
	gcc=$(grep '^gcc-' <<<"$deps" | sed "s/\$/-$(peercred_gnu_type "$arch")/")
	deps=$(grep -v '^gcc-' <<<"$deps")
	if [ "$suite" = "$PEERCRED_HOST_SUITE" ]; then
		root=$PEERCRED_CACHE/cross-$suite
		# shellcheck disable=SC2046,SC2086 # lists of packages
		apt_install $(missing $deps $gcc)
		mkdir -p "$root/usr/lib"
		for k in $(grep '^linux-kbuild-' <<<"$deps"); do
			ln -sfn "/usr/lib/$k" "$root/usr/lib/$k"
		done
		touch "$root/.peercred-cross"
	else
		root=$PEERCRED_CACHE/chroot-${suite%%-*}
		# shellcheck disable=SC2086 # lists of packages
		chroot_install "$root" -t "$suite" $deps $gcc
	fi
	say "extracting linux-headers-$ver into $root"
	dpkg-deb -x "$deb" "$root"
	rm -rf "$tmp"
}
if [ ${#cross_rows[@]} -gt 0 ]; then
	for row in "${cross_rows[@]}"; do
		read -r name series flavor suite _ arch <<<"$row"
		[ "$series" != newest ] || { say "no series found in $suite's package list"; exit 1; }
		! peercred_kernel "$series" "$flavor" "$arch" >/dev/null || continue
		arch_apt "$arch"
		ver=$(archive_newest "$series" "$flavor" "$arch" "${arch_opts[@]}") ||
			{ say "no $name kernel in $suite"; exit 1; }
		fetch_image "$ver" "${arch_opts[@]}"
		peercred_root "$ver" >/dev/null || cross_headers "$ver" "$suite" "$arch"
	done
	# The guests' userland of each such architecture: that architecture's
	# packages extracted into sysroot-ARCH, whose binaries harnesses copy
	# with the libraries they link (lib.sh: peercred_copy_bins); busybox
	# and apparmor_parser into guest-root-ARCH, which boot.sh copies over
	# the initramfs as guest-root for the host's architecture.
	for arch in $(printf '%s\n' "${cross_rows[@]}" | awk '{ print $6 }' | sort -u); do
		sysroot=$PEERCRED_CACHE/sysroot-$arch
		# Made again when the list of packages changes.
		if [ "$(cat "$sysroot/.peercred-sysroot" 2>/dev/null)" != "${cross_userland[*]}" ]; then
			arch_apt "$arch"
			say "extracting the $arch guests' userland"
			tmp=$(mktemp -d "$PEERCRED_CACHE/.sysroot.XXXXXX")
			# The host's release's, as the host's own guests have.
			arch_download "$tmp/debs" -o "APT::Default-Release=$PEERCRED_HOST_SUITE" \
				"${cross_userland[@]}"
			for deb in "$tmp"/debs/*.deb; do
				dpkg-deb -x "$deb" "$tmp/root"
			done
			echo "${cross_userland[*]}" >"$tmp/root/.peercred-sysroot"
			rm -rf "$sysroot"
			mv "$tmp/root" "$sysroot"
			rm -rf "$tmp"
		fi
		guest_root=$(peercred_guest_dir guest-root "$arch")
		if [ ! -x "$guest_root/sbin/apparmor_parser" ]; then
			tmp=$(mktemp -d "$PEERCRED_CACHE/.guest-root.XXXXXX")
			mkdir -p "$tmp/bin"
			cp "$sysroot/bin/busybox" "$tmp/bin/busybox"
			peercred_copy_bins "$arch" "$tmp" /sbin/apparmor_parser || exit 1
			rm -rf "$guest_root"
			mv "$tmp" "$guest_root"
		fi
	done
fi

# The guests' AppArmor tools: Debian's apparmor_parser and the libraries it
# links, into the cache's guest-root, which boot.sh copies over each
# initramfs. Not installed on the host: that would start confining the
# host's own programs with Debian's profiles.
guest_root=$PEERCRED_CACHE/guest-root
if [ ! -x "$guest_root/sbin/apparmor_parser" ]; then
	say "extracting apparmor_parser for the guests"
	tmp=$(mktemp -d "$PEERCRED_CACHE/.guest-root.XXXXXX")
	(cd "$tmp" && apt-get -o APT::Sandbox::User=root download -qq apparmor >/dev/null)
	dpkg-deb -x "$tmp"/apparmor_*.deb "$tmp/deb"
	mkdir -p "$tmp/root/sbin"
	cp "$tmp/deb/sbin/apparmor_parser" "$tmp/root/sbin/"
	for f in $(ldd "$tmp/root/sbin/apparmor_parser" | awk '/=>/ { print $3 } /ld-linux/ { print $1 }'); do
		mkdir -p "$tmp/root$(dirname "$f")"
		cp -L "$f" "$tmp/root$f"
	done
	rm -rf "$guest_root"
	mv "$tmp/root" "$guest_root"
	rm -rf "$tmp"
fi
