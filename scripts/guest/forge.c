// SPDX-License-Identifier: GPL-2.0
/*
 * A client may not choose the label the table shows for it. The label of
 * a client is SO_PEERSEC on the server's accepted socket, and that socket
 * was made by the client's connect(): it is in the CLIENT's cgroup. A
 * cgroup BPF getsockopt program runs for every getsockopt() on the
 * sockets of its cgroup, and may rewrite what the call returns; asked
 * through that path, the module would show whatever a program on the
 * client's cgroup wrote. So the module asks as a 32-bit caller, for whom
 * the kernel runs no such program.
 *
 * Here root attaches to the client's cgroup a program that answers every
 * SO_PEERSEC with "forged". The server's own getsockopt() must then say
 * "forged" (the attack works on this kernel, so the test proves
 * something), and the row and detail block of its accepted socket must
 * still hold the label SO_PEERSEC gave before the program was there.
 * Asked the other way, they said "forged": for a client with no label at
 * all, too, as the program also turns "no label" into one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pctest.h"

#define PC_FORGE_PATH	"@peercred-forge"
#define PC_FORGE_CG	"/sys/fs/cgroup/peercred-forge"
#define PC_FORGE_SRV	2300
#define PC_FORGE_CLI	2301
#define PC_FORGE_LABEL	"forged"
/* A slow (TCG) guest answers within this, a stuck child never does. */
#define PC_FORGE_WAIT_MS	30000

/* A field of struct bpf_sockopt, the program's context. */
#define PC_CTX(field)	offsetof(struct bpf_sockopt, field)

/* The few instructions the program needs; userspace has no filter.h. */
#define PC_INSN(c, d, s, o, i)	\
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define PC_LDX(size, d, s, o)	PC_INSN(BPF_LDX | BPF_MEM | (size), d, s, o, 0)
#define PC_STX(size, d, s, o)	PC_INSN(BPF_STX | BPF_MEM | (size), d, s, o, 0)
#define PC_MOV64(d, s)		PC_INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define PC_MOV64_IMM(d, i)	PC_INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define PC_MOV32_IMM(d, i)	PC_INSN(BPF_ALU | BPF_MOV | BPF_K, d, 0, 0, i)
#define PC_ADD64_IMM(d, i)	PC_INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define PC_EXIT()		PC_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
/* Jumps to the program's last two instructions, set by pc_forge_link(). */
#define PC_TO_OUT		0x7fff
#define PC_JNE_IMM_OUT(d, i)	PC_INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, PC_TO_OUT, i)
#define PC_JGT_OUT(d, s)	PC_INSN(BPF_JMP | BPF_JGT | BPF_X, d, s, PC_TO_OUT, 0)

/* What one getsockopt(SO_PEERSEC) on the accepted socket said. */
struct pc_forge_seen {
	unsigned long ino;	/* of the accepted socket */
	int err;		/* its errno, or 0 */
	int len;		/* trailing NULs stripped */
	char label[1024];	/* the whole struct under PIPE_BUF: one write(), one read() */
};

/* The scenario's processes and what connects them. */
struct pc_forge {
	int up[2];		/* server to root: ready, what it saw */
	int srv[2];		/* root to server: a byte to ask again, EOF to exit */
	int cli[2];		/* root to client: a byte to connect, EOF to exit */
	pid_t srv_pid, cli_pid;
};

static char pc_forge_log[65536];

static int pc_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* A label as the module shows it: escaped, at most @max bytes, or "-". */
static void pc_forge_shown(const struct pc_forge_seen *s, char *out,
			   size_t size, size_t max)
{
	if (s->err || !s->len)
		snprintf(out, size, "-");
	else
		pc_escape(out, size, s->label, s->len, max);
}

static void pc_forge_ask(int fd, struct pc_forge_seen *s)
{
	socklen_t len = sizeof(s->label);

	memset(s, 0, sizeof(*s));
	s->ino = pc_ino(fd);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERSEC, s->label, &len)) {
		s->err = errno;
		return;
	}
	/* SELinux counts the NUL it ends with; AppArmor does not. */
	while (len > 0 && !s->label[len - 1])
		len--;
	s->len = len;
}

/*
 * The server: asks SO_PEERSEC once before the program is attached and,
 * told to, once after; keeps its end until root has read the table.
 */
static void pc_forge_server(int up, int go)
{
	struct pc_ident who = pc_user(PC_FORGE_SRV);
	struct pc_forge_seen s;
	int lfd, fd;
	char c;

	pc_become(&who);
	lfd = pc_listen(SOCK_STREAM, PC_FORGE_PATH);
	pc_xwrite(up, "r", 1);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		_exit(1);
	pc_forge_ask(fd, &s);
	pc_xwrite(up, &s, sizeof(s));
	if (read(go, &c, 1) == 1) {
		pc_forge_ask(fd, &s);
		pc_xwrite(up, &s, sizeof(s));
	}
	while (read(go, &c, 1) > 0)
		;
	_exit(0);
}

/*
 * The client: waits until root has moved it into the cgroup, so that the
 * server's end of its connection, made by its connect(), is in there too.
 */
static void pc_forge_client(int go)
{
	struct pc_ident who = pc_user(PC_FORGE_CLI);
	char c;

	if (read(go, &c, 1) != 1)
		_exit(1);
	pc_become(&who);
	pc_connect(SOCK_STREAM, PC_FORGE_PATH);
	while (read(go, &c, 1) > 0)
		;
	_exit(0);
}

/* The two children, each keeping only its own ends of the pipes. */
static bool pc_forge_fork(struct pc_forge *f)
{
	if (pipe(f->up) || pipe(f->srv) || pipe(f->cli))
		return false;
	f->srv_pid = fork();
	if (!f->srv_pid) {
		close(f->up[0]);
		close(f->srv[1]);
		close(f->cli[0]);
		close(f->cli[1]);
		pc_forge_server(f->up[1], f->srv[0]);
	}
	f->cli_pid = fork();
	if (!f->cli_pid) {
		close(f->up[0]);
		close(f->up[1]);
		close(f->srv[0]);
		close(f->srv[1]);
		close(f->cli[1]);
		pc_forge_client(f->cli[0]);
	}
	close(f->up[1]);
	close(f->srv[0]);
	close(f->cli[0]);
	return f->srv_pid > 0 && f->cli_pid > 0;
}

/* @len bytes from the server, or a FAIL: a stuck child must not hang us. */
static bool pc_forge_read(const struct pc_forge *f, void *buf, size_t len,
			  const char *what)
{
	struct pollfd p = { .fd = f->up[0], .events = POLLIN };

	if (poll(&p, 1, PC_FORGE_WAIT_MS) == 1 && read(f->up[0], buf, len) == (ssize_t)len)
		return true;
	pc_result(false, "label-forge.setup", "no %s from the server", what);
	return false;
}

/* cgroup2 where the guest's init mounted none; EBUSY: it is there. */
static bool pc_forge_cgroup(void)
{
	mkdir("/sys/fs", 0755);
	mkdir("/sys/fs/cgroup", 0755);
	if (mount("none", "/sys/fs/cgroup", "cgroup2", 0, NULL) && errno != EBUSY) {
		if (errno == ENODEV)
			pc_skip("label-forge", "this kernel has no cgroup2");
		else
			pc_result(false, "label-forge.setup", "mount cgroup2: %s",
				  strerror(errno));
		return false;
	}
	if (mkdir(PC_FORGE_CG, 0755) && errno != EEXIST) {
		pc_result(false, "label-forge.setup", "mkdir %s: %s", PC_FORGE_CG,
			  strerror(errno));
		return false;
	}
	return true;
}

static bool pc_forge_move(pid_t pid)
{
	char buf[16];
	int fd = open(PC_FORGE_CG "/cgroup.procs", O_WRONLY), n;
	bool ok;

	n = snprintf(buf, sizeof(buf), "%d\n", pid);
	ok = fd >= 0 && write(fd, buf, n) == n;
	if (!ok)
		pc_result(false, "label-forge.setup", "%d into %s: %s", pid,
			  PC_FORGE_CG, strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Server listening, client in the cgroup, then connected. */
static bool pc_forge_join(const struct pc_forge *f)
{
	char c;

	return pc_forge_read(f, &c, 1, "ready") && pc_forge_move(f->cli_pid) &&
	       write(f->cli[1], "g", 1) == 1;
}

/* The first @n bytes of @s as a register that a store writes back as them. */
static int pc_forge_word(const char *s, size_t n)
{
	int v = 0;

	memcpy(&v, s, n);
	return v;
}

/* Each PC_TO_OUT jump goes to the last two instructions: return 1. */
static void pc_forge_link(struct bpf_insn *insns, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (BPF_CLASS(insns[i].code) == BPF_JMP && insns[i].off == PC_TO_OUT)
			insns[i].off = n - 2 - (i + 1);
}

/*
 * The forger: getsockopt(SOL_SOCKET, SO_PEERSEC) returns "forged", 0, for
 * any caller whose buffer takes 8 bytes (the module asks with 64 and
 * more). Every other call it leaves as it is: 1 is "carry on".
 */
static int pc_forge_load(void)
{
	struct bpf_insn insns[] = {
		PC_LDX(BPF_W, BPF_REG_2, BPF_REG_1, PC_CTX(level)),
		PC_JNE_IMM_OUT(BPF_REG_2, SOL_SOCKET),
		PC_LDX(BPF_W, BPF_REG_2, BPF_REG_1, PC_CTX(optname)),
		PC_JNE_IMM_OUT(BPF_REG_2, SO_PEERSEC),
		/* The verifier lets us write only what is proven in bounds. */
		PC_LDX(BPF_DW, BPF_REG_2, BPF_REG_1, PC_CTX(optval)),
		PC_LDX(BPF_DW, BPF_REG_3, BPF_REG_1, PC_CTX(optval_end)),
		PC_MOV64(BPF_REG_4, BPF_REG_2),
		PC_ADD64_IMM(BPF_REG_4, 8),
		PC_JGT_OUT(BPF_REG_4, BPF_REG_3),
		PC_MOV32_IMM(BPF_REG_5, pc_forge_word(PC_FORGE_LABEL, 4)),
		PC_STX(BPF_W, BPF_REG_2, BPF_REG_5, 0),
		PC_MOV32_IMM(BPF_REG_5, pc_forge_word(PC_FORGE_LABEL + 4, 2)),
		PC_STX(BPF_H, BPF_REG_2, BPF_REG_5, 4),
		/* The context takes stores from registers only. */
		PC_MOV32_IMM(BPF_REG_5, strlen(PC_FORGE_LABEL)),
		PC_STX(BPF_W, BPF_REG_1, BPF_REG_5, PC_CTX(optlen)),
		PC_MOV32_IMM(BPF_REG_5, 0),
		PC_STX(BPF_W, BPF_REG_1, BPF_REG_5, PC_CTX(retval)),
		PC_MOV64_IMM(BPF_REG_0, 1),
		PC_EXIT(),
	};
	int n = PC_ARRAY_SIZE(insns);
	union bpf_attr attr;

	pc_forge_link(insns, n);
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_SOCKOPT;
	attr.expected_attach_type = BPF_CGROUP_GETSOCKOPT;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = n;
	attr.license = (uintptr_t)"GPL";
	attr.log_buf = (uintptr_t)pc_forge_log;
	attr.log_size = sizeof(pc_forge_log);
	attr.log_level = 1;
	pc_forge_log[0] = '\0';
	return pc_bpf(BPF_PROG_LOAD, &attr);
}

static int pc_forge_attach(int cmd, int cg, int prog)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = cg;
	attr.attach_bpf_fd = prog;
	attr.attach_type = BPF_CGROUP_GETSOCKOPT;
	return pc_bpf(cmd, &attr);
}

/*
 * A kernel without the program type or cgroup BPF is no failure of the
 * module: skipped. A program the verifier read (its log says something)
 * and refused is a failure of the test.
 */
static void pc_forge_refused(const char *what, int err)
{
	char why[128];

	snprintf(why, sizeof(why), "%s: %s", what, strerror(err));
	if (!pc_forge_log[0] && (err == EINVAL || err == EPERM)) {
		pc_skip("label-forge.bpf-loaded", why);
		return;
	}
	pc_result(false, "label-forge.bpf-loaded", "%s", why);
	if (pc_forge_log[0])
		printf("label-forge: verifier log:\n%s\n", pc_forge_log);
}

/* The forger attached to the client's cgroup: its fd, or -1 (reported). */
static int pc_forge_install(int cg)
{
	int prog = pc_forge_load();

	if (prog < 0) {
		pc_forge_refused("BPF_PROG_LOAD", errno);
		return -1;
	}
	pc_forge_log[0] = '\0';
	if (pc_forge_attach(BPF_PROG_ATTACH, cg, prog)) {
		pc_forge_refused("BPF_PROG_ATTACH", errno);
		close(prog);
		return -1;
	}
	pc_result(true, "label-forge.bpf-loaded", NULL);
	return prog;
}

/* The server asks again, with the forger there: it must be fooled. */
static void pc_forge_check_attack(const struct pc_forge *f)
{
	struct pc_forge_seen s;
	char shown[64];

	if (write(f->srv[1], "a", 1) != 1) {
		pc_result(false, "label-forge.program-rewrites", "the server is gone: %s",
			  strerror(errno));
		return;
	}
	if (!pc_forge_read(f, &s, sizeof(s), "second label"))
		return;
	pc_forge_shown(&s, shown, sizeof(shown), 32);
	pc_result(!s.err && s.len == (int)strlen(PC_FORGE_LABEL) &&
		  !memcmp(s.label, PC_FORGE_LABEL, s.len), "label-forge.program-rewrites",
		  "SO_PEERSEC with the program attached: %s (errno %d), want %s",
		  shown, s.err, PC_FORGE_LABEL);
}

/*
 * The row and detail block of the accepted socket, read by root with the
 * forger attached: the client's label as it was before, or "-" where the
 * module shows none; "forged" never.
 */
static void pc_forge_check_shown(const struct pc_forge_seen *truth)
{
	char row[512], whole[4096];
	struct pc_detail d;
	struct pc_row r;
	int side;

	if (truth->err && truth->err != ENOPROTOOPT) {
		pc_result(false, "label-forge.table-shows-truth",
			  "SO_PEERSEC before the program: %s", strerror(truth->err));
		return;
	}
	snprintf(row, sizeof(row), "-");
	snprintf(whole, sizeof(whole), "-");
	if (pc_shows_labels()) {
		pc_forge_shown(truth, row, sizeof(row), 64);
		pc_forge_shown(truth, whole, sizeof(whole), sizeof(truth->label));
	}
	if (!pc_find_row(truth->ino, &r, &side) || side != 0)
		pc_result(false, "label-forge.table-shows-truth",
			  "no row with srv_ino %lu", truth->ino);
	else
		pc_result(!strcmp(r.label[1], row) && strcmp(r.label[1], PC_FORGE_LABEL),
			  "label-forge.table-shows-truth",
			  "cli_label %s, SO_PEERSEC said %s before the program (labels shown: %d)",
			  r.label[1], row, pc_shows_labels());
	if (!pc_find_detail(truth->ino, &d) || d.ino[0] != truth->ino)
		pc_result(false, "label-forge.detail-shows-truth",
			  "no detail block with srv_ino %lu", truth->ino);
	else
		pc_result(!strcmp(d.label[1], whole) && strcmp(d.label[1], PC_FORGE_LABEL),
			  "label-forge.detail-shows-truth",
			  "cli_label %s, SO_PEERSEC said %s before the program (labels shown: %d)",
			  d.label[1], whole, pc_shows_labels());
}

/* With the children's connection up: attack, look, and take it away. */
static void pc_forge_run(const struct pc_forge *f, const struct pc_forge_seen *truth)
{
	int cg = open(PC_FORGE_CG, O_RDONLY | O_DIRECTORY), prog = -1;

	if (cg < 0) {
		pc_result(false, "label-forge.setup", "open %s: %s", PC_FORGE_CG,
			  strerror(errno));
		return;
	}
	prog = pc_forge_install(cg);
	if (prog >= 0)
		pc_forge_check_attack(f);
	else
		pc_skip("label-forge.program-rewrites", "no program attached");
	pc_forge_check_shown(truth);
	if (prog >= 0 && pc_forge_attach(BPF_PROG_DETACH, cg, prog))
		pc_result(false, "label-forge.cleanup", "BPF_PROG_DETACH: %s",
			  strerror(errno));
	if (prog >= 0)
		close(prog);
	close(cg);
}

int pc_label_forge(void)
{
	struct pc_forge f = {
		.up = { -1, -1 }, .srv = { -1, -1 }, .cli = { -1, -1 },
		.srv_pid = -1, .cli_pid = -1,
	};
	struct pc_forge_seen truth;
	bool ok;
	int bad;

	if (!pc_forge_cgroup())
		return pc_failures() != 0;
	/* A child gone early must fail the scenario, not kill it. */
	signal(SIGPIPE, SIG_IGN);
	ok = pc_forge_fork(&f) && pc_forge_join(&f) &&
	     pc_forge_read(&f, &truth, sizeof(truth), "first label");
	if (ok)
		pc_forge_run(&f, &truth);
	/* EOF lets both go; one stuck in accept() or connect() is killed. */
	close(f.srv[1]);
	close(f.cli[1]);
	close(f.up[0]);
	if (!ok) {
		if (f.srv_pid > 0)
			kill(f.srv_pid, SIGKILL);
		if (f.cli_pid > 0)
			kill(f.cli_pid, SIGKILL);
	}
	bad = pc_wait_children();
	/* The client has been reaped: nothing is left in the cgroup. */
	if (rmdir(PC_FORGE_CG))
		pc_result(false, "label-forge.cleanup", "rmdir %s: %s", PC_FORGE_CG,
			  strerror(errno));
	return bad + (pc_failures() != 0);
}
