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
 * destructor takes sleeping locks on RT) is handed to a work item
 * (table.c's peercred_row_retire()).
 */

#include <linux/jiffies.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <net/af_unix.h>
#include <net/sock.h>

#include "bitlock.h"
#include "share.h"
#include "table.h"

static __always_inline unsigned long *
peercred_bucket_word(struct peercred_bucket *b)
{
	return &b->first;
}

/* With @b's lock held: @row (or NULL) becomes its first row. */
static __always_inline void peercred_bucket_publish(struct peercred_bucket *b,
						    struct peercred_row *row)
{
	/*
	 * And the lock goes, in the same store (bit 0 of a row's address is
	 * clear), with release ordering as __clear_bit_unlock() has.
	 */
	smp_store_release(&b->first, (unsigned long)row);
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
		t->free = row->next;
		t->nfree--;
	}
	peercred_unlock(&t->free_lock);
	return row;
}

static __always_inline void peercred_pool_put(struct peercred_table *t,
					      struct peercred_row *row)
{
	peercred_lock(&t->free_lock);
	row->next = t->free;
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
 * probe at unix_release_sock()'s entry), whose other sock is @peer, that
 * release's unix_peer(), and give the row back. Neither put is the last:
 * the releaser holds @releasing until the end of unix_release_sock(), and
 * @releasing holds @peer until that same point (as __sock_put() asks).
 */
static __always_inline void peercred_row_retire_pair(struct peercred_table *t,
						     struct peercred_row *row)
{
	struct sock *srv = row->sk[PEERCRED_SRV], *cli = row->sk[PEERCRED_CLI];

	peercred_row_removed(t, row);
	peercred_pool_put(t, row);
	__sock_put(srv);
	__sock_put(cli);
}

/*
 * A free row for @who's connection, whose connecting sock is @cli, charged
 * to its share: users get neither admins' reserve nor more than their
 * share. Each failure returns at once, so that the inlined caller tests
 * no error pointer.
 */
static __always_inline int peercred_row_get(struct peercred_table *t,
					    const struct peercred_maker *who,
					    struct sock *cli,
					    struct peercred_row **rowp)
{
	bool exempt = !who || peercred_share_exempt(who->cred);
	struct peercred_row *row;
	int share = PEERCRED_SHARE_NONE;

	row = peercred_pool_get(t, exempt ? 0 : t->shares.reserve);
	if (unlikely(!row)) {
		peercred_count(t, PEERCRED_CNT_DROPPED_FULL);
		return -ENOSPC;
	}
	if (!exempt) {
		share = peercred_share_charge(&t->shares, who->cred,
					      sock_net(cli));
		if (unlikely(share < 0)) {
			peercred_pool_put(t, row);
			peercred_count(t, PEERCRED_CNT_DROPPED_SHARE);
			return share;
		}
	}
	row->share = share;
	row->tid = who ? who->tid : 0;
	*rowp = row;
	return 0;
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
	struct peercred_bucket *b;
	struct peercred_row *row;
	int err = peercred_row_get(t, who, cli, &row);

	if (err)
		return err;
	b = peercred_bucket(t, srv);
	row->stamp = jiffies;
	row->origin = origin;
	sock_hold(srv);
	sock_hold(cli);
	row->sk[PEERCRED_SRV] = srv;
	row->sk[PEERCRED_CLI] = cli;
	peercred_lock(peercred_bucket_word(b));
	row->next = peercred_bucket_first(b);
	peercred_bucket_publish(b, row);
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
	struct peercred_row *row, *prev;

	peercred_lock(peercred_bucket_word(b));
	row = peercred_bucket_first(b);
	if (row && match(row, arg)) {
		peercred_bucket_publish(b, row->next);
		return row;
	}
	for (prev = row; prev && (row = prev->next); prev = row) {
		if (match(row, arg)) {
			prev->next = row->next;
			break;
		}
	}
	peercred_unlock(peercred_bucket_word(b));
	return row;
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

/*
 * From the release probe: the row holding @sk, if any, goes. Until the
 * load-time walk is over, a release also leaves a tombstone for the walk
 * (peercred_table_release_found()): the walk may still meet @sk, hashed
 * and connected until unix_release_sock() unhashes it, later than this
 * probe ran. A SRV sock's
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
	struct peercred_bucket *own = peercred_bucket(t, sk), *peers = NULL;
	unsigned long own_first = READ_ONCE(own->first), peers_first = 0;

	if (peer) {
		peers = peercred_bucket(t, peer);
		peers_first = READ_ONCE(peers->first);
	}
	/* Both empty (bit 0 is a lock): one test for the common case. */
	if (unlikely(((own_first | peers_first) & ~1UL) ||
		     !peercred_table_walked(t)))
		peercred_table_release_found(t, sk, peer,
					     own_first & ~1UL ? own : NULL,
					     peers_first & ~1UL ? peers : NULL);
}

#endif /* PEERCRED_RECORD_H */
