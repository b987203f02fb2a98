// SPDX-License-Identifier: GPL-2.0
/*
 * Drift, end to end: a client that changes its ids after connect() (c), one
 * whose connecting process is gone while a child keeps the socket (x), and
 * a server that did neither (-). SO_PEERCRED keeps reporting the snapshot
 * throughout; the row must agree with it and flag the difference.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pctest.h"

static void pc_check_drift(const char *name, int fd, const char *srv_drift,
			   const char *cli_drift)
{
	struct pc_row r;
	int side;

	pc_result(pc_find_row(pc_ino(fd), &r, &side) && !strcmp(r.drift[0], srv_drift) &&
		  !strcmp(r.drift[1], cli_drift), name,
		  "srv_drift %s cli_drift %s, want %s %s", r.drift[0], r.drift[1],
		  srv_drift, cli_drift);
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
	pc_self(&at_connect);

	/* c: connect as euid 1001, then become 1005 for good. */
	pid = fork();
	if (!pid) {
		close(hold[1]);
		if (setresuid(-1, 1001, 0))
			exit(1);
		fd = pc_connect(SOCK_STREAM, name);
		if (setresuid(-1, 0, -1) || setresuid(1005, 1005, 1005))
			exit(1);
		pc_xwrite(fd, "c", 1);
		while (read(hold[0], &c, 1) > 0)
			;
		exit(0);
	}
	fd = accept(lfd, NULL, NULL);
	pc_xread(fd, &c, 1);
	at_connect.pid = pid;
	at_connect.uid[1] = 1001;
	at_connect.uid[3] = 1001;
	pc_check_fd("drift.changed", fd, &at_connect, "connect", name);
	pc_check_drift("drift.changed.flag", fd, "-", "c");
	pc_check_cli("drift.changed.cli", fd, "changed its credentials");

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
