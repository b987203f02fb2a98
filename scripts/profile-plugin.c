// SPDX-License-Identifier: GPL-2.0
/*
 * The QEMU TCG plugin of `make profile`: how many times each guest
 * instruction ran between two marks that the guest program makes (see
 * pcbench's "loop ... mark"). Written at exit to out=FILE, one line per
 * instruction that ran: its address and count, in hex and decimal.
 *
 * The mark is "xchg %rcx,%rcx" in user space, which compilers never emit:
 * no address has to be known before the guest boots, so the kernel may
 * place itself anywhere.
 *
 * Built against the qemu-plugin.h of the host's QEMU (QEMU_PLUGIN_VERSION
 * 1: Debian 12's 7.2), which `make profile` takes from Debian's source.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu-plugin.h"

#if QEMU_PLUGIN_VERSION != 1
#error "written for the plugin API of QEMU 7.2 (version 1)"
#endif

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* Open addressing on the instruction's address: 2^22 slots, 128 MiB. */
#define PC_BITS		22
#define PC_SLOTS	(4u * 1024 * 1024)

struct pc_count {
	unsigned long long pc;		/* 0: a free slot */
	unsigned long long runs;	/* since boot: the inline op adds to it */
	unsigned long long at_mark;	/* runs at the first mark */
	unsigned long long between;	/* runs between the marks */
};

static const unsigned char pc_mark[] = { 0x48, 0x87, 0xc9 };	/* xchg %rcx,%rcx */

static struct pc_count *pc_table;
static struct pc_count pc_overflow;	/* all PCs past 3/4 of the slots */
static unsigned int pc_used;
static unsigned int pc_marks;
static const char *pc_out;

static struct pc_count *pc_slot(unsigned long long pc)
{
	unsigned long long i = (pc * 0x9e3779b97f4a7c15ull) >> (64 - PC_BITS);

	for (;;) {
		struct pc_count *c = &pc_table[i];

		if (c->pc == pc)
			return c;
		if (!c->pc) {
			if (pc_used >= PC_SLOTS / 4 * 3)
				return &pc_overflow;
			pc_used++;
			c->pc = pc;
			return c;
		}
		i = (i + 1) & (PC_SLOTS - 1);
	}
}

/* The vCPUs run in one thread (-accel tcg,thread=single): no race here. */
static void pc_on_mark(unsigned int vcpu, void *data)
{
	unsigned int i;

	pc_marks++;
	for (i = 0; i < PC_SLOTS; i++) {
		struct pc_count *c = &pc_table[i];

		if (pc_marks == 1)
			c->at_mark = c->runs;
		else if (pc_marks == 2)
			c->between = c->runs - c->at_mark;
	}
}

static bool pc_is_mark(struct qemu_plugin_insn *insn)
{
	return qemu_plugin_insn_vaddr(insn) < (1ull << 47) &&
	       qemu_plugin_insn_size(insn) == sizeof(pc_mark) &&
	       !memcmp(qemu_plugin_insn_data(insn), pc_mark, sizeof(pc_mark));
}

static void pc_on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t i, n = qemu_plugin_tb_n_insns(tb);

	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		struct pc_count *c = pc_slot(qemu_plugin_insn_vaddr(insn));

		qemu_plugin_register_vcpu_insn_exec_inline(insn,
							   QEMU_PLUGIN_INLINE_ADD_U64,
							   &c->runs, 1);
		if (pc_is_mark(insn))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, pc_on_mark,
							       QEMU_PLUGIN_CB_NO_REGS,
							       NULL);
	}
}

static void pc_on_exit(qemu_plugin_id_t id, void *data)
{
	FILE *f = fopen(pc_out, "w");
	unsigned int i;

	if (!f)
		return;
	fprintf(f, "# marks %u overflow %llu\n", pc_marks,
		pc_overflow.runs);
	for (i = 0; i < PC_SLOTS; i++)
		if (pc_table[i].between)
			fprintf(f, "%llx %llu\n", pc_table[i].pc,
				pc_table[i].between);
	fclose(f);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			pc_out = argv[i] + 4;
	if (!pc_out) {
		fprintf(stderr, "profile-plugin: out=FILE is needed\n");
		return -1;
	}
	pc_table = calloc(PC_SLOTS, sizeof(*pc_table));
	if (!pc_table)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, pc_on_translate);
	qemu_plugin_register_atexit_cb(id, pc_on_exit, NULL);
	return 0;
}
