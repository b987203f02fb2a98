// SPDX-License-Identifier: GPL-2.0
/*
 * Drift letters against real processes: a snapshot taken under other ids
 * than the task's own (c), a pid whose process is gone (x), a pid the
 * reader's pid namespace cannot see (h), and none of these (-).
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched/task.h>
#include <net/sock.h>

#include "helpers.h"
#include "peercred.h"

/* Drift of each side of a socketpair made under @as (NULL: own creds). */
static void peercred_drift_pair(struct kunit *test, const struct cred *as,
				const char *want)
{
	char buf[PEERCRED_DRIFT_LEN];
	const struct cred *old = NULL;
	struct peercred_table t;
	struct peercred_conn row;
	struct socket *a, *b;
	int i;

	KUNIT_ASSERT_EQ(test, 0, peercred_table_init(&t, 16));
	if (as)
		old = override_creds(as);
	peercred_kunit_pair(test, SOCK_STREAM, &a, &b);
	if (as)
		revert_creds(old);
	KUNIT_ASSERT_EQ(test, 0, peercred_table_record(&t, a->sk, b->sk,
						       PEERCRED_ORIGIN_SOCKETPAIR, NULL));
	if (peercred_kunit_conn(test, &t, a->sk, &row)) {
		for (i = 0; i < PEERCRED_SIDES; i++)
			KUNIT_EXPECT_STREQ(test, peercred_drift(buf, &row.side[i],
								&init_pid_ns), want);
	} else {
		KUNIT_FAIL(test, "no row for the pair");
	}
	peercred_table_release_sk(&t, a->sk);
	sock_release(a);
	sock_release(b);
	peercred_table_destroy(&t);
}

static void peercred_drift_none(struct kunit *test)
{
	const struct cred *me = current_cred();
	struct cred *same;

	peercred_drift_pair(test, NULL, "-");
	/* Equal ids and groups in another cred object are no drift either. */
	same = peercred_kunit_cred(test, __kuid_val(me->euid), __kgid_val(me->egid),
				   0, NULL);
	KUNIT_ASSERT_EQ(test, me->group_info->ngroups, 0);
	peercred_drift_pair(test, same, "-");
	put_cred(same);
}

static void peercred_drift_changed(struct kunit *test)
{
	static const u32 groups[] = { 77 };
	const struct cred *me = current_cred();
	struct cred *as;

	as = peercred_kunit_cred(test, 4242, __kgid_val(me->egid), 0, NULL);
	peercred_drift_pair(test, as, "c");
	put_cred(as);
	as = peercred_kunit_cred(test, __kuid_val(me->euid), 4343, 0, NULL);
	peercred_drift_pair(test, as, "c");
	put_cred(as);
	/* Supplementary groups alone are reported by SO_PEERGROUPS. */
	as = peercred_kunit_cred(test, __kuid_val(me->euid), __kgid_val(me->egid),
				 ARRAY_SIZE(groups), groups);
	peercred_drift_pair(test, as, "c");
	put_cred(as);
}

static int peercred_drift_exit_fn(void *arg)
{
	return 0;
}

static void peercred_drift_exited(struct kunit *test)
{
	struct peercred_side side = { .cred = current_cred() };
	char buf[PEERCRED_DRIFT_LEN];
	struct task_struct *task;
	int ms;

	task = kthread_create(peercred_drift_exit_fn, NULL, "peercred-exit");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	side.pid = get_task_pid(task, PIDTYPE_TGID);
	KUNIT_EXPECT_STREQ(test, peercred_drift(buf, &side, &init_pid_ns), "-");
	wake_up_process(task);
	kthread_stop(task);
	/* Kernel threads are reaped by themselves, shortly after they stop. */
	for (ms = 0; ms < 5000 && pid_has_task(side.pid, PIDTYPE_TGID); ms += 20)
		msleep(20);
	KUNIT_EXPECT_STREQ(test, peercred_drift(buf, &side, &init_pid_ns), "x");
	put_pid(side.pid);
}

static void peercred_drift_hidden(struct kunit *test)
{
	struct peercred_side side = {
		.cred = current_cred(), .pid = task_tgid(current),
	};
	struct pid_namespace *other;
	char buf[PEERCRED_DRIFT_LEN];

	/* A namespace at our level that is not ours: none of our pids in it. */
	other = kunit_kzalloc(test, sizeof(*other), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, other);
	other->level = init_pid_ns.level;
	KUNIT_EXPECT_STREQ(test, peercred_drift(buf, &side, other), "h");
	KUNIT_EXPECT_STREQ(test, peercred_drift(buf, &side, &init_pid_ns), "-");
}

/*
 * The cred compared is the connecting thread's while that thread lives
 * and is of the snapshot's process; a thread id now naming another
 * process's thread, or none, falls back to the process.
 */
static void peercred_drift_thread(struct kunit *test)
{
	struct task_struct *other;
	struct peercred_side side = {};

	other = kthread_create(peercred_drift_exit_fn, NULL, "peercred-other");
	KUNIT_ASSERT_FALSE(test, IS_ERR(other));
	side.pid = task_tgid(other);
	rcu_read_lock();
	side.tid = task_pid_nr(other);
	KUNIT_EXPECT_PTR_EQ(test, peercred_snapshot_task(&side), other);
	/* Our thread is not of @other's process: the process it is. */
	side.tid = task_pid_nr(current);
	KUNIT_EXPECT_PTR_EQ(test, peercred_snapshot_task(&side), other);
	side.pid = task_tgid(current);
	KUNIT_EXPECT_PTR_EQ(test, peercred_snapshot_task(&side), current);
	side.tid = task_pid_nr(other);
	KUNIT_EXPECT_PTR_EQ(test, peercred_snapshot_task(&side), current);
	rcu_read_unlock();
	wake_up_process(other);
	kthread_stop(other);
}

static struct kunit_case peercred_drift_cases[] = {
	KUNIT_CASE(peercred_drift_none),
	KUNIT_CASE(peercred_drift_changed),
	KUNIT_CASE(peercred_drift_exited),
	KUNIT_CASE(peercred_drift_hidden),
	KUNIT_CASE(peercred_drift_thread),
	{}
};

static struct kunit_suite peercred_drift_suite = {
	.name = "peercred_drift",
	.test_cases = peercred_drift_cases,
};

kunit_test_suites(&peercred_drift_suite);
