// SPDX-License-Identifier: GPL-2.0
/*
 * Containers cannot blind each other (run right after a load with
 * max_rows=256: a share is 32 rows). Two container-like processes of each
 * kind a lab runs:
 *  - netns: root (euid 0) without CAP_SYS_ADMIN, in a network namespace
 *    of its own that root made: a default Docker or Podman container;
 *  - userns: root of a user namespace that root made and mapped (host
 *    100000.. or 200000..): an LXC or Incus container, Docker's
 *    userns-remap.
 * The first fills its share, as root and as another uid of its own (its
 * root can become any of them: they are one party, and together hold one
 * share); the second's connect() and socketpair() must still have rows,
 * which it checks against getsockopt() as any user would.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pctest.h"

enum pc_kind { PC_NETNS, PC_USERNS };

static const char *const pc_kind_name[] = {
	[PC_NETNS] = "netns", [PC_USERNS] = "userns",
};

/* No CAP_SYS_ADMIN, in any set: not an admin of the machine. */
static void pc_drop_sys_admin(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	if (prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0) ||
	    syscall(SYS_capget, &hdr, data))
		exit(1);
	data[0].effective &= ~(1U << CAP_SYS_ADMIN);
	data[0].permitted &= ~(1U << CAP_SYS_ADMIN);
	data[0].inheritable &= ~(1U << CAP_SYS_ADMIN);
	if (syscall(SYS_capset, &hdr, data))
		exit(1);
}

/*
 * Fork a container of @kind, number @n, running @fn(@arg) inside as its
 * root. A userns container is mapped by the caller (root of the machine).
 */
static pid_t pc_container(enum pc_kind kind, int n, void (*fn)(int), int arg)
{
	int go[2], up[2];
	pid_t pid;
	char c, map[64];

	if (pipe(go) || pipe(up))
		exit(1);
	pid = fork();
	if (!pid) {
		close(go[1]);
		close(up[0]);
		if (kind == PC_NETNS) {
			if (unshare(CLONE_NEWNET))
				exit(1);
			pc_drop_sys_admin();
		} else {
			if (unshare(CLONE_NEWUSER))
				exit(1);
			/* Made: the caller maps it, then says so. */
			pc_xwrite(up[1], "u", 1);
			pc_xread(go[0], &c, 1);
			if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
				exit(1);
		}
		close(go[0]);
		close(up[1]);
		fn(arg);
		exit(pc_failures() != 0);
	}
	close(go[0]);
	close(up[1]);
	if (kind == PC_USERNS) {
		pc_xread(up[0], &c, 1);
		snprintf(map, sizeof(map), "0 %d 65536", 100000 * (n + 1));
		pc_map_ns(pid, map);
		pc_xwrite(go[1], "m", 1);
	}
	close(go[1]);
	close(up[0]);
	return pid;
}

/*
 * The first container: PC_FILL_ROOT socketpairs as its root, more than a
 * share, then PC_FILL_OTHER as uid 1000, which its root becomes (in a
 * child, so that the root's pairs stay); the inode of each first end goes
 * up pc_fill_up; all are held until @hold (the read end) closes.
 */
#define PC_FILL_ROOT	40
#define PC_FILL_OTHER	8
#define PC_FILL_PAIRS	(PC_FILL_ROOT + PC_FILL_OTHER)

static int pc_fill_up = -1, pc_fill_hold = -1;

static void pc_fill(int hold)
{
	unsigned long ino[PC_FILL_PAIRS];
	int sv[2], i;
	pid_t pid;
	char c;

	close(pc_fill_hold);	/* the write end: only the scenario holds it */
	for (i = 0; i < PC_FILL_PAIRS; i++) {
		if (i == PC_FILL_ROOT) {
			pid = fork();
			if (pid) {
				waitpid(pid, NULL, 0);
				return;
			}
			if (setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000))
				exit(1);
		}
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			exit(1);
		ino[i] = pc_ino(sv[0]);
	}
	pc_xwrite(pc_fill_up, ino, sizeof(ino));
	while (read(hold, &c, 1) > 0)
		;
	exit(0);
}

/* The second container: its connections, checked as any user checks. */
static void pc_other(int kind)
{
	char name[64], n[128];
	struct pc_ident me;
	int lfd, cfd, sfd, sv[2];

	pc_self(&me);
	snprintf(name, sizeof(name), "@peercred-container-%s", pc_kind_name[kind]);
	lfd = pc_listen(SOCK_STREAM, name);
	cfd = pc_connect(SOCK_STREAM, name);
	sfd = accept(lfd, NULL, NULL);
	if (sfd < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		exit(1);
	snprintf(n, sizeof(n), "containers.%s.other-connect", pc_kind_name[kind]);
	pc_check_fd(n, cfd, &me, "connect", name);
	snprintf(n, sizeof(n), "containers.%s.other-accepted", pc_kind_name[kind]);
	pc_check_fd(n, sfd, &me, "connect", name);
	snprintf(n, sizeof(n), "containers.%s.other-socketpair", pc_kind_name[kind]);
	pc_check_fd(n, sv[0], &me, "socketpair", "-");
}

static void pc_containers_of(enum pc_kind kind)
{
	long share = pc_stat("user_rows"), dropped = pc_stat("dropped_share");
	unsigned long ino[PC_FILL_PAIRS];
	int up[2], hold[2], i, rows = 0, status;
	pid_t filler, other;
	char n[128];

	if (pipe(up) || pipe(hold))
		exit(1);
	pc_fill_up = up[1];
	pc_fill_hold = hold[1];
	filler = pc_container(kind, 0, pc_fill, hold[0]);
	pc_xread(up[0], ino, sizeof(ino));
	for (i = 0; i < PC_FILL_PAIRS; i++)
		rows += pc_count_rows(ino[i]);
	snprintf(n, sizeof(n), "containers.%s.one-share-for-its-uids", pc_kind_name[kind]);
	pc_result(rows == share, n, "%d pairs as its root and uid 1000 have %d rows, want %ld",
		  PC_FILL_PAIRS, rows, share);
	snprintf(n, sizeof(n), "containers.%s.drops-counted", pc_kind_name[kind]);
	pc_result(pc_stat("dropped_share") - dropped == PC_FILL_PAIRS - share, n,
		  "dropped_share %ld more, want %ld", pc_stat("dropped_share") - dropped,
		  PC_FILL_PAIRS - share);

	close(hold[0]);
	other = pc_container(kind, 1, pc_other, kind);
	waitpid(other, &status, 0);
	snprintf(n, sizeof(n), "containers.%s.other-recorded", pc_kind_name[kind]);
	pc_result(WIFEXITED(status) && !WEXITSTATUS(status), n,
		  "the second container's checks failed (status %d)", status);
	close(hold[1]);
	waitpid(filler, NULL, 0);
	for (i = 0; i < 1000 && pc_stat("live") > 0; i++)
		usleep(10000);
}

int pc_containers(void)
{
	pc_containers_of(PC_NETNS);
	pc_containers_of(PC_USERNS);
	return pc_wait_children() + (pc_failures() != 0);
}
