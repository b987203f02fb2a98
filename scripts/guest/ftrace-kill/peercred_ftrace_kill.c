// SPDX-License-Identifier: GPL-2.0
/*
 * For the guest checks only: kill ftrace as the kernel does when ftrace
 * meets a bug (ftrace_bug() -> ftrace_kill()). From then on ftrace cannot
 * unregister any callback, while its trampolines keep calling them: the
 * state in which peercred must refuse to be unloaded. ftrace_kill() is not
 * exported; a kprobe's address lookup finds it.
 */

#include <linux/kprobes.h>
#include <linux/module.h>

static int __init peercred_ftrace_kill_init(void)
{
	struct kprobe kp = { .symbol_name = "ftrace_kill" };
	void (*kill)(void);
	int err;

	err = register_kprobe(&kp);
	if (err) {
		pr_err("cannot find ftrace_kill: %d\n", err);
		return err;
	}
	kill = (void (*)(void))kp.addr;
	unregister_kprobe(&kp);
	kill();
	pr_info("ftrace killed\n");
	return 0;
}

static void __exit peercred_ftrace_kill_exit(void)
{
}

module_init(peercred_ftrace_kill_init);
module_exit(peercred_ftrace_kill_exit);

MODULE_DESCRIPTION("peercred's guest checks: kill ftrace, as an ftrace bug does");
MODULE_LICENSE("GPL");
