/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PEERCRED_SNAPSHOT_H
#define PEERCRED_SNAPSHOT_H

#include <linux/uidgid.h>

#include "table.h"

struct cred;
struct pid;
struct sock;

/* One end as a reader sees it: its sock, and the identity its peer holds. */
struct peercred_side {
	struct sock *sk;
	const struct cred *cred;	/* borrowed from a pinned sock, or NULL */
	struct pid *pid;		/* borrowed from a pinned sock, or NULL */
	pid_t tid;			/* the thread whose cred it is; 0: unknown */
	bool hidden;			/* its process is not the reader's to see */
	bool ask_label;			/* the reader may ask its label: see proc.c */
};

/* A pinned row with both ends' snapshots read, for one show(). */
struct peercred_conn {
	struct peercred_side side[PEERCRED_SIDES];
	const struct cred *reader;	/* who opened the file: labels are asked as it */
	unsigned long stamp;
	u8 origin;
};

bool peercred_snapshot_held(struct sock *sk);
const struct cred *peercred_snapshot_cred(struct sock *sk);
bool peercred_snapshot_euid_is_held(struct sock *sk, kuid_t euid);
int peercred_conn_get(struct peercred_conn *c, const struct peercred_pin *pin);

#endif /* PEERCRED_SNAPSHOT_H */
