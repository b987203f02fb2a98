// SPDX-License-Identifier: GPL-2.0
/*
 * Real kernel sockets and creds for the suites. Creds are switched with
 * override_creds(), which is what init_peercred() snapshots through
 * get_current_cred(). Since 6.14 override_creds() and revert_creds() take
 * and drop no reference, before they took one and dropped it: either way
 * the pair leaves the count as it was, and the caller keeps its own until
 * put_cred(), so the same calls are right on every kernel.
 */

#include <linux/un.h>
#include <net/af_unix.h>
#include <net/sock.h>

#include "compat.h"
#include "helpers.h"
#include "peercred.h"

/* euid/fsuid and egid/fsgid set; real and saved ids stay the caller's. */
struct cred *peercred_kunit_cred(struct kunit *test, u32 euid, u32 egid,
				 int ngroups, const u32 *groups)
{
	struct group_info *gi;
	struct cred *new;
	int i;

	new = prepare_creds();
	KUNIT_ASSERT_NOT_NULL(test, new);
	new->euid = KUIDT_INIT(euid);
	new->fsuid = KUIDT_INIT(euid);
	new->egid = KGIDT_INIT(egid);
	new->fsgid = KGIDT_INIT(egid);
	gi = groups_alloc(ngroups);
	KUNIT_ASSERT_NOT_NULL(test, gi);
	for (i = 0; i < ngroups; i++)
		gi->gid[i] = KGIDT_INIT(groups[i]);
	groups_sort(gi);
	set_groups(new, gi);
	put_group_info(gi);
	return new;
}

void peercred_kunit_pair(struct kunit *test, int type, struct socket **a,
			 struct socket **b)
{
	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, AF_UNIX, type, 0, a));
	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, AF_UNIX, type, 0, b));
	KUNIT_ASSERT_EQ(test, 0, (*a)->ops->socketpair(*a, *b));
}

static int peercred_kunit_addr(struct sockaddr_un *sa, const char *name)
{
	size_t len = strlen(name);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	/* Abstract: a leading NUL, then the name (not NUL-terminated). */
	memcpy(sa->sun_path + 1, name, len);
	return offsetof(struct sockaddr_un, sun_path) + 1 + len;
}

/* Listen as the caller; connect as @as (NULL: as the caller). */
void peercred_kunit_connect(struct kunit *test, struct peercred_kconn *c,
			    const char *abstract_name, const struct cred *as,
			    bool accept)
{
	const struct cred *old = NULL;
	struct sockaddr_un sa;
	int len = peercred_kunit_addr(&sa, abstract_name);
	int err;

	memset(c, 0, sizeof(*c));
	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, AF_UNIX, SOCK_STREAM,
						  0, &c->listener));
	KUNIT_ASSERT_EQ(test, 0, kernel_bind(c->listener, PEERCRED_SOCKADDR(&sa), len));
	KUNIT_ASSERT_EQ(test, 0, kernel_listen(c->listener, 4));
	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, AF_UNIX, SOCK_STREAM,
						  0, &c->client));
	if (as)
		old = override_creds(as);
	err = kernel_connect(c->client, PEERCRED_SOCKADDR(&sa), len, 0);
	if (as)
		revert_creds(old);
	KUNIT_ASSERT_EQ(test, 0, err);
	/* unix_peer() holds its own reference for as long as the client lives. */
	c->srv_sk = unix_peer(c->client->sk);
	KUNIT_ASSERT_NOT_NULL(test, c->srv_sk);
	if (accept) {
		KUNIT_ASSERT_EQ(test, 0, kernel_accept(c->listener, &c->server, 0));
		KUNIT_ASSERT_PTR_EQ(test, c->server->sk, c->srv_sk);
	}
}

void peercred_kunit_close(struct peercred_kconn *c)
{
	if (c->server)
		sock_release(c->server);
	if (c->client)
		sock_release(c->client);
	if (c->listener)
		sock_release(c->listener);
}

/*
 * The row of @t that holds @sk, as a reader shows it, both ends' snapshots
 * read. False if there is none. What @c holds is borrowed from the socks,
 * which the test holds for as long as it looks at @c.
 */
bool peercred_kunit_conn(struct kunit *test, struct peercred_table *t,
			 struct sock *sk, struct peercred_conn *c)
{
	struct peercred_pin pin;
	int err;

	if (!peercred_table_lookup(t, sk, &pin))
		return false;
	err = peercred_conn_get(c, &pin);
	peercred_pin_put(&pin);
	KUNIT_EXPECT_EQ(test, err, 0);
	return !err;
}
