/* SPDX-License-Identifier: MIT */
/*
 * Setup errors: a function that fails records one line saying why and
 * returns a negative errno; main() prints that line and exits non-zero.
 * The line is kept per thread (a vCPU thread's failure is printed by that
 * thread's run loop).
 */
#ifndef VMM_ERR_H
#define VMM_ERR_H

#include <stdbool.h>

__attribute__((format(printf, 2, 3))) int vmm_error(int err, const char *fmt, ...);
const char *vmm_last_error(void);
/* Whether this thread has recorded an error line. */
bool vmm_has_error(void);
/* Non-fatal notes on stderr, prefixed with the program name. */
__attribute__((format(printf, 1, 2))) void vmm_warn(const char *fmt, ...);
extern const char *vmm_prog;

#endif
