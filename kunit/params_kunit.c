// SPDX-License-Identifier: GPL-2.0
/* max_rows is validated by the same function the module parameter uses. */

#include <kunit/test.h>

#include "compat.h"
#include "peercred.h"

static void peercred_params_refused(struct kunit *test)
{
	static const char * const bad[] = {
		"0", "-1", "4194305", "99999999999", "abc", "", "12x", "1.5",
	};
	unsigned int out = 77;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL, peercred_max_rows_parse(bad[i], &out),
				    "max_rows=%s", bad[i]);
		KUNIT_EXPECT_EQ_MSG(test, 77U, out, "max_rows=%s changed the value", bad[i]);
	}
}

static void peercred_params_accepted(struct kunit *test)
{
	static const struct {
		const char *val;
		unsigned int want;
	} good[] = {
		{ "1", 1 }, { "65536", 65536 }, { "4194304", PEERCRED_MAX_ROWS_LIMIT },
		{ "0x10", 16 }, { "100\n", 100 },
	};
	unsigned int out;
	int i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		out = 0;
		KUNIT_EXPECT_EQ_MSG(test, 0, peercred_max_rows_parse(good[i].val, &out),
				    "max_rows=%s", good[i].val);
		KUNIT_EXPECT_EQ(test, good[i].want, out);
	}
}

static struct kunit_case peercred_params_cases[] = {
	KUNIT_CASE(peercred_params_refused),
	KUNIT_CASE(peercred_params_accepted),
	{}
};

static struct kunit_suite peercred_params_suite = {
	.name = "peercred_params",
	.test_cases = peercred_params_cases,
};

kunit_test_suites(&peercred_params_suite);

MODULE_DESCRIPTION("KUnit tests for peercred");
MODULE_LICENSE("GPL");
PEERCRED_IMPORT_KUNIT_NS();
