// SPDX-License-Identifier: GPL-2.0
/*
 * The oracle is the kernel: a row must say what getsockopt(SO_PEERCRED,
 * SO_PEERGROUPS) says to the process holding each end, joined by the
 * socket inode that fstat() reports for that end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "pctest.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD	77
#endif
#define PC_PIDFS_MAGIC	0x50494446

static int failures;

/* Set while many like checks run: only their failures are printed. */
bool pc_quiet;

/* The proc mount the tests read through. */
const char *pc_proc = "/proc";

static FILE *pc_open_proc(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", pc_proc, name);
	return fopen(path, "r");
}

/*
 * What the module can show on this kernel (peercred_stats, which only
 * root reads): found once by root, handed down to the users the
 * scenarios become through the environment.
 */
static bool pc_label_shown, pc_pidfs_shown, pc_features_known;

void pc_features(void)
{
	const char *f = getenv("PC_FEATURES");
	char v[8];

	if (!f) {
		long label = pc_stat("lsm_labels"), pidfs = pc_stat("pidfs_ids");

		if (label < 0 || pidfs < 0)
			return;		/* not root, or no module yet: later */
		snprintf(v, sizeof(v), "%d%d", label == 1, pidfs == 1);
		setenv("PC_FEATURES", v, 1);
		f = v;
	}
	pc_label_shown = f[0] == '1';
	pc_pidfs_shown = f[1] == '1';
	pc_features_known = true;
}

/* Whether the module shows labels (known once pc_features() has run). */
bool pc_shows_labels(void)
{
	if (!pc_features_known)
		pc_features();
	return pc_label_shown;
}

/* Whether the module shows pidfs ids on this kernel. */
bool pc_shows_pidfs(void)
{
	if (!pc_features_known)
		pc_features();
	return pc_pidfs_shown;
}

/* Whether the checks of what the module shows may run, saying why not. */
static bool pc_features_ready(const char *name)
{
	if (!pc_features_known)
		pc_features();
	if (!pc_features_known)
		pc_result(false, name,
			  "cannot tell what the module shows: peercred_stats unreadable");
	return pc_features_known;
}

void pc_result(bool ok, const char *name, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "%s %s", ok ? "PASS" : "FAIL", name);
	if (!ok && fmt) {
		n += snprintf(buf + n, sizeof(buf) - n, ": ");
		va_start(ap, fmt);
		n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
		va_end(ap);
	}
	if (ok && pc_quiet)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	/* One write per line: several processes share the console. */
	if (write(STDOUT_FILENO, buf, n) < 0)
		exit(2);
	if (!ok)
		failures++;
}

/* A check this kernel gives no oracle for: counted, not passed. */
void pc_skip(const char *name, const char *why)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "SKIP %s: %s\n", name, why);

	if (pc_quiet)
		return;
	if (write(STDOUT_FILENO, buf, n < (int)sizeof(buf) ? n : (int)sizeof(buf) - 1) < 0)
		exit(2);
}

int pc_failures(void)
{
	return failures;
}

unsigned long pc_ino(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return 0;
	return st.st_ino;
}

bool pc_find_row(unsigned long ino, struct pc_row *r, int *side)
{
	char line[2048];
	bool found = false;
	FILE *f = pc_open_proc("peercred");

	if (!f)
		return false;
	if (!fgets(line, sizeof(line), f))	/* header */
		goto out;
	while (!found && fgets(line, sizeof(line), f)) {
		memset(r, 0, sizeof(*r));
		if (sscanf(line,
			   "%15s %15s %lu %d %u %u %63s %7s %lu %d %u %u %63s %7s %lu %7s %511s %23s %511s %23s %511s",
			   r->type, r->origin, &r->ino[0], &r->pid[0], &r->uid[0],
			   &r->gid[0], r->comm[0], r->drift[0], &r->ino[1], &r->pid[1],
			   &r->uid[1], &r->gid[1], r->comm[1], r->drift[1], &r->age_ms,
			   r->flags, r->path, r->pidfs[0], r->label[0], r->pidfs[1],
			   r->label[1]) != 21)
			continue;
		if (r->ino[1] == ino) {
			*side = 1;
			found = true;
		} else if (r->ino[0] == ino) {
			*side = 0;
			found = true;
		}
	}
out:
	fclose(f);
	return found;
}

/* The drift columns of @fd's row. */
void pc_check_drift(const char *name, int fd, const char *srv_drift,
		    const char *cli_drift)
{
	struct pc_row r;
	int side;

	pc_result(pc_find_row(pc_ino(fd), &r, &side) && !strcmp(r.drift[0], srv_drift) &&
		  !strcmp(r.drift[1], cli_drift), name,
		  "srv_drift %s cli_drift %s, want %s %s", r.drift[0], r.drift[1],
		  srv_drift, cli_drift);
}

/* Rows naming @ino on either end: a connection must have exactly one. */
int pc_count_rows(unsigned long ino)
{
	unsigned long a, b;
	char line[2048];
	int n = 0;
	FILE *f = pc_open_proc("peercred");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %lu %*d %*u %*u %*s %*s %lu", &a, &b) == 2 &&
		    (a == ino || b == ino))
			n++;
	fclose(f);
	return n;
}

/* Numbers, and "-" (not shown to this reader) as PC_HIDDEN. */
static void pc_parse_ids(const char *s, unsigned int *ids, int max, int *n)
{
	char *end;

	for (*n = 0; *n < max; (*n)++) {
		unsigned long v;

		s += strspn(s, " \t");
		if (*s == '-') {
			ids[*n] = PC_HIDDEN;
			s++;
			continue;
		}
		v = strtoul(s, &end, 10);
		if (end == s)
			break;
		ids[*n] = v;
		s = end;
	}
}

bool pc_find_detail(unsigned long ino, struct pc_detail *d)
{
	char line[2048], key[64], *val;
	FILE *f = pc_open_proc("peercred_detail");
	bool found = false;
	int side, n;

	if (!f)
		return false;
	memset(d, 0, sizeof(*d));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0]) {		/* end of a block */
			if (d->ino[0] == ino || d->ino[1] == ino) {
				found = true;
				break;
			}
			memset(d, 0, sizeof(*d));
			continue;
		}
		val = strchr(line, ':');
		if (!val || val - line >= (int)sizeof(key))
			continue;
		memcpy(key, line, val - line);
		key[val - line] = '\0';
		val += 2;	/* ":\t" */
		if (!strcmp(key, "path")) {
			snprintf(d->path, sizeof(d->path), "%s", val);
			continue;
		}
		if (!strcmp(key, "origin")) {
			snprintf(d->origin, sizeof(d->origin), "%s", val);
			continue;
		}
		if (!strncmp(key, "srv_", 4))
			side = 0;
		else if (!strncmp(key, "cli_", 4))
			side = 1;
		else
			continue;
		if (!strcmp(key + 4, "ino"))
			d->ino[side] = strtoul(val, NULL, 10);
		else if (!strcmp(key + 4, "pid"))
			d->pid[side] = atoi(val);
		else if (!strcmp(key + 4, "uid"))
			pc_parse_ids(val, d->uid[side], 4, &n);
		else if (!strcmp(key + 4, "gid"))
			pc_parse_ids(val, d->gid[side], 4, &n);
		else if (!strcmp(key + 4, "groups"))
			pc_parse_ids(val, d->groups[side], PC_MAX_GROUPS, &d->ngroups[side]);
		else if (!strcmp(key + 4, "cap_eff"))
			d->cap_eff[side] = *val == '-' ? PC_HIDDEN : strtoull(val, NULL, 16);
		else if (!strcmp(key + 4, "cap_prm"))
			d->cap_prm[side] = strtoull(val, NULL, 16);
		else if (!strcmp(key + 4, "pidfs"))
			snprintf(d->pidfs[side], sizeof(d->pidfs[side]), "%s", val);
		else if (!strcmp(key + 4, "label"))
			snprintf(d->label[side], sizeof(d->label[side]), "%s", val);
	}
	fclose(f);
	return found;
}

long pc_stat(const char *key)
{
	char k[64];
	long v, ret = -1;
	FILE *f = pc_open_proc("peercred_stats");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", k, &v) == 2)
		if (!strcmp(k, key))
			ret = v;
	fclose(f);
	return ret;
}

/*
 * The pidfs id of fd's peer: fstat() of the pidfd SO_PEERPIDFD returns,
 * where that is a pidfs inode (6.9+). Before 6.5 there is no SO_PEERPIDFD
 * and before 6.9 pidfds share one anonymous inode: the row shows "-"; and
 * it shows "-" for an end hidden from the reader (its detail ids are "-").
 */
static void pc_check_pidfs(const char *name, int fd, const struct pc_row *r,
			   const struct pc_detail *d, int other)
{
	char n[256], want[24] = "-", why[128];
	socklen_t len = sizeof(int);
	bool hidden = d->uid[other][0] == PC_HIDDEN;
	struct statfs sfs;
	struct stat st;
	int pidfd;

	snprintf(n, sizeof(n), "%s.pidfs", name);
	if (!pc_features_ready(n))
		return;
	/* Not this reader's to see: its pidfs id neither (a "-", like comm). */
	if (hidden) {
		pc_result(!strcmp(r->pidfs[other], "-") && !strcmp(d->pidfs[other], "-"), n,
			  "row says %s, detail %s for an end hidden from this reader",
			  r->pidfs[other], d->pidfs[other]);
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len)) {
		if (errno != ENOPROTOOPT) {
			snprintf(why, sizeof(why),
				 "SO_PEERPIDFD: %s: this kernel gives no pidfd here",
				 strerror(errno));
			pc_skip(n, why);
			return;
		}
	} else {
		if (!fstatfs(pidfd, &sfs) && sfs.f_type == PC_PIDFS_MAGIC && !fstat(pidfd, &st))
			snprintf(want, sizeof(want), "%lu", (unsigned long)st.st_ino);
		close(pidfd);
	}
	pc_result(!strcmp(r->pidfs[other], want) && !strcmp(d->pidfs[other], want) &&
		  (strcmp(want, "-") || !pc_pidfs_shown), n,
		  "row says %s, detail %s, fstat(SO_PEERPIDFD) says %s (module shows pidfs: %d)",
		  r->pidfs[other], d->pidfs[other], want, pc_pidfs_shown);
}

/* @len bytes of @s as the module escapes names; at most @max of them. */
void pc_escape(char *out, size_t size, const char *s, size_t len, size_t max)
{
	size_t i, o = 0;

	for (i = 0; i < len && i < max && o + 5 < size; i++) {
		unsigned char c = s[i];

		if (c <= ' ' || c > '~' || c == '\\')
			o += snprintf(out + o, size - o, "\\%03o", c);
		else
			out[o++] = c;
	}
	out[o] = '\0';
	if (len > max)
		snprintf(out + o, size - o, "...");
}

/*
 * The LSM label of fd's peer is what SO_PEERSEC says on fd: in the row
 * (escaped, cut at 64 bytes) and in the detail block (whole). "-" where no
 * LSM answers, where the module cannot ask on this kernel (6.1), and for
 * an end hidden from this reader (its detail ids are "-").
 */
static void pc_check_label(const char *name, int fd, const struct pc_row *r,
			   const struct pc_detail *d, int other)
{
	char raw[4096], row[512] = "-", whole[4096] = "-", n[256];
	socklen_t len = sizeof(raw);
	bool hidden = d->uid[other][0] == PC_HIDDEN;

	snprintf(n, sizeof(n), "%s.label", name);
	if (!pc_features_ready(n))
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERSEC, raw, &len)) {
		if (errno != ENOPROTOOPT) {
			pc_result(false, n, "SO_PEERSEC: %s", strerror(errno));
			return;
		}
	} else if (pc_label_shown && !hidden) {
		while (len > 0 && !raw[len - 1])
			len--;
		pc_escape(row, sizeof(row), raw, len, 64);
		pc_escape(whole, sizeof(whole), raw, len, sizeof(raw));
	}
	pc_result(!strcmp(r->label[other], row) && !strcmp(d->label[other], whole), n,
		  "row says %s, detail %s; SO_PEERSEC gives %s (module shows labels: %d)",
		  r->label[other], d->label[other], whole, pc_label_shown);
}

/*
 * Check the row of the connection fd belongs to, from fd's point of view:
 * fd's own inode is on its side of the row, and the other side's columns
 * must be what the kernel tells fd about its peer.
 */
void pc_check_fd(const char *name, int fd, const struct pc_ident *peer,
		 const char *origin, const char *path)
{
	unsigned long ino = pc_ino(fd);
	struct ucred uc;
	socklen_t len = sizeof(uc);
	gid_t groups[PC_MAX_GROUPS];
	struct pc_detail d;
	struct pc_row r;
	char n[256];
	int side, other, i, ng;
	bool same;

	snprintf(n, sizeof(n), "%s.row", name);
	if (!pc_find_row(ino, &r, &side)) {
		pc_result(false, n, "no row with inode %lu; euid %u sees:", ino, geteuid());
		fflush(stdout);
		system("cat /proc/peercred");
		return;
	}
	pc_result(true, n, NULL);
	other = !side;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len)) {
		pc_result(false, name, "SO_PEERCRED: %s", strerror(errno));
		return;
	}
	snprintf(n, sizeof(n), "%s.peercred", name);
	pc_result(r.pid[other] == uc.pid && r.uid[other] == uc.uid &&
		  r.gid[other] == uc.gid, n,
		  "row says pid %d uid %u gid %u, SO_PEERCRED says pid %d uid %u gid %u",
		  r.pid[other], r.uid[other], r.gid[other], uc.pid, uc.uid, uc.gid);

	if (origin) {
		snprintf(n, sizeof(n), "%s.origin", name);
		pc_result(!strcmp(r.origin, origin), n, "row says %s, want %s",
			  r.origin, origin);
	}
	if (path) {
		snprintf(n, sizeof(n), "%s.path", name);
		pc_result(!strcmp(r.path, path), n, "row says %s, want %s", r.path, path);
	}

	snprintf(n, sizeof(n), "%s.detail", name);
	if (!pc_find_detail(ino, &d)) {
		pc_result(false, n, "no detail block with inode %lu", ino);
		return;
	}
	len = sizeof(groups);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len)) {
		pc_result(false, n, "SO_PEERGROUPS: %s", strerror(errno));
		return;
	}
	ng = len / sizeof(gid_t);
	same = ng == d.ngroups[other] && d.pid[other] == uc.pid &&
	       d.uid[other][1] == uc.uid && d.gid[other][1] == uc.gid;
	for (i = 0; same && i < ng; i++)
		same = groups[i] == d.groups[other][i];
	pc_result(same, n, "detail groups (%d) or ids differ from SO_PEERGROUPS (%d) / SO_PEERCRED",
		  d.ngroups[other], ng);
	pc_check_pidfs(name, fd, &r, &d, other);
	pc_check_label(name, fd, &r, &d, other);

	if (!peer)
		return;
	/* The test's own intent, which the kernel must have recorded. */
	snprintf(n, sizeof(n), "%s.ident", name);
	same = (!peer->pid || peer->pid == uc.pid) && peer->uid[1] == uc.uid &&
	       peer->gid[1] == uc.gid && peer->ngroups == ng;
	/* Ids not shown to this reader ("-"; see hiding.c) are not compared. */
	for (i = 0; i < 4; i++)
		same = same && (d.uid[other][i] == PC_HIDDEN ||
				d.uid[other][i] == peer->uid[i]) &&
		       (d.gid[other][i] == PC_HIDDEN || d.gid[other][i] == peer->gid[i]);
	for (i = 0; same && i < ng; i++)
		same = groups[i] == peer->groups[i];
	pc_result(same, n,
		  "detail uid %u/%u/%u/%u gid %u/%u/%u/%u pid %d, test set uid %u/%u/%u/%u gid %u/%u/%u/%u pid %d",
		  d.uid[other][0], d.uid[other][1], d.uid[other][2], d.uid[other][3],
		  d.gid[other][0], d.gid[other][1], d.gid[other][2], d.gid[other][3],
		  d.pid[other], peer->uid[0], peer->uid[1], peer->uid[2], peer->uid[3],
		  peer->gid[0], peer->gid[1], peer->gid[2], peer->gid[3], peer->pid);
}

/* Groups first: setgroups needs the privilege that setresuid drops. */
void pc_become(const struct pc_ident *who)
{
	if (setgroups(who->ngroups, who->groups) ||
	    setresgid(who->gid[0], who->gid[1], who->gid[2]) ||
	    setresuid(who->uid[0], who->uid[1], who->uid[2])) {
		pc_result(false, "become", "%s", strerror(errno));
		exit(1);
	}
}

/* fsuid/fsgid follow the effective ids after setres[ug]id. */
void pc_self(struct pc_ident *who)
{
	getresuid(&who->uid[0], &who->uid[1], &who->uid[2]);
	getresgid(&who->gid[0], &who->gid[1], &who->gid[2]);
	who->uid[3] = who->uid[1];
	who->gid[3] = who->gid[1];
	who->ngroups = getgroups(PC_MAX_GROUPS, who->groups);
	who->pid = getpid();
}

/*
 * scripts/peercred explain, run on @fd's inode: the block for @fd must say
 * what getsockopt() on @fd says, and contain @want (drift words) if given.
 */
void pc_check_cli(const char *name, int fd, const char *want)
{
	char cmd[64], line[512], block[4096] = "", expect[128];
	gid_t groups[PC_MAX_GROUPS];
	socklen_t len = sizeof(struct ucred);
	struct ucred uc;
	int i, n, status, in = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "peercred explain %lu", pc_ino(fd));
	p = popen(cmd, "r");
	if (!p || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len)) {
		pc_result(false, name, "cannot run %s or getsockopt", cmd);
		return;
	}
	/* The asked-about end's block ends where its peer's begins. */
	while (fgets(line, sizeof(line), p)) {
		if (strstr(line, "(the one you asked about)"))
			in = 1;
		else if (strstr(line, "(its peer)"))
			in = 0;
		if (in && strlen(block) + strlen(line) < sizeof(block))
			strcat(block, line);
	}
	status = pclose(p);
	snprintf(expect, sizeof(expect), "returns:   pid %d  uid %u  gid %u",
		 uc.pid, uc.uid, uc.gid);
	pc_result(status == 0 && strstr(block, expect), name,
		  "exit %d, no \"%s\" in:\n%s", status, expect, block);

	len = sizeof(groups);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len))
		return;
	n = len / sizeof(gid_t);
	snprintf(expect, sizeof(expect), "%s",
		 n ? "SO_PEERGROUPS) returns: " : "no supplementary groups");
	for (i = 0; i < n; i++)
		snprintf(expect + strlen(expect), sizeof(expect) - strlen(expect),
			 "%s%u", i ? " " : "", groups[i]);
	if (n)
		strcat(expect, "\n");
	snprintf(cmd, sizeof(cmd), "%s.groups", name);
	pc_result(strstr(block, expect), cmd, "no \"%s\" in:\n%s", expect, block);
	if (want) {
		snprintf(cmd, sizeof(cmd), "%s.says", name);
		pc_result(strstr(block, want), cmd, "no \"%s\" in:\n%s", want, block);
	}

	/* The JSON list, filtered by the peer's pid, has our end in it. */
	snprintf(cmd, sizeof(cmd), "peercred --json --pid %d", uc.pid);
	p = popen(cmd, "r");
	n = p ? (int)fread(block, 1, sizeof(block) - 1, p) : 0;
	block[n] = '\0';
	status = p ? pclose(p) : -1;
	snprintf(expect, sizeof(expect), "_ino\": %lu,", pc_ino(fd));
	snprintf(cmd, sizeof(cmd), "%s.json", name);
	pc_result(status == 0 && block[0] == '[' && strstr(block, expect), cmd,
		  "exit %d, no %s in:\n%s", status, expect, block);
}
