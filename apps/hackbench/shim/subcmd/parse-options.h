/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part of perf's option parser that sched-messaging.c uses: short
 * options only (-p, -t, -g N, -l N), an unknown option or a bad number is
 * one line on stderr and exit status 2.
 */
#ifndef APPS_PARSE_OPTIONS_H
#define APPS_PARSE_OPTIONS_H
#include <stdbool.h>

enum parse_opt_type { OPTION_END, OPTION_BOOLEAN, OPTION_UINTEGER };

struct option {
	enum parse_opt_type type;
	int short_name;
	const char *long_name;
	void *value;
	const char *help;
};

#define OPT_BOOLEAN(s, l, v, h)                    \
	{                                          \
		OPTION_BOOLEAN, (s), (l), (v), (h) \
	}
#define OPT_UINTEGER(s, l, v, h)                    \
	{                                           \
		OPTION_UINTEGER, (s), (l), (v), (h) \
	}
#define OPT_END()                      \
	{                              \
		OPTION_END, 0, 0, 0, 0 \
	}

int parse_options(int argc, const char **argv, const struct option *options,
		  const char *const usage[], int flags);
#endif
