// SPDX-License-Identifier: GPL-2.0
/*
 * The probes, and nothing else: each hands the socks to the table. They run
 * in atomic context, so they only take spinlocks and allocate GFP_ATOMIC.
 * Entry handlers take no references: if we are unregistered between a
 * function's entry and its return, nothing is left to undo.
 */

#include <linux/kprobes.h>
#include <linux/net.h>
#include <linux/ptrace.h>
#include <linux/seq_file.h>
#include <net/af_unix.h>
#include <net/sock.h>

#include "compat.h"
#include "peercred.h"
#include "probe.h"

static struct peercred_table *peercred_probe_table;

struct peercred_connect_data {
	struct socket *sock;
	bool after_walk;
};

struct peercred_socketpair_data {
	struct socket *socka;
	struct socket *sockb;
	bool after_walk;
};

/*
 * A connection begun after the load-time walk was over cannot be in the
 * table yet: record it without looking (the common case). One begun
 * earlier may have been found by the walk.
 */
static void peercred_probe_record(bool after_walk, struct sock *cli,
				  struct sock *srv, enum peercred_origin origin)
{
	if (after_walk)
		peercred_table_record_new(peercred_probe_table, cli, srv, origin);
	else
		peercred_table_record(peercred_probe_table, cli, srv, origin);
}

/* unix_stream_connect(sock, uaddr, addr_len, flags): both stream and seqpacket. */
static int peercred_connect_entry(struct kretprobe_instance *ri,
				  struct pt_regs *regs)
{
	struct peercred_connect_data *d = (void *)ri->data;

	d->sock = (struct socket *)regs_get_kernel_argument(regs, 0);
	d->after_walk = peercred_table_walked(peercred_probe_table);
	return 0;
}

static int peercred_connect_return(struct kretprobe_instance *ri,
				   struct pt_regs *regs)
{
	struct peercred_connect_data *d = (void *)ri->data;
	struct sock *sk, *newsk;

	/* The creds are attached late in the function: only success counts. */
	if (regs_return_value(regs))
		return 0;
	/* The caller's file reference keeps sock and sk alive until we return. */
	sk = d->sock->sk;
	if (!sk || !peercred_tracked_type(sk))
		return 0;
	newsk = unix_peer_get(sk);
	if (!newsk)
		return 0;
	peercred_probe_record(d->after_walk, sk, newsk, PEERCRED_ORIGIN_CONNECT);
	/* Not the last reference: sk's unix_peer holds one until sk dies. */
	sock_put(newsk);
	return 0;
}

/* unix_socketpair(socka, sockb) */
static int peercred_socketpair_entry(struct kretprobe_instance *ri,
				     struct pt_regs *regs)
{
	struct peercred_socketpair_data *d = (void *)ri->data;

	d->socka = (struct socket *)regs_get_kernel_argument(regs, 0);
	d->sockb = (struct socket *)regs_get_kernel_argument(regs, 1);
	d->after_walk = peercred_table_walked(peercred_probe_table);
	return 0;
}

static int peercred_socketpair_return(struct kretprobe_instance *ri,
				      struct pt_regs *regs)
{
	struct peercred_socketpair_data *d = (void *)ri->data;

	if (regs_return_value(regs) || !peercred_tracked_type(d->socka->sk))
		return 0;
	peercred_probe_record(d->after_walk, d->socka->sk, d->sockb->sk,
			      PEERCRED_ORIGIN_SOCKETPAIR);
	return 0;
}

/*
 * unix_release_sock(sk, embrion): every AF_UNIX sock dies here, including
 * accepted-to-be socks that a closing listener releases without ->release.
 */
static int peercred_release_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct sock *sk = (struct sock *)regs_get_kernel_argument(regs, 0);

	peercred_table_release_sk(peercred_probe_table, sk);
	return 0;
}

static struct kretprobe peercred_connect_probe = {
	.kp.symbol_name = "unix_stream_connect",
	.entry_handler = peercred_connect_entry,
	.handler = peercred_connect_return,
	.data_size = sizeof(struct peercred_connect_data),
};

static struct kretprobe peercred_socketpair_probe = {
	.kp.symbol_name = "unix_socketpair",
	.entry_handler = peercred_socketpair_entry,
	.handler = peercred_socketpair_return,
	.data_size = sizeof(struct peercred_socketpair_data),
};

static struct kprobe peercred_release_probe = {
	.symbol_name = "unix_release_sock",
	.pre_handler = peercred_release_pre,
};

/*
 * Registered in this order, unregistered in reverse: release first, so that
 * no row can be recorded that nothing would remove.
 */
static struct peercred_probe peercred_probes[] = {
	{ .kp = &peercred_release_probe },
	{ .kp = &peercred_connect_probe.kp, .krp = &peercred_connect_probe },
	{ .kp = &peercred_socketpair_probe.kp, .krp = &peercred_socketpair_probe },
};

static void peercred_probe_unregister(struct peercred_probe *p)
{
	if (p->krp)
		unregister_kretprobe(p->krp);
	else
		unregister_kprobe(p->kp);
}

static int peercred_probe_register(struct peercred_probe *p)
{
	int err;

	if (p->krp) {
		/* connect() may sleep for backlog room: many can be in flight. */
		p->krp->maxactive = max_t(int, 64, 8 * num_possible_cpus());
		err = register_kretprobe(p->krp);
	} else {
		err = register_kprobe(p->kp);
	}
	if (err) {
		pr_err("cannot probe %s: %d%s\n", p->kp->symbol_name, err,
		       err == -ENOENT || err == -EINVAL ?
		       " (missing, inlined, or renamed: .isra/.constprop)" :
		       "");
		return err;
	}
	/*
	 * An int3 probe runs its handler in NMI-like context, where the table's
	 * spinlocks and call_rcu() have no business (lockdep says so). Entry
	 * probes go through ftrace wherever KPROBES_ON_FTRACE is set, as on
	 * every Debian kernel; anywhere else, refuse rather than risk it.
	 */
	if (!(p->kp->flags & KPROBE_FLAG_FTRACE)) {
		pr_err("cannot probe %s through ftrace (needs CONFIG_KPROBES_ON_FTRACE)\n",
		       p->kp->symbol_name);
		peercred_probe_unregister(p);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* All or nothing: on failure, those already registered are unregistered. */
int peercred_probe_set_register(struct peercred_probe *set, int n)
{
	int i, err;

	for (i = 0; i < n; i++) {
		err = peercred_probe_register(&set[i]);
		if (err)
			goto err_unwind;
	}
	return 0;

err_unwind:
	while (i--)
		peercred_probe_unregister(&set[i]);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_probe_set_register);

/* In reverse order; waits for running handlers: none runs after this. */
void peercred_probe_set_unregister(struct peercred_probe *set, int n)
{
	while (n--)
		peercred_probe_unregister(&set[n]);
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

	for (i = 0; i < ARRAY_SIZE(peercred_probes); i++) {
		struct peercred_probe *p = &peercred_probes[i];
		unsigned long missed = p->kp->nmissed;

		if (p->krp)
			missed += p->krp->nmissed;
		seq_printf(m, "missed_%s %lu\n", p->kp->symbol_name, missed);
	}
}
