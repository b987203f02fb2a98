// SPDX-License-Identifier: GPL-2.0
/*
 * The connection table: lookup from either end, removal on release of either
 * end, capacity and drops, dead-sock detection, and writers racing a reader.
 * The suites call what the probes call, since UML has no kprobes.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <net/sock.h>

#include "helpers.h"
#include "peercred.h"

static bool peercred_has_row(struct peercred_table *t, struct sock *sk)
{
	bool found;

	rcu_read_lock();
	found = peercred_table_find(t, sk);
	rcu_read_unlock();
	return found;
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
							       PEERCRED_ORIGIN_SOCKETPAIR));
		KUNIT_EXPECT_EQ(test, atomic_read(&t.live), 1);
		rcu_read_lock();
		KUNIT_EXPECT_PTR_EQ(test, peercred_table_find(&t, a->sk),
				    peercred_table_find(&t, b->sk));
		rcu_read_unlock();

		peercred_table_release_sk(&t, end ? b->sk : a->sk);
		KUNIT_EXPECT_FALSE(test, peercred_has_row(&t, a->sk));
		KUNIT_EXPECT_FALSE(test, peercred_has_row(&t, b->sk));
		KUNIT_EXPECT_EQ(test, atomic_read(&t.live), 0);
		/* The other end's release finds nothing and changes nothing. */
		peercred_table_release_sk(&t, end ? a->sk : b->sk);
		KUNIT_EXPECT_EQ(test, atomic_long_read(&t.removed), (long)end + 1);
		sock_release(a);
		sock_release(b);
	}
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t.recorded), 2L);
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
	KUNIT_EXPECT_EQ(test, 0, peercred_table_record(&t, a[0]->sk, b[0]->sk, 0));
	KUNIT_EXPECT_EQ(test, 0, peercred_table_record(&t, a[1]->sk, b[1]->sk, 0));
	KUNIT_EXPECT_EQ(test, -ENOSPC, peercred_table_record(&t, a[2]->sk, b[2]->sk, 0));
	KUNIT_EXPECT_EQ(test, atomic_read(&t.live), 2);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t.dropped), 1L);
	KUNIT_EXPECT_FALSE(test, peercred_has_row(&t, a[2]->sk));

	peercred_table_release_sk(&t, b[0]->sk);
	KUNIT_EXPECT_EQ(test, 0, peercred_table_record(&t, a[3]->sk, b[3]->sk, 0));
	KUNIT_EXPECT_TRUE(test, peercred_has_row(&t, a[3]->sk));
	KUNIT_EXPECT_EQ(test, atomic_read(&t.live), 2);

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
	struct peercred_row *row;
	struct socket *a, *b;

	KUNIT_ASSERT_EQ(test, 0, peercred_table_init(&t, 16));
	peercred_kunit_pair(test, SOCK_STREAM, &a, &b);
	KUNIT_ASSERT_EQ(test, 0, peercred_table_record(&t, a->sk, b->sk, 0));
	rcu_read_lock();
	row = peercred_table_find(&t, a->sk);
	KUNIT_ASSERT_NOT_NULL(test, row);
	KUNIT_EXPECT_FALSE(test, peercred_row_is_dead(row));
	rcu_read_unlock();

	sock_release(b);
	rcu_read_lock();
	row = peercred_table_find(&t, a->sk);
	KUNIT_ASSERT_NOT_NULL(test, row);
	KUNIT_EXPECT_TRUE(test, peercred_row_is_dead(row));
	peercred_table_remove(&t, row);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&t.live), 0);
	sock_release(a);
	peercred_table_destroy(&t);
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
		    peercred_table_record(s->t, a->sk, b->sk, 0))
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

/* What a /proc reader does to a row: follow its socks and creds. */
static void peercred_stress_touch(struct peercred_table *t, struct peercred_row *row)
{
	if (peercred_row_lock(t, row) && !peercred_row_is_dead(row))
		(void)READ_ONCE(row->side[PEERCRED_CLI].cred->euid);
	peercred_row_unlock(t, row);
}

/* Walks every row as /proc/peercred does, until the writers are done. */
static int peercred_stress_reader(struct peercred_table *t,
				  struct peercred_stress *w, int nw)
{
	struct peercred_side *side;
	unsigned int i;
	int n, walks = 0, left;

	do {
		left = 0;
		for (n = 0; n < nw; n++)
			left += !completion_done(&w[n].done);
		rcu_read_lock();
		for (i = 0; i < peercred_table_buckets(t); i++)
			hlist_for_each_entry_rcu(side, &t->hash[PEERCRED_SRV][i].head, node)
				peercred_stress_touch(t, peercred_side_row(side, PEERCRED_SRV));
		rcu_read_unlock();
		walks++;
		cond_resched();
	} while (left);
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
	KUNIT_EXPECT_EQ(test, atomic_read(&t.live), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t.recorded), 1200L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t.removed), 1200L);
	peercred_table_destroy(&t);
}

static struct kunit_case peercred_table_cases[] = {
	KUNIT_CASE(peercred_table_either_end),
	KUNIT_CASE(peercred_table_capacity),
	KUNIT_CASE(peercred_table_dead_end),
	KUNIT_CASE(peercred_table_concurrent),
	{}
};

static struct kunit_suite peercred_table_suite = {
	.name = "peercred_table",
	.test_cases = peercred_table_cases,
};

kunit_test_suites(&peercred_table_suite);
