/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PEERCRED_KUNIT_HELPERS_H
#define PEERCRED_KUNIT_HELPERS_H

#include <kunit/test.h>
#include <linux/cred.h>
#include <linux/net.h>

/* A connection made the way userspace makes one, with kernel sockets. */
struct peercred_kconn {
	struct socket *listener;
	struct socket *client;
	struct socket *server;	/* accepted, or NULL before accept */
	struct sock *srv_sk;	/* the server end's sock, accepted or not */
};

struct cred *peercred_kunit_cred(struct kunit *test, u32 euid, u32 egid,
				 int ngroups, const u32 *groups);
void peercred_kunit_pair(struct kunit *test, int type, struct socket **a,
			 struct socket **b);
void peercred_kunit_connect(struct kunit *test, struct peercred_kconn *c,
			    const char *abstract_name, const struct cred *as,
			    bool accept);
void peercred_kunit_close(struct peercred_kconn *c);

struct peercred_conn;
struct peercred_table;
bool peercred_kunit_conn(struct kunit *test, struct peercred_table *t,
			 struct sock *sk, struct peercred_conn *c);

#endif
