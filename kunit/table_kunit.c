// SPDX-License-Identifier: GPL-2.0
/*
 * The connection table: lookup from either end, removal on release of either
 * end, capacity and drops, dead-sock detection, and writers racing a reader.
 * The suites call what the probes call, since UML has no ftrace.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "helpers.h"
#include "peercred.h"

static bool peercred_has_row(struct peercred_table *t, struct sock *sk)
{
	return peercred_table_has(t, sk);
}

/* Whether the rows holding @a and @b are one row, of these two socks. */
static bool peercred_same_row(struct peercred_table *t, struct sock *a,
			      struct sock *b)
{
	struct peercred_pin pa, pb;
	bool same;

	if (!peercred_table_lookup(t, a, &pa))
		return false;
	if (!peercred_table_lookup(t, b, &pb)) {
		peercred_pin_put(&pa);
		return false;
	}
	same = pa.sk[PEERCRED_CLI] == a && pa.sk[PEERCRED_SRV] == b &&
	       pb.sk[PEERCRED_CLI] == a && pb.sk[PEERCRED_SRV] == b;
	peercred_pin_put(&pa);
	peercred_pin_put(&pb);
	return same;
}

/* Release of either end removes the row, found from either end before. */
static void peercred_table_either_end(struct kunit *test)
{
	struct peercred_table t;
	struct socket *a, *b;
	int end;

	KUNIT_ASSERT_EQ(test, 0, peercred_table_init(&t, 16));
	for (end = 0; end < 2; end++) {
		peercred_kunit_pair(test, SOCK_SEQPACKET, &a, &b);
		KUNIT_ASSERT_EQ(test, 0, peercred_table_record(&t, a->sk, b->sk,
							       PEERCRED_ORIGIN_SOCKETPAIR, NULL));
		KUNIT_EXPECT_EQ(test, peercred_table_live(&t), 1UL);
		KUNIT_EXPECT_TRUE(test, peercred_same_row(&t, a->sk, b->sk));

		peercred_table_release_sk(&t, end ? b->sk : a->sk);
		KUNIT_EXPECT_FALSE(test, peercred_has_row(&t, a->sk));
		KUNIT_EXPECT_FALSE(test, peercred_has_row(&t, b->sk));
		KUNIT_EXPECT_EQ(test, peercred_table_live(&t), 0UL);
		/* The other end's release finds nothing and changes nothing. */
		peercred_table_release_sk(&t, end ? a->sk : b->sk);
		KUNIT_EXPECT_EQ(test, peercred_table_count(&t, PEERCRED_CNT_REMOVED),
				(unsigned long)end + 1);
		sock_release(a);
		sock_release(b);
	}
	KUNIT_EXPECT_EQ(test, peercred_table_count(&t, PEERCRED_CNT_RECORDED), 2UL);
	peercred_table_destroy(&t);
}

/* Full: the connection is not recorded, only counted; room comes back. */
static void peercred_table_capacity(struct kunit *test)
{
	struct socket *a[4], *b[4];
	struct peercred_table t;
	int i;

	KUNIT_ASSERT_EQ(test, 0, peercred_table_init(&t, 2));
	for (i = 0; i < 4; i++)
		peercred_kunit_pair(test, SOCK_STREAM, &a[i], &b[i]);
	KUNIT_EXPECT_EQ(test, 0, peercred_table_record(&t, a[0]->sk, b[0]->sk, 0, NULL));
	KUNIT_EXPECT_EQ(test, 0, peercred_table_record(&t, a[1]->sk, b[1]->sk, 0, NULL));
	KUNIT_EXPECT_EQ(test, -ENOSPC, peercred_table_record(&t, a[2]->sk, b[2]->sk, 0, NULL));
	KUNIT_EXPECT_EQ(test, peercred_table_live(&t), 2UL);
	KUNIT_EXPECT_EQ(test, peercred_table_count(&t, PEERCRED_CNT_DROPPED_FULL), 1UL);
	KUNIT_EXPECT_FALSE(test, peercred_has_row(&t, a[2]->sk));

	peercred_table_release_sk(&t, b[0]->sk);
	KUNIT_EXPECT_EQ(test, 0, peercred_table_record(&t, a[3]->sk, b[3]->sk, 0, NULL));
	KUNIT_EXPECT_TRUE(test, peercred_has_row(&t, a[3]->sk));
	KUNIT_EXPECT_EQ(test, peercred_table_live(&t), 2UL);

	peercred_table_destroy(&t);
	for (i = 0; i < 4; i++) {
		sock_release(a[i]);
		sock_release(b[i]);
	}
}

/*
 * A release the probe never saw still kills the sock; the row must then
 * count as dead (readers skip and reap it) and stay safe to touch, since it
 * holds references on both socks.
 */
static void peercred_table_dead_end(struct kunit *test)
{
	struct peercred_table t;
	struct peercred_pin pin;
	struct socket *a, *b;

	KUNIT_ASSERT_EQ(test, 0, peercred_table_init(&t, 16));
	peercred_kunit_pair(test, SOCK_STREAM, &a, &b);
	KUNIT_ASSERT_EQ(test, 0, peercred_table_record(&t, a->sk, b->sk, 0, NULL));
	KUNIT_ASSERT_TRUE(test, peercred_table_lookup(&t, a->sk, &pin));
	KUNIT_EXPECT_FALSE(test, peercred_pin_is_dead(&pin));
	peercred_pin_put(&pin);

	sock_release(b);
	KUNIT_ASSERT_TRUE(test, peercred_table_lookup(&t, a->sk, &pin));
	KUNIT_EXPECT_TRUE(test, peercred_pin_is_dead(&pin));
	peercred_table_remove_pinned(&t, &pin);
	peercred_pin_put(&pin);
	KUNIT_EXPECT_EQ(test, peercred_table_live(&t), 0UL);
	KUNIT_EXPECT_FALSE(test, peercred_has_row(&t, a->sk));
	sock_release(a);
	peercred_table_destroy(&t);
}

/*
 * A release no probe saw leaves a dead row, which holds both socks: the
 * housekeeping work removes it with no reader, counted, its references
 * dropped.
 */
static void peercred_table_reaps_without_reader(struct kunit *test)
{
	struct peercred_table t;
	struct socket *a, *b;
	unsigned int ra;

	KUNIT_ASSERT_EQ(test, 0, peercred_table_init(&t, 16));
	peercred_kunit_pair(test, SOCK_STREAM, &a, &b);
	KUNIT_ASSERT_EQ(test, 0, peercred_table_record(&t, a->sk, b->sk, 0, NULL));
	KUNIT_EXPECT_EQ(test, 0U, peercred_table_reap_some(&t, UINT_MAX));
	KUNIT_EXPECT_EQ(test, peercred_table_live(&t), 1UL);

	sock_release(b);	/* unseen: no peercred_table_release_sk() */
	ra = refcount_read(&a->sk->sk_refcnt);
	KUNIT_EXPECT_EQ(test, 1U, peercred_table_reap_some(&t, UINT_MAX));
	KUNIT_EXPECT_EQ(test, peercred_table_live(&t), 0UL);
	KUNIT_EXPECT_EQ(test, peercred_table_count(&t, PEERCRED_CNT_REAPED), 1UL);
	KUNIT_EXPECT_FALSE(test, peercred_has_row(&t, a->sk));
	/* The row's references went with it (b's was its last). */
	KUNIT_EXPECT_EQ(test, refcount_read(&a->sk->sk_refcnt), ra - 1);
	sock_release(a);
	peercred_table_destroy(&t);
}

#define PEERCRED_VIEW_PAIRS	16

/*
 * A reader pins only the rows it may see: those of its netns in which one
 * end's snapshot is of its euid. Another user's socks are not referenced,
 * not even while its bucket is pinned.
 */
static void peercred_table_pins_view(struct kunit *test)
{
	struct peercred_view mine = { .net = &init_net, .own = true };
	struct peercred_view elsewhere = { .own = false };
	struct socket *a[PEERCRED_VIEW_PAIRS], *b[PEERCRED_VIEW_PAIRS];
	unsigned int ref[PEERCRED_VIEW_PAIRS], i, n = 0, other = 0;
	struct peercred_pins p = {};
	struct peercred_table t;
	const struct cred *old;
	struct cred *as[2];

	as[0] = peercred_kunit_cred(test, 6000, 6000, 0, NULL);
	as[1] = peercred_kunit_cred(test, 6001, 6001, 0, NULL);
	mine.euid = as[0]->euid;
	elsewhere.net = kunit_kzalloc(test, sizeof(struct net), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, elsewhere.net);
	KUNIT_ASSERT_EQ(test, 0, peercred_table_init(&t, 64));
	for (i = 0; i < PEERCRED_VIEW_PAIRS; i++) {
		old = override_creds(as[i & 1]);
		peercred_kunit_pair(test, SOCK_STREAM, &a[i], &b[i]);
		revert_creds(old);
		KUNIT_ASSERT_EQ(test, 0, peercred_table_record(&t, a[i]->sk, b[i]->sk,
							       PEERCRED_ORIGIN_SOCKETPAIR, NULL));
		ref[i] = refcount_read(&a[i]->sk->sk_refcnt);
	}
	for (i = 0; i < peercred_table_buckets(&t); i++) {
		unsigned int j, k;

		KUNIT_ASSERT_EQ(test, 0, peercred_pins_fill(&t, i, &mine, &p));
		n += p.n;
		for (j = 0; j < PEERCRED_VIEW_PAIRS; j += 2)
			for (k = 0; k < p.n; k++)
				other += p.pin[k].sk[PEERCRED_CLI] == a[j + 1]->sk;
		/* While pinned: only this user's socks have a reference more. */
		for (j = 1; j < PEERCRED_VIEW_PAIRS; j += 2)
			other += refcount_read(&a[j]->sk->sk_refcnt) != ref[j];
		KUNIT_EXPECT_EQ(test, 0U,
				peercred_table_pin_bucket(&t, i, &elsewhere, NULL, 0));
	}
	peercred_pins_free(&p);
	KUNIT_EXPECT_EQ(test, n, PEERCRED_VIEW_PAIRS / 2U);
	KUNIT_EXPECT_EQ(test, other, 0U);
	for (i = 0; i < PEERCRED_VIEW_PAIRS; i++) {
		KUNIT_EXPECT_EQ(test, refcount_read(&a[i]->sk->sk_refcnt), ref[i]);
		peercred_table_release_sk(&t, a[i]->sk);
		sock_release(a[i]);
		sock_release(b[i]);
	}
	peercred_table_destroy(&t);
	put_cred(as[0]);
	put_cred(as[1]);
}

/*
 * One row more than the buckets of a 512-row table (256): some bucket then
 * holds two rows whatever the socks' addresses. Fewer rows are not enough:
 * hash_ptr() spreads socks allocated at a fixed stride one to a bucket,
 * which a debug kernel's fresh slab pages did for 96 pairs.
 */
#define PEERCRED_REHOLD_ROWS	512
#define PEERCRED_REHOLD_PAIRS	(PEERCRED_REHOLD_ROWS / 2 + 1)

/*
 * Between two read() calls a reader holds nothing: its pins let go of
 * their socks, and take them again for the rows still there; a row that
 * went meanwhile is skipped, not shown from a freed sock.
 */
static void peercred_table_pins_between_reads(struct kunit *test)
{
	unsigned int i, j, bucket = 0, busiest = 0, n;
	struct peercred_pins p = {};
	struct peercred_table t;
	struct socket **a, **b;
	struct sock *gone;

	a = kunit_kcalloc(test, PEERCRED_REHOLD_PAIRS, sizeof(*a), GFP_KERNEL);
	b = kunit_kcalloc(test, PEERCRED_REHOLD_PAIRS, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, 0, peercred_table_init(&t, PEERCRED_REHOLD_ROWS));
	KUNIT_ASSERT_LT(test, peercred_table_buckets(&t), PEERCRED_REHOLD_PAIRS);
	for (i = 0; i < PEERCRED_REHOLD_PAIRS; i++) {
		peercred_kunit_pair(test, SOCK_STREAM, &a[i], &b[i]);
		KUNIT_ASSERT_EQ(test, 0, peercred_table_record(&t, a[i]->sk, b[i]->sk,
							       PEERCRED_ORIGIN_SOCKETPAIR, NULL));
	}
	for (i = 0; i < peercred_table_buckets(&t); i++) {
		n = peercred_table_pin_bucket(&t, i, NULL, NULL, 0);
		if (n > busiest) {
			busiest = n;
			bucket = i;
		}
	}
	KUNIT_ASSERT_GE(test, busiest, 2U);
	KUNIT_ASSERT_EQ(test, 0, peercred_pins_fill(&t, bucket, NULL, &p));
	KUNIT_ASSERT_EQ(test, p.n, busiest);
	/* The end of a read(): nothing held; the first row's pair closes. */
	peercred_pins_unhold(&p);
	gone = p.pin[0].sk[PEERCRED_CLI];
	for (i = 0; i < PEERCRED_REHOLD_PAIRS && a[i]->sk != gone; i++)
		;
	KUNIT_ASSERT_LT(test, i, PEERCRED_REHOLD_PAIRS);
	for (j = 0; j < busiest; j++)
		KUNIT_EXPECT_FALSE(test, p.pin[j].held);
	peercred_table_release_sk(&t, a[i]->sk);
	sock_release(a[i]);
	sock_release(b[i]);
	a[i] = NULL;

	/* The next read() resumes at the first row. */
	peercred_pins_rehold(&t, bucket, NULL, &p, 0);
	KUNIT_EXPECT_NULL(test, p.pin[0].sk[PEERCRED_SRV]);
	KUNIT_EXPECT_FALSE(test, p.pin[0].held);
	for (j = 1; j < busiest; j++) {
		KUNIT_EXPECT_TRUE(test, p.pin[j].held);
		KUNIT_EXPECT_FALSE(test, peercred_pin_is_dead(&p.pin[j]));
	}
	peercred_pins_free(&p);
	for (i = 0; i < PEERCRED_REHOLD_PAIRS; i++) {
		if (!a[i])
			continue;
		peercred_table_release_sk(&t, a[i]->sk);
		sock_release(a[i]);
		sock_release(b[i]);
	}
	KUNIT_EXPECT_EQ(test, peercred_table_live(&t), 0UL);
	peercred_table_destroy(&t);
}

/*
 * References are taken and dropped in pairs, including the put a release
 * must not do itself: a sock that is not the releasing sock's unix_peer()
 * may be down to the row's reference, so its put waits for process context.
 * The shape is that of a connect() an LSM refused after the probe: the SRV
 * sock has no peer and is released, in its own bucket's row.
 */
static void peercred_table_refs_balance(struct kunit *test)
{
	struct peercred_table t;
	struct socket *a, *b;
	unsigned int ra, rb;

	KUNIT_ASSERT_EQ(test, 0, peercred_table_init(&t, 16));
	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, AF_UNIX, SOCK_STREAM, 0, &a));
	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, AF_UNIX, SOCK_STREAM, 0, &b));
	ra = refcount_read(&a->sk->sk_refcnt);
	rb = refcount_read(&b->sk->sk_refcnt);
	/* Not connected: a is no unix_peer() of b's. */
	KUNIT_ASSERT_EQ(test, 0, peercred_table_record(&t, a->sk, b->sk, 0, NULL));
	KUNIT_EXPECT_EQ(test, refcount_read(&a->sk->sk_refcnt), ra + 1);
	KUNIT_EXPECT_EQ(test, refcount_read(&b->sk->sk_refcnt), rb + 1);
	peercred_table_release_sk(&t, b->sk);
	KUNIT_EXPECT_EQ(test, refcount_read(&b->sk->sk_refcnt), rb);
	KUNIT_EXPECT_EQ(test, peercred_table_count(&t, PEERCRED_CNT_DEFERRED_PUTS), 1UL);
	flush_work(&t.put_work);
	KUNIT_EXPECT_EQ(test, refcount_read(&a->sk->sk_refcnt), ra);
	KUNIT_EXPECT_EQ(test, peercred_table_live(&t), 0UL);
	sock_release(a);
	sock_release(b);
	peercred_table_destroy(&t);
}

/*
 * A row lives in its SRV sock's bucket; its CLI sock finds it through
 * unix_peer(). Every lookup and release must pick the row of its own sock,
 * from either end, and leave the other rows whole.
 */
static void peercred_table_rows_apart(struct kunit *test)
{
	struct socket *a[8], *b[8];
	struct peercred_table t;
	int i;

	KUNIT_ASSERT_EQ(test, 0, peercred_table_init(&t, 8));
	for (i = 0; i < 8; i++) {
		peercred_kunit_pair(test, SOCK_STREAM, &a[i], &b[i]);
		KUNIT_ASSERT_EQ(test, 0, peercred_table_record(&t, a[i]->sk, b[i]->sk,
							       PEERCRED_ORIGIN_SOCKETPAIR, NULL));
	}
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_TRUE(test, peercred_same_row(&t, a[i]->sk, b[i]->sk));
	/* Releases from alternate ends; the others' rows stay whole. */
	for (i = 0; i < 8; i += 2) {
		peercred_table_release_sk(&t, (i & 2) ? a[i]->sk : b[i]->sk);
		KUNIT_EXPECT_FALSE(test, peercred_has_row(&t, a[i]->sk));
		KUNIT_EXPECT_FALSE(test, peercred_has_row(&t, b[i]->sk));
		KUNIT_EXPECT_TRUE(test, peercred_same_row(&t, a[i + 1]->sk, b[i + 1]->sk));
	}
	KUNIT_EXPECT_EQ(test, peercred_table_live(&t), 4UL);
	/* A second record of a recorded connection, either way round, is refused. */
	KUNIT_EXPECT_EQ(test, -EEXIST, peercred_table_record(&t, a[1]->sk, b[1]->sk, 0, NULL));
	KUNIT_EXPECT_EQ(test, -EEXIST, peercred_table_record(&t, b[1]->sk, a[1]->sk, 0, NULL));
	peercred_table_destroy(&t);
	for (i = 0; i < 8; i++) {
		sock_release(a[i]);
		sock_release(b[i]);
	}
}

#define PEERCRED_CHAIN_ROWS	600

/*
 * Rows whose SRV socks share a bucket are chained. 600 rows in 512
 * buckets make chains of three and more: removed in three passes (every
 * third row, from alternate ends), each release must unlink its own row
 * alone, first, middle or last in its chain, and every row left must
 * still be found from both ends.
 */
static void peercred_table_chains(struct kunit *test)
{
	const unsigned int n = PEERCRED_CHAIN_ROWS;
	unsigned int i, pass, longest = 0, wrong;
	struct socket **a, **b;
	struct peercred_table t;

	a = kunit_kcalloc(test, n, sizeof(*a), GFP_KERNEL);
	b = kunit_kcalloc(test, n, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, 0, peercred_table_init(&t, n));
	for (i = 0; i < n; i++) {
		peercred_kunit_pair(test, SOCK_STREAM, &a[i], &b[i]);
		KUNIT_ASSERT_EQ(test, 0, peercred_table_record(&t, a[i]->sk, b[i]->sk,
							       PEERCRED_ORIGIN_SOCKETPAIR, NULL));
	}
	for (i = 0; i < peercred_table_buckets(&t); i++)
		longest = max(longest, peercred_table_pin_bucket(&t, i, NULL, NULL, 0));
	KUNIT_ASSERT_GE(test, longest, 3U);
	for (pass = 0; pass < 3; pass++) {
		for (i = pass; i < n; i += 3)
			peercred_table_release_sk(&t, (i & 1) ? a[i]->sk : b[i]->sk);
		wrong = 0;
		for (i = 0; i < n; i++) {
			if (i % 3 <= pass)
				wrong += peercred_has_row(&t, a[i]->sk) ||
					 peercred_has_row(&t, b[i]->sk);
			else
				wrong += !peercred_same_row(&t, a[i]->sk, b[i]->sk);
		}
		KUNIT_EXPECT_EQ_MSG(test, wrong, 0U, "pass %u", pass);
	}
	KUNIT_EXPECT_EQ(test, peercred_table_live(&t), 0UL);
	peercred_table_destroy(&t);
	for (i = 0; i < n; i++) {
		sock_release(a[i]);
		sock_release(b[i]);
	}
}

struct peercred_stress {
	struct peercred_table *t;
	struct completion done;
	int rounds;
	int errors;
};

static int peercred_stress_writer(void *arg)
{
	struct peercred_stress *s = arg;
	struct socket *a, *b;
	int i;

	for (i = 0; i < s->rounds; i++) {
		if (sock_create_kern(&init_net, AF_UNIX, SOCK_STREAM, 0, &a))
			goto err;
		if (sock_create_kern(&init_net, AF_UNIX, SOCK_STREAM, 0, &b)) {
			sock_release(a);
			goto err;
		}
		if (a->ops->socketpair(a, b) ||
		    peercred_table_record(s->t, a->sk, b->sk, 0, NULL))
			s->errors++;
		/* As the release probe would: remove before the sock dies. */
		peercred_table_release_sk(s->t, (i & 1) ? a->sk : b->sk);
		sock_release(a);
		sock_release(b);
		if (!(i % 32))
			cond_resched();
	}
	complete(&s->done);
	return 0;
err:
	s->errors++;
	complete(&s->done);
	return 0;
}

/*
 * Walks every row as /proc/peercred does (pin a bucket, take both ends'
 * snapshots, follow the creds), until the writers are done.
 */
static int peercred_stress_reader(struct peercred_table *t,
				  struct peercred_stress *w, int nw)
{
	struct peercred_pins p = {};
	struct peercred_conn c;
	unsigned int i, j;
	int n, walks = 0, left;

	do {
		left = 0;
		for (n = 0; n < nw; n++)
			left += !completion_done(&w[n].done);
		for (i = 0; i < peercred_table_buckets(t); i++) {
			if (peercred_pins_fill(t, i, NULL, &p))
				break;
			for (j = 0; j < p.n; j++) {
				if (peercred_conn_get(&c, &p.pin[j]))
					continue;
				(void)READ_ONCE(c.side[PEERCRED_CLI].cred->euid);
			}
		}
		peercred_pins_drop(&p);
		walks++;
		cond_resched();
	} while (left);
	peercred_pins_free(&p);
	return walks;
}

static void peercred_table_concurrent(struct kunit *test)
{
	struct peercred_stress w[4];
	struct peercred_table t;
	struct task_struct *task;
	int i;

	/* Small: writers share buckets and contend on their locks. */
	KUNIT_ASSERT_EQ(test, 0, peercred_table_init(&t, 8));
	for (i = 0; i < ARRAY_SIZE(w); i++) {
		w[i].t = &t;
		w[i].rounds = 300;
		w[i].errors = 0;
		init_completion(&w[i].done);
		task = kthread_run(peercred_stress_writer, &w[i], "peercred_w%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	}
	KUNIT_EXPECT_GT(test, peercred_stress_reader(&t, w, ARRAY_SIZE(w)), 0);
	for (i = 0; i < ARRAY_SIZE(w); i++) {
		wait_for_completion(&w[i].done);
		KUNIT_EXPECT_EQ(test, w[i].errors, 0);
	}
	KUNIT_EXPECT_EQ(test, peercred_table_live(&t), 0UL);
	KUNIT_EXPECT_EQ(test, peercred_table_count(&t, PEERCRED_CNT_RECORDED), 1200UL);
	KUNIT_EXPECT_EQ(test, peercred_table_count(&t, PEERCRED_CNT_REMOVED), 1200UL);
	peercred_table_destroy(&t);
}

static struct kunit_case peercred_table_cases[] = {
	KUNIT_CASE(peercred_table_either_end),
	KUNIT_CASE(peercred_table_capacity),
	KUNIT_CASE(peercred_table_dead_end),
	KUNIT_CASE(peercred_table_reaps_without_reader),
	KUNIT_CASE(peercred_table_pins_view),
	KUNIT_CASE(peercred_table_pins_between_reads),
	KUNIT_CASE(peercred_table_refs_balance),
	KUNIT_CASE(peercred_table_rows_apart),
	KUNIT_CASE(peercred_table_chains),
	KUNIT_CASE(peercred_table_concurrent),
	{}
};

static struct kunit_suite peercred_table_suite = {
	.name = "peercred_table",
	.test_cases = peercred_table_cases,
};

kunit_test_suites(&peercred_table_suite);
