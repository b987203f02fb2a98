/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference peercred meets, in one place. The
 * PEERCRED_HAVE_* flags come from feature probes of the target tree in
 * module/Kbuild, not from version numbers: distributions backport.
 */
#ifndef PEERCRED_COMPAT_H
#define PEERCRED_COMPAT_H

#include <linux/capability.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <net/sock.h>

/* 6.3 turned kernel_cap_t from u32[2] into one u64. */
static inline u64 peercred_cap_u64(kernel_cap_t cap)
{
#ifdef PEERCRED_HAVE_CAP_U64
	return cap.val;
#else
	return ((u64)cap.cap[1] << 32) | cap.cap[0];
#endif
}

/*
 * The size of each netns's AF_UNIX hash, which the load-time walk reads:
 * 256 buckets of bound socks and 256 of unbound ones since 5.14; 6.15 took
 * the macro out of the public headers, not the layout.
 */
#ifdef PEERCRED_HAVE_PUBLIC_UNIX_HASH_SIZE
#include <net/af_unix.h>
#define PEERCRED_UNIX_HASH_SIZE	UNIX_HASH_SIZE
#else
#define PEERCRED_UNIX_HASH_SIZE	(256 * 2)
#endif

/*
 * A sock's inode number, as sock_i_ino() gives it (0 once orphaned). Before
 * sk_ino, sock_i_ino() takes sk_callback_lock with bottom halves off, two
 * out-of-line calls and a lock per end shown, for one load. The lock only
 * keeps sk_socket from being freed under us, which RCU does too:
 * sockfs inodes, struct socket inside, are freed by ->free_inode
 * (sock_free_inode()), which the VFS calls only after a grace period.
 */
static inline u64 peercred_sock_ino(struct sock *sk)
{
#ifdef PEERCRED_HAVE_SK_INO
	return sock_i_ino(sk);
#else
	struct socket *sock;
	u64 ino = 0;

	rcu_read_lock();
	sock = READ_ONCE(sk->sk_socket);
	if (sock)
		ino = SOCK_INODE(sock)->i_ino;
	rcu_read_unlock();
	return ino;
#endif
}

/*
 * The pidfs inode number of @pid: the st_ino of any pidfd for it (64-bit),
 * never reused while the system runs. 0 where the kernel has no pidfs.
 */
#ifdef PEERCRED_HAVE_PIDFS_INO
#define PEERCRED_SHOWS_PIDFS	1
static inline u64 peercred_pidfs_ino(const struct pid *pid)
{
	return pid ? pid->ino : 0;
}
#else
#define PEERCRED_SHOWS_PIDFS	0
static inline u64 peercred_pidfs_ino(const struct pid *pid)
{
	return 0;
}
#endif

/* Whether label.c can ask what SO_PEERSEC answers (see there). */
#ifdef PEERCRED_HAVE_DO_SOCK_GETSOCKOPT
#define PEERCRED_SHOWS_LABELS	1
#else
#define PEERCRED_SHOWS_LABELS	0
#endif

/*
 * Whether @task is dumpable by its own user, the mode in which ptrace's
 * check (and so /proc/PID under hidepid=) lets that user in. A task with
 * no mm counts as not: this only ever hides more.
 */
#ifdef PEERCRED_HAVE_TASK_EXEC_STATE
#include <linux/sched/exec_state.h>
static inline bool peercred_task_dumpable(struct task_struct *task)
{
	bool ok;

	rcu_read_lock();
	ok = task->mm &&
	     READ_ONCE(rcu_dereference(task->exec_state)->dumpable) == TASK_DUMPABLE_OWNER;
	rcu_read_unlock();
	return ok;
}
#else
#include <linux/sched/coredump.h>
#include <linux/sched/task.h>
static inline bool peercred_task_dumpable(struct task_struct *task)
{
	bool ok;

	task_lock(task);
	ok = task->mm && get_dumpable(task->mm) == SUID_DUMP_USER;
	task_unlock(task);
	return ok;
}
#endif

/* For kernel_bind()/kernel_connect() (the KUnit helpers): 7.0 renamed it. */
#ifdef PEERCRED_HAVE_SOCKADDR_UNSIZED
#define PEERCRED_SOCKADDR(sa)	((struct sockaddr_unsized *)(sa))
#else
#define PEERCRED_SOCKADDR(sa)	((struct sockaddr *)(sa))
#endif

/*
 * Internals are exported (EXPORT_SYMBOL_IF_KUNIT) only when the target has
 * KUnit, for the test module; without KUnit the macro is empty.
 */
#include <kunit/visibility.h>

/* 6.13 made MODULE_IMPORT_NS() take a string literal. */
#ifdef PEERCRED_HAVE_IMPORT_NS_STRING
#define PEERCRED_IMPORT_KUNIT_NS() MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")
#else
#define PEERCRED_IMPORT_KUNIT_NS() MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#endif

#endif /* PEERCRED_COMPAT_H */
