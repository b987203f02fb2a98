// SPDX-License-Identifier: GPL-2.0
/*
 * What a reader who is not an admin learns of another user's process: no
 * more than the kernel tells it elsewhere. SO_PEERCRED/SO_PEERGROUPS give
 * pid, euid, egid and groups; /proc/PID/status gives the rest (name, caps,
 * real/saved/fs ids) only where that pid is the reader's to see. So the
 * row hides exactly what /proc/PID/status hides: checked through a proc
 * mount with hidepid=invisible and from a pid namespace of its own; and it
 * is the opener who decides, not whoever reads a passed file. The
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
	/* pidfs ids count the machine's processes: not another's to learn. */
	shown = strcmp(r.pidfs[0], "-") && strcmp(d.pidfs[0], "-");
	snprintf(n, sizeof(n), "%s.pidfs", name);
	pc_result(shown == (readable && pc_shows_pidfs()), n,
		  "srv_pidfs %s (detail %s), status readable %d, kernel has pidfs ids %d",
		  r.pidfs[0], d.pidfs[0], readable, pc_shows_pidfs());
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

/*
 * Who decides is the opener. uid 2102 opens /proc/peercred through a proc
 * mount with hidepid=invisible,gid=PC_HIDE_GID, a group it is not in, and
 * hands the file to a helper of its own uid that is in that group (the
 * setgid helper a lab gives its users): reading that file, the helper is
 * shown what the opener may see, not what it may see itself.
 */
#define PC_GID_PROC	"/tmp/peercred-hidepid-gid"
#define PC_HIDE_GID	4242

static void pc_send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, c = 'f';
	struct iovec iov = { &c, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sock, &msg, 0) != 1)
		exit(1);
}

static int pc_recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], c;
	struct iovec iov = { &c, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd = -1;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

#define PC_ROW_SRV_COMM_CLI_INO_SRV_PIDFS \
	"%*s %*s %*u %*d %*u %*u %63s %*s %lu %*d %*u %*u %*s %*s %*u %*s %*s %23s"

/* srv_comm and srv_pidfs of the row whose cli_ino is @ino, read from @fd. */
static bool pc_row_via(int fd, unsigned long ino, char comm[64], char pidfs[24])
{
	char line[2048];
	unsigned long cli;
	bool found = false;
	FILE *f;

	fd = dup(fd);
	if (fd < 0 || lseek(fd, 0, SEEK_SET))
		return false;
	f = fdopen(fd, "r");
	if (!f)
		return false;
	/* type origin srv_ino srv_pid srv_uid srv_gid srv_comm ... srv_pidfs */
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, PC_ROW_SRV_COMM_CLI_INO_SRV_PIDFS, comm, &cli, pidfs) == 3 &&
			cli == ino;
	fclose(f);
	return found;
}

static void pc_hiding_helper(int fd, unsigned long ino)
{
	struct pc_ident helper = cli_user;
	char comm[64], pidfs[24];
	bool found;
	int own;

	helper.ngroups = 1;
	helper.groups[0] = PC_HIDE_GID;
	pc_become(&helper);
	found = pc_row_via(fd, ino, comm, pidfs);
	pc_result(found && !strcmp(comm, "-") && !strcmp(pidfs, "-"),
		  "hiding.passed-fd.opener-decides",
		  "row found %d: srv_comm %s srv_pidfs %s through the opener's file", found,
		  found ? comm : "", found ? pidfs : "");
	/* What the helper sees when it opens the file itself. */
	own = open(PC_GID_PROC "/peercred", O_RDONLY);
	found = own >= 0 && pc_row_via(own, ino, comm, pidfs);
	pc_result(found && strcmp(comm, "-"), "hiding.passed-fd.helper-sees-more",
		  "row found %d: srv_comm %s through its own file", found, found ? comm : "");
	exit(pc_failures() != 0);
}

static int pc_hiding_passed_fd(void)
{
	int up[2], hold[2], sp[2], fd, status;
	unsigned long ino = 0;
	pid_t client, opener, helper;
	char c;

	mkdir(PC_GID_PROC, 0755);
	if (mount("proc", PC_GID_PROC, "proc", 0, "hidepid=invisible,gid=4242")) {
		pc_result(false, "hiding.passed-fd.mount", "%s", strerror(errno));
		return 1;
	}
	if (pipe(up) || pipe(hold) || socketpair(AF_UNIX, SOCK_STREAM, 0, sp))
		return 1;
	client = fork();
	if (!client) {
		close(hold[1]);
		pc_become(&cli_user);
		fd = pc_connect(SOCK_STREAM, "@peercred-hiding");
		ino = pc_ino(fd);
		pc_xwrite(up[1], &ino, sizeof(ino));
		while (read(hold[0], &c, 1) > 0)
			;
		exit(0);
	}
	pc_xread(up[0], &ino, sizeof(ino));
	opener = fork();
	if (!opener) {
		pc_become(&cli_user);
		fd = open(PC_GID_PROC "/peercred", O_RDONLY);
		if (fd < 0)
			exit(1);
		pc_send_fd(sp[1], fd);
		exit(0);
	}
	fd = pc_recv_fd(sp[0]);
	waitpid(opener, &status, 0);
	if (fd < 0) {
		pc_result(false, "hiding.passed-fd.opened", "uid 2102 sent no file");
		return 1;
	}
	helper = fork();
	if (!helper)
		pc_hiding_helper(fd, ino);
	waitpid(helper, &status, 0);
	close(fd);
	close(hold[1]);
	waitpid(client, NULL, 0);
	umount(PC_GID_PROC);
	return !WIFEXITED(status) || WEXITSTATUS(status);
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
	bad += pc_hiding_passed_fd();
	close(hold[1]);
	waitpid(srv, NULL, 0);
	umount(PC_HIDE_PROC);
	return bad + (pc_failures() != 0);
}
