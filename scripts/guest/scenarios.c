// SPDX-License-Identifier: GPL-2.0
/*
 * Guest scenarios. Every expected id below is one the test itself set on a
 * process (pc_become) or read back from it (pc_self, fork's pid); every row
 * is compared with what the kernel's getsockopt says.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
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

#include "pctest.h"

socklen_t pc_addr(struct sockaddr_un *sa, const char *name, size_t len)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, name, len);
	if (name[0] == '@')
		sa->sun_path[0] = '\0';
	return offsetof(struct sockaddr_un, sun_path) + len;
}

int pc_listen(int type, const char *name)
{
	struct sockaddr_un sa;
	socklen_t len = pc_addr(&sa, name, strlen(name));
	int fd = socket(AF_UNIX, type, 0);

	if (name[0] == '/')
		unlink(name);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, len) || listen(fd, 16)) {
		pc_result(false, "listen", "%s: %s", name, strerror(errno));
		exit(1);
	}
	return fd;
}

int pc_connect(int type, const char *name)
{
	struct sockaddr_un sa;
	socklen_t len = pc_addr(&sa, name, strlen(name));
	int fd = socket(AF_UNIX, type, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, len)) {
		pc_result(false, "connect", "%s: %s", name, strerror(errno));
		exit(1);
	}
	return fd;
}

void pc_xread(int fd, void *buf, size_t len)
{
	if (read(fd, buf, len) != (ssize_t)len) {
		pc_result(false, "read", "%s", strerror(errno));
		exit(1);
	}
}

void pc_xwrite(int fd, const void *buf, size_t len)
{
	if (write(fd, buf, len) != (ssize_t)len) {
		pc_result(false, "write", "%s", strerror(errno));
		exit(1);
	}
}

struct pc_ident pc_user(uid_t uid)
{
	struct pc_ident who = {
		.uid = { uid, uid, uid, uid }, .gid = { uid, uid, uid, uid },
	};

	return who;
}

/* @n socketpairs made and held until @hold closes; how many, up @up. */
void pc_hold_pairs(int n, int up, int hold)
{
	int i, made = 0, sv[2];
	char c;

	for (i = 0; i < n; i++)
		made += !socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pc_xwrite(up, &made, sizeof(made));
	while (read(hold, &c, 1) > 0)
		;
	exit(0);
}

/* A child of @uid holding @n pairs; returns how many it made. */
int pc_user_holds(uid_t uid, int n, int hold[2])
{
	struct pc_ident who = pc_user(uid);
	int up[2], made = -1;

	if (pipe(up))
		return -1;
	if (!fork()) {
		struct rlimit fds = { 2 * n + 64, 2 * n + 64 };

		close(hold[1]);
		/* While still root, who may raise it. */
		if (n > 400 && setrlimit(RLIMIT_NOFILE, &fds))
			exit(1);
		pc_become(&who);
		pc_hold_pairs(n, up[1], hold[0]);
	}
	pc_xread(up[0], &made, sizeof(made));
	close(up[0]);
	close(up[1]);
	return made;
}

/*
 * In a child as @uid: a connect (to a listener of its own on @name) and a
 * socketpair, each of whose rows must be there and say what getsockopt
 * says. Checks named SCENARIO.other-user-*; returns whether all passed.
 */
bool pc_other_user_recorded(const char *scenario, uid_t uid, const char *name)
{
	struct pc_ident who = pc_user(uid), me;
	int lfd, cfd, sfd, sv[2], status;
	char n[128];
	pid_t pid = fork();

	if (!pid) {
		pc_become(&who);
		pc_self(&me);
		lfd = pc_listen(SOCK_STREAM, name);
		cfd = pc_connect(SOCK_STREAM, name);
		sfd = accept(lfd, NULL, NULL);
		if (sfd < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			_exit(1);
		snprintf(n, sizeof(n), "%s.other-user-client", scenario);
		pc_check_fd(n, cfd, &me, "connect", name);
		snprintf(n, sizeof(n), "%s.other-user-server", scenario);
		pc_check_fd(n, sfd, &me, "connect", name);
		snprintf(n, sizeof(n), "%s.other-user-socketpair", scenario);
		pc_check_fd(n, sv[0], &me, "socketpair", "-");
		_exit(pc_failures() != 0);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && !WEXITSTATUS(status);
}

int pc_wait_children(void)
{
	int status, bad = 0;

	while (wait(&status) > 0)
		bad += !WIFEXITED(status) || WEXITSTATUS(status);
	return bad;
}

/*
 * A server and two clients, each a different user with its own groups; one
 * client has distinct real/effective/saved ids. Each process checks the
 * ends it holds.
 */
static const struct pc_ident users_srv = {
	.uid = { 1000, 1000, 1000, 1000 }, .gid = { 2000, 2000, 2000, 2000 },
	.ngroups = 2, .groups = { 100, 101 },
};

static const struct pc_ident users_cli[] = {
	{ .uid = { 1001, 1001, 1001, 1001 }, .gid = { 2001, 2001, 2001, 2001 },
	  .ngroups = 1, .groups = { 200 } },
	{ .uid = { 1002, 1003, 1004, 1003 }, .gid = { 2002, 2003, 2004, 2003 },
	  .ngroups = 3, .groups = { 300, 301, 302 } },
};

struct pc_hello {
	int idx;
	pid_t pid;
};

static int pc_users(void)
{
	const char *name = "@peercred-users";
	int ready[2], lfd, fd, fds[2], i, n = 2;
	struct pc_ident srv = users_srv;
	struct pc_hello h;
	pid_t spid;
	char c;

	if (pipe(ready))
		return 1;
	spid = fork();
	if (!spid) {
		pc_become(&users_srv);
		lfd = pc_listen(SOCK_STREAM, name);
		pc_xwrite(ready[1], "r", 1);
		for (i = 0; i < n; i++) {
			struct pc_ident cli;
			char label[64];

			fd = accept(lfd, NULL, NULL);
			pc_xread(fd, &h, sizeof(h));
			cli = users_cli[h.idx];
			cli.pid = h.pid;
			snprintf(label, sizeof(label), "users.server-end-%d", h.idx);
			pc_check_fd(label, fd, &cli, "connect", name);
			strcat(label, ".cli");
			pc_check_cli(label, fd, "connect-time snapshot");
			pc_xwrite(fd, "k", 1);
			fds[i] = fd;
		}
		/* Keep our ends until each client has checked its own. */
		for (i = 0; i < n; i++)
			while (read(fds[i], &c, 1) > 0)
				;
		exit(pc_failures() != 0);
	}
	pc_xread(ready[0], &c, 1);
	srv.pid = spid;
	for (i = 0; i < n; i++) {
		if (fork())
			continue;
		pc_become(&users_cli[i]);
		fd = pc_connect(SOCK_STREAM, name);
		h.idx = i;
		h.pid = getpid();
		pc_xwrite(fd, &h, sizeof(h));
		/* Keep the connection until the server has checked its end. */
		pc_xread(fd, &c, 1);
		pc_check_fd(i ? "users.client-end-1" : "users.client-end-0", fd, &srv,
			    "connect", name);
		/*
		 * The shell that runs the CLI resets its euid to the real uid,
		 * so client 1 (uid 1002, euid 1003) would read as 1002.
		 */
		if (i == 0)
			pc_check_cli("users.client-end-0.cli", fd, "listen-time snapshot");
		exit(pc_failures() != 0);
	}
	return pc_wait_children();
}

/*
 * A client that changes identity after connect: the snapshot must not, and
 * its drift flag must say that it did (c); so must the CLI's explain.
 */
static int pc_setuid_after(void)
{
	const char *name = "@peercred-setuid";
	struct pc_ident at_connect;
	int lfd = pc_listen(SOCK_STREAM, name), fd;
	pid_t pid;
	char c;

	pid = fork();
	if (!pid) {
		/* euid 1001 with saved 0, so we may change identity later. */
		if (setresuid(-1, 1001, 0))
			exit(1);
		fd = pc_connect(SOCK_STREAM, name);
		if (setresuid(-1, 0, -1) || setresuid(1005, 1005, 1005))
			exit(1);
		pc_xwrite(fd, "c", 1);
		pc_xread(fd, &c, 1);
		exit(0);
	}
	fd = accept(lfd, NULL, NULL);
	pc_xread(fd, &c, 1);
	pc_self(&at_connect);
	at_connect.pid = pid;
	at_connect.uid[1] = 1001;
	at_connect.uid[3] = 1001;
	pc_check_fd("setuid-after.server-end", fd, &at_connect, "connect", name);
	pc_check_drift("setuid-after.drift", fd, "-", "c");
	pc_check_cli("setuid-after.cli", fd, "changed its credentials");
	pc_xwrite(fd, "k", 1);
	return pc_wait_children() + (pc_failures() != 0);
}

static int pc_socketpair(void)
{
	static const int types[] = { SOCK_STREAM, SOCK_SEQPACKET };
	struct pc_ident me;
	int sv[2], i;
	struct pc_row r;
	int side;

	pc_self(&me);
	for (i = 0; i < 2; i++) {
		const char *t = i ? "socketpair.seqpacket" : "socketpair.stream";
		char n[64];

		if (socketpair(AF_UNIX, types[i], 0, sv))
			return 1;
		snprintf(n, sizeof(n), "%s-a", t);
		pc_check_fd(n, sv[0], &me, "socketpair", "-");
		snprintf(n, sizeof(n), "%s-b", t);
		pc_check_fd(n, sv[1], &me, "socketpair", "-");
		close(sv[0]);
		close(sv[1]);
	}
	/* Datagram pairs are not connections in the table's sense. */
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
		return 1;
	pc_result(!pc_find_row(pc_ino(sv[0]), &r, &side), "socketpair.dgram-not-recorded",
		  "a dgram socketpair has a row");
	close(sv[0]);
	close(sv[1]);
	return pc_failures() != 0;
}

static const char *pc_type_name(int type)
{
	return type == SOCK_STREAM ? "stream" : "seqpacket";
}

/* The path column for each kind of listener name, and the seqpacket type. */
static int pc_names(void)
{
	static const struct {
		const char *label, *name, *shown;
		int type;
	} cases[] = {
		{ "names.abstract", "@peercred abs\n", "@peercred\\040abs\\012", SOCK_STREAM },
		{ "names.path", "/tmp/peercred path", "/tmp/peercred\\040path", SOCK_STREAM },
		{ "names.seqpacket", "/tmp/peercred-seq", "/tmp/peercred-seq", SOCK_SEQPACKET },
	};
	struct pc_ident me;
	struct sockaddr_un sa;
	socklen_t len;
	int i, lfd, cfd, sfd;
	struct pc_row r;
	int side;
	char shown[16];

	pc_self(&me);
	for (i = 0; i < 3; i++) {
		lfd = pc_listen(cases[i].type, cases[i].name);
		cfd = pc_connect(cases[i].type, cases[i].name);
		sfd = accept(lfd, NULL, NULL);
		pc_check_fd(cases[i].label, cfd, &me, "connect", cases[i].shown);
		pc_check_fd(cases[i].label, sfd, &me, "connect", cases[i].shown);
		if (pc_find_row(pc_ino(cfd), &r, &side))
			pc_result(!strcmp(r.type, pc_type_name(cases[i].type)),
				  cases[i].label, "type %s", r.type);
		close(sfd);
		close(cfd);
		close(lfd);
	}

	/* Autobind: the kernel picks "\0XXXXX"; getsockname is the oracle. */
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa_family_t)) || listen(lfd, 4))
		return 1;
	len = sizeof(sa);
	getsockname(lfd, (struct sockaddr *)&sa, &len);
	cfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (connect(cfd, (struct sockaddr *)&sa, len))
		return 1;
	len -= offsetof(struct sockaddr_un, sun_path);
	snprintf(shown, sizeof(shown), "@%.*s", (int)len - 1, sa.sun_path + 1);
	pc_check_fd("names.autobind", cfd, &me, "connect", shown);
	close(cfd);
	close(lfd);
	return pc_failures() != 0;
}

/* A row lives exactly as long as both ends. */
static int pc_close(void)
{
	const char *name = "@peercred-close";
	int lfd = pc_listen(SOCK_STREAM, name), cfd, sfd;
	unsigned long cino, sino;
	struct pc_row r;
	int side;

	/* Before accept the server end has no inode yet: flags say pending. */
	cfd = pc_connect(SOCK_STREAM, name);
	cino = pc_ino(cfd);
	pc_result(pc_find_row(cino, &r, &side) && side == 1 && r.ino[0] == 0 &&
		  !strcmp(r.flags, "p"), "close.pending-before-accept",
		  "srv_ino %lu flags %s", r.ino[0], r.flags);
	sfd = accept(lfd, NULL, NULL);
	sino = pc_ino(sfd);
	pc_result(pc_find_row(cino, &r, &side) && r.ino[0] == sino && !strcmp(r.flags, "-"),
		  "close.inode-after-accept", "srv_ino %lu, fstat says %lu", r.ino[0], sino);
	close(cfd);
	pc_result(!pc_find_row(cino, &r, &side) && !pc_find_row(sino, &r, &side),
		  "close.client-close-removes", "row still there");
	close(sfd);

	cfd = pc_connect(SOCK_STREAM, name);
	sfd = accept(lfd, NULL, NULL);
	cino = pc_ino(cfd);
	close(sfd);
	pc_result(!pc_find_row(cino, &r, &side), "close.server-close-removes",
		  "row still there");
	close(cfd);

	/* Never accepted: closing the listener releases the server end. */
	cfd = pc_connect(SOCK_STREAM, name);
	cino = pc_ino(cfd);
	close(lfd);
	pc_result(!pc_find_row(cino, &r, &side), "close.listener-close-removes-pending",
		  "row still there");
	close(cfd);
	return pc_failures() != 0;
}

/* Failed connects record nothing. */
static int pc_refused(void)
{
	struct sockaddr_un sa;
	socklen_t len = pc_addr(&sa, "@peercred-nobody", 16);
	long rec = pc_stat("recorded"), live = pc_stat("live");
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), lfd, i, ok = 1;

	pc_result(connect(fd, (struct sockaddr *)&sa, len) && errno == ECONNREFUSED,
		  "refused.econnrefused", "connect did not fail with ECONNREFUSED");
	close(fd);
	/* A full backlog refuses a non-blocking connect with EAGAIN. */
	lfd = pc_listen(SOCK_STREAM, "@peercred-backlog");
	if (listen(lfd, 0))
		return 1;
	for (i = 0; i < 8 && ok; i++) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		len = pc_addr(&sa, "@peercred-backlog", 17);
		ok = !connect(fd, (struct sockaddr *)&sa, len);
	}
	pc_result(!ok && errno == EAGAIN, "refused.backlog-eagain", "errno %d", errno);
	pc_result(pc_stat("recorded") - rec == i - 1, "refused.nothing-recorded",
		  "recorded %ld more, %d connects succeeded", pc_stat("recorded") - rec, i - 1);
	pc_result(pc_stat("live") - live == i - 1, "refused.live", "live %ld more",
		  pc_stat("live") - live);
	return pc_failures() != 0;
}

/* With max_rows reached, connections still work and are counted as drops. */
static int pc_full(void)
{
	long max = pc_stat("max_rows"), live = pc_stat("live"), drop = pc_stat("dropped");
	int sv[2], i, extra = 3, made = 0, side;
	struct pc_row r;

	for (i = 0; i < max - live + extra; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			break;
		made++;
		if (write(sv[0], "x", 1) != 1 || read(sv[1], &r, 1) != 1)
			break;
	}
	pc_result(made == max - live + extra, "full.connections-work",
		  "%d of %ld socketpairs made", made, max - live + extra);
	pc_result(pc_stat("live") == max, "full.live-at-max", "live %ld max %ld",
		  pc_stat("live"), max);
	pc_result(pc_stat("dropped") - drop == extra, "full.drops-counted",
		  "dropped %ld more, want %d", pc_stat("dropped") - drop, extra);
	pc_result(!pc_find_row(pc_ino(sv[0]), &r, &side), "full.dropped-has-no-row",
		  "the last pair has a row");
	return pc_failures() != 0;
}

/*
 * Readers without CAP_SYS_ADMIN see only rows in which one end holds their
 * own euid; root sees every row.
 */
static int pc_visibility(void)
{
	static const struct pc_ident who[] = {
		{ .uid = { 2001, 2001, 2001, 2001 }, .gid = { 2001, 2001, 2001, 2001 } },
		{ .uid = { 2002, 2002, 2002, 2002 }, .gid = { 2002, 2002, 2002, 2002 } },
	};
	int hold[2], up[2], sv[2], i, side;
	unsigned long ino[2];
	struct pc_detail d;
	struct pc_row r;
	pid_t reader;
	char c;

	if (pipe(hold) || pipe(up))
		return 1;
	for (i = 0; i < 2; i++) {
		if (!fork()) {
			close(hold[1]);
			pc_become(&who[i]);
			if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
				exit(1);
			ino[i] = pc_ino(sv[0]);
			pc_xwrite(up[1], &ino[i], sizeof(ino[i]));
			if (read(hold[0], &c, 1) < 0)
				exit(1);
			exit(0);
		}
		pc_xread(up[0], &ino[i], sizeof(ino[i]));
	}
	pc_result(pc_find_row(ino[0], &r, &side) && pc_find_row(ino[1], &r, &side),
		  "visibility.root-sees-all", "root misses a row");
	reader = fork();
	if (!reader) {
		pc_become(&who[0]);
		pc_result(pc_find_row(ino[0], &r, &side), "visibility.own-row-shown",
			  "uid 2001 does not see its own row");
		pc_result(!pc_find_row(ino[1], &r, &side), "visibility.other-row-hidden",
			  "uid 2001 sees uid 2002's row");
		pc_result(pc_find_detail(ino[0], &d) && !pc_find_detail(ino[1], &d),
			  "visibility.detail-filtered", "detail shows what the table hides");
		exit(pc_failures() != 0);
	}
	waitpid(reader, NULL, 0);
	close(hold[1]);
	return pc_wait_children();
}

static atomic_int pc_churn_stop;

static void pc_churn_on_term(int sig)
{
	pc_churn_stop = sig;
}

/*
 * Connection churn, tolerant of the module coming and going, for @seconds
 * or until SIGTERM: its report says which, so that a caller can tell that
 * the churn lasted as long as what it was meant to run beside. One round
 * in 16 sleeps a microsecond, so that an rmmod meanwhile is not kept
 * waiting (see ps_running() in stress.c); under TCG such a sleep costs
 * about two rounds.
 */
int pc_churn(int seconds)
{
	struct sigaction sa = { .sa_handler = pc_churn_on_term, .sa_flags = SA_RESTART };
	time_t end = time(NULL) + seconds;
	unsigned long n = 0;
	char name[64];
	int lfd, cfd, sfd, sv[2];

	sigaction(SIGTERM, &sa, NULL);
	snprintf(name, sizeof(name), "@peercred-churn-%d", getpid());
	lfd = pc_listen(SOCK_STREAM, name);
	while (!pc_churn_stop && time(NULL) < end) {
		if (!(n % 16))
			usleep(1);
		cfd = pc_connect(SOCK_STREAM, name);
		sfd = accept(lfd, NULL, NULL);
		close(n & 1 ? cfd : sfd);
		close(n & 1 ? sfd : cfd);
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			return 1;
		close(sv[0]);
		close(sv[1]);
		n++;
	}
	printf("churn %d: %lu rounds, %s\n", getpid(), n,
	       pc_churn_stop ? "stopped" : "timed out");
	return 0;
}

int pc_scenario(const char *name, int argc, char **argv)
{
	if (!strcmp(name, "users"))
		return pc_users();
	if (!strcmp(name, "setuid-after"))
		return pc_setuid_after();
	if (!strcmp(name, "socketpair"))
		return pc_socketpair();
	if (!strcmp(name, "names"))
		return pc_names();
	if (!strcmp(name, "close"))
		return pc_close();
	if (!strcmp(name, "refused"))
		return pc_refused();
	if (!strcmp(name, "visibility"))
		return pc_visibility();
	if (!strcmp(name, "full"))
		return pc_full();
	if (!strcmp(name, "preexisting"))
		return pc_preexisting(argc > 0 ? argv[0] : "/tmp/preexisting.ready");
	if (!strcmp(name, "drift"))
		return pc_drift();
	if (!strcmp(name, "netns"))
		return pc_netns();
	if (!strcmp(name, "userns"))
		return pc_userns();
	if (!strcmp(name, "resume"))
		return pc_resume();
	if (!strcmp(name, "parked"))
		return pc_parked();
	if (!strcmp(name, "share"))
		return pc_share();
	if (!strcmp(name, "hiding"))
		return pc_hiding();
	if (!strcmp(name, "containers"))
		return pc_containers();
	if (!strcmp(name, "pins"))
		return pc_pins();
	if (!strcmp(name, "identity"))
		return pc_identity();
	if (!strcmp(name, "labels-off"))
		return pc_labels_off();
	if (!strcmp(name, "label-forge"))
		return pc_label_forge();
	if (!strcmp(name, "flood"))
		return pc_flood(argc > 0 ? atol(argv[0]) : 200000);
	if (!strcmp(name, "churn"))
		return pc_churn(argc > 0 ? atoi(argv[0]) : 5);
	fprintf(stderr, "pctest: unknown scenario %s\n", name);
	return 2;
}
