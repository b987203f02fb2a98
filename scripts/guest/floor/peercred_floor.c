// SPDX-License-Identifier: GPL-2.0
/*
 * The probe-only floor for `make bench`: peercred's attach method (one
 * ftrace_ops over the functions peercred probes, see module/probe.c), with
 * a callback that only takes and drops ftrace's recursion lock, as
 * peercred's does. What peercred costs above this is the cost of its
 * record path.
 */

#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/trace_recursion.h>

static void peercred_floor_call(unsigned long ip, unsigned long parent_ip,
				struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	int bit = ftrace_test_recursion_trylock(ip, parent_ip);

	if (bit >= 0)
		ftrace_test_recursion_unlock(bit);
}

static const char * const peercred_floor_symbols[] = {
	"unix_release_sock", "security_unix_stream_connect", "unix_socketpair",
};

static struct ftrace_ops peercred_floor_ops = {
	.func = peercred_floor_call,
#ifndef CONFIG_DYNAMIC_FTRACE_WITH_ARGS
	/* As peercred's probes ask where ftrace has no arguments to pass. */
	.flags = FTRACE_OPS_FL_SAVE_REGS,
#endif
};

static int __init peercred_floor_init(void)
{
	char name[KSYM_NAME_LEN];
	int i, err;

	for (i = 0; i < ARRAY_SIZE(peercred_floor_symbols); i++) {
		/* ftrace_set_filter() parses the name in place. */
		strscpy(name, peercred_floor_symbols[i], sizeof(name));
		err = ftrace_set_filter(&peercred_floor_ops, name, strlen(name), !i);
		if (err)
			goto err_filter;
	}
	err = register_ftrace_function(&peercred_floor_ops);
	if (err)
		goto err_filter;
	return 0;

err_filter:
	ftrace_free_filter(&peercred_floor_ops);
	return err;
}

static void __exit peercred_floor_exit(void)
{
	unregister_ftrace_function(&peercred_floor_ops);
	ftrace_free_filter(&peercred_floor_ops);
}

module_init(peercred_floor_init);
module_exit(peercred_floor_exit);

MODULE_DESCRIPTION("peercred's probes with empty callbacks: the floor for make bench");
MODULE_LICENSE("GPL");
