# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# KTAP helpers of the KUnit runners (kunit-uml.sh, kunit-qemu.sh,
# torture.sh); sourced after lib.sh, not run.

# The kernel log lines of a module's KTAP on stdin (printk timestamps and
# CRs allowed) to a stream kunit.py parse takes: one top-level header and
# plan. 6.1 prints none for a module (its boot-time runner printed "1..0"),
# 6.12 and later print their own; either way the suites are renumbered from
# 1. The plan is the largest of the module's own plan and the suites
# started, so one cut short by a crash, or never started, shows as such.
peercred_ktap_normalize() {
	awk '
	{
		sub(/\r$/, "")
		sub(/^\[ *[0-9]+\.[0-9]+\] ?/, "")
	}
	/^1\.\.[0-9]+$/ {
		if (substr($1, 4) + 0 > planned)
			planned = substr($1, 4) + 0
		next
	}
	/^K?TAP version [0-9]+$/ { next }
	/^    # Subtest: / { started++ }
	/^(ok|not ok) [0-9]+/ {
		n++
		sub(/^(ok|not ok) [0-9]+/, ($1 == "ok" ? "ok " : "not ok ") n)
	}
	{ body[++lines] = $0 }
	END {
		print "KTAP version 1"
		if (started > planned)
			planned = started
		if (n > planned)
			planned = n
		print "1.." planned
		for (i = 1; i <= lines; i++)
			print body[i]
	}'
}

# peercred_ktap_verdict SRC KTAP PREFIX KUNITDIR: the cases of the
# normalized KTAP file, one "PASS|FAIL|SKIP PREFIXsuite.case" line each
# (lib.sh's peercred_ktap_cases); "FAIL PREFIXSUITE.never-ran" for each suite
# built in KUNITDIR (a *_kunit.c with its .o) that printed nothing; then kunit.py
# parse's verdict from the kernel tree SRC (its summary goes to
# KTAP.parse): "FAIL PREFIXktap-parse" when it reports a failure no other
# line shows (a malformed stream), "FAIL PREFIXresults" when no case
# reported at all.
peercred_ktap_verdict() {
	local ksrc=$1 ktap=$2 prefix=$3 dir=$4 cases o suite
	cases=$(peercred_ktap_cases "$prefix" <"$ktap" |
		sed "s#^FAIL \([^:]*\)\$#FAIL \1: the case failed (KTAP: $ktap)#")
	for o in "$dir"/*_kunit.o; do
		# Only a suite's own object: not the module's peercred_kunit.o.
		[ -f "${o%.o}.c" ] || continue
		suite=$(sed -n 's/^[[:space:]]*\.name = "\(.*\)",$/\1/p' "${o%.o}.c" | head -n 1)
		grep -qxF "    # Subtest: $suite" "$ktap" ||
			cases+=$'\n'"FAIL $prefix${suite:-${o##*/}}.never-ran: the suite printed no result"
	done
	cases=$(printf '%s\n' "$cases" | grep -E '^(PASS|FAIL|SKIP) ')
	[ -z "$cases" ] || printf '%s\n' "$cases"
	if [ -z "$cases" ]; then
		echo "FAIL ${prefix}results: peercred_kunit.ko printed no case result"
	elif ! python3 "$ksrc/tools/testing/kunit/kunit.py" parse "$ktap" \
		>"$ktap.parse" 2>&1 && ! printf '%s\n' "$cases" | grep -q '^FAIL '; then
		echo "FAIL ${prefix}ktap-parse: kunit.py parse reports a failure ($ktap.parse)"
	fi
}

# The series of scripts/kernels (lib.sh's peercred_kernels), oldest first,
# one a line: 6.1, 6.12, 7.3. The oldest runs KUnit and the generic torture
# in one x86_64 debug kernel, the newest both in a PREEMPT_RT debug kernel
# (arm64 when the list has arm64 kernels), the others KUnit in a lean
# x86_64 kernel. Fails while the list still names an unresolved "newest"
# (scripts/deps.sh fetches the package lists for it).
peercred_kunit_series() {
	local s
	s=$(peercred_kernels | awk '{ print $2 }' | sort -uV) || return 1
	case $s in '' | *newest*) return 1 ;; esac
	printf '%s\n' "$s"
}

# torture.sh's default targets, one a line: the oldest series' generic
# x86_64 debug kernel, then the newest's PREEMPT_RT one, arm64 when the list
# has arm64 kernels (6.1, 7.3-rt-arm64): one generic and one RT, one of
# each architecture, three kernels built from source in all with KUnit's
# lean one. Fails as peercred_kunit_series does.
peercred_torture_targets() {
	local s rt=-rt
	s=$(peercred_kunit_series) || return 1
	! peercred_kernels | awk '$6 == "arm64"' | grep -q . || rt=-rt-arm64
	printf '%s\n%s%s\n' "$(head -n 1 <<<"$s")" "$(tail -n 1 <<<"$s")" "$rt"
}

# The kunit-kernel.sh kind of a torture target: 6.1 debug, 7.3-rt debug-rt,
# 7.3-rt-arm64 debug-rt-arm64.
peercred_torture_kind() {
	case $1 in
	*-rt-arm64) echo debug-rt-arm64 ;;
	*-arm64) echo debug-arm64 ;;
	*-rt) echo debug-rt ;;
	*) echo debug ;;
	esac
}
