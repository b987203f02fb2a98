// SPDX-License-Identifier: GPL-2.0
/*
 * The LSM label of one end, as getsockopt(SO_PEERSEC) returns it to the
 * process holding the other end (dbus-daemon stores that string at
 * connect time and mediates by it).
 *
 * security_socket_getpeersec_stream() is not exported, and each LSM keeps
 * the peer's label in its own private part of the sock, which a module
 * must not read. What is exported, since 6.9, is do_sock_getsockopt() with
 * kernel pointers: the path of getsockopt(2), LSM hooks included. It is
 * asked as the reader who opened the file (its cred, not whoever calls
 * read()), so an LSM that forbids that reader getsockopt() on the socket
 * yields "-", as the reader's own call would fail; proc.c asks it only
 * where the reader may: see peercred_seq_ask_label().
 *
 * It is asked as for a 32-bit caller (do_sock_getsockopt()'s compat):
 * then the kernel runs no cgroup BPF getsockopt program, and takes no
 * lock_sock() for one. Such a program is the socket's cgroup's, which
 * for an accepted socket is the connecting client's: run for a reader, it
 * could rewrite the label of the very client the reader asks about.
 *
 * 6.1 exports neither that nor sock_getsockopt(), and its hook takes user
 * pointers only: there the label is always "-" (PEERCRED_HAVE_DO_SOCK_GETSOCKOPT).
 *
 * Process context only: LSMs allocate with GFP_KERNEL here.
 */

#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/minmax.h>
#include <linux/net.h>
#include <linux/rcupdate.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sockptr.h>
#include <net/sock.h>

#include "compat.h"
#include "peercred.h"

#ifdef PEERCRED_HAVE_DO_SOCK_GETSOCKOPT
/* Longer than any label an LSM makes; a bound on what we allocate. */
#define PEERCRED_LABEL_WHOLE	SZ_64K

/*
 * A reference on the file of @sk's socket, or NULL. The socket is what
 * getsockopt() needs, and its owner may close it at any time: the file
 * reference keeps it (and sk->sk_socket) alive until our fput(). The
 * socket itself is freed an RCU grace period after its inode, so reading
 * sock->file under rcu_read_lock() is safe, and get_file_active() refuses
 * a file already on its way out.
 */
static struct file *peercred_sock_file(struct sock *sk, struct socket **sockp)
{
	struct file *file = NULL;
	struct socket *sock;

	rcu_read_lock();
	sock = READ_ONCE(sk->sk_socket);
	if (sock)
		file = get_file_active(&sock->file);
	rcu_read_unlock();
	if (file && (file->private_data != sock || sock->sk != sk)) {
		fput(file);
		file = NULL;
	}
	*sockp = sock;
	return file;
}

/* compat: no cgroup BPF program runs (see above). */
static int peercred_peersec(struct socket *sock, char *buf, int *len)
{
	return do_sock_getsockopt(sock, true, SOL_SOCKET, SO_PEERSEC,
				  KERNEL_SOCKPTR(buf), KERNEL_SOCKPTR(len));
}

/*
 * What SO_PEERSEC on @sk returns to @as (the label of @sk's peer) into
 * @buf, at most @size bytes; *@cut says the label was longer and this is
 * its start. Returns the length, or a negative errno: -ENOPROTOOPT without
 * an LSM that answers, -ENOTCONN while no process holds @sk (an unaccepted
 * connection, a closed end), whatever the LSM refuses @as with.
 */
int peercred_label(struct sock *sk, const struct cred *as, char *buf, int size,
		   bool *cut)
{
	const struct cred *old;
	struct socket *sock;
	struct file *file;
	char *whole;
	int len = size, err;

	*cut = false;
	file = peercred_sock_file(sk, &sock);
	if (!file)
		return -ENOTCONN;
	old = override_creds(as);
	err = peercred_peersec(sock, buf, &len);
	if (err == -ERANGE && len > size && len <= PEERCRED_LABEL_WHOLE) {
		/* The LSM told us the length: fetch it all, keep the start. */
		whole = kmalloc(len, GFP_KERNEL);
		err = whole ? peercred_peersec(sock, whole, &len) : -ENOMEM;
		if (!err) {
			/* It may have changed meanwhile, and be short now. */
			*cut = len > size;
			len = min(len, size);
			memcpy(buf, whole, len);
		}
		kfree(whole);
	}
	revert_creds(old);
	fput(file);
	if (err)
		return err;
	/* SELinux counts the NUL it ends with; AppArmor does not. */
	while (len > 0 && !buf[len - 1])
		len--;
	return len;
}
#else
int peercred_label(struct sock *sk, const struct cred *as, char *buf, int size,
		   bool *cut)
{
	*cut = false;
	return -EOPNOTSUPP;
}
#endif
EXPORT_SYMBOL_IF_KUNIT(peercred_label);
