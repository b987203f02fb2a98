// SPDX-License-Identifier: GPL-2.0
/*
 * The probes, and nothing else: each hands socks to the table. They run
 * with preemption disabled, so they only do what table.c allows there (raw
 * spinlocks, no allocation; see its header).
 *
 * Every probe is a plain kprobe at a function's entry, through ftrace: no
 * kretprobe instance is held while connect() sleeps for backlog room, so
 * connections parked by one user cannot starve the recording of others.
 * connect() is caught at its LSM check, security_unix_stream_connect(),
 * which it calls after any wait, with both of the new connection's socks;
 * past that check nothing in unix_stream_connect() fails. If an LSM says
 * no, the new sock is released, and the release probe takes the row away.
 *
 * The attach method (kprobes on ftrace) lives in the last part of this
 * file: an architecture without KPROBES_ON_FTRACE needs a new one there,
 * behind peercred_probes_register(), and nothing else.
 */

#include <linux/cred.h>
#include <linux/kprobes.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <net/af_unix.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "compat.h"
#include "peercred.h"
#include "probe.h"

static struct peercred_table *peercred_probe_table;

/* The socketpair of peercred_probes_fire(), and whether its probe saw it. */
static struct socket *peercred_canary;
static bool peercred_canary_seen;
static DEFINE_MUTEX(peercred_canary_lock);

/*
 * A connection begun after the load-time walk was over cannot be in the
 * table yet: record it without looking (the common case). One begun
 * earlier may have been found by the walk.
 */
static void peercred_probe_record(struct sock *cli, struct sock *srv,
				  enum peercred_origin origin)
{
	struct peercred_maker who = {
		.cred = current_cred(), .tid = task_pid_nr(current),
	};
	struct peercred_table *t = peercred_probe_table;

	if (peercred_table_walked(t))
		peercred_table_record_new(t, cli, srv, origin, &who);
	else
		peercred_table_record(t, cli, srv, origin, &who);
}

/* security_unix_stream_connect(sk, other, newsk): stream and seqpacket. */
static int peercred_connect_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);
	struct sock *newsk = (struct sock *)regs_get_kernel_argument(regs, 2);

	if (peercred_tracked_type(sk))
		peercred_probe_record(sk, newsk, PEERCRED_ORIGIN_CONNECT);
	return 0;
}

/*
 * unix_socketpair(socka, sockb): neither sock is reachable by anyone else
 * yet; if it fails, both are released, and so is their row.
 */
static int peercred_socketpair_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct socket *a = (struct socket *)regs_get_kernel_argument(regs, 0);
	struct socket *b = (struct socket *)regs_get_kernel_argument(regs, 1);

	if (unlikely(a == READ_ONCE(peercred_canary))) {
		WRITE_ONCE(peercred_canary_seen, true);
		return 0;
	}
	if (peercred_tracked_type(a->sk))
		peercred_probe_record(a->sk, b->sk, PEERCRED_ORIGIN_SOCKETPAIR);
	return 0;
}

/*
 * unix_release_sock(sk, embrion): every AF_UNIX sock dies here, including
 * accepted-to-be socks that a closing listener releases without ->release.
 */
static int peercred_release_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);

	if (peercred_tracked_type(sk))
		peercred_table_release_sk(peercred_probe_table, sk);
	return 0;
}

static struct kprobe peercred_connect_probe = {
	.symbol_name = "security_unix_stream_connect",
	.pre_handler = peercred_connect_pre,
};

static struct kprobe peercred_socketpair_probe = {
	.symbol_name = "unix_socketpair",
	.pre_handler = peercred_socketpair_pre,
};

static struct kprobe peercred_release_probe = {
	.symbol_name = "unix_release_sock",
	.pre_handler = peercred_release_pre,
};

/*
 * Registered from the last to the first, unregistered first to last:
 * release is armed first and disarmed last, so that no row can be recorded
 * that nothing would remove.
 */
static struct kprobe *peercred_probes[] = {
	&peercred_socketpair_probe,
	&peercred_connect_probe,
	&peercred_release_probe,
};

/*
 * Whether the probes fire. They register fine and never run when ftrace is
 * off (sysctl kernel.ftrace_enabled=0), and nothing else would say so: make
 * a kernel socketpair and see whether its probe saw it.
 */
bool peercred_probes_fire(void)
{
	struct socket *a, *b;
	bool seen = false;

	if (sock_create_kern(&init_net, AF_UNIX, SOCK_STREAM, 0, &a))
		return false;
	if (sock_create_kern(&init_net, AF_UNIX, SOCK_STREAM, 0, &b))
		goto out_a;
	mutex_lock(&peercred_canary_lock);
	WRITE_ONCE(peercred_canary_seen, false);
	WRITE_ONCE(peercred_canary, a);
	if (!a->ops->socketpair(a, b))
		seen = READ_ONCE(peercred_canary_seen);
	WRITE_ONCE(peercred_canary, NULL);
	mutex_unlock(&peercred_canary_lock);
	sock_release(b);
out_a:
	sock_release(a);
	return seen;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_probes_fire);

/* The attach method: kprobes through ftrace. */

static int peercred_probe_register(struct kprobe *kp)
{
	int err = register_kprobe(kp);

	if (err) {
		pr_err("cannot probe %s: %d%s\n", kp->symbol_name, err,
		       err == -ENOENT || err == -EINVAL ?
		       " (missing, inlined, or renamed: .isra/.constprop)" :
		       "");
		return err;
	}
	/*
	 * An int3 probe runs its handler in NMI-like context, where the table's
	 * locks have no business (lockdep says so). Entry probes go through
	 * ftrace wherever KPROBES_ON_FTRACE is set, as on every Debian x86
	 * kernel; anywhere else, refuse rather than risk it.
	 */
	if (!(kp->flags & KPROBE_FLAG_FTRACE)) {
		pr_err("cannot probe %s through ftrace (needs CONFIG_KPROBES_ON_FTRACE)\n",
		       kp->symbol_name);
		unregister_kprobe(kp);
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * All or nothing, from @set[n - 1] down to @set[0]: on failure, those
 * already registered are unregistered.
 */
int peercred_probe_set_register(struct kprobe **set, int n)
{
	int i, err;

	for (i = n; i--;) {
		err = peercred_probe_register(set[i]);
		if (err)
			goto err_unwind;
	}
	return 0;

err_unwind:
	peercred_probe_set_unregister(set + i + 1, n - i - 1);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_probe_set_register);

/*
 * @set[0] first; waits for running handlers: none runs after this. One
 * call for the set: one RCU grace period for all, which unloading waits on.
 */
void peercred_probe_set_unregister(struct kprobe **set, int n)
{
	if (n)
		unregister_kprobes(set, n);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_probe_set_unregister);

int peercred_probes_register(struct peercred_table *t)
{
	peercred_probe_table = t;
	return peercred_probe_set_register(peercred_probes,
					   ARRAY_SIZE(peercred_probes));
}

void peercred_probes_unregister(void)
{
	peercred_probe_set_unregister(peercred_probes, ARRAY_SIZE(peercred_probes));
}

void peercred_probes_show(struct seq_file *m)
{
	int i;

	seq_printf(m, "probes_firing %d\n", peercred_probes_fire());
	for (i = 0; i < ARRAY_SIZE(peercred_probes); i++)
		seq_printf(m, "missed_%s %lu\n", peercred_probes[i]->symbol_name,
			   peercred_probes[i]->nmissed);
}
