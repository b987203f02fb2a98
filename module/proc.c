// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/peercred (one line per connection), /proc/peercred_detail (one block
 * per connection) and /proc/peercred_stats (counters).
 *
 * A reader goes bucket by bucket: it pins the rows of one bucket that it
 * may see (their socks, referenced, under the bucket's bit lock for the
 * length of one chain), then shows them from process context, where taking
 * each sock's sk_peer_lock is allowed on every kernel. No lock, no RCU read
 * section and no reference is held between read() calls (pins.c), so a
 * reader cannot stall anyone, nor keep anyone's sockets alive, however
 * large the table and however long it keeps the file open. The seq_file
 * position is (bucket, index among the pinned rows): a read() that resumes
 * after a full buffer continues from the same rows, held again, so no row
 * that was there when its bucket was pinned, and still is, is skipped or
 * shown twice.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "compat.h"
#include "peercred.h"

#define PEERCRED_POS_BUCKET(pos)	((pos) >> 32)
#define PEERCRED_POS_INDEX(pos)		((pos) & 0xffffffffULL)
#define PEERCRED_POS(bucket, index)	(((loff_t)(bucket) << 32) | (index))

#define PEERCRED_SEQ_BUF	SZ_64K

static struct peercred_table *peercred_seq_table(struct seq_file *m)
{
	return pde_data(file_inode(m->file));
}

/*
 * Who may see which rows, and in which ids, is decided by the credentials
 * that opened the file (file->f_cred), throughout, as for any /proc file:
 * not by whoever happens to read() a passed fd later.
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
	bool ptrace_all;
	enum proc_hidepid hide_pid;	/* of the proc mount opened through */
	kgid_t pid_gid;
	const struct cred *cred;	/* the opener's */
	struct pid *opener;		/* its thread group */
	struct net *net;
	struct pid_namespace *pns;
	struct peercred_view view;	/* the rows it may see, unless all */
	struct peercred_pins pins;	/* the rows of one bucket */
	unsigned long bucket;		/* which, while pinned is true */
	bool pinned;
	bool stale;			/* pins held nothing since the last read() */
};

static int peercred_seq_open(struct file *file,
			     const struct seq_operations *ops)
{
	struct peercred_seq_state *st;
	struct seq_file *m;

	st = __seq_open_private(file, ops, sizeof(*st));
	if (!st)
		return -ENOMEM;
	/*
	 * Each read() fills at most one buffer, and a row that does not fit
	 * is formatted again in the next: with seq_file's first page, one row
	 * in 26 was formatted twice and every 4 KiB cost a syscall. What
	 * seq_release() frees; charged to the opener, like its other files.
	 */
	m = file->private_data;
	m->buf = kvmalloc(PEERCRED_SEQ_BUF, GFP_KERNEL_ACCOUNT);
	if (!m->buf) {
		seq_release_private(file_inode(file), file);
		return -ENOMEM;
	}
	m->size = PEERCRED_SEQ_BUF;
	st->cred = get_cred(file->f_cred);
	st->opener = get_pid(task_tgid(current));
	st->net = get_net(current->nsproxy->net_ns);
	st->pns = get_pid_ns(task_active_pid_ns(current));
	st->all = file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
	st->net_admin = file_ns_capable(file, st->net->user_ns, CAP_SYS_ADMIN);
	st->ptrace_all = file_ns_capable(file, &init_user_ns, CAP_SYS_PTRACE);
	st->hide_pid = proc_sb_info(file_inode(file)->i_sb)->hide_pid;
	st->pid_gid = proc_sb_info(file_inode(file)->i_sb)->pid_gid;
	st->view.net = st->net;
	st->view.own = !st->net_admin;
	st->view.euid = st->cred->euid;
	return 0;
}

/* The rows this reader may see, as pins.c asks: NULL for all of them. */
static const struct peercred_view *
peercred_seq_view(const struct peercred_seq_state *st)
{
	return st->all ? NULL : &st->view;
}

static int peercred_seq_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct peercred_seq_state *st = m->private;

	peercred_pins_free(&st->pins);
	put_pid_ns(st->pns);
	put_net(st->net);
	put_pid(st->opener);
	put_cred(st->cred);
	return seq_release_private(inode, file);
}

/* The row at @index of @bucket, or the first of a later bucket. */
static void *peercred_seq_find(struct seq_file *m, unsigned long bucket,
			       unsigned long index, loff_t *pos)
{
	struct peercred_table *t = peercred_seq_table(m);
	struct peercred_seq_state *st = m->private;
	int err;

	for (; bucket < peercred_table_buckets(t); bucket++, index = 0) {
		if (!st->pinned || st->bucket != bucket) {
			st->pinned = false;
			err = peercred_pins_fill(t, bucket, peercred_seq_view(st),
						 &st->pins);
			if (err)
				return ERR_PTR(err);
			st->bucket = bucket;
			st->pinned = true;
		} else if (st->stale) {
			peercred_pins_rehold(t, bucket, peercred_seq_view(st),
					     &st->pins, index);
		}
		st->stale = false;
		/* Rows that went between two read() calls. */
		while (index < st->pins.n && !st->pins.pin[index].sk[PEERCRED_SRV])
			index++;
		if (index < st->pins.n) {
			*pos = PEERCRED_POS(bucket, index + 1);
			return &st->pins.pin[index];
		}
		if (!(bucket & 255))
			cond_resched();
	}
	peercred_pins_drop(&st->pins);
	st->pinned = false;
	*pos = PEERCRED_POS(bucket, 0);
	return NULL;
}

/* Position 0 is the header; rows are (bucket, 1 + index). */
static void *peercred_seq_start(struct seq_file *m, loff_t *pos)
{
	struct peercred_seq_state *st = m->private;

	/* A read from the top (a new one, or after lseek(0)) pins afresh. */
	if (!*pos) {
		st->pinned = false;
		return SEQ_START_TOKEN;
	}
	if (!PEERCRED_POS_INDEX(*pos))
		return NULL;
	return peercred_seq_find(m, PEERCRED_POS_BUCKET(*pos),
				 PEERCRED_POS_INDEX(*pos) - 1, pos);
}

static void *peercred_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	if (v == SEQ_START_TOKEN)
		return peercred_seq_find(m, 0, 0, pos);
	return peercred_seq_find(m, PEERCRED_POS_BUCKET(*pos),
				 PEERCRED_POS_INDEX(*pos), pos);
}

/* Every read() ends here: its pins let go of their socks. */
static void peercred_seq_stop(struct seq_file *m, void *v)
{
	struct peercred_seq_state *st = m->private;

	peercred_pins_unhold(&st->pins);
	st->stale = true;
}

/*
 * What ptrace_may_access(PTRACE_MODE_READ_FSCREDS) would say for the
 * opener, which modules cannot call: the opener's fs ids are all of the
 * task's ids, and the task is dumpable. It errs on the side of hiding (no
 * LSM, no CAP_SYS_PTRACE short of the initial namespace's).
 */
static bool peercred_seq_may_read(const struct peercred_seq_state *st,
				  struct task_struct *task)
{
	const struct cred *me = st->cred, *tcred;
	bool ok;

	if (st->ptrace_all || task_tgid(task) == st->opener)
		return true;
	rcu_read_lock();
	tcred = __task_cred(task);
	ok = uid_eq(me->fsuid, tcred->uid) && uid_eq(me->fsuid, tcred->euid) &&
	     uid_eq(me->fsuid, tcred->suid) && gid_eq(me->fsgid, tcred->gid) &&
	     gid_eq(me->fsgid, tcred->egid) && gid_eq(me->fsgid, tcred->sgid);
	rcu_read_unlock();
	return ok && peercred_task_dumpable(task);
}

/* in_group_p() for the opener: its fsgid or one of its groups. */
static bool peercred_seq_in_group(const struct peercred_seq_state *st, kgid_t gid)
{
	const struct group_info *gi = st->cred->group_info;
	int i;

	if (gid_eq(st->cred->fsgid, gid))
		return true;
	for (i = 0; i < gi->ngroups; i++)
		if (gid_eq(gi->gid[i], gid))
			return true;
	return false;
}

/*
 * Whether the reader may learn more of @side's process than SO_PEERCRED
 * tells (its name, caps, real/saved/fs ids, drift, pidfs id): as much as
 * /proc/PID/status would show the opener, through the proc mount the file
 * was opened from. So its pid must be in the reader's pid namespace, and
 * that mount's hidepid= must let the opener see it (as proc's own
 * has_pid_permissions() decides). Admins see it all.
 */
static bool peercred_seq_sees(const struct peercred_seq_state *st,
			      const struct peercred_side *side)
{
	struct task_struct *task;
	bool sees;

	if (st->all)
		return true;
	if (!pid_nr_ns(side->pid, st->pns))
		return false;
	if (st->hide_pid == HIDEPID_OFF)
		return true;
	if (st->hide_pid != HIDEPID_NOT_PTRACEABLE &&
	    peercred_seq_in_group(st, st->pid_gid))
		return true;
	task = get_pid_task(side->pid, PIDTYPE_TGID);
	if (!task)
		return false;
	sees = peercred_seq_may_read(st, task);
	put_task_struct(task);
	return sees;
}

/*
 * Whether the reader may ask the LSM for end @i's label, which is
 * SO_PEERSEC on the other end's sock: admins, for every end they see;
 * anyone else only on its own end of the row, the one whose snapshot is
 * of its euid (as rows are its own), so only what getsockopt(SO_PEERSEC)
 * on its own socket would tell it. So a reader never makes an LSM judge,
 * and audit, its access to another user's socket.
 */
static bool peercred_seq_ask_label(const struct peercred_seq_state *st,
				   const struct peercred_conn *c, int i)
{
	if (c->side[i].hidden)
		return false;
	if (st->all || st->net_admin)
		return true;
	return uid_eq(c->side[!i].cred->euid, st->cred->euid);
}

/*
 * Format one pinned row with both ends' snapshots taken; a row whose sock
 * died unseen by the release probe is reaped instead, and one still being
 * made is left for a later read.
 */
static int peercred_seq_format(struct seq_file *m, struct peercred_pin *pin,
			       void (*format)(struct seq_file *m,
					      const struct peercred_conn *c,
					      struct user_namespace *uns,
					      struct pid_namespace *pns))
{
	struct peercred_seq_state *st = m->private;
	struct peercred_conn c;
	int i;

	if (peercred_pin_is_dead(pin)) {
		peercred_table_remove_pinned(peercred_seq_table(m), pin);
		return 0;
	}
	if (peercred_conn_get(&c, pin))
		return 0;
	c.reader = st->cred;
	for (i = 0; i < PEERCRED_SIDES; i++)
		c.side[i].hidden = !peercred_seq_sees(st, &c.side[i]);
	for (i = 0; i < PEERCRED_SIDES; i++)
		c.side[i].ask_label = peercred_seq_ask_label(st, &c, i);
	format(m, &c, seq_user_ns(m), st->pns);
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
	unsigned long full = peercred_table_count(t, PEERCRED_CNT_DROPPED_FULL);
	unsigned long share = peercred_table_count(t, PEERCRED_CNT_DROPPED_SHARE);

	seq_printf(m, "live %lu\nmax_rows %u\nuser_rows %u\nadmin_reserve %u\n",
		   peercred_table_live(t), t->max_rows, t->shares.per_user,
		   t->shares.reserve);
	seq_printf(m, "recorded %lu\nremoved %lu\ndropped %lu\n",
		   peercred_table_count(t, PEERCRED_CNT_RECORDED),
		   peercred_table_count(t, PEERCRED_CNT_REMOVED), full + share);
	seq_printf(m, "dropped_full %lu\ndropped_share %lu\ndeferred_puts %lu\nreaped %lu\nrow_bytes %zu\nmemory_bytes %zu\n",
		   full, share, peercred_table_count(t, PEERCRED_CNT_DEFERRED_PUTS),
		   peercred_table_count(t, PEERCRED_CNT_REAPED),
		   sizeof(struct peercred_row), peercred_table_memory(t));
	/* What this kernel lets the table show (README: "Identity"). */
	seq_printf(m, "pidfs_ids %d\nlsm_labels %d\n", PEERCRED_SHOWS_PIDFS,
		   PEERCRED_SHOWS_LABELS && READ_ONCE(peercred_labels));
	peercred_probes_show(m);
	return 0;
}

/*
 * The counters are the whole machine's, every netns's: only for admins
 * (CAP_SYS_ADMIN in the initial user namespace), as the opener is.
 */
static int peercred_stats_open(struct inode *inode, struct file *file)
{
	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	return single_open(file, peercred_stats_show, pde_data(inode));
}

static const struct proc_ops peercred_stats_proc_ops = {
	.proc_open = peercred_stats_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

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
	peercred_proc_stats = proc_create_data("peercred_stats", 0400, NULL,
					       &peercred_stats_proc_ops, t);
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
