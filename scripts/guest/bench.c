// SPDX-License-Identifier: GPL-2.0
/*
 * pcbench: the guest side of `make bench`. No verdicts: it prints figures.
 *
 *   pcbench rate connect|socketpair MS [PROCS]   loop rate, ops/s
 *   pcbench scale N                              hold N socketpairs: time to
 *                                                make, read the table, close
 *   pcbench loop connect|socketpair N [mark]     N ops, for `make profile`
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double pb_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* One connect/accept/close round on a listener of our own. */
static int pb_connect_once(int lfd, const struct sockaddr_un *sa, socklen_t len)
{
	int cfd = socket(AF_UNIX, SOCK_STREAM, 0), sfd;

	if (cfd < 0 || connect(cfd, (const struct sockaddr *)sa, len))
		return -1;
	sfd = accept(lfd, NULL, NULL);
	close(cfd);
	close(sfd);
	return sfd < 0 ? -1 : 0;
}

static int pb_socketpair_once(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -1;
	close(sv[0]);
	close(sv[1]);
	return 0;
}

/* The listener of a connect loop (-1 for socketpair), named in @sa. */
static int pb_listener(const char *what, struct sockaddr_un *sa, socklen_t *len)
{
	int lfd;

	if (strcmp(what, "connect"))
		return -1;
	/* Abstract and per process, so processes never share a queue. */
	*len = offsetof(struct sockaddr_un, sun_path) + 1 +
	       snprintf(sa->sun_path + 1, sizeof(sa->sun_path) - 1,
			"pcbench-%d", getpid());
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)sa, *len) || listen(lfd, 64))
		exit(1);
	return lfd;
}

/* Ops done in @ms by one process; writes the count to @out. */
static void pb_rate_one(const char *what, double ms, int out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len = 0;
	unsigned long n = 0;
	int lfd = pb_listener(what, &sa, &len);
	double end;

	end = pb_now_ms() + ms;
	while (pb_now_ms() < end) {
		/* Batches keep the clock out of the measured loop. */
		for (int i = 0; i < 64; i++)
			if (lfd >= 0 ? pb_connect_once(lfd, &sa, len) : pb_socketpair_once())
				exit(1);
		n += 64;
	}
	if (write(out, &n, sizeof(n)) != sizeof(n))
		exit(1);
}

static int pb_rate(const char *what, double ms, int procs)
{
	unsigned long total = 0, n;
	int p[2], i, status;

	if (pipe(p))
		return 1;
	for (i = 0; i < procs; i++) {
		if (!fork()) {
			pb_rate_one(what, ms, p[1]);
			exit(0);
		}
	}
	for (i = 0; i < procs; i++) {
		if (read(p[0], &n, sizeof(n)) != sizeof(n))
			return 1;
		total += n;
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			return 1;
	printf("%.0f\n", total * 1000.0 / ms);
	return 0;
}

/*
 * Read @path to its end, in the chunks cat would ask for; *lines from a
 * memchr() count, which costs little next to the kernel's side.
 */
static long pb_read_table(const char *path, long *lines)
{
	static char buf[1 << 20];
	long total = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	*lines = 0;
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		const char *p = buf, *end = buf + n;

		total += n;
		while ((p = memchr(p, '\n', end - p))) {
			++*lines;
			p++;
		}
	}
	close(fd);
	return total;
}

static int pb_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

#define PB_READS 5

/*
 * The median time of PB_READS reads of /proc/peercred and of
 * /proc/net/unix, interleaved so that both see the same machine.
 */
static long pb_read_both(double *t_read, double *t_unix, long *lines,
			 long *unix_lines)
{
	double tr[PB_READS], tu[PB_READS], t0;
	long bytes = 0;
	int i;

	for (i = 0; i < PB_READS; i++) {
		t0 = pb_now_ms();
		bytes = pb_read_table("/proc/peercred", lines);
		tr[i] = pb_now_ms() - t0;
		t0 = pb_now_ms();
		pb_read_table("/proc/net/unix", unix_lines);
		tu[i] = pb_now_ms() - t0;
	}
	qsort(tr, PB_READS, sizeof(tr[0]), pb_cmp_double);
	qsort(tu, PB_READS, sizeof(tu[0]), pb_cmp_double);
	*t_read = tr[PB_READS / 2];
	*t_unix = tu[PB_READS / 2];
	return bytes;
}

/*
 * Bytes per row: all of the table's memory (its row pool, allocated at
 * load for max_rows rows, the hash and the counters) over max_rows, from
 * /proc/peercred_stats; *objsize is one row's own size. 0 without module.
 */
static double pb_bytes_per_row(long *objsize)
{
	long memory = 0, max_rows = 0, v;
	char key[64];
	FILE *f = fopen("/proc/peercred_stats", "r");

	*objsize = 0;
	while (f && fscanf(f, "%63s %ld", key, &v) == 2) {
		if (!strcmp(key, "row_bytes"))
			*objsize = v;
		else if (!strcmp(key, "memory_bytes"))
			memory = v;
		else if (!strcmp(key, "max_rows"))
			max_rows = v;
	}
	if (f)
		fclose(f);
	return max_rows ? (double)memory / max_rows : 0;
}

static int pb_scale(long n)
{
	struct rlimit rl = { .rlim_cur = 2 * n + 64, .rlim_max = 2 * n + 64 };
	double t0, t_make, t_read, t_unix, t_close, per_row;
	int *fds = malloc(2 * n * sizeof(int));
	long i, lines = 0, unix_lines, bytes, objsize;

	if (!fds || setrlimit(RLIMIT_NOFILE, &rl)) {
		perror("pcbench scale");
		return 1;
	}
	t0 = pb_now_ms();
	for (i = 0; i < n; i++)
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds + 2 * i)) {
			perror("socketpair");
			return 1;
		}
	t_make = pb_now_ms() - t0;
	/* The kernel's own table of the same sockets, for scale. */
	bytes = pb_read_both(&t_read, &t_unix, &lines, &unix_lines);
	per_row = pb_bytes_per_row(&objsize);
	t0 = pb_now_ms();
	for (i = 0; i < 2 * n; i++)
		close(fds[i]);
	t_close = pb_now_ms() - t0;
	/* rows = lines - header; -1 when the module is not loaded */
	printf("%ld %.1f %.1f %ld %ld %.1f %ld %.0f %.1f %ld\n", n, t_make, t_read,
	       bytes < 0 ? -1 : lines - 1, bytes, t_close, objsize, per_row,
	       t_unix, unix_lines - 1);
	free(fds);
	return 0;
}

/*
 * The mark that `make profile`'s QEMU plugin counts between
 * (scripts/profile-plugin.c): an instruction no compiler emits. The
 * profile runs x86_64 guests only; elsewhere the mark is nothing.
 */
static void pb_mark(void)
{
#ifdef __x86_64__
	__asm__ volatile("xchg %%rcx, %%rcx" ::: "rcx", "memory");
#else
	__asm__ volatile("" ::: "memory");
#endif
}

/* @n ops in this process; with @mark, marked before and after. */
static int pb_loop(const char *what, long n, int mark)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len = 0;
	int lfd = pb_listener(what, &sa, &len);

	if (mark)
		pb_mark();
	for (long i = 0; i < n; i++)
		if (lfd >= 0 ? pb_connect_once(lfd, &sa, len) : pb_socketpair_once())
			return 1;
	if (mark)
		pb_mark();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "rate"))
		return pb_rate(argv[2], atof(argv[3]), argc > 4 ? atoi(argv[4]) : 1);
	if (argc == 3 && !strcmp(argv[1], "scale"))
		return pb_scale(atol(argv[2]));
	if (argc >= 4 && !strcmp(argv[1], "loop"))
		return pb_loop(argv[2], atol(argv[3]), argc > 4 && !strcmp(argv[4], "mark"));
	fprintf(stderr, "usage: pcbench rate connect|socketpair MS [PROCS] | scale N |\n"
		"       loop connect|socketpair N [mark]\n");
	return 2;
}
