// SPDX-License-Identifier: GPL-2.0
/*
 * Reading what a sock holds about its peer. This is the only file that
 * touches sk_peer_cred/sk_peer_pid, so that the kernel's own rules for them
 * (sk_peer_lock since 5.15, CVE-2021-4203) live in one place. It runs in
 * process context only, when a row is shown: the probes record socks, not
 * snapshots, since a connected sock keeps its snapshot until it dies.
 */

#include <linux/cred.h>
#include <linux/pid.h>
#include <net/af_unix.h>
#include <net/sock.h>

#include "compat.h"
#include "snapshot.h"

/*
 * Borrowed, not referenced: the reader's pin holds both socks, and a sock
 * keeps its sk_peer_cred/sk_peer_pid until __sk_destruct(). The kernel
 * replaces them only in listen() (update_peercred()); on a sock that is
 * connected, or being connected, it sets them once, over NULL
 * (init_peercred(), copy_peercred()), and a connected sock can never
 * listen. So once seen set, they stay what the sock holds until the pin
 * goes: no get_cred()/get_pid() on a cred that every client of a busy
 * server shares, and nothing to put. sk_peer_lock is still taken, since
 * the kernel writes them under it while a connection is being made.
 */
static void peercred_side_get(struct peercred_side *side, struct sock *sk,
			      struct sock *holder)
{
	side->sk = sk;
	side->hidden = false;
	side->ask_label = false;
	spin_lock(&holder->sk_peer_lock);
	side->cred = holder->sk_peer_cred;
	side->pid = holder->sk_peer_pid;
	spin_unlock(&holder->sk_peer_lock);
}

/* The snapshot @sk holds of its peer's cred, referenced; NULL if none. */
const struct cred *peercred_snapshot_cred(struct sock *sk)
{
	const struct cred *cred;

	spin_lock(&sk->sk_peer_lock);
	cred = get_cred(sk->sk_peer_cred);
	spin_unlock(&sk->sk_peer_lock);
	return cred;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_snapshot_cred);

/*
 * Whether the snapshot @sk holds is of @euid, without sk_peer_lock: called
 * under a table bucket lock (preemption off, where PREEMPT_RT's spinlock_t
 * may not be taken), on a sock the row holds. Safe for the reason
 * peercred_side_get() borrows: a row's sock is connected or being
 * connected, and the kernel sets its sk_peer_cred once, over NULL, and
 * puts it only in __sk_destruct(); the cred was whole before it was
 * stored. NULL (not connected yet) is no one's.
 */
bool peercred_snapshot_euid_is_held(struct sock *sk, kuid_t euid)
{
	const struct cred *cred = READ_ONCE(sk->sk_peer_cred);

	return cred && uid_eq(cred->euid, euid);
}

/* Whether @sk holds a snapshot of its peer yet. */
bool peercred_snapshot_held(struct sock *sk)
{
	bool held;

	spin_lock(&sk->sk_peer_lock);
	held = sk->sk_peer_cred;
	spin_unlock(&sk->sk_peer_lock);
	return held;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_snapshot_held);

/*
 * Rows are recorded as a connection is being made (at the LSM check of
 * connect(), at socketpair()'s entry); it is one once each end points at
 * the other and holds the other's creds. Until then, -EAGAIN: not shown.
 * What @c holds is borrowed from @pin's socks (see peercred_side_get()):
 * valid while the pin is held, and nothing to put.
 */
int peercred_conn_get(struct peercred_conn *c, const struct peercred_pin *pin)
{
	struct sock *srv = pin->sk[PEERCRED_SRV], *cli = pin->sk[PEERCRED_CLI];

	if (READ_ONCE(unix_peer(srv)) != cli || READ_ONCE(unix_peer(cli)) != srv)
		return -EAGAIN;
	/* Each end's identity is what the opposite sock holds. */
	peercred_side_get(&c->side[PEERCRED_SRV], srv, cli);
	peercred_side_get(&c->side[PEERCRED_CLI], cli, srv);
	c->reader = NULL;
	c->stamp = pin->stamp;
	c->origin = pin->origin;
	/* The maker's cred is the CLI end's snapshot; socketpair(): both. */
	c->side[PEERCRED_CLI].tid = pin->tid;
	c->side[PEERCRED_SRV].tid =
		pin->origin == PEERCRED_ORIGIN_SOCKETPAIR ? pin->tid : 0;
	if (!c->side[PEERCRED_SRV].cred || !c->side[PEERCRED_CLI].cred)
		return -EAGAIN;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_conn_get);
