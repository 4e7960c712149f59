/* SPDX-License-Identifier: MIT */
/*
 * The VMM's console on a terminal. When standard input is a terminal and the
 * VMM is in its foreground process group, the terminal is in raw mode (Ctrl-C
 * is the byte 0x03 for the guest, not SIGINT for the VMM) and one escape
 * sequence talks to the VMM, as QEMU's Ctrl-A does:
 *   Ctrl-] x         leave: stop the VM (status 0)
 *   Ctrl-] Ctrl-]    send one Ctrl-] to the guest
 *   Ctrl-] ? (or h)  help
 * Ctrl-] followed by anything else sends both bytes. Ctrl-] rather than
 * QEMU's Ctrl-A, because the modelled host itself runs in QEMU, whose console
 * already takes Ctrl-A. Input that is not a terminal passes unchanged.
 */
#ifndef VMM_CONSOLE_H
#define VMM_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#include "vmm/types.h"

#define CONSOLE_ESC	 0x1d /* Ctrl-] */
#define CONSOLE_ESC_NAME "Ctrl-]"

enum console_cmd {
	CONSOLE_CMD_QUIT = 1 << 0,
	CONSOLE_CMD_HELP = 1 << 1,
};

struct console_esc {
	bool pending; /* the last byte seen was an unpaired Ctrl-] */
};

/* Feed n bytes typed on the terminal. The bytes for the guest go to out (room
 * for n + 1: a pending Ctrl-] and the byte after it) and their count is
 * returned; *cmds gets the commands typed (enum console_cmd bits). Input after
 * a quit is dropped. A Ctrl-] at the end is held until the next call. */
size_t console_esc_feed(struct console_esc *e, const u8 *in, size_t n, u8 *out, unsigned *cmds);

/* The help text, lines ending in "\n". */
extern const char console_help[];

/* ---- the terminal on fd ---- */

/* fd is a terminal and this process may use it: its process group is the
 * terminal's foreground group, or the terminal is not its controlling one.
 * A background job must not read it or change its modes (SIGTTIN/SIGTTOU). */
bool console_tty_foreground(int fd);
/* Save fd's modes and put it in raw mode (no echo, no line editing, no
 * signals from Ctrl-C/Ctrl-Z/Ctrl-\, no flow control, 8 bits; output
 * processing kept, so "\n" still ends a line). 0 or a negative errno. */
int console_tty_raw(int fd);
/* Put back the saved modes, if any and if fd is still ours (foreground).
 * Async-signal-safe. */
void console_tty_restore(int fd);
/* Raw mode was entered and not yet restored. */
bool console_tty_is_raw(void);
/* Forget the saved modes without touching the terminal (the VMM went to the
 * background: the shell owns the terminal's modes now). */
void console_tty_forget(void);

#endif
