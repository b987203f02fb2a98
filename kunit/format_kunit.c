// SPDX-License-Identifier: GPL-2.0
/*
 * The /proc/peercred line and the detail block of a recorded row: columns,
 * escaping of odd names, and id translation into a user namespace whose
 * mapping the test sets (unmapped ids become the overflow ids, as
 * SO_PEERCRED/SO_PEERGROUPS report them).
 */

#include <kunit/test.h>
#include <linux/ctype.h>
#include <linux/highuid.h>
#include <linux/pid_namespace.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/user_namespace.h>
#include <net/sock.h>

#include "helpers.h"
#include "line.h"
#include "peercred.h"

#define PEERCRED_NS_BASE	100000U

struct peercred_fmt {
	struct peercred_table t;
	struct seq_file m;
};

static void peercred_fmt_init(struct kunit *test, struct peercred_fmt *f)
{
	memset(f, 0, sizeof(*f));
	KUNIT_ASSERT_EQ(test, 0, peercred_table_init(&f->t, 16));
	f->m.size = PAGE_SIZE;
	f->m.buf = kunit_kzalloc(test, f->m.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->m.buf);
}

static const char *peercred_fmt_text(struct peercred_fmt *f)
{
	f->m.buf[min(f->m.count, f->m.size - 1)] = '\0';
	return f->m.buf;
}

/* A namespace mapping ids 0..65535 to host ids 100000..165535, nothing else. */
static struct user_namespace *peercred_fake_userns(struct kunit *test)
{
	struct user_namespace *ns = kunit_kzalloc(test, sizeof(*ns), GFP_KERNEL);
	struct uid_gid_extent e = {
		.first = 0, .lower_first = PEERCRED_NS_BASE, .count = 65536,
	};

	KUNIT_ASSERT_NOT_NULL(test, ns);
	ns->uid_map.nr_extents = 1;
	ns->uid_map.extent[0] = e;
	ns->gid_map.nr_extents = 1;
	ns->gid_map.extent[0] = e;
	ns->parent = &init_user_ns;
	ns->level = 1;
	return ns;
}

/* One /proc/peercred line, split into its columns (side 0 = srv, 1 = cli). */
struct peercred_cols {
	char type[16], origin[16], comm[2][32], drift[2][8], flags[8], path[128];
	char pidfs[2][24], label[2][96];
	unsigned int uid[2], gid[2], age;
	unsigned long ino[2];
	int pid[2];
};

static bool peercred_fmt_parse(const char *line, struct peercred_cols *c)
{
	return sscanf(line,
		      "%15s %15s %lu %d %u %u %31s %7s %lu %d %u %u %31s %7s %u %7s %127s %23s %95s %23s %95s",
		      c->type, c->origin, &c->ino[0], &c->pid[0], &c->uid[0],
		      &c->gid[0], c->comm[0], c->drift[0], &c->ino[1], &c->pid[1],
		      &c->uid[1], &c->gid[1], c->comm[1], c->drift[1], &c->age,
		      c->flags, c->path, c->pidfs[0], c->label[0], c->pidfs[1],
		      c->label[1]) == 21;
}

/* Whitespace-separated words on the first line of @text. */
static int peercred_fmt_words(const char *text)
{
	int n = 0;

	while (*text && *text != '\n') {
		text = skip_spaces(text);
		if (!*text || *text == '\n')
			break;
		n++;
		while (*text && !isspace(*text))
			text++;
	}
	return n;
}

/* The pidfs column for @pid, read straight from the kernel's struct pid. */
static void peercred_fmt_pidfs(char *buf, size_t size, struct pid *pid)
{
#ifdef PEERCRED_HAVE_PIDFS_INO
	snprintf(buf, size, "%llu", pid->ino);
#else
	strscpy(buf, "-", size);
#endif
}

/* Format the row holding @sk as a reader in @uns would see it. */
static void peercred_fmt_show(struct kunit *test, struct peercred_fmt *f,
			      struct sock *sk,
			      void (*format)(struct seq_file *m,
					     const struct peercred_conn *c,
					     struct user_namespace *uns,
					     struct pid_namespace *pns),
			      struct user_namespace *uns)
{
	struct peercred_conn c;

	KUNIT_ASSERT_TRUE(test, peercred_kunit_conn(test, &f->t, sk, &c));
	format(&f->m, &c, uns, &init_pid_ns);
}

static void peercred_format_columns(struct kunit *test)
{
	static const u32 groups[] = { PEERCRED_NS_BASE + 10, 5 };
	struct user_namespace *ns = peercred_fake_userns(test);
	const struct cred *old;
	struct peercred_cols c;
	struct peercred_fmt f;
	struct socket *a, *b;
	struct cred *as;
	char want[24];

	peercred_fmt_init(test, &f);
	as = peercred_kunit_cred(test, PEERCRED_NS_BASE + 5, PEERCRED_NS_BASE + 7,
				 ARRAY_SIZE(groups), groups);
	old = override_creds(as);
	peercred_kunit_pair(test, SOCK_STREAM, &a, &b);
	revert_creds(old);
	KUNIT_ASSERT_EQ(test, 0, peercred_table_record(&f.t, a->sk, b->sk,
						       PEERCRED_ORIGIN_SOCKETPAIR, NULL));

	peercred_format_header(&f.m);
	peercred_fmt_show(test, &f, a->sk, peercred_format_row, ns);
	/* awk-able: one header name per column, as many as a row has. */
	KUNIT_EXPECT_EQ(test, peercred_fmt_words(peercred_fmt_text(&f)), 21);
	KUNIT_EXPECT_EQ(test, peercred_fmt_words(strchr(peercred_fmt_text(&f), '\n') + 1), 21);
	/* Past the header line. */
	KUNIT_ASSERT_TRUE_MSG(test,
			      peercred_fmt_parse(strchr(peercred_fmt_text(&f), '\n') + 1, &c),
			      "%s", peercred_fmt_text(&f));
	KUNIT_EXPECT_STREQ(test, c.type, "stream");
	KUNIT_EXPECT_STREQ(test, c.origin, "socketpair");
	/* srv = second socket, cli = first; inodes as fstat() would say. */
	KUNIT_EXPECT_EQ(test, c.ino[0], SOCK_INODE(b)->i_ino);
	KUNIT_EXPECT_EQ(test, c.ino[1], SOCK_INODE(a)->i_ino);
	KUNIT_EXPECT_EQ(test, c.pid[0], (int)task_tgid_nr(current));
	KUNIT_EXPECT_EQ(test, c.pid[1], (int)task_tgid_nr(current));
	KUNIT_EXPECT_EQ(test, c.uid[1], 5U);
	KUNIT_EXPECT_EQ(test, c.gid[1], 7U);
	KUNIT_EXPECT_STREQ(test, c.comm[1], current->group_leader->comm);
	/* Made under override_creds(): this task's own ids differ from it. */
	KUNIT_EXPECT_STREQ(test, c.drift[0], "c");
	KUNIT_EXPECT_STREQ(test, c.drift[1], "c");
	KUNIT_EXPECT_STREQ(test, c.flags, "-");
	KUNIT_EXPECT_STREQ(test, c.path, "-");
	/* What fstat() of SO_PEERPIDFD's pidfd would say: both ends are us. */
	peercred_fmt_pidfs(want, sizeof(want), task_tgid(current));
	KUNIT_EXPECT_STREQ(test, c.pidfs[0], want);
	KUNIT_EXPECT_STREQ(test, c.pidfs[1], want);
	/* Kernel sockets have no file: no process could ask SO_PEERSEC. */
	KUNIT_EXPECT_STREQ(test, c.label[0], "-");
	KUNIT_EXPECT_STREQ(test, c.label[1], "-");

	/* The same row for a reader in the initial namespace: host ids. */
	f.m.count = 0;
	peercred_fmt_show(test, &f, b->sk, peercred_format_row, &init_user_ns);
	KUNIT_ASSERT_TRUE(test, peercred_fmt_parse(peercred_fmt_text(&f), &c));
	KUNIT_EXPECT_EQ(test, c.uid[0], PEERCRED_NS_BASE + 5);
	KUNIT_EXPECT_EQ(test, c.gid[0], PEERCRED_NS_BASE + 7);

	peercred_table_release_sk(&f.t, a->sk);
	sock_release(a);
	sock_release(b);
	peercred_table_destroy(&f.t);
	put_cred(as);
}

/* Every id of the detail block, translated; unmapped ones overflow. */
static void peercred_format_detail_block(struct kunit *test)
{
	static const u32 groups[] = { PEERCRED_NS_BASE + 10, 5 };
	struct user_namespace *ns = peercred_fake_userns(test);
	struct peercred_kconn c;
	struct peercred_fmt f;
	struct cred *as;
	char want[128], ino[24];

	peercred_fmt_init(test, &f);
	as = peercred_kunit_cred(test, PEERCRED_NS_BASE + 5, PEERCRED_NS_BASE + 7,
				 ARRAY_SIZE(groups), groups);
	peercred_kunit_connect(test, &c, "peercred-kunit-detail", as, false);
	KUNIT_ASSERT_EQ(test, 0, peercred_table_record(&f.t, c.client->sk, c.srv_sk,
						       PEERCRED_ORIGIN_CONNECT, NULL));
	peercred_fmt_show(test, &f, c.srv_sk, peercred_format_detail, ns);

	/* Real and saved ids stayed the test's own (unmapped: overflow). */
	snprintf(want, sizeof(want), "\ncli_uid:\t%u\t5\t%u\t5\n",
		 (u32)overflowuid, (u32)overflowuid);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(peercred_fmt_text(&f), want), "%s",
				  peercred_fmt_text(&f));
	snprintf(want, sizeof(want), "\ncli_gid:\t%u\t7\t%u\t7\n",
		 (u32)overflowgid, (u32)overflowgid);
	KUNIT_EXPECT_NOT_NULL(test, strstr(peercred_fmt_text(&f), want));
	/* Sorted as the kernel keeps them: host 5 (unmapped) before 100010. */
	snprintf(want, sizeof(want), "\ncli_groups:\t%u 10\n", (u32)overflowgid);
	KUNIT_EXPECT_NOT_NULL(test, strstr(peercred_fmt_text(&f), want));
	KUNIT_EXPECT_NOT_NULL(test, strstr(peercred_fmt_text(&f),
					   "\npath:\t@peercred-kunit-detail\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(peercred_fmt_text(&f), "\nsrv_ino:\t0\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(peercred_fmt_text(&f), "origin:\tconnect\n"));
	/* The listener's snapshot, taken by listen() in this task. */
	peercred_fmt_pidfs(ino, sizeof(ino), task_tgid(current));
	snprintf(want, sizeof(want), "\nsrv_pidfs:\t%s\nsrv_label:\t-\n", ino);
	KUNIT_EXPECT_NOT_NULL(test, strstr(peercred_fmt_text(&f), want));

	peercred_table_release_sk(&f.t, c.srv_sk);
	peercred_kunit_close(&c);
	peercred_table_destroy(&f.t);
	put_cred(as);
}

/*
 * An end whose process the reader may not see: what SO_PEERCRED and
 * SO_PEERGROUPS give (pid, effective ids, groups) and nothing else.
 */
static void peercred_format_hidden(struct kunit *test)
{
	static const u32 groups[] = { 5 };
	struct peercred_conn conn;
	struct peercred_kconn c;
	struct peercred_cols col;
	struct peercred_fmt f;
	struct cred *as;
	const char *text;

	peercred_fmt_init(test, &f);
	as = peercred_kunit_cred(test, 4242, 4343, ARRAY_SIZE(groups), groups);
	peercred_kunit_connect(test, &c, "peercred-kunit-hidden", as, false);
	KUNIT_ASSERT_EQ(test, 0, peercred_table_record(&f.t, c.client->sk, c.srv_sk,
						       PEERCRED_ORIGIN_CONNECT, NULL));
	KUNIT_ASSERT_TRUE(test, peercred_kunit_conn(test, &f.t, c.srv_sk, &conn));
	conn.side[PEERCRED_CLI].hidden = true;
	peercred_format_row(&f.m, &conn, &init_user_ns, &init_pid_ns);
	KUNIT_ASSERT_TRUE(test, peercred_fmt_parse(peercred_fmt_text(&f), &col));
	KUNIT_EXPECT_EQ(test, col.pid[1], (int)task_tgid_nr(current));
	KUNIT_EXPECT_EQ(test, col.uid[1], 4242U);
	KUNIT_EXPECT_STREQ(test, col.comm[1], "-");
	/* Created under other creds: a c this reader must not learn. */
	KUNIT_EXPECT_STREQ(test, col.drift[1], "-");
	/* Nor when its process was made: pidfs ids count them all. */
	KUNIT_EXPECT_STREQ(test, col.pidfs[1], "-");
	KUNIT_EXPECT_STREQ(test, col.comm[0], current->group_leader->comm);

	f.m.count = 0;
	peercred_format_detail(&f.m, &conn, &init_user_ns, &init_pid_ns);
	text = peercred_fmt_text(&f);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(text, "\ncli_uid:\t-\t4242\t-\t-\n"), "%s", text);
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\ncli_gid:\t-\t4343\t-\t-\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\ncli_groups:\t5\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\ncli_cap_eff:\t-\ncli_cap_prm:\t-\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\ncli_comm:\t-\ncli_drift:\t-\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "\ncli_pidfs:\t-\n"));
	/* The other end, not hidden, is shown whole. */
	KUNIT_EXPECT_NULL(test, strstr(text, "\nsrv_cap_eff:\t-\n"));

	peercred_table_release_sk(&f.t, c.srv_sk);
	peercred_kunit_close(&c);
	peercred_table_destroy(&f.t);
	put_cred(as);
}

/* Names with separators stay one column, octal-escaped; inner NULs are @. */
static void peercred_format_odd_names(struct kunit *test)
{
	static const struct {
		const char *name, *shown;
	} cases[] = {
		{ "odd name\n\\x", "@odd\\040name\\012\\134x" },
		{ "tab\there", "@tab\\011here" },
		{ "caf\xc3\xa9", "@caf\\303\\251" },
	};
	struct peercred_kconn c;
	struct peercred_cols cols;
	struct peercred_fmt f;
	int i;

	peercred_fmt_init(test, &f);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		peercred_kunit_connect(test, &c, cases[i].name, NULL, false);
		KUNIT_ASSERT_EQ(test, 0, peercred_table_record(&f.t, c.client->sk, c.srv_sk,
							       PEERCRED_ORIGIN_CONNECT, NULL));
		f.m.count = 0;
		peercred_fmt_show(test, &f, c.client->sk, peercred_format_row,
				  &init_user_ns);
		KUNIT_EXPECT_TRUE_MSG(test, peercred_fmt_parse(peercred_fmt_text(&f), &cols),
				      "%s", peercred_fmt_text(&f));
		KUNIT_EXPECT_STREQ(test, cols.path, cases[i].shown);
		/* Not accepted yet: no inode for the server end, flagged pending. */
		KUNIT_EXPECT_EQ(test, cols.ino[0], 0UL);
		KUNIT_EXPECT_STREQ(test, cols.flags, "p");
		peercred_table_release_sk(&f.t, c.client->sk);
		peercred_kunit_close(&c);
	}
	peercred_table_destroy(&f.t);
}

/*
 * Every number of a row goes through peercred_line_num(): it must print
 * what " %*llu" prints, at each digit count's edges, 0 and U64_MAX.
 */
static void peercred_format_numbers(struct kunit *test)
{
	char want[32], got[32 + PEERCRED_LINE_SLACK];
	struct peercred_line l;
	u64 p = 1, v;
	int k, d, w;

	for (k = 0; k < 20; k++, p *= 10) {
		for (d = -1; d <= 1; d++) {
			v = k == 19 && d == 1 ? U64_MAX : p + d;
			for (w = 0; w <= 21; w++) {
				l.start = got;
				l.p = got;
				/* As peercred_line_begin() leaves it, and a NUL. */
				l.end = got + sizeof(got) - PEERCRED_LINE_SLACK - 1;
				peercred_line_num(&l, v, w);
				KUNIT_ASSERT_NOT_NULL(test, l.p);
				*l.p = '\0';
				snprintf(want, sizeof(want), " %*llu", w, v);
				KUNIT_EXPECT_STREQ(test, got, want);
			}
		}
	}
}

static struct kunit_case peercred_format_cases[] = {
	KUNIT_CASE(peercred_format_numbers),
	KUNIT_CASE(peercred_format_columns),
	KUNIT_CASE(peercred_format_detail_block),
	KUNIT_CASE(peercred_format_odd_names),
	KUNIT_CASE(peercred_format_hidden),
	{}
};

static struct kunit_suite peercred_format_suite = {
	.name = "peercred_format",
	.test_cases = peercred_format_cases,
};

kunit_test_suites(&peercred_format_suite);
