// SPDX-License-Identifier: GPL-2.0
/*
 * Identity that is never reused or forged (issue 13), end to end:
 *  - a reaped peer: its pidfs id stays in the row, and where the kernel
 *    still hands out a pidfd for it (7.x), fstat() of that says the same;
 *  - its pid number taken by a new process (clone3() with set_tid): drift
 *    r, and the CLI says so;
 *  - a client confined by a real AppArmor profile (loaded by the guest
 *    script with apparmor_parser): SO_PEERSEC on the server's end gives the
 *    profile's label, and the row holds the same.
 * pc_check_fd() compares pidfs ids and labels with SO_PEERPIDFD/SO_PEERSEC
 * for every connection the other scenarios check as well.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pctest.h"

#define PC_ID_PATH	"@peercred-identity"
#define PC_LABEL_PATH	"@peercred-label"
#define PC_PROFILE	"pctest-client (enforce)"
#define PC_CONFINED	"/bin/pctest-client"
/* pctest-long.apparmor: a label the table cuts (more than 64 bytes). */
#define PC_LONG_PROFILE	\
	"pctest-client-whose-profile-name-is-longer-than-the-table-column (enforce)"
#define PC_LONG		"/bin/pctest-long"

/*
 * A child that connects to @path and exits at once, its socket kept open
 * by a grandchild until @hold closes: the connection outlives the process
 * whose snapshot its server end holds.
 */
static pid_t pc_connect_and_exit(const char *path, int hold[2])
{
	pid_t pid;
	char c;

	if (pipe(hold))
		return -1;
	pid = fork();
	if (pid == 0) {
		int fd = pc_connect(SOCK_STREAM, path);

		close(hold[1]);
		if (fork() == 0) {
			while (read(hold[0], &c, 1) > 0)
				;
			_exit(0);
		}
		pc_xwrite(fd, "c", 1);
		_exit(0);
	}
	close(hold[0]);
	return pid;
}

/* A process with pid @nr (a free number), waiting until @hold closes. */
static pid_t pc_spawn_as(pid_t nr, int hold[2])
{
	struct clone_args args = {
		.exit_signal = SIGCHLD,
		.set_tid = (uintptr_t)&nr,
		.set_tid_size = 1,
	};
	pid_t pid;
	char c;

	if (pipe(hold))
		return -1;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		close(hold[1]);
		if (read(hold[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(hold[0]);
	return pid;
}

/* "peercred explain" on @fd's inode must contain @want. */
static void pc_explain_says(const char *name, int fd, const char *want)
{
	char cmd[64], out[8192];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "peercred explain %lu", pc_ino(fd));
	p = popen(cmd, "r");
	n = p ? fread(out, 1, sizeof(out) - 1, p) : 0;
	out[n] = '\0';
	if (p)
		pclose(p);
	pc_result(strstr(out, want), name, "no \"%s\" in:\n%s", want, out);
}

/*
 * Reaped, then its pid number reused: the row keeps the peer's own pidfs
 * id, which fstat() of a pidfd for the new process does not match.
 */
static void pc_reaped_and_reused(void)
{
	int lfd = pc_listen(SOCK_STREAM, PC_ID_PATH), fd, hold[2], keep[2], pidfd;
	pid_t old, now;
	struct pc_row r;
	struct stat st;
	char c, want[128];
	int side;

	old = pc_connect_and_exit(PC_ID_PATH, keep);
	fd = accept(lfd, NULL, NULL);
	pc_xread(fd, &c, 1);
	waitpid(old, NULL, 0);
	pc_check_fd("identity.reaped", fd, NULL, "connect", PC_ID_PATH);
	pc_check_drift("identity.reaped.drift", fd, "-", "x");

	now = pc_spawn_as(old, hold);
	if (now != old) {
		pc_result(false, "identity.reuse.spawn", "clone3(set_tid=%d): %s",
			  old, strerror(errno));
		goto out;
	}
	pc_check_drift("identity.reuse.drift", fd, "-", "xr");
	pc_result(pc_find_row(pc_ino(fd), &r, &side) && r.pid[1] == now,
		  "identity.reuse.same-number", "row cli_pid %d, new process %d",
		  r.pid[1], now);
	pidfd = syscall(SYS_pidfd_open, now, 0);
	if (pidfd >= 0 && !fstat(pidfd, &st) && strcmp(r.pidfs[1], "-")) {
		snprintf(want, sizeof(want), "%lu", (unsigned long)st.st_ino);
		pc_result(strcmp(r.pidfs[1], want), "identity.reuse.other-pidfs",
			  "row keeps pidfs %s, the new process has %s", r.pidfs[1], want);
	} else {
		pc_skip("identity.reuse.other-pidfs", "no pidfs ids on this kernel");
	}
	if (pidfd >= 0)
		close(pidfd);
	snprintf(want, sizeof(want), "pid %d is now another process", now);
	pc_explain_says("identity.reuse.cli", fd, want);
	close(hold[1]);
	waitpid(now, NULL, 0);
out:
	close(keep[1]);
	close(fd);
	close(lfd);
}

/* pctest label-client PATH, run as /bin/pctest-client under the profile. */
int pc_label_client(const char *path)
{
	int fd = pc_connect(SOCK_STREAM, path);
	char c;

	pc_xwrite(fd, "c", 1);
	pc_xread(fd, &c, 1);
	return 0;
}

/* What AppArmor says @pid runs under, from /proc/PID/attr/current. */
static void pc_confinement(pid_t pid, char *buf, size_t size)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/attr/current", pid);
	f = fopen(path, "r");
	if (!f || !fgets(buf, size, f))
		snprintf(buf, size, "(cannot read %s)", path);
	buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

/*
 * The label of a client the test confined. Upstream AppArmor keeps a peer
 * label for AF_UNIX sockets only with its af_unix mediation (7.3 has it,
 * 6.12 not): without, SO_PEERSEC answers ENOPROTOOPT, and the row must
 * show "-".
 */
static void pc_confined_label(const char *name, const char *program,
			      const char *profile)
{
	char label[256], want[300], confined[128], n[128];
	socklen_t len = sizeof(label) - 1;
	int lfd, fd;
	pid_t pid;
	char c;

	if (access("/sys/kernel/security/apparmor", F_OK)) {
		pc_skip(name, "this kernel booted without AppArmor");
		return;
	}
	lfd = pc_listen(SOCK_STREAM, PC_LABEL_PATH);
	pid = fork();
	if (pid == 0) {
		execl(program, program, "label-client", PC_LABEL_PATH, (char *)NULL);
		_exit(127);
	}
	fd = accept(lfd, NULL, NULL);
	pc_xread(fd, &c, 1);
	/* The test's intent: the profile did confine the client. */
	pc_confinement(pid, confined, sizeof(confined));
	snprintf(n, sizeof(n), "%s.confined", name);
	pc_result(!strcmp(confined, profile), n,
		  "the client runs under \"%s\", want \"%s\"", confined, profile);
	memset(label, 0, sizeof(label));
	snprintf(n, sizeof(n), "%s.peersec", name);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERSEC, label, &len)) {
		snprintf(want, sizeof(want), "label -");
		pc_skip(n,
			"SO_PEERSEC answers nothing for AF_UNIX on this kernel's AppArmor");
	} else {
		snprintf(want, sizeof(want), "label %s", label);
		pc_result(!strcmp(label, profile), n,
			  "SO_PEERSEC says \"%s\", want \"%s\"", label, profile);
		if (!pc_shows_labels())
			snprintf(want, sizeof(want), "label -");
	}
	/* The row against SO_PEERSEC, with every other column. */
	pc_check_fd(name, fd, NULL, "connect", PC_LABEL_PATH);
	snprintf(n, sizeof(n), "%s.cli", name);
	pc_explain_says(n, fd, want);
	pc_xwrite(fd, "s", 1);
	waitpid(pid, NULL, 0);
	close(fd);
	close(lfd);
}

int pc_identity(void)
{
	pc_reaped_and_reused();
	pc_confined_label("identity.label", PC_CONFINED, PC_PROFILE);
	pc_confined_label("identity.long-label", PC_LONG, PC_LONG_PROFILE);
	return pc_failures() ? 1 : 0;
}

/* With labels=0 the same client's row must say "-" (see apparmor.sh). */
int pc_labels_off(void)
{
	pc_confined_label("labels-off", PC_CONFINED, PC_PROFILE);
	return pc_failures() ? 1 : 0;
}
