// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel stores in each sock (sk_peer_cred/sk_peer_pid) and what a
 * reader of a recorded row is given, for socketpair() and for connect()
 * with the client running under other credentials than the listener.
 */

#include <kunit/test.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <net/af_unix.h>
#include <net/sock.h>

#include "helpers.h"
#include "peercred.h"

static const u32 peercred_kunit_groups[] = { 2001, 10, 300 };

/* A shown end must be exactly what @holder holds about its peer. */
static void peercred_expect_side(struct kunit *test,
				 const struct peercred_side *side,
				 struct sock *own, struct sock *holder)
{
	KUNIT_EXPECT_PTR_EQ(test, side->sk, own);
	KUNIT_EXPECT_PTR_EQ(test, side->cred, holder->sk_peer_cred);
	KUNIT_EXPECT_PTR_EQ(test, side->pid, holder->sk_peer_pid);
}

static void peercred_snapshot_socketpair(struct kunit *test)
{
	struct peercred_table t;
	struct peercred_conn row;
	struct socket *a, *b;
	struct pid *me = task_tgid(current);

	peercred_kunit_pair(test, SOCK_STREAM, &a, &b);
	/* The kernel's own snapshot: the creator, on both ends. */
	KUNIT_EXPECT_PTR_EQ(test, a->sk->sk_peer_cred, current_cred());
	KUNIT_EXPECT_PTR_EQ(test, b->sk->sk_peer_cred, current_cred());
	KUNIT_EXPECT_PTR_EQ(test, a->sk->sk_peer_pid, me);
	KUNIT_EXPECT_PTR_EQ(test, b->sk->sk_peer_pid, me);

	KUNIT_ASSERT_EQ(test, 0, peercred_table_init(&t, 16));
	KUNIT_ASSERT_EQ(test, 0, peercred_table_record(&t, a->sk, b->sk,
						       PEERCRED_ORIGIN_SOCKETPAIR, NULL));
	KUNIT_ASSERT_TRUE(test, peercred_kunit_conn(test, &t, a->sk, &row));
	KUNIT_EXPECT_EQ(test, row.origin, PEERCRED_ORIGIN_SOCKETPAIR);
	peercred_expect_side(test, &row.side[PEERCRED_CLI], a->sk, b->sk);
	peercred_expect_side(test, &row.side[PEERCRED_SRV], b->sk, a->sk);

	peercred_table_release_sk(&t, a->sk);
	sock_release(a);
	sock_release(b);
	peercred_table_destroy(&t);
}

/*
 * Server end holds the client's switched cred from connect time; client end
 * holds the listener's from listen time; the row holds both, field by field.
 */
static void peercred_snapshot_connect(struct kunit *test)
{
	const struct cred *listener_cred = current_cred();
	struct peercred_kconn c;
	struct peercred_table t;
	struct peercred_conn row;
	const struct cred *cc;
	struct cred *as;
	int i;

	as = peercred_kunit_cred(test, 1234, 2345, ARRAY_SIZE(peercred_kunit_groups),
				 peercred_kunit_groups);
	peercred_kunit_connect(test, &c, "peercred-kunit-connect", as, true);

	cc = c.srv_sk->sk_peer_cred;
	KUNIT_EXPECT_PTR_EQ(test, cc, (const struct cred *)as);
	KUNIT_EXPECT_EQ(test, __kuid_val(cc->euid), 1234U);
	KUNIT_EXPECT_EQ(test, __kuid_val(cc->fsuid), 1234U);
	KUNIT_EXPECT_EQ(test, __kgid_val(cc->egid), 2345U);
	KUNIT_EXPECT_EQ(test, __kuid_val(cc->uid), __kuid_val(listener_cred->uid));
	KUNIT_ASSERT_EQ(test, cc->group_info->ngroups, (int)ARRAY_SIZE(peercred_kunit_groups));
	/* groups_sort() orders them; ours were given unsorted on purpose. */
	KUNIT_EXPECT_EQ(test, __kgid_val(cc->group_info->gid[0]), 10U);
	KUNIT_EXPECT_EQ(test, __kgid_val(cc->group_info->gid[1]), 300U);
	KUNIT_EXPECT_EQ(test, __kgid_val(cc->group_info->gid[2]), 2001U);
	KUNIT_EXPECT_PTR_EQ(test, c.client->sk->sk_peer_cred,
			    c.listener->sk->sk_peer_cred);
	KUNIT_EXPECT_PTR_EQ(test, c.client->sk->sk_peer_cred, listener_cred);

	KUNIT_ASSERT_EQ(test, 0, peercred_table_init(&t, 16));
	KUNIT_ASSERT_EQ(test, 0, peercred_table_record(&t, c.client->sk, c.srv_sk,
						       PEERCRED_ORIGIN_CONNECT, NULL));
	KUNIT_ASSERT_TRUE(test, peercred_kunit_conn(test, &t, c.srv_sk, &row));
	KUNIT_EXPECT_TRUE(test, peercred_table_has(&t, c.client->sk));
	peercred_expect_side(test, &row.side[PEERCRED_CLI], c.client->sk, c.srv_sk);
	peercred_expect_side(test, &row.side[PEERCRED_SRV], c.srv_sk, c.client->sk);
	for (i = 0; i < ARRAY_SIZE(peercred_kunit_groups); i++)
		KUNIT_EXPECT_TRUE(test, gid_eq(row.side[PEERCRED_CLI].cred->group_info->gid[i],
					       cc->group_info->gid[i]));

	peercred_table_release_sk(&t, c.srv_sk);
	peercred_kunit_close(&c);
	peercred_table_destroy(&t);
	put_cred(as);
}

/* A cred change after connect changes neither the sock nor what is shown. */
static void peercred_snapshot_after_setuid(struct kunit *test)
{
	const struct cred *old;
	struct peercred_kconn c;
	struct peercred_table t;
	struct peercred_conn row;
	struct cred *before, *after;

	before = peercred_kunit_cred(test, 1500, 1500, 0, NULL);
	after = peercred_kunit_cred(test, 1600, 1600, 0, NULL);
	peercred_kunit_connect(test, &c, "peercred-kunit-setuid", before, true);
	KUNIT_ASSERT_EQ(test, 0, peercred_table_init(&t, 16));
	KUNIT_ASSERT_EQ(test, 0, peercred_table_record(&t, c.client->sk, c.srv_sk,
						       PEERCRED_ORIGIN_CONNECT, NULL));

	old = override_creds(after);
	KUNIT_EXPECT_EQ(test, __kuid_val(current_euid()), 1600U);
	KUNIT_EXPECT_EQ(test, __kuid_val(c.srv_sk->sk_peer_cred->euid), 1500U);
	KUNIT_ASSERT_TRUE(test, peercred_kunit_conn(test, &t, c.client->sk, &row));
	KUNIT_EXPECT_EQ(test, __kuid_val(row.side[PEERCRED_CLI].cred->euid), 1500U);
	revert_creds(old);

	peercred_table_release_sk(&t, c.client->sk);
	peercred_kunit_close(&c);
	peercred_table_destroy(&t);
	put_cred(before);
	put_cred(after);
}

static struct kunit_case peercred_snapshot_cases[] = {
	KUNIT_CASE(peercred_snapshot_socketpair),
	KUNIT_CASE(peercred_snapshot_connect),
	KUNIT_CASE(peercred_snapshot_after_setuid),
	{}
};

static struct kunit_suite peercred_snapshot_suite = {
	.name = "peercred_snapshot",
	.test_cases = peercred_snapshot_cases,
};

kunit_test_suites(&peercred_snapshot_suite);
