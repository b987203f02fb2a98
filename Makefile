# SPDX-License-Identifier: GPL-2.0
# User entry points. The kernel build itself is driven by Kbuild files.
KDIR ?= /lib/modules/$(shell uname -r)/build
MAX_ROWS ?=

all: modules

modules:
	@test -e $(KDIR)/Makefile || { echo "no kernel build tree at $(KDIR): install linux-headers-$$(uname -r) or pass KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	@if [ -e $(KDIR)/Makefile ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	rm -f module/*.o module/*.ko module/*.mod* module/.*.cmd kunit/*.o kunit/*.ko kunit/*.mod* kunit/.*.cmd Module.symvers modules.order

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(notdir $(patsubst %/build,%,$(KDIR)))

uninstall:
	rm -f /lib/modules/$(notdir $(patsubst %/build,%,$(KDIR)))/updates/module/peercred.ko \
	      /lib/modules/$(notdir $(patsubst %/build,%,$(KDIR)))/extra/module/peercred.ko
	depmod -a $(notdir $(patsubst %/build,%,$(KDIR)))

load: modules
	insmod module/peercred.ko $(if $(MAX_ROWS),max_rows=$(MAX_ROWS))

unload:
	rmmod peercred

# The one place the version is written, debian/changelog, read as the
# scripts read it.
VERSION := $(shell bash -c '. scripts/lib.sh && peercred_pkg_version')

dkms-install:
	rm -rf /usr/src/peercred-$(VERSION)
	mkdir -p /usr/src/peercred-$(VERSION)
	cp -r Kbuild module /usr/src/peercred-$(VERSION)/
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >/usr/src/peercred-$(VERSION)/dkms.conf
	dkms install -m peercred -v $(VERSION)

# peercred-dkms and peercred .debs in dist/ (scripts/deb.sh).
deb:
	scripts/deb.sh

# The two commands of the README: a demo in a guest, and every test.
demo:
	scripts/demo.sh

check:
	scripts/check.sh

# Each /proc/peercred feature as a transcript, in a guest.
tour:
	scripts/tour.sh

kunit:
	scripts/kunit.sh

torture:
	scripts/torture.sh

bench:
	scripts/bench.sh

profile:
	scripts/profile.sh

style:
	scripts/static-check.sh --style | grep -E '^(PASS|FAIL) checkpatch'

help:
	@echo "make [KDIR=...]      build module/peercred.ko"
	@echo "make load|unload     insmod/rmmod on this machine (MAX_ROWS=N)"
	@echo "make install         modules_install + depmod; make dkms-install"
	@echo "make deb             Debian packages peercred-dkms and peercred, in dist/"
	@echo "make demo            boot Debian's kernel in QEMU with peercred, print /proc/peercred"
	@echo "make check           install deps, run every test, print 'N passed, N failed'"
	@echo "make tour            preexisting connections, drift, identity, namespaces, the CLI, in a guest"
	@echo "make kunit            KUnit suites on every series (newest under UML, others in QEMU)"
	@echo "make torture          KASAN/lockdep/kmemleak/failslab debug kernels (x86_64 generic, arm64 PREEMPT_RT) under load"
	@echo "make bench            connect cost and table scale, in a guest (figures only)"
	@echo "make profile          instructions a connection per function, counted in a guest"
	@echo "make style           checkpatch --strict on every C file"

.PHONY: all modules clean install uninstall load unload dkms-install deb demo check tour kunit torture bench profile style help
