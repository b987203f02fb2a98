// SPDX-License-Identifier: GPL-2.0
/*
 * Shares of the table. On a shared machine one user, or one container,
 * must not be able to fill the table and so make everyone else's
 * connections go unrecorded: each share holds at most per_user rows, and
 * the last reserve free rows are kept for admins (CAP_SYS_ADMIN in the
 * initial user namespace), whom nobody can blind.
 *
 * Rows are charged in probe context, so nothing here allocates or sleeps:
 * a fixed array of slots in sets, each set under a bit lock, each slot
 * counting one share's rows. A slot whose count falls to 0 is free for
 * the next share that hashes to its set, so slots are never used up by
 * users who come and go (DynamicUser, LDAP). A share whose set is full
 * (more than 8 live shares in one of 512 sets) is charged to one
 * overflow share that all such shares split: it is still limited.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/hash.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>

#include "bitlock.h"
#include "compat.h"
#include "share.h"

int peercred_shares_init(struct peercred_shares *s, unsigned int max_rows)
{
	s->set = kcalloc(PEERCRED_SHARE_SETS, sizeof(*s->set), GFP_KERNEL);
	if (!s->set)
		return -ENOMEM;
	atomic_set(&s->overflow, 0);
	peercred_shares_set(s, max_rows, max_rows);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_shares_init);

/*
 * @per_user rows for each share (at most @max_rows), and as many kept for
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
	kfree(s->set);
	s->set = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_shares_destroy);

/*
 * Who pays for a row made with @cred on a sock of @net: the party that
 * can be told apart from the others on this machine, as a key that is
 * never 0.
 *
 *  - A cred of the initial user namespace in the initial network
 *    namespace: its euid (uid + 1). Users cannot become each other.
 *  - Such a cred in another network namespace: that namespace, whatever
 *    the uid. Only an admin of the machine makes one (Docker, Podman as
 *    root, systemd's PrivateNetwork=), one per container or service; and
 *    a container's root can become any uid there (a default container
 *    keeps CAP_SETUID), so its uids are one party.
 *  - A cred of a user namespace: the outermost one's owner when that is
 *    a user (every uid of a user's namespaces is that user, who can make
 *    as many as it likes: /etc/subuid gives it 65536); but a namespace
 *    that root made (LXC, Incus, Docker's userns-remap, nspawn -U, a
 *    Kubernetes pod) is its own party.
 *
 * Namespaces are keyed by address. A row holds both its socks, which hold
 * their network namespace and their peer's cred, which holds its user
 * namespace and so every parent of it: a namespace lives while any slot
 * counts rows for it, and a slot whose count is 0 is free, so an address
 * reused by a later namespace is never mistaken for it. Kernel addresses
 * are never as small as uid + 1.
 */
u64 peercred_share_key(const struct cred *cred, const struct net *net)
{
	const struct user_namespace *ns = cred->user_ns;

	if (ns == &init_user_ns) {
		if (net_eq(net, &init_net))
			return (u64)__kuid_val(cred->euid) + 1;
		return (unsigned long)net;
	}
	while (ns->parent != &init_user_ns)
		ns = ns->parent;
	if (uid_eq(ns->owner, GLOBAL_ROOT_UID))
		return (unsigned long)ns;
	return (u64)__kuid_val(ns->owner) + 1;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_share_key);

static struct peercred_share_set *
peercred_share_set_of(struct peercred_shares *s, u64 key)
{
	return &s->set[hash_64(key, PEERCRED_SHARE_SET_BITS)];
}

/* With @set's lock held: @key's way, or -1. */
static int peercred_share_way(const struct peercred_share_set *set, u64 key)
{
	int way;

	for (way = 0; way < PEERCRED_SHARE_WAYS; way++)
		if (set->key[way] == key)
			return way;
	return -1;
}

/* With @set's lock held: a free way for @key, claimed, or -1. */
static int peercred_share_claim(struct peercred_share_set *set, u64 key)
{
	int way;

	for (way = 0; way < PEERCRED_SHARE_WAYS; way++) {
		if (!set->rows[way]) {
			set->key[way] = key;
			return way;
		}
	}
	return -1;
}

/*
 * Charge one row made with @cred (not an admin's) on a sock of @net:
 * returns the slot charged, or -EDQUOT if that share holds all its rows.
 * A slot keeps its key once its count is 0, until another share claims
 * it: the key's own stale slot is found first, so a key is never in two
 * slots.
 */
int peercred_share_charge(struct peercred_shares *s, const struct cred *cred,
			  const struct net *net)
{
	u64 key = peercred_share_key(cred, net);
	struct peercred_share_set *set = peercred_share_set_of(s, key);
	int way, ret = -EDQUOT;

	preempt_disable();	/* the set's lock; already off in probe context */
	peercred_lock(&set->lock);
	way = peercred_share_way(set, key);
	if (way < 0)
		way = peercred_share_claim(set, key);
	if (way >= 0 && set->rows[way] < s->per_user) {
		set->rows[way]++;
		ret = (set - s->set) * PEERCRED_SHARE_WAYS + way;
	}
	peercred_unlock(&set->lock);
	preempt_enable();
	if (way >= 0)
		return ret;
	return atomic_add_unless(&s->overflow, 1, s->per_user) ?
	       PEERCRED_SHARE_OVERFLOW : -EDQUOT;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_share_charge);

void __peercred_share_uncharge(struct peercred_shares *s, u16 share)
{
	struct peercred_share_set *set;

	if (share == PEERCRED_SHARE_OVERFLOW) {
		atomic_dec(&s->overflow);
		return;
	}
	set = &s->set[share / PEERCRED_SHARE_WAYS];
	preempt_disable();
	peercred_lock(&set->lock);
	set->rows[share % PEERCRED_SHARE_WAYS]--;
	peercred_unlock(&set->lock);
	preempt_enable();
}
EXPORT_SYMBOL_IF_KUNIT(__peercred_share_uncharge);

/* The rows charged to @key's own slot (0 if it has none). */
unsigned int peercred_share_rows(struct peercred_shares *s, u64 key)
{
	struct peercred_share_set *set = peercred_share_set_of(s, key);
	unsigned int rows = 0;
	int way;

	preempt_disable();
	peercred_lock(&set->lock);
	way = peercred_share_way(set, key);
	if (way >= 0)
		rows = set->rows[way];
	peercred_unlock(&set->lock);
	preempt_enable();
	return rows;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_share_rows);
