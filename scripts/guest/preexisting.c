// SPDX-License-Identifier: GPL-2.0
/*
 * Connections made before the module is loaded. Each process sets up its
 * ends, the coordinator tells checks.sh (via the ready file) to insmod, and
 * every process then checks the ends it holds once /proc/peercred exists:
 * one row each, origin preexisting, the server on the srv side, and the
 * same ids getsockopt() returns.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "pctest.h"

#define PRE_PATH "/tmp/peercred-pre.sock"

static const struct pc_ident pre_srv = {
	.uid = { 1000, 1000, 1000, 1000 }, .gid = { 2000, 2000, 2000, 2000 },
	.ngroups = 2, .groups = { 100, 101 },
};

static const struct pc_ident pre_cli = {
	.uid = { 1001, 1002, 1003, 1002 }, .gid = { 2001, 2002, 2003, 2002 },
	.ngroups = 1, .groups = { 200 },
};

#define PRE_FEATURES "/tmp/peercred-pre.features"

/*
 * Up to a minute for checks.sh to load the module, and for the
 * coordinator (root) to say what it shows, which these users cannot read.
 */
static void pc_wait_module(void)
{
	char v[8] = "";
	FILE *f = NULL;
	int i;

	for (i = 0; i < 600 && !(f = fopen(PRE_FEATURES, "r")); i++)
		usleep(100000);
	if (f && fgets(v, sizeof(v), f))
		setenv("PC_FEATURES", v, 1);
	if (f)
		fclose(f);
}

/* As root, once the module is there: see pc_wait_module(). */
static void pc_tell_features(void)
{
	FILE *f;
	int i;

	for (i = 0; i < 600 && !getenv("PC_FEATURES"); i++) {
		usleep(100000);
		pc_features();
	}
	f = fopen(PRE_FEATURES ".new", "w");
	if (!f || fputs(getenv("PC_FEATURES") ?: "", f) < 0 || fclose(f) ||
	    rename(PRE_FEATURES ".new", PRE_FEATURES))
		pc_result(false, "preexisting.features", "cannot write " PRE_FEATURES);
}

/* One row for @fd's connection, with @fd's end on side @want_side. */
static void pc_check_pre(const char *name, int fd, const struct pc_ident *peer,
			 int want_side, const char *path, const char *flags)
{
	struct pc_row r;
	char n[128];
	int side = -1, count = pc_count_rows(pc_ino(fd));

	pc_check_fd(name, fd, peer, "preexisting", path);
	snprintf(n, sizeof(n), "%s.once", name);
	pc_result(count == 1, n, "%d rows for inode %lu", count, pc_ino(fd));
	snprintf(n, sizeof(n), "%s.side", name);
	pc_result(pc_find_row(pc_ino(fd), &r, &side) && (want_side < 0 || side == want_side) &&
		  !strcmp(r.flags, flags), n, "side %d (want %d), flags %s (want %s)",
		  side, want_side, r.flags, flags);
}

int pc_preexisting(const char *ready)
{
	int up[2], hold[2], lfd, sfd, fd, sv[2];
	struct pc_ident srv = pre_srv, cli = pre_cli, me;
	pid_t spid, cpid;
	char c;
	FILE *f;

	if (pipe(up) || pipe(hold))
		return 1;
	spid = fork();
	if (!spid) {
		close(hold[1]);
		pc_become(&pre_srv);
		lfd = pc_listen(SOCK_STREAM, PRE_PATH);
		/* Other users connect: they need write permission on the file. */
		if (chmod(PRE_PATH, 0777))
			exit(1);
		pc_xwrite(up[1], "l", 1);
		sfd = accept(lfd, NULL, NULL);
		pc_xread(sfd, &cli.pid, sizeof(cli.pid));
		if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
			exit(1);
		pc_self(&me);
		pc_xwrite(up[1], "s", 1);
		pc_wait_module();
		pc_check_pre("preexisting.server-end", sfd, &cli, 0, PRE_PATH, "-");
		pc_check_pre("preexisting.socketpair-a", sv[0], &me, -1, "-", "-");
		pc_check_pre("preexisting.socketpair-b", sv[1], &me, -1, "-", "-");
		pc_xwrite(up[1], "d", 1);
		/* Hold every end until all checks are done. */
		while (read(hold[0], &c, 1) > 0)
			;
		exit(pc_failures() != 0);
	}
	pc_xread(up[0], &c, 1);
	srv.pid = spid;
	cpid = fork();
	if (!cpid) {
		pid_t self = getpid();
		int pending;

		close(hold[1]);
		pc_become(&pre_cli);
		fd = pc_connect(SOCK_STREAM, PRE_PATH);
		pc_xwrite(fd, &self, sizeof(self));
		/* The server accepts once: this one stays in its backlog. */
		pending = pc_connect(SOCK_STREAM, PRE_PATH);
		pc_xwrite(up[1], "c", 1);
		pc_wait_module();
		pc_check_pre("preexisting.client-end", fd, &srv, 1, PRE_PATH, "-");
		pc_check_pre("preexisting.pending-client-end", pending, &srv, 1, PRE_PATH, "p");
		pc_xwrite(up[1], "d", 1);
		while (read(hold[0], &c, 1) > 0)
			;
		exit(pc_failures() != 0);
	}
	/* Server and client set up: now the module may come. */
	pc_xread(up[0], &c, 1);
	pc_xread(up[0], &c, 1);
	unlink(PRE_FEATURES);
	f = fopen(ready, "w");
	if (!f)
		return 1;
	fclose(f);
	pc_tell_features();
	pc_xread(up[0], &c, 1);
	pc_xread(up[0], &c, 1);
	close(hold[1]);
	return pc_wait_children();
}
