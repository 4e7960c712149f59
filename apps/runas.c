// SPDX-License-Identifier: GPL-2.0
/*
 * runas: run a command as a numeric user and group id, without a user
 * database (the initramfs has none; memcached refuses to run as root and
 * its -u needs one).
 *
 *   runas ID CMD [ARGS...]
 *
 * Usage errors: one line on stderr, status 2; a failed setuid or exec: one
 * line, status 127.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char *end;
	unsigned long id;

	if (argc < 3) {
		fprintf(stderr, "usage: runas ID CMD [ARGS...]\n");
		return 2;
	}
	errno = 0;
	id = strtoul(argv[1], &end, 10);
	if (errno || !*argv[1] || *end || id == 0 || id > 65534) {
		fprintf(stderr, "runas: ID must be a number from 1 to 65534, not '%s'\n", argv[1]);
		return 2;
	}
	if (setgroups(0, NULL) || setgid((gid_t)id) || setuid((uid_t)id)) {
		fprintf(stderr, "runas: cannot become %lu: %s\n", id, strerror(errno));
		return 127;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "runas: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
