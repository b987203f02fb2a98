// SPDX-License-Identifier: GPL-2.0
/*
 * Drift x, end to end: the connecting process is gone while a child keeps
 * the socket; the server did nothing (-). SO_PEERCRED keeps reporting the
 * snapshot; the row must agree with it and flag the difference. (Drift c is
 * checked in the setuid-after scenario.)
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pctest.h"

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
	return pc_wait_children() + (pc_failures() != 0);
}
