/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PEERCRED_TABLE_H
#define PEERCRED_TABLE_H

#include <linux/atomic.h>
#include <linux/llist.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

struct cred;
struct pid;
struct sock;

enum peercred_origin {
	PEERCRED_ORIGIN_CONNECT,
	PEERCRED_ORIGIN_SOCKETPAIR,
	PEERCRED_ORIGIN_PREEXISTING,	/* found by the walk at load */
};

/*
 * A row has two sides. Each side names its own sock (what the user's fd
 * refers to) and the identity the *other* side's sock holds about it, since
 * that is what SO_PEERCRED on the other end returns.
 */
enum peercred_side_index {
	PEERCRED_SRV,	/* accepted sock; identity = listen-time snapshot */
	PEERCRED_CLI,	/* connecting sock; identity = connect-time snapshot */
	PEERCRED_SIDES,
};

struct peercred_side {
	struct hlist_node node;		/* in the hash of its own sk */
	struct sock *sk;		/* reference held while linked */
	const struct cred *cred;	/* reference held while linked */
	struct pid *pid;		/* reference held while linked */
	char comm[TASK_COMM_LEN];	/* of pid's thread group at record time */
};

struct peercred_row {
	struct peercred_side side[PEERCRED_SIDES];
	unsigned long stamp;		/* jiffies at record time */
	u8 origin;
	unsigned long unlinked;		/* bit 0: set once, by the one unlinker */
	union {
		struct rcu_head rcu;
		struct llist_node free_node;
	};
};

struct peercred_bucket {
	spinlock_t lock;		/* writers; readers of SRV rows' refs */
	struct hlist_head head;
};

/*
 * Two hashes, one per side, so that a walk of the SRV hash meets every row
 * exactly once while a release can still find its row from either sock.
 */
struct peercred_table {
	struct peercred_bucket *hash[PEERCRED_SIDES];
	unsigned int bits;
	unsigned int max_rows;
	atomic_t live;
	atomic_long_t recorded;
	atomic_long_t dropped;
	atomic_long_t removed;
	bool walking;			/* the load-time walk is running */
	bool walked;			/* it is over: see peercred_table_walked() */
	/*
	 * While the walk runs, it and the probes can both meet one connection:
	 * their check-then-insert is serialized by this lock.
	 */
	spinlock_t walk_lock;
};

int peercred_table_cache_init(void);
void peercred_table_cache_exit(void);
int peercred_table_init(struct peercred_table *t, unsigned int max_rows);
void peercred_table_destroy(struct peercred_table *t);

int peercred_table_record(struct peercred_table *t, struct sock *cli,
			  struct sock *srv, enum peercred_origin origin);
int peercred_table_record_new(struct peercred_table *t, struct sock *cli,
			      struct sock *srv, enum peercred_origin origin);
void peercred_table_walk_begin(struct peercred_table *t);
void peercred_table_walk_end(struct peercred_table *t);
void peercred_table_release_sk(struct peercred_table *t, struct sock *sk);
void peercred_table_remove(struct peercred_table *t, struct peercred_row *row);
struct peercred_row *peercred_table_find(struct peercred_table *t,
					 struct sock *sk);
bool peercred_row_lock(struct peercred_table *t, struct peercred_row *row);
void peercred_row_unlock(struct peercred_table *t, struct peercred_row *row);
bool peercred_row_is_dead(const struct peercred_row *row);
void peercred_table_reap(struct peercred_table *t, enum peercred_origin origin,
			 bool (*gone)(struct sock *sk));

static inline struct peercred_row *peercred_side_row(struct peercred_side *side,
						     int i)
{
	return i == PEERCRED_SRV ?
	       container_of(side, struct peercred_row, side[PEERCRED_SRV]) :
	       container_of(side, struct peercred_row, side[PEERCRED_CLI]);
}

/*
 * A connection whose making began after this returned true is one the walk
 * cannot have met: peercred_table_record_new() may record it unchecked.
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

#endif /* PEERCRED_TABLE_H */
