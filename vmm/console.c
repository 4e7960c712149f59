// SPDX-License-Identifier: MIT
/*
 * The console on a terminal: the escape sequence (Ctrl-] x leaves) and raw
 * mode, restored on every way out (normal exit, SIGINT/SIGTERM through the
 * main loop, and the fatal signals below, whose handler puts the modes back
 * and lets the signal kill the process as before).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vmm/console.h"

const char console_help[] = "console: " CONSOLE_ESC_NAME " x        leave (stop the VM)\n"
			    "console: " CONSOLE_ESC_NAME " " CONSOLE_ESC_NAME
			    "   send " CONSOLE_ESC_NAME " to the guest\n"
			    "console: " CONSOLE_ESC_NAME " ?        this help\n"
			    "console: Ctrl-C, Ctrl-Z, Ctrl-\\ go to the guest\n";

size_t console_esc_feed(struct console_esc *e, const u8 *in, size_t n, u8 *out, unsigned *cmds)
{
	size_t k = 0;

	*cmds = 0;
	for (size_t i = 0; i < n; i++) {
		u8 c = in[i];

		if (!e->pending) {
			if (c == CONSOLE_ESC)
				e->pending = true;
			else
				out[k++] = c;
			continue;
		}
		e->pending = false;
		switch (c) {
		case 'x':
		case 'X':
			*cmds |= CONSOLE_CMD_QUIT;
			return k;
		case '?':
		case 'h':
		case 'H':
			*cmds |= CONSOLE_CMD_HELP;
			break;
		case CONSOLE_ESC:
			out[k++] = CONSOLE_ESC;
			break;
		default:
			out[k++] = CONSOLE_ESC;
			out[k++] = c;
			break;
		}
	}
	return k;
}

/* ---- the terminal ---- */
static struct termios saved;
static volatile sig_atomic_t saved_valid;
static volatile sig_atomic_t saved_fd = -1;

bool console_tty_foreground(int fd)
{
	pid_t pg = tcgetpgrp(fd);

	/* ENOTTY: a terminal, but not our controlling one: no job control. */
	return pg < 0 ? errno == ENOTTY : pg == getpgrp();
}

void console_tty_restore(int fd)
{
	int e = errno;

	if (saved_valid && fd == saved_fd && console_tty_foreground(fd)) {
		tcsetattr(fd, TCSANOW, &saved);
		saved_valid = 0;
	}
	errno = e;
}

bool console_tty_is_raw(void)
{
	return saved_valid;
}

void console_tty_forget(void)
{
	saved_valid = 0;
}

static void fatal_signal(int sig)
{
	console_tty_restore(saved_fd);
	/* SA_RESETHAND: the default action again, taken when this returns. */
	raise(sig);
}

static void install_fatal_handlers(void)
{
	static const int sigs[] = { SIGHUP, SIGQUIT, SIGILL, SIGABRT, SIGBUS, SIGFPE, SIGSEGV };
	static bool done;
	struct sigaction sa;

	if (done)
		return;
	done = true;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fatal_signal;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;

		/* Leave a handler someone else installed (or an ignored signal) alone. */
		if (!sigaction(sigs[i], NULL, &old) && old.sa_handler == SIG_DFL)
			sigaction(sigs[i], &sa, NULL);
	}
}

int console_tty_raw(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t))
		return -errno;
	if (!saved_valid || saved_fd != fd) {
		saved = t;
		saved_fd = fd;
	}
	t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXOFF);
	t.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t.c_cflag &= ~(CSIZE | PARENB);
	t.c_cflag |= CS8;
	t.c_oflag |= OPOST;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	install_fatal_handlers();
	saved_valid = 1;
	if (tcsetattr(fd, TCSANOW, &t)) {
		int e = errno;

		saved_valid = 0;
		return -e;
	}
	return 0;
}
