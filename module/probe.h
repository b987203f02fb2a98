/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PEERCRED_PROBE_H
#define PEERCRED_PROBE_H

#include <linux/kprobes.h>

int peercred_probe_set_register(struct kprobe **set, int n);
void peercred_probe_set_unregister(struct kprobe **set, int n);

#endif /* PEERCRED_PROBE_H */
