/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PEERCRED_PROBE_H
#define PEERCRED_PROBE_H

#include <linux/ftrace.h>

int peercred_hook_register(struct ftrace_ops *ops,
			   const char *const *symbols, int n);
int peercred_hook_unregister(struct ftrace_ops *ops);

#endif /* PEERCRED_PROBE_H */
