/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PEERCRED_PROBE_H
#define PEERCRED_PROBE_H

#include <linux/atomic.h>
#include <linux/ftrace.h>

/* A function's entry, and the callback ftrace calls there. */
struct peercred_hook {
	const char *symbol;
	struct ftrace_ops ops;
	atomic_long_t missed;	/* calls refused as recursive */
};

int peercred_hook_set_register(struct peercred_hook *set, int n);
void peercred_hook_set_unregister(struct peercred_hook *set, int n);

#endif /* PEERCRED_PROBE_H */
