// SPDX-License-Identifier: GPL-2.0
/*
 * The LSM label of one end, exactly as getsockopt(SO_PEERSEC) returns it to
 * the process holding the other end (dbus-daemon stores that string at
 * connect time and mediates by it).
 *
 * security_socket_getpeersec_stream() is not exported, and each LSM keeps
 * the peer's label in its own private part of the sock, which a module
 * must not read. What is exported, since 6.9, is do_sock_getsockopt() with
 * kernel pointers: the very path of getsockopt(2), LSM hooks included. It
 * runs as the reader, so an LSM that forbids the reader getsockopt() on
 * that socket yields "-", as the reader's own call would fail.
 *
 * 6.1 exports neither that nor sock_getsockopt(), and its hook takes user
 * pointers only: there the label is always "-" (PEERCRED_HAVE_DO_SOCK_GETSOCKOPT).
 *
 * Process context only: LSMs allocate with GFP_KERNEL here.
 */

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

static int peercred_peersec(struct socket *sock, char *buf, int *len)
{
	return do_sock_getsockopt(sock, false, SOL_SOCKET, SO_PEERSEC,
				  KERNEL_SOCKPTR(buf), KERNEL_SOCKPTR(len));
}

/*
 * What SO_PEERSEC on @sk returns (the label of @sk's peer) into @buf, at
 * most @size bytes; *@cut says the label was longer and this is its start.
 * Returns the length, or a negative errno: -ENOPROTOOPT without an LSM that
 * answers, -ENOTCONN while no process holds @sk (an unaccepted connection,
 * a closed end), whatever the LSM refuses with.
 */
int peercred_label(struct sock *sk, char *buf, int size, bool *cut)
{
	struct socket *sock;
	struct file *file;
	char *whole;
	int len = size, err;

	*cut = false;
	file = peercred_sock_file(sk, &sock);
	if (!file)
		return -ENOTCONN;
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
	fput(file);
	if (err)
		return err;
	/* SELinux counts the NUL it ends with; AppArmor does not. */
	while (len > 0 && !buf[len - 1])
		len--;
	return len;
}
#else
int peercred_label(struct sock *sk, char *buf, int size, bool *cut)
{
	*cut = false;
	return -EOPNOTSUPP;
}
#endif
EXPORT_SYMBOL_IF_KUNIT(peercred_label);
