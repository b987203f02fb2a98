// SPDX-License-Identifier: GPL-2.0
/*
 * peercred: a live table of AF_UNIX connections and the peer credentials
 * (SO_PEERCRED) each end holds.
 *
 * Setup order is table, probes, the walk of connections made before we
 * came (after the probes, so that none made meanwhile is missed), the
 * housekeeping work, then /proc, so that no reader ever sees a table still
 * being filled. Teardown is the exact reverse: readers go first, then the
 * work and the writers, then the table; a failed load unwinds the same way
 * and leaves nothing registered. Probes that ftrace can no longer
 * unregister are never freed (peercred_probes_unregister() waits).
 */

#include <linux/init.h>
#include <linux/module.h>

#include "compat.h"
#include "peercred.h"

static struct peercred_table peercred_table;

/* The table the probes feed, for the probe-path KUnit cases. */
struct peercred_table *peercred_live_table(void)
{
	return &peercred_table;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_live_table);

static int __init peercred_init(void)
{
	unsigned int user_rows;
	int err;

	err = peercred_user_rows_of(peercred_max_rows, peercred_user_rows,
				    &user_rows);
	if (err) {
		pr_err("user_rows=%u refused: more than max_rows=%u\n",
		       peercred_user_rows, peercred_max_rows);
		return err;
	}
	err = peercred_table_init(&peercred_table, peercred_max_rows);
	if (err) {
		pr_err("cannot allocate the table for max_rows=%u (%zu bytes a row)\n",
		       peercred_max_rows, sizeof(struct peercred_row));
		return err;
	}
	peercred_shares_set(&peercred_table.shares, peercred_max_rows, user_rows);
	/* From the first probe on, until the walk is over. */
	peercred_table_walk_begin(&peercred_table);
	err = peercred_probes_register(&peercred_table);
	if (err)
		goto err_table;
	peercred_walk(&peercred_table);
	peercred_housekeeping_start(&peercred_table);
	err = peercred_proc_init(&peercred_table);
	if (err)
		goto err_housekeeping;

	if (!PEERCRED_HAVE_PROBES)
		pr_info("no ftrace with arguments: a test build, nothing feeds the table\n");
	else if (!peercred_probes_fire())
		pr_warn("the probes are registered but do not fire (is sysctl kernel.ftrace_enabled 0?): new connections are not recorded\n");
	pr_info("tracking AF_UNIX connections (max_rows=%u, user_rows=%u)\n",
		peercred_max_rows, user_rows);
	return 0;

err_housekeeping:
	peercred_housekeeping_stop();
	peercred_probes_unregister();
err_table:
	peercred_table_destroy(&peercred_table);
	return err;
}

static void __exit peercred_exit(void)
{
	peercred_proc_exit();
	peercred_housekeeping_stop();
	peercred_probes_unregister();
	peercred_table_destroy(&peercred_table);
}

module_init(peercred_init);
module_exit(peercred_exit);

MODULE_DESCRIPTION("Show the SO_PEERCRED snapshots of AF_UNIX connections in /proc/peercred");
MODULE_AUTHOR("peercred developers");
MODULE_LICENSE("GPL");
