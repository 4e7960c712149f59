// SPDX-License-Identifier: MIT
/* dv-kvm: the KVM baseline VMM. Everything but the backend is the shared core. */
#include "kvm.h"

int main(int argc, char **argv)
{
	return vmm_main(argc, argv, &kvm_backend_ops);
}
