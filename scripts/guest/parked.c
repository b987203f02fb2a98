// SPDX-License-Identifier: GPL-2.0
/*
 * One user parks many blocking connect()s on a listener of its own that
 * never accepts; connections another user makes meanwhile must all be
 * recorded. A recorder that held something per connect() across its wait
 * for backlog room (a kretprobe instance) would run out, and the second
 * user's connections would go unseen.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pctest.h"

#define PC_PARKED	400

static const struct pc_ident parker = {
	.uid = { 1000, 1000, 1000, 1000 }, .gid = { 1000, 1000, 1000, 1000 },
};

/*
 * The parker, in a process group of its own: a listener with no room and
 * PC_PARKED connect()s on it; writes how many are waiting, then waits.
 */
static void pc_park(int report)
{
	static pid_t kids[PC_PARKED];
	int lfd, i, n = 0, status;

	pc_become(&parker);
	lfd = pc_listen(SOCK_STREAM, "@peercred-parked");
	/* A backlog of 0 takes one connection; every later one waits. */
	listen(lfd, 0);
	for (i = 0; i < PC_PARKED; i++) {
		kids[i] = fork();
		if (!kids[i]) {
			pc_connect(SOCK_STREAM, "@peercred-parked");
			pause();
			_exit(0);
		}
	}
	sleep(3);
	/* Those that returned from connect() are not parked: count the rest. */
	for (i = 0; i < PC_PARKED; i++)
		n += waitpid(kids[i], &status, WNOHANG) == 0;
	pc_xwrite(report, &n, sizeof(n));
	pause();
	_exit(0);
}

int pc_parked(void)
{
	int report[2], parked = 0;
	pid_t parker_pid;
	bool ok;

	if (pipe(report))
		return 1;
	parker_pid = fork();
	if (!parker_pid) {
		setpgid(0, 0);
		pc_park(report[1]);
	}
	pc_xread(report[0], &parked, sizeof(parked));
	pc_result(parked >= PC_PARKED - 2, "parked.connects-parked",
		  "%d of %d connect()s are waiting", parked, PC_PARKED);

	ok = pc_other_user_recorded("parked", 1001, "@peercred-parked-other");
	kill(-parker_pid, SIGKILL);
	while (wait(NULL) > 0)
		;
	return !ok || pc_failures() != 0;
}
