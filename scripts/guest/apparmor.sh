# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Sourced (as /apparmor.sh) by the guest scripts before their label checks:
# real AppArmor profiles (/etc/apparmor.d/*.apparmor) for the confined
# clients, loaded with Debian's apparmor_parser, which scripts/deps.sh puts
# in the initramfs. A profile attaches to a path: each client is a copy of
# its program there. A kernel booted without AppArmor has no
# /sys/kernel/security/apparmor: the label checks then say SKIP.
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
if [ -d /sys/kernel/security/apparmor ]; then
	cp /bin/pctest /bin/pctest-client
	cp /bin/pctest /bin/pctest-long
	[ ! -x /usr/bin/dbus-test-tool ] || cp /usr/bin/dbus-test-tool /usr/bin/dbus-test-tool-confined
	for p in /etc/apparmor.d/*.apparmor; do
		n=$(basename "$p" .apparmor)
		if apparmor_parser -r -K "$p" 2>/tmp/aa.err; then
			pass "apparmor.$n.loaded"
		else
			fail "apparmor.$n.loaded" "$(cat /tmp/aa.err)"
		fi
	done
fi
