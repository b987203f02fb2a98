/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PEERCRED_BITLOCK_H
#define PEERCRED_BITLOCK_H

/*
 * The table's locks: the hash buckets', the pool's and the share sets'.
 * Bit spinlocks (bit 0 of a word), taken with preemption off already (the
 * probes run under ftrace's recursion lock; process-context callers
 * disable it around the calls), so without bit_spin_lock()'s own
 * preempt_disable() and preempt_enable(): counted per function, 12
 * instructions a connection. They spin with preemption off on PREEMPT_RT
 * too, as raw spinlocks do, and lockdep does not see them: every critical
 * section is a few loads and stores and takes no other lock. The unlock
 * need not be atomic: nobody else writes the word while the bit is held
 * (as __bit_spin_unlock()).
 */

#include <linux/bitops.h>
#include <linux/lockdep.h>
#include <linux/processor.h>

static __always_inline void peercred_lock(unsigned long *word)
{
	lockdep_assert_preemption_disabled();
	while (unlikely(test_and_set_bit_lock(0, word))) {
		do {
			cpu_relax();
		} while (test_bit(0, word));
	}
}

static __always_inline void peercred_unlock(unsigned long *word)
{
	__clear_bit_unlock(0, word);
}

#endif /* PEERCRED_BITLOCK_H */
