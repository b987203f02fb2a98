// SPDX-License-Identifier: GPL-2.0
/*
 * A reader who keeps /proc/peercred open keeps nobody's sockets alive.
 * uid 2202 makes connections; uid 2201, who may see none of them, reads
 * one byte of /proc/peercred and keeps the file open; uid 2202 closes its
 * connections. While 2201 still holds its file, the kernel's own counts
 * must come back to where they were:
 *  - the UNIX lines of /proc/net/protocols (AF_UNIX socks of the initial
 *    network namespace not yet destructed);
 *  - the network namespaces uid 2202's user namespace may still make: a
 *    netns is counted until it is freed, which any sock of it that
 *    someone holds prevents. 2202 may make one; the next succeeds only
 *    once the first, in which it made and closed its connections, is
 *    gone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pctest.h"

#define PC_PINS_PAIRS	64
#define PC_PINS_WAIT_MS	20000

static const struct pc_ident pc_reader = {
	.uid = { 2201, 2201, 2201, 2201 }, .gid = { 2201, 2201, 2201, 2201 },
};

static const struct pc_ident pc_maker = {
	.uid = { 2202, 2202, 2202, 2202 }, .gid = { 2202, 2202, 2202, 2202 },
};

/*
 * The sockets column of /proc/net/protocols' UNIX lines (UNIX for
 * datagram socks, UNIX-STREAM for stream and seqpacket ones), summed: the
 * AF_UNIX socks of the reader's netns not yet destructed. -1 if none.
 */
static long pc_unix_socks(void)
{
	char line[512], name[32];
	long n = -1, v;
	FILE *f = fopen("/proc/net/protocols", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%31s %*d %ld", name, &v) == 2 && !strncmp(name, "UNIX", 4))
			n = (n < 0 ? 0 : n) + v;
	fclose(f);
	return n;
}

static void pc_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/*
 * The reader: as uid 2201, opens /proc/peercred, reads one byte, says so
 * up @up, and keeps the file open until @hold closes.
 */
static pid_t pc_pins_reader(int up, int hold[2])
{
	pid_t pid = fork();
	char c;
	int fd;

	if (pid)
		return pid;
	close(hold[1]);
	pc_become(&pc_reader);
	fd = open("/proc/peercred", O_RDONLY);
	if (fd < 0 || read(fd, &c, 1) != 1)
		exit(1);
	pc_xwrite(up, "r", 1);
	while (read(hold[0], &c, 1) > 0)
		;
	close(fd);
	exit(0);
}

/* @n socketpairs, held until @go says close; then says so up @up. */
static void pc_pins_pairs(int n, int up, int go)
{
	int sv[PC_PINS_PAIRS][2], i, made = 0;
	char c;

	for (i = 0; i < n; i++)
		made += !socketpair(AF_UNIX, SOCK_STREAM, 0, sv[i]);
	pc_xwrite(up, &made, sizeof(made));
	pc_xread(go, &c, 1);
	for (i = 0; i < made; i++) {
		close(sv[i][0]);
		close(sv[i][1]);
	}
	pc_xwrite(up, "c", 1);
}

/* Rows of the whole table, as root sees it. */
static int pc_rows(void)
{
	char line[2048];
	int n = -1;
	FILE *f = fopen("/proc/peercred", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

/* In the initial netns: the socks' count comes back. */
static void pc_pins_initial_netns(void)
{
	long before = pc_unix_socks(), now = -1;
	int up[2], go[2], rup[2], hold[2], made = 0, waited;
	pid_t maker, reader;
	char c;

	if (pipe(up) || pipe(go) || pipe(rup) || pipe(hold))
		exit(1);
	maker = fork();
	if (!maker) {
		pc_become(&pc_maker);
		pc_pins_pairs(PC_PINS_PAIRS, up[1], go[0]);
		exit(0);
	}
	pc_xread(up[0], &made, sizeof(made));
	pc_result(made == PC_PINS_PAIRS && pc_rows() >= PC_PINS_PAIRS,
		  "pins.rows-made", "%d pairs, %d rows", made, pc_rows());
	reader = pc_pins_reader(rup[1], hold);
	close(hold[0]);
	pc_xread(rup[0], &c, 1);
	pc_xwrite(go[1], "g", 1);
	pc_xread(up[0], &c, 1);
	waitpid(maker, NULL, 0);
	for (waited = 0; waited < PC_PINS_WAIT_MS; waited += 100) {
		now = pc_unix_socks();
		if (now == before)
			break;
		pc_sleep_ms(100);
	}
	pc_result(now == before, "pins.reader-keeps-no-sock",
		  "UNIX socks %ld before, %ld after closing them while a reader holds its file",
		  before, now);
	close(hold[1]);
	waitpid(reader, NULL, 0);
}

/*
 * In uid 2202's user namespace, whose root may make one netns at a time:
 * the first is made, gets connections, closes them and ends; a second one
 * can be made once the first is freed.
 */
static void pc_pins_ns(int up, int go, int answer)
{
	int i, fd, err = 0;
	pid_t pid;
	char c;

	pc_xread(go, &c, 1);	/* mapped */
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		exit(1);
	/* Root of this user namespace may set its own limit. */
	fd = open("/proc/sys/user/max_net_namespaces", O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1)
		exit(1);
	close(fd);
	pid = fork();
	if (!pid) {
		if (unshare(CLONE_NEWNET))
			exit(1);
		pc_pins_pairs(PC_PINS_PAIRS, up, go);
		exit(0);
	}
	waitpid(pid, NULL, 0);
	for (i = 0; i < PC_PINS_WAIT_MS / 100; i++) {
		pid = fork();
		if (!pid)
			exit(unshare(CLONE_NEWNET) ? errno : 0);
		waitpid(pid, &err, 0);
		err = WEXITSTATUS(err);
		if (err != ENOSPC)
			break;
		pc_sleep_ms(100);
	}
	pc_xwrite(answer, &err, sizeof(err));
	exit(0);
}

/* In a netns of uid 2202's: the netns is freed once its socks are closed. */
static void pc_pins_netns(void)
{
	int up[2], go[2], ans[2], rup[2], hold[2], made = 0, err = -1;
	pid_t ns, reader;
	char c;

	if (pipe(up) || pipe(go) || pipe(ans) || pipe(rup) || pipe(hold))
		exit(1);
	ns = fork();
	if (!ns) {
		pc_become(&pc_maker);
		if (unshare(CLONE_NEWUSER))
			exit(1);
		pc_xwrite(up[1], "u", 1);
		pc_pins_ns(up[1], go[0], ans[1]);
	}
	/* Its root is uid 2202 outside: a user's own namespace. */
	pc_xread(up[0], &c, 1);
	pc_map_ns(ns, "0 2202 1");
	pc_xwrite(go[1], "m", 1);
	pc_xread(up[0], &made, sizeof(made));
	pc_result(made == PC_PINS_PAIRS, "pins.netns.pairs-made", "%d pairs", made);
	reader = pc_pins_reader(rup[1], hold);
	close(hold[0]);
	pc_xread(rup[0], &c, 1);
	pc_xwrite(go[1], "g", 1);
	pc_xread(up[0], &c, 1);
	pc_xread(ans[0], &err, sizeof(err));
	pc_result(!err, "pins.reader-keeps-no-netns",
		  "a second netns could not be made while a reader holds its file: %s",
		  strerror(err));
	close(hold[1]);
	waitpid(reader, NULL, 0);
	waitpid(ns, NULL, 0);
}

int pc_pins(void)
{
	pc_pins_initial_netns();
	pc_pins_netns();
	return pc_wait_children() + (pc_failures() != 0);
}
