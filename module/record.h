/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PEERCRED_RECORD_H
#define PEERCRED_RECORD_H

/*
 * The table's probe-context paths: taking a row from the pool, linking it,
 * and unlinking and retiring it at a release. They are inline, for the
 * probes to build them into their callbacks, and for table.c's process
 * context callers: inline, and with bit locks instead of raw spinlocks
 * (a call each way), they took recording a connection on 6.1 from 416
 * instructions to 357, measured in instruction-count time.
 *
 * What may run here (preemption is off, on PREEMPT_RT too): bit spinlocks
 * around a few pointer updates, atomics, per-CPU counters; no allocation,
 * no sleeping lock. A sock_put() that might be a sock's last (its
 * destructor takes sleeping locks on RT) is handed to a work item.
 */

#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/list_bl.h>
#include <linux/llist.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/workqueue.h>
#include <net/af_unix.h>
#include <net/sock.h>

#include "share.h"
#include "table.h"

/*
 * The pool's and the buckets' locks: bit spinlocks (bit 0 of the word),
 * taken with preemption off already (the probes run under ftrace's
 * recursion lock; process-context callers disable it around the calls
 * into this file), so without bit_spin_lock()'s own preempt_disable() and
 * preempt_enable(): counted per function, 12 instructions a connection.
 * They spin with preemption off on PREEMPT_RT too, as raw spinlocks do.
 * The unlock need not be atomic: nobody else writes the word while the
 * bit is held (as __bit_spin_unlock()).
 */
static __always_inline void peercred_lock(unsigned long *word)
{
	lockdep_assert_preemption_disabled();
	while (unlikely(test_and_set_bit_lock(0, word))) {
		do {
			cpu_relax();
		} while (test_bit(0, word));
	}
}

static __always_inline void peercred_unlock(unsigned long *word)
{
	__clear_bit_unlock(0, word);
}

/* An hlist_bl head keeps its lock in bit 0 of its first pointer. */
static __always_inline unsigned long *
peercred_bucket_word(struct peercred_bucket *b)
{
	return (unsigned long *)&b->head.first;
}

static __always_inline void peercred_count(struct peercred_table *t,
					   enum peercred_counter c)
{
	this_cpu_inc(t->cnt->n[c]);
}

/* A free row, unless no more than @keep are left. */
static __always_inline struct peercred_row *
peercred_pool_get(struct peercred_table *t, unsigned int keep)
{
	struct peercred_row *row = NULL;

	peercred_lock(&t->free_lock);
	if (t->nfree > keep) {
		row = t->free;
		t->free = row->next_free;
		t->nfree--;
	}
	peercred_unlock(&t->free_lock);
	return row;
}

static __always_inline void peercred_pool_put(struct peercred_table *t,
					      struct peercred_row *row)
{
	peercred_lock(&t->free_lock);
	row->next_free = t->free;
	t->free = row;
	t->nfree++;
	peercred_unlock(&t->free_lock);
}

/* A row has left the table: what it counted goes. */
static __always_inline void peercred_row_removed(struct peercred_table *t,
						 struct peercred_row *row)
{
	peercred_count(t, PEERCRED_CNT_REMOVED);
	peercred_share_uncharge(&t->shares, row->share);
}

/*
 * Drop the references of a row removed at the release of @releasing (the
 * probe at unix_release_sock()'s entry) and give it back. Our put of
 * @releasing is not its last: its releaser holds one until the end of
 * unix_release_sock(). Nor is our put of its unix_peer(), which holds a
 * reference until that same point. Any other sock may be down to ours:
 * that row goes to process context (peercred_put_work_fn()).
 */
static __always_inline void peercred_row_retire(struct peercred_table *t,
						struct peercred_row *row,
						struct sock *releasing)
{
	struct sock *peer = READ_ONCE(unix_peer(releasing));
	struct sock *srv = row->sk[PEERCRED_SRV], *cli = row->sk[PEERCRED_CLI];
	bool defer = false;
	int i;

	peercred_row_removed(t, row);
	/*
	 * A row's socks are the released one and its peer, unless an LSM
	 * refused the connect after its probe (the released sock has no
	 * peer then): both puts at once, the common case.
	 */
	if (likely((srv == releasing && cli == peer) ||
		   (cli == releasing && srv == peer))) {
		sock_put(srv);
		sock_put(cli);
		peercred_pool_put(t, row);
		return;
	}
	for (i = 0; i < PEERCRED_SIDES; i++) {
		struct sock *sk = row->sk[i];

		if (sk == releasing || sk == peer) {
			sock_put(sk);
			row->sk[i] = NULL;
		} else {
			defer = true;
		}
	}
	if (!defer) {
		peercred_pool_put(t, row);
		return;
	}
	peercred_count(t, PEERCRED_CNT_DEFERRED_PUTS);
	/* The workqueue's locks are raw: fine in probe context. */
	if (llist_add(&row->put_node, &t->put_list))
		schedule_work(&t->put_work);
}

/*
 * A free row for @who, charged to its user: users get neither admins'
 * reserve nor more than their share.
 */
static __always_inline struct peercred_row *
peercred_row_get(struct peercred_table *t, const struct peercred_maker *who)
{
	bool exempt = !who || peercred_share_exempt(who->cred);
	struct peercred_row *row;
	int share = PEERCRED_SHARE_NONE;

	row = peercred_pool_get(t, exempt ? 0 : t->shares.reserve);
	if (!row) {
		peercred_count(t, PEERCRED_CNT_DROPPED_FULL);
		return ERR_PTR(-ENOSPC);
	}
	if (!exempt)
		share = peercred_share_charge(&t->shares, who->cred);
	if (share < 0) {
		peercred_pool_put(t, row);
		peercred_count(t, PEERCRED_CNT_DROPPED_SHARE);
		return ERR_PTR(share);
	}
	row->share = share;
	row->tid = who ? who->tid : 0;
	return row;
}

/*
 * For a connection the walk cannot have recorded (see
 * peercred_table_walked()): the probes' hot path, with no lookup.
 */
static __always_inline int
__peercred_table_record_new(struct peercred_table *t, struct sock *cli,
			    struct sock *srv, enum peercred_origin origin,
			    const struct peercred_maker *who)
{
	struct peercred_row *row = peercred_row_get(t, who);
	struct peercred_bucket *b;

	if (IS_ERR(row))
		return PTR_ERR(row);
	b = peercred_bucket(t, srv);
	row->stamp = jiffies;
	row->origin = origin;
	sock_hold(srv);
	sock_hold(cli);
	row->sk[PEERCRED_SRV] = srv;
	row->sk[PEERCRED_CLI] = cli;
	peercred_lock(peercred_bucket_word(b));
	hlist_bl_add_head(&row->node, &b->head);
	peercred_unlock(peercred_bucket_word(b));
	peercred_count(t, PEERCRED_CNT_RECORDED);
	return 0;
}

/*
 * Unlink the first row of @b that @match accepts, and own it. Inlined, so
 * that @match is a direct call.
 */
static __always_inline struct peercred_row *
peercred_bucket_take(struct peercred_bucket *b,
		     bool (*match)(const struct peercred_row *row, const void *arg),
		     const void *arg)
{
	struct peercred_row *row, *found = NULL;
	struct hlist_bl_node *pos;

	peercred_lock(peercred_bucket_word(b));
	hlist_bl_for_each_entry(row, pos, &b->head, node) {
		if (match(row, arg)) {
			/* Unlinked for good: no one asks a row if it is hashed. */
			__hlist_bl_del(&row->node);
			found = row;
			break;
		}
	}
	peercred_unlock(peercred_bucket_word(b));
	return found;
}

static __always_inline bool peercred_match_srv(const struct peercred_row *row,
					       const void *sk)
{
	return row->sk[PEERCRED_SRV] == sk;
}

static __always_inline bool peercred_match_cli(const struct peercred_row *row,
					       const void *sk)
{
	return row->sk[PEERCRED_CLI] == sk;
}

static __always_inline struct peercred_row *
peercred_release_take(struct sock *sk, struct peercred_bucket *own,
		      struct peercred_bucket *peers)
{
	struct peercred_row *row = NULL;

	if (own)
		row = peercred_bucket_take(own, peercred_match_srv, sk);
	if (!row && peers)
		row = peercred_bucket_take(peers, peercred_match_cli, sk);
	return row;
}

/*
 * From the release probe: the row holding @sk, if any, goes. A SRV sock's
 * row is in its own bucket. A CLI sock's is in the bucket of unix_peer(),
 * its SRV sock: connect() and socketpair() set unix_peer() right after
 * their probes recorded the row, in the same syscall, so before the sock
 * can be released; the walk records only connections whose peers are set;
 * and unix_peer() of a sock changes again only in its own release. A
 * connect() refused after its probe leaves the SRV sock with no peer, and
 * that sock's release finds the row in its own bucket.
 *
 * A sock is in at most one row, and the insert of a row for @sk happened
 * before @sk's release began (both run in the syscalls on its file, or the
 * walk, which peercred_walk_reap() makes up for): so the buckets it can be
 * in are checked without a lock first, and a sock in no row (an
 * unconnected one has no peer; every release of a connection's second end
 * meets empty buckets) costs a few loads.
 *
 * The check is inline in the probe, whose function then needs no saved
 * registers; what follows a hit is not (peercred_table_release_found()).
 */
static __always_inline void
__peercred_table_release_sk(struct peercred_table *t, struct sock *sk)
{
	struct sock *peer = READ_ONCE(unix_peer(sk));
	struct peercred_bucket *own = peercred_bucket(t, sk);
	struct peercred_bucket *peers = peer ? peercred_bucket(t, peer) : NULL;

	if (hlist_bl_empty(&own->head))
		own = NULL;
	if (peers && hlist_bl_empty(&peers->head))
		peers = NULL;
	if (own || peers)
		peercred_table_release_found(t, sk, own, peers);
}

#endif /* PEERCRED_RECORD_H */
