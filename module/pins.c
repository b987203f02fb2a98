// SPDX-License-Identifier: GPL-2.0
/*
 * The readers' side of the table: pins. A reader copies the rows of one
 * bucket out under the bucket's lock, taking a reference on each row's two
 * socks, and formats them later in process context. Two rules keep a
 * reader from holding what is not its own:
 *
 *  - it pins only the rows it may see (struct peercred_view), decided
 *    under the bucket lock from what the row's socks hold;
 *  - its pins hold references only within one read(): between read()
 *    calls a pin is just the name of a row (its two sock addresses), and
 *    the next read() takes the references again for the rows still there
 *    (peercred_pins_rehold()). A reader that keeps its file open, or a
 *    read() half done, keeps no sock, namespace, cgroup or cred alive.
 *
 * Rows that die unseen by the release probe (a missed call) are removed
 * here too, by whoever meets them: a reader, or the work item of
 * housekeeping.c (peercred_table_reap_some()).
 */

#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <net/af_unix.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "compat.h"
#include "record.h"
#include "snapshot.h"
#include "table.h"

/* Under the row's bucket lock: whether @view may see @row. */
static bool peercred_row_visible(const struct peercred_row *row,
				 const struct peercred_view *view)
{
	if (row->origin == PEERCRED_ORIGIN_TOMBSTONE)
		return false;
	if (!view)
		return true;
	if (view->net && !net_eq(sock_net(row->sk[PEERCRED_SRV]), view->net))
		return false;
	/* Each end's identity is held by the other's sock: either will do. */
	return !view->own ||
	       peercred_snapshot_euid_is_held(row->sk[PEERCRED_SRV], view->euid) ||
	       peercred_snapshot_euid_is_held(row->sk[PEERCRED_CLI], view->euid);
}

static void peercred_pin_row(struct peercred_pin *pin,
			     const struct peercred_row *row)
{
	int i;

	for (i = 0; i < PEERCRED_SIDES; i++) {
		pin->sk[i] = row->sk[i];
		sock_hold(pin->sk[i]);
	}
	pin->stamp = row->stamp;
	pin->origin = row->origin;
	pin->tid = row->tid;
	pin->held = true;
}

/* The references of a held pin go; its socks are still its row's name. */
static void peercred_pin_unhold(struct peercred_pin *pin)
{
	int i;

	if (!pin->held)
		return;
	for (i = 0; i < PEERCRED_SIDES; i++)
		sock_put(pin->sk[i]);
	pin->held = false;
}

void peercred_pin_put(struct peercred_pin *pin)
{
	int i;

	peercred_pin_unhold(pin);
	for (i = 0; i < PEERCRED_SIDES; i++)
		pin->sk[i] = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_pin_put);

static bool peercred_bucket_pin(struct peercred_bucket *b, struct sock *sk,
				struct peercred_pin *pin)
{
	struct peercred_row *row;
	bool found = false;

	peercred_bucket_lock(b);
	for (row = peercred_bucket_first(b); row; row = row->next) {
		if (peercred_row_has(row, sk) && peercred_row_visible(row, NULL)) {
			peercred_pin_row(pin, row);
			found = true;
			break;
		}
	}
	peercred_bucket_unlock(b);
	return found;
}

/* The row holding @sk, pinned into @pin; false if there is none. */
bool peercred_table_lookup(struct peercred_table *t, struct sock *sk,
			   struct peercred_pin *pin)
{
	struct sock *peer = READ_ONCE(unix_peer(sk));

	return peercred_bucket_pin(peercred_bucket(t, sk), sk, pin) ||
	       (peer && peercred_bucket_pin(peercred_bucket(t, peer), sk, pin));
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_lookup);

/*
 * Pin the first @max rows of @bucket that @view may see (each row is in
 * exactly one bucket, so a walk of all buckets meets it once). Returns
 * how many there are: more than @max tells the caller to retry with room
 * for all, after putting the @max it got.
 */
unsigned int peercred_table_pin_bucket(struct peercred_table *t,
				       unsigned int bucket,
				       const struct peercred_view *view,
				       struct peercred_pin *pins,
				       unsigned int max)
{
	struct peercred_bucket *b = &t->hash[bucket];
	struct peercred_row *row;
	unsigned int n = 0;

	if (peercred_bucket_empty(b))
		return 0;
	peercred_bucket_lock(b);
	for (row = peercred_bucket_first(b); row; row = row->next) {
		if (!peercred_row_visible(row, view))
			continue;
		if (n < max)
			peercred_pin_row(&pins[n], row);
		n++;
	}
	peercred_bucket_unlock(b);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_pin_bucket);

/*
 * A release the probe did not see (a missed call) still marks the sock
 * dead; such a row is no longer a connection.
 */
bool peercred_pin_is_dead(const struct peercred_pin *pin)
{
	return sock_flag(pin->sk[PEERCRED_SRV], SOCK_DEAD) ||
	       sock_flag(pin->sk[PEERCRED_CLI], SOCK_DEAD);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_pin_is_dead);

static bool peercred_match_pin(const struct peercred_row *row, const void *arg)
{
	const struct peercred_pin *pin = arg;

	return row->sk[PEERCRED_SRV] == pin->sk[PEERCRED_SRV] &&
	       row->sk[PEERCRED_CLI] == pin->sk[PEERCRED_CLI];
}

/*
 * In process context, no lock held: the row @pin (held) was taken from
 * goes, as dead.
 */
void peercred_table_remove_pinned(struct peercred_table *t,
				  const struct peercred_pin *pin)
{
	struct peercred_row *row;

	row = peercred_take_unlocked(peercred_bucket(t, pin->sk[PEERCRED_SRV]),
				     peercred_match_pin, pin);
	if (row) {
		peercred_row_removed(t, row);
		peercred_count(t, PEERCRED_CNT_REAPED);
		peercred_row_free(t, row);
	}
}
EXPORT_SYMBOL_IF_KUNIT(peercred_table_remove_pinned);

/*
 * Every row of @bucket that @view may see into @p, held, growing it as
 * needed (process context). The pins of the last fill are put first.
 */
int peercred_pins_fill(struct peercred_table *t, unsigned int bucket,
		       const struct peercred_view *view,
		       struct peercred_pins *p)
{
	struct peercred_pin *bigger;
	unsigned int n;

	peercred_pins_drop(p);
	for (;;) {
		n = peercred_table_pin_bucket(t, bucket, view, p->pin, p->cap);
		p->n = min(n, p->cap);
		if (n <= p->cap)
			return 0;
		peercred_pins_drop(p);
		/* The reader's to pay for, as its own memory. */
		bigger = kvmalloc_array(roundup_pow_of_two(n), sizeof(*bigger),
					GFP_KERNEL_ACCOUNT);
		if (!bigger)
			return -ENOMEM;
		kvfree(p->pin);
		p->pin = bigger;
		p->cap = roundup_pow_of_two(n);
	}
}
EXPORT_SYMBOL_IF_KUNIT(peercred_pins_fill);

/* At the end of a read(): every reference goes, the rows' names stay. */
void peercred_pins_unhold(struct peercred_pins *p)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		peercred_pin_unhold(&p->pin[i]);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_pins_unhold);

/*
 * At the start of the read() that resumes @p, filled from @bucket: the
 * pins from @from on hold their row's socks again if the row is still in
 * @bucket (and @view may see it); the others are emptied (NULL socks).
 * A row that went meanwhile is not shown, as it would not be had it gone
 * before its bucket was pinned; a row added meanwhile is not, as it would
 * not be had it come after. If a row's socks were freed and a new row took
 * both their addresses, the new row is shown instead of the old one: it
 * is another connection that the reader may see, and shown once.
 */
void peercred_pins_rehold(struct peercred_table *t, unsigned int bucket,
			  const struct peercred_view *view,
			  struct peercred_pins *p, unsigned int from)
{
	struct peercred_bucket *b = &t->hash[bucket];
	struct peercred_row *row;
	struct peercred_pin *pin;
	unsigned int i;

	peercred_bucket_lock(b);
	for (i = from; i < p->n; i++) {
		pin = &p->pin[i];
		if (pin->held || !pin->sk[PEERCRED_SRV])
			continue;
		for (row = peercred_bucket_first(b); row; row = row->next)
			if (peercred_match_pin(row, pin) &&
			    peercred_row_visible(row, view))
				break;
		if (row) {
			peercred_pin_row(pin, row);
		} else {
			pin->sk[PEERCRED_SRV] = NULL;
			pin->sk[PEERCRED_CLI] = NULL;
		}
	}
	peercred_bucket_unlock(b);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_pins_rehold);

void peercred_pins_drop(struct peercred_pins *p)
{
	while (p->n)
		peercred_pin_put(&p->pin[--p->n]);
}
EXPORT_SYMBOL_IF_KUNIT(peercred_pins_drop);

void peercred_pins_free(struct peercred_pins *p)
{
	peercred_pins_drop(p);
	kvfree(p->pin);
	p->pin = NULL;
	p->cap = 0;
}
EXPORT_SYMBOL_IF_KUNIT(peercred_pins_free);
