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
 * Take our own references under sk_peer_lock: the kernel swaps these
 * pointers under that lock (listen() again, SO_PEERCRED readers), so a
 * lockless read could race with the put of the old values.
 */
static void peercred_side_get(struct peercred_side *side, struct sock *sk,
			      struct sock *holder)
{
	side->sk = sk;
	side->hidden = false;
	spin_lock(&holder->sk_peer_lock);
	side->cred = get_cred(holder->sk_peer_cred);
	side->pid = get_pid(holder->sk_peer_pid);
	spin_unlock(&holder->sk_peer_lock);
}

static void peercred_side_put(struct peercred_side *side)
{
	put_cred(side->cred);
	put_pid(side->pid);
	side->cred = NULL;
	side->pid = NULL;
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

/* Whether the snapshot @sk holds is of @euid: no reference taken. */
bool peercred_snapshot_euid_is(struct sock *sk, kuid_t euid)
{
	bool is;

	spin_lock(&sk->sk_peer_lock);
	is = sk->sk_peer_cred && uid_eq(sk->sk_peer_cred->euid, euid);
	spin_unlock(&sk->sk_peer_lock);
	return is;
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
 */
int peercred_conn_get(struct peercred_conn *c, const struct peercred_pin *pin)
{
	struct sock *srv = pin->sk[PEERCRED_SRV], *cli = pin->sk[PEERCRED_CLI];

	if (READ_ONCE(unix_peer(srv)) != cli || READ_ONCE(unix_peer(cli)) != srv)
		return -EAGAIN;
	/* Each end's identity is what the opposite sock holds. */
	peercred_side_get(&c->side[PEERCRED_SRV], srv, cli);
	peercred_side_get(&c->side[PEERCRED_CLI], cli, srv);
	c->stamp = pin->stamp;
	c->origin = pin->origin;
	/* The maker's cred is the CLI end's snapshot; socketpair(): both. */
	c->side[PEERCRED_CLI].tid = pin->tid;
	c->side[PEERCRED_SRV].tid =
		pin->origin == PEERCRED_ORIGIN_SOCKETPAIR ? pin->tid : 0;
	if (!c->side[PEERCRED_SRV].cred || !c->side[PEERCRED_CLI].cred) {
		peercred_conn_put(c);
		return -EAGAIN;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_conn_get);

void peercred_conn_put(struct peercred_conn *c)
{
	int i;

	for (i = 0; i < PEERCRED_SIDES; i++)
		peercred_side_put(&c->side[i]);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_conn_put);
