// SPDX-License-Identifier: GPL-2.0
/*
 * A row as text. Every id is translated for the reader exactly as
 * SO_PEERCRED/SO_PEERGROUPS would translate it for a caller in the same user
 * and pid namespaces (see cred_to_ucred() and groups_to_user()), so a row can
 * be checked against getsockopt() field by field.
 */

#include <linux/cred.h>
#include <linux/jiffies.h>
#include <linux/net.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string_helpers.h>
#include <linux/un.h>
#include <linux/user_namespace.h>
#include <net/af_unix.h>
#include <net/sock.h>

#include "compat.h"
#include "line.h"
#include "peercred.h"
#include "snapshot.h"

static const char *peercred_type_name(const struct sock *sk)
{
	switch (sk->sk_type) {
	case SOCK_STREAM:
		return "stream";
	case SOCK_SEQPACKET:
		return "seqpacket";
	default:
		return "other";
	}
}

static const char * const peercred_origin_names[] = {
	[PEERCRED_ORIGIN_CONNECT] = "connect",
	[PEERCRED_ORIGIN_SOCKETPAIR] = "socketpair",
	[PEERCRED_ORIGIN_PREEXISTING] = "preexisting",
	[PEERCRED_ORIGIN_TOMBSTONE] = "tombstone",	/* never shown */
};

/*
 * The name of the snapshot's thread group now ("-" once it has exited),
 * and its drift letters, from one look-up of the task. Under
 * rcu_read_lock(), which the table takes once for both ends of a row.
 */
struct peercred_now {
	char comm[TASK_COMM_LEN];
	char escaped[4 * TASK_COMM_LEN];	/* only for names that need it */
	char drift[PEERCRED_DRIFT_LEN];
	const char *shown_comm, *shown_drift;
	pid_t nr;
};

/* The name as shown: as it is if nothing in it needs escaping. */
static const char *peercred_comm_shown(struct peercred_now *now, int len)
{
	int n, room = sizeof(now->escaped) - 1;

	if (len <= 0)
		return "-";
	if (peercred_esc_plain(now->comm, len))
		return now->comm;
	n = peercred_esc(now->escaped, room, now->comm, len);
	now->escaped[min(n, room)] = '\0';
	return now->escaped;
}

static void peercred_now_rcu(struct peercred_now *now,
			     const struct peercred_side *side,
			     struct pid_namespace *pns)
{
	struct task_struct *task;
	int len = 0;

	now->nr = pid_nr_ns(side->pid, pns);
	if (side->hidden) {
		now->shown_comm = "-";
		now->shown_drift = "-";
		return;
	}
	task = pid_task(side->pid, PIDTYPE_TGID);
	/* A copy first: the task may rename itself while it is escaped. */
	if (task)
		len = strscpy(now->comm, task->comm, sizeof(now->comm));
	if (len < 0)
		len = strlen(now->comm);
	now->shown_comm = peercred_comm_shown(now, len);
	now->shown_drift = peercred_drift_of(now->drift, side,
					     peercred_snapshot_task(side), pns);
}

/*
 * The name the server is bound to, as /proc/net/unix spells it: "@" for the
 * abstract namespace's leading (and any inner) NUL; length 0 when unnamed.
 * The accepted sock carries the listener's address, and our reference on
 * it keeps that address alive.
 */
static int peercred_path_name(struct sock *srv, char name[UNIX_PATH_MAX])
{
	/* Pairs with the smp_store_release() of ->addr in unix_stream_connect(). */
	struct unix_address *addr = smp_load_acquire(&unix_sk(srv)->addr);
	int i, len;

	if (!addr)
		return 0;
	len = addr->len - offsetof(struct sockaddr_un, sun_path);
	len = clamp(len, 0, UNIX_PATH_MAX);
	memcpy(name, addr->name->sun_path, len);
	if (len && name[0])
		return strnlen(name, len);
	for (i = 0; i < len; i++)
		if (!name[i])
			name[i] = '@';
	return len;
}

static void peercred_format_path(struct seq_file *m, struct sock *srv)
{
	char name[UNIX_PATH_MAX];
	int len = peercred_path_name(srv, name);

	if (!len)
		seq_putc(m, '-');
	else
		seq_escape_mem(m, name, len, PEERCRED_ESC_FLAGS, PEERCRED_ESC_CHARS);
}

static void peercred_format_side_header(struct seq_file *m, const char *who)
{
	static const char * const col[] = {
		"ino", "pid", "uid", "gid", "comm", "drift",
	};
	char name[ARRAY_SIZE(col)][16];
	int i;

	for (i = 0; i < ARRAY_SIZE(col); i++)
		snprintf(name[i], sizeof(name[i]), "%s_%s", who, col[i]);
	seq_printf(m, " %8s %7s %7s %7s %-15s %-9s", name[0], name[1], name[2],
		   name[3], name[4], name[5]);
}

/* Same widths as a row, so that the columns line up for people too. */
void peercred_format_header(struct seq_file *m)
{
	seq_printf(m, "%-9s %-11s", "type", "origin");
	peercred_format_side_header(m, "srv");
	peercred_format_side_header(m, "cli");
	seq_printf(m, " %8s %-5s %s", "age_ms", "flags", "path");
	/* Later columns are appended, so that awk '$N' scripts keep working. */
	seq_puts(m, " srv_pidfs srv_label cli_pidfs cli_label\n");
}
EXPORT_SYMBOL_IF_KUNIT(peercred_format_header);

/* SO_PEERCRED reports (uid_t)-1 when a sock holds no cred at all. */
static u32 peercred_euid(const struct cred *cred, struct user_namespace *uns)
{
	return cred ? from_kuid_munged(uns, cred->euid) : (u32)-1;
}

static u32 peercred_egid(const struct cred *cred, struct user_namespace *uns)
{
	return cred ? from_kgid_munged(uns, cred->egid) : (u32)-1;
}

static void peercred_format_side(struct peercred_line *l,
				 const struct peercred_side *side,
				 const struct peercred_now *now,
				 struct user_namespace *uns)
{
	peercred_line_num(l, peercred_sock_ino(side->sk), 8);
	peercred_line_num(l, now->nr, 7);
	peercred_line_num(l, peercred_euid(side->cred, uns), 7);
	peercred_line_num(l, peercred_egid(side->cred, uns), 7);
	peercred_line_str(l, now->shown_comm, 15);
	peercred_line_str(l, now->shown_drift, 9);
}

/* An accepted sock has no inode until accept() grafts it. */
static const char *peercred_flags(const struct peercred_conn *row)
{
	return row->side[PEERCRED_SRV].sk->sk_socket ? "-" : "p";
}

/*
 * An end's label is what SO_PEERSEC returns on the opposite sock, the one
 * holding this end's snapshot, to the reader. Asked only where the reader
 * may ask it (proc.c: peercred_seq_ask_label()), and not when the admin
 * turned labels off.
 */
static bool peercred_side_labelled(const struct peercred_conn *row, int i)
{
	return row->side[i].ask_label && row->reader && READ_ONCE(peercred_labels);
}

static int peercred_side_label(const struct peercred_conn *row, int i,
			       char *buf, int size, bool *cut)
{
	*cut = false;
	if (!peercred_side_labelled(row, i))
		return 0;
	return peercred_label(row->side[!i].sk, row->reader, buf, size, cut);
}

/*
 * An end's pidfs id, 0 where not shown: pidfs ids grow with every process
 * the machine makes, so another user's would tell a reader when processes
 * it may not see were made; shown only where the process is the reader's
 * to see.
 */
static u64 peercred_side_pidfs(const struct peercred_conn *row, int i)
{
	return row->side[i].hidden ? 0 : peercred_pidfs_ino(row->side[i].pid);
}

/* The table holds this much of a label; the detail block holds it all. */
#define PEERCRED_LABEL_ROW	64
#define PEERCRED_LABEL_CUT	"..."

/* " pidfs label" of end @i: "-" for what the kernel does not give. */
static void peercred_format_identity(struct peercred_line *l,
				     const struct peercred_conn *row, int i)
{
	u64 ino = peercred_side_pidfs(row, i);
	char label[PEERCRED_LABEL_ROW] __uninitialized;
	bool cut;
	int len;

	if (ino)
		peercred_line_num(l, ino, 0);
	else
		peercred_line_str(l, "-", 0);
	len = peercred_side_label(row, i, label, sizeof(label), &cut);
	peercred_line_putc(l, ' ');
	if (len <= 0) {
		peercred_line_putc(l, '-');
		return;
	}
	peercred_line_escape(l, label, len);
	if (cut)
		peercred_line_escape(l, PEERCRED_LABEL_CUT, strlen(PEERCRED_LABEL_CUT));
}

/*
 * Per row, so its buffers are __uninitialized: each is written before it
 * is read, and CONFIG_INIT_STACK_ALL_ZERO (Debian's) would clear some 400
 * bytes a row, a tenth of what showing it costs.
 */
void peercred_format_row(struct seq_file *m, const struct peercred_conn *row,
			 struct user_namespace *uns, struct pid_namespace *pns)
{
	const struct peercred_side *srv = &row->side[PEERCRED_SRV];
	struct peercred_now now[PEERCRED_SIDES] __uninitialized;
	char name[UNIX_PATH_MAX] __uninitialized;
	struct peercred_line l;
	int i, len;

	rcu_read_lock();
	for (i = 0; i < PEERCRED_SIDES; i++)
		peercred_now_rcu(&now[i], &row->side[i], pns);
	rcu_read_unlock();
	peercred_line_begin(m, &l);
	peercred_line_str(&l, peercred_type_name(srv->sk), 9);
	peercred_line_str(&l, peercred_origin_names[row->origin], 11);
	for (i = 0; i < PEERCRED_SIDES; i++)
		peercred_format_side(&l, &row->side[i], &now[i], uns);
	peercred_line_num(&l, jiffies_to_msecs(jiffies - row->stamp), 8);
	peercred_line_str(&l, peercred_flags(row), 5);
	peercred_line_putc(&l, ' ');
	len = peercred_path_name(srv->sk, name);
	if (len)
		peercred_line_escape(&l, name, len);
	else
		peercred_line_putc(&l, '-');
	peercred_format_identity(&l, row, PEERCRED_SRV);
	peercred_format_identity(&l, row, PEERCRED_CLI);
	peercred_line_putc(&l, '\n');
	peercred_line_commit(m, &l);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_format_row);

/*
 * The snapshot's ids, as /proc/PID/status spells them. For an end the
 * reader may not see, only what SO_PEERCRED and SO_PEERGROUPS would give
 * it: the effective ids and the groups; the rest is "-".
 */
static void peercred_format_cred(struct seq_file *m, const char *who,
				 const struct peercred_side *side,
				 struct user_namespace *uns)
{
	const struct cred *cred = side->cred;
	const struct group_info *gi;
	int i;

	if (!cred)
		return;
	if (side->hidden) {
		seq_printf(m, "%s_uid:\t-\t%u\t-\t-\n%s_gid:\t-\t%u\t-\t-\n",
			   who, from_kuid_munged(uns, cred->euid),
			   who, from_kgid_munged(uns, cred->egid));
	} else {
		seq_printf(m, "%s_uid:\t%u\t%u\t%u\t%u\n", who,
			   from_kuid_munged(uns, cred->uid),
			   from_kuid_munged(uns, cred->euid),
			   from_kuid_munged(uns, cred->suid),
			   from_kuid_munged(uns, cred->fsuid));
		seq_printf(m, "%s_gid:\t%u\t%u\t%u\t%u\n", who,
			   from_kgid_munged(uns, cred->gid),
			   from_kgid_munged(uns, cred->egid),
			   from_kgid_munged(uns, cred->sgid),
			   from_kgid_munged(uns, cred->fsgid));
	}
	seq_printf(m, "%s_groups:\t", who);
	gi = cred->group_info;
	for (i = 0; i < gi->ngroups; i++)
		seq_printf(m, "%s%u", i ? " " : "",
			   from_kgid_munged(uns, gi->gid[i]));
	seq_putc(m, '\n');
	if (side->hidden) {
		seq_printf(m, "%s_cap_eff:\t-\n%s_cap_prm:\t-\n", who, who);
		return;
	}
	seq_printf(m, "%s_cap_eff:\t%016llx\n", who,
		   peercred_cap_u64(cred->cap_effective));
	seq_printf(m, "%s_cap_prm:\t%016llx\n", who,
		   peercred_cap_u64(cred->cap_permitted));
}

/* The detail block's label is whole, up to a page ("..." past that). */
static void peercred_format_detail_identity(struct seq_file *m, const char *who,
					    const struct peercred_conn *row,
					    int i)
{
	u64 ino = peercred_side_pidfs(row, i);
	char *label = NULL;
	bool cut = false;
	int len = 0;

	if (ino)
		seq_printf(m, "%s_pidfs:\t%llu\n", who, ino);
	else
		seq_printf(m, "%s_pidfs:\t-\n", who);
	if (peercred_side_labelled(row, i))
		label = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (label)
		len = peercred_side_label(row, i, label, PAGE_SIZE, &cut);
	seq_printf(m, "%s_label:\t", who);
	if (len > 0)
		seq_escape_mem(m, label, len, PEERCRED_ESC_FLAGS, PEERCRED_ESC_CHARS);
	else
		seq_putc(m, '-');
	seq_printf(m, "%s\n", cut ? PEERCRED_LABEL_CUT : "");
	kfree(label);
}

/* One "key:\tvalue" block per connection, /proc/<pid>/status style. */
void peercred_format_detail(struct seq_file *m, const struct peercred_conn *row,
			    struct user_namespace *uns,
			    struct pid_namespace *pns)
{
	static const char * const who[] = {
		[PEERCRED_SRV] = "srv", [PEERCRED_CLI] = "cli",
	};
	struct peercred_now now;
	int i;

	seq_printf(m, "type:\t%s\norigin:\t%s\npath:\t",
		   peercred_type_name(row->side[PEERCRED_SRV].sk),
		   peercred_origin_names[row->origin]);
	peercred_format_path(m, row->side[PEERCRED_SRV].sk);
	seq_printf(m, "\nage_ms:\t%u\nflags:\t%s\n",
		   jiffies_to_msecs(jiffies - row->stamp), peercred_flags(row));
	for (i = 0; i < PEERCRED_SIDES; i++) {
		const struct peercred_side *side = &row->side[i];

		rcu_read_lock();
		peercred_now_rcu(&now, side, pns);
		rcu_read_unlock();
		seq_printf(m, "%s_ino:\t%llu\n%s_pid:\t%d\n%s_comm:\t%s\n%s_drift:\t%s\n",
			   who[i], peercred_sock_ino(side->sk), who[i], now.nr,
			   who[i], now.shown_comm, who[i], now.shown_drift);
		peercred_format_cred(m, who[i], side, uns);
		peercred_format_detail_identity(m, who[i], row, i);
	}
	seq_putc(m, '\n');
}
EXPORT_SYMBOL_IF_KUNIT(peercred_format_detail);
