// SPDX-License-Identifier: GPL-2.0
/*
 * pcstress: AF_UNIX load for the debug-kernel torture run
 * (scripts/guest/torture.sh). Every mode stops by itself, after its time or
 * its count, whichever comes first, and prints one summary line:
 *
 *   STRESS MODE procs=N connections=N ... errors=N seconds=S
 *
 * pcstress storm SECONDS [PROCS]   connect/accept/close and socketpair/close
 * pcstress readers SECONDS [PROCS] read /proc/peercred and _detail in a loop
 * pcstress fdpass SECONDS          connected sockets sent with SCM_RIGHTS to
 *                                  another process, which closes them
 * pcstress exiters N               processes that exit with connections open
 *
 * SIGTERM ends storm, readers and fdpass early, as if their time was up.
 * The module may come and go underneath (rmmod/insmod): a missing /proc file
 * is counted, not an error. A failed socket call is an error: peercred must
 * never make a connection fail. Exit status 1 if any error was counted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Upper bounds whatever the time says: a runaway loop still ends. */
#define PS_MAX_ROUNDS	2000000UL
#define PS_MAX_PROCS	16
#define PS_MAX_EXITERS	10000
/* Connections each storm worker keeps open, so the table is never empty. */
#define PS_HELD		16

/* Set by SIGTERM: time is up, for this process and for its workers. */
static atomic_int ps_stop;
static pid_t ps_workers[PS_MAX_PROCS];
static atomic_int ps_nworkers;

static void ps_on_term(int sig)
{
	int i;

	ps_stop = sig;
	for (i = 0; i < ps_nworkers; i++)
		kill(ps_workers[i], SIGTERM);
}

/* Not restarted: a worker blocked in accept() or sendmsg() must see it. */
static void ps_catch_term(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ps_on_term;
	sigaction(SIGTERM, &sa, NULL);
}

/* What one worker did; sent to the parent through a pipe. */
struct ps_count {
	unsigned long connects, socketpairs, passed, inflight;
	unsigned long passes, bytes, absent, errors;
};

static double ps_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Each round begins with a sleep of a microsecond. rmmod of peercred waits
 * for RCU-tasks grace periods (it frees its ftrace_ops), and one ends only
 * once every runnable task has slept of its own accord: workers that never
 * sleep kept each rmmod waiting until they happened to block, 4-9 s a
 * cycle on the 6.1 debug kernel under TCG.
 */
static bool ps_running(double end)
{
	usleep(1);
	return !ps_stop && ps_now() < end;
}

static socklen_t ps_addr(struct sockaddr_un *sa, const char *name)
{
	size_t len = strlen(name);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, name, len);
	sa->sun_path[0] = '\0';		/* abstract: nothing to clean up */
	return offsetof(struct sockaddr_un, sun_path) + len;
}

static int ps_listen(int type, const char *name)
{
	struct sockaddr_un sa;
	socklen_t len = ps_addr(&sa, name);
	int fd = socket(AF_UNIX, type, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, len) || listen(fd, 64)) {
		fprintf(stderr, "pcstress: listen %s: %s\n", name + 1, strerror(errno));
		exit(1);
	}
	return fd;
}

/* One connection: *cfd the client, *sfd the accepted end. */
static int ps_connect(int lfd, int type, const char *name, int *cfd, int *sfd)
{
	struct sockaddr_un sa;
	socklen_t len = ps_addr(&sa, name);

	*cfd = socket(AF_UNIX, type, 0);
	if (*cfd < 0)
		return -1;
	if (connect(*cfd, (struct sockaddr *)&sa, len)) {
		close(*cfd);
		return -1;
	}
	*sfd = accept(lfd, NULL, NULL);
	if (*sfd < 0) {
		close(*cfd);
		return -1;
	}
	return 0;
}

static void ps_send_count(int fd, const struct ps_count *c)
{
	if (write(fd, c, sizeof(*c)) != sizeof(*c))
		_exit(1);
}

static void ps_add(struct ps_count *sum, const struct ps_count *c)
{
	sum->connects += c->connects;
	sum->socketpairs += c->socketpairs;
	sum->passed += c->passed;
	sum->inflight += c->inflight;
	sum->passes += c->passes;
	sum->bytes += c->bytes;
	sum->absent += c->absent;
	sum->errors += c->errors;
}

/*
 * Run WORKER in PROCS children and add up what they report. A child that
 * dies without reporting counts as an error.
 */
static void ps_fork_workers(int procs, double secs,
			    void (*worker)(int id, double end, struct ps_count *c),
			    struct ps_count *sum)
{
	double end = ps_now() + secs;
	int p[2], i, n = 0, got = 0, status;
	struct ps_count c;
	ssize_t r;

	if (pipe(p)) {
		perror("pcstress: pipe");
		exit(1);
	}
	for (i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			sum->errors++;
			continue;
		}
		if (!pid) {
			ps_nworkers = 0;
			close(p[0]);
			memset(&c, 0, sizeof(c));
			worker(i, end, &c);
			ps_send_count(p[1], &c);
			_exit(0);
		}
		ps_workers[n++] = pid;
		ps_nworkers = n;
	}
	close(p[1]);
	while (got < n) {
		r = read(p[0], &c, sizeof(c));
		if (r < 0 && errno == EINTR)
			continue;
		if (r != sizeof(c))
			break;
		ps_add(sum, &c);
		got++;
	}
	sum->errors += n - got;
	close(p[0]);
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			sum->errors++;
}

/*
 * Make and close connections as fast as the machine allows: stream and
 * seqpacket, either end closed first, socketpairs, and a ring of
 * connections held open a while (released in a different order than made).
 */
static void ps_storm_worker(int id, double end, struct ps_count *c)
{
	int held[PS_HELD][2], lfd[2], cfd, sfd, sv[2], type, k;
	unsigned long n;
	char name[2][64];

	for (k = 0; k < 2; k++) {
		type = k ? SOCK_SEQPACKET : SOCK_STREAM;
		snprintf(name[k], sizeof(name[k]), "@pcstress-storm-%d-%d-%d",
			 getpid(), id, k);
		lfd[k] = ps_listen(type, name[k]);
	}
	memset(held, -1, sizeof(held));
	for (n = 0; n < PS_MAX_ROUNDS && ps_running(end); n++) {
		k = (n % 8 == 7);	/* one seqpacket connection in eight */
		type = k ? SOCK_SEQPACKET : SOCK_STREAM;
		if (ps_connect(lfd[k], type, name[k], &cfd, &sfd)) {
			/* A signal may cut accept() short: that is the end. */
			c->errors += !ps_stop;
			continue;
		}
		c->connects++;
		if (n % 4 == 3) {
			/* Keep it for a while; close the one it replaces. */
			int *h = held[(n / 4) % PS_HELD];

			if (h[0] >= 0) {
				close(h[n & 1]);
				close(h[!(n & 1)]);
			}
			h[0] = cfd;
			h[1] = sfd;
		} else {
			close(n & 1 ? cfd : sfd);
			close(n & 1 ? sfd : cfd);
		}
		if (socketpair(AF_UNIX, n & 2 ? SOCK_SEQPACKET : SOCK_STREAM, 0, sv)) {
			c->errors++;
			continue;
		}
		c->socketpairs++;
		close(sv[n & 1]);
		close(sv[!(n & 1)]);
	}
	for (k = 0; k < PS_HELD; k++) {
		if (held[k][0] >= 0) {
			close(held[k][0]);
			close(held[k][1]);
		}
	}
	close(lfd[0]);
	close(lfd[1]);
}

/* Read one /proc file to the end; returns bytes, -1 if it is not there. */
static long ps_read_all(const char *path)
{
	static char buf[65536];
	long total = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	/* Small reads too: the seq_file cursor must resume mid-table. */
	while ((r = read(fd, buf, total % 3 ? sizeof(buf) : 700)) > 0)
		total += r;
	close(fd);
	return r < 0 ? -1 : total;
}

static void ps_readers_worker(int id, double end, struct ps_count *c)
{
	static const char * const files[] = {
		"/proc/peercred", "/proc/peercred_detail", "/proc/peercred_stats",
	};
	unsigned long n;
	long r;
	int i;

	for (n = 0; n < PS_MAX_ROUNDS && ps_running(end); n++) {
		for (i = 0; i < 3; i++) {
			r = ps_read_all(files[(i + id) % 3]);
			if (r < 0) {
				c->absent++;
				usleep(1000);
			} else {
				c->bytes += r;
			}
		}
		c->passes++;
	}
}

/* Send FD over CARRIER with SCM_RIGHTS. */
static int ps_send_fd(int carrier, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = "f", .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	memset(&u, 0, sizeof(u));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(carrier, &msg, 0) == 1 ? 0 : -1;
}

/* Receive one fd; 0 at end of stream, -1 on error. */
static int ps_recv_fd(int carrier, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm;
	ssize_t r = recvmsg(carrier, &msg, 0);

	if (r <= 0)
		return r;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return 1;
}

/*
 * The receiver closes every socket it is sent, after asking it for its
 * peer (SO_PEERCRED on a passed fd), until the sender closes the carrier.
 */
static void ps_fdpass_receiver(int carrier, int report)
{
	struct ps_count c = { 0 };
	struct ucred uc;
	socklen_t len;
	int fd = -1, r;

	while ((r = ps_recv_fd(carrier, &fd)) > 0) {
		len = sizeof(uc);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len))
			c.errors++;
		close(fd);
		c.passed++;
	}
	if (r < 0)
		c.errors++;
	ps_send_count(report, &c);
	close(carrier);
	_exit(0);
}

static void ps_fdpass_worker(int id, double end, struct ps_count *c)
{
	struct ps_count rc;
	int sv[2], rep[2], lfd, cfd, sfd, status;
	unsigned long n, sent = 0;
	char name[64];
	pid_t pid;

	snprintf(name, sizeof(name), "@pcstress-fdpass-%d-%d", getpid(), id);
	lfd = ps_listen(SOCK_STREAM, name);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || pipe(rep)) {
		c->errors++;
		return;
	}
	for (n = 0; n < PS_MAX_ROUNDS && ps_running(end); n++) {
		if (ps_connect(lfd, SOCK_STREAM, name, &cfd, &sfd)) {
			c->errors += !ps_stop;
			break;
		}
		c->connects++;
		/* The first connection and its receiver start together. */
		if (!n) {
			pid = fork();
			if (pid < 0) {
				c->errors++;
				close(cfd);
				close(sfd);
				break;
			}
			if (!pid) {
				close(sv[0]);
				close(rep[0]);
				close(cfd);
				close(sfd);
				close(lfd);
				ps_fdpass_receiver(sv[1], rep[1]);
			}
			close(sv[1]);
			close(rep[1]);
		}
		/* Both ends go over; the sender keeps none of them. */
		/* Each sent alone: a signal may cut the second short. */
		if (!ps_send_fd(sv[0], cfd))
			sent++;
		else
			c->errors += !ps_stop;
		if (!ps_send_fd(sv[0], sfd))
			sent++;
		else
			c->errors += !ps_stop;
		close(cfd);
		close(sfd);
	}
	c->passed = sent;
	shutdown(sv[0], SHUT_WR);
	close(sv[0]);
	if (!n)
		return;
	if (read(rep[0], &rc, sizeof(rc)) == sizeof(rc)) {
		c->errors += rc.errors;
		if (rc.passed != sent)
			c->errors++;
	} else {
		c->errors++;
	}
	close(rep[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		c->errors++;
	close(lfd);
}

/*
 * A few sockets left in flight: sent, never received, the carrier closed
 * with them queued. The kernel releases them when it frees the skb.
 */
static void ps_inflight(struct ps_count *c)
{
	int sv[2], lfd, cfd, sfd, i;
	char name[64];

	snprintf(name, sizeof(name), "@pcstress-inflight-%d", getpid());
	lfd = ps_listen(SOCK_STREAM, name);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		c->errors++;
		return;
	}
	for (i = 0; i < 8; i++) {
		if (ps_connect(lfd, SOCK_STREAM, name, &cfd, &sfd)) {
			c->errors++;
			continue;
		}
		c->connects++;
		if (ps_send_fd(sv[0], cfd) || ps_send_fd(sv[1], sfd))
			c->errors++;
		else
			c->inflight += 2;
		close(cfd);
		close(sfd);
	}
	/* One end in flight over itself: only the unix GC can free it. */
	if (ps_send_fd(sv[0], sv[1]))
		c->errors++;
	else
		c->inflight++;
	close(sv[0]);
	close(sv[1]);
	close(lfd);
}

/*
 * Each exiter makes a few connections of each kind and exits with all of
 * them open, sharing them with a child of its own: in half of them the
 * child exits first, in the other half the exiter does. The exit status
 * says what was made: connects in the low bits, 8 for the socketpair.
 */
static int ps_exiter(unsigned long k)
{
	int type = k & 1 ? SOCK_SEQPACKET : SOCK_STREAM;
	int lfd, cfd, sfd, sv[2], i, made = 0;
	char name[64];
	pid_t pid;

	snprintf(name, sizeof(name), "@pcstress-exit-%d", getpid());
	lfd = ps_listen(type, name);
	for (i = 0; i < 4; i++)
		if (!ps_connect(lfd, type, name, &cfd, &sfd))
			made++;
	if (!socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		made += 8;
	pid = fork();
	if (!pid || pid < 0) {
		usleep(k & 2 ? 2000 : 0);
		_exit(made);
	}
	usleep(k & 2 ? 0 : 2000);
	_exit(made);
}

static void ps_exiters(unsigned long n, struct ps_count *sum)
{
	unsigned long k, started = 0, running = 0;
	int status;

	for (k = 0; k < n; k++) {
		pid_t pid = fork();

		if (pid < 0) {
			sum->errors++;
			break;
		}
		if (!pid)
			ps_exiter(k);
		started++;
		running++;
		/* A few at a time: a slow guest must not run out of memory. */
		while (running >= 8 || (k + 1 == n && running)) {
			if (wait(&status) < 0)
				break;
			running--;
			if (!WIFEXITED(status)) {
				sum->errors++;
				continue;
			}
			sum->connects += WEXITSTATUS(status) & 7;
			sum->socketpairs += !!(WEXITSTATUS(status) & 8);
		}
	}
	sum->errors += started * 5 - sum->connects - sum->socketpairs;
}

/* The one summary line the torture script parses. */
static void ps_report(const char *mode, int procs, const struct ps_count *c,
		      double secs)
{
	printf("STRESS %s procs=%d connections=%lu connects=%lu socketpairs=%lu",
	       mode, procs, c->connects + c->socketpairs, c->connects,
	       c->socketpairs);
	printf(" passed=%lu inflight=%lu passes=%lu bytes=%lu absent=%lu",
	       c->passed, c->inflight, c->passes, c->bytes, c->absent);
	printf(" errors=%lu seconds=%.1f\n", c->errors, secs);
}

static int ps_usage(void)
{
	fprintf(stderr,
		"usage: pcstress storm SECONDS [PROCS] | readers SECONDS [PROCS] |\n"
		"                fdpass SECONDS | exiters N\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct ps_count sum = { 0 };
	double t0 = ps_now(), secs;
	int procs;

	if (argc < 3)
		return ps_usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	ps_catch_term();
	/* A peer gone first must not kill a writer. */
	signal(SIGPIPE, SIG_IGN);
	secs = atof(argv[2]);
	if (secs < 0 || secs > 3600)
		return ps_usage();
	procs = argc > 3 ? atoi(argv[3]) : 4;
	if (procs < 1 || procs > PS_MAX_PROCS)
		return ps_usage();

	if (!strcmp(argv[1], "storm")) {
		ps_fork_workers(procs, secs, ps_storm_worker, &sum);
	} else if (!strcmp(argv[1], "readers")) {
		ps_fork_workers(procs, secs, ps_readers_worker, &sum);
	} else if (!strcmp(argv[1], "fdpass")) {
		procs = 2;
		ps_fork_workers(procs, secs, ps_fdpass_worker, &sum);
		ps_inflight(&sum);
	} else if (!strcmp(argv[1], "exiters")) {
		if (secs < 1 || secs > PS_MAX_EXITERS)
			return ps_usage();
		procs = (int)secs;
		ps_exiters(procs, &sum);
	} else {
		return ps_usage();
	}
	ps_report(argv[1], procs, &sum, ps_now() - t0);
	return sum.errors != 0;
}
