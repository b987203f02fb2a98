// SPDX-License-Identifier: GPL-2.0
/*
 * The probes, and nothing else: each hands socks to the table. They run
 * with preemption disabled, so they only do what table.c allows there (raw
 * spinlocks, no allocation; see its header).
 *
 * Every probe is at a function's entry: nothing is held while connect()
 * sleeps for backlog room, so connections parked by one user cannot starve
 * the recording of others. connect() is caught at its LSM check,
 * security_unix_stream_connect(), which it calls after any wait, with both
 * of the new connection's socks; past that check nothing in
 * unix_stream_connect() fails. If an LSM says no, the new sock is
 * released, and the release probe takes the row away.
 *
 * The handlers take the probed functions' arguments, not an attach
 * method's registers. The attach method (ftrace_ops callbacks) lives in the
 * last part of this file: another one (kprobes, where an architecture's
 * ftrace cannot pass arguments) is new glue there, behind
 * peercred_probes_register(), and nothing else.
 */

#include <linux/cred.h>
#include <linux/ftrace.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/trace_recursion.h>
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
static __always_inline void peercred_probe_record(struct sock *cli,
						  struct sock *srv,
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
static __always_inline void peercred_on_connect(struct sock *sk,
						struct sock *newsk)
{
	if (peercred_tracked_type(sk))
		peercred_probe_record(sk, newsk, PEERCRED_ORIGIN_CONNECT);
}

/*
 * unix_socketpair(socka, sockb): neither sock is reachable by anyone else
 * yet; if it fails, both are released, and so is their row.
 */
static __always_inline void peercred_on_socketpair(struct socket *a,
						   struct socket *b)
{
	if (unlikely(a == READ_ONCE(peercred_canary))) {
		WRITE_ONCE(peercred_canary_seen, true);
		return;
	}
	if (peercred_tracked_type(a->sk))
		peercred_probe_record(a->sk, b->sk, PEERCRED_ORIGIN_SOCKETPAIR);
}

/*
 * unix_release_sock(sk, embrion): every AF_UNIX sock dies here, including
 * accepted-to-be socks that a closing listener releases without ->release.
 */
static __always_inline void peercred_on_release(struct sock *sk)
{
	if (peercred_tracked_type(sk))
		peercred_table_release_sk(peercred_probe_table, sk);
}

/*
 * Whether the probes fire. When ftrace is off (sysctl
 * kernel.ftrace_enabled=0) they register fine and, on 6.1 and 6.12, never
 * run (7.3 runs them), and nothing else would say so: make a kernel
 * socketpair and see whether its probe saw it.
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

/*
 * The attach method: an ftrace_ops per function, with a callback of its
 * own, so that ftrace's trampoline calls it directly. Measured against
 * kprobes on ftrace (whose one shared ftrace_ops saves every register and
 * looks the probe up in a hash), in instruction-count time on 6.1: the
 * empty callbacks cost 0.8 % of a connect/accept/close loop, empty kprobe
 * handlers 2.4 %.
 *
 * ftrace passes the arguments (DYNAMIC_FTRACE_WITH_ARGS), and leaves
 * recursion to the callback: ftrace_test_recursion_trylock() refuses a
 * nested call in the same context (none is expected: the handlers call no
 * probed function) and disables preemption, which the table relies on.
 * A refused call is counted, as kprobes count their misses.
 */

static __always_inline int peercred_hook_enter(unsigned long ip,
					       unsigned long parent_ip,
					       struct ftrace_ops *op)
{
	int bit = ftrace_test_recursion_trylock(ip, parent_ip);

	if (unlikely(bit < 0))
		atomic_long_inc(&container_of(op, struct peercred_hook, ops)->missed);
	return bit;
}

static void peercred_connect_hook(unsigned long ip, unsigned long parent_ip,
				  struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	int bit = peercred_hook_enter(ip, parent_ip, op);

	if (bit < 0)
		return;
	peercred_on_connect((struct sock *)ftrace_regs_get_argument(fregs, 0),
			    (struct sock *)ftrace_regs_get_argument(fregs, 2));
	ftrace_test_recursion_unlock(bit);
}

static void peercred_socketpair_hook(unsigned long ip, unsigned long parent_ip,
				     struct ftrace_ops *op,
				     struct ftrace_regs *fregs)
{
	int bit = peercred_hook_enter(ip, parent_ip, op);

	if (bit < 0)
		return;
	peercred_on_socketpair((struct socket *)ftrace_regs_get_argument(fregs, 0),
			       (struct socket *)ftrace_regs_get_argument(fregs, 1));
	ftrace_test_recursion_unlock(bit);
}

static void peercred_release_hook(unsigned long ip, unsigned long parent_ip,
				  struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	int bit = peercred_hook_enter(ip, parent_ip, op);

	if (bit < 0)
		return;
	peercred_on_release((struct sock *)ftrace_regs_get_argument(fregs, 0));
	ftrace_test_recursion_unlock(bit);
}

/*
 * Registered from the last to the first, unregistered first to last:
 * release is armed first and disarmed last, so that no row can be recorded
 * that nothing would remove.
 */
static struct peercred_hook peercred_hooks[] = {
	{ .symbol = "unix_socketpair", .ops.func = peercred_socketpair_hook },
	{ .symbol = "security_unix_stream_connect",
	  .ops.func = peercred_connect_hook },
	{ .symbol = "unix_release_sock", .ops.func = peercred_release_hook },
};

static int peercred_hook_register(struct peercred_hook *h)
{
	/* ftrace_set_filter() parses the name in place. */
	char name[KSYM_NAME_LEN];
	int err;

	strscpy(name, h->symbol, sizeof(name));
	err = ftrace_set_filter(&h->ops, name, strlen(name), 1);
	if (err) {
		pr_err("cannot hook %s: %d (missing, inlined, notrace, or renamed: .isra/.constprop)\n",
		       h->symbol, err);
		return err;
	}
	err = register_ftrace_function(&h->ops);
	if (err) {
		pr_err("cannot hook %s: %d\n", h->symbol, err);
		ftrace_free_filter(&h->ops);
	}
	return err;
}

/* Waits for running callbacks: none runs after this. */
static void peercred_hook_unregister(struct peercred_hook *h)
{
	unregister_ftrace_function(&h->ops);
	ftrace_free_filter(&h->ops);
}

/*
 * All or nothing, from @set[n - 1] down to @set[0]: on failure, those
 * already registered are unregistered.
 */
int peercred_hook_set_register(struct peercred_hook *set, int n)
{
	int i, err;

	for (i = n; i--;) {
		err = peercred_hook_register(&set[i]);
		if (err)
			goto err_unwind;
	}
	return 0;

err_unwind:
	peercred_hook_set_unregister(set + i + 1, n - i - 1);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_hook_set_register);

/* @set[0] first. */
void peercred_hook_set_unregister(struct peercred_hook *set, int n)
{
	int i;

	for (i = 0; i < n; i++)
		peercred_hook_unregister(&set[i]);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_hook_set_unregister);

int peercred_probes_register(struct peercred_table *t)
{
	peercred_probe_table = t;
	return peercred_hook_set_register(peercred_hooks,
					  ARRAY_SIZE(peercred_hooks));
}

void peercred_probes_unregister(void)
{
	peercred_hook_set_unregister(peercred_hooks, ARRAY_SIZE(peercred_hooks));
}

void peercred_probes_show(struct seq_file *m)
{
	int i;

	seq_printf(m, "probes_firing %d\n", peercred_probes_fire());
	for (i = 0; i < ARRAY_SIZE(peercred_hooks); i++)
		seq_printf(m, "missed_%s %ld\n", peercred_hooks[i].symbol,
			   atomic_long_read(&peercred_hooks[i].missed));
}
