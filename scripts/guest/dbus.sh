# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Runs inside the guest as /scenario: the real dbus-daemon and real clients
# (dbus-monitor) as different users. For every client the bus's own answer
# (GetConnectionCredentials, which dbus-daemon takes from SO_PEERCRED and
# SO_PEERGROUPS) must match the client's row in /proc/peercred, and every row
# on the bus socket must show the daemon itself as the listen-time server.
# With "demo" as $1 (set by /demo-mode), print the two views side by side.
SOCK=/run/dbus/system_bus_socket
BUS=unix:path=$SOCK

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
ask() {	# ask METHOD [ARGS]: a method call to the bus, printed reply
	method=$1
	shift
	dbus-send --bus=$BUS --print-reply --dest=org.freedesktop.DBus \
		/org/freedesktop/DBus "org.freedesktop.DBus.$method" "$@"
}
# creds NAME: "pid uid groups" from GetConnectionCredentials (groups comma-joined)
creds() {
	ask GetConnectionCredentials "string:$1" | awk '
		/string "ProcessID"/ { k = "pid" } /string "UnixUserID"/ { k = "uid" }
		/string "UnixGroupIDs"/ { k = "groups" }
		/uint32/ { if (k == "groups") g = g (g == "" ? "" : ",") $NF; else v[k] = $NF }
		/\)/ { if (k != "groups") k = "" }
		END { print v["pid"], v["uid"], (g == "" ? "-" : g) }'
}
# detail_groups INO: the cli_groups of the detail block with that cli_ino
detail_groups() {
	awk -v ino="$1" -F '\t' '
		$1 == "cli_ino:" { hit = ($2 == ino) }
		hit && $1 == "cli_groups:" { gsub(/ /, ",", $2); print ($2 == "" ? "-" : $2); exit }
	' /proc/peercred_detail
}

insmod /peercred/peercred.ko || { fail dbus.load "insmod failed"; exit 1; }
# Only the daemon may create its socket there, as on Debian.
mkdir -p /run/dbus && chown 101:101 /run/dbus

# The bus runs as messagebus, as Debian's system bus does; it calls listen().
pctest runas 101 101 - dbus-daemon --config-file=/etc/peercred-bus.conf \
	--nofork --nopidfile &
BUSPID=$!
i=0
while [ ! -S $SOCK ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

# Real clients that stay connected, each owning a name: dbus-test-tool
# (Debian's dbus-tests) as root, uid 1000, uid 1001 with groups 27,100.
CLIENTS="0:0:- 1000:1000:- 1001:1001:27,100"
PIDS=
for c in $CLIENTS; do
	u=${c%%:*} rest=${c#*:}
	g=${rest%%:*} gs=${rest#*:}
	DBUS_SESSION_BUS_ADDRESS=$BUS pctest runas "$u" "$g" "$gs" \
		dbus-test-tool black-hole --session --name="org.peercred.User$u" &
	PIDS="$PIDS $!:$c"
done
i=0
while [ "$(ask ListNames | grep -c 'org.peercred.User')" -lt 3 ] && [ $i -lt 50 ]; do
	sleep 0.2; i=$((i + 1))
done

# shellcheck disable=SC2046 # split "pid uid groups" into $1..$3
set -- $(creds org.freedesktop.DBus)
BUS_PID=$1 BUS_UID=$2
[ "$BUS_PID" = "$BUSPID" ] && [ "$BUS_UID" = 101 ] && pass dbus.daemon-identity ||
	fail dbus.daemon-identity "bus says pid $BUS_PID uid $BUS_UID, started pid $BUSPID uid 101"

: >/tmp/sidebyside
for p in $PIDS; do
	pid=${p%%:*} want=${p#*:}
	want_uid=${want%%:*} want_groups=${want##*:}
	name=org.peercred.User$want_uid
	# shellcheck disable=SC2046
	set -- $(creds "$name")
	bus_pid=$1 bus_uid=$2 bus_groups=$3
	[ "$bus_pid" = "$pid" ] && pass "dbus.client-$want_uid.on-bus" ||
		fail "dbus.client-$want_uid.on-bus" "bus says $name is pid $bus_pid, started pid $pid"
	# Through the CLI's filters; columns by header name.
	row=$(peercred --path "$SOCK" --pid "$pid" | awk -v pid="$pid" '
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["cli_pid"] == pid {
			print $c["cli_ino"], $c["cli_uid"], $c["cli_gid"], $c["cli_comm"],
				$c["srv_pid"], $c["srv_uid"], $c["srv_comm"]
		}')
	if [ -z "$row" ]; then
		fail "dbus.client-$want_uid.row" "no row with cli_pid $pid on $SOCK"
		continue
	fi
	# shellcheck disable=SC2086 # split the row into $1..$7
	set -- $row
	cli_ino=$1 cli_uid=$2 cli_gid=$3 cli_comm=$4 srv_pid=$5 srv_uid=$6 srv_comm=$7
	first_ino=${first_ino:-$cli_ino}
	[ "$cli_uid" = "$bus_uid" ] && [ "$bus_uid" = "$want_uid" ] &&
		pass "dbus.client-$want_uid.uid" ||
		fail "dbus.client-$want_uid.uid" "row $cli_uid, bus $bus_uid, started as $want_uid"
	# dbus-daemon reports SO_PEERGROUPS plus the SO_PEERCRED gid, sorted.
	grp=$(detail_groups "$cli_ino")
	row_groups=$(echo "$cli_gid,$grp" | tr ',' '\n' | grep -v '^-$' | sort -nu | paste -sd, -)
	[ "$row_groups" = "$bus_groups" ] && [ "$grp" = "$want_groups" ] &&
		pass "dbus.client-$want_uid.groups" ||
		fail "dbus.client-$want_uid.groups" "row $row_groups (groups $grp), bus $bus_groups, started with $want_groups"
	[ "$srv_pid" = "$BUS_PID" ] && [ "$srv_uid" = "$BUS_UID" ] &&
		pass "dbus.client-$want_uid.sees-daemon" ||
		fail "dbus.client-$want_uid.sees-daemon" "srv pid $srv_pid uid $srv_uid, bus $BUS_PID $BUS_UID"
	printf '%-22s %5s %5s %-12s | %7s %7s %-12s %-15s | %7s %7s %s\n' "$name" \
		"$bus_pid" "$bus_uid" "$bus_groups" "$pid" "$cli_uid" "$row_groups" \
		"$cli_comm" "$srv_pid" "$srv_uid" "$srv_comm" >>/tmp/sidebyside
done

# A client confined by a real AppArmor profile (apparmor.sh). dbus-daemon
# takes its LinuxSecurityLabel from SO_PEERSEC at connect time; the client's
# row must hold the same label, or "-" where the bus got none.
. /apparmor.sh
if [ -x /usr/bin/dbus-test-tool-confined ] && [ -d /sys/kernel/security/apparmor ]; then
	DBUS_SESSION_BUS_ADDRESS=$BUS /usr/bin/dbus-test-tool-confined black-hole --session \
		--name=org.peercred.Confined &
	CPID=$!
	i=0
	while ! ask ListNames | grep -q org.peercred.Confined && [ $i -lt 50 ]; do
		sleep 0.2; i=$((i + 1))
	done
	confined=$(cat /proc/$CPID/attr/current 2>&1)
	[ "$confined" = "dbus-client (enforce)" ] && pass dbus.confined.profile ||
		fail dbus.confined.profile "the client runs under '$confined'"
	bus_label=$(ask GetConnectionCredentials string:org.peercred.Confined |
		sed -n 's/.*array of bytes "\(.*\)".*/\1/p')
	# shellcheck disable=SC2016 # awk's $
	row_label=$(peercred --path "$SOCK" --pid "$CPID" | awk -v pid="$CPID" '
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["cli_pid"] == pid { print $c["cli_label"] }')
	if [ -z "$bus_label" ]; then
		[ "$row_label" = - ] && pass dbus.confined.label ||
			fail dbus.confined.label "the bus got no label, the row says '$row_label'"
	elif peercred --path "$SOCK" --pid "$CPID" --label "$bus_label" >/dev/null; then
		pass dbus.confined.label
	else
		fail dbus.confined.label "bus says '$bus_label', row says '$row_label'"
	fi
	echo "dbus: confined client's label: bus '$bus_label', row '$row_label'"
fi

if [ -e /demo-mode ]; then
	echo PEERCRED-DEMO-BEGIN
	echo "Left: what dbus-daemon says about each client (GetConnectionCredentials)."
	echo "Right: the client's row in /proc/peercred: cli_* is what the daemon's"
	echo "accepted socket holds (connect time), srv_* what the client's socket holds"
	echo "about the daemon (listen time)."
	echo
	printf '%-22s %5s %5s %-12s | %7s %7s %-12s %-15s | %7s %7s %s\n' name pid uid groups \
		cli_pid cli_uid gid+groups cli_comm srv_pid srv_uid srv_comm
	cat /tmp/sidebyside
	echo
	echo "The bus itself (GetConnectionCredentials org.freedesktop.DBus): pid $BUS_PID uid $BUS_UID"
	[ -z "${CPID:-}" ] || printf '%s\n' \
		"A client confined by AppArmor (org.peercred.Confined, pid $CPID): the bus says its" \
		"LinuxSecurityLabel is '$bus_label'; its row's cli_label is '$row_label'."
	echo
	echo '$ cat /proc/peercred'
	cat /proc/peercred
	echo
	echo '$ head -n 27 /proc/peercred_detail'
	head -n 27 /proc/peercred_detail
	echo
	echo '$ cat /proc/peercred_stats'
	cat /proc/peercred_stats
	echo
	echo "\$ peercred explain $first_ino"
	peercred explain "$first_ino"
	echo PEERCRED-DEMO-END
fi
echo PEERCRED-DBUS-DONE
