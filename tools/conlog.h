/* SPDX-License-Identifier: MIT */
/*
 * conlog: read a console log of the modelled host.
 *
 * Every experiment prints on the console: init markers ("DUVISOR-INIT: up"),
 * result rows ("DVRESULT,<csv>") and, when things go wrong, kernel panics and
 * oopses. conlog finds each of these so that tests and result collection read
 * logs one way.
 */
#ifndef DUVISOR_CONLOG_H
#define DUVISOR_CONLOG_H

#include <stdbool.h>
#include <stddef.h>

/* What one line of a console log is. */
enum conlog_kind {
	CONLOG_TEXT,   /* anything else */
	CONLOG_PANIC,  /* kernel panic, oops, BUG, unhandled fault */
	CONLOG_RESULT, /* "DVRESULT,<csv>": one result row */
};

/* Classify one line (without its newline); for a result row, *payload points
 * at the CSV after the tag. */
enum conlog_kind conlog_classify(const char *line, const char **payload);

/* Strip a trailing "\r\n" or "\n" in place; returns the new length. */
size_t conlog_chomp(char *line);

/* True if line contains marker as a whole prefix-anchored match: the marker
 * may follow console noise (timestamps, "[ 1.2]") but must be complete. */
bool conlog_has_marker(const char *line, const char *marker);

#endif
