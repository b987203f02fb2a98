/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PEERCRED_TABLE_H
#define PEERCRED_TABLE_H

#include <linux/hash.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <net/af_unix.h>

#include "share.h"

struct cred;
struct sock;

enum peercred_origin {
	PEERCRED_ORIGIN_CONNECT,
	PEERCRED_ORIGIN_SOCKETPAIR,
	PEERCRED_ORIGIN_PREEXISTING,	/* found by the walk at load */
	/*
	 * Not a connection: a sock whose release began before the load-time
	 * walk was over, kept (referenced, in its own bucket, at both ends)
	 * until the walk ends, so that the walk does not record it. Readers
	 * never see one; see peercred_table_entomb().
	 */
	PEERCRED_ORIGIN_TOMBSTONE,
};

/*
 * A row has two ends. Each end names its own sock (what the user's fd
 * refers to); the identity shown for an end is what the *other* end's sock
 * holds about it, since that is what SO_PEERCRED on the other end returns.
 */
enum peercred_side_index {
	PEERCRED_SRV,	/* accepted sock; identity = listen-time snapshot */
	PEERCRED_CLI,	/* connecting sock; identity = connect-time snapshot */
	PEERCRED_SIDES,
};

/*
 * The row owns its two socks and nothing else: a connected sock keeps its
 * sk_peer_cred and sk_peer_pid until it is destructed, so readers take
 * them from the socks, in process context, when they show the row.
 *
 * A row is in one bucket, its SRV sock's. The CLI sock finds it through
 * unix_peer(), which points at the SRV sock from before any release of
 * the CLI sock can begin (see __peercred_table_release_sk()).
 */
struct peercred_row {
	/* A row is in one of these at a time: a bucket, the pool, put_list. */
	union {
		struct peercred_row *next;	/* in a bucket, or the pool */
		struct llist_node put_node;	/* waiting for a safe sock_put */
	};
	struct sock *sk[PEERCRED_SIDES];	/* referenced while the row is */
	unsigned long stamp;		/* jiffies at record time */
	u8 origin;
	u16 share;			/* the slot charged for it */
	pid_t tid;			/* see struct peercred_maker */
};

/*
 * What a reader keeps of a row: both socks, referenced while @held, so
 * the row itself may go (and its memory be reused) while the reader
 * formats it. Between read() calls a pin holds nothing: its socks are
 * only the row's name, never dereferenced, until it is held again
 * (peercred_pins_rehold()); NULL once that found the row gone.
 */
struct peercred_pin {
	struct sock *sk[PEERCRED_SIDES];
	unsigned long stamp;
	u8 origin;
	bool held;
	pid_t tid;
};

/*
 * Which rows a reader may see, decided under the bucket lock so that it
 * never pins another's: NULL sees every row.
 */
struct peercred_view {
	const struct net *net;	/* only rows of this netns; NULL: of any */
	bool own;		/* only rows one of whose snapshots is of @euid */
	kuid_t euid;
};

/*
 * Who made a connection: the user charged for its row, and the thread
 * whose cred the CLI end's snapshot is (both ends', for socketpair()), by
 * its id in the initial pid namespace; 0 where that is not known (the
 * load-time walk). A NULL maker is the kernel's: charged to nobody.
 */
struct peercred_maker {
	const struct cred *cred;
	pid_t tid;
};

/*
 * A bucket: a chain of rows, singly linked from @first, whose bit 0 is the
 * bucket's lock. Singly linked because every removal walks the chain to
 * find its row anyway (a back pointer would cost a store per insert and 8
 * bytes per row), and the head's one word takes a new first row and the
 * lock's release in one store.
 *
 * The lock is taken in probe context, where preemption is off and
 * PREEMPT_RT's sleeping spinlock_t is not allowed: it spins with
 * preemption disabled, as a raw spinlock does. It is inline, where
 * raw_spin_lock() is a call each way (see record.h for what that saved).
 * Lockdep does not see it; every critical section is a few pointer
 * updates, or a copy of one chain, and takes no other lock.
 */
struct peercred_bucket {
	unsigned long first;	/* struct peercred_row *, bit 0 the lock */
};

enum peercred_counter {
	PEERCRED_CNT_RECORDED,
	PEERCRED_CNT_REMOVED,
	PEERCRED_CNT_DROPPED_FULL,	/* no free row (users: none but the reserve) */
	PEERCRED_CNT_DROPPED_SHARE,	/* the share holds all its rows */
	PEERCRED_CNT_DEFERRED_PUTS,
	PEERCRED_CNT_REAPED,		/* removed because a sock died unseen */
	PEERCRED_CNT_NR,
};

struct peercred_counters {
	unsigned long n[PEERCRED_CNT_NR];
};

/*
 * One hash of rows by their SRV sock: recording links one node, and a
 * release unlinks one, under one bucket lock each. Rows come from a pool
 * allocated at load: recording never allocates, and a full pool, or a
 * user's full share (share.c), is a counted drop.
 */
struct peercred_table {
	struct peercred_bucket *hash;
	unsigned int bits;
	unsigned int shift;		/* 64 - bits: see peercred_bucket() */
	unsigned int max_rows;
	struct peercred_row *rows;	/* the pool's memory */
	struct peercred_row *free;	/* linked by ->next, under free_lock */
	unsigned int nfree;		/* under free_lock */
	unsigned long free_lock;	/* bit 0, as a bucket's */
	struct peercred_shares shares;
	struct peercred_counters __percpu *cnt;
	/* Rows whose last sock_put may free a sock: done in process context. */
	struct llist_head put_list;
	struct work_struct put_work;
	unsigned int reap_next;		/* the next bucket peercred_table_reap_some() looks at */
	bool walked;			/* see peercred_table_walked() */
	/*
	 * Until the load-time walk is over, it and the probes can both meet
	 * one connection: their check-then-insert (and a release's removal
	 * and tombstone) are serialized by this lock.
	 */
	raw_spinlock_t walk_lock;
	unsigned int tombs;		/* under walk_lock */
};

int peercred_table_init(struct peercred_table *t, unsigned int max_rows);
void peercred_table_destroy(struct peercred_table *t);

int peercred_table_record(struct peercred_table *t, struct sock *cli,
			  struct sock *srv, enum peercred_origin origin,
			  const struct peercred_maker *who);
void peercred_table_walk_begin(struct peercred_table *t);
void peercred_table_walk_end(struct peercred_table *t);
void peercred_table_release_sk(struct peercred_table *t, struct sock *sk);
void peercred_table_release_found(struct peercred_table *t, struct sock *sk,
				  struct sock *peer, struct peercred_bucket *own,
				  struct peercred_bucket *peers);
bool peercred_table_has(struct peercred_table *t, struct sock *sk);
bool peercred_table_lookup(struct peercred_table *t, struct sock *sk,
			   struct peercred_pin *pin);
unsigned int peercred_table_pin_bucket(struct peercred_table *t,
				       unsigned int bucket,
				       const struct peercred_view *view,
				       struct peercred_pin *pins,
				       unsigned int max);
void peercred_pin_put(struct peercred_pin *pin);
bool peercred_pin_is_dead(const struct peercred_pin *pin);
void peercred_table_remove_pinned(struct peercred_table *t,
				  const struct peercred_pin *pin);
/* A growable set of pins, for walking the table bucket by bucket. */
struct peercred_pins {
	struct peercred_pin *pin;
	unsigned int n, cap;
};

int peercred_pins_fill(struct peercred_table *t, unsigned int bucket,
		       const struct peercred_view *view,
		       struct peercred_pins *p);
void peercred_pins_unhold(struct peercred_pins *p);
void peercred_pins_rehold(struct peercred_table *t, unsigned int bucket,
			  const struct peercred_view *view,
			  struct peercred_pins *p, unsigned int from);
void peercred_pins_drop(struct peercred_pins *p);
void peercred_pins_free(struct peercred_pins *p);
void peercred_table_reap(struct peercred_table *t, enum peercred_origin origin,
			 bool (*gone)(struct sock *sk));
unsigned int peercred_table_reap_some(struct peercred_table *t,
				      unsigned int buckets);
unsigned long peercred_table_count(struct peercred_table *t,
				   enum peercred_counter c);
unsigned long peercred_table_live(struct peercred_table *t);
size_t peercred_table_memory(const struct peercred_table *t);

/* For pins.c: process-context helpers of table.c. */
struct peercred_row;
void peercred_bucket_lock(struct peercred_bucket *b);
void peercred_bucket_unlock(struct peercred_bucket *b);
struct peercred_row *
peercred_take_unlocked(struct peercred_bucket *b,
		       bool (*match)(const struct peercred_row *row, const void *arg),
		       const void *arg);
void peercred_row_free(struct peercred_table *t, struct peercred_row *row);

/*
 * True once the load-time walk is over (and for a table that has none to
 * wait for). A connection whose making began after this returned true is
 * one the walk cannot have met: __peercred_table_record_new() may record
 * it unchecked; a release that sees it true needs to leave no tombstone.
 */
static inline bool peercred_table_walked(const struct peercred_table *t)
{
	/* Pairs with the smp_store_release() in peercred_table_walk_end(). */
	return smp_load_acquire(&t->walked);
}

static inline unsigned int peercred_table_buckets(const struct peercred_table *t)
{
	return 1U << t->bits;
}

/*
 * hash_ptr() on 64 bits, with its shift computed at load: every connection
 * hashes five socks in probe context.
 */
static inline struct peercred_bucket *
peercred_bucket(struct peercred_table *t, const struct sock *sk)
{
	return &t->hash[(u64)(unsigned long)sk * GOLDEN_RATIO_64 >> t->shift];
}

static inline bool peercred_row_has(const struct peercred_row *row,
				    const struct sock *sk)
{
	return row->sk[PEERCRED_SRV] == sk || row->sk[PEERCRED_CLI] == sk;
}

/* Without the lock: a hint, exact only where the caller says why. */
static inline bool peercred_bucket_empty(const struct peercred_bucket *b)
{
	return !(READ_ONCE(b->first) & ~1UL);
}

/* With the bucket's lock held. */
static inline struct peercred_row *
peercred_bucket_first(const struct peercred_bucket *b)
{
	return (struct peercred_row *)(b->first & ~1UL);
}

#endif /* PEERCRED_TABLE_H */
