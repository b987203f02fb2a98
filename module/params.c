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
unsigned int peercred_user_rows;
bool peercred_labels = true;

int peercred_max_rows_parse(const char *val, unsigned int *out)
{
	unsigned int n;

	if (kstrtouint(val, 0, &n) || n < 1 || n > PEERCRED_MAX_ROWS_LIMIT)
		return -EINVAL;
	*out = n;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_max_rows_parse);

/* 0 asks for the default share; checked against max_rows at load. */
int peercred_user_rows_parse(const char *val, unsigned int *out)
{
	unsigned int n;

	if (kstrtouint(val, 0, &n) || n > PEERCRED_MAX_ROWS_LIMIT)
		return -EINVAL;
	*out = n;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_user_rows_parse);

/*
 * The rows each user may hold: @user_rows, or an eighth of the table by
 * default, so that one user leaves the others most of it.
 */
int peercred_user_rows_of(unsigned int max_rows, unsigned int user_rows,
			  unsigned int *out)
{
	if (user_rows > max_rows)
		return -EINVAL;
	*out = user_rows ?: max(max_rows / 8, 1U);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_user_rows_of);

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

static int peercred_user_rows_set(const char *val, const struct kernel_param *kp)
{
	int err = peercred_user_rows_parse(val, kp->arg);

	if (err)
		pr_err("user_rows=%s refused: expected a whole number from 0 to %u\n",
		       val, PEERCRED_MAX_ROWS_LIMIT);
	return err;
}

static const struct kernel_param_ops peercred_user_rows_ops = {
	.set = peercred_user_rows_set,
	.get = param_get_uint,
};

module_param_cb(user_rows, &peercred_user_rows_ops, &peercred_user_rows, 0444);
MODULE_PARM_DESC(user_rows,
		 "Most rows one user's connections may hold; admins are not limited, and as many rows are kept for them (0..max_rows, default 0: max_rows/8)");

/*
 * Asking the LSM for each end's label is most of what showing a row costs
 * (an allocation and a print in AppArmor, per end, per read): an admin who
 * reads large tables often may switch it off, at any time. param_set_bool()
 * refuses anything but a boolean.
 */
module_param_named(labels, peercred_labels, bool, 0644);
MODULE_PARM_DESC(labels,
		 "Show each end's LSM label, as SO_PEERSEC gives it (default 1; 0: '-', and reads cost less)");
