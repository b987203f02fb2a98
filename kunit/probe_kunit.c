// SPDX-License-Identifier: GPL-2.0
/*
 * The probe path, on kernels that have ftrace (the debug kernel of
 * scripts/torture.sh; UML has none): kernel sockets made and closed here go
 * through the real probes into the live table. And probe registration is
 * all or nothing.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/ftrace.h>
#include <linux/kthread.h>
#include <net/af_unix.h>
#include <net/sock.h>

#include "compat.h"
#include "helpers.h"
#include "peercred.h"
#include "probe.h"

static bool peercred_live_has_row(struct sock *sk)
{
	return peercred_table_has(peercred_live_table(), sk);
}

static void peercred_probe_socketpair(struct kunit *test)
{
	struct peercred_pin pa, pb;
	struct socket *a, *b;

	peercred_kunit_pair(test, SOCK_STREAM, &a, &b);
	KUNIT_ASSERT_TRUE(test, peercred_table_lookup(peercred_live_table(), a->sk, &pa));
	KUNIT_EXPECT_EQ(test, pa.origin, PEERCRED_ORIGIN_SOCKETPAIR);
	KUNIT_EXPECT_TRUE(test, peercred_table_lookup(peercred_live_table(), b->sk, &pb));
	KUNIT_EXPECT_PTR_EQ(test, pa.sk[PEERCRED_CLI], pb.sk[PEERCRED_CLI]);
	KUNIT_EXPECT_PTR_EQ(test, pa.sk[PEERCRED_SRV], pb.sk[PEERCRED_SRV]);
	peercred_pin_put(&pb);
	peercred_pin_put(&pa);
	sock_release(b);
	KUNIT_EXPECT_FALSE(test, peercred_live_has_row(a->sk));
	sock_release(a);
}

static void peercred_probe_connect(struct kunit *test)
{
	static const u32 groups[] = { 42 };
	struct peercred_kconn c;
	struct peercred_conn row;
	struct peercred_pin pin;
	struct cred *as;

	as = peercred_kunit_cred(test, 4242, 4343, ARRAY_SIZE(groups), groups);
	peercred_kunit_connect(test, &c, "peercred-kunit-probe", as, true);
	KUNIT_ASSERT_TRUE(test, peercred_table_lookup(peercred_live_table(),
						      c.client->sk, &pin));
	KUNIT_EXPECT_EQ(test, pin.origin, PEERCRED_ORIGIN_CONNECT);
	KUNIT_EXPECT_PTR_EQ(test, pin.sk[PEERCRED_SRV], c.srv_sk);
	peercred_pin_put(&pin);
	KUNIT_ASSERT_TRUE(test, peercred_kunit_conn(test, peercred_live_table(),
						    c.client->sk, &row));
	KUNIT_EXPECT_PTR_EQ(test, row.side[PEERCRED_CLI].cred, c.srv_sk->sk_peer_cred);
	KUNIT_EXPECT_EQ(test, __kuid_val(row.side[PEERCRED_CLI].cred->euid), 4242U);
	/* The listener never appears; the accepted end leaving removes the row. */
	KUNIT_EXPECT_FALSE(test, peercred_live_has_row(c.listener->sk));
	sock_release(c.server);
	c.server = NULL;
	KUNIT_EXPECT_FALSE(test, peercred_live_has_row(c.client->sk));
	peercred_kunit_close(&c);
	put_cred(as);
}

/* A connect that fails records nothing. */
static void peercred_probe_refused(struct kunit *test)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	unsigned long recorded;
	struct socket *s;
	int len;

	len = offsetof(struct sockaddr_un, sun_path) + 1 +
	      sprintf(sa.sun_path + 1, "peercred-kunit-nobody");
	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, AF_UNIX, SOCK_STREAM, 0, &s));
	recorded = peercred_table_count(peercred_live_table(), PEERCRED_CNT_RECORDED);
	KUNIT_EXPECT_EQ(test, -ECONNREFUSED, kernel_connect(s, PEERCRED_SOCKADDR(&sa), len, 0));
	KUNIT_EXPECT_EQ(test, recorded,
			peercred_table_count(peercred_live_table(), PEERCRED_CNT_RECORDED));
	KUNIT_EXPECT_FALSE(test, peercred_live_has_row(s->sk));
	sock_release(s);
}

static atomic_t peercred_probe_hits;

static void peercred_probe_count(unsigned long ip, unsigned long parent_ip,
				 struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	atomic_inc(&peercred_probe_hits);
}

/* The good one is hooked first, then the bad one fails. */
static const char *const peercred_probe_set[] = {
	"unix_socketpair", "peercred_kunit_no_such_symbol",
};

static const char *const peercred_probe_good[] = { "unix_socketpair" };

static struct ftrace_ops peercred_probe_control = { .func = peercred_probe_count };
static struct ftrace_ops peercred_probe_ops = { .func = peercred_probe_count };

/* One symbol failing to hook leaves none of the set hooked. */
static void peercred_probe_all_or_nothing(struct kunit *test)
{
	struct socket *a, *b;

	/* The control: the good symbol alone fires when unix_socketpair() runs. */
	atomic_set(&peercred_probe_hits, 0);
	KUNIT_ASSERT_EQ(test, 0,
			peercred_hook_register(&peercred_probe_control, peercred_probe_good,
					       ARRAY_SIZE(peercred_probe_good)));
	peercred_kunit_pair(test, SOCK_STREAM, &a, &b);
	KUNIT_EXPECT_EQ(test, 0, peercred_hook_unregister(&peercred_probe_control));
	KUNIT_EXPECT_EQ(test, atomic_read(&peercred_probe_hits), 1);
	sock_release(a);
	sock_release(b);

	atomic_set(&peercred_probe_hits, 0);
	KUNIT_EXPECT_LT(test, peercred_hook_register(&peercred_probe_ops, peercred_probe_set,
						     ARRAY_SIZE(peercred_probe_set)), 0);
	peercred_kunit_pair(test, SOCK_STREAM, &a, &b);
	KUNIT_EXPECT_EQ(test, atomic_read(&peercred_probe_hits), 0);
	sock_release(a);
	sock_release(b);
}

/*
 * The self-test behind probes_firing: true while the probes are live; and
 * the watch of housekeeping.c: ftrace is alive (it could unregister them).
 */
static void peercred_probe_fires(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, peercred_probes_fire());
	KUNIT_EXPECT_TRUE(test, peercred_probes_alive());
}

#define PEERCRED_ALIVE_ROUNDS	200

struct peercred_alive_race {
	struct completion done;
	int dead;
};

static int peercred_alive_fn(void *data)
{
	struct peercred_alive_race *r = data;
	int i;

	for (i = 0; i < PEERCRED_ALIVE_ROUNDS; i++)
		r->dead += !peercred_probes_alive();
	complete(&r->done);
	return 0;
}

/*
 * Two callers at once (housekeeping's watch and a reader of the self-test
 * may meet): each must see ftrace alive, and neither may wipe the other's
 * filter ops while it is in use (the debug kernels' lockdep, mutex debugging
 * and KASAN report it; the harness fails on any report).
 */
static void peercred_probe_alive_concurrent(struct kunit *test)
{
	struct peercred_alive_race r = { .dead = 0 };
	struct task_struct *task;
	int i, dead = 0;

	init_completion(&r.done);
	task = kthread_run(peercred_alive_fn, &r, "peercred-alive");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	for (i = 0; i < PEERCRED_ALIVE_ROUNDS; i++)
		dead += !peercred_probes_alive();
	wait_for_completion(&r.done);
	KUNIT_EXPECT_EQ(test, dead, 0);
	KUNIT_EXPECT_EQ(test, r.dead, 0);
}

static struct kunit_case peercred_probe_cases[] = {
	KUNIT_CASE(peercred_probe_socketpair),
	KUNIT_CASE(peercred_probe_connect),
	KUNIT_CASE(peercred_probe_refused),
	KUNIT_CASE(peercred_probe_all_or_nothing),
	KUNIT_CASE(peercred_probe_fires),
	KUNIT_CASE(peercred_probe_alive_concurrent),
	{}
};

static struct kunit_suite peercred_probe_suite = {
	.name = "peercred_probe",
	.test_cases = peercred_probe_cases,
};

kunit_test_suites(&peercred_probe_suite);
