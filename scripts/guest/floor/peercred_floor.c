// SPDX-License-Identifier: GPL-2.0
/*
 * The probe-only floor for `make bench`: kprobes on the functions peercred
 * probes, with handlers that do nothing. What peercred costs above this is
 * the cost of its record path; below it, nothing can go with kprobes.
 */

#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>

static int peercred_floor_pre(struct kprobe *kp, struct pt_regs *regs)
{
	return 0;
}

static struct kprobe peercred_floor_probes[] = {
	{ .symbol_name = "unix_release_sock", .pre_handler = peercred_floor_pre },
	{ .symbol_name = "security_unix_stream_connect",
	  .pre_handler = peercred_floor_pre },
	{ .symbol_name = "unix_socketpair", .pre_handler = peercred_floor_pre },
};

static struct kprobe *peercred_floor_set[ARRAY_SIZE(peercred_floor_probes)];

static int __init peercred_floor_init(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(peercred_floor_probes); i++)
		peercred_floor_set[i] = &peercred_floor_probes[i];
	return register_kprobes(peercred_floor_set, ARRAY_SIZE(peercred_floor_set));
}

static void __exit peercred_floor_exit(void)
{
	unregister_kprobes(peercred_floor_set, ARRAY_SIZE(peercred_floor_set));
}

module_init(peercred_floor_init);
module_exit(peercred_floor_exit);

MODULE_DESCRIPTION("peercred's probes with empty handlers: the floor for make bench");
MODULE_LICENSE("GPL");
