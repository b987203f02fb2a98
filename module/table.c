// SPDX-License-Identifier: GPL-2.0
/*
 * The connection table: two RCU hashes keyed by sock pointer, per-bucket
 * spinlocks, bounded by max_rows. Writers run in probe context, so nothing
 * here sleeps on the record/remove paths.
 *
 * Lifetimes: RCU keeps a row's memory valid for lockless lookups, which only
 * compare sock pointers. Whoever touches a row's socks, creds or pids holds
 * its SRV bucket lock and sees it linked (peercred_row_lock()), so the
 * references can be dropped as soon as the row is unlinked, not a grace
 * period later: the release path stays cheap and socks die when they would
 * without us.
 */

#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "compat.h"
#include "snapshot.h"
#include "table.h"

static struct kmem_cache *peercred_row_cache;
static LLIST_HEAD(peercred_free_list);

static void peercred_row_put_refs(struct peercred_row *row)
{
	int i;

	for (i = 0; i < PEERCRED_SIDES; i++) {
		peercred_snapshot_drop(&row->side[i]);
		sock_put(row->side[i].sk);
	}
}

/* Rows holding a dead sock: our put may be its last, so it waits for here. */
static void peercred_free_work_fn(struct work_struct *work)
{
	struct llist_node *batch = llist_del_all(&peercred_free_list);
	struct peercred_row *row, *next;

	llist_for_each_entry_safe(row, next, batch, free_node) {
		peercred_row_put_refs(row);
		kmem_cache_free(peercred_row_cache, row);
	}
}

static DECLARE_WORK(peercred_free_work, peercred_free_work_fn);

static void peercred_row_put_rcu(struct rcu_head *head)
{
	struct peercred_row *row = container_of(head, struct peercred_row, rcu);

	if (llist_add(&row->free_node, &peercred_free_list))
		schedule_work(&peercred_free_work);
}

static void peercred_row_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(peercred_row_cache,
			container_of(head, struct peercred_row, rcu));
}

int peercred_table_cache_init(void)
{
	peercred_row_cache = KMEM_CACHE(peercred_row, 0);
	return peercred_row_cache ? 0 : -ENOMEM;
}

void peercred_table_cache_exit(void)
{
	/* Every table is destroyed by now; wait for their last frees. */
	rcu_barrier();
	flush_work(&peercred_free_work);
	kmem_cache_destroy(peercred_row_cache);
}

static struct peercred_bucket *peercred_bucket(struct peercred_table *t,
					       int side, const struct sock *sk)
{
	return &t->hash[side][hash_ptr(sk, t->bits)];
}

/*
 * Both buckets of a row are locked, SRV first, so that a row is linked into
 * and unlinked from both hashes atomically with respect to other writers.
 */
static void peercred_lock_row(struct peercred_table *t, struct sock *srv,
			      struct sock *cli)
	__acquires(srv_bucket) __acquires(cli_bucket)
{
	spin_lock(&peercred_bucket(t, PEERCRED_SRV, srv)->lock);
	spin_lock_nested(&peercred_bucket(t, PEERCRED_CLI, cli)->lock,
			 SINGLE_DEPTH_NESTING);
}

static void peercred_unlock_row(struct peercred_table *t, struct sock *srv,
				struct sock *cli)
	__releases(cli_bucket) __releases(srv_bucket)
{
	spin_unlock(&peercred_bucket(t, PEERCRED_CLI, cli)->lock);
	spin_unlock(&peercred_bucket(t, PEERCRED_SRV, srv)->lock);
}

int peercred_table_init(struct peercred_table *t, unsigned int max_rows)
{
	unsigned int i, n;
	int side;

	memset(t, 0, sizeof(*t));
	/* About four rows per bucket when full keeps release lookups short. */
	t->bits = clamp_t(unsigned int, order_base_2(max_rows), 8, 20) - 2;
	t->max_rows = max_rows;
	spin_lock_init(&t->walk_lock);
	n = peercred_table_buckets(t);

	for (side = 0; side < PEERCRED_SIDES; side++) {
		t->hash[side] = kvcalloc(n, sizeof(*t->hash[side]), GFP_KERNEL);
		if (!t->hash[side])
			goto err_free;
		for (i = 0; i < n; i++) {
			spin_lock_init(&t->hash[side][i].lock);
			INIT_HLIST_HEAD(&t->hash[side][i].head);
		}
	}
	return 0;

err_free:
	while (side--)
		kvfree(t->hash[side]);
	return -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_init);

void peercred_table_destroy(struct peercred_table *t)
{
	struct peercred_side *side;
	unsigned int i;

	for (i = 0; i < peercred_table_buckets(t); i++) {
		rcu_read_lock();
		hlist_for_each_entry_rcu(side, &t->hash[PEERCRED_SRV][i].head, node)
			peercred_table_remove(t, peercred_side_row(side, PEERCRED_SRV));
		rcu_read_unlock();
	}
	/* Deferred puts and frees are done before the caller moves on. */
	rcu_barrier();
	flush_work(&peercred_free_work);
	kvfree(t->hash[PEERCRED_CLI]);
	kvfree(t->hash[PEERCRED_SRV]);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_destroy);

static void peercred_side_init(struct peercred_side *side, struct sock *sk,
			       struct sock *holder)
{
	sock_hold(sk);
	side->sk = sk;
	peercred_snapshot_take(side, holder);
}

/* Caller holds rcu_read_lock(). */
static bool peercred_table_has(struct peercred_table *t, struct sock *a,
			       struct sock *b)
{
	return peercred_table_find(t, a) || peercred_table_find(t, b);
}

/*
 * For a connection made after the walk (peercred_table_walked() was true
 * when its making began): nothing else can have recorded it, so the probes'
 * hot path skips the lookups of peercred_table_record().
 */
int peercred_table_record_new(struct peercred_table *t, struct sock *cli,
			      struct sock *srv, enum peercred_origin origin)
{
	struct peercred_row *row;

	if (atomic_inc_return(&t->live) > t->max_rows)
		goto err_full;
	row = kmem_cache_zalloc(peercred_row_cache, GFP_ATOMIC | __GFP_NOWARN);
	if (!row)
		goto err_full;

	row->stamp = jiffies;
	row->origin = origin;
	/* Each side's identity is what the opposite sock holds. */
	peercred_side_init(&row->side[PEERCRED_SRV], srv, cli);
	peercred_side_init(&row->side[PEERCRED_CLI], cli, srv);

	peercred_lock_row(t, srv, cli);
	hlist_add_head_rcu(&row->side[PEERCRED_SRV].node,
			   &peercred_bucket(t, PEERCRED_SRV, srv)->head);
	hlist_add_head_rcu(&row->side[PEERCRED_CLI].node,
			   &peercred_bucket(t, PEERCRED_CLI, cli)->head);
	peercred_unlock_row(t, srv, cli);
	atomic_long_inc(&t->recorded);
	return 0;

err_full:
	atomic_dec(&t->live);
	atomic_long_inc(&t->dropped);
	return -ENOSPC;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_record_new);

/*
 * Called by the load-time walk, and from probe context for connections
 * whose making began before the walk was over. Never fails the connection:
 * a full table or a failed allocation is only counted. A sock already in a
 * row is not recorded again: the walk and a connect() that returns late can
 * both meet one connection, in either orientation.
 */
int peercred_table_record(struct peercred_table *t, struct sock *cli,
			  struct sock *srv, enum peercred_origin origin)
{
	int err = -EEXIST;

	/* peercred_table_walk_begin() waits for this section to end. */
	rcu_read_lock();
	if (READ_ONCE(t->walking)) {
		spin_lock(&t->walk_lock);
		if (!peercred_table_has(t, srv, cli))
			err = peercred_table_record_new(t, cli, srv, origin);
		spin_unlock(&t->walk_lock);
	} else if (!peercred_table_has(t, srv, cli)) {
		err = peercred_table_record_new(t, cli, srv, origin);
	}
	rcu_read_unlock();
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_record);

/*
 * Recorders that sampled walking == false are finished once this returns;
 * every later one takes walk_lock, so no connection gets two rows.
 */
void peercred_table_walk_begin(struct peercred_table *t)
{
	WRITE_ONCE(t->walking, true);
	synchronize_rcu();
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_walk_begin);

/*
 * Recorders whose connection was begun during the walk still check for its
 * rows, without the lock; those begun from now on need not check at all.
 */
void peercred_table_walk_end(struct peercred_table *t)
{
	WRITE_ONCE(t->walking, false);
	/* Pairs with the smp_load_acquire() in peercred_table_walked(). */
	smp_store_release(&t->walked, true);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_walk_end);

void peercred_table_remove(struct peercred_table *t, struct peercred_row *row)
{
	struct sock *srv = row->side[PEERCRED_SRV].sk;
	struct sock *cli = row->side[PEERCRED_CLI].sk;

	peercred_lock_row(t, srv, cli);
	if (test_and_set_bit(0, &row->unlinked)) {
		peercred_unlock_row(t, srv, cli);
		return;
	}
	hlist_del_rcu(&row->side[PEERCRED_SRV].node);
	hlist_del_rcu(&row->side[PEERCRED_CLI].node);
	peercred_unlock_row(t, srv, cli);

	atomic_dec(&t->live);
	atomic_long_inc(&t->removed);
	/*
	 * While both socks live, neither of our puts is the last (the releasing
	 * caller holds one sock, the other end's owner the other). A dead sock,
	 * released without our probe seeing it, may be down to our reference.
	 */
	if (peercred_row_is_dead(row)) {
		call_rcu(&row->rcu, peercred_row_put_rcu);
		return;
	}
	peercred_row_put_refs(row);
	call_rcu(&row->rcu, peercred_row_free_rcu);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_remove);

/* Caller holds rcu_read_lock(). */
struct peercred_row *peercred_table_find(struct peercred_table *t,
					 struct sock *sk)
{
	struct peercred_side *side;
	int i;

	for (i = 0; i < PEERCRED_SIDES; i++) {
		hlist_for_each_entry_rcu(side, &peercred_bucket(t, i, sk)->head, node) {
			/* An unlinked row's sock may be gone and its address reused. */
			if (side->sk == sk &&
			    !test_bit(0, &peercred_side_row(side, i)->unlinked))
				return peercred_side_row(side, i);
		}
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_find);

void peercred_table_release_sk(struct peercred_table *t, struct sock *sk)
{
	struct peercred_row *row;

	rcu_read_lock();
	row = peercred_table_find(t, sk);
	if (row)
		peercred_table_remove(t, row);
	rcu_read_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_release_sk);

/*
 * For readers of a row's socks, creds and pids: with the SRV bucket locked,
 * a row that is still linked keeps its references until the unlock.
 */
bool peercred_row_lock(struct peercred_table *t, struct peercred_row *row)
	__acquires(srv_bucket)
{
	spin_lock(&peercred_bucket(t, PEERCRED_SRV, row->side[PEERCRED_SRV].sk)->lock);
	return !test_bit(0, &row->unlinked);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_row_lock);

void peercred_row_unlock(struct peercred_table *t, struct peercred_row *row)
	__releases(srv_bucket)
{
	spin_unlock(&peercred_bucket(t, PEERCRED_SRV, row->side[PEERCRED_SRV].sk)->lock);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_row_unlock);

/*
 * A release the probe did not see (a kprobe miss) still marks the sock
 * dead; such a row is no longer a connection. The caller holds the row's
 * references (peercred_row_lock() or the unlinker).
 */
bool peercred_row_is_dead(const struct peercred_row *row)
{
	return sock_flag(row->side[PEERCRED_SRV].sk, SOCK_DEAD) ||
	       sock_flag(row->side[PEERCRED_CLI].sk, SOCK_DEAD);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_row_is_dead);

/*
 * Remove every row of @origin one of whose socks @gone() says is released.
 * @gone() is called with no table lock held, on socks this function holds.
 */
void peercred_table_reap(struct peercred_table *t, enum peercred_origin origin,
			 bool (*gone)(struct sock *sk))
{
	struct peercred_side *side;
	struct peercred_row *row;
	struct sock *sk[PEERCRED_SIDES];
	unsigned int i;
	bool linked;
	int j;

	for (i = 0; i < peercred_table_buckets(t); i++) {
		rcu_read_lock();
		hlist_for_each_entry_rcu(side, &t->hash[PEERCRED_SRV][i].head, node) {
			row = peercred_side_row(side, PEERCRED_SRV);
			if (row->origin != origin)
				continue;
			linked = peercred_row_lock(t, row);
			for (j = 0; linked && j < PEERCRED_SIDES; j++) {
				sk[j] = row->side[j].sk;
				sock_hold(sk[j]);
			}
			peercred_row_unlock(t, row);
			if (!linked)
				continue;
			if (gone(sk[PEERCRED_SRV]) || gone(sk[PEERCRED_CLI]))
				peercred_table_remove(t, row);
			for (j = 0; j < PEERCRED_SIDES; j++)
				sock_put(sk[j]);
		}
		rcu_read_unlock();
		cond_resched();
	}
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_reap);
