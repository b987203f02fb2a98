// SPDX-License-Identifier: GPL-2.0
/*
 * Per-user shares, against a user who tries to blind the others by filling
 * the table (run right after a load with max_rows=256): the hog holds far
 * more socketpairs than its share; other users' connections are still
 * recorded; users together stop at the admins' reserve, which root still
 * gets; and a user cannot spread its rows over the uids of a user
 * namespace of its own. Every figure comes from /proc/peercred_stats.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pctest.h"

#define PC_HOG_PAIRS	400
#define PC_USERNS_UIDS	48

/* Rows whose srv end holds a uid in [lo, hi], as root sees them. */
static int pc_rows_of(unsigned int lo, unsigned int hi)
{
	unsigned int uid;
	char line[2048];
	int n = 0;
	FILE *f = fopen("/proc/peercred", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*u %*d %u", &uid) == 1 &&
		    uid >= lo && uid <= hi)
			n++;
	fclose(f);
	return n;
}

/*
 * uid 1009 makes a user namespace; root maps 48 of its uids; one pair is
 * made as each of them. All are charged to uid 1009, the namespace's
 * owner: no more than one share is recorded.
 */
static void pc_share_userns(long share)
{
	long before = pc_stat("dropped_share");
	struct pc_ident who = pc_user(1009);
	int up[2], go[2], hold[2], i, made = 0, n;
	pid_t ns;
	char c;

	if (pipe(up) || pipe(go) || pipe(hold))
		exit(1);
	ns = fork();
	if (!ns) {
		close(hold[1]);
		pc_become(&who);
		if (unshare(CLONE_NEWUSER))
			exit(1);
		pc_xwrite(up[1], "u", 1);
		pc_xread(go[0], &c, 1);
		for (i = 0; i < PC_USERNS_UIDS; i++) {
			if (!fork()) {
				if (setresgid(i, i, i) || setresuid(i, i, i))
					exit(1);
				pc_hold_pairs(1, up[1], hold[0]);
			}
		}
		while (read(hold[0], &c, 1) > 0)
			;
		exit(pc_wait_children());
	}
	if (read(up[0], &c, 1) != 1) {
		pc_result(false, "share.userns", "no user namespace for uid 1009");
		return;
	}
	pc_map_ns(ns, "0 400000 65536");
	pc_xwrite(go[1], "g", 1);
	for (i = 0; i < PC_USERNS_UIDS; i++) {
		pc_xread(up[0], &n, sizeof(n));
		made += n;
	}
	n = pc_rows_of(400000, 400000 + PC_USERNS_UIDS - 1);
	pc_result(made == PC_USERNS_UIDS && n == share, "share.userns-charged-to-owner",
		  "%d pairs as %d uids of uid 1009's namespace have %d rows, want %ld",
		  made, PC_USERNS_UIDS, n, share);
	pc_result(pc_stat("dropped_share") - before == PC_USERNS_UIDS - share,
		  "share.userns-drops-counted", "dropped_share %ld more, want %ld",
		  pc_stat("dropped_share") - before, PC_USERNS_UIDS - share);
	close(hold[1]);
	waitpid(ns, NULL, 0);
}

int pc_share(void)
{
	/* The default share is an eighth of the table; the reserve, one share. */
	long max = pc_stat("max_rows"), share = max / 8, reserve = share;
	long full, dropped;
	int hogs[2], fill[2], users, i, made, sv[2], side, status;
	struct pc_ident me;
	struct pc_row r;

	if (pipe(hogs))
		return 1;
	pc_result(pc_stat("user_rows") == share && pc_stat("admin_reserve") == reserve,
		  "share.default-share", "user_rows %ld admin_reserve %ld, want %ld %ld",
		  pc_stat("user_rows"), pc_stat("admin_reserve"), share, reserve);
	if (share <= 0)
		return 1;

	dropped = pc_stat("dropped_share");
	made = pc_user_holds(1000, PC_HOG_PAIRS, hogs);
	pc_result(made == PC_HOG_PAIRS && pc_rows_of(1000, 1000) == share,
		  "share.hog-holds-its-share", "uid 1000 made %d pairs, holds %d rows",
		  made, pc_rows_of(1000, 1000));
	pc_result(pc_stat("dropped_share") - dropped == PC_HOG_PAIRS - share,
		  "share.hog-drops-counted", "dropped_share %ld more, want %ld",
		  pc_stat("dropped_share") - dropped, PC_HOG_PAIRS - share);
	if (!pc_other_user_recorded("share", 1001, "@peercred-share-other"))
		pc_result(false, "share.other-user", "its connections were not all recorded");

	/* Users fill all but the reserve, one share each; the hog has no end of this pipe. */
	if (pipe(fill))
		return 1;
	users = (max - reserve) / share - 1;
	for (i = 0; i < users; i++)
		pc_user_holds(1002 + i, share, fill);
	pc_result(pc_stat("live") == max - reserve, "share.users-stop-at-reserve",
		  "live %ld, want %ld", pc_stat("live"), max - reserve);
	full = pc_stat("dropped_full");
	if (!fork()) {
		me = pc_user(1008);
		pc_become(&me);
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			exit(1);
		exit(pc_find_row(pc_ino(sv[0]), &r, &side));
	}
	wait(&status);
	pc_result(WIFEXITED(status) && !WEXITSTATUS(status) &&
		  pc_stat("dropped_full") - full == 1, "share.reserve-refused-to-users",
		  "uid 1008 got a row (exit status %d), dropped_full %ld more",
		  status, pc_stat("dropped_full") - full);
	pc_self(&me);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 1;
	pc_check_fd("share.admin-gets-reserve", sv[0], &me, "socketpair", "-");
	close(sv[0]);
	close(sv[1]);

	close(fill[1]);
	while (pc_stat("live") > share + 1)
		usleep(10000);
	pc_share_userns(share);
	close(hogs[1]);
	return pc_wait_children() + (pc_failures() != 0);
}
