// SPDX-License-Identifier: GPL-2.0
/*
 * apptime: run a command and print how long it took, by the clock of the
 * system it runs on (CLOCK_MONOTONIC: under icount, virtual time; in a
 * guest, the guest's timer), and its exit status.
 *
 *   apptime CMD [ARGS...]
 *
 * Prints "APPTIME: ns=N rc=R" on standard output after the command ended
 * (rc 128+S when it died of signal S) and exits with R. Usage errors: one
 * line on stderr, status 2; a command that cannot be started: status 127.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long long t0, t1;
	int status, rc;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: apptime CMD [ARGS...]\n");
		return 2;
	}
	fflush(stdout);
	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "apptime: fork: %s\n", strerror(errno));
		return 127;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		fprintf(stderr, "apptime: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "apptime: waitpid: %s\n", strerror(errno));
			return 127;
		}
	t1 = now_ns();
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	printf("APPTIME: ns=%lld rc=%d\n", t1 - t0, rc);
	return rc;
}
