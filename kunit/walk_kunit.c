// SPDX-License-Identifier: GPL-2.0
/*
 * The load-time walk of the kernel's AF_UNIX tables: connections made before
 * it are found with what their socks hold, listeners and datagram socks are
 * not rows, a connection a probe recorded (in either orientation) or the
 * walk already found does not get a second row, a row whose release went
 * unreported is reaped, a pair met half made is recorded, and a sock whose
 * release began before the walk met it is not.
 */

#include <kunit/test.h>
#include <linux/rwsem.h>
#include <net/af_unix.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "helpers.h"
#include "peercred.h"

#define PEERCRED_WALK_ROWS	4096

/* The walk meets every sock of the system: room for them all. */
static void peercred_walk_table(struct kunit *test, struct peercred_table *t)
{
	KUNIT_ASSERT_EQ(test, 0, peercred_table_init(t, PEERCRED_WALK_ROWS));
}

static bool peercred_walk_row(struct peercred_table *t, struct sock *sk)
{
	return peercred_table_has(t, sk);
}

/*
 * The row of @srv/@cli: both ends in it, on the expected sides, each side
 * shown with exactly what the opposite sock holds about it.
 */
static void peercred_walk_expect(struct kunit *test, struct peercred_table *t,
				 struct sock *srv, struct sock *cli,
				 enum peercred_origin origin)
{
	struct peercred_conn row;
	struct peercred_pin pin;

	KUNIT_ASSERT_TRUE(test, peercred_table_lookup(t, srv, &pin));
	KUNIT_EXPECT_EQ(test, pin.origin, origin);
	KUNIT_EXPECT_PTR_EQ(test, pin.sk[PEERCRED_SRV], srv);
	KUNIT_EXPECT_PTR_EQ(test, pin.sk[PEERCRED_CLI], cli);
	peercred_pin_put(&pin);
	KUNIT_ASSERT_TRUE(test, peercred_kunit_conn(test, t, cli, &row));
	KUNIT_EXPECT_PTR_EQ(test, row.side[PEERCRED_SRV].cred, cli->sk_peer_cred);
	KUNIT_EXPECT_PTR_EQ(test, row.side[PEERCRED_CLI].cred, srv->sk_peer_cred);
	KUNIT_EXPECT_PTR_EQ(test, row.side[PEERCRED_SRV].pid, cli->sk_peer_pid);
	KUNIT_EXPECT_PTR_EQ(test, row.side[PEERCRED_CLI].pid, srv->sk_peer_pid);
}

static void peercred_walk_finds_connections(struct kunit *test)
{
	static const u32 groups[] = { 31 };
	struct peercred_kconn accepted, pending;
	struct socket *a, *b, *da, *db;
	struct peercred_table t;
	struct peercred_pin pin;
	struct sock *srv;
	struct cred *as;

	as = peercred_kunit_cred(test, 4242, 4343, ARRAY_SIZE(groups), groups);
	peercred_kunit_connect(test, &accepted, "peercred-kunit-walk-a", as, true);
	peercred_kunit_connect(test, &pending, "peercred-kunit-walk-p", NULL, false);
	peercred_kunit_pair(test, SOCK_SEQPACKET, &a, &b);
	peercred_kunit_pair(test, SOCK_DGRAM, &da, &db);
	peercred_walk_table(test, &t);

	peercred_walk(&t);

	/* The server end is the one that inherited the listener's address. */
	peercred_walk_expect(test, &t, accepted.srv_sk, accepted.client->sk,
			     PEERCRED_ORIGIN_PREEXISTING);
	peercred_walk_expect(test, &t, pending.srv_sk, pending.client->sk,
			     PEERCRED_ORIGIN_PREEXISTING);
	/* socketpair() ends are symmetric: either orientation is the truth. */
	KUNIT_ASSERT_TRUE(test, peercred_table_lookup(&t, a->sk, &pin));
	srv = pin.sk[PEERCRED_SRV];
	peercred_pin_put(&pin);
	if (srv == a->sk)
		peercred_walk_expect(test, &t, a->sk, b->sk, PEERCRED_ORIGIN_PREEXISTING);
	else
		peercred_walk_expect(test, &t, b->sk, a->sk, PEERCRED_ORIGIN_PREEXISTING);
	KUNIT_EXPECT_FALSE(test, peercred_walk_row(&t, accepted.listener->sk));
	KUNIT_EXPECT_FALSE(test, peercred_walk_row(&t, da->sk));
	KUNIT_EXPECT_FALSE(test, peercred_walk_row(&t, db->sk));

	peercred_table_destroy(&t);
	sock_release(da);
	sock_release(db);
	sock_release(a);
	sock_release(b);
	peercred_kunit_close(&pending);
	peercred_kunit_close(&accepted);
	put_cred(as);
}

/* A probe's row stands, whatever orientation the walk would have chosen. */
static void peercred_walk_after_probe(struct kunit *test)
{
	struct peercred_kconn c;
	struct peercred_table t;
	struct socket *a, *b;

	peercred_kunit_connect(test, &c, "peercred-kunit-walk-o", NULL, true);
	peercred_kunit_pair(test, SOCK_STREAM, &a, &b);
	peercred_walk_table(test, &t);
	/* Orientations the walk would not choose, as a probe might record. */
	KUNIT_ASSERT_EQ(test, 0, peercred_table_record(&t, c.srv_sk, c.client->sk,
						       PEERCRED_ORIGIN_CONNECT, NULL));
	KUNIT_ASSERT_EQ(test, 0, peercred_table_record(&t, a->sk, b->sk,
						       PEERCRED_ORIGIN_SOCKETPAIR, NULL));

	peercred_walk(&t);
	peercred_walk(&t);

	peercred_walk_expect(test, &t, c.client->sk, c.srv_sk, PEERCRED_ORIGIN_CONNECT);
	peercred_walk_expect(test, &t, b->sk, a->sk, PEERCRED_ORIGIN_SOCKETPAIR);

	peercred_table_destroy(&t);
	sock_release(a);
	sock_release(b);
	peercred_kunit_close(&c);
}

/* A connect() whose probe returns after the walk found it: still one row. */
static void peercred_walk_then_probe(struct kunit *test)
{
	struct peercred_kconn c;
	struct peercred_table t;
	unsigned long recorded;

	peercred_kunit_connect(test, &c, "peercred-kunit-walk-l", NULL, true);
	peercred_walk_table(test, &t);
	peercred_walk(&t);
	recorded = peercred_table_count(&t, PEERCRED_CNT_RECORDED);

	KUNIT_EXPECT_EQ(test, -EEXIST, peercred_table_record(&t, c.client->sk, c.srv_sk,
							     PEERCRED_ORIGIN_CONNECT, NULL));
	KUNIT_EXPECT_EQ(test, -EEXIST, peercred_table_record(&t, c.srv_sk, c.client->sk,
							     PEERCRED_ORIGIN_CONNECT, NULL));
	KUNIT_EXPECT_EQ(test, peercred_table_count(&t, PEERCRED_CNT_RECORDED), recorded);
	peercred_walk_expect(test, &t, c.srv_sk, c.client->sk,
			     PEERCRED_ORIGIN_PREEXISTING);

	peercred_table_destroy(&t);
	peercred_kunit_close(&c);
}

/*
 * A release that nobody reported to this table (its probe ran before the
 * walk recorded the row): the reap after the walk removes the row.
 */
static void peercred_walk_reaps_released(struct kunit *test)
{
	struct peercred_kconn c;
	struct peercred_table t;
	struct sock *cli;

	peercred_kunit_connect(test, &c, "peercred-kunit-walk-r", NULL, true);
	peercred_walk_table(test, &t);
	peercred_walk(&t);
	KUNIT_EXPECT_TRUE(test, peercred_walk_row(&t, c.srv_sk));

	cli = c.client->sk;
	sock_hold(cli);
	sock_release(c.client);
	c.client = NULL;
	KUNIT_EXPECT_TRUE(test, sk_unhashed(cli));
	down_read(&net_rwsem);
	peercred_walk_reap(&t);
	up_read(&net_rwsem);
	KUNIT_EXPECT_FALSE(test, peercred_walk_row(&t, c.srv_sk));
	KUNIT_EXPECT_FALSE(test, peercred_walk_row(&t, cli));
	sock_put(cli);

	peercred_table_destroy(&t);
	peercred_kunit_close(&c);
}

/*
 * A pair met half made (one end points at the other, which does not point
 * back and holds no creds yet, as in the middle of socketpair(), whose
 * probe may have run before the probes recorded) is recorded, charged to
 * nobody, and shown once made: until then a reader gets -EAGAIN.
 */
static bool peercred_row_has_both(const struct peercred_pin *pin,
				  struct sock *x, struct sock *y)
{
	return (pin->sk[PEERCRED_SRV] == x && pin->sk[PEERCRED_CLI] == y) ||
	       (pin->sk[PEERCRED_SRV] == y && pin->sk[PEERCRED_CLI] == x);
}

static void peercred_walk_records_half_made(struct kunit *test)
{
	struct peercred_conn conn;
	struct peercred_table t;
	struct peercred_pin pin;
	struct socket *a, *b;

	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, AF_UNIX, SOCK_STREAM, 0, &a));
	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, AF_UNIX, SOCK_STREAM, 0, &b));
	sock_hold(b->sk);
	unix_state_lock(a->sk);
	unix_peer(a->sk) = b->sk;
	unix_state_unlock(a->sk);
	KUNIT_EXPECT_NULL(test, b->sk->sk_peer_cred);

	peercred_walk_table(test, &t);
	peercred_walk(&t);
	/* Found from the end that points at the other (b does not, yet). */
	KUNIT_ASSERT_TRUE(test, peercred_table_lookup(&t, a->sk, &pin));
	KUNIT_EXPECT_TRUE(test, peercred_row_has_both(&pin, a->sk, b->sk));
	KUNIT_EXPECT_EQ(test, pin.origin, PEERCRED_ORIGIN_PREEXISTING);
	KUNIT_EXPECT_EQ(test, -EAGAIN, peercred_conn_get(&conn, &pin));
	peercred_pin_put(&pin);
	peercred_table_release_sk(&t, a->sk);
	KUNIT_EXPECT_FALSE(test, peercred_walk_row(&t, b->sk));
	peercred_table_destroy(&t);

	unix_state_lock(a->sk);
	unix_peer(a->sk) = NULL;
	unix_state_unlock(a->sk);
	sock_put(b->sk);
	sock_release(a);
	sock_release(b);
}

/*
 * The release probe of a sock runs at unix_release_sock()'s entry, and
 * the sock stays hashed and connected until that function goes on: a walk
 * in between meets it as a live connection. On a preemptible kernel the
 * releaser can be preempted right there for the whole walk. The walk must
 * not record it (no probe would remove that row): the release, seen before
 * the walk was over, left a tombstone, which goes when the walk ends, with
 * its references.
 */
static void peercred_walk_release_before_record(struct kunit *test)
{
	struct peercred_kconn c;
	struct peercred_table t;
	unsigned int rs, rc;

	peercred_kunit_connect(test, &c, "peercred-kunit-walk-t", NULL, true);
	peercred_walk_table(test, &t);
	rs = refcount_read(&c.srv_sk->sk_refcnt);
	rc = refcount_read(&c.client->sk->sk_refcnt);

	/* Load: probes registered, walk not over. The server's end closes. */
	peercred_table_walk_begin(&t);
	peercred_table_release_sk(&t, c.srv_sk);
	/* ...and its releaser is preempted: the walk meets it still hashed. */
	KUNIT_ASSERT_FALSE(test, sk_unhashed(c.srv_sk));
	peercred_walk(&t);
	KUNIT_EXPECT_FALSE(test, peercred_walk_row(&t, c.srv_sk));
	KUNIT_EXPECT_FALSE(test, peercred_walk_row(&t, c.client->sk));
	/* And the tombstone is gone, with its references. */
	KUNIT_EXPECT_EQ(test, t.tombs, 0U);
	KUNIT_EXPECT_EQ(test, refcount_read(&c.srv_sk->sk_refcnt), rs);
	KUNIT_EXPECT_EQ(test, refcount_read(&c.client->sk->sk_refcnt), rc);

	peercred_table_destroy(&t);
	peercred_kunit_close(&c);
}

static struct kunit_case peercred_walk_cases[] = {
	KUNIT_CASE(peercred_walk_finds_connections),
	KUNIT_CASE(peercred_walk_after_probe),
	KUNIT_CASE(peercred_walk_then_probe),
	KUNIT_CASE(peercred_walk_reaps_released),
	KUNIT_CASE(peercred_walk_records_half_made),
	KUNIT_CASE(peercred_walk_release_before_record),
	{}
};

static struct kunit_suite peercred_walk_suite = {
	.name = "peercred_walk",
	.test_cases = peercred_walk_cases,
};

kunit_test_suites(&peercred_walk_suite);
