// SPDX-License-Identifier: GPL-2.0
/*
 * What a reader who is not an admin learns of another user's process: no
 * more than the kernel tells it elsewhere. SO_PEERCRED/SO_PEERGROUPS give
 * pid, euid, egid and groups; /proc/PID/status gives the rest (name, caps,
 * real/saved/fs ids) only where that pid is the reader's to see. So the
 * row hides exactly what /proc/PID/status hides: checked through a proc
 * mount with hidepid=invisible and from a pid namespace of its own. The
 * counters of /proc/peercred_stats are the whole machine's: admins only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pctest.h"

#define PC_HIDE_PROC	"/tmp/peercred-hidepid"

static const struct pc_ident srv_user = {
	.uid = { 2101, 2101, 2101, 2101 }, .gid = { 2101, 2101, 2101, 2101 },
};

static const struct pc_ident cli_user = {
	.uid = { 2102, 2102, 2102, 2102 }, .gid = { 2102, 2102, 2102, 2102 },
};

/* Whether /proc/PID/status of @pid can be read through pc_proc. */
static bool pc_status_readable(pid_t pid)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%d/status", pc_proc, pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * The srv end of @fd's row, as this reader sees it through pc_proc: its
 * name, caps and real/saved/fs ids are shown exactly when the reader can
 * read /proc/PID/status of that process; euid and egid always are.
 */
static void pc_check_hidden(const char *name, int fd, pid_t srv_pid,
			    bool want_shown)
{
	bool readable = pc_status_readable(srv_pid), shown;
	struct pc_detail d;
	struct pc_row r;
	char n[128];
	int side;

	snprintf(n, sizeof(n), "%s.status-as-expected", name);
	pc_result(readable == want_shown, n, "/proc/%d/status readable: %d",
		  srv_pid, readable);
	snprintf(n, sizeof(n), "%s.row", name);
	if (!pc_find_row(pc_ino(fd), &r, &side) || !pc_find_detail(pc_ino(fd), &d)) {
		pc_result(false, n, "no row or detail through %s", pc_proc);
		return;
	}
	pc_result(true, n, NULL);
	shown = strcmp(r.comm[0], "-") != 0;
	snprintf(n, sizeof(n), "%s.comm", name);
	pc_result(shown == readable, n, "srv_comm %s, status readable %d",
		  r.comm[0], readable);
	snprintf(n, sizeof(n), "%s.drift", name);
	pc_result(readable || !strcmp(r.drift[0], "-"), n, "srv_drift %s",
		  r.drift[0]);
	shown = d.cap_eff[0] != PC_HIDDEN && d.uid[0][0] != PC_HIDDEN &&
		d.uid[0][2] != PC_HIDDEN && d.uid[0][3] != PC_HIDDEN &&
		d.gid[0][0] != PC_HIDDEN;
	snprintf(n, sizeof(n), "%s.caps-and-ids", name);
	pc_result(shown == readable, n, "caps/ids shown %d, status readable %d",
		  shown, readable);
	snprintf(n, sizeof(n), "%s.effective-ids", name);
	pc_result(d.uid[0][1] == srv_user.uid[1] && d.gid[0][1] == srv_user.gid[1] &&
		  r.uid[0] == srv_user.uid[1], n, "euid %u egid %u",
		  d.uid[0][1], d.gid[0][1]);
}

static void pc_hiding_pidns(int fd);

/*
 * The reader is the client, uid 2102, which sees its own row: through
 * each proc view, then from a pid namespace of its own.
 */
static void pc_hiding_reader(pid_t srv_pid)
{
	int fd, status;
	pid_t child;

	pc_become(&cli_user);
	fd = pc_connect(SOCK_STREAM, "@peercred-hiding");
	pc_check_hidden("hiding.proc-default", fd, srv_pid, true);
	pc_proc = PC_HIDE_PROC;
	pc_check_hidden("hiding.hidepid-invisible", fd, srv_pid, false);
	pc_proc = "/proc";
	pc_result(open("/proc/peercred_stats", O_RDONLY) < 0,
		  "hiding.stats-not-for-users", "uid 2102 opened /proc/peercred_stats");
	child = fork();
	if (!child)
		pc_hiding_pidns(fd);
	waitpid(child, &status, 0);
	exit(pc_failures() != 0 || !WIFEXITED(status) || WEXITSTATUS(status));
}

/*
 * From a pid namespace of its own the server's pid is 0, and nothing of
 * its process is shown; the reader is root there, but not an admin.
 */
static void pc_hiding_pidns(int fd)
{
	struct pc_row r;
	struct pc_detail d;
	int side;

	if (unshare(CLONE_NEWUSER | CLONE_NEWPID))
		exit(1);
	if (fork()) {
		wait(NULL);
		exit(0);
	}
	pc_result(pc_find_row(pc_ino(fd), &r, &side) && pc_find_detail(pc_ino(fd), &d),
		  "hiding.pidns.row", "no row from the pid namespace");
	pc_result(r.pid[0] == 0 && !strcmp(r.comm[0], "-") && !strcmp(r.drift[0], "-") &&
		  d.cap_eff[0] == PC_HIDDEN && d.uid[0][0] == PC_HIDDEN,
		  "hiding.pidns.nothing-of-the-process",
		  "pid %d comm %s drift %s cap_eff %llx", r.pid[0], r.comm[0],
		  r.drift[0], d.cap_eff[0]);
	exit(pc_failures() != 0);
}

/* Root of a new user and network namespace: not an admin of the machine. */
static void pc_hiding_netns(void)
{
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
		exit(1);
	pc_result(open("/proc/peercred_stats", O_RDONLY) < 0 && errno == EPERM,
		  "hiding.stats-not-for-netns-root", "opened: %s", strerror(errno));
	exit(pc_failures() != 0);
}

int pc_hiding(void)
{
	int lfd, sfd, hold[2], up[2], status, bad = 0;
	pid_t srv, child;
	char c;

	mkdir(PC_HIDE_PROC, 0755);
	if (mount("proc", PC_HIDE_PROC, "proc", 0, "hidepid=invisible")) {
		pc_result(false, "hiding.mount", "hidepid=invisible: %s", strerror(errno));
		return 1;
	}
	if (pipe(hold) || pipe(up))
		return 1;
	srv = fork();
	if (!srv) {
		close(hold[1]);
		pc_become(&srv_user);
		lfd = pc_listen(SOCK_STREAM, "@peercred-hiding");
		pc_xwrite(up[1], "l", 1);
		sfd = accept(lfd, NULL, NULL);
		while (sfd >= 0 && read(hold[0], &c, 1) > 0)
			;
		exit(0);
	}
	pc_xread(up[0], &c, 1);
	pc_result(open("/proc/peercred_stats", O_RDONLY) >= 0, "hiding.stats-for-admins",
		  "root cannot open /proc/peercred_stats: %s", strerror(errno));
	child = fork();
	if (!child)
		pc_hiding_reader(srv);
	waitpid(child, &status, 0);
	bad += !WIFEXITED(status) || WEXITSTATUS(status);
	child = fork();
	if (!child)
		pc_hiding_netns();
	waitpid(child, &status, 0);
	bad += !WIFEXITED(status) || WEXITSTATUS(status);
	close(hold[1]);
	waitpid(srv, NULL, 0);
	umount(PC_HIDE_PROC);
	return bad + (pc_failures() != 0);
}
