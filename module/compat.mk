# SPDX-License-Identifier: GPL-2.0
# Feature probes of the target tree, shared by module/ and kunit/; compat.h
# turns them into code. Probing beats version checks: distributions backport.

# 6.3 made kernel_cap_t a single u64.
ifneq ($(shell grep -s 'u64 val;' $(srctree)/include/linux/capability.h),)
ccflags-y += -DPEERCRED_HAVE_CAP_U64
endif

# 6.13 made MODULE_IMPORT_NS() take a string literal.
ifneq ($(shell grep -s 'MODULE_INFO(import_ns, ns)' $(srctree)/include/linux/module.h),)
ccflags-y += -DPEERCRED_HAVE_IMPORT_NS_STRING
endif

# 6.0 gave every network namespace its own AF_UNIX table, which the load-time
# walk of preexisting connections reads.
ifneq ($(shell grep -s 'struct unix_table' $(srctree)/include/net/netns/unix.h),)
ccflags-y += -DPEERCRED_HAVE_UNIX_NETNS_TABLE
endif

# 6.15 moved UNIX_HASH_SIZE into net/unix/af_unix.h, which headers packages
# do not ship.
ifneq ($(shell grep -s 'define UNIX_HASH_SIZE' $(srctree)/include/net/af_unix.h),)
ccflags-y += -DPEERCRED_HAVE_PUBLIC_UNIX_HASH_SIZE
endif

# 7.0 made kernel_bind() and kernel_connect() take a struct sockaddr_unsized.
ifneq ($(shell grep -s 'sockaddr_unsized' $(srctree)/include/linux/net.h),)
ccflags-y += -DPEERCRED_HAVE_SOCKADDR_UNSIZED
endif

# 6.17 gave struct sock its inode number (sk_ino), so that sock_i_ino() is
# one load instead of sk_callback_lock with bottom halves off.
ifneq ($(shell grep -s 'READ_ONCE(sk->sk_ino)' $(srctree)/include/net/sock.h),)
ccflags-y += -DPEERCRED_HAVE_SK_INO
endif

# 7.3 moved a task's dumpable mode from its mm to its exec_state.
ifneq ($(shell grep -s 'struct task_exec_state {' $(srctree)/include/linux/sched/exec_state.h),)
ccflags-y += -DPEERCRED_HAVE_TASK_EXEC_STATE
endif

# pidfs (6.9) gave every struct pid a 64-bit inode number, never reused: the
# st_ino of a pidfd for it.
ifneq ($(shell grep -s 'u64 ino;' $(srctree)/include/linux/pid.h),)
ccflags-y += -DPEERCRED_HAVE_PIDFS_INO
endif

# 6.9 exported do_sock_getsockopt() with kernel-pointer arguments: the one
# exported way to ask what SO_PEERSEC answers (6.1 has only user pointers,
# and nothing of it exported).
ifneq ($(shell grep -s 'int do_sock_getsockopt' $(srctree)/include/net/sock.h),)
ccflags-y += -DPEERCRED_HAVE_DO_SOCK_GETSOCKOPT
endif

# 6.2 gave ftrace_regs an argument accessor: a macro on x86, an inline
# function on arm64 (so not seen by #ifdef), in asm/ftrace.h, or since 6.12
# in linux/ftrace_regs.h for the architectures whose ftrace_regs wraps a
# pt_regs. Without it (6.1), probe.c reads the registers ftrace saved.
ifneq ($(shell grep -s 'ftrace_regs_get_argument' $(srctree)/include/linux/ftrace.h $(srctree)/include/linux/ftrace_regs.h $(srctree)/arch/$(SRCARCH)/include/asm/ftrace.h),)
ccflags-y += -DPEERCRED_HAVE_FTRACE_REGS_GET_ARGUMENT
endif
