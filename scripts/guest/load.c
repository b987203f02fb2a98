// SPDX-License-Identifier: GPL-2.0
/*
 * pcload MODULE: one finit_module() and nothing else, for the torture
 * guest's fault sweep. busybox insmod retries a refused finit_module()
 * with init_module(), which would hide a load that failslab refused.
 * Exits 0 when loaded, 1 when the kernel refused it, 2 on any other error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: pcload MODULE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "pcload: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	if (syscall(SYS_finit_module, fd, "", 0)) {
		fprintf(stderr, "pcload: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	return 0;
}
