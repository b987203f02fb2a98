# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Runs in the package test's Debian system (scripts/pkg-test.sh) at every
# boot, as root, from the test's disk (/mnt/pctest), under systemd: the
# life of the packages on a lab machine, one step per boot, the step kept
# on the system's own disk. The host reads PASS/FAIL lines from the serial
# console; PKGTEST-BOOT-INTO KVER asks it to boot that kernel next (QEMU
# boots its kernel directly: a reboot would come back to the same one);
# PKGTEST-END ends the run.
D=/mnt/pctest
STATE=/var/lib/peercred-test/step
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
# show COMMAND...: a transcript for the README: "# COMMAND" and its output,
# each line behind "| " (never read as a result).
show() {
	echo "| # $*"
	"$@" 2>&1 | sed 's/^/| /'
}
check() {	# check NAME WHY COMMAND...: PASS when COMMAND succeeds
	n=$1 why=$2
	shift 2
	if "$@" >/tmp/check.out 2>&1; then pass "$n"; else fail "$n" "$why: $(head -c 300 /tmp/check.out | tr '\n' ' ')"; fi
}
finish() {
	echo "PKGTEST-END"
	systemctl poweroff
	exit 0
}
reboot_to() {	# reboot_to STEP: reboot, and go on with STEP
	echo "$1" >"$STATE"
	sync
	systemctl reboot
	exit 0
}

# loaded PREFIX: after a boot with the packages installed: systemd loaded
# the module, the system's own rows agree with getsockopt and with ss.
loaded() {
	p=$1
	check "$p.modules-load.active" "systemd-modules-load is not active" \
		systemctl is-active systemd-modules-load
	check "$p.modules-load.inserted" "systemd-modules-load did not insert peercred this boot" \
		sh -c "journalctl -b -u systemd-modules-load -o cat | grep -q \"Inserted module 'peercred'\""
	check "$p.proc" "no /proc/peercred" test -r /proc/peercred
	show systemctl status --no-pager --lines=3 systemd-modules-load
	show peercred
	# The system's own connections: journald's (its socket is PID 1's: it
	# listened, systemd-journald accepts), D-Bus's, logind's, PID 1's.
	check "$p.rows.journald" "no row on /run/systemd/journal/stdout" \
		sh -c 'peercred --path /run/systemd/journal/stdout >/dev/null'
	check "$p.rows.dbus-daemon" "no row with an end of dbus-daemon" \
		sh -c 'peercred --comm dbus-daemon >/dev/null'
	check "$p.rows.systemd-logind" "no row with an end of systemd-logind" \
		sh -c 'peercred --comm systemd-logind >/dev/null'
	check "$p.rows.pid1" "no row with an end of PID 1" sh -c 'peercred --pid 1 >/dev/null'
	# The story of a socket-activated service: the client is told PID 1's
	# listen-time snapshot.
	ino=$(peercred --path /run/systemd/journal/stdout | awk 'NR == 2 { print $9 }')
	peercred explain "$ino" >/tmp/explain.out 2>&1
	check "$p.rows.explain" "peercred explain $ino: $(cat /tmp/explain.out)" \
		grep -q 'when the server called listen()\|when it called listen()' /tmp/explain.out
	"$D/pctest" system "$p"
	# iproute2's view (unix_diag): every end of a connected stream or
	# seqpacket pair it lists is an end of a row. ss first, the table
	# second; an end missing twice, and still listed, is a real miss (one
	# closed between the two reads is not).
	ends_missing() {
		ss -xHn state established >/tmp/ss.out
		awk 'NR > 1 { print $3; print $9 }' /proc/peercred >/tmp/rows.ino
		# With a state filter ss prints no State column: $5, $7 are the inodes.
		awk 'FILENAME == "/tmp/rows.ino" { row[$1] = 1; next }
			($1 == "u_str" || $1 == "u_seq") && !($5 in row) { print $5 }' \
			/tmp/rows.ino /tmp/ss.out | sort
	}
	ends_missing >/tmp/missing.1
	head -n 3 /tmp/ss.out
	ends=$(awk '$1 == "u_str" || $1 == "u_seq"' /tmp/ss.out | wc -l)
	sleep 1
	missing=$(ends_missing | comm -12 /tmp/missing.1 -)
	echo "ss: $ends connected stream/seqpacket ends listed"
	check "$p.ss.every-end-has-its-row" "ends ss lists with no row: $missing" test -z "$missing"
	check "$p.ss.ends-listed" "ss lists no connected stream socket" test "$ends" -gt 0
}

# purged: apt purge of both leaves no module (for any kernel), no DKMS
# tree, no unit, no file of theirs.
purged() {
	prom=/var/lib/prometheus/node-exporter/peercred.prom
	show env DEBIAN_FRONTEND=noninteractive apt-get purge -y peercred peercred-dkms
	check purge.apt "apt-get purge left them: $(dpkg -l peercred peercred-dkms 2>&1 | tail -2)" \
		sh -c '! dpkg -l peercred peercred-dkms 2>/dev/null | grep -q "^[ir]i "'
	check purge.no-module-file "a peercred module is left: $(find /lib/modules -name 'peercred.ko*')" \
		sh -c '! find /lib/modules -name "peercred.ko*" | grep -q .'
	check purge.no-dkms-tree "DKMS still knows peercred" \
		sh -c '! test -e /var/lib/dkms/peercred && ! ls -d /usr/src/peercred-* 2>/dev/null'
	check purge.no-unit "systemd still knows peercred-metrics" \
		sh -c '! systemctl cat peercred-metrics.timer 2>/dev/null'
	left=$(for f in /etc/modprobe.d/peercred.conf /usr/lib/modules-load.d/peercred.conf \
		/usr/bin/peercred /usr/libexec/peercred /usr/share/man/man8/peercred.8.gz $prom; do
		[ ! -e "$f" ] || echo "$f"
	done)
	check purge.no-files "files of the packages are left: $left" test -z "$left"
	check purge.dpkg-forgets "dpkg still has them: $(dpkg-query -W -f '${Package} ${Status}; ' peercred peercred-dkms 2>&1)" \
		sh -c '! dpkg-query -W -f "\${Status}\n" peercred peercred-dkms 2>/dev/null | grep -qv not-installed'
}

mkdir -p "${STATE%/*}"
step=$(cat "$STATE" 2>/dev/null || echo install)
echo "PKGTEST-STEP $step on $(uname -r)"
# The test waits for the boot, not the boot for the test.
boot=$(systemctl is-system-running --wait 2>&1)
check boot.systemd "PID 1 is $(cat /proc/1/comm)" test "$(cat /proc/1/comm)" = systemd
check boot.running "systemctl is-system-running says '$boot'; failed units: $(systemctl --failed --no-legend --plain | cut -d' ' -f1 | tr '\n' ' ')" \
	test "$boot" = running

case $step in
install)
	kver=$(uname -r)
	check install.not-loaded "peercred is loaded before its package is installed" \
		test ! -e /proc/peercred
	t=$(date +%s)
	if DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$D"/peercred-dkms_*.deb "$D"/peercred_*.deb \
		>/tmp/apt.out 2>&1; then
		pass install.apt
	else
		fail install.apt "apt-get install failed: $(tail -5 /tmp/apt.out | tr '\n' ' ')"
		cat /tmp/apt.out
		finish
	fi
	echo "install: apt-get install took $(($(date +%s) - t))s (DKMS build included)"
	sed 's/^/| /' /tmp/apt.out
	show dkms status
	show modinfo -F filename peercred
	show systemctl cat peercred-metrics.timer
	check install.dkms-built "dkms status: $(dkms status peercred)" \
		sh -c "dkms status peercred | grep '$kver.*installed'"
	check install.module-for-running-kernel "modinfo finds no peercred for $kver" \
		sh -c "modinfo -k '$kver' -n peercred | grep -q '^/lib/modules/$kver/updates/dkms/'"
	check install.cli-on-path "peercred is not on the PATH" command -v peercred
	check install.man-page "no peercred(8)" test -f /usr/share/man/man8/peercred.8.gz
	check install.modules-load "no modules-load.d entry" \
		grep -qx peercred /usr/lib/modules-load.d/peercred.conf
	check install.units "the metrics units are not known to systemd" \
		systemctl cat peercred-metrics.timer peercred-metrics.service
	reboot_to booted
	;;
booted)
	loaded boot
	# The parameters: /etc/modprobe.d is read when the module is loaded.
	echo 'options peercred max_rows=1000' >>/etc/modprobe.d/peercred.conf
	check modprobe.d.reload "rmmod/modprobe failed" sh -c 'rmmod peercred && modprobe peercred'
	check modprobe.d.max_rows "max_rows is $(cat /sys/module/peercred/parameters/max_rows)" \
		test "$(cat /sys/module/peercred/parameters/max_rows)" = 1000
	# The fleet path under systemd: the timer writes, node_exporter serves.
	check metrics.timer-enabled "systemctl enable --now failed" \
		systemctl enable --now peercred-metrics.timer
	prom=/var/lib/prometheus/node-exporter/peercred.prom
	i=0
	while [ ! -s $prom ] && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
	check metrics.timer-active "the timer is $(systemctl is-active peercred-metrics.timer)" \
		systemctl is-active peercred-metrics.timer
	check metrics.service-ran "the service's last run: $(systemctl show -P Result peercred-metrics.service)" \
		test "$(systemctl show -P Result peercred-metrics.service)" = success
	check metrics.textfile "no $prom after ${i}s" test -s $prom
	check metrics.node-exporter-active "prometheus-node-exporter is not active" \
		systemctl is-active prometheus-node-exporter
	i=0
	while ! curl -sf http://localhost:9100/metrics >/tmp/scrape 2>&1 && [ $i -lt 30 ]; do
		sleep 1
		i=$((i + 1))
	done
	check metrics.scraped-up "node_exporter does not serve peercred_up 1" grep -qx 'peercred_up 1' /tmp/scrape
	check metrics.scraped-firing "node_exporter does not serve peercred_probes_firing 1" \
		grep -qx 'peercred_probes_firing 1' /tmp/scrape
	check metrics.scraped-rows "node_exporter serves no connection of dbus-daemon" \
		grep -q '^peercred_connections{.*srv_comm="dbus-daemon"' /tmp/scrape
	# A kernel upgrade, as a lab machine gets one: apt installs the next
	# kernel and its headers (from apt's cache: the guest has no network),
	# and DKMS's kernel hook builds peercred for it unasked. The host boots
	# the new kernel's files, copied to the test's disk, after poweroff.
	# Without a next kernel (pkg-test.sh's default), purge on this one.
	if [ ! -s "$D/next-kernel" ]; then
		purged
		finish
	fi
	next=$(cat "$D/next-kernel")
	t=$(date +%s)
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-download --no-install-recommends \
		"linux-image-$next" "linux-headers-$next" >/tmp/apt.out 2>&1
	echo "upgrade: apt-get install took $(($(date +%s) - t))s (DKMS build included)"
	grep -v '^(Reading database\|^Selecting\|^Preparing\|^Get:' /tmp/apt.out | sed 's/^/| /'
	check upgrade.apt "apt-get install linux-image-$next failed: $(tail -3 /tmp/apt.out | tr '\n' ' ')" \
		test -e "/boot/vmlinuz-$next"
	show dkms status
	check upgrade.dkms-built "dkms status: $(dkms status peercred)" \
		sh -c "dkms status peercred | grep '$next.*installed'"
	# (compressed as the kernel's own modules are: peercred.ko.xz on 6.12)
	check upgrade.module-file "no peercred.ko for $next" \
		sh -c "ls /lib/modules/$next/updates/dkms/peercred.ko*"
	cp "/boot/vmlinuz-$next" "/boot/initrd.img-$next" "$D/" &&
		echo upgraded >"$STATE" && sync
	echo "PKGTEST-BOOT-INTO $next"
	systemctl poweroff
	exit 0
	;;
upgraded)
	next=$(cat "$D/next-kernel")
	check upgrade.running "running $(uname -r), not $next" test "$(uname -r)" = "$next"
	loaded upgrade
	check upgrade.modprobe.d-max_rows "max_rows is $(cat /sys/module/peercred/parameters/max_rows)" \
		test "$(cat /sys/module/peercred/parameters/max_rows)" = 1000
	check upgrade.metrics-timer-active "the timer is $(systemctl is-active peercred-metrics.timer) after the reboot" \
		systemctl is-active peercred-metrics.timer
	purged
	finish
	;;
esac
fail step "unknown step '$step'"
finish
