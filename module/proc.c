// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/peercred (one line per connection), /proc/peercred_detail (one block
 * per connection) and /proc/peercred_stats (counters).
 *
 * Readers walk the SRV hash under RCU. The seq_file position encodes
 * (bucket, offset in bucket) as /proc/net/unix does, so a read that resumes
 * after a full buffer finds its place in O(chain), not O(rows): reading the
 * whole table stays linear however many read() calls it takes.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "compat.h"
#include "peercred.h"

#define PEERCRED_POS_BUCKET(pos)	((pos) >> 32)
#define PEERCRED_POS_OFFSET(pos)	((pos) & 0xffffffffULL)
#define PEERCRED_POS(bucket, offset)	(((loff_t)(bucket) << 32) | (offset))

static struct peercred_table *peercred_seq_table(struct seq_file *m)
{
	return pde_data(file_inode(m->file));
}

/* The row at *pos, or the next one after it; offsets count from 1. */
static struct peercred_row *peercred_seq_find(struct peercred_table *t,
					      loff_t *pos)
{
	unsigned long bucket = PEERCRED_POS_BUCKET(*pos);
	unsigned long offset = PEERCRED_POS_OFFSET(*pos);
	struct peercred_side *side;
	unsigned long n;

	for (; bucket < peercred_table_buckets(t); bucket++, offset = 1) {
		n = 0;
		hlist_for_each_entry_rcu(side, &t->hash[PEERCRED_SRV][bucket].head,
					 node) {
			if (++n < offset)
				continue;
			*pos = PEERCRED_POS(bucket, n);
			return peercred_side_row(side, PEERCRED_SRV);
		}
	}
	*pos = PEERCRED_POS(bucket, 0);
	return NULL;
}

/*
 * Who may see which rows, decided from the opener's credentials (as for any
 * /proc file, not from whoever happens to read()): CAP_SYS_ADMIN in the
 * initial user namespace sees every row; anyone else only rows in which one
 * end's stored euid is the opener's own.
 */
struct peercred_seq_state {
	bool all;
	kuid_t euid;
};

static void *peercred_seq_start(struct seq_file *m, loff_t *pos)
	__acquires(RCU)
{
	struct peercred_seq_state *st = m->private;

	st->all = file_ns_capable(m->file, &init_user_ns, CAP_SYS_ADMIN);
	st->euid = m->file->f_cred->euid;
	rcu_read_lock();
	if (!*pos)
		return SEQ_START_TOKEN;
	return peercred_seq_find(peercred_seq_table(m), pos);
}

static void *peercred_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	/* Position 0 is the header; the first row is (bucket 0, offset 1). */
	*pos = *pos ? *pos + 1 : PEERCRED_POS(0, 1);
	return peercred_seq_find(peercred_seq_table(m), pos);
}

static void peercred_seq_stop(struct seq_file *m, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

/*
 * The pid namespace of this /proc mount: inside a container that is the
 * container's, as pid_vnr() would give SO_PEERCRED callers there.
 */
static struct pid_namespace *peercred_seq_pid_ns(struct seq_file *m)
{
	return proc_pid_ns(file_inode(m->file)->i_sb);
}

/* Caller holds the row's references (peercred_row_lock). */
static bool peercred_seq_visible(const struct peercred_seq_state *st,
				 const struct peercred_row *row)
{
	int i;

	if (st->all)
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
	bool dead = false;

	if (peercred_row_lock(t, row)) {
		dead = peercred_row_is_dead(row);
		if (!dead && peercred_seq_visible(m->private, row))
			format(m, row, seq_user_ns(m), peercred_seq_pid_ns(m));
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
	peercred_proc_table = proc_create_seq_private("peercred", 0444, NULL,
						      &peercred_table_seq_ops,
						      sizeof(struct peercred_seq_state), t);
	if (!peercred_proc_table)
		goto err;
	peercred_proc_detail = proc_create_seq_private("peercred_detail", 0444, NULL,
						       &peercred_detail_seq_ops,
						       sizeof(struct peercred_seq_state), t);
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
