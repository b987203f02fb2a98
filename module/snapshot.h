/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PEERCRED_SNAPSHOT_H
#define PEERCRED_SNAPSHOT_H

struct peercred_side;
struct sock;

void peercred_snapshot_take(struct peercred_side *side, struct sock *holder);
void peercred_snapshot_drop(struct peercred_side *side);

#endif /* PEERCRED_SNAPSHOT_H */
