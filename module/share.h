/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PEERCRED_SHARE_H
#define PEERCRED_SHARE_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>

struct net;

/*
 * The slots that count each share's rows: 512 sets of 8, a share in the
 * set its key hashes to. A set's slots are looked at and changed only
 * under the set's lock, so a slot whose count falls to 0 is free again
 * at once, and no key is ever in two slots.
 */
#define PEERCRED_SHARE_SET_BITS	9
#define PEERCRED_SHARE_SETS	BIT(PEERCRED_SHARE_SET_BITS)
#define PEERCRED_SHARE_WAYS	8
#define PEERCRED_SHARE_SLOTS	(PEERCRED_SHARE_SETS * PEERCRED_SHARE_WAYS)
/* Shares whose set is full share this one slot (and one share of rows). */
#define PEERCRED_SHARE_OVERFLOW	PEERCRED_SHARE_SLOTS
/* A row charged to nobody: an admin's, the kernel's. */
#define PEERCRED_SHARE_NONE	U16_MAX

struct peercred_share_set {
	unsigned long lock;			/* bit 0, as a bucket's */
	u32 rows[PEERCRED_SHARE_WAYS];		/* 0: the slot is free */
	u64 key[PEERCRED_SHARE_WAYS];		/* see peercred_share_key() */
};

/* Each share's rows, counted so that no share can take all of them. */
struct peercred_shares {
	struct peercred_share_set *set;		/* PEERCRED_SHARE_SETS */
	atomic_t overflow;			/* rows of PEERCRED_SHARE_OVERFLOW */
	unsigned int per_user;
	unsigned int reserve;	/* the last free rows, kept for admins */
};

int peercred_shares_init(struct peercred_shares *s, unsigned int max_rows);
void peercred_shares_set(struct peercred_shares *s, unsigned int max_rows,
			 unsigned int per_user);
void peercred_shares_destroy(struct peercred_shares *s);
u64 peercred_share_key(const struct cred *cred, const struct net *net);
int peercred_share_charge(struct peercred_shares *s, const struct cred *cred,
			  const struct net *net);
void __peercred_share_uncharge(struct peercred_shares *s, u16 share);
unsigned int peercred_share_rows(struct peercred_shares *s, u64 key);

/*
 * The cred's own capability bits, not capable(): an LSM hook has no place
 * in probe context, and the question is what the connecting task holds.
 * Inline: every recorded connection asks.
 */
static inline bool peercred_share_exempt(const struct cred *cred)
{
	return cred->user_ns == &init_user_ns &&
	       cap_raised(cred->cap_effective, CAP_SYS_ADMIN);
}

/* Inline, like the exemption: every removed row gives its charge back. */
static inline void peercred_share_uncharge(struct peercred_shares *s, u16 share)
{
	if (share != PEERCRED_SHARE_NONE)
		__peercred_share_uncharge(s, share);
}

#endif /* PEERCRED_SHARE_H */
