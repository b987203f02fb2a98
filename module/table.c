// SPDX-License-Identifier: GPL-2.0
/*
 * The connection table: one hash of both ends of every row, bit-locked
 * buckets, rows from a pool allocated at load. The record and release
 * paths, which run in probe context, are in record.h; this file is the
 * rest of the writers' side: setting up and tearing down, the checked
 * record and the release's slow paths, the load-time walk's fences, and
 * removing dead rows. The readers' side is pins.c.
 *
 * Nothing looks at a row without its bucket lock: readers copy a row's
 * socks out, referenced (a "pin"), and format them later. So a removed row
 * goes back to the pool at once, with no grace period. Whoever unlinks a
 * row under its bucket lock owns it: nobody else can find it any more.
 */

#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <net/af_unix.h>
#include <net/sock.h>

#include "compat.h"
#include "record.h"
#include "table.h"

unsigned long peercred_table_count(struct peercred_table *t,
				   enum peercred_counter c)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(t->cnt, cpu)->n[c];
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_count);

/* Exact when nothing is being recorded or removed meanwhile. */
unsigned long peercred_table_live(struct peercred_table *t)
{
	return peercred_table_count(t, PEERCRED_CNT_RECORDED) -
	       peercred_table_count(t, PEERCRED_CNT_REMOVED);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_live);

/* What the table holds whatever its rows: all of it is allocated at load. */
size_t peercred_table_memory(const struct peercred_table *t)
{
	return (size_t)t->max_rows * sizeof(*t->rows) +
	       (size_t)peercred_table_buckets(t) * sizeof(*t->hash) +
	       PEERCRED_SHARE_SETS * sizeof(*t->shares.set) +
	       (size_t)num_possible_cpus() * sizeof(struct peercred_counters);
}

/*
 * In process context, preemption on: the references a removed row still
 * holds (any may be its sock's last) go, and so does the row.
 */
void peercred_row_free(struct peercred_table *t, struct peercred_row *row)
{
	int i;

	for (i = 0; i < PEERCRED_SIDES; i++)
		if (row->sk[i])
			sock_put(row->sk[i]);
	preempt_disable();	/* record.h's locks */
	peercred_pool_put(t, row);
	preempt_enable();
}

static void peercred_put_work_fn(struct work_struct *work)
{
	struct peercred_table *t = container_of(work, struct peercred_table,
						put_work);
	struct llist_node *batch = llist_del_all(&t->put_list);
	struct peercred_row *row, *next;

	llist_for_each_entry_safe(row, next, batch, put_node)
		peercred_row_free(t, row);
}

/* A bucket's lock in process context: record.h's want preemption off. */
void peercred_bucket_lock(struct peercred_bucket *b)
{
	preempt_disable();
	peercred_lock(peercred_bucket_word(b));
}

void peercred_bucket_unlock(struct peercred_bucket *b)
{
	peercred_unlock(peercred_bucket_word(b));
	preempt_enable();
}

/* In process context, no lock held: @b's first row that @match accepts. */
struct peercred_row *
peercred_take_unlocked(struct peercred_bucket *b,
		       bool (*match)(const struct peercred_row *row, const void *arg),
		       const void *arg)
{
	struct peercred_row *row;

	preempt_disable();	/* record.h's locks */
	row = peercred_bucket_take(b, match, arg);
	preempt_enable();
	return row;
}

int peercred_table_init(struct peercred_table *t, unsigned int max_rows)
{
	unsigned int i, n;

	memset(t, 0, sizeof(*t));
	/* About two rows per bucket when full. */
	t->bits = clamp_t(unsigned int, order_base_2(max_rows), 9, 22) - 1;
	t->shift = 64 - t->bits;
	t->max_rows = max_rows;
	/* No walk to wait for, until peercred_table_walk_begin() says so. */
	t->walked = true;
	raw_spin_lock_init(&t->walk_lock);
	init_llist_head(&t->put_list);
	INIT_WORK(&t->put_work, peercred_put_work_fn);
	n = peercred_table_buckets(t);

	t->hash = kvcalloc(n, sizeof(*t->hash), GFP_KERNEL);
	if (!t->hash)
		goto err;
	t->rows = vcalloc(max_rows, sizeof(*t->rows));
	if (!t->rows)
		goto err_hash;
	/* Nobody sees the table yet: a lock per row would only slow loading. */
	for (i = 0; i + 1 < max_rows; i++)
		t->rows[i].next = &t->rows[i + 1];
	t->free = t->rows;
	t->nfree = max_rows;
	t->cnt = alloc_percpu(struct peercred_counters);
	if (!t->cnt)
		goto err_rows;
	if (peercred_shares_init(&t->shares, max_rows))
		goto err_cnt;
	return 0;

err_cnt:
	free_percpu(t->cnt);
err_rows:
	vfree(t->rows);
err_hash:
	kvfree(t->hash);
err:
	return -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_init);

static bool peercred_match_any(const struct peercred_row *row, const void *arg)
{
	return true;
}

void peercred_table_destroy(struct peercred_table *t)
{
	struct peercred_row *row;
	unsigned int i;

	/* The probes are gone: an empty bucket stays empty, no lock needed. */
	for (i = 0; i < peercred_table_buckets(t); i++) {
		if (peercred_bucket_empty(&t->hash[i]))
			continue;
		while ((row = peercred_take_unlocked(&t->hash[i],
						     peercred_match_any, NULL))) {
			peercred_row_removed(t, row);
			peercred_row_free(t, row);
		}
		cond_resched();
	}
	flush_work(&t->put_work);
	peercred_shares_destroy(&t->shares);
	free_percpu(t->cnt);
	vfree(t->rows);
	kvfree(t->hash);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_destroy);

/* Whether @b holds a row with @x or @y at either end. */
static bool peercred_bucket_has(struct peercred_bucket *b,
				const struct sock *x, const struct sock *y)
{
	struct peercred_row *row;
	bool found = false;

	if (peercred_bucket_empty(b))
		return false;
	peercred_bucket_lock(b);
	for (row = peercred_bucket_first(b); row; row = row->next) {
		if (peercred_row_has(row, x) || peercred_row_has(row, y)) {
			found = true;
			break;
		}
	}
	peercred_bucket_unlock(b);
	return found;
}

/*
 * Whether @sk is in a row: as the SRV sock, in its own bucket; as the CLI
 * sock, in its peer's.
 */
bool peercred_table_has(struct peercred_table *t, struct sock *sk)
{
	struct sock *peer = READ_ONCE(unix_peer(sk));

	return peercred_bucket_has(peercred_bucket(t, sk), sk, sk) ||
	       (peer && peercred_bucket_has(peercred_bucket(t, peer), sk, sk));
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_has);

/*
 * A row of this connection, whichever of its socks the recorder called
 * SRV, is in the bucket of @cli or of @srv.
 */
static int peercred_record_checked(struct peercred_table *t, struct sock *cli,
				   struct sock *srv, enum peercred_origin origin,
				   const struct peercred_maker *who)
{
	if (peercred_bucket_has(peercred_bucket(t, srv), cli, srv) ||
	    peercred_bucket_has(peercred_bucket(t, cli), cli, srv))
		return -EEXIST;
	return __peercred_table_record_new(t, cli, srv, origin, who);
}

/*
 * Called by the load-time walk, and from probe context for connections
 * whose making began before the walk was over. Never fails the connection:
 * a full table is only counted. A sock already in a row is not recorded
 * again: the walk and a probe can both meet one connection.
 */
int peercred_table_record(struct peercred_table *t, struct sock *cli,
			  struct sock *srv, enum peercred_origin origin,
			  const struct peercred_maker *who)
{
	int err;

	preempt_disable();	/* record.h's locks (already off in probe context) */
	/* peercred_table_walk_end() waits for this section to end. */
	rcu_read_lock();
	if (!peercred_table_walked(t)) {
		raw_spin_lock(&t->walk_lock);
		err = peercred_record_checked(t, cli, srv, origin, who);
		raw_spin_unlock(&t->walk_lock);
	} else {
		err = peercred_record_checked(t, cli, srv, origin, who);
	}
	rcu_read_unlock();
	preempt_enable();
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_record);

/*
 * A walk of the kernel's tables is coming (at load, before the probes are
 * registered): from now on every recorder checks for a row under
 * walk_lock, and every release leaves a tombstone.
 */
void peercred_table_walk_begin(struct peercred_table *t)
{
	WRITE_ONCE(t->walked, false);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_walk_begin);

static bool peercred_match_tombstone(const struct peercred_row *row,
				     const void *arg)
{
	return row->origin == PEERCRED_ORIGIN_TOMBSTONE;
}

/*
 * The walk is over: recorders of connections begun from now on need not
 * check, releases need leave no tombstone. Once those that saw the walk
 * not over are finished (they run with preemption off, or in an RCU read
 * section), the tombstones go.
 */
void peercred_table_walk_end(struct peercred_table *t)
{
	struct peercred_row *row;
	unsigned int i;

	/* Pairs with the smp_load_acquire() in peercred_table_walked(). */
	smp_store_release(&t->walked, true);
	synchronize_rcu();
	for (i = 0; t->tombs && i < peercred_table_buckets(t); i++) {
		if (peercred_bucket_empty(&t->hash[i]))
			continue;
		while ((row = peercred_take_unlocked(&t->hash[i],
						     peercred_match_tombstone, NULL))) {
			t->tombs--;
			peercred_row_free(t, row);
		}
		cond_resched();
	}
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_walk_end);

/*
 * With walk_lock held, before the walk is over: @sk's release has begun,
 * and the walk, which records what it finds hashed and connected, must
 * not record it (unix_release_sock() unhashes it only after this probe).
 * A row of its own in its bucket, at both ends, referenced so that the
 * sock cannot be freed and its address taken by a new one meanwhile: the
 * walk's check finds it (peercred_record_checked()), readers skip it. With
 * no row free for it, what the walk records of @sk goes once the sock is
 * dead (peercred_table_reap_some()).
 */
static void peercred_table_entomb(struct peercred_table *t, struct sock *sk)
{
	struct peercred_bucket *b = peercred_bucket(t, sk);
	struct peercred_row *row = peercred_pool_get(t, 0);

	if (!row)
		return;
	sock_hold(sk);
	sock_hold(sk);
	row->sk[PEERCRED_SRV] = sk;
	row->sk[PEERCRED_CLI] = sk;
	row->origin = PEERCRED_ORIGIN_TOMBSTONE;
	row->share = PEERCRED_SHARE_NONE;
	row->tid = 0;
	row->stamp = jiffies;
	peercred_lock(peercred_bucket_word(b));
	row->next = peercred_bucket_first(b);
	peercred_bucket_publish(b, row);
	t->tombs++;
}

/*
 * Drop the references of a row removed at the release of @releasing that
 * is not {@releasing, @peer}: an LSM refused the connect after its probe,
 * and the released sock has no peer. Our puts of @releasing and @peer are
 * not their last (see peercred_row_retire_pair()). Any other sock may be
 * down to ours: that row goes to process context (peercred_put_work_fn()),
 * as a sock's destructor takes sleeping locks on PREEMPT_RT.
 */
static noinline notrace void peercred_row_retire(struct peercred_table *t,
						 struct peercred_row *row,
						 struct sock *releasing,
						 struct sock *peer)
{
	bool defer = false;
	int i;

	peercred_row_removed(t, row);
	for (i = 0; i < PEERCRED_SIDES; i++) {
		struct sock *sk = row->sk[i];

		if (sk == releasing || sk == peer) {
			__sock_put(sk);
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
 * The row taken at the release of @sk, whose other end is @other, goes:
 * the common row, {@sk, @peer}, inline.
 */
static __always_inline void peercred_release_retire(struct peercred_table *t,
						    struct peercred_row *row,
						    struct sock *sk,
						    struct sock *peer,
						    struct sock *other)
{
	if (likely(other == peer))
		peercred_row_retire_pair(t, row);
	else
		peercred_row_retire(t, row, sk, peer);
}

/*
 * The row of @sk, unlinked: in @own as its SRV sock, or in @peers as its
 * CLI sock (either may be NULL); *@other is the row's other sock.
 */
static __always_inline struct peercred_row *
peercred_release_take(struct sock *sk, struct peercred_bucket *own,
		      struct peercred_bucket *peers, struct sock **other)
{
	struct peercred_row *row = NULL;

	if (own)
		row = peercred_bucket_take(own, peercred_match_srv, sk);
	if (row) {
		*other = row->sk[PEERCRED_CLI];
		return row;
	}
	if (peers)
		row = peercred_bucket_take(peers, peercred_match_cli, sk);
	if (row)
		*other = row->sk[PEERCRED_SRV];
	return row;
}

/*
 * A release before the load-time walk is over: the walk may still meet
 * this connection, and takes walk_lock around its check and insert. Both
 * buckets are searched, not only those that looked busy: the lockless
 * check is no proof until the walk is over.
 */
static noinline notrace void
peercred_release_walking(struct peercred_table *t, struct sock *sk,
			 struct sock *peer)
{
	struct peercred_bucket *own = peercred_bucket(t, sk);
	struct peercred_bucket *peers = peer ? peercred_bucket(t, peer) : NULL;
	struct peercred_row *row;
	struct sock *other;

	/* peercred_table_walk_end() waits for this section to end. */
	rcu_read_lock();
	if (!peercred_table_walked(t)) {
		raw_spin_lock(&t->walk_lock);
		row = peercred_release_take(sk, own, peers, &other);
		/* Unconnected, it is nothing the walk would record. */
		if (peer)
			peercred_table_entomb(t, sk);
		raw_spin_unlock(&t->walk_lock);
	} else {
		row = peercred_release_take(sk, own, peers, &other);
	}
	rcu_read_unlock();
	if (row)
		peercred_release_retire(t, row, sk, peer, other);
}

/*
 * The part of a release that follows a hit in the lockless check of
 * __peercred_table_release_sk(): @own and @peers are the buckets of @sk
 * and of @peer, its unix_peer(), each NULL if it looked empty. Once the
 * load-time walk is over (for good: it runs once), no walker can meet this
 * row, and the common row, {@sk, @peer}, is retired inline; the rest is
 * out of line, so that this path saves one register, not six.
 */
notrace void peercred_table_release_found(struct peercred_table *t,
					  struct sock *sk, struct sock *peer,
					  struct peercred_bucket *own,
					  struct peercred_bucket *peers)
{
	struct peercred_row *row;
	struct sock *other;

	if (unlikely(!peercred_table_walked(t))) {
		peercred_release_walking(t, sk, peer);
		return;
	}
	row = peercred_release_take(sk, own, peers, &other);
	if (row)
		peercred_release_retire(t, row, sk, peer, other);
}

/* What the release probe does (built into it from record.h), for KUnit. */
void peercred_table_release_sk(struct peercred_table *t, struct sock *sk)
{
	preempt_disable();	/* as in probe context */
	__peercred_table_release_sk(t, sk);
	preempt_enable();
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_release_sk);
