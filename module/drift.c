// SPDX-License-Identifier: GPL-2.0
/*
 * Drift: how the process behind a stored snapshot differs from it now. The
 * kernel never refreshes sk_peer_cred, so a server that connected as root
 * and then dropped to a user still reads as root to its peer; this says so.
 *
 *   c  its euid, egid or supplementary groups are no longer the snapshot's
 *      (what SO_PEERCRED/SO_PEERGROUPS report is stale); "its" is the
 *      thread's that connected, see peercred_snapshot_task()
 *   x  it has exited
 *   r  it has exited and its pid number, in the reader's pid namespace,
 *      now names another process: /proc/PID is not the peer any more
 *      (the row's pidfs id, and the struct pid behind it, are never reused)
 *   h  its pid is not visible in the reader's pid namespace (pid shows 0)
 */

#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "compat.h"
#include "peercred.h"

static bool peercred_groups_equal(const struct group_info *a,
				  const struct group_info *b)
{
	int i;

	if (a == b)
		return true;
	if (a->ngroups != b->ngroups)
		return false;
	/* set_groups() keeps both sorted: compare in order. */
	for (i = 0; i < a->ngroups; i++)
		if (!gid_eq(a->gid[i], b->gid[i]))
			return false;
	return true;
}

/* The ids SO_PEERCRED and SO_PEERGROUPS report, nothing else. */
static bool peercred_ids_equal(const struct cred *a, const struct cred *b)
{
	return uid_eq(a->euid, b->euid) && gid_eq(a->egid, b->egid) &&
	       peercred_groups_equal(a->group_info, b->group_info);
}

/*
 * The task whose cred the snapshot is: the thread that connected, while it
 * lives (a thread may hold creds of its own: setresuid() as a raw syscall
 * changes only the caller's). Its id is checked to still name a thread of
 * the snapshot's process, since ids are reused. Where that thread is gone
 * or not known (a listener's snapshot, taken at listen(); a connection
 * from before load), the process's leader. Under rcu_read_lock().
 */
struct task_struct *peercred_snapshot_task(const struct peercred_side *side)
{
	struct task_struct *task;

	if (side->tid) {
		task = pid_task(find_pid_ns(side->tid, &init_pid_ns), PIDTYPE_PID);
		if (task && task_tgid(task) == side->pid)
			return task;
	}
	return pid_task(side->pid, PIDTYPE_TGID);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_snapshot_task);

/*
 * Whether @nr, the number of the exited @pid in @pns, is another live
 * task's now. Under rcu_read_lock().
 */
static bool peercred_pid_reused(struct pid *pid, pid_t nr,
				struct pid_namespace *pns)
{
	struct pid *now = nr ? find_pid_ns(nr, pns) : NULL;

	return now && now != pid && pid_task(now, PIDTYPE_PID);
}

/*
 * Letters for @side into @buf (PEERCRED_DRIFT_LEN bytes), "-" for none,
 * given peercred_snapshot_task() (NULL: none) and the reader's pid
 * namespace. Under rcu_read_lock().
 */
const char *peercred_drift_of(char *buf, const struct peercred_side *side,
			      struct task_struct *task,
			      struct pid_namespace *pns)
{
	pid_t nr;
	char *p = buf;

	if (!side->pid)
		return "-";
	nr = pid_nr_ns(side->pid, pns);
	if (!task) {
		*p++ = 'x';
		if (peercred_pid_reused(side->pid, nr, pns))
			*p++ = 'r';
	} else if (side->cred && !peercred_ids_equal(__task_cred(task), side->cred)) {
		*p++ = 'c';
	}
	if (!nr)
		*p++ = 'h';
	if (p == buf)
		return "-";
	*p = '\0';
	return buf;
}

/* The same, looking the task up. @side's cred and pid must stay alive. */
const char *peercred_drift(char *buf, const struct peercred_side *side,
			   struct pid_namespace *pns)
{
	const char *letters;

	rcu_read_lock();
	letters = peercred_drift_of(buf, side, peercred_snapshot_task(side),
				    pns);
	rcu_read_unlock();
	return letters;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_drift);
