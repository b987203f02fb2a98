// SPDX-License-Identifier: GPL-2.0
/*
 * Dead rows: rows one of whose socks was released while the probes did
 * not see it (a missed call), or, at load, before the walk recorded it.
 * Such a row holds both its socks, and through them their namespaces,
 * cgroups and creds, until someone removes it: readers remove those they
 * meet (proc.c), the load-time walk those it may have made
 * (peercred_walk_reap()), and a work item the rest, a slice of the table
 * at a time (housekeeping.c).
 */

#include <linux/sched.h>
#include <net/sock.h>

#include "compat.h"
#include "record.h"
#include "table.h"

/*
 * Remove every row of @origin one of whose socks @gone() says is released.
 * @gone() is called with no table lock held, on socks pinned here.
 */
void peercred_table_reap(struct peercred_table *t, enum peercred_origin origin,
			 bool (*gone)(struct sock *sk))
{
	struct peercred_pins p = {};
	unsigned int i, j;

	for (i = 0; i < peercred_table_buckets(t); i++) {
		if (peercred_pins_fill(t, i, NULL, &p))
			break;
		for (j = 0; j < p.n; j++) {
			if (p.pin[j].origin == origin &&
			    (gone(p.pin[j].sk[PEERCRED_SRV]) ||
			     gone(p.pin[j].sk[PEERCRED_CLI])))
				peercred_table_remove_pinned(t, &p.pin[j]);
		}
		cond_resched();
	}
	peercred_pins_free(&p);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_reap);

/* Under the bucket lock: the sock is referenced, its flags readable. */
static bool peercred_match_dead(const struct peercred_row *row, const void *arg)
{
	return row->origin != PEERCRED_ORIGIN_TOMBSTONE &&
	       (sock_flag(row->sk[PEERCRED_SRV], SOCK_DEAD) ||
		sock_flag(row->sk[PEERCRED_CLI], SOCK_DEAD));
}

/*
 * Without a reader: the rows of the next @buckets buckets (round the
 * table, from where the last call stopped) one of whose socks died unseen
 * go. A release the probes missed (ftrace's recursion guard,
 * kernel.ftrace_enabled=0 where the kernel then skips the callbacks)
 * leaves such a row, which holds both socks, and through them their
 * namespaces, cgroups and creds, until someone removes it. The probe runs
 * before unix_release_sock() marks the sock dead, and takes its row out
 * under the bucket lock, so a row seen dead under that lock is one no
 * probe will remove. Returns how many went; one caller at a time.
 */
unsigned int peercred_table_reap_some(struct peercred_table *t,
				      unsigned int buckets)
{
	unsigned int mask = peercred_table_buckets(t) - 1, n = 0;
	struct peercred_bucket *b;
	struct peercred_row *row;

	buckets = min(buckets, mask + 1);
	while (buckets--) {
		b = &t->hash[t->reap_next++ & mask];
		if (peercred_bucket_empty(b))
			continue;
		while ((row = peercred_take_unlocked(b, peercred_match_dead, NULL))) {
			peercred_row_removed(t, row);
			peercred_count(t, PEERCRED_CNT_REAPED);
			peercred_row_free(t, row);
			n++;
		}
		if (!(buckets & 255))
			cond_resched();
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_reap_some);
