// SPDX-License-Identifier: GPL-2.0
/*
 * Connections that existed before we were loaded. The probes are registered
 * first, then every network namespace's AF_UNIX table is walked under the
 * locks the kernel's own /proc/net/unix walk takes (net_rwsem for the list
 * of namespaces, the table's bucket lock, then unix_state_lock for a sock's
 * peer), so a connection made meanwhile is found by a probe, the walk, or
 * both; the table keeps one row per connection.
 */

#include <linux/cred.h>
#include <linux/net.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <net/af_unix.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "compat.h"
#include "peercred.h"

#ifdef PEERCRED_HAVE_UNIX_NETNS_TABLE

/* An address shared with others is a listener's, inherited at connect(). */
static int peercred_walk_addr_rank(struct sock *sk)
{
	/* Pairs with the smp_store_release() of ->addr in bind and connect. */
	struct unix_address *addr = smp_load_acquire(&unix_sk(sk)->addr);

	if (!addr)
		return 0;
	return refcount_read(&addr->refcnt) > 1 ? 2 : 1;
}

/*
 * Which end accepted? The kernel does not say, but only an accepted sock
 * inherits its listener's address, and a listener must have one: the end
 * with the (more shared) address is the server. Unnamed on both ends, the
 * pair came from socketpair(), whose ends are symmetric.
 */
static bool peercred_walk_is_srv(struct sock *sk, struct sock *peer)
{
	int a = peercred_walk_addr_rank(sk), b = peercred_walk_addr_rank(peer);

	if (a != b)
		return a > b;
	/* A sock not yet accepted has no struct socket: that is the server. */
	if (!sk->sk_socket != !peer->sk_socket)
		return !sk->sk_socket;
	return sk < peer;
}

static bool peercred_walk_tracked(struct sock *sk)
{
	return peercred_tracked_type(sk) && !sock_flag(sk, SOCK_DEAD);
}

/* unix_peer_get(), whose prototype 6.15 took out of the public headers. */
static struct sock *peercred_walk_peer_get(struct sock *sk)
{
	struct sock *peer;

	unix_state_lock(sk);
	peer = unix_peer(sk);
	if (peer)
		sock_hold(peer);
	unix_state_unlock(sk);
	return peer;
}

/*
 * Made: each end points at the other and holds the other's creds. connect()
 * sets all of that under the connecting sock's state lock, so reading under
 * the peer's state lock (as unix_seq_show() does) sees it all or nothing;
 * socketpair() sets it with no lock, so a pair can be met half made: one
 * end points at the other, and nothing in socketpair() can fail after that
 * (its probe at the entry may have run before the probes recorded).
 */
static bool peercred_walk_made(struct sock *sk, struct sock *peer)
{
	bool mutual;

	unix_state_lock(peer);
	mutual = unix_peer(peer) == sk;
	unix_state_unlock(peer);
	return mutual && peercred_snapshot_held(sk) && peercred_snapshot_held(peer);
}

/* What the walk found: rows recorded, of them half made. */
struct peercred_walk_count {
	unsigned int recorded, half;
};

/*
 * Charged to the user who connected, whose cred @srv holds. Which of its
 * threads did is not known: drift compares with the whole process. A pair
 * met half made holds no cred yet: charged to nobody, it is shown once
 * made, and a release that began before it was recorded left a tombstone
 * the record finds (peercred_table_entomb()).
 */
static void peercred_walk_record(struct peercred_table *t, struct sock *cli,
				 struct sock *srv, bool made,
				 struct peercred_walk_count *count)
{
	struct peercred_maker who = { .cred = peercred_snapshot_cred(srv) };

	if (peercred_table_record(t, cli, srv, PEERCRED_ORIGIN_PREEXISTING,
				  who.cred ? &who : NULL))
		goto out;
	count->recorded++;
	count->half += !made;
out:
	if (who.cred)
		put_cred(who.cred);
}

/* Called with the kernel's bucket lock held, as unix_seq_show() is. */
static void peercred_walk_sock(struct peercred_table *t, struct sock *sk,
			       struct peercred_walk_count *count)
{
	struct sock *peer;

	if (!peercred_walk_tracked(sk))
		return;
	/* Listeners and unconnected socks have no peer. */
	peer = peercred_walk_peer_get(sk);
	if (!peer)
		return;
	if (peercred_walk_tracked(peer)) {
		bool made = peercred_walk_made(sk, peer);

		if (peercred_walk_is_srv(sk, peer))
			peercred_walk_record(t, peer, sk, made, count);
		else
			peercred_walk_record(t, sk, peer, made, count);
	}
	sock_put(peer);
}

static void peercred_walk_net(struct peercred_table *t, struct net *net,
			      struct peercred_walk_count *count)
{
	struct sock *sk;
	int i;

	/* Every AF_UNIX sock, accepted or not, is in one of these buckets. */
	for (i = 0; i < PEERCRED_UNIX_HASH_SIZE; i++) {
		spin_lock(&net->unx.table.locks[i]);
		sk_for_each(sk, &net->unx.table.buckets[i])
			peercred_walk_sock(t, sk, count);
		spin_unlock(&net->unx.table.locks[i]);
		cond_resched();
	}
}

/*
 * Released: out of its netns table for good. Binding moves a sock between
 * buckets under both buckets' locks, so "unhashed" means released only when
 * read under the lock of the bucket sk_hash names, rechecked once held.
 */
static bool peercred_walk_released(struct sock *sk)
{
	spinlock_t *locks = sock_net(sk)->unx.table.locks;
	unsigned int hash;
	bool gone;

	for (;;) {
		hash = READ_ONCE(sk->sk_hash);
		spin_lock(&locks[hash]);
		if (hash == READ_ONCE(sk->sk_hash))
			break;
		spin_unlock(&locks[hash]);
	}
	gone = sk_unhashed(sk);
	spin_unlock(&locks[hash]);
	return gone;
}

/*
 * A release that began before the probes were registered, and whose sock
 * the walk still met hashed and connected, leaves no one to remove its
 * row (one whose probe ran left a tombstone instead): by now such a sock
 * is out of its table. Only the walk's rows: their namespaces are still
 * listed (the caller holds net_rwsem), so their tables are still there,
 * even for kernel socks that pin no namespace. One that is not out yet is
 * removed once dead (peercred_table_reap_some()).
 */
void peercred_walk_reap(struct peercred_table *t)
{
	peercred_table_reap(t, PEERCRED_ORIGIN_PREEXISTING, peercred_walk_released);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_walk_reap);

/*
 * Both ends of a connection live in the connecting sock's namespace, so
 * each walk of one namespace meets both; whichever comes first records.
 * One pass: a connection made meanwhile is the probes' (they record from
 * the start of their registration), a socketpair() met half made is
 * recorded here. The walk's fences are peercred_table_walk_begin() and
 * _end() (tombstones).
 */
void peercred_walk(struct peercred_table *t)
{
	struct peercred_walk_count count = {};
	struct net *net;

	peercred_table_walk_begin(t);
	down_read(&net_rwsem);
	for_each_net(net)
		peercred_walk_net(t, net, &count);
	peercred_walk_reap(t);
	up_read(&net_rwsem);
	peercred_table_walk_end(t);
	if (count.half)
		pr_info("%u of the %u connections found at load were socketpairs still being made: recorded, and shown once made\n",
			count.half, count.recorded);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_walk);

#else

void peercred_walk(struct peercred_table *t)
{
	pr_info("this kernel has no per-netns AF_UNIX table: connections from before load are not shown\n");
}
EXPORT_SYMBOL_IF_KUNIT(peercred_walk);

void peercred_walk_reap(struct peercred_table *t)
{
}
EXPORT_SYMBOL_IF_KUNIT(peercred_walk_reap);

#endif
