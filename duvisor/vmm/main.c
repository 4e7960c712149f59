// SPDX-License-Identifier: MIT
/* duvisor: the user-level hypervisor. Everything but the backend is the shared core. */
#include "dv.h"

int main(int argc, char **argv)
{
	return vmm_main(argc, argv, &dv_backend_ops);
}
