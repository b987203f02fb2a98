#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Tests scripts/peercred against the fixture /proc files in scripts/testdata,
# on the host, no module needed. Every check runs under busybox sh + busybox
# awk (what the guests have) and under dash with the system awk, plus dash
# with gawk if it is installed. One PASS/FAIL line per check; exit 1 on any
# failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
data=$here/testdata
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"	# the permission check runs the CLI as nobody
# ...who may not read the tree (a clone in /root): the CLI runs from a copy.
mkdir "$tmp/cli"
cp "$here/peercred" "$here/peercred-metrics" "$tmp/cli/"
chmod 755 "$tmp/cli" "$tmp/cli/peercred" "$tmp/cli/peercred-metrics"
cli=$tmp/cli/peercred
fails=0 runs=0 json_ok=''

fail() {
	echo "FAIL $1: $2"
	fails=$((fails + 1))
}

runners=()
if bb=$(command -v busybox); then
	mkdir "$tmp/bb"
	ln -s "$bb" "$tmp/bb/sh"
	ln -s "$bb" "$tmp/bb/awk"
	# peercred metrics --textfile renames its temporary file into place.
	ln -s "$bb" "$tmp/bb/mv"
	ln -s "$bb" "$tmp/bb/rm"
	runners+=(busybox)
else
	fail setup "busybox not found (apt-get install busybox-static)"
fi
if command -v dash >/dev/null; then
	runners+=(dash)
	if g=$(command -v gawk); then
		mkdir "$tmp/gawk"
		ln -s "$g" "$tmp/gawk/awk"
		runners+=(dash+gawk)
	fi
else
	fail setup "dash not found (apt-get install dash)"
fi

# Fixtures the tests derive: no module, no detail file, unreadable table.
mkdir "$tmp/noproc" "$tmp/nodetail" "$tmp/noperm" "$tmp/nostats"
cp "$data/basic/peercred" "$tmp/nodetail/"
cp "$data/basic/peercred" "$tmp/noperm/"
chmod 000 "$tmp/noperm/peercred"
cp "$data/basic/peercred" "$data/basic/peercred_stats" "$tmp/nostats/"
chmod 000 "$tmp/nostats/peercred_stats"

# pc FIXTURE-DIR ARGS...: run the CLI under $runner; sets rc, out, err.
pc() {
	local dir=$1
	shift
	case $runner in
	busybox) set -- env PATH="$tmp/bb" "$tmp/bb/sh" "$cli" "$@" ;;
	dash) set -- dash "$cli" "$@" ;;
	dash+gawk) set -- env PATH="$tmp/gawk:$PATH" dash "$cli" "$@" ;;
	esac
	if { [ "$dir" = "$tmp/noperm" ] || [ "$dir" = "$tmp/nostats" ]; } && [ "$(id -u)" = 0 ]; then
		set -- setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	fi
	PEERCRED_PROC=$dir "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	runs=$((runs + 1))
}

# expect NAME RC CHECK...: judge the last pc run. A CHECK is
#   out:TEXT   stdout contains TEXT       no:TEXT  stdout lacks TEXT
#   err:TEXT   stderr contains TEXT       lines:N  stdout has N lines
#   same:FILE  stdout is FILE verbatim    quiet    stderr is empty
#   usage      one stderr line, "peercred: ..." with a --help hint
#   block:INO  later out:/no: checks look only at the block of socket INO
#   json:EXPR  stdout is valid JSON (json.tool) and the Python EXPR on it,
#              as d, is true
expect() {
	local name=$1 want=$2 c why='' text=$tmp/out
	shift 2
	[ "$rc" = "$want" ] || why="exit $rc, want $want; stderr: $(head -c 300 "$tmp/err")"
	for c; do
		[ -z "$why" ] || break
		case $c in
		out:*)	grep -qF -- "${c#out:}" "$text" || why="stdout lacks '${c#out:}'" ;;
		no:*)	! grep -qF -- "${c#no:}" "$text" || why="stdout has '${c#no:}'" ;;
		err:*)	grep -qF -- "${c#err:}" "$tmp/err" || why="stderr lacks '${c#err:}': $(head -c 300 "$tmp/err")" ;;
		lines:*)
			[ "$(wc -l <"$tmp/out")" = "${c#lines:}" ] ||
				why="$(wc -l <"$tmp/out") lines on stdout, want ${c#lines:}" ;;
		same:*)	cmp -s "$tmp/out" "${c#same:}" || why="stdout differs from ${c#same:}" ;;
		quiet)	[ ! -s "$tmp/err" ] || why="stderr: $(head -c 300 "$tmp/err")" ;;
		usage)
			if [ "$(wc -l <"$tmp/err")" != 1 ] || ! grep -q "^peercred: .*--help" "$tmp/err"; then
				why="want one 'peercred: ... --help' line on stderr, got: $(head -c 300 "$tmp/err")"
			fi ;;
		block:*)
			text=$tmp/block
			sed -n "/^socket ${c#block:} /,/^\$/p" "$tmp/out" >"$text"
			[ -s "$text" ] || why="no block for socket ${c#block:}" ;;
		json:*)
			if [ "$json_ok" != "$runs" ] &&
			   ! python3 -m json.tool "$tmp/out" >/dev/null 2>"$tmp/pyerr"; then
				why="invalid JSON: $(head -c 300 "$tmp/pyerr")"
			else
				json_ok=$runs
			fi
			if [ -z "$why" ] && ! python3 -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$tmp/out" "${c#json:}" 2>"$tmp/pyerr"; then
				why="JSON fails: ${c#json:} $(head -c 300 "$tmp/pyerr")"
			fi ;;
		*)	why="bad check '$c'" ;;
		esac
	done
	if [ -z "$why" ]; then
		echo "PASS $runner/$name"
	else
		fail "$runner/$name" "$why"
	fi
}

B=$data/basic

for runner in "${runners[@]}"; do
	# list: the table verbatim, filters AND together, each matches either end
	pc "$B";		expect list/all 0 "same:$B/peercred" quiet
	pc "$B" list;		expect list/explicit 0 "same:$B/peercred" quiet
	pc "$data/empty";	expect list/empty-table 1 lines:1 out:srv_drift quiet
	# Probes that do not fire: the table still shown, with a warning.
	pc "$data/noprobes";	expect list/probes-not-firing 0 "same:$B/peercred" "err:ftrace_enabled"
	pc "$B" --pid 120;	expect filter/pid-srv 0 lines:2 "out:/run/dbus/system_bus_socket" quiet
	pc "$B" --pid 131;	expect filter/pid-cli 0 lines:2 "out:dbus-test-tool" quiet
	pc "$B" --pid 0;	expect filter/pid-0 0 lines:2 "out:@abstract@name"
	pc "$B" --pid=131;	expect filter/pid-equals 0 lines:2 "out:dbus-test-tool"
	pc "$B" --pid 7;	expect filter/pid-miss 1 lines:1 out:srv_pid quiet
	pc "$B" --uid 101;	expect filter/uid-srv 0 lines:2 "out:dbus-daemon"
	pc "$B" --uid 1001;	expect filter/uid-cli 0 lines:2 "out:listener"
	pc "$B" --uid 1000;	expect filter/uid-either 0 lines:4 out:pctest out:listener out:/run/x
	pc "$B" --uid=4294967295; expect filter/uid-nocred 0 lines:2 out:ghost
	pc "$B" --uid 5;	expect filter/uid-miss 1 lines:1
	pc "$B" --comm 'my prog';	expect filter/comm-space 0 lines:2 'out:my\040prog'
	pc "$B" --comm 'back\slash';	expect filter/comm-backslash 0 lines:2 'out:back\134slash'
	pc "$B" --comm "$(printf 'tab\tcomm')"; expect filter/comm-tab 0 lines:2 'out:tab\011comm'
	pc "$B" --comm=café;		expect filter/comm-utf8 0 lines:2 'out:caf\303\251'
	pc "$B" --comm dbus-daemon;	expect filter/comm-srv 0 lines:2 out:3456
	pc "$B" --comm gone-too;	expect filter/comm-cli 0 lines:2 out:/run/racy
	pc "$B" --comm 'my\040prog';	expect filter/comm-escaped-miss 1 lines:1
	pc "$B" --comm dbus;		expect filter/comm-prefix-miss 1 lines:1
	pc "$B" --path '/tmp/sp ace"q';	expect filter/path-space-quote 0 lines:2 out:listener
	pc "$B" --path '/run/x\y';	expect filter/path-backslash 0 lines:2 out:3500
	pc "$B" --path @abstract@name;	expect filter/path-abstract 0 lines:2 out:3470
	pc "$B" --path=/run/racy;	expect filter/path-equals 0 lines:2 out:3510
	pc "$B" --path /run/dbus;	expect filter/path-miss 1 lines:1
	pc "$B" --uid 0 --path /run/dbus/system_bus_socket
	expect filter/uid+path 0 lines:2 out:3455
	pc "$B" list --uid 101 --comm dbus-test-tool --pid=131
	expect filter/uid+comm+pid 0 lines:2 out:3455
	pc "$B" --pid 120 --path /run/racy;	expect filter/combined-miss 1 lines:1
	pc "$B" --uid 0 --comm pctest;		expect filter/combined-miss-ends 1 lines:1
	# columns found by header name: the current module has no drift columns
	pc "$data/oldformat" --pid 131;	expect filter/old-header-pid 0 lines:2 out:3455
	pc "$data/oldformat" --uid 1000; expect filter/old-header-uid 0 lines:2 out:socketpair

	# JSON
	pc "$B" --json
	expect json/all 0 quiet 'json:len(d) == 7 and [r["srv_ino"] for r in d] == [3456, 3460, 3470, 0, 3490, 3500, 3510]'
	expect json/keys 0 'json:list(d[0]) == "type origin srv_ino srv_pid srv_uid srv_gid srv_comm srv_drift cli_ino cli_pid cli_uid cli_gid cli_comm cli_drift age_ms flags path".split()'
	expect json/types 0 'json:all(type(r[k]) is int for r in d for k in r if k.endswith(("_ino", "_pid", "_uid", "_gid")) or k == "age_ms") and all(type(r[k]) is str for r in d for k in ("type", "origin", "srv_comm", "cli_drift", "flags", "path"))'
	expect json/values 0 'json:d[0] == {"type": "stream", "origin": "connect", "srv_ino": 3456, "srv_pid": 120, "srv_uid": 101, "srv_gid": 101, "srv_comm": "dbus-daemon", "srv_drift": "-", "cli_ino": 3455, "cli_pid": 131, "cli_uid": 0, "cli_gid": 0, "cli_comm": "dbus-test-tool", "cli_drift": "-", "age_ms": 1520, "flags": "-", "path": "/run/dbus/system_bus_socket"}'
	expect json/unescape 0 'json:d[2]["cli_comm"] == "my prog" and d[3]["cli_comm"] == "back\\slash" and d[3]["path"] == "/tmp/sp ace\"q" and d[5]["srv_comm"] == "tab\tcomm" and d[5]["cli_comm"] == "café" and d[5]["path"] == "/run/x\\y"'
	expect json/other 0 'json:d[3]["flags"] == "p" and d[4]["cli_uid"] == 4294967295 and d[1]["srv_drift"] == "cx" and d[5]["srv_drift"] == "ch"'
	pc "$B" --json --comm pctest;	expect json/filtered 0 'json:len(d) == 1 and d[0]["origin"] == "socketpair"'
	pc "$B" --json --pid 7;		expect json/no-match 1 'json:d == []'
	pc "$data/empty" --json;	expect json/empty-table 1 'json:d == []'
	pc "$data/oldformat" --json;	expect json/old-header 0 'json:len(d) == 2 and "srv_drift" not in d[0]'

	# explain: the asked end first, then its peer; SO_PEERCRED on an end
	# returns the other end's stored identity
	pc "$B" explain 3455
	expect explain/connect-client 0 quiet 'out:socket 3455 (the one you asked about): client end' \
		'out:socket 3456 (its peer): server end' block:3455 \
		'out:SO_PEERCRED) returns:   pid 120  uid 101  gid 101' 'out:SO_PEERGROUPS) returns: 101 4' \
		'out:listen-time snapshot' 'out:drift: none'
	expect explain/connect-client-peer 0 block:3456 \
		'out:SO_PEERCRED) returns:   pid 131  uid 0  gid 0' 'out:SO_PEERGROUPS) returns: no supplementary groups' \
		'out:connect-time snapshot' 'out:drift: none'
	pc "$B" explain 3456
	expect explain/connect-server 0 'out:socket 3456 (the one you asked about): server end' \
		'out:socket 3455 (its peer)' block:3456 'out:pid 131  uid 0  gid 0' 'out:connect-time snapshot'
	[ "$(grep -n '^socket' "$tmp/out" | head -1)" = "3:socket 3456 (the one you asked about): server end (the socket accept() returns)" ] ||
		fail "$runner/explain/asked-end-first" "$(head -3 "$tmp/out")"
	pc "$B" explain 3461
	expect explain/socketpair 0 block:3461 'out:socketpair end sv[0]' 'out:pid 140  uid 1000  gid 1000' \
		'out:returns: 1000 27' 'out:socketpair-time snapshot' \
		'out:the process has since changed its credentials: now differs from the snapshot' \
		'out:the process has exited' block:3460 'out:socketpair end sv[1]'
	pc "$B" explain 3471
	expect explain/preexisting-client 0 block:3471 'out:client end' 'out:pid 99  uid 0  gid 0' \
		'out:preexisting: the connection existed before peercred was loaded' 'out:when the server called listen()' \
		'out:drift: pid not visible from your pid namespace' \
		block:3470 'out:pid 0  uid 0  gid 0  (comm "my prog"' 'out:returns: 0 10' \
		'out:when the client called connect()' 'out:drift: the process has exited'
	pc "$B" explain 3491
	expect explain/no-creds 0 'out:most likely a socketpair end' block:3491 'out:pid 300  uid 0  gid 0' \
		'out:SO_PEERGROUPS) returns: 0' 'out:most likely when socketpair() was called' \
		block:3490 'out:pid 301  uid 4294967295  gid 4294967295' 'out:SO_PEERGROUPS) returns: nothing'
	pc "$B" explain 3481
	expect explain/pending 0 'out:pending: the server has not accept()ed' \
		'out:path /tmp/sp ace"q' block:3481 'out:pid 200  uid 1000  gid 1000' 'out:returns: 1000' \
		'out:drift: none' block:- 'out:not accept()ed yet' 'out:pid 201  uid 1001  gid 1001' \
		'out:comm "back\134slash"' 'out:returns: 1001 27 100' 'out:drift: the process has since changed its credentials'
	pc "$B" explain 3501
	expect explain/drift-two 0 block:3501 'out:comm "tab\011comm"' 'out:returns: 0 1 2' \
		'out:drift: the process has since changed its credentials: now differs from the snapshot; pid not visible from your pid namespace'
	pc "$B" explain 3510
	expect explain/not-in-detail 0 block:3510 'out:pid 501  uid 0  gid 0' 'out:returns: unknown (no such row'
	pc "$tmp/nodetail" explain 3455
	expect explain/no-detail-file 0 block:3455 'out:pid 120  uid 101  gid 101' 'out:returns: unknown (cannot read'
	pc "$data/oldformat" explain 3460
	expect explain/old-header 0 block:3461 'out:pid 140  uid 1000  gid 1000' 'out:socketpair-time snapshot' 'out:drift: unknown'
	# identity (pidfs ids, LSM labels, pid reuse): the columns after path
	I=$data/identity
	pc "$I" explain 4100
	expect explain/identity 0 quiet block:4100 \
		'out:identity: pidfs id 4220; label /usr/bin/client (enforce)' \
		block:4101 'out:identity: pidfs id 4213; label unconfined'
	pc "$I" explain 4111
	expect explain/pid-reused 0 block:4111 \
		'out:the process has exited; pid 300 is now another process: do not trust /proc/300'
	pc "$I" explain 4121
	expect explain/no-identity 0 block:4121 'out:identity: no pidfs id (this kernel has no pidfs' \
		'out:label - (none: no LSM answers SO_PEERSEC'
	pc "$I" --label '/usr/bin/client (enforce)'
	expect label/exact 0 quiet lines:2 'out:/run/dbus/system_bus_socket'
	pc "$I" --label=unconfined;	expect label/either-end 0 lines:3 no:/run/old.sock
	pc "$I" --label /usr/bin/client;	expect label/whole-only 1 lines:1
	pc "$I" --label '';		expect label/empty 2 usage 'err:--label needs a value'
	pc "$I" --json --label=unconfined
	expect json/identity 0 'json:d[0]["srv_pidfs"] == 4213 and d[0]["cli_label"] == "/usr/bin/client (enforce)" and d[1]["cli_drift"] == "xr"'
	pc "$I" --json --path /run/old.sock
	expect json/no-identity 0 'json:d[0]["srv_pidfs"] == "-" and d[0]["cli_label"] == "-"'
	pc "$B" explain 99999;	expect explain/unknown 1 lines:0 'err:peercred: no connection with socket inode 99999'
	pc "$B" explain 0;	expect explain/inode-0 1 lines:0 'err:no connection'

	# usage and environment errors
	pc "$B" --help;		expect usage/help 0 quiet 'out:Usage: peercred' 'out:explain INODE' 'out:Exit status' out:PEERCRED_PROC
	pc "$B" explain -h;	expect usage/h 0 'out:Usage: peercred'
	pc "$B" --bogus;	expect usage/unknown-option 2 lines:0 usage "err:unknown option '--bogus'"
	pc "$B" --pid;		expect usage/missing-value 2 usage 'err:--pid needs a value'
	pc "$B" --pid=;		expect usage/empty-value 2 usage 'err:--pid needs a value'
	pc "$B" --pid x1;	expect usage/non-numeric-pid 2 usage 'err:--pid needs a number'
	pc "$B" --uid=-1;	expect usage/negative-uid 2 usage 'err:--uid needs a number'
	pc "$B" --comm;		expect usage/missing-comm 2 usage
	pc "$B" list extra;	expect usage/extra-arg 2 usage "err:unexpected argument 'extra'"
	pc "$B" explain;	expect usage/explain-no-inode 2 usage 'err:explain needs an INODE'
	pc "$B" explain abc;	expect usage/explain-bad-inode 2 usage 'err:INODE must be a number'
	pc "$B" explain 1 2;	expect usage/explain-two-inodes 2 usage
	pc "$B" explain 3455 --pid 1; expect usage/explain-filter 2 usage
	pc "$tmp/noproc";	expect env/no-module 3 lines:0 \
		"err:peercred: $tmp/noproc/peercred not found: is the peercred module loaded? (sudo insmod module/peercred.ko)"
	pc "$tmp/noproc" explain 1; expect env/no-module-explain 3 lines:0 'err:is the peercred module loaded?'
	pc "$tmp/noperm";	expect env/unreadable 4 lines:0 'err:peercred: cannot read'

	# metrics: counts in the Prometheus text format, names as /proc spells
	# them with backslash and quote escaped; paths beyond --top and series
	# beyond --max-series folded into "(other)"
	pc "$B" metrics;	expect metrics/basic 0 quiet 'out:peercred_up 1' \
		'out:peercred_connections{type="stream",path="/tmp/sp\\040ace\"q",srv_comm="listener",srv_uid="1000",cli_uid="1001"} 1' \
		'out:path="(unnamed)",srv_comm="pctest",srv_uid="1000",cli_uid="1000"} 1' \
		'out:peercred_drift_connections{letter="c"} 3' 'out:peercred_rows_live 7' \
		'out:# TYPE peercred_rows_dropped_total counter' no:'(other)'
	pc "$B" metrics --top 1; expect metrics/top 0 'out:path="(other)"' 'out:path="(unnamed)"'
	pc "$B" metrics --max-series 2
	expect metrics/max-series 0 'out:{type="(other)",path="(other)",srv_comm="(other)",srv_uid="(other)",cli_uid="(other)"} 6'
	pc "$tmp/noproc" metrics; expect metrics/no-module 0 lines:3 'out:peercred_up 0' quiet
	pc "$tmp/nostats" metrics; expect metrics/stats-unreadable 4 lines:0 'err:only admins may'
	rm -rf "$tmp/tf" && mkdir -m 777 "$tmp/tf"
	pc "$B" metrics --textfile "$tmp/tf"; expect metrics/textfile 0 lines:0 quiet
	if grep -q '^peercred_up 1$' "$tmp/tf/peercred.prom" && [ "$(ls -A "$tmp/tf")" = peercred.prom ]; then
		echo "PASS $runner/metrics/textfile-content"
	else
		fail "$runner/metrics/textfile-content" "$(ls -A "$tmp/tf")"
	fi
	pc "$B" metrics --textfile "$tmp/none"; expect metrics/textfile-missing 5 lines:0 'err:is not a directory'
	pc "$B" metrics --top x; expect metrics/bad-top 2 usage "err:--top needs a number, not 'x'"
	pc "$B" metrics --max-series 0; expect metrics/bad-max-series 2 usage
	pc "$B" metrics extra;	expect metrics/extra-arg 2 usage
	pc "$B" metrics --help;	expect metrics/help 0 'out:--textfile DIR' quiet
done

# The exposition format, as Prometheus's own linter reads it.
if ! command -v promtool >/dev/null; then
	fail metrics/promtool "promtool not found (apt-get install prometheus)"
elif PEERCRED_PROC=$B "$cli" metrics | promtool check metrics >"$tmp/lint" 2>&1; then
	echo "PASS metrics/promtool"
else
	fail metrics/promtool "$(head -c 500 "$tmp/lint")"
fi

# Lint (shellcheck) runs in scripts/static-check.sh, with every other script.
if [ -x "$here/peercred" ]; then echo "PASS executable"; else fail executable "$here/peercred is not executable"; fi

[ "$fails" = 0 ]
