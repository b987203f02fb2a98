// SPDX-License-Identifier: GPL-2.0
/*
 * peercred: a live table of AF_UNIX stream/seqpacket connections and the
 * peer credentials (SO_PEERCRED) each end holds.
 *
 * Setup order is table, /proc, probes; teardown is the exact reverse, so a
 * failed load leaves nothing registered and an unload stops the writers
 * before the readers, and both before the table goes away.
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
	int err;

	err = peercred_table_cache_init();
	if (err)
		return err;
	err = peercred_table_init(&peercred_table, peercred_max_rows);
	if (err)
		goto err_cache;
	err = peercred_proc_init(&peercred_table);
	if (err)
		goto err_table;
	err = peercred_probes_register(&peercred_table);
	if (err)
		goto err_proc;

	pr_info("tracking AF_UNIX connections (max_rows=%u)%s\n",
		peercred_max_rows,
		IS_ENABLED(CONFIG_KPROBES) ? "" : "; no kprobes: test build, nothing is fed");
	return 0;

err_proc:
	peercred_proc_exit();
err_table:
	peercred_table_destroy(&peercred_table);
err_cache:
	peercred_table_cache_exit();
	return err;
}

static void __exit peercred_exit(void)
{
	peercred_probes_unregister();
	peercred_proc_exit();
	peercred_table_destroy(&peercred_table);
	peercred_table_cache_exit();
}

module_init(peercred_init);
module_exit(peercred_exit);

MODULE_DESCRIPTION("Show the SO_PEERCRED snapshots of AF_UNIX connections in /proc/peercred");
MODULE_AUTHOR("peercred developers");
MODULE_LICENSE("GPL");
