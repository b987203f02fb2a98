// SPDX-License-Identifier: GPL-2.0
/*
 * Readers in other namespaces. netns: a reader sees rows of its own network
 * namespace only, unless privileged in the initial user namespace; a
 * namespace's own admin sees all of that namespace's rows. userns + pidns:
 * ids are translated as SO_PEERCRED translates them for the reader, and a
 * peer outside the reader's pid namespace shows pid 0 with drift h.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pctest.h"

static const struct pc_ident ns_user = {
	.uid = { 3001, 3001, 3001, 3001 }, .gid = { 3001, 3001, 3001, 3001 },
};

/* A socketpair held until @hold closes; its inode goes up @up. */
static void pc_hold_pair(int up, int hold)
{
	unsigned long ino;
	int sv[2];
	char c;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		exit(1);
	ino = pc_ino(sv[0]);
	pc_xwrite(up, &ino, sizeof(ino));
	while (read(hold, &c, 1) > 0)
		;
	exit(0);
}

static bool pc_sees(unsigned long ino)
{
	struct pc_row r;
	int side;

	return pc_find_row(ino, &r, &side);
}

static void pc_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		pc_result(false, "userns.map", "%s: cannot write", path);
		exit(1);
	}
	close(fd);
}

/* @map ("INSIDE OUTSIDE COUNT") for the uids and gids of @pid's namespace. */
void pc_map_ns(pid_t pid, const char *map)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/%d/setgroups", pid);
	pc_write_file(p, "deny");
	snprintf(p, sizeof(p), "/proc/%d/uid_map", pid);
	pc_write_file(p, map);
	snprintf(p, sizeof(p), "/proc/%d/gid_map", pid);
	pc_write_file(p, map);
}

/* Host 100000..165535 is 0..65535 inside; anything else is 65534 there. */
static void pc_map(pid_t pid)
{
	pc_map_ns(pid, "0 100000 65536");
}

/*
 * Root of a new user and network namespace (mapped as pc_map() does), with
 * another user of that namespace holding a pair there: the admin sees that
 * row, which holds another euid, and its own, and nothing outside.
 */
static void pc_netns_admin(int up, int hold[2], int go,
			   unsigned long outer, unsigned long inner,
			   unsigned long inner_root)
{
	unsigned long admin_ino, other_ino;
	int bup[2], sv[2];
	char c;

	close(hold[1]);
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) || pipe(bup))
		exit(1);
	pc_xwrite(up, "u", 1);
	pc_xread(go, &c, 1);
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		exit(1);
	/* uid 1000 there; setgroups() is denied in this namespace. */
	if (!fork()) {
		if (setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000))
			exit(1);
		pc_hold_pair(bup[1], hold[0]);
	}
	close(bup[1]);
	pc_xread(bup[0], &other_ino, sizeof(other_ino));
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		exit(1);
	admin_ino = pc_ino(sv[0]);
	pc_check_fd("netns.admin-own-row", sv[0], NULL, "socketpair", "-");
	pc_result(pc_sees(other_ino), "netns.admin-sees-its-netns",
		  "the netns admin misses another user's row there");
	pc_result(!pc_sees(outer) && !pc_sees(inner) && !pc_sees(inner_root),
		  "netns.admin-sees-own-netns-only", "sees a row of another netns");
	pc_xwrite(up, &admin_ino, sizeof(admin_ino));
	while (read(hold[0], &c, 1) > 0)
		;
	exit(pc_wait_children() + (pc_failures() != 0));
}

int pc_netns(void)
{
	unsigned long outer, inner_root, inner, admin_ino;
	int up[2], hold[2], go[2], sv[2];
	pid_t pid;
	char c;

	if (pipe(up) || pipe(hold) || pipe(go))
		return 1;
	/* uid 3001 in the initial netns. */
	if (!fork()) {
		close(hold[1]);
		pc_become(&ns_user);
		pc_hold_pair(up[1], hold[0]);
	}
	pc_xread(up[0], &outer, sizeof(outer));

	/* A new netns: a pair made as root there, then uid 3001's own. */
	pid = fork();
	if (!pid) {
		close(hold[1]);
		if (unshare(CLONE_NEWNET) || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			exit(1);
		inner_root = pc_ino(sv[0]);
		pc_become(&ns_user);
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			exit(1);
		inner = pc_ino(sv[0]);
		pc_xwrite(up[1], &inner_root, sizeof(inner_root));
		pc_xwrite(up[1], &inner, sizeof(inner));
		pc_check_fd("netns.own-row", sv[0], NULL, "socketpair", "-");
		pc_result(!pc_sees(outer), "netns.same-uid-other-netns-hidden",
			  "uid 3001 in a new netns sees uid 3001's row of the initial one");
		pc_result(!pc_sees(inner_root), "netns.other-uid-hidden",
			  "uid 3001 sees root's row in its netns");
		pc_xwrite(up[1], "d", 1);
		while (read(hold[0], &c, 1) > 0)
			;
		exit(pc_failures() != 0);
	}
	pc_xread(up[0], &inner_root, sizeof(inner_root));
	pc_xread(up[0], &inner, sizeof(inner));
	pc_xread(up[0], &c, 1);
	pc_result(pc_sees(outer) && pc_sees(inner) && pc_sees(inner_root),
		  "netns.initial-admin-sees-all", "root misses a row of some netns");

	/* Root of its own user and network namespace: all of that netns only. */
	pid = fork();
	if (!pid)
		pc_netns_admin(up[1], hold, go[0], outer, inner, inner_root);
	pc_xread(up[0], &c, 1);
	pc_map(pid);
	pc_xwrite(go[1], "g", 1);
	pc_xread(up[0], &admin_ino, sizeof(admin_ino));
	pc_result(pc_sees(admin_ino), "netns.initial-admin-sees-userns-netns",
		  "root misses the new namespace's row");
	close(hold[1]);
	return pc_wait_children() + (pc_failures() != 0);
}

static const struct pc_ident userns_mapped = {	/* 1000 inside */
	.uid = { 101000, 101000, 101000, 101000 }, .gid = { 101000, 101000, 101000, 101000 },
};

static const struct pc_ident userns_unmapped = {
	.uid = { 5000, 5000, 5000, 5000 }, .gid = { 5000, 5000, 5000, 5000 },
};

/* A server as @who on @name: accepts one client, checks it, holds it. */
static pid_t pc_userns_server(const struct pc_ident *who, const char *name,
			      const char *label, int up, int hold[2])
{
	pid_t pid = fork();
	int lfd, fd;
	char c;

	if (pid)
		return pid;
	close(hold[1]);
	pc_become(who);
	lfd = pc_listen(SOCK_STREAM, name);
	pc_xwrite(up, "l", 1);
	fd = accept(lfd, NULL, NULL);
	pc_xread(fd, &c, 1);
	/* The host's view of the same row: host ids and pids. */
	pc_check_fd(label, fd, NULL, "connect", name);
	pc_xwrite(up, "s", 1);
	while (read(hold[0], &c, 1) > 0)
		;
	exit(pc_failures() != 0);
}

/* The same two servers, as SO_PEERCRED names them inside. */
static const struct pc_ident userns_mapped_inside = {
	.uid = { 1000, 1000, 1000, 1000 }, .gid = { 1000, 1000, 1000, 1000 },
};

static const struct pc_ident userns_unmapped_inside = {
	.uid = { 65534, 65534, 65534, 65534 }, .gid = { 65534, 65534, 65534, 65534 },
};

/*
 * Pid 1 of a new pid namespace, root of a new user namespace. Says on @up
 * when it is done, then holds its ends until @hold closes, so that the
 * servers can check theirs.
 */
static int pc_userns_inside(int up, int hold)
{
	struct pc_ident me;
	char c;
	struct pc_row r;
	int fd, sv[2], side;

	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		return 1;
	/* We hold no supplementary group that the map can show: none. */
	fd = pc_connect(SOCK_STREAM, "@peercred-userns-mapped");
	pc_xwrite(fd, "c", 1);
	pc_check_fd("userns.mapped-peer", fd, &userns_mapped_inside, "connect", NULL);
	/* Not an admin: nothing of a process it cannot see (see hiding.c). */
	pc_result(pc_find_row(pc_ino(fd), &r, &side) && r.pid[0] == 0 &&
		  !strcmp(r.comm[0], "-") && !strcmp(r.drift[0], "-"),
		  "userns.peer-pid-hidden", "srv_pid %d comm %s drift %s, want 0 - -",
		  r.pid[0], r.comm[0], r.drift[0]);

	fd = pc_connect(SOCK_STREAM, "@peercred-userns-unmapped");
	pc_xwrite(fd, "c", 1);
	pc_check_fd("userns.unmapped-peer", fd, &userns_unmapped_inside, "connect", NULL);

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 1;
	pc_self(&me);
	pc_check_fd("userns.own-pair", sv[0], &me, "socketpair", "-");
	pc_result(me.pid == 1 && pc_find_row(pc_ino(sv[0]), &r, &side) &&
		  r.pid[0] == 1 && !strcmp(r.drift[0], "-"), "userns.own-pid",
		  "pid %d, row pid %d drift %s", me.pid, r.pid[0], r.drift[0]);
	pc_xwrite(up, "i", 1);
	while (read(hold, &c, 1) > 0)
		;
	return pc_failures() != 0;
}

int pc_userns(void)
{
	int up[2], hold[2], go[2], st;
	pid_t pid, inner;
	char c;

	if (pipe(up) || pipe(hold) || pipe(go))
		return 1;
	pc_userns_server(&userns_mapped, "@peercred-userns-mapped",
			 "userns.host-view-mapped", up[1], hold);
	pc_userns_server(&userns_unmapped, "@peercred-userns-unmapped",
			 "userns.host-view-unmapped", up[1], hold);
	pc_xread(up[0], &c, 1);
	pc_xread(up[0], &c, 1);

	pid = fork();
	if (!pid) {
		close(hold[1]);
		if (unshare(CLONE_NEWUSER | CLONE_NEWPID))
			exit(1);
		pc_xwrite(up[1], "u", 1);
		pc_xread(go[0], &c, 1);
		inner = fork();
		if (!inner)
			exit(pc_userns_inside(up[1], hold[0]));
		waitpid(inner, &st, 0);
		exit(!WIFEXITED(st) || WEXITSTATUS(st));
	}
	pc_xread(up[0], &c, 1);
	pc_map(pid);
	pc_xwrite(go[1], "g", 1);
	/* Both servers and the client checked their ends before anyone closes. */
	pc_xread(up[0], &c, 1);
	pc_xread(up[0], &c, 1);
	pc_xread(up[0], &c, 1);
	close(hold[1]);
	return pc_wait_children() + (pc_failures() != 0);
}
