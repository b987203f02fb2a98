# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Sourced (as /apparmor.sh) by checks.sh and basic.sh before the identity
# scenario: a real AppArmor profile for the confined client of the label
# checks, loaded with Debian's apparmor_parser, which scripts/deps.sh puts
# in the initramfs. A kernel booted without AppArmor has no
# /sys/kernel/security/apparmor: the scenario then says SKIP.
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
if [ -d /sys/kernel/security/apparmor ]; then
	cp /bin/pctest /bin/pctest-client
	if apparmor_parser -r -K /etc/apparmor.d/pctest-client.apparmor 2>/tmp/aa.err; then
		pass apparmor.profile-loaded
	else
		fail apparmor.profile-loaded "$(cat /tmp/aa.err)"
	fi
fi
