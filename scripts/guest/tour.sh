# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Runs inside the guest as /scenario for `make tour`: real processes, the
# module loaded after they connected, then each feature as a transcript of
# commands and their real output. Not a test: scripts/guest/checks.sh is.
M=/peercred/peercred.ko

# Print a command line, then run it through sh so pipes read naturally.
show() {
	echo "# $*"
	sh -c "$*"
	echo
}

echo PEERCRED-TOUR-BEGIN
echo "== Connections from before the module was loaded"
echo "(a server as uid 101 on /run/app/api.sock, a client as uid 1000 with group 100,"
echo " and a socketpair held by uid 1001 -- all started before insmod)"
mkdir -p /run/app && chown 101 /run/app
pctest runas 101 101 - pctest serve /run/app/api.sock &
sleep 0.3
pctest runas 1000 1000 100 pctest dial /run/app/api.sock &
pctest runas 1001 1001 - pctest pair &
sleep 0.3
show insmod $M
show peercred

echo "== Drift"
echo "(a client that connects as root, then setuid(1005); one whose connecting"
echo " process exits, leaving the socket to its child)"
pctest dial /run/app/api.sock 1005 &
pctest dial /run/app/api.sock exit
sleep 0.3
show peercred --path /run/app/api.sock
ino=$(peercred --path /run/app/api.sock |
	awk 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	     $c["cli_drift"] == "c" { print $c["srv_ino"] }')
show peercred explain "$ino"

echo "== Identity: pidfs ids and LSM labels"
echo "(a client confined by a real AppArmor profile, pctest-client, loaded with"
echo " apparmor_parser; each end's pidfs id is the st_ino of SO_PEERPIDFD's pidfd)"
pass() { :; }
fail() { echo "apparmor: $1: $2"; }
. /apparmor.sh
/bin/pctest-client dial /run/app/api.sock &
sleep 0.3
show "peercred --label 'pctest-client (enforce)'"
ino=$(peercred --label 'pctest-client (enforce)' |
	awk 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } { print $c["cli_ino"] }')
show peercred explain "$ino"

echo "== Namespaces"
echo "(a reader in a new pid namespace: the pids are not visible from there)"
show unshare -p -f peercred --path /run/app/api.sock
echo "(uid 1000 in its own user namespace, where it is root: ids as SO_PEERCRED"
echo " gives them there, 1000 -> 0, unmapped -> 65534; only rows holding its euid)"
show pctest runas 1000 1000 - unshare -r peercred
echo "(root of a new user+network namespace with a socketpair of its own sees"
echo " that netns only; root of the initial namespace sees every netns)"
show "unshare -r -n sh -c 'pctest pair & sleep 0.3; peercred'"
show peercred --uid 0

echo "== The CLI"
show peercred --uid 1000 --json
show "peercred --pid abc; echo exit \$?"
show "peercred --comm nosuch; echo exit \$?"
rmmod peercred
show "peercred; echo exit \$?"
echo PEERCRED-TOUR-END
