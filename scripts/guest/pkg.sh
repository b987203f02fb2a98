# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Runs in the package test's Debian system (scripts/pkg-test.sh) at every
# boot, as root, from the test's disk (/mnt/pctest), under systemd: the
# life of the packages on a lab machine, one step per boot, the step kept
# on the system's own disk. The host reads PASS/FAIL lines from the serial
# console; PKGTEST-BOOT KVER [APPEND...] asks it for the next boot (QEMU
# boots its kernel directly: a reboot would come back to the same kernel
# and command line); PKGTEST-END ends the run.
#
#   install          apt installs both packages: DKMS builds and signs;
#                    modprobe: loads, unverified; DKMS's key into UEFI db
#   booted           signatures enforced ($D/enforce: lockdown=, and
#                    module.sig_enforce=1 or not): systemd loaded it,
#                    verified; rows, ss, modprobe.d, metrics; unsigned and
#                    foreign-signed builds refused; then the kernel upgrade
#                    ($D/next-kernel, if there), or apt purge
#   upgraded         the new kernel, the same enforcement: loaded again,
#                    rows, other builds refused; apt purge leaves nothing
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
boot_next() {	# boot_next STEP KVER [APPEND...]: go on with STEP in that boot
	echo "$1" >"$STATE"
	shift
	sync
	echo "PKGTEST-BOOT $*"
	systemctl poweroff
	exit 0
}

# loaded PREFIX: after a boot with the packages installed: systemd loaded
# the module, the system's own rows agree with getsockopt and with ss.
loaded() {
	p=$1
	check "$p.modules-load.active" "systemd-modules-load is not active" \
		systemctl is-active systemd-modules-load
	# By its identifier, not its unit: what it logs before journald runs
	# reaches the journal through kmsg, with no unit once it has exited.
	check "$p.modules-load.inserted" "systemd-modules-load did not insert peercred this boot" \
		sh -c "journalctl -b -t systemd-modules-load -o cat | grep -q \"Inserted module 'peercred'\""
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

# DKMS's signing key (framework.conf's defaults, Debian 12 and 13): made
# with openssl at its first build, used for every build after.
MOK=/var/lib/dkms/mok.pub
# The certificate's CN, as the kernel names the key (modinfo's signer).
mok_cn() { openssl x509 -inform DER -in $MOK -noout -subject -nameopt sep_multiline | sed -n 's/^ *CN=//p'; }
# Its serial as modinfo prints a signature's key (sig_key): hex, no colons.
mok_serial() { openssl x509 -inform DER -in $MOK -noout -serial | sed 's/^serial=//; s/^0*//'; }
sig_key() { modinfo -F sig_key "$1" | tr -d ':' | sed 's/^0*//'; }

# signed PREFIX KO: KO (a module file) carries a signature by DKMS's key.
signed() {
	check "$1.signer" "signed by '$(modinfo -F signer "$2")', DKMS's key is '$(mok_cn)'" \
		test "$(modinfo -F signer "$2")" = "$(mok_cn)"
	check "$1.sig_key" "signature's key $(sig_key "$2"), DKMS's certificate's serial $(mok_serial)" \
		test "$(sig_key "$2")" = "$(mok_serial)"
}

# bytes HEX...: those bytes (dash's printf knows octal escapes only).
bytes() { for b; do printf "\\$(printf %03o $((0x$b)))"; done; }
le32() { bytes "$(printf %x $(($1 & 255)))" "$(printf %x $(($1 >> 8 & 255)))" \
	"$(printf %x $(($1 >> 16 & 255)))" "$(printf %x $(($1 >> 24 & 255)))"; }
# enroll_db CERT.der: the certificate into UEFI's db through efivarfs, what
# a Secure Boot machine's owner does with mokutil --import and shim's
# MokManager (the test boots no shim): an EFI_SIGNATURE_LIST behind an
# EFI_VARIABLE_AUTHENTICATION_2 header with no signature, which firmware in
# setup mode (no platform key, as OVMF ships) takes. Debian's kernels
# trust db's keys for modules (their platform keyring).
enroll_db() {
	len=$(wc -c <"$1")
	{
		le32 $((0x27))	# attributes: NV, BS, RT, time-based authenticated write
		bytes ea 07 01 01 0 0 0 0 0 0 0 0 0 0 0 0	# EFI_TIME 2026-01-01
		le32 24	# WIN_CERTIFICATE_UEFI_GUID: its header, no certificate
		bytes 00 02 f1 0e	# revision 2.0, WIN_CERT_TYPE_EFI_GUID
		bytes 9d d2 af 4a df 68 ee 49 8a a9 34 7d 37 56 65 a7	# EFI_CERT_TYPE_PKCS7_GUID
		bytes a1 59 c0 a5 e4 94 a7 4a 87 b5 ab 15 5c 2b f0 72	# EFI_CERT_X509_GUID
		le32 $((28 + 16 + len))	# list size
		le32 0	# header size
		le32 $((16 + len))	# signature size: owner and certificate
		bytes 70 65 65 72 63 72 65 64 0 0 0 0 0 0 0 0	# owner GUID
		cat "$1"
	} >/tmp/db.var
	# One write, as efivarfs wants.
	cat /tmp/db.var >/sys/firmware/efi/efivars/db-d719b2cb-3d3a-4596-a3bc-dad00e67656f
}

# refused PREFIX: with signatures enforced, builds of the same source that
# are not signed, or signed by a key the kernel does not trust, do not
# load; the installed one loads again.
refused() {
	p=$1 ko=$(modinfo -n peercred)
	case $ko in
	*.xz) xz -dc "$ko" >/tmp/signed.ko ;;
	*.zst) zstd -dc "$ko" >/tmp/signed.ko ;;
	*) cp "$ko" /tmp/signed.ko ;;
	esac
	# objcopy writes the ELF file again: the signature appended after it
	# is left behind.
	objcopy /tmp/signed.ko /tmp/unsigned.ko
	check "$p.unsigned-copy" "objcopy left the signature on" \
		sh -c '! tail -c 28 /tmp/unsigned.ko | grep -q "signature appended"'
	openssl req -new -x509 -nodes -days 1 -subj "/CN=a key nobody trusts" -newkey rsa:2048 \
		-keyout /tmp/foreign.key -outform DER -out /tmp/foreign.der >/dev/null 2>&1
	cp /tmp/unsigned.ko /tmp/foreign.ko
	"/lib/modules/$(uname -r)/build/scripts/sign-file" sha256 /tmp/foreign.key /tmp/foreign.der /tmp/foreign.ko
	check "$p.foreign-copy" "sign-file did not sign the copy" \
		test "$(modinfo -F signer /tmp/foreign.ko)" = "a key nobody trusts"
	check "$p.rmmod" "rmmod peercred failed" rmmod peercred
	# Refused for its signature, as the kernel says (module.sig_enforce:
	# "Loading of ... is rejected"; lockdown: "unsigned module loading is
	# restricted"), not for another reason.
	for kind in unsigned foreign; do
		said=$(dmesg | grep -c 'is rejected\|unsigned module loading is restricted')
		if insmod /tmp/$kind.ko 2>/tmp/insmod.err; then
			fail "$p.$kind-refused" "insmod of a $kind build succeeded"
			rmmod peercred
		elif [ "$(dmesg | grep -c 'is rejected\|unsigned module loading is restricted')" -le "$said" ]; then
			fail "$p.$kind-refused" "refused, but not for its signature: $(cat /tmp/insmod.err)"
		else
			pass "$p.$kind-refused"
			echo "| # insmod $kind.ko"
			sed 's/^/| /' /tmp/insmod.err
			dmesg | tail -n 1 | sed 's/^/| /'
		fi
	done
	check "$p.signed-loads" "modprobe peercred failed" modprobe peercred
}

# enforced PREFIX: the kernel enforces what the host was asked to boot
# with ($D/enforce): lockdown's mode, and module.sig_enforce.
enforced() {
	mode=$(sed -n 's/.*lockdown=\([a-z]*\).*/\1/p' "$D/enforce")
	check "$1.lockdown" "lockdown is '$(cat /sys/kernel/security/lockdown)', not $mode" \
		grep -q "\[$mode\]" /sys/kernel/security/lockdown
	if grep -q 'module.sig_enforce=1' "$D/enforce"; then
		check "$1.sig_enforce" "module.sig_enforce is $(cat /sys/module/module/parameters/sig_enforce)" \
			test "$(cat /sys/module/module/parameters/sig_enforce)" = Y
	fi
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
check "$step.boot.systemd" "PID 1 is $(cat /proc/1/comm)" test "$(cat /proc/1/comm)" = systemd
check "$step.boot.running" "systemctl is-system-running says '$boot'; failed units: $(systemctl --failed --no-legend --plain | cut -d' ' -f1 | tr '\n' ' ')" \
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
	check install.dkms-key "DKMS made no signing key ($MOK)" test -s $MOK
	signed install.signed "$(modinfo -n peercred)"
	show sh -c "openssl x509 -inform DER -in $MOK -noout -subject -serial; modinfo peercred | grep -E '^sig|^signer'"
	# Loaded by hand, signed by a key this kernel does not trust yet: it
	# loads (nothing enforces signatures), unverified (taint E).
	cn=$(mok_cn)
	check install.modprobe "modprobe peercred failed" modprobe peercred
	check sign.untrusted-taints "peercred's taint is '$(cat /sys/module/peercred/taint)', not E (an unverified module)" \
		grep -q E /sys/module/peercred/taint
	check sign.not-yet-trusted "the kernel already holds the key '$cn'" \
		sh -c "! dmesg | grep -qF \"Loaded X.509 cert '$cn\""
	# The machine's owner trusts DKMS's key, and the next boot enforces
	# signatures, as the host was told to.
	check sign.enrolled "could not write UEFI db" enroll_db $MOK
	boot_next booted "$kver" "$(cat "$D/enforce")"
	;;
booted)
	cn=$(mok_cn)
	enforced booted
	check sign.key-trusted "the kernel did not load '$cn' from UEFI db" \
		sh -c "dmesg | grep -F \"Loaded X.509 cert '$cn\""
	show sh -c "dmesg | grep -E 'UEFI:db|X.509 cert .$cn|Lockdown'"
	loaded boot
	check sign.verified "peercred's taint is '$(cat /sys/module/peercred/taint)': E, not verified" \
		sh -c '! grep -q E /sys/module/peercred/taint'
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
	refused sign
	# A kernel upgrade, as a lab machine gets one: apt installs the next
	# kernel and its headers (from apt's cache: the guest has no network),
	# and DKMS's kernel hook builds and signs peercred for it unasked. The
	# host boots the new kernel's files, copied to the test's disk.
	if [ -s "$D/next-kernel" ]; then
		# (from its suite: trixie-backports for trixie's 7.x)
		read -r next suite <"$D/next-kernel"
		t=$(date +%s)
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-download --no-install-recommends \
			-t "$suite" "linux-image-$next" "linux-headers-$next" >/tmp/apt.out 2>&1
		echo "upgrade: apt-get install took $(($(date +%s) - t))s (DKMS build included)"
		grep -v '^(Reading database\|^Selecting\|^Preparing\|^Get:' /tmp/apt.out | sed 's/^/| /'
		check upgrade.apt "apt-get install linux-image-$next failed: $(tail -3 /tmp/apt.out | tr '\n' ' ')" \
			test -e "/boot/vmlinuz-$next"
		show dkms status
		check upgrade.dkms-built "dkms status: $(dkms status peercred)" \
			sh -c "dkms status peercred | grep '$next.*installed'"
		# (compressed as the kernel's own modules are: peercred.ko.xz on 6.12)
		ko=$(ls /lib/modules/"$next"/updates/dkms/peercred.ko* 2>/dev/null)
		check upgrade.module-file "no peercred.ko for $next" test -n "$ko"
		signed upgrade.signed "$ko"
		cp "/boot/vmlinuz-$next" "/boot/initrd.img-$next" "$D/"
		boot_next upgraded "$next" "$(cat "$D/enforce")"
	fi
	purged
	finish
	;;
upgraded)
	read -r next _ <"$D/next-kernel"
	check upgrade.running "running $(uname -r), not $next" test "$(uname -r)" = "$next"
	enforced upgrade
	loaded upgrade
	check upgrade.verified "peercred's taint is '$(cat /sys/module/peercred/taint)': E, not verified" \
		sh -c '! grep -q E /sys/module/peercred/taint'
	refused upgrade
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
