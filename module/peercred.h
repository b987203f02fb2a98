/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PEERCRED_H
#define PEERCRED_H

#include <linux/kconfig.h>
#include <linux/net.h>
#include <linux/types.h>
#include <net/sock.h>

#include "snapshot.h"
#include "table.h"

struct pid_namespace;
struct seq_file;
struct user_namespace;

/* Connections are stream and seqpacket socks; datagram "peers" are not. */
static inline bool peercred_tracked_type(const struct sock *sk)
{
	return sk->sk_type == SOCK_STREAM || sk->sk_type == SOCK_SEQPACKET;
}

/* params.c */
#define PEERCRED_MAX_ROWS_DEFAULT	65536U
#define PEERCRED_MAX_ROWS_LIMIT		4194304U
extern unsigned int peercred_max_rows;
extern unsigned int peercred_user_rows;
extern bool peercred_labels;
int peercred_max_rows_parse(const char *val, unsigned int *out);
int peercred_user_rows_parse(const char *val, unsigned int *out);
int peercred_user_rows_of(unsigned int max_rows, unsigned int user_rows,
			  unsigned int *out);

/* format.c: one row as text, for a reader in (uns, pns) */
void peercred_format_header(struct seq_file *m);
void peercred_format_row(struct seq_file *m, const struct peercred_conn *row,
			 struct user_namespace *uns, struct pid_namespace *pns);
void peercred_format_detail(struct seq_file *m, const struct peercred_conn *row,
			    struct user_namespace *uns,
			    struct pid_namespace *pns);

/* drift.c: what changed since the snapshot, as letters for a reader */
#define PEERCRED_DRIFT_LEN	4
struct task_struct *peercred_snapshot_task(const struct peercred_side *side);
const char *peercred_drift_of(char *buf, const struct peercred_side *side,
			      struct task_struct *task,
			      struct pid_namespace *pns);
const char *peercred_drift(char *buf, const struct peercred_side *side,
			   struct pid_namespace *pns);

/* label.c: what SO_PEERSEC on @sk returns to @as; process context */
int peercred_label(struct sock *sk, const struct cred *as, char *buf, int size,
		   bool *cut);

/* walk.c; peercred_walk_reap() is called with net_rwsem held for read */
void peercred_walk(struct peercred_table *t);
void peercred_walk_reap(struct peercred_table *t);

/* main.c */
struct peercred_table *peercred_live_table(void);

/* proc.c */
int peercred_proc_init(struct peercred_table *t);
void peercred_proc_exit(void);

/* probe.c: ftrace calls the probes with the probed functions' arguments. */
#define PEERCRED_HAVE_PROBES	(IS_ENABLED(CONFIG_DYNAMIC_FTRACE_WITH_ARGS) || \
				 IS_ENABLED(CONFIG_DYNAMIC_FTRACE_WITH_REGS))
#if PEERCRED_HAVE_PROBES
int peercred_probes_register(struct peercred_table *t);
void peercred_probes_unregister(void);
void peercred_probes_show(struct seq_file *m);
bool peercred_probes_fire(void);
bool peercred_probes_alive(void);
#else
/* UML and other test kernels without ftrace: KUnit alone feeds the table. */
static inline int peercred_probes_register(struct peercred_table *t)
{
	return 0;
}

static inline void peercred_probes_unregister(void) {}

static inline void peercred_probes_show(struct seq_file *m) {}
static inline bool peercred_probes_fire(void)
{
	return false;
}

static inline bool peercred_probes_alive(void)
{
	return true;
}
#endif

/* housekeeping.c: what runs without a reader */
void peercred_housekeeping_start(struct peercred_table *t);
void peercred_housekeeping_stop(void);

#endif /* PEERCRED_H */
