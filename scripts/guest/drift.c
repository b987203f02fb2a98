// SPDX-License-Identifier: GPL-2.0
/*
 * Drift x, end to end: the connecting process is gone while a child keeps
 * the socket; the server did nothing (-). SO_PEERCRED keeps reporting the
 * snapshot; the row must agree with it and flag the difference. (Drift c is
 * checked in the setuid-after scenario.) And drift of a thread with creds
 * of its own: compared with that thread, not with its process's leader.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pctest.h"

struct pc_drift_thread {
	const char *name;
	int fd, up[2], go[2];
};

/*
 * setresuid() as a raw syscall changes the calling thread's creds only
 * (glibc's wrapper would change every thread's). Connect with euid 2201,
 * wait, then take euid 0 back (the saved uid allows it), and wait again.
 */
static void *pc_drift_thread_fn(void *arg)
{
	struct pc_drift_thread *t = arg;
	char c;

	if (syscall(SYS_setresuid, 0, 2201, 0))
		exit(1);
	t->fd = pc_connect(SOCK_STREAM, t->name);
	pc_xwrite(t->up[1], "c", 1);
	pc_xread(t->go[0], &c, 1);
	if (syscall(SYS_setresuid, -1, 0, -1))
		exit(1);
	pc_xwrite(t->up[1], "r", 1);
	pc_xread(t->go[0], &c, 1);
	return NULL;
}

/* A second thread of this process connects under creds of its own. */
static void pc_drift_thread(int lfd, const char *name)
{
	struct pc_drift_thread t = { .name = name };
	pthread_t thread;
	int fd;
	char c;

	if (pipe(t.up) || pipe(t.go) ||
	    pthread_create(&thread, NULL, pc_drift_thread_fn, &t)) {
		pc_result(false, "drift.thread", "cannot start a thread");
		return;
	}
	pc_xread(t.up[0], &c, 1);
	fd = accept(lfd, NULL, NULL);
	pc_check_fd("drift.thread", fd, NULL, "connect", name);
	pc_check_drift("drift.thread.own-creds-no-drift", fd, "-", "-");
	pc_xwrite(t.go[1], "g", 1);
	pc_xread(t.up[0], &c, 1);
	pc_check_drift("drift.thread.changed", fd, "-", "c");
	pc_xwrite(t.go[1], "g", 1);
	pthread_join(thread, NULL);
	close(fd);
	close(t.fd);
}

int pc_drift(void)
{
	const char *name = "@peercred-drift";
	int lfd = pc_listen(SOCK_STREAM, name), fd, hold[2];
	struct pc_ident at_connect;
	pid_t pid;
	char c;

	if (pipe(hold))
		return 1;

	/* x: the connecting process exits; its child keeps the socket open. */
	pid = fork();
	if (!pid) {
		close(hold[1]);
		fd = pc_connect(SOCK_STREAM, name);
		if (fork()) {
			pc_xwrite(fd, "x", 1);
			exit(0);
		}
		while (read(hold[0], &c, 1) > 0)
			;
		exit(0);
	}
	fd = accept(lfd, NULL, NULL);
	pc_xread(fd, &c, 1);
	/* Reaped: its pid no longer names a task. */
	waitpid(pid, NULL, 0);
	pc_self(&at_connect);
	at_connect.pid = pid;
	pc_check_fd("drift.exited", fd, &at_connect, "connect", name);
	pc_check_drift("drift.exited.flag", fd, "-", "x");
	pc_check_cli("drift.exited.cli", fd, "exited");

	close(hold[1]);
	pc_drift_thread(lfd, name);
	return pc_wait_children() + (pc_failures() != 0);
}
