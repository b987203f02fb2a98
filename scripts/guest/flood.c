// SPDX-License-Identifier: GPL-2.0
/*
 * A reader against a flooded table: four users hold ROWS connections
 * between them; a user who may see none of them reads /proc/peercred in a
 * loop while others keep connecting. Each read() walks every row to find
 * nothing to show, so this is the longest a read() can take: it must not
 * hold up the machine (checks.sh looks for RCU stall warnings after it,
 * the guest booting with rcu_cpu_stall_timeout=3). The figure printed is
 * the longest single read().
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pctest.h"

#define PC_FLOOD_USERS		4
#define PC_FLOOD_SECONDS	5

static double pc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Read the whole file in 64 KiB read()s, timing each one. */
static long pc_read_all(double *longest, long *reads)
{
	static char buf[65536];
	long bytes = 0;
	double t0, t;
	ssize_t n;
	int fd = open("/proc/peercred", O_RDONLY);

	if (fd < 0)
		return -1;
	do {
		t0 = pc_now_ms();
		n = read(fd, buf, sizeof(buf));
		t = pc_now_ms() - t0;
		if (t > *longest)
			*longest = t;
		(*reads)++;
		bytes += n > 0 ? n : 0;
	} while (n > 0);
	close(fd);
	return n < 0 ? -1 : bytes;
}

/* A user who holds no row reads for a while; rows it saw go up @up. */
static void pc_flood_reader(int up)
{
	struct pc_ident who = pc_user(4999);
	double longest = 0, t0 = pc_now_ms();
	long reads = 0, passes = 0, bytes, most = 0;

	pc_become(&who);
	while (pc_now_ms() - t0 < PC_FLOOD_SECONDS * 1e3) {
		bytes = pc_read_all(&longest, &reads);
		if (bytes < 0)
			exit(1);
		if (bytes > most)
			most = bytes;
		passes++;
	}
	printf("flood: an unprivileged reader read the whole table %ld times",
	       passes);
	printf(" (%ld read()s); longest read() %.1f ms\n", reads, longest);
	pc_xwrite(up, &most, sizeof(most));
	exit(0);
}

int pc_flood(long rows)
{
	int hold[2], up[2], i, made = 0, status;
	long each = rows / PC_FLOOD_USERS, header, most = -1;
	double t0 = pc_now_ms();
	pid_t churn, reader;
	char line[512];
	FILE *f;

	if (pipe(hold) || pipe(up))
		return 1;
	/* The default, from the guest's memory, is about 200 000 files. */
	f = fopen("/proc/sys/fs/file-max", "w");
	if (!f || fprintf(f, "%ld\n", 2 * rows + 65536) < 0 || fclose(f))
		return 1;
	for (i = 0; i < PC_FLOOD_USERS; i++)
		made += pc_user_holds(4001 + i, each, hold);
	printf("flood: %d socketpairs made by %d users in %.0f ms\n", made,
	       PC_FLOOD_USERS, pc_now_ms() - t0);
	pc_result(pc_stat("live") >= each * PC_FLOOD_USERS, "flood.rows-held",
		  "live %ld, want %ld", pc_stat("live"), each * PC_FLOOD_USERS);

	f = fopen("/proc/peercred", "r");
	header = f && fgets(line, sizeof(line), f) ? (long)strlen(line) : -1;
	if (f)
		fclose(f);
	churn = fork();
	if (!churn)
		exit(pc_churn(PC_FLOOD_SECONDS));
	reader = fork();
	if (!reader)
		pc_flood_reader(up[1]);
	waitpid(reader, &status, 0);
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		pc_xread(up[0], &most, sizeof(most));
	pc_result(most == header, "flood.reader-sees-only-header",
		  "the reader read %ld bytes at most, the header is %ld", most, header);
	waitpid(churn, &status, 0);
	pc_result(WIFEXITED(status) && !WEXITSTATUS(status), "flood.churn-kept-working",
		  "connect/close loop status %d", status);
	close(hold[1]);
	return pc_wait_children() + (pc_failures() != 0);
}
