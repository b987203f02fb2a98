// SPDX-License-Identifier: GPL-2.0
/*
 * Shares: one user or container cannot take more than its share, nor the
 * rows kept for admins; a user cannot spread its rows over the many uids
 * of a user namespace of its own; containers are not charged for each
 * other; slots are given back; shares past a full set are still limited.
 * Rows are recorded as the probes record them, with the maker's cred.
 */

#include <kunit/test.h>
#include <linux/capability.h>
#include <linux/hash.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "helpers.h"
#include "peercred.h"

#define PEERCRED_SHARE_PAIRS	8

struct peercred_share_fixture {
	struct peercred_table t;
	struct socket *a[PEERCRED_SHARE_PAIRS], *b[PEERCRED_SHARE_PAIRS];
};

static void peercred_share_setup(struct kunit *test,
				 struct peercred_share_fixture *f,
				 unsigned int max_rows, unsigned int per_user)
{
	int i;

	KUNIT_ASSERT_EQ(test, 0, peercred_table_init(&f->t, max_rows));
	peercred_shares_set(&f->t.shares, max_rows, per_user);
	for (i = 0; i < PEERCRED_SHARE_PAIRS; i++)
		peercred_kunit_pair(test, SOCK_STREAM, &f->a[i], &f->b[i]);
}

static void peercred_share_teardown(struct peercred_share_fixture *f)
{
	int i;

	for (i = 0; i < PEERCRED_SHARE_PAIRS; i++) {
		peercred_table_release_sk(&f->t, f->a[i]->sk);
		sock_release(f->a[i]);
		sock_release(f->b[i]);
	}
	peercred_table_destroy(&f->t);
}

/* A user's cred: @uid, and no capability at all. */
static struct cred *peercred_share_user(struct kunit *test, u32 uid)
{
	struct cred *cred = peercred_kunit_cred(test, uid, uid, 0, NULL);

	cap_clear(cred->cap_effective);
	return cred;
}

static int peercred_share_record(struct peercred_share_fixture *f, int i,
				 const struct cred *cred)
{
	struct peercred_maker who = { .cred = cred };

	return peercred_table_record(&f->t, f->a[i]->sk, f->b[i]->sk,
				     PEERCRED_ORIGIN_SOCKETPAIR, &who);
}

static void peercred_share_per_user(struct kunit *test)
{
	struct peercred_share_fixture f;
	struct cred *u1000, *u1001;
	int i;

	peercred_share_setup(test, &f, 16, 3);
	u1000 = peercred_share_user(test, 1000);
	u1001 = peercred_share_user(test, 1001);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, 0, peercred_share_record(&f, i, u1000));
	KUNIT_EXPECT_EQ(test, -EDQUOT, peercred_share_record(&f, 3, u1000));
	KUNIT_EXPECT_FALSE(test, peercred_table_has(&f.t, f.a[3]->sk));
	KUNIT_EXPECT_EQ(test, 1UL,
			peercred_table_count(&f.t, PEERCRED_CNT_DROPPED_SHARE));
	/* Another user is not charged for the first one's rows. */
	KUNIT_EXPECT_EQ(test, 0, peercred_share_record(&f, 4, u1001));
	/* A row that goes gives its user the room back. */
	peercred_table_release_sk(&f.t, f.a[0]->sk);
	KUNIT_EXPECT_EQ(test, 0, peercred_share_record(&f, 3, u1000));
	KUNIT_EXPECT_EQ(test, 4UL, peercred_table_live(&f.t));
	put_cred(u1000);
	put_cred(u1001);
	peercred_share_teardown(&f);
}

/* Users together leave admins their reserve; admins are not charged. */
static void peercred_share_admin_reserve(struct kunit *test)
{
	struct peercred_share_fixture f;
	struct cred *user[3];
	int i;

	peercred_share_setup(test, &f, 6, 2);
	KUNIT_EXPECT_EQ(test, 2U, f.t.shares.reserve);
	for (i = 0; i < 3; i++)
		user[i] = peercred_share_user(test, 1000 + i);
	KUNIT_EXPECT_EQ(test, 0, peercred_share_record(&f, 0, user[0]));
	KUNIT_EXPECT_EQ(test, 0, peercred_share_record(&f, 1, user[0]));
	KUNIT_EXPECT_EQ(test, 0, peercred_share_record(&f, 2, user[1]));
	KUNIT_EXPECT_EQ(test, 0, peercred_share_record(&f, 3, user[1]));
	/* Only the reserve is left: within its share, but refused. */
	KUNIT_EXPECT_EQ(test, -ENOSPC, peercred_share_record(&f, 4, user[2]));
	KUNIT_EXPECT_EQ(test, 1UL,
			peercred_table_count(&f.t, PEERCRED_CNT_DROPPED_FULL));
	/* This KUnit thread holds CAP_SYS_ADMIN: the reserve is its. */
	KUNIT_ASSERT_TRUE(test, peercred_share_exempt(current_cred()));
	KUNIT_EXPECT_EQ(test, 0, peercred_share_record(&f, 4, current_cred()));
	KUNIT_EXPECT_EQ(test, 0, peercred_share_record(&f, 5, current_cred()));
	KUNIT_EXPECT_EQ(test, -ENOSPC,
			peercred_share_record(&f, 6, current_cred()));
	KUNIT_EXPECT_EQ(test, 6UL, peercred_table_live(&f.t));
	for (i = 0; i < 3; i++)
		put_cred(user[i]);
	peercred_share_teardown(&f);
}

/*
 * Inside a user namespace, every uid bills the user who made the
 * outermost one; its CAP_SYS_ADMIN there makes nobody an admin. The creds
 * and namespaces are zeroed but for the fields the charge reads.
 */
static void peercred_share_userns(struct kunit *test)
{
	struct user_namespace *outer, *inner;
	struct peercred_shares s;
	struct cred *as, *host;
	int i;

	outer = kunit_kzalloc(test, sizeof(*outer), GFP_KERNEL);
	inner = kunit_kzalloc(test, sizeof(*inner), GFP_KERNEL);
	as = kunit_kcalloc(test, 3, sizeof(*as), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, outer && inner && as);
	outer->parent = &init_user_ns;
	outer->owner = KUIDT_INIT(1000);
	inner->parent = outer;
	inner->owner = KUIDT_INIT(100000);
	host = peercred_share_user(test, 1000);
	for (i = 0; i < 3; i++) {
		as[i].user_ns = i ? inner : outer;
		as[i].euid = KUIDT_INIT(100000 + i);
		as[i].cap_effective = CAP_FULL_SET;
		KUNIT_EXPECT_FALSE(test, peercred_share_exempt(&as[i]));
		/* The user's own share, as on the host. */
		KUNIT_EXPECT_EQ(test, peercred_share_key(&as[i], &init_net),
				peercred_share_key(host, &init_net));
	}
	KUNIT_ASSERT_EQ(test, 0, peercred_shares_init(&s, 16));
	peercred_shares_set(&s, 16, 2);
	KUNIT_EXPECT_GE(test, peercred_share_charge(&s, &as[0], &init_net), 0);
	KUNIT_EXPECT_GE(test, peercred_share_charge(&s, &as[1], &init_net), 0);
	KUNIT_EXPECT_EQ(test, -EDQUOT, peercred_share_charge(&s, &as[2], &init_net));
	KUNIT_EXPECT_EQ(test, -EDQUOT, peercred_share_charge(&s, host, &init_net));
	peercred_shares_destroy(&s);
	put_cred(host);
}

/*
 * Containers are parties of their own: root (euid 0, without
 * CAP_SYS_ADMIN) in two network namespaces an admin made, and any uid of
 * two user namespaces root made, are four shares, none of them the host
 * root's. Inside one such container every uid is one party: its root can
 * become any of them.
 */
static void peercred_share_containers(struct kunit *test)
{
	struct user_namespace *ns[2];
	struct cred *root, *in_ns[2][2];
	struct peercred_shares s;
	struct net *net[2];
	int i, j;

	root = peercred_share_user(test, 0);
	for (i = 0; i < 2; i++) {
		net[i] = kunit_kzalloc(test, sizeof(*net[i]), GFP_KERNEL);
		ns[i] = kunit_kzalloc(test, sizeof(*ns[i]), GFP_KERNEL);
		KUNIT_ASSERT_TRUE(test, net[i] && ns[i]);
		ns[i]->parent = &init_user_ns;
		ns[i]->owner = GLOBAL_ROOT_UID;
		for (j = 0; j < 2; j++) {
			in_ns[i][j] = kunit_kzalloc(test, sizeof(*in_ns[i][j]), GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, in_ns[i][j]);
			in_ns[i][j]->user_ns = ns[i];
			in_ns[i][j]->euid = KUIDT_INIT(100000 + 1000 * j);
		}
	}
	KUNIT_ASSERT_EQ(test, 0, peercred_shares_init(&s, 64));
	peercred_shares_set(&s, 64, 2);
	/* Container 0 (a netns of its own) takes its whole share... */
	KUNIT_EXPECT_GE(test, peercred_share_charge(&s, root, net[0]), 0);
	KUNIT_EXPECT_GE(test, peercred_share_charge(&s, root, net[0]), 0);
	KUNIT_EXPECT_EQ(test, -EDQUOT, peercred_share_charge(&s, root, net[0]));
	/* ...and so does the user namespace ns[0], by two uids. */
	KUNIT_EXPECT_GE(test, peercred_share_charge(&s, in_ns[0][0], &init_net), 0);
	KUNIT_EXPECT_GE(test, peercred_share_charge(&s, in_ns[0][1], net[0]), 0);
	KUNIT_EXPECT_EQ(test, -EDQUOT, peercred_share_charge(&s, in_ns[0][1], &init_net));
	/* The others are not charged for either. */
	KUNIT_EXPECT_GE(test, peercred_share_charge(&s, root, net[1]), 0);
	KUNIT_EXPECT_GE(test, peercred_share_charge(&s, root, &init_net), 0);
	KUNIT_EXPECT_GE(test, peercred_share_charge(&s, in_ns[1][0], &init_net), 0);
	KUNIT_EXPECT_EQ(test, 2U, peercred_share_rows(&s, peercred_share_key(root, net[0])));
	KUNIT_EXPECT_EQ(test, 1U, peercred_share_rows(&s, peercred_share_key(root, net[1])));
	KUNIT_EXPECT_EQ(test, 1U, peercred_share_rows(&s, peercred_share_key(root, &init_net)));
	peercred_shares_destroy(&s);
	put_cred(root);
}

/*
 * Slots are given back: more distinct users than there are slots, one
 * after the other, each still gets a slot of its own (not the overflow
 * share), and the last of them is still held to its share.
 */
static void peercred_share_slots_reclaimed(struct kunit *test)
{
	const unsigned int users = PEERCRED_SHARE_SLOTS + 512;
	struct peercred_shares s;
	struct cred *cred;
	unsigned int i;
	int slot, wrong = 0;

	KUNIT_ASSERT_EQ(test, 0, peercred_shares_init(&s, 64));
	peercred_shares_set(&s, 64, 1);
	cred = peercred_share_user(test, 0);
	for (i = 0; i < users; i++) {
		cred->euid = KUIDT_INIT(20000 + i);
		slot = peercred_share_charge(&s, cred, &init_net);
		wrong += slot < 0 || slot >= PEERCRED_SHARE_OVERFLOW;
		if (i + 1 < users && slot >= 0)
			peercred_share_uncharge(&s, slot);
	}
	KUNIT_EXPECT_EQ(test, wrong, 0);
	KUNIT_EXPECT_EQ(test, -EDQUOT, peercred_share_charge(&s, cred, &init_net));
	peercred_shares_destroy(&s);
	put_cred(cred);
}

/*
 * Nine live shares of one set: the ninth is charged to the overflow share,
 * which is limited as any other, and has its room back when a row goes.
 */
static void peercred_share_overflow(struct kunit *test)
{
	struct peercred_shares s;
	struct cred *cred[PEERCRED_SHARE_WAYS + 2];
	u32 uid, set = 0;
	int n = 0, slot[PEERCRED_SHARE_WAYS + 2], i;

	for (uid = 30000; n < ARRAY_SIZE(cred) && uid < 30000 + (1U << 22); uid++) {
		u32 h = hash_64((u64)uid + 1, PEERCRED_SHARE_SET_BITS);

		if (!n)
			set = h;
		if (h == set)
			cred[n++] = peercred_share_user(test, uid);
	}
	KUNIT_ASSERT_EQ(test, n, (int)ARRAY_SIZE(cred));
	KUNIT_ASSERT_EQ(test, 0, peercred_shares_init(&s, 64));
	peercred_shares_set(&s, 64, 1);
	for (i = 0; i < PEERCRED_SHARE_WAYS; i++) {
		slot[i] = peercred_share_charge(&s, cred[i], &init_net);
		KUNIT_EXPECT_EQ(test, slot[i] / PEERCRED_SHARE_WAYS, (int)set);
	}
	slot[i] = peercred_share_charge(&s, cred[i], &init_net);
	KUNIT_EXPECT_EQ(test, slot[i], PEERCRED_SHARE_OVERFLOW);
	/* One share for all who overflow: the tenth has no room. */
	KUNIT_EXPECT_EQ(test, -EDQUOT, peercred_share_charge(&s, cred[i + 1], &init_net));
	/* A slot of the set is free again once its rows are gone. */
	peercred_share_uncharge(&s, slot[0]);
	KUNIT_EXPECT_EQ(test, slot[0], peercred_share_charge(&s, cred[i + 1], &init_net));
	peercred_share_uncharge(&s, slot[i]);
	KUNIT_EXPECT_EQ(test, PEERCRED_SHARE_OVERFLOW,
			peercred_share_charge(&s, cred[0], &init_net));
	peercred_shares_destroy(&s);
	for (i = 0; i < ARRAY_SIZE(cred); i++)
		put_cred(cred[i]);
}

static struct kunit_case peercred_share_cases[] = {
	KUNIT_CASE(peercred_share_per_user),
	KUNIT_CASE(peercred_share_admin_reserve),
	KUNIT_CASE(peercred_share_userns),
	KUNIT_CASE(peercred_share_containers),
	KUNIT_CASE(peercred_share_slots_reclaimed),
	KUNIT_CASE(peercred_share_overflow),
	{}
};

static struct kunit_suite peercred_share_suite = {
	.name = "peercred_share",
	.test_cases = peercred_share_cases,
};

kunit_test_suites(&peercred_share_suite);
