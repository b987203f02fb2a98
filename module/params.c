// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters. A bad value fails the load with a message, rather than
 * being clamped silently: the user asked for something we will not do.
 */

#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

#include "compat.h"
#include "peercred.h"

unsigned int peercred_max_rows = PEERCRED_MAX_ROWS_DEFAULT;

int peercred_max_rows_parse(const char *val, unsigned int *out)
{
	unsigned int n;

	if (kstrtouint(val, 0, &n) || n < 1 || n > PEERCRED_MAX_ROWS_LIMIT)
		return -EINVAL;
	*out = n;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_max_rows_parse);

static int peercred_max_rows_set(const char *val, const struct kernel_param *kp)
{
	int err = peercred_max_rows_parse(val, kp->arg);

	if (err)
		pr_err("max_rows=%s refused: expected a whole number from 1 to %u\n",
		       val, PEERCRED_MAX_ROWS_LIMIT);
	return err;
}

static const struct kernel_param_ops peercred_max_rows_ops = {
	.set = peercred_max_rows_set,
	.get = param_get_uint,
};

/* Read-only once loaded: the hash is sized from it. */
module_param_cb(max_rows, &peercred_max_rows_ops, &peercred_max_rows, 0444);
MODULE_PARM_DESC(max_rows,
		 "Most connections tracked at once; more are counted as dropped (1..4194304, default 65536)");
