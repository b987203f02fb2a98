// SPDX-License-Identifier: GPL-2.0
/*
 * The rows of a real system (the package test's systemd guest): connections
 * this test did not make, of journald, D-Bus, logind and systemd itself.
 * Each end held by a process is fetched from it (pidfd_getfd) and asked
 * getsockopt(SO_PEERCRED, SO_PEERGROUPS, SO_PEERPIDFD, SO_PEERSEC) through
 * pc_check_fd, like the sockets the scenarios make themselves. Run as root.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pctest.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open	434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd	438
#endif

#define PC_SYSTEM_MAX	4096

/* A process and fd holding socket:[ino], found in /proc/PID/fd. */
static bool pc_holder(unsigned long ino, int *pid, int *fd)
{
	char want[64], path[600], link[64];
	struct dirent *p, *f;
	DIR *procs, *fds;
	bool found = false;
	ssize_t n;

	snprintf(want, sizeof(want), "socket:[%lu]", ino);
	procs = opendir("/proc");
	if (!procs)
		return false;
	while (!found && (p = readdir(procs))) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		fds = opendir(path);
		if (!fds)
			continue;
		while (!found && (f = readdir(fds))) {
			snprintf(path, sizeof(path), "/proc/%s/fd/%s", p->d_name, f->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = '\0';
			if (!strcmp(link, want)) {
				*pid = atoi(p->d_name);
				*fd = atoi(f->d_name);
				found = true;
			}
		}
		closedir(fds);
	}
	closedir(procs);
	return found;
}

/* Every end's inode in the table, as root sees it. */
static int pc_system_inodes(unsigned long *ino, int max)
{
	char line[2048];
	unsigned long a, b;
	int n = 0;
	FILE *f = fopen("/proc/peercred", "r");

	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f))
		while (n + 2 <= max && fgets(line, sizeof(line), f))
			if (sscanf(line, "%*s %*s %lu %*s %*s %*s %*s %*s %lu", &a, &b) == 2) {
				ino[n++] = a;
				ino[n++] = b;
			}
	fclose(f);
	return n;
}

/*
 * pctest system PREFIX: each end of each row that a process holds agrees with
 * what the kernel tells that process. Ends no process holds (kernel
 * sockets, fds in flight) and ends closed meanwhile are counted, not
 * checked.
 */
int pc_system(const char *p)
{
	static unsigned long ino[PC_SYSTEM_MAX];
	int n = pc_system_inodes(ino, PC_SYSTEM_MAX), i, pid, fd, pidfd, got;
	int checked = 0, unheld = 0, before, failed;
	char name[128];

	snprintf(name, sizeof(name), "%s.system.rows", p);
	pc_result(n > 0, name, n < 0 ? "cannot read /proc/peercred" : "no rows on a booted system");
	before = pc_failures();
	for (i = 0; i < n; i++) {
		if (!pc_holder(ino[i], &pid, &fd)) {
			unheld++;
			continue;
		}
		pidfd = syscall(SYS_pidfd_open, pid, 0);
		got = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, fd, 0);
		if (pidfd >= 0)
			close(pidfd);
		if (got < 0 || pc_ino(got) != ino[i]) {
			unheld++;	/* exited, or closed and reused meanwhile */
			if (got >= 0)
				close(got);
			continue;
		}
		/* Names carry the inode: a failure says which end. */
		snprintf(name, sizeof(name), "%s.system.end-%lu", p, ino[i]);
		pc_quiet = true;
		pc_check_fd(name, got, NULL, NULL, NULL);
		pc_quiet = false;
		close(got);
		checked++;
	}
	failed = pc_failures() - before;
	printf("system: %d ends in the table, %d checked, %d held by no process\n",
	       n, checked, unheld);
	snprintf(name, sizeof(name), "%s.system.ends-checked", p);
	pc_result(checked > 0 && checked * 2 >= n, name,
		  "only %d of %d ends could be fetched from their processes", checked, n);
	snprintf(name, sizeof(name), "%s.system.ends-agree-with-getsockopt", p);
	pc_result(!failed, name, "%d checks failed (above)", failed);
	return pc_failures() > 0;
}
