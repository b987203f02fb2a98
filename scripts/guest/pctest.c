// SPDX-License-Identifier: GPL-2.0
/* pctest SCENARIO [ARGS]: run one guest scenario, print PASS/FAIL lines. */
#include <stdio.h>

#include "pctest.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: pctest SCENARIO [ARGS]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	return pc_scenario(argv[1], argc - 2, argv + 2);
}
