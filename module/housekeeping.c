// SPDX-License-Identifier: GPL-2.0
/*
 * What runs without a reader: a deferrable work item, once a second (an
 * idle CPU is not woken for it), that
 *  - removes the rows one of whose socks died unseen by the release probe,
 *    a slice of the table at a time, so that a missed release holds no
 *    sock, namespace, cgroup or cred for long even if nobody reads
 *    (peercred_table_reap_some());
 *  - watches ftrace: once it is dead (ftrace_kill(), after an ftrace bug),
 *    the probes cannot be unregistered while ftrace goes on calling them,
 *    and the module takes a reference on itself, so that rmmod refuses
 *    (EBUSY) rather than free code that is still called.
 */

#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "peercred.h"

#define PEERCRED_HOUSEKEEPING_PERIOD	HZ
/* Every bucket of the default table twice a second; 4M rows: 2 minutes. */
#define PEERCRED_REAP_SLICE		16384

static struct peercred_table *peercred_hk_table;
static bool peercred_hk_pinned;

static void peercred_housekeeping(struct work_struct *work);
static DECLARE_DEFERRABLE_WORK(peercred_hk_work, peercred_housekeeping);

static void peercred_housekeeping(struct work_struct *work)
{
	peercred_table_reap_some(peercred_hk_table, PEERCRED_REAP_SLICE);
	if (!peercred_hk_pinned && !peercred_probes_alive()) {
		__module_get(THIS_MODULE);
		peercred_hk_pinned = true;
		pr_err("ftrace is dead and still calls peercred's probes: peercred stays loaded until reboot\n");
	}
	schedule_delayed_work(&peercred_hk_work, PEERCRED_HOUSEKEEPING_PERIOD);
}

void peercred_housekeeping_start(struct peercred_table *t)
{
	peercred_hk_table = t;
	schedule_delayed_work(&peercred_hk_work, PEERCRED_HOUSEKEEPING_PERIOD);
}

/* Waits for a run under way; the work requeues itself no more. */
void peercred_housekeeping_stop(void)
{
	cancel_delayed_work_sync(&peercred_hk_work);
}
