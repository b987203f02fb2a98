// SPDX-License-Identifier: GPL-2.0
/*
 * Reading what a sock holds about its peer. This is the only file that
 * touches sk_peer_cred/sk_peer_pid, so that the kernel's own rules for them
 * (sk_peer_lock since 5.15, CVE-2021-4203) live in one place.
 */

#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <net/sock.h>

#include "compat.h"
#include "snapshot.h"
#include "table.h"

/*
 * Take our own references under sk_peer_lock: the kernel swaps these
 * pointers under that lock (listen() again, SO_PEERCRED readers), so a
 * lockless read could race with the put of the old values.
 */
void peercred_snapshot_take(struct peercred_side *side, struct sock *holder)
{
	struct task_struct *task;

	spin_lock(&holder->sk_peer_lock);
	side->cred = get_cred(holder->sk_peer_cred);
	side->pid = get_pid(holder->sk_peer_pid);
	spin_unlock(&holder->sk_peer_lock);

	/* The process name is not in the snapshot; name the pid's group now. */
	side->comm[0] = '\0';
	rcu_read_lock();
	task = pid_task(side->pid, PIDTYPE_TGID);
	if (task)
		strscpy(side->comm, task->comm, sizeof(side->comm));
	rcu_read_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(peercred_snapshot_take);

void peercred_snapshot_drop(struct peercred_side *side)
{
	put_cred(side->cred);
	put_pid(side->pid);
	side->cred = NULL;
	side->pid = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_snapshot_drop);
