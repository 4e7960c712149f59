// SPDX-License-Identifier: MIT
#include "conlog.h"

#include <string.h>

#define RESULT_TAG "DVRESULT,"

/* Signatures of a dead or dying kernel, as Linux 6.1 prints them. */
static const char *const panic_signatures[] = {
	"Kernel panic - not syncing",
	"Oops - ",
	"Oops: ",
	"BUG: ",
	"Unable to handle kernel",
	"kernel BUG at",
	"WARNING: CPU: ",
	"rcu: INFO: rcu_sched detected stalls",
	"watchdog: BUG: soft lockup",
};

size_t conlog_chomp(char *line)
{
	size_t n = strlen(line);

	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return n;
}

enum conlog_kind conlog_classify(const char *line, const char **payload)
{
	const char *p = strstr(line, RESULT_TAG);
	size_t i;

	if (p) {
		if (payload)
			*payload = p + strlen(RESULT_TAG);
		return CONLOG_RESULT;
	}
	for (i = 0; i < sizeof(panic_signatures) / sizeof(panic_signatures[0]); i++)
		if (conlog_has_marker(line, panic_signatures[i]))
			return CONLOG_PANIC;
	return CONLOG_TEXT;
}

bool conlog_has_marker(const char *line, const char *marker)
{
	const char *p;
	size_t n = strlen(marker);

	if (n == 0)
		return false;
	for (p = strstr(line, marker); p; p = strstr(p + 1, marker)) {
		/* The marker must start a word: at the line start or after a
		 * space or ']' (a kernel timestamp). */
		if (p == line || p[-1] == ' ' || p[-1] == ']')
			return true;
	}
	return false;
}
