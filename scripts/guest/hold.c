// SPDX-License-Identifier: GPL-2.0
/*
 * Long-lived ends for the tour (make tour), which shows real processes'
 * rows rather than a test's:
 *   pctest serve PATH          listen on PATH, accept and keep every client
 *   pctest dial PATH [UID]     connect to PATH, then become UID if given
 *   pctest dial PATH exit      connect, leave the socket to a child, exit
 *   pctest pair                hold both ends of a socketpair
 * Each runs until killed.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pctest.h"

static int pc_serve(const char *path)
{
	int lfd = pc_listen(SOCK_STREAM, path);

	/* Clients of any uid may connect. */
	if (path[0] == '/' && chmod(path, 0777))
		return 1;
	for (;;)
		if (accept(lfd, NULL, NULL) < 0)
			return 1;
}

static int pc_dial(const char *path, const char *then)
{
	pc_connect(SOCK_STREAM, path);
	if (then && !strcmp(then, "exit")) {
		if (fork())
			return 0;
	} else if (then && setresuid(atoi(then), atoi(then), atoi(then))) {
		return 1;
	}
	for (;;)
		pause();
}

static int pc_pair(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 1;
	for (;;)
		pause();
}

int pc_hold(const char *what, int argc, char **argv)
{
	if (!strcmp(what, "serve") && argc == 1)
		return pc_serve(argv[0]);
	if (!strcmp(what, "dial") && (argc == 1 || argc == 2))
		return pc_dial(argv[0], argc == 2 ? argv[1] : NULL);
	if (!strcmp(what, "pair") && argc == 0)
		return pc_pair();
	fprintf(stderr, "usage: pctest serve PATH | dial PATH [UID|exit] | pair\n");
	return 2;
}
