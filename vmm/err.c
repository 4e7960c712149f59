// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>

#include "vmm/err.h"

const char *vmm_prog = "vmm";
/* Per thread: a vCPU thread's failure does not clobber the main thread's. */
static _Thread_local char last_error[512];

int vmm_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return err > 0 ? -err : err;
}

const char *vmm_last_error(void)
{
	return last_error[0] ? last_error : "unknown error";
}

bool vmm_has_error(void)
{
	return last_error[0] != 0;
}

void vmm_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", vmm_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
