// SPDX-License-Identifier: MIT
/*
 * conlog check LOG [--marker M]... : exit 0 when every marker is present and
 *                                    the log shows no kernel panic or oops.
 * conlog results LOG                : print the result rows as CSV.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conlog.h"

#define MAX_MARKERS 32

static int usage(void)
{
	fprintf(stderr, "usage: conlog check LOG [--marker TEXT]...\n"
			"       conlog results LOG\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *markers[MAX_MARKERS];
	int found[MAX_MARKERS] = { 0 };
	int nmarkers = 0, panics = 0, missing = 0, i;
	char line[4096];
	const char *payload;
	FILE *f;
	int check;

	if (argc < 3)
		return usage();
	if (strcmp(argv[1], "check") == 0)
		check = 1;
	else if (strcmp(argv[1], "results") == 0)
		check = 0;
	else
		return usage();
	for (i = 3; i < argc; i++) {
		if (check && strcmp(argv[i], "--marker") == 0 && i + 1 < argc &&
		    nmarkers < MAX_MARKERS)
			markers[nmarkers++] = argv[++i];
		else
			return usage();
	}
	f = fopen(argv[2], "r");
	if (!f) {
		fprintf(stderr, "conlog: cannot open %s: %s\n", argv[2], strerror(errno));
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		conlog_chomp(line);
		switch (conlog_classify(line, &payload)) {
		case CONLOG_PANIC:
			panics++;
			if (check)
				fprintf(stderr, "conlog: kernel failure: %s\n", line);
			break;
		case CONLOG_RESULT:
			if (!check)
				printf("%s\n", payload);
			break;
		case CONLOG_TEXT:
			break;
		}
		for (i = 0; i < nmarkers; i++)
			found[i] |= conlog_has_marker(line, markers[i]);
	}
	fclose(f);
	for (i = 0; i < nmarkers; i++) {
		if (!found[i]) {
			fprintf(stderr, "conlog: marker missing: %s\n", markers[i]);
			missing++;
		}
	}
	return (check && (panics || missing)) ? 1 : 0;
}
