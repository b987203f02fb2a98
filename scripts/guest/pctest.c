// SPDX-License-Identifier: GPL-2.0
/*
 * pctest SCENARIO [ARGS]: run one guest scenario, print PASS/FAIL lines.
 * pctest runas UID GID GROUPS|- PROGRAM [ARGS]: exec a real program as a
 * user of the test's choosing (busybox has no setpriv).
 * pctest serve|dial|pair ...: long-lived ends for the tour (hold.c).
 * pctest label-client PATH: the confined client of identity.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pctest.h"

static int pc_runas(int argc, char **argv)
{
	struct pc_ident who = { 0 };
	char *g, *save = NULL;
	int i;

	if (argc < 4) {
		fprintf(stderr, "usage: pctest runas UID GID GROUPS|- PROGRAM [ARGS]\n");
		return 2;
	}
	for (i = 0; i < 4; i++) {
		who.uid[i] = strtoul(argv[0], NULL, 10);
		who.gid[i] = strtoul(argv[1], NULL, 10);
	}
	for (g = strtok_r(argv[2], ",", &save); g && strcmp(g, "-") &&
	     who.ngroups < PC_MAX_GROUPS; g = strtok_r(NULL, ",", &save))
		who.groups[who.ngroups++] = strtoul(g, NULL, 10);
	pc_become(&who);
	execvp(argv[3], argv + 3);
	perror(argv[3]);
	return 127;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: pctest SCENARIO [ARGS]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	pc_features();
	if (!strcmp(argv[1], "label-client") && argc == 3)
		return pc_label_client(argv[2]);
	if (!strcmp(argv[1], "system"))
		return pc_system(argc > 2 ? argv[2] : "boot");
	if (!strcmp(argv[1], "runas"))
		return pc_runas(argc - 2, argv + 2);
	if (!strcmp(argv[1], "serve") || !strcmp(argv[1], "dial") ||
	    !strcmp(argv[1], "pair"))
		return pc_hold(argv[1], argc - 2, argv + 2);
	return pc_scenario(argv[1], argc - 2, argv + 2);
}
