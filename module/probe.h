/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PEERCRED_PROBE_H
#define PEERCRED_PROBE_H

#include <linux/kprobes.h>

struct peercred_probe {
	struct kprobe *kp;
};

int peercred_probe_set_register(struct peercred_probe *set, int n);
void peercred_probe_set_unregister(struct peercred_probe *set, int n);

#endif /* PEERCRED_PROBE_H */
