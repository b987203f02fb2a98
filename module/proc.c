// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/peercred (one line per connection), /proc/peercred_detail (one block
 * per connection) and /proc/peercred_stats (counters).
 *
 * Readers walk the SRV hash under RCU. The seq_file position encodes
 * (bucket, offset in bucket) as /proc/net/unix does, so a read that resumes
 * after a full buffer finds its place in O(chain), not O(rows): reading the
 * whole table stays linear however many read() calls it takes. Unlike
 * /proc/net/unix, a resumed read does not skip a row when rows before it
 * went away meanwhile (see peercred_seq_start()).
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "compat.h"
#include "peercred.h"

#define PEERCRED_POS_BUCKET(pos)	((pos) >> 32)
#define PEERCRED_POS_OFFSET(pos)	((pos) & 0xffffffffULL)
#define PEERCRED_POS(bucket, offset)	(((loff_t)(bucket) << 32) | (offset))

static struct peercred_table *peercred_seq_table(struct seq_file *m)
{
	return pde_data(file_inode(m->file));
}

/*
 * Who may see which rows, and in which ids, is decided when the file is
 * opened, from the opener (as for any /proc file, not from whoever happens
 * to read() a passed fd later):
 *  - CAP_SYS_ADMIN in the initial user namespace: every row of every netns;
 *  - CAP_SYS_ADMIN over its own netns (a container's root): every row of
 *    that netns;
 *  - anyone else: rows of its own netns in which one end's stored euid is
 *    its own.
 * Ids are translated into the opener's user and pid namespaces, which is
 * what SO_PEERCRED (current_user_ns(), pid_vnr()) would give it.
 */
struct peercred_seq_state {
	bool all;
	bool net_admin;
	kuid_t euid;
	struct net *net;
	struct pid_namespace *pns;
	/* The row last returned and its position; the row is compared only. */
	struct peercred_row *last;
	loff_t last_pos;
};

static struct peercred_row *peercred_seq_emit(struct peercred_seq_state *st,
					      struct peercred_side *side,
					      unsigned long bucket,
					      unsigned long offset, loff_t *pos)
{
	*pos = PEERCRED_POS(bucket, offset);
	st->last = peercred_side_row(side, PEERCRED_SRV);
	st->last_pos = *pos;
	return st->last;
}

/* The first row after the first @skip of @bucket, or in a later bucket. */
static struct peercred_row *peercred_seq_find(struct seq_file *m,
					      unsigned long bucket,
					      unsigned long skip, loff_t *pos)
{
	struct peercred_table *t = peercred_seq_table(m);
	struct peercred_side *side;
	unsigned long n;

	for (; bucket < peercred_table_buckets(t); bucket++, skip = 0) {
		n = 0;
		hlist_for_each_entry_rcu(side, &t->hash[PEERCRED_SRV][bucket].head,
					 node) {
			if (n++ < skip)
				continue;
			return peercred_seq_emit(m->private, side, bucket, n, pos);
		}
	}
	*pos = PEERCRED_POS(bucket, 0);
	return NULL;
}

/* Where @row is in @bucket now, counting from 1; 0 if it is gone. */
static unsigned long peercred_seq_index(struct peercred_table *t,
					unsigned long bucket,
					const struct peercred_row *row)
{
	struct peercred_side *side;
	unsigned long n = 0;

	hlist_for_each_entry_rcu(side, &t->hash[PEERCRED_SRV][bucket].head, node) {
		n++;
		if (peercred_side_row(side, PEERCRED_SRV) == row)
			return n;
	}
	return 0;
}

static int peercred_seq_open(struct file *file,
			     const struct seq_operations *ops)
{
	struct peercred_seq_state *st;

	st = __seq_open_private(file, ops, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->net = get_net(current->nsproxy->net_ns);
	st->pns = get_pid_ns(task_active_pid_ns(current));
	st->all = file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
	st->net_admin = file_ns_capable(file, st->net->user_ns, CAP_SYS_ADMIN);
	st->euid = file->f_cred->euid;
	return 0;
}

static int peercred_seq_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct peercred_seq_state *st = m->private;

	put_pid_ns(st->pns);
	put_net(st->net);
	return seq_release_private(inode, file);
}

/*
 * A read() resumes at *pos: the row where the last one stopped, or the one
 * after it. Found by its address while it is still there, since offsets
 * shift when rows before it go; by offset only when it went itself.
 */
static void *peercred_seq_start(struct seq_file *m, loff_t *pos)
	__acquires(RCU)
{
	struct peercred_seq_state *st = m->private;
	unsigned long bucket = PEERCRED_POS_BUCKET(*pos);
	unsigned long offset = PEERCRED_POS_OFFSET(*pos);
	unsigned long k;

	rcu_read_lock();
	if (!*pos)
		return SEQ_START_TOKEN;
	if (st->last && bucket == PEERCRED_POS_BUCKET(st->last_pos) &&
	    bucket < peercred_table_buckets(peercred_seq_table(m))) {
		k = peercred_seq_index(peercred_seq_table(m), bucket, st->last);
		if (k && *pos == st->last_pos)
			return peercred_seq_find(m, bucket, k - 1, pos);
		if (k && *pos == st->last_pos + 1)
			return peercred_seq_find(m, bucket, k, pos);
	}
	return peercred_seq_find(m, bucket, offset ? offset - 1 : 0, pos);
}

/* Within one read(), the next row is the current one's successor. */
static void *peercred_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct peercred_row *row = v;
	struct peercred_side *next;
	unsigned long bucket = PEERCRED_POS_BUCKET(*pos);

	/* Position 0 is the header; the first row is (bucket 0, offset 1). */
	if (v == SEQ_START_TOKEN)
		return peercred_seq_find(m, 0, 0, pos);
	next = hlist_entry_safe(rcu_dereference(hlist_next_rcu(&row->side[PEERCRED_SRV].node)),
				struct peercred_side, node);
	if (next)
		return peercred_seq_emit(m->private, next, bucket,
					 PEERCRED_POS_OFFSET(*pos) + 1, pos);
	return peercred_seq_find(m, bucket + 1, 0, pos);
}

static void peercred_seq_stop(struct seq_file *m, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

/* Caller holds the row's references (peercred_row_lock). */
static bool peercred_seq_visible(const struct peercred_seq_state *st,
				 const struct peercred_row *row)
{
	int i;

	if (st->all)
		return true;
	if (!net_eq(sock_net(row->side[PEERCRED_SRV].sk), st->net))
		return false;
	if (st->net_admin)
		return true;
	for (i = 0; i < PEERCRED_SIDES; i++)
		if (row->side[i].cred && uid_eq(row->side[i].cred->euid, st->euid))
			return true;
	return false;
}

/*
 * Format one row with its references pinned (the SRV bucket lock); a row
 * whose sock died unseen by the release probe is reaped instead.
 */
static int peercred_seq_format(struct seq_file *m, struct peercred_row *row,
			       void (*format)(struct seq_file *m,
					      const struct peercred_row *row,
					      struct user_namespace *uns,
					      struct pid_namespace *pns))
{
	struct peercred_table *t = peercred_seq_table(m);
	struct peercred_seq_state *st = m->private;
	bool dead = false;

	if (peercred_row_lock(t, row)) {
		dead = peercred_row_is_dead(row);
		if (!dead && peercred_seq_visible(st, row))
			format(m, row, seq_user_ns(m), st->pns);
	}
	peercred_row_unlock(t, row);
	if (dead)
		peercred_table_remove(t, row);
	return 0;
}

static int peercred_table_show(struct seq_file *m, void *v)
{
	if (v == SEQ_START_TOKEN) {
		peercred_format_header(m);
		return 0;
	}
	return peercred_seq_format(m, v, peercred_format_row);
}

static int peercred_detail_show(struct seq_file *m, void *v)
{
	if (v == SEQ_START_TOKEN)
		return 0;
	return peercred_seq_format(m, v, peercred_format_detail);
}

static const struct seq_operations peercred_table_seq_ops = {
	.start = peercred_seq_start,
	.next = peercred_seq_next,
	.stop = peercred_seq_stop,
	.show = peercred_table_show,
};

static const struct seq_operations peercred_detail_seq_ops = {
	.start = peercred_seq_start,
	.next = peercred_seq_next,
	.stop = peercred_seq_stop,
	.show = peercred_detail_show,
};

static int peercred_table_open(struct inode *inode, struct file *file)
{
	return peercred_seq_open(file, &peercred_table_seq_ops);
}

static int peercred_detail_open(struct inode *inode, struct file *file)
{
	return peercred_seq_open(file, &peercred_detail_seq_ops);
}

/* No .proc_write: a write to these files fails and changes nothing. */
static const struct proc_ops peercred_table_proc_ops = {
	.proc_open = peercred_table_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = peercred_seq_release,
};

static const struct proc_ops peercred_detail_proc_ops = {
	.proc_open = peercred_detail_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = peercred_seq_release,
};

static int peercred_stats_show(struct seq_file *m, void *v)
{
	struct peercred_table *t = m->private;

	seq_printf(m, "live %d\nmax_rows %u\nrecorded %ld\nremoved %ld\ndropped %ld\n",
		   atomic_read(&t->live), t->max_rows,
		   atomic_long_read(&t->recorded), atomic_long_read(&t->removed),
		   atomic_long_read(&t->dropped));
	peercred_probes_show(m);
	return 0;
}

static struct proc_dir_entry *peercred_proc_table;
static struct proc_dir_entry *peercred_proc_detail;
static struct proc_dir_entry *peercred_proc_stats;

int peercred_proc_init(struct peercred_table *t)
{
	peercred_proc_table = proc_create_data("peercred", 0444, NULL,
					       &peercred_table_proc_ops, t);
	if (!peercred_proc_table)
		goto err;
	peercred_proc_detail = proc_create_data("peercred_detail", 0444, NULL,
						&peercred_detail_proc_ops, t);
	if (!peercred_proc_detail)
		goto err_table;
	peercred_proc_stats = proc_create_single_data("peercred_stats", 0444, NULL,
						      peercred_stats_show, t);
	if (!peercred_proc_stats)
		goto err_detail;
	return 0;

err_detail:
	proc_remove(peercred_proc_detail);
err_table:
	proc_remove(peercred_proc_table);
err:
	pr_err("cannot create /proc/peercred files\n");
	return -ENOMEM;
}

/* proc_remove() waits for readers, so no reader outlives the table. */
void peercred_proc_exit(void)
{
	proc_remove(peercred_proc_stats);
	proc_remove(peercred_proc_detail);
	proc_remove(peercred_proc_table);
}
