// SPDX-License-Identifier: GPL-2.0
/*
 * The probes, and nothing else: each hands socks to the table. They run
 * with preemption disabled, so they only do what record.h allows there
 * (bit spinlocks, no allocation; see its header).
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
 * method's registers. The attach method (two ftrace_ops' callbacks) lives
 * in the last part of this file: another one (kprobes, where an
 * architecture's ftrace cannot pass arguments) is new glue there, behind
 * peercred_probes_register(), and nothing else.
 */

#include <linux/cred.h>
#include <linux/ftrace.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/trace_recursion.h>
#include <net/af_unix.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "compat.h"
#include "peercred.h"
#include "probe.h"
#include "record.h"

static struct peercred_table *peercred_probe_table;

/* The socketpair of peercred_probes_fire(), and whether its probe saw it. */
static struct socket *peercred_canary;
static bool peercred_canary_seen;
static DEFINE_MUTEX(peercred_canary_lock);

/* Before the load-time walk is over, the walk may have met the connection. */
static noinline __noclone notrace void
peercred_probe_record_early(struct peercred_table *t, struct sock *cli,
			    struct sock *srv, enum peercred_origin origin)
{
	struct peercred_maker who = {
		.cred = current_cred(), .tid = task_pid_nr(current),
	};

	peercred_table_record(t, cli, srv, origin, &who);
}

/*
 * A connection begun after the load-time walk was over cannot be in the
 * table yet: record it without looking (the common case, inline: the maker
 * stays in registers, and the callback needs no stack canary).
 */
static __always_inline void peercred_probe_record(struct sock *cli,
						  struct sock *srv,
						  enum peercred_origin origin)
{
	struct peercred_maker who = {
		.cred = current_cred(), .tid = task_pid_nr(current),
	};
	struct peercred_table *t = peercred_probe_table;

	/*
	 * Whenever this runs, the release's ops is armed (it is registered
	 * first): no row is recorded that nothing would remove. So it records
	 * even while the recording ops is being armed, before the walk: a
	 * socketpair() that entered then is seen here, whatever the walk sees.
	 */
	if (likely(peercred_table_walked(t)))
		__peercred_table_record_new(t, cli, srv, origin, &who);
	else
		peercred_probe_record_early(t, cli, srv, origin);
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
 * yet; if it fails, both are released, and so is their row. The canary is
 * a datagram pair, looked for only among untracked ones.
 */
static __always_inline void peercred_on_socketpair(struct socket *a,
						   struct socket *b)
{
	if (likely(peercred_tracked_type(a->sk)))
		peercred_probe_record(a->sk, b->sk, PEERCRED_ORIGIN_SOCKETPAIR);
	else if (a == READ_ONCE(peercred_canary))
		WRITE_ONCE(peercred_canary_seen, true);
}

/*
 * unix_release_sock(sk, embrion): every AF_UNIX sock dies here, including
 * accepted-to-be socks that a closing listener releases without ->release.
 */
static __always_inline void peercred_on_release(struct sock *sk)
{
	if (peercred_tracked_type(sk))
		__peercred_table_release_sk(peercred_probe_table, sk);
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

	if (sock_create_kern(&init_net, AF_UNIX, SOCK_DGRAM, 0, &a))
		return false;
	if (sock_create_kern(&init_net, AF_UNIX, SOCK_DGRAM, 0, &b))
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
 * The attach method: two ftrace_ops. The release's (two of every
 * connection's three calls) calls its callback straight from its
 * trampoline; the two recording functions share the other, whose callback
 * tells them apart by ip. Not one ops per function: unregistering an ops
 * from a module waits for RCU-tasks grace periods before it frees the ops'
 * trampoline, and under a connect storm on a debug kernel that took rmmod
 * 13.5 s with three ops.
 *
 * Each ops calls its callback directly from its trampoline (no flags: no
 * assist function, no saved registers). Measured against kprobes on ftrace
 * (whose one shared ftrace_ops saves every register and looks the probe up
 * in a hash), in instruction-count time on 6.1: the empty callbacks cost
 * 0.8 % of a connect/accept/close loop, empty kprobe handlers 2.4 %.
 *
 * ftrace leaves recursion to the callback: ftrace_test_recursion_trylock()
 * refuses a nested call in the same context (none is expected: the
 * handlers call no probed function) and disables preemption, which the
 * table relies on. A refused call is counted, as kprobes count their
 * misses.
 *
 * How the callbacks get the probed functions' arguments is the one thing
 * that differs between kernels, here and nowhere else:
 *  - DYNAMIC_FTRACE_WITH_ARGS (x86 from 5.11, arm64 from 6.2): ftrace
 *    saves the argument registers for every callback, which reads them
 *    with ftrace_regs_get_argument() (6.2; on 6.1 x86, from the pt_regs
 *    that ftrace_regs wraps);
 *  - DYNAMIC_FTRACE_WITH_REGS only (Debian's arm64 6.1): the ops asks for
 *    a whole pt_regs (FTRACE_OPS_FL_SAVE_REGS), and the arguments are
 *    read from it. ftrace then saves every register, for these two ops
 *    only: see README's Performance for what that costs.
 */
#if defined(CONFIG_DYNAMIC_FTRACE_WITH_ARGS)
#define PEERCRED_OPS_FLAGS	0
#ifdef PEERCRED_HAVE_FTRACE_REGS_GET_ARGUMENT
#define peercred_arg(fregs, n)	ftrace_regs_get_argument(fregs, n)
#else
#define peercred_arg(fregs, n)	regs_get_kernel_argument(&(fregs)->regs, n)
#endif
#else
#define PEERCRED_OPS_FLAGS	FTRACE_OPS_FL_SAVE_REGS
#define peercred_arg(fregs, n)	regs_get_kernel_argument(ftrace_get_regs(fregs), n)
#endif

/* Recording functions first: the recording ops hooks those below RELEASE. */
enum peercred_probe {
	PEERCRED_PROBE_SOCKETPAIR,
	PEERCRED_PROBE_CONNECT,
	PEERCRED_PROBE_RELEASE,
	PEERCRED_NR_PROBES
};

static const char *const peercred_probe_symbols[PEERCRED_NR_PROBES] = {
	[PEERCRED_PROBE_SOCKETPAIR] = "unix_socketpair",
	[PEERCRED_PROBE_CONNECT] = "security_unix_stream_connect",
	[PEERCRED_PROBE_RELEASE] = "unix_release_sock",
};

static atomic_long_t peercred_probe_missed[PEERCRED_NR_PROBES];

/*
 * The entries of the two recording functions, found without kallsyms:
 * security_unix_stream_connect() is exported, and unix_socketpair() is
 * every AF_UNIX socket's ->socketpair.
 */
static unsigned long peercred_connect_fn __read_mostly;
static unsigned long peercred_socketpair_fn __read_mostly;

/*
 * ftrace's ip is the function's call to __fentry__: its first instruction,
 * or the one after its ENDBR (x86); on arm64, the BL of its patchable
 * entry, at most 8 bytes in. unix_socketpair() is not shorter than this
 * span, so no other function's site falls inside it; and the recording ops
 * hooks nothing but the two, so whatever is not unix_socketpair() is
 * security_unix_stream_connect().
 */
#define PEERCRED_ENTRY_SPAN	16

/*
 * Under ftrace's recursion lock (see above). Inlined into one function per
 * probe (@which is a constant there), each with only the prologue its own
 * path needs: the release of a sock in no row, half of all the calls, then
 * saves fewer registers than the record path must. None is traced itself
 * (no __fentry__ call): a tracer would run inside every probe.
 */
static __always_inline void peercred_probe_run(unsigned long ip,
					       unsigned long parent_ip,
					       struct ftrace_regs *fregs,
					       enum peercred_probe which)
{
	int bit = ftrace_test_recursion_trylock(ip, parent_ip);

	if (unlikely(bit < 0)) {
		atomic_long_inc(&peercred_probe_missed[which]);
		return;
	}
	switch (which) {
	case PEERCRED_PROBE_RELEASE:
		peercred_on_release((struct sock *)peercred_arg(fregs, 0));
		break;
	case PEERCRED_PROBE_CONNECT:
		peercred_on_connect((struct sock *)peercred_arg(fregs, 0),
				    (struct sock *)peercred_arg(fregs, 2));
		break;
	default:	/* PEERCRED_PROBE_SOCKETPAIR */
		peercred_on_socketpair((struct socket *)peercred_arg(fregs, 0),
				       (struct socket *)peercred_arg(fregs, 1));
	}
	ftrace_test_recursion_unlock(bit);
}

/* The release ops' callback. */
static notrace void peercred_hook_release(unsigned long ip,
					  unsigned long parent_ip,
					  struct ftrace_ops *op,
					  struct ftrace_regs *fregs)
{
	peercred_probe_run(ip, parent_ip, fregs, PEERCRED_PROBE_RELEASE);
}

/*
 * The recording functions' own callbacks take the ftrace callback's
 * arguments: the dispatch below jumps to them with the registers as they
 * came.
 */
static noinline __noclone notrace void
peercred_hook_connect(unsigned long ip, unsigned long parent_ip,
		      struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	peercred_probe_run(ip, parent_ip, fregs, PEERCRED_PROBE_CONNECT);
}

static noinline __noclone notrace void
peercred_hook_socketpair(unsigned long ip, unsigned long parent_ip,
			 struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	peercred_probe_run(ip, parent_ip, fregs, PEERCRED_PROBE_SOCKETPAIR);
}

/*
 * The recording ops' callback. socketpair() is told apart first: its loop
 * is the shorter, where a test costs the larger share.
 */
static notrace void peercred_hook_record(unsigned long ip,
					 unsigned long parent_ip,
					 struct ftrace_ops *op,
					 struct ftrace_regs *fregs)
{
	if (ip - peercred_socketpair_fn < PEERCRED_ENTRY_SPAN)
		peercred_hook_socketpair(ip, parent_ip, op, fregs);
	else
		peercred_hook_connect(ip, parent_ip, op, fregs);
}

static struct ftrace_ops peercred_release_ops = {
	.func = peercred_hook_release,
	.flags = PEERCRED_OPS_FLAGS,
};

static struct ftrace_ops peercred_record_ops = {
	.func = peercred_hook_record,
	.flags = PEERCRED_OPS_FLAGS,
};

/* ftrace_set_filter() parses the name in place. */
static int peercred_hook_add(struct ftrace_ops *ops, const char *symbol,
			     int reset)
{
	char name[KSYM_NAME_LEN];
	int err;

	strscpy(name, symbol, sizeof(name));
	err = ftrace_set_filter(ops, name, strlen(name), reset);
	if (err)
		pr_err("cannot hook %s: %d (missing, inlined, notrace, or renamed: .isra/.constprop)\n",
		       symbol, err);
	return err;
}

/*
 * Hooks @ops on every one of @symbols, all armed by one update of the
 * kernel's text. All or nothing: on failure, @ops is left unregistered.
 */
int peercred_hook_register(struct ftrace_ops *ops,
			   const char *const *symbols, int n)
{
	int i, err;

	for (i = 0; i < n; i++) {
		err = peercred_hook_add(ops, symbols[i], !i);
		if (err)
			goto err_filter;
	}
	err = register_ftrace_function(ops);
	if (err) {
		pr_err("cannot register the hooks: %d\n", err);
		goto err_filter;
	}
	return 0;

err_filter:
	ftrace_free_filter(ops);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_hook_register);

/*
 * Waits for running callbacks: none runs after this returns 0. It fails
 * once ftrace is dead (ftrace_kill(), after an ftrace bug), and then the
 * trampolines still call the callback: the caller must never free it.
 */
int peercred_hook_unregister(struct ftrace_ops *ops)
{
	int err = unregister_ftrace_function(ops);

	if (err)
		return err;
	ftrace_free_filter(ops);
	return 0;
}

/*
 * @ops unregistered, whatever it takes: while ftrace cannot (it is dead),
 * its trampolines still call this module's code, which must then never be
 * freed. So try again every minute, forever in practice, without counting
 * as a hung task: the rmmod, or the failed insmod, does not return.
 * housekeeping.c's watch makes rmmod refuse long before this, unless
 * ftrace died in the last second.
 */
static void peercred_hook_unregister_wait(struct ftrace_ops *ops)
{
	int err = peercred_hook_unregister(ops);

	if (!err)
		return;
	pr_emerg("cannot unregister the probes (%d): ftrace still calls them; this will not return, reboot to unload\n",
		 err);
	while (peercred_hook_unregister(ops))
		schedule_timeout_idle(60 * HZ);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_hook_unregister);

int peercred_probes_register(struct peercred_table *t)
{
	struct socket *s;
	int err;

	err = sock_create_kern(&init_net, AF_UNIX, SOCK_STREAM, 0, &s);
	if (err)
		return err;
	peercred_socketpair_fn = (unsigned long)s->ops->socketpair;
	sock_release(s);
	peercred_connect_fn = (unsigned long)security_unix_stream_connect;
	peercred_probe_table = t;
	/* Releases first: a row is recorded only where its release is probed. */
	err = peercred_hook_register(&peercred_release_ops,
				     &peercred_probe_symbols[PEERCRED_PROBE_RELEASE], 1);
	if (err)
		return err;
	err = peercred_hook_register(&peercred_record_ops, peercred_probe_symbols,
				     PEERCRED_PROBE_RELEASE);
	if (err)
		goto err_release;
	return 0;

err_release:
	peercred_hook_unregister_wait(&peercred_release_ops);
	return err;
}

/* Recording first, as they came; returns once neither is called. */
void peercred_probes_unregister(void)
{
	peercred_hook_unregister_wait(&peercred_record_ops);
	peercred_hook_unregister_wait(&peercred_release_ops);
}

/*
 * Whether ftrace could still unregister the probes. After ftrace_kill()
 * it cannot, and its trampolines go on calling them: the module must then
 * stay (housekeeping.c pins it). ftrace_is_dead() is not exported; setting
 * a filter on an ops of our own that is never registered asks ftrace the
 * same (-ENODEV once dead) and patches no text.
 */
bool peercred_probes_alive(void)
{
	static struct ftrace_ops peercred_alive_ops;
	static DEFINE_MUTEX(peercred_alive_lock);
	int err;

	/*
	 * A new ops each time: ftrace_free_filter() frees its hashes and
	 * leaves their pointers, for an ops that is never used again. The
	 * lock: wiping the ops while another caller holds its regex_lock or
	 * owns its hashes would corrupt both (housekeeping and KUnit call in).
	 */
	mutex_lock(&peercred_alive_lock);
	memset(&peercred_alive_ops, 0, sizeof(peercred_alive_ops));
	err = ftrace_set_filter_ip(&peercred_alive_ops, peercred_socketpair_fn, 0, 1);
	ftrace_free_filter(&peercred_alive_ops);
	mutex_unlock(&peercred_alive_lock);
	return err != -ENODEV;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_probes_alive);

void peercred_probes_show(struct seq_file *m)
{
	int i;

	seq_printf(m, "probes_firing %d\n", peercred_probes_fire());
	for (i = 0; i < PEERCRED_NR_PROBES; i++)
		seq_printf(m, "missed_%s %ld\n", peercred_probe_symbols[i],
			   atomic_long_read(&peercred_probe_missed[i]));
}
