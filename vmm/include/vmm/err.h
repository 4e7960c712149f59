/* SPDX-License-Identifier: MIT */
/*
 * Setup errors: a function that fails records one line saying why and
 * returns a negative errno; main() prints that line and exits non-zero.
 */
#ifndef VMM_ERR_H
#define VMM_ERR_H

__attribute__((format(printf, 2, 3))) int vmm_error(int err, const char *fmt, ...);
const char *vmm_last_error(void);
/* Non-fatal notes on stderr, prefixed with the program name. */
__attribute__((format(printf, 1, 2))) void vmm_warn(const char *fmt, ...);
extern const char *vmm_prog;

#endif
