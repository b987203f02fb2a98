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

#define PEERCRED_SHARE_BITS	12
#define PEERCRED_SHARE_SLOTS	BIT(PEERCRED_SHARE_BITS)
/* A row charged to nobody: an admin's, or a user's past the last slot. */
#define PEERCRED_SHARE_NONE	U16_MAX

struct peercred_share_slot {
	u32 key;		/* the user's kuid + 1; 0: not claimed */
	atomic_t rows;
};

/* Each user's rows, counted so that no user can take all of them. */
struct peercred_shares {
	struct peercred_share_slot *slot;	/* PEERCRED_SHARE_SLOTS */
	unsigned int per_user;
	unsigned int reserve;	/* the last free rows, kept for admins */
};

int peercred_shares_init(struct peercred_shares *s, unsigned int max_rows);
void peercred_shares_set(struct peercred_shares *s, unsigned int max_rows,
			 unsigned int per_user);
void peercred_shares_destroy(struct peercred_shares *s);
kuid_t peercred_share_uid(const struct cred *cred);
int peercred_share_charge(struct peercred_shares *s, const struct cred *cred);

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
		atomic_dec(&s->slot[share].rows);
}

#endif /* PEERCRED_SHARE_H */
