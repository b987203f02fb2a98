// SPDX-License-Identifier: GPL-2.0
/*
 * A reader whose read() calls are interleaved with connections closing:
 * every row that exists for the whole read must be read exactly once. Each
 * read() here is one byte, so every row is a resumed read; after each row,
 * the connection of the row before it is closed, which shifts the offsets
 * of the rows after it in the same hash bucket. Run with a small max_rows
 * (few buckets, several rows in each).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pctest.h"

#define RESUME_PAIRS 200

static bool pc_read_line(int fd, char *line, size_t size)
{
	size_t n = 0;

	while (n + 1 < size && read(fd, line + n, 1) == 1)
		if (line[n++] == '\n')
			break;
	line[n] = '\0';
	return n > 0;
}

int pc_resume(void)
{
	static int sv[RESUME_PAIRS][2], seen[RESUME_PAIRS];
	static unsigned long ino[RESUME_PAIRS];
	int fd, i, prev = -1, missed = 0, twice = 0;
	unsigned long a, b;
	char line[1024];

	for (i = 0; i < RESUME_PAIRS; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv[i]))
			return 1;
		ino[i] = pc_ino(sv[i][0]);
	}
	fd = open("/proc/peercred", O_RDONLY);
	if (fd < 0 || !pc_read_line(fd, line, sizeof(line)))	/* header */
		return 1;
	while (pc_read_line(fd, line, sizeof(line))) {
		if (sscanf(line, "%*s %*s %lu %*d %*u %*u %*s %*s %lu", &a, &b) != 2)
			continue;
		for (i = 0; i < RESUME_PAIRS && ino[i] != a && ino[i] != b; i++)
			;
		if (i == RESUME_PAIRS)
			continue;
		seen[i]++;
		if (prev >= 0) {
			close(sv[prev][0]);
			close(sv[prev][1]);
		}
		prev = i;
	}
	close(fd);
	for (i = 0; i < RESUME_PAIRS; i++) {
		missed += !seen[i];
		twice += seen[i] > 1;
	}
	pc_result(!missed && !twice, "resume.every-row-once",
		  "%d of %d rows missed, %d read twice", missed, RESUME_PAIRS, twice);
	return pc_failures() != 0;
}
