// SPDX-License-Identifier: GPL-2.0
/*
 * An end's label is what getsockopt(SO_PEERSEC) gives on the other end's
 * socket, asked through that socket's file as a process would; where no
 * file holds the socket (a kernel socket, a closed end) there is none.
 * The oracle is the same question asked of the kernel straight.
 */

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/net.h>
#include <linux/sockptr.h>
#include <net/sock.h>

#include "helpers.h"
#include "peercred.h"

#ifdef PEERCRED_HAVE_DO_SOCK_GETSOCKOPT
/* What getsockopt(SO_PEERSEC) on @sock says: its length, or an errno. */
static int peercred_kunit_peersec(struct socket *sock, char *buf, int size)
{
	int len = size;
	int err = do_sock_getsockopt(sock, false, SOL_SOCKET, SO_PEERSEC,
				     KERNEL_SOCKPTR(buf), KERNEL_SOCKPTR(&len));

	if (err)
		return err;
	while (len > 0 && !buf[len - 1])
		len--;
	return len;
}

static void peercred_label_as_getsockopt(struct kunit *test)
{
	char label[64], want[64];
	struct socket *a, *b;
	struct file *file;
	struct sock *sk;
	int n, expect;
	bool cut;

	peercred_kunit_pair(test, SOCK_STREAM, &a, &b);
	sk = a->sk;
	KUNIT_EXPECT_EQ(test, -ENOTCONN,
			peercred_label(sk, current_cred(), label, sizeof(label), &cut));

	file = sock_alloc_file(a, 0, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	n = peercred_label(sk, current_cred(), label, sizeof(label), &cut);
	expect = peercred_kunit_peersec(a, want, sizeof(want));
	KUNIT_EXPECT_EQ(test, n, expect);
	if (expect > 0)
		KUNIT_EXPECT_EQ(test, memcmp(label, want, expect), 0);
	KUNIT_EXPECT_FALSE(test, cut);

	/* Closed: the file's release releases the socket; b still holds sk. */
	__fput_sync(file);
	KUNIT_EXPECT_EQ(test, -ENOTCONN,
			peercred_label(sk, current_cred(), label, sizeof(label), &cut));
	sock_release(b);
}
#else
/* Nothing exported asks SO_PEERSEC here: the label is never shown. */
static void peercred_label_as_getsockopt(struct kunit *test)
{
	struct socket *a, *b;
	char label[64];
	bool cut;

	peercred_kunit_pair(test, SOCK_STREAM, &a, &b);
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			peercred_label(a->sk, current_cred(), label, sizeof(label), &cut));
	sock_release(a);
	sock_release(b);
}
#endif

static struct kunit_case peercred_label_cases[] = {
	KUNIT_CASE(peercred_label_as_getsockopt),
	{}
};

static struct kunit_suite peercred_label_suite = {
	.name = "peercred_label",
	.test_cases = peercred_label_cases,
};

kunit_test_suites(&peercred_label_suite);
