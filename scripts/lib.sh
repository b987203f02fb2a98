# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared helpers for peercred's scripts; sourced, not run.

PEERCRED_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEERCRED_CACHE=${PEERCRED_CACHE:-$HOME/.cache/peercred}

die() {
	echo "peercred: $*" >&2
	exit 1
}

# The supported kernels (scripts/kernels) and where each one's parts are:
# the image in /boot (installed by the host's apt) or extracted under
# $PEERCRED_CACHE/images/VERSION/vmlinuz; the headers in /lib/modules (the
# host's) or in a chroot $PEERCRED_CACHE/chroot-RELEASE of the release they
# were made for, where their modules are built too. Suites the host's apt
# does not know come through the project's apt ($PEERCRED_APT).
PEERCRED_KERNEL_LIST=$PEERCRED_TOP/scripts/kernels
PEERCRED_APT=$PEERCRED_CACHE/apt
PEERCRED_APT_OPTS=(-o "Dir::Etc::sourcelist=$PEERCRED_APT/etc/sources.list"
	-o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$PEERCRED_APT/lists"
	-o "Dir::Cache::Archives=$PEERCRED_APT/archives" -o Dir::State::status=/dev/null
	-o APT::Sandbox::User=root)
# shellcheck disable=SC2034 # for the scripts that source this file
PEERCRED_HOST_SUITE=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")

# peercred's version: the one place it is written, debian/changelog.
peercred_pkg_version() {
	sed -n '1s/^peercred (\([^)]*\)).*/\1/p' "$PEERCRED_TOP/debian/changelog"
}

# Debian's suffix of a flavor's kernel versions and packages, on an
# architecture (amd64, the default, or arm64): 6.1's rt-amd64, arm64.
peercred_flavor_suffix() {
	local arch=${2:-amd64}
	case $arch in amd64 | arm64) ;; *) return 1 ;; esac
	case $1 in
	generic) echo "$arch" ;;
	rt | cloud) echo "$1-$arch" ;;
	*) return 1 ;;
	esac
}

# The architecture of a Debian kernel version: its last word.
peercred_arch_of() {
	case $1 in
	*-arm64) echo arm64 ;;
	*) echo amd64 ;;
	esac
}

# The GNU triplet of a Debian architecture: its compilers' prefix.
peercred_gnu_type() {
	case $1 in
	amd64) echo x86_64-linux-gnu ;;
	arm64) echo aarch64-linux-gnu ;;
	*) return 1 ;;
	esac
}

# The environment that makes Debian's headers of kernel VERSION build for
# it here, as Debian's own packaging cross-builds: the headers set ARCH,
# and the compiler's prefix from DEB_HOST_GNU_TYPE (6.1) or on their own
# (6.12 on). One VAR=VALUE a line, for env; nothing for the host's own
# architecture.
peercred_cross_env() {
	local arch
	arch=$(peercred_arch_of "$1")
	[ "$arch" != "$(dpkg --print-architecture)" ] || return 0
	printf '%s\n' "DEB_BUILD_ARCH=$(dpkg --print-architecture)" "DEB_HOST_ARCH=$arch" \
		"DEB_HOST_GNU_TYPE=$(peercred_gnu_type "$arch")"
}

# The Debian release number of a suite (trixie-backports: 13).
peercred_debian_release() {
	case ${1%%-*} in
	bullseye) echo 11 ;;
	bookworm) echo 12 ;;
	trixie) echo 13 ;;
	forky) echo 14 ;;
	*) return 1 ;;
	esac
}

# An ERE for the kernel versions (uname -r) of a series, flavor and arch:
# 6.1 rt is 6.1.0-57-rt-amd64, 6.12 generic 6.12.117+deb12-amd64. It never
# takes one flavor for another (6.1.0-57-rt-amd64 is not generic).
peercred_version_re() {
	local suffix
	suffix=$(peercred_flavor_suffix "$2" "${3:-}") || return 1
	echo "^${1//./\\.}([.-][0-9]+)*(\\+deb[0-9]+)?-$suffix\$"
}

# The newest series a suite offers (7.3 for trixie-backports today): the
# highest X.Y.Z+debN of its linux-binary (or linux-image) -amd64 packages,
# from the package list of the project's apt (scripts/deps.sh fetches it).
peercred_newest_series() {
	local rel list
	rel=$(peercred_debian_release "$1") || return 1
	[ -f "$PEERCRED_APT/etc/sources.list" ] || return 1
	list=$(apt-get "${PEERCRED_APT_OPTS[@]}" indextargets --format '$(FILENAME)' \
		'Created-By: Packages' "Codename: $1" 2>/dev/null | head -n 1)
	[ -n "$list" ] && [ -f "$list" ] || return 1
	/usr/lib/apt/apt-helper cat-file "$list" |
		sed -n "s/^Package: linux-\(binary\|image\)-\([0-9.]*+deb$rel\)-amd64\$/\2/p" |
		sort -V | tail -n 1 | sed -n 's/^\([0-9]*\.[0-9]*\)\..*/\1/p' | grep .
}

# The name checks carry: the series for generic amd64, SERIES-FLAVOR for
# the other flavors, and -arm64 after either on arm64: 7.3, 7.3-rt,
# 7.3-arm64, 7.3-rt-arm64.
peercred_kernel_name() {
	local name=$1
	[ "$2" = generic ] || name+=-$2
	[ "${3:-amd64}" = amd64 ] || name+=-$3
	echo "$name"
}

# peercred_kernels [NAME...]: the kernels to run over, one line each:
# "NAME SERIES FLAVOR SUITE LEVEL ARCH" (see scripts/kernels), "newest"
# resolved (left as is when the suite's package list is not there yet).
# NAMEs (6.1, 6.1-rt, 7.3-cloud, 7.3-rt-arm64) select lines, in the list's
# order; without any, $PEERCRED_KERNELS (the same names, space-separated)
# or every line. An unknown name is an error.
peercred_kernels() {
	local want=("$@") rows=() row series flavor arch suite level name n found
	local -A newest=()

	[ ${#want[@]} -gt 0 ] || read -r -a want <<<"${PEERCRED_KERNELS:-}"
	while read -r series flavor arch suite level _; do
		case $series in '' | '#'*) continue ;; esac
		if [ "$series" = newest ]; then
			[ -n "${newest[$suite]:-}" ] ||
				newest[$suite]=$(peercred_newest_series "$suite") || newest[$suite]=newest
			series=${newest[$suite]}
		fi
		rows+=("$(peercred_kernel_name "$series" "$flavor" "$arch") $series $flavor $suite $level $arch")
	done <"$PEERCRED_KERNEL_LIST"
	if [ ${#want[@]} -eq 0 ]; then
		printf '%s\n' "${rows[@]}"
		return 0
	fi
	for n in "${want[@]}"; do
		found=
		for row in "${rows[@]}"; do
			[ "${row%% *}" != "$n" ] || found=1
		done
		[ -n "$found" ] || { echo "peercred: no kernel $n in $PEERCRED_KERNEL_LIST" >&2; return 1; }
	done
	for row in "${rows[@]}"; do
		name=${row%% *}
		for n in "${want[@]}"; do
			[ "$name" != "$n" ] || { echo "$row"; break; }
		done
	done
}

# The image of an installed kernel version, if there is one.
peercred_vmlinuz() {
	local f
	for f in "/boot/vmlinuz-$1" "$PEERCRED_CACHE/images/$1/vmlinuz"; do
		[ -r "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# The root of the system a kernel version's headers are in: nothing for the
# host's /lib/modules, a directory otherwise: a chroot (.peercred-chroot,
# once complete: see deps.sh), where they are built, or a cross root
# (.peercred-cross: another architecture's headers of the host's release,
# extracted beside the host's own -common headers and kbuild), where the
# host builds them. Fails when none has them.
peercred_root() {
	local r
	if [ -e "/lib/modules/$1/build/Makefile" ]; then
		echo
		return 0
	fi
	for r in "$PEERCRED_CACHE"/chroot-* "$PEERCRED_CACHE"/cross-*; do
		[ -f "$r/.peercred-chroot" ] || [ -f "$r/.peercred-cross" ] || continue
		[ -e "$r/usr/src/linux-headers-$1/Makefile" ] && { echo "$r"; return 0; }
	done
	return 1
}

# The headers tree of a kernel version as its builder sees it: in a chroot
# its own path, on the host the path under ROOT.
peercred_headers() {	# peercred_headers VERSION ROOT
	if [ -z "$2" ]; then
		echo "/lib/modules/$1/build"
	elif [ -f "$2/.peercred-cross" ]; then
		echo "$2/usr/src/linux-headers-$1"
	else
		echo "/usr/src/linux-headers-$1"
	fi
}

# peercred_chroot ROOT COMMAND...: run COMMAND in a chroot, with a clean
# environment and its own /proc (in a mount namespace of its own, so
# nothing stays mounted when it ends).
peercred_chroot() {
	local root=$1
	shift
	unshare --mount --propagation private -- sh -ec 'mount -t proc proc "$1/proc"; shift; exec chroot "$@"' \
		sh "$root" "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C.UTF-8 "$@"
}

# Newest installed Debian kernel of a series, flavor (default generic) and
# arch (default amd64) with both an image to boot and headers to build
# against; a check's name (6.1-rt, 7.3-arm64, 7.3-rt-arm64) names one too.
# Prints its version.
peercred_kernel() {
	local series=$1 flavor=${2:-} arch=${3:-amd64} re v h
	if [ -z "$flavor" ]; then
		case $series in *-arm64) arch=arm64 series=${series%-arm64} ;; esac
		case $series in
		*-generic | *-rt | *-cloud) flavor=${series##*-} series=${series%-*} ;;
		*) flavor=generic ;;
		esac
	fi
	re=$(peercred_version_re "$series" "$flavor" "$arch") || return 1
	for v in $({
		ls /lib/modules
		for h in "$PEERCRED_CACHE"/chroot-*/usr/src/linux-headers-* \
			"$PEERCRED_CACHE"/cross-*/usr/src/linux-headers-*; do
			echo "${h##*/linux-headers-}"
		done
	} 2>/dev/null | grep -E "$re" | sort -urV); do
		if peercred_vmlinuz "$v" >/dev/null && peercred_root "$v" >/dev/null; then
			echo "$v"
			return 0
		fi
	done
	return 1
}

# peercred_kmake VERSION DIR MAKE-ARGS...: make in the external module tree
# DIR against the headers of Debian kernel VERSION, where they are: on the
# host, in a cross root (built on the host), or in their chroot (DIR must
# then be inside it); for another architecture, cross-built.
peercred_kmake() {
	local v=$1 dir=$2 root kdir
	local -a cross
	shift 2
	root=$(peercred_root "$v") || { echo "peercred: no headers for $v (run scripts/deps.sh)" >&2; return 1; }
	kdir=$(peercred_headers "$v" "$root")
	mapfile -t cross < <(peercred_cross_env "$v")
	if [ -z "$root" ] || [ -f "$root/.peercred-cross" ]; then
		env "${cross[@]}" make -C "$kdir" M="$dir" "$@"
	else
		case $dir in "$root"/*) ;; *) echo "peercred: $dir is not in $root" >&2; return 1 ;; esac
		peercred_chroot "$root" env "${cross[@]}" make -C "$kdir" M="${dir#"$root"}" "$@"
	fi
}

# What make needs, one argument a line, to build modules against KDIR, a
# kernel tree of kunit-kernel.sh: for another architecture's (its arm64
# kernels), which the tree does not remember, that architecture and the
# cross compiler.
peercred_kdir_args() {
	if grep -qs '^CONFIG_ARM64=y' "$1/.config" && [ "$(dpkg --print-architecture)" != arm64 ]; then
		printf '%s\n' ARCH=arm64 "CROSS_COMPILE=$(peercred_gnu_type arm64)-"
	fi
}

# The image of a kernel tree of kunit-kernel.sh, for boot.sh.
peercred_kdir_image() {
	if grep -qs '^CONFIG_ARM64=y' "$1/.config"; then
		echo "$1/arch/arm64/boot/Image"
	else
		echo "$1/arch/x86/boot/bzImage"
	fi
}

# peercred_build NAME [KDIR]: build the module (W=1) in a copy of the tree
# of its own, so builds for several kernels never share object files. NAME
# is a Debian kernel version, built against its headers where they are
# (the host's, or in their chroot, where the copy then is), or any name
# given with a KDIR on the host; a kernel with KUnit also builds kunit/.
# Prints the build directory (a host path); build.log in it holds make's
# output. A build of the same tree (names, contents, times) against the
# same kernel (.config, Module.symvers) is done once: the harnesses of one
# run share it.
peercred_build() {
	local name=$1 kdir=${2:-} root='' out id hdr
	local -a karch
	if [ -z "$kdir" ]; then
		root=$(peercred_root "$name") ||
			{ echo "peercred: no headers for $name (run scripts/deps.sh)" >&2; return 1; }
	fi
	if [ -n "$kdir" ]; then
		out=$PEERCRED_CACHE/build/$name hdr=$kdir
	elif [ -f "$root/.peercred-cross" ]; then
		out=$PEERCRED_CACHE/build/$name hdr=$root/usr/src/linux-headers-$name
	elif [ -n "$root" ]; then
		out=$root/peercred/build/$name hdr=$root/usr/src/linux-headers-$name
	else
		out=$PEERCRED_CACHE/build/$name hdr=/lib/modules/$name/build
	fi
	id=$({
		(cd "$PEERCRED_TOP" && tar cf - Kbuild module kunit)
		echo "$name $kdir W=1"
		stat -L -c '%n %s %Y' "$hdr/.config" "$hdr/Module.symvers" 2>&1
	} | sha256sum)
	mkdir -p "${out%/*}"
	# Harnesses may run side by side (check.sh's lanes): one builds, the
	# other waits and then reuses the build.
	(
		flock 8
		if [ "$(cat "$out/.peercred-build-id" 2>/dev/null)" = "$id" ]; then
			exit 0
		fi
		rm -rf "$out"
		mkdir -p "$out"
		(cd "$PEERCRED_TOP" && tar cf - Kbuild module kunit) | tar xf - -C "$out"
		if [ -n "$kdir" ]; then
			mapfile -t karch < <(peercred_kdir_args "$kdir")
			make -s -j"$(nproc)" -C "$kdir" M="$out" "${karch[@]}" W=1 modules
		else
			peercred_kmake "$name" "$out" -s -j"$(nproc)" W=1 modules
		fi >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
		echo "$id" >"$out/.peercred-build-id"
	) 8>"$out.lock" || return 1
	echo "$out"
}

# peercred_test_module KVER BUILD NAME: build the guest test module of
# scripts/guest/NAME in BUILD/NAME (so boot.sh copies its .ko beside
# peercred.ko), against the headers of KVER, W=1.
peercred_test_module() {
	local dir=$2/$3
	rm -rf "$dir"
	cp -r "$PEERCRED_TOP/scripts/guest/$3" "$dir"
	peercred_kmake "$1" "$dir" -s W=1 modules >"$dir.log" 2>&1 || { cat "$dir.log" >&2; return 1; }
}

# The kernel parameters bench.sh and profile.sh boot with, then those of
# PEERCRED_APPEND (which can undo them). Debian's kernels zero every page
# they allocate (init_on_alloc): a page is 4 096 instructions under TCG,
# one `rep stosb` on hardware, and how often the socket slabs give pages
# back and take them again changes from round to round and boot to boot.
# With it off, rounds of one loop agree within 0.3 %, not 3 %.
peercred_bench_append() {
	echo "init_on_alloc=0 ${PEERCRED_APPEND:-}"
}

# What bench.sh and profile.sh boot beside the module of BUILD: the
# probe-only floor (scripts/guest/floor, the same probes with empty
# handlers) built in BUILD/floor, and pcbench among the guests' programs.
peercred_bench_parts() {	# peercred_bench_parts KVER BUILD
	local floor=$2/floor arch bin
	rm -rf "$floor"
	cp -r "$PEERCRED_TOP/scripts/guest/floor" "$floor"
	peercred_kmake "$1" "$floor" -s W=1 modules >&2 || die "the floor module does not build"
	arch=$(peercred_arch_of "$1")
	bin=$(peercred_guest_dir guest-bin "$arch")
	mkdir -p "$bin"
	$(peercred_guest_cc "$arch") -static -O2 -Wall -Wextra -Werror -o "$bin/pcbench" \
		"$PEERCRED_TOP/scripts/guest/bench.c"
}

# The compiler of static guest programs for an architecture.
peercred_guest_cc() {
	local t
	if [ "${1:-amd64}" = "$(dpkg --print-architecture)" ]; then
		echo gcc
	elif t=$(peercred_gnu_type "$1"); then
		echo "$t-gcc"
	else
		echo "peercred: no compiler for $1 guests" >&2
		return 1
	fi
}

# peercred_copy_bins ARCH DEST FILE...: each FILE (a path in a Debian
# system of ARCH) and every library it links, at the same paths under
# DEST: from the host for its own architecture (ldd), from
# $PEERCRED_CACHE/sysroot-ARCH (deps.sh) for another, following DT_NEEDED.
peercred_copy_bins() {
	local arch=$1 dest=$2 sysroot=$PEERCRED_CACHE/sysroot-$1 f lib dir t interp
	local -a todo
	shift 2
	if [ "$arch" = "$(dpkg --print-architecture)" ]; then
		for f in "$@"; do
			for lib in "$f" $(ldd "$f" 2>/dev/null | awk '/=>/ { print $3 } /ld-linux/ { print $1 }'); do
				mkdir -p "$dest${lib%/*}"
				cp -L "$lib" "$dest$lib"
			done
		done
		return 0
	fi
	t=$(peercred_gnu_type "$arch") || return 1
	todo=("$@")
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		[ ! -e "$dest$f" ] || continue
		# A release whose /lib is /usr/lib (merged-usr) ships it there.
		[ -e "$sysroot$f" ] || [ ! -e "$sysroot/usr$f" ] || f=/usr$f
		[ -e "$sysroot$f" ] || { echo "peercred: no $f in $sysroot (run scripts/deps.sh)" >&2; return 1; }
		mkdir -p "$dest${f%/*}"
		cp -L "$sysroot$f" "$dest$f"
		interp=$(readelf -l "$sysroot$f" 2>/dev/null | sed -n 's/.*interpreter: \(.*\)\]/\1/p')
		[ -z "$interp" ] || todo+=("$interp")
		for lib in $(readelf -d "$sysroot$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			for dir in /lib/$t /usr/lib/$t /lib /usr/lib; do
				if [ -e "$sysroot$dir/$lib" ]; then
					todo+=("$dir/$lib")
					break
				fi
			done
		done
	done
}

# Where the guests of an architecture take their programs (guest-bin) and
# the extra files of their root (guest-root: busybox and apparmor_parser
# for arm64): the cache's NAME, NAME-arm64 for arm64.
peercred_guest_dir() {	# peercred_guest_dir NAME [ARCH]
	if [ "${2:-amd64}" = amd64 ]; then
		echo "$PEERCRED_CACHE/$1"
	else
		echo "$PEERCRED_CACHE/$1-$2"
	fi
}

# The guest programs every harness copies in: pctest and the CLI, into DIR.
# pctest is compiled again only when its sources changed (DIR.id).
# Both lanes of check.sh boot guests: one builds while the other waits, and
# each file is renamed into place, so no boot copies a half-written one.
peercred_guest_bin() {	# peercred_guest_bin DIR [ARCH]
	local g="$PEERCRED_TOP/scripts/guest" id cc
	local src=("$g"/{pctest,check,scenarios,preexisting,drift,namespaces,reader,hold,parked,share,hiding,flood,identity,forge,containers,pins,system}.c)

	cc=$(peercred_guest_cc "${2:-amd64}") || return 1
	mkdir -p "$1"
	id=$({ cat "${src[@]}" "$g"/*.h; echo "$cc"; } | sha256sum)
	(
		flock 9
		if [ ! -x "$1/pctest" ] || [ "$(cat "$1.id" 2>/dev/null)" != "$id" ]; then
			rm -f "$1.id"
			$cc -static -O2 -Wall -Wextra -Werror -o "$1/.pctest" "${src[@]}" || exit 1
			mv -f "$1/.pctest" "$1/pctest"
			echo "$id" >"$1.id"
		fi
		for f in peercred peercred-metrics; do
			install -m 755 "$PEERCRED_TOP/scripts/$f" "$1/.$f"
			mv -f "$1/.$f" "$1/$f"
		done
	) 9>"$1.lock"
}

# Debian's kernel sources (/usr/src/linux-source-SERIES.tar.xz, or the one
# deps.sh put in the cache), extracted once under the cache. The stamp names
# the tarball it came from (a new package revision ships a new one under the
# same name); the tree is extracted aside and moved into place stamped, so no
# reader ever sees a half-extracted tree. Prints the tree's path.
peercred_source() {
	local series=$1 tarball=/usr/src/linux-source-$1.tar.xz
	local dir="$PEERCRED_CACHE/src/linux-source-$1" id tmp
	# Series the host's apt does not have: the tarball deps.sh took from
	# the package of the project's apt.
	[ -f "$tarball" ] || tarball=$PEERCRED_CACHE/src/linux-source-$series.tar.xz
	[ -f "$tarball" ] || die "no linux-source-$series: neither /usr/src/linux-source-$series.tar.xz nor $tarball (run scripts/deps.sh)"
	id="$tarball $(stat -c '%s %Y' "$tarball")"
	if [ "$(cat "$dir/.peercred-extracted" 2>/dev/null)" != "$id" ]; then
		mkdir -p "$PEERCRED_CACHE/src"
		tmp=$(mktemp -d "$PEERCRED_CACHE/src/.extract.XXXXXX")
		tar -C "$tmp" -xJf "$tarball" || { rm -rf "$tmp"; die "cannot extract $tarball"; }
		echo "$id" >"$tmp/linux-source-$series/.peercred-extracted"
		rm -rf "$dir"
		mv "$tmp/linux-source-$series" "$dir"
		rmdir "$tmp"
	fi
	echo "$dir"
}

# KTAP on stdin to one "PASS|FAIL|SKIP PREFIXsuite.case" line per leaf
# result, as kunit.py counts them: a parameterised case once per parameter,
# a result closing a subtest (suite, parameterised case) not at all. Cases a
# suite planned but never reported (the kernel died in one) are failures.
peercred_ktap_cases() {
	awk -v prefix="${1:-}" '
	{ match($0, /^ */); indent = RLENGTH }
	/^ *# Subtest: / {
		open[indent] = 1
		if (indent == 4) {
			suite = $3
			planned[suite] = 0
			reported[suite] = 0
		}
		next
	}
	/^    1\.\.[0-9]+$/ { planned[suite] = substr($1, 4) }
	/^ +(ok|not ok) [0-9]+/ {
		ok = $1 == "ok"
		name = $0
		sub(/^ *(ok|not ok) [0-9]+ (- )?/, "", name)
		skip = name ~ /# SKIP/
		sub(/ *#.*$/, "", name)
		if (indent == 4)
			reported[suite]++
		if (open[indent + 4]) {
			open[indent + 4] = 0
			next
		}
		print (skip ? "SKIP" : ok ? "PASS" : "FAIL") " " prefix suite "." name
	}
	END {
		for (s in planned)
			if (planned[s] > reported[s])
				print "FAIL " prefix s ".unreported-cases: " \
					planned[s] - reported[s] " never reported"
	}'
}

# The closing line, from the PASS/FAIL/SKIP lines of FILE: "N passed, N
# failed" (", N skipped" when any were). True when something ran and passed.
peercred_summary() {
	local passed failed skipped
	passed=$(grep -c '^PASS ' "$1")
	failed=$(grep -c '^FAIL ' "$1")
	skipped=$(grep -c '^SKIP ' "$1")
	if [ "$skipped" -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
}
