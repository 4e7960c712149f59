// SPDX-License-Identifier: MIT
/* The console's escape sequence (Ctrl-] x leaves) and raw mode on a pty. */
#include "fake.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "vmm/console.h"

#define ESC CONSOLE_ESC

struct fed {
	u8 out[256];
	size_t n;
	unsigned cmds;
};

static struct fed feed(struct console_esc *e, const void *in, size_t n)
{
	struct fed f;

	memset(&f, 0xee, sizeof(f));
	assert_true(n < sizeof(f.out));
	f.n = console_esc_feed(e, in, n, f.out, &f.cmds);
	assert_true(f.n <= n + 1);
	return f;
}

static void plain_bytes_pass(void **state)
{
	struct console_esc e = { 0 };
	/* Ctrl-C, Ctrl-Z, Ctrl-\, Ctrl-A (the outer QEMU's escape), DEL, 0xff */
	const u8 in[] = { 'l', 's', '\r', 0x03, 0x1a, 0x1c, 0x01, 'x', 0x7f, 0xff };
	struct fed f = feed(&e, in, sizeof(in));

	assert_int_equal(f.n, sizeof(in));
	assert_memory_equal(f.out, in, sizeof(in));
	assert_int_equal(f.cmds, 0);
	assert_false(e.pending);
}

static void quit_keeps_what_came_before(void **state)
{
	struct console_esc e = { 0 };
	const u8 in[] = { 'a', 0x03, ESC, 'x', 'b', 'c' };
	struct fed f = feed(&e, in, sizeof(in));

	assert_int_equal(f.cmds, CONSOLE_CMD_QUIT);
	assert_int_equal(f.n, 2);
	assert_memory_equal(f.out, "a\x03", 2);

	e.pending = false;
	f = feed(&e, (const u8[]){ ESC, 'X' }, 2);
	assert_int_equal(f.cmds, CONSOLE_CMD_QUIT);
	assert_int_equal(f.n, 0);
}

static void double_escape_is_literal(void **state)
{
	struct console_esc e = { 0 };
	const u8 in[] = { ESC, ESC, 'x', ESC, ESC, ESC, ESC };
	struct fed f = feed(&e, in, sizeof(in));

	/* Ctrl-] Ctrl-] is one Ctrl-]; the 'x' after it is plain text. */
	assert_int_equal(f.cmds, 0);
	assert_int_equal(f.n, 4);
	assert_memory_equal(f.out, ((const u8[]){ ESC, 'x', ESC, ESC }), 4);
	assert_false(e.pending);
}

static void escape_then_other_sends_both(void **state)
{
	for (unsigned c = 0; c < 256; c++) {
		struct console_esc e = { 0 };
		u8 in[2] = { ESC, (u8)c };
		struct fed f = feed(&e, in, 2);

		if (c == 'x' || c == 'X') {
			assert_int_equal(f.cmds, CONSOLE_CMD_QUIT);
			assert_int_equal(f.n, 0);
		} else if (c == '?' || c == 'h' || c == 'H') {
			assert_int_equal(f.cmds, CONSOLE_CMD_HELP);
			assert_int_equal(f.n, 0);
		} else if (c == ESC) {
			assert_int_equal(f.cmds, 0);
			assert_int_equal(f.n, 1);
			assert_int_equal(f.out[0], ESC);
		} else {
			assert_int_equal(f.cmds, 0);
			assert_int_equal(f.n, 2);
			assert_memory_equal(f.out, in, 2);
		}
		assert_false(e.pending);
	}
}

static void escape_split_across_reads(void **state)
{
	struct console_esc e = { 0 };
	struct fed f = feed(&e, (const u8[]){ 'a', ESC }, 2);

	assert_int_equal(f.n, 1);
	assert_int_equal(f.out[0], 'a');
	assert_true(e.pending);
	f = feed(&e, "x", 1);
	assert_int_equal(f.cmds, CONSOLE_CMD_QUIT);
	assert_int_equal(f.n, 0);

	e.pending = false;
	f = feed(&e, (const u8[]){ ESC }, 1);
	assert_int_equal(f.n, 0);
	f = feed(&e, "q", 1); /* not a command: both bytes, late */
	assert_int_equal(f.n, 2);
	assert_memory_equal(f.out, ((const u8[]){ ESC, 'q' }), 2);
}

static void help_continues(void **state)
{
	struct console_esc e = { 0 };
	const u8 in[] = { 'a', ESC, '?', 'b', ESC, 'h' };
	struct fed f = feed(&e, in, sizeof(in));

	assert_int_equal(f.cmds, CONSOLE_CMD_HELP);
	assert_int_equal(f.n, 2);
	assert_memory_equal(f.out, "ab", 2);
	assert_non_null(strstr(console_help, CONSOLE_ESC_NAME " x"));
}

/* Any stream cut anywhere gives the same bytes and commands as in one piece. */
static void byte_at_a_time_equals_whole(void **state)
{
	const u8 in[] = { 'e', ESC, ESC, 0x03, ESC, 'z', ESC, '?', 'k', ESC, ESC, ESC, 'x', 'n' };
	struct console_esc whole = { 0 }, bytes = { 0 };
	struct fed w = feed(&whole, in, sizeof(in));
	u8 acc[64];
	size_t k = 0;
	unsigned cmds = 0;

	for (size_t i = 0; i < sizeof(in) && !(cmds & CONSOLE_CMD_QUIT); i++) {
		struct fed f = feed(&bytes, &in[i], 1);

		memcpy(acc + k, f.out, f.n);
		k += f.n;
		cmds |= f.cmds;
	}
	assert_int_equal(cmds, w.cmds);
	assert_int_equal(cmds, CONSOLE_CMD_QUIT | CONSOLE_CMD_HELP);
	assert_int_equal(k, w.n);
	assert_memory_equal(acc, w.out, k);
	assert_memory_equal(acc, ((const u8[]){ 'e', ESC, 0x03, ESC, 'z', 'k', ESC }), 7);
}

/* ---- raw mode on a pseudo-terminal ---- */
static int open_pty(int *slave)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	if (m < 0 || grantpt(m) || unlockpt(m))
		return -1;
	*slave = open(ptsname(m), O_RDWR | O_NOCTTY);
	return *slave < 0 ? -1 : m;
}

/* What arrives on the slave when the master types bytes (0 when nothing). */
static ssize_t typed(int m, int s, const void *buf, size_t n, u8 *got, size_t room)
{
	struct pollfd p = { .fd = s, .events = POLLIN };

	assert_int_equal(write(m, buf, n), (ssize_t)n);
	if (poll(&p, 1, 200) <= 0)
		return 0;
	return read(s, got, room);
}

static void raw_mode_and_restore(void **state)
{
	struct termios before, raw, after;
	u8 got[16];
	int s, m = open_pty(&s);

	if (m < 0) {
		skip();
		return;
	}
	assert_int_equal(tcgetattr(s, &before), 0);
	assert_true(before.c_lflag & ISIG);
	assert_false(console_tty_is_raw());
	/* Cooked: Ctrl-C is eaten by the line discipline (an interrupt). */
	assert_int_equal(typed(m, s, "\x03", 1, got, sizeof(got)), 0);

	assert_true(console_tty_foreground(s)); /* not our controlling terminal */
	assert_int_equal(console_tty_raw(s), 0);
	assert_true(console_tty_is_raw());
	assert_int_equal(tcgetattr(s, &raw), 0);
	assert_false(raw.c_lflag & (ISIG | ICANON | ECHO | IEXTEN));
	assert_false(raw.c_iflag & (IXON | ICRNL));
	assert_true(raw.c_oflag & OPOST);
	/* Raw: Ctrl-C and Ctrl-Z are bytes, at once, without a newline; no echo. */
	assert_int_equal(typed(m, s, "\x03\x1a", 2, got, sizeof(got)), 2);
	assert_memory_equal(got, "\x03\x1a", 2);

	console_tty_restore(s);
	assert_false(console_tty_is_raw());
	assert_int_equal(tcgetattr(s, &after), 0);
	assert_int_equal(after.c_lflag, before.c_lflag);
	assert_int_equal(after.c_iflag, before.c_iflag);
	assert_int_equal(after.c_oflag, before.c_oflag);
	assert_int_equal(after.c_cflag, before.c_cflag);
	close(s);
	close(m);
}

static void raw_mode_needs_a_terminal(void **state)
{
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(console_tty_raw(p[0]), -ENOTTY);
	assert_false(console_tty_is_raw());
	close(p[0]);
	close(p[1]);
}

/* A fatal signal in raw mode still puts the terminal's modes back. */
static void fatal_signal_restores(void **state)
{
	struct termios before, after;
	int s, m = open_pty(&s), st;
	pid_t pid;

	if (m < 0) {
		skip();
		return;
	}
	assert_int_equal(tcgetattr(s, &before), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (console_tty_raw(s))
			_exit(3);
		kill(getpid(), SIGHUP);
		_exit(4);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGHUP);
	assert_int_equal(tcgetattr(s, &after), 0);
	assert_int_equal(after.c_lflag, before.c_lflag);
	assert_int_equal(after.c_iflag, before.c_iflag);
	close(s);
	close(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_bytes_pass),
		cmocka_unit_test(quit_keeps_what_came_before),
		cmocka_unit_test(double_escape_is_literal),
		cmocka_unit_test(escape_then_other_sends_both),
		cmocka_unit_test(escape_split_across_reads),
		cmocka_unit_test(help_continues),
		cmocka_unit_test(byte_at_a_time_equals_whole),
		cmocka_unit_test(raw_mode_and_restore),
		cmocka_unit_test(raw_mode_needs_a_terminal),
		cmocka_unit_test(fatal_signal_restores),
	};

	/* fatal_signal_restores needs SIGHUP's default action when the console
	 * code installs its handlers (it leaves an ignored signal alone, and a
	 * runner under nohup passes SIGHUP ignored) */
	signal(SIGHUP, SIG_DFL);

	return cmocka_run_group_tests_name("vmm_console", tests, NULL, NULL);
}
