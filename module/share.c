// SPDX-License-Identifier: GPL-2.0
/*
 * Per-user shares of the table. On a shared machine one user must not be
 * able to fill the table and so make other users' connections go
 * unrecorded: each user holds at most per_user rows, and the last reserve
 * free rows are kept for admins (CAP_SYS_ADMIN in the initial user
 * namespace), whom no user can blind.
 *
 * Rows are charged in probe context, so nothing here allocates or locks:
 * a fixed array of slots, one per user, claimed with cmpxchg the first
 * time that user makes a connection, each counting the user's rows. A
 * claimed slot is never given back until unload, so a user's slot cannot
 * move while another CPU charges it; if every slot is taken, later users'
 * rows are charged to nobody (only root can be that many users).
 *
 * Who pays: the euid that made the connection, as the initial user
 * namespace knows it. Inside a user namespace a user with subordinate ids
 * (/etc/subuid: 65536 each on Debian) can be thousands of uids, so there
 * the bill goes to the user who created the outermost namespace.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/hash.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>

#include "compat.h"
#include "share.h"

int peercred_shares_init(struct peercred_shares *s, unsigned int max_rows)
{
	s->slot = kcalloc(PEERCRED_SHARE_SLOTS, sizeof(*s->slot), GFP_KERNEL);
	if (!s->slot)
		return -ENOMEM;
	peercred_shares_set(s, max_rows, max_rows);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_shares_init);

/*
 * @per_user rows for each user (at most @max_rows), and as many kept for
 * admins while that leaves users at least as many.
 */
void peercred_shares_set(struct peercred_shares *s, unsigned int max_rows,
			 unsigned int per_user)
{
	s->per_user = per_user;
	s->reserve = min(per_user, max_rows - per_user);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_shares_set);

void peercred_shares_destroy(struct peercred_shares *s)
{
	kfree(s->slot);
	s->slot = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_shares_destroy);

kuid_t peercred_share_uid(const struct cred *cred)
{
	const struct user_namespace *ns = cred->user_ns;

	if (ns == &init_user_ns)
		return cred->euid;
	while (ns->parent != &init_user_ns)
		ns = ns->parent;
	return ns->owner;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_share_uid);

/*
 * The slot of @uid, claimed if it has none; NULL if all are taken. A user
 * is in the first slot of its probe sequence that holds it or was free:
 * slots only ever go from free to claimed, so two CPUs claiming for one
 * user meet in the same slot.
 */
static struct peercred_share_slot *
peercred_share_slot(struct peercred_shares *s, kuid_t uid)
{
	u32 key = __kuid_val(uid) + 1, seen;
	u32 h = hash_32(key, PEERCRED_SHARE_BITS);
	unsigned int i;

	if (!key)
		return NULL;
	for (i = 0; i < PEERCRED_SHARE_SLOTS; i++) {
		struct peercred_share_slot *slot =
			&s->slot[(h + i) & (PEERCRED_SHARE_SLOTS - 1)];

		seen = READ_ONCE(slot->key);
		if (!seen)
			seen = cmpxchg(&slot->key, 0, key) ?: key;
		if (seen == key)
			return slot;
	}
	return NULL;
}

/*
 * Charge one row made with @cred (not an admin's): returns the slot
 * charged, PEERCRED_SHARE_NONE if none could be, or -EDQUOT if the user
 * holds its whole share.
 */
int peercred_share_charge(struct peercred_shares *s, const struct cred *cred)
{
	struct peercred_share_slot *slot;

	slot = peercred_share_slot(s, peercred_share_uid(cred));
	if (!slot)
		return PEERCRED_SHARE_NONE;
	if (!atomic_add_unless(&slot->rows, 1, s->per_user))
		return -EDQUOT;
	return slot - s->slot;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_share_charge);
