// SPDX-License-Identifier: GPL-2.0
/*
 * Drift: how the process behind a stored snapshot differs from it now. The
 * kernel never refreshes sk_peer_cred, so a server that connected as root
 * and then dropped to a user still reads as root to its peer; this says so.
 *
 *   c  its euid, egid or supplementary groups are no longer the snapshot's
 *      (what SO_PEERCRED/SO_PEERGROUPS report is stale)
 *   x  it has exited
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
 * Letters for @side into @buf (PEERCRED_DRIFT_LEN bytes), "-" for none,
 * given the task its pid names now (NULL: none; under rcu_read_lock())
 * and whether the reader's pid namespace sees that pid. The snapshot's pid
 * is the thread group's, and so is the cred compared here: the leader's.
 */
const char *peercred_drift_of(char *buf, const struct peercred_side *side,
			      struct task_struct *task, bool visible)
{
	char *p = buf;

	if (!side->pid)
		return "-";
	if (!task)
		*p++ = 'x';
	else if (side->cred && !peercred_ids_equal(__task_cred(task), side->cred))
		*p++ = 'c';
	if (!visible)
		*p++ = 'h';
	if (p == buf)
		return "-";
	*p = '\0';
	return buf;
}

/* The same, looking the task up. The caller holds @side's references. */
const char *peercred_drift(char *buf, const struct peercred_side *side,
			   struct pid_namespace *pns)
{
	const char *letters;

	rcu_read_lock();
	letters = peercred_drift_of(buf, side, pid_task(side->pid, PIDTYPE_TGID),
				    pid_nr_ns(side->pid, pns));
	rcu_read_unlock();
	return letters;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_drift);
